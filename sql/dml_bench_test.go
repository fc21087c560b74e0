package sql

import (
	"fmt"
	"strings"
	"testing"

	"github.com/memflux/memflux/index"
	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/txn"
)

// The DML benchmarks (issue 6): single-row INSERT, a 1,000-row INSERT, UPDATE and DELETE by
// primary key, each on a plain table, on one with a UNIQUE column and on one with a
// FOREIGN KEY. Every statement is prepared once and runs as its own auto-committed
// transaction, as a client's statement does. bench/sqlbench/dml_test.go runs the same
// shapes against SQLite.

// dmlShape is the table a benchmark writes: its DDL, the INSERT column list and the
// values of row i.
type dmlShape struct {
	name   string
	ddl    []string
	cols   string
	values func(i int) []jsondoc.Value
	// update sets the constrained column (when there is one) or v.
	update string
	upVals func(i, round int) []jsondoc.Value
}

const dmlParents = 100

var dmlShapes = []dmlShape{
	{
		name: "plain",
		ddl:  []string{"CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, v INTEGER)"},
		cols: "id, name, v",
		values: func(i int) []jsondoc.Value {
			return []jsondoc.Value{jsondoc.Int(int64(i)), jsondoc.String(fmt.Sprintf("name%d", i)), jsondoc.Int(int64(i % 97))}
		},
		update: "UPDATE t SET v = $1 WHERE id = $2",
		upVals: func(i, round int) []jsondoc.Value {
			return []jsondoc.Value{jsondoc.Int(int64(round)), jsondoc.Int(int64(i))}
		},
	},
	{
		name: "unique",
		ddl:  []string{"CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, v INTEGER, email TEXT UNIQUE)"},
		cols: "id, name, v, email",
		values: func(i int) []jsondoc.Value {
			return []jsondoc.Value{jsondoc.Int(int64(i)), jsondoc.String(fmt.Sprintf("name%d", i)), jsondoc.Int(int64(i % 97)),
				jsondoc.String(fmt.Sprintf("u%d@example.com", i))}
		},
		update: "UPDATE t SET email = $1 WHERE id = $2",
		upVals: func(i, round int) []jsondoc.Value {
			return []jsondoc.Value{jsondoc.String(fmt.Sprintf("u%d.%d@example.com", i, round)), jsondoc.Int(int64(i))}
		},
	},
	{
		name: "fk",
		ddl: []string{"CREATE TABLE p (id INTEGER PRIMARY KEY)",
			"CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, v INTEGER, pid INTEGER REFERENCES p (id))"},
		cols: "id, name, v, pid",
		values: func(i int) []jsondoc.Value {
			return []jsondoc.Value{jsondoc.Int(int64(i)), jsondoc.String(fmt.Sprintf("name%d", i)), jsondoc.Int(int64(i % 97)),
				jsondoc.Int(int64(i % dmlParents))}
		},
		update: "UPDATE t SET pid = $1 WHERE id = $2",
		upVals: func(i, round int) []jsondoc.Value {
			return []jsondoc.Value{jsondoc.Int(int64((i + round) % dmlParents)), jsondoc.Int(int64(i))}
		},
	},
}

// dmlBench is a fresh database with a shape's tables.
type dmlBench struct {
	*testDB
	shape dmlShape
}

func newDMLBench(b *testing.B, shape dmlShape) *dmlBench {
	db := &dmlBench{testDB: newTestDB(b), shape: shape}
	// UNIQUE constraints are backed by unique indexes, as in a full database.
	m := index.New(db.m, nil)
	m.Start()
	b.Cleanup(m.Close)
	db.eng.SetIndexes(m)
	for _, q := range shape.ddl {
		db.auto(b, q)
	}
	if strings.Contains(shape.name, "fk") {
		var vals []string
		for i := range dmlParents {
			vals = append(vals, fmt.Sprintf("(%d)", i))
		}
		db.auto(b, "INSERT INTO p (id) VALUES "+strings.Join(vals, ", "))
	}
	return db
}

