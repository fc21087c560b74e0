package jsondoc

import (
	"strings"
	"testing"
)

const lookupDoc = `{"":0,"\n":"nl","a":1,"a\"b":"q","age":30,"b":{"c":[10,{"d":"deep"},"x,]}"],"e":{}},` +
	`"name":"Alice","s":"a\\\"}","tags":["x","y","z"],"z":null}`

func TestLookup(t *testing.T) {
	for _, tc := range []struct {
		doc, name, want string
		ok              bool
	}{
		{lookupDoc, "a", "1", true},
		{lookupDoc, "", "0", true},
		{lookupDoc, "\n", `"nl"`, true},
		{lookupDoc, `a"b`, `"q"`, true},
		{lookupDoc, "age", "30", true},
		{lookupDoc, "b", `{"c":[10,{"d":"deep"},"x,]}"],"e":{}}`, true},
		{lookupDoc, "name", `"Alice"`, true},
		{lookupDoc, "s", `"a\\\"}"`, true},
		{lookupDoc, "tags", `["x","y","z"]`, true},
		{lookupDoc, "z", "null", true},
		{lookupDoc, "c", "", false},
		{lookupDoc, "zz", "", false},
		{lookupDoc, "A", "", false},
		{lookupDoc, "ag", "", false},
		{`{}`, "a", "", false},
		{`[1]`, "a", "", false},
		{`"a"`, "a", "", false},
		{``, "a", "", false},
		// Malformed text: no panic, no answer.
		{`{`, "a", "", false},
		{`{"a"`, "a", "", false},
		{`{"a":`, "a", "", false},
		{`{"a":"x`, "a", "", false},
		{`{"a":1`, "b", "", false},
		{`{"a":[1,2}`, "a", "", false},
		{`{"a":1x"b":2}`, "b", "", false},
	} {
		got, ok := Lookup(tc.doc, tc.name)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Lookup(%q, %q) = %q, %v; want %q, %v", tc.doc, tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

func TestLookupPath(t *testing.T) {
	for _, tc := range []struct {
		path []string
		want string
		ok   bool
	}{
		{nil, lookupDoc, true},
		{[]string{}, lookupDoc, true},
		{[]string{"tags", "1"}, `"y"`, true},
		{[]string{"tags", "0"}, `"x"`, true},
		{[]string{"tags", "2"}, `"z"`, true},
		{[]string{"tags", "002"}, `"z"`, true},
		{[]string{"tags", "3"}, "", false},
		{[]string{"tags", "-1"}, "", false},
		{[]string{"tags", "+1"}, "", false},
		{[]string{"tags", "x"}, "", false},
		{[]string{"tags", ""}, "", false},
		{[]string{"tags", "99999999999999999999999"}, "", false},
		{[]string{"b", "c", "1", "d"}, `"deep"`, true},
		{[]string{"b", "c", "2"}, `"x,]}"`, true},
		{[]string{"b", "e"}, `{}`, true},
		{[]string{"b", "e", "x"}, "", false},
		{[]string{"age", "x"}, "", false},
		{[]string{"name", "0"}, "", false},
		{[]string{"missing", "x"}, "", false},
	} {
		got, ok := LookupPath(lookupDoc, tc.path)
		if got != tc.want || ok != tc.ok {
			t.Errorf("LookupPath(%q) = %q, %v; want %q, %v", tc.path, got, ok, tc.want, tc.ok)
		}
		got2, ok2 := Get(lookupDoc, tc.path)
		if got2 != got || ok2 != ok {
			t.Errorf("Get(%q) = %q, %v; LookupPath gave %q, %v", tc.path, got2, ok2, got, ok)
		}
	}
	if got, ok := LookupPath(`[[1,[2,3]]]`, []string{"0", "1", "1"}); got != "3" || !ok {
		t.Fatalf("nested arrays: %q, %v", got, ok)
	}
	if got, ok := Get(`"abc"`, nil); got != `"abc"` || !ok {
		t.Fatalf("Get of bare string: %q, %v", got, ok)
	}
}

// TestLookupMatchesParse checks Lookup against Value.Member on every member of documents
// with awkward keys, plus names that are absent.
func TestLookupMatchesParse(t *testing.T) {
	docs := []string{
		lookupDoc,
		`{"a":1,"b":2,"c":3}`,
		`{"\u0000":1,"\u001f":2," ":3,"\\":4,"\\\\":5,"é":6,"😀":7}`,
	}
	for _, in := range docs {
		doc, err := Normalize([]byte(in))
		if err != nil {
			t.Fatalf("Normalize(%q): %v", in, err)
		}
		v, err := Parse(doc)
		if err != nil {
			t.Fatal(err)
		}
		names := []string{"", "zzz", "\x00\x00", "a\x00", "\\\\\\", "é\x00"}
		for _, m := range v.Members() {
			names = append(names, m.Name, m.Name+"x", strings.TrimSuffix(m.Name, "\\"))
		}
		for _, name := range names {
			raw, ok := Lookup(doc, name)
			mv, mok := v.Member(name)
			if ok != mok || (ok && !Equal(Decode(raw), mv)) {
				t.Errorf("Lookup(%q, %q) = %q, %v; Member gives %v, %v", doc, name, raw, ok, mv, mok)
			}
		}
	}
}

func TestUnquote(t *testing.T) {
	for _, tc := range []struct {
		raw, want string
		ok        bool
	}{
		{`"abc"`, "abc", true},
		{`""`, "", true},
		{`"é"`, "é", true},
		{`"a\"b\\c\/d"`, "a\"b\\c/d", true},
		{`"\b\f\n\r\t\u0000\u00e9"`, "\b\f\n\r\t\x00é", true},
		{`"\ud83d\ude00"`, "😀", true},
		{`"\ud800"`, "", false},
		{`"abc`, "", false},
		{`abc`, "", false},
		{``, "", false},
		{`"a"b"`, "", false},
		{`"a" `, "", false},
		{`1`, "", false},
		{`"\x"`, "", false},
		{"\"\xff\"", "", false},
	} {
		got, ok := Unquote(tc.raw)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Unquote(%q) = %q, %v; want %q, %v", tc.raw, got, ok, tc.want, tc.ok)
		}
	}
}

func TestQuote(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", `""`},
		{"abc", `"abc"`},
		{"é/😀", `"é/😀"`},
		{"a\"b\\c", `"a\"b\\c"`},
		{"\b\f\n\r\t", `"\b\f\n\r\t"`},
		{"\x00\x01\x1f\x7f", "\"\\u0000\\u0001\\u001f\x7f\""},
		{"a\xffb", "\"a\uFFFDb\""},
		{"\xc3", "\"\uFFFD\""},
		{"\u2028", "\"\u2028\""},
	} {
		if got := string(Quote(nil, tc.in)); got != tc.want {
			t.Errorf("Quote(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
	if got := string(Quote([]byte("x:"), "y")); got != `x:"y"` {
		t.Errorf("Quote does not append: %s", got)
	}
}

// TestLookupAllocs guards the SQL scan hot path: Lookup, LookupPath and Unquote of a
// plain string must not allocate.
func TestLookupAllocs(t *testing.T) {
	path := []string{"b", "c", "1", "d"}
	allocs := testing.AllocsPerRun(100, func() {
		raw, ok := Lookup(lookupDoc, "name")
		if !ok {
			t.Fatal("name missing")
		}
		if _, ok := Unquote(raw); !ok {
			t.Fatal("Unquote failed")
		}
		if _, ok := LookupPath(lookupDoc, path); !ok {
			t.Fatal("path missing")
		}
		if v := Decode(`"plain"`); v.Kind() != KindString {
			t.Fatal("Decode failed")
		}
		if v := Decode(`12345`); v.Kind() != KindInt {
			t.Fatal("Decode failed")
		}
	})
	if allocs != 0 {
		t.Fatalf("lookups allocate %v times, want 0", allocs)
	}
}
