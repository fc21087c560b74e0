package plan

import (
	"github.com/memflux/memflux/sql/ast"
	"github.com/memflux/memflux/sql/catalog"
	"github.com/memflux/memflux/sql/exec"
	"github.com/memflux/memflux/sql/sem"
)

// This file gives the DML executor (package sql) what it needs from the
// binder: the rows of an UPDATE or DELETE (the target cross-joined with its
// FROM/USING tables, filtered), expressions compiled in the scope of those
// rows, of an ON CONFLICT clause or of a CHECK constraint, and the
// projections of RETURNING clauses over rows the executor supplies.

// Scope is a compiled name environment expressions of a DML statement are
// planned in. A Scope belongs to the Planner that made it; the expressions
// it compiles share the Planner's state slots (NState).
type Scope struct {
	p  *Planner
	sc *scope
	// Slot is the slot of the target table in the scope's rows; Width the
	// number of slots.
	Slot, Width int
	// ref is the name the target is referenced by.
	ref string
}

// NState returns the number of per-execution state slots the planner's
// plans need so far (exec.NewCtx).
func (p *Planner) NState() int { return p.nState }

// Compile compiles e in the scope.
func (s *Scope) Compile(e ast.Expr) (exec.Expr, error) {
	c, err := s.p.compile(s.sc, e)
	if err != nil {
		return nil, err
	}
	return c.fn, nil
}

// Validate checks e against the scope's tables that have a schema (SPEC
// §4.6).
func (s *Scope) Validate(e ast.Expr) error { return validateExpr(e, s.sc.vm) }

// Returning plans a RETURNING list over the scope's rows, which a Feed
// supplies at run time: the returned node renders each fed row. A sole `*`
// stands for the target's columns only (SPEC §4.15).
func (s *Scope) Returning(items []ast.SelectItem) (node exec.Node, feed *exec.Feed, err error) {
	feed = &exec.Feed{State: s.p.newState(), Name: "Modified rows of " + s.ref}
	if len(items) == 1 {
		if st, ok := items[0].Expr.(*ast.Star); ok {
			items = []ast.SelectItem{{Expr: &ast.QualifiedStar{Qualifier: s.ref, Pos: st.Pos}}}
		}
	}
	node, _, err = s.p.project(s.sc, &ast.SelectCore{Items: items}, feed, false)
	return node, feed, err
}

// targetSource returns the base-table source of a DML target, scanned with
// its keys.
func targetSource(t *ast.TableName, schema *catalog.Schema) *source {
	full := t.FullName()
	scan := &exec.Scan{Table: full, NeedKey: true}
	if t.Alias != "" {
		scan.Alias = t.Alias
	}
	return &source{ref: t.RefName(), kind: srcBase, table: full, alias: t.Alias != "",
		schema: schema, scan: scan, node: scan}
}

// Rows is the planned row source of an UPDATE or DELETE.
type Rows struct {
	*Scope
	// Node yields the joined rows; the target slot holds each target
	// document with its key.
	Node exec.Node
}

// PlanRows plans the rows of UPDATE t … FROM others WHERE where, or DELETE
// FROM t USING others WHERE where: the target scanned with its keys,
// cross-joined with others, filtered by where (pushed down as for SELECT).
// where and every expression of check are validated against the tables
// with a schema (SPEC §4.6).
func (p *Planner) PlanRows(target *ast.TableName, schema *catalog.Schema, others []ast.TableExpr, where ast.Expr, check []ast.Expr) (*Rows, error) {
	fc := &fromCtx{p: p}
	root, err := fc.leaf(targetSource(target, schema))
	if err != nil {
		return nil, err
	}
	for _, o := range others {
		mid := len(fc.sources)
		right, err := fc.buildRel(o)
		if err != nil {
			return nil, err
		}
		root = &rel{kind: ast.JoinCross, left: root, right: right, lo: 0, mid: mid, hi: len(fc.sources)}
	}
	sources := fc.sources
	markNullable(root, sources)
	sc := newScope(nil, sources)
	sc.vm = p.blockMap(sources)
	for _, e := range append([]ast.Expr{where}, check...) {
		if err := validateExpr(e, sc.vm); err != nil {
			return nil, err
		}
	}
	if err := validateJoinsList(others, sc.vm); err != nil {
		return nil, err
	}
	if err := p.distributeOn(sc, root); err != nil {
		return nil, err
	}
	top, err := p.distributeWhere(sc, root, where)
	if err != nil {
		return nil, err
	}
	if _, err := p.choosePaths(sc, root, queryTail{}, true); err != nil {
		return nil, err
	}
	node, err := p.build(sc, root, len(sources))
	if err != nil {
		return nil, err
	}
	if fn, text := andAll(top); fn != nil {
		node = &exec.Filter{Input: node, Pred: fn, Text: text}
	}
	s := &Scope{p: p, sc: sc, Slot: 0, Width: len(sources), ref: target.RefName()}
	return &Rows{Scope: s, Node: node}, nil
}

