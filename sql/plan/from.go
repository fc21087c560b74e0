package plan

import (
	"slices"
	"strings"

	"github.com/memflux/memflux/sql/ast"
	"github.com/memflux/memflux/sql/catalog"
	"github.com/memflux/memflux/sql/exec"
	"github.com/memflux/memflux/sql/sem"
)

// rel is the FROM tree of a block before it becomes operators: a leaf
// source or a join of two rels over the slot range [lo, hi).
type rel struct {
	src         *source
	kind        ast.JoinKind
	left, right *rel
	on          ast.Expr
	lo, mid, hi int
	// conds are the conjuncts evaluated at this join (ON, and WHERE
	// conjuncts pushed down), with the slots each reads.
	conds []pred
	// leaf filters (pushed-down conjuncts on one source).
	filters []pred
}

// pred is a compiled conjunct and the slots of its block it reads.
type pred struct {
	ast  ast.Expr
	fn   exec.Expr
	mask uint64
}

// fromCtx accumulates the sources of one block.
type fromCtx struct {
	p       *Planner
	parent  *scope
	env     *cteEnv
	sources []*source
}

// buildRel turns a FROM item into a rel, assigning slots left to right.
func (fc *fromCtx) buildRel(te ast.TableExpr) (*rel, error) {
	switch te := te.(type) {
	case *ast.TableName:
		src, err := fc.tableSource(te)
		if err != nil {
			return nil, err
		}
		return fc.leaf(src)
	case *ast.DerivedTable:
		node, names, err := fc.p.planSelect(te.Query, fc.parent, fc.env, false)
		if err != nil {
			return nil, err
		}
		d := &exec.Derived{Query: node, Kind: "Subquery", Name: te.Alias, State: fc.p.newState()}
		return fc.leaf(&source{ref: te.Alias, kind: srcWrapped, alias: true, cols: names, derived: d, node: d})
	case *ast.Join:
		lo := len(fc.sources)
		left, err := fc.buildRel(te.Left)
		if err != nil {
			return nil, err
		}
		mid := len(fc.sources)
		right, err := fc.buildRel(te.Right)
		if err != nil {
			return nil, err
		}
		return &rel{kind: te.Kind, left: left, right: right, on: te.On, lo: lo, mid: mid, hi: len(fc.sources)}, nil
	}
	return nil, sem.NewError(sem.ErrUnsupported, "unsupported FROM item")
}

func (fc *fromCtx) leaf(src *source) (*rel, error) {
	if len(fc.sources) >= maxSources {
		return nil, sem.Errorf(sem.ErrLimit, "too many tables in FROM (at most %d)", maxSources)
	}
	src.slot = len(fc.sources)
	fc.sources = append(fc.sources, src)
	switch {
	case src.scan != nil:
		src.scan.Slot = src.slot
	case src.derived != nil:
		src.derived.Slot = src.slot
	}
	if w, ok := src.node.(*exec.WorkTable); ok {
		w.Slot = src.slot
	}
	return &rel{src: src, lo: src.slot, hi: src.slot + 1}, nil
}

// tableSource resolves a table name: a CTE of the statement, a view, or a
// base table (SPEC §4.9: a CTE hides a table or view of the same name).
func (fc *fromCtx) tableSource(t *ast.TableName) (*source, error) {
	p := fc.p
	full := t.FullName()
	ref := t.RefName()
	aliased := t.Alias != ""
	if t.Schema == "" {
		if def := fc.env.lookup(t.Name); def != nil {
			return fc.cteSource(def, t, ref, aliased), nil
		}
	}
	view, err := p.Cat.View(full)
	if err != nil {
		return nil, sem.Errorf(sem.ErrExec, "View '%s' is invalid: %v", full, err)
	}
	if view != nil {
		return p.viewSource(view, full, ref, aliased)
	}
	schema, err := p.Cat.Table(full)
	if err != nil {
		return nil, sem.Errorf(sem.ErrExec, "Schema of table '%s' is invalid: %v", full, err)
	}
	scan := &exec.Scan{Table: full}
	if aliased {
		scan.Alias = t.Alias
	}
	return &source{ref: ref, kind: srcBase, table: full, alias: aliased, schema: schema, scan: scan, node: scan}, nil
}

func (fc *fromCtx) cteSource(def *cteDef, t *ast.TableName, ref string, aliased bool) *source {
	if def.planning {
		// The recursive step's reference to its own CTE: the working
		// table, wrapped under the reference's alias or the CTE name.
		w := &exec.WorkTable{Name: def.name, Work: def.work}
		return &source{ref: ref, kind: srcWrapped, alias: aliased, cols: def.names, node: w}
	}
	up := scopeDepth(fc.parent) - scopeDepth(def.parent)
	if up < 0 {
		up = 0
	}
	d := &exec.Derived{Query: def.body, Kind: "CTE", Name: t.Name, State: def.state, Up: up}
	if !def.recursive {
		d.Columns = def.columns
	}
	kind := srcFlat
	if aliased {
		kind = srcWrapped
	}
	return &source{ref: ref, kind: kind, alias: aliased, cols: def.names, derived: d, node: d}
}

