package memflux_test

import (
	"testing"

	"github.com/memflux/memflux"
)

// sqlDo runs one SQL statement and compares its reply's rendering.
func sqlDo(t *testing.T, s *memflux.Session, want, stmt string) {
	t.Helper()
	r, err := s.Do("SQL", stmt)
	got := r.String()
	if err != nil {
		got = "ERR " + err.Error()
	}
	if got != want {
		t.Fatalf("SQL %s\n got %s\nwant %s", stmt, got, want)
	}
}

// TestSQLCatalogPersists checks that the catalog (schemas, views, schema names), the rows
// written through SQL and the constraints they carry survive a restart: half of the DDL
// and DML goes into a snapshot, the other half only into the WAL.
func TestSQLCatalogPersists(t *testing.T) {
	dir := t.TempDir()
	db := openDir(t, dir)
	s := db.NewSession()
	sqlDo(t, s, "+OK", "CREATE SCHEMA app")
	sqlDo(t, s, "+OK", "CREATE TABLE app.dept (id INTEGER PRIMARY KEY, name TEXT UNIQUE)")
	sqlDo(t, s, ":2", "INSERT INTO app.dept (id, name) VALUES (1, 'eng'), (2, 'ops')")
	sqlDo(t, s, "+OK", "CREATE TABLE emp (id INTEGER PRIMARY KEY, name TEXT NOT NULL, dept INTEGER REFERENCES app.dept (id) ON DELETE CASCADE, salary NUMERIC(8, 2) DEFAULT 1000, CHECK (salary > 0))")
	sqlDo(t, s, ":2", "INSERT INTO emp (id, name, dept) VALUES (1, 'Ann', 1), (2, 'Bob', 2)")
	do(t, s, "+OK", "SAVE")
	// After the snapshot: only in the WAL.
	sqlDo(t, s, "+OK", "ALTER TABLE emp ADD COLUMN email VARCHAR(20)")
	sqlDo(t, s, "+OK", "ALTER TABLE emp ADD CONSTRAINT emp_email UNIQUE (email)")
	sqlDo(t, s, ":1", "UPDATE emp SET email = 'ann@x' WHERE id = 1")
	sqlDo(t, s, "+OK", "CREATE VIEW emp_names AS SELECT name FROM emp")
	sqlDo(t, s, "+OK", "CREATE TABLE gone (id INTEGER PRIMARY KEY)")
	sqlDo(t, s, "+OK", "DROP TABLE gone")
	sqlDo(t, s, "+OK", "BEGIN")
	sqlDo(t, s, "+OK", "CREATE TABLE never (id INTEGER)")
	sqlDo(t, s, "+OK", "ROLLBACK")
	s.Close()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = openDir(t, dir)
	defer db.Close()
	s = db.NewSession()
	defer s.Close()
	do(t, s, `["_internal:schemalist:app" "_internal:schemas:app.dept" "_internal:schemas:emp" "_internal:views:emp_names"]`, "KEYS", "_internal:*")
	sqlDo(t, s, `["{\"dept\":1,\"email\":\"ann@x\",\"id\":1,\"name\":\"Ann\",\"salary\":1000.0}" "{\"dept\":2,\"id\":2,\"name\":\"Bob\",\"salary\":1000.0}"]`,
		"SELECT * FROM emp ORDER BY id")
	sqlDo(t, s, `["{\"name\":\"Ann\"}" "{\"name\":\"Bob\"}"]`, "SELECT name FROM emp_names ORDER BY name")
	// Every constraint is still enforced.
	sqlDo(t, s, "ERR Execution Error: UNIQUE constraint 'emp_email' failed for column 'email'", "INSERT INTO emp (id, name, dept, email) VALUES (3, 'Cy', 1, 'ann@x')")
	sqlDo(t, s, "ERR Execution Error: UNIQUE constraint 'unique_app.dept_name' failed for column 'name'", "INSERT INTO app.dept (id, name) VALUES (3, 'eng')")
	sqlDo(t, s, "ERR Execution Error: CHECK constraint failed for table 'emp'", "INSERT INTO emp (id, name, salary) VALUES (3, 'Cy', -1)")
	sqlDo(t, s, "ERR Execution Error: NULL value in column 'name' violates not-null constraint", "INSERT INTO emp (id) VALUES (3)")
	sqlDo(t, s, "ERR Execution Error: Insert or update on table 'emp' violates foreign key constraint. A matching key was not found in table 'app.dept'.", "INSERT INTO emp (id, name, dept) VALUES (3, 'Cy', 9)")
	sqlDo(t, s, ":1", "DELETE FROM app.dept WHERE id = 2")
	sqlDo(t, s, `["{\"COUNT(*)\":1}"]`, "SELECT COUNT(*) FROM emp")
	sqlDo(t, s, "ERR Execution Error: Table 'gone' does not exist", "DROP TABLE gone")
}
