package value

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func allBytes() string {
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(i)
	}
	return string(b)
}

// roundTripValues covers every kind, empty strings, binary bytes and large
// collections.
func roundTripValues() map[string]Value {
	return map[string]Value{
		"none":             {},
		"bytes empty":      Bytes(""),
		"bytes":            Bytes("hello"),
		"bytes binary":     Bytes(allBytes()),
		"bytes 1MB":        Bytes(strings.Repeat("x", 1<<20)),
		"json":             JSON(`{"a":[1,2,{"b":null}]}`),
		"json empty":       JSON(""),
		"list one":         FromList(NewList("a")),
		"list empties":     FromList(NewList("", "", "")),
		"list binary":      FromList(NewList(allBytes(), "\x00", "")),
		"list pushed":      FromList(NewList(seq(100)...).PushFront("f1", "f2").PushBack("b")),
		"list 100k":        FromList(NewList(seq(100000)...)),
		"set one":          FromSet(NewSet("")),
		"set small":        FromSet(NewSet("a", "b", allBytes())),
		"set 100k":         FromSet(NewSet(seq(100000)...)),
		"set after remove": FromSet(func() *Set { s, _ := NewSet(seq(50)...).Remove(seq(45)...); return s }()),
	}
}

func TestEncodingRoundTrip(t *testing.T) {
	for name, v := range roundTripValues() {
		t.Run(name, func(t *testing.T) {
			enc := AppendEncoded([]byte("prefix"), v)[len("prefix"):]
			got, n, err := Decode(append(enc, "trailing"...))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if n != len(enc) {
				t.Fatalf("consumed %d bytes, encoding has %d", n, len(enc))
			}
			if !got.Equal(v) || got.Kind() != v.Kind() || got.Size() != v.Size() {
				t.Fatalf("decoded %v value of size %d, want %v of size %d", got.Kind(), got.Size(), v.Kind(), v.Size())
			}
			if err := checkList(got.List()); err != nil {
				t.Fatalf("decoded list: %v", err)
			}
			if err := checkSet(got.Set()); err != nil {
				t.Fatalf("decoded set: %v", err)
			}
			if v.Kind() != KindSet {
				if re := AppendEncoded(nil, got); !bytes.Equal(re, enc) {
					t.Fatalf("re-encoding differs")
				}
			}
		})
	}
}

// TestDecodeDoesNotAlias checks that decoded strings survive reuse of the
// input buffer (a WAL or snapshot read buffer).
func TestDecodeDoesNotAlias(t *testing.T) {
	for _, v := range []Value{Bytes("abc"), FromList(NewList("abc", "de")), FromSet(NewSet("abc", "de"))} {
		enc := AppendEncoded(nil, v)
		got, _, err := Decode(enc)
		if err != nil {
			t.Fatal(err)
		}
		for i := range enc {
			enc[i] = 'Z'
		}
		if !got.Equal(v) {
			t.Errorf("%v value changed when its input buffer was overwritten", v.Kind())
		}
	}
}

func TestDecodeCorrupt(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
	}{
		{"empty input", nil},
		{"unknown kind", []byte{5}},
		{"kind 255", []byte{255, 0}},
		{"bytes without length", []byte{byte(KindBytes)}},
		{"bytes length past the end", []byte{byte(KindBytes), 4, 'a', 'b'}},
		{"json truncated", []byte{byte(KindJSON), 2, '{'}},
		{"length overflows uint64", append([]byte{byte(KindBytes)}, bytes.Repeat([]byte{0xff}, 11)...)},
		{"non-minimal length", []byte{byte(KindBytes), 0x81, 0x00, 'a'}},
		{"huge length", []byte{byte(KindBytes), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}},
		{"empty list", []byte{byte(KindList), 0}},
		{"empty set", []byte{byte(KindSet), 0}},
		{"list count past the end", []byte{byte(KindList), 3, 0, 0}},
		{"huge list count", []byte{byte(KindList), 0xff, 0xff, 0xff, 0xff, 0x0f, 0}},
		{"list element truncated", []byte{byte(KindList), 2, 1, 'a', 3, 'b'}},
		{"set member truncated", []byte{byte(KindSet), 1, 2, 'a'}},
		{"set repeated member", []byte{byte(KindSet), 2, 1, 'a', 1, 'a'}},
		{"set repeated empty member", []byte{byte(KindSet), 3, 0, 1, 'a', 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, n, err := Decode(tt.in)
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Decode = %v, %d, %v; want ErrCorrupt", v.Kind(), n, err)
			}
			if v.Exists() || n != 0 {
				t.Errorf("failed Decode returned %v value, n=%d", v.Kind(), n)
			}
		})
	}
}

// TestDecodeTruncated checks that every proper prefix of a valid encoding is
// rejected (the None kind is a single byte and has none).
func TestDecodeTruncated(t *testing.T) {
	for name, v := range roundTripValues() {
		if v.Size() > 10000 {
			continue
		}
		enc := AppendEncoded(nil, v)
		for i := range len(enc) {
			if _, _, err := Decode(enc[:i]); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("%s: prefix of %d of %d bytes: err = %v, want ErrCorrupt", name, i, len(enc), err)
			}
		}
	}
}

func TestEncodingFormat(t *testing.T) {
	tests := []struct {
		v    Value
		want []byte
	}{
		{Value{}, []byte{0}},
		{Bytes("ab"), []byte{1, 2, 'a', 'b'}},
		{JSON("1"), []byte{2, 1, '1'}},
		{FromList(NewList("a", "")), []byte{3, 2, 1, 'a', 0}},
		{FromSet(NewSet("a")), []byte{4, 1, 1, 'a'}},
	}
	for _, tt := range tests {
		t.Run(tt.v.Kind().String(), func(t *testing.T) {
			if got := AppendEncoded(nil, tt.v); !bytes.Equal(got, tt.want) {
				t.Errorf("got % x, want % x", got, tt.want)
			}
		})
	}
}

// FuzzDecode checks that Decode never panics, and that whatever it accepts
// re-encodes to the same bytes (for sets: the same members) and decodes back
// to an equal value. The seed corpus is in testdata/fuzz/FuzzDecode.
func FuzzDecode(f *testing.F) {
	for _, v := range []Value{{}, Bytes("x"), JSON(`{"a":1}`), FromList(NewList("a", "", "b")), FromSet(NewSet("a", "b"))} {
		f.Add(AppendEncoded(nil, v))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		v, n, err := Decode(in)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v does not wrap ErrCorrupt", err)
			}
			return
		}
		if n <= 0 || n > len(in) {
			t.Fatalf("consumed %d of %d bytes", n, len(in))
		}
		re := AppendEncoded(nil, v)
		if len(re) != n || (v.Kind() != KindSet && !bytes.Equal(re, in[:n])) {
			t.Fatalf("re-encoding % x differs from input % x", re, in[:n])
		}
		w, m, err := Decode(re)
		if err != nil || m != n || !w.Equal(v) {
			t.Fatalf("second round trip: %v, %d, %v", w.Kind(), m, err)
		}
		if err := checkList(v.List()); err != nil {
			t.Fatal(err)
		}
		if err := checkSet(v.Set()); err != nil {
			t.Fatal(err)
		}
		_ = fmt.Sprint(v.Size())
	})
}
