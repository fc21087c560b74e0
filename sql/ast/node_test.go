package ast

import (
	"fmt"
	"strings"
	"testing"
)

func col(name string) *ColumnRef { return &ColumnRef{Name: name} }
func num(n int64) *Literal       { return &Literal{Kind: LitInt, Int: n} }
func str(s string) *Literal      { return &Literal{Kind: LitString, Str: s} }

// sub builds SELECT x FROM t.
func sub(x string) *Select {
	return &Select{Body: &SelectCore{Items: []SelectItem{{Expr: col(x)}}, From: &TableName{Name: "t"}}}
}

// TestExprString covers the canonical rendering of every expression node.
func TestExprString(t *testing.T) {
	tests := []struct {
		e    Expr
		want string
	}{
		{&Literal{}, "null"},
		{&Literal{Kind: LitBool, Bool: true}, "true"},
		{&Literal{Kind: LitBool}, "false"},
		{num(-7), "-7"},
		{&Literal{Kind: LitFloat, Float: 2.5}, "2.5"},
		{str("lit"), `"lit"`},
		{&ColumnRef{Qualifier: "u", Name: "name"}, "u.name"},
		{&ColumnRef{Qualifier: "d", Name: "a", Path: []string{"b", "c"}}, "d.a.b.c"},
		{&Placeholder{N: 2}, "$2"},
		{&Star{}, "*"},
		{&QualifiedStar{Qualifier: "t"}, "t.*"},
		{&Unary{Op: UnaryNeg, X: col("x")}, "0 - x"},
		{&Binary{Op: OpConcat, L: col("a"), R: str("b")}, `a || "b"`},
		{&Binary{Op: OpMod, L: col("a"), R: num(2)}, "a % 2"},
		{&Comparison{Op: CmpNe, L: col("a"), R: num(1)}, "a != 1"},
		{&Logical{Op: LogicOr, L: col("a"), R: col("b")}, "a OR b"},
		{&Not{X: col("a")}, "NOT a"},
		{&IsNull{X: col("a")}, "IS_NULL(a)"},
		{&IsNull{X: col("a"), Not: true}, "IS_NOT_NULL(a)"},
		{&Between{X: col("x"), Lo: num(1), Hi: num(2)}, "x BETWEEN 1 AND 2"},
		{&In{X: col("x"), List: []Expr{num(1), num(2)}}, "x IN (1, 2)"},
		{&In{X: col("x"), Query: sub("a")}, "x IN (SELECT ...subquery...)"},
		{&Like{X: col("x"), Pattern: str("a%")}, `x LIKE "a%"`},
		{&Like{X: col("x"), Pattern: str("a%"), Insensitive: true, Escape: str("!")}, `x ILIKE "a%" ESCAPE "!"`},
		{&AnyAll{Op: CmpGt, X: col("x"), Query: sub("a")}, "x > ANY (SELECT ...subquery...)"},
		{&AnyAll{Op: CmpLe, All: true, X: col("x"), Query: sub("a")}, "x <= ALL (SELECT ...subquery...)"},
		{&Exists{Query: sub("a")}, "EXISTS (SELECT ...subquery...)"},
		{&Subquery{Query: sub("a")}, "(SELECT ...subquery...)"},
		{&Case{Whens: []When{{Cond: col("a"), Result: num(1)}}, Else: num(2)}, "CASE WHEN a THEN 1 ELSE 2 END"},
		{&Cast{X: col("a"), Type: Type{Base: TypeVarchar, Params: []int{3}}}, "CAST(a AS VARCHAR(3))"},
		{&FuncCall{Name: "COUNT", Star: true}, "COUNT(*)"},
		{&FuncCall{Name: "COUNT", Distinct: true, Args: []Expr{col("n")}}, "COUNT(DISTINCT n)"},
		{&FuncCall{Name: "NOW"}, "NOW()"},
		{&FuncCall{Name: "CURRENT_DATE", NoParens: true}, "CURRENT_DATE"},
		{&FuncCall{Name: "STRING_AGG", Args: []Expr{col("n"), str(",")},
			OrderBy: []OrderItem{{Expr: col("n"), Desc: true, Nulls: NullsLast}, {Expr: col("m"), Nulls: NullsFirst}}},
			`STRING_AGG(n, "," ORDER BY n DESC NULLS LAST, m NULLS FIRST)`},
		{&ArrayLit{}, "ARRAY[]"},
		{&ArrayLit{Elems: []Expr{num(1), str("x")}}, `ARRAY[1, "x"]`},
	}
	for _, tt := range tests {
		if got := tt.e.String(); got != tt.want {
			t.Errorf("%T.String() = %s, want %s", tt.e, got, tt.want)
		}
	}
}

