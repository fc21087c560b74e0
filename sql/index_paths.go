package sql

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/memflux/memflux/index"
	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/sql/ast"
	"github.com/memflux/memflux/sql/catalog"
	"github.com/memflux/memflux/sql/exec"
	"github.com/memflux/memflux/sql/plan"
	"github.com/memflux/memflux/sql/sem"
	"github.com/memflux/memflux/value"
)

// indexPaths offers index scans to the planner (plan.PathProvider). An index serves a
// base table when it covers every key of the table (its prefix is a prefix of
// "<table>:"), is ready at the reader's snapshot, and either narrows the scan (conditions
// on its leading column: =, IN, <, <=, >, >=, BETWEEN, LIKE 'prefix%') or yields the rows
// in the block's ORDER BY order. The cost compares the estimated candidates with the
// index's row count; the planner keeps the full scan when it is cheaper.
type indexPaths struct{ m *index.Manager }

// Cost model: reading one candidate through the index (entry, document fetch, re-check)
// costs costPerRow scan steps; starting a range costs costPerRange.
const (
	costPerRow   = 4
	costPerRange = 4
	// probeMax bounds the entries counted at plan time to estimate a constant condition.
	probeMax = 20000
)

// forceIndexPaths makes every offered index path free (tests compare index scans with
// full scans on tables too small for the cost model to pick them).
var forceIndexPaths = false

// Paths implements plan.PathProvider.
func (p *indexPaths) Paths(r *catalog.Reader, req *plan.PathRequest) ([]plan.Path, error) {
	r.Read(mvcc.Meta, index.VersionKey) // any index change invalidates the plan
	tablePfx := req.Table + ":"
	var out []plan.Path
	var schema *catalog.Schema
	schemaRead := false
	for _, def := range p.m.List(r.Tx) {
		if !strings.HasPrefix(tablePfx, def.KeyPrefix()) || !p.m.Usable(r.Tx, def) {
			continue
		}
		r.Read(mvcc.Meta, index.StatKey(def.ID)) // re-plan when the table's size class changes
		if !schemaRead {
			schema, _ = r.Table(req.Table)
			schemaRead = true
		}
		if path, ok := p.pathFor(def, req, schema); ok {
			out = append(out, path)
		}
	}
	return out, nil
}

// condSrc is one condition on an index column as planned: the operator and its operand
// values, constant or evaluated when the scan starts.
type condSrc struct {
	op     index.Op
	consts []jsondoc.Value // nil when evaluated at run time
	vals   []exec.Expr
	text   string
}

// predOps maps the planner's predicate forms to index operators.
var predOps = map[plan.PredOp]index.Op{
	plan.PredEq: index.OpEq, plan.PredLt: index.OpLt, plan.PredLe: index.OpLe, plan.PredGt: index.OpGt,
	plan.PredGe: index.OpGe, plan.PredIn: index.OpIn, plan.PredLikePrefix: index.OpPrefix,
}

