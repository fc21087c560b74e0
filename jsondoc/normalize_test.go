package jsondoc

import (
	"errors"
	"strings"
	"testing"
)

// normalizeCases are golden input → canonical output pairs. They run through both
// Normalize and Parse+Append, which are independent implementations.
var normalizeCases = []struct {
	name, in, want string
}{
	// SPEC §3.3 examples.
	{"sorted members", `{"b":2,"a":"x"}`, `{"a":"x","b":2}`},
	{"spec a b", `{"a":1,"b":2}`, `{"a":1,"b":2}`},
	{"spec a b c", `{ "c" : 3 , "b":2, "a":1 }`, `{"a":1,"b":2,"c":3}`},
	{"spec empty object member", `{"d":3,"b":{},"a":1}`, `{"a":1,"b":{},"d":3}`},
	{"spec value", `{"value": 100}`, `{"value":100}`},
	{"spec bare one", `1`, `1`},
	{"float 1e3", `1e3`, `1000.0`},
	{"float 1.0", `1.0`, `1.0`},
	{"float -0.5", `-0.5`, `-0.5`},
	{"float 20.5", `20.5`, `20.5`},
	{"float 15.0", `15.0`, `15.0`},
	{"float 1e20", `1e20`, `1e20`},
	{"float 1.5e-7", `1.5e-7`, `1.5e-7`},
	{"max int64", `9223372036854775807`, `9223372036854775807`},
	{"min int64", `-9223372036854775808`, `-9223372036854775808`},
	{"uint64", `12345678901234567890`, `12345678901234567890`},
	{"max uint64", `18446744073709551615`, `18446744073709551615`},
	{"above uint64", `18446744073709551616`, `1.8446744073709552e19`},
	{"below int64", `-9223372036854775809`, `-9.223372036854776e18`},
	{"raw utf8", `"é"`, `"é"`},
	{"escaped utf8 decoded", `"\u00e9"`, `"é"`},
	{"control escapes", `"\u0008\u000c\u000a\u000d\u0009"`, `"\b\f\n\r\t"`},
	{"control hex", `"\u0001\u001F\u0000"`, `"\u0001\u001f\u0000"`},
	{"quote backslash", `"a\"b\\c"`, `"a\"b\\c"`},
	{"solidus unescaped", `"a\/b"`, `"a/b"`},
	{"del raw", "\"\x7f\"", "\"\x7f\""},
	{"surrogate pair", `"\ud83d\ude00"`, `"😀"`},
	{"uppercase surrogate pair", `"\uD83D\uDE00x"`, `"😀x"`},
	{"line separator raw", `"\u2028"`, "\"\u2028\""},

	// Numbers.
	{"zero", `0`, `0`},
	{"negative zero int", `-0`, `-0.0`},
	{"negative zero float", `-0.0`, `-0.0`},
	{"negative zero exp", `-0e5`, `-0.0`},
	{"zero float", `0.0`, `0.0`},
	{"zero exp", `0e10`, `0.0`},
	{"negative int", `-42`, `-42`},
	{"exp upper", `1E2`, `100.0`},
	{"exp plus", `1e+2`, `100.0`},
	{"exp minus", `25e-1`, `2.5`},
	{"trailing fraction zeros", `1.500`, `1.5`},
	{"1e15", `1e15`, `1000000000000000.0`},
	{"1e16", `1e16`, `1e16`},
	{"1.5e16", `1.5e16`, `1.5e16`},
	{"1234e30", `1234e30`, `1.234e33`},
	{"123.45", `123.45`, `123.45`},
	{"0.001234", `0.001234`, `0.001234`},
	{"0.00001", `0.00001`, `0.00001`},
	{"1e-5", `1e-5`, `0.00001`},
	{"1e-6", `1e-6`, `1e-6`},
	{"1e-7", `1e-7`, `1e-7`},
	{"1.2e-5", `1.2e-5`, `0.000012`},
	{"1.2e-6", `1.2e-6`, `1.2e-6`},
	{"0.1", `0.1`, `0.1`},
	{"third", `0.3333333333333333`, `0.3333333333333333`},
	{"shortest", `0.30000000000000004`, `0.30000000000000004`},
	{"max float", `1.7976931348623157e308`, `1.7976931348623157e308`},
	{"min subnormal", `5e-324`, `5e-324`},
	{"underflow", `1e-400`, `0.0`},
	{"negative underflow", `-1e-400`, `-0.0`},
	{"big int digits", `123456789012345678901234567890`, `1.2345678901234568e29`},
	{"9007199254740993", `9007199254740993.0`, `9007199254740992.0`},

	// Structure and whitespace.
	{"whitespace", " \t\r\n[ 1 , 2 ,\n3 ] \n", `[1,2,3]`},
	{"empty array", `[ ]`, `[]`},
	{"empty object", `{ }`, `{}`},
	{"nested sort", `{"z":{"y":1,"x":[{"b":1,"a":2}]},"a":null}`, `{"a":null,"z":{"x":[{"a":2,"b":1}],"y":1}}`},
	{"duplicate last wins", `{"a":1,"b":2,"a":3}`, `{"a":3,"b":2}`},
	{"duplicate adjacent", `{"a":1,"a":2,"a":3}`, `{"a":3}`},
	{"duplicate sorted input", `{"a":{"x":1},"a":[]}`, `{"a":[]}`},
	{"escaped duplicate", `{"\u0061":1,"a":2}`, `{"a":2}`},
	{"bytewise order", `{"b":1,"B":2,"é":3,"a":4,"":5}`, `{"":5,"B":2,"a":4,"b":1,"é":3}`},
	{"prefix order", `{"ab":1,"a":2,"abc":3}`, `{"a":2,"ab":1,"abc":3}`},
	// Decoded order: "\n" (0x0a) sorts before "!" (0x21) although its escaped form
	// starts with '\' (0x5c).
	{"escaped key order", `{"!":1,"\n":2,"a\"":3,"a":4,"\\":5}`, `{"\n":2,"!":1,"\\":5,"a":4,"a\"":3}`},
	{"literals", `[true,false,null]`, `[true,false,null]`},
	{"bare string", `"abc"`, `"abc"`},
	{"deep ok", strings.Repeat("[", 512) + strings.Repeat("]", 512), strings.Repeat("[", 512) + strings.Repeat("]", 512)},
}

