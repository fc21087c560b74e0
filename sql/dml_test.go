package sql

import (
	"errors"
	"math"
	"testing"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/txn"
)

// mustExec runs one statement in tx and fails the test on error.
func mustExec(t *testing.T, db *testDB, tx *txn.Txn, q string, params ...jsondoc.Value) Result {
	t.Helper()
	res, err := db.eng.Exec(tx, q, params...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return res
}

// autoExec runs one statement in its own committed transaction.
func autoExec(t *testing.T, db *testDB, q string, params ...jsondoc.Value) Result {
	t.Helper()
	tx := db.m.Begin(txn.ModeSnapshot)
	res := mustExec(t, db, tx, q, params...)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return res
}

// TestDDLDMLErrorKinds checks the kind (errors.Is) and text of the DDL and DML errors.
func TestDDLDMLErrorKinds(t *testing.T) {
	db := newTestDB(t)
	autoExec(t, db, "CREATE TABLE p (id INTEGER PRIMARY KEY, code TEXT UNIQUE)")
	autoExec(t, db, "CREATE TABLE c (id INTEGER PRIMARY KEY, n INTEGER NOT NULL CHECK (n > 0), pid INTEGER REFERENCES p)")
	autoExec(t, db, "INSERT INTO p (id, code) VALUES (1, 'a')")
	autoExec(t, db, "INSERT INTO c (id, n, pid) VALUES (1, 1, 1)")
	tests := []struct {
		sql  string
		kind error
		msg  string
	}{
		{"CREATE TABLE p (id INTEGER)", ErrPlan, "Table 'p' already exists"},
		{"CREATE TABLE s.t (id INTEGER)", ErrPlan, "Schema 's' does not exist"},
		{"CREATE TABLE x (a INTEGER, b INTEGER, UNIQUE (a, b))", ErrUnsupported, "Composite UNIQUE constraints are not yet supported."},
		{"CREATE TABLE x (a INTEGER UNIQUE, CONSTRAINT unique_p_code UNIQUE (a))", ErrConstraint, "Failed to create unique index: Index 'unique_p_code' already exists"},
		{"CREATE TABLE x (a INTEGER REFERENCES nope)", ErrPlan, "Referenced table 'nope' does not exist"},
		{"CREATE TABLE x (a BLOB)", ErrUnsupported, "Unsupported data type: BLOB"},
		{"DROP TABLE nope", ErrPlan, "Table 'nope' does not exist"},
		{"DROP VIEW nope", ErrPlan, "View 'nope' does not exist"},
		{"ALTER TABLE nope ADD COLUMN a INTEGER", ErrPlan, "Table 'nope' does not exist"},
		{"ALTER TABLE p ADD COLUMN code TEXT", ErrPlan, "Column 'code' already exists in table 'p'"},
		{"ALTER TABLE p DROP COLUMN nope", ErrPlan, "Column 'nope' does not exist in table 'p'"},
		{"ALTER TABLE p RENAME TO c", ErrPlan, "Table or view with name 'c' already exists"},
		{"ALTER TABLE p DROP CONSTRAINT nope", ErrPlan, "Constraint 'nope' does not exist on table 'p'"},
		{"ALTER TABLE p ALTER COLUMN code TYPE INTEGER", ErrCast, "invalid digit found in string"},
		{"ALTER TABLE c ADD CONSTRAINT ck CHECK (n > 5)", ErrConstraint, "CHECK constraint failed for table 'c'"},
		{"INSERT INTO c VALUES (2, 1)", ErrPlan, "INSERT has mismatch between number of columns (3) and values (2)"},
		{"INSERT INTO free VALUES (1)", ErrPlan, "Cannot INSERT without column list into a table with no schema"},
		{"INSERT INTO c (id, nope) VALUES (2, 1)", ErrPlan, "Column 'nope' does not exist in table 'c'"},
		{"INSERT INTO c (id) VALUES (2)", ErrConstraint, "NULL value in column 'n' violates not-null constraint"},
		{"INSERT INTO c (id, n) VALUES (2, 0)", ErrConstraint, "CHECK constraint failed for table 'c'"},
		{"INSERT INTO p (id, code) VALUES (2, 'a')", ErrConstraint, "UNIQUE constraint 'unique_p_code' failed for column 'code'"},
		{"INSERT INTO c (id, n, pid) VALUES (2, 1, 9)", ErrConstraint, "Insert or update on table 'c' violates foreign key constraint. A matching key was not found in table 'p'."},
		{"INSERT INTO c (id, n) VALUES (1, 1)", ErrConstraint, "PRIMARY KEY constraint failed. Key 'c:1' already exists."},
		{"INSERT INTO c (id, n) VALUES ('x', 1)", ErrCast, "invalid digit found in string"},
		{"INSERT INTO p (id) VALUES (2) ON CONFLICT (code, id) DO NOTHING", ErrPlan, "there is no unique or exclusion constraint matching the ON CONFLICT specification"},
		{"UPDATE c SET nope = 1", ErrPlan, "Column 'nope' does not exist in table 'c'"},
		{"UPDATE c SET n = 99999999999", ErrCast, "Value 99999999999 out of range for INTEGER"},
		{"DELETE FROM p", ErrConstraint, "Delete on table 'p' violates foreign key constraint on table 'c'"},
		{"UPDATE p SET id = 5", ErrConstraint, "Update on table 'p' violates foreign key constraint on table 'c'"},
	}
	for _, tt := range tests {
		t.Run(tt.sql, func(t *testing.T) {
			if got := db.errText(tt.sql, tt.kind); got != tt.msg {
				t.Errorf("got %q, want %q", got, tt.msg)
			}
		})
	}
	// None of the failures left a trace.
	if got := db.rows("SELECT * FROM c"); got != `{"id":1,"n":1,"pid":1}` {
		t.Errorf("c after the failures: %s", got)
	}
}

// TestTransactionalDDL checks that DDL in a transaction is visible to it only, becomes
// visible to others at commit, and vanishes with a rollback.
func TestTransactionalDDL(t *testing.T) {
	db := newTestDB(t)
	tx1 := db.m.Begin(txn.ModeSnapshot)
	mustExec(t, db, tx1, "CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)")
	mustExec(t, db, tx1, "INSERT INTO t (id, v) VALUES (1, 1)")
	// Another transaction sees neither the table nor its constraints.
	other := db.m.Begin(txn.ModeSnapshot)
	if res := mustExec(t, db, other, "INSERT INTO t (id) VALUES (2)"); res.Count != 1 {
		t.Fatalf("schemaless insert: %+v", res)
	}
	other.Rollback()
	if _, err := db.eng.Exec(tx1, "INSERT INTO t (id) VALUES (2)"); !errors.Is(err, ErrConstraint) {
		t.Fatalf("NOT NULL inside the creating transaction: %v", err)
	}
	tx1.Rollback()
	tx := db.m.Begin(txn.ModeSnapshot)
	defer tx.Rollback()
	if v := tx.GetString(mvcc.Data, "_internal:schemas:t"); v.Exists() {
		t.Fatalf("schema survived the rollback: %s", v.Str())
	}
	// Committed DDL is seen by later transactions; a prepared statement's cached plan
	// follows the change.
	autoExec(t, db, "CREATE TABLE u (id INTEGER PRIMARY KEY, v INTEGER)")
	p, err := db.eng.Prepare("INSERT INTO u (id, v) VALUES ($1, $2)")
	if err != nil {
		t.Fatal(err)
	}
	run := func(id int64, v jsondoc.Value) error {
		tx := db.m.Begin(txn.ModeSnapshot)
		defer tx.Rollback()
		_, err := db.eng.ExecPrepared(tx, p, jsondoc.Int(id), v)
		if err == nil {
			err = tx.Commit()
		}
		return err
	}
	if err := run(1, jsondoc.String("1")); err != nil {
		t.Fatal(err)
	}
	autoExec(t, db, "ALTER TABLE u ALTER COLUMN v TYPE BOOLEAN")
	if err := run(2, jsondoc.String("7")); !errors.Is(err, ErrCast) {
		t.Fatalf("cached plan ignored the new type: %v", err)
	}
	if got := db.rows("SELECT id, v FROM u ORDER BY id"); got != `{"id":1,"v":true}` {
		t.Fatalf("rows: %s", got)
	}
}

// TestKVDeleteUndefinesTable checks SPEC Q65: a KV DELETE of the schema key undefines the
// table exactly as DROP TABLE does.
func TestKVDeleteUndefinesTable(t *testing.T) {
	db := newTestDB(t)
	autoExec(t, db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)")
	db.del("_internal:schemas:t")
	if res := autoExec(t, db, "INSERT INTO t (id) VALUES (1)"); res.Count != 1 {
		t.Fatalf("insert after the KV DELETE: %+v", res)
	}
	if _, err := db.exec("ALTER TABLE t ADD COLUMN w INTEGER"); !errors.Is(err, ErrPlan) || err.Error() != "Table 't' does not exist" {
		t.Fatalf("ALTER after the KV DELETE: %v", err)
	}
}

func TestKeySuffix(t *testing.T) {
	tests := []struct {
		kind         keyKind
		v            jsondoc.Value
		suffix       string
		found, exact bool
	}{
		{pkInt, jsondoc.Int(5), "5", true, true},
		{pkInt, jsondoc.Float(5), "5", true, true},
		{pkInt, jsondoc.Float(math.Copysign(0, -1)), "0", true, true},
		{pkInt, jsondoc.Float(5.5), "", false, true},
		{pkInt, jsondoc.String("5"), "5", true, true},
		{pkInt, jsondoc.String("5.0"), "5", true, true},
		{pkInt, jsondoc.String("abc"), "abc", true, true},
		{pkInt, jsondoc.Null(), "", false, true},
		{pkInt, jsondoc.Bool(true), "", false, true},
		{pkInt, jsondoc.Uint(1 << 63), "9223372036854775808", true, true},
		{pkText, jsondoc.String("abc"), "abc", true, true},
		{pkText, jsondoc.String("10"), "", false, false},
		{pkText, jsondoc.Int(10), "", false, false},
		{pkText, jsondoc.Bool(false), "", false, true},
	}
	for _, tt := range tests {
		s, found, exact := keySuffix(tt.kind, tt.v)
		if s != tt.suffix || found != tt.found || exact != tt.exact {
			t.Errorf("keySuffix(%d, %s) = %q, %v, %v; want %q, %v, %v", tt.kind, tt.v, s, found, exact, tt.suffix, tt.found, tt.exact)
		}
	}
}

// TestEqKey checks that values equal under `=` (SPEC §4.12) share their foreign-key
// lookup key and others do not.
func TestEqKey(t *testing.T) {
	key := func(v jsondoc.Value) string { return string(appendEqKey(nil, []jsondoc.Value{v})) }
	same := [][2]jsondoc.Value{
		{jsondoc.Int(1), jsondoc.Float(1)},
		{jsondoc.Int(1), jsondoc.String("1")},
		{jsondoc.String("1.0"), jsondoc.String("1")},
		{jsondoc.Float(0), jsondoc.Float(math.Copysign(0, -1))},
	}
	for _, p := range same {
		if key(p[0]) != key(p[1]) {
			t.Errorf("%s and %s have different keys", p[0], p[1])
		}
	}
	diff := [][2]jsondoc.Value{
		{jsondoc.Int(1), jsondoc.Int(2)},
		{jsondoc.String("a"), jsondoc.String("b")},
		{jsondoc.Int(1), jsondoc.Bool(true)},
		{jsondoc.String("abc"), jsondoc.Array([]jsondoc.Value{jsondoc.String("abc")})},
	}
	for _, p := range diff {
		if key(p[0]) == key(p[1]) {
			t.Errorf("%s and %s share a key", p[0], p[1])
		}
	}
}
