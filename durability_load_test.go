package memflux_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/memflux/memflux"
)

// loadWriters is the number of concurrent writers of the snapshot-under-load test.
const loadWriters = 4

// loadTxn is what one acknowledged writer transaction wrote: three keys of its own
// (t:<w>:<i>:a/b/c), last:<w> = i, and one preloaded key of the writer's partition.
type loadTxn struct{ key int }

// loadWriter commits transactions until stop is set and records each acknowledged one.
// Writer w only touches preloaded keys k with k%loadWriters == w, so the final value of
// every key follows from the writer's own order.
type loadWriter struct {
	w int
	// mu protects acked.
	mu    sync.Mutex
	acked []loadTxn
	count atomic.Int64 // len(acked), readable without mu
}

// run commits transactions until stop is set, signalling progress (without blocking)
// after each acknowledged one.
func (lw *loadWriter) run(t *testing.T, db *memflux.DB, keys int, stop *atomic.Bool, progress chan<- struct{}) {
	s := db.NewSession()
	defer s.Close()
	for i := 0; !stop.Load(); i++ {
		k := (i*7919*loadWriters + lw.w) % keys
		k -= k % loadWriters
		k += lw.w
		if k >= keys {
			k -= loadWriters
		}
		cmds := [][]string{{"BEGIN"}}
		for _, suf := range []string{"a", "b", "c"} {
			cmds = append(cmds, []string{"SET", fmt.Sprintf("t:%d:%d:%s", lw.w, i, suf), strconv.Itoa(i)})
		}
		cmds = append(cmds,
			[]string{"SET", fmt.Sprintf("k:%07d", k), fmt.Sprintf("w%d:%d", lw.w, i)},
			[]string{"SET", fmt.Sprintf("last:%d", lw.w), strconv.Itoa(i)},
			[]string{"COMMIT"})
		for _, c := range cmds {
			if _, err := s.Do(c...); err != nil {
				t.Errorf("writer %d txn %d %v: %v", lw.w, i, c, err)
				return
			}
		}
		lw.mu.Lock()
		lw.acked = append(lw.acked, loadTxn{key: k})
		lw.mu.Unlock()
		lw.count.Add(1)
		select {
		case progress <- struct{}{}:
		default:
		}
	}
}

