package sql

import (
	"slices"
	"strings"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/sql/ast"
	"github.com/memflux/memflux/sql/catalog"
	"github.com/memflux/memflux/sql/exec"
	"github.com/memflux/memflux/sql/plan"
)

// updatePlan is a planned UPDATE (SPEC §4.15). It is immutable and may be
// cached and run concurrently.
type updatePlan struct {
	ti     *tableInfo
	rows   *plan.Rows
	set    []assignment
	keySet bool // the key column is assigned
	// refSet is set when a column a foreign key may reference (a PRIMARY
	// KEY or UNIQUE column, any column of a table without a schema) is
	// assigned: only then can ON UPDATE actions apply.
	refSet bool
	ret    *returning
	nState int
}

// planUpdate plans an UPDATE against the catalog as r sees it.
func (e *Engine) planUpdate(r *catalog.Reader, up *ast.Update) (*updatePlan, error) {
	ti, err := e.targetInfo(r, up.Table)
	if err != nil {
		return nil, err
	}
	cols := make([]string, len(up.Set))
	exprs := make([]ast.Expr, len(up.Set))
	for i, a := range up.Set {
		cols[i], exprs[i] = a.Column, a.Value
	}
	if err := checkColumns(ti, cols); err != nil {
		return nil, err
	}
	p := &plan.Planner{Cat: r, Paths: e.paths()}
	rows, err := p.PlanRows(up.Table, ti.schema, up.From, up.Where, exprs)
	if err != nil {
		return nil, err
	}
	pl := &updatePlan{ti: ti, rows: rows, refSet: ti.schema == nil}
	for _, a := range up.Set {
		fn, err := rows.Compile(a.Value)
		if err != nil {
			return nil, err
		}
		pl.set = append(pl.set, assignment{col: a.Column, fn: fn})
		pl.keySet = pl.keySet || a.Column == ti.keyCol
		pl.refSet = pl.refSet || ti.referencable(a.Column)
	}
	if up.Returning != nil {
		if pl.ret, err = planReturning(rows.Scope, up.Returning); err != nil {
			return nil, err
		}
	}
	pl.nState = p.NState()
	return pl, nil
}

// matched is one row an UPDATE or DELETE matched: the joined row (slots
// copied) and, for UPDATE, the computed SET values.
type matched struct {
	slots []exec.Slot
	vals  []jsondoc.Value
}

// collector is the state of stmt.collectRows: the rows matched so far, with
// their slots and SET values carved from shared buffers, and the frame the
// SET expressions are evaluated in. A pooled stmt keeps it (and its buffers)
// from one statement to the next; it is not safe for concurrent use.
type collector struct {
	s    *stmt
	rows *plan.Rows
	set  []assignment // the UPDATE's SET, nil for a DELETE
	ti   *tableInfo
	seen map[string]bool
	f    exec.Frame
	out  []matched
	// slots and vals hold the slots and SET values of out's rows.
	slots []exec.Slot
	vals  []jsondoc.Value
	emit  exec.Emit // c.collect, bound once
}

// maxPooledRows bounds the matched rows (and their slots and values) whose
// buffers a released collector keeps.
const maxPooledRows = 64

// reset empties c for the next statement, keeping small buffers.
func (c *collector) reset() {
	clear(c.out)
	clear(c.slots)
	clear(c.vals)
	if cap(c.out) > maxPooledRows || cap(c.slots) > 4*maxPooledRows || cap(c.vals) > 4*maxPooledRows {
		c.out, c.slots, c.vals = nil, nil, nil
	}
	*c = collector{out: c.out[:0], slots: c.slots[:0], vals: c.vals[:0], emit: c.emit}
}

// collectRows runs the row source of an UPDATE or DELETE to completion
// before anything is written; for an UPDATE (set not nil) it computes each
// row's SET values, cast to ti's column types. A target row is kept once
// (the first join partner wins, as in PostgreSQL). The rows are valid until
// the statement is released.
func (s *stmt) collectRows(rows *plan.Rows, ti *tableInfo, set []assignment) ([]matched, error) {
	c := s.coll
	if c == nil {
		c = &collector{}
		c.emit = c.collect
		s.coll = c
	}
	c.s, c.rows, c.ti, c.set = s, rows, ti, set
	// Only a join can yield a target row twice.
	if rows.Width > 1 {
		c.seen = map[string]bool{}
	}
	c.f = exec.Frame{Ctx: s.ctx}
	err := exec.Run(rows.Node, s.ctx, nil, c.emit)
	return c.out, err
}

