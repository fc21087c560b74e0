package sem

import (
	"errors"
	"testing"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/sql/ast"
	"github.com/memflux/memflux/sql/parser"
)

func v(text string) jsondoc.Value {
	x, err := jsondoc.Parse(text)
	if err != nil {
		panic(err)
	}
	return x
}

func TestCompare(t *testing.T) {
	tests := []struct {
		a  string
		op ast.CompareOp
		b  string
		w  string
	}{
		{"1", ast.CmpEq, "1.0", "true"},
		{"1", ast.CmpEq, `"1"`, "true"},
		{`"99"`, ast.CmpEq, "99", "true"},
		{"1", ast.CmpEq, `"x"`, "false"},
		{"1", ast.CmpNe, `"x"`, "true"},
		{"1", ast.CmpLt, `"x"`, "false"},
		{`"10"`, ast.CmpGt, `"9"`, "true"},
		{`"1.0"`, ast.CmpEq, `"1"`, "true"},
		{`"abc"`, ast.CmpEq, `"abc"`, "true"},
		{`"abc"`, ast.CmpNe, `"abc"`, "false"},
		{`"n"`, ast.CmpGt, `"a"`, "true"},
		{"null", ast.CmpEq, "null", "null"},
		{"1", ast.CmpEq, "null", "null"},
		{"true", ast.CmpGt, "false", "true"},
		{"true", ast.CmpEq, "1", "false"},
		{"[1]", ast.CmpEq, "[1]", "true"},
		{"[1]", ast.CmpLt, "[2]", "false"},
		{"9223372036854775807", ast.CmpGt, "9223372036854775806", "true"},
		{"0.30000000000000004", ast.CmpEq, "0.3", "true"},
		{`"2024-01-02"`, ast.CmpGt, `"2024-01-01"`, "true"},
	}
	for _, tt := range tests {
		if got := Compare(tt.op, v(tt.a), v(tt.b)).String(); got != tt.w {
			t.Errorf("%s %s %s = %s, want %s", tt.a, tt.op, tt.b, got, tt.w)
		}
	}
}

func TestLogic(t *testing.T) {
	vals := []Tri{True, False, Unknown}
	and := [3][3]Tri{{True, False, Unknown}, {False, False, False}, {Unknown, False, Unknown}}
	or := [3][3]Tri{{True, True, True}, {True, False, Unknown}, {True, Unknown, Unknown}}
	for i, a := range vals {
		for j, b := range vals {
			if got := And(a, b); got != and[i][j] {
				t.Errorf("And(%d,%d) = %d", a, b, got)
			}
			if got := Or(a, b); got != or[i][j] {
				t.Errorf("Or(%d,%d) = %d", a, b, got)
			}
		}
	}
	if Truth(v("1")) != False || Truth(v("null")) != Unknown || Truth(v("true")) != True {
		t.Error("Truth")
	}
	if Unknown.Not() != Unknown || True.Not() != False {
		t.Error("Not")
	}
}

func TestArith(t *testing.T) {
	tests := []struct {
		a  string
		op ast.BinaryOp
		b  string
		w  string
	}{
		{"10", ast.OpAdd, "5", "15.0"},
		{"1", ast.OpSub, "3", "-2.0"},
		{"2.5", ast.OpMul, "2", "5.0"},
		{"7", ast.OpDiv, "2", "3.5"},
		{"7", ast.OpMod, "4", "3.0"},
		{"1", ast.OpAdd, `"x"`, "null"},
		{`"1"`, ast.OpAdd, "1", "null"},
		{"null", ast.OpAdd, "1", "null"},
		{`"a"`, ast.OpConcat, `"b"`, `"ab"`},
		{`"id-"`, ast.OpConcat, "1", `"id-1"`},
		{`"x"`, ast.OpConcat, "null", "null"},
		{"1e308", ast.OpMul, "10", "null"},
	}
	for _, tt := range tests {
		got, err := Arith(tt.op, v(tt.a), v(tt.b))
		if err != nil || got.String() != tt.w {
			t.Errorf("%s %s %s = %s, %v; want %s", tt.a, tt.op, tt.b, got, err, tt.w)
		}
	}
	if _, err := Arith(ast.OpDiv, v("1"), v("0")); !errors.Is(err, ErrDivisionByZero) || err.Error() != "Division by zero" {
		t.Errorf("1/0: %v", err)
	}
	if _, err := Arith(ast.OpMod, v("1"), v("0.0")); !errors.Is(err, ErrDivisionByZero) {
		t.Errorf("1%%0: %v", err)
	}
	if got := Neg(v("1")).String(); got != "-1.0" {
		t.Errorf("Neg = %s", got)
	}
}

