package sql

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/sql/sem"
	"github.com/memflux/memflux/txn"
)

// renderColumns renders a result of ExecColumns as the rows ExecPrepared gives: an
// object of Cols and each row's values, members sorted.
func renderColumns(res Result) string {
	if len(res.Cols) == 0 {
		return strings.Join(res.Rows, "\n")
	}
	var rows []string
	for i := 0; i+len(res.Cols) <= len(res.Vals); i += len(res.Cols) {
		ms := make([]jsondoc.Member, len(res.Cols))
		for j, name := range res.Cols {
			ms[j] = jsondoc.Member{Name: name, Value: res.Vals[i+j]}
		}
		rows = append(rows, jsondoc.Object(ms).String())
	}
	return strings.Join(rows, "\n")
}

// execWith runs one statement with opts in its own untracked snapshot transaction.
func (db *testDB) execWith(text string, opts ExecOptions, params ...jsondoc.Value) (Result, error) {
	p, err := db.eng.Prepare(text)
	if err != nil {
		return Result{}, err
	}
	tx := db.m.Begin(txn.ModeSnapshot)
	tx.SkipReadTracking()
	defer tx.Rollback()
	return db.eng.ExecWith(tx, p, params, opts)
}

// TestExecColumnsMatchesRows checks that every query gives in column form the values
// of the rows it renders, through pooled execution contexts reused query after query.
func TestExecColumnsMatchesRows(t *testing.T) {
	db := fixture(t)
	db.put("_internal:views:v_old", `{"name":"v_old","columns":[],"query":"SELECT name, age FROM user WHERE age > 28"}`,
		"nested:1", `{"address":{"city":"Oslo","zip":"0150"}}`)
	for _, tt := range queryTests {
		t.Run(tt.sql, func(t *testing.T) {
			for _, opts := range []ExecOptions{{Columns: true}, {Columns: true, Snapshot: true}, {Snapshot: true}} {
				res, err := db.execWith(tt.sql, opts)
				if err != nil {
					t.Fatalf("%+v: %v", opts, err)
				}
				if !opts.Columns && res.Cols != nil {
					t.Errorf("%+v: column form without Columns", opts)
				}
				if got := renderColumns(res); got != tt.want {
					t.Errorf("%+v: got\n%s\nwant\n%s", opts, got, tt.want)
				}
			}
		})
	}
}

// TestResultsOutliveExecution keeps the results of point queries whose values come from
// row keys and rendered text while later executions reuse the pooled contexts: no result
// may share a buffer a later run writes.
func TestResultsOutliveExecution(t *testing.T) {
	db := newTestDB(t)
	var kv []string
	for _, id := range []string{"a1", "b22", "c333", "d4444"} {
		kv = append(kv, "k:"+id, `{"n":"`+strings.ToUpper(id)+`"}`)
	}
	db.put(kv...)
	queries := []struct {
		sql  string
		opts ExecOptions
	}{
		{"SELECT id, _key, n FROM k WHERE id = $1", ExecOptions{Columns: true, Snapshot: true}},
		{"SELECT id, _key, n FROM k WHERE id = $1", ExecOptions{}},
		{"SELECT id || '/' || n AS x FROM k WHERE _key = 'k:' || $1", ExecOptions{Columns: true}},
	}
	type kept struct {
		res  Result
		want string
	}
	var all []kept
	for round := 0; round < 3; round++ {
		for _, q := range queries {
			for _, id := range []string{"a1", "b22", "c333", "d4444"} {
				res, err := db.execWith(q.sql, q.opts, jsondoc.String(id))
				if err != nil {
					t.Fatalf("%s: %v", q.sql, err)
				}
				all = append(all, kept{res, renderColumns(res)})
			}
		}
	}
	for _, k := range all {
		if got := renderColumns(k.res); got != k.want || got == "" {
			t.Errorf("a result changed after later executions: %q, was %q", got, k.want)
		}
	}
}

