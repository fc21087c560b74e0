package plan

import (
	"github.com/memflux/memflux/sql/ast"
	"github.com/memflux/memflux/sql/catalog"
	"github.com/memflux/memflux/sql/exec"
	"github.com/memflux/memflux/sql/sem"
)

// Planner plans one statement. Cat reads the catalog through the
// statement's transaction and records what the plan depends on; Paths,
// when set, offers index access paths.
type Planner struct {
	Cat   *catalog.Reader
	Paths PathProvider

	nState int
	// views being expanded (cycle guard).
	viewStack []string
	// outerMap is the validation map of the enclosing block while a
	// subquery expression is planned (SPEC §4.6), nil otherwise.
	outerMap  vmap
	inSubExpr bool
}

// Plan is a planned query: the root produces the output rows (rendered
// objects in slot 0).
type Plan struct {
	Root exec.Node
	// NState is the number of per-execution state slots (exec.NewCtx).
	NState int
	// Names are the output column names when static.
	Names []string
	// Values is the statement's projection when its rows can be taken in
	// column form (exec.Ctx.TakeValues): a static select list with at most a
	// LIMIT above it; nil otherwise.
	Values *exec.Project
}

// Explain returns the EXPLAIN lines of the plan.
func (pl *Plan) Explain() []string { return exec.Explain(pl.Root) }

// newState allocates a per-execution state slot.
func (p *Planner) newState() int {
	p.nState++
	return p.nState - 1
}

// maxSources bounds the FROM items of one query block.
const maxSources = 64

// PlanQuery plans a SELECT statement.
func (p *Planner) PlanQuery(sel *ast.Select) (*Plan, error) {
	node, names, err := p.planSelect(sel, nil, nil, false)
	if err != nil {
		return nil, err
	}
	return &Plan{Root: node, NState: p.nState, Names: names, Values: valuesOf(node)}, nil
}

// valuesOf returns the projection of a plan root that may emit its rows in
// column form: the root itself or the input of a root LIMIT, when static.
func valuesOf(root exec.Node) *exec.Project {
	if l, ok := root.(*exec.Limit); ok {
		root = l.Input
	}
	if p, ok := root.(*exec.Project); ok && len(p.Columns()) > 0 {
		return p
	}
	return nil
}

// cteDef is a CTE visible to a statement.
type cteDef struct {
	name    string
	columns []string
	body    exec.Node
	names   []string // static output names, nil when dynamic
	parent  *scope   // the scope the WITH was planned in
	state   int
	// recursive CTEs: while the step is planned, references read the
	// working table.
	recursive bool
	planning  bool
	work      int
}

// cteEnv is the set of CTEs in scope (innermost WITH first).
type cteEnv struct {
	parent *cteEnv
	defs   map[string]*cteDef
}

func (e *cteEnv) lookup(name string) *cteDef {
	for ; e != nil; e = e.parent {
		if d, ok := e.defs[name]; ok {
			return d
		}
	}
	return nil
}

func scopeDepth(s *scope) int {
	if s == nil {
		return -1
	}
	return s.depth()
}

// planSelect plans a query: WITH, body, statement-level ORDER BY, LIMIT,
// OFFSET. parent is the scope of the enclosing block for correlated
// subqueries (nil at top level and for FROM items). keepVals asks for
// positional values on the output rows.
func (p *Planner) planSelect(sel *ast.Select, parent *scope, env *cteEnv, keepVals bool) (exec.Node, []string, error) {
	if sel.With != nil {
		var err error
		if env, err = p.planWith(sel.With, parent, env); err != nil {
			return nil, nil, err
		}
	}
	tail := queryTail{order: sel.OrderBy, limit: sel.Limit, offset: sel.Offset}
	if core, ok := sel.Body.(*ast.SelectCore); ok {
		return p.planCore(core, parent, env, tail, keepVals)
	}
	node, names, _, err := p.planBody(sel.Body, parent, env)
	if err != nil {
		return nil, nil, err
	}
	if len(tail.order) > 0 {
		out := &scope{parent: parent, output: true, env: env}
		keys, err := p.sortKeys(out, tail.order, nil)
		if err != nil {
			return nil, nil, err
		}
		node = p.sortNode(node, keys, tail, false)
	}
	node, err = p.limitNode(node, tail)
	return node, names, err
}

// planBody plans a set-operation tree; count is the static number of
// output columns (-1 for SELECT *).
func (p *Planner) planBody(q ast.QueryExpr, parent *scope, env *cteEnv) (exec.Node, []string, int, error) {
	switch q := q.(type) {
	case *ast.SelectCore:
		node, names, err := p.planCore(q, parent, env, queryTail{}, true)
		count := len(names)
		if names == nil {
			count = -1
		}
		return node, names, count, err
	case *ast.SetOp:
		left, names, lc, err := p.planBody(q.Left, parent, env)
		if err != nil {
			return nil, nil, 0, err
		}
		right, _, rc, err := p.planBody(q.Right, parent, env)
		if err != nil {
			return nil, nil, 0, err
		}
		if lc >= 0 && rc >= 0 && lc != rc {
			return nil, nil, 0, sem.Errorf(sem.ErrPlan, "SELECTs to the left and right of %s have different number of columns", q.Op)
		}
		return &exec.SetOp{Op: q.Op, All: q.All, Left: left, Right: right, Names: names}, names, lc, nil
	}
	return nil, nil, 0, sem.NewError(sem.ErrUnsupported, "unsupported query body")
}

