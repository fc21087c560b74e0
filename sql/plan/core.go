package plan

import (
	"strings"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/sql/ast"
	"github.com/memflux/memflux/sql/exec"
	"github.com/memflux/memflux/sql/funcs"
	"github.com/memflux/memflux/sql/sem"
)

// planCore plans one SELECT … FROM … block with the statement's ORDER BY,
// LIMIT and OFFSET when it is the whole query (SPEC §4.7).
func (p *Planner) planCore(core *ast.SelectCore, parent *scope, env *cteEnv, tail queryTail, keepVals bool) (exec.Node, []string, error) {
	fc := &fromCtx{p: p, parent: parent, env: env}
	root, err := fc.buildRel(core.From)
	if err != nil {
		return nil, nil, err
	}
	sources := fc.sources
	markNullable(root, sources)
	sc := newScope(parent, sources)
	sc.env = env
	sc.vm = p.blockMap(sources)
	isAgg := core.GroupBy != nil || core.Having != nil || hasAggregate(core)
	if err := p.validateCore(core, sc.vm, tail.order, isAgg); err != nil {
		return nil, nil, err
	}
	if err := p.distributeOn(sc, root); err != nil {
		return nil, nil, err
	}
	top, err := p.distributeWhere(sc, root, core.Where)
	if err != nil {
		return nil, nil, err
	}
	ordered, err := p.choosePaths(sc, root, tail, isAgg || core.Distinct || core.DistinctOn != nil)
	if err != nil {
		return nil, nil, err
	}
	node, err := p.build(sc, root, len(sources))
	if err != nil {
		return nil, nil, err
	}
	if fn, text := andAll(top); fn != nil {
		node = &exec.Filter{Input: node, Pred: fn, Text: text}
	}
	cur := sc
	if isAgg {
		if node, cur, err = p.planAggregate(core, sc, node, tail.order); err != nil {
			return nil, nil, err
		}
	}
	distinct := core.Distinct || core.DistinctOn != nil
	if len(tail.order) > 0 && !ordered {
		keys, err := p.sortKeys(cur, tail.order, core.Items)
		if err != nil {
			return nil, nil, err
		}
		node = p.sortNode(node, keys, tail, distinct)
	}
	node, names, err := p.project(cur, core, node, keepVals)
	if err != nil {
		return nil, nil, err
	}
	if distinct {
		d := &exec.Distinct{Input: node}
		if core.DistinctOn != nil {
			out := &scope{parent: parent, output: true, env: env}
			on, err := p.compileList(out, core.DistinctOn)
			if err != nil {
				return nil, nil, err
			}
			d.On = fnsOf(on)
			texts := make([]string, len(core.DistinctOn))
			for i, e := range core.DistinctOn {
				texts[i] = e.String()
			}
			d.Text = strings.Join(texts, ", ")
		}
		node = d
	}
	node, err = p.limitNode(node, tail)
	return node, names, err
}

// hasAggregate reports whether the select list or HAVING calls an aggregate
// (outside subqueries).
func hasAggregate(core *ast.SelectCore) bool {
	found := false
	visit := func(e ast.Expr) {
		walkNoSub(e, func(e ast.Expr) bool {
			if isAggregateCall(e) {
				found = true
			}
			return !found
		})
	}
	for _, it := range core.Items {
		visit(it.Expr)
	}
	if core.Having != nil {
		visit(core.Having)
	}
	return found
}

// walkNoSub visits the expressions of e depth-first without entering
// subqueries; fn returns false to skip a node's children.
func walkNoSub(e ast.Expr, fn func(ast.Expr) bool) {
	if e == nil {
		return
	}
	ast.Inspect(e, func(n ast.Node) bool {
		if _, ok := n.(*ast.Select); ok {
			return false
		}
		if x, ok := n.(ast.Expr); ok {
			return fn(x)
		}
		return true
	})
}

