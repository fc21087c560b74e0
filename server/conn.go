package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime/debug"
	"time"

	"github.com/memflux/memflux"
	"github.com/memflux/memflux/command"
	"github.com/memflux/memflux/internal/resp"
)

// handshakeTimeout bounds a TLS handshake, so a client that connects and says nothing
// cannot hold a goroutine in it forever.
const handshakeTimeout = 10 * time.Second

// rejectTimeout bounds writing the max-clients error to a refused connection.
const rejectTimeout = 2 * time.Second

// lingerTimeout and lingerBytes bound how long, and how much unread input, a connection
// closed for a protocol error drains before the socket is closed.
const (
	lingerTimeout = 500 * time.Millisecond
	lingerBytes   = 1 << 20
)

// maxLoggedName bounds the command names copied into log lines and panic replies.
const maxLoggedName = 64

// conn is one client connection. Its fields are used only by the connection's own
// goroutine (serve), except nc, whose deadline and Close the Server may call concurrently
// (net.Conn allows it).
type conn struct {
	srv  *Server
	nc   net.Conn
	r    *resp.Reader
	w    *resp.Writer
	sess *memflux.Session
	cs   *command.Session
	cmds uint64 // commands executed since the last flush, added to srv.commands by flush
	// broken is set when the connection ends on a protocol error: input the server has not
	// read may be pending.
	broken bool
}

// newConn returns the connection state of an accepted nc.
func newConn(s *Server, nc net.Conn) *conn { return &conn{srv: s, nc: nc} }

// serve runs the connection until the client leaves, a protocol error, QUIT or Shutdown.
func (c *conn) serve() {
	s := c.srv
	defer s.wg.Done()
	defer s.untrack(c)
	defer c.nc.Close()
	if n := s.clients.Add(1); n > int64(s.opts.MaxClients) {
		s.clients.Add(-1)
		s.rejected.Add(1)
		c.reject()
		return
	}
	defer s.clients.Add(-1)
	if tc, ok := c.nc.(*tls.Conn); ok {
		ctx, cancel := context.WithTimeout(context.Background(), handshakeTimeout)
		err := tc.HandshakeContext(ctx)
		cancel()
		if err != nil {
			s.log.Debug("tls handshake failed", "remote", c.nc.RemoteAddr(), "err", err)
			return
		}
	}
	c.sess = s.db.NewSession()
	defer c.sess.Close() // rolls back the open transaction (SPEC §1.1)
	c.cs = c.sess.Command()
	c.cs.SetAddr(c.nc.RemoteAddr().String())
	c.w = resp.NewWriter(c.nc)
	c.r = resp.NewReader(connReader{c}, s.limits)
	c.loop()
	if c.flush() == nil && c.broken {
		c.linger()
	}
}

// linger closes the sending side and drains what the client still sends, for a short
// while, before the socket is closed. Closing a socket with unread input makes the kernel
// send a reset, which can destroy the error reply before the client has read it.
func (c *conn) linger() {
	cw, ok := c.nc.(interface{ CloseWrite() error })
	if !ok || cw.CloseWrite() != nil {
		return
	}
	c.nc.SetReadDeadline(time.Now().Add(lingerTimeout))
	io.CopyN(io.Discard, c.nc, lingerBytes)
}

// reject answers a connection over MaxClients and leaves it to serve to close.
func (c *conn) reject() {
	c.nc.SetDeadline(time.Now().Add(rejectTimeout)) // a TLS handshake reads, too
	w := resp.NewWriter(c.nc)
	w.Error(msgMaxClients)
	if err := w.Flush(); err != nil {
		c.srv.log.Debug("rejecting connection", "remote", c.nc.RemoteAddr(), "err", err)
	}
}

// loop reads and executes requests until the connection must end. Replies accumulate in
// the writer and are flushed once no complete request is left in the read buffer, and in
// any case before the reader blocks on the network (connReader).
func (c *conn) loop() {
	for !c.srv.closing.Load() {
		args, err := c.r.ReadCommand()
		if err != nil {
			if c.readError(err) {
				continue
			}
			return
		}
		c.dispatch(args)
		if c.cs.Quit {
			return
		}
		if c.r.Buffered() == 0 {
			if err := c.flush(); err != nil {
				return
			}
		}
	}
}

// readError answers a bad request and reports whether the connection may continue.
func (c *conn) readError(err error) bool {
	var reqErr *resp.RequestError
	var protoErr *resp.ProtocolError
	switch {
	case errors.As(err, &reqErr):
		c.w.Error(reqErr.Msg)
		return true
	case errors.As(err, &protoErr):
		c.w.Error(protoErr.Msg)
		c.broken = true
		c.srv.log.Debug("protocol error; closing connection", "remote", c.nc.RemoteAddr(), "err", protoErr.Msg)
	case errors.Is(err, io.EOF):
	default:
		if !c.srv.closing.Load() {
			c.srv.log.Debug("connection read failed", "remote", c.nc.RemoteAddr(), "err", err)
		}
	}
	return false
}

// dispatch executes one command and appends its reply to the writer.
func (c *conn) dispatch(args [][]byte) {
	reply, err := c.execRecover(args)
	// HELLO may have switched the protocol; its own reply already uses the new one.
	if p := c.cs.Proto(); p != c.w.Protocol() {
		c.w.SetProtocol(p)
	}
	if err != nil {
		c.w.Error(err.Error())
	} else {
		writeReply(c.w, &reply)
	}
	c.cmds++
}

// execRecover runs the command, turning a panic into an error reply so that the
// connection and the server keep serving.
func (c *conn) execRecover(args [][]byte) (reply command.Reply, err error) {
	defer func() {
		if p := recover(); p != nil {
			name := commandName(args)
			c.srv.log.Error("command panicked",
				"command", name,
				"remote", c.nc.RemoteAddr(),
				"panic", fmt.Sprint(p),
				"stack", string(debug.Stack()))
			reply, err = command.Reply{}, fmt.Errorf(msgPanic, name)
		}
	}()
	return c.srv.exec(c.sess, args)
}

// commandName returns the upper-cased command name for logs, bounded in length.
func commandName(args [][]byte) string {
	if len(args) == 0 {
		return ""
	}
	name := args[0]
	if len(name) > maxLoggedName {
		name = name[:maxLoggedName]
	}
	b := make([]byte, len(name))
	for i, ch := range name {
		if 'a' <= ch && ch <= 'z' {
			ch -= 'a' - 'A'
		}
		b[i] = ch
	}
	return string(b)
}

// flush writes the buffered replies and publishes the command count.
func (c *conn) flush() error {
	if c.cmds > 0 {
		c.srv.commands.Add(c.cmds)
		c.cmds = 0
	}
	if c.w == nil {
		return nil
	}
	return c.w.Flush()
}

// connReader is the connection as the request reader sees it: it flushes pending replies
// before every network read, so a client is never left waiting for replies while the
// server waits for the rest of a request. Like conn, it is used by the connection's
// goroutine only.
type connReader struct{ c *conn }

// Read flushes the pending replies, then reads from the network.
func (cr connReader) Read(p []byte) (int, error) {
	if cr.c.w.Buffered() > 0 {
		if err := cr.c.flush(); err != nil {
			return 0, err
		}
	}
	return cr.c.nc.Read(p)
}
