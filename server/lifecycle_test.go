package server

import (
	"context"
	"errors"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/memflux/memflux"
	"github.com/memflux/memflux/command"
)

// TestPanicInCommand makes the dispatch seam panic for one command name: the client gets
// an error reply, the panic is logged with the command name, and the connection, its
// transaction and the server keep working.
func TestPanicInCommand(t *testing.T) {
	ts := startServerWith(t, nil, func(s *Server) {
		s.exec = func(sess *memflux.Session, args [][]byte) (command.Reply, error) {
			if strings.EqualFold(string(args[0]), "BOOM") {
				i := len(args)
				_ = args[i] // a real runtime panic: index out of range
			}
			return execSession(sess, args)
		}
	})
	rc := ts.dial(t)
	wantErr := "-ERR internal error while executing 'BOOM' (see the server log)\r\n"
	rc.send(encodeCommand("BEGIN") + encodeCommand("SET", "a", "1") + encodeCommand("boom", "x") + encodeCommand("GET", "a"))
	rc.expect("+OK\r\n")
	rc.expect("+OK\r\n")
	rc.expect(wantErr)
	rc.expect("$1\r\n1\r\n") // the transaction is still open and intact
	if got := rc.do("COMMIT"); got != "+OK\r\n" {
		t.Fatalf("COMMIT after a panic = %q", got)
	}
	if got := ts.dial(t).do("GET", "a"); got != "$1\r\n1\r\n" {
		t.Fatalf("GET a from another connection = %q", got)
	}
	rc.send("BOOM\r\n")
	rc.expect(wantErr)
	if got := rc.do("PING"); got != "+PONG\r\n" {
		t.Fatalf("PING after a panic = %q", got)
	}
	logs := ts.logs.String()
	if !strings.Contains(logs, `msg="command panicked" command=BOOM`) || !strings.Contains(logs, "index out of range") {
		t.Fatalf("panic not logged with the command name:\n%s", logs)
	}
}

// TestMaxClients checks that the connection over the limit is refused with the Redis
// error and closed, that a freed slot can be reused, and that INFO counts both.
func TestMaxClients(t *testing.T) {
	ts := startServer(t, func(_ *memflux.Config, o *Options) { o.MaxClients = 2 })
	a, b := ts.dial(t), ts.dial(t)
	for _, rc := range []*rawConn{a, b} {
		if got := rc.do("PING"); got != "+PONG\r\n" {
			t.Fatalf("PING = %q", got)
		}
	}
	over := ts.dial(t)
	over.expect("-ERR max number of clients reached\r\n")
	over.expectClosed()

	b.c.Close()
	waitFor(t, "the closed connection to free its slot", func() bool {
		return strings.Contains(a.do("INFO", "clients"), "connected_clients:1\r\n")
	})
	c := ts.dial(t)
	if got := c.do("PING"); got != "+PONG\r\n" {
		t.Fatalf("PING on a freed slot = %q", got)
	}
	stats := a.do("INFO", "stats")
	for _, want := range []string{"total_connections_received:4\r\n", "rejected_connections:1\r\n"} {
		if !strings.Contains(stats, want) {
			t.Errorf("INFO stats lacks %q:\n%s", want, stats)
		}
	}
}

// blockingExec returns an exec seam that blocks the command SLOW until release is closed,
// signalling entered when it starts.
func blockingExec(entered chan<- struct{}, release <-chan struct{}) func(*memflux.Session, [][]byte) (command.Reply, error) {
	return func(sess *memflux.Session, args [][]byte) (command.Reply, error) {
		if string(args[0]) == "SLOW" {
			entered <- struct{}{}
			<-release
			return command.Simple("DONE"), nil
		}
		return execSession(sess, args)
	}
}

// TestShutdownGraceful checks that Shutdown lets the executing command finish and deliver
// its reply, closes idle connections (rolling back their transactions), refuses new ones
// and waits for every goroutine.
func TestShutdownGraceful(t *testing.T) {
	entered, release := make(chan struct{}, 1), make(chan struct{})
	ts := startServerWith(t, nil, func(s *Server) { s.exec = blockingExec(entered, release) })
	idle := ts.dial(t)
	idle.send(encodeCommand("BEGIN") + encodeCommand("SET", "uncommitted", "1"))
	idle.expect("+OK\r\n")
	idle.expect("+OK\r\n")
	busy := ts.dial(t)
	busy.send(encodeCommand("SLOW") + encodeCommand("PING"))
	<-entered

	done := make(chan error, 1)
	go func() { done <- ts.srv.Shutdown(context.Background()) }()
	idle.expectClosed()
	select {
	case err := <-done:
		t.Fatalf("Shutdown returned %v while a command was executing", err)
	case <-time.After(50 * time.Millisecond):
	}
	if _, err := net.DialTimeout("tcp", ts.addr, time.Second); err == nil {
		// The listener is closed; a connect that races it must at least not be served.
		t.Log("dial after Shutdown connected (listener backlog); not served")
	}
	close(release)
	busy.expect("+DONE\r\n") // the in-flight command completes and is answered
	busy.expectClosed()      // the pipelined PING is not started
	if err := <-done; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	s := ts.db.NewSession()
	defer s.Close()
	if r, _ := s.Do("GET", "uncommitted"); r.Kind != command.KindNil {
		t.Errorf("uncommitted write visible after shutdown: %v", r)
	}
	if r, _ := s.Do("INFO", "stats"); !strings.Contains(r.Str, "open_transactions:0\r\n") {
		t.Errorf("transactions left open after shutdown:\n%s", r.Str)
	}
	if err := ts.srv.Serve(mustListen(t)); !errors.Is(err, ErrServerClosed) {
		t.Errorf("Serve after Shutdown = %v, want ErrServerClosed", err)
	}
}

