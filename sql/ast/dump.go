package ast

import (
	"strconv"
	"strings"
)

// Dump renders n as a compact, unambiguous S-expression showing the tree
// structure (unlike Expr.String, which follows SPEC §4.8 and drops
// parentheses). It is meant for tests, debugging and EXPLAIN output; the
// format is stable within a release but not a contract.
//
// Examples: a + b * c → (+ a (* b c)); SELECT a FROM t WHERE x = 1 →
// (SELECT (a) (FROM t) (WHERE (= x 1))).
func Dump(n Node) string {
	var d dumper
	d.node(n)
	return d.b.String()
}

type dumper struct {
	b strings.Builder
}

func (d *dumper) s(parts ...string) {
	for _, p := range parts {
		d.b.WriteString(p)
	}
}

func (d *dumper) open(head string) { d.s("(", head) }
func (d *dumper) close()           { d.b.WriteByte(')') }
func (d *dumper) sp()              { d.b.WriteByte(' ') }

// words writes " (HEAD a b c)", or " (a b c)" when head is empty.
func (d *dumper) words(head string, ws []string) {
	d.sp()
	d.open(head)
	for i, w := range ws {
		if i > 0 || head != "" {
			d.sp()
		}
		d.s(w)
	}
	d.close()
}

func (d *dumper) exprs(list []Expr) {
	for _, e := range list {
		d.sp()
		d.node(e)
	}
}

func (d *dumper) opt(head string, e Expr) {
	if e == nil {
		return
	}
	d.sp()
	d.open(head)
	d.sp()
	d.node(e)
	d.close()
}

func (d *dumper) order(items []OrderItem) {
	if len(items) == 0 {
		return
	}
	d.sp()
	d.open("ORDER-BY")
	for _, o := range items {
		d.sp()
		if !o.Desc && o.Nulls == NullsDefault {
			d.node(o.Expr)
			continue
		}
		d.open("")
		d.node(o.Expr)
		if o.Desc {
			d.s(" DESC")
		}
		switch o.Nulls {
		case NullsFirst:
			d.s(" NULLS-FIRST")
		case NullsLast:
			d.s(" NULLS-LAST")
		}
		d.close()
	}
	d.close()
}

func (d *dumper) items(head string, items []SelectItem) {
	d.sp()
	d.open(head)
	for i, it := range items {
		if i > 0 || head != "" {
			d.sp()
		}
		if it.Alias == "" {
			d.node(it.Expr)
			continue
		}
		d.open("AS ")
		d.node(it.Expr)
		d.s(" ", it.Alias)
		d.close()
	}
	d.close()
}

func (d *dumper) assignments(set []Assignment) {
	d.sp()
	d.open("SET")
	for _, a := range set {
		d.s(" (", a.Column, " ")
		d.node(a.Value)
		d.close()
	}
	d.close()
}

func (d *dumper) tables(head string, ts []TableExpr) {
	if len(ts) == 0 {
		return
	}
	d.sp()
	d.open(head)
	for _, t := range ts {
		d.sp()
		d.node(t)
	}
	d.close()
}

func (d *dumper) node(n Node) {
	if n == nil {
		d.s("<nil>")
		return
	}
	if d.expr(n) || d.query(n) || d.dml(n) || d.ddl(n) || d.alter(n) {
		return
	}
	switch n := n.(type) {
	case *Begin:
		d.s("(BEGIN)")
	case *Commit:
		d.s("(COMMIT)")
	case *Rollback:
		d.s("(ROLLBACK)")
	case *Savepoint:
		d.s("(SAVEPOINT ", n.Name, ")")
	case *RollbackTo:
		d.s("(ROLLBACK-TO ", n.Name, ")")
	case *Release:
		d.s("(RELEASE ", n.Name, ")")
	case *Explain:
		d.open("EXPLAIN ")
		d.node(n.Stmt)
		d.close()
	default:
		d.s("<unknown>")
	}
}