func TestLike(t *testing.T) {
	tests := []struct {
		s, p string
		ci   bool
		want bool
	}{
		{"Alice", "A%", false, true},
		{"Alice", "a%", false, false},
		{"Alice", "a%", true, true},
		{"David", "%d", false, true},
		{"Caroline", "%aro%", false, true},
		{"Bob", "B_b", false, true},
		{"Boob", "B_b", false, false},
		{"a_b", `a\_b`, false, true},
		{"axb", `a\_b`, false, false},
		{"a%c", `a\%c`, false, true},
		{"abc", `a\%c`, false, false},
		{"", "%", false, true},
		{"", "", false, true},
		{"abcabc", "%b%c", false, true},
		{"aaa", "%a%a%a%", false, true},
		{"aa", "%a%a%a%", false, false},
		{"héllo", "h_llo", false, true},
		{"mississippi", "m%ss%pi", false, true},
	}
	for _, tt := range tests {
		if got := CompileLike(tt.p, tt.ci, '\\').Match(tt.s); got != tt.want {
			t.Errorf("%q LIKE %q (ci %v) = %v", tt.s, tt.p, tt.ci, got)
		}
	}
	if tri, err := Like(v("5"), v(`"5"`), false, '\\'); err != nil || tri != False {
		t.Errorf("non-string left: %v %v", tri, err)
	}
	if _, err := Like(v(`"a"`), v("5"), false, '\\'); err == nil || err.Error() != "LIKE pattern must be a string" {
		t.Errorf("non-string pattern: %v", err)
	}
	if tri, _ := Like(v("null"), v(`"a"`), false, '\\'); tri != Unknown {
		t.Error("null LIKE")
	}
	if p, exact := CompileLike("ab%", false, '\\').Prefix(); p != "ab" || !exact {
		t.Errorf("Prefix = %q %v", p, exact)
	}
}

func TestInAnyAll(t *testing.T) {
	list := []jsondoc.Value{v("1"), v(`"2"`)}
	if In(v("1"), list) != True || In(v("1.0"), list) != False || In(v("2"), list) != False {
		t.Error("In exactness")
	}
	if In(v("3"), append(list, v("null"))) != Unknown || In(v("null"), list) != Unknown {
		t.Error("In NULL")
	}
	if AnyAll(ast.CmpGt, false, v("5"), []jsondoc.Value{v("1"), v("9")}) != True {
		t.Error("ANY")
	}
	if AnyAll(ast.CmpGt, true, v("5"), []jsondoc.Value{v("1"), v("9")}) != False {
		t.Error("ALL")
	}
	if AnyAll(ast.CmpGt, true, v("5"), nil) != True || AnyAll(ast.CmpGt, false, v("5"), nil) != False {
		t.Error("empty ANY/ALL")
	}
	if AnyAll(ast.CmpGt, false, v("5"), []jsondoc.Value{v("null"), v("9")}) != Unknown {
		t.Error("ANY unknown")
	}
}

func TestOrder(t *testing.T) {
	tests := []struct {
		a, b    string
		numeric bool
		want    int
	}{
		{"5", "20", false, -1},
		{`"5"`, `"20"`, false, 1},
		{`"5"`, `"20"`, true, -1},
		{`"b"`, `"a"`, false, 1},
		{"false", "true", false, -1},
		{"5", `"a"`, false, 1}, // JSON text: "5" > "\"a\""
		{"1", "1.0", false, 0},
	}
	for _, tt := range tests {
		if got := OrderCompare(v(tt.a), v(tt.b), tt.numeric); got != tt.want {
			t.Errorf("OrderCompare(%s, %s, %v) = %d, want %d", tt.a, tt.b, tt.numeric, got, tt.want)
		}
	}
	if OrderCompareNulls(v("null"), v("1"), false, false, 0) >= 0 || OrderCompareNulls(v("null"), v("1"), false, true, 0) <= 0 {
		t.Error("NULL placement")
	}
	if OrderCompareNulls(v("null"), v("1"), false, false, 2) <= 0 {
		t.Error("NULLS LAST")
	}
}

func TestEqualKey(t *testing.T) {
	key := func(s string) string {
		k, ok := AppendEqualKey(nil, v(s))
		if !ok {
			return "<null>"
		}
		return string(k)
	}
	same := [][2]string{{"1", "1.0"}, {"1", `"1"`}, {`"1.0"`, "1"}, {"0", "-0.0"}, {`"abc"`, `"abc"`}, {"9007199254740993", `"9007199254740993"`}}
	for _, p := range same {
		if key(p[0]) != key(p[1]) {
			t.Errorf("keys of %s and %s differ", p[0], p[1])
		}
	}
	diff := [][2]string{{"1", "2"}, {`"a"`, `"b"`}, {"true", "1"}, {"[1]", "1"}}
	for _, p := range diff {
		if key(p[0]) == key(p[1]) {
			t.Errorf("keys of %s and %s equal", p[0], p[1])
		}
	}
	if key("null") != "<null>" {
		t.Error("null key")
	}
}

