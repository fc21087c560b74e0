package parser

import (
	"strings"

	"github.com/memflux/memflux/sql/ast"
)

// create dispatches CREATE [UNIQUE] INDEX | TABLE | VIEW | SCHEMA.
func (p *parser) create() (ast.Statement, error) {
	start := p.advance()
	switch {
	case p.acceptKw("UNIQUE"):
		if err := p.expectKw("INDEX"); err != nil {
			return nil, err
		}
		return p.createIndex(start.pos, true)
	case p.acceptKw("INDEX"):
		return p.createIndex(start.pos, false)
	case p.acceptKw("TABLE"):
		return p.createTable(start.pos)
	case p.acceptKw("VIEW"):
		return p.createView(start.pos)
	case p.acceptKw("SCHEMA"):
		return p.createSchema(start.pos)
	}
	return nil, p.unsupportedAfter(start)
}

// unsupportedAfter reports "Unsupported SQL command: CREATE X" for an
// unknown object kind after CREATE/DROP/ALTER.
func (p *parser) unsupportedAfter(first *token) error {
	cmd := strings.ToUpper(first.text)
	if t := p.tok(); t.kind != tkEOF {
		cmd += " " + strings.ToUpper(t.text)
	}
	return errUnsupported(first.pos, "Unsupported SQL command: %s", cmd)
}

// ifNotExists consumes IF NOT EXISTS when present.
func (p *parser) ifNotExists() bool {
	if p.isKw("IF") && p.peek(1).kw == "NOT" && p.peek(2).kw == "EXISTS" {
		p.advance()
		p.advance()
		p.advance()
		return true
	}
	return false
}

// ifExists consumes IF EXISTS when present.
func (p *parser) ifExists() bool {
	if p.isKw("IF") && p.peek(1).kw == "EXISTS" {
		p.advance()
		p.advance()
		return true
	}
	return false
}

// createTable parses [IF NOT EXISTS] name ( element {, element} ).
func (p *parser) createTable(pos int) (ast.Statement, error) {
	ct := &ast.CreateTable{Pos: pos, IfNotExists: p.ifNotExists()}
	var err error
	if ct.Table, err = p.tableName(); err != nil {
		return nil, err
	}
	if err := p.expectPunct("("); err != nil {
		return nil, err
	}
	for {
		if p.atTableConstraint() {
			c, err := p.tableConstraint()
			if err != nil {
				return nil, err
			}
			ct.Constraints = append(ct.Constraints, c)
		} else {
			col, extra, err := p.columnDef()
			if err != nil {
				return nil, err
			}
			ct.Columns = append(ct.Columns, col)
			ct.Constraints = append(ct.Constraints, extra...)
		}
		if !p.acceptPunct(",") {
			break
		}
	}
	if err := p.expectPunct(")"); err != nil {
		return nil, err
	}
	return ct, nil
}

func (p *parser) atTableConstraint() bool {
	switch p.tok().kw {
	case "CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN":
		return true
	}
	return false
}