func (d *dumper) expr(n Node) bool {
	switch n := n.(type) {
	case *Literal, *ColumnRef, *Placeholder, *Star, *QualifiedStar:
		d.s(n.(Expr).String())
	case *Unary:
		d.open("NEG ")
		d.node(n.X)
		d.close()
	case *Binary:
		d.bin(n.Op.String(), n.L, n.R)
	case *Comparison:
		d.bin(n.Op.String(), n.L, n.R)
	case *Logical:
		d.bin(n.Op.String(), n.L, n.R)
	case *Not:
		d.open("NOT ")
		d.node(n.X)
		d.close()
	case *IsNull:
		if n.Not {
			d.open("IS-NOT-NULL ")
		} else {
			d.open("IS-NULL ")
		}
		d.node(n.X)
		d.close()
	case *Between:
		d.open("BETWEEN")
		d.exprs([]Expr{n.X, n.Lo, n.Hi})
		d.close()
	case *In:
		d.open("IN ")
		d.node(n.X)
		if n.Query != nil {
			d.sp()
			d.node(n.Query)
		} else {
			d.s(" (LIST")
			d.exprs(n.List)
			d.close()
		}
		d.close()
	case *Like:
		if n.Insensitive {
			d.open("ILIKE")
		} else {
			d.open("LIKE")
		}
		d.exprs([]Expr{n.X, n.Pattern})
		d.opt("ESCAPE", n.Escape)
		d.close()
	case *AnyAll:
		q := " ANY "
		if n.All {
			q = " ALL "
		}
		d.open(n.Op.String() + q)
		d.node(n.X)
		d.sp()
		d.node(n.Query)
		d.close()
	case *Exists:
		d.open("EXISTS ")
		d.node(n.Query)
		d.close()
	case *Subquery:
		d.open("SUBQUERY ")
		d.node(n.Query)
		d.close()
	case *Case:
		d.open("CASE")
		for _, w := range n.Whens {
			d.s(" (WHEN ")
			d.node(w.Cond)
			d.sp()
			d.node(w.Result)
			d.close()
		}
		d.opt("ELSE", n.Else)
		d.close()
	case *Cast:
		d.open("CAST ")
		d.node(n.X)
		d.s(" ", n.Type.String())
		d.close()
	case *FuncCall:
		d.open(n.Name)
		if n.Distinct {
			d.s(" DISTINCT")
		}
		if n.Star {
			d.s(" *")
		}
		d.exprs(n.Args)
		d.order(n.OrderBy)
		d.close()
	case *ArrayLit:
		d.open("ARRAY")
		d.exprs(n.Elems)
		d.close()
	default:
		return false
	}
	return true
}

func (d *dumper) bin(op string, l, r Expr) {
	d.open(op)
	d.exprs([]Expr{l, r})
	d.close()
}

func (d *dumper) query(n Node) bool {
	switch n := n.(type) {
	case *Select:
		if n.With == nil && len(n.OrderBy) == 0 && n.Limit == nil && n.Offset == nil {
			d.node(n.Body)
			return true
		}
		d.open("QUERY")
		if n.With != nil {
			d.sp()
			d.node(n.With)
		}
		d.sp()
		d.node(n.Body)
		d.order(n.OrderBy)
		d.opt("LIMIT", n.Limit)
		d.opt("OFFSET", n.Offset)
		d.close()
	case *With:
		if n.Recursive {
			d.open("WITH-RECURSIVE")
		} else {
			d.open("WITH")
		}
		for _, c := range n.CTEs {
			d.sp()
			d.node(c)
		}
		d.close()
	case *CTE:
		d.open("CTE " + n.Name)
		if n.Columns != nil {
			d.words("", n.Columns)
		}
		d.sp()
		d.node(n.Query)
		d.close()
	case *SelectCore:
		d.open("SELECT")
		if n.Distinct {
			d.s(" DISTINCT")
		}
		if n.DistinctOn != nil {
			d.s(" (DISTINCT-ON")
			d.exprs(n.DistinctOn)
			d.close()
		}
		d.items("", n.Items)
		d.s(" (FROM ")
		d.node(n.From)
		d.close()
		d.opt("WHERE", n.Where)
		if len(n.GroupBy) > 0 {
			d.s(" (GROUP-BY")
			d.exprs(n.GroupBy)
			d.close()
		}
		d.opt("HAVING", n.Having)
		d.close()
	case *SetOp:
		head := n.Op.String()
		if n.All {
			head += "-ALL"
		}
		d.open(head)
		d.sp()
		d.node(n.Left)
		d.sp()
		d.node(n.Right)
		d.close()
	case *TableName:
		if n.Alias == "" {
			d.s(n.FullName())
		} else {
			d.s("(AS ", n.FullName(), " ", n.Alias, ")")
		}
	case *DerivedTable:
		d.open("AS ")
		d.node(n.Query)
		d.s(" ", n.Alias)
		d.close()
	case *Join:
		d.open(strings.ReplaceAll(n.Kind.String(), " ", "-"))
		d.sp()
		d.node(n.Left)
		d.sp()
		d.node(n.Right)
		if n.On != nil {
			d.sp()
			d.node(n.On)
		}
		d.close()
	default:
		return false
	}
	return true
}