func TestCast(t *testing.T) {
	tests := []struct {
		v, typ, want, err string
	}{
		{`"30"`, "INTEGER", "30", ""},
		{"25.7", "INTEGER", "25", ""},
		{"-25.7", "INTEGER", "-25", ""},
		{`"25.7"`, "INTEGER", "", "invalid digit found in string"},
		{`""`, "INTEGER", "", "cannot parse integer from empty string"},
		{"true", "INTEGER", "1", ""},
		{"32768", "SMALLINT", "", "Value 32768 out of range for SMALLINT"},
		{"99999999999", "INTEGER", "", "Value 99999999999 out of range for INTEGER"},
		{"9223372036854775807", "BIGINT", "9223372036854775807", ""},
		{`"99999999999999999999"`, "BIGINT", "", "number too large to fit in target type"},
		{"123.45", "REAL", "123.44999694824219", ""},
		{`"1.5"`, "DOUBLE PRECISION", "1.5", ""},
		{"12345.678", "NUMERIC(10, 2)", "12345.68", ""},
		{"12345.67", "NUMERIC(10, 2)", "12345.67", ""},
		{"2.5", "NUMERIC(3, 0)", "3.0", ""},
		{"-2.5", "NUMERIC(3, 0)", "-3.0", ""},
		{"5", "NUMERIC", "5.0", ""},
		{"42", "TEXT", `"42"`, ""},
		{`"x"`, "TEXT", `"x"`, ""},
		{`{"a":1}`, "TEXT", `"{\"a\":1}"`, ""},
		{`"hello world"`, "VARCHAR(10)", "", "Value too long for type VARCHAR(10): len=11 > max=10"},
		{`"char"`, "CHAR(10)", `"char      "`, ""},
		{`"abcdef"`, "CHAR(3)", `"abc"`, ""},
		{"1", "BOOLEAN", "true", ""},
		{`"f"`, "BOOLEAN", "false", ""},
		{`"YES"`, "BOOLEAN", "true", ""},
		{`"maybe"`, "BOOLEAN", "", "Cannot cast string 'maybe' to BOOLEAN"},
		{"2", "BOOLEAN", "", "Cannot cast number 2 to BOOLEAN"},
		{`"2024-01-02 10:00:00"`, "TIMESTAMP", `"2024-01-02 10:00:00"`, ""},
		{`"2024-01-02T10:00:00Z"`, "TIMESTAMPTZ", `"2024-01-02T10:00:00Z"`, ""},
		{`"2025/08/30"`, "DATE", "", "Cannot cast string '2025/08/30' to DATE"},
		{`"2025-08-30"`, "DATE", `"2025-08-30"`, ""},
		{`"10:11:12.5"`, "TIME", `"10:11:12.5"`, ""},
		{`"\\xDEADBEEF"`, "BYTEA", `"\\xdeadbeef"`, ""},
		{`"zz"`, "BYTEA", "", `Invalid hex string for BYTEA: 'zz'`},
		{`"A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"`, "UUID", `"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"`, ""},
		{`"not-a-uuid"`, "UUID", "", "Invalid UUID: 'not-a-uuid'"},
		{`"{1,2,3}"`, "INTEGER[]", "[1,2,3]", ""},
		{`"{}"`, "TEXT[]", "[]", ""},
		{`["1","2"]`, "INTEGER[]", "[1,2]", ""},
		{`"[1"`, "JSONB", "", "Cannot cast string '[1' to JSONB: invalid JSON"},
		{`"{\"b\":1,\"a\":2}"`, "JSONB", `{"a":2,"b":1}`, ""},
		{"null", "INTEGER", "null", ""},
	}
	for _, tt := range tests {
		typ, err := parser.ParseType(tt.typ)
		if err != nil {
			t.Fatalf("type %s: %v", tt.typ, err)
		}
		got, err := Cast(v(tt.v), typ)
		switch {
		case tt.err != "":
			if err == nil || err.Error() != tt.err || !errors.Is(err, ErrCast) {
				t.Errorf("CAST(%s AS %s): got %s, %v; want error %q", tt.v, tt.typ, got, err, tt.err)
			}
		case err != nil || got.String() != tt.want:
			t.Errorf("CAST(%s AS %s) = %s, %v; want %s", tt.v, tt.typ, got, err, tt.want)
		}
	}
}

func TestRoundHalfAway(t *testing.T) {
	for _, tt := range []struct {
		f    float64
		s    int
		want float64
	}{{2.675, 2, 2.68}, {-2.675, 2, -2.68}, {1.005, 2, 1.01}, {1.2, 3, 1.2}, {0.5, 0, 1}} {
		if got := RoundHalfAway(tt.f, tt.s); got != tt.want {
			t.Errorf("RoundHalfAway(%v, %d) = %v, want %v", tt.f, tt.s, got, tt.want)
		}
	}
}
