package snapshot

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/txn"
	"github.com/memflux/memflux/value"
)

// TestWritebackFile: whatever the sizes of the writes, the file holds exactly the bytes
// written, and every complete chunk has had its writeback started.
func TestWritebackFile(t *testing.T) {
	tests := []struct {
		name   string
		writes []int
	}{
		{"empty", nil},
		{"small", []int{1, 7, 100}},
		{"exact chunk", []int{writebackChunk}},
		{"chunk plus one", []int{writebackChunk + 1}},
		{"straddling", []int{writebackChunk - 3, 10, writebackChunk}},
		{"past the lag", []int{1 << 20, 1<<20 + 5, 3, writebackLag}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := os.Create(filepath.Join(t.TempDir(), "f"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			w := newWritebackFile(f, 0, nil)
			var want []byte
			for i, n := range tc.writes {
				p := bytes.Repeat([]byte{byte('a' + i)}, n)
				got, err := w.Write(p)
				if err != nil || got != n {
					t.Fatalf("Write(%d bytes) = %d, %v", n, got, err)
				}
				want = append(want, p...)
			}
			if w.n != int64(len(want)) {
				t.Errorf("n = %d, want %d", w.n, len(want))
			}
			if wantStarted := int64(len(want)) / writebackChunk * writebackChunk; w.started != wantStarted {
				t.Errorf("started = %d, want %d", w.started, wantStarted)
			}
			got, err := os.ReadFile(f.Name())
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("file holds %d bytes, not the %d written", len(got), len(want))
			}
		})
	}
}

// manyKeys returns a manager whose store holds n keys committed at timestamp 1.
func manyKeys(n int) *txn.Manager {
	m := newManager()
	m.WithCommitLock(func([]uint64) {
		for i := range n {
			m.Store().Install(mvcc.Data, []byte(fmt.Sprintf("key:%06d", i)), value.Bytes("value-0123456789"), 1, nil)
		}
		m.Store().SetClock(1)
	})
	return m
}

// checkLoads loads the snapshot at path into a new manager and checks it holds n keys.
func checkLoads(t *testing.T, path string, n int) {
	t.Helper()
	m := newManager()
	if _, _, err := Load(m, path, nil); err != nil {
		t.Fatal(err)
	}
	if got := len(dump(m)); got != n {
		t.Errorf("loaded %d keys, want %d", got, n)
	}
}

// TestWritePaced: WriteWith with BytesPerSec takes at least size/rate, and the snapshot
// loads back whole.
func TestWritePaced(t *testing.T) {
	m := manyKeys(40_000)
	path := filepath.Join(t.TempDir(), "s")
	const rate = 8 << 20
	tx := m.Begin(txn.ModeSnapshot)
	start := time.Now()
	st, err := WriteWith(tx, path, path+".tmp", WriteOptions{BytesPerSec: rate})
	elapsed := time.Since(start)
	tx.Rollback()
	if err != nil {
		t.Fatal(err)
	}
	// Pacing happens at chunk boundaries, so the bytes after the last one are free.
	paced := st.Bytes / writebackChunk * writebackChunk
	if min := time.Duration(float64(paced) / rate * float64(time.Second)); elapsed < min {
		t.Errorf("wrote %d bytes in %v, want at least %v at %d B/s", st.Bytes, elapsed, min, rate)
	}
	if paced == 0 {
		t.Fatalf("snapshot of %d bytes is below one chunk: the test paces nothing", st.Bytes)
	}
	checkLoads(t, path, 40_000)
}

// TestWriteHurry: once Hurry is closed a paced snapshot stops waiting: at 1 KiB/s a
// snapshot of this size would take minutes.
func TestWriteHurry(t *testing.T) {
	m := manyKeys(40_000)
	path := filepath.Join(t.TempDir(), "s")
	hurry := make(chan struct{})
	close(hurry)
	tx := m.Begin(txn.ModeSnapshot)
	st, err := WriteWith(tx, path, path+".tmp", WriteOptions{BytesPerSec: 1 << 10, Hurry: hurry})
	tx.Rollback()
	if err != nil {
		t.Fatal(err)
	}
	if st.Bytes < writebackChunk {
		t.Fatalf("snapshot of %d bytes is below one chunk: nothing was paced", st.Bytes)
	}
	checkLoads(t, path, 40_000)
}

// TestRunLowPriority: fn runs to completion before runLowPriority returns, and a panic in
// it reaches the caller.
func TestRunLowPriority(t *testing.T) {
	ran := false
	runLowPriority(func() { ran = true })
	if !ran {
		t.Fatal("fn did not run before runLowPriority returned")
	}
	defer func() {
		if p := recover(); p != "boom" {
			t.Fatalf("recovered %v, want the panic of fn", p)
		}
	}()
	runLowPriority(func() { panic("boom") })
	t.Fatal("runLowPriority returned after fn panicked")
}
