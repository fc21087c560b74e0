package plan

import (
	"time"
	"unicode/utf8"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/sql/ast"
	"github.com/memflux/memflux/sql/exec"
	"github.com/memflux/memflux/sql/funcs"
	"github.com/memflux/memflux/sql/sem"
)

// cexpr is a compiled expression; konst marks a value known at plan time.
type cexpr struct {
	fn    exec.Expr
	konst bool
	val   jsondoc.Value
}

func constant(v jsondoc.Value) *cexpr {
	return &cexpr{konst: true, val: v, fn: func(*exec.Frame) (jsondoc.Value, error) { return v, nil }}
}

func dynamic(fn exec.Expr) *cexpr { return &cexpr{fn: fn} }

// fold evaluates fn at plan time when every input is constant; a failing
// evaluation (division by zero) is left to run time, where it only fails if
// reached.
func fold(fn exec.Expr, inputs ...*cexpr) *cexpr {
	for _, in := range inputs {
		if !in.konst {
			return dynamic(fn)
		}
	}
	v, err := fn(&exec.Frame{})
	if err != nil {
		return dynamic(fn)
	}
	return constant(v)
}

// compile compiles e in scope sc.
func (p *Planner) compile(sc *scope, e ast.Expr) (*cexpr, error) {
	if sc.agg != nil {
		if c, ok, err := p.compileAggRef(sc, e); ok || err != nil {
			return c, err
		}
	}
	switch e := e.(type) {
	case *ast.Literal:
		return constant(literalValue(e)), nil
	case *ast.ColumnRef:
		cands, path := sc.resolve(e)
		return dynamic(exec.Resolve(cands, path)), nil
	case *ast.Placeholder:
		n := e.N
		return dynamic(func(f *exec.Frame) (jsondoc.Value, error) {
			if n < 1 || n > len(f.Ctx.Params) {
				return jsondoc.Null(), sem.Errorf(sem.ErrExec, "No value bound for parameter $%d", n)
			}
			return f.Ctx.Params[n-1], nil
		}), nil
	case *ast.Unary:
		x, err := p.compile(sc, e.X)
		if err != nil {
			return nil, err
		}
		xf := x.fn
		return fold(func(f *exec.Frame) (jsondoc.Value, error) {
			v, err := xf(f)
			if err != nil {
				return v, err
			}
			return sem.Neg(v), nil
		}, x), nil
	case *ast.Binary:
		return p.compileBinary(sc, e)
	case *ast.Comparison:
		return p.compileComparison(sc, e)
	case *ast.Logical:
		return p.compileLogical(sc, e)
	case *ast.Not:
		x, err := p.compile(sc, e.X)
		if err != nil {
			return nil, err
		}
		xf := x.fn
		return fold(func(f *exec.Frame) (jsondoc.Value, error) {
			v, err := xf(f)
			if err != nil {
				return v, err
			}
			return sem.Truth(v).Not().Value(), nil
		}, x), nil
	case *ast.IsNull:
		x, err := p.compile(sc, e.X)
		if err != nil {
			return nil, err
		}
		xf, not := x.fn, e.Not
		return fold(func(f *exec.Frame) (jsondoc.Value, error) {
			v, err := xf(f)
			if err != nil {
				return v, err
			}
			return jsondoc.Bool(v.IsNull() != not), nil
		}, x), nil
	case *ast.Between:
		return p.compileBetween(sc, e)
	case *ast.In:
		return p.compileIn(sc, e)
	case *ast.Like:
		return p.compileLike(sc, e)
	case *ast.AnyAll:
		return p.compileAnyAll(sc, e)
	case *ast.Exists:
		sub, err := p.subquery(sc, e.Query)
		if err != nil {
			return nil, err
		}
		return dynamic(func(f *exec.Frame) (jsondoc.Value, error) {
			rows, err := sub.Rows(f, 1)
			if err != nil {
				return jsondoc.Null(), err
			}
			return jsondoc.Bool(len(rows) > 0), nil
		}), nil
	case *ast.Subquery:
		return p.compileScalarSubquery(sc, e)
	case *ast.Case:
		return p.compileCase(sc, e)
	case *ast.Cast:
		x, err := p.compile(sc, e.X)
		if err != nil {
			return nil, err
		}
		xf, t := x.fn, e.Type
		return fold(func(f *exec.Frame) (jsondoc.Value, error) {
			v, err := xf(f)
			if err != nil {
				return v, err
			}
			return sem.Cast(v, t)
		}, x), nil
	case *ast.FuncCall:
		return p.compileFunc(sc, e)
	case *ast.ArrayLit:
		elems, err := p.compileList(sc, e.Elems)
		if err != nil {
			return nil, err
		}
		fns := fnsOf(elems)
		return fold(func(f *exec.Frame) (jsondoc.Value, error) {
			out := make([]jsondoc.Value, len(fns))
			for i, fn := range fns {
				v, err := fn(f)
				if err != nil {
					return v, err
				}
				out[i] = v
			}
			return jsondoc.Array(out), nil
		}, elems...), nil
	case *ast.Star, *ast.QualifiedStar:
		return nil, sem.Errorf(sem.ErrPlan, "'%s' is not allowed here", e.String())
	}
	return nil, sem.Errorf(sem.ErrUnsupported, "Unsupported expression: %s", e.String())
}

