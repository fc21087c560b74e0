package sql

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/sql/ast"
	"github.com/memflux/memflux/sql/catalog"
	"github.com/memflux/memflux/sql/exec"
	"github.com/memflux/memflux/sql/plan"
	"github.com/memflux/memflux/sql/sem"
)

// insertPlan is a planned INSERT (SPEC §4.15). It is immutable and may be
// cached and run concurrently.
type insertPlan struct {
	ti   *tableInfo
	cols []string // target columns
	// Exactly one of values and query is set.
	values [][]exec.Expr
	query  *plan.Plan
	// conflict is the ON CONFLICT clause, nil when absent.
	conflict *conflictPlan
	ret      *returning
	nState   int
	// doc is how each row's document is built.
	doc docLayout
}

// docLayout is how an INSERT builds the document of a row (buildDoc): the
// target columns, then the DEFAULT of each absent schema column that has
// one, as members sorted by name. It is immutable.
type docLayout struct {
	// defCols are the absent schema columns with a DEFAULT, in name order
	// (the order their defaults are evaluated in).
	defCols []string
	// names are the member names in ascending order; src[i] is where the
	// value of member i comes from: an index into the target columns, then
	// (from len(cols) on) into defCols.
	names []string
	src   []int
	// key is the index (as in src) of the key column, -1 when the document
	// does not get it this way (absent, or a name jsondoc would rewrite).
	key int
}

// newDocLayout computes the layout of documents of ti built from cols.
func newDocLayout(ti *tableInfo, cols []string) docLayout {
	l := docLayout{key: -1}
	if ti.schema != nil && len(ti.defaults) > 0 {
		for _, c := range ti.schema.ColumnNames() {
			if _, ok := ti.defaults[c]; ok && !slices.Contains(cols, c) {
				l.defCols = append(l.defCols, c)
			}
		}
	}
	all := append(slices.Clip(cols), l.defCols...)
	l.src = make([]int, len(all))
	for i := range l.src {
		l.src[i] = i
	}
	slices.SortStableFunc(l.src, func(a, b int) int { return strings.Compare(all[a], all[b]) })
	l.names = make([]string, len(all))
	for i, j := range l.src {
		l.names[i] = all[j]
	}
	if utf8.ValidString(ti.keyCol) {
		l.key = slices.Index(all, ti.keyCol)
	}
	return l
}

// conflict targets.
const (
	conflictAny    = iota // no target
	conflictKey           // the key columns
	conflictUnique        // a UNIQUE column
)

// conflictPlan is a planned ON CONFLICT clause.
type conflictPlan struct {
	target   int
	unique   uniqueCons // conflictUnique
	doUpdate bool
	set      []assignment
	where    exec.Expr
}

// assignment is a compiled SET col = expr.
type assignment struct {
	col string
	fn  exec.Expr
}

// returning is a planned RETURNING clause: its projection reads the rows
// the executor feeds it.
type returning struct {
	node exec.Node
	feed *exec.Feed
}

// errNoConflictTarget is the error of an ON CONFLICT target that names no
// key or UNIQUE column.
var errNoConflictTarget = sem.NewError(sem.ErrPlan, "there is no unique or exclusion constraint matching the ON CONFLICT specification")

// checkColumns validates a column list against a schema: every column must
// exist (SPEC §4.6) and appear once.
func checkColumns(ti *tableInfo, cols []string) error {
	for i, c := range cols {
		if ti.schema != nil {
			if _, ok := ti.schema.Column(c); !ok {
				return sem.Errorf(sem.ErrPlan, "Column '%s' does not exist in table '%s'", c, ti.name)
			}
		}
		if slices.Contains(cols[:i], c) {
			return sem.Errorf(sem.ErrPlan, "Column '%s' specified more than once", c)
		}
	}
	return nil
}

func errInsertArity(cols, vals int) error {
	return sem.Errorf(sem.ErrPlan, "INSERT has mismatch between number of columns (%d) and values (%d)", cols, vals)
}

