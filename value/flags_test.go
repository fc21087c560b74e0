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