// collect keeps one joined row (collectRows).
func (c *collector) collect(r *exec.Row) error {
	key := r.Slots[c.rows.Slot].Key
	if c.seen[key] {
		return nil
	}
	if int64(len(c.out)) >= c.s.ctx.Limits.MaxRows {
		return exec.ErrResultTooLarge
	}
	key = strings.Clone(key) // keys may alias a scan buffer
	if c.seen != nil {
		c.seen[key] = true
	}
	// The buffers only grow: rows carved before a reallocation keep the old
	// arrays, which nothing writes any more.
	n := len(c.slots)
	c.slots = append(c.slots, r.Slots...)
	m := matched{slots: c.slots[n:len(c.slots):len(c.slots)]}
	m.slots[c.rows.Slot].Key = key
	if c.set != nil {
		n := len(c.vals)
		c.vals = slices.Grow(c.vals, len(c.set))[:n+len(c.set)]
		m.vals = c.vals[n:len(c.vals):len(c.vals)]
		c.f.Row = r
		for i, a := range c.set {
			v, err := a.fn(&c.f)
			if err != nil {
				return err
			}
			if m.vals[i], err = c.ti.castColumn(a.col, v); err != nil {
				return err
			}
		}
	}
	c.out = append(c.out, m)
	return nil
}

// execUpdate runs a planned UPDATE.
func (e *Engine) execUpdate(s *stmt, pl *updatePlan) (Result, error) {
	ti := pl.ti
	s.target = ti
	rows, err := s.collectRows(pl.rows, ti, pl.set)
	if err != nil {
		return Result{}, err
	}
	var count int64
	var out []*exec.Row
	for i := range rows {
		m := &rows[i]
		slot := &m.slots[pl.rows.Slot]
		old, ok := s.load(slot.Key)
		if !ok {
			continue // deleted by a cascade of an earlier row
		}
		doc := old
		for i, a := range pl.set {
			if doc, err = setMember(doc, a.col, m.vals[i]); err != nil {
				return Result{}, err
			}
		}
		s.noActions = !pl.refSet
		newKey, err := s.updateRow(ti, slot.Key, old, doc, pl.keySet)
		s.noActions = false
		if err != nil {
			return Result{}, err
		}
		count++
		if pl.ret != nil {
			slot.Doc, slot.Key = doc, newKey
			out = append(out, &exec.Row{Slots: m.slots})
		}
	}
	if pl.ret == nil {
		return Result{Kind: ResultCount, Count: count}, nil
	}
	return s.returningRows(pl.ret, out)
}

// updateRow writes the new document doc of row key (previously old) after
// the checks of SPEC §4.15 (UPDATE steps 3–5): NOT NULL, CHECK, UNIQUE
// (the row itself excluded) and FOREIGN KEY, then the ON UPDATE actions of
// the foreign keys referencing the row, then the write — under a new key
// when keySet and the key column's value changed. It returns the row's
// key after the write.
func (s *stmt) updateRow(ti *tableInfo, key, old, doc string, keySet bool) (string, error) {
	newKey := key
	if keySet {
		pre := len(ti.name) + 1
		before := colValue(old, key, pre, ti.keyCol)
		after := colValue(doc, key, pre, ti.keyCol)
		if !jsondoc.Equal(before, after) {
			newKey = ti.deriveKey(doc)
		}
	}
	if err := s.checkRow(ti, key, old, doc); err != nil {
		return "", err
	}
	if newKey != key {
		if _, exists := s.load(newKey); exists {
			return "", errKeyExists(newKey)
		}
	}
	if !s.noActions {
		if err := s.onParentUpdate(ti, key, old, newKey, doc); err != nil {
			return "", err
		}
	}
	if newKey == key {
		s.put(ti, key, old, doc)
		return key, nil
	}
	s.del(ti, key, old)
	s.put(ti, newKey, "", doc)
	return newKey, nil
}
