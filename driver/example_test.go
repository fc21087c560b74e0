package driver_test

import (
	"database/sql"
	"fmt"
	"log"

	"github.com/memflux/memflux"
	"github.com/memflux/memflux/driver"
)

func Example() {
	db, err := sql.Open("memflux", ":memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	// Commands are written like shell command lines; ? words take parameters.
	if _, err := db.Exec("SET ? ?", "greeting", "hello world"); err != nil {
		log.Fatal(err)
	}
	var s string
	if err := db.QueryRow("GET greeting").Scan(&s); err != nil {
		log.Fatal(err)
	}
	fmt.Println(s)

	db.Exec("RPUSH queue a b")
	rows, err := db.Query("LRANGE queue 0 -1")
	if err != nil {
		log.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var item string
		rows.Scan(&item)
		fmt.Println(item)
	}
	// Output:
	// hello world
	// a
	// b
}

// SQL statements take $1 or ? parameters, bound by the engine; rows scan into Go types
// in select-list order.
func Example_sql() {
	db, err := sql.Open("memflux", ":memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	db.Exec("CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT, year INTEGER, price DOUBLE PRECISION)")
	for i, title := range []string{"Dune", "The Hobbit", "Emma"} {
		db.Exec("INSERT INTO books (id, title, year, price) VALUES ($1, $2, $3, $4)", i+1, title, 1815+70*i, 9.5+float64(i))
	}
	rows, err := db.Query("SELECT title, year, price FROM books WHERE year > ? ORDER BY year", 1850)
	if err != nil {
		log.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var title string
		var year int
		var price float64
		if err := rows.Scan(&title, &year, &price); err != nil {
			log.Fatal(err)
		}
		fmt.Println(title, year, price)
	}
	// Output:
	// The Hobbit 1885 10.5
	// Emma 1955 11.5
}

func ExampleNewConnector() {
	cfg := memflux.DefaultConfig()
	cfg.Persistence = false
	mdb, err := memflux.Open(cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer mdb.Close()

	db := sql.OpenDB(driver.NewConnector(mdb))
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		log.Fatal(err)
	}
	tx.Exec("INCRBY visits 3")
	if err := tx.Commit(); err != nil {
		log.Fatal(err)
	}

	// The Go API sees the same data.
	s := mdb.NewSession()
	defer s.Close()
	r, _ := s.Do("GET", "visits")
	fmt.Println(r.Str)
	// Output: 3
}

func ExampleParseDSN() {
	cfg, err := driver.ParseDSN("/var/lib/app?durability=full&maxmemory_mb=256")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cfg.Dir, cfg.Durability, cfg.MaxMemoryMB, cfg.WALFile)
	// Output: /var/lib/app full 256 memflux.wal
}
