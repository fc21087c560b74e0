package crash

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

var (
	long      = flag.Bool("long", false, "run the long crash tests (200 cycles, 1M-key snapshots)")
	cycles    = flag.Int("cycles", 0, "crash cycles of TestCrashRecovery (0: 20, or 200 with -long)")
	seedFlag  = flag.Uint64("seed", 0, "seed of the random kill times and writes (0: from the clock)")
	serverBin = flag.String("server", "", "use this memflux-server binary instead of building one")
)

// binary builds cmd/memflux-server once per test process.
var binary struct {
	once sync.Once
	path string
	err  error
	dir  string
}

// serverBinary returns the path of a freshly built memflux-server.
func serverBinary(t *testing.T) string {
	t.Helper()
	if *serverBin != "" {
		return *serverBin
	}
	binary.once.Do(func() {
		binary.dir, binary.err = os.MkdirTemp("", "memflux-crash-bin-")
		if binary.err != nil {
			return
		}
		binary.path = filepath.Join(binary.dir, "memflux-server")
		cmd := exec.Command("go", "build", "-o", binary.path, "github.com/memflux/memflux/cmd/memflux-server")
		out, err := cmd.CombinedOutput()
		if err != nil {
			binary.err = fmt.Errorf("go build ./cmd/memflux-server: %w\n%s", err, out)
		}
	})
	if binary.err != nil {
		t.Fatal(binary.err)
	}
	return binary.path
}

// quietLogger drops go-redis's own log lines: failed dials are expected here, since the
// tests kill the server under its clients.
type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}

// TestMain silences go-redis and removes the built binary after the tests.
func TestMain(m *testing.M) {
	flag.Parse()
	redis.SetLogger(quietLogger{})
	code := m.Run()
	if binary.dir != "" {
		os.RemoveAll(binary.dir)
	}
	os.Exit(code)
}

// server is one run of memflux-server on a data directory.
type server struct {
	t    *testing.T
	dir  string
	addr string
	cmd  *exec.Cmd
	out  *os.File // stdout and stderr of every run, appended
	done chan error
}

// config is the config.json of the crash tests.
func writeConfig(t *testing.T, dir string, extra map[string]any) string {
	t.Helper()
	cfg := map[string]any{
		"host":                  "127.0.0.1",
		"durability":            "full",
		"wal_size_threshold_mb": 1,
	}
	for k, v := range extra {
		cfg[k] = v
	}
	data, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "config.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// startServer starts memflux-server on dataDir with the config at cfgPath, on a free
// loopback port, and waits until it answers PING.
func startServer(t *testing.T, dataDir, cfgPath string, logFile *os.File) *server {
	t.Helper()
	bin := serverBinary(t)
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		port := freePort(t)
		s := &server{t: t, dir: dataDir, addr: "127.0.0.1:" + strconv.Itoa(port), out: logFile, done: make(chan error, 1)}
		fmt.Fprintf(logFile, "=== start %s on %s\n", time.Now().Format(time.TimeOnly), s.addr)
		s.cmd = exec.Command(bin, "--config", cfgPath, "--dir", dataDir, "--port", strconv.Itoa(port))
		s.cmd.Stdout, s.cmd.Stderr = logFile, logFile
		if err := s.cmd.Start(); err != nil {
			t.Fatalf("start %s: %v", bin, err)
		}
		go func() { s.done <- s.cmd.Wait() }()
		if lastErr = s.waitReady(60 * time.Second); lastErr == nil {
			return s
		}
		s.kill()
	}
	t.Fatalf("memflux-server did not start: %v\n%s", lastErr, tail(logFile))
	return nil
}

// waitReady polls PING until the server answers, it exits, or the timeout passes (a
// restart replays the data first).
func (s *server) waitReady(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case err := <-s.done:
			s.done <- err
			return fmt.Errorf("server exited: %v", err)
		default:
		}
		c := s.client()
		err := c.Ping(context.Background()).Err()
		c.Close()
		if err == nil {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("no PONG within %v", timeout)
}

// client returns a go-redis client for the server: RESP2, no retries (a retried write
// could be applied twice by a server that got the first one), one connection at most per
// goroutine using it.
func (s *server) client() *redis.Client {
	return redis.NewClient(&redis.Options{
		Addr:            s.addr,
		Protocol:        2,
		DisableIdentity: true,
		MaxRetries:      -1,
		DialerRetries:   1,
		DialTimeout:     2 * time.Second,
		ReadTimeout:     20 * time.Second,
		WriteTimeout:    20 * time.Second,
		PoolSize:        4,
	})
}

// kill sends SIGKILL and waits for the process to be gone (if it is not already).
func (s *server) kill() {
	s.cmd.Process.Signal(syscall.SIGKILL)
	err := <-s.done
	s.done <- err
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		s.t.Errorf("wait for the killed server: %v", err)
	}
	fmt.Fprintf(s.out, "=== killed %s\n", time.Now().Format(time.TimeOnly))
}

// stuck handles a request that timed out: it sends SIGQUIT, so the server's log gets the
// stack of every goroutine (a deadlock shows there), waits for the process, and fails the
// test.
func (s *server) stuck(what string, err error) {
	s.t.Helper()
	s.cmd.Process.Signal(syscall.SIGQUIT)
	select {
	case err := <-s.done:
		s.done <- err
	case <-time.After(5 * time.Second):
	}
	s.t.Fatalf("%s: %v (the server's goroutines are dumped in its log)", what, err)
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// tail returns the last lines of the server log, for failure messages.
func tail(f *os.File) string {
	data, err := os.ReadFile(f.Name())
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-40):], "\n")
}

// serverLog creates the file every run of a test's server logs to.
func serverLog(t *testing.T) *os.File {
	t.Helper()
	f, err := os.Create(filepath.Join(t.TempDir(), "server.log"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server log (tail):\n%s", tail(f))
			if data, err := os.ReadFile(f.Name()); err == nil && len(data) > 0 {
				keep := filepath.Join(os.TempDir(), fmt.Sprintf("memflux-%s-%d.log", t.Name(), os.Getpid()))
				if os.WriteFile(keep, data, 0o644) == nil {
					t.Logf("whole server log kept in %s", keep)
				}
			}
		}
		f.Close()
	})
	return f
}
