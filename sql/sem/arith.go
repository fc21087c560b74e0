package sem

import (
	"math"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/sql/ast"
)

// Arith evaluates a op b for + - * / % (SPEC §4.12): both operands must be
// JSON numbers, else the result is NULL (numeric strings are not coerced);
// the result is always a float; dividing by zero is an error. A non-finite
// result is NULL. OpConcat is delegated to Concat.
func Arith(op ast.BinaryOp, a, b jsondoc.Value) (jsondoc.Value, error) {
	if op == ast.OpConcat {
		return Concat(a, b), nil
	}
	x, ok := a.AsFloat()
	if !ok {
		return jsondoc.Null(), nil
	}
	y, ok := b.AsFloat()
	if !ok {
		return jsondoc.Null(), nil
	}
	var r float64
	switch op {
	case ast.OpAdd:
		r = x + y
	case ast.OpSub:
		r = x - y
	case ast.OpMul:
		r = x * y
	case ast.OpDiv:
		if y == 0 {
			return jsondoc.Null(), errDivZero
		}
		r = x / y
	case ast.OpMod:
		if y == 0 {
			return jsondoc.Null(), errDivZero
		}
		r = math.Mod(x, y)
	default:
		return jsondoc.Null(), nil
	}
	if r == 0 {
		r = 0 // no negative zero: -1 * 0.0 is 0.0, so DISTINCT and GROUP BY see one zero
	}
	return jsondoc.Float(r), nil
}

// Neg evaluates unary minus, 0 - x.
func Neg(x jsondoc.Value) jsondoc.Value {
	f, ok := x.AsFloat()
	if !ok {
		return jsondoc.Null()
	}
	return jsondoc.Float(0 - f)
}

// Concat evaluates a || b: NULL if either side is NULL, else the text of
// both (as CAST AS TEXT) joined.
func Concat(a, b jsondoc.Value) jsondoc.Value {
	if a.IsNull() || b.IsNull() {
		return jsondoc.Null()
	}
	as, bs := Text(a), Text(b)
	buf := make([]byte, 0, len(as)+len(bs))
	buf = append(buf, as...)
	buf = append(buf, bs...)
	return jsondoc.String(string(buf))
}

// Text is CAST(v AS TEXT) for a non-null v: strings unchanged, every other
// value its compact JSON text.
func Text(v jsondoc.Value) string {
	if s, ok := v.Str(); ok {
		return s
	}
	return v.String()
}
