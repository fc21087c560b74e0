package ast

import (
	"math"
	"strconv"
	"strings"
)

// SQL renders n back as SQL text of the MemFlux dialect, with the
// parentheses precedence requires and no others. Unlike Expr.String (the
// column-naming rendering of SPEC §4.8) the result re-parses to the same
// tree: parser.Parse(SQL(stmt)) and parser.ParseExpr(SQL(expr)) yield trees
// with equal Dump output. The catalog uses it to store DEFAULT and CHECK
// expressions after rewriting them (RENAME COLUMN).
//
// Trees built by hand must have the shapes the parser produces for the
// round trip to hold: set operations and joins left-deep, set-operation
// operands without their own ORDER BY/LIMIT, literal numbers non-negative.
// Placeholders always render as $N. CreateView renders its Text when set.
// Structural nodes without SQL of their own (With, CTE, OnConflict) render
// as "".
func SQL(n Node) string {
	var w sqlWriter
	w.node(n)
	return w.b.String()
}

// Precedence levels of the expression grammar, lowest first.
const (
	precOr = iota + 1
	precAnd
	precNot
	precCompare
	precConcat
	precAdditive
	precMult
	precUnary
	precPrimary
)

type sqlWriter struct {
	b strings.Builder
}

func (w *sqlWriter) s(parts ...string) {
	for _, p := range parts {
		w.b.WriteString(p)
	}
}

// exprPrec returns the precedence level at which e binds.
func exprPrec(e Expr) int {
	switch e := e.(type) {
	case *Logical:
		if e.Op == LogicOr {
			return precOr
		}
		return precAnd
	case *Not:
		return precNot
	case *Comparison, *IsNull, *Between, *In, *Like, *AnyAll:
		return precCompare
	case *Binary:
		switch e.Op {
		case OpConcat:
			return precConcat
		case OpAdd, OpSub:
			return precAdditive
		}
		return precMult
	case *Unary:
		return precUnary
	case *Literal:
		if (e.Kind == LitInt && e.Int < 0) || (e.Kind == LitFloat && math.Signbit(e.Float)) {
			return precUnary
		}
	}
	return precPrimary
}

// expr writes e, parenthesised when it binds looser than min.
func (w *sqlWriter) expr(e Expr, min int) {
	if e == nil {
		w.s("NULL")
		return
	}
	if exprPrec(e) < min {
		w.s("(")
		w.exprBody(e)
		w.s(")")
		return
	}
	w.exprBody(e)
}

func (w *sqlWriter) exprList(list []Expr) {
	for i, e := range list {
		if i > 0 {
			w.s(", ")
		}
		w.expr(e, precOr)
	}
}

