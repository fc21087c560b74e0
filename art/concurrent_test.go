package art

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestConcurrent runs writers that insert and delete "churn" keys while
// readers Get and Scan, and checks the readers' contract: keys that are
// never deleted ("stable" keys) are always found, every value belongs to
// the key it is returned for, and every scan is strictly ascending and sees
// every stable key in its range exactly once. Run it with -race.
func TestConcurrent(t *testing.T) {
	t.Run("keys=mixed", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(testSeed(t), 3))
		stable, churn := mixedKeys(rng)
		testConcurrent(t, rng, stable, churn)
	})
	t.Run("keys=dense", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(testSeed(t), 4))
		stable, churn := denseKeys()
		testConcurrent(t, rng, stable, churn)
	})
}

// mixedKeys returns stable and churn keys drawn from keyGen's shapes, churn
// keys including extensions and prefixes of stable ones, so writers split,
// grow, shrink and collapse the nodes that hold stable keys.
func mixedKeys(rng *rand.Rand) (stable, churn []string) {
	gen := newKeyGen(rng)
	stableSet := map[string]bool{}
	for range 800 {
		k := string(gen.key(stable))
		if !stableSet[k] {
			stableSet[k] = true
			stable = append(stable, k)
		}
	}
	for len(churn) < 800 {
		if k := string(gen.key(stable)); !stableSet[k] {
			churn = append(churn, k)
		}
	}
	return stable, churn
}

// denseKeys returns keys under one node that goes through every kind while
// its children flip between leaves and inner nodes: stable keys
// "d\x00" c "stable" for every 32nd byte c, churn keys "d\x00" c,
// "d\x00" c "stab", "d\x00" c "stablex" for every c and "d\x00" c "stable"
// for the other bytes c.
func denseKeys() (stable, churn []string) {
	for c := range 256 {
		p := string([]byte{'d', 0, byte(c)})
		if c%32 == 0 {
			stable = append(stable, p+"stable")
		} else {
			churn = append(churn, p+"stable")
		}
		churn = append(churn, p, p+"stab", p+"stablex")
	}
	return stable, churn
}

// testConcurrent runs the writers and readers of TestConcurrent.
func testConcurrent(t *testing.T, rng *rand.Rand, stable, churn []string) {
	dur := time.Second
	if *longFlag {
		dur = 30 * time.Second
	}
	slices.Sort(stable)
	seed := rng.Uint64()
	tr := New[val]()
	for _, k := range stable {
		tr.GetOrInsert([]byte(k), func() *val { return &val{key: k} })
	}

	var (
		stop   atomic.Bool
		wg     sync.WaitGroup
		reads  atomic.Int64
		writes atomic.Int64
	)
	fail := func(format string, args ...any) {
		t.Errorf(format, args...)
		stop.Store(true)
	}
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(seed, uint64(10+w)))
			for !stop.Load() {
				// Alternate phases that fill and drain the churn keys, so
				// nodes go through every kind in both directions.
				filling := (writes.Add(1)/2000)%2 == 0
				k := []byte(churn[r.IntN(len(churn))])
				if v := tr.Get(k); v != nil && !filling {
					tr.CompareAndDelete(k, v)
				} else if v == nil && filling {
					tr.GetOrInsert(k, func() *val { return &val{key: string(k)} })
				}
			}
		}()
	}
	for rd := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(seed, uint64(20+rd)))
			for !stop.Load() {
				checkReads(r, tr, stable, churn, fail)
				reads.Add(1)
			}
		}()
	}
	time.Sleep(dur)
	stop.Store(true)
	wg.Wait()
	t.Logf("%d write ops, %d read rounds", writes.Load(), reads.Load())
	if _, _, err := validate(tr); err != nil {
		t.Fatal(err)
	}
}

