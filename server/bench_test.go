package server

import (
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/memflux/memflux/command"
	"github.com/memflux/memflux/internal/resp"
)

// loopConn is a net.Conn that serves the same batch of requests over and over, n
// requests in all, and discards the replies: the server's cost per command without a
// network.
type loopConn struct {
	batch   []byte
	perCall int // requests in batch
	left    int // requests still to deliver
	off     int
	written int64
}

func (c *loopConn) Read(p []byte) (int, error) {
	if c.left <= 0 && c.off == 0 {
		return 0, io.EOF
	}
	n := copy(p, c.batch[c.off:])
	c.off += n
	if c.off == len(c.batch) {
		c.off = 0
		c.left -= c.perCall
	}
	return n, nil
}

func (c *loopConn) Write(p []byte) (int, error) {
	c.written += int64(len(p))
	return len(p), nil
}
func (c *loopConn) Close() error                       { return nil }
func (c *loopConn) LocalAddr() net.Addr                { return scriptAddr{} }
func (c *loopConn) RemoteAddr() net.Addr               { return scriptAddr{} }
func (c *loopConn) SetDeadline(t time.Time) error      { return nil }
func (c *loopConn) SetReadDeadline(t time.Time) error  { return nil }
func (c *loopConn) SetWriteDeadline(t time.Time) error { return nil }

// benchCommands are the commands redis-benchmark sends, as it sends them.
var benchCommands = map[string][]string{
	"SET":   {"SET", "key:__rand_int__", "xxx"},
	"GET":   {"GET", "key:__rand_int__"},
	"LPUSH": {"LPUSH", "mylist", "xxx"},
	"SADD":  {"SADD", "myset", "element:__rand_int__"},
	"PING":  {"PING"},
}

// BenchmarkConnLoop measures the server's cost per command — decoding, dispatch through
// the command table, encoding — on one connection without a network, with pipelines of 1
// and 16 commands.
func BenchmarkConnLoop(b *testing.B) {
	for _, name := range []string{"PING", "GET", "SET", "LPUSH", "SADD"} {
		for _, p := range []int{1, 16} {
			b.Run(fmt.Sprintf("cmd=%s/pipeline=%d", name, p), func(b *testing.B) {
				ts := startServer(b, nil)
				one := encodeCommand(benchCommands[name]...)
				lc := &loopConn{batch: []byte(strings.Repeat(one, p)), perCall: p, left: b.N}
				c := newConn(ts.srv, lc)
				if !ts.srv.track(c) {
					b.Fatal("server closed")
				}
				b.ReportAllocs()
				b.SetBytes(int64(len(one)))
				b.ResetTimer()
				c.serve()
			})
		}
	}
}

// BenchmarkServer measures round trips over loopback TCP with a raw client: one
// connection, or 50 connections in parallel as redis-benchmark -c 50 does.
func BenchmarkServer(b *testing.B) {
	for _, name := range []string{"GET", "SET"} {
		for _, p := range []int{1, 16} {
			for _, conns := range []int{1, 50} {
				b.Run(fmt.Sprintf("cmd=%s/pipeline=%d/conns=%d", name, p, conns), func(b *testing.B) {
					benchRoundTrips(b, name, p, conns)
				})
			}
		}
	}
}

func benchRoundTrips(b *testing.B, name string, p, conns int) {
	ts := startServer(b, nil)
	setup := ts.dial(b)
	setup.do("SET", "key:__rand_int__", "xxx")
	batch := []byte(strings.Repeat(encodeCommand(benchCommands[name]...), p))
	reply := map[string]string{"GET": "$3\r\nxxx\r\n", "SET": "+OK\r\n"}[name]
	replyLen := len(reply) * p
	var wg sync.WaitGroup
	per := (b.N + conns*p - 1) / (conns * p) // batches per connection
	clients := make([]net.Conn, conns)
	for i := range clients {
		clients[i] = ts.dial(b).c
	}
	b.ReportAllocs()
	b.ResetTimer()
	for _, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, replyLen)
			for range per {
				if _, err := c.Write(batch); err != nil {
					b.Error(err)
					return
				}
				if _, err := io.ReadFull(c, buf); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// BenchmarkWriteReply measures reply encoding alone.
func BenchmarkWriteReply(b *testing.B) {
	replies := map[string]command.Reply{
		"ok":    command.OK(),
		"bulk":  command.Bulk("value-of-some-length"),
		"array": command.Strings([]string{"a", "bb", "ccc", "dddd", "eeeee"}),
		"map":   command.Map([]command.Reply{command.Bulk("k"), command.Int(1), command.Bulk("l"), command.Nil()}),
	}
	for name, r := range replies {
		for _, proto := range []int{2, 3} {
			b.Run(fmt.Sprintf("reply=%s/resp=%d", name, proto), func(b *testing.B) {
				w := resp.NewWriter(io.Discard)
				w.SetProtocol(proto)
				b.ReportAllocs()
				for range b.N {
					writeReply(w, &r)
					if w.Buffered() > 32<<10 {
						w.Flush()
					}
				}
			})
		}
	}
}
