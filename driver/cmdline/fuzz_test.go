package cmdline

import (
	"reflect"
	"strings"
	"testing"
)

// FuzzSplit checks that Split never panics and that joining any words with Join splits
// back into the same words (the shlex.join round trip of SPEC §9.2).
func FuzzSplit(f *testing.F) {
	for _, s := range []string{
		"SET k v", `SET k 'it'"'"'s'`, `"a\"b" c\ d`, "# c\nGET k", "a\\", `'x`, "\r\n\t",
		"SQL SELECT * FROM t WHERE a = 'b'",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		words, err := Split(s)
		if err != nil {
			return
		}
		// Words never contain separators unless quoted, so Join must quote them back.
		again, err := Split(Join(words))
		if err != nil {
			t.Fatalf("Split(Join(%q)) error: %v", words, err)
		}
		if !reflect.DeepEqual(again, words) {
			t.Fatalf("round trip of %q: got %q", words, again)
		}
		// Splitting the words joined by single spaces is stable when none needs quoting.
		plain := true
		for _, w := range words {
			if Quote(w) != w {
				plain = false
			}
		}
		if plain {
			if again, _ := Split(strings.Join(words, " ")); !reflect.DeepEqual(again, words) {
				t.Fatalf("plain words %q split to %q", words, again)
			}
		}
	})
}