// checkReads performs one round of reads against the contract.
func checkReads(r *rand.Rand, tr *Tree[val], stable, churn []string, fail func(string, ...any)) {
	for range 20 {
		k := stable[r.IntN(len(stable))]
		if v := tr.GetString(k); v == nil || v.key != k {
			fail("Get(stable %s) = %v", fmtKey(k), v)
			return
		}
		c := churn[r.IntN(len(churn))]
		if v := tr.Get([]byte(c)); v != nil && v.key != c {
			fail("Get(churn %s) = %v", fmtKey(c), v)
			return
		}
	}
	start := stable[r.IntN(len(stable))]
	if r.IntN(4) == 0 {
		start = ""
	}
	limit := 1 + r.IntN(200)
	got := scanKeys(tr.Scan, []byte(start), limit, fail)
	if len(got) == 0 {
		fail("Scan(%s) returned nothing", fmtKey(start))
		return
	}
	// Stable keys in [start, last seen key] must all have been seen.
	lo, _ := slices.BinarySearch(stable, start)
	hi, found := slices.BinarySearch(stable, got[len(got)-1])
	if found {
		hi++
	}
	if len(got) < limit {
		hi = len(stable) // the scan ran to the end of the tree
	}
	if !containsAll(got, stable[lo:hi]) {
		fail("Scan(%s, limit %d) missed stable keys in %q", fmtKey(start), limit, got)
		return
	}
	p := stable[r.IntN(len(stable))]
	p = p[:r.IntN(len(p)+1)]
	got = scanKeys(tr.ScanPrefix, []byte(p), -1, fail)
	lo, _ = slices.BinarySearch(stable, p)
	hi = lo
	for hi < len(stable) && strings.HasPrefix(stable[hi], p) {
		hi++
	}
	for _, k := range got {
		if !strings.HasPrefix(k, p) {
			fail("ScanPrefix(%s) yielded %s", fmtKey(p), fmtKey(k))
			return
		}
	}
	if !containsAll(got, stable[lo:hi]) {
		fail("ScanPrefix(%s) missed stable keys", fmtKey(p))
		return
	}
	// Reverse: stable keys in [last seen key, end) must all have been seen.
	end := []byte(stable[r.IntN(len(stable))])
	if r.IntN(4) == 0 {
		end = nil
	}
	got = scanKeysDesc(tr.ScanReverse, end, limit, fail)
	hi = len(stable)
	if end != nil {
		hi, _ = slices.BinarySearch(stable, string(end))
	}
	lo = 0
	if len(got) == limit {
		lo, _ = slices.BinarySearch(stable, got[len(got)-1])
	}
	slices.Reverse(got)
	if !containsAll(got, stable[lo:hi]) {
		fail("ScanReverse(%s, limit %d) missed stable keys in %q", fmtKey(end), limit, got)
	}
}

// scanKeys runs a scan, checking strict ascending order and that every
// value belongs to its key, and returns the keys seen (at most limit, or
// all if limit < 0).
func scanKeys(scan func([]byte, func([]byte, *val) bool), arg []byte, limit int, fail func(string, ...any)) []string {
	var got []string
	scan(arg, func(k []byte, v *val) bool {
		if v == nil || v.key != string(k) {
			fail("scan(%s) yielded %s with value %v", fmtKey(arg), fmtKey(k), v)
			return false
		}
		if len(got) > 0 && bytes.Compare([]byte(got[len(got)-1]), k) >= 0 {
			fail("scan(%s) not ascending: %s then %s", fmtKey(arg), fmtKey(got[len(got)-1]), fmtKey(k))
			return false
		}
		got = append(got, string(k))
		return limit < 0 || len(got) < limit
	})
	return got
}

// scanKeysDesc is scanKeys for a descending scan.
func scanKeysDesc(scan func([]byte, func([]byte, *val) bool), arg []byte, limit int, fail func(string, ...any)) []string {
	var got []string
	scan(arg, func(k []byte, v *val) bool {
		if v == nil || v.key != string(k) {
			fail("reverse scan(%s) yielded %s with value %v", fmtKey(arg), fmtKey(k), v)
			return false
		}
		if len(got) > 0 && bytes.Compare([]byte(got[len(got)-1]), k) <= 0 {
			fail("reverse scan(%s) not descending: %s then %s", fmtKey(arg), fmtKey(got[len(got)-1]), fmtKey(k))
			return false
		}
		got = append(got, string(k))
		return limit < 0 || len(got) < limit
	})
	return got
}

// containsAll reports whether the sorted list got contains every key of the
// sorted list want.
func containsAll(got, want []string) bool {
	i := 0
	for _, w := range want {
		for i < len(got) && got[i] < w {
			i++
		}
		if i == len(got) || got[i] != w {
			return false
		}
	}
	return true
}

// TestConcurrentGetOrInsert checks that concurrent inserts of the same keys
// agree on one value per key.
func TestConcurrentGetOrInsert(t *testing.T) {
	tr := New[val]()
	const goroutines, keys = 4, 2000
	results := make([][]*val, goroutines)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range keys {
				k := []byte{byte(i >> 8), byte(i), 'x'}
				v, _ := tr.GetOrInsert(k, func() *val { return &val{key: string(k), id: g} })
				results[g] = append(results[g], v)
			}
		}()
	}
	wg.Wait()
	for i := range keys {
		for g := 1; g < goroutines; g++ {
			if results[g][i] != results[0][i] {
				t.Fatalf("key %d: goroutine %d got %v, goroutine 0 got %v", i, g, results[g][i], results[0][i])
			}
		}
	}
	if tr.Len() != keys {
		t.Fatalf("Len() = %d, want %d", tr.Len(), keys)
	}
}