// planInsert plans an INSERT against the catalog as r sees it.
func (e *Engine) planInsert(r *catalog.Reader, ins *ast.Insert) (*insertPlan, error) {
	ti, err := e.targetInfo(r, ins.Table)
	if err != nil {
		return nil, err
	}
	pl := &insertPlan{ti: ti, cols: ins.Columns}
	if pl.cols == nil {
		if ti.schema == nil {
			return nil, sem.NewError(sem.ErrPlan, "Cannot INSERT without column list into a table with no schema")
		}
		pl.cols = ti.schema.Order
	}
	if err := checkColumns(ti, pl.cols); err != nil {
		return nil, err
	}
	pl.doc = newDocLayout(ti, pl.cols)
	p := &plan.Planner{Cat: r, Paths: e.paths()}
	if ins.Query != nil {
		if pl.query, err = p.QueryValues(ins.Query); err != nil {
			return nil, err
		}
		if pl.query.Names != nil && len(pl.query.Names) != len(pl.cols) {
			return nil, errInsertArity(len(pl.cols), len(pl.query.Names))
		}
	} else {
		vs := p.ValuesScope()
		for _, row := range ins.Values {
			if len(row) != len(pl.cols) {
				return nil, errInsertArity(len(pl.cols), len(row))
			}
			fns := make([]exec.Expr, len(row))
			for i, x := range row {
				if fns[i], err = vs.Compile(x); err != nil {
					return nil, err
				}
			}
			pl.values = append(pl.values, fns)
		}
	}
	if ins.OnConflict != nil {
		if pl.conflict, err = planConflict(p, ins.Table, ti, ins.OnConflict); err != nil {
			return nil, err
		}
	}
	if ins.Returning != nil {
		if pl.ret, err = planReturning(p.DocScope(ins.Table, ti.schema, false), ins.Returning); err != nil {
			return nil, err
		}
	}
	pl.nState = p.NState()
	return pl, nil
}

// targetInfo returns the compiled target table of a DML statement.
func (e *Engine) targetInfo(r *catalog.Reader, t *ast.TableName) (*tableInfo, error) {
	name := t.FullName()
	schema, err := r.Table(name)
	if err != nil {
		return nil, sem.Errorf(sem.ErrExec, "Schema of table '%s' is invalid: %v", name, err)
	}
	return e.infos.get(name, schema)
}

func planReturning(sc *plan.Scope, items []ast.SelectItem) (*returning, error) {
	node, feed, err := sc.Returning(items)
	if err != nil {
		return nil, err
	}
	return &returning{node: node, feed: feed}, nil
}

// planConflict resolves the target of ON CONFLICT and compiles DO UPDATE.
func planConflict(p *plan.Planner, t *ast.TableName, ti *tableInfo, oc *ast.OnConflict) (*conflictPlan, error) {
	cp := &conflictPlan{doUpdate: oc.DoUpdate}
	if oc.Columns != nil {
		var err error
		if cp.target, cp.unique, err = conflictTarget(ti, oc.Columns); err != nil {
			return nil, err
		}
	}
	if !oc.DoUpdate {
		return cp, nil
	}
	sc := p.ConflictScope(t, ti.schema)
	cols := make([]string, len(oc.Set))
	for i, a := range oc.Set {
		cols[i] = a.Column
	}
	if err := checkColumns(ti, cols); err != nil {
		return nil, err
	}
	for _, a := range oc.Set {
		if err := sc.Validate(a.Value); err != nil {
			return nil, err
		}
		fn, err := sc.Compile(a.Value)
		if err != nil {
			return nil, err
		}
		cp.set = append(cp.set, assignment{col: a.Column, fn: fn})
	}
	if oc.Where != nil {
		if err := sc.Validate(oc.Where); err != nil {
			return nil, err
		}
		fn, err := sc.Compile(oc.Where)
		if err != nil {
			return nil, err
		}
		cp.where = fn
	}
	return cp, nil
}

// conflictTarget resolves the column list of ON CONFLICT: the key columns
// (the PRIMARY KEY columns, else id) or a single UNIQUE column.
func conflictTarget(ti *tableInfo, cols []string) (int, uniqueCons, error) {
	keyCols := []string{"id"}
	if ti.schema != nil {
		if pk := ti.schema.PrimaryKey(); len(pk) > 0 {
			keyCols = pk
		}
	}
	if sameSet(cols, keyCols) {
		return conflictKey, uniqueCons{}, nil
	}
	if len(cols) == 1 {
		for _, u := range ti.uniques {
			if u.col == cols[0] {
				return conflictUnique, u, nil
			}
		}
	}
	return 0, uniqueCons{}, errNoConflictTarget
}

