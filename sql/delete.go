package sql

import (
	"github.com/memflux/memflux/sql/ast"
	"github.com/memflux/memflux/sql/catalog"
	"github.com/memflux/memflux/sql/exec"
	"github.com/memflux/memflux/sql/plan"
)

// deletePlan is a planned DELETE or TRUNCATE (SPEC §4.15, §4.14). It is
// immutable and may be cached and run concurrently.
type deletePlan struct {
	ti     *tableInfo
	rows   *plan.Rows
	ret    *returning
	nState int
}

// planDelete plans DELETE FROM t [USING …] [WHERE …] [RETURNING …]; a
// TRUNCATE is a DELETE without USING and WHERE.
func (e *Engine) planDelete(r *catalog.Reader, t *ast.TableName, using []ast.TableExpr, where ast.Expr, ret []ast.SelectItem) (*deletePlan, error) {
	ti, err := e.targetInfo(r, t)
	if err != nil {
		return nil, err
	}
	p := &plan.Planner{Cat: r, Paths: e.paths()}
	rows, err := p.PlanRows(t, ti.schema, using, where, nil)
	if err != nil {
		return nil, err
	}
	pl := &deletePlan{ti: ti, rows: rows}
	if ret != nil {
		if pl.ret, err = planReturning(rows.Scope, ret); err != nil {
			return nil, err
		}
	}
	pl.nState = p.NState()
	return pl, nil
}

// execDelete runs a planned DELETE: the matching rows are collected first,
// then each is deleted after the ON DELETE actions of the foreign keys
// referencing it (SPEC §4.16). The count is the number of keys actually
// deleted.
func (e *Engine) execDelete(s *stmt, pl *deletePlan) (Result, error) {
	ti := pl.ti
	s.target = ti
	rows, err := s.collectRows(pl.rows, ti, nil)
	if err != nil {
		return Result{}, err
	}
	var count int64
	var out []*exec.Row
	for _, m := range rows {
		deleted, err := s.deleteRow(ti, m.slots[pl.rows.Slot].Key)
		if err != nil {
			return Result{}, err
		}
		if !deleted {
			continue
		}
		count++
		if pl.ret != nil {
			out = append(out, &exec.Row{Slots: m.slots})
		}
	}
	if pl.ret == nil {
		return Result{Kind: ResultCount, Count: count}, nil
	}
	return s.returningRows(pl.ret, out)
}
