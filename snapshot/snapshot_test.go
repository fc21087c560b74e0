package snapshot

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/txn"
	"github.com/memflux/memflux/value"
)

func newManager() *txn.Manager { return txn.NewManager(mvcc.NewStore(), txn.Options{}) }

func put(t *testing.T, m *txn.Manager, sp mvcc.Space, k string, v value.Value) {
	t.Helper()
	tx := m.Begin(txn.ModeLatest)
	tx.Put(sp, []byte(k), v)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// dump returns every visible key of every space as "space/key=value" lines.
func dump(m *txn.Manager) []string {
	tx := m.Begin(txn.ModeSnapshot)
	defer tx.Rollback()
	var out []string
	for sp := mvcc.Space(0); sp < mvcc.NumSpaces; sp++ {
		tx.ScanPrefix(sp, nil, func(k []byte, v value.Value) bool {
			out = append(out, fmt.Sprintf("%d/%s=%x", sp, k, value.AppendEncoded(nil, v)))
			return true
		})
	}
	return out
}

func writeSnap(t *testing.T, m *txn.Manager, dir string) (string, Stats) {
	t.Helper()
	path := filepath.Join(dir, "s.snapshot")
	tx := m.Begin(txn.ModeSnapshot)
	defer tx.Rollback()
	st, err := Write(tx, path, path+".tmp")
	if err != nil {
		t.Fatal(err)
	}
	return path, st
}

func TestRoundTrip(t *testing.T) {
	m := newManager()
	put(t, m, mvcc.Data, "bytes", value.Bytes("hello\x00world"))
	put(t, m, mvcc.Data, "user:1", value.JSON(`{"a":1,"b":"x"}`))
	put(t, m, mvcc.Data, "list", value.FromList(value.NewList("a", "b", "")))
	put(t, m, mvcc.Data, "set", value.FromSet(value.NewSet("x", "y")))
	put(t, m, mvcc.Index, "idx\x00entry", value.Bytes(""+"k"))
	put(t, m, mvcc.Meta, "def", value.Bytes("meta"))
	put(t, m, mvcc.Data, "gone", value.Bytes("x"))
	tx := m.Begin(txn.ModeLatest)
	tx.Delete(mvcc.Data, []byte("gone"))
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path, st := writeSnap(t, m, dir)
	if st.Keys != 6 || st.TS != m.Store().Clock() {
		t.Fatalf("stats = %+v, want 6 keys at ts %d", st, m.Store().Clock())
	}
	if _, err := os.Stat(path + ".tmp"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("temp file left behind: %v", err)
	}
	m2 := newManager()
	got, ok, err := Load(m2, path, nil)
	if err != nil || !ok {
		t.Fatalf("Load = %v, %v", ok, err)
	}
	if got.TS != st.TS || got.Keys != 6 {
		t.Fatalf("loaded %+v, want %+v", got, st)
	}
	if a, b := strings.Join(dump(m), "\n"), strings.Join(dump(m2), "\n"); a != b {
		t.Fatalf("loaded state differs:\n%s\nwant\n%s", b, a)
	}
	if m2.Store().Clock() != st.TS {
		t.Fatalf("clock = %d, want %d", m2.Store().Clock(), st.TS)
	}
	if m2.Store().Live() != 4 {
		t.Fatalf("live = %d, want 4", m2.Store().Live())
	}
}

func TestLoadMissing(t *testing.T) {
	_, ok, err := Load(newManager(), filepath.Join(t.TempDir(), "nope"), nil)
	if ok || err != nil {
		t.Fatalf("Load of a missing file = %v, %v; want false, nil", ok, err)
	}
}

// TestCorruption flips every byte of a small snapshot in turn: each flip must be reported
// as ErrCorrupt naming the file, never loaded.
func TestCorruption(t *testing.T) {
	m := newManager()
	for i := range 20 {
		put(t, m, mvcc.Data, fmt.Sprintf("k%02d", i), value.Bytes(strings.Repeat("v", i)))
	}
	dir := t.TempDir()
	path, _ := writeSnap(t, m, dir)
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.snapshot")
	for i := range orig {
		data := append([]byte(nil), orig...)
		data[i] ^= 0x40
		if err := os.WriteFile(bad, data, 0o644); err != nil {
			t.Fatal(err)
		}
		_, ok, err := Load(newManager(), bad, nil)
		if ok || !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "bad.snapshot") {
			t.Fatalf("flip at %d: Load = %v, %v; want ErrCorrupt naming the file", i, ok, err)
		}
	}
	for _, n := range []int{0, 5, headerLen, len(orig) / 2, len(orig) - 1} {
		if err := os.WriteFile(bad, orig[:n], 0o644); err != nil {
			t.Fatal(err)
		}
		if _, _, err := Load(newManager(), bad, nil); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("truncated to %d: err = %v, want ErrCorrupt", n, err)
		}
	}
}

// TestWritersContinue takes a snapshot while writers commit: the snapshot holds exactly
// the state at its timestamp, and the writers never wait for it.
func TestWritersContinue(t *testing.T) {
	m := newManager()
	for i := range 20000 {
		put(t, m, mvcc.Data, fmt.Sprintf("key:%05d", i), value.Bytes("0"))
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				tx := m.Begin(txn.ModeLatest)
				tx.Put(mvcc.Data, []byte(fmt.Sprintf("key:%05d", (i*7+w)%20000)), value.Bytes(fmt.Sprint(i)))
				tx.Put(mvcc.Data, []byte(fmt.Sprintf("new:%d:%d", w, i)), value.Bytes("n"))
				if err := tx.Commit(); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	tx := m.Begin(txn.ModeSnapshot)
	var expect []string
	for sp := mvcc.Space(0); sp < mvcc.NumSpaces; sp++ {
		tx.ScanPrefix(sp, nil, func(k []byte, v value.Value) bool {
			expect = append(expect, fmt.Sprintf("%d/%s=%x", sp, k, value.AppendEncoded(nil, v)))
			return true
		})
	}
	path := filepath.Join(t.TempDir(), "s")
	if _, err := Write(tx, path, path+".tmp"); err != nil {
		t.Fatal(err)
	}
	tx.Rollback()
	stop.Store(true)
	wg.Wait()
	m2 := newManager()
	if _, _, err := Load(m2, path, nil); err != nil {
		t.Fatal(err)
	}
	if a, b := strings.Join(expect, "\n"), strings.Join(dump(m2), "\n"); a != b {
		t.Fatalf("snapshot does not equal the state at its timestamp (%d vs %d keys)", len(dump(m2)), len(expect))
	}
}

func BenchmarkLoad(b *testing.B) {
	m := newManager()
	const n = 1_000_000
	m.WithCommitLock(func([]uint64) {
		for i := range n {
			m.Store().Install(mvcc.Data, []byte(fmt.Sprintf("key:%07d", i)), value.Bytes("value"), 1, nil)
		}
		m.Store().SetClock(1)
	})
	path := filepath.Join(b.TempDir(), "s")
	tx := m.Begin(txn.ModeSnapshot)
	if _, err := Write(tx, path, path+".tmp"); err != nil {
		b.Fatal(err)
	}
	tx.Rollback()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, _, err := Load(newManager(), path, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "keys/s")
}
