package ast

// Node is implemented by every AST node (expressions, statements, query
// bodies, FROM items, ALTER actions, and the structural nodes With, CTE,
// OnConflict, ColumnDef and TableConstraint).
//
// Nodes are plain data. Any number of goroutines may read a tree (String,
// Dump, SQL, Inspect only read); mutating a tree that others may read
// requires copying it first.
type Node interface {
	node()
}

// Statement is a complete SQL statement as returned by the parser.
type Statement interface {
	Node
	stmtNode()
}

// ReturnsRows reports whether executing s yields a row set rather than a
// count or +OK (SPEC §4.1): SELECT, EXPLAIN, and INSERT/UPDATE/DELETE with
// RETURNING.
func ReturnsRows(s Statement) bool {
	switch s := s.(type) {
	case *Select, *Explain:
		return true
	case *Insert:
		return s.Returning != nil
	case *Update:
		return s.Returning != nil
	case *Delete:
		return s.Returning != nil
	}
	return false
}

// MaxPlaceholder returns the highest placeholder number used in n, i.e. the
// number of parameters a prepared statement must be given; 0 when none.
func MaxPlaceholder(n Node) int {
	max := 0
	Inspect(n, func(n Node) bool {
		if p, ok := n.(*Placeholder); ok && p.N > max {
			max = p.N
		}
		return true
	})
	return max
}

// Inspect traverses the tree rooted at n depth-first, in source order. It
// calls f(n); if f returns true, Inspect visits each non-nil child. Select
// items, ORDER BY keys, CASE arms and SET assignments are not nodes
// themselves: Inspect visits their expressions directly.
func Inspect(n Node, f func(Node) bool) {
	if n == nil || !f(n) {
		return
	}
	switch n := n.(type) {
	// Expressions.
	case *Literal, *ColumnRef, *Placeholder, *Star, *QualifiedStar:
	case *Unary:
		Inspect(n.X, f)
	case *Binary:
		Inspect(n.L, f)
		Inspect(n.R, f)
	case *Comparison:
		Inspect(n.L, f)
		Inspect(n.R, f)
	case *Logical:
		Inspect(n.L, f)
		Inspect(n.R, f)
	case *Not:
		Inspect(n.X, f)
	case *IsNull:
		Inspect(n.X, f)
	case *Between:
		Inspect(n.X, f)
		Inspect(n.Lo, f)
		Inspect(n.Hi, f)
	case *In:
		Inspect(n.X, f)
		inspectExprs(n.List, f)
		inspectSelect(n.Query, f)
	case *Like:
		Inspect(n.X, f)
		Inspect(n.Pattern, f)
		inspectExpr(n.Escape, f)
	case *AnyAll:
		Inspect(n.X, f)
		inspectSelect(n.Query, f)
	case *Exists:
		inspectSelect(n.Query, f)
	case *Subquery:
		inspectSelect(n.Query, f)
	case *Case:
		for _, w := range n.Whens {
			Inspect(w.Cond, f)
			Inspect(w.Result, f)
		}
		inspectExpr(n.Else, f)
	case *Cast:
		Inspect(n.X, f)
	case *FuncCall:
		inspectExprs(n.Args, f)
		inspectOrder(n.OrderBy, f)
	case *ArrayLit:
		inspectExprs(n.Elems, f)

	// Queries.
	case *Select:
		if n.With != nil {
			Inspect(n.With, f)
		}
		Inspect(n.Body, f)
		inspectOrder(n.OrderBy, f)
		inspectExpr(n.Limit, f)
		inspectExpr(n.Offset, f)
	case *With:
		for _, c := range n.CTEs {
			Inspect(c, f)
		}
	case *CTE:
		inspectSelect(n.Query, f)
	case *SelectCore:
		inspectExprs(n.DistinctOn, f)
		inspectItems(n.Items, f)
		Inspect(n.From, f)
		inspectExpr(n.Where, f)
		inspectExprs(n.GroupBy, f)
		inspectExpr(n.Having, f)
	case *SetOp:
		Inspect(n.Left, f)
		Inspect(n.Right, f)
	case *TableName:
	case *DerivedTable:
		inspectSelect(n.Query, f)
	case *Join:
		Inspect(n.Left, f)
		Inspect(n.Right, f)
		inspectExpr(n.On, f)

	// DML.
	case *Insert:
		Inspect(n.Table, f)
		for _, row := range n.Values {
			inspectExprs(row, f)
		}
		inspectSelect(n.Query, f)
		if n.OnConflict != nil {
			Inspect(n.OnConflict, f)
		}
		inspectItems(n.Returning, f)
	case *OnConflict:
		inspectAssignments(n.Set, f)
		inspectExpr(n.Where, f)
	case *Update:
		Inspect(n.Table, f)
		inspectAssignments(n.Set, f)
		for _, t := range n.From {
			Inspect(t, f)
		}
		inspectExpr(n.Where, f)
		inspectItems(n.Returning, f)
	case *Delete:
		Inspect(n.Table, f)
		for _, t := range n.Using {
			Inspect(t, f)
		}
		inspectExpr(n.Where, f)
		inspectItems(n.Returning, f)

	// DDL.
	case *CreateTable:
		Inspect(n.Table, f)
		for _, c := range n.Columns {
			Inspect(c, f)
		}
		for _, c := range n.Constraints {
			Inspect(c, f)
		}
	case *ColumnDef:
		inspectExpr(n.Default, f)
		inspectExprs(n.Checks, f)
	case *TableConstraint:
		inspectExpr(n.Check, f)
		if n.RefTable != nil {
			Inspect(n.RefTable, f)
		}
	case *DropTable:
		Inspect(n.Table, f)
	case *AlterTable:
		Inspect(n.Table, f)
		Inspect(n.Action, f)
	case *AddColumn:
		Inspect(n.Column, f)
		for _, c := range n.Constraints {
			Inspect(c, f)
		}
	case *AddConstraint:
		Inspect(n.Constraint, f)
	case *SetDefault:
		Inspect(n.Default, f)
	case *DropColumn, *RenameTable, *RenameColumn, *DropConstraint, *DropDefault,
		*SetNotNull, *DropNotNull, *AlterColumnType:
	case *Truncate:
		Inspect(n.Table, f)
	case *CreateView:
		Inspect(n.Name, f)
		inspectSelect(n.Query, f)
	case *DropView:
		Inspect(n.Name, f)
	case *CreateIndex:
		Inspect(n.Table, f)
		inspectExprs(n.Exprs, f)
	case *CreateSchema, *DropIndex:

	// Transactions.
	case *Begin, *Commit, *Rollback, *Savepoint, *RollbackTo, *Release:
	case *Explain:
		Inspect(n.Stmt, f)
	}
}

// inspectExpr visits e unless it is nil. A nil Expr interface must not reach
// Inspect as a typed nil, hence the explicit check.
func inspectExpr(e Expr, f func(Node) bool) {
	if e != nil {
		Inspect(e, f)
	}
}

func inspectSelect(s *Select, f func(Node) bool) {
	if s != nil {
		Inspect(s, f)
	}
}

func inspectExprs(list []Expr, f func(Node) bool) {
	for _, e := range list {
		Inspect(e, f)
	}
}

func inspectItems(items []SelectItem, f func(Node) bool) {
	for _, it := range items {
		Inspect(it.Expr, f)
	}
}

func inspectOrder(items []OrderItem, f func(Node) bool) {
	for _, it := range items {
		Inspect(it.Expr, f)
	}
}

func inspectAssignments(set []Assignment, f func(Node) bool) {
	for _, a := range set {
		Inspect(a.Value, f)
	}
}
