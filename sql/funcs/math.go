package funcs

import (
	"math"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/sql/sem"
)

func init() {
	register(
		&Scalar{Name: "ABS", MinArgs: 1, MaxArgs: 1, Fn: numFn(math.Abs)},
		&Scalar{Name: "CEIL", MinArgs: 1, MaxArgs: 1, Fn: numFn(math.Ceil)},
		&Scalar{Name: "CEILING", MinArgs: 1, MaxArgs: 1, Fn: numFn(math.Ceil)},
		&Scalar{Name: "FLOOR", MinArgs: 1, MaxArgs: 1, Fn: numFn(math.Floor)},
		&Scalar{Name: "ROUND", MinArgs: 1, MaxArgs: 1, Fn: numFn(math.Round)},
		&Scalar{Name: "TRUNC", MinArgs: 1, MaxArgs: 1, Fn: numFn(math.Trunc)},
		&Scalar{Name: "SQRT", MinArgs: 1, MaxArgs: 1, Fn: fnSqrt},
		&Scalar{Name: "POWER", MinArgs: 2, MaxArgs: 2, Fn: fnPower},
		&Scalar{Name: "POW", MinArgs: 2, MaxArgs: 2, Fn: fnPower},
		&Scalar{Name: "MOD", MinArgs: 2, MaxArgs: 2, Fn: fnMod},
	)
}

// numFn lifts a float function: non-numbers give NULL, results are floats
// (SPEC §4.17: ABS(-10.5) = 10.5, CEIL(-10.5) = -10.0).
func numFn(f func(float64) float64) func(Context, []jsondoc.Value) (jsondoc.Value, error) {
	return func(_ Context, args []jsondoc.Value) (jsondoc.Value, error) {
		x, ok := args[0].AsFloat()
		if !ok {
			return jsondoc.Null(), nil
		}
		return jsondoc.Float(f(x)), nil
	}
}

func fnSqrt(_ Context, args []jsondoc.Value) (jsondoc.Value, error) {
	x, ok := args[0].AsFloat()
	if !ok {
		return jsondoc.Null(), nil
	}
	if x < 0 {
		return jsondoc.Null(), sem.NewError(sem.ErrExec, "cannot take square root of a negative number")
	}
	return jsondoc.Float(math.Sqrt(x)), nil
}

func fnPower(_ Context, args []jsondoc.Value) (jsondoc.Value, error) {
	x, ok1 := args[0].AsFloat()
	y, ok2 := args[1].AsFloat()
	if !ok1 || !ok2 {
		return jsondoc.Null(), nil
	}
	if x == 0 && y < 0 {
		return jsondoc.Null(), sem.NewError(sem.ErrDivisionByZero, "Division by zero")
	}
	return jsondoc.Float(math.Pow(x, y)), nil
}

// fnMod is MOD(a, b): an integer for two integers (as PostgreSQL), else a
// float (a negative literal is unary minus, a float); b = 0 is a division
// by zero.
func fnMod(_ Context, args []jsondoc.Value) (jsondoc.Value, error) {
	a, b := args[0], args[1]
	if ai, ok := a.AsInt(); ok {
		if bi, ok := b.AsInt(); ok {
			if bi == 0 {
				return jsondoc.Null(), sem.NewError(sem.ErrDivisionByZero, "Division by zero")
			}
			if bi == -1 {
				return jsondoc.Int(0), nil
			}
			return jsondoc.Int(ai % bi), nil
		}
	}
	x, ok1 := a.AsFloat()
	y, ok2 := b.AsFloat()
	if !ok1 || !ok2 {
		return jsondoc.Null(), nil
	}
	if y == 0 {
		return jsondoc.Null(), sem.NewError(sem.ErrDivisionByZero, "Division by zero")
	}
	return jsondoc.Float(math.Mod(x, y)), nil
}
