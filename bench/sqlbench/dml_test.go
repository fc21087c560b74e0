package sqlbench

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"

	memflux "github.com/memflux/memflux"
)

// BenchmarkDML compares MemFlux's DML with SQLite's (issue 6, "Performance"): single-row
// INSERT, a 1,000-row INSERT, UPDATE by primary key and DELETE by primary key, each on a
// plain table, on one with a UNIQUE column and on one with a FOREIGN KEY, with prepared
// statements on both sides, every statement its own (auto-committed) transaction. The
// same shapes run at the engine level in package sql (sql/dml_bench_test.go).
//
// MemFlux runs through the Go API (Session.Prepare, the path SQL.EXEC takes); SQLite is
// an in-memory database with foreign keys enabled. UPDATE sets the constrained column
// (email, pid) or v on the plain table; tables hold dmlRows rows.
//
//	cd bench/sqlbench && go test -run '^$' -bench DML -benchmem
//
// Names: BenchmarkDML/op=<op>/table=<shape>/engine=<memflux|sqlite>; insert1000 also
// reports ns/row.

const (
	dmlRows    = 10_000
	dmlParents = 100
)

// dmlShape is one table definition in both dialects (they coincide) and its rows.
type dmlShape struct {
	name   string
	ddl    []string
	cols   string
	row    func(i int) []any
	update string // $1 the new value, $2 the id
	upVal  func(i, round int) any
}

var dmlShapes = []dmlShape{
	{
		name:   "plain",
		ddl:    []string{"CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, v INTEGER)"},
		cols:   "id, name, v",
		row:    func(i int) []any { return []any{i, fmt.Sprintf("name%d", i), i % 97} },
		update: "UPDATE t SET v = $1 WHERE id = $2",
		upVal:  func(i, round int) any { return round },
	},
	{
		name: "unique",
		ddl:  []string{"CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, v INTEGER, email TEXT UNIQUE)"},
		cols: "id, name, v, email",
		row: func(i int) []any {
			return []any{i, fmt.Sprintf("name%d", i), i % 97, fmt.Sprintf("u%d@example.com", i)}
		},
		update: "UPDATE t SET email = $1 WHERE id = $2",
		upVal:  func(i, round int) any { return fmt.Sprintf("u%d.%d@example.com", i, round) },
	},
	{
		name: "fk",
		ddl: []string{"CREATE TABLE p (id INTEGER PRIMARY KEY)",
			"CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, v INTEGER, pid INTEGER REFERENCES p (id))"},
		cols:   "id, name, v, pid",
		row:    func(i int) []any { return []any{i, fmt.Sprintf("name%d", i), i % 97, i % dmlParents} },
		update: "UPDATE t SET pid = $1 WHERE id = $2",
		upVal:  func(i, round int) any { return (i + round) % dmlParents },
	},
}