// checkLoadState checks that db holds a consistent state: for each writer a prefix of its
// transactions, whole, with at least min[w] of them (and at most max[w] when max is not
// nil), and the preloaded keys carrying exactly the values that prefix implies. It returns
// the prefix lengths.
func checkLoadState(t *testing.T, db *memflux.DB, keys int, writers []*loadWriter, min, max []int) []int {
	t.Helper()
	got := make([]int, len(writers))
	err := db.View(func(tx *memflux.Tx) error {
		for w, lw := range writers {
			last, ok, err := tx.Get(fmt.Sprintf("last:%d", w))
			if err != nil {
				return err
			}
			n := 0
			if ok {
				if n, err = strconv.Atoi(string(last)); err != nil {
					return err
				}
				n++
			}
			got[w] = n
			if n < min[w] || (max != nil && n > max[w]) {
				return fmt.Errorf("writer %d: %d transactions recovered, want %d..%v", w, n, min[w], max)
			}
			// Every transaction of the prefix whole, the next one absent.
			for i := 0; i <= n && i < len(lw.acked)+1; i++ {
				for _, suf := range []string{"a", "b", "c"} {
					v, ok, err := tx.Get(fmt.Sprintf("t:%d:%d:%s", w, i, suf))
					if err != nil {
						return err
					}
					if want := i < n; ok != want || (ok && string(v) != strconv.Itoa(i)) {
						return fmt.Errorf("writer %d txn %d key %s: present=%v (%q) with %d transactions recovered: partly visible",
							w, i, suf, ok, v, n)
					}
				}
			}
		}
		// Preloaded keys: the last recovered write of their writer, else the initial "0".
		want := make(map[int]string)
		for w, lw := range writers {
			for i, a := range lw.acked[:got[w]] {
				want[a.key] = fmt.Sprintf("w%d:%d", w, i)
			}
		}
		for k := range keys {
			v, ok, err := tx.Get(fmt.Sprintf("k:%07d", k))
			if err != nil {
				return err
			}
			exp, written := want[k]
			if !written {
				exp = "0"
			}
			if !ok || string(v) != exp {
				return fmt.Errorf("k:%07d = %q (present %v), want %q", k, v, ok, exp)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// preload writes keys k:0000000… = "0" in batches of 10,000 per transaction.
func preload(t testing.TB, db *memflux.DB, keys int) {
	t.Helper()
	for lo := 0; lo < keys; lo += 10000 {
		err := db.Update(func(tx *memflux.Tx) error {
			for k := lo; k < min(lo+10000, keys); k++ {
				if err := tx.Set(fmt.Sprintf("k:%07d", k), []byte("0")); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestDurabilitySnapshotUnderLoad: writers keep committing multi-key transactions while
// SAVE snapshots 100k keys (1M with -long). The snapshot alone recovers exactly the
// transactions committed before it started, plus possibly some committed during it, each
// whole; the snapshot plus the WAL recover every acknowledged transaction. Writers must
// commit during the snapshot (it does not stop them).
func TestDurabilitySnapshotUnderLoad(t *testing.T) {
	keys := 100_000
	if *durLong {
		keys = 1_000_000
	}
	dir := t.TempDir()
	db := durOpen(t, dir)
	start := time.Now()
	preload(t, db, keys)
	t.Logf("preloaded %d keys in %v", keys, time.Since(start).Round(time.Millisecond))

	var stop atomic.Bool
	var wg sync.WaitGroup
	progress := make(chan struct{}, 1)
	writers := make([]*loadWriter, loadWriters)
	for w := range writers {
		writers[w] = &loadWriter{w: w}
		wg.Add(1)
		go func() { defer wg.Done(); writers[w].run(t, db, keys, &stop, progress) }()
	}
	writersDone := make(chan struct{})
	go func() { wg.Wait(); close(writersDone) }()
	counts := func() []int {
		c := make([]int, loadWriters)
		for w, lw := range writers {
			c[w] = int(lw.count.Load())
		}
		return c
	}
	// awaitAcks waits until n transactions are acknowledged in all, or the writers quit
	// (after a failure).
	awaitAcks := func(n int) {
		for sum(counts()) < n {
			select {
			case <-progress:
			case <-writersDone:
				return
			}
		}
	}
	awaitAcks(20)
	s := db.NewSession()
	before := counts()
	saveStart := time.Now()
	durDo(t, s, "SAVE")
	saveTime := time.Since(saveStart)
	during := counts()
	s.Close()
	awaitAcks(sum(during) + 20)
	stop.Store(true)
	wg.Wait()
	if t.Failed() {
		db.Close()
		return
	}
	final := counts()
	committedDuring := sum(during) - sum(before)
	t.Logf("SAVE of %d keys took %v; %d transactions committed during it, %d in all",
		keys, saveTime.Round(time.Millisecond), committedDuring, sum(final))
	if committedDuring == 0 {
		t.Errorf("no transaction committed during a %v snapshot: writers were blocked", saveTime)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// The snapshot alone: a consistent state between "before" and "during".
	snapOnly := t.TempDir()
	data, err := os.ReadFile(filepath.Join(dir, "memflux.snapshot"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(snapOnly, "memflux.snapshot"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	// A transaction is visible from the moment it is installed, before its committer has
	// seen the sync: each writer may have one in the snapshot that it acknowledged only
	// after SAVE returned.
	upTo := make([]int, loadWriters)
	for w := range upTo {
		upTo[w] = during[w] + 1
	}
	db = durOpen(t, snapOnly)
	got := checkLoadState(t, db, keys, writers, before, upTo)
	db.Close()
	t.Logf("snapshot holds %v transactions per writer (%v acknowledged before SAVE, %v by its end)", got, before, during)

	// Snapshot plus WAL: everything acknowledged.
	start = time.Now()
	db = durOpen(t, dir)
	t.Logf("reopened %d keys in %v", keys, time.Since(start).Round(time.Millisecond))
	defer db.Close()
	checkLoadState(t, db, keys, writers, final, final)
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}
