package value

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

// listVersion pairs a List with the plain slice it must equal forever.
type listVersion struct {
	l     *List
	model []string
}

// randElem returns a short element from a small alphabet, so that Remove
// finds matches, and sometimes an empty or binary one.
func randElem(r *rand.Rand) string {
	switch r.IntN(20) {
	case 0:
		return ""
	case 1:
		return string([]byte{0, byte(r.IntN(256)), 0xff})
	default:
		return "v" + strconv.Itoa(r.IntN(12))
	}
}

func randElems(r *rand.Rand, grow bool) []string {
	n := 1 + r.IntN(4)
	if r.IntN(10) == 0 {
		n = r.IntN(300) // bulk pushes grow the list past several tree levels
		if grow {
			n = r.IntN(3000)
		}
	}
	out := make([]string, n)
	for i := range out {
		out[i] = randElem(r)
	}
	return out
}

// randIndex returns an index around the valid range of a list of n
// elements, including negative and out-of-range ones.
func randIndex(r *rand.Rand, n int) int {
	return r.IntN(2*n+7) - n - 3
}

// modelSpan is the straightforward statement of the LRANGE/LTRIM rules.
func modelSpan(model []string, start, stop int) []string {
	n := len(model)
	if start < 0 {
		start = n + start
	}
	if stop < 0 {
		stop = n + stop
	}
	if start < 0 {
		start = 0
	}
	if start > stop || start >= n {
		return []string{}
	}
	if stop >= n {
		stop = n - 1
	}
	return slices.Clone(model[start : stop+1])
}

// applyListOp applies one random operation to v and the same operation to
// its model, returning the new version. It also checks the operation's
// direct results. In a grow phase only pushes and reads happen, so lists get
// large enough for trees of height 3.
func applyListOp(t *testing.T, r *rand.Rand, v listVersion, grow bool) listVersion {
	t.Helper()
	m, n := v.model, len(v.model)
	op := r.IntN(12)
	if grow && op >= 4 {
		op = []int{0, 2, 11}[op%3]
	}
	switch op {
	case 0, 1:
		vals := randElems(r, grow)
		nm := slices.Clone(vals)
		slices.Reverse(nm)
		return listVersion{v.l.PushFront(vals...), append(nm, m...)}
	case 2, 3:
		vals := randElems(r, grow)
		return listVersion{v.l.PushBack(vals...), slices.Concat(m, vals)}
	case 4, 5:
		k := r.IntN(4)
		if r.IntN(8) == 0 {
			k = r.IntN(n + 2)
		}
		l, got := v.l.PopFront(k)
		k = min(max(k, 0), n)
		if !slices.Equal(got, m[:k]) {
			t.Fatalf("PopFront(%d) = %q, want %q", k, got, m[:k])
		}
		return listVersion{l, slices.Clone(m[k:])}
	case 6, 7:
		k := r.IntN(4)
		if r.IntN(8) == 0 {
			k = r.IntN(n + 2)
		}
		l, got := v.l.PopBack(k)
		k = min(max(k, 0), n)
		want := slices.Clone(m[n-k:])
		slices.Reverse(want)
		if !slices.Equal(got, want) {
			t.Fatalf("PopBack(%d) = %q, want %q", k, got, want)
		}
		return listVersion{l, slices.Clone(m[:n-k])}
	case 8:
		i, s := randIndex(r, n), randElem(r)
		l, ok := v.l.SetIndex(i, s)
		j := i
		if j < 0 {
			j += n
		}
		if want := j >= 0 && j < n; ok != want {
			t.Fatalf("SetIndex(%d) ok = %v, want %v", i, ok, want)
		}
		nm := slices.Clone(m)
		if ok {
			nm[j] = s
		}
		return listVersion{l, nm}
	case 9:
		start, stop := randIndex(r, n), randIndex(r, n)
		if r.IntN(2) == 0 { // LPUSH+LTRIM capping idiom
			start, stop = 0, r.IntN(n+1)
		}
		return listVersion{v.l.Trim(start, stop), modelSpan(m, start, stop)}
	case 10:
		count, s := r.IntN(7)-3, randElem(r)
		l, removed := v.l.Remove(count, s)
		nm := modelRemove(m, count, s)
		if removed != n-len(nm) {
			t.Fatalf("Remove(%d, %q) = %d, want %d", count, s, removed, n-len(nm))
		}
		return listVersion{l, nm}
	default:
		checkListReads(t, r, v)
		return v
	}
}

