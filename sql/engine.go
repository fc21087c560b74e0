package sql

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/dgraph-io/ristretto/v2"

	"github.com/memflux/memflux/index"
	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/sql/ast"
	"github.com/memflux/memflux/sql/catalog"
	"github.com/memflux/memflux/sql/exec"
	"github.com/memflux/memflux/sql/parser"
	"github.com/memflux/memflux/sql/plan"
	"github.com/memflux/memflux/sql/sem"
	"github.com/memflux/memflux/txn"
)

// Options configure an Engine. The zero value (or nil) means defaults.
type Options struct {
	// Limits bound each execution (result size, recursion); zero fields
	// take the exec package defaults.
	Limits exec.Limits
	// Paths, when set, offers index access paths to the planner.
	Paths plan.PathProvider
	// NoCache disables the plan cache.
	NoCache bool
}

// Engine runs SQL statements. It is safe for concurrent use.
type Engine struct {
	opts  Options
	cat   catalog.Catalog
	infos tableInfos     // compiled tables for DML, by schema
	id    string         // plan cache key prefix
	idx   *index.Manager // secondary indexes (index.go); nil: none
}

var engineIDs atomic.Uint64

// New returns an engine.
func New(opts *Options) *Engine {
	e := &Engine{id: strconv.FormatUint(engineIDs.Add(1), 36) + "\x00"}
	if opts != nil {
		e.opts = *opts
	}
	return e
}

// paths returns the access paths the planner may use: the primary-key
// lookup (keypath.go) and those of the attached index provider.
func (e *Engine) paths() plan.PathProvider { return keyPaths{next: e.opts.Paths} }

// SetPaths installs the access-path provider (the index package calls it
// when it attaches to the database).
func (e *Engine) SetPaths(p plan.PathProvider) { e.opts.Paths = p }

// Catalog returns the engine's catalog cache (DDL code reads and invalidates
// through it).
func (e *Engine) Catalog() *catalog.Catalog { return &e.cat }

// planCache is the process-wide cache of prepared statements.
var (
	cacheOnce sync.Once
	cache     *ristretto.Cache[string, *Prepared]
)

// cacheEntries bounds the number of cached statements.
const cacheEntries = 10_000

func planCache() *ristretto.Cache[string, *Prepared] {
	cacheOnce.Do(func() {
		c, err := ristretto.NewCache(&ristretto.Config[string, *Prepared]{
			NumCounters: 10 * cacheEntries,
			MaxCost:     cacheEntries,
			BufferItems: 64,
		})
		if err == nil {
			cache = c
		}
	})
	return cache
}

// ResultKind tells how a statement's result is replied (SPEC §4.1).
type ResultKind uint8

const (
	// ResultRows: an array of rows (SELECT, EXPLAIN, DML with RETURNING).
	ResultRows ResultKind = iota
	// ResultCount: a row count (DML and TRUNCATE without RETURNING).
	ResultCount
	// ResultOK: +OK (DDL, transaction statements).
	ResultOK
)

// Result is the outcome of one statement.
type Result struct {
	Kind ResultKind
	// Rows are compact canonical JSON objects, one per row.
	Rows []string
	// Count is the number of rows affected (ResultCount).
	Count int64
	// Cols and Vals hold the rows in column form instead of Rows when the
	// statement ran through ExecColumns and is a query with a static select
	// list: Cols are its output names in select-list order, each once (a
	// repeated name holds the value of its last item, as the rendered object
	// does), and Vals the values row after row, len(Cols) per row. Each value
	// is the one the rendered row holds: Rows[i] would be the object of
	// Cols and row i's values with members sorted by name.
	Cols []string
	Vals []jsondoc.Value
}

// Prepared is a parsed statement with its cached plan. It is immutable
// apart from the plan slot and safe for concurrent use.
type Prepared struct {
	Text string
	Stmt ast.Statement
	// NParams is the number of parameters the statement takes.
	NParams int
	plan    atomic.Pointer[planEntry]
}

