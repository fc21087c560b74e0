package value

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
)

var benchSizes = []int{100, 1000, 100000}

// BenchmarkListPushPopFront is redis-benchmark's LPUSH/LPOP pattern: n
// PushFront then n PopFront(1), each on the newest version, as MVCC applies
// them. One op is one push or one pop.
func BenchmarkListPushPopFront(b *testing.B) {
	for _, n := range benchSizes {
		elems := seq(n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var l *List
				for _, s := range elems {
					l = l.PushFront(s)
				}
				for range n {
					l, _ = l.PopFront(1)
				}
				if l != nil {
					b.Fatal("list not drained")
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*2*n), "ns/elem-op")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// BenchmarkNaiveSlicePushPopFront is the naive peer: a Go slice copied per
// version. It is quadratic, so it runs only the small sizes.
func BenchmarkNaiveSlicePushPopFront(b *testing.B) {
	for _, n := range benchSizes[:2] {
		elems := seq(n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var l []string
				for _, s := range elems {
					nl := make([]string, len(l)+1)
					nl[0] = s
					copy(nl[1:], l)
					l = nl
				}
				for range n {
					l = slices.Clone(l[1:])
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*2*n), "ns/elem-op")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// BenchmarkListStack alternates PushFront and PopFront on the newest
// version (a stack of steady length n). Each push after a pop must copy the
// head chunk, because the popped slot is still visible to older versions.
func BenchmarkListStack(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			l := NewList(seq(n)...)
			b.ReportAllocs()
			for b.Loop() {
				l = l.PushFront("x")
				l, _ = l.PopFront(1)
			}
		})
	}
}

// BenchmarkListPushBackPopFront is a queue (RPUSH/LPOP) of steady length n.
func BenchmarkListPushBackPopFront(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			l := NewList(seq(n)...)
			b.ReportAllocs()
			for b.Loop() {
				l = l.PushBack("x")
				l, _ = l.PopFront(1)
			}
		})
	}
}

func BenchmarkListIndex(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			var l *List
			for _, s := range seq(n) {
				l = l.PushBack(s)
			}
			r := rand.New(rand.NewPCG(1, 2))
			b.ReportAllocs()
			for b.Loop() {
				if _, ok := l.Index(r.IntN(n)); !ok {
					b.Fatal("index out of range")
				}
			}
		})
	}
}

func BenchmarkListSetIndex(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			l := NewList(seq(n)...)
			r := rand.New(rand.NewPCG(1, 2))
			b.ReportAllocs()
			for b.Loop() {
				l, _ = l.SetIndex(r.IntN(n), "x")
			}
		})
	}
}

// BenchmarkListCapped is the LPUSH + LTRIM 0 99 idiom on a 100-element list.
func BenchmarkListCapped(b *testing.B) {
	l := NewList(seq(100)...)
	b.ReportAllocs()
	for b.Loop() {
		l = l.PushFront("x").Trim(0, 99)
	}
}

// BenchmarkSetAdd adds n members one at a time, each on the newest version
// (SADD per command). One op is one Add.
func BenchmarkSetAdd(b *testing.B) {
	for _, n := range benchSizes {
		members := seq(n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var s *Set
				for _, m := range members {
					s, _ = s.Add(m)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/add")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// BenchmarkSetAddBatch adds n members in one call (SADD with n arguments,
// snapshot loading).
func BenchmarkSetAddBatch(b *testing.B) {
	for _, n := range benchSizes {
		members := seq(n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				NewSet(members...)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/add")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// BenchmarkNaiveMapAdd is the naive peer: a Go map copied per version.
func BenchmarkNaiveMapAdd(b *testing.B) {
	for _, n := range benchSizes[:2] {
		members := seq(n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s := map[string]struct{}{}
				for _, m := range members {
					s = maps.Clone(s)
					s[m] = struct{}{}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/add")
			b.ReportMetric(0, "ns/op")
		})
	}
}

func BenchmarkSetHas(b *testing.B) {
	for _, n := range append([]int{8}, benchSizes...) {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			members := seq(n)
			s := NewSet(members...)
			r := rand.New(rand.NewPCG(1, 2))
			b.ReportAllocs()
			for b.Loop() {
				if !s.Has(members[r.IntN(n)]) {
					b.Fatal("member missing")
				}
			}
		})
	}
}

// BenchmarkMapHas is the peer for Has: a plain Go map lookup.
func BenchmarkMapHas(b *testing.B) {
	for _, n := range append([]int{8}, benchSizes...) {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			members := seq(n)
			m := map[string]struct{}{}
			for _, x := range members {
				m[x] = struct{}{}
			}
			r := rand.New(rand.NewPCG(1, 2))
			b.ReportAllocs()
			for b.Loop() {
				if _, ok := m[members[r.IntN(n)]]; !ok {
					b.Fatal("member missing")
				}
			}
		})
	}
}

func BenchmarkSetRandom(b *testing.B) {
	for _, n := range append([]int{8}, benchSizes...) {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			s := NewSet(seq(n)...)
			r := rand.New(rand.NewPCG(1, 2))
			b.ReportAllocs()
			for b.Loop() {
				s.Random(r)
			}
		})
	}
}

// BenchmarkSetPop is SPOP on the newest version: Random then Remove.
func BenchmarkSetPop(b *testing.B) {
	const n = 100000
	members := seq(n)
	r := rand.New(rand.NewPCG(1, 2))
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		s := NewSet(members...)
		b.StartTimer()
		for s != nil {
			s, _ = s.Remove(s.Random(r))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/pop")
}

func BenchmarkEncode(b *testing.B) {
	for name, v := range map[string]Value{
		"list=100k": FromList(NewList(seq(100000)...)),
		"set=100k":  FromSet(NewSet(seq(100000)...)),
		"bytes=1k":  Bytes(string(make([]byte, 1024))),
	} {
		b.Run(name, func(b *testing.B) {
			buf := AppendEncoded(nil, v)
			b.SetBytes(int64(len(buf)))
			b.ReportAllocs()
			for b.Loop() {
				buf = AppendEncoded(buf[:0], v)
			}
		})
	}
}

func BenchmarkDecode(b *testing.B) {
	for name, v := range map[string]Value{
		"list=100k": FromList(NewList(seq(100000)...)),
		"set=100k":  FromSet(NewSet(seq(100000)...)),
		"bytes=1k":  Bytes(string(make([]byte, 1024))),
	} {
		b.Run(name, func(b *testing.B) {
			buf := AppendEncoded(nil, v)
			b.SetBytes(int64(len(buf)))
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := Decode(buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
