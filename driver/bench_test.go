package driver

import (
	"database/sql"
	"strconv"
	"testing"

	"github.com/memflux/memflux"
)

// BenchmarkPointQuery measures what the driver adds to a point query: the same SQL.EXEC
// through memflux.Session.Exec directly (path=session) and through database/sql with a
// prepared statement (path=database-sql). The difference is the driver plus database/sql.
func BenchmarkPointQuery(b *testing.B) {
	cfg := memflux.DefaultConfig()
	cfg.Persistence = false
	mdb, err := memflux.Open(cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer mdb.Close()
	db := sql.OpenDB(NewConnector(mdb))
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, age INTEGER)"); err != nil {
		b.Fatal(err)
	}
	for i := range 1000 {
		if _, err := db.Exec("INSERT INTO users (id, name, age) VALUES ($1, $2, $3)", i, "user "+strconv.Itoa(i), i%50); err != nil {
			b.Fatal(err)
		}
	}
	const query = "SELECT name, age FROM users WHERE id = $1"
	b.Run("path=session", func(b *testing.B) {
		s := mdb.NewSession()
		defer s.Close()
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			r, err := s.Exec([]byte("SQL.EXEC"), []byte(query), strconv.AppendInt(nil, int64(i%1000), 10))
			if err != nil || len(r.Elems) != 1 {
				b.Fatalf("%v %v", r, err)
			}
			i++
		}
	})
	b.Run("path=database-sql", func(b *testing.B) {
		st, err := db.Prepare(query)
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		var name string
		var age int
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if err := st.QueryRow(i%1000).Scan(&name, &age); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}
