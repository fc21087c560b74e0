package memflux_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/memflux/memflux"
	"github.com/memflux/memflux/wal"
)

func openDir(t *testing.T, dir string, mutate ...func(*memflux.Config)) *memflux.DB {
	t.Helper()
	cfg := memflux.DefaultConfig()
	cfg.Dir = dir
	for _, m := range mutate {
		m(&cfg)
	}
	db, err := memflux.Open(cfg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return db
}

func do(t *testing.T, s *memflux.Session, want string, args ...string) {
	t.Helper()
	r, err := s.Do(args...)
	got := r.String()
	if err != nil {
		got = "ERR " + err.Error()
	}
	if got != want {
		t.Fatalf("%v = %s, want %s", args, got, want)
	}
}

// TestRecoveryExample is SPEC §7's recovery example: data from the snapshot and from the
// WAL after it both survive a close and reopen, deletions included.
func TestRecoveryExample(t *testing.T) {
	dir := t.TempDir()
	db := openDir(t, dir)
	s := db.NewSession()
	do(t, s, "+OK", "SET", "key_in_snapshot", "v")
	do(t, s, "+OK", "JSON.SET", "user:snapshot", `{"name": "snap"}`)
	do(t, s, "+OK", "SAVE")
	do(t, s, "+OK", "SET", "key_in_wal", "wal_value")
	do(t, s, "+OK", "JSON.SET", "user:wal", `{"name": "wal"}`)
	do(t, s, ":1", "DELETE", "key_in_snapshot")
	s.Close()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openDir(t, dir)
	defer db.Close()
	s = db.NewSession()
	do(t, s, `"wal_value"`, "GET", "key_in_wal")
	do(t, s, `"wal"`, "JSON.GET", "user:wal.name")
	do(t, s, `"snap"`, "JSON.GET", "user:snapshot.name")
	do(t, s, "(nil)", "GET", "key_in_snapshot")
}

// TestFlushIsDurable: FLUSHDB is logged, so flushed data stays gone after a restart (Q12),
// and transactions committed after it come back.
func TestFlushIsDurable(t *testing.T) {
	dir := t.TempDir()
	db := openDir(t, dir)
	s := db.NewSession()
	do(t, s, "+OK", "SET", "a", "1")
	do(t, s, "+OK", "FLUSHDB")
	do(t, s, "+OK", "BEGIN")
	do(t, s, "+OK", "SET", "b", "2")
	do(t, s, ":1", "LPUSH", "l", "x")
	do(t, s, "+OK", "COMMIT")
	s.Close()
	db.Close()
	db = openDir(t, dir)
	defer db.Close()
	s = db.NewSession()
	do(t, s, "(nil)", "GET", "a")
	do(t, s, `"2"`, "GET", "b")
	do(t, s, `["x"]`, "LRANGE", "l", "0", "-1")
}

// TestCompactionThreshold: past wal_size_threshold_mb a snapshot appears and the primary
// WAL shrinks; later writes land on the primary again and everything survives a restart.
func TestCompactionThreshold(t *testing.T) {
	dir := t.TempDir()
	db := openDir(t, dir, func(c *memflux.Config) { c.WALSizeThresholdMB = 1 })
	s := db.NewSession()
	big := strings.Repeat("x", 64<<10)
	for i := range 40 {
		do(t, s, "+OK", "SET", "k"+string(rune('a'+i%26))+string(rune('a'+i/26)), big)
	}
	do(t, s, "+OK", "SAVE") // waits for any compaction in flight, then snapshots again
	fi, err := os.Stat(filepath.Join(dir, "memflux.snapshot"))
	if err != nil {
		t.Fatalf("no snapshot after crossing the threshold: %v", err)
	}
	if fi.Size() < 40*64<<10 {
		t.Fatalf("snapshot is %d bytes, want the whole data set", fi.Size())
	}
	w, err := os.Stat(filepath.Join(dir, "memflux.wal"))
	if err == nil && w.Size() >= 1024 {
		t.Fatalf("primary WAL is %d bytes after SAVE, want < 1024", w.Size())
	}
	do(t, s, "+OK", "SET", "after", "1")
	s.Close()
	db.Close()
	db = openDir(t, dir)
	defer db.Close()
	s = db.NewSession()
	do(t, s, ":41", "DBSIZE")
	do(t, s, `"1"`, "GET", "after")
}

// TestCorruptWALRefusesToOpen: a flipped byte in the middle of the log makes Open fail
// with an error naming the file, rather than starting with data missing.
func TestCorruptWALRefusesToOpen(t *testing.T) {
	dir := t.TempDir()
	db := openDir(t, dir)
	s := db.NewSession()
	for i := range 50 {
		do(t, s, "+OK", "SET", "key", strings.Repeat("v", i+10))
	}
	s.Close()
	db.Close()
	path := filepath.Join(dir, "memflux.wal")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 0xff
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := memflux.DefaultConfig()
	cfg.Dir = dir
	_, err = memflux.Open(cfg)
	if !errors.Is(err, wal.ErrCorrupt) || !strings.Contains(err.Error(), "memflux.wal") {
		t.Fatalf("Open = %v, want wal.ErrCorrupt naming the file", err)
	}
}

// TestNoPersistenceTouchesNoFiles: persistence false creates nothing.
func TestNoPersistenceTouchesNoFiles(t *testing.T) {
	dir := t.TempDir()
	db := openDir(t, dir, func(c *memflux.Config) { c.Persistence = false })
	s := db.NewSession()
	do(t, s, "+OK", "SET", "a", "1")
	do(t, s, "ERR SAVE is not supported when persistence is disabled", "SAVE")
	s.Close()
	db.Close()
	ents, _ := os.ReadDir(dir)
	if len(ents) != 0 {
		t.Fatalf("persistence off created %d files", len(ents))
	}
}

// TestParseConfigTypes: wrong JSON types are refused with an error naming the key, even
// when a string holds a number; unknown keys are reported, not refused.
func TestParseConfigTypes(t *testing.T) {
	for _, tc := range []struct {
		json string
		key  string // "" = valid
	}{
		{`{"maxmemory_mb": "10"}`, "maxmemory_mb"},
		{`{"port": 8360.5}`, "port"},
		{`{"persistence": "yes"}`, "persistence"},
		{`{"durability": "sometimes"}`, "durability"},
		{`{"eviction_policy": "LRU"}`, "eviction_policy"},
		{`{"host": 1}`, "host"},
		{`{"maxmemory_mb": 10, "extra": 1}`, ""},
	} {
		_, unknown, err := memflux.ParseConfig([]byte(tc.json))
		if tc.key == "" {
			if err != nil || len(unknown) != 1 {
				t.Errorf("%s: err %v unknown %v, want valid with one unknown key", tc.json, err, unknown)
			}
			continue
		}
		if !errors.Is(err, memflux.ErrConfig) || !strings.Contains(err.Error(), tc.key) {
			t.Errorf("%s: err %v, want ErrConfig naming %q", tc.json, err, tc.key)
		}
	}
}
