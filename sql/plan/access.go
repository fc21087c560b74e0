package plan

import (
	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/sql/ast"
	"github.com/memflux/memflux/sql/catalog"
	"github.com/memflux/memflux/sql/exec"
	"github.com/memflux/memflux/sql/sem"
)

// PathProvider offers access paths other than the full prefix scan for a
// base table: the hook of the secondary-index package (issue 7). It reads
// its own metadata through r, so the plan cache sees the dependency.
type PathProvider interface {
	Paths(r *catalog.Reader, req *PathRequest) ([]Path, error)
}

// PredOp is the operator of a simple predicate.
type PredOp uint8

// The simple predicate forms an index can answer.
const (
	PredEq PredOp = iota
	PredLt
	PredLe
	PredGt
	PredGe
	PredIn         // column IN (values)
	PredLikePrefix // column LIKE 'prefix%' (Values[0] is the prefix)
)

// Pred is a conjunct of the form column op value(s), where the values do
// not depend on the table's rows (constants, parameters, outer columns).
type Pred struct {
	// Column is the member path of the column (["age"], ["address",
	// "city"]); nil when the indexed side is an expression (Target).
	Column []string
	// Target is the indexed side when it is an expression over the table's
	// columns alone (LOWER(name) = 'x'), for expression indexes.
	Target ast.Expr
	Op     PredOp
	// Values evaluate the operands at run time (Frame of the scan).
	Values []exec.Expr
	// Const holds the operands' values when known at plan time.
	Const []jsondoc.Value
	Expr  ast.Expr
}

// OrderCol is one ORDER BY key that is a plain column of the table.
type OrderCol struct {
	Column []string
	Desc   bool
	Nulls  ast.NullsOrder
}

// PathRequest describes what the block needs from the table.
type PathRequest struct {
	Table string
	Alias string
	// Preds are the simple conjuncts pushed to the table. The scan
	// re-checks every pushed conjunct, so a path may over-approximate.
	Preds []Pred
	// Order is set when the block's ORDER BY consists of plain columns of
	// this table and the table's rows feed the sort directly; Limit is the
	// LIMIT+OFFSET then (-1: none).
	Order []OrderCol
	Limit int64
	// FullScanCost is the planner's cost estimate of the full prefix scan.
	FullScanCost float64
}

// Path is an access path offered by a provider.
type Path struct {
	Access exec.AccessPath
	Cost   float64
	// Ordered reports that the path yields rows in exactly the Order of the
	// request (SPEC §4.11 comparison), so the sort can be dropped.
	Ordered bool
}

// DefaultFullScanCost is the cost the planner assigns to a full scan when
// it knows nothing about the table's size.
const DefaultFullScanCost = 1e6

// choosePaths offers each base table of the block to the PathProvider and
// installs the cheapest path. ordered reports that the single table's path
// yields the block's ORDER BY order (the caller then skips the sort).
func (p *Planner) choosePaths(sc *scope, root *rel, tail queryTail, noOrder bool) (ordered bool, err error) {
	if p.Paths == nil {
		return false, nil
	}
	var leaves []*rel
	var walk func(r *rel)
	walk = func(r *rel) {
		if r.src != nil {
			leaves = append(leaves, r)
			return
		}
		walk(r.left)
		walk(r.right)
	}
	walk(root)
	for _, leaf := range leaves {
		src := leaf.src
		if src.scan == nil {
			continue
		}
		req := &PathRequest{Table: src.table, Limit: -1, FullScanCost: DefaultFullScanCost}
		if src.alias {
			req.Alias = src.ref
		}
		for _, f := range leaf.filters {
			req.Preds = append(req.Preds, p.simplePreds(sc, src, f.ast)...)
		}
		if len(leaves) == 1 && !noOrder && len(tail.order) > 0 {
			req.Order = orderCols(src, tail.order, len(sc.sources))
			if req.Order != nil && tail.limit != nil {
				if _, n, ok, _ := p.countFunc(tail.limit, "LIMIT"); ok {
					_, o, _, _ := p.countFunc(tail.offset, "OFFSET")
					req.Limit = n + o
				}
			}
		}
		paths, err := p.Paths.Paths(p.Cat, req)
		if err != nil {
			return false, err
		}
		best := -1
		cost := req.FullScanCost
		for i, path := range paths {
			if path.Access != nil && path.Cost < cost {
				best, cost = i, path.Cost
			}
		}
		if best >= 0 {
			src.scan.Path = paths[best].Access
			if paths[best].Ordered && req.Order != nil {
				ordered = true
			}
		}
	}
	return ordered, nil
}

// orderCols returns the ORDER BY keys as plain columns of src, or nil.
func orderCols(src *source, order []ast.OrderItem, nsources int) []OrderCol {
	var out []OrderCol
	for _, o := range order {
		ref, ok := o.Expr.(*ast.ColumnRef)
		if !ok || (ref.Qualifier != "" && ref.Qualifier != src.ref) || (ref.Qualifier == "" && nsources != 1) {
			return nil
		}
		col := []string{ref.Name}
		if ref.Qualifier == "" && len(ref.Path) > 0 {
			return nil
		}
		col = append(col, ref.Path...)
		out = append(out, OrderCol{Column: col, Desc: o.Desc, Nulls: o.Nulls})
	}
	return out
}

