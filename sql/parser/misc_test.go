package parser

import (
	"errors"
	"testing"

	"github.com/memflux/memflux/sql/ast"
)

func TestParseType(t *testing.T) {
	tests := []struct{ in, want string }{
		{"integer", "INTEGER"},
		{"int", "INTEGER"},
		{"INT4", "INTEGER"},
		{"smallint", "SMALLINT"},
		{"bigint", "BIGINT"},
		{"numeric", "NUMERIC"},
		{"NUMERIC(10)", "NUMERIC(10)"},
		{"NUMERIC(10, 2)", "NUMERIC(10, 2)"},
		{"decimal(10,0)", "NUMERIC(10, 0)"},
		{"real", "REAL"},
		{"double precision", "DOUBLE PRECISION"},
		{"float8", "DOUBLE PRECISION"},
		{"text", "TEXT"},
		{"varchar(255)", "VARCHAR(255)"},
		{"varchar", "VARCHAR"},
		{"character varying(5)", "VARCHAR(5)"},
		{"char(10)", "CHAR(10)"},
		{"char", "CHAR(1)"},
		{"bytea", "BYTEA"},
		{"jsonb", "JSONB"},
		{"uuid", "UUID"},
		{"boolean", "BOOLEAN"},
		{"bool", "BOOLEAN"},
		{"timestamp", "TIMESTAMP"},
		{"timestamptz", "TIMESTAMPTZ"},
		{"timestamp with time zone", "TIMESTAMPTZ"},
		{"date", "DATE"},
		{"time", "TIME"},
		{"text[]", "TEXT[]"},
		{"integer []", "INTEGER[]"},
		{"numeric(5,2)[]", "NUMERIC(5, 2)[]"},
		{"double precision[]", "DOUBLE PRECISION[]"},
	}
	for _, tt := range tests {
		typ, err := ParseType(tt.in)
		if err != nil {
			t.Errorf("ParseType(%q): %v", tt.in, err)
			continue
		}
		if got := typ.String(); got != tt.want {
			t.Errorf("ParseType(%q) = %s, want %s", tt.in, got, tt.want)
		}
		// The canonical spelling parses back to the same type.
		again, err := ParseType(typ.String())
		if err != nil || !again.Equal(typ) {
			t.Errorf("ParseType(%q) = %v, %v; want %v", typ.String(), again, err, typ)
		}
	}
	for _, in := range []string{"", "blob", "int extra", "numeric(", "varchar(10", "int[", "double"} {
		if _, err := ParseType(in); !errors.Is(err, ErrSyntax) {
			t.Errorf("ParseType(%q): error %v, want ErrSyntax", in, err)
		}
	}
	if _, err := ParseType("blob"); !errors.Is(err, ErrUnsupported) || err.Error() != "Unsupported data type: BLOB" {
		t.Errorf("ParseType(blob): %v", err)
	}
}

// TestPositions checks the byte offsets kept on nodes for later error
// reports.
func TestPositions(t *testing.T) {
	sql := "SELECT u.name, COUNT(*) FROM users u WHERE LOWER(u.email) = $1"
	stmt, err := Parse(sql)
	if err != nil {
		t.Fatal(err)
	}
	type posOf struct {
		what string
		pos  int
	}
	var got []posOf
	ast.Inspect(stmt, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ColumnRef:
			got = append(got, posOf{n.String(), n.Pos})
		case *ast.FuncCall:
			got = append(got, posOf{n.Name, n.Pos})
		case *ast.TableName:
			got = append(got, posOf{n.Name, n.Pos})
		case *ast.Placeholder:
			got = append(got, posOf{n.String(), n.Pos})
		case *ast.Comparison:
			got = append(got, posOf{n.Op.String(), n.Pos})
		}
		return true
	})
	want := []posOf{{"u.name", 7}, {"COUNT", 15}, {"users", 29}, {"=", 58}, {"LOWER", 43}, {"u.email", 49}, {"$1", 60}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("node %d: got %v, want %v", i, got[i], want[i])
		}
		if w := want[i].what; w != "COUNT" && w != "LOWER" && sql[want[i].pos:want[i].pos+len(w)] != w {
			t.Errorf("node %d: text at %d is not %q", i, want[i].pos, w)
		}
	}
}

