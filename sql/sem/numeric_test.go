package sem

import (
	"errors"
	"testing"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/sql/ast"
)

// TestCastNumericExact checks NUMERIC(p, s) on exact decimals (issue 6): rounding half away
// from zero on the decimal text of the value, the precision check, the float result.
func TestCastNumericExact(t *testing.T) {
	num := func(p ...int) ast.Type { return ast.Type{Base: ast.TypeNumeric, Params: p} }
	tests := []struct {
		v    jsondoc.Value
		t    ast.Type
		want string // rendered result, or the error text
	}{
		{jsondoc.Float(12345.67), num(10, 2), "12345.67"},
		{jsondoc.Float(12345.678), num(10, 2), "12345.68"},
		{jsondoc.Float(2.675), num(5, 2), "2.68"}, // 2.675 is 2.67499999… as a float64
		{jsondoc.Float(-2.675), num(5, 2), "-2.68"},
		{jsondoc.Float(1.005), num(5, 2), "1.01"},
		{jsondoc.Float(-2.5), num(5, 0), "-3.0"},
		{jsondoc.Float(2.5), num(5, 0), "3.0"},
		{jsondoc.Float(0.0049), num(3, 2), "0.0"},
		{jsondoc.Int(7), num(4, 2), "7.0"},
		{jsondoc.String(" 2.25 "), num(5, 1), "2.3"},
		{jsondoc.String("1e2"), num(5, 1), "100.0"},
		{jsondoc.Float(12.5), num(), "12.5"},
		{jsondoc.Int(12345), num(5), "12345.0"},
		{jsondoc.Float(123.456), num(3), "123.456"},
		{jsondoc.Float(99.995), num(4, 2), "Value 99.995 out of range for NUMERIC(4, 2)"},
		{jsondoc.Int(1234), num(3), "Value 1234 out of range for NUMERIC(3)"},
		{jsondoc.Float(123456.78), num(7, 2), "Value 123456.78 out of range for NUMERIC(7, 2)"},
		{jsondoc.String("abc"), num(5, 2), "Cannot cast string 'abc' to NUMERIC(5, 2)"},
		{jsondoc.Bool(true), num(5, 2), "Cannot cast boolean true to NUMERIC(5, 2)"},
	}
	for _, tt := range tests {
		got, err := Cast(tt.v, tt.t)
		text := got.String()
		if err != nil {
			if !errors.Is(err, ErrCast) {
				t.Errorf("Cast(%s, %s): error %v is not ErrCast", tt.v, tt.t, err)
			}
			text = err.Error()
		}
		if text != tt.want {
			t.Errorf("Cast(%s, %s) = %s, want %s", tt.v, tt.t, text, tt.want)
		}
	}
}