// pathFor plans a scan of index def for req, if the index helps.
func (p *indexPaths) pathFor(def *index.Def, req *plan.PathRequest, schema *catalog.Schema) (plan.Path, bool) {
	conds := make([][]condSrc, len(def.Columns))
	used := 0
	ref := req.Table
	if req.Alias != "" {
		ref = req.Alias
	}
	for i, col := range def.Columns {
		for _, pr := range req.Preds {
			if !predOn(pr, col, ref) || !paramOnly(pr) {
				continue
			}
			c := condSrc{op: predOps[pr.Op], consts: pr.Const, vals: pr.Values, text: pr.Expr.String()}
			conds[i] = append(conds[i], c)
		}
	}
	ordered, numeric := orderServed(def, conds, req, schema)
	if len(conds[0]) == 0 && !ordered {
		return plan.Path{}, false
	}
	acc := &indexAccess{m: p.m, def: def, table: req.Table, prefix: req.Table + ":", conds: conds, ordered: ordered, numeric: numeric}
	var texts []string
	allConst := true
	for i := range conds {
		for _, c := range conds[i] {
			allConst = allConst && c.consts != nil
			texts = append(texts, c.text)
			used++
		}
	}
	rows := p.rows(def)
	est := rows
	nranges := 1
	if len(conds[0]) > 0 {
		if allConst {
			b, ok := index.BoundsFor(def, constConds(conds))
			if ok {
				acc.bounds = b
				nranges = b.Ranges()
				limit := int(min(max(rows/4, 100), probeMax))
				n := p.m.Count(def, b, limit)
				est = float64(n)
				if n >= limit { // at least a quarter of the rows: assume a third
					est = max(est, rows/3)
				}
			}
		} else {
			est = p.estimate(def, conds[0], rows)
		}
	} else {
		acc.bounds = index.FullBounds(def)
	}
	if ordered && req.Limit >= 0 {
		rest := len(req.Preds) - used
		est = min(est, float64(req.Limit+1)*math.Pow(3, float64(max(rest, 0))))
	}
	cost := costPerRow*est + costPerRange*float64(nranges) + 10
	acc.text = describe(def, texts, ordered)
	if forceIndexPaths {
		cost = 0
	}
	return plan.Path{Access: acc, Cost: req.FullScanCost * cost / (rows + 10), Ordered: ordered}, true
}

// rowsCountMax bounds the entries counted when an index's statistics are not known yet.
const rowsCountMax = 100_000

// rows returns the number of rows index def covers: from its statistics, or counted (up to
// rowsCountMax) before the first statistics pass.
func (p *indexPaths) rows(def *index.Def) float64 {
	st := p.m.Stats(def.ID)
	if st.Sampled() {
		return float64(st.Rows())
	}
	return float64(p.m.Count(def, index.FullBounds(def), rowsCountMax))
}

// estimate guesses the candidates of conditions whose values are known only at run time,
// from the statistics: rows/distinct per equality value, a third of the rows for a
// one-sided range, 0.5% for a range bounded on both sides (PostgreSQL's defaults), a tenth
// for a LIKE prefix.
func (p *indexPaths) estimate(def *index.Def, conds []condSrc, rows float64) float64 {
	st := p.m.Stats(def.ID)
	distinct := float64(st.Distinct())
	if distinct < 1 {
		distinct = 10
	}
	est := rows
	lower, upper := false, false
	for _, c := range conds {
		lower = lower || c.op == index.OpGt || c.op == index.OpGe
		upper = upper || c.op == index.OpLt || c.op == index.OpLe
	}
	if lower && upper {
		est = rows * 0.005
	}
	for _, c := range conds {
		var e float64
		switch c.op {
		case index.OpEq:
			e = rows / distinct
		case index.OpIn:
			e = float64(len(c.vals)) * rows / distinct
		case index.OpPrefix:
			e = rows / 10
		default:
			e = rows / 3
		}
		est = min(est, e)
	}
	return est
}

// constConds returns the constant conditions per column.
func constConds(conds [][]condSrc) [][]index.Cond {
	out := make([][]index.Cond, len(conds))
	for i := range conds {
		for _, c := range conds[i] {
			out[i] = append(out[i], index.Cond{Op: c.op, Values: c.consts})
		}
	}
	return out
}

// predOn reports whether a predicate constrains index column col: the same member path,
// or the same expression (compared as canonical text without the table's qualifier; a
// plain id or _key column is an expression column of its name).
func predOn(pr plan.Pred, col index.Column, ref string) bool {
	if pr.Target != nil {
		if col.Expr == "" {
			return false
		}
		text, err := unqualified(pr.Target.String(), ref)
		return err == nil && text == col.Expr
	}
	if col.Expr != "" {
		return len(pr.Column) == 1 && pr.Column[0] == col.Expr
	}
	return slices.Equal(pr.Column, strings.Split(col.Path, "."))
}