// TestShutdownDeadline checks that an expired context closes the remaining connections
// and reports the context's error once every goroutine has exited.
func TestShutdownDeadline(t *testing.T) {
	entered, release := make(chan struct{}, 1), make(chan struct{})
	ts := startServerWith(t, nil, func(s *Server) { s.exec = blockingExec(entered, release) })
	busy := ts.dial(t)
	busy.send(encodeCommand("SLOW"))
	<-entered
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	var releaseOnce sync.Once
	unblock := func() { releaseOnce.Do(func() { close(release) }) }
	defer unblock() // also when the test fails before the command is released
	shutdown := make(chan error, 1)
	go func() { shutdown <- ts.srv.Shutdown(ctx) }()
	// The command is still blocked, so only the expired context can close the connection;
	// Shutdown then waits for the connection's goroutine, which the command holds.
	busy.expectClosed()
	unblock()
	if err := <-shutdown; !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown = %v, want DeadlineExceeded", err)
	}
}

// TestShutdownLeavesNoGoroutines opens many connections in various states and checks that
// every goroutine the server started is gone after Shutdown.
func TestShutdownLeavesNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	cfg := memflux.DefaultConfig()
	cfg.Persistence = false
	cfg.VacuumInterval = -1
	db, err := memflux.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	srv, err := New(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	ln := mustListen(t)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	var conns []net.Conn
	for i := range 20 {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		switch i % 3 {
		case 0:
			c.Write([]byte(encodeCommand("BEGIN")))
		case 1:
			c.Write([]byte("*3\r\n$3\r\nSET\r\n")) // mid-request
		}
		conns = append(conns, c)
	}
	waitFor(t, "every connection to be accepted", func() bool { return srv.clients.Load() == 20 })
	if err := srv.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := <-served; !errors.Is(err, ErrServerClosed) {
		t.Fatalf("Serve = %v", err)
	}
	for _, c := range conns {
		c.Close()
	}
	waitFor(t, "the server's goroutines to exit", func() bool { return runtime.NumGoroutine() <= before+1 })
}

func mustListen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// TestOptions checks defaults and validation.
func TestOptions(t *testing.T) {
	o := (&Options{}).EnsureDefaults()
	if o.Addr != DefaultAddr || o.MaxClients != DefaultMaxClients || o.MaxBulkLen != DefaultMaxBulkLen ||
		o.MaxArgs != DefaultMaxArgs || o.MaxInlineLen != DefaultMaxInlineLen || o.Logger == nil {
		t.Fatalf("EnsureDefaults = %+v", o)
	}
	for _, bad := range []Options{{MaxClients: -1}, {MaxBulkLen: -1}, {MaxArgs: -1}, {MaxInlineLen: -1}} {
		if err := bad.Validate(); !errors.Is(err, ErrOptions) {
			t.Errorf("Validate(%+v) = %v, want ErrOptions", bad, err)
		}
		if _, err := New(nil, &bad); !errors.Is(err, ErrOptions) {
			t.Errorf("New with %+v = %v, want ErrOptions", bad, err)
		}
	}
}

// TestListenAndServe checks the Options.Addr path and Addr.
func TestListenAndServe(t *testing.T) {
	cfg := memflux.DefaultConfig()
	cfg.Persistence = false
	db, err := memflux.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	srv, err := New(db, &Options{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	if srv.Addr() != nil {
		t.Fatalf("Addr before serving = %v", srv.Addr())
	}
	served := make(chan error, 1)
	go func() { served <- srv.ListenAndServe() }()
	waitFor(t, "the server to listen", func() bool { return srv.Addr() != nil })
	ts := &testServer{srv: srv, db: db, addr: srv.Addr().String()}
	if got := ts.dial(t).do("PING"); got != "+PONG\r\n" {
		t.Fatalf("PING = %q", got)
	}
	srv.Close()
	if err := <-served; !errors.Is(err, ErrServerClosed) {
		t.Fatalf("ListenAndServe = %v, want ErrServerClosed", err)
	}
	bad, _ := New(db, &Options{Addr: "256.0.0.1:99999"})
	if err := bad.ListenAndServe(); err == nil || errors.Is(err, ErrServerClosed) {
		t.Fatalf("ListenAndServe on a bad address = %v", err)
	}
}