// sameSet reports whether a and b hold the same names.
func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// execInsert runs a planned INSERT.
func (e *Engine) execInsert(s *stmt, pl *insertPlan) (Result, error) {
	ti := pl.ti
	s.target = ti
	var out []*exec.Row
	var count int64
	emit := func(vals []jsondoc.Value) error {
		if len(vals) != len(pl.cols) {
			return errInsertArity(len(pl.cols), len(vals))
		}
		doc, key, err := s.buildDoc(ti, pl, vals)
		if err != nil {
			return err
		}
		key, stored, done, err := s.insertRow(pl, key, doc)
		if err != nil || !done {
			return err
		}
		count++
		if pl.ret != nil {
			out = append(out, docRow(ti, key, stored))
		}
		return nil
	}
	var err error
	if pl.query != nil {
		err = s.queryRows(pl.query, emit)
	} else {
		err = s.valuesRows(pl.values, len(pl.cols), emit)
	}
	if err != nil {
		return Result{}, err
	}
	s.flush()
	if pl.ret == nil {
		return Result{Kind: ResultCount, Count: count}, nil
	}
	return s.returningRows(pl.ret, out)
}

// queryRows runs INSERT … SELECT's query and passes its rows' values to
// emit. The rows are materialized first: the statement's own writes must
// not feed back into a query over the same table.
func (s *stmt) queryRows(q *plan.Plan, emit func([]jsondoc.Value) error) error {
	var rows [][]jsondoc.Value
	err := exec.Run(q.Root, s.ctx, nil, func(r *exec.Row) error {
		if int64(len(rows)) >= s.ctx.Limits.MaxRows {
			return exec.ErrResultTooLarge
		}
		rows = append(rows, slices.Clone(exec.Positional(r)))
		return nil
	})
	if err != nil {
		return err
	}
	for _, vals := range rows {
		if err := emit(vals); err != nil {
			return err
		}
	}
	return nil
}

// valuesRows evaluates the rows of INSERT … VALUES (without a row context)
// and passes each to emit.
func (s *stmt) valuesRows(values [][]exec.Expr, width int, emit func([]jsondoc.Value) error) error {
	f := s.ctx.RootFrame()
	vals := slices.Grow(s.vals[:0], width)[:width]
	s.vals = vals
	for _, row := range values {
		for i, fn := range row {
			v, err := fn(f)
			if err != nil {
				return err
			}
			vals[i] = v
		}
		if err := emit(vals); err != nil {
			return err
		}
	}
	return nil
}

// buildDoc makes the document of a new row (SPEC §4.15 step 3): the target
// columns, cast to their schema types, then the defaults of the absent
// schema columns. It also returns the row's key when the key column is one
// of those (ti.keyFor), else "".
func (s *stmt) buildDoc(ti *tableInfo, pl *insertPlan, vals []jsondoc.Value) (doc, key string, err error) {
	l := &pl.doc
	n := len(pl.cols) + len(l.defCols)
	all := slices.Grow(s.docVals[:0], n)[:n]
	members := slices.Grow(s.members[:0], n)
	defer func() {
		clear(all)
		clear(members)
		s.docVals, s.members = all[:0], members[:0]
	}()
	for i, c := range pl.cols {
		if all[i], err = ti.castColumn(c, vals[i]); err != nil {
			return "", "", err
		}
	}
	for i, c := range l.defCols {
		v, _, err := s.evalDefault(ti, c)
		if err != nil {
			return "", "", err
		}
		all[len(pl.cols)+i] = v
	}
	for i, name := range l.names {
		members = append(members, jsondoc.Member{Name: name, Value: all[l.src[i]]})
	}
	// The members come sorted, so Object keeps them in place (the scratch
	// slice); the text is copied out of the scratch buffer.
	buf := jsondoc.Object(members).Append(s.docBuf[:0])
	s.docBuf = buf
	if l.key >= 0 {
		key = ti.keyFor(all[l.key])
	}
	return string(buf), key, nil
}

