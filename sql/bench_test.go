package sql

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/txn"
	"github.com/memflux/memflux/value"
)

// benchDBs caches the generated databases by size across benchmarks.
var benchDBs = map[int]*testDB{}

// benchDB returns a database with n documents in table bench
// ({"id","name","age","dept","score"}) and, for the join, n documents in
// tables ja ({"id","v"}) and jb ({"a_id","w"}), written with direct
// transaction writes.
func benchDB(b *testing.B, n int) *testDB {
	if db, ok := benchDBs[n]; ok {
		return db
	}
	db := newTestDB(b)
	const batch = 50_000
	var buf []byte
	for start := 0; start < n; start += batch {
		tx := db.m.Begin(txn.ModeSnapshot)
		for i := start; i < start+batch && i < n; i++ {
			buf = fmt.Appendf(buf[:0], `{"age":%d,"dept":"d%02d","id":%d,"name":"user%d","score":%s}`,
				i%100, i%50, i, i, jsondoc.Float(float64((i*7919)%100000)/10).String())
			tx.Put(mvcc.Data, []byte("bench:"+strconv.Itoa(i)), value.JSON(string(buf)))
			buf = fmt.Appendf(buf[:0], `{"id":%d,"v":%d}`, i, i%1000)
			tx.Put(mvcc.Data, []byte("ja:"+strconv.Itoa(i)), value.JSON(string(buf)))
			buf = fmt.Appendf(buf[:0], `{"a_id":%d,"w":%d}`, (i*31)%n, i)
			tx.Put(mvcc.Data, []byte("jb:"+strconv.Itoa(i)), value.JSON(string(buf)))
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	benchDBs[n] = db
	return db
}

func benchQuery(b *testing.B, n int, sql string, wantRows int) {
	db := benchDB(b, n)
	p, err := db.eng.Prepare(sql)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		tx := db.m.Begin(txn.ModeSnapshot)
		res, err := db.eng.ExecPrepared(tx, p)
		tx.Rollback()
		if err != nil {
			b.Fatal(err)
		}
		if wantRows >= 0 && len(res.Rows) != wantRows {
			b.Fatalf("%d rows, want %d", len(res.Rows), wantRows)
		}
	}
}

var benchSizes = []int{100_000, 1_000_000}

// BenchmarkScanFilter is a full scan with a filter on one column (10% of
// the rows pass).
func BenchmarkScanFilter(b *testing.B) {
	for _, n := range benchSizes {
		b.Run("rows="+strconv.Itoa(n), func(b *testing.B) {
			benchQuery(b, n, "SELECT name, age FROM bench WHERE age >= 90", n/10)
		})
	}
}

// BenchmarkGroupBy is a GROUP BY aggregate over 50 groups.
func BenchmarkGroupBy(b *testing.B) {
	for _, n := range benchSizes {
		b.Run("rows="+strconv.Itoa(n), func(b *testing.B) {
			benchQuery(b, n, "SELECT dept, COUNT(*), AVG(score) FROM bench GROUP BY dept", 50)
		})
	}
}

// BenchmarkJoin is an equi-join of two tables of n rows (hash join).
func BenchmarkJoin(b *testing.B) {
	for _, n := range benchSizes[:1] {
		b.Run("rows="+strconv.Itoa(n), func(b *testing.B) {
			benchQuery(b, n, "SELECT COUNT(*) FROM ja JOIN jb ON ja.id = jb.a_id", 1)
		})
	}
}

// BenchmarkOrderLimit is ORDER BY … LIMIT 10 over the whole table (top-N).
func BenchmarkOrderLimit(b *testing.B) {
	for _, n := range benchSizes {
		b.Run("rows="+strconv.Itoa(n), func(b *testing.B) {
			benchQuery(b, n, "SELECT name, score FROM bench ORDER BY score DESC LIMIT 10", 10)
		})
	}
}