// maxViewDepth bounds nested view expansion.
const maxViewDepth = 32

func (p *Planner) viewSource(v *catalog.View, name, ref string, aliased bool) (*source, error) {
	if slices.Contains(p.viewStack, name) || len(p.viewStack) >= maxViewDepth {
		return nil, sem.Errorf(sem.ErrPlan, "View '%s' references itself", name)
	}
	p.viewStack = append(p.viewStack, name)
	saved, savedSub := p.outerMap, p.inSubExpr
	p.outerMap, p.inSubExpr = nil, false
	cols := v.Columns
	body, names, err := p.planSelect(v.Parsed, nil, nil, len(cols) > 0)
	p.outerMap, p.inSubExpr = saved, savedSub
	p.viewStack = p.viewStack[:len(p.viewStack)-1]
	if err != nil {
		return nil, err
	}
	d := &exec.Derived{Query: body, Kind: "View", Name: name, State: p.newState()}
	if len(cols) > 0 {
		d.Columns = cols
	}
	kind := srcFlat
	if aliased {
		kind = srcWrapped
	}
	return &source{ref: ref, kind: kind, alias: aliased, cols: renamed(names, d.Columns), derived: d, node: d}, nil
}

// markNullable flags the sources an outer join may NULL-extend.
func markNullable(r *rel, sources []*source) {
	if r.src != nil {
		return
	}
	set := func(x *rel) {
		for i := x.lo; i < x.hi; i++ {
			sources[i].nullable = true
		}
	}
	switch r.kind {
	case ast.JoinLeft:
		set(r.right)
	case ast.JoinRight:
		set(r.left)
	case ast.JoinFull:
		set(r.left)
		set(r.right)
	}
	markNullable(r.left, sources)
	markNullable(r.right, sources)
}

// conjuncts splits an AND chain.
func conjuncts(e ast.Expr, out []ast.Expr) []ast.Expr {
	if l, ok := e.(*ast.Logical); ok && l.Op == ast.LogicAnd {
		out = conjuncts(l.L, out)
		return conjuncts(l.R, out)
	}
	if e == nil {
		return out
	}
	return append(out, e)
}

// compilePred compiles a conjunct in sc and records the slots it reads.
func (p *Planner) compilePred(sc *scope, e ast.Expr) (pred, error) {
	var mask uint64
	saved := sc.collect
	sc.collect = &mask
	c, err := p.compile(sc, e)
	sc.collect = saved
	if err != nil {
		return pred{}, err
	}
	return pred{ast: e, fn: c.fn, mask: mask}, nil
}

func rangeMask(lo, hi int) uint64 {
	var m uint64
	for i := lo; i < hi && i < 64; i++ {
		m |= 1 << uint(i)
	}
	return m
}

func singleSlot(m uint64) (int, bool) {
	if m == 0 || m&(m-1) != 0 {
		return 0, false
	}
	for i := 0; i < 64; i++ {
		if m == 1<<uint(i) {
			return i, true
		}
	}
	return 0, false
}

// distributeOn places the ON conjuncts of every join: filters on the
// inner side of the join go into that side's leaf, the rest stays at the
// join.
func (p *Planner) distributeOn(sc *scope, r *rel) error {
	if r.src != nil {
		return nil
	}
	if err := p.distributeOn(sc, r.left); err != nil {
		return err
	}
	if err := p.distributeOn(sc, r.right); err != nil {
		return err
	}
	for _, c := range conjuncts(r.on, nil) {
		pr, err := p.compilePred(sc, c)
		if err != nil {
			return err
		}
		slot, single := singleSlot(pr.mask)
		inRight := pr.mask&^rangeMask(r.mid, r.hi) == 0
		inLeft := pr.mask&^rangeMask(r.lo, r.mid) == 0
		switch {
		case single && (r.kind == ast.JoinInner || r.kind == ast.JoinCross) && !sc.sources[slot].nullable:
			leafOf(r, slot).filters = append(leafOf(r, slot).filters, pr)
		case single && r.kind == ast.JoinLeft && inRight && r.right.src != nil:
			r.right.filters = append(r.right.filters, pr)
		case single && r.kind == ast.JoinRight && inLeft && r.left.src != nil:
			r.left.filters = append(r.left.filters, pr)
		default:
			r.conds = append(r.conds, pr)
		}
	}
	return nil
}

