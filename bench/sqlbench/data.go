package sqlbench

import (
	"database/sql"
	"fmt"
	"strconv"

	memflux "github.com/memflux/memflux"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// cities are the values of the users' city member.
var cities = []string{"Paris", "Berlin", "Rome", "Madrid", "Oslo", "Vienna", "Lisbon", "Prague", "Dublin", "Athens"}

// Row is one document of a table: its id and its JSON text. Rows are plain values, safe
// for concurrent reads.
type Row struct {
	ID  int
	Doc []byte
}

// Dataset returns n users and n orders, the same for every call with the same n.
func Dataset(n int) (users, orders []Row) {
	users = make([]Row, n)
	orders = make([]Row, n)
	// A small LCG keeps the data deterministic without math/rand state.
	x := uint64(88172645463325252)
	next := func() uint64 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		return x
	}
	for i := 1; i <= n; i++ {
		age := 18 + next()%60
		score := float64(next()%1_000_000) / 100
		users[i-1] = Row{ID: i, Doc: fmt.Appendf(nil, `{"id":%d,"name":"user%d","age":%d,"city":%q,"score":%s}`,
			i, i, age, cities[next()%uint64(len(cities))], formatFloat(score))}
		amount := float64(next()%100_000) / 100
		orders[i-1] = Row{ID: i, Doc: fmt.Appendf(nil, `{"id":%d,"user_id":%d,"amount":%s}`,
			i, 1+next()%uint64(n), formatFloat(amount))}
	}
	return users, orders
}

// formatFloat renders f as a JSON float (always with a fraction).
func formatFloat(f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	for _, c := range s {
		if c == '.' {
			return s
		}
	}
	return s + ".0"
}

// LoadMemFlux stores the tables in db, in transactions of batch documents.
func LoadMemFlux(db *memflux.DB, users, orders []Row) error {
	const batch = 10_000
	for _, t := range []struct {
		name string
		rows []Row
	}{{"users", users}, {"orders", orders}} {
		for start := 0; start < len(t.rows); start += batch {
			end := min(start+batch, len(t.rows))
			err := db.Update(func(tx *memflux.Tx) error {
				for _, r := range t.rows[start:end] {
					if err := tx.SetJSON(t.name+":"+strconv.Itoa(r.ID), r.Doc); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return fmt.Errorf("sqlbench: load %s: %w", t.name, err)
			}
		}
	}
	return nil
}

// OpenSQLite opens an in-memory SQLite database holding the tables as (id, doc) rows. It
// uses a single connection: every connection to ":memory:" is a database of its own.
func OpenSQLite(users, orders []Row) (*sql.DB, error) {
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		return nil, fmt.Errorf("sqlbench: open sqlite: %w", err)
	}
	db.SetMaxOpenConns(1)
	for _, t := range []struct {
		name string
		rows []Row
	}{{"users", users}, {"orders", orders}} {
		if err := loadSQLiteTable(db, t.name, t.rows); err != nil {
			db.Close()
			return nil, err
		}
	}
	return db, nil
}

func loadSQLiteTable(db *sql.DB, name string, rows []Row) error {
	if _, err := db.Exec("CREATE TABLE " + name + " (id INTEGER PRIMARY KEY, doc TEXT NOT NULL)"); err != nil {
		return fmt.Errorf("sqlbench: create %s: %w", name, err)
	}
	tx, err := db.Begin()
	if err != nil {
		return fmt.Errorf("sqlbench: begin: %w", err)
	}
	defer tx.Rollback()
	stmt, err := tx.Prepare("INSERT INTO " + name + " (id, doc) VALUES (?, ?)")
	if err != nil {
		return fmt.Errorf("sqlbench: prepare insert: %w", err)
	}
	defer stmt.Close()
	for _, r := range rows {
		if _, err := stmt.Exec(r.ID, string(r.Doc)); err != nil {
			return fmt.Errorf("sqlbench: insert into %s: %w", name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlbench: commit %s: %w", name, err)
	}
	return nil
}
