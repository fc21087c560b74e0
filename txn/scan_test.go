package txn

import (
	"testing"

	"github.com/memflux/memflux/art"
)

func TestIsPrefixRange(t *testing.T) {
	for _, tc := range []struct {
		start, end string
		want       bool
	}{
		{"a", "b", true},
		{"ab", "ac", true},
		{"a\xff", "b", true},
		{"a\xff\xff", "b", true},
		{"ab", "b", false},  // wider than the prefix
		{"ab", "ad", false}, // wider
		{"ab", "ab", false}, // empty range
		{"a\xff", "a\xff\x00", false},
		{"", "", false},     // the empty prefix has no end
		{"\xff", "", false}, // nor has an all-0xff one
		{"ab", "", false},   // unbounded
	} {
		var end []byte
		if tc.end != "" {
			end = []byte(tc.end)
		}
		if got := isPrefixRange([]byte(tc.start), end); got != tc.want {
			t.Errorf("isPrefixRange(%q, %q) = %v, want %v", tc.start, tc.end, got, tc.want)
		}
		if tc.want {
			if pe := art.PrefixEnd([]byte(tc.start)); string(pe) != tc.end {
				t.Errorf("art.PrefixEnd(%q) = %q, want %q", tc.start, pe, tc.end)
			}
		}
	}
}