// paramOnly reports whether a predicate's operands can be evaluated before the scan: the
// conjunct references no column besides the indexed side and holds no subquery.
func paramOnly(pr plan.Pred) bool {
	if pr.Const != nil {
		return true
	}
	indexed := 1
	if pr.Target != nil {
		indexed = columnRefs(pr.Target)
	}
	return columnRefs(pr.Expr) == indexed
}

// columnRefs counts the column references of e, or returns -1 when e holds a subquery.
func columnRefs(e ast.Expr) int {
	cols, ok := 0, true
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ColumnRef:
			cols++
		case *ast.Subquery, *ast.Exists, *ast.AnyAll:
			ok = false
		case *ast.In:
			ok = ok && n.Query == nil
		}
		return ok
	})
	if !ok {
		return -1
	}
	return cols
}

// orderServed reports whether scanning def in order yields the block's ORDER BY order:
// ascending keys (NULLs first) that are the index's leading columns, after leading
// columns fixed to one string or boolean by an equality. A column of a numeric or
// TIMESTAMP schema type sorts numeric strings as numbers (SPEC §4.11), which the index
// does not: it is served (numeric set) only as the sole key on the first column, and the
// scan sorts when the column holds strings after all.
func orderServed(def *index.Def, conds [][]condSrc, req *plan.PathRequest, schema *catalog.Schema) (ordered, numeric bool) {
	if len(req.Order) == 0 {
		return false, false
	}
	k := 0
	for k < len(def.Columns) && fixedToOne(conds[k]) {
		k++
	}
	if k+len(req.Order) > len(def.Columns) {
		return false, false
	}
	for i, o := range req.Order {
		col := def.Columns[k+i]
		if o.Desc || o.Nulls == ast.NullsLast || col.Expr != "" || col.Path != strings.Join(o.Column, ".") {
			return false, false
		}
		if o.Column[0] == "id" || o.Column[0] == "_key" {
			return false, false
		}
		// Only a table referenced by its real name sorts by the schema type (SPEC §4.11).
		if schema != nil && (req.Alias == "" || req.Alias == req.Table) {
			if c, ok := schema.Column(o.Column[0]); ok && !c.Type.Array && (c.Type.Base.IsNumeric() || c.Type.Base == ast.TypeTimestamp) {
				if k != 0 || len(req.Order) != 1 {
					return false, false
				}
				numeric = true
			}
		}
	}
	return true, numeric
}

// fixedToOne reports whether the conditions of a column admit a single encoded value: an
// equality with a constant non-numeric string or a boolean.
func fixedToOne(conds []condSrc) bool {
	for _, c := range conds {
		if c.op != index.OpEq || len(c.consts) != 1 {
			continue
		}
		v := c.consts[0]
		if s, ok := v.Str(); ok {
			if _, num := jsondoc.ParseNumber(s); !num {
				return true
			}
		}
		if v.Kind() == jsondoc.KindBool {
			return true
		}
	}
	return false
}

// describe renders the EXPLAIN text of an index scan.
func describe(def *index.Def, texts []string, ordered bool) string {
	texts = slices.Compact(texts) // BETWEEN gives two conditions of one text
	s := "IndexScan " + def.Name
	if len(texts) > 0 {
		s += " (" + strings.Join(texts, " AND ") + ")"
	}
	if ordered {
		s += " ordered"
	}
	return s
}

// indexAccess is an index scan as an executor access path.
type indexAccess struct {
	m       *index.Manager
	def     *index.Def
	table   string
	prefix  string // table + ":"
	conds   [][]condSrc
	bounds  *index.Bounds // nil: computed when the scan starts
	ordered bool
	// numeric: the order column has a numeric schema type (see orderServed).
	numeric bool
	text    string
}

