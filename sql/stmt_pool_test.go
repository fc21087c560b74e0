package sql

import (
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/txn"
)

// TestKeyFor: the key an INSERT derives from its key column's value (keyFor) is the one
// deriveKey derives from the document holding it; values that make no key get a random
// UUID suffix.
func TestKeyFor(t *testing.T) {
	ti := &tableInfo{name: "s.t", keyCol: "id"}
	tests := []struct {
		v    jsondoc.Value
		uuid bool
	}{
		{v: jsondoc.Int(5)},
		{v: jsondoc.Int(-9223372036854775808)},
		{v: jsondoc.Uint(math.MaxUint64)},
		{v: jsondoc.Float(1.5)},
		{v: jsondoc.Float(1)},
		{v: jsondoc.Float(1e300)},
		{v: jsondoc.Float(1e-7)},
		{v: jsondoc.Float(math.Copysign(0, -1))},
		{v: jsondoc.String("abc")},
		{v: jsondoc.String("")},
		{v: jsondoc.String(`a"b\c` + "\u0000\u00e9\U0001F600")},
		{v: jsondoc.String(strings.Repeat("long", 40))},
		{v: jsondoc.Null(), uuid: true},
		{v: jsondoc.Bool(true), uuid: true},
		{v: jsondoc.Array([]jsondoc.Value{jsondoc.Int(1)}), uuid: true},
	}
	for _, tt := range tests {
		doc := string(jsondoc.Object([]jsondoc.Member{{Name: "id", Value: tt.v}}).Append(nil))
		got, want := ti.keyFor(tt.v), ti.deriveKey(doc)
		if tt.uuid {
			if !strings.HasPrefix(got, "s.t:") || len(got) != len(want) || got == want {
				t.Errorf("%s: keyFor %q, deriveKey %q: want two random UUID keys", tt.v, got, want)
			}
			continue
		}
		if got != want {
			t.Errorf("%s (doc %s): keyFor %q, deriveKey %q", tt.v, doc, got, want)
		}
	}
}

// TestInsertDocLayout: the document of an INSERT holds the target columns and the
// defaults of the absent columns, sorted, whatever the order of the column list, and its
// key comes from the key column however it got its value.
func TestInsertDocLayout(t *testing.T) {
	db := newTestDB(t)
	autoExec(t, db, "CREATE TABLE d (id TEXT PRIMARY KEY DEFAULT 'k0', z INTEGER DEFAULT 7, b TEXT, a INTEGER)")
	cases := []struct {
		sql, key, doc string
	}{
		{"INSERT INTO d (b) VALUES ('x')", "d:k0", `{"b":"x","id":"k0","z":7}`},
		{"INSERT INTO d (z, id, b, a) VALUES (1, 'k1', 'y', 2)", "d:k1", `{"a":2,"b":"y","id":"k1","z":1}`},
		{"INSERT INTO d (a, id) VALUES ('3', 4)", "d:4", `{"a":3,"id":"4","z":7}`},
		{"INSERT INTO d VALUES ('k5', 5, 'v', NULL)", "d:k5", `{"a":null,"b":"v","id":"k5","z":5}`},
	}
	for _, c := range cases {
		autoExec(t, db, c.sql)
		tx := db.m.Begin(txn.ModeSnapshot)
		v := tx.Get(mvcc.Data, []byte(c.key))
		tx.Rollback()
		if got := v.Str(); got != c.doc {
			t.Errorf("%s: %s holds %q, want %q", c.sql, c.key, got, c.doc)
		}
	}
}