func TestCreateViewText(t *testing.T) {
	tests := []struct{ sql, text string }{
		{"CREATE VIEW v AS SELECT id, value FROM t", "SELECT id, value FROM t"},
		{"create view v as  select a from t where b = 'x;y' ;", "select a from t where b = 'x;y'"},
		{"CREATE VIEW v AS WITH c AS (SELECT 1 FROM t) SELECT * FROM c ORDER BY 1 LIMIT 2", "WITH c AS (SELECT 1 FROM t) SELECT * FROM c ORDER BY 1 LIMIT 2"},
	}
	for _, tt := range tests {
		stmt, err := Parse(tt.sql)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.sql, err)
		}
		cv := stmt.(*ast.CreateView)
		if cv.Text != tt.text {
			t.Errorf("Parse(%q).Text = %q, want %q", tt.sql, cv.Text, tt.text)
		}
		// The stored text parses back to the same query.
		again, err := Parse(cv.Text)
		if err != nil || ast.Dump(again) != ast.Dump(cv.Query) {
			t.Errorf("re-parse of %q: %v", cv.Text, err)
		}
	}
}

func TestPlaceholderCount(t *testing.T) {
	tests := []struct {
		sql  string
		want int
	}{
		{"SELECT a FROM t", 0},
		{"SELECT a FROM t WHERE a = ? AND b IN (?, ?)", 3},
		{"SELECT a FROM t WHERE a = $2 AND b = $1", 2},
		{"INSERT INTO t (a, b) VALUES (?, ?), (?, ?) RETURNING a", 4},
		{"UPDATE t SET a = $1 WHERE b = $3", 3},
		{"SELECT a FROM t LIMIT $1 OFFSET $2", 2},
		{"SELECT a FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.x = ?)", 1},
	}
	for _, tt := range tests {
		stmt, err := Parse(tt.sql)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.sql, err)
		}
		if got := ast.MaxPlaceholder(stmt); got != tt.want {
			t.Errorf("MaxPlaceholder(%q) = %d, want %d", tt.sql, got, tt.want)
		}
	}
}

func TestReturnsRows(t *testing.T) {
	tests := []struct {
		sql  string
		want bool
	}{
		{"SELECT a FROM t", true},
		{"WITH c AS (SELECT 1 FROM t) SELECT * FROM c", true},
		{"EXPLAIN DELETE FROM t", true},
		{"INSERT INTO t (a) VALUES (1)", false},
		{"INSERT INTO t (a) VALUES (1) RETURNING *", true},
		{"UPDATE t SET a = 1 RETURNING a", true},
		{"UPDATE t SET a = 1", false},
		{"DELETE FROM t RETURNING *", true},
		{"DELETE FROM t", false},
		{"TRUNCATE t", false},
		{"BEGIN", false},
		{"CREATE TABLE t (a INT)", false},
	}
	for _, tt := range tests {
		stmt, err := Parse(tt.sql)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.sql, err)
		}
		if got := ast.ReturnsRows(stmt); got != tt.want {
			t.Errorf("ReturnsRows(%q) = %v, want %v", tt.sql, got, tt.want)
		}
	}
}

// TestNodeFields spot-checks fields Dump does not show.
func TestNodeFields(t *testing.T) {
	stmt, err := Parse("SELECT a AS x FROM s.t AS y JOIN u ON TRUE")
	if err != nil {
		t.Fatal(err)
	}
	core := stmt.(*ast.Select).Body.(*ast.SelectCore)
	join := core.From.(*ast.Join)
	left := join.Left.(*ast.TableName)
	if left.Schema != "s" || left.Name != "t" || left.Alias != "y" || left.FullName() != "s.t" || left.RefName() != "y" {
		t.Errorf("table = %+v", left)
	}
	if right := join.Right.(*ast.TableName); right.RefName() != "u" || right.FullName() != "u" {
		t.Errorf("right = %+v", right)
	}
	if core.Items[0].Alias != "x" || core.Items[0].Pos != 7 {
		t.Errorf("item = %+v", core.Items[0])
	}
}