// Scan implements exec.AccessPath.
func (a *indexAccess) Scan(c *exec.Ctx, fn func(key []byte, v value.Value) bool) error {
	b := a.bounds
	if b == nil {
		b = a.runtimeBounds(c)
	}
	opts := index.ScanOptions{Ordered: a.ordered, KeyPrefix: a.prefix}
	if a.numeric && a.m.HasStrings(c.Tx, a.def) {
		return a.sortedScan(c, b, opts, fn)
	}
	return a.m.Scan(c.Tx, a.def, b, opts, fn)
}

// sortedScan yields the candidates sorted as ORDER BY sorts a numeric column: the index
// order would place numeric strings before every number.
func (a *indexAccess) sortedScan(c *exec.Ctx, b *index.Bounds, opts index.ScanOptions, fn func(key []byte, v value.Value) bool) error {
	type row struct {
		key string
		v   value.Value
		col jsondoc.Value
	}
	var rows []row
	path := strings.Split(a.def.Columns[0].Path, ".")
	opts.Ordered = false // key order, for a stable sort
	err := a.m.Scan(c.Tx, a.def, b, opts, func(k []byte, v value.Value) bool {
		col := jsondoc.Null()
		if raw, ok := jsondoc.LookupPath(exec.DocOf(v), path); ok {
			col = jsondoc.Decode(raw)
		}
		rows = append(rows, row{string(k), v, col})
		return true
	})
	if err != nil {
		return err
	}
	slices.SortStableFunc(rows, func(x, y row) int {
		return sem.OrderCompareNulls(x.col, y.col, true, false, uint8(ast.NullsDefault))
	})
	for _, r := range rows {
		if !fn([]byte(r.key), r.v) {
			break
		}
	}
	return nil
}

// runtimeBounds evaluates the conditions' operands (parameters) and computes the ranges;
// when an operand fails to evaluate, every row is a candidate and the filter reports the
// error as a full scan would.
func (a *indexAccess) runtimeBounds(c *exec.Ctx) *index.Bounds {
	f := c.RootFrame()
	sc := condScratches.Get().(*condScratch)
	defer sc.release()
	conds := sc.conds[:0]
	for i := range a.conds {
		start := len(sc.flat)
		for _, cs := range a.conds[i] {
			cond := index.Cond{Op: cs.op, Values: cs.consts}
			if cond.Values == nil {
				vstart := len(sc.vals)
				for _, x := range cs.vals {
					v, err := x(f)
					if err != nil {
						return index.FullBounds(a.def)
					}
					sc.vals = append(sc.vals, v)
				}
				cond.Values = sc.vals[vstart:len(sc.vals):len(sc.vals)]
			}
			sc.flat = append(sc.flat, cond)
		}
		var col []index.Cond
		if len(sc.flat) > start {
			col = sc.flat[start:len(sc.flat):len(sc.flat)]
		}
		conds = append(conds, col)
	}
	sc.conds = conds
	if b, ok := index.BoundsFor(a.def, conds); ok {
		return b
	}
	return index.FullBounds(a.def)
}

// condScratch holds the conditions of one runtimeBounds call; index.BoundsFor keeps
// nothing of them, so they are pooled (condScratches). It is not safe for concurrent use.
type condScratch struct {
	conds [][]index.Cond
	flat  []index.Cond
	vals  []jsondoc.Value
}

var condScratches = sync.Pool{New: func() any { return new(condScratch) }}

// release clears the scratch and returns it to the pool.
func (sc *condScratch) release() {
	if len(sc.vals) > 64 || len(sc.flat) > 64 {
		return // an unusually long IN list: let it go
	}
	clear(sc.conds)
	clear(sc.flat)
	clear(sc.vals)
	sc.conds, sc.flat, sc.vals = sc.conds[:0], sc.flat[:0], sc.vals[:0]
	condScratches.Put(sc)
}

// Describe implements exec.AccessPath.
func (a *indexAccess) Describe() string { return a.text }

// String is Describe, for debugging.
func (a *indexAccess) String() string { return fmt.Sprintf("%s on %s", a.text, a.table) }
