package embedded

import (
	"database/sql"
	"fmt"
	"testing"

	_ "github.com/memflux/memflux/driver"
	_ "modernc.org/sqlite"
)

// peer is one database under test with its statements.
type peer struct {
	driver, dsn string
	kvSchema    []string // run before BenchmarkKV
	usersSchema []string // run before BenchmarkPointQuery
	set, get    string   // small key/value SET and GET
	insert      string   // users row: id, name, email, age
	byID        string   // point query on the primary key
	byEmail     string   // point query on a secondary index
}

var peers = []peer{
	{
		driver: "memflux", dsn: ":memory:",
		usersSchema: []string{
			"CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, email TEXT, age INTEGER)",
			"CREATE INDEX users_email ON users (email)",
		},
		set:     "SET ? ?",
		get:     "GET ?",
		insert:  "INSERT INTO users (id, name, email, age) VALUES ($1, $2, $3, $4)",
		byID:    "SELECT name, age FROM users WHERE id = $1",
		byEmail: "SELECT name, age FROM users WHERE email = $1",
	},
	{
		driver: "sqlite", dsn: ":memory:",
		kvSchema: []string{"CREATE TABLE kv (k TEXT PRIMARY KEY, v BLOB)"},
		usersSchema: []string{
			"CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, email TEXT, age INTEGER)",
			"CREATE INDEX users_email ON users (email)",
		},
		set:     "INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v",
		get:     "SELECT v FROM kv WHERE k = ?",
		insert:  "INSERT INTO users (id, name, email, age) VALUES (?, ?, ?, ?)",
		byID:    "SELECT name, age FROM users WHERE id = ?",
		byEmail: "SELECT name, age FROM users WHERE email = ?",
	},
}

// rowsN is the table size for the point queries.
const rowsN = 10000

// open opens a peer with one connection (an in-memory SQLite database is per connection)
// and runs schema.
func open(b *testing.B, p peer, schema []string) *sql.DB {
	b.Helper()
	db, err := sql.Open(p.driver, p.dsn)
	if err != nil {
		b.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	b.Cleanup(func() { db.Close() })
	for _, s := range schema {
		if _, err := db.Exec(s); err != nil {
			b.Fatalf("%s: %s: %v", p.driver, s, err)
		}
	}
	return db
}

func prepare(b *testing.B, db *sql.DB, query string) *sql.Stmt {
	b.Helper()
	st, err := db.Prepare(query)
	if err != nil {
		b.Fatalf("prepare %s: %v", query, err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

// BenchmarkKV is a small SET and GET through database/sql.
func BenchmarkKV(b *testing.B) {
	value := []byte("a small value of 32 bytes.......")
	for _, p := range peers {
		b.Run("impl="+p.driver+"/op=SET", func(b *testing.B) {
			db := open(b, p, p.kvSchema)
			set := prepare(b, db, p.set)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := set.Exec(fmt.Sprintf("key:%d", i%1000), value); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
		b.Run("impl="+p.driver+"/op=GET", func(b *testing.B) {
			db := open(b, p, p.kvSchema)
			set, get := prepare(b, db, p.set), prepare(b, db, p.get)
			for i := range 1000 {
				if _, err := set.Exec(fmt.Sprintf("key:%d", i), value); err != nil {
					b.Fatal(err)
				}
			}
			var got []byte
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if err := get.QueryRow(fmt.Sprintf("key:%d", i%1000)).Scan(&got); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkPointQuery selects one row of a 10k-row table by primary key and by an
// indexed column, through prepared statements.
func BenchmarkPointQuery(b *testing.B) {
	for _, p := range peers {
		for _, by := range []string{"id", "email"} {
			b.Run("impl="+p.driver+"/by="+by, func(b *testing.B) {
				db := open(b, p, p.usersSchema)
				ins := prepare(b, db, p.insert)
				tx, err := db.Begin()
				if err != nil {
					b.Fatal(err)
				}
				for i := range rowsN {
					if _, err := tx.Stmt(ins).Exec(i, fmt.Sprintf("user %d", i), fmt.Sprintf("u%d@example.com", i), 20+i%50); err != nil {
						b.Fatal(err)
					}
				}
				if err := tx.Commit(); err != nil {
					b.Fatal(err)
				}
				q := prepare(b, db, map[string]string{"id": p.byID, "email": p.byEmail}[by])
				var name string
				var age int
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					var arg any = i % rowsN
					if by == "email" {
						arg = fmt.Sprintf("u%d@example.com", i%rowsN)
					}
					if err := q.QueryRow(arg).Scan(&name, &age); err != nil {
						b.Fatal(err)
					}
					i++
				}
				if want := fmt.Sprintf("user %d", (i-1)%rowsN); name != want {
					b.Fatalf("last row name %q, want %q", name, want)
				}
			})
		}
	}
}
