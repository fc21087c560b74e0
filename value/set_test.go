package value

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"sync"
	"testing"
)

// setMembers returns the sorted members of s.
func setMembers(s *Set) []string {
	out := []string{}
	s.All(func(m string) bool {
		out = append(out, m)
		return true
	})
	sort.Strings(out)
	return out
}

func checkSetContents(t *testing.T, s *Set, want []string) {
	t.Helper()
	if err := checkSet(s); err != nil {
		t.Fatalf("invariant: %v", err)
	}
	want = slices.Clone(want)
	sort.Strings(want)
	if got := setMembers(s); !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for _, m := range want {
		if !s.Has(m) {
			t.Fatalf("Has(%q) = false", m)
		}
	}
	if s.Len() != len(want) || s.Bytes() != sumLen(want) {
		t.Fatalf("Len, Bytes = %d, %d; want %d, %d", s.Len(), s.Bytes(), len(want), sumLen(want))
	}
}

func TestSetAddRemove(t *testing.T) {
	tests := []struct {
		name  string
		base  []string
		add   []string
		added int
		rem   []string
		gone  int
		want  []string
	}{
		{"add to empty", nil, []string{"a", "b"}, 2, nil, 0, []string{"a", "b"}},
		{"duplicates in one call", nil, []string{"a", "a", "b", "a"}, 2, nil, 0, []string{"a", "b"}},
		{"existing members", []string{"a", "b"}, []string{"b", "c"}, 1, nil, 0, []string{"a", "b", "c"}},
		{"empty member", nil, []string{""}, 1, nil, 0, []string{""}},
		{"remove some", []string{"a", "b", "c"}, nil, 0, []string{"b", "x"}, 1, []string{"a", "c"}},
		{"remove twice in one call", []string{"a", "b"}, nil, 0, []string{"a", "a"}, 1, []string{"b"}},
		{"remove all", []string{"a", "b"}, nil, 0, []string{"a", "b"}, 2, nil},
		{"grow into a trie", seq(5), seq(20), 15, nil, 0, seq(20)},
		{"shrink to small", seq(20), nil, 0, seq(20)[:15], 15, seq(20)[15:]},
		{"trie remove all", seq(30), nil, 0, seq(30), 30, nil},
		{"trie add existing", seq(30), seq(10), 0, nil, 0, seq(30)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := NewSet(tt.base...)
			s, added := base.Add(tt.add...)
			if added != tt.added {
				t.Errorf("added %d, want %d", added, tt.added)
			}
			if added == 0 && s != base {
				t.Errorf("no-op Add made a new set")
			}
			s2, gone := s.Remove(tt.rem...)
			if gone != tt.gone {
				t.Errorf("removed %d, want %d", gone, tt.gone)
			}
			if gone == 0 && s2 != s {
				t.Errorf("no-op Remove made a new set")
			}
			checkSetContents(t, s2, tt.want)
			if len(tt.want) == 0 && s2 != nil {
				t.Errorf("empty set is not nil")
			}
			checkSetContents(t, base, slices.Compact(slices.Sorted(slices.Values(tt.base))))
		})
	}
}

func TestSetNil(t *testing.T) {
	var s *Set
	if s.Len() != 0 || s.Bytes() != 0 || s.Has("") {
		t.Errorf("nil set is not empty")
	}
	if r, n := s.Remove("a"); r != nil || n != 0 {
		t.Errorf("Remove on nil = %v, %d", r, n)
	}
	if got := s.Random(rand.New(rand.NewPCG(1, 2))); got != "" {
		t.Errorf("Random on nil = %q", got)
	}
	s.All(func(string) bool { t.Error("All on nil called fn"); return true })
	if NewSet() != nil {
		t.Errorf("NewSet() is not nil")
	}
}

func TestSetAllStops(t *testing.T) {
	for _, n := range []int{5, 500} {
		calls := 0
		NewSet(seq(n)...).All(func(string) bool { calls++; return calls < 3 })
		if calls != 3 {
			t.Errorf("n=%d: fn called %d times after asking to stop at 3", n, calls)
		}
	}
}

// TestSetRandomUniform draws many members and checks every count against the
// expected one with a chi-squared test; the seed is fixed so it cannot flake.
func TestSetRandomUniform(t *testing.T) {
	for _, n := range []int{1, 5, 8, 9, 50, 1000} {
		t.Run(fmt.Sprintf("n=%d", n), func(t *testing.T) {
			s := NewSet(seq(n)...)
			r := rand.New(rand.NewPCG(7, uint64(n)))
			draws := 200 * n
			counts := map[string]int{}
			for range draws {
				m := s.Random(r)
				if !s.Has(m) {
					t.Fatalf("Random returned non-member %q", m)
				}
				counts[m]++
			}
			if len(counts) != n {
				t.Fatalf("drew %d distinct members of %d", len(counts), n)
			}
			exp := float64(draws) / float64(n)
			chi := 0.0
			for _, c := range counts {
				d := float64(c) - exp
				chi += d * d / exp
			}
			// Mean n-1, sd sqrt(2(n-1)): allow six standard deviations.
			if limit := float64(n-1) + 6*sqrt(2*float64(n-1)) + 1; chi > limit {
				t.Errorf("chi-squared %.1f over %d members exceeds %.1f", chi, n, limit)
			}
		})
	}
}

func sqrt(x float64) float64 {
	z := x/2 + 1
	for range 50 {
		z -= (z*z - x) / (2 * z)
	}
	return z
}

// TestSetCollisions swaps in weak hashes so members share hash prefixes and
// whole hashes, exercising deep paths and collision nodes.
func TestSetCollisions(t *testing.T) {
	defer func(h func(string) uint64) { hashString = h }(hashString)
	strong := hashString
	for _, tt := range []struct {
		name string
		hash func(string) uint64
	}{
		{"constant", func(string) uint64 { return 0xdeadbeefcafef00d }},
		{"4 distinct hashes", func(s string) uint64 { return strong(s) & 3 << 62 }},
		{"low bits only", func(s string) uint64 { return strong(s) & 0x3ff }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			hashString = tt.hash
			runSetModel(t, rand.New(rand.NewPCG(11, 12)), 2000)
		})
	}
}

// TestSetConcurrent derives new sets from one shared set in many goroutines
// while others read it. Run with -race.
func TestSetConcurrent(t *testing.T) {
	base := NewSet(seq(200)...)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	start := make(chan struct{})
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			r := rand.New(rand.NewPCG(uint64(w), 1))
			s := base
			want := map[string]bool{}
			for _, m := range seq(200) {
				want[m] = true
			}
			for i := range 500 {
				m := "w" + strconv.Itoa(w) + "-" + strconv.Itoa(i%150)
				if i%3 == 2 {
					s, _ = s.Remove(m, "e"+strconv.Itoa(i%200))
					delete(want, m)
					delete(want, "e"+strconv.Itoa(i%200))
				} else {
					s, _ = s.Add(m)
					want[m] = true
				}
				_ = base.Random(r) // concurrent readers of the shared version
			}
			if got, exp := setMembers(s), slices.Sorted(maps.Keys(want)); !slices.Equal(got, exp) {
				errs <- fmt.Errorf("worker %d: %d members, want %d", w, len(got), len(exp))
			}
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	checkSetContents(t, base, seq(200))
}
