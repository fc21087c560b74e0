package server

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/memflux/memflux"
	"github.com/redis/go-redis/v9"
)

// testServer is a server started on a free loopback port for one test.
type testServer struct {
	srv  *Server
	db   *memflux.DB
	addr string
	logs *syncBuffer
}

// syncBuffer is a bytes.Buffer safe for concurrent use (the server logs from connection
// goroutines).
type syncBuffer struct {
	// mu protects b.
	mu sync.Mutex
	b  bytes.Buffer
}

func (sb *syncBuffer) Write(p []byte) (int, error) {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	return sb.b.Write(p)
}

func (sb *syncBuffer) String() string {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	return sb.b.String()
}

// startServer opens an in-memory database and serves it on 127.0.0.1:0 until the test
// ends. mod, if not nil, adjusts the configuration and options first.
func startServer(t testing.TB, mod func(cfg *memflux.Config, o *Options)) *testServer {
	t.Helper()
	return startServerWith(t, mod, nil)
}

// startServerWith is startServer with a hook that may adjust the Server (its exec seam)
// before it starts serving.
func startServerWith(t testing.TB, mod func(cfg *memflux.Config, o *Options), before func(*Server)) *testServer {
	t.Helper()
	cfg := memflux.DefaultConfig()
	cfg.Persistence = false
	cfg.Dir = t.TempDir()
	cfg.VacuumInterval = -1
	logs := &syncBuffer{}
	opts := Options{Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	if mod != nil {
		mod(&cfg, &opts)
	}
	db, err := memflux.Open(cfg)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	srv, err := New(db, &opts)
	if err != nil {
		t.Fatalf("new server: %v", err)
	}
	if before != nil {
		before(srv)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-served; !errors.Is(err, ErrServerClosed) {
			t.Errorf("Serve returned %v, want ErrServerClosed", err)
		}
		db.Close()
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	return &testServer{srv: srv, db: db, addr: ln.Addr().String(), logs: logs}
}

// rawConn is a plain socket to the server for byte-exact tests.
type rawConn struct {
	t  testing.TB
	c  net.Conn
	br *bufio.Reader
}

// ioTimeout bounds every read of a test client, so a missing reply fails instead of
// hanging.
const ioTimeout = 10 * time.Second

func (ts *testServer) dial(t testing.TB) *rawConn {
	t.Helper()
	c, err := net.DialTimeout("tcp", ts.addr, ioTimeout)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return &rawConn{t: t, c: c, br: bufio.NewReader(c)}
}

// send writes raw bytes.
func (rc *rawConn) send(s string) {
	rc.t.Helper()
	rc.c.SetWriteDeadline(time.Now().Add(ioTimeout))
	if _, err := io.WriteString(rc.c, s); err != nil {
		rc.t.Fatalf("write %q: %v", trunc(s), err)
	}
}

// do sends one command as a RESP array and returns its reply's raw bytes.
func (rc *rawConn) do(args ...string) string {
	rc.t.Helper()
	rc.send(encodeCommand(args...))
	return rc.reply()
}

// reply reads one complete reply and returns its raw bytes.
func (rc *rawConn) reply() string {
	rc.t.Helper()
	rc.c.SetReadDeadline(time.Now().Add(ioTimeout))
	raw, _, err := readReply(rc.br)
	if err != nil {
		rc.t.Fatalf("reading reply: %v", err)
	}
	return string(raw)
}

// expect reads one reply and compares its raw bytes.
func (rc *rawConn) expect(want string) {
	rc.t.Helper()
	if got := rc.reply(); got != want {
		rc.t.Fatalf("reply = %q, want %q", got, want)
	}
}

// expectClosed checks that the server closes the connection without sending anything
// more.
func (rc *rawConn) expectClosed() {
	rc.t.Helper()
	rc.c.SetReadDeadline(time.Now().Add(ioTimeout))
	b, err := io.ReadAll(rc.br)
	if len(b) > 0 {
		rc.t.Fatalf("expected the connection to close, got %q", trunc(string(b)))
	}
	if err != nil && !isConnReset(err) {
		rc.t.Fatalf("expected EOF, got %v", err)
	}
}

// isConnReset reports errors that mean the peer closed the connection (a reset arrives
// instead of EOF when the server closes with unread input).
func isConnReset(err error) bool {
	return strings.Contains(err.Error(), "connection reset") || strings.Contains(err.Error(), "broken pipe")
}

// encodeCommand renders args as a RESP array of bulk strings.
func encodeCommand(args ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	return b.String()
}

func trunc(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

// value is a decoded reply, for tests that look inside replies.
type value struct {
	kind  byte // the RESP type byte: + - : $ * % ~ , = _ #
	str   string
	num   int64
	null  bool // $-1, *-1 or _
	elems []value
}

// maxTestReplyLen bounds what readReply accepts, so a corrupt length cannot make a test
// allocate without bound.
const maxTestReplyLen = 1 << 30

// readReply reads one RESP2 or RESP3 reply: its raw bytes and its decoded value.
func readReply(br *bufio.Reader) ([]byte, value, error) {
	var raw []byte
	v, err := readValue(br, &raw, 0)
	return raw, v, err
}

func readValue(br *bufio.Reader, raw *[]byte, depth int) (value, error) {
	if depth > 64 {
		return value{}, errors.New("reply nested too deeply")
	}
	line, err := br.ReadBytes('\n')
	*raw = append(*raw, line...)
	if err != nil {
		return value{}, err
	}
	if len(line) < 3 || line[len(line)-2] != '\r' {
		return value{}, fmt.Errorf("malformed reply line %q", line)
	}
	v := value{kind: line[0]}
	body := string(line[1 : len(line)-2])
	switch v.kind {
	case '+', '-':
		v.str = body
	case ':':
		if v.num, err = strconv.ParseInt(body, 10, 64); err != nil {
			return v, fmt.Errorf("bad integer reply %q", line)
		}
	case ',':
		v.str = body
	case '#':
		v.str = body
	case '_':
		v.null = true
	case '$', '=':
		n, err := strconv.Atoi(body)
		if err != nil || n < -1 || n > maxTestReplyLen {
			return v, fmt.Errorf("bad bulk length %q", line)
		}
		if n == -1 {
			v.null = true
			return v, nil
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(br, buf); err != nil {
			return v, err
		}
		*raw = append(*raw, buf...)
		if buf[n] != '\r' || buf[n+1] != '\n' {
			return v, fmt.Errorf("bulk reply not terminated by CRLF")
		}
		v.str = string(buf[:n])
	case '*', '%', '~':
		n, err := strconv.Atoi(body)
		if err != nil || n < -1 || n > maxTestReplyLen {
			return v, fmt.Errorf("bad aggregate length %q", line)
		}
		if n == -1 {
			v.null = true
			return v, nil
		}
		if v.kind == '%' {
			n *= 2
		}
		for range n {
			e, err := readValue(br, raw, depth+1)
			if err != nil {
				return v, err
			}
			v.elems = append(v.elems, e)
		}
	default:
		return v, fmt.Errorf("unknown reply type %q", line)
	}
	return v, nil
}

// oneConn returns a go-redis client with exactly one connection that is never replaced
// behind the test's back: no retries, and timeouts long enough for a loaded machine (a
// retried command on a new connection would lose the connection's transaction).
func oneConn(addr string, proto int) *redis.Client {
	return redis.NewClient(&redis.Options{
		Addr: addr, Protocol: proto, PoolSize: 1, MaxRetries: -1,
		ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second,
	})
}

// waitFor polls cond until it holds or the timeout expires.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(ioTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
