package funcs

import (
	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/sql/ast"
	"github.com/memflux/memflux/sql/sem"
)

func init() {
	register(
		&Scalar{Name: "COALESCE", MinArgs: 1, MaxArgs: -1, Fn: fnCoalesce},
		&Scalar{Name: "NULLIF", MinArgs: 2, MaxArgs: 2, Fn: fnNullIf},
		&Scalar{Name: "GREATEST", MinArgs: 1, MaxArgs: -1, Fn: extremum(1)},
		&Scalar{Name: "LEAST", MinArgs: 1, MaxArgs: -1, Fn: extremum(-1)},
		&Scalar{Name: "IS_NULL", MinArgs: 1, MaxArgs: 1, Fn: fnIsNull(false)},
		&Scalar{Name: "IS_NOT_NULL", MinArgs: 1, MaxArgs: 1, Fn: fnIsNull(true)},
	)
}

func fnCoalesce(_ Context, args []jsondoc.Value) (jsondoc.Value, error) {
	for _, a := range args {
		if !a.IsNull() {
			return a, nil
		}
	}
	return jsondoc.Null(), nil
}

func fnNullIf(_ Context, args []jsondoc.Value) (jsondoc.Value, error) {
	if sem.CompareTri(ast.CmpEq, args[0], args[1]) == sem.True {
		return jsondoc.Null(), nil
	}
	return args[0], nil
}

// extremum is GREATEST (sign 1) or LEAST (sign -1): NULLs are ignored,
// values compare as in ORDER BY.
func extremum(sign int) func(Context, []jsondoc.Value) (jsondoc.Value, error) {
	return func(_ Context, args []jsondoc.Value) (jsondoc.Value, error) {
		var best jsondoc.Value
		for _, a := range args {
			if a.IsNull() {
				continue
			}
			if best.IsNull() || sem.OrderCompare(a, best, false)*sign > 0 {
				best = a
			}
		}
		return best, nil
	}
}

func fnIsNull(not bool) func(Context, []jsondoc.Value) (jsondoc.Value, error) {
	return func(_ Context, args []jsondoc.Value) (jsondoc.Value, error) {
		return jsondoc.Bool(args[0].IsNull() != not), nil
	}
}
