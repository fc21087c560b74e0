package art

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"

	"github.com/memflux/memflux/art/internal/plartree"
)

// The benchmarks compare Tree with the plar reference, a map behind a
// sync.RWMutex and a sync.Map, each holding benchKeys random keys of
// benchKeyLen bytes (the workload of issue 2):
//
//	go test ./art -run '^$' -bench . -benchmem
const (
	benchKeys   = 1 << 20
	benchKeyLen = 17
	// Scan workload: scanTables prefixes of scanPrefixLen bytes with
	// scanRows keys each, so one prefix scan yields scanRows keys.
	scanTables    = 1000
	scanRows      = 1000
	scanPrefixLen = 4
)

// benchIndex is the part of the API the benchmarks drive. Every
// implementation pays the same interface call.
type benchIndex interface {
	Get(key []byte) *val
	GetOrInsert(key []byte, mk func() *val) (*val, bool)
	ScanPrefix(prefix []byte, fn func(key []byte, v *val) bool)
}

// mapIndex is a Go map behind a sync.RWMutex. It has no order, so a prefix
// scan filters every key and sorts the matches.
type mapIndex struct {
	mu sync.RWMutex // protects m
	m  map[string]*val
}

func (x *mapIndex) Get(key []byte) *val {
	x.mu.RLock()
	v := x.m[string(key)]
	x.mu.RUnlock()
	return v
}

func (x *mapIndex) GetOrInsert(key []byte, mk func() *val) (*val, bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if v := x.m[string(key)]; v != nil {
		return v, false
	}
	v := mk()
	x.m[string(key)] = v
	return v, true
}

