package sqlbench

import (
	"database/sql"
	"fmt"
	"sync"
	"testing"

	memflux "github.com/memflux/memflux"
)

// fixture is one dataset loaded into both engines.
type fixture struct {
	n       int
	db      *memflux.DB
	s       *memflux.Session
	lite    *sql.DB
	stmts   map[string]*sql.Stmt
	results map[string]int // rows per case, for the benchmark's sanity check
}

var (
	// fixturesMu protects fixtures.
	fixturesMu sync.Mutex
	fixtures   = map[int]*fixture{}
)

// getFixture builds (once per process) the fixture of n users and n orders.
func getFixture(tb testing.TB, n int) *fixture {
	tb.Helper()
	fixturesMu.Lock()
	defer fixturesMu.Unlock()
	if f := fixtures[n]; f != nil {
		return f
	}
	users, orders := Dataset(n)
	cfg := memflux.DefaultConfig()
	cfg.Persistence = false
	cfg.VacuumInterval = -1
	db, err := memflux.Open(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	if err := LoadMemFlux(db, users, orders); err != nil {
		tb.Fatal(err)
	}
	lite, err := OpenSQLite(users, orders)
	if err != nil {
		tb.Fatal(err)
	}
	f := &fixture{n: n, db: db, s: db.NewSession(), lite: lite, stmts: map[string]*sql.Stmt{}, results: map[string]int{}}
	for _, c := range Cases {
		stmt, err := lite.Prepare(c.SQLite)
		if err != nil {
			tb.Fatalf("prepare %s: %v", c.Name, err)
		}
		f.stmts[c.Name] = stmt
	}
	fixtures[n] = f
	return f
}

// TestSameResults checks that both engines give the same answer to every case, so the
// benchmarks compare equal work.
func TestSameResults(t *testing.T) {
	f := getFixture(t, 5000)
	for _, c := range Cases {
		t.Run(c.Name, func(t *testing.T) {
			got, err := RunMemFlux(f.s, c)
			if err != nil {
				t.Fatal(err)
			}
			want, err := RunSQLite(f.stmts[c.Name], c)
			if err != nil {
				t.Fatal(err)
			}
			if len(want) == 0 {
				t.Fatalf("%s: SQLite returned no rows; the case tests nothing", c.Name)
			}
			if err := Compare(c, got, want); err != nil {
				t.Error(err)
			}
		})
	}
}

// sizes are the table sizes of the benchmarks: 100k and 1M rows (the join only at 100k:
// 100k orders x 100k users).
var sizes = []struct {
	name string
	n    int
}{{"100k", 100_000}, {"1M", 1_000_000}}

// BenchmarkSQL runs every case on both engines, engine last in the name so bench/sql.sh
// can pair them: BenchmarkSQL/rows=100k/case=scan_filter/engine=memflux.
func BenchmarkSQL(b *testing.B) {
	for _, size := range sizes {
		b.Run("rows="+size.name, func(b *testing.B) {
			f := getFixture(b, size.n)
			for _, c := range Cases {
				if c.JoinOnly && size.n != 100_000 {
					continue
				}
				b.Run("case="+c.Name, func(b *testing.B) {
					b.Run("engine=memflux", func(b *testing.B) { benchMemFlux(b, f, c) })
					b.Run("engine=sqlite", func(b *testing.B) { benchSQLite(b, f, c) })
				})
			}
		})
	}
}

func benchMemFlux(b *testing.B, f *fixture, c Case) {
	b.ReportAllocs()
	rows, err := RunMemFlux(f.s, c) // warm the plan cache and check the answer once
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		r, err := f.s.Do("SQL", c.MemFlux)
		if err != nil {
			b.Fatal(err)
		}
		if len(r.Elems) != len(rows) {
			b.Fatalf("%s: %d rows, first run had %d", c.Name, len(r.Elems), len(rows))
		}
	}
	b.ReportMetric(float64(len(rows)), "rows/op")
}

func benchSQLite(b *testing.B, f *fixture, c Case) {
	b.ReportAllocs()
	stmt := f.stmts[c.Name]
	want, err := RunSQLite(stmt, c)
	if err != nil {
		b.Fatal(err)
	}
	dest := make([]any, len(c.Columns))
	ptrs := make([]any, len(dest))
	for i := range dest {
		ptrs[i] = &dest[i]
	}
	b.ResetTimer()
	for b.Loop() {
		rows, err := stmt.Query()
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				b.Fatal(err)
			}
			n++
		}
		if err := rows.Close(); err != nil {
			b.Fatal(err)
		}
		if n != len(want) {
			b.Fatal(fmt.Errorf("%s: %d rows, first run had %d", c.Name, n, len(want)))
		}
	}
	b.ReportMetric(float64(len(want)), "rows/op")
}