func (d *dumper) dml(n Node) bool {
	switch n := n.(type) {
	case *Insert:
		d.open("INSERT ")
		d.node(n.Table)
		if n.Columns != nil {
			d.words("COLUMNS", n.Columns)
		}
		if n.Query != nil {
			d.sp()
			d.node(n.Query)
		} else {
			d.s(" (VALUES")
			for _, row := range n.Values {
				d.s(" (")
				for i, e := range row {
					if i > 0 {
						d.sp()
					}
					d.node(e)
				}
				d.close()
			}
			d.close()
		}
		if n.OnConflict != nil {
			d.sp()
			d.node(n.OnConflict)
		}
		if n.Returning != nil {
			d.items("RETURNING", n.Returning)
		}
		d.close()
	case *OnConflict:
		d.open("ON-CONFLICT")
		if n.Columns != nil {
			d.words("", n.Columns)
		}
		if !n.DoUpdate {
			d.s(" DO-NOTHING")
		} else {
			d.assignments(n.Set)
			d.opt("WHERE", n.Where)
		}
		d.close()
	case *Update:
		d.open("UPDATE ")
		d.node(n.Table)
		d.assignments(n.Set)
		d.tables("FROM", n.From)
		d.opt("WHERE", n.Where)
		if n.Returning != nil {
			d.items("RETURNING", n.Returning)
		}
		d.close()
	case *Delete:
		d.open("DELETE ")
		d.node(n.Table)
		d.tables("USING", n.Using)
		d.opt("WHERE", n.Where)
		if n.Returning != nil {
			d.items("RETURNING", n.Returning)
		}
		d.close()
	default:
		return false
	}
	return true
}

