package parser

import (
	"errors"
	"strings"
	"testing"
)

// errorTests lists every documented error text with its position, plus a
// sample of generic syntax errors. unsupported marks errors that must also
// match ErrUnsupported.
var errorTests = []struct {
	sql         string
	pos         int
	msg         string
	unsupported bool
}{
	{"", 0, "Empty SQL query", false},
	{"  ;; \n", 0, "Empty SQL query", false},
	{"SELECT 1", 8, "Expected 'FROM', found end of input", false},
	{"SELECT a b c FROM t", 11, "Expected 'FROM', found 'c'", false},
	{"SELECT *, a FROM t", 8, "Expected 'FROM', found ','", false},
	{"SELECT a FROM t ORDER a", 22, "Expected 'BY', found 'a'", false},
	{"SELECT a FROM t GROUP a", 22, "Expected 'BY', found 'a'", false},
	{"SELECT a FROM t JOIN u", 22, "Expected 'ON', found end of input", false},
	{"SELECT CASE a WHEN 1 THEN 2 END FROM t", 12, "Expected 'WHEN', found 'a'", false},
	{"SELECT CAST(a AS DOUBLE) FROM t", 23, "Expected 'PRECISION', found ')'", false},
	{"INSERT t VALUES (1)", 7, "Expected 'INTO', found 't'", false},
	{"INSERT INTO t (a) (1)", 18, "Expected 'VALUES', found '('", false},
	{"UPDATE t a = 1", 11, "Expected 'SET', found '='", false},
	{"DELETE t", 7, "Expected 'FROM', found 't'", false},
	{"START", 5, "Expected 'TRANSACTION', found end of input", false},
	{"SELECT a FROM t extra junk", 22, "Unexpected token 'junk' after end of statement", false},
	{"SELECT a FROM t; SELECT b FROM u", 17, "Unexpected token 'SELECT' after end of statement", false},
	{"COMMIT now", 7, "Unexpected token 'now' after end of statement", false},
	{"SELECT * FROM (SELECT 1 FROM t)", 31, "Subquery in FROM clause must have an alias", false},
	{"SELECT * FROM (SELECT 1 FROM t) WHERE x = 1", 32, "Subquery in FROM clause must have an alias", false},
	{"SELECT SUM(DISTINCT a) FROM t", 7, "DISTINCT is currently only supported with COUNT", true},
	{"SELECT AVG(DISTINCT a) FROM t", 7, "DISTINCT is currently only supported with COUNT", true},
	{"SELECT COUNT(a + 1) FROM t", 7, "Complex expressions in aggregate functions not yet supported", true},
	{"SELECT x FROM t HAVING MAX(LOWER(a)) > 1", 23, "Complex expressions in aggregate functions not yet supported", true},
	{"SELECT SUM(1) FROM t", 7, "Complex expressions in aggregate functions not yet supported", true},
	{"SELECT COUNT(a, b) FROM t", 7, "Complex expressions in aggregate functions not yet supported", true},
	{"SELECT min() FROM t", 7, "Complex expressions in aggregate functions not yet supported", true},
	{"INSERT INTO t (a, b) VALUES (1)", 28, "INSERT has mismatch between number of columns (2) and values (1)", false},
	{"INSERT INTO t (a) VALUES (1), (2, 3)", 30, "INSERT has mismatch between number of columns (1) and values (2)", false},
	{"SELECT a FROM t UNION SELECT b FROM u ORDER BY a UNION SELECT c FROM v", 38, errSetOperandClause, false},
	{"SELECT a FROM t ORDER BY a UNION SELECT b FROM u LIMIT 1", 49, errSetOperandClause, false},
	{"SELECT a FROM t UNION SELECT b FROM u LIMIT 1 EXCEPT SELECT c FROM v", 38, errSetOperandClause, false},
	{"CREATE TABLE t (a BLOB)", 18, "Unsupported data type: BLOB", true},
	{"SELECT CAST(a AS foo) FROM t", 17, "Unsupported data type: FOO", true},
	{"SELECT a::money FROM t", 10, "Unsupported data type: MONEY", true},
	{"FOO bar", 0, "Unsupported SQL command: FOO", true},
	{"grant all on t to u", 0, "Unsupported SQL command: GRANT", true},
	{"CREATE FUNCTION f()", 0, "Unsupported SQL command: CREATE FUNCTION", true},
	{"CREATE", 0, "Unsupported SQL command: CREATE", true},
	{"DROP SCHEMA s", 0, "Unsupported SQL command: DROP SCHEMA", true},
	{"ALTER INDEX i", 0, "Unsupported SQL command: ALTER INDEX", true},
	{"(SELECT 1 FROM t)", 0, "Unsupported SQL command: (", true},
	{"WITH RECURSIVE a AS (SELECT 1 FROM t), b AS (SELECT 2 FROM t) SELECT * FROM a", 39,
		"Only one CTE is supported in a RECURSIVE WITH clause for now.", true},
	{"SAVEPOINT", 9, "SAVEPOINT requires a name", false},
	{"ROLLBACK TO", 11, "ROLLBACK TO SAVEPOINT requires a name", false},
	{"ROLLBACK TO SAVEPOINT", 21, "ROLLBACK TO SAVEPOINT requires a name", false},
	{"RELEASE", 7, "RELEASE SAVEPOINT requires a name", false},
	{"RELEASE SAVEPOINT", 17, "RELEASE SAVEPOINT requires a name", false},
	// Generic syntax errors.
	{"SELECT a FROM t WHERE", 21, "syntax error at position 21 near end of input", false},
	{"SELECT a FROM t WHERE NOT", 25, "syntax error at position 25 near end of input", false},
	{"SELECT a FROM t AS", 18, "syntax error at position 18 near end of input", false},
	{"SELECT a FROM WHERE x", 14, `syntax error at position 14 near "WHERE"`, false},
	{"SELECT a FROM t WHERE a = = b", 26, `syntax error at position 26 near "="`, false},
	{"SELECT a FROM t WHERE a = b = c", 28, `syntax error at position 28 near "="`, false},
	{"SELECT a FROM t WHERE a < b IS NULL", 28, `syntax error at position 28 near "IS"`, false},
	{"SELECT a FROM t WHERE a IS TRUE", 27, `syntax error at position 27 near "TRUE"`, false},
	{"SELECT a FROM t WHERE a IS DISTINCT FROM b", 27, `syntax error at position 27 near "DISTINCT"`, false},
	{"INSERT INTO t () VALUES (1)", 15, `syntax error at position 15 near ")"`, false},
	{"INSERT INTO t (a) VALUES ()", 26, `syntax error at position 26 near ")"`, false},
	{"SELECT a, * FROM t", 10, `syntax error at position 10 near "*"`, false},
	{"SELECT t.* FROM t WHERE t.* = 1", 26, `syntax error at position 26 near "*"`, false},
	{"SELECT COUNT(DISTINCT *) FROM t", 22, `syntax error at position 22 near "*"`, false},
	{"SELECT a FROM t LIMIT -1", 22, `syntax error at position 22 near "-"`, false},
	{"SELECT a FROM t LIMIT 1.5", 22, `syntax error at position 22 near "1.5"`, false},
	{"SELECT 1e999 FROM t", 7, `syntax error at position 7 near "1e999"`, false},
	{"SELECT ?, $1 FROM t", 10, `syntax error at position 10 near "$1"`, false},
	{"SELECT 'abc FROM t", 7, `syntax error at position 7 near "'abc FROM t"`, false},
	{"SELECT a FROM t WHERE x IN ()", 28, `syntax error at position 28 near ")"`, false},
	{"SELECT x FROM t WHERE a = ANY (1, 2)", 31, `syntax error at position 31 near "1"`, false},
	{"SELECT a FROM (t)", 15, `syntax error at position 15 near "t"`, false},
	{"CREATE TABLE t (a INT, )", 23, `syntax error at position 23 near ")"`, false},
	{"CREATE TABLE t (a NUMERIC(2, 3))", 29, `syntax error at position 29 near "3"`, false},
	{"CREATE TABLE t (a VARCHAR(0))", 26, `syntax error at position 26 near "0"`, false},
	{"CREATE TABLE t (a INT[3])", 22, `Expected ']', found '3'`, false},
	{"CREATE TABLE t (a INT REFERENCES p ON DELETE EXPLODE)", 45, `syntax error at position 45 near "EXPLODE"`, false},
	{"CREATE INDEX ON t (a)", 13, `syntax error at position 13 near "ON"`, false},
	{"ALTER TABLE t FOO", 14, `syntax error at position 14 near "FOO"`, false},
	{"EXPLAIN CREATE TABLE t (a INT)", 8, `syntax error at position 8 near "CREATE"`, false},
	{"SELECT a FROM t WHERE x = 1 !", 28, `Unexpected token '!' after end of statement`, false},
	{"SELECT +a FROM t", 7, `syntax error at position 7 near "+"`, false},
}

