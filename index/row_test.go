package index

import (
	"fmt"
	"testing"

	"github.com/memflux/memflux/value"
)

// TestEntryArena: computing entries in a reused arena (what the Deriver does from commit to
// commit) yields exactly the entries of a fresh computation, for every kind of component,
// shadows and the unique form included; and keys made outside an arena are independent of
// it, so they survive its reuse.
func TestEntryArena(t *testing.T) {
	docs := []string{
		`{"a":30,"b":"x"}`,
		`{"a":"30","b":"4.5"}`, // two shadows: three extra entries
		`{"a":null,"b":[1,"\u0000"]}`,
		`{"a":{"k":true},"b":false}`,
		`{"a":-0.0,"b":"a\u0000b"}`,
		`{"b":18446744073709551615}`,
		`not json`,
		`{"a":1.5e300,"b":"` + string(make([]byte, 600)) + `"}`, // outgrows the first arena buffer
	}
	for _, tt := range []struct {
		name   string
		unique bool
		paths  []string
	}{
		{"one column", false, []string{"a"}},
		{"two columns", false, []string{"a", "b"}},
		{"unique", true, []string{"a", "b"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			def := pathDef("i", "t:*", tt.unique, tt.paths...)
			def.ID = 7
			cp, err := compile(&def, nil)
			if err != nil {
				t.Fatal(err)
			}
			eb := entryBuf{arena: true}
			var kept []rowEntry // made outside the arena, checked after its reuse
			for round := range 3 {
				// One reset per round, as per Derive call: the keys of every row must
				// survive the computation of the next ones.
				eb.reset()
				var got, want []rowEntry
				for i, doc := range docs {
					v := value.JSON(doc)
					if doc == "not json" {
						v = value.Bytes(doc)
					}
					row := fmt.Sprintf("t:%d", i)
					fresh := cp.rowEntries(nil, row, v)
					if round == 0 {
						kept = append(kept, fresh...)
					}
					want = append(want, fresh...)
					got = cp.appendEntries(&eb, got, row, v)
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("round %d: arena entries\n%+v\nwant\n%+v", round, got, want)
				}
			}
			n := 0
			for i, doc := range docs {
				v := value.JSON(doc)
				if doc == "not json" {
					v = value.Bytes(doc)
				}
				for _, e := range cp.rowEntries(nil, fmt.Sprintf("t:%d", i), v) {
					if kept[n] != e {
						t.Fatalf("entry %d changed after the arena was reused: %+v, want %+v", n, kept[n], e)
					}
					n++
				}
			}
		})
	}
}