// insertSQL returns an INSERT of n rows with $N placeholders (both engines accept them).
func (s dmlShape) insertSQL(n int) string {
	ncols := len(s.row(0))
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

func (s dmlShape) rows(from, n int) []any {
	out := make([]any, 0, n*len(s.row(0)))
	for i := from; i < from+n; i++ {
		out = append(out, s.row(i)...)
	}
	return out
}

// dmlEngine is one engine under test: prepare a statement, run it.
type dmlEngine interface {
	prepare(tb testing.TB, q string) func(args ...any) (int64, error)
	close()
}

type mfEngine struct {
	db *memflux.DB
	s  *memflux.Session
}

func (e *mfEngine) prepare(tb testing.TB, q string) func(args ...any) (int64, error) {
	st, err := e.s.Prepare(q)
	if err != nil {
		tb.Fatalf("memflux prepare %q: %v", q, err)
	}
	return st.Exec
}

func (e *mfEngine) close() {
	e.s.Close()
	e.db.Close()
}

type liteEngine struct{ db *sql.DB }

func (e *liteEngine) prepare(tb testing.TB, q string) func(args ...any) (int64, error) {
	st, err := e.db.Prepare(q)
	if err != nil {
		tb.Fatalf("sqlite prepare %q: %v", q, err)
	}
	return func(args ...any) (int64, error) {
		res, err := st.Exec(args...)
		if err != nil {
			return 0, err
		}
		return res.RowsAffected()
	}
}

func (e *liteEngine) close() { e.db.Close() }

// openDMLEngine opens an empty engine with the shape's tables (and the FK parents).
func openDMLEngine(tb testing.TB, engine string, shape dmlShape) dmlEngine {
	tb.Helper()
	var e dmlEngine
	switch engine {
	case "memflux":
		cfg := memflux.DefaultConfig()
		cfg.Persistence = false
		cfg.VacuumInterval = -1
		db, err := memflux.Open(cfg)
		if err != nil {
			tb.Fatal(err)
		}
		e = &mfEngine{db: db, s: db.NewSession()}
	default:
		db, err := sql.Open("sqlite", ":memory:")
		if err != nil {
			tb.Fatal(err)
		}
		db.SetMaxOpenConns(1)
		if _, err := db.Exec("PRAGMA foreign_keys = ON"); err != nil {
			tb.Fatal(err)
		}
		e = &liteEngine{db: db}
	}
	for _, q := range shape.ddl {
		if _, err := e.prepare(tb, q)(); err != nil {
			tb.Fatalf("%s: %s: %v", engine, q, err)
		}
	}
	if shape.name == "fk" {
		vals := make([]string, dmlParents)
		for i := range vals {
			vals[i] = fmt.Sprintf("(%d)", i)
		}
		if _, err := e.prepare(tb, "INSERT INTO p (id) VALUES "+strings.Join(vals, ", "))(); err != nil {
			tb.Fatal(err)
		}
	}
	return e
}

// fillDML inserts rows [from, to) in batches of 500.
func fillDML(tb testing.TB, e dmlEngine, shape dmlShape, from, to int) {
	const batch = 500
	stmts := map[int]func(args ...any) (int64, error){}
	for start := from; start < to; start += batch {
		n := min(batch, to-start)
		st := stmts[n]
		if st == nil {
			st = e.prepare(tb, shape.insertSQL(n))
			stmts[n] = st
		}
		if _, err := st(shape.rows(start, n)...); err != nil {
			tb.Fatal(err)
		}
	}
}

func mustAffect(b *testing.B, n int64, err error, want int64) {
	if err != nil {
		b.Fatal(err)
	}
	if n != want {
		b.Fatalf("affected %d rows, want %d", n, want)
	}
}

func BenchmarkDML(b *testing.B) {
	for _, shape := range dmlShapes {
		for _, engine := range []string{"memflux", "sqlite"} {
			name := func(op string) string { return "op=" + op + "/table=" + shape.name + "/engine=" + engine }
			b.Run(name("insert1"), func(b *testing.B) {
				e := openDMLEngine(b, engine, shape)
				defer e.close()
				fillDML(b, e, shape, 0, dmlRows)
				ins := e.prepare(b, shape.insertSQL(1))
				b.ReportAllocs()
				b.ResetTimer()
				for i := range b.N {
					n, err := ins(shape.row(dmlRows + i)...)
					mustAffect(b, n, err, 1)
				}
			})
			b.Run(name("insert1000"), func(b *testing.B) {
				e := openDMLEngine(b, engine, shape)
				defer e.close()
				ins := e.prepare(b, shape.insertSQL(1000))
				b.ReportAllocs()
				b.ResetTimer()
				for i := range b.N {
					b.StopTimer()
					args := shape.rows(i*1000, 1000)
					b.StartTimer()
					n, err := ins(args...)
					mustAffect(b, n, err, 1000)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*1000), "ns/row")
			})
			b.Run(name("update_pk"), func(b *testing.B) {
				e := openDMLEngine(b, engine, shape)
				defer e.close()
				fillDML(b, e, shape, 0, dmlRows)
				up := e.prepare(b, shape.update)
				b.ReportAllocs()
				b.ResetTimer()
				for i := range b.N {
					id := i % dmlRows
					n, err := up(shape.upVal(id, i), id)
					mustAffect(b, n, err, 1)
				}
			})
			b.Run(name("delete_pk"), func(b *testing.B) {
				e := openDMLEngine(b, engine, shape)
				defer e.close()
				fillDML(b, e, shape, 0, dmlRows+b.N)
				del := e.prepare(b, "DELETE FROM t WHERE id = $1")
				b.ReportAllocs()
				b.ResetTimer()
				for i := range b.N {
					n, err := del(i)
					mustAffect(b, n, err, 1)
				}
			})
		}
	}
}
