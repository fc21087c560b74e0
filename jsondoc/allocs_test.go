//go:build !race

// The race detector makes sync.Pool drop objects at random, so allocation counts of
// pooled code are only meaningful without it.

package jsondoc

import "testing"

func TestNormalizeAllocs(t *testing.T) {
	in := []byte(benchDoc)
	if _, err := Normalize(in); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := Normalize(in); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 1 {
		t.Fatalf("Normalize allocates %v times per call, want 1 (the result)", allocs)
	}
}