// columnDef parses name type {column constraint}. Named constraints and
// REFERENCES clauses come back as table constraints over the column.
func (p *parser) columnDef() (*ast.ColumnDef, []*ast.TableConstraint, error) {
	name, pos, err := p.ident()
	if err != nil {
		return nil, nil, err
	}
	typ, err := p.typeName()
	if err != nil {
		return nil, nil, err
	}
	col := &ast.ColumnDef{Name: name, Type: typ, Pos: pos}
	var extra []*ast.TableConstraint
	for {
		t := p.tok()
		cname := ""
		if t.kw == "CONSTRAINT" {
			p.advance()
			if cname, _, err = p.ident(); err != nil {
				return nil, nil, err
			}
			t = p.tok()
		}
		named := func(kind ast.ConstraintKind) *ast.TableConstraint {
			c := &ast.TableConstraint{Name: cname, Kind: kind, Columns: []string{name}, Pos: t.pos}
			extra = append(extra, c)
			return c
		}
		switch t.kw {
		case "NOT":
			p.advance()
			if err := p.expectKw("NULL"); err != nil {
				return nil, nil, err
			}
			col.NotNull = true
		case "NULL":
			p.advance()
		case "DEFAULT":
			if cname != "" || col.Default != nil {
				return nil, nil, p.errHere()
			}
			p.advance()
			if col.Default, err = p.expr(); err != nil {
				return nil, nil, err
			}
		case "PRIMARY":
			p.advance()
			if err := p.expectKw("KEY"); err != nil {
				return nil, nil, err
			}
			if cname != "" {
				named(ast.ConstraintPrimaryKey)
			} else {
				col.PrimaryKey = true
			}
		case "UNIQUE":
			p.advance()
			if cname != "" {
				named(ast.ConstraintUnique)
			} else {
				col.Unique = true
			}
		case "CHECK":
			p.advance()
			e, err := p.parenExpr()
			if err != nil {
				return nil, nil, err
			}
			if cname != "" {
				c := named(ast.ConstraintCheck)
				c.Check, c.Columns = e, nil
			} else {
				col.Checks = append(col.Checks, e)
			}
		case "REFERENCES":
			p.advance()
			if err := p.references(named(ast.ConstraintForeignKey)); err != nil {
				return nil, nil, err
			}
		default:
			if cname != "" {
				return nil, nil, p.errHere()
			}
			return col, extra, nil
		}
	}
}