// leafOf finds the leaf of slot in r.
func leafOf(r *rel, slot int) *rel {
	for r.src == nil {
		if slot < r.mid {
			r = r.left
		} else {
			r = r.right
		}
	}
	return r
}

// lowestCovering returns the lowest join of r whose range covers mask.
func lowestCovering(r *rel, mask uint64) *rel {
	for r.src == nil {
		switch {
		case mask&^rangeMask(r.left.lo, r.left.hi) == 0:
			r = r.left
		case mask&^rangeMask(r.right.lo, r.right.hi) == 0:
			r = r.right
		default:
			return r
		}
	}
	return r
}

// distributeWhere pushes WHERE conjuncts as deep as they stay correct and
// returns those that must be evaluated on the joined rows.
func (p *Planner) distributeWhere(sc *scope, root *rel, where ast.Expr) ([]pred, error) {
	var top []pred
	for _, c := range conjuncts(where, nil) {
		pr, err := p.compilePred(sc, c)
		if err != nil {
			return nil, err
		}
		nullable := false
		for i, s := range sc.sources {
			if pr.mask&(1<<uint(i)) != 0 && s.nullable {
				nullable = true
			}
		}
		if pr.mask == 0 || nullable {
			top = append(top, pr)
			continue
		}
		target := lowestCovering(root, pr.mask)
		if target.src != nil {
			target.filters = append(target.filters, pr)
			continue
		}
		if target.kind == ast.JoinCross {
			target.kind = ast.JoinInner
		}
		target.conds = append(target.conds, pr)
	}
	return top, nil
}

// andAll combines predicates into one (nil for none).
func andAll(preds []pred) (exec.Expr, string) {
	switch len(preds) {
	case 0:
		return nil, ""
	case 1:
		return preds[0].fn, preds[0].ast.String()
	}
	fns := make([]exec.Expr, len(preds))
	texts := make([]string, len(preds))
	for i, pr := range preds {
		fns[i], texts[i] = pr.fn, pr.ast.String()
	}
	return andExpr(fns), strings.Join(texts, " AND ")
}

// build turns the rel tree into operators.
func (p *Planner) build(sc *scope, r *rel, width int) (exec.Node, error) {
	if r.src != nil {
		return p.buildLeaf(sc, r, width)
	}
	left, err := p.build(sc, r.left, width)
	if err != nil {
		return nil, err
	}
	right, err := p.build(sc, r.right, width)
	if err != nil {
		return nil, err
	}
	j := &exec.Join{Kind: r.kind, Left: left, Right: right, Lo: r.lo, Mid: r.mid, Hi: r.hi, Width: width}
	var residual []pred
	var keyTexts []string
	lm, rm := rangeMask(r.lo, r.mid), rangeMask(r.mid, r.hi)
	for _, c := range r.conds {
		if cmp, ok := c.ast.(*ast.Comparison); ok && cmp.Op == ast.CmpEq && r.kind != ast.JoinCross {
			l, err := p.compilePred(sc, cmp.L)
			if err != nil {
				return nil, err
			}
			rr, err := p.compilePred(sc, cmp.R)
			if err != nil {
				return nil, err
			}
			switch {
			case l.mask != 0 && rr.mask != 0 && l.mask&^lm == 0 && rr.mask&^rm == 0:
				j.LeftKeys, j.RightKeys = append(j.LeftKeys, l.fn), append(j.RightKeys, rr.fn)
				keyTexts = append(keyTexts, c.ast.String())
				continue
			case l.mask != 0 && rr.mask != 0 && l.mask&^rm == 0 && rr.mask&^lm == 0:
				j.LeftKeys, j.RightKeys = append(j.LeftKeys, rr.fn), append(j.RightKeys, l.fn)
				keyTexts = append(keyTexts, c.ast.String())
				continue
			}
		}
		residual = append(residual, c)
	}
	var condText string
	j.Cond, condText = andAll(residual)
	j.Text = strings.Join(append(keyTexts, condText), " AND ")
	j.Text = strings.TrimSuffix(j.Text, " AND ")
	if j.Kind == ast.JoinCross && j.Cond != nil {
		j.Kind = ast.JoinInner
	}
	return j, nil
}

func (p *Planner) buildLeaf(sc *scope, r *rel, width int) (exec.Node, error) {
	src := r.src
	fn, text := andAll(r.filters)
	switch n := src.node.(type) {
	case *exec.Scan:
		n.Width, n.Filter, n.FilterText = width, fn, text
		return n, nil
	case *exec.Derived:
		n.Width, n.Filter, n.Text = width, fn, text
		return n, nil
	case *exec.WorkTable:
		n.Width = width
		if fn != nil {
			return &exec.Filter{Input: n, Pred: fn, Text: text}, nil
		}
		return n, nil
	}
	return nil, sem.NewError(sem.ErrInternal, "unknown source node")
}