type planEntry struct {
	plan *plan.Plan
	// dml is the plan of an INSERT, UPDATE, DELETE or TRUNCATE
	// (*insertPlan, *updatePlan, *deletePlan).
	dml  any
	deps []catalog.Dep
	// validAt is 1 + the snapshot at which an untracked snapshot transaction
	// without writes last found deps holding (planFor); 0: none did.
	validAt atomic.Uint64
}

// Prepare parses text (or returns the cached parse).
func (e *Engine) Prepare(text string) (*Prepared, error) {
	var c *ristretto.Cache[string, *Prepared]
	if !e.opts.NoCache {
		c = planCache()
	}
	if c != nil {
		if p, ok := c.Get(e.id + text); ok {
			return p, nil
		}
	}
	stmt, err := parser.Parse(text)
	if err != nil {
		return nil, syntaxError(err)
	}
	p := &Prepared{Text: text, Stmt: stmt, NParams: ast.MaxPlaceholder(stmt)}
	if c != nil {
		c.Set(e.id+text, p, 1)
	}
	return p, nil
}

// syntaxError wraps a parser error into an engine error.
func syntaxError(err error) error {
	var se *parser.SyntaxError
	if errors.As(err, &se) {
		kind := sem.ErrSyntax
		if errors.Is(err, parser.ErrUnsupported) {
			kind = sem.ErrUnsupported
		}
		return &sem.Error{Kind: kind, Msg: se.Msg, Pos: se.Pos, Err: err}
	}
	return &sem.Error{Kind: sem.ErrSyntax, Msg: err.Error(), Pos: -1, Err: err}
}

// IsTxnControl reports whether stmt is BEGIN, COMMIT, ROLLBACK, SAVEPOINT,
// ROLLBACK TO or RELEASE: statements the session runs, not the engine.
func IsTxnControl(stmt ast.Statement) bool {
	switch stmt.(type) {
	case *ast.Begin, *ast.Commit, *ast.Rollback, *ast.Savepoint, *ast.RollbackTo, *ast.Release:
		return true
	}
	return false
}

// ReadOnly reports whether stmt never writes: SELECT and EXPLAIN.
func ReadOnly(stmt ast.Statement) bool {
	switch stmt.(type) {
	case *ast.Select, *ast.Explain:
		return true
	}
	return false
}

// Exec parses and runs one statement in tx.
func (e *Engine) Exec(tx *txn.Txn, text string, params ...jsondoc.Value) (Result, error) {
	p, err := e.Prepare(text)
	if err != nil {
		return Result{}, err
	}
	return e.ExecPrepared(tx, p, params...)
}

// ExecPrepared runs a prepared statement in tx. The statement is atomic:
// when it fails, none of its writes remain in tx.
func (e *Engine) ExecPrepared(tx *txn.Txn, p *Prepared, params ...jsondoc.Value) (res Result, err error) {
	return e.execPrepared(tx, p, params, ExecOptions{})
}

// ExecColumns is ExecPrepared that returns the rows of a query with a static
// select list in column form (Result.Cols and Result.Vals) rather than
// rendered: the values are not written as JSON text. Other statements give
// the result ExecPrepared gives.
func (e *Engine) ExecColumns(tx *txn.Txn, p *Prepared, params []jsondoc.Value) (Result, error) {
	return e.execPrepared(tx, p, params, ExecOptions{Columns: true})
}

// ExecOptions tune one execution of ExecWith. The zero value is ExecPrepared.
type ExecOptions struct {
	// Columns returns the rows of a query with a static select list in column
	// form, as ExecColumns does.
	Columns bool
	// Snapshot tells that tx is a snapshot transaction (txn.ModeSnapshot) that
	// records no reads (Txn.SkipReadTracking), as an auto-committed query is.
	// The cached plan of a query is then trusted without reading its catalog
	// keys again when an earlier such execution at the same snapshot found it
	// valid: the catalog cannot differ between them. A wrong claim may run a
	// stale plan.
	Snapshot bool
}

// ExecWith is ExecPrepared with options.
func (e *Engine) ExecWith(tx *txn.Txn, p *Prepared, params []jsondoc.Value, opts ExecOptions) (Result, error) {
	return e.execPrepared(tx, p, params, opts)
}

