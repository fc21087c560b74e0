package jsondoc

import (
	"encoding/json"
	"testing"
)

// benchDoc is a typical 200-byte row document in canonical form.
const benchDoc = `{"active":true,"address":{"city":"Paris","street":"12 rue de la Paix","zip":"75002"},` +
	`"age":42,"balance":1234.56,"email":"alice@example.com","id":1001,"name":"Alice Martin",` +
	`"tags":["admin","beta","eu"]}`

// benchDocClient is the same document as a client would send it: spaced and unsorted.
const benchDocClient = `{"name": "Alice Martin", "id": 1001, "email": "alice@example.com", ` +
	`"age": 42, "active": true, "balance": 1234.56, "tags": ["admin", "beta", "eu"], ` +
	`"address": {"zip": "75002", "street": "12 rue de la Paix", "city": "Paris"}}`

func TestBenchDocs(t *testing.T) {
	for _, in := range []string{benchDoc, benchDocClient} {
		if got, err := Normalize([]byte(in)); err != nil || got != benchDoc {
			t.Fatalf("Normalize(%s) = %s, %v", in, got, err)
		}
	}
}

func BenchmarkNormalize(b *testing.B) {
	for _, bc := range []struct{ name, in string }{
		{"input=canonical", benchDoc},
		{"input=client", benchDocClient},
	} {
		b.Run(bc.name, func(b *testing.B) {
			in := []byte(bc.in)
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Normalize(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEncodingJSON is the peer of BenchmarkNormalize: what canonicalizing costs with
// encoding/json (which also sorts map keys but prints numbers differently).
func BenchmarkEncodingJSON(b *testing.B) {
	for _, bc := range []struct{ name, in string }{
		{"input=canonical", benchDoc},
		{"input=client", benchDocClient},
	} {
		b.Run(bc.name, func(b *testing.B) {
			in := []byte(bc.in)
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			for b.Loop() {
				var v any
				if err := json.Unmarshal(in, &v); err != nil {
					b.Fatal(err)
				}
				if _, err := json.Marshal(v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkLookup(b *testing.B) {
	for _, bc := range []struct {
		name string
		path []string
	}{
		{"member=first", []string{"active"}},
		{"member=middle", []string{"email"}},
		{"member=last", []string{"tags"}},
		{"member=missing", []string{"zzz"}},
		{"path=address.city", []string{"address", "city"}},
		{"path=tags.2", []string{"tags", "2"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				LookupPath(benchDoc, bc.path)
			}
		})
	}
}

// BenchmarkLookupEncodingJSON is the peer of BenchmarkLookup: reading one member with
// encoding/json means decoding the whole document.
func BenchmarkLookupEncodingJSON(b *testing.B) {
	in := []byte(benchDoc)
	b.ReportAllocs()
	for b.Loop() {
		var v map[string]json.RawMessage
		if err := json.Unmarshal(in, &v); err != nil {
			b.Fatal(err)
		}
		if _, ok := v["email"]; !ok {
			b.Fatal("missing")
		}
	}
}

func BenchmarkParse(b *testing.B) {
	b.SetBytes(int64(len(benchDoc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(benchDoc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUnmarshalEncodingJSON(b *testing.B) {
	in := []byte(benchDoc)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		var v any
		if err := json.Unmarshal(in, &v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppend(b *testing.B) {
	v, err := Parse(benchDoc)
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 0, 512)
	b.SetBytes(int64(len(benchDoc)))
	b.ReportAllocs()
	for b.Loop() {
		buf = v.Append(buf[:0])
	}
}

func BenchmarkMarshalEncodingJSON(b *testing.B) {
	var v any
	if err := json.Unmarshal([]byte(benchDoc), &v); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(benchDoc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	for _, bc := range []struct{ name, raw string }{
		{"kind=string", `"alice@example.com"`},
		{"kind=int", `1001`},
		{"kind=float", `1234.56`},
		{"kind=object", `{"city":"Paris","street":"12 rue de la Paix","zip":"75002"}`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Decode(bc.raw)
			}
		})
	}
}

func BenchmarkSet(b *testing.B) {
	for _, bc := range []struct {
		name string
		path []string
	}{
		{"op=replace", []string{"age"}},
		{"op=insert", []string{"address", "country"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Set(benchDoc, true, bc.path, `"FR"`); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkFormatFloat(b *testing.B) {
	buf := make([]byte, 0, 32)
	b.ReportAllocs()
	for b.Loop() {
		buf = FormatFloat(buf[:0], 1234.56)
	}
}
