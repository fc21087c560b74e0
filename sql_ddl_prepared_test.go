package memflux_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/memflux/memflux"
	"github.com/memflux/memflux/command"
	"github.com/memflux/memflux/sql"
)

func openMem(t testing.TB) *memflux.DB {
	t.Helper()
	cfg := memflux.DefaultConfig()
	cfg.Persistence = false
	cfg.VacuumInterval = -1
	db, err := memflux.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func mustPrepare(t testing.TB, db *memflux.DB, q string) *memflux.Stmt {
	t.Helper()
	st, err := db.Prepare(q)
	if err != nil {
		t.Fatalf("Prepare(%q): %v", q, err)
	}
	return st
}

func rowsText(rows []json.RawMessage) string {
	parts := make([]string, len(rows))
	for i, r := range rows {
		parts[i] = string(r)
	}
	return strings.Join(parts, "\n")
}

// TestPreparedBinding checks that every supported Go type binds as the SQL parameter it
// stands for, values with quotes included (no splicing into the text).
func TestPreparedBinding(t *testing.T) {
	db := openMem(t)
	if _, err := mustPrepare(t, db, "CREATE TABLE p (id INTEGER PRIMARY KEY, s TEXT, f DOUBLE PRECISION, b BOOLEAN, ts TIMESTAMPTZ, bt BYTEA, j JSONB, a INTEGER[])").Exec(); err != nil {
		t.Fatal(err)
	}
	ins := mustPrepare(t, db, "INSERT INTO p (id, s, f, b, ts, bt, j, a) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
	if ins.NumParams() != 8 {
		t.Fatalf("NumParams = %d", ins.NumParams())
	}
	ts := time.Date(2025, 8, 30, 12, 0, 0, 0, time.UTC)
	n, err := ins.Exec(1, "it's a 'quote'", 1.5, true, ts, []byte{0xff, 0x00}, json.RawMessage(`{"k":[1,2]}`), []int{1, 2})
	if err != nil || n != 1 {
		t.Fatalf("Exec = %d, %v", n, err)
	}
	if _, err := ins.Exec(int8(2), []byte("bytes as text"), float32(2), false, nil, nil, map[string]any{"z": nil}, nil); err != nil {
		t.Fatal(err)
	}
	rows, err := mustPrepare(t, db, "SELECT * FROM p ORDER BY id").Query()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"a":[1,2],"b":true,"bt":"\\xff00","f":1.5,"id":1,"j":{"k":[1,2]},"s":"it's a 'quote'","ts":"2025-08-30T12:00:00Z"}` + "\n" +
		`{"a":null,"b":false,"bt":null,"f":2.0,"id":2,"j":{"z":null},"s":"bytes as text","ts":null}`
	if got := rowsText(rows); got != want {
		t.Errorf("rows:\n%s\nwant\n%s", got, want)
	}
	// A quote in a parameter is data, never SQL.
	sel := mustPrepare(t, db, "SELECT id FROM p WHERE s = ?")
	if rows, err := sel.Query("x' OR '1'='1"); err != nil || len(rows) != 0 {
		t.Errorf("injection attempt: %v %v", rows, err)
	}
	if rows, err := sel.Query("it's a 'quote'"); err != nil || rowsText(rows) != `{"id":1}` {
		t.Errorf("quoted value: %v %v", rows, err)
	}
	// Bad arguments.
	if _, err := sel.Exec(math.NaN()); !errors.Is(err, memflux.ErrParam) {
		t.Errorf("NaN: %v", err)
	}
	if _, err := sel.Exec(make(chan int)); !errors.Is(err, memflux.ErrParam) {
		t.Errorf("chan: %v", err)
	}
	if _, err := sel.Exec(); !errors.Is(err, command.ErrSQL) || err.Error() != "Execution Error: statement takes 1 parameters, got 0" {
		t.Errorf("missing parameter: %v", err)
	}
	if _, err := db.Prepare("SELEC 1"); !errors.Is(err, command.ErrSQL) || !errors.Is(err, sql.ErrUnsupported) {
		t.Errorf("bad SQL: %v", err)
	}
}

// TestPreparedSessionAndTx checks statements bound to a session (inside its BEGIN …
// ROLLBACK) and to the transactions of Update and View.
func TestPreparedSessionAndTx(t *testing.T) {
	db := openMem(t)
	mustPrepare(t, db, "CREATE TABLE kv (k TEXT PRIMARY KEY, v INTEGER NOT NULL)").Exec()
	s := db.NewSession()
	defer s.Close()
	begin, _ := s.Prepare("BEGIN")
	rollback, _ := s.Prepare("ROLLBACK")
	ins, err := s.Prepare("INSERT INTO kv (k, v) VALUES ($1, $2)")
	if err != nil {
		t.Fatal(err)
	}
	count := mustPrepare(t, db, "SELECT COUNT(*) FROM kv")
	if _, err := begin.Exec(); err != nil || !s.InTxn() {
		t.Fatalf("BEGIN: %v", err)
	}
	if _, err := ins.Exec("a", 1); err != nil {
		t.Fatal(err)
	}
	if rows, _ := s.Stmt(count).Query(); rowsText(rows) != `{"COUNT(*)":1}` {
		t.Errorf("own write not visible: %s", rowsText(rows))
	}
	if rows, _ := count.Query(); rowsText(rows) != `{"COUNT(*)":0}` {
		t.Errorf("uncommitted write visible to others: %s", rowsText(rows))
	}
	rollback.Exec()
	if rows, _ := count.Query(); rowsText(rows) != `{"COUNT(*)":0}` {
		t.Errorf("after rollback: %s", rowsText(rows))
	}

	err = db.Update(func(tx *memflux.Tx) error {
		st, err := tx.Prepare("INSERT INTO kv (k, v) VALUES ($1, $2)")
		if err != nil {
			return err
		}
		if _, err := st.Exec("b", 2); err != nil {
			return err
		}
		// A failed statement leaves the transaction as it was.
		if _, err := st.Exec("c", nil); err == nil || !errors.Is(err, sql.ErrConstraint) {
			return fmt.Errorf("NULL v: %v", err)
		}
		rows, err := tx.Stmt(count).Query()
		if err != nil || rowsText(rows) != `{"COUNT(*)":1}` {
			return fmt.Errorf("count in tx: %s %v", rowsText(rows), err)
		}
		if _, err := tx.Stmt(begin).Exec(); err == nil {
			return errors.New("BEGIN inside Update succeeded")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.View(func(tx *memflux.Tx) error {
		rows, err := tx.Stmt(count).Query()
		if err != nil || rowsText(rows) != `{"COUNT(*)":1}` {
			return fmt.Errorf("count in view: %s %v", rowsText(rows), err)
		}
		if _, err := tx.Stmt(ins).Exec("z", 1); err == nil {
			return errors.New("INSERT inside View succeeded")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestPreparedConcurrent runs one DB-bound statement from several goroutines.
func TestPreparedConcurrent(t *testing.T) {
	db := openMem(t)
	mustPrepare(t, db, "CREATE TABLE c (id INTEGER PRIMARY KEY, g INTEGER)").Exec()
	ins := mustPrepare(t, db, "INSERT INTO c (id, g) VALUES ($1, $2)")
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				if _, err := ins.Exec(g*1000+i, g); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if rows, _ := mustPrepare(t, db, "SELECT COUNT(*) FROM c").Query(); rowsText(rows) != `{"COUNT(*)":200}` {
		t.Errorf("count: %s", rowsText(rows))
	}
}

// TestStatementAtomicity checks that a multi-row INSERT whose last row violates a
// constraint leaves the table unchanged, outside and inside a transaction.
func TestStatementAtomicity(t *testing.T) {
	db := openMem(t)
	s := db.NewSession()
	defer s.Close()
	sqlDo(t, s, "+OK", "CREATE TABLE a (id INTEGER PRIMARY KEY, n INTEGER CHECK (n > 0), u TEXT UNIQUE)")
	sqlDo(t, s, ":1", "INSERT INTO a (id, n, u) VALUES (1, 1, 'x')")
	for _, q := range []string{
		"INSERT INTO a (id, n) VALUES (2, 1), (3, 1), (4, 0)",
		"INSERT INTO a (id, n, u) VALUES (2, 1, 'y'), (3, 1, 'x')",
		"INSERT INTO a (id, n) VALUES (2, 1), (3, 1), (1, 1)",
		"INSERT INTO a (id, n) VALUES (2, 1), (3, 'bad')",
		"UPDATE a SET n = n - 1",
	} {
		if _, err := s.Do("SQL", q); err == nil {
			t.Fatalf("%s succeeded", q)
		}
		sqlDo(t, s, `["{\"id\":1,\"n\":1,\"u\":\"x\"}"]`, "SELECT * FROM a")
	}
	sqlDo(t, s, "+OK", "BEGIN")
	sqlDo(t, s, ":1", "INSERT INTO a (id, n) VALUES (5, 5)")
	if _, err := s.Do("SQL", "INSERT INTO a (id, n) VALUES (6, 6), (7, 0)"); err == nil {
		t.Fatal("failing INSERT succeeded")
	}
	sqlDo(t, s, `["{\"id\":1}" "{\"id\":5}"]`, "SELECT id FROM a ORDER BY id")
	sqlDo(t, s, "+OK", "COMMIT")
	sqlDo(t, s, `["{\"id\":1}" "{\"id\":5}"]`, "SELECT id FROM a ORDER BY id")
}

// ExampleDB_Prepare shows a prepared statement with server-side parameters.
func ExampleDB_Prepare() {
	cfg := memflux.DefaultConfig()
	cfg.Persistence = false
	db, err := memflux.Open(cfg)
	if err != nil {
		panic(err)
	}
	defer db.Close()
	create, _ := db.Prepare("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, age INTEGER)")
	create.Exec()
	ins, _ := db.Prepare("INSERT INTO users (id, name, age) VALUES ($1, $2, $3)")
	ins.Exec(1, "Ann", 30)
	ins.Exec(2, "O'Brien", 41)
	sel, _ := db.Prepare("SELECT name FROM users WHERE age > ? ORDER BY id")
	rows, _ := sel.Query(35)
	for _, r := range rows {
		fmt.Println(string(r))
	}
	// Output: {"name":"O'Brien"}
}