func TestParseErrors(t *testing.T) {
	for _, tt := range errorTests {
		stmt, err := Parse(tt.sql)
		if err == nil {
			t.Errorf("Parse(%q) = %T, want error %q", tt.sql, stmt, tt.msg)
			continue
		}
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q): error %T %v, want *SyntaxError", tt.sql, err, err)
			continue
		}
		if se.Msg != tt.msg || se.Pos != tt.pos || err.Error() != tt.msg {
			t.Errorf("Parse(%q): got (%d, %q), want (%d, %q)", tt.sql, se.Pos, se.Msg, tt.pos, tt.msg)
		}
		if !errors.Is(err, ErrSyntax) {
			t.Errorf("Parse(%q): errors.Is(err, ErrSyntax) = false", tt.sql)
		}
		if got := errors.Is(err, ErrUnsupported); got != tt.unsupported {
			t.Errorf("Parse(%q): errors.Is(err, ErrUnsupported) = %v, want %v", tt.sql, got, tt.unsupported)
		}
		if errors.Is(err, ErrTooDeep) {
			t.Errorf("Parse(%q): unexpectedly matches ErrTooDeep", tt.sql)
		}
	}
}

// TestDepthLimit checks that deep nesting fails cleanly with ErrTooDeep and
// that nesting just under the limit parses.
func TestDepthLimit(t *testing.T) {
	deep := func(open, middle, close string, n int) string {
		return strings.Repeat(open, n) + middle + strings.Repeat(close, n)
	}
	tests := []struct {
		name string
		sql  string
		ok   bool
	}{
		{"parens ok", "SELECT " + deep("(", "1", ")", MaxDepth-10) + " FROM t", true},
		{"parens too deep", "SELECT " + deep("(", "1", ")", MaxDepth) + " FROM t", false},
		{"parens huge", "SELECT " + deep("(", "1", ")", 100000) + " FROM t", false},
		{"not chain", "SELECT a FROM t WHERE " + strings.Repeat("NOT ", 100000) + "a", false},
		{"unary minus chain", "SELECT " + strings.Repeat("-", 100000) + "1 FROM t", false},
		{"subqueries", "SELECT a FROM t WHERE a IN " + deep("(SELECT a FROM t WHERE a IN ", "(1)", ")", 150), false},
		{"derived tables", "SELECT * FROM " + deep("(SELECT * FROM ", "t", ") AS x", 300), false},
		{"function calls", "SELECT " + deep("f(", "1", ")", 1000) + " FROM t", false},
		{"case", "SELECT " + deep("CASE WHEN a THEN ", "1", " END", 1000) + " FROM t", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.sql)
			if tt.ok {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrTooDeep) || !errors.Is(err, ErrSyntax) {
				t.Fatalf("Parse: error %v, want ErrTooDeep", err)
			}
			if !strings.Contains(err.Error(), "nested too deeply") {
				t.Errorf("message %q lacks 'nested too deeply'", err)
			}
		})
	}
}

func TestParseExprErrors(t *testing.T) {
	tests := []struct {
		in  string
		pos int
		msg string
	}{
		{"", 0, "syntax error at position 0 near end of input"},
		{"a +", 3, "syntax error at position 3 near end of input"},
		{"a b", 2, "Unexpected token 'b' after end of statement"},
		{"t.*", 2, `syntax error at position 2 near "*"`},
		{"SELECT", 0, `syntax error at position 0 near "SELECT"`},
	}
	for _, tt := range tests {
		_, err := ParseExpr(tt.in)
		var se *SyntaxError
		if !errors.As(err, &se) || se.Pos != tt.pos || se.Msg != tt.msg {
			t.Errorf("ParseExpr(%q): got %v, want (%d, %q)", tt.in, err, tt.pos, tt.msg)
		}
	}
}
