package index

import (
	"bytes"
	"cmp"
	"math"
	"testing"

	"github.com/memflux/memflux/jsondoc"
)

// kindRank is the collation rank of a value's kind (package doc).
func kindRank(v jsondoc.Value) int {
	switch v.Kind() {
	case jsondoc.KindNull:
		return 0
	case jsondoc.KindString:
		return 1
	case jsondoc.KindInt, jsondoc.KindUint, jsondoc.KindFloat:
		return 2
	case jsondoc.KindArray:
		return 3
	case jsondoc.KindBool:
		if b, _ := v.AsBool(); b {
			return 5
		}
		return 4
	}
	return 6
}

// refCompare is the collation of the package doc, written plainly: the reference the
// encoding is checked against.
func refCompare(a, b jsondoc.Value) int {
	if c := cmp.Compare(kindRank(a), kindRank(b)); c != 0 {
		return c
	}
	switch a.Kind() {
	case jsondoc.KindString:
		x, _ := a.Str()
		y, _ := b.Str()
		return cmp.Compare(x, y)
	case jsondoc.KindInt, jsondoc.KindUint, jsondoc.KindFloat:
		if a.Kind() != jsondoc.KindFloat && b.Kind() != jsondoc.KindFloat {
			ai, aok := a.AsInt()
			bi, bok := b.AsInt()
			switch {
			case aok && bok:
				return cmp.Compare(ai, bi)
			case aok:
				return -1
			case bok:
				return 1
			}
			au, _ := a.AsUint()
			bu, _ := b.AsUint()
			return cmp.Compare(au, bu)
		}
		x, _ := a.AsFloat()
		y, _ := b.AsFloat()
		if x == y {
			return 0
		}
		return cmp.Compare(x, y)
	case jsondoc.KindArray, jsondoc.KindObject:
		return cmp.Compare(a.String(), b.String())
	}
	return 0
}

// FuzzCollation: for any two JSON values, their components compare as the reference
// collation (except the documented integer-beyond-2^53 against float ties), every
// component is self-delimiting, and an encoded prefix of a string is a prefix of its
// encoding.
func FuzzCollation(f *testing.F) {
	seeds := [][2]string{
		{`1`, `1.0`}, {`-0.0`, `0`}, {`"a"`, `"a\u0000"`}, {`"ab"`, `"a"`}, {`null`, `false`},
		{`true`, `{"a":1}`}, {`[1]`, `[1,2]`}, {`9007199254740993`, `9007199254740992`},
		{`12345678901234567890`, `-9223372036854775808`}, {`1e308`, `-1e-308`}, {`"30"`, `30`},
		{`{}`, `[]`}, {`2.5`, `"2.5"`}, {`18446744073709551615`, `18446744073709551614`},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, x, y string) {
		a, err := jsondoc.Parse(x)
		if err != nil {
			return
		}
		b, err := jsondoc.Parse(y)
		if err != nil {
			return
		}
		ea, eb := appendComponent(nil, a), appendComponent(nil, b)
		if skipComponent(ea) != len(ea) || skipComponent(eb) != len(eb) {
			t.Fatalf("not self-delimiting: %x %x", ea, eb)
		}
		if skipComponent(append(bytes.Clone(ea), eb...)) != len(ea) {
			t.Fatalf("component %x does not end before %x", ea, eb)
		}
		got, want := cmp.Compare(string(ea), string(eb)), refCompare(a, b)
		if got != want && !bigIntTie(a, b) {
			t.Fatalf("%s vs %s: encoding orders %d, collation %d (%x, %x)", x, y, got, want, ea, eb)
		}
		if s, ok := a.Str(); ok && len(s) > 0 {
			p := appendEscapedPrefix([]byte{tagString}, s[:len(s)/2])
			if !bytes.HasPrefix(ea, p) {
				t.Fatalf("prefix encoding %x is not a prefix of %x", p, ea)
			}
		}
	})
}

// bigIntTie reports the documented exception: an integer the float64 rounds compared with
// a float of that rounded value.
func bigIntTie(a, b jsondoc.Value) bool {
	fa, aok := a.AsFloat()
	fb, bok := b.AsFloat()
	return aok && bok && fa == fb && math.Abs(fa) >= 1<<53 && (a.Kind() == jsondoc.KindFloat) != (b.Kind() == jsondoc.KindFloat)
}

// FuzzSplitEntry: decoding an arbitrary entry key never panics, and a real entry splits
// back into its components, row key and kinds.
func FuzzSplitEntry(f *testing.F) {
	f.Add([]byte{tagString, 'a', 0, 1, 'k'}, 1)
	f.Add([]byte{tagNumber, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0, 'k', 0}, 1)
	f.Add([]byte{tagShadow, 1, 2}, 2)
	f.Add([]byte{}, 3)
	f.Fuzz(func(t *testing.T, rest []byte, n int) {
		if n < 0 || n > MaxColumns {
			return
		}
		comps, row, kinds, _, ok := splitEntry(rest, n)
		if ok && len(comps)+len(row)+len(kinds) != len(rest) {
			t.Fatalf("split %x into %d+%d+%d bytes", rest, len(comps), len(row), len(kinds))
		}
	})
}
