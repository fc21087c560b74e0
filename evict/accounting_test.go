package evict

import (
	"flag"
	"fmt"
	"runtime"
	"strconv"
	"testing"

	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/txn"
	"github.com/memflux/memflux/value"
)

var long = flag.Bool("long", false, "run the long calibrations (1M keys per value type)")

// valueKinds builds one value of each kind for key i: what the calibration stores.
//
// maxRatio is the tolerated estimate/heap ratio (0: 1.25). Small sets (up to 8 members)
// are a sorted slice, about 30 bytes per member, while value.Size charges the trie's 56:
// their estimate is knowingly high (a value package constant, reported upstream).
var valueKinds = []struct {
	name     string
	make     func(i int) value.Value
	maxRatio float64
}{
	{"bytes-16", func(i int) value.Value { return value.Bytes(fmt.Sprintf("value-%010d", i)) }, 0},
	{"bytes-100", func(i int) value.Value { return value.Bytes(fmt.Sprintf("%0100d", i)) }, 0},
	{"json", func(i int) value.Value {
		return value.JSON(fmt.Sprintf(`{"id":%d,"name":"user-%d","tags":["a","b"],"score":%d.5}`, i, i, i%1000))
	}, 0},
	{"list-8", func(i int) value.Value {
		s := strconv.Itoa(i)
		return value.FromList(value.NewList("a"+s, "b"+s, "c"+s, "d"+s, "e"+s, "f"+s, "g"+s, "h"+s))
	}, 0},
	{"set-8", func(i int) value.Value {
		s := strconv.Itoa(i)
		return value.FromSet(value.NewSet("a"+s, "b"+s, "c"+s, "d"+s, "e"+s, "f"+s, "g"+s, "h"+s))
	}, 1.8},
	{"set-32", func(i int) value.Value {
		m := make([]string, 32)
		for j := range m {
			m[j] = strconv.Itoa(i*32 + j)
		}
		return value.FromSet(value.NewSet(m...))
	}, 0},
}

// heapInUse returns the live heap after a full collection.
func heapInUse() int64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// fill writes n keys "user:<i>" with values of kind k through transactions of 1000 writes.
func fill(m *txn.Manager, n int, mk func(int) value.Value) {
	for i := 0; i < n; {
		t := m.Begin(txn.ModeLatest)
		for end := min(i+1000, n); i < end; i++ {
			t.Put(mvcc.Data, []byte("user:"+strconv.Itoa(i)), mk(i))
		}
		if err := t.Commit(); err != nil {
			panic(err)
		}
	}
}

// TestAccountingCalibration compares the store's estimate (MEMUSAGE) with the real heap
// growth of loading n keys of each value type, with and without an evictor tracking them.
// The estimate must be within 25% of the heap. -long uses 1M keys (the package doc's
// figures); the default 50k keeps the run short.
func TestAccountingCalibration(t *testing.T) {
	n := 50_000
	if *long {
		n = 1_000_000
	}
	for _, withPolicy := range []Policy{NoEviction, LRU, ARC} {
		for _, vk := range valueKinds {
			name := fmt.Sprintf("policy=%s/value=%s", withPolicy, vk.name)
			t.Run(name, func(t *testing.T) {
				base := heapInUse()
				store := mvcc.NewStore()
				m := txn.NewManager(store, txn.Options{})
				var ev *Evictor
				if withPolicy != NoEviction {
					ev = New(m, Options{MaxMemory: 1 << 40, Policy: withPolicy})
					ev.Attach()
				}
				fill(m, n, vk.make)
				grown := heapInUse() - base
				est := store.Mem()
				ratio := float64(est) / float64(grown)
				t.Logf("%-28s n=%d estimate %6.1f MB, heap %6.1f MB, estimate/heap %.3f, heap bytes/key %.0f",
					name, n, float64(est)/(1<<20), float64(grown)/(1<<20), ratio, float64(grown)/float64(n))
				hi := vk.maxRatio
				if hi == 0 {
					hi = 1.25
				}
				if ratio < 0.75 || ratio > hi {
					t.Errorf("estimate %d is off the heap growth %d: ratio %.3f outside [0.75, %.2f]", est, grown, ratio, hi)
				}
				runtime.KeepAlive(store)
				runtime.KeepAlive(ev)
			})
		}
	}
}