func (d *dumper) ddl(n Node) bool {
	switch n := n.(type) {
	case *CreateTable:
		d.open("CREATE-TABLE ")
		if n.IfNotExists {
			d.s("IF-NOT-EXISTS ")
		}
		d.node(n.Table)
		for _, c := range n.Columns {
			d.sp()
			d.node(c)
		}
		for _, c := range n.Constraints {
			d.sp()
			d.node(c)
		}
		d.close()
	case *ColumnDef:
		d.s("(COLUMN ", n.Name, " ", n.Type.String())
		if n.NotNull {
			d.s(" NOT-NULL")
		}
		if n.PrimaryKey {
			d.s(" PRIMARY-KEY")
		}
		if n.Unique {
			d.s(" UNIQUE")
		}
		d.opt("DEFAULT", n.Default)
		for _, c := range n.Checks {
			d.opt("CHECK", c)
		}
		d.close()
	case *TableConstraint:
		d.open("CONSTRAINT")
		if n.Name != "" {
			d.s(" ", n.Name)
		}
		d.s(" ", strings.ReplaceAll(n.Kind.String(), " ", "-"))
		if n.Kind == ConstraintCheck {
			d.sp()
			d.node(n.Check)
		} else {
			d.words("", n.Columns)
		}
		if n.Kind == ConstraintForeignKey {
			d.s(" REFERENCES ")
			d.node(n.RefTable)
			if n.RefColumns != nil {
				d.words("", n.RefColumns)
			}
			if n.OnDelete != RefNoAction {
				d.s(" ON-DELETE-", strings.ReplaceAll(n.OnDelete.String(), " ", "-"))
			}
			if n.OnUpdate != RefNoAction {
				d.s(" ON-UPDATE-", strings.ReplaceAll(n.OnUpdate.String(), " ", "-"))
			}
		}
		d.close()
	case *DropTable:
		d.open("DROP-TABLE ")
		d.ifExists(n.IfExists)
		d.node(n.Table)
		d.close()
	case *AlterTable:
		d.open("ALTER-TABLE ")
		d.node(n.Table)
		d.sp()
		d.node(n.Action)
		d.close()
	case *Truncate:
		d.open("TRUNCATE ")
		d.node(n.Table)
		d.close()
	case *CreateView:
		d.open("CREATE-VIEW ")
		d.node(n.Name)
		if n.Columns != nil {
			d.words("", n.Columns)
		}
		d.sp()
		d.node(n.Query)
		d.s(" ", strconv.Quote(n.Text))
		d.close()
	case *DropView:
		d.open("DROP-VIEW ")
		d.ifExists(n.IfExists)
		d.node(n.Name)
		d.close()
	case *CreateSchema:
		d.open("CREATE-SCHEMA ")
		if n.IfNotExists {
			d.s("IF-NOT-EXISTS ")
		}
		d.s(n.Name)
		d.close()
	case *CreateIndex:
		d.open("CREATE-INDEX ")
		if n.Unique {
			d.s("UNIQUE ")
		}
		if n.IfNotExists {
			d.s("IF-NOT-EXISTS ")
		}
		d.s(n.Name, " ")
		d.node(n.Table)
		d.exprs(n.Exprs)
		d.close()
	case *DropIndex:
		d.open("DROP-INDEX ")
		d.ifExists(n.IfExists)
		d.s(n.Name)
		d.close()
	default:
		return false
	}
	return true
}

func (d *dumper) ifExists(b bool) {
	if b {
		d.s("IF-EXISTS ")
	}
}

func (d *dumper) alter(n Node) bool {
	switch n := n.(type) {
	case *AddColumn:
		d.open("ADD-COLUMN ")
		if n.IfNotExists {
			d.s("IF-NOT-EXISTS ")
		}
		d.node(n.Column)
		for _, c := range n.Constraints {
			d.sp()
			d.node(c)
		}
		d.close()
	case *DropColumn:
		d.open("DROP-COLUMN ")
		d.ifExists(n.IfExists)
		d.s(n.Name)
		d.close()
	case *RenameTable:
		d.s("(RENAME-TO ", n.NewName, ")")
	case *RenameColumn:
		d.s("(RENAME-COLUMN ", n.Old, " ", n.New, ")")
	case *AddConstraint:
		d.open("ADD ")
		d.node(n.Constraint)
		d.close()
	case *DropConstraint:
		d.open("DROP-CONSTRAINT ")
		d.ifExists(n.IfExists)
		d.s(n.Name)
		d.close()
	case *SetDefault:
		d.s("(SET-DEFAULT ", n.Column, " ")
		d.node(n.Default)
		d.close()
	case *DropDefault:
		d.s("(DROP-DEFAULT ", n.Column, ")")
	case *SetNotNull:
		d.s("(SET-NOT-NULL ", n.Column, ")")
	case *DropNotNull:
		d.s("(DROP-NOT-NULL ", n.Column, ")")
	case *AlterColumnType:
		d.s("(TYPE ", n.Column, " ", n.Type.String(), ")")
	default:
		return false
	}
	return true
}
