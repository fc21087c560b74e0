package jsondoc

import (
	"encoding/json"
	"errors"
	"testing"
)

// FuzzNormalize checks that Normalize never panics, that its output is a fixed point,
// that it agrees with Parse (an independent implementation) and that everything it
// accepts encoding/json accepts too. The seed corpus is in testdata/fuzz/FuzzNormalize
// plus the golden cases.
func FuzzNormalize(f *testing.F) {
	for _, tc := range normalizeCases {
		f.Add([]byte(tc.in))
	}
	for _, tc := range invalidCases {
		f.Add([]byte(tc.in))
	}
	f.Add([]byte(benchDocClient))
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := Normalize(in)
		v, perr := Parse(string(in))
		if (err == nil) != (perr == nil) {
			t.Fatalf("Normalize error %v, Parse error %v for %q", err, perr, in)
		}
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if !json.Valid(in) {
			t.Fatalf("accepted %q, which encoding/json rejects", in)
		}
		if got := v.String(); got != out {
			t.Fatalf("Normalize(%q) = %q but Parse+Append = %q", in, out, got)
		}
		again, err := Normalize([]byte(out))
		if err != nil || again != out {
			t.Fatalf("Normalize(%q) = %q, %v; want it unchanged", out, again, err)
		}
		if d := Decode(out); !Equal(d, v) {
			t.Fatalf("Decode(%q) = %v, want %v", out, d, v)
		}
		for _, m := range v.Members() {
			raw, ok := Lookup(out, m.Name)
			if !ok || !Equal(Decode(raw), m.Value) {
				t.Fatalf("Lookup(%q, %q) = %q, %v", out, m.Name, raw, ok)
			}
		}
	})
}

// FuzzPath drives SplitKeyPath, Get, Lookup, Set and Delete with arbitrary documents,
// paths and values. On arbitrary (possibly malformed) text they must not panic; on
// canonical text Set and Delete must produce canonical text that Get agrees with. The
// seed corpus is in testdata/fuzz/FuzzPath.
func FuzzPath(f *testing.F) {
	f.Add(userDoc, "u:1.tags.1", `"x"`)
	f.Add(userDoc, "u:1.tags.7", `1`)
	f.Add(userDoc, "u:1.age.x", `1`)
	f.Add(lookupDoc, "k.b.c.1.d", `{"z":[]}`)
	f.Add(`{"a":1`, "k.a", `2`)
	f.Fuzz(func(t *testing.T, doc, arg, val string) {
		_, path, err := SplitKeyPath(arg)
		if err != nil {
			if !errors.Is(err, ErrMissingKey) {
				t.Fatalf("SplitKeyPath(%q): %v", arg, err)
			}
			path = SplitPath(arg)
		}
		// Arbitrary text: only "no panic" is required.
		LookupPath(doc, path)
		Lookup(doc, arg)
		Unquote(doc)
		Decode(doc)
		Delete(doc, path)
		_, _ = Set(doc, true, path, val)

		cdoc, err1 := Normalize([]byte(doc))
		cval, err2 := Normalize([]byte(val))
		if err1 != nil || err2 != nil {
			return
		}
		out, err := Set(cdoc, true, path, cval)
		if err != nil {
			if !errors.Is(err, ErrPathNotObject) && !errors.Is(err, ErrTooDeep) {
				t.Fatalf("Set(%q, %q, %q): %v", cdoc, path, cval, err)
			}
		} else {
			if norm, err := Normalize([]byte(out)); err != nil || norm != out {
				t.Fatalf("Set(%q, %q, %q) = %q, not canonical", cdoc, path, cval, out)
			}
			if got, ok := Get(out, path); !ok || got != cval {
				t.Fatalf("Get(Set(%q, %q, %q)) = %q, %v", cdoc, path, cval, got, ok)
			}
		}
		out, ok := Delete(cdoc, path)
		if !ok {
			if out != cdoc {
				t.Fatalf("failed Delete changed the document")
			}
			return
		}
		if norm, err := Normalize([]byte(out)); err != nil || norm != out {
			t.Fatalf("Delete(%q, %q) = %q, not canonical", cdoc, path, out)
		}
		if _, ok := Get(out, path); ok {
			t.Fatalf("Get(Delete(%q, %q)) still finds the member", cdoc, path)
		}
	})
}
