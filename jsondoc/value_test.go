package jsondoc

import (
	"math"
	"testing"
	"unsafe"
)

func TestValueSize(t *testing.T) {
	if got := unsafe.Sizeof(Value{}); got != 24 {
		t.Fatalf("sizeof(Value) = %d, want 24", got)
	}
}

func TestConstructorsAndAccessors(t *testing.T) {
	if v := Null(); !v.IsNull() || v.Kind() != KindNull || v.String() != "null" {
		t.Fatalf("Null() = %v (%v)", v, v.Kind())
	}
	var zero Value
	if !Equal(zero, Null()) {
		t.Fatal("zero Value is not null")
	}
	if b, ok := Bool(true).AsBool(); !b || !ok {
		t.Fatalf("Bool(true).AsBool() = %v, %v", b, ok)
	}
	if b, ok := Bool(false).AsBool(); b || !ok {
		t.Fatalf("Bool(false).AsBool() = %v, %v", b, ok)
	}
	if _, ok := Int(1).AsBool(); ok {
		t.Fatal("Int(1).AsBool() ok")
	}
	if i, ok := Int(-7).AsInt(); i != -7 || !ok {
		t.Fatalf("Int(-7).AsInt() = %v, %v", i, ok)
	}
	if _, ok := Float(1).AsInt(); ok {
		t.Fatal("Float(1).AsInt() ok")
	}
	if v := Uint(5); v.Kind() != KindInt {
		t.Fatalf("Uint(5) has kind %v, want int", v.Kind())
	}
	if v := Uint(math.MaxUint64); v.Kind() != KindUint || v.String() != "18446744073709551615" {
		t.Fatalf("Uint(max) = %v (%v)", v, v.Kind())
	}
	if u, ok := Uint(math.MaxUint64).AsUint(); u != math.MaxUint64 || !ok {
		t.Fatalf("AsUint = %v, %v", u, ok)
	}
	if u, ok := Int(3).AsUint(); u != 3 || !ok {
		t.Fatalf("Int(3).AsUint() = %v, %v", u, ok)
	}
	if _, ok := Int(-3).AsUint(); ok {
		t.Fatal("Int(-3).AsUint() ok")
	}
	for _, tc := range []struct {
		v    Value
		want float64
	}{{Int(-2), -2}, {Uint(1 << 63), 1 << 63}, {Float(2.5), 2.5}} {
		if f, ok := tc.v.AsFloat(); f != tc.want || !ok {
			t.Fatalf("%v.AsFloat() = %v, %v", tc.v, f, ok)
		}
		if !tc.v.IsNumber() {
			t.Fatalf("%v.IsNumber() = false", tc.v)
		}
	}
	if _, ok := String("1").AsFloat(); ok || String("1").IsNumber() {
		t.Fatal("string is a number")
	}
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if v := Float(f); !v.IsNull() {
			t.Fatalf("Float(%v) = %v, want null", f, v)
		}
	}
	if s, ok := String("héllo").Str(); s != "héllo" || !ok {
		t.Fatalf("Str() = %q, %v", s, ok)
	}
	if _, ok := Int(1).Str(); ok {
		t.Fatal("Int(1).Str() ok")
	}
	if s, _ := String("a\xffb").Str(); s != "a\uFFFDb" {
		t.Fatalf("invalid UTF-8 kept: %q", s)
	}
}

func TestArrayAndObject(t *testing.T) {
	arr := Array([]Value{Int(1), String("x"), Array(nil)})
	if arr.Len() != 3 || arr.String() != `[1,"x",[]]` {
		t.Fatalf("array = %v (len %d)", arr, arr.Len())
	}
	if s, _ := arr.Index(1).Str(); s != "x" {
		t.Fatalf("Index(1) = %v", arr.Index(1))
	}
	for _, i := range []int{-1, 3, 100} {
		if !arr.Index(i).IsNull() {
			t.Fatalf("Index(%d) = %v, want null", i, arr.Index(i))
		}
	}
	if len(arr.Elems()) != 3 || Int(1).Elems() != nil || Array(nil).Elems() != nil {
		t.Fatal("Elems mismatch")
	}

	obj := Object([]Member{
		{"b", Int(1)}, {"a", Int(2)}, {"c", Int(3)}, {"a", Int(4)}, {"\xff", Null()},
	})
	if got, want := obj.String(), `{"a":4,"b":1,"c":3,"�":null}`; got != want {
		t.Fatalf("Object = %s, want %s", got, want)
	}
	if obj.Len() != 4 || len(obj.Members()) != 4 {
		t.Fatalf("Len = %d", obj.Len())
	}
	for _, tc := range []struct {
		name string
		want string
		ok   bool
	}{{"a", "4", true}, {"b", "1", true}, {"c", "3", true}, {"d", "null", false}, {"", "null", false}} {
		v, ok := obj.Member(tc.name)
		if ok != tc.ok || v.String() != tc.want {
			t.Errorf("Member(%q) = %v, %v; want %s, %v", tc.name, v, ok, tc.want, tc.ok)
		}
	}
	if _, ok := arr.Member("a"); ok {
		t.Fatal("array has members")
	}
	if Object(nil).String() != "{}" || Object(nil).Len() != 0 || Int(1).Len() != 0 {
		t.Fatal("empty object")
	}
}

