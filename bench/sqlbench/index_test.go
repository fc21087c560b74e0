package sqlbench

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"syscall"
	"testing"

	memflux "github.com/memflux/memflux"
)

// BenchmarkIndexLookup compares an indexed point lookup through MemFlux's embedded API
// with SQLite's indexed lookup, in the same run (issue 7, "Performance"), on the users of
// Dataset(indexRows):
//
//	engine=memflux/api=prepared   SELECT * FROM users WHERE name = $1 (index users_name)
//	engine=memflux/api=lookup     View: Tx.Lookup("users_name", v) then Tx.Get(key)
//	engine=sqlite/index=json      SELECT doc FROM users WHERE json_extract(doc, '$.name') = ?
//	                              with an index on that expression
//	engine=sqlite/index=column    the same rows with name in a column of its own, indexed
//
//	cd bench/sqlbench && go test -run '^$' -bench IndexLookup -benchmem
//
// Every lookup finds exactly one row; the name looked up changes at every iteration.
func BenchmarkIndexLookup(b *testing.B) {
	f := getIndexFixture(b)
	name := func(i int) string { return fmt.Sprintf("user%d", 1+(i*7919)%indexRows) }
	b.Run("engine=memflux/api=prepared", func(b *testing.B) {
		st, err := f.db.Prepare("SELECT * FROM users WHERE name = $1")
		if err != nil {
			b.Fatal(err)
		}
		s := f.db.NewSession()
		defer s.Close()
		st = s.Stmt(st)
		b.ReportAllocs()
		b.ResetTimer()
		defer reportCPU(b)()
		for i := 0; i < b.N; i++ {
			if rows, err := st.Query(name(i)); err != nil || len(rows) != 1 {
				b.Fatal(len(rows), err)
			}
		}
	})
	b.Run("engine=memflux/api=lookup", func(b *testing.B) {
		b.ReportAllocs()
		defer reportCPU(b)()
		for i := 0; i < b.N; i++ {
			err := f.db.View(func(tx *memflux.Tx) error {
				keys, err := tx.Lookup("users_name", name(i))
				if err != nil || len(keys) != 1 {
					return fmt.Errorf("lookup: %v, %v", keys, err)
				}
				if _, ok, err := tx.Get(keys[0]); !ok || err != nil {
					return fmt.Errorf("get %s: %v", keys[0], err)
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, c := range []struct{ name, sql string }{
		{"engine=sqlite/index=json", "SELECT doc FROM users WHERE json_extract(doc, '$.name') = ?"},
		{"engine=sqlite/index=column", "SELECT id, name, doc FROM users_col WHERE name = ?"},
	} {
		b.Run(c.name, func(b *testing.B) {
			stmt, err := f.lite.Prepare(c.sql)
			if err != nil {
				b.Fatal(err)
			}
			defer stmt.Close()
			b.ReportAllocs()
			b.ResetTimer()
			defer reportCPU(b)()
			for i := 0; i < b.N; i++ {
				if n := countRows(b, stmt, name(i)); n != 1 {
					b.Fatalf("%d rows", n)
				}
			}
		})
	}
}

// indexRows is the size of the lookup benchmark's table.
const indexRows = 1_000_000

// indexFixture is the users table in both engines, with an index on name.
type indexFixture struct {
	db   *memflux.DB
	lite *sql.DB
}

var (
	indexFixtureOnce sync.Once
	indexFix         *indexFixture
	indexFixErr      error
)

func getIndexFixture(b *testing.B) *indexFixture {
	b.Helper()
	indexFixtureOnce.Do(func() {
		users, _ := Dataset(indexRows)
		cfg := memflux.DefaultConfig()
		cfg.Persistence = false
		cfg.VacuumInterval = -1
		db, err := memflux.Open(cfg)
		if err != nil {
			indexFixErr = err
			return
		}
		if err = LoadMemFlux(db, users, nil); err == nil {
			err = db.CreateIndex(context.Background(), "users_name", "users:*", nil, "name")
		}
		if err != nil {
			indexFixErr = err
			return
		}
		lite, err := OpenSQLite(users, nil)
		if err == nil {
			err = indexSQLite(lite, users)
		}
		if err != nil {
			indexFixErr = err
			return
		}
		indexFix = &indexFixture{db: db, lite: lite}
	})
	if indexFixErr != nil {
		b.Fatal(indexFixErr)
	}
	return indexFix
}

// indexSQLite adds the expression index on users and a copy of users with name in an
// indexed column.
func indexSQLite(lite *sql.DB, users []Row) error {
	stmts := []string{
		"CREATE INDEX users_name ON users (json_extract(doc, '$.name'))",
		"CREATE TABLE users_col (id INTEGER PRIMARY KEY, name TEXT NOT NULL, doc TEXT NOT NULL)",
		"INSERT INTO users_col SELECT id, json_extract(doc, '$.name'), doc FROM users",
		"CREATE INDEX users_col_name ON users_col (name)",
		"ANALYZE",
	}
	for _, s := range stmts {
		if _, err := lite.Exec(s); err != nil {
			return fmt.Errorf("sqlbench: %s: %w", s, err)
		}
	}
	return nil
}

// countRows runs a prepared query and counts its rows.
func countRows(b *testing.B, stmt *sql.Stmt, arg any) int {
	rows, err := stmt.Query(arg)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	return n
}

// reportCPU starts measuring the process's CPU time and returns the function that reports
// it per operation ("cpu-ns/op"): on a shared machine it is steadier than the wall time.
// Both engines run in this process, so the figures compare.
func reportCPU(b *testing.B) func() {
	start := cpuTime()
	return func() { b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op") }
}

func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
