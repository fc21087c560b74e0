package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/memflux/memflux"
	"github.com/memflux/memflux/command"
)

// openTestDB opens an in-memory database and one cursor, closed at the end of the test.
func openTestDB(t testing.TB) (dbh, ch uintptr) {
	t.Helper()
	dbh, err := openDatabase([]byte(`{"persistence": false}`))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := closeDatabase(dbh); err != nil {
			t.Error(err)
		}
	})
	ch, err = openCursor(dbh)
	if err != nil {
		t.Fatal(err)
	}
	return dbh, ch
}

// execOn runs a command string on a cursor as memflux_exec does and returns a copy of
// the response.
func execOn(t testing.TB, dbh, ch uintptr, cmd string) response {
	t.Helper()
	c, err := lookupCursor(dbh, ch)
	if err != nil {
		var r response
		r.setError(err.Error())
		return r
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.execStringLocked([]byte(cmd)).clone()
}

// clone returns a copy of r that does not share its buffers.
func (r *response) clone() response {
	out := *r
	out.data = append([]byte(nil), r.data...)
	out.lens = append([]uint64(nil), r.lens...)
	out.nulls = append([]byte(nil), r.nulls...)
	return out
}

// items splits a MULTI_BYTES response into its items ("<nil>" for a nil item).
func (r *response) items() []string {
	out := []string{}
	off := uint64(0)
	for i := 0; i < r.count; i++ {
		if len(r.nulls) > 0 && r.nulls[i] == 1 {
			out = append(out, "<nil>")
			continue
		}
		out = append(out, string(r.data[off:off+r.lens[i]]))
		off += r.lens[i]
	}
	return out
}

// render describes a response compactly for comparisons.
func (r *response) render() string {
	switch r.typ {
	case respSimple:
		return "SIMPLE " + r.str
	case respError:
		return "ERROR " + r.str
	case respBytes:
		return fmt.Sprintf("BYTES %q", r.data)
	case respInt:
		return fmt.Sprintf("INTEGER %d", r.integer)
	case respNil:
		return "NIL"
	case respMulti:
		return fmt.Sprintf("MULTI %q", r.items())
	}
	return fmt.Sprintf("type %d", r.typ)
}

func TestResponseMapping(t *testing.T) {
	tests := []struct {
		name string
		in   command.Reply
		want string
	}{
		{"ok", command.OK(), "SIMPLE OK"},
		{"simple", command.Simple("PONG"), "SIMPLE PONG"},
		{"bulk", command.Bulk("a\x00b"), `BYTES "a\x00b"`},
		{"empty bulk", command.Bulk(""), `BYTES ""`},
		{"verbatim", command.Verbatim("info"), `BYTES "info"`},
		{"double", command.Double(1.5), `BYTES "1.5"`},
		{"integral double", command.Double(3), `BYTES "3"`},
		{"int", command.Int(-7), "INTEGER -7"},
		{"nil", command.Nil(), "NIL"},
		{"nil array", command.Reply{Kind: command.KindNilArray}, "NIL"},
		{"empty array", command.Array(nil), "MULTI []"},
		{"array", command.Array([]command.Reply{command.Bulk("a"), command.Bulk(""), command.Int(3)}), `MULTI ["a" "" "3"]`},
		{"array with nil", command.Array([]command.Reply{command.Bulk("a"), command.Nil(), command.Bulk("b")}), `MULTI ["a" "<nil>" "b"]`},
		{"nil first", command.Array([]command.Reply{command.Nil(), command.Bulk("b")}), `MULTI ["<nil>" "b"]`},
		{
			"nested array as json",
			command.Array([]command.Reply{command.Bulk("0"), command.Strings([]string{"k1", `k"2`})}),
			`MULTI ["0" "[\"k1\",\"k\\\"2\"]"]`,
		},
		{
			"map flattened",
			command.Map([]command.Reply{command.Bulk("server"), command.Bulk("memflux"), command.Bulk("proto"), command.Int(2)}),
			`MULTI ["server" "memflux" "proto" "2"]`,
		},
		{
			"nested map as object",
			command.Array([]command.Reply{command.Map([]command.Reply{command.Bulk("a"), command.Int(1), command.Bulk("b"), command.Nil()})}),
			`MULTI ["{\"a\":1,\"b\":null}"]`,
		},
		{
			"nested map with int keys as array",
			command.Array([]command.Reply{command.Map([]command.Reply{command.Int(1), command.Bulk("x")})}),
			`MULTI ["[1,\"x\"]"]`,
		},
	}
	var r response
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r.setReply(tt.in) // reuse one response, as a cursor does
			if got := r.render(); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestExecString(t *testing.T) {
	dbh, ch := openTestDB(t)
	tests := []struct{ cmd, want string }{
		{"SET k 'hello world'", "SIMPLE OK"},
		{"get k", `BYTES "hello world"`},
		{"SET q 'it'\"'\"'s'", "SIMPLE OK"},
		{"GET q", `BYTES "it's"`},
		{"SET n 41", "SIMPLE OK"},
		{"INCR n", "INTEGER 42"},
		{"GET missing", "NIL"},
		{"LPUSH l a b ''", "INTEGER 3"},
		{"LRANGE l 0 -1", `MULTI ["" "b" "a"]`},
		{"PING", "SIMPLE PONG"},
		{"SET k v # a comment", "SIMPLE OK"},
		{"LPUSH k x", "ERROR WRONGTYPE Operation against a non-list value"},
		{"NOSUCH a b", "ERROR Unknown command: NOSUCH"},
		{"SET k 'v", "ERROR Invalid command string"},
		{`SET k v\`, "ERROR Invalid command string"},
		{"", "ERROR Empty command string"},
		{"  # only a comment", "ERROR Empty command string"},
		{"SET k \xff", "ERROR Invalid UTF-8 in command string"},
		{"COMMIT", "ERROR No transaction in progress"},
	}
	for _, tt := range tests {
		r := execOn(t, dbh, ch, tt.cmd)
		if got := r.render(); got != tt.want {
			t.Errorf("%q: got %s, want %s", tt.cmd, got, tt.want)
		}
	}
}

func TestOpenConfig(t *testing.T) {
	dir := t.TempDir()
	files := fmt.Sprintf(`"wal_file": %q, "wal_overflow_file": %q, "snapshot_file": %q, "snapshot_temp_file": %q`,
		filepath.Join(dir, "w.wal"), filepath.Join(dir, "w.overflow"), filepath.Join(dir, "s.snap"), filepath.Join(dir, "s.tmp"))
	tests := []struct {
		name, config string
		wantErr      string // substring of the error; "" = opens
	}{
		{"empty", "", ""},
		{"in memory", `{"persistence": false}`, ""},
		{"unknown keys ignored", `{"persistence": false, "host": "x", "port": 1, "whatever": [1]}`, ""},
		{"server config", `{"host": "127.0.0.1", "port": 8360, "requirepass": "", "encrypt": false, ` + files + `}`, ""},
		{"bad json", `{"persistence": `, "not a JSON object"},
		{"not an object", `[1]`, "not a JSON object"},
		{"wrong type", `{"persistence": "yes"}`, `key "persistence"`},
		{"fractional int", `{"persistence": false, "maxmemory_mb": 1.5}`, `key "maxmemory_mb"`},
		{"bool for int", `{"persistence": false, "wal_size_threshold_mb": true}`, `key "wal_size_threshold_mb"`},
		{"upper-case enum", `{"persistence": false, "eviction_policy": "LRU"}`, `"LRU" is not one of`},
		{"bad isolation", `{"persistence": false, "isolation_level": "read committed"}`, `key "isolation_level"`},
		{"bad durability", `{"persistence": false, "durability": "sometimes"}`, `key "durability"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "empty" {
				t.Chdir(t.TempDir()) // the defaults write memflux.wal in the working directory
			}
			h, err := openDatabase([]byte(tt.config))
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("open: %v", err)
				}
				if err := closeDatabase(h); err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				closeDatabase(h)
				t.Fatalf("open succeeded, want error containing %q", tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, memflux.ErrConfig) {
				t.Errorf("error %q, want ErrConfig containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestHandles(t *testing.T) {
	before := handles.len()
	dbh, ch := openTestDB(t)
	other, err := openDatabase([]byte(`{"persistence": false}`))
	if err != nil {
		t.Fatal(err)
	}
	oc, err := openCursor(other)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name    string
		db, cur uintptr
		want    string
	}{
		{"bogus db", 12345, ch, "ERROR Invalid database handle"},
		{"cursor as db", ch, ch, "ERROR Invalid database handle"},
		{"db as cursor", dbh, dbh, "ERROR Invalid cursor handle"},
		{"cursor of another db", dbh, oc, "ERROR Invalid cursor handle"},
		{"bogus cursor", dbh, 7, "ERROR Invalid cursor handle"},
		{"valid", dbh, ch, "SIMPLE PONG"},
	}
	for _, c := range checks {
		r := execOn(t, c.db, c.cur, "PING")
		if got := r.render(); got != c.want {
			t.Errorf("%s: got %s, want %s", c.name, got, c.want)
		}
	}
	if _, err := openCursor(ch); !errors.Is(err, errBadDatabase) {
		t.Errorf("openCursor(cursor handle) = %v, want errBadDatabase", err)
	}
	if err := closeDatabase(other); err != nil {
		t.Fatal(err)
	}
	// Closing the database closed its cursor; neither handle works any more, and
	// closing them again is harmless.
	if r := execOn(t, other, oc, "PING"); r.render() != "ERROR Invalid database handle" {
		t.Errorf("closed db: got %s", r.render())
	}
	closeCursor(oc)
	if err := closeDatabase(other); err != nil {
		t.Errorf("second close: %v", err)
	}
	// A new handle never reuses an old value.
	h2, err := openCursor(dbh)
	if err != nil {
		t.Fatal(err)
	}
	if h2 == oc || h2 == other || h2%handleStep != 0 || h2 <= handleBase {
		t.Errorf("new handle %#x reuses or is misshaped (old %#x, %#x)", h2, oc, other)
	}
	closeCursor(h2)
	if got, want := handles.len(), before+2; got != want {
		t.Errorf("live handles = %d, want %d (the test's db and cursor)", got, want)
	}
}

func TestCursorCloseRollsBack(t *testing.T) {
	dbh, c1 := openTestDB(t)
	c2, err := openCursor(dbh)
	if err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"SET kept 1", "BEGIN", "SET k 1", "SET kept 2"} {
		if r := execOn(t, dbh, c1, cmd); r.typ == respError {
			t.Fatalf("%s: %s", cmd, r.str)
		}
	}
	if r := execOn(t, dbh, c2, "GET k"); r.typ != respNil {
		t.Fatalf("uncommitted write visible to another cursor: %s", r.render())
	}
	closeCursor(c1)
	for cmd, want := range map[string]string{"GET k": "NIL", "GET kept": `BYTES "1"`, "BEGIN": "SIMPLE OK"} {
		if r := execOn(t, dbh, c2, cmd); r.render() != want {
			t.Errorf("%s after closing the cursor: got %s, want %s", cmd, r.render(), want)
		}
	}
}

func TestCloseWithOpenCursors(t *testing.T) {
	dbh, err := openDatabase([]byte(`{"persistence": false}`))
	if err != nil {
		t.Fatal(err)
	}
	var cursors []uintptr
	for range 3 {
		ch, err := openCursor(dbh)
		if err != nil {
			t.Fatal(err)
		}
		execOn(t, dbh, ch, "BEGIN")
		execOn(t, dbh, ch, "SET k v")
		cursors = append(cursors, ch)
	}
	if err := closeDatabase(dbh); err != nil {
		t.Fatal(err)
	}
	for _, ch := range cursors {
		if _, ok := handles.get(ch); ok {
			t.Errorf("cursor %#x still live after closing its database", ch)
		}
		closeCursor(ch) // harmless
	}
}

func TestReopenPersistent(t *testing.T) {
	dir := t.TempDir()
	cfg, _ := json.Marshal(map[string]any{
		"wal_file":           filepath.Join(dir, "memflux.wal"),
		"wal_overflow_file":  filepath.Join(dir, "memflux.wal.overflow"),
		"snapshot_file":      filepath.Join(dir, "memflux.snapshot"),
		"snapshot_temp_file": filepath.Join(dir, "memflux.snapshot.tmp"),
		"durability":         "full",
	})
	for round := range 3 {
		dbh, err := openDatabase(cfg)
		if err != nil {
			t.Fatalf("round %d: open: %v", round, err)
		}
		ch, err := openCursor(dbh)
		if err != nil {
			t.Fatal(err)
		}
		if round > 0 {
			want := fmt.Sprintf(`BYTES "%d"`, round-1)
			if r := execOn(t, dbh, ch, "GET k"); r.render() != want {
				t.Errorf("round %d: GET k = %s, want %s", round, r.render(), want)
			}
			if round == 2 {
				// A snapshot, then a WAL write after it: both survive.
				execOn(t, dbh, ch, "SAVE")
			}
		}
		execOn(t, dbh, ch, fmt.Sprintf("SET k %d", round))
		if err := closeDatabase(dbh); err != nil {
			t.Fatalf("round %d: close: %v", round, err)
		}
	}
}

// TestConcurrentCursors runs distinct cursors in parallel and one cursor shared by several
// goroutines (serialized by its mutex); run it with -race.
func TestConcurrentCursors(t *testing.T) {
	dbh, shared := openTestDB(t)
	workers, ops := 4, 200
	if *long {
		ops = 20000
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2*workers)
	for w := range workers {
		wg.Add(2)
		go func() {
			defer wg.Done()
			ch, err := openCursor(dbh)
			if err != nil {
				errs <- err
				return
			}
			defer closeCursor(ch)
			for i := range ops {
				key := fmt.Sprintf("w%d:%d", w, i)
				execOn(t, dbh, ch, "SET "+key+" "+key)
				if r := execOn(t, dbh, ch, "GET "+key); r.render() != fmt.Sprintf("BYTES %q", key) {
					errs <- fmt.Errorf("GET %s = %s", key, r.render())
					return
				}
			}
		}()
		go func() {
			defer wg.Done()
			for range ops {
				if r := execOn(t, dbh, shared, "INCR counter"); r.typ != respInt {
					errs <- fmt.Errorf("INCR: %s", r.render())
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if r := execOn(t, dbh, shared, "GET counter"); r.render() != fmt.Sprintf(`BYTES "%d"`, workers*ops) {
		t.Errorf("counter = %s, want %d", r.render(), workers*ops)
	}
}

// TestCloseWhileExecuting closes a database while other goroutines run commands on its
// cursors: every command either succeeds or reports an invalid handle.
func TestCloseWhileExecuting(t *testing.T) {
	rounds := 5
	if *long {
		rounds = 200
	}
	for range rounds {
		dbh, err := openDatabase([]byte(`{"persistence": false}`))
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for range 3 {
			ch, err := openCursor(dbh)
			if err != nil {
				t.Fatal(err)
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 100 {
					r := execOn(t, dbh, ch, "INCR n")
					if r.typ != respInt && r.str != errBadDatabase.Msg && r.str != errBadCursor.Msg {
						t.Errorf("unexpected reply %s", r.render())
						return
					}
				}
			}()
		}
		if err := closeDatabase(dbh); err != nil {
			t.Fatal(err)
		}
		wg.Wait()
	}
}

func BenchmarkExecString(b *testing.B) {
	dbh, ch := openTestDB(b)
	execOn(b, dbh, ch, "SET key value")
	c, _ := lookupCursor(dbh, ch)
	for _, bm := range []struct{ name, cmd string }{
		{"cmd=GET", "GET key"},
		{"cmd=SET", "SET key value"},
	} {
		b.Run(bm.name, func(b *testing.B) {
			cmd := []byte(bm.cmd)
			b.ReportAllocs()
			for b.Loop() {
				c.mu.Lock()
				r := c.execStringLocked(cmd)
				c.mu.Unlock()
				if r.typ == respError {
					b.Fatal(r.str)
				}
			}
		})
	}
}

// TestOpenSameFilesTwice: a second database on the same files is refused until the first
// is closed.
func TestOpenSameFilesTwice(t *testing.T) {
	dir := t.TempDir()
	cfg := fmt.Sprintf(`{"wal_file": %q, "wal_overflow_file": %q, "snapshot_file": %q, "snapshot_temp_file": %q}`,
		filepath.Join(dir, "w"), filepath.Join(dir, "o"), filepath.Join(dir, "s"), filepath.Join(dir, "t"))
	h, err := openDatabase([]byte(cfg))
	if err != nil {
		t.Fatal(err)
	}
	// The same files, or only the same overflow WAL, are refused.
	sameOverflow := fmt.Sprintf(`{"wal_file": %q, "wal_overflow_file": %q, "snapshot_file": %q, "snapshot_temp_file": %q}`,
		filepath.Join(dir, "w2"), filepath.Join(dir, "o"), filepath.Join(dir, "s2"), filepath.Join(dir, "t2"))
	for _, c := range []string{cfg, sameOverflow} {
		if h2, err := openDatabase([]byte(c)); !errors.Is(err, errFilesInUse) {
			closeDatabase(h2)
			t.Fatalf("second open: %v, want errFilesInUse", err)
		}
	}
	if err := closeDatabase(h); err != nil {
		t.Fatal(err)
	}
	h, err = openDatabase([]byte(cfg))
	if err != nil {
		t.Fatalf("open after close: %v", err)
	}
	if err := closeDatabase(h); err != nil {
		t.Fatal(err)
	}
}

// TestRecoverTo: a panic under an export's deferred recoverTo becomes an error report
// instead of unwinding into C.
func TestRecoverTo(t *testing.T) {
	var got error
	func() {
		defer recoverTo(func(err error) { got = err })
		var s []int
		_ = s[len(t.Name())] // index out of range: a runtime panic
	}()
	if got == nil || !strings.HasPrefix(got.Error(), "Internal error: ") ||
		!strings.Contains(got.Error(), "index out of range") {
		t.Fatalf("recoverTo reported %v", got)
	}
	var r response
	r.setError(got.Error())
	if r.typ != respError {
		t.Errorf("response type %d", r.typ)
	}
}
