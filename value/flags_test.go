package value

import (
	"flag"
	"math/rand/v2"
	"testing"
	"time"
)

var (
	seedFlag = flag.Uint64("seed", 0, "seed of the randomized tests (0: derive from the clock)")
	longFlag = flag.Bool("long", false, "run the long randomized loops")
)

// testRand returns a generator seeded by -seed or the clock, logging the seed
// so a failure can be replayed with -seed.
func testRand(t testing.TB) *rand.Rand {
	t.Helper()
	seed := *seedFlag
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (replay with -seed=%d)", seed, seed)
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// iterations returns n, or long under -long.
func iterations(n, long int) int {
	if *longFlag {
		return long
	}
	return n
}

// versionPool keeps up to 32 of the versions a model test derives, replacing random ones
// once full, so that old versions go on being read and derived from (as MVCC readers
// do) and can be checked to never change.
type versionPool[V any] struct{ vs []V }

// add keeps v, in place of a random kept version once the pool is full (one time in 8).
func (p *versionPool[V]) add(r *rand.Rand, v V) {
	if len(p.vs) < 32 {
		p.vs = append(p.vs, v)
	} else if r.IntN(8) == 0 {
		p.vs[r.IntN(len(p.vs))] = v
	}
}

// pick returns a random kept version.
func (p *versionPool[V]) pick(r *rand.Rand) V { return p.vs[r.IntN(len(p.vs))] }

// verifyAll fails the test if a kept version no longer verifies; step < 0 is the end of
// the run.
func (p *versionPool[V]) verifyAll(t *testing.T, step int, verify func(V) error) {
	t.Helper()
	for i, v := range p.vs {
		if err := verify(v); err != nil {
			if step < 0 {
				t.Fatalf("old version %d changed: %v", i, err)
			}
			t.Fatalf("step %d: old version %d changed: %v", step, i, err)
		}
	}
}