// planAggregate adds hash aggregation and HAVING; the returned scope reads
// the group rows (SPEC §4.10).
func (p *Planner) planAggregate(core *ast.SelectCore, sc *scope, node exec.Node, order []ast.OrderItem) (exec.Node, *scope, error) {
	agg := &exec.Aggregate{Input: node}
	actx := &aggCtx{base: sc}
	for _, g := range core.GroupBy {
		if k, ok := ordinal(g); ok {
			if k < 1 || k > len(core.Items) || isStar(core.Items[k-1].Expr) {
				return nil, nil, sem.Errorf(sem.ErrPlan, "GROUP BY position %d is not in select list", k)
			}
			g = core.Items[k-1].Expr
		}
		app, err := p.appender(sc, g)
		if err != nil {
			return nil, nil, err
		}
		agg.Keys = append(agg.Keys, app)
		actx.keys = append(actx.keys, g)
		actx.keyTexts = append(actx.keyTexts, exprText(g))
	}
	agg.KeyTexts = actx.keyTexts
	var calls []*ast.FuncCall
	seen := map[string]bool{}
	collect := func(e ast.Expr) {
		walkNoSub(e, func(e ast.Expr) bool {
			if f, ok := e.(*ast.FuncCall); ok && funcs.IsAggregate(f.Name) {
				if t := exprText(f); !seen[t] {
					seen[t] = true
					calls = append(calls, f)
				}
				return false
			}
			return true
		})
	}
	for _, it := range core.Items {
		collect(it.Expr)
	}
	collect(core.Having)
	for _, o := range order {
		collect(o.Expr)
	}
	for _, f := range calls {
		spec, err := p.aggSpec(sc, f)
		if err != nil {
			return nil, nil, err
		}
		agg.Aggs = append(agg.Aggs, spec)
		actx.aggTexts = append(actx.aggTexts, spec.Text)
	}
	as := &scope{parent: sc.parent, agg: actx, env: sc.env, vm: sc.vm}
	var out exec.Node = agg
	if core.Having != nil {
		h, err := p.compile(as, core.Having)
		if err != nil {
			return nil, nil, err
		}
		out = &exec.Filter{Input: out, Pred: h.fn, Text: core.Having.String()}
	}
	return out, as, nil
}

func (p *Planner) aggSpec(sc *scope, f *ast.FuncCall) (exec.AggSpec, error) {
	spec := exec.AggSpec{Name: f.Name, Star: f.Star, Distinct: f.Distinct, Text: exprText(f)}
	if err := funcs.CheckAggregateArity(f.Name, len(f.Args), f.Star); err != nil {
		return spec, err
	}
	if f.Star && f.Name != "COUNT" {
		return spec, sem.Errorf(sem.ErrPlan, "%s(*) is not supported", f.Name)
	}
	for _, a := range f.Args {
		if isAggregateCall(a) {
			return spec, sem.NewError(sem.ErrPlan, "aggregate function calls cannot be nested")
		}
		c, err := p.compile(sc, a)
		if err != nil {
			return spec, err
		}
		spec.Args = append(spec.Args, c.fn)
	}
	if (f.Name == "MIN" || f.Name == "MAX") && len(f.Args) == 1 {
		spec.Numeric = p.numericKey(sc, f.Args[0])
	}
	if len(f.OrderBy) > 0 {
		keys, err := p.sortKeys(sc, f.OrderBy, nil)
		if err != nil {
			return spec, err
		}
		spec.Order = keys
	}
	return spec, nil
}

// ordinal recognises ORDER BY / GROUP BY positions (integer literals).
func ordinal(e ast.Expr) (int, bool) {
	l, ok := e.(*ast.Literal)
	if !ok || l.Kind != ast.LitInt {
		return 0, false
	}
	if l.Int > 1<<20 {
		return 1 << 20, true
	}
	return int(l.Int), true
}

func isStar(e ast.Expr) bool {
	switch e.(type) {
	case *ast.Star, *ast.QualifiedStar:
		return true
	}
	return false
}

