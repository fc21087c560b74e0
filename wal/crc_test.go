package wal

import (
	"hash/crc32"
	"math/rand/v2"
	"testing"
)

// TestRangeCRC compares rangeCRC with crc32.Checksum on random ranges of a
// buffer with a zero tail, including ranges reaching into the tail.
func TestRangeCRC(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, 5000)
	live := int64(3001)
	for i := range live {
		b[i] = byte(rng.Uint32())
	}
	for _, base := range []int64{0, 1, 255, 700, 3001, 4000} {
		rc := newRangeCRC(b, base, live)
		for range 500 {
			i := base + rng.Int64N(int64(len(b))-base+1)
			j := i + rng.Int64N(int64(len(b))-i+1)
			if got, want := rc.checksum(i, j), crc32.Checksum(b[i:j], castagnoli); got != want {
				t.Fatalf("base %d: checksum(%d, %d) = %08x, want %08x", base, i, j, got, want)
			}
		}
	}
}
