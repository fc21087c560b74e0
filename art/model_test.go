package art

import (
	"bytes"
	"flag"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/memflux/memflux/art/internal/plartree"
)

var (
	seedFlag = flag.Uint64("seed", 0, "seed of the randomized tests (0: time-based)")
	longFlag = flag.Bool("long", false, "run the long randomized and concurrent tests")
)

// testSeed returns the seed to use and logs it so a failure can be replayed
// with -seed.
func testSeed(t testing.TB) uint64 {
	t.Helper()
	s := *seedFlag
	if s == 0 {
		s = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (replay with -seed=%d)", s, s)
	return s
}

// index is the API shared by Tree and the plar reference.
type index interface {
	Get(key []byte) *val
	GetString(key string) *val
	GetOrInsert(key []byte, mk func() *val) (*val, bool)
	CompareAndDelete(key []byte, old *val) bool
	Len() int
	Scan(start []byte, fn func(key []byte, v *val) bool)
	ScanPrefix(prefix []byte, fn func(key []byte, v *val) bool)
}

var (
	_ index = (*Tree[val])(nil)
	_ index = (*plartree.Tree[val])(nil)
)

// keyGen makes keys that stress the tree's shapes: tiny alphabets with 0x00
// and 0xff (prefixes of each other, the empty key), dense bytes under a
// shared prefix (node48/node256 growth and shrink), long shared prefixes
// (compressed-path chains, out-of-line leaf suffixes), and variations of
// keys already present.
type keyGen struct {
	rng  *rand.Rand
	long []byte
}

func newKeyGen(rng *rand.Rand) *keyGen {
	long := make([]byte, 3*maxPrefix+7)
	for i := range long {
		long[i] = byte('k' + i%3)
	}
	return &keyGen{rng: rng, long: long}
}

var smallAlphabet = []byte{0x00, 0x01, 'a', 'b', 0xff}

func (g *keyGen) key(existing []string) []byte {
	r := g.rng
	switch r.IntN(10) {
	case 0, 1, 2:
		k := make([]byte, r.IntN(6))
		for i := range k {
			k[i] = smallAlphabet[r.IntN(len(smallAlphabet))]
		}
		return k
	case 3, 4:
		k := []byte{'t', byte('0' + r.IntN(2)), '/'}
		for range 1 + r.IntN(2) {
			k = append(k, byte(r.IntN(256)))
		}
		return k
	case 5, 6:
		k := bytes.Clone(g.long[:r.IntN(len(g.long)+1)])
		for range r.IntN(3) {
			k = append(k, smallAlphabet[r.IntN(len(smallAlphabet))])
		}
		return k
	default:
		if len(existing) == 0 {
			return nil
		}
		k := []byte(existing[r.IntN(len(existing))])
		switch r.IntN(4) {
		case 0:
			return k[:r.IntN(len(k)+1)]
		case 1:
			return append(k, smallAlphabet[r.IntN(len(smallAlphabet))])
		default:
			return k
		}
	}
}

// harness runs random operations against an index and the model, failing
// at the first difference.
type harness struct {
	t     *testing.T
	name  string
	idx   index
	m     *model
	next  int
	check func() // structural validation, may be nil
	// tree is idx when it is a Tree: the reverse scans are checked only there (the
	// reference has none).
	tree *Tree[val]
}

func (h *harness) insert(k []byte) {
	h.t.Helper()
	h.next++
	id := h.next
	v, ins := h.idx.GetOrInsert(k, func() *val { return &val{key: string(k), id: id} })
	want, present := h.m.m[string(k)]
	switch {
	case present && (ins || v != want):
		h.t.Fatalf("%s: GetOrInsert(%s) = %v, %v; want existing %v", h.name, fmtKey(k), v, ins, want)
	case !present && (!ins || v == nil || v.id != id):
		h.t.Fatalf("%s: GetOrInsert(%s) = %v, %v; want new id %d", h.name, fmtKey(k), v, ins, id)
	case !present:
		h.m.set(string(k), v)
	}
}

func (h *harness) remove(k []byte, wrong bool) {
	h.t.Helper()
	old, present := h.m.m[string(k)]
	if wrong || !present {
		old = &val{key: string(k)}
	}
	ok := h.idx.CompareAndDelete(k, old)
	if want := present && !wrong; ok != want {
		h.t.Fatalf("%s: CompareAndDelete(%s, wrong=%v) = %v, want %v", h.name, fmtKey(k), wrong, ok, want)
	}
	if ok {
		h.m.del(string(k))
	}
}

func (h *harness) get(k []byte) {
	h.t.Helper()
	want := h.m.m[string(k)]
	if got := h.idx.Get(k); got != want {
		h.t.Fatalf("%s: Get(%s) = %v, want %v", h.name, fmtKey(k), got, want)
	}
	if got := h.idx.GetString(string(k)); got != want {
		h.t.Fatalf("%s: GetString(%s) = %v, want %v", h.name, fmtKey(k), got, want)
	}
}

// collect runs a scan, stopping after limit keys (limit < 0: never), and
// checks that every value belongs to its key.
func (h *harness) collect(scan func([]byte, func([]byte, *val) bool), arg []byte, limit int) []string {
	h.t.Helper()
	var got []string
	scan(arg, func(k []byte, v *val) bool {
		if v == nil || v.key != string(k) {
			h.t.Fatalf("%s: scan(%s) yielded %s with value %v", h.name, fmtKey(arg), fmtKey(k), v)
		}
		got = append(got, string(k))
		return limit < 0 || len(got) < limit
	})
	return got
}

func (h *harness) scan(start []byte, limit int) {
	h.t.Helper()
	got := h.collect(h.idx.Scan, start, limit)
	if want := h.m.scan(string(start), limit); !equalKeys(got, want) {
		h.t.Fatalf("%s: Scan(%s, limit %d) =\n%q\nwant\n%q", h.name, fmtKey(start), limit, got, want)
	}
}

func (h *harness) scanPrefix(prefix []byte, limit int) {
	h.t.Helper()
	got := h.collect(h.idx.ScanPrefix, prefix, limit)
	if want := h.m.scanPrefix(string(prefix), limit); !equalKeys(got, want) {
		h.t.Fatalf("%s: ScanPrefix(%s, limit %d) =\n%q\nwant\n%q", h.name, fmtKey(prefix), limit, got, want)
	}
}

func (h *harness) scanReverse(end []byte, limit int) {
	h.t.Helper()
	got := h.collect(h.tree.ScanReverse, end, limit)
	if want := h.m.scanReverse(end, limit); !equalKeys(got, want) {
		h.t.Fatalf("%s: ScanReverse(%s, limit %d) =\n%q\nwant\n%q", h.name, fmtKey(end), limit, got, want)
	}
}

func (h *harness) scanPrefixReverse(prefix []byte, limit int) {
	h.t.Helper()
	got := h.collect(h.tree.ScanPrefixReverse, prefix, limit)
	if want := h.m.scanPrefixReverse(string(prefix), limit); !equalKeys(got, want) {
		h.t.Fatalf("%s: ScanPrefixReverse(%s, limit %d) =\n%q\nwant\n%q", h.name, fmtKey(prefix), limit, got, want)
	}
}

// randLimit returns a scan limit: mostly small, sometimes unlimited (-1).
func randLimit(rng *rand.Rand) int {
	if l := rng.IntN(30) - 5; l > 0 {
		return l
	}
	return -1
}

// run performs n random operations. Phases alternate between growing and
// shrinking the key set so nodes both grow and shrink through every kind.
func (h *harness) run(rng *rand.Rand, n int) {
	h.t.Helper()
	gen := newKeyGen(rng)
	var existing []string
	for i := range n {
		if i%500 == 0 {
			existing = h.m.sorted()
		}
		growing := (i/3000)%2 == 0
		k := gen.key(existing)
		switch op := rng.IntN(100); {
		case op < 30 || growing && op < 50:
			h.insert(k)
		case op < 55:
			h.remove(k, rng.IntN(5) == 0)
		case op < 75:
			h.get(k)
		case op < 88:
			h.scan(k, randLimit(rng))
		case op < 94 || h.tree == nil:
			h.scanPrefix(k[:rng.IntN(len(k)+1)], randLimit(rng))
		case op < 97:
			if rng.IntN(8) == 0 {
				k = nil // the whole tree
			}
			h.scanReverse(k, randLimit(rng))
		default:
			h.scanPrefixReverse(k[:rng.IntN(len(k)+1)], randLimit(rng))
		}
		if got, want := h.idx.Len(), len(h.m.m); got != want {
			h.t.Fatalf("%s: Len() = %d, want %d", h.name, got, want)
		}
		if h.check != nil && i%250 == 0 {
			h.check()
		}
	}
	h.scan(nil, -1)
	if h.tree != nil {
		h.scanReverse(nil, -1)
	}
}

// TestModel runs random operations on a Tree and on the plar reference and
// compares both with a sorted map, validating the tree's structure as it
// goes. Replay a failure with -seed; -long runs 50 rounds with seeds
// seed, seed+1, ...
func TestModel(t *testing.T) {
	seed := testSeed(t)
	n, rounds := 40_000, 1
	switch {
	case *longFlag:
		rounds = 50
	case raceEnabled:
		n /= 8
	}
	for r := range uint64(rounds) {
		t.Run("impl=art", func(t *testing.T) {
			if rounds > 1 {
				t.Logf("round seed %d", seed+r)
			}
			tr := New[val]()
			h := &harness{t: t, name: "art", idx: tr, m: newModel(), tree: tr}
			h.check = func() {
				t.Helper()
				keys, vals, err := validate(tr)
				if err != nil {
					t.Fatalf("invalid tree: %v\n%s", err, dump(tr))
				}
				if want := h.m.sorted(); !equalKeys(keys, want) {
					t.Fatalf("tree keys %q, want %q", keys, want)
				}
				for i, v := range vals {
					if h.m.m[keys[i]] != v {
						t.Fatalf("key %s holds %v, want %v", fmtKey(keys[i]), v, h.m.m[keys[i]])
					}
				}
			}
			h.run(rand.New(rand.NewPCG(seed+r, 1)), n)
			h.check()
		})
	}
	t.Run("impl=plar", func(t *testing.T) {
		h := &harness{t: t, name: "plar", idx: plartree.New[val](), m: newModel()}
		h.run(rand.New(rand.NewPCG(seed, 1)), n/4)
	})
}

// TestModelRandomKeys fills a tree with random binary keys, the benchmark
// workload, large enough to build node256 levels, checks it against a map
// and empties it again in random order.
func TestModelRandomKeys(t *testing.T) {
	rng := rand.New(rand.NewPCG(testSeed(t), 2))
	n := 30_000
	switch {
	case *longFlag:
		n = 1_000_000
	case raceEnabled:
		n /= 8
	}
	tr := New[val]()
	m := make(map[string]*val, n)
	for range n {
		k := make([]byte, 1+rng.IntN(20))
		for i := range k {
			k[i] = byte(rng.Uint32())
		}
		v, ins := tr.GetOrInsert(k, func() *val { return &val{key: string(k)} })
		if old, ok := m[string(k)]; ok == ins || ok && old != v {
			t.Fatalf("GetOrInsert(%s) = %v, %v; model has %v", fmtKey(k), v, ins, old)
		}
		m[string(k)] = v
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	checkTree := func(want []string) {
		t.Helper()
		got, vals, err := validate(tr)
		if err != nil {
			t.Fatal(err)
		}
		if !equalKeys(got, want) {
			t.Fatalf("tree holds %d keys, want %d", len(got), len(want))
		}
		for i, v := range vals {
			if v != m[got[i]] {
				t.Fatalf("key %s holds %v, want %v", fmtKey(got[i]), v, m[got[i]])
			}
		}
	}
	checkTree(keys)
	for range 100 {
		start := keys[rng.IntN(len(keys))]
		start = start[:rng.IntN(len(start)+1)]
		i, _ := slices.BinarySearch(keys, start)
		want := keys[i:min(len(keys), i+50)]
		if got := scanKeys(tr.Scan, []byte(start), 50, t.Fatalf); !equalKeys(got, want) {
			t.Fatalf("Scan(%s) = %q, want %q", fmtKey(start), got, want)
		}
		j := i
		for j < len(keys) && strings.HasPrefix(keys[j], start) {
			j++
		}
		if got := scanKeys(tr.ScanPrefix, []byte(start), -1, t.Fatalf); !equalKeys(got, keys[i:j]) {
			t.Fatalf("ScanPrefix(%s) yielded %d keys, want %d", fmtKey(start), len(got), j-i)
		}
		wantRev := slices.Clone(keys[max(0, i-50):i])
		slices.Reverse(wantRev)
		if got := scanKeysDesc(tr.ScanReverse, []byte(start), 50, t.Fatalf); !equalKeys(got, wantRev) {
			t.Fatalf("ScanReverse(%s) = %q, want %q", fmtKey(start), got, wantRev)
		}
		wantRev = slices.Clone(keys[i:j])
		slices.Reverse(wantRev)
		if got := scanKeysDesc(tr.ScanPrefixReverse, []byte(start), -1, t.Fatalf); !equalKeys(got, wantRev) {
			t.Fatalf("ScanPrefixReverse(%s) yielded %d keys, want %d", fmtKey(start), len(got), j-i)
		}
	}
	rng.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	for i, k := range keys {
		v := m[k]
		if got := tr.GetString(k); got != v {
			t.Fatalf("Get(%s) = %v, want %v", fmtKey(k), got, v)
		}
		if tr.CompareAndDelete([]byte(k), &val{key: k}) || !tr.CompareAndDelete([]byte(k), v) {
			t.Fatalf("CompareAndDelete(%s) misbehaved", fmtKey(k))
		}
		if tr.Get([]byte(k)) != nil {
			t.Fatalf("%s still present after delete", fmtKey(k))
		}
		if (i+1)%(len(keys)/8) == 0 {
			rest := slices.Clone(keys[i+1:])
			slices.Sort(rest)
			checkTree(rest)
		}
	}
	if tr.Len() != 0 || strings.TrimSpace(dump(tr)) != "node4" {
		t.Fatalf("emptied tree: Len %d, structure\n%s", tr.Len(), dump(tr))
	}
}