func TestEnumStrings(t *testing.T) {
	tests := []struct {
		got  fmt.Stringer
		want string
	}{
		{Union, "UNION"}, {Intersect, "INTERSECT"}, {Except, "EXCEPT"},
		{JoinInner, "INNER JOIN"}, {JoinLeft, "LEFT JOIN"}, {JoinRight, "RIGHT JOIN"},
		{JoinFull, "FULL JOIN"}, {JoinCross, "CROSS JOIN"},
		{ConstraintPrimaryKey, "PRIMARY KEY"}, {ConstraintUnique, "UNIQUE"},
		{ConstraintCheck, "CHECK"}, {ConstraintForeignKey, "FOREIGN KEY"},
		{RefNoAction, "NO ACTION"}, {RefRestrict, "RESTRICT"}, {RefCascade, "CASCADE"},
		{RefSetNull, "SET NULL"}, {RefSetDefault, "SET DEFAULT"},
		{LogicAnd, "AND"}, {LogicOr, "OR"},
		{CmpEq, "="}, {CmpLt, "<"}, {CmpGe, ">="}, {CompareOp(99), "?"},
		{OpAdd, "+"}, {OpDiv, "/"}, {BinaryOp(99), "?"},
	}
	for _, tt := range tests {
		if s := tt.got.String(); s != tt.want {
			t.Errorf("%#v.String() = %s, want %s", tt.got, s, tt.want)
		}
	}
}

// fullSelect builds a query touching every expression node and every
// clause of a Select.
func fullSelect() *Select {
	exprs := []Expr{
		&Unary{X: &Placeholder{N: 1}},
		&Binary{L: num(1), R: num(2)},
		&Logical{L: &Not{X: col("a")}, R: &IsNull{X: col("b")}},
		&Between{X: col("c"), Lo: num(1), Hi: num(2)},
		&In{X: col("d"), List: []Expr{num(1)}},
		&In{X: col("d2"), Query: sub("e")},
		&Like{X: col("f"), Pattern: str("x"), Escape: str("!")},
		&AnyAll{X: col("g"), Query: sub("h")},
		&Exists{Query: sub("i")},
		&Subquery{Query: sub("j")},
		&Case{Whens: []When{{Cond: col("k"), Result: col("l")}}, Else: col("m")},
		&Cast{X: col("n"), Type: Type{Base: TypeText}},
		&FuncCall{Name: "F", Args: []Expr{col("o")}, OrderBy: []OrderItem{{Expr: col("p")}}},
		&ArrayLit{Elems: []Expr{col("q")}},
		&Comparison{L: col("r"), R: &Placeholder{N: 7}},
	}
	var items []SelectItem
	for _, e := range exprs {
		items = append(items, SelectItem{Expr: e})
	}
	items = append(items, SelectItem{Expr: &QualifiedStar{Qualifier: "t"}})
	return &Select{
		With: &With{CTEs: []*CTE{{Name: "w", Query: sub("cte")}}},
		Body: &SetOp{
			Left: &SelectCore{
				DistinctOn: []Expr{col("don")},
				Items:      items,
				From: &Join{Left: &TableName{Name: "t"},
					Right: &DerivedTable{Query: sub("dt"), Alias: "s"}, On: col("on")},
				Where:   col("where"),
				GroupBy: []Expr{col("group")},
				Having:  col("having"),
			},
			Right: &SelectCore{Items: []SelectItem{{Expr: &Star{}}}, From: &TableName{Name: "u"}},
		},
		OrderBy: []OrderItem{{Expr: col("order")}},
		Limit:   num(10),
		Offset:  &Placeholder{N: 3},
	}
}

