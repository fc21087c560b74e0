package ast

// Select is a complete query: an optional WITH, a body (one SELECT core or a
// tree of set operations) and the statement-level ORDER BY, LIMIT and OFFSET.
// It is both a Statement and the payload of every subquery, derived table,
// view and CTE.
//
// ORDER BY/LIMIT/OFFSET written on the first operand of a set operation (the
// compatibility form of SPEC §4.3) are moved here by the parser, so the body
// never carries them.
type Select struct {
	With    *With // nil: no WITH clause
	Body    QueryExpr
	OrderBy []OrderItem
	Limit   Expr // nil, or a *Literal of kind LitInt (≥ 0), or a *Placeholder
	Offset  Expr // same shape as Limit
	Pos     int
}

// With is WITH [RECURSIVE] cte, …. A RECURSIVE clause holds exactly one CTE.
type With struct {
	Recursive bool
	CTEs      []*CTE
	Pos       int
}

// CTE is name [(col, …)] AS (query).
type CTE struct {
	Name    string
	Columns []string // nil: the query's own output names
	Query   *Select
	Pos     int
}

// QueryExpr is a Select body: *SelectCore or *SetOp.
type QueryExpr interface {
	Node
	queryExpr()
}

// SelectCore is one SELECT … FROM … [WHERE] [GROUP BY] [HAVING] block.
type SelectCore struct {
	Distinct   bool   // plain DISTINCT
	DistinctOn []Expr // DISTINCT ON (…); non-nil only for that form
	Items      []SelectItem
	From       TableExpr // never nil: FROM is mandatory (SPEC §4.3)
	Where      Expr
	GroupBy    []Expr
	Having     Expr
	Pos        int
}

// SelectItem is one select-list (or RETURNING-list) entry. Expr is *Star for
// a bare * (then the only item) and *QualifiedStar for q.*.
type SelectItem struct {
	Expr  Expr
	Alias string // "" when none was written
	Pos   int
}

// OutputName is the output column name of the item (SPEC §4.8): the alias,
// else the canonical rendering of the expression.
func (it SelectItem) OutputName() string {
	if it.Alias != "" {
		return it.Alias
	}
	return it.Expr.String()
}

// SetOpKind is UNION, INTERSECT or EXCEPT.
type SetOpKind uint8

// The set operators.
const (
	Union SetOpKind = iota
	Intersect
	Except
)

// String returns the keyword.
func (k SetOpKind) String() string {
	switch k {
	case Intersect:
		return "INTERSECT"
	case Except:
		return "EXCEPT"
	}
	return "UNION"
}

// SetOp combines two query bodies. Trees follow PostgreSQL precedence:
// INTERSECT binds tighter than UNION and EXCEPT, which associate left.
type SetOp struct {
	Op          SetOpKind
	All         bool
	Left, Right QueryExpr
	Pos         int // position of the operator keyword
}

// TableExpr is a FROM-clause item: *TableName, *DerivedTable or *Join.
type TableExpr interface {
	Node
	tableExpr()
}

// TableName names a table, view or CTE, optionally schema-qualified and
// aliased.
type TableName struct {
	Schema string // "" when unqualified
	Name   string
	Alias  string // "" when none was written
	Pos    int
}

// FullName returns "schema.name" or "name".
func (t *TableName) FullName() string {
	if t.Schema == "" {
		return t.Name
	}
	return t.Schema + "." + t.Name
}

// RefName is the name the table is referenced by in expressions: its alias
// if given, else its (unqualified) name.
func (t *TableName) RefName() string {
	if t.Alias != "" {
		return t.Alias
	}
	return t.Name
}

// DerivedTable is (query) [AS] alias; the alias is mandatory.
type DerivedTable struct {
	Query *Select
	Alias string
	Pos   int
}

// JoinKind is the join type.
type JoinKind uint8

// The join kinds. A comma in a FROM list is a JoinCross.
const (
	JoinInner JoinKind = iota
	JoinLeft
	JoinRight
	JoinFull
	JoinCross
)

// String returns the SQL keywords of the join.
func (k JoinKind) String() string {
	switch k {
	case JoinLeft:
		return "LEFT JOIN"
	case JoinRight:
		return "RIGHT JOIN"
	case JoinFull:
		return "FULL JOIN"
	case JoinCross:
		return "CROSS JOIN"
	}
	return "INNER JOIN"
}

// Join is Left <kind> JOIN Right [ON On]. Chains are left-deep. On is nil
// exactly for JoinCross.
type Join struct {
	Kind        JoinKind
	Left, Right TableExpr
	On          Expr
	Pos         int
}

func (*Select) node()       {}
func (*With) node()         {}
func (*CTE) node()          {}
func (*SelectCore) node()   {}
func (*SetOp) node()        {}
func (*TableName) node()    {}
func (*DerivedTable) node() {}
func (*Join) node()         {}

func (*SelectCore) queryExpr() {}
func (*SetOp) queryExpr()      {}

func (*TableName) tableExpr()    {}
func (*DerivedTable) tableExpr() {}
func (*Join) tableExpr()         {}

func (*Select) stmtNode() {}
