package parser

import (
	"fmt"

	"github.com/memflux/memflux/sql/ast"
)

// insert parses INSERT INTO name [AS alias] [(cols)] (VALUES rows | query)
// [ON CONFLICT …] [RETURNING list].
func (p *parser) insert() (ast.Statement, error) {
	pos := p.advance().pos
	if err := p.expectKw("INTO"); err != nil {
		return nil, err
	}
	table, err := p.tableName()
	if err != nil {
		return nil, err
	}
	if p.acceptKw("AS") {
		if table.Alias, _, err = p.ident(); err != nil {
			return nil, err
		}
	}
	ins := &ast.Insert{Table: table, Pos: pos}
	if p.isPunct("(") {
		if ins.Columns, err = p.identList(); err != nil {
			return nil, err
		}
	}
	switch {
	case p.acceptKw("VALUES"):
		if ins.Values, err = p.valuesRows(ins.Columns); err != nil {
			return nil, err
		}
	case p.isSelectStart():
		if ins.Query, err = p.query(); err != nil {
			return nil, err
		}
	default:
		return nil, p.errExpected("VALUES")
	}
	if p.isKw("ON") {
		if ins.OnConflict, err = p.onConflict(); err != nil {
			return nil, err
		}
	}
	if ins.Returning, err = p.returning(); err != nil {
		return nil, err
	}
	return ins, nil
}

// valuesRows parses (e, …) {, (e, …)}. With a column list every row must
// have exactly one value per column.
func (p *parser) valuesRows(cols []string) ([][]ast.Expr, error) {
	var rows [][]ast.Expr
	for {
		rowPos := p.tok().pos
		if err := p.expectPunct("("); err != nil {
			return nil, err
		}
		row, err := p.exprList()
		if err != nil {
			return nil, err
		}
		if err := p.expectPunct(")"); err != nil {
			return nil, err
		}
		if cols != nil && len(row) != len(cols) {
			return nil, &SyntaxError{Pos: rowPos, Msg: fmt.Sprintf(
				"INSERT has mismatch between number of columns (%d) and values (%d)", len(cols), len(row))}
		}
		rows = append(rows, row)
		if !p.acceptPunct(",") {
			return rows, nil
		}
	}
}

// onConflict parses ON CONFLICT [(cols)] DO NOTHING | DO UPDATE SET …
// [WHERE …].
func (p *parser) onConflict() (*ast.OnConflict, error) {
	oc := &ast.OnConflict{Pos: p.advance().pos}
	if err := p.expectKw("CONFLICT"); err != nil {
		return nil, err
	}
	var err error
	if p.isPunct("(") {
		if oc.Columns, err = p.identList(); err != nil {
			return nil, err
		}
	}
	if err := p.expectKw("DO"); err != nil {
		return nil, err
	}
	switch {
	case p.acceptKw("NOTHING"):
		return oc, nil
	case p.acceptKw("UPDATE"):
	default:
		return nil, p.errHere()
	}
	oc.DoUpdate = true
	if err := p.expectKw("SET"); err != nil {
		return nil, err
	}
	if oc.Set, err = p.assignments(); err != nil {
		return nil, err
	}
	if p.acceptKw("WHERE") {
		if oc.Where, err = p.expr(); err != nil {
			return nil, err
		}
	}
	return oc, nil
}

// assignments parses col = expr {, col = expr}.
func (p *parser) assignments() ([]ast.Assignment, error) {
	var set []ast.Assignment
	for {
		name, pos, err := p.ident()
		if err != nil {
			return nil, err
		}
		if err := p.expectPunct("="); err != nil {
			return nil, err
		}
		v, err := p.expr()
		if err != nil {
			return nil, err
		}
		set = append(set, ast.Assignment{Column: name, Value: v, Pos: pos})
		if !p.acceptPunct(",") {
			return set, nil
		}
	}
}

// returning parses an optional RETURNING list; nil when absent.
func (p *parser) returning() ([]ast.SelectItem, error) {
	if !p.acceptKw("RETURNING") {
		return nil, nil
	}
	return p.selectList()
}

// targetTable parses the target of UPDATE and DELETE: name [[AS] alias].
func (p *parser) targetTable() (*ast.TableName, error) {
	t, err := p.tableName()
	if err != nil {
		return nil, err
	}
	if t.Alias, err = p.alias(); err != nil {
		return nil, err
	}
	return t, nil
}

// update parses UPDATE name [alias] SET … [FROM list] [WHERE e]
// [RETURNING list].
func (p *parser) update() (ast.Statement, error) {
	pos := p.advance().pos
	table, err := p.targetTable()
	if err != nil {
		return nil, err
	}
	u := &ast.Update{Table: table, Pos: pos}
	if err := p.expectKw("SET"); err != nil {
		return nil, err
	}
	if u.Set, err = p.assignments(); err != nil {
		return nil, err
	}
	if p.acceptKw("FROM") {
		if u.From, err = p.tableList(); err != nil {
			return nil, err
		}
	}
	if p.acceptKw("WHERE") {
		if u.Where, err = p.expr(); err != nil {
			return nil, err
		}
	}
	if u.Returning, err = p.returning(); err != nil {
		return nil, err
	}
	return u, nil
}

// delete parses DELETE FROM name [alias] [USING list] [WHERE e]
// [RETURNING list].
func (p *parser) delete() (ast.Statement, error) {
	pos := p.advance().pos
	if err := p.expectKw("FROM"); err != nil {
		return nil, err
	}
	table, err := p.targetTable()
	if err != nil {
		return nil, err
	}
	d := &ast.Delete{Table: table, Pos: pos}
	if p.acceptKw("USING") {
		if d.Using, err = p.tableList(); err != nil {
			return nil, err
		}
	}
	if p.acceptKw("WHERE") {
		if d.Where, err = p.expr(); err != nil {
			return nil, err
		}
	}
	if d.Returning, err = p.returning(); err != nil {
		return nil, err
	}
	return d, nil
}
