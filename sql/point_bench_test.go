package sql

import (
	"strconv"
	"testing"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/txn"
)

// BenchmarkPointQuery is a primary-key lookup of one row of a 10k-row table as the
// session layer runs it for an auto-committed query: an untracked snapshot transaction,
// rendered rows (opts=rows) or column form with the plan trusted per snapshot
// (opts=columns, what the database/sql driver uses).
func BenchmarkPointQuery(b *testing.B) {
	db := newTestDB(b)
	tx := db.m.Begin(txn.ModeSnapshot)
	if _, err := db.eng.Exec(tx, "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, age INTEGER)"); err != nil {
		b.Fatal(err)
	}
	ins, err := db.eng.Prepare("INSERT INTO users (id, name, age) VALUES ($1, $2, $3)")
	if err != nil {
		b.Fatal(err)
	}
	const n = 10_000
	for i := range n {
		if _, err := db.eng.ExecPrepared(tx, ins, jsondoc.Int(int64(i)), jsondoc.String("user "+strconv.Itoa(i)), jsondoc.Int(int64(20+i%50))); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	p, err := db.eng.Prepare("SELECT name, age FROM users WHERE id = $1")
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		opts ExecOptions
	}{
		{"rows", ExecOptions{}},
		{"columns", ExecOptions{Columns: true, Snapshot: true}},
	} {
		b.Run("opts="+bc.name, func(b *testing.B) {
			var t txn.Txn
			params := make([]jsondoc.Value, 1)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				db.m.BeginInto(&t, txn.ModeSnapshot)
				t.SkipReadTracking()
				params[0] = jsondoc.Int(int64(i % n))
				res, err := db.eng.ExecWith(&t, p, params, bc.opts)
				t.Rollback()
				if err != nil || len(res.Rows)+len(res.Vals) == 0 {
					b.Fatal(res, err)
				}
				i++
			}
		})
	}
}