func literalValue(l *ast.Literal) jsondoc.Value {
	switch l.Kind {
	case ast.LitBool:
		return jsondoc.Bool(l.Bool)
	case ast.LitInt:
		return jsondoc.Int(l.Int)
	case ast.LitFloat:
		return jsondoc.Float(l.Float)
	case ast.LitString:
		return jsondoc.String(l.Str)
	}
	return jsondoc.Null()
}

func (p *Planner) compileList(sc *scope, list []ast.Expr) ([]*cexpr, error) {
	out := make([]*cexpr, len(list))
	for i, e := range list {
		c, err := p.compile(sc, e)
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

func fnsOf(cs []*cexpr) []exec.Expr {
	out := make([]exec.Expr, len(cs))
	for i, c := range cs {
		out[i] = c.fn
	}
	return out
}

func (p *Planner) compileBinary(sc *scope, e *ast.Binary) (*cexpr, error) {
	l, err := p.compile(sc, e.L)
	if err != nil {
		return nil, err
	}
	r, err := p.compile(sc, e.R)
	if err != nil {
		return nil, err
	}
	lf, rf, op := l.fn, r.fn, e.Op
	return fold(func(f *exec.Frame) (jsondoc.Value, error) {
		a, err := lf(f)
		if err != nil {
			return a, err
		}
		b, err := rf(f)
		if err != nil {
			return b, err
		}
		return sem.Arith(op, a, b)
	}, l, r), nil
}

func (p *Planner) compileComparison(sc *scope, e *ast.Comparison) (*cexpr, error) {
	l, err := p.compile(sc, e.L)
	if err != nil {
		return nil, err
	}
	r, err := p.compile(sc, e.R)
	if err != nil {
		return nil, err
	}
	lf, rf, op := l.fn, r.fn, e.Op
	return fold(func(f *exec.Frame) (jsondoc.Value, error) {
		a, err := lf(f)
		if err != nil {
			return a, err
		}
		b, err := rf(f)
		if err != nil {
			return b, err
		}
		return sem.CompareTri(op, a, b).Value(), nil
	}, l, r), nil
}

func (p *Planner) compileLogical(sc *scope, e *ast.Logical) (*cexpr, error) {
	l, err := p.compile(sc, e.L)
	if err != nil {
		return nil, err
	}
	r, err := p.compile(sc, e.R)
	if err != nil {
		return nil, err
	}
	lf, rf := l.fn, r.fn
	if e.Op == ast.LogicAnd {
		return fold(func(f *exec.Frame) (jsondoc.Value, error) {
			a, err := lf(f)
			if err != nil {
				return a, err
			}
			ta := sem.Truth(a)
			if ta == sem.False {
				return jsondoc.Bool(false), nil
			}
			b, err := rf(f)
			if err != nil {
				return b, err
			}
			return sem.And(ta, sem.Truth(b)).Value(), nil
		}, l, r), nil
	}
	return fold(func(f *exec.Frame) (jsondoc.Value, error) {
		a, err := lf(f)
		if err != nil {
			return a, err
		}
		ta := sem.Truth(a)
		if ta == sem.True {
			return jsondoc.Bool(true), nil
		}
		b, err := rf(f)
		if err != nil {
			return b, err
		}
		return sem.Or(ta, sem.Truth(b)).Value(), nil
	}, l, r), nil
}

func (p *Planner) compileBetween(sc *scope, e *ast.Between) (*cexpr, error) {
	cs, err := p.compileList(sc, []ast.Expr{e.X, e.Lo, e.Hi})
	if err != nil {
		return nil, err
	}
	xf, lf, hf := cs[0].fn, cs[1].fn, cs[2].fn
	return fold(func(f *exec.Frame) (jsondoc.Value, error) {
		x, err := xf(f)
		if err != nil {
			return x, err
		}
		lo, err := lf(f)
		if err != nil {
			return lo, err
		}
		a := sem.CompareTri(ast.CmpGe, x, lo)
		if a == sem.False {
			return jsondoc.Bool(false), nil
		}
		hi, err := hf(f)
		if err != nil {
			return hi, err
		}
		return sem.And(a, sem.CompareTri(ast.CmpLe, x, hi)).Value(), nil
	}, cs...), nil
}

func (p *Planner) compileIn(sc *scope, e *ast.In) (*cexpr, error) {
	x, err := p.compile(sc, e.X)
	if err != nil {
		return nil, err
	}
	xf := x.fn
	if e.Query != nil {
		sub, err := p.subquery(sc, e.Query)
		if err != nil {
			return nil, err
		}
		return dynamic(func(f *exec.Frame) (jsondoc.Value, error) {
			v, err := xf(f)
			if err != nil {
				return v, err
			}
			t, err := sub.In(f, v)
			return t.Value(), err
		}), nil
	}
	list, err := p.compileList(sc, e.List)
	if err != nil {
		return nil, err
	}
	allConst := true
	for _, c := range list {
		allConst = allConst && c.konst
	}
	if allConst {
		vals := make([]jsondoc.Value, len(list))
		for i, c := range list {
			vals[i] = c.val
		}
		if len(vals) > 8 {
			set := map[string]struct{}{}
			hasNull := false
			for _, v := range vals {
				if v.IsNull() {
					hasNull = true
					continue
				}
				set[string(sem.AppendIdentityKey(nil, v))] = struct{}{}
			}
			return fold(func(f *exec.Frame) (jsondoc.Value, error) {
				v, err := xf(f)
				if err != nil {
					return v, err
				}
				if v.IsNull() {
					return jsondoc.Null(), nil
				}
				var buf [64]byte
				if _, ok := set[string(sem.AppendIdentityKey(buf[:0], v))]; ok {
					return jsondoc.Bool(true), nil
				}
				if hasNull {
					return jsondoc.Null(), nil
				}
				return jsondoc.Bool(false), nil
			}, x), nil
		}
		return fold(func(f *exec.Frame) (jsondoc.Value, error) {
			v, err := xf(f)
			if err != nil {
				return v, err
			}
			return sem.In(v, vals).Value(), nil
		}, x), nil
	}
	fns := fnsOf(list)
	return dynamic(func(f *exec.Frame) (jsondoc.Value, error) {
		v, err := xf(f)
		if err != nil {
			return v, err
		}
		vals := make([]jsondoc.Value, len(fns))
		for i, fn := range fns {
			if vals[i], err = fn(f); err != nil {
				return jsondoc.Null(), err
			}
		}
		return sem.In(v, vals).Value(), nil
	}), nil
}

func (p *Planner) compileLike(sc *scope, e *ast.Like) (*cexpr, error) {
	x, err := p.compile(sc, e.X)
	if err != nil {
		return nil, err
	}
	pat, err := p.compile(sc, e.Pattern)
	if err != nil {
		return nil, err
	}
	escape := '\\'
	if e.Escape != nil {
		esc, err := p.compile(sc, e.Escape)
		if err != nil {
			return nil, err
		}
		if !esc.konst {
			return nil, sem.NewError(sem.ErrUnsupported, "LIKE ESCAPE must be a constant")
		}
		s, ok := esc.val.Str()
		switch {
		case !ok:
			return nil, sem.NewError(sem.ErrExec, "LIKE escape must be a string")
		case s == "":
			escape = 0
		default:
			escape, _ = utf8.DecodeRuneInString(s)
		}
	}
	xf, insensitive := x.fn, e.Insensitive
	if pat.konst {
		if s, ok := pat.val.Str(); ok {
			compiled := sem.CompileLike(s, insensitive, escape)
			return fold(func(f *exec.Frame) (jsondoc.Value, error) {
				v, err := xf(f)
				if err != nil {
					return v, err
				}
				return sem.LikeCompiled(v, compiled).Value(), nil
			}, x), nil
		}
	}
	pf := pat.fn
	return fold(func(f *exec.Frame) (jsondoc.Value, error) {
		v, err := xf(f)
		if err != nil {
			return v, err
		}
		pv, err := pf(f)
		if err != nil {
			return pv, err
		}
		t, err := sem.Like(v, pv, insensitive, escape)
		return t.Value(), err
	}, x, pat), nil
}

func (p *Planner) compileAnyAll(sc *scope, e *ast.AnyAll) (*cexpr, error) {
	x, err := p.compile(sc, e.X)
	if err != nil {
		return nil, err
	}
	sub, err := p.subquery(sc, e.Query)
	if err != nil {
		return nil, err
	}
	xf, op, all := x.fn, e.Op, e.All
	return dynamic(func(f *exec.Frame) (jsondoc.Value, error) {
		v, err := xf(f)
		if err != nil {
			return v, err
		}
		vals, err := sub.Values(f, "Subquery for ANY/ALL operator must return exactly one column")
		if err != nil {
			return jsondoc.Null(), err
		}
		return sem.AnyAll(op, all, v, vals).Value(), nil
	}), nil
}

// Scalar subquery errors (SPEC §4.12).
var (
	errScalarRows = sem.NewError(sem.ErrExec, "Subquery for '=' operator must return exactly one row")
	errScalarCols = sem.NewError(sem.ErrExec, "Scalar subquery returned more than one column")
)

func (p *Planner) compileScalarSubquery(sc *scope, e *ast.Subquery) (*cexpr, error) {
	sub, err := p.subquery(sc, e.Query)
	if err != nil {
		return nil, err
	}
	return dynamic(func(f *exec.Frame) (jsondoc.Value, error) {
		rows, err := sub.Rows(f, 2)
		if err != nil {
			return jsondoc.Null(), err
		}
		switch len(rows) {
		case 0:
			return jsondoc.Null(), nil
		case 1:
		default:
			return jsondoc.Null(), errScalarRows
		}
		vals := exec.Positional(rows[0])
		if len(vals) != 1 {
			return jsondoc.Null(), errScalarCols
		}
		return vals[0], nil
	}), nil
}

func (p *Planner) compileCase(sc *scope, e *ast.Case) (*cexpr, error) {
	type arm struct{ cond, res exec.Expr }
	arms := make([]arm, len(e.Whens))
	var all []*cexpr
	for i, w := range e.Whens {
		c, err := p.compile(sc, w.Cond)
		if err != nil {
			return nil, err
		}
		r, err := p.compile(sc, w.Result)
		if err != nil {
			return nil, err
		}
		arms[i] = arm{c.fn, r.fn}
		all = append(all, c, r)
	}
	var elseFn exec.Expr
	if e.Else != nil {
		c, err := p.compile(sc, e.Else)
		if err != nil {
			return nil, err
		}
		elseFn = c.fn
		all = append(all, c)
	}
	return fold(func(f *exec.Frame) (jsondoc.Value, error) {
		for _, a := range arms {
			v, err := a.cond(f)
			if err != nil {
				return v, err
			}
			if sem.IsTrue(v) {
				return a.res(f)
			}
		}
		if elseFn != nil {
			return elseFn(f)
		}
		return jsondoc.Null(), nil
	}, all...), nil
}

// aggNotComputed is the run-time error of an aggregate outside an
// aggregation context (WHERE, or a non-aggregate query's ORDER BY).
func aggNotComputed(text string) *sem.Error {
	return sem.Errorf(sem.ErrExec, "Aggregate function %s used in a context where it was not computed (aggregates are not allowed in WHERE, ON or GROUP BY)", text)
}

func (p *Planner) compileFunc(sc *scope, e *ast.FuncCall) (*cexpr, error) {
	if funcs.IsAggregate(e.Name) {
		err := aggNotComputed(e.String())
		return dynamic(func(*exec.Frame) (jsondoc.Value, error) { return jsondoc.Null(), err }), nil
	}
	fn, ok := funcs.Lookup(e.Name)
	if !ok {
		return nil, sem.Errorf(sem.ErrPlan, "Function '%s' not found", e.Name)
	}
	if e.Star || e.Distinct || len(e.OrderBy) > 0 {
		return nil, sem.Errorf(sem.ErrPlan, "%s is not an aggregate function", e.Name)
	}
	if err := fn.CheckArity(len(e.Args)); err != nil {
		return nil, err
	}
	args, err := p.compileList(sc, e.Args)
	if err != nil {
		return nil, err
	}
	fns := fnsOf(args)
	if e.Name == "COALESCE" {
		return fold(func(f *exec.Frame) (jsondoc.Value, error) {
			for _, a := range fns {
				v, err := a(f)
				if err != nil || !v.IsNull() {
					return v, err
				}
			}
			return jsondoc.Null(), nil
		}, args...), nil
	}
	impl := fn.Fn
	call := func(f *exec.Frame) (jsondoc.Value, error) {
		var buf [4]jsondoc.Value
		vals := buf[:0]
		for _, a := range fns {
			v, err := a(f)
			if err != nil {
				return v, err
			}
			vals = append(vals, v)
		}
		var ctx funcs.Context = nowCtx{}
		if f.Ctx != nil {
			ctx = f.Ctx
		}
		return impl(ctx, vals)
	}
	if fn.Stable {
		return dynamic(call), nil
	}
	return fold(call, args...), nil
}

// nowCtx serves constant folding, where no statement is running; stable
// functions are never folded, so Now is not reached.
type nowCtx struct{}

func (nowCtx) Now() time.Time { return time.Time{} }

// exprText is the canonical text of e used to match GROUP BY expressions
// and aggregates (SPEC §4.10).
func exprText(e ast.Expr) string { return e.String() }

// compileAggRef compiles e against the group row when it is a GROUP BY
// expression or an aggregate call.
func (p *Planner) compileAggRef(sc *scope, e ast.Expr) (*cexpr, bool, error) {
	switch e := e.(type) {
	case *ast.Literal, *ast.Placeholder:
		return nil, false, nil
	case *ast.FuncCall:
		if funcs.IsAggregate(e.Name) {
			text := exprText(e)
			for i, t := range sc.agg.aggTexts {
				if t == text {
					return dynamic(exec.Resolve([]exec.Candidate{{Slot: -1, Val: len(sc.agg.keys) + i}}, nil)), true, nil
				}
			}
			err := aggNotComputed(text)
			return dynamic(func(*exec.Frame) (jsondoc.Value, error) { return jsondoc.Null(), err }), true, nil
		}
	}
	text := exprText(e)
	for i, t := range sc.agg.keyTexts {
		if t == text {
			return dynamic(exec.Resolve([]exec.Candidate{{Slot: -1, Val: i}}, nil)), true, nil
		}
	}
	return nil, false, nil
}

// isAggregateCall reports whether e is a call of an aggregate function.
func isAggregateCall(e ast.Expr) bool {
	f, ok := e.(*ast.FuncCall)
	return ok && funcs.IsAggregate(f.Name)
}