// sortKeys compiles ORDER BY items in sc; positions refer to items.
func (p *Planner) sortKeys(sc *scope, order []ast.OrderItem, items []ast.SelectItem) ([]exec.SortKey, error) {
	keys := make([]exec.SortKey, 0, len(order))
	for _, o := range order {
		e := o.Expr
		if k, ok := ordinal(e); ok && items != nil {
			if k < 1 || k > len(items) || isStar(items[k-1].Expr) {
				return nil, sem.Errorf(sem.ErrPlan, "ORDER BY position %d is not in select list", k)
			}
			e = items[k-1].Expr
		}
		c, err := p.compile(sc, e)
		if err != nil {
			return nil, err
		}
		keys = append(keys, exec.SortKey{Expr: c.fn, Desc: o.Desc, Nulls: uint8(o.Nulls),
			Numeric: p.numericKey(sc, e), Text: o.Expr.String()})
	}
	return keys, nil
}

// numericKey reports whether an ORDER BY (or MIN/MAX) key is a column of
// numeric or TIMESTAMP schema type (SPEC §4.11): the column resolves through
// a table referenced by its real name.
func (p *Planner) numericKey(sc *scope, e ast.Expr) bool {
	ref, ok := e.(*ast.ColumnRef)
	if !ok || len(ref.Path) > 0 {
		return false
	}
	if sc.agg != nil {
		sc = sc.agg.base
	}
	if sc == nil || sc.output {
		return false
	}
	typed := func(s *source, name string) (bool, bool) {
		if s.kind != srcBase || s.schema == nil || s.ref != s.table {
			return false, false
		}
		col, ok := s.schema.Column(name)
		if !ok {
			return false, false
		}
		b := col.Type.Base
		return !col.Type.Array && (b.IsNumeric() || b == ast.TypeTimestamp), true
	}
	if ref.Qualifier != "" {
		if s := sc.byRef(ref.Qualifier); s != nil {
			n, _ := typed(s, ref.Name)
			return n
		}
		return false
	}
	for _, s := range sc.alpha {
		if n, found := typed(s, ref.Name); found {
			return n
		}
	}
	return false
}

// appender compiles e for rendering: plain columns copy their raw text.
func (p *Planner) appender(sc *scope, e ast.Expr) (exec.Appender, error) {
	app, _, err := p.valueAppender(sc, e)
	return app, err
}

// valueAppender is appender that also returns e compiled to its value, which
// is what the appender renders (rows taken in column form read it).
func (p *Planner) valueAppender(sc *scope, e ast.Expr) (exec.Appender, exec.Expr, error) {
	if ref, ok := e.(*ast.ColumnRef); ok && sc.agg == nil && !sc.output {
		cands, path := sc.resolve(ref)
		return exec.ResolveAppender(cands, path), exec.Resolve(cands, path), nil
	}
	c, err := p.compile(sc, e)
	if err != nil {
		return nil, nil, err
	}
	if c.konst {
		v, text := c.val, string(c.val.Append(nil))
		return func(_ *exec.Frame, dst []byte) ([]byte, error) { return append(dst, text...), nil },
			func(*exec.Frame) (jsondoc.Value, error) { return v, nil }, nil
	}
	return exec.ExprAppender(c.fn), c.fn, nil
}

