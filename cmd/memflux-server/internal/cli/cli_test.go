package cli

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/memflux/memflux"
	"github.com/redis/go-redis/v9"
)

// syncBuffer collects a run's output; the server logs from several goroutines.
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

// run is one execution of Main in the background.
type run struct {
	stop   context.CancelFunc
	status chan int
	stdout *syncBuffer
	stderr *syncBuffer
	addr   string
}

var addrRE = regexp.MustCompile(`msg="memflux-server listening" addr=(\S+)`)

// startRun runs Main with args and waits until it listens. The run is stopped at the end
// of the test if the test has not stopped it.
func startRun(t *testing.T, args ...string) *run {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &run{stop: cancel, status: make(chan int, 1), stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	go func() { r.status <- Main(ctx, args, r.stdout, r.stderr) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.status:
		case <-time.After(20 * time.Second):
			t.Errorf("Main did not return after its context ended")
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		if m := addrRE.FindStringSubmatch(r.stderr.String()); m != nil {
			r.addr = m[1]
			return r
		}
		select {
		case code := <-r.status:
			t.Fatalf("Main exited with %d before listening:\n%s", code, r.stderr.String())
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("Main did not start listening:\n%s", r.stderr.String())
		}
	}
}

// finish stops the run as SIGTERM would and returns its exit status.
func (r *run) finish(t *testing.T) int {
	t.Helper()
	r.stop()
	select {
	case code := <-r.status:
		r.status <- code // for the cleanup
		return code
	case <-time.After(20 * time.Second):
		t.Fatal("Main did not return after its context ended")
	}
	return -1
}

// runToEnd runs Main to completion (it must fail or print help) and returns its status.
func runToEnd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out, errOut syncBuffer
	code = Main(ctx, args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// TestDefaultConfigWritten starts with no config.json: the defaults are written (16 keys,
// 2-space indent, SPEC §10 order) and used; the server answers; a stop exits 0.
func TestDefaultConfigWritten(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "config.json")
	r := startRun(t, "--config", cfgPath, "--port", "0", "--dir", dir)
	data, err := os.ReadFile(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := memflux.DefaultConfig().MarshalIndent()
	if string(data) != string(want)+"\n" {
		t.Fatalf("config.json =\n%s\nwant\n%s", data, want)
	}
	keys := jsonKeys(t, data)
	wantKeys := []string{"host", "port", "requirepass", "persistence", "durability", "wal_file",
		"wal_overflow_file", "snapshot_file", "snapshot_temp_file", "wal_size_threshold_mb",
		"maxmemory_mb", "eviction_policy", "isolation_level", "encrypt", "cert_file", "key_file"}
	if strings.Join(keys, ",") != strings.Join(wantKeys, ",") {
		t.Fatalf("config.json keys = %v, want %v", keys, wantKeys)
	}
	if !strings.Contains(string(data), "\n  \"host\": \"127.0.0.1\",\n") {
		t.Fatalf("config.json is not indented with 2 spaces:\n%s", data)
	}

	rdb := redis.NewClient(&redis.Options{Addr: r.addr})
	defer rdb.Close()
	ctx := context.Background()
	if err := rdb.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if v, _ := rdb.Get(ctx, "k").Result(); v != "v" {
		t.Fatalf("GET k = %q", v)
	}
	if code := r.finish(t); code != 0 {
		t.Fatalf("exit status %d after stop, want 0:\n%s", code, r.stderr.String())
	}
	for _, line := range []string{`msg="wrote a default configuration file"`, `msg="shutting down"`, "msg=stopped"} {
		if !strings.Contains(r.stderr.String(), line) {
			t.Errorf("log lacks %s:\n%s", line, r.stderr.String())
		}
	}
}

// jsonKeys returns the top-level keys of a JSON object in file order.
func jsonKeys(t *testing.T, data []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not a JSON object: %v", err)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

// TestConfigFileAndFlags checks that the file is read (missing keys default, unknown keys
// warn) and that flags override it.
func TestConfigFileAndFlags(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "my.json")
	os.WriteFile(cfgPath, []byte(`{"host": "127.0.0.1", "port": 1, "requirepass": "fromfile",
		"isolation_level": "snapshot", "persistence": false, "colour": "blue"}`), 0o644)
	r := startRun(t, "--config", cfgPath, "--port", "0", "--requirepass", "fromflag", "--eviction-policy", "lfu")
	if !strings.Contains(r.stderr.String(), `msg="unknown configuration key ignored"`) || !strings.Contains(r.stderr.String(), "key=colour") {
		t.Errorf("no warning for the unknown key:\n%s", r.stderr.String())
	}
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Addr: r.addr, Password: "fromflag"})
	defer rdb.Close()
	got, err := rdb.ConfigGet(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{
		"requirepass":      "fromflag",    // flag over file
		"isolation_level":  "snapshot",    // file
		"persistence":      "false",       // file
		"eviction_policy":  "lfu",         // flag
		"durability":       "fsync",       // default
		"wal_file":         "memflux.wal", // default
		"snapshot_file":    "memflux.snapshot",
		"maxmemory-policy": "lfu",
	} {
		if got[k] != want {
			t.Errorf("CONFIG GET %s = %q, want %q", k, got[k], want)
		}
	}
	if code := r.finish(t); code != 0 {
		t.Fatalf("exit status %d", code)
	}
}

// TestBadConfig checks that invalid files and flag values stop the server with an error
// naming the key, and that the server never starts.
func TestBadConfig(t *testing.T) {
	cases := []struct {
		name, file string
		args       []string
		wantCode   int
		wantErr    string
	}{
		{name: "invalid JSON", file: `{"port": 8360,`, wantCode: 1, wantErr: "not a JSON object"},
		{name: "not an object", file: `[1, 2]`, wantCode: 1, wantErr: "not a JSON object"},
		{name: "wrong type", file: `{"port": "8360"}`, wantCode: 1, wantErr: `key \"port\"`},
		{name: "float port", file: `{"port": 83.6}`, wantCode: 1, wantErr: `key \"port\"`},
		{name: "wrong bool", file: `{"encrypt": "yes"}`, wantCode: 1, wantErr: `key \"encrypt\"`},
		{name: "bad enum", file: `{"durability": "sometimes"}`, wantCode: 1, wantErr: `key \"durability\"`},
		{name: "bad isolation", file: `{"isolation_level": "chaos"}`, wantCode: 1, wantErr: `key \"isolation_level\"`},
		{name: "port out of range", file: `{"port": 70000}`, wantCode: 1, wantErr: `key \"port\"`},
		{name: "bad flag value", file: `{}`, args: []string{"--durability", "sometimes"}, wantCode: 1, wantErr: `key \"durability\"`},
		{name: "bad eviction flag", file: `{}`, args: []string{"--eviction-policy", "fifo"}, wantCode: 1, wantErr: `key \"eviction_policy\"`},
		{name: "unknown flag", file: `{}`, args: []string{"--colour", "blue"}, wantCode: 2, wantErr: "flag provided but not defined: -colour"},
		{name: "non-numeric port flag", file: `{}`, args: []string{"--port", "x"}, wantCode: 2, wantErr: `invalid value "x" for flag -port`},
		{name: "stray argument", file: `{}`, args: []string{"serve"}, wantCode: 2, wantErr: `unexpected argument "serve"`},
		{name: "bad log level", file: `{}`, args: []string{"--log-level", "loud"}, wantCode: 2, wantErr: "--log-level"},
		{name: "negative port flag", file: `{}`, args: []string{"--port", "-1"}, wantCode: 1, wantErr: `key \"port\"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			cfgPath := filepath.Join(dir, "config.json")
			os.WriteFile(cfgPath, []byte(c.file), 0o644)
			args := append([]string{"--config", cfgPath, "--port", "0", "--persistence=false"}, c.args...)
			code, _, stderr := runToEnd(t, args...)
			if code != c.wantCode {
				t.Fatalf("exit status %d, want %d:\n%s", code, c.wantCode, stderr)
			}
			if !strings.Contains(stderr, c.wantErr) {
				t.Fatalf("stderr does not mention %s:\n%s", c.wantErr, stderr)
			}
			if strings.Contains(stderr, "listening") {
				t.Fatalf("the server started despite the error:\n%s", stderr)
			}
		})
	}
}

// TestHelp checks that --help lists every flag and exits 0.
func TestHelp(t *testing.T) {
	code, stdout, _ := runToEnd(t, "--help")
	if code != 0 {
		t.Fatalf("--help exit status %d", code)
	}
	fl, err := parseFlags(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range flagNames(fl) {
		if !strings.Contains(stdout, "--"+name) {
			t.Errorf("--help does not list --%s:\n%s", name, stdout)
		}
	}
}

// TestEncrypt starts with --encrypt: a self-signed certificate and key are generated in
// the data directory and clients connect over TLS.
func TestEncrypt(t *testing.T) {
	dir := t.TempDir()
	r := startRun(t, "--config", filepath.Join(dir, "config.json"), "--dir", dir, "--port", "0", "--encrypt", "--persistence=false")
	for _, f := range []string{"memflux.crt", "memflux.key"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Fatalf("%s not generated: %v", f, err)
		}
	}
	rdb := redis.NewClient(&redis.Options{Addr: r.addr, TLSConfig: &tls.Config{InsecureSkipVerify: true}})
	defer rdb.Close()
	if pong, err := rdb.Ping(context.Background()).Result(); err != nil || pong != "PONG" {
		t.Fatalf("PING over TLS = %q, %v", pong, err)
	}
	if code := r.finish(t); code != 0 {
		t.Fatalf("exit status %d", code)
	}
}

// flagNames lists the defined flags.
func flagNames(fl *flags) []string {
	var names []string
	fl.fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	return names
}
