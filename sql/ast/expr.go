package ast

import (
	"strconv"
	"strings"
)

// Expr is a scalar expression. String returns the canonical rendering of
// SPEC §4.8, which names output columns; it is deterministic and
// allocation-only (no caching), so shared trees may be rendered concurrently.
type Expr interface {
	Node
	String() string
	exprNode()
}

// subqueryText is how every subquery renders (SPEC §4.8), whatever its body.
const subqueryText = "(SELECT ...subquery...)"

// LiteralKind is the JSON kind held by a Literal.
type LiteralKind uint8

// The literal kinds.
const (
	LitNull LiteralKind = iota
	LitBool
	LitInt
	LitFloat
	LitString
)

// Literal is a constant: NULL, TRUE/FALSE, a number or a string. Numbers
// written without fraction or exponent are LitInt when they fit in int64,
// otherwise LitFloat. Only the field matching Kind is meaningful.
type Literal struct {
	Kind  LiteralKind
	Bool  bool
	Int   int64
	Float float64
	Str   string
	Pos   int // byte offset of the literal in the SQL text
}

// Value returns the literal as a Go value: nil, bool, int64, float64 or
// string (the jsondoc scalar kinds).
func (l *Literal) Value() any {
	switch l.Kind {
	case LitBool:
		return l.Bool
	case LitInt:
		return l.Int
	case LitFloat:
		return l.Float
	case LitString:
		return l.Str
	}
	return nil
}

// String renders the literal as JSON text: null, true, 5, 1.5, "lit".
func (l *Literal) String() string {
	switch l.Kind {
	case LitBool:
		if l.Bool {
			return "true"
		}
		return "false"
	case LitInt:
		return strconv.FormatInt(l.Int, 10)
	case LitFloat:
		return FormatFloat(l.Float)
	case LitString:
		return QuoteJSON(l.Str)
	}
	return "null"
}

// ColumnRef names a column: Name, optionally qualified by a table alias,
// table, view or CTE name. Further dotted segments (a.b.c) land in Path; the
// binder decides whether Qualifier is a source or the first member of a
// nested JSON path (SPEC §4.5).
type ColumnRef struct {
	Qualifier string
	Name      string
	Path      []string
	Pos       int
}

// String renders the reference as written, qualifier included: user.name.
func (c *ColumnRef) String() string {
	if c.Qualifier == "" && len(c.Path) == 0 {
		return c.Name
	}
	var b strings.Builder
	if c.Qualifier != "" {
		b.WriteString(c.Qualifier)
		b.WriteByte('.')
	}
	b.WriteString(c.Name)
	for _, p := range c.Path {
		b.WriteByte('.')
		b.WriteString(p)
	}
	return b.String()
}

// Placeholder is a bound parameter: $N, or ? numbered from 1 left to right.
type Placeholder struct {
	N   int
	Pos int
}

// String renders $N (also for ? placeholders).
func (p *Placeholder) String() string { return "$" + strconv.Itoa(p.N) }

// Star is the bare * of a select list or of COUNT(*)-like calls.
type Star struct {
	Pos int
}

// String renders "*".
func (*Star) String() string { return "*" }

// QualifiedStar is q.* in a select list: every column of source q.
type QualifiedStar struct {
	Qualifier string
	Pos       int
}

// String renders "q.*".
func (s *QualifiedStar) String() string { return s.Qualifier + ".*" }

// UnaryOp is a prefix arithmetic operator.
type UnaryOp uint8

// UnaryNeg is unary minus, the only prefix arithmetic operator.
const UnaryNeg UnaryOp = iota

// Unary applies a prefix operator. -x means 0 - x (SPEC §4.12).
type Unary struct {
	Op  UnaryOp
	X   Expr
	Pos int
}

// String renders unary minus as "0 - x".
func (u *Unary) String() string { return "0 - " + u.X.String() }

// BinaryOp is an arithmetic or string operator.
type BinaryOp uint8

// The binary operators.
const (
	OpAdd BinaryOp = iota
	OpSub
	OpMul
	OpDiv
	OpMod
	OpConcat
)

var binaryOpText = [...]string{OpAdd: "+", OpSub: "-", OpMul: "*", OpDiv: "/", OpMod: "%", OpConcat: "||"}

// String returns the operator symbol.
func (o BinaryOp) String() string {
	if int(o) < len(binaryOpText) {
		return binaryOpText[o]
	}
	return "?"
}

// Binary is L op R for + - * / % and ||.
type Binary struct {
	Op   BinaryOp
	L, R Expr
	Pos  int // position of the operator
}

// String renders "l op r" with single spaces and no parentheses.
func (b *Binary) String() string { return b.L.String() + " " + b.Op.String() + " " + b.R.String() }

// CompareOp is a comparison operator. <> is parsed as CmpNe.
type CompareOp uint8

// The comparison operators.
const (
	CmpEq CompareOp = iota
	CmpNe
	CmpLt
	CmpLe
	CmpGt
	CmpGe
)

