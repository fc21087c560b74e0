package parser

import (
	"testing"

	"github.com/memflux/memflux/sql/ast"
)

// TestPrecedence checks the tree shape (via ast.Dump) of SPEC §4.3's
// precedence: OR < AND < NOT < comparison < || < + - < * / % < unary - <
// primary (with :: postfix).
func TestPrecedence(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a OR b AND NOT c = d || e + f * -g", "(OR a (AND b (NOT (= c (|| d (+ e (* f (NEG g))))))))"},
		{"a AND b OR c", "(OR (AND a b) c)"},
		{"a OR b OR c", "(OR (OR a b) c)"},
		{"NOT a AND b", "(AND (NOT a) b)"},
		{"NOT a = b", "(NOT (= a b))"},
		{"NOT NOT a", "(NOT (NOT a))"},
		{"a + b * c - d / e % f", "(- (+ a (* b c)) (% (/ d e) f))"},
		{"a - b - c", "(- (- a b) c)"},
		{"a || b + c", "(|| a (+ b c))"},
		{"a + b || c", "(|| (+ a b) c)"},
		{"a || b || c", "(|| (|| a b) c)"},
		{"-a * b", "(* (NEG a) b)"},
		{"- -a", "(NEG (NEG a))"},
		{"-a::int", "(NEG (CAST a INTEGER))"},
		{"a::int::text", "(CAST (CAST a INTEGER) TEXT)"},
		{"(a + b)::text", "(CAST (+ a b) TEXT)"},
		{"(a + b) * c", "(* (+ a b) c)"},
		{"a = b AND c <> d", "(AND (= a b) (!= c d))"},
		{"a < b OR a <= b OR a > b OR a >= b OR a != b", "(OR (OR (OR (OR (< a b) (<= a b)) (> a b)) (>= a b)) (!= a b))"},
		{"v > 5 + 1", "(> v (+ 5 1))"},
		{"a = b || 'x'", "(= a (|| b \"x\"))"},
		{"x BETWEEN 1 AND 2 AND y", "(AND (BETWEEN x 1 2) y)"},
		{"x NOT BETWEEN a || b AND c + 1", "(NOT (BETWEEN x (|| a b) (+ c 1)))"},
		{"a IS NULL AND b IS NOT NULL", "(AND (IS-NULL a) (IS-NOT-NULL b))"},
		{"NOT a IS NULL", "(NOT (IS-NULL a))"},
		{"a + 1 IS NULL", "(IS-NULL (+ a 1))"},
		{"a LIKE 'x' || 'y'", "(LIKE a (|| \"x\" \"y\"))"},
		{"a NOT ILIKE b ESCAPE '#' OR c", "(OR (NOT (ILIKE a b (ESCAPE \"#\"))) c)"},
		{"a IN (1, 2) OR b NOT IN (3)", "(OR (IN a (LIST 1 2)) (NOT (IN b (LIST 3))))"},
		{"a.b.c = $1", "(= a.b.c $1)"},
		{"a = ANY (SELECT b FROM t) AND TRUE", "(AND (= ANY a (SELECT (b) (FROM t))) true)"},
		{"NOT EXISTS (SELECT 1 FROM t)", "(NOT (EXISTS (SELECT (1) (FROM t))))"},
		{"CASE WHEN a OR b THEN c + 1 END * 2", "(* (CASE (WHEN (OR a b) (+ c 1))) 2)"},
		{"f(a, b + 1, g(c))", "(F a (+ b 1) (G c))"},
	}
	for _, tt := range tests {
		e, err := ParseExpr(tt.in)
		if err != nil {
			t.Errorf("ParseExpr(%q): %v", tt.in, err)
			continue
		}
		if got := ast.Dump(e); got != tt.want {
			t.Errorf("ParseExpr(%q)\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
}

// TestCanonicalNames checks Expr.String, which names output columns
// (SPEC §4.8).
func TestCanonicalNames(t *testing.T) {
	tests := []struct{ in, want string }{
		{"name", "name"},
		{"user.name", "user.name"},
		{"Departments.Name", "Departments.Name"},
		{"data.address.city", "data.address.city"},
		{"COUNT(*)", "COUNT(*)"},
		{"count(*)", "COUNT(*)"},
		{"count(distinct name)", "COUNT(DISTINCT name)"},
		{"sum(age)", "SUM(age)"},
		{"AVG(s.amount)", "AVG(s.amount)"},
		{"value + 5", "value + 5"},
		{"v*2", "v * 2"},
		{"a||b", "a || b"},
		{"v % 3", "v % 3"},
		{"a <> b", "a != b"},
		{"a != b", "a != b"},
		{"a>=b", "a >= b"},
		{"-x", "0 - x"},
		{"-5", "0 - 5"},
		{"(a + b) * c", "a + b * c"},
		{"NOT x", "NOT x"},
		{"lower(email)", "LOWER(email)"},
		{"substring(name, 1, 4)", "SUBSTRING(name, 1, 4)"},
		{"now()", "NOW()"},
		{"CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP"},
		{"CASE WHEN a > 1 THEN 'x' WHEN a = 1 THEN 'y' ELSE 'z' END", `CASE WHEN a > 1 THEN "x" WHEN a = 1 THEN "y" ELSE "z" END`},
		{"CASE WHEN a THEN 1 END", "CASE WHEN a THEN 1 END"},
		{"CAST(age AS int)", "CAST(age AS INTEGER)"},
		{"CAST(age AS TEXT)", "CAST(age AS TEXT)"},
		{"age::numeric(10,2)", "CAST(age AS NUMERIC(10, 2))"},
		{"x::double precision", "CAST(x AS DOUBLE PRECISION)"},
		{"x::int[]", "CAST(x AS INTEGER[])"},
		{"(SELECT 1 FROM t)", "(SELECT ...subquery...)"},
		{"(SELECT a FROM t UNION SELECT b FROM u)", "(SELECT ...subquery...)"},
		{"x IS NULL", "IS_NULL(x)"},
		{"x IS NOT NULL", "IS_NOT_NULL(x)"},
		{"a AND b OR c", "a AND b OR c"},
		{"x BETWEEN 1 AND 2", "x BETWEEN 1 AND 2"},
		{"x NOT BETWEEN 1 AND 2", "NOT x BETWEEN 1 AND 2"},
		{"x IN (1, 2)", "x IN (1, 2)"},
		{"x NOT IN ('a')", `NOT x IN ("a")`},
		{"x IN (SELECT a FROM t)", "x IN (SELECT ...subquery...)"},
		{"x LIKE 'a%'", `x LIKE "a%"`},
		{"x ILIKE 'a%' ESCAPE '!'", `x ILIKE "a%" ESCAPE "!"`},
		{"EXISTS (SELECT 1 FROM t)", "EXISTS (SELECT ...subquery...)"},
		{"x >= ALL (SELECT a FROM t)", "x >= ALL (SELECT ...subquery...)"},
		{"x = some (SELECT a FROM t)", "x = ANY (SELECT ...subquery...)"},
		{"$3", "$3"},
		{"?", "$1"},
		{"5", "5"},
		{"'lit'", `"lit"`},
		{"''", `""`},
		{`'a"b\c'`, `"a\"b\\c"`},
		{"'it''s'", `"it's"`},
		{"null", "null"},
		{"TRUE", "true"},
		{"false", "false"},
		{"1.5", "1.5"},
		{"15.0", "15.0"},
		{"1.50", "1.5"},
		{"0.001", "0.001"},
		{"1e3", "1000.0"},
		{"1e21", "1e21"},
		{"ARRAY[1,2]", "ARRAY[1, 2]"},
		{"STRING_AGG(name, ',' ORDER BY name DESC)", `STRING_AGG(name, "," ORDER BY name DESC)`},
		{"array_agg(DISTINCT x ORDER BY y NULLS FIRST)", "ARRAY_AGG(DISTINCT x ORDER BY y NULLS FIRST)"},
		{"DATE '2024-01-01'", `CAST("2024-01-01" AS DATE)`},
		{"extract(year FROM ts)", `EXTRACT("year", ts)`},
	}
	for _, tt := range tests {
		e, err := ParseExpr(tt.in)
		if err != nil {
			t.Errorf("ParseExpr(%q): %v", tt.in, err)
			continue
		}
		if got := e.String(); got != tt.want {
			t.Errorf("ParseExpr(%q).String() = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// TestOutputNames checks SelectItem.OutputName over a whole select list.
func TestOutputNames(t *testing.T) {
	stmt, err := Parse("SELECT name, user.name, COUNT(*), SUM(age) AS total, value + 5, 'lit', 1, -x, LOWER(email) e FROM user")
	if err != nil {
		t.Fatal(err)
	}
	core := stmt.(*ast.Select).Body.(*ast.SelectCore)
	want := []string{"name", "user.name", "COUNT(*)", "total", "value + 5", `"lit"`, "1", "0 - x", "e"}
	if len(core.Items) != len(want) {
		t.Fatalf("got %d items, want %d", len(core.Items), len(want))
	}
	for i, it := range core.Items {
		if got := it.OutputName(); got != want[i] {
			t.Errorf("item %d: OutputName() = %s, want %s", i, got, want[i])
		}
	}
}

// TestLiteralValues checks the Go values literals carry.
func TestLiteralValues(t *testing.T) {
	tests := []struct {
		in   string
		want any
	}{
		{"42", int64(42)},
		{"9223372036854775807", int64(9223372036854775807)},
		{"9223372036854775808", 9223372036854775808.0},
		{"25.7", 25.7},
		{"25.", 25.0},
		{"1e3", 1000.0},
		{"'x''y'", "x'y"},
		{"NULL", nil},
		{"true", true},
		{"FALSE", false},
	}
	for _, tt := range tests {
		e, err := ParseExpr(tt.in)
		if err != nil {
			t.Errorf("ParseExpr(%q): %v", tt.in, err)
			continue
		}
		lit, ok := e.(*ast.Literal)
		if !ok {
			t.Errorf("ParseExpr(%q) = %T, want *ast.Literal", tt.in, e)
			continue
		}
		if got := lit.Value(); got != tt.want {
			t.Errorf("ParseExpr(%q).Value() = %#v, want %#v", tt.in, got, tt.want)
		}
	}
}
