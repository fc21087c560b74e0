package memflux

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/txn"
	"github.com/memflux/memflux/value"
)

// Benchmarks of the storage engine through its layers, with Go maps as peers in the same
// run. Run them with
//
//	go test -run '^$' -bench . -benchmem .
//
// The 1M-key fixture is built once per process (a few seconds) and shared.

const benchKeys = 1 << 20

// benchFixture holds the same 1M random 17-byte keys (8-byte values) in a DB, a map behind
// an RWMutex and a sync.Map.
type benchFixture struct {
	db    *DB
	keys  [][]byte
	skeys []string
	order []int32 // random visiting order of the keys

	mu sync.RWMutex
	m  map[string][]byte
	sm sync.Map
}

var (
	fixtureOnce sync.Once
	fixture     *benchFixture
)

func benchOpen(b *testing.B) *DB {
	b.Helper()
	cfg := DefaultConfig()
	cfg.Persistence = false
	cfg.VacuumInterval = -1
	db, err := Open(cfg)
	if err != nil {
		b.Fatal(err)
	}
	return db
}

// randomKeys returns n distinct random keys of 17 printable bytes.
func randomKeys(n int, seed uint64) [][]byte {
	rng := rand.New(rand.NewPCG(seed, seed))
	seen := make(map[string]bool, n)
	keys := make([][]byte, 0, n)
	for len(keys) < n {
		k := make([]byte, 17)
		for i := range k {
			k[i] = byte('!' + rng.IntN(94))
		}
		if !seen[string(k)] {
			seen[string(k)] = true
			keys = append(keys, k)
		}
	}
	return keys
}