// columnOf returns the member path e names in src, if it is a plain column
// of src.
func columnOf(sc *scope, src *source, e ast.Expr) ([]string, bool) {
	ref, ok := e.(*ast.ColumnRef)
	if !ok {
		return nil, false
	}
	switch {
	case ref.Qualifier == src.ref:
		return append([]string{ref.Name}, ref.Path...), true
	case ref.Qualifier == "" && len(sc.sources) == 1:
		return []string{ref.Name}, true
	}
	return nil, false
}

// exprOver reports whether e is an expression (not a plain column) whose column
// references are all plain columns of src, without subqueries: a function of src's row
// an expression index may hold.
func exprOver(sc *scope, src *source, e ast.Expr) bool {
	if _, ok := e.(*ast.ColumnRef); ok {
		return false
	}
	cols, ok := 0, true
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ColumnRef:
			cols++
			if _, col := columnOf(sc, src, n); !col {
				ok = false
			}
		case *ast.Subquery, *ast.Exists, *ast.AnyAll, *ast.Placeholder:
			ok = false
		case *ast.In:
			ok = ok && n.Query == nil
		}
		return ok
	})
	return ok && cols > 0
}

// simplePreds extracts the index-answerable forms of one conjunct on src.
func (p *Planner) simplePreds(sc *scope, src *source, e ast.Expr) []Pred {
	operand := func(x ast.Expr) (exec.Expr, jsondoc.Value, bool, bool) {
		pr, err := p.compilePred(sc, x)
		if err != nil || pr.mask != 0 {
			return nil, jsondoc.Value{}, false, false
		}
		c, err := p.compile(sc, x)
		if err != nil {
			return nil, jsondoc.Value{}, false, false
		}
		return c.fn, c.val, c.konst, true
	}
	mk := func(col []string, op PredOp, xs ...ast.Expr) []Pred {
		pr := Pred{Column: col, Op: op, Expr: e}
		allConst := true
		for _, x := range xs {
			fn, v, konst, ok := operand(x)
			if !ok {
				return nil
			}
			pr.Values = append(pr.Values, fn)
			pr.Const = append(pr.Const, v)
			allConst = allConst && konst
		}
		if !allConst {
			pr.Const = nil
		}
		return []Pred{pr}
	}
	flip := map[ast.CompareOp]ast.CompareOp{ast.CmpEq: ast.CmpEq, ast.CmpLt: ast.CmpGt, ast.CmpLe: ast.CmpGe, ast.CmpGt: ast.CmpLt, ast.CmpGe: ast.CmpLe}
	ops := map[ast.CompareOp]PredOp{ast.CmpEq: PredEq, ast.CmpLt: PredLt, ast.CmpLe: PredLe, ast.CmpGt: PredGt, ast.CmpGe: PredGe}
	onTarget := func(prs []Pred, t ast.Expr) []Pred {
		for i := range prs {
			prs[i].Column, prs[i].Target = nil, t
		}
		return prs
	}
	switch x := e.(type) {
	case *ast.Comparison:
		if x.Op == ast.CmpNe {
			return nil
		}
		if col, ok := columnOf(sc, src, x.L); ok {
			return mk(col, ops[x.Op], x.R)
		}
		if col, ok := columnOf(sc, src, x.R); ok {
			return mk(col, ops[flip[x.Op]], x.L)
		}
		if exprOver(sc, src, x.L) {
			return onTarget(mk(nil, ops[x.Op], x.R), x.L)
		}
		if exprOver(sc, src, x.R) {
			return onTarget(mk(nil, ops[flip[x.Op]], x.L), x.R)
		}
	case *ast.Between:
		if col, ok := columnOf(sc, src, x.X); ok {
			return append(mk(col, PredGe, x.Lo), mk(col, PredLe, x.Hi)...)
		}
	case *ast.In:
		if col, ok := columnOf(sc, src, x.X); ok && x.Query == nil {
			return mk(col, PredIn, x.List...)
		}
	case *ast.Like:
		if col, ok := columnOf(sc, src, x.X); ok && !x.Insensitive && x.Escape == nil {
			if lit, ok := x.Pattern.(*ast.Literal); ok && lit.Kind == ast.LitString {
				prefix, exact := sem.CompileLike(lit.Str, false, '\\').Prefix()
				if prefix != "" {
					_ = exact
					return []Pred{{Column: col, Op: PredLikePrefix, Expr: e,
						Values: []exec.Expr{constant(jsondoc.String(prefix)).fn},
						Const:  []jsondoc.Value{jsondoc.String(prefix)}}}
				}
			}
		}
	}
	return nil
}
