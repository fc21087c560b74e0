package memflux_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/memflux/memflux"
	"github.com/memflux/memflux/snapshot"
	"github.com/memflux/memflux/wal"
)

// durLong enables the long versions of the durability tests (1M keys under load, every
// offset of bigger records):
//
//	go test -run 'Durab|Crash' -long .
var durLong = flag.Bool("long", false, "run the long durability tests (1M-key snapshot under load)")

// durConfig is a persistent configuration in dir with durability full.
func durConfig(dir string) memflux.Config {
	cfg := memflux.DefaultConfig()
	cfg.Dir = dir
	cfg.Durability = "full"
	cfg.VacuumInterval = -1
	return cfg
}

// durOpen opens dir with durConfig.
func durOpen(t testing.TB, dir string) *memflux.DB {
	t.Helper()
	db, err := memflux.Open(durConfig(dir))
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	return db
}

// durDo runs one command and fails the test on an error.
func durDo(t testing.TB, s *memflux.Session, args ...string) memflux.Reply {
	t.Helper()
	r, err := s.Do(args...)
	if err != nil {
		t.Fatalf("%q: %v", args, err)
	}
	return r
}

// durDump renders every user key with its type and value, sorted, one per line. Sets are
// sorted so that equal states render equally.
func durDump(t testing.TB, db *memflux.DB) string {
	t.Helper()
	s := db.NewSession()
	defer s.Close()
	keys := durDo(t, s, "KEYS", "*")
	var lines []string
	for _, k := range keys.Elems {
		typ := durDo(t, s, "TYPE", k.Str).Str
		var val string
		switch typ {
		case "string":
			val = durDo(t, s, "GET", k.Str).String()
		case "list":
			val = durDo(t, s, "LRANGE", k.Str, "0", "-1").String()
		case "set":
			m := durDo(t, s, "SMEMBERS", k.Str)
			var ms []string
			for _, e := range m.Elems {
				ms = append(ms, strconv.Quote(e.Str))
			}
			slices.Sort(ms)
			val = strings.Join(ms, " ")
		default: // JSON
			val = durDo(t, s, "JSON.GET", k.Str).String()
		}
		lines = append(lines, fmt.Sprintf("%q %s %s", k.Str, typ, val))
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// walRecords returns the offset and length of every record of a closed WAL file.
func walRecords(t *testing.T, data []byte) [][2]int {
	t.Helper()
	if len(data) < 8 || string(data[:7]) != "MFLXWAL" {
		t.Fatalf("not a WAL file (%d bytes)", len(data))
	}
	var recs [][2]int
	for off := 8; off < len(data); {
		if len(data)-off < 16 {
			t.Fatalf("trailing %d bytes at offset %d", len(data)-off, off)
		}
		n := 8 + int(binary.LittleEndian.Uint32(data[off:]))
		recs = append(recs, [2]int{off, n})
		off += n
	}
	return recs
}

// durHistory commits a few transactions of every value type, each followed by a dump of
// the state, and returns the dumps: states[i] is the state after i transactions. The last
// transaction is a big multi-key one, so a partly applied record would be visible.
func durHistory(t *testing.T, db *memflux.DB, lastSize int) []string {
	t.Helper()
	s := db.NewSession()
	defer s.Close()
	states := []string{durDump(t, db)}
	txns := [][][]string{
		{{"SET", "a", "1"}},
		{{"RPUSH", "l", "x", "y", "z"}},
		{{"SADD", "s", "m1", "m2"}},
		{{"JSON.SET", "doc", `{"name":"wal","n":[1,2]}`}},
		{{"SET", "a", "2"}, {"DELETE", "l"}, {"SET", "b", "bee"}},
		{{"FLUSHDB"}},
		{{"SET", "after-flush", "1"}, {"SET", "_internal:schemas:t", `{"columns":[]}`}},
	}
	last := [][]string{{"SET", "a", "3"}, {"LPUSH", "l2", "p", "q"}, {"SADD", "s", "m3"},
		{"JSON.SET", "doc2", `{"k":true}`}, {"DELETE", "b"}}
	for i := 0; len(last) < lastSize; i++ {
		last = append(last, []string{"SET", fmt.Sprintf("last:%04d", i), strings.Repeat("v", i%7)})
	}
	txns = append(txns, last)
	for _, tx := range txns {
		if len(tx) == 1 {
			durDo(t, s, tx[0]...)
		} else {
			durDo(t, s, "BEGIN")
			for _, c := range tx {
				durDo(t, s, c...)
			}
			durDo(t, s, "COMMIT")
		}
		states = append(states, durDump(t, db))
	}
	return states
}

// TestDurabilityTornTail truncates the real WAL of a closed database at every byte offset
// inside its last record (and, separately, zeroes the record's tail in place, as a torn
// write into preallocated space leaves it): reopening must recover exactly the preceding
// transactions, then keep logging normally.
func TestDurabilityTornTail(t *testing.T) {
	lastSize := 12
	if *durLong {
		lastSize = 200
	}
	src := t.TempDir()
	db := durOpen(t, src)
	states := durHistory(t, db, lastSize)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	full, err := os.ReadFile(filepath.Join(src, "memflux.wal"))
	if err != nil {
		t.Fatal(err)
	}
	recs := walRecords(t, full)
	if len(recs) != len(states)-1 {
		t.Fatalf("WAL has %d records for %d transactions", len(recs), len(states)-1)
	}
	lastOff, lastLen := recs[len(recs)-1][0], recs[len(recs)-1][1]
	before, after := states[len(states)-2], states[len(states)-1]
	t.Logf("last record: offset %d, %d bytes", lastOff, lastLen)

	check := func(t *testing.T, data []byte, want string, write bool) {
		t.Helper()
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "memflux.wal"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		db := durOpen(t, dir)
		if got := durDump(t, db); got != want {
			db.Close()
			t.Fatalf("recovered state:\n%s\nwant:\n%s", got, want)
		}
		if write {
			s := db.NewSession()
			durDo(t, s, "SET", "new", "n")
			s.Close()
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		if write { // the log continues cleanly after the truncation point
			db = durOpen(t, dir)
			defer db.Close()
			s := db.NewSession()
			defer s.Close()
			if got := durDo(t, s, "GET", "new").String(); got != `"n"` {
				t.Fatalf("write after recovery: GET new = %s", got)
			}
			if got := durDo(t, s, "DBSIZE").Int; got != int64(strings.Count(want, "\n")+2) {
				t.Fatalf("DBSIZE after a write = %d, want the recovered keys plus one", got)
			}
		}
	}
	t.Run("intact", func(t *testing.T) { check(t, full, after, true) })
	t.Run("truncated", func(t *testing.T) {
		for cut := lastOff; cut < lastOff+lastLen; cut++ {
			check(t, full[:cut], before, cut%7 == 0)
		}
	})
	t.Run("zeroed", func(t *testing.T) {
		for cut := lastOff; cut < lastOff+lastLen; cut++ {
			data := slices.Clone(full)
			clear(data[cut:])
			check(t, data, before, cut%7 == 3)
		}
	})
}

// corruptDB writes a database with several WAL records and a snapshot, closes it and
// returns its directory.
func corruptDB(t *testing.T, withSnapshot bool) string {
	t.Helper()
	dir := t.TempDir()
	db := durOpen(t, dir)
	s := db.NewSession()
	for i := range 200 {
		durDo(t, s, "SET", fmt.Sprintf("snap:%03d", i), strings.Repeat("s", i))
	}
	if withSnapshot {
		durDo(t, s, "SAVE")
	}
	for i := range 20 {
		durDo(t, s, "SET", fmt.Sprintf("wal:%02d", i), strings.Repeat("w", 10+i))
	}
	s.Close()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// flipAndOpen flips one byte of dir/name, opens the database, and returns Open's error
// after checking that Open failed without changing the file.
func flipAndOpen(t *testing.T, dir, name string, off int) error {
	t.Helper()
	path := filepath.Join(dir, name)
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data := slices.Clone(orig)
	data[off] ^= 0x5a
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	defer os.WriteFile(path, orig, 0o644)
	db, err := memflux.Open(durConfig(dir))
	if err == nil {
		db.Close()
		t.Fatalf("flip at %s:%d: Open succeeded", name, off)
	}
	if db != nil {
		t.Fatalf("flip at %s:%d: Open returned a database with its error", name, off)
	}
	after, rerr := os.ReadFile(path)
	if rerr != nil || !bytes.Equal(after, data) {
		t.Fatalf("flip at %s:%d: failed Open changed the file", name, off)
	}
	return err
}

// TestDurabilityCorruptWAL flips a byte in every part of a record in the middle of the log
// (length, checksum, timestamp, payload) and in the file header: Open fails with a
// *wal.CorruptionError naming the file and the offset of the damaged record, and leaves
// the file as it was, so nothing after the damage is silently dropped.
func TestDurabilityCorruptWAL(t *testing.T) {
	dir := corruptDB(t, false)
	data, err := os.ReadFile(filepath.Join(dir, "memflux.wal"))
	if err != nil {
		t.Fatal(err)
	}
	recs := walRecords(t, data)
	if len(recs) < 100 {
		t.Fatalf("only %d records", len(recs))
	}
	for _, ri := range []int{0, 1, len(recs) / 2, len(recs) - 2} {
		off, n := recs[ri][0], recs[ri][1]
		for _, part := range []struct {
			name string
			at   int
		}{{"length", 0}, {"checksum", 5}, {"ts", 9}, {"payload", 16}, {"payload end", n - 1}} {
			err := flipAndOpen(t, dir, "memflux.wal", off+part.at)
			var ce *wal.CorruptionError
			if !errors.As(err, &ce) || !errors.Is(err, wal.ErrCorrupt) {
				t.Fatalf("record %d %s: Open = %v, want a *wal.CorruptionError", ri, part.name, err)
			}
			if filepath.Base(ce.Path) != "memflux.wal" || ce.Offset != int64(off) {
				t.Fatalf("record %d %s: error names %s offset %d, want memflux.wal offset %d (%v)",
					ri, part.name, ce.Path, ce.Offset, off, err)
			}
		}
	}
	for _, at := range []int{0, 7} {
		err := flipAndOpen(t, dir, "memflux.wal", at)
		if !errors.Is(err, wal.ErrCorrupt) || !strings.Contains(err.Error(), "memflux.wal") {
			t.Fatalf("header byte %d: Open = %v, want ErrCorrupt naming memflux.wal", at, err)
		}
	}
	// Untouched, the same files open with everything.
	db := durOpen(t, dir)
	defer db.Close()
	s := db.NewSession()
	defer s.Close()
	if n := durDo(t, s, "DBSIZE").Int; n != 220 {
		t.Fatalf("DBSIZE = %d, want 220", n)
	}
}

// snapshotOffsets walks a snapshot file and returns the offsets of its block headers and
// of its trailer (format in package snapshot's doc).
func snapshotOffsets(t *testing.T, data []byte) (blocks []int, trailer int) {
	t.Helper()
	for off := 28; off+8 <= len(data); {
		n := int(binary.LittleEndian.Uint32(data[off:]))
		if n == 0 {
			return blocks, off
		}
		blocks = append(blocks, off)
		off += 8 + n
	}
	t.Fatalf("snapshot without a trailer")
	return nil, 0
}

var offsetRE = regexp.MustCompile(`offset (\d+)`)

// TestDurabilityCorruptSnapshot flips a byte in the header, in each block (header and
// payload) and in the trailer of a real snapshot: Open fails with snapshot.ErrCorrupt
// naming the file and the offset of the damaged part, never with a partial database.
func TestDurabilityCorruptSnapshot(t *testing.T) {
	dir := corruptDB(t, true)
	data, err := os.ReadFile(filepath.Join(dir, "memflux.snapshot"))
	if err != nil {
		t.Fatal(err)
	}
	blocks, trailer := snapshotOffsets(t, data)
	type flip struct{ at, wantOff int }
	flips := []flip{{0, 0}, {9, 0}, {17, 0}, {25, 0}}
	for _, b := range blocks {
		n := int(binary.LittleEndian.Uint32(data[b:]))
		flips = append(flips, flip{b + 1, b}, flip{b + 5, b}, flip{b + 8, b}, flip{b + 8 + n/2, b}, flip{b + 7 + n, b})
	}
	flips = append(flips, flip{trailer + 5, trailer}, flip{trailer + 8, trailer + 8}, flip{len(data) - 1, trailer + 8})
	for _, f := range flips {
		err := flipAndOpen(t, dir, "memflux.snapshot", f.at)
		if !errors.Is(err, snapshot.ErrCorrupt) || !strings.Contains(err.Error(), "memflux.snapshot") {
			t.Fatalf("flip at %d: Open = %v, want snapshot.ErrCorrupt naming memflux.snapshot", f.at, err)
		}
		m := offsetRE.FindStringSubmatch(err.Error())
		if m == nil || m[1] != strconv.Itoa(f.wantOff) {
			t.Fatalf("flip at %d: %v; want offset %d", f.at, err, f.wantOff)
		}
	}
	// A truncated snapshot (a copy cut short) is corrupt too.
	path := filepath.Join(dir, "memflux.snapshot")
	for _, n := range []int{0, 27, blocks[0] + 9, trailer, len(data) - 1} {
		if err := os.WriteFile(path, data[:n], 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := memflux.Open(durConfig(dir)); !errors.Is(err, snapshot.ErrCorrupt) {
			t.Fatalf("snapshot cut to %d bytes: Open = %v, want snapshot.ErrCorrupt", n, err)
		}
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	db := durOpen(t, dir)
	defer db.Close()
	s := db.NewSession()
	defer s.Close()
	if n := durDo(t, s, "DBSIZE").Int; n != 220 {
		t.Fatalf("DBSIZE = %d, want 220", n)
	}
}

// TestDurabilityCatalogKeysSurvive: the SQL catalog is kept as ordinary keys under
// _internal: (SPEC §4.14); written with SET they come back after a restart, from the WAL
// and from a snapshot, byte for byte.
func TestDurabilityCatalogKeysSurvive(t *testing.T) {
	catalog := map[string]string{
		"_internal:schemas:users":     `{"table_name":"users","columns":[{"name":"id","type":"INTEGER","primary_key":true}]}`,
		"_internal:views:adults":      `{"name":"adults","columns":[],"query":"SELECT * FROM users WHERE age >= 18"}`,
		"_internal:schemalist:public": "",
		"_internal:indexes:by_age":    `{"name":"by_age","table":"users","columns":["age"],"unique":false}`,
	}
	for _, viaSnapshot := range []bool{false, true} {
		t.Run(fmt.Sprintf("snapshot=%v", viaSnapshot), func(t *testing.T) {
			dir := t.TempDir()
			db := durOpen(t, dir)
			s := db.NewSession()
			for k, v := range catalog {
				durDo(t, s, "SET", k, v)
			}
			durDo(t, s, "SET", "_internal:schemas:dropped", "{}")
			durDo(t, s, "DELETE", "_internal:schemas:dropped")
			if viaSnapshot {
				durDo(t, s, "SAVE")
			}
			s.Close()
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			db = durOpen(t, dir)
			defer db.Close()
			s = db.NewSession()
			defer s.Close()
			for k, v := range catalog {
				if got := durDo(t, s, "GET", k).Str; got != v {
					t.Errorf("GET %s = %q, want %q", k, got, v)
				}
			}
			if got := durDo(t, s, "EXISTS", "_internal:schemas:dropped").Int; got != 0 {
				t.Errorf("dropped catalog key came back")
			}
		})
	}
}