// auto runs one auto-committed statement.
func (db *dmlBench) auto(b *testing.B, q string, params ...jsondoc.Value) Result {
	p, err := db.eng.Prepare(q)
	if err != nil {
		b.Fatal(err)
	}
	return db.run(b, p, params...)
}

func (db *dmlBench) run(b *testing.B, p *Prepared, params ...jsondoc.Value) Result {
	tx := db.m.Begin(txn.ModeSnapshot)
	res, err := db.eng.ExecPrepared(tx, p, params...)
	if err != nil {
		tx.Rollback()
		b.Fatalf("%s: %v", p.Text, err)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return res
}

// insertSQL returns an INSERT of n rows with placeholders.
func (s dmlShape) insertSQL(n int) string {
	ncols := len(s.values(0))
	var sb strings.Builder
	fmt.Fprintf(&sb, "INSERT INTO t (%s) VALUES ", s.cols)
	for r := range n {
		if r > 0 {
			sb.WriteString(", ")
		}
		sb.WriteByte('(')
		for c := range ncols {
			if c > 0 {
				sb.WriteString(", ")
			}
			fmt.Fprintf(&sb, "$%d", r*ncols+c+1)
		}
		sb.WriteByte(')')
	}
	return sb.String()
}

// fill inserts rows [from, to) in batches.
func (db *dmlBench) fill(b *testing.B, from, to int) {
	const batch = 500
	for start := from; start < to; start += batch {
		n := min(batch, to-start)
		p, err := db.eng.Prepare(db.shape.insertSQL(n))
		if err != nil {
			b.Fatal(err)
		}
		var params []jsondoc.Value
		for i := start; i < start+n; i++ {
			params = append(params, db.shape.values(i)...)
		}
		db.run(b, p, params...)
	}
}

// dmlTableRows is the table size UPDATE and DELETE run against.
const dmlTableRows = 10_000

func BenchmarkDML(b *testing.B) {
	for _, shape := range dmlShapes {
		b.Run("op=insert1/table="+shape.name, func(b *testing.B) {
			db := newDMLBench(b, shape)
			db.fill(b, 0, dmlTableRows)
			p, _ := db.eng.Prepare(shape.insertSQL(1))
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				db.run(b, p, shape.values(dmlTableRows+i)...)
			}
		})
		b.Run("op=insert1000/table="+shape.name, func(b *testing.B) {
			db := newDMLBench(b, shape)
			p, _ := db.eng.Prepare(shape.insertSQL(1000))
			params := make([]jsondoc.Value, 0, 4000)
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				b.StopTimer()
				params = params[:0]
				for r := range 1000 {
					params = append(params, shape.values(i*1000+r)...)
				}
				b.StartTimer()
				if res := db.run(b, p, params...); res.Count != 1000 {
					b.Fatalf("inserted %d rows", res.Count)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*1000), "ns/row")
		})
		b.Run("op=update_pk/table="+shape.name, func(b *testing.B) {
			db := newDMLBench(b, shape)
			db.fill(b, 0, dmlTableRows)
			p, _ := db.eng.Prepare(shape.update)
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				if res := db.run(b, p, shape.upVals(i%dmlTableRows, i)...); res.Count != 1 {
					b.Fatalf("updated %d rows", res.Count)
				}
			}
		})
		b.Run("op=delete_pk/table="+shape.name, func(b *testing.B) {
			db := newDMLBench(b, shape)
			db.fill(b, 0, dmlTableRows+b.N)
			p, _ := db.eng.Prepare("DELETE FROM t WHERE id = $1")
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				if res := db.run(b, p, jsondoc.Int(int64(i))); res.Count != 1 {
					b.Fatalf("deleted %d rows", res.Count)
				}
			}
		})
	}
}