// TestSQLRoundTrip checks that ast.SQL renders every golden statement back
// to SQL that parses to the same tree.
func TestSQLRoundTrip(t *testing.T) {
	for _, tt := range stmtTests {
		stmt, err := Parse(tt.sql)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.sql, err)
		}
		text := ast.SQL(stmt)
		again, err := Parse(text)
		if err != nil {
			t.Errorf("Parse(SQL(%q)) = Parse(%q): %v", tt.sql, text, err)
			continue
		}
		if got := ast.Dump(again); got != tt.want {
			t.Errorf("round trip of %q via %q\n got %s\nwant %s", tt.sql, text, got, tt.want)
		}
	}
}

func TestSQLExpr(t *testing.T) {
	tests := []struct{ in, want string }{
		{"(a + b) * c", "(a + b) * c"},
		{"a + b * c", "a + b * c"},
		{"a - (b - c)", "a - (b - c)"},
		{"(a - b) - c", "a - b - c"},
		{"NOT (a OR b) AND c", "NOT (a OR b) AND c"},
		{"a OR (b OR c)", "a OR (b OR c)"},
		{"(a = b) = c", "(a = b) = c"},
		{"x NOT IN (1, 2)", "NOT x IN (1, 2)"},
		{"-(a + b)", "-(a + b)"},
		{"- -a", "- -a"},
		{"'it''s' || x", "'it''s' || x"},
		{"1e3 + 2.5 + 0.0000001", "1000.0 + 2.5 + 0.0000001"},
		{"1e-7", "1e - 7"},
		{"? + ?", "$1 + $2"},
		{"x::int", "CAST(x AS INTEGER)"},
		{"DATE '2024-01-01'", "CAST('2024-01-01' AS DATE)"},
		{"extract(year from ts)", "EXTRACT('year', ts)"},
		{"position('a' in s)", "POSITION('a', s)"},
		{"substring(s from 2 for 3)", "SUBSTRING(s, 2, 3)"},
		{"count(distinct x)", "COUNT(DISTINCT x)"},
		{"string_agg(a, ',' order by b desc nulls first)", "STRING_AGG(a, ',' ORDER BY b DESC NULLS FIRST)"},
		{"CASE WHEN a THEN b END", "CASE WHEN a THEN b END"},
		{"x BETWEEN a + 1 AND (b OR c)", "x BETWEEN a + 1 AND (b OR c)"},
		{"current_date", "CURRENT_DATE"},
		{"a IS NOT NULL OR b IS NULL", "a IS NOT NULL OR b IS NULL"},
		{"x = ANY (SELECT y FROM t)", "x = ANY (SELECT y FROM t)"},
	}
	for _, tt := range tests {
		e, err := ParseExpr(tt.in)
		if err != nil {
			t.Fatalf("ParseExpr(%q): %v", tt.in, err)
		}
		got := ast.SQL(e)
		if got != tt.want {
			t.Errorf("SQL(%q) = %s, want %s", tt.in, got, tt.want)
		}
		again, err := ParseExpr(got)
		if err != nil || ast.Dump(again) != ast.Dump(e) {
			t.Errorf("ParseExpr(%q) does not round-trip: %v", got, err)
		}
	}
}

// TestParseConcurrent backs the claim that Parse is safe for concurrent use
// and that parsed trees can be read concurrently (run under -race).
func TestParseConcurrent(t *testing.T) {
	shared, err := Parse(stmtTests[len(stmtTests)/2].sql)
	if err != nil {
		t.Fatal(err)
	}
	want := ast.Dump(shared)
	const workers = 4
	errs := make(chan string, workers)
	for w := 0; w < workers; w++ {
		go func() {
			for _, tt := range stmtTests {
				stmt, err := Parse(tt.sql)
				if err != nil || ast.Dump(stmt) != tt.want {
					errs <- tt.sql
					return
				}
				if ast.Dump(shared) != want || ast.SQL(shared) == "" {
					errs <- "shared tree"
					return
				}
			}
			errs <- ""
		}()
	}
	for w := 0; w < workers; w++ {
		if bad := <-errs; bad != "" {
			t.Errorf("concurrent parse of %q failed", bad)
		}
	}
}
