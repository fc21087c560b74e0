package sql

import (
	"errors"
	"testing"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/sql/exec"
)

func TestErrors(t *testing.T) {
	db := fixture(t)
	db.put("_internal:schemas:q", `{"table_name":"q","columns":{"id":{"type":"INTEGER","nullable":false,"default":null},"name":{"type":"TEXT","nullable":true,"default":null}},"column_order":["id","name"],"constraints":[]}`,
		"q:1", `{"id":1,"name":"x"}`)
	db.eng = New(&Options{Limits: exec.Limits{MaxIterations: 1000}})
	tests := []struct {
		sql  string
		kind error
		msg  string
	}{
		{"SELECT 1", ErrSyntax, "Expected 'FROM', found end of input"},
		{"SELECT a FROM t WHERE", ErrSyntax, "syntax error at position 21 near end of input"},
		{"SELECT name FROM p WHERE age > 1", ErrPlan, `Column 'age' not found in any of the tables with schemas: ["p"]`},
		{"SELECT non_existent_col FROM p", ErrPlan, `Column 'non_existent_col' not found in any of the tables with schemas: ["p"]`},
		{"SELECT id FROM p JOIN q ON p.id = q.id", ErrPlan, `Column 'id' is ambiguous and exists in tables: ["p", "q"]`},
		{"SELECT p.nope FROM p", ErrPlan, "Column 'nope' does not exist in table 'p'"},
		{"SELECT x.name FROM p x ORDER BY x.zzz", ErrPlan, "Column 'zzz' does not exist in table 'x'"},
		{"SELECT name FROM p ORDER BY n", ErrPlan, `Column 'n' not found in any of the tables with schemas: ["p"]`},
		{"SELECT FOO(name) FROM user", ErrPlan, "Function 'FOO' not found"},
		{"SELECT FOO(name) FROM p", ErrPlan, "Function 'FOO' not found"},
		{"SELECT name, COUNT(*) FROM user", ErrPlan, "Column 'name' must appear in the GROUP BY clause or be used in an aggregate function"},
		{"SELECT name, age FROM user GROUP BY name", ErrPlan, "Column 'age' must appear in the GROUP BY clause or be used in an aggregate function"},
		{"SELECT age / 0 FROM user", ErrDivisionByZero, "Division by zero"},
		{"SELECT name FROM user WHERE name LIKE 5", ErrExec, "LIKE pattern must be a string"},
		{"SELECT name FROM user WHERE age = (SELECT age FROM user)", ErrExec, "Subquery for '=' operator must return exactly one row"},
		{"SELECT (SELECT name, age FROM user WHERE id = '1') FROM dept", ErrExec, "Scalar subquery returned more than one column"},
		{"SELECT name FROM user WHERE age IN (SELECT name, age FROM user)", ErrExec, "Subquery for IN operator must return exactly one column"},
		{"SELECT name FROM user UNION SELECT name, age FROM user", ErrPlan, "SELECTs to the left and right of UNION have different number of columns"},
		{"WITH a AS (SELECT 1 FROM user), a AS (SELECT 2 FROM user) SELECT * FROM a", ErrPlan, "CTE name 'a' conflicts with an existing view or another CTE."},
		{"SELECT name FROM user WHERE COUNT(*) > 1", ErrExec, "Aggregate function COUNT(*) used in a context where it was not computed (aggregates are not allowed in WHERE, ON or GROUP BY)"},
		{"SELECT SUM(DISTINCT age) FROM user", ErrUnsupported, "DISTINCT is currently only supported with COUNT"},
		{"SELECT SUM(age + 1) FROM user", ErrUnsupported, "Complex expressions in aggregate functions not yet supported"},
		{"SELECT CAST(name AS INTEGER) FROM user", ErrCast, "invalid digit found in string"},
		{"SELECT CAST(99999999999 AS INTEGER) FROM dept", ErrCast, "Value 99999999999 out of range for INTEGER"},
		{"SELECT CAST('maybe' AS BOOLEAN) FROM dept", ErrCast, "Cannot cast string 'maybe' to BOOLEAN"},
		{"SELECT CAST('hello world' AS VARCHAR(10)) FROM dept", ErrCast, "Value too long for type VARCHAR(10): len=11 > max=10"},
		{"SELECT ROUND(age, 2) FROM user", ErrPlan, "Function 'ROUND' takes exactly 1 argument, got 2"},
		{"SELECT name FROM user ORDER BY 5", ErrPlan, "ORDER BY position 5 is not in select list"},
		{"INSERT INTO t VALUES (1)", ErrPlan, "Cannot INSERT without column list into a table with no schema"},
		{"WITH RECURSIVE c (n) AS (SELECT 1 FROM dept WHERE id = '1' UNION ALL SELECT n + 1 FROM c) SELECT n FROM c", ErrLimit, "Recursive query 'c' exceeded the limit of 1000 iterations"},
	}
	for _, tt := range tests {
		t.Run(tt.sql, func(t *testing.T) {
			if got := db.errText(tt.sql, tt.kind); got != tt.msg {
				t.Errorf("got %q, want %q", got, tt.msg)
			}
		})
	}
}

func TestSchemaValidationPasses(t *testing.T) {
	db := fixture(t)
	for _, q := range []string{
		"SELECT name FROM p WHERE score > 5",
		"SELECT x.name FROM p x WHERE x.id = 1",
		"SELECT name FROM p p1 WHERE EXISTS (SELECT 1 FROM user WHERE user.nosuch = p1.name)",
		"SELECT u.anything FROM user u JOIN p ON u.dept_id = p.id",
		"SELECT name, COUNT(*) FROM p GROUP BY name HAVING nosuch > 1",
	} {
		if _, err := db.exec(q); err != nil {
			t.Errorf("%s: %v", q, err)
		}
	}
}

func TestParams(t *testing.T) {
	db := fixture(t)
	got := db.rows("SELECT name FROM user WHERE age > $1 ORDER BY name LIMIT $2", jsondoc.Int(26), jsondoc.Int(1))
	if want := `{"name":"Alice"}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if _, err := db.exec("SELECT name FROM user WHERE age > $1"); !errors.Is(err, ErrExec) {
		t.Errorf("missing parameter: got %v", err)
	}
}

func TestResultLimit(t *testing.T) {
	db := fixture(t)
	db.eng = New(&Options{Limits: execLimits(2)})
	_, err := db.exec("SELECT name FROM user")
	if !errors.Is(err, ErrLimit) || err.Error() != "result too large" {
		t.Fatalf("got %v", err)
	}
}