var compareOpText = [...]string{CmpEq: "=", CmpNe: "!=", CmpLt: "<", CmpLe: "<=", CmpGt: ">", CmpGe: ">="}

// String returns the operator symbol; CmpNe renders as "!=".
func (o CompareOp) String() string {
	if int(o) < len(compareOpText) {
		return compareOpText[o]
	}
	return "?"
}

// Comparison is L op R for = != <> < <= > >=.
type Comparison struct {
	Op   CompareOp
	L, R Expr
	Pos  int
}

// String renders "l op r".
func (c *Comparison) String() string { return c.L.String() + " " + c.Op.String() + " " + c.R.String() }

// LogicOp is AND or OR.
type LogicOp uint8

// The binary logical operators.
const (
	LogicAnd LogicOp = iota
	LogicOr
)

// String returns "AND" or "OR".
func (o LogicOp) String() string {
	if o == LogicOr {
		return "OR"
	}
	return "AND"
}

// Logical is L AND R or L OR R (three-valued, SPEC §4.12).
type Logical struct {
	Op   LogicOp
	L, R Expr
	Pos  int
}

// String renders "l AND r" / "l OR r".
func (l *Logical) String() string { return l.L.String() + " " + l.Op.String() + " " + l.R.String() }

// Not is logical negation. x NOT IN/LIKE/ILIKE/BETWEEN … parse as Not
// wrapping the positive form (SPEC §4.3).
type Not struct {
	X   Expr
	Pos int
}

// String renders "NOT x".
func (n *Not) String() string { return "NOT " + n.X.String() }

// IsNull is x IS [NOT] NULL.
type IsNull struct {
	X   Expr
	Not bool
	Pos int
}

// String renders IS_NULL(x) or IS_NOT_NULL(x).
func (n *IsNull) String() string {
	if n.Not {
		return "IS_NOT_NULL(" + n.X.String() + ")"
	}
	return "IS_NULL(" + n.X.String() + ")"
}

// Between is X BETWEEN Lo AND Hi (X >= Lo AND X <= Hi).
type Between struct {
	X, Lo, Hi Expr
	Pos       int
}

// String renders "x BETWEEN lo AND hi".
func (b *Between) String() string {
	return b.X.String() + " BETWEEN " + b.Lo.String() + " AND " + b.Hi.String()
}

// In is X IN (list) or X IN (subquery): exactly one of List and Query is set.
type In struct {
	X     Expr
	List  []Expr
	Query *Select
	Pos   int
}

// String renders "x IN (1, 2)" or "x IN (SELECT ...subquery...)".
func (in *In) String() string {
	if in.Query != nil {
		return in.X.String() + " IN " + subqueryText
	}
	return in.X.String() + " IN (" + joinExprs(in.List) + ")"
}

// Like is X LIKE Pattern or X ILIKE Pattern (Insensitive), with an optional
// ESCAPE expression.
type Like struct {
	X           Expr
	Pattern     Expr
	Escape      Expr // nil: backslash escapes (SPEC §4.12)
	Insensitive bool
	Pos         int
}

// String renders `x LIKE "a%"` (literals as JSON), with ` ESCAPE "c"` when
// an escape is given.
func (l *Like) String() string {
	op := " LIKE "
	if l.Insensitive {
		op = " ILIKE "
	}
	s := l.X.String() + op + l.Pattern.String()
	if l.Escape != nil {
		s += " ESCAPE " + l.Escape.String()
	}
	return s
}

// AnyAll is X op ANY (subquery) or X op ALL (subquery). SOME is ANY.
type AnyAll struct {
	Op    CompareOp
	All   bool
	X     Expr
	Query *Select
	Pos   int
}

// String renders "x = ANY (SELECT ...subquery...)".
func (a *AnyAll) String() string {
	q := " ANY "
	if a.All {
		q = " ALL "
	}
	return a.X.String() + " " + a.Op.String() + q + subqueryText
}

// Exists is EXISTS (subquery).
type Exists struct {
	Query *Select
	Pos   int
}

// String renders "EXISTS (SELECT ...subquery...)".
func (*Exists) String() string { return "EXISTS " + subqueryText }

// Subquery is a parenthesised SELECT used as a scalar value.
type Subquery struct {
	Query *Select
	Pos   int
}

// String renders "(SELECT ...subquery...)" whatever the query.
func (*Subquery) String() string { return subqueryText }

// When is one WHEN cond THEN result arm of a CASE.
type When struct {
	Cond, Result Expr
}

// Case is a searched CASE: the first arm whose Cond is true, else Else
// (nil: NULL).
type Case struct {
	Whens []When
	Else  Expr
	Pos   int
}