// insertRow inserts one proposed document (SPEC §4.15 steps 4–7). done is
// false when ON CONFLICT … DO NOTHING (or a DO UPDATE whose WHERE is not
// true) skipped the row; key and stored are the written row otherwise.
func (s *stmt) insertRow(pl *insertPlan, key, doc string) (_, stored string, done bool, err error) {
	ti := pl.ti
	if key == "" {
		key = ti.deriveKey(doc)
	}
	if ti.schema != nil {
		if err := s.checkRowBasics(ti, key, doc); err != nil {
			return "", "", false, err
		}
	}
	if pl.conflict != nil {
		existing, found, err := s.arbiter(pl, key, doc)
		if err != nil {
			return "", "", false, err
		}
		if found {
			if !pl.conflict.doUpdate {
				return "", "", false, nil
			}
			return s.upsert(pl, existing, doc)
		}
	}
	if ti.schema != nil {
		if err := s.checkUniques(ti, "", "", doc); err != nil {
			return "", "", false, err
		}
		if err := s.checkForeignKeys(ti, "", doc); err != nil {
			return "", "", false, err
		}
	}
	if _, exists := s.load(key); exists {
		return "", "", false, errKeyExists(key)
	}
	if pl.conflict != nil || (pl.query == nil && len(pl.values) == 1) {
		// DO UPDATE may rewrite any row, so an upsert writes at once; so
		// does a single row, which no later row has to see staged.
		s.put(ti, key, "", doc)
	} else {
		s.stage(ti, key, doc)
	}
	return key, doc, true, nil
}

// arbiter finds the existing row a proposed row conflicts with under the
// statement's ON CONFLICT clause (SPEC §4.15 step 6).
func (s *stmt) arbiter(pl *insertPlan, key, doc string) (string, bool, error) {
	cp, ti := pl.conflict, pl.ti
	if cp.target == conflictUnique {
		return s.uniqueConflict(ti, cp.unique, "", doc)
	}
	if _, exists := s.load(key); exists {
		return key, true, nil
	}
	if cp.target == conflictAny && !cp.doUpdate {
		for _, u := range ti.uniques {
			if k, found, err := s.uniqueConflict(ti, u, "", doc); err != nil || found {
				return k, found, err
			}
		}
	}
	return "", false, nil
}

// upsert runs DO UPDATE SET … [WHERE …] on the existing row key for the
// proposed document excl.
func (s *stmt) upsert(pl *insertPlan, key, excl string) (string, string, bool, error) {
	ti, cp := pl.ti, pl.conflict
	old, _ := s.load(key)
	outer := exec.NewFrame(s.ctx, nil, &exec.Row{Slots: []exec.Slot{{Doc: excl}}})
	f := exec.NewFrame(s.ctx, outer, docRow(ti, key, old))
	if cp.where != nil {
		v, err := cp.where(f)
		if err != nil {
			return "", "", false, err
		}
		if !sem.IsTrue(v) {
			return "", "", false, nil
		}
	}
	doc := old
	keySet := false
	for _, a := range cp.set {
		v, err := a.fn(f)
		if err != nil {
			return "", "", false, err
		}
		if v, err = ti.castColumn(a.col, v); err != nil {
			return "", "", false, err
		}
		if doc, err = setMember(doc, a.col, v); err != nil {
			return "", "", false, err
		}
		keySet = keySet || a.col == ti.keyCol
	}
	newKey, err := s.updateRow(ti, key, old, doc, keySet)
	if err != nil {
		return "", "", false, err
	}
	return newKey, doc, true, nil
}

// returningRows feeds the written rows to a RETURNING projection and
// collects its output.
func (s *stmt) returningRows(ret *returning, rows []*exec.Row) (Result, error) {
	exec.SetFeed(s.ctx, ret.feed.State, rows)
	out := make([]string, 0, len(rows))
	err := exec.Run(ret.node, s.ctx, nil, func(r *exec.Row) error {
		out = append(out, r.Text())
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	return Result{Kind: ResultRows, Rows: out}, nil
}