// project plans the select list (SPEC §4.8).
func (p *Planner) project(sc *scope, core *ast.SelectCore, node exec.Node, keepVals bool) (exec.Node, []string, error) {
	if len(core.Items) == 1 {
		if _, ok := core.Items[0].Expr.(*ast.Star); ok {
			return p.projectStar(sc, node, keepVals)
		}
	}
	items := make([]exec.ProjItem, 0, len(core.Items))
	names := make([]string, 0, len(core.Items))
	dynamic := false
	for _, it := range core.Items {
		if qs, ok := it.Expr.(*ast.QualifiedStar); ok {
			base := sc
			if sc.agg != nil {
				base = sc.agg.base
			}
			src := base.byRef(qs.Qualifier)
			if src == nil || sc.agg != nil {
				return nil, nil, sem.Errorf(sem.ErrPlan, "Table '%s' is not in the FROM clause", qs.Qualifier)
			}
			base.markKey(src)
			items = append(items, exec.ProjItem{Star: true, StarSlots: []int{src.slot}, StarBase: []bool{src.kind == srcBase}})
			dynamic = true
			continue
		}
		if _, ok := it.Expr.(*ast.Star); ok {
			return nil, nil, sem.NewError(sem.ErrPlan, "'*' must be the only item of the select list")
		}
		name := it.OutputName()
		app, val, err := p.valueAppender(sc, it.Expr)
		if err != nil {
			return nil, nil, err
		}
		// Expr serves kept values and rows taken in column form.
		items = append(items, exec.ProjItem{Name: name, App: app, Expr: val})
		names = append(names, name)
	}
	if dynamic {
		names = nil
		if keepVals {
			for i := range items {
				if items[i].Expr == nil && !items[i].Star {
					items[i].Expr = appenderExpr(items[i].App)
				}
			}
		}
	}
	return exec.NewProject(node, items, keepVals && !dynamic), names, nil
}

// appenderExpr evaluates an appender to a value.
func appenderExpr(app exec.Appender) exec.Expr {
	return func(f *exec.Frame) (jsondoc.Value, error) {
		b, err := app(f, nil)
		if err != nil {
			return jsondoc.Null(), err
		}
		return jsondoc.Decode(string(b)), nil
	}
}

// projectStar plans SELECT *: every source's columns, or on an aggregate
// query the group row.
func (p *Planner) projectStar(sc *scope, node exec.Node, keepVals bool) (exec.Node, []string, error) {
	if sc.agg != nil {
		var items []exec.ProjItem
		var names []string
		for i, k := range sc.agg.keys {
			if _, ok := k.(*ast.ColumnRef); !ok {
				continue
			}
			fn := exec.Resolve([]exec.Candidate{{Slot: -1, Val: i}}, nil)
			items = append(items, exec.ProjItem{Name: sc.agg.keyTexts[i], App: exec.ExprAppender(fn), Expr: fn})
			names = append(names, sc.agg.keyTexts[i])
		}
		for i, t := range sc.agg.aggTexts {
			fn := exec.Resolve([]exec.Candidate{{Slot: -1, Val: len(sc.agg.keys) + i}}, nil)
			items = append(items, exec.ProjItem{Name: t, App: exec.ExprAppender(fn), Expr: fn})
			names = append(names, t)
		}
		return exec.NewProject(node, items, keepVals), names, nil
	}
	star := &exec.StarProject{Input: node, KeepVals: keepVals}
	for _, s := range sc.sources {
		sc.markKey(s)
		star.Sources = append(star.Sources, exec.StarSource{Slot: s.slot, Base: s.kind == srcBase, Name: s.ref})
	}
	var names []string
	if len(sc.sources) == 1 && sc.sources[0].kind != srcBase {
		names = sc.sources[0].cols
	}
	return star, names, nil
}

// subquery plans a subquery expression in scope sc.
func (p *Planner) subquery(sc *scope, sel *ast.Select) (*exec.Subquery, error) {
	saved, savedSub := p.outerMap, p.inSubExpr
	vm := sc.vm
	p.outerMap, p.inSubExpr = vm, true
	node, _, err := p.planSelect(sel, sc, sc.env, true)
	p.outerMap, p.inSubExpr = saved, savedSub
	if err != nil {
		return nil, err
	}
	return &exec.Subquery{Plan: node, State: p.newState()}, nil
}

// andExpr is the three-valued AND of several predicates, short-circuiting
// left to right.
func andExpr(fns []exec.Expr) exec.Expr {
	return func(f *exec.Frame) (jsondoc.Value, error) {
		res := sem.True
		for _, fn := range fns {
			v, err := fn(f)
			if err != nil {
				return v, err
			}
			t := sem.Truth(v)
			if t == sem.False {
				return jsondoc.Bool(false), nil
			}
			res = sem.And(res, t)
		}
		return res.Value(), nil
	}
}