func TestInspect(t *testing.T) {
	s := fullSelect()
	var cols []string
	counts := map[string]int{}
	Inspect(s, func(n Node) bool {
		counts[fmt.Sprintf("%T", n)]++
		if c, ok := n.(*ColumnRef); ok {
			cols = append(cols, c.Name)
		}
		return true
	})
	// Source order: the WITH first, then DISTINCT ON, items, FROM, WHERE …
	want := "cte don a b c d d2 e f g h i j k l m n o p q r dt on where group having order"
	if got := strings.Join(cols, " "); got != want {
		t.Errorf("column visit order\n got %s\nwant %s", got, want)
	}
	for _, typ := range []string{"*ast.Unary", "*ast.Binary", "*ast.Logical", "*ast.Not", "*ast.IsNull",
		"*ast.Between", "*ast.In", "*ast.Like", "*ast.AnyAll", "*ast.Exists", "*ast.Subquery", "*ast.Case",
		"*ast.Cast", "*ast.FuncCall", "*ast.ArrayLit", "*ast.Comparison", "*ast.Placeholder", "*ast.Star",
		"*ast.QualifiedStar", "*ast.With", "*ast.CTE", "*ast.SetOp", "*ast.Join", "*ast.DerivedTable",
		"*ast.TableName", "*ast.SelectCore", "*ast.Select"} {
		if counts[typ] == 0 {
			t.Errorf("Inspect never visited a %s", typ)
		}
	}
	if got := MaxPlaceholder(s); got != 7 {
		t.Errorf("MaxPlaceholder = %d, want 7", got)
	}

	// Returning false prunes the subtree.
	visited := 0
	Inspect(s, func(n Node) bool {
		visited++
		_, isCore := n.(*SelectCore)
		return !isCore
	})
	if visited >= len(cols) {
		t.Errorf("pruned walk visited %d nodes", visited)
	}
}

func TestInspectStatements(t *testing.T) {
	check := &Comparison{L: col("chk"), R: num(0)}
	stmts := []Statement{
		&Insert{Table: &TableName{Name: "t"}, Values: [][]Expr{{col("v")}},
			OnConflict: &OnConflict{DoUpdate: true, Set: []Assignment{{Column: "a", Value: col("set")}}, Where: col("ocw")},
			Returning:  []SelectItem{{Expr: col("ret")}}},
		&Update{Table: &TableName{Name: "t"}, Set: []Assignment{{Column: "a", Value: col("set")}},
			From: []TableExpr{&TableName{Name: "u"}}, Where: col("w")},
		&Delete{Table: &TableName{Name: "t"}, Using: []TableExpr{&TableName{Name: "u"}}, Where: col("w")},
		&CreateTable{Table: &TableName{Name: "t"},
			Columns:     []*ColumnDef{{Name: "a", Default: col("def"), Checks: []Expr{check}}},
			Constraints: []*TableConstraint{{Kind: ConstraintCheck, Check: col("tc")}}},
		&AlterTable{Table: &TableName{Name: "t"}, Action: &SetDefault{Column: "a", Default: col("sd")}},
		&AlterTable{Table: &TableName{Name: "t"}, Action: &AddColumn{Column: &ColumnDef{Name: "a", Default: col("ad")}}},
		&AlterTable{Table: &TableName{Name: "t"}, Action: &AddConstraint{Constraint: &TableConstraint{Kind: ConstraintCheck, Check: col("ac")}}},
		&CreateView{Name: &TableName{Name: "v"}, Query: sub("vq")},
		&CreateIndex{Name: "i", Table: &TableName{Name: "t"}, Exprs: []Expr{col("ix")}},
		&Explain{Stmt: &Delete{Table: &TableName{Name: "t"}, Where: col("ex")}},
	}
	want := []string{"v set ocw ret", "set w", "w", "def chk tc", "sd", "ad", "ac", "vq", "ix", "ex"}
	for i, s := range stmts {
		var cols []string
		Inspect(s, func(n Node) bool {
			if c, ok := n.(*ColumnRef); ok {
				cols = append(cols, c.Name)
			}
			return true
		})
		if got := strings.Join(cols, " "); got != want[i] {
			t.Errorf("%T: columns %q, want %q", s, got, want[i])
		}
	}
}