// String renders "CASE WHEN c THEN r … [ELSE e] END".
func (c *Case) String() string {
	var b strings.Builder
	b.WriteString("CASE")
	for _, w := range c.Whens {
		b.WriteString(" WHEN ")
		b.WriteString(w.Cond.String())
		b.WriteString(" THEN ")
		b.WriteString(w.Result.String())
	}
	if c.Else != nil {
		b.WriteString(" ELSE ")
		b.WriteString(c.Else.String())
	}
	b.WriteString(" END")
	return b.String()
}

// Cast is CAST(X AS Type), also written X::Type.
type Cast struct {
	X    Expr
	Type Type
	Pos  int
}

// String renders "CAST(x AS TYPE)" with the canonical type spelling.
func (c *Cast) String() string { return "CAST(" + c.X.String() + " AS " + c.Type.String() + ")" }

// OrderItem is one ORDER BY key, at statement level or inside an aggregate
// call.
type OrderItem struct {
	Expr  Expr
	Desc  bool
	Nulls NullsOrder
}

// NullsOrder is an explicit NULLS FIRST / NULLS LAST; the default places
// NULLs first ascending and last descending (SPEC §4.11).
type NullsOrder uint8

// The NULL placements.
const (
	NullsDefault NullsOrder = iota
	NullsFirst
	NullsLast
)

// String renders "expr [DESC] [NULLS FIRST|LAST]".
func (o OrderItem) String() string {
	s := o.Expr.String()
	if o.Desc {
		s += " DESC"
	}
	switch o.Nulls {
	case NullsFirst:
		s += " NULLS FIRST"
	case NullsLast:
		s += " NULLS LAST"
	}
	return s
}

// FuncCall is NAME(args). Name is upper-cased. Star is NAME(*); Distinct is
// NAME(DISTINCT …); OrderBy is an ordered-set argument ordering as in
// STRING_AGG(x, ',' ORDER BY y). NoParens marks the SQL-standard niladic
// forms written without parentheses (CURRENT_TIMESTAMP, CURRENT_DATE,
// CURRENT_TIME, LOCALTIMESTAMP).
type FuncCall struct {
	Name     string
	Args     []Expr
	Star     bool
	Distinct bool
	OrderBy  []OrderItem
	NoParens bool
	Pos      int
}

// String renders "NAME(a, b)", "COUNT(*)", "COUNT(DISTINCT name)",
// "STRING_AGG(x, \",\" ORDER BY y)"; a NoParens call renders its bare name.
func (f *FuncCall) String() string {
	if f.NoParens {
		return f.Name
	}
	var b strings.Builder
	b.WriteString(f.Name)
	b.WriteByte('(')
	if f.Distinct {
		b.WriteString("DISTINCT ")
	}
	if f.Star {
		b.WriteByte('*')
	} else {
		b.WriteString(joinExprs(f.Args))
	}
	if len(f.OrderBy) > 0 {
		b.WriteString(" ORDER BY ")
		for i, o := range f.OrderBy {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(o.String())
		}
	}
	b.WriteByte(')')
	return b.String()
}

// ArrayLit is ARRAY[e, …].
type ArrayLit struct {
	Elems []Expr
	Pos   int
}

// String renders "ARRAY[1, 2]".
func (a *ArrayLit) String() string { return "ARRAY[" + joinExprs(a.Elems) + "]" }

func joinExprs(list []Expr) string {
	switch len(list) {
	case 0:
		return ""
	case 1:
		return list[0].String()
	}
	var b strings.Builder
	for i, e := range list {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(e.String())
	}
	return b.String()
}

func (*Literal) exprNode()       {}
func (*ColumnRef) exprNode()     {}
func (*Placeholder) exprNode()   {}
func (*Star) exprNode()          {}
func (*QualifiedStar) exprNode() {}
func (*Unary) exprNode()         {}
func (*Binary) exprNode()        {}
func (*Comparison) exprNode()    {}
func (*Logical) exprNode()       {}
func (*Not) exprNode()           {}
func (*IsNull) exprNode()        {}
func (*Between) exprNode()       {}
func (*In) exprNode()            {}
func (*Like) exprNode()          {}
func (*AnyAll) exprNode()        {}
func (*Exists) exprNode()        {}
func (*Subquery) exprNode()      {}
func (*Case) exprNode()          {}
func (*Cast) exprNode()          {}
func (*FuncCall) exprNode()      {}
func (*ArrayLit) exprNode()      {}

func (*Literal) node()       {}
func (*ColumnRef) node()     {}
func (*Placeholder) node()   {}
func (*Star) node()          {}
func (*QualifiedStar) node() {}
func (*Unary) node()         {}
func (*Binary) node()        {}
func (*Comparison) node()    {}
func (*Logical) node()       {}
func (*Not) node()           {}
func (*IsNull) node()        {}
func (*Between) node()       {}
func (*In) node()            {}
func (*Like) node()          {}
func (*AnyAll) node()        {}
func (*Exists) node()        {}
func (*Subquery) node()      {}
func (*Case) node()          {}
func (*Cast) node()          {}
func (*FuncCall) node()      {}
func (*ArrayLit) node()      {}