// tableConstraint parses [CONSTRAINT name] PRIMARY KEY (cols) |
// UNIQUE (cols) | CHECK (expr) | FOREIGN KEY (cols) REFERENCES ….
func (p *parser) tableConstraint() (*ast.TableConstraint, error) {
	c := &ast.TableConstraint{Pos: p.tok().pos}
	var err error
	if p.acceptKw("CONSTRAINT") {
		if c.Name, _, err = p.ident(); err != nil {
			return nil, err
		}
	}
	kw := p.tok().kw
	switch kw {
	case "PRIMARY", "UNIQUE", "CHECK", "FOREIGN":
		p.advance()
	default:
		return nil, p.errHere()
	}
	switch kw {
	case "PRIMARY":
		c.Kind = ast.ConstraintPrimaryKey
		if err := p.expectKw("KEY"); err != nil {
			return nil, err
		}
		c.Columns, err = p.identList()
	case "UNIQUE":
		c.Kind = ast.ConstraintUnique
		c.Columns, err = p.identList()
	case "CHECK":
		c.Kind = ast.ConstraintCheck
		c.Check, err = p.parenExpr()
	case "FOREIGN":
		c.Kind = ast.ConstraintForeignKey
		if err := p.expectKw("KEY"); err != nil {
			return nil, err
		}
		if c.Columns, err = p.identList(); err != nil {
			return nil, err
		}
		if err := p.expectKw("REFERENCES"); err != nil {
			return nil, err
		}
		err = p.references(c)
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

// references parses table [(cols)] {ON DELETE action | ON UPDATE action}
// after REFERENCES.
func (p *parser) references(c *ast.TableConstraint) error {
	var err error
	if c.RefTable, err = p.tableName(); err != nil {
		return err
	}
	if p.isPunct("(") {
		if c.RefColumns, err = p.identList(); err != nil {
			return err
		}
	}
	var seenDelete, seenUpdate bool
	for p.isKw("ON") {
		p.advance()
		target := &c.OnDelete
		switch {
		case !seenDelete && p.acceptKw("DELETE"):
			seenDelete = true
		case !seenUpdate && p.acceptKw("UPDATE"):
			seenUpdate, target = true, &c.OnUpdate
		default:
			return p.errHere()
		}
		if *target, err = p.refAction(); err != nil {
			return err
		}
	}
	return nil
}

// refAction parses CASCADE | RESTRICT | NO ACTION | SET NULL | SET DEFAULT.
func (p *parser) refAction() (ast.RefAction, error) {
	switch {
	case p.acceptKw("CASCADE"):
		return ast.RefCascade, nil
	case p.acceptKw("RESTRICT"):
		return ast.RefRestrict, nil
	case p.acceptKw("NO"):
		return ast.RefNoAction, p.expectKw("ACTION")
	case p.acceptKw("SET"):
		switch {
		case p.acceptKw("NULL"):
			return ast.RefSetNull, nil
		case p.acceptKw("DEFAULT"):
			return ast.RefSetDefault, nil
		}
	}
	return 0, p.errHere()
}

// createView parses name [(cols)] AS query, keeping the query's text.
func (p *parser) createView(pos int) (ast.Statement, error) {
	name, err := p.tableName()
	if err != nil {
		return nil, err
	}
	v := &ast.CreateView{Name: name, Pos: pos}
	if p.isPunct("(") {
		if v.Columns, err = p.identList(); err != nil {
			return nil, err
		}
	}
	if err := p.expectKw("AS"); err != nil {
		return nil, err
	}
	if !p.isSelectStart() {
		return nil, p.errHere()
	}
	start := p.tok().pos
	if v.Query, err = p.query(); err != nil {
		return nil, err
	}
	v.Text = p.sql[start:p.prevEnd]
	return v, nil
}

// createSchema parses [IF NOT EXISTS] name.
func (p *parser) createSchema(pos int) (ast.Statement, error) {
	s := &ast.CreateSchema{Pos: pos, IfNotExists: p.ifNotExists()}
	var err error
	if s.Name, _, err = p.ident(); err != nil {
		return nil, err
	}
	return s, nil
}

// createIndex parses [IF NOT EXISTS] name ON table ( expr {, expr} ).
func (p *parser) createIndex(pos int, unique bool) (ast.Statement, error) {
	ci := &ast.CreateIndex{Unique: unique, Pos: pos, IfNotExists: p.ifNotExists()}
	var err error
	if ci.Name, _, err = p.ident(); err != nil {
		return nil, err
	}
	if err := p.expectKw("ON"); err != nil {
		return nil, err
	}
	if ci.Table, err = p.tableName(); err != nil {
		return nil, err
	}
	if err := p.expectPunct("("); err != nil {
		return nil, err
	}
	if ci.Exprs, err = p.exprList(); err != nil {
		return nil, err
	}
	return ci, p.expectPunct(")")
}

// drop parses DROP TABLE | VIEW | INDEX [IF EXISTS] name.
func (p *parser) drop() (ast.Statement, error) {
	start := p.advance()
	switch {
	case p.acceptKw("TABLE"):
		d := &ast.DropTable{Pos: start.pos, IfExists: p.ifExists()}
		var err error
		if d.Table, err = p.tableName(); err != nil {
			return nil, err
		}
		return d, nil
	case p.acceptKw("VIEW"):
		d := &ast.DropView{Pos: start.pos, IfExists: p.ifExists()}
		var err error
		if d.Name, err = p.tableName(); err != nil {
			return nil, err
		}
		return d, nil
	case p.acceptKw("INDEX"):
		d := &ast.DropIndex{Pos: start.pos, IfExists: p.ifExists()}
		var err error
		if d.Name, _, err = p.ident(); err != nil {
			return nil, err
		}
		return d, nil
	}
	return nil, p.unsupportedAfter(start)
}

// truncate parses TRUNCATE [TABLE] name.
func (p *parser) truncate() (ast.Statement, error) {
	pos := p.advance().pos
	p.acceptKw("TABLE")
	t, err := p.tableName()
	if err != nil {
		return nil, err
	}
	return &ast.Truncate{Table: t, Pos: pos}, nil
}

// alterTable parses ALTER TABLE name action (one action, SPEC §4.14).
func (p *parser) alterTable() (ast.Statement, error) {
	start := p.advance()
	if !p.acceptKw("TABLE") {
		return nil, p.unsupportedAfter(start)
	}
	table, err := p.tableName()
	if err != nil {
		return nil, err
	}
	at := &ast.AlterTable{Table: table, Pos: start.pos}
	t := p.tok()
	switch t.kw {
	case "ADD":
		p.advance()
		at.Action, err = p.alterAdd(t.pos)
	case "DROP":
		p.advance()
		at.Action, err = p.alterDrop(t.pos)
	case "RENAME":
		p.advance()
		at.Action, err = p.alterRename(t.pos)
	case "ALTER":
		p.advance()
		at.Action, err = p.alterColumn(t.pos)
	default:
		return nil, p.errHere()
	}
	if err != nil {
		return nil, err
	}
	return at, nil
}

// alterAdd parses ADD [CONSTRAINT name] constraint | ADD [COLUMN]
// [IF NOT EXISTS] coldef.
func (p *parser) alterAdd(pos int) (ast.AlterAction, error) {
	if p.atTableConstraint() {
		c, err := p.tableConstraint()
		if err != nil {
			return nil, err
		}
		return &ast.AddConstraint{Constraint: c, Pos: pos}, nil
	}
	p.acceptKw("COLUMN")
	a := &ast.AddColumn{Pos: pos, IfNotExists: p.ifNotExists()}
	var err error
	if a.Column, a.Constraints, err = p.columnDef(); err != nil {
		return nil, err
	}
	return a, nil
}

// alterDrop parses DROP CONSTRAINT [IF EXISTS] name | DROP [COLUMN]
// [IF EXISTS] name.
func (p *parser) alterDrop(pos int) (ast.AlterAction, error) {
	if p.acceptKw("CONSTRAINT") {
		d := &ast.DropConstraint{Pos: pos, IfExists: p.ifExists()}
		var err error
		if d.Name, _, err = p.ident(); err != nil {
			return nil, err
		}
		return d, nil
	}
	p.acceptKw("COLUMN")
	d := &ast.DropColumn{Pos: pos, IfExists: p.ifExists()}
	var err error
	if d.Name, _, err = p.ident(); err != nil {
		return nil, err
	}
	return d, nil
}

// alterRename parses RENAME TO name | RENAME [COLUMN] old TO new.
func (p *parser) alterRename(pos int) (ast.AlterAction, error) {
	if p.acceptKw("TO") {
		name, _, err := p.ident()
		if err != nil {
			return nil, err
		}
		return &ast.RenameTable{NewName: name, Pos: pos}, nil
	}
	p.acceptKw("COLUMN")
	old, _, err := p.ident()
	if err != nil {
		return nil, err
	}
	if err := p.expectKw("TO"); err != nil {
		return nil, err
	}
	name, _, err := p.ident()
	if err != nil {
		return nil, err
	}
	return &ast.RenameColumn{Old: old, New: name, Pos: pos}, nil
}

// alterColumn parses ALTER [COLUMN] col SET DEFAULT e | DROP DEFAULT |
// SET NOT NULL | DROP NOT NULL | [SET DATA] TYPE type.
func (p *parser) alterColumn(pos int) (ast.AlterAction, error) {
	p.acceptKw("COLUMN")
	col, _, err := p.ident()
	if err != nil {
		return nil, err
	}
	switch {
	case p.acceptKw("SET"):
		switch {
		case p.acceptKw("DEFAULT"):
			e, err := p.expr()
			if err != nil {
				return nil, err
			}
			return &ast.SetDefault{Column: col, Default: e, Pos: pos}, nil
		case p.acceptKw("NOT"):
			return &ast.SetNotNull{Column: col, Pos: pos}, p.expectKw("NULL")
		case p.acceptKw("DATA"):
			if err := p.expectKw("TYPE"); err != nil {
				return nil, err
			}
			return p.alterType(col, pos)
		}
	case p.acceptKw("DROP"):
		switch {
		case p.acceptKw("DEFAULT"):
			return &ast.DropDefault{Column: col, Pos: pos}, nil
		case p.acceptKw("NOT"):
			return &ast.DropNotNull{Column: col, Pos: pos}, p.expectKw("NULL")
		}
	case p.acceptKw("TYPE"):
		return p.alterType(col, pos)
	}
	return nil, p.errHere()
}

func (p *parser) alterType(col string, pos int) (ast.AlterAction, error) {
	typ, err := p.typeName()
	if err != nil {
		return nil, err
	}
	return &ast.AlterColumnType{Column: col, Type: typ, Pos: pos}, nil
}
