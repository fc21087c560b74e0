package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestBinary builds memflux-server, starts it in an empty directory on a free port, checks
// the config.json it writes, runs a few commands through a Redis client, stops it with
// SIGTERM and expects exit status 0 — then starts it again in the same directory, where
// the configuration and the data must be read back.
func TestBinary(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "memflux-server")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	work := t.TempDir()

	addr, stop := startBinary(t, bin, work)
	data, err := os.ReadFile(filepath.Join(work, "config.json"))
	if err != nil {
		t.Fatalf("config.json not written: %v", err)
	}
	var cfg map[string]any
	if err := json.Unmarshal(data, &cfg); err != nil || len(cfg) != 16 {
		t.Fatalf("config.json has %d keys (%v), want 16:\n%s", len(cfg), err, data)
	}
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	for _, c := range []struct {
		args []any
		want any
	}{
		{[]any{"PING"}, "PONG"},
		{[]any{"SET", "greeting", "hello"}, "OK"},
		{[]any{"GET", "greeting"}, "hello"},
		{[]any{"RPUSH", "list", "a", "b"}, int64(2)},
		{[]any{"LRANGE", "list", "0", "-1"}, []any{"a", "b"}},
	} {
		got, err := rdb.Do(ctx, c.args...).Result()
		if err != nil || !equal(got, c.want) {
			t.Fatalf("%v = %#v, %v; want %#v", c.args, got, err, c.want)
		}
	}
	rdb.Close()
	if code := stop(); code != 0 {
		t.Fatalf("exit status after SIGTERM = %d, want 0", code)
	}

	// Second start: the file now exists and is read back as is, and the data written
	// before the stop is there (persistence is on by default).
	addr, stop = startBinary(t, bin, work)
	rdb = redis.NewClient(&redis.Options{Addr: addr})
	if v, err := rdb.Get(ctx, "greeting").Result(); err != nil || v != "hello" {
		t.Errorf("GET greeting after a restart = %q, %v; want hello", v, err)
	}
	rdb.Close()
	if code := stop(); code != 0 {
		t.Fatalf("exit status of the second run = %d, want 0", code)
	}
	again, _ := os.ReadFile(filepath.Join(work, "config.json"))
	if string(again) != string(data) {
		t.Fatalf("config.json changed by the second run")
	}
}

func equal(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

var listeningRE = regexp.MustCompile(`msg="memflux-server listening" addr=(\S+)`)

// startBinary starts the server in dir with --port 0 and returns the address it logged and
// a function that sends SIGTERM and returns the exit status.
func startBinary(t *testing.T, bin, dir string) (addr string, stop func() int) {
	t.Helper()
	cmd := exec.Command(bin, "--port", "0", "--log-level", "debug")
	cmd.Dir = dir
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sent := false
		for sc.Scan() {
			if m := listeningRE.FindStringSubmatch(sc.Text()); m != nil && !sent {
				found <- m[1]
				sent = true
			}
		}
		io.Copy(io.Discard, stderr)
		close(found)
	}()
	exited := make(chan int, 1)
	wait := func() {
		err := cmd.Wait()
		var ee *exec.ExitError
		switch {
		case err == nil:
			exited <- 0
		case errors.As(err, &ee):
			exited <- ee.ExitCode()
		default:
			exited <- -1
		}
	}
	select {
	case a, ok := <-found:
		if !ok {
			go wait()
			t.Fatalf("memflux-server exited before listening (status %d)", <-exited)
		}
		addr = a
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("memflux-server did not log its address")
	}
	stopped := false
	stop = func() int {
		stopped = true
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatalf("SIGTERM: %v", err)
		}
		go wait()
		select {
		case code := <-exited:
			return code
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			t.Fatal("memflux-server did not exit after SIGTERM")
		}
		return -1
	}
	t.Cleanup(func() {
		if !stopped {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return addr, stop
}