// planWith plans the CTEs of a WITH clause into a new environment.
func (p *Planner) planWith(w *ast.With, parent *scope, env *cteEnv) (*cteEnv, error) {
	next := &cteEnv{parent: env, defs: map[string]*cteDef{}}
	for _, c := range w.CTEs {
		if _, dup := next.defs[c.Name]; dup {
			return nil, sem.Errorf(sem.ErrPlan, "CTE name '%s' conflicts with an existing view or another CTE.", c.Name)
		}
		def := &cteDef{name: c.Name, columns: c.Columns, parent: parent, state: p.newState()}
		if w.Recursive {
			if err := p.planRecursive(def, c, parent, next); err != nil {
				return nil, err
			}
		} else {
			body, names, err := p.planSelect(c.Query, parent, next, c.Columns != nil)
			if err != nil {
				return nil, err
			}
			def.body, def.names = body, renamed(names, c.Columns)
		}
		next.defs[c.Name] = def
	}
	return next, nil
}

// renamed applies a positional column list to static names.
func renamed(names, cols []string) []string {
	if cols == nil {
		return names
	}
	if names == nil || len(cols) >= len(names) {
		return cols
	}
	out := append([]string(nil), cols...)
	return append(out, names[len(cols):]...)
}

// planRecursive plans WITH RECURSIVE name AS (anchor UNION [ALL] step).
func (p *Planner) planRecursive(def *cteDef, c *ast.CTE, parent *scope, env *cteEnv) error {
	op, ok := c.Query.Body.(*ast.SetOp)
	if !ok || op.Op != ast.Union || c.Query.With != nil || len(c.Query.OrderBy) > 0 || c.Query.Limit != nil || c.Query.Offset != nil {
		// Not of the recursive shape: an ordinary CTE.
		body, names, err := p.planSelect(c.Query, parent, env, c.Columns != nil)
		if err != nil {
			return err
		}
		def.body, def.names = body, renamed(names, c.Columns)
		return nil
	}
	anchor, names, _, err := p.planBody(op.Left, parent, env)
	if err != nil {
		return err
	}
	def.recursive, def.work = true, p.newState()
	def.names = renamed(names, c.Columns)
	// The step sees the CTE as its working table.
	inner := &cteEnv{parent: env, defs: map[string]*cteDef{c.Name: def}}
	def.planning = true
	step, _, _, err := p.planBody(op.Right, parent, inner)
	def.planning = false
	if err != nil {
		return err
	}
	cols := c.Columns
	if cols == nil {
		cols = names
	}
	def.body = &exec.Recursive{Name: c.Name, Anchor: anchor, Step: step, All: op.All, Columns: cols, Work: def.work}
	return nil
}

// queryTail is the statement-level ORDER BY / LIMIT / OFFSET of a block.
type queryTail struct {
	order         []ast.OrderItem
	limit, offset ast.Expr
}

// countFunc compiles a LIMIT/OFFSET value (a constant or a placeholder).
func (p *Planner) countFunc(e ast.Expr, what string) (func(*exec.Ctx) (int64, error), int64, bool, error) {
	switch e := e.(type) {
	case nil:
		return nil, 0, false, nil
	case *ast.Literal:
		if e.Kind != ast.LitInt || e.Int < 0 {
			return nil, 0, false, sem.Errorf(sem.ErrPlan, "%s must be a non-negative integer", what)
		}
		n := e.Int
		return func(*exec.Ctx) (int64, error) { return n, nil }, n, true, nil
	case *ast.Placeholder:
		idx := e.N
		return func(c *exec.Ctx) (int64, error) {
			if idx < 1 || idx > len(c.Params) {
				return 0, sem.Errorf(sem.ErrExec, "No value bound for parameter $%d", idx)
			}
			n, ok := c.Params[idx-1].AsInt()
			if !ok || n < 0 {
				return 0, sem.Errorf(sem.ErrExec, "%s must be a non-negative integer", what)
			}
			return n, nil
		}, 0, false, nil
	}
	return nil, 0, false, sem.Errorf(sem.ErrPlan, "%s must be a non-negative integer", what)
}

func (p *Planner) limitNode(node exec.Node, tail queryTail) (exec.Node, error) {
	if tail.limit == nil && tail.offset == nil {
		return node, nil
	}
	lim, _, _, err := p.countFunc(tail.limit, "LIMIT")
	if err != nil {
		return nil, err
	}
	off, _, _, err := p.countFunc(tail.offset, "OFFSET")
	if err != nil {
		return nil, err
	}
	text := ""
	if tail.limit != nil {
		text = "limit " + tail.limit.String()
	}
	if tail.offset != nil {
		if text != "" {
			text += ", "
		}
		text += "offset " + tail.offset.String()
	}
	return &exec.Limit{Input: node, Limit: lim, Offset: off, Text: text}, nil
}

// sortNode orders node by keys: a TopN when a LIMIT bounds the rows that
// matter (and no DISTINCT comes in between), else a full sort.
func (p *Planner) sortNode(node exec.Node, keys []exec.SortKey, tail queryTail, distinct bool) exec.Node {
	if tail.limit != nil && !distinct {
		lim, n, konst, err := p.countFunc(tail.limit, "LIMIT")
		off, o, okonst, err2 := p.countFunc(tail.offset, "OFFSET")
		if err == nil && err2 == nil {
			if konst && (tail.offset == nil || okonst) {
				return &exec.TopN{Input: node, Keys: keys, N: n + o}
			}
			return &exec.TopN{Input: node, Keys: keys, Count: func(c *exec.Ctx) (int64, error) {
				l, err := lim(c)
				if err != nil || off == nil {
					return l, err
				}
				o, err := off(c)
				return l + o, err
			}}
		}
	}
	return &exec.Sort{Input: node, Keys: keys}
}