// load commits keys with value val in transactions of 1,000 writes.
func load(b *testing.B, db *DB, keys [][]byte, val value.Value) {
	b.Helper()
	for i := 0; i < len(keys); i += 1000 {
		tx := db.txns.Begin(txn.ModeSnapshot)
		for _, k := range keys[i:min(i+1000, len(keys))] {
			tx.Put(mvcc.Data, k, val)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
}

func getFixture(b *testing.B) *benchFixture {
	fixtureOnce.Do(func() {
		f := &benchFixture{db: benchOpen(b), keys: randomKeys(benchKeys, 1), m: make(map[string][]byte, benchKeys)}
		val := []byte("01234567")
		load(b, f.db, f.keys, value.Bytes(string(val)))
		f.skeys = make([]string, len(f.keys))
		for i, k := range f.keys {
			f.skeys[i] = string(k)
			f.m[f.skeys[i]] = val
			f.sm.Store(f.skeys[i], val)
		}
		rng := rand.New(rand.NewPCG(2, 2))
		f.order = make([]int32, len(f.keys))
		for i := range f.order {
			f.order[i] = int32(i)
		}
		rng.Shuffle(len(f.order), func(i, j int) { f.order[i], f.order[j] = f.order[j], f.order[i] })
		fixture = f
	})
	return fixture
}

// next returns the i-th key index of the random visiting order.
func (f *benchFixture) next(i int) int { return int(f.order[i&(benchKeys-1)]) }

// parallelStart spreads RunParallel goroutines over the key order.
var parallelStart atomic.Int64

// benchReads runs get for keys in random order, sequentially or with RunParallel.
func benchReads(b *testing.B, parallel bool, get func(i int) bool) {
	b.ReportAllocs()
	b.ResetTimer()
	if !parallel {
		for i := 0; i < b.N; i++ {
			if !get(i) {
				b.Fatal("key not found")
			}
		}
		return
	}
	b.RunParallel(func(pb *testing.PB) {
		i := int(parallelStart.Add(100_003))
		for pb.Next() {
			if !get(i) {
				b.Error("key not found")
				return
			}
			i++
		}
	})
}

// BenchmarkPointRead reads one random key of 1M through each layer of the engine and from
// the Go map peers.
func BenchmarkPointRead(b *testing.B) {
	f := getFixture(b)
	store := f.db.store
	impls := []struct {
		name string
		get  func(i int) bool
	}{
		{"mvcc.Latest", func(i int) bool {
			return store.Latest(mvcc.Data, f.keys[f.next(i)]) != nil
		}},
		{"txn.ModeLatest", func(i int) bool {
			var tx txn.Txn // a real command reuses its session's Txn
			f.db.txns.BeginInto(&tx, txn.ModeLatest)
			ok := tx.Get(mvcc.Data, f.keys[f.next(i)]).Exists()
			tx.Rollback()
			return ok
		}},
		{"map+RWMutex", func(i int) bool {
			f.mu.RLock()
			_, ok := f.m[f.skeys[f.next(i)]]
			f.mu.RUnlock()
			return ok
		}},
		{"sync.Map", func(i int) bool {
			_, ok := f.sm.Load(f.skeys[f.next(i)])
			return ok
		}},
	}
	for _, impl := range impls {
		for _, par := range []bool{false, true} {
			b.Run(fmt.Sprintf("impl=%s/parallel=%v", impl.name, par), func(b *testing.B) {
				benchReads(b, par, impl.get)
			})
		}
	}
	for _, par := range []bool{false, true} {
		b.Run(fmt.Sprintf("impl=session.GET/parallel=%v", par), func(b *testing.B) {
			benchSession(b, par, func(s *Session, i int) error {
				_, err := s.s.Exec([][]byte{[]byte("GET"), f.keys[f.next(i)]})
				return err
			})
		})
	}
}

// benchSession runs op on one session per goroutine.
func benchSession(b *testing.B, parallel bool, op func(s *Session, i int) error) {
	f := getFixture(b)
	b.ReportAllocs()
	if !parallel {
		s := f.db.NewSession()
		defer s.Close()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if err := op(s, i); err != nil {
				b.Fatal(err)
			}
		}
		return
	}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		s := f.db.NewSession()
		defer s.Close()
		i := int(parallelStart.Add(100_003))
		for pb.Next() {
			if err := op(s, i); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}

// BenchmarkPointWrite overwrites one random key of 1M (an auto-committed transaction for
// the engine).
func BenchmarkPointWrite(b *testing.B) {
	f := getFixture(b)
	val := []byte("76543210")
	v := value.Bytes(string(val))
	impls := []struct {
		name string
		put  func(i int) bool
	}{
		{"txn.ModeLatest", func(i int) bool {
			var tx txn.Txn
			f.db.txns.BeginInto(&tx, txn.ModeLatest)
			tx.Put(mvcc.Data, f.keys[f.next(i)], v)
			return tx.Commit() == nil
		}},
		{"map+RWMutex", func(i int) bool {
			f.mu.Lock()
			f.m[f.skeys[f.next(i)]] = val
			f.mu.Unlock()
			return true
		}},
		{"sync.Map", func(i int) bool {
			f.sm.Store(f.skeys[f.next(i)], val)
			return true
		}},
	}
	for _, impl := range impls {
		for _, par := range []bool{false, true} {
			b.Run(fmt.Sprintf("impl=%s/parallel=%v", impl.name, par), func(b *testing.B) {
				benchReads(b, par, impl.put)
			})
		}
	}
	for _, par := range []bool{false, true} {
		b.Run(fmt.Sprintf("impl=session.SET/parallel=%v", par), func(b *testing.B) {
			benchSession(b, par, func(s *Session, i int) error {
				_, err := s.s.Exec([][]byte{[]byte("SET"), f.keys[f.next(i)], val})
				return err
			})
		})
	}
}

// BenchmarkAutoCommitSet is `SET key value` on a session, as a client connection runs it,
// over 100k keys of a fresh database.
func BenchmarkAutoCommitSet(b *testing.B) {
	db := benchOpen(b)
	defer db.Close()
	keys := randomKeys(100_000, 3)
	s := db.NewSession()
	defer s.Close()
	args := [][]byte{[]byte("SET"), nil, []byte("value")}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		args[1] = keys[i%len(keys)]
		if _, err := s.Exec(args...); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTxn10Writes commits transactions of 10 SETs, through DB.Update and through a
// session's BEGIN … COMMIT.
func BenchmarkTxn10Writes(b *testing.B) {
	keys := randomKeys(100_000, 4)
	b.Run("api=Update", func(b *testing.B) {
		db := benchOpen(b)
		defer db.Close()
		val := []byte("value")
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			err := db.Update(func(tx *Tx) error {
				for j := range 10 {
					if err := tx.Set(string(keys[(i*10+j)%len(keys)]), val); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("api=session", func(b *testing.B) {
		db := benchOpen(b)
		defer db.Close()
		s := db.NewSession()
		defer s.Close()
		begin, commit := [][]byte{[]byte("BEGIN")}, [][]byte{[]byte("COMMIT")}
		set := [][]byte{[]byte("SET"), nil, []byte("value")}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := s.Exec(begin...); err != nil {
				b.Fatal(err)
			}
			for j := range 10 {
				set[1] = keys[(i*10+j)%len(keys)]
				if _, err := s.Exec(set...); err != nil {
					b.Fatal(err)
				}
			}
			if _, err := s.Exec(commit...); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// heapInUse returns the live heap after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// BenchmarkBytesPerKey measures the live heap of 1M keys of 17 bytes with 8-byte values,
// against a map[string][]byte holding the same data. Each run loads the keys once,
// whatever b.N is (run with -benchtime=1x).
func BenchmarkBytesPerKey(b *testing.B) {
	keys := randomKeys(benchKeys, 5)
	b.Run("impl=memflux", func(b *testing.B) {
		b.ReportAllocs()
		before := heapInUse()
		db := benchOpen(b)
		load(b, db, keys, value.Bytes("01234567"))
		after := heapInUse()
		if n := db.store.Live(); n != benchKeys {
			b.Fatalf("%d keys live", n)
		}
		b.ReportMetric(float64(after-before)/benchKeys, "bytes/key")
		runtime.KeepAlive(db)
		db.Close()
	})
	b.Run("impl=map", func(b *testing.B) {
		b.ReportAllocs()
		before := heapInUse()
		m := make(map[string][]byte)
		for _, k := range keys {
			m[string(k)] = []byte("01234567")
		}
		after := heapInUse()
		b.ReportMetric(float64(after-before)/benchKeys, "bytes/key")
		runtime.KeepAlive(m)
	})
}

// BenchmarkHotKey overwrites one key b.N times with SET through a session (run with
// -benchtime=1000000x for the one million overwrites of issue 2), with and without a
// transaction that began before the first overwrite and stays open. It reports the cost
// per SET of the first and the last 10% of the overwrites (flat means pruning works), and
// at the end the chain length, the growth of the live heap and the store's own estimate of
// its memory.
func BenchmarkHotKey(b *testing.B) {
	for _, reader := range []bool{false, true} {
		b.Run(fmt.Sprintf("reader=%v", reader), func(b *testing.B) {
			db := benchOpen(b)
			defer db.Close()
			s := db.NewSession()
			defer s.Close()
			if _, err := s.Do("SET", "hot", "v0"); err != nil {
				b.Fatal(err)
			}
			if reader {
				r := db.NewSession()
				defer r.Close()
				if _, err := r.Do("BEGIN"); err != nil {
					b.Fatal(err)
				}
				if _, err := r.Do("GET", "hot"); err != nil {
					b.Fatal(err)
				}
			}
			args := [][]byte{[]byte("SET"), []byte("hot"), nil}
			vals := make([][]byte, 1000)
			for i := range vals {
				vals[i] = []byte("value-" + strconv.Itoa(i))
			}
			heapBefore := heapInUse()
			tenth := max(b.N/10, 1)
			var first, last time.Duration
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				if i == tenth {
					first = time.Since(start)
				}
				if i == b.N-tenth {
					start = time.Now()
				}
				args[2] = vals[i%len(vals)]
				if _, err := s.Exec(args...); err != nil {
					b.Fatal(err)
				}
			}
			last = time.Since(start)
			b.StopTimer()
			if b.N < 10 {
				return
			}
			b.ReportMetric(float64(first.Nanoseconds())/float64(tenth), "first10%-ns/op")
			b.ReportMetric(float64(last.Nanoseconds())/float64(tenth), "last10%-ns/op")
			n := 0
			for v := db.store.Chain(mvcc.Data, []byte("hot")).Head(); v != nil; v = v.Next() {
				n++
			}
			b.ReportMetric(float64(n), "chain-versions")
			b.ReportMetric((float64(heapInUse())-float64(heapBefore))/1024, "heap-growth-KiB")
			b.ReportMetric(float64(db.store.Mem()), "store-mem-bytes")
		})
	}
}
