package ast

import (
	"math"
	"testing"
)

// TestSQL covers hand-built shapes the parser does not produce; the
// parser's tests check the round trip of everything it does produce.
func TestSQL(t *testing.T) {
	tests := []struct {
		n    Node
		want string
	}{
		{num(-5), "-5"},
		{&Binary{Op: OpMul, L: col("a"), R: num(-5)}, "a * -5"},
		{&Unary{X: num(-5)}, "-(-5)"},
		{&Literal{Kind: LitFloat, Float: 1e18}, "1000000000000000000.0"},
		{&Literal{Kind: LitFloat, Float: 1.5e-7}, "0.00000015"},
		{&Literal{Kind: LitFloat, Float: math.NaN()}, "NULL"},
		{str("it's"), "'it''s'"},
		{&Logical{Op: LogicAnd, L: &Logical{Op: LogicOr, L: col("a"), R: col("b")}, R: col("c")}, "(a OR b) AND c"},
		{&Not{X: &Logical{Op: LogicAnd, L: col("a"), R: col("b")}}, "NOT (a AND b)"},
		{&Comparison{Op: CmpEq, L: &Not{X: col("a")}, R: col("b")}, "(NOT a) = b"},
		{&Binary{Op: OpConcat, L: &Binary{Op: OpAdd, L: col("a"), R: col("b")}, R: col("c")}, "a + b || c"},
		{&Binary{Op: OpAdd, L: col("a"), R: &Binary{Op: OpConcat, L: col("b"), R: col("c")}}, "a + (b || c)"},
		{&Join{Kind: JoinCross, Left: &TableName{Name: "a"},
			Right: &Join{Kind: JoinLeft, Left: &TableName{Name: "b"}, Right: &TableName{Name: "c", Alias: "x"}, On: col("k")}},
			"a, b LEFT JOIN c AS x ON k"},
		{&ColumnDef{Name: "c", Type: Type{Base: TypeText}, Default: &Binary{Op: OpConcat, L: str("a"), R: str("b")}, NotNull: true},
			"c TEXT NOT NULL DEFAULT ('a' || 'b')"},
		{&TableConstraint{Name: "fk", Kind: ConstraintForeignKey, Columns: []string{"a"},
			RefTable: &TableName{Schema: "s", Name: "p"}, OnDelete: RefSetNull, OnUpdate: RefCascade},
			"CONSTRAINT fk FOREIGN KEY (a) REFERENCES s.p ON DELETE SET NULL ON UPDATE CASCADE"},
		{&RenameColumn{Old: "a", New: "b"}, "RENAME COLUMN a TO b"},
		{&CreateView{Name: &TableName{Name: "v"}, Query: sub("a")}, "CREATE VIEW v AS SELECT a FROM t"},
		{&CreateView{Name: &TableName{Name: "v"}, Query: sub("a"), Text: "select a from t"}, "CREATE VIEW v AS select a from t"},
		{&RollbackTo{Name: "sp"}, "ROLLBACK TO SAVEPOINT sp"},
		{&Explain{Stmt: &Delete{Table: &TableName{Name: "t"}}}, "EXPLAIN DELETE FROM t"},
		{&With{}, ""},
	}
	for _, tt := range tests {
		if got := SQL(tt.n); got != tt.want {
			t.Errorf("SQL(%T) = %s, want %s", tt.n, got, tt.want)
		}
	}
}

func TestQuoteSQL(t *testing.T) {
	for in, want := range map[string]string{"": "''", "a": "'a'", "it's": "'it''s'", `\x`: `'\x'`, "''": "''''''"} {
		if got := QuoteSQL(in); got != want {
			t.Errorf("QuoteSQL(%q) = %s, want %s", in, got, want)
		}
	}
}