// TestStmtPoolResults: what a statement returns stays intact while later statements
// reuse its pooled state, from one goroutine and from several.
func TestStmtPoolResults(t *testing.T) {
	db := newTestDB(t)
	autoExec(t, db, "CREATE TABLE r (id INTEGER PRIMARY KEY, name TEXT, n INTEGER DEFAULT 1 CHECK (n > 0))")
	const workers, per = 4, 200
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var kept []Result
			for i := range per {
				id := w*per + i
				tx := db.m.Begin(txn.ModeSnapshot)
				var q string
				switch i % 3 {
				case 0:
					q = "INSERT INTO r (id, name) VALUES ($1, $2) RETURNING *"
				case 1:
					q = "INSERT INTO r (name, id) VALUES ($2, $1), ($2 || 'b', $1 + 100000) RETURNING name, id"
				default:
					q = "INSERT INTO r (id, name, n) VALUES ($1, $2, 2) RETURNING name"
				}
				res, err := db.eng.Exec(tx, q, jsondoc.Int(int64(id)), jsondoc.String(fmt.Sprintf("name%d", id)))
				if err == nil {
					err = tx.Commit()
				} else {
					tx.Rollback()
				}
				if err != nil {
					errs <- fmt.Errorf("%s: %v", q, err)
					return
				}
				kept = append(kept, res)
			}
			for i, res := range kept {
				id := w*per + i
				var want []string
				switch i % 3 {
				case 0:
					want = []string{fmt.Sprintf(`{"id":%d,"n":1,"name":"name%d"}`, id, id)}
				case 1:
					want = []string{fmt.Sprintf(`{"id":%d,"name":"name%d"}`, id, id),
						fmt.Sprintf(`{"id":%d,"name":"name%db"}`, id+100000, id)}
				default:
					want = []string{fmt.Sprintf(`{"name":"name%d"}`, id)}
				}
				if strings.Join(res.Rows, "\n") != strings.Join(want, "\n") {
					errs <- fmt.Errorf("statement %d returned %q, want %q", id, res.Rows, want)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	rows := 0
	for i := range per {
		rows += 1 + btoi(i%3 == 1)
	}
	if got := db.rows("SELECT COUNT(*) AS n FROM r"); got != fmt.Sprintf(`{"n":%d}`, workers*rows) {
		t.Errorf("count: %s", got)
	}
	// A failing CHECK leaves nothing behind and the next statement works.
	if _, err := db.exec("INSERT INTO r (id, name, n) VALUES (-1, 'x', 0)"); err == nil {
		t.Error("CHECK (n > 0) passed 0")
	}
}

// TestStmtPoolUpdateDelete: the rows an UPDATE or DELETE returns stay intact while
// later statements reuse the buffers their matched rows were collected in, joins
// included (a target row matched twice is changed once).
func TestStmtPoolUpdateDelete(t *testing.T) {
	db := newTestDB(t)
	autoExec(t, db, "CREATE TABLE a (id INTEGER PRIMARY KEY, n INTEGER, tag TEXT)")
	autoExec(t, db, "CREATE TABLE b (id INTEGER PRIMARY KEY, aid INTEGER)")
	for i := range 20 {
		autoExec(t, db, "INSERT INTO a (id, n, tag) VALUES ($1, $1, 't')", jsondoc.Int(int64(i)))
		autoExec(t, db, "INSERT INTO b (id, aid) VALUES ($1, $2), ($3, $2)",
			jsondoc.Int(int64(2*i)), jsondoc.Int(int64(i)), jsondoc.Int(int64(2*i+1)))
	}
	steps := []struct {
		sql  string
		want string
	}{
		{"UPDATE a SET n = n + 100, tag = 'u' WHERE id < 3 RETURNING id, n, tag",
			`{"id":0,"n":100,"tag":"u"}` + "\n" + `{"id":1,"n":101,"tag":"u"}` + "\n" + `{"id":2,"n":102,"tag":"u"}`},
		{"UPDATE a SET n = n + 1 FROM b WHERE b.aid = a.id AND a.id BETWEEN 5 AND 6 RETURNING a.id, a.n",
			`{"a.id":5,"a.n":6}` + "\n" + `{"a.id":6,"a.n":7}`},
		{"DELETE FROM a USING b WHERE b.aid = a.id AND a.id >= 18 RETURNING a.id, a.tag",
			`{"a.id":18,"a.tag":"t"}` + "\n" + `{"a.id":19,"a.tag":"t"}`},
		{"UPDATE a SET tag = 'x' WHERE id = 7 RETURNING tag", `{"tag":"x"}`},
		{"DELETE FROM a WHERE id = 0 RETURNING n", `{"n":100}`},
	}
	var got []Result
	for _, st := range steps {
		got = append(got, autoExec(t, db, st.sql))
	}
	for i, st := range steps {
		if rows := strings.Join(got[i].Rows, "\n"); rows != st.want {
			t.Errorf("%s: returned\n%s\nwant\n%s", st.sql, rows, st.want)
		}
	}
	if got := db.rows("SELECT COUNT(*) AS n, SUM(n) AS s FROM a"); got != `{"n":17,"s":355.0}` {
		t.Errorf("table a after the statements: %s", got)
	}
}
