package sql

import (
	"errors"
	"strings"
	"testing"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/sql/exec"
	"github.com/memflux/memflux/txn"
	"github.com/memflux/memflux/value"
)

// testDB is a store, a transaction manager and an engine.
type testDB struct {
	t   testing.TB
	m   *txn.Manager
	eng *Engine
}

func newTestDB(t testing.TB) *testDB {
	t.Helper()
	return &testDB{t: t, m: txn.NewManager(mvcc.NewStore(), txn.Options{}), eng: New(nil)}
}

// put writes JSON documents (canonicalised) and Bytes values: pairs of
// key, text; a text starting with '{', '[' or a digit is JSON.
func (db *testDB) put(kv ...string) {
	db.t.Helper()
	tx := db.m.Begin(txn.ModeSnapshot)
	for i := 0; i+1 < len(kv); i += 2 {
		k, v := kv[i], kv[i+1]
		if strings.HasPrefix(k, "_internal:") {
			tx.Put(mvcc.Data, []byte(k), value.Bytes(v))
			continue
		}
		canon, err := jsondoc.Normalize([]byte(v))
		if err != nil {
			db.t.Fatalf("bad JSON %q: %v", v, err)
		}
		tx.Put(mvcc.Data, []byte(k), value.JSON(canon))
	}
	if err := tx.Commit(); err != nil {
		db.t.Fatal(err)
	}
}

func (db *testDB) del(keys ...string) {
	tx := db.m.Begin(txn.ModeSnapshot)
	for _, k := range keys {
		tx.Delete(mvcc.Data, []byte(k))
	}
	if err := tx.Commit(); err != nil {
		db.t.Fatal(err)
	}
}

// exec runs one statement in its own transaction.
func (db *testDB) exec(sql string, params ...jsondoc.Value) (Result, error) {
	tx := db.m.Begin(txn.ModeSnapshot)
	defer tx.Rollback()
	return db.eng.Exec(tx, sql, params...)
}

// rows runs a query that must succeed and returns its rows joined by "\n".
func (db *testDB) rows(sql string, params ...jsondoc.Value) string {
	db.t.Helper()
	res, err := db.exec(sql, params...)
	if err != nil {
		db.t.Fatalf("%s: %v", sql, err)
	}
	return strings.Join(res.Rows, "\n")
}

// errText runs a statement that must fail with the given kind and returns
// the message.
func (db *testDB) errText(sql string, kind error) string {
	db.t.Helper()
	_, err := db.exec(sql)
	if err == nil {
		db.t.Fatalf("%s: no error", sql)
	}
	if kind != nil && !errors.Is(err, kind) {
		db.t.Fatalf("%s: error %v is not %v", sql, err, kind)
	}
	return err.Error()
}

func execLimits(rows int64) exec.Limits { return exec.Limits{MaxRows: rows} }