func (e *Engine) execPrepared(tx *txn.Txn, p *Prepared, params []jsondoc.Value, opts ExecOptions) (res Result, err error) {
	mark := tx.Mark()
	defer func() {
		if r := recover(); r != nil {
			err = &sem.Error{Kind: sem.ErrInternal, Msg: fmt.Sprintf("internal error: %v", r), Pos: -1}
		}
		if err != nil {
			tx.RollbackToMark(mark)
			res = Result{}
		}
	}()
	if len(params) < p.NParams {
		return Result{}, sem.Errorf(sem.ErrExec, "statement takes %d parameters, got %d", p.NParams, len(params))
	}
	return e.dispatch(tx, p, params, opts)
}

// dispatch runs a statement by kind. DDL and DML execution plug in here
// (SPEC §4.14–§4.16).
func (e *Engine) dispatch(tx *txn.Txn, p *Prepared, params []jsondoc.Value, opts ExecOptions) (Result, error) {
	switch s := p.Stmt.(type) {
	case *ast.Select:
		return e.query(tx, p, s, params, opts)
	case *ast.Explain:
		return e.explain(tx, s)
	case *ast.Insert, *ast.Update, *ast.Delete, *ast.Truncate:
		return e.execDML(tx, p, params)
	case *ast.Begin, *ast.Commit, *ast.Rollback, *ast.Savepoint, *ast.RollbackTo, *ast.Release:
		return Result{}, sem.NewError(sem.ErrUnsupported, "transaction statements are run by the session, not the engine")
	case *ast.CreateIndex, *ast.DropIndex:
		return e.execIndexDDL(e.newStmt(tx, params, 0), p.Stmt)
	}
	return e.execDDL(e.newStmt(tx, params, 0), p.Stmt)
}

// dmlPlanFor returns a valid plan of a DML statement for tx: the cached one
// when every catalog key it depends on is unchanged for tx, else a new one.
func (e *Engine) dmlPlanFor(tx *txn.Txn, p *Prepared) (any, error) {
	if ent := p.plan.Load(); ent != nil && ent.dml != nil && depsHold(tx, ent.deps) {
		return ent.dml, nil
	}
	r := e.cat.NewReader(tx)
	var pl any
	var err error
	switch st := p.Stmt.(type) {
	case *ast.Insert:
		pl, err = e.planInsert(r, st)
	case *ast.Update:
		pl, err = e.planUpdate(r, st)
	case *ast.Delete:
		pl, err = e.planDelete(r, st.Table, st.Using, st.Where, st.Returning)
	case *ast.Truncate:
		pl, err = e.planDelete(r, st.Table, nil, nil, nil)
	}
	if err != nil {
		return nil, err
	}
	p.plan.Store(&planEntry{dml: pl, deps: r.Deps})
	return pl, nil
}

// execDML plans (or reuses the plan of) and runs an INSERT, UPDATE, DELETE
// or TRUNCATE.
func (e *Engine) execDML(tx *txn.Txn, p *Prepared, params []jsondoc.Value) (Result, error) {
	pl, err := e.dmlPlanFor(tx, p)
	if err != nil {
		return Result{}, err
	}
	var s *stmt
	var res Result
	switch pl := pl.(type) {
	case *insertPlan:
		s = e.acquireStmt(tx, params, pl.nState)
		res, err = e.execInsert(s, pl)
	case *updatePlan:
		s = e.acquireStmt(tx, params, pl.nState)
		res, err = e.execUpdate(s, pl)
	case *deletePlan:
		s = e.acquireStmt(tx, params, pl.nState)
		res, err = e.execDelete(s, pl)
	default:
		return Result{}, sem.NewError(sem.ErrInternal, "unknown DML plan")
	}
	// Not deferred: a statement that panicked is not released.
	s.release()
	return res, err
}