func TestKindString(t *testing.T) {
	want := []string{"null", "bool", "int", "uint", "float", "string", "array", "object"}
	for k, w := range want {
		if got := Kind(k).String(); got != w {
			t.Errorf("Kind(%d) = %q, want %q", k, got, w)
		}
	}
	if Kind(200).String() != "invalid" {
		t.Error("out-of-range kind")
	}
}

func TestEqual(t *testing.T) {
	obj := func(kv ...any) Value {
		var ms []Member
		for i := 0; i < len(kv); i += 2 {
			ms = append(ms, Member{kv[i].(string), kv[i+1].(Value)})
		}
		return Object(ms)
	}
	for _, tc := range []struct {
		name string
		a, b Value
		want bool
	}{
		{"null null", Null(), Null(), true},
		{"null false", Null(), Bool(false), false},
		{"bools", Bool(true), Bool(true), true},
		{"bools differ", Bool(true), Bool(false), false},
		{"ints", Int(1), Int(1), true},
		{"int vs float", Int(1), Float(1), false},
		{"int vs string", Int(1), String("1"), false},
		{"float vs string", Float(1), String("1"), false},
		{"int vs uint", Int(math.MaxInt64), Uint(math.MaxInt64 + 1), false},
		{"uints", Uint(math.MaxUint64), Uint(math.MaxUint64), true},
		{"floats", Float(0.5), Float(0.5), true},
		{"negative zero", Float(0), Float(math.Copysign(0, -1)), true},
		{"strings", String("é"), String("é"), true},
		{"strings differ", String("a"), String("b"), false},
		{"empty arrays", Array(nil), Array([]Value{}), true},
		{"arrays", Array([]Value{Int(1), Null()}), Array([]Value{Int(1), Null()}), true},
		{"array order", Array([]Value{Int(1), Int(2)}), Array([]Value{Int(2), Int(1)}), false},
		{"array length", Array([]Value{Int(1)}), Array([]Value{Int(1), Int(1)}), false},
		{"objects any order", obj("a", Int(1), "b", Int(2)), obj("b", Int(2), "a", Int(1)), true},
		{"objects value", obj("a", Int(1)), obj("a", Float(1)), false},
		{"objects name", obj("a", Int(1)), obj("b", Int(1)), false},
		{"objects size", obj("a", Int(1)), obj("a", Int(1), "b", Null()), false},
		{"array vs object", Array(nil), Object(nil), false},
	} {
		if got := Equal(tc.a, tc.b); got != tc.want {
			t.Errorf("%s: Equal(%v, %v) = %v, want %v", tc.name, tc.a, tc.b, got, tc.want)
		}
		if got := Equal(tc.b, tc.a); got != tc.want {
			t.Errorf("%s: Equal is not symmetric", tc.name)
		}
	}
}

func TestParse(t *testing.T) {
	for _, tc := range normalizeCases {
		v, err := Parse(tc.in)
		if err != nil {
			t.Errorf("%s: Parse(%q): %v", tc.name, tc.in, err)
			continue
		}
		if got := v.String(); got != tc.want {
			t.Errorf("%s: Parse(%q).String() = %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
	for _, tc := range invalidCases {
		if v, err := Parse(tc.in); err != ErrInvalid {
			t.Errorf("%s: Parse(%q) = %v, %v; want ErrInvalid", tc.name, tc.in, v, err)
		}
	}
}

func TestParseKinds(t *testing.T) {
	for _, tc := range []struct {
		in   string
		kind Kind
	}{
		{`null`, KindNull}, {`true`, KindBool}, {`0`, KindInt}, {`-9223372036854775808`, KindInt},
		{`9223372036854775808`, KindUint}, {`1.0`, KindFloat}, {`-0`, KindFloat},
		{`1e400000000000000000000`, KindNull}, // rejected: Parse returns the zero Value
		{`""`, KindString}, {`[]`, KindArray}, {`{}`, KindObject},
	} {
		v, _ := Parse(tc.in)
		if v.Kind() != tc.kind {
			t.Errorf("Parse(%q).Kind() = %v, want %v", tc.in, v.Kind(), tc.kind)
		}
	}
	v, err := Parse(`-0`)
	if f, _ := v.AsFloat(); err != nil || !math.Signbit(f) {
		t.Fatalf("Parse(-0) = %v, %v; want -0.0", v, err)
	}
}

func TestDecode(t *testing.T) {
	for _, tc := range []struct {
		raw  string
		want Value
	}{
		{`"abc"`, String("abc")},
		{`"a\"b\n"`, String("a\"b\n")},
		{`""`, String("")},
		{`12`, Int(12)},
		{`-12`, Int(-12)},
		{`999999999999999999`, Int(999999999999999999)},
		{`9223372036854775807`, Int(math.MaxInt64)},
		{`18446744073709551615`, Uint(math.MaxUint64)},
		{`1.5`, Float(1.5)},
		{`true`, Bool(true)},
		{`false`, Bool(false)},
		{`null`, Null()},
		{`[1,"a"]`, Array([]Value{Int(1), String("a")})},
		{`{"a":{"b":[]}}`, Object([]Member{{"a", Object([]Member{{"b", Array(nil)}})}})},
		// Not canonical, not even JSON: Decode never fails.
		{``, Null()},
		{`{"a":`, Null()},
		{`12x`, Null()},
		{`"`, Null()},
	} {
		if got := Decode(tc.raw); !Equal(got, tc.want) {
			t.Errorf("Decode(%q) = %v, want %v", tc.raw, got, tc.want)
		}
	}
}
