package value

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

// setVersion pairs a Set with the map it must equal forever.
type setVersion struct {
	s     *Set
	model map[string]bool
}

func randMember(r *rand.Rand, universe int) string {
	if r.IntN(50) == 0 {
		return ""
	}
	return "m" + strconv.Itoa(r.IntN(universe))
}

func randMembers(r *rand.Rand, universe int) []string {
	n := 1 + r.IntN(3)
	if r.IntN(8) == 0 {
		n = r.IntN(400) // batches update their own nodes in place
	}
	out := make([]string, n)
	for i := range out {
		out[i] = randMember(r, universe)
	}
	return out
}

func applySetOp(t *testing.T, r *rand.Rand, v setVersion, universe int) setVersion {
	t.Helper()
	switch r.IntN(5) {
	case 0, 1:
		ms := randMembers(r, universe)
		s, added := v.s.Add(ms...)
		m := maps.Clone(v.model)
		want := 0
		for _, x := range ms {
			if !m[x] {
				m[x] = true
				want++
			}
		}
		if added != want {
			t.Fatalf("Add added %d, want %d", added, want)
		}
		return setVersion{s, m}
	case 2, 3:
		ms := randMembers(r, universe)
		if r.IntN(20) == 0 { // empty the set
			ms = slices.Collect(maps.Keys(v.model))
		}
		s, removed := v.s.Remove(ms...)
		m := maps.Clone(v.model)
		want := 0
		for _, x := range ms {
			if m[x] {
				delete(m, x)
				want++
			}
		}
		if removed != want {
			t.Fatalf("Remove removed %d, want %d", removed, want)
		}
		return setVersion{s, m}
	default:
		for range 5 {
			x := randMember(r, universe)
			if v.s.Has(x) != v.model[x] {
				t.Fatalf("Has(%q) = %v, want %v", x, v.s.Has(x), v.model[x])
			}
		}
		if len(v.model) > 0 {
			if x := v.s.Random(r); !v.model[x] {
				t.Fatalf("Random returned non-member %q", x)
			}
		}
		return v
	}
}

func verifySetVersion(v setVersion) error {
	if err := checkSet(v.s); err != nil {
		return err
	}
	got := setMembers(v.s)
	if want := slices.Sorted(maps.Keys(v.model)); !slices.Equal(got, want) {
		return fmt.Errorf("members differ from the model: %d, want %d", len(got), len(want))
	}
	if len(v.model) == 0 && v.s != nil {
		return fmt.Errorf("empty set is not nil")
	}
	return nil
}

// runSetModel applies random operations to random versions and checks every
// result against a map model and that no version ever changes.
func runSetModel(t *testing.T, r *rand.Rand, steps int) {
	t.Helper()
	newest := setVersion{nil, map[string]bool{}}
	pool := versionPool[setVersion]{vs: []setVersion{newest}}
	for step := range steps {
		universe := 20
		if step%3000 >= 1000 {
			universe = 3000 // alternate between small sets and tries
		}
		base := newest
		if r.IntN(4) == 0 {
			base = pool.pick(r)
		}
		next := applySetOp(t, r, base, universe)
		if err := verifySetVersion(next); err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		newest = next
		pool.add(r, next)
		if step%500 == 0 {
			pool.verifyAll(t, step, verifySetVersion)
		}
	}
	pool.verifyAll(t, -1, verifySetVersion)
}

func TestSetModel(t *testing.T) {
	runSetModel(t, testRand(t), iterations(15000, 500000))
}