var invalidCases = []struct{ name, in string }{
	{"empty", ``},
	{"spaces only", "   "},
	{"trailing comma array", `[1,2,]`},
	{"trailing comma object", `{"a":1,}`},
	{"leading comma", `[,1]`},
	{"comment", `{"a":1 /* c */}`},
	{"line comment", "[1]// c"},
	{"NaN", `NaN`},
	{"Infinity", `Infinity`},
	{"negative Infinity", `-Infinity`},
	{"leading zero", `01`},
	{"leading zero negative", `-01`},
	{"plus sign", `+1`},
	{"bare dot", `.5`},
	{"trailing dot", `1.`},
	{"empty exponent", `1e`},
	{"exponent sign only", `1e+`},
	{"minus only", `-`},
	{"hex", `0x10`},
	{"single quotes", `'a'`},
	{"unquoted key", `{a:1}`},
	{"missing colon", `{"a" 1}`},
	{"missing value", `{"a":}`},
	{"unclosed object", `{"a":1`},
	{"unclosed array", `[1,2`},
	{"unclosed string", `"abc`},
	{"mismatched", `[1}`},
	{"two values", `1 2`},
	{"trailing garbage", `{"a":1}x`},
	{"raw control char", "\"a\x01b\""},
	{"raw newline", "\"a\nb\""},
	{"bad escape", `"\x"`},
	{"short unicode escape", `"\u12"`},
	{"bad hex", `"\u12g4"`},
	{"lone high surrogate", `"\ud800"`},
	{"lone high surrogate then char", `"\ud800x"`},
	{"high surrogate then non-low", `"\ud800\u0041"`},
	{"lone low surrogate", `"\udc00"`},
	{"invalid utf8", "\"\xff\""},
	{"truncated utf8", "\"\xc3\""},
	{"overlong utf8", "\"\xc0\xaf\""},
	{"utf8 surrogate", "\"\xed\xa0\x80\""},
	{"overflow", `1e400`},
	{"negative overflow", `-1e400`},
	{"huge integer", strings.Repeat("9", 400)},
	{"too deep array", strings.Repeat("[", 513) + strings.Repeat("]", 513)},
	{"too deep object", strings.Repeat(`{"a":`, 513) + "1" + strings.Repeat("}", 513)},
	{"too deep unclosed", strings.Repeat("[", 100000)},
	{"true prefix", `tru`},
	{"true suffix", `truex`},
	{"null upper", `NULL`},
	{"bom", "\xef\xbb\xbf{}"},
	{"nul byte outside", "{}\x00"},
	{"vertical tab space", "\v1"},
	{"key not string", `{1:2}`},
}

func TestNormalize(t *testing.T) {
	for _, tc := range normalizeCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Normalize([]byte(tc.in))
			if err != nil {
				t.Fatalf("Normalize(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Fatalf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
			}
			again, err := Normalize([]byte(got))
			if err != nil || again != got {
				t.Fatalf("Normalize(%q) = %q, %v; want it unchanged", got, again, err)
			}
		})
	}
}

func TestNormalizeInvalid(t *testing.T) {
	for _, tc := range invalidCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Normalize([]byte(tc.in))
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Normalize(%q) = %q, %v; want ErrInvalid", tc.in, got, err)
			}
			if err.Error() != "Value is not valid JSON" {
				t.Fatalf("error text %q", err.Error())
			}
		})
	}
}

// TestNormalizePoolReuse interleaves failing and succeeding calls so that a pooled
// normalizer left dirty by a failure would corrupt the next result.
func TestNormalizePoolReuse(t *testing.T) {
	for i := 0; i < 50; i++ {
		if _, err := Normalize([]byte(`{"b":{"d":1,"c":`)); err == nil {
			t.Fatal("truncated input accepted")
		}
		got, err := Normalize([]byte(`{"b":1,"a":2}`))
		if err != nil || got != `{"a":2,"b":1}` {
			t.Fatalf("got %q, %v", got, err)
		}
	}
}

func TestNormalizeLargePooledBuffer(t *testing.T) {
	big := `{"k":"` + strings.Repeat("x", 200<<10) + `","a":1}`
	got, err := Normalize([]byte(big))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"a":1,"k":"` + strings.Repeat("x", 200<<10) + `"}`; got != want {
		t.Fatalf("large document mangled (len %d, want %d)", len(got), len(want))
	}
}