// statementName names a statement kind for messages.
func statementName(s ast.Statement) string {
	switch s.(type) {
	case *ast.Insert:
		return "INSERT"
	case *ast.Update:
		return "UPDATE"
	case *ast.Delete:
		return "DELETE"
	case *ast.CreateTable:
		return "CREATE TABLE"
	case *ast.DropTable:
		return "DROP TABLE"
	case *ast.AlterTable:
		return "ALTER TABLE"
	case *ast.Truncate:
		return "TRUNCATE"
	case *ast.CreateView:
		return "CREATE VIEW"
	case *ast.DropView:
		return "DROP VIEW"
	case *ast.CreateSchema:
		return "CREATE SCHEMA"
	case *ast.CreateIndex:
		return "CREATE INDEX"
	case *ast.DropIndex:
		return "DROP INDEX"
	}
	return "this"
}

// planFor returns a valid plan of a SELECT for tx: the cached one when
// every catalog key it depends on is unchanged for tx, else a new one.
// pure tells that tx is an untracked snapshot transaction without writes
// (ExecOptions.Snapshot): what it reads depends only on its snapshot, so a
// plan found valid at that snapshot before is valid without checking.
func (e *Engine) planFor(tx *txn.Txn, p *Prepared, sel *ast.Select, pure bool) (*plan.Plan, error) {
	ent := p.plan.Load()
	if ent != nil && ent.plan != nil {
		if pure && ent.validAt.Load() == tx.Start()+1 {
			return ent.plan, nil
		}
		if depsHold(tx, ent.deps) {
			if pure {
				ent.validAt.Store(tx.Start() + 1)
			}
			return ent.plan, nil
		}
	}
	pl, deps, err := e.planSelect(tx, sel)
	if err != nil {
		return nil, err
	}
	ent = &planEntry{plan: pl, deps: deps}
	if pure {
		ent.validAt.Store(tx.Start() + 1)
	}
	p.plan.Store(ent)
	return pl, nil
}

func (e *Engine) planSelect(tx *txn.Txn, sel *ast.Select) (*plan.Plan, []catalog.Dep, error) {
	r := e.cat.NewReader(tx)
	pl := &plan.Planner{Cat: r, Paths: e.paths()}
	out, err := pl.PlanQuery(sel)
	if err != nil {
		return nil, nil, err
	}
	return out, r.Deps, nil
}

func depsHold(tx *txn.Txn, deps []catalog.Dep) bool {
	for i := range deps {
		if !deps[i].Holds(tx) {
			return false
		}
	}
	return true
}

// query runs a SELECT and collects its rows, in column form when asked and
// the plan allows.
func (e *Engine) query(tx *txn.Txn, p *Prepared, sel *ast.Select, params []jsondoc.Value, opts ExecOptions) (Result, error) {
	pl, err := e.planFor(tx, p, sel, opts.Snapshot && tx.Writes() == 0)
	if err != nil {
		return Result{}, err
	}
	if opts.Columns && pl.Values != nil {
		return e.runColumns(tx, pl, params)
	}
	rows, err := e.run(tx, pl, params)
	if err != nil {
		return Result{}, err
	}
	return Result{Kind: ResultRows, Rows: rows}, nil
}

// run executes a plan and collects the rendered rows within the limits.
func (e *Engine) run(tx *txn.Txn, pl *plan.Plan, params []jsondoc.Value) ([]string, error) {
	c := exec.AcquireCtx(tx, params, pl.NState, e.opts.Limits)
	r := textRuns.Get().(*textRun)
	r.c = c
	err := exec.Run(pl.Root, c, nil, r.collect)
	c.Release()
	rows := r.rows
	r.c, r.rows, r.bytes = nil, nil, 0
	textRuns.Put(r)
	if err != nil {
		return nil, err
	}
	if rows == nil {
		rows = []string{}
	}
	return rows, nil
}

// textRun is the state of one run execution: the collected rows and their
// size. It is pooled (textRuns); it is not safe for concurrent use.
type textRun struct {
	c       *exec.Ctx
	rows    []string
	bytes   int64
	collect exec.Emit // r.doCollect
}

var textRuns = sync.Pool{New: func() any {
	r := &textRun{}
	r.collect = r.doCollect
	return r
}}