func TestDump(t *testing.T) {
	tests := []struct {
		n    Node
		want string
	}{
		{&Binary{Op: OpAdd, L: col("a"), R: &Binary{Op: OpMul, L: col("b"), R: col("c")}}, "(+ a (* b c))"},
		{&Binary{Op: OpMul, L: &Binary{Op: OpAdd, L: col("a"), R: col("b")}, R: col("c")}, "(* (+ a b) c)"},
		{sub("x"), "(SELECT (x) (FROM t))"},
		{&Savepoint{Name: "sp"}, "(SAVEPOINT sp)"},
		{&Begin{}, "(BEGIN)"},
		{&Not{}, "(NOT <nil>)"},
		{&DropIndex{IfExists: true, Name: "i"}, "(DROP-INDEX IF-EXISTS i)"},
		{&AlterTable{Table: &TableName{Name: "t"}, Action: &AlterColumnType{Column: "c", Type: Type{Base: TypeBigInt}}},
			"(ALTER-TABLE t (TYPE c BIGINT))"},
	}
	for _, tt := range tests {
		if got := Dump(tt.n); got != tt.want {
			t.Errorf("Dump(%T) = %s, want %s", tt.n, got, tt.want)
		}
	}
	// Dump covers every node of the full query without "<unknown>".
	if d := Dump(fullSelect()); strings.Contains(d, "<unknown>") || strings.Contains(d, "<nil>") {
		t.Errorf("Dump(fullSelect()) = %s", d)
	}
}

func TestReturnsRowsAndHelpers(t *testing.T) {
	if !ReturnsRows(sub("a")) || !ReturnsRows(&Explain{Stmt: &Begin{}}) || ReturnsRows(&Begin{}) {
		t.Error("ReturnsRows of SELECT/EXPLAIN/BEGIN wrong")
	}
	if ReturnsRows(&Insert{}) || !ReturnsRows(&Insert{Returning: []SelectItem{{Expr: &Star{}}}}) {
		t.Error("ReturnsRows of INSERT wrong")
	}
	it := SelectItem{Expr: &FuncCall{Name: "COUNT", Star: true}}
	if it.OutputName() != "COUNT(*)" {
		t.Errorf("OutputName = %s", it.OutputName())
	}
	it.Alias = "n"
	if it.OutputName() != "n" {
		t.Errorf("OutputName with alias = %s", it.OutputName())
	}
	tn := &TableName{Schema: "s", Name: "t"}
	if tn.FullName() != "s.t" || tn.RefName() != "t" {
		t.Errorf("TableName helpers: %s %s", tn.FullName(), tn.RefName())
	}
	lits := []*Literal{{}, {Kind: LitBool, Bool: true}, num(3), {Kind: LitFloat, Float: 1.5}, str("s")}
	want := []any{nil, true, int64(3), 1.5, "s"}
	for i, l := range lits {
		if l.Value() != want[i] {
			t.Errorf("Value() = %#v, want %#v", l.Value(), want[i])
		}
	}
}
