package evict

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"syscall"
	"testing"

	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/txn"
	"github.com/memflux/memflux/value"
)

// TestConcurrentAccess races readers (the lock-free hooks) against writers that keep
// evicting (run with -race), then checks the registry against the store.
func TestConcurrentAccess(t *testing.T) {
	for _, p := range Policies() {
		t.Run("policy="+p.String(), func(t *testing.T) {
			m, ev := newDB(t, Options{MaxMemory: 128 << 10, Policy: p})
			var wg sync.WaitGroup
			for w := range 2 {
				wg.Add(2)
				go func() {
					defer wg.Done()
					for i := range 600 {
						k := "w" + strconv.Itoa(w) + ":" + strconv.Itoa(i%300)
						if err := set(ev, m, k, k+"................................................................................................................"); err != nil {
							t.Error(err)
							return
						}
					}
				}()
				go func() {
					defer wg.Done()
					var tx txn.Txn
					for i := range 3000 {
						k := "w" + strconv.Itoa(w) + ":" + strconv.Itoa(i%300)
						m.BeginInto(&tx, txn.ModeLatest)
						if v := tx.Get(mvcc.Data, []byte(k)); v.Exists() && v.Str()[:len(k)] != k {
							t.Errorf("read %s = %.10q", k, v.Str())
						}
						tx.Rollback()
					}
				}()
			}
			wg.Wait()
			checkModel(t, -1, m, ev)
		})
	}
}

// BenchmarkReadPath measures a point read (GET's path: a ModeLatest transaction, Get,
// finish) of uniformly random keys on 2 goroutines, with each policy's read hook
// installed, against no eviction at all (policy=none). The limit is high enough that
// nothing is evicted: this is the cost of access tracking alone. keys=1k fits in the CPU
// caches, so the hook's own cost shows most; keys=100k is a realistic working set.
func BenchmarkReadPath(b *testing.B) {
	for _, n := range []int{1000, 100_000} {
		keys := make([][]byte, n)
		for i := range keys {
			keys[i] = []byte("user:" + strconv.Itoa(i))
		}
		for _, name := range []string{"none", "lru", "lfu", "lfru", "arc", "random"} {
			b.Run(fmt.Sprintf("keys=%dk/policy=%s", n/1000, name), func(b *testing.B) {
				benchReads(b, keys, name)
			})
		}
	}
}

func benchReads(b *testing.B, keys [][]byte, policy string) {
	n := len(keys)
	m := txn.NewManager(mvcc.NewStore(), txn.Options{})
	if policy != "none" {
		p, _ := ParsePolicy(policy)
		ev := New(m, Options{MaxMemory: 1 << 40, Policy: p, Seed: 1})
		ev.Attach()
		defer ev.Detach()
	}
	for i := 0; i < n; i += 1000 {
		tx := m.Begin(txn.ModeLatest)
		for j := i; j < min(i+1000, n); j++ {
			tx.Put(mvcc.Data, keys[j], value.Bytes("value-"+strconv.Itoa(j)))
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	b.RunParallel(func(pb *testing.PB) {
		r := rand.New(rand.NewPCG(rand.Uint64(), 1))
		var tx txn.Txn
		for pb.Next() {
			m.BeginInto(&tx, txn.ModeLatest)
			if !tx.Get(mvcc.Data, keys[r.IntN(n)]).Exists() {
				b.Error("missing key")
			}
			tx.Rollback()
		}
	})
	// CPU time per read: on a shared machine, wall time mostly measures the scheduler.
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
}

// BenchmarkAccessHook measures each policy's read hook alone on one chain (the hot-key
// case: after the first call it mostly finds nothing to store).
func BenchmarkAccessHook(b *testing.B) {
	for _, p := range []Policy{LRU, LFU, LFRU, ARC} {
		b.Run("policy="+p.String(), func(b *testing.B) {
			tr := newTracker(p, 0, 1, nil)
			c := new(mvcc.Chain)
			tr.insert(c, "k")
			hook := tr.pol.reader()
			b.ReportAllocs()
			for b.Loop() {
				hook(c)
			}
		})
	}
}

// cpuTime returns the process's user and system CPU time in nanoseconds.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkEvict measures the steady state of a full cache: every write evicts (in
// batches) to make room, per policy.
func BenchmarkEvict(b *testing.B) {
	val := string(make([]byte, 200))
	for _, p := range Policies() {
		b.Run("policy="+p.String(), func(b *testing.B) {
			m, ev := newDB(b, Options{MaxMemory: 8 << 20, Policy: p})
			b.ReportAllocs()
			b.SetBytes(int64(len(val)))
			for i := 0; b.Loop(); i++ {
				if err := set(ev, m, "key:"+strconv.Itoa(i), val); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(ev.Stats().Evicted)/float64(b.N), "evictions/op")
		})
	}
}
