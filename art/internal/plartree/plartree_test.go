package plartree

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	plar "github.com/plar/go-adaptive-radix-tree/v2"
)

func TestBasics(t *testing.T) {
	tr := New[string]()
	keys := []string{"", "a", "a\x00", "ab", "b", "\x00", "\xff"}
	for _, k := range keys {
		v := k
		got, ins := tr.GetOrInsert([]byte(k), func() *string { return &v })
		if !ins || got != &v {
			t.Fatalf("GetOrInsert(%q) = %v, %v; want new value", k, got, ins)
		}
		if got, ins := tr.GetOrInsert([]byte(k), func() *string { return new(string) }); ins || got != &v {
			t.Fatalf("second GetOrInsert(%q) = %v, %v; want existing", k, got, ins)
		}
	}
	if tr.Len() != len(keys) {
		t.Fatalf("Len() = %d, want %d", tr.Len(), len(keys))
	}
	tests := []struct {
		name, arg string
		prefix    bool
		want      []string
	}{
		{"scan all", "", false, []string{"", "\x00", "a", "a\x00", "ab", "b", "\xff"}},
		{"scan from a\\x00", "a\x00", false, []string{"a\x00", "ab", "b", "\xff"}},
		{"scan from c", "c", false, []string{"\xff"}},
		{"prefix a", "a", true, []string{"a", "a\x00", "ab"}},
		{"prefix empty", "", true, []string{"", "\x00", "a", "a\x00", "ab", "b", "\xff"}},
		{"prefix z", "z", true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			fn := func(k []byte, v *string) bool {
				if *v != string(k) {
					t.Errorf("key %q holds %q", k, *v)
				}
				got = append(got, string(k))
				return true
			}
			if tt.prefix {
				tr.ScanPrefix([]byte(tt.arg), fn)
			} else {
				tr.Scan([]byte(tt.arg), fn)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
	for _, k := range keys {
		v := tr.GetString(k)
		if tr.CompareAndDelete([]byte(k), new(string)) {
			t.Fatalf("CompareAndDelete(%q) with a wrong value succeeded", k)
		}
		if !tr.CompareAndDelete([]byte(k), v) || tr.Get([]byte(k)) != nil {
			t.Fatalf("CompareAndDelete(%q) failed", k)
		}
	}
	if tr.Len() != 0 {
		t.Fatalf("Len() = %d after deleting everything", tr.Len())
	}
}

// TestModel compares random operations with a map (seed 1..3, fixed so the
// reference itself stays reproducible).
func TestModel(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		rng := rand.New(rand.NewPCG(seed, seed))
		tr := New[string]()
		m := map[string]*string{}
		alphabet := []byte{0, 1, 'a', 0xff}
		for range 10_000 {
			k := make([]byte, rng.IntN(5))
			for i := range k {
				k[i] = alphabet[rng.IntN(len(alphabet))]
			}
			switch rng.IntN(4) {
			case 0, 1:
				v := string(k)
				got, ins := tr.GetOrInsert(k, func() *string { return &v })
				if want, ok := m[string(k)]; ok == ins || ok && got != want {
					t.Fatalf("seed %d: GetOrInsert(%q) = %v, %v", seed, k, got, ins)
				}
				m[string(k)] = got
			case 2:
				if ok := tr.CompareAndDelete(k, m[string(k)]); ok != (m[string(k)] != nil) {
					t.Fatalf("seed %d: CompareAndDelete(%q) = %v", seed, k, ok)
				}
				delete(m, string(k))
			default:
				var got, want []string
				tr.Scan(k, func(key []byte, _ *string) bool { got = append(got, string(key)); return true })
				for mk := range m {
					if bytes.Compare([]byte(mk), k) >= 0 {
						want = append(want, mk)
					}
				}
				slices.Sort(want)
				if !slices.Equal(got, want) {
					t.Fatalf("seed %d: Scan(%q) = %q, want %q", seed, k, got, want)
				}
				got = got[:0]
				tr.ScanPrefix(k, func(key []byte, _ *string) bool { got = append(got, string(key)); return true })
				want = slices.DeleteFunc(want, func(s string) bool { return !strings.HasPrefix(s, string(k)) })
				if !slices.Equal(got, want) {
					t.Fatalf("seed %d: ScanPrefix(%q) = %q, want %q", seed, k, got, want)
				}
			}
			if tr.Len() != len(m) {
				t.Fatalf("seed %d: Len() = %d, want %d", seed, tr.Len(), len(m))
			}
		}
	}
}

// TestPlarShrinkLosesPrefixKey: with key "K" and 49 longer keys "K"+byte (a Node256 under
// "K"), deleting one of those shrinks the node to a Node48, and the plar tree (v2.0.3)
// loses "K" itself. The wrapper must keep it, through every delete down to none, and
// keep Len exact.
func TestPlarShrinkLosesPrefixKey(t *testing.T) {
	raw := plar.New()
	raw.Insert(plar.Key("K"), 0)
	for i := range 49 {
		raw.Insert(plar.Key{'K', byte(i)}, 0)
	}
	raw.Delete(plar.Key{'K', 0})
	if _, ok := raw.Search(plar.Key("K")); !ok {
		t.Logf("the plar tree still loses a prefix key when a Node256 shrinks")
	}

	for _, n := range []int{48, 49, 50, 100, 256} {
		tr := New[int]()
		vals := make([]int, n+1)
		key := func(i int) []byte {
			if i == n {
				return []byte("K")
			}
			return []byte{'K', byte(i)}
		}
		for i := range n + 1 {
			tr.GetOrInsert(key(i), func() *int { return &vals[i] })
		}
		for i := range n {
			if !tr.CompareAndDelete(key(i), &vals[i]) {
				t.Fatalf("n=%d: CompareAndDelete(%q) failed", n, key(i))
			}
			if v := tr.Get([]byte("K")); v != &vals[n] {
				t.Fatalf("n=%d: after deleting %d of %d longer keys, Get(K) = %v", n, i+1, n, v)
			}
			if got, want := tr.Len(), n-i; got != want {
				t.Fatalf("n=%d: Len() = %d, want %d", n, got, want)
			}
			var scanned int
			tr.Scan(nil, func([]byte, *int) bool { scanned++; return true })
			if scanned != n-i {
				t.Fatalf("n=%d: Scan saw %d keys, want %d", n, scanned, n-i)
			}
		}
	}
}