func modelRemove(m []string, count int, s string) []string {
	out := slices.Clone(m)
	if count < 0 {
		slices.Reverse(out)
	}
	limit := count
	if limit < 0 {
		limit = -limit
	}
	kept := out[:0]
	removed := 0
	for _, e := range out {
		if e == s && (limit == 0 || removed < limit) {
			removed++
			continue
		}
		kept = append(kept, e)
	}
	if count < 0 {
		slices.Reverse(kept)
	}
	return slices.Clone(kept)
}

// checkListReads compares random Index and Range calls with the model.
func checkListReads(t *testing.T, r *rand.Rand, v listVersion) {
	t.Helper()
	n := len(v.model)
	for range 5 {
		i := randIndex(r, n)
		got, ok := v.l.Index(i)
		j := i
		if j < 0 {
			j += n
		}
		if j >= 0 && j < n {
			if !ok || got != v.model[j] {
				t.Fatalf("Index(%d) = %q, %v; want %q", i, got, ok, v.model[j])
			}
		} else if ok {
			t.Fatalf("Index(%d) found %q in a list of %d", i, got, n)
		}
		start, stop := randIndex(r, n), randIndex(r, n)
		gotR := []string{}
		v.l.Range(start, stop, func(s string) bool { gotR = append(gotR, s); return true })
		if want := modelSpan(v.model, start, stop); !slices.Equal(gotR, want) {
			t.Fatalf("Range(%d, %d) = %q, want %q", start, stop, gotR, want)
		}
	}
}

func verifyListVersion(v listVersion) error {
	if err := checkList(v.l); err != nil {
		return err
	}
	i, bad := 0, -1
	v.l.All(func(s string) bool {
		if i >= len(v.model) || s != v.model[i] {
			bad = i
			return false
		}
		i++
		return true
	})
	if bad >= 0 || i != len(v.model) {
		return fmt.Errorf("contents differ from the model at index %d of %d", max(bad, i), len(v.model))
	}
	if v.l.Len() != len(v.model) || v.l.Bytes() != sumLen(v.model) {
		return fmt.Errorf("Len, Bytes = %d, %d; want %d, %d", v.l.Len(), v.l.Bytes(), len(v.model), sumLen(v.model))
	}
	return nil
}

// TestListModel applies random operations to random versions, mostly the
// newest (the MVCC pattern, which extends chunks in place) but also old ones
// (which must copy), and checks every result against a slice model and that
// no version ever changes.
func TestListModel(t *testing.T) {
	r := testRand(t)
	steps := iterations(20000, 1000000)
	newest := listVersion{nil, []string{}}
	pool := versionPool[listVersion]{vs: []listVersion{newest}}
	for step := range steps {
		grow := step%4000 >= 3000
		base := newest
		if r.IntN(4) == 0 && !grow {
			base = pool.pick(r)
		}
		next := applyListOp(t, r, base, grow)
		if err := verifyListVersion(next); err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		newest = next
		pool.add(r, next)
		if len(next.model) > 20000 { // keep the run fast
			newest = listVersion{next.l.Trim(0, 999), slices.Clone(next.model[:1000])}
		}
		if step%1000 == 0 {
			pool.verifyAll(t, step, verifyListVersion)
		}
	}
	pool.verifyAll(t, -1, verifyListVersion)
}