// doCollect keeps one rendered row within the limits.
func (r *textRun) doCollect(row *exec.Row) error {
	text := row.Text()
	r.bytes += int64(len(text))
	if int64(len(r.rows)) >= r.c.Limits.MaxRows || r.bytes > r.c.Limits.MaxBytes {
		return exec.ErrResultTooLarge
	}
	r.rows = append(r.rows, text)
	return nil
}

// columnRun is the state of one runColumns execution: the collected values and
// the sizes the rendered rows would take. It is pooled (columnRuns) so that a
// point query allocates only its result; it is not safe for concurrent use.
type columnRun struct {
	c        *exec.Ctx
	values   *exec.Project
	vals     []jsondoc.Value
	n, bytes int64
	scratch  []byte
	collect  exec.Emit // r.doCollect
}

var columnRuns = sync.Pool{New: func() any {
	r := &columnRun{}
	r.collect = r.doCollect
	return r
}}

// doCollect keeps one row's values within the limits.
func (r *columnRun) doCollect(row *exec.Row) error {
	size := 0
	for _, v := range row.Vals {
		size += textLen(v, &r.scratch)
	}
	r.bytes += int64(r.values.TextLen(size))
	if r.n >= r.c.Limits.MaxRows || r.bytes > r.c.Limits.MaxBytes {
		return exec.ErrResultTooLarge
	}
	r.n++
	if r.vals == nil {
		r.vals = make([]jsondoc.Value, 0, len(row.Vals))
	}
	r.vals = append(r.vals, row.Vals...)
	return nil
}

// runColumns executes a plan whose projection can emit column form and
// collects the values within the limits, counting the bytes the rendered
// rows would take.
func (e *Engine) runColumns(tx *txn.Txn, pl *plan.Plan, params []jsondoc.Value) (Result, error) {
	c := exec.AcquireCtx(tx, params, pl.NState, e.opts.Limits)
	c.TakeValues(pl.Values)
	r := columnRuns.Get().(*columnRun)
	r.c, r.values = c, pl.Values
	err := exec.Run(pl.Root, c, nil, r.collect)
	c.Release()
	res := Result{Kind: ResultRows, Cols: pl.Values.Columns(), Vals: r.vals}
	r.c, r.values, r.vals, r.n, r.bytes = nil, nil, nil, 0, 0
	if cap(r.scratch) > 4<<10 {
		r.scratch = nil
	}
	columnRuns.Put(r)
	if err != nil {
		return Result{}, err
	}
	return res, nil
}

// textLen returns the length of v's canonical text; scratch is a buffer to
// render into.
func textLen(v jsondoc.Value, scratch *[]byte) int {
	if s, ok := v.Str(); ok && plainText(s) {
		return len(s) + 2
	}
	*scratch = v.Append((*scratch)[:0])
	return len(*scratch)
}

// plainText reports whether s is written as JSON text unchanged: printable
// ASCII without quote or backslash.
func plainText(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// explain renders the plan of a query as rows {"plan": line}.
func (e *Engine) explain(tx *txn.Txn, x *ast.Explain) (Result, error) {
	var lines []string
	switch st := x.Stmt.(type) {
	case *ast.Select:
		pl, _, err := e.planSelect(tx, st)
		if err != nil {
			return Result{}, err
		}
		lines = pl.Explain()
	case *ast.Insert, *ast.Update, *ast.Delete, *ast.Truncate:
		node, err := e.explainDML(tx, st)
		if err != nil {
			return Result{}, err
		}
		lines = exec.Explain(node)
	default:
		return Result{}, sem.Errorf(sem.ErrUnsupported, "EXPLAIN of %s statements is not supported yet", statementName(x.Stmt))
	}
	rows := make([]string, len(lines))
	for i, l := range lines {
		b := []byte(`{"plan":`)
		b = jsondoc.Quote(b, l)
		rows[i] = string(append(b, '}'))
	}
	return Result{Kind: ResultRows, Rows: rows}, nil
}

// Close releases the engine. Cached plans of the engine age out of the
// shared cache.
func (e *Engine) Close() {}