func (x *mapIndex) ScanPrefix(prefix []byte, fn func([]byte, *val) bool) {
	x.mu.RLock()
	var keys []string
	for k := range x.m {
		if len(k) >= len(prefix) && k[:len(prefix)] == string(prefix) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	vals := make([]*val, len(keys))
	for i, k := range keys {
		vals[i] = x.m[k]
	}
	x.mu.RUnlock()
	for i, k := range keys {
		if !fn([]byte(k), vals[i]) {
			return
		}
	}
}

// syncMapIndex is a sync.Map; prefix scans work as for mapIndex.
type syncMapIndex struct{ m sync.Map }

func (x *syncMapIndex) Get(key []byte) *val {
	if v, ok := x.m.Load(string(key)); ok {
		return v.(*val)
	}
	return nil
}

func (x *syncMapIndex) GetOrInsert(key []byte, mk func() *val) (*val, bool) {
	if v, ok := x.m.Load(string(key)); ok {
		return v.(*val), false
	}
	v, loaded := x.m.LoadOrStore(string(key), mk())
	return v.(*val), !loaded
}

func (x *syncMapIndex) ScanPrefix(prefix []byte, fn func([]byte, *val) bool) {
	var keys []string
	x.m.Range(func(k, _ any) bool {
		if s := k.(string); len(s) >= len(prefix) && s[:len(prefix)] == string(prefix) {
			keys = append(keys, s)
		}
		return true
	})
	slices.Sort(keys)
	for _, k := range keys {
		if !fn([]byte(k), (*syncMapIndex).Get(x, []byte(k))) {
			return
		}
	}
}

var benchImpls = []struct {
	name string
	make func() benchIndex
}{
	{"art", func() benchIndex { return New[val]() }},
	{"plar", func() benchIndex { return plartree.New[val]() }},
	{"map", func() benchIndex { return &mapIndex{m: map[string]*val{}} }},
	{"syncmap", func() benchIndex { return &syncMapIndex{} }},
}

// randomKeys returns n distinct random keys of length l.
func randomKeys(rng *rand.Rand, n, l int) [][]byte {
	seen := make(map[string]bool, n)
	keys := make([][]byte, 0, n)
	buf := make([]byte, n*l)
	for len(keys) < n {
		k := buf[len(keys)*l : (len(keys)+1)*l]
		for i := 0; i < l; i += 8 {
			var w [8]byte
			binary.LittleEndian.PutUint64(w[:], rng.Uint64())
			copy(k[i:], w[:])
		}
		if !seen[string(k)] {
			seen[string(k)] = true
			keys = append(keys, k)
		}
	}
	return keys
}

// fixture is a filled index, built once per implementation and key set.
type fixture struct {
	once sync.Once
	idx  benchIndex
	keys [][]byte // in random order
}

var (
	pointKeysOnce sync.Once
	pointKeys     [][]byte
	pointFixtures = map[string]*fixture{}
	scanFixtures  = map[string]*fixture{}
)

func getPointKeys() [][]byte {
	pointKeysOnce.Do(func() {
		pointKeys = randomKeys(rand.New(rand.NewPCG(1, 1)), benchKeys, benchKeyLen)
	})
	return pointKeys
}

// fill inserts keys into idx.
func fill(idx benchIndex, keys [][]byte) {
	for i, k := range keys {
		idx.GetOrInsert(k, func() *val { return &val{id: i} })
	}
}

func pointFixture(b *testing.B, impl int) *fixture {
	b.Helper()
	name := benchImpls[impl].name
	f := pointFixtures[name]
	if f == nil {
		f = &fixture{}
		pointFixtures[name] = f
	}
	f.once.Do(func() {
		f.idx = benchImpls[impl].make()
		fill(f.idx, getPointKeys())
		// Look keys up in an order unrelated to insertion (and so to
		// allocation) order, or the hardware prefetcher flatters every
		// implementation.
		f.keys = slices.Clone(getPointKeys())
		rand.New(rand.NewPCG(4, 4)).Shuffle(len(f.keys), func(i, j int) {
			f.keys[i], f.keys[j] = f.keys[j], f.keys[i]
		})
	})
	runtime.GC() // no collection of the build's garbage during the timing
	return f
}

// scanFixture holds scanTables*scanRows keys: a random scanPrefixLen-byte
// table prefix followed by random bytes, benchKeyLen bytes in all.
func scanFixture(b *testing.B, impl int) *fixture {
	b.Helper()
	name := benchImpls[impl].name
	f := scanFixtures[name]
	if f == nil {
		f = &fixture{}
		scanFixtures[name] = f
	}
	f.once.Do(func() {
		rng := rand.New(rand.NewPCG(2, 2))
		prefixes := randomKeys(rng, scanTables, scanPrefixLen)
		rows := randomKeys(rng, scanRows*scanTables, benchKeyLen-scanPrefixLen)
		keys := make([][]byte, 0, len(rows))
		for i, r := range rows {
			keys = append(keys, append(bytes.Clone(prefixes[i%scanTables]), r...))
		}
		f.idx = benchImpls[impl].make()
		fill(f.idx, keys)
		f.keys = prefixes
	})
	runtime.GC()
	return f
}

// BenchmarkGet looks up present keys in random order from one goroutine.
func BenchmarkGet(b *testing.B) {
	for i, impl := range benchImpls {
		b.Run("impl="+impl.name, func(b *testing.B) {
			f := pointFixture(b, i)
			keys := f.keys
			b.ReportAllocs()
			b.ResetTimer()
			for n := 0; n < b.N; n++ {
				if f.idx.Get(keys[n&(benchKeys-1)]) == nil {
					b.Fatal("key not found")
				}
			}
		})
	}
}

// BenchmarkGetParallel is BenchmarkGet from GOMAXPROCS goroutines.
func BenchmarkGetParallel(b *testing.B) {
	for i, impl := range benchImpls {
		b.Run("impl="+impl.name, func(b *testing.B) {
			f := pointFixture(b, i)
			keys := f.keys
			var next sync.Mutex
			start := 0
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				next.Lock()
				j := start
				start += benchKeys / 16
				next.Unlock()
				for pb.Next() {
					if f.idx.Get(keys[j&(benchKeys-1)]) == nil {
						b.Fatal("key not found")
					}
					j++
				}
			})
		})
	}
}

// BenchmarkGetOrInsert inserts new random keys into an index that starts
// with benchKeys keys. Each run builds its own index, so b.Loop keeps the
// setup out of the timing.
func BenchmarkGetOrInsert(b *testing.B) {
	for _, impl := range benchImpls {
		b.Run("impl="+impl.name, func(b *testing.B) {
			idx := impl.make()
			fill(idx, getPointKeys())
			runtime.GC()
			rng := rand.New(rand.NewPCG(3, 3))
			key := make([]byte, benchKeyLen)
			v := &val{}
			mk := func() *val { return v }
			b.ReportAllocs()
			for b.Loop() {
				binary.LittleEndian.PutUint64(key[0:], rng.Uint64())
				binary.LittleEndian.PutUint64(key[8:], rng.Uint64())
				key[16] = byte(rng.Uint32())
				idx.GetOrInsert(key, mk)
			}
		})
	}
}

// BenchmarkScanPrefix scans one table prefix holding scanRows keys.
func BenchmarkScanPrefix(b *testing.B) {
	for i, impl := range benchImpls {
		b.Run("impl="+impl.name, func(b *testing.B) {
			f := scanFixture(b, i)
			b.ReportAllocs()
			b.ResetTimer()
			for n := 0; n < b.N; n++ {
				count := 0
				f.idx.ScanPrefix(f.keys[n%scanTables], func([]byte, *val) bool {
					count++
					return true
				})
				if count != scanRows {
					b.Fatalf("scan yielded %d keys, want %d", count, scanRows)
				}
			}
		})
	}
}
