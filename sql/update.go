package sql

import (
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

// collectRows runs the row source of an UPDATE or DELETE to completion
// before anything is written, calling fn on each joined row; a target row
// is kept once (the first join partner wins, as in PostgreSQL).
func (s *stmt) collectRows(rows *plan.Rows, fn func(f *exec.Frame, m *matched) error) ([]*matched, error) {
	var out []*matched
	// Only a join can yield a target row twice.
	var seen map[string]bool
	if rows.Width > 1 {
		seen = map[string]bool{}
	}
	f := exec.NewFrame(s.ctx, nil, nil)
	err := exec.Run(rows.Node, s.ctx, nil, func(r *exec.Row) error {
		key := r.Slots[rows.Slot].Key
		if seen[key] {
			return nil
		}
		if int64(len(out)) >= s.ctx.Limits.MaxRows {
			return exec.ErrResultTooLarge
		}
		if seen != nil {
			seen[key] = true
		}
		m := &matched{slots: append([]exec.Slot(nil), r.Slots...)}
		m.slots[rows.Slot].Key = string([]byte(key)) // keys may alias a scan buffer
		if fn != nil {
			f.Row = r
			if err := fn(f, m); err != nil {
				return err
			}
		}
		out = append(out, m)
		return nil
	})
	return out, err
}

// execUpdate runs a planned UPDATE.
func (e *Engine) execUpdate(s *stmt, pl *updatePlan) (Result, error) {
	ti := pl.ti
	s.target = ti
	rows, err := s.collectRows(pl.rows, func(f *exec.Frame, m *matched) error {
		m.vals = make([]jsondoc.Value, len(pl.set))
		for i, a := range pl.set {
			v, err := a.fn(f)
			if err != nil {
				return err
			}
			if m.vals[i], err = ti.castColumn(a.col, v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	var count int64
	var out []*exec.Row
	for _, m := range rows {
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