func (w *sqlWriter) exprBody(e Expr) {
	switch e := e.(type) {
	case *Literal:
		w.literal(e)
	case *ColumnRef, *Placeholder, *Star, *QualifiedStar:
		w.s(e.String())
	case *Unary:
		w.s("-")
		switch x := e.X.(type) {
		case *Unary:
			w.s(" ") // "- -x": the same tree, and readable
			w.exprBody(x)
		case *Literal:
			if exprPrec(x) == precUnary { // a negative number: -(-5)
				w.s("(")
				w.exprBody(x)
				w.s(")")
				return
			}
			w.exprBody(x)
		default:
			w.expr(e.X, precUnary)
		}
	case *Binary:
		p := exprPrec(e)
		w.expr(e.L, p)
		w.s(" ", e.Op.String(), " ")
		w.expr(e.R, p+1)
	case *Comparison:
		w.expr(e.L, precConcat)
		w.s(" ", e.Op.String(), " ")
		w.expr(e.R, precConcat)
	case *Logical:
		p := exprPrec(e)
		w.expr(e.L, p)
		w.s(" ", e.Op.String(), " ")
		w.expr(e.R, p+1)
	case *Not:
		w.s("NOT ")
		w.expr(e.X, precNot)
	case *IsNull:
		w.expr(e.X, precConcat)
		if e.Not {
			w.s(" IS NOT NULL")
		} else {
			w.s(" IS NULL")
		}
	case *Between:
		w.expr(e.X, precConcat)
		w.s(" BETWEEN ")
		w.expr(e.Lo, precConcat)
		w.s(" AND ")
		w.expr(e.Hi, precConcat)
	case *In:
		w.expr(e.X, precConcat)
		w.s(" IN (")
		if e.Query != nil {
			w.query(e.Query)
		} else {
			w.exprList(e.List)
		}
		w.s(")")
	case *Like:
		w.expr(e.X, precConcat)
		if e.Insensitive {
			w.s(" ILIKE ")
		} else {
			w.s(" LIKE ")
		}
		w.expr(e.Pattern, precConcat)
		if e.Escape != nil {
			w.s(" ESCAPE ")
			w.expr(e.Escape, precConcat)
		}
	case *AnyAll:
		w.expr(e.X, precConcat)
		q := " ANY ("
		if e.All {
			q = " ALL ("
		}
		w.s(" ", e.Op.String(), q)
		w.query(e.Query)
		w.s(")")
	case *Exists:
		w.s("EXISTS (")
		w.query(e.Query)
		w.s(")")
	case *Subquery:
		w.s("(")
		w.query(e.Query)
		w.s(")")
	case *Case:
		w.s("CASE")
		for _, wh := range e.Whens {
			w.s(" WHEN ")
			w.expr(wh.Cond, precOr)
			w.s(" THEN ")
			w.expr(wh.Result, precOr)
		}
		if e.Else != nil {
			w.s(" ELSE ")
			w.expr(e.Else, precOr)
		}
		w.s(" END")
	case *Cast:
		w.s("CAST(")
		w.expr(e.X, precOr)
		w.s(" AS ", e.Type.String(), ")")
	case *FuncCall:
		w.funcCall(e)
	case *ArrayLit:
		w.s("ARRAY[")
		w.exprList(e.Elems)
		w.s("]")
	}
}

func (w *sqlWriter) literal(l *Literal) {
	switch l.Kind {
	case LitNull:
		w.s("NULL")
	case LitBool:
		if l.Bool {
			w.s("TRUE")
		} else {
			w.s("FALSE")
		}
	case LitInt:
		w.s(strconv.FormatInt(l.Int, 10))
	case LitFloat:
		if math.IsNaN(l.Float) || math.IsInf(l.Float, 0) {
			w.s("NULL")
			return
		}
		// Fixed notation: an exponent sign would lex as an operator. A '.'
		// keeps integral values floats.
		f := strconv.FormatFloat(l.Float, 'f', -1, 64)
		if !strings.Contains(f, ".") {
			f += ".0"
		}
		w.s(f)
	case LitString:
		w.s(QuoteSQL(l.Str))
	}
}

