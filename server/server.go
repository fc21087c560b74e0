package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/memflux/memflux"
	"github.com/memflux/memflux/command"
	"github.com/memflux/memflux/internal/resp"
)

// Server serves the Redis protocol for one memflux.DB. It is safe for concurrent use:
// Serve may run on several listeners at once, and Shutdown may be called from any
// goroutine.
type Server struct {
	db     *memflux.DB
	opts   Options
	log    *slog.Logger
	limits resp.Limits

	// exec runs one command on a session. It is the seam through which every command
	// passes; tests replace it (for example with one that panics).
	exec func(s *memflux.Session, args [][]byte) (command.Reply, error)

	// closing is set once by Shutdown or Close; connections read it between commands.
	closing atomic.Bool

	// mu protects listeners, conns and the transitions of closing together with wg.Add,
	// so that no goroutine is added once Shutdown has started waiting.
	mu        sync.Mutex
	listeners []net.Listener
	conns     map[*conn]struct{}

	// wg counts the Serve loops and connection goroutines; Shutdown waits for it.
	wg sync.WaitGroup

	// Statistics for INFO (clients and stats sections).
	clients    atomic.Int64  // connections open now, rejected ones excluded
	totalConns atomic.Uint64 // connections accepted since start
	rejected   atomic.Uint64 // connections refused by MaxClients
	commands   atomic.Uint64 // commands executed, added once per flushed batch
}

// New returns a server for db. A nil opts means the defaults. It registers the server's
// INFO lines (clients, stats) with db.
func New(db *memflux.DB, opts *Options) (*Server, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	o.EnsureDefaults()
	s := &Server{
		db:   db,
		opts: o,
		log:  o.Logger,
		limits: resp.Limits{
			MaxBulkLen:   o.MaxBulkLen,
			MaxArgs:      o.MaxArgs,
			MaxInlineLen: o.MaxInlineLen,
		},
		exec:  execSession,
		conns: make(map[*conn]struct{}),
	}
	db.AddInfoSection("clients", s.infoClients)
	db.AddInfoSection("stats", s.infoStats)
	return s, nil
}

// execSession is the production exec: the session runs the command through the command
// table (authentication, transactions, replies).
func execSession(s *memflux.Session, args [][]byte) (command.Reply, error) {
	return s.Exec(args...)
}

// ListenAndServe listens on Options.Addr and serves until Shutdown or Close, after which
// it returns ErrServerClosed.
func (s *Server) ListenAndServe() error {
	ln, err := net.Listen("tcp", s.opts.Addr)
	if err != nil {
		return fmt.Errorf("server: listen on %s: %w", s.opts.Addr, err)
	}
	return s.Serve(ln)
}

// Serve accepts connections on ln, one goroutine each, until Shutdown or Close (it then
// returns ErrServerClosed) or until ln fails (it returns that error). Serve takes ownership
// of ln and closes it. With Options.TLS set, every connection speaks TLS.
func (s *Server) Serve(ln net.Listener) error {
	if s.opts.TLS != nil {
		ln = tls.NewListener(ln, s.opts.TLS)
	}
	s.mu.Lock()
	if s.closing.Load() {
		s.mu.Unlock()
		ln.Close()
		return ErrServerClosed
	}
	s.listeners = append(s.listeners, ln)
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()
	defer ln.Close()

	var backoff time.Duration
	for {
		nc, err := ln.Accept()
		if err != nil {
			if s.closing.Load() {
				return ErrServerClosed
			}
			if errors.Is(err, net.ErrClosed) {
				return err
			}
			// EMFILE, ECONNABORTED…: transient; back off as net/http does.
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			s.log.Warn("accept failed; retrying", "err", err, "retry_in", backoff)
			time.Sleep(backoff)
			continue
		}
		backoff = 0
		if !s.serveConn(nc) {
			return ErrServerClosed
		}
	}
}

// serveConn starts the goroutine of an accepted connection. It reports false, closing nc,
// once the server is shutting down.
func (s *Server) serveConn(nc net.Conn) bool {
	s.totalConns.Add(1)
	c := newConn(s, nc)
	if !s.track(c) {
		nc.Close()
		return false
	}
	go c.serve()
	return true
}

// track registers a new connection and its goroutine; it reports false once the server is
// shutting down.
func (s *Server) track(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing.Load() {
		return false
	}
	s.conns[c] = struct{}{}
	s.wg.Add(1)
	return true
}

// untrack forgets a finished connection.
func (s *Server) untrack(c *conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

// Addr returns the address of the first listener being served, or nil before Serve has
// started (use the listener's own Addr when Serve runs in another goroutine).
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.listeners) == 0 {
		return nil
	}
	return s.listeners[0].Addr()
}

// aLongTimeAgo is a read deadline in the past: it makes every blocked Read return at once.
var aLongTimeAgo = time.Unix(1, 0)

// Shutdown stops the server gracefully: it closes the listeners, lets every connection
// finish the command it is executing and flush its replies, closes the connections (rolling
// back their open transactions) and waits for every goroutine the server started. If ctx
// ends first, the remaining connections are closed at once and Shutdown returns ctx.Err()
// after their goroutines have exited. It does not close the DB.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing.Store(true)
	for _, ln := range s.listeners {
		ln.Close()
	}
	for c := range s.conns {
		// Wakes a connection blocked reading; one executing a command sees closing after
		// it has written the reply.
		c.nc.SetReadDeadline(aLongTimeAgo)
	}
	s.mu.Unlock()

	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		s.closeConns()
		<-done
		return ctx.Err()
	}
}

// Close stops the server at once: like Shutdown with an expired context, but returns nil.
func (s *Server) Close() error {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Shutdown(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// closeConns closes every open connection.
func (s *Server) closeConns() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.nc.Close()
	}
}

// infoClients writes the server's lines of the INFO clients section.
func (s *Server) infoClients(b *strings.Builder) {
	fmt.Fprintf(b, "connected_clients:%d\r\n", s.clients.Load())
	fmt.Fprintf(b, "maxclients:%d\r\n", s.opts.MaxClients)
	b.WriteString("blocked_clients:0\r\n")
}

// infoStats writes the server's lines of the INFO stats section.
func (s *Server) infoStats(b *strings.Builder) {
	fmt.Fprintf(b, "total_connections_received:%d\r\n", s.totalConns.Load())
	fmt.Fprintf(b, "total_commands_processed:%d\r\n", s.commands.Load())
	fmt.Fprintf(b, "rejected_connections:%d\r\n", s.rejected.Load())
}