func validateJoinsList(items []ast.TableExpr, m vmap) error {
	for _, it := range items {
		if err := validateJoins(it, m); err != nil {
			return err
		}
	}
	return nil
}

// ValuesScope returns a scope without any table: INSERT … VALUES
// expressions and DEFAULT expressions are evaluated in it (SPEC §4.15
// step 1).
func (p *Planner) ValuesScope() *Scope {
	return &Scope{p: p, sc: newScope(nil, nil)}
}

// DocScope returns a scope whose rows hold one document of the target in
// slot 0: a base-table row with its key when base is set (CHECK
// constraints, evaluated against {<table>: doc}), else the flat stored
// document (INSERT … RETURNING, SPEC §4.15 step 8: no injected id).
func (p *Planner) DocScope(target *ast.TableName, schema *catalog.Schema, base bool) *Scope {
	src := &source{ref: target.RefName(), kind: srcWrapped, alias: true, table: target.FullName(), schema: schema}
	if base {
		src.kind = srcBase
	}
	sc := newScope(nil, []*source{src})
	if schema != nil {
		sc.vm = vmap{src.ref: schema}
	}
	return &Scope{p: p, sc: sc, Width: 1, ref: src.ref}
}

// ConflictScope returns the scope of ON CONFLICT … DO UPDATE SET … WHERE
// (SPEC §4.15 step 6): unqualified columns and <target>.col read the
// existing row (slot 0 of the frame's row, a base-table row), excluded.col
// the proposed row (slot 0 of the outer frame's row). Only qualified names
// reach excluded.
func (p *Planner) ConflictScope(target *ast.TableName, schema *catalog.Schema) *Scope {
	excl := &source{ref: "excluded", kind: srcWrapped, alias: true}
	outer := newScope(nil, []*source{excl})
	src := &source{ref: target.RefName(), kind: srcBase, table: target.FullName(), schema: schema}
	sc := newScope(outer, []*source{src})
	if schema != nil {
		sc.vm = vmap{src.ref: schema}
	}
	return &Scope{p: p, sc: sc, Width: 1, ref: src.ref}
}

// QueryValues plans INSERT … SELECT's query: its rows keep their values
// by position (exec.Positional), in select-list order.
func (p *Planner) QueryValues(sel *ast.Select) (*Plan, error) {
	node, names, err := p.planSelect(sel, nil, nil, true)
	if err != nil {
		return nil, err
	}
	return &Plan{Root: node, NState: p.nState, Names: names}, nil
}

// errNoSubquery is returned for subqueries where the SQL forbids them.
func noSubquery(e ast.Expr, what string) error {
	var found bool
	ast.Inspect(e, func(n ast.Node) bool {
		if _, ok := n.(*ast.Select); ok {
			found = true
		}
		return !found
	})
	if found {
		return sem.Errorf(sem.ErrPlan, "cannot use subquery in %s", what)
	}
	return nil
}

// NoSubquery reports an error when e contains a subquery: CHECK
// constraints and DEFAULT expressions may not (PostgreSQL).
func NoSubquery(e ast.Expr, what string) error { return noSubquery(e, what) }