// QuoteSQL returns s as an SQL string literal: single quotes doubled,
// everything else (backslashes included) literal.
func QuoteSQL(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

func (w *sqlWriter) funcCall(f *FuncCall) {
	if f.NoParens {
		w.s(f.Name)
		return
	}
	w.s(f.Name, "(")
	if f.Distinct {
		w.s("DISTINCT ")
	}
	if f.Star {
		w.s("*")
	} else {
		w.exprList(f.Args)
	}
	if len(f.OrderBy) > 0 {
		w.s(" ")
		w.orderBy(f.OrderBy)
	}
	w.s(")")
}

func (w *sqlWriter) orderBy(items []OrderItem) {
	w.s("ORDER BY ")
	for i, o := range items {
		if i > 0 {
			w.s(", ")
		}
		w.expr(o.Expr, precOr)
		if o.Desc {
			w.s(" DESC")
		}
		switch o.Nulls {
		case NullsFirst:
			w.s(" NULLS FIRST")
		case NullsLast:
			w.s(" NULLS LAST")
		}
	}
}

func (w *sqlWriter) query(s *Select) {
	if s.With != nil {
		w.s("WITH ")
		if s.With.Recursive {
			w.s("RECURSIVE ")
		}
		for i, c := range s.With.CTEs {
			if i > 0 {
				w.s(", ")
			}
			w.s(c.Name)
			if c.Columns != nil {
				w.s(" (", strings.Join(c.Columns, ", "), ")")
			}
			w.s(" AS (")
			w.query(c.Query)
			w.s(")")
		}
		w.s(" ")
	}
	w.queryExpr(s.Body)
	if len(s.OrderBy) > 0 {
		w.s(" ")
		w.orderBy(s.OrderBy)
	}
	if s.Limit != nil {
		w.s(" LIMIT ")
		w.expr(s.Limit, precPrimary)
	}
	if s.Offset != nil {
		w.s(" OFFSET ")
		w.expr(s.Offset, precPrimary)
	}
}

func (w *sqlWriter) queryExpr(q QueryExpr) {
	switch q := q.(type) {
	case *SetOp:
		w.queryExpr(q.Left)
		w.s(" ", q.Op.String(), " ")
		if q.All {
			w.s("ALL ")
		}
		w.queryExpr(q.Right)
	case *SelectCore:
		w.selectCore(q)
	}
}

func (w *sqlWriter) selectCore(c *SelectCore) {
	w.s("SELECT ")
	if c.Distinct {
		w.s("DISTINCT ")
	}
	if c.DistinctOn != nil {
		w.s("DISTINCT ON (")
		w.exprList(c.DistinctOn)
		w.s(") ")
	}
	w.items(c.Items)
	w.s(" FROM ")
	w.tableExpr(c.From)
	if c.Where != nil {
		w.s(" WHERE ")
		w.expr(c.Where, precOr)
	}
	if len(c.GroupBy) > 0 {
		w.s(" GROUP BY ")
		w.exprList(c.GroupBy)
	}
	if c.Having != nil {
		w.s(" HAVING ")
		w.expr(c.Having, precOr)
	}
}

func (w *sqlWriter) items(items []SelectItem) {
	for i, it := range items {
		if i > 0 {
			w.s(", ")
		}
		w.expr(it.Expr, precOr)
		if it.Alias != "" {
			w.s(" AS ", it.Alias)
		}
	}
}

func (w *sqlWriter) tableName(t *TableName) {
	w.s(t.FullName())
	if t.Alias != "" {
		w.s(" AS ", t.Alias)
	}
}

func (w *sqlWriter) tableExpr(t TableExpr) {
	switch t := t.(type) {
	case *TableName:
		w.tableName(t)
	case *DerivedTable:
		w.s("(")
		w.query(t.Query)
		w.s(") AS ", t.Alias)
	case *Join:
		w.tableExpr(t.Left)
		if _, nested := t.Right.(*Join); nested && t.Kind == JoinCross {
			// FROM a, b JOIN c …: the comma binds loosest, so the right side
			// is itself a join; only the comma form expresses that.
			w.s(", ")
			w.tableExpr(t.Right)
			return
		}
		w.s(" ", t.Kind.String(), " ")
		w.tableExpr(t.Right)
		if t.Kind != JoinCross {
			w.s(" ON ")
			w.expr(t.On, precOr)
		}
	}
}

func (w *sqlWriter) tableList(list []TableExpr) {
	for i, t := range list {
		if i > 0 {
			w.s(", ")
		}
		w.tableExpr(t)
	}
}

func (w *sqlWriter) idents(list []string) {
	w.s("(", strings.Join(list, ", "), ")")
}

func (w *sqlWriter) node(n Node) {
	switch n := n.(type) {
	case Expr:
		w.expr(n, precOr)
	case *Select:
		w.query(n)
	case QueryExpr:
		w.queryExpr(n)
	case TableExpr:
		w.tableExpr(n)
	case *Insert:
		w.insert(n)
	case *Update:
		w.s("UPDATE ")
		w.tableName(n.Table)
		w.s(" SET ")
		w.assignments(n.Set)
		if len(n.From) > 0 {
			w.s(" FROM ")
			w.tableList(n.From)
		}
		w.where(n.Where)
		w.returning(n.Returning)
	case *Delete:
		w.s("DELETE FROM ")
		w.tableName(n.Table)
		if len(n.Using) > 0 {
			w.s(" USING ")
			w.tableList(n.Using)
		}
		w.where(n.Where)
		w.returning(n.Returning)
	case *Explain:
		w.s("EXPLAIN ")
		w.node(n.Stmt)
	case *ColumnDef:
		w.columnDef(n)
	case *TableConstraint:
		w.constraint(n)
	case AlterAction:
		w.alterAction(n)
	default:
		if !w.ddl(n) {
			w.txn(n)
		}
	}
}

func (w *sqlWriter) insert(n *Insert) {
	w.s("INSERT INTO ")
	w.tableName(n.Table)
	if n.Columns != nil {
		w.s(" ")
		w.idents(n.Columns)
	}
	if n.Query != nil {
		w.s(" ")
		w.query(n.Query)
	} else {
		w.s(" VALUES ")
		for i, row := range n.Values {
			if i > 0 {
				w.s(", ")
			}
			w.s("(")
			w.exprList(row)
			w.s(")")
		}
	}
	if oc := n.OnConflict; oc != nil {
		w.s(" ON CONFLICT ")
		if oc.Columns != nil {
			w.idents(oc.Columns)
			w.s(" ")
		}
		if !oc.DoUpdate {
			w.s("DO NOTHING")
		} else {
			w.s("DO UPDATE SET ")
			w.assignments(oc.Set)
			w.where(oc.Where)
		}
	}
	w.returning(n.Returning)
}

func (w *sqlWriter) assignments(set []Assignment) {
	for i, a := range set {
		if i > 0 {
			w.s(", ")
		}
		w.s(a.Column, " = ")
		w.expr(a.Value, precOr)
	}
}

func (w *sqlWriter) where(e Expr) {
	if e != nil {
		w.s(" WHERE ")
		w.expr(e, precOr)
	}
}

func (w *sqlWriter) returning(items []SelectItem) {
	if items != nil {
		w.s(" RETURNING ")
		w.items(items)
	}
}

func (w *sqlWriter) ddl(n Node) bool {
	switch n := n.(type) {
	case *CreateTable:
		w.s("CREATE TABLE ")
		if n.IfNotExists {
			w.s("IF NOT EXISTS ")
		}
		w.s(n.Table.FullName(), " (")
		for i, c := range n.Columns {
			if i > 0 {
				w.s(", ")
			}
			w.columnDef(c)
		}
		for i, c := range n.Constraints {
			if i > 0 || len(n.Columns) > 0 {
				w.s(", ")
			}
			w.constraint(c)
		}
		w.s(")")
	case *DropTable:
		w.s("DROP TABLE ")
		w.ifExists(n.IfExists)
		w.s(n.Table.FullName())
	case *AlterTable:
		w.s("ALTER TABLE ", n.Table.FullName(), " ")
		w.alterAction(n.Action)
	case *Truncate:
		w.s("TRUNCATE TABLE ", n.Table.FullName())
	case *CreateView:
		w.s("CREATE VIEW ", n.Name.FullName())
		if n.Columns != nil {
			w.s(" ")
			w.idents(n.Columns)
		}
		w.s(" AS ")
		if n.Text != "" {
			w.s(n.Text)
		} else {
			w.query(n.Query)
		}
	case *DropView:
		w.s("DROP VIEW ")
		w.ifExists(n.IfExists)
		w.s(n.Name.FullName())
	case *CreateSchema:
		w.s("CREATE SCHEMA ")
		if n.IfNotExists {
			w.s("IF NOT EXISTS ")
		}
		w.s(n.Name)
	case *CreateIndex:
		w.s("CREATE ")
		if n.Unique {
			w.s("UNIQUE ")
		}
		w.s("INDEX ")
		if n.IfNotExists {
			w.s("IF NOT EXISTS ")
		}
		w.s(n.Name, " ON ", n.Table.FullName(), " (")
		w.exprList(n.Exprs)
		w.s(")")
	case *DropIndex:
		w.s("DROP INDEX ")
		w.ifExists(n.IfExists)
		w.s(n.Name)
	default:
		return false
	}
	return true
}

func (w *sqlWriter) ifExists(b bool) {
	if b {
		w.s("IF EXISTS ")
	}
}

func (w *sqlWriter) columnDef(c *ColumnDef) {
	w.s(c.Name, " ", c.Type.String())
	if c.NotNull {
		w.s(" NOT NULL")
	}
	if c.Default != nil {
		// Parenthesised unless atomic, so following constraints stay apart.
		w.s(" DEFAULT ")
		w.expr(c.Default, precPrimary)
	}
	if c.PrimaryKey {
		w.s(" PRIMARY KEY")
	}
	if c.Unique {
		w.s(" UNIQUE")
	}
	for _, chk := range c.Checks {
		w.s(" CHECK (")
		w.expr(chk, precOr)
		w.s(")")
	}
}

func (w *sqlWriter) constraint(c *TableConstraint) {
	if c.Name != "" {
		w.s("CONSTRAINT ", c.Name, " ")
	}
	w.s(c.Kind.String(), " ")
	if c.Kind == ConstraintCheck {
		w.s("(")
		w.expr(c.Check, precOr)
		w.s(")")
		return
	}
	w.idents(c.Columns)
	if c.Kind != ConstraintForeignKey {
		return
	}
	w.s(" REFERENCES ", c.RefTable.FullName())
	if c.RefColumns != nil {
		w.s(" ")
		w.idents(c.RefColumns)
	}
	if c.OnDelete != RefNoAction {
		w.s(" ON DELETE ", c.OnDelete.String())
	}
	if c.OnUpdate != RefNoAction {
		w.s(" ON UPDATE ", c.OnUpdate.String())
	}
}

func (w *sqlWriter) alterAction(a AlterAction) {
	switch a := a.(type) {
	case *AddColumn:
		w.s("ADD COLUMN ")
		if a.IfNotExists {
			w.s("IF NOT EXISTS ")
		}
		w.columnDef(a.Column)
		for _, c := range a.Constraints {
			// Only single-column constraints land here (named or REFERENCES).
			if c.Name != "" {
				w.s(" CONSTRAINT ", c.Name)
			}
			switch c.Kind {
			case ConstraintPrimaryKey:
				w.s(" PRIMARY KEY")
			case ConstraintUnique:
				w.s(" UNIQUE")
			case ConstraintCheck:
				w.s(" CHECK (")
				w.expr(c.Check, precOr)
				w.s(")")
			case ConstraintForeignKey:
				w.s(" REFERENCES ", c.RefTable.FullName())
				if c.RefColumns != nil {
					w.s(" ")
					w.idents(c.RefColumns)
				}
				if c.OnDelete != RefNoAction {
					w.s(" ON DELETE ", c.OnDelete.String())
				}
				if c.OnUpdate != RefNoAction {
					w.s(" ON UPDATE ", c.OnUpdate.String())
				}
			}
		}
	case *DropColumn:
		w.s("DROP COLUMN ")
		w.ifExists(a.IfExists)
		w.s(a.Name)
	case *RenameTable:
		w.s("RENAME TO ", a.NewName)
	case *RenameColumn:
		w.s("RENAME COLUMN ", a.Old, " TO ", a.New)
	case *AddConstraint:
		w.s("ADD ")
		w.constraint(a.Constraint)
	case *DropConstraint:
		w.s("DROP CONSTRAINT ")
		w.ifExists(a.IfExists)
		w.s(a.Name)
	case *SetDefault:
		w.s("ALTER COLUMN ", a.Column, " SET DEFAULT ")
		w.expr(a.Default, precOr)
	case *DropDefault:
		w.s("ALTER COLUMN ", a.Column, " DROP DEFAULT")
	case *SetNotNull:
		w.s("ALTER COLUMN ", a.Column, " SET NOT NULL")
	case *DropNotNull:
		w.s("ALTER COLUMN ", a.Column, " DROP NOT NULL")
	case *AlterColumnType:
		w.s("ALTER COLUMN ", a.Column, " TYPE ", a.Type.String())
	}
}

func (w *sqlWriter) txn(n Node) {
	switch n := n.(type) {
	case *Begin:
		w.s("BEGIN")
	case *Commit:
		w.s("COMMIT")
	case *Rollback:
		w.s("ROLLBACK")
	case *Savepoint:
		w.s("SAVEPOINT ", n.Name)
	case *RollbackTo:
		w.s("ROLLBACK TO SAVEPOINT ", n.Name)
	case *Release:
		w.s("RELEASE SAVEPOINT ", n.Name)
	}
}
