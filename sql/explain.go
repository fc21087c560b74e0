package sql

import (
	"fmt"

	"github.com/memflux/memflux/sql/ast"
	"github.com/memflux/memflux/sql/exec"
	"github.com/memflux/memflux/sql/sem"
	"github.com/memflux/memflux/txn"
)

// dmlExplain is the EXPLAIN root of a DML statement: a line naming the
// statement above the plan of the rows it reads. It only explains.
type dmlExplain struct {
	line  string
	input exec.Node
}

// Run implements exec.Node; an EXPLAIN root never runs.
func (d *dmlExplain) Run(*exec.Ctx, *exec.Frame, exec.Emit) error {
	return sem.NewError(sem.ErrInternal, "EXPLAIN plan cannot run")
}

// Explain implements exec.Node.
func (d *dmlExplain) Explain(e *exec.Explainer) {
	e.Line("%s", d.line)
	e.Child(d.input)
}

// explainDML plans an INSERT, UPDATE, DELETE or TRUNCATE for EXPLAIN.
func (e *Engine) explainDML(tx *txn.Txn, st ast.Statement) (exec.Node, error) {
	r := e.cat.NewReader(tx)
	switch st := st.(type) {
	case *ast.Insert:
		pl, err := e.planInsert(r, st)
		if err != nil {
			return nil, err
		}
		d := &dmlExplain{line: "Insert " + pl.ti.name}
		if pl.query != nil {
			d.input = pl.query.Root
		} else {
			d.input = &dmlExplain{line: fmt.Sprintf("Values (%d rows)", len(pl.values))}
		}
		return d, nil
	case *ast.Update:
		pl, err := e.planUpdate(r, st)
		if err != nil {
			return nil, err
		}
		return &dmlExplain{line: "Update " + pl.ti.name, input: pl.rows.Node}, nil
	case *ast.Delete:
		pl, err := e.planDelete(r, st.Table, st.Using, st.Where, st.Returning)
		if err != nil {
			return nil, err
		}
		return &dmlExplain{line: "Delete " + pl.ti.name, input: pl.rows.Node}, nil
	case *ast.Truncate:
		pl, err := e.planDelete(r, st.Table, nil, nil, nil)
		if err != nil {
			return nil, err
		}
		return &dmlExplain{line: "Truncate " + pl.ti.name, input: pl.rows.Node}, nil
	}
	return nil, sem.NewError(sem.ErrInternal, "not a DML statement")
}