// TestSnapshotPlanReuse checks that a plan trusted at one snapshot (ExecOptions.Snapshot)
// is checked again at the next one: DDL committed in between takes effect, while a
// transaction still at the old snapshot keeps the plan it saw.
func TestSnapshotPlanReuse(t *testing.T) {
	db := newTestDB(t)
	mustExec := func(sql string) {
		t.Helper()
		tx := db.m.Begin(txn.ModeSnapshot)
		if _, err := db.eng.Exec(tx, sql); err != nil {
			tx.Rollback()
			t.Fatalf("%s: %v", sql, err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	mustExec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
	mustExec("INSERT INTO t (id, v) VALUES (1, 'one'), (2, 'two')")
	p, err := db.eng.Prepare("SELECT v FROM t WHERE id = $1")
	if err != nil {
		t.Fatal(err)
	}
	snap := ExecOptions{Columns: true, Snapshot: true}
	run := func(tx *txn.Txn) (string, error) {
		res, err := db.eng.ExecWith(tx, p, []jsondoc.Value{jsondoc.Int(2)}, snap)
		return renderColumns(res), err
	}
	old := db.m.Begin(txn.ModeSnapshot)
	old.SkipReadTracking()
	defer old.Rollback()
	for range 2 { // planned, then trusted
		if got, err := run(old); err != nil || got != `{"v":"two"}` {
			t.Fatalf("before DROP: %s, %v", got, err)
		}
	}
	mustExec("DELETE FROM t")
	mustExec("DROP TABLE t")
	mustExec("CREATE TABLE t (id INTEGER PRIMARY KEY, w TEXT)")
	mustExec("INSERT INTO t (id, w) VALUES (2, 'new')")
	tx := db.m.Begin(txn.ModeSnapshot)
	tx.SkipReadTracking()
	defer tx.Rollback()
	for range 2 {
		if got, err := run(tx); err == nil {
			t.Errorf("after re-CREATE without column v: %s, want an error", got)
		}
	}
	if got, err := run(old); err != nil || got != `{"v":"two"}` {
		t.Errorf("old snapshot after re-CREATE: %s, %v", got, err)
	}
	mustExec("CREATE TABLE u (id INTEGER PRIMARY KEY)")
	mustExec("DROP TABLE t")
	mustExec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
	mustExec("UPDATE t SET v = 'back' WHERE id = 2")
	tx2 := db.m.Begin(txn.ModeSnapshot)
	tx2.SkipReadTracking()
	defer tx2.Rollback()
	if got, err := run(tx2); err != nil || got != `{"v":"back"}` {
		t.Errorf("after CREATE with column v again: %s, %v", got, err)
	}
}

// TestConcurrentColumns runs point queries in column form from several goroutines, each
// with its own transactions, sharing the cached plan and the context pool. Run under -race.
func TestConcurrentColumns(t *testing.T) {
	db := fixture(t)
	const q = "SELECT name, age FROM user WHERE age = $1"
	want := map[int64]string{30: `{"age":30,"name":"Alice"}`, 25: `{"age":25,"name":"Bob"}`, 35: `{"age":35,"name":"Carol"}`, 99: ""}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := 0; round < 100; round++ {
				for age, w := range want {
					res, err := db.execWith(q, ExecOptions{Columns: true, Snapshot: round%2 == 0}, jsondoc.Int(age))
					if err != nil {
						t.Error(err)
						return
					}
					if got := renderColumns(res); got != w {
						t.Errorf("age %d: got %s, want %s", age, got, w)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}

// TestExecWithErrors checks that a failing execution returns its pooled state in a usable
// condition: the next execution succeeds.
func TestExecWithErrors(t *testing.T) {
	db := fixture(t)
	for _, tt := range []struct {
		sql  string
		kind error
	}{
		{"SELECT name FROM user WHERE age / 0 = 1", sem.ErrDivisionByZero},
		{"SELECT nosuch(name) FROM user", nil},
	} {
		_, err := db.execWith(tt.sql, ExecOptions{Columns: true, Snapshot: true})
		if err == nil || (tt.kind != nil && !errors.Is(err, tt.kind)) {
			t.Errorf("%s: error %v, want %v", tt.sql, err, tt.kind)
		}
		res, err := db.execWith("SELECT name FROM user WHERE age = 30", ExecOptions{Columns: true, Snapshot: true})
		if got := renderColumns(res); err != nil || got != `{"name":"Alice"}` {
			t.Errorf("after %s: %s, %v", tt.sql, got, err)
		}
	}
}
