package driver

import (
	"database/sql"
	"database/sql/driver"
	"math"
	"testing"
)

// TestRowsReuse reads rows of one prepared statement while another result set of it is
// still open (in a transaction, on one connection), then closes them in either order:
// the reused rows of one execution never show up in another.
func TestRowsReuse(t *testing.T) {
	db := openDB(t, ":memory:")
	mustExec(t, db, "CREATE TABLE r (id INTEGER PRIMARY KEY, name TEXT)")
	for i, name := range []string{"zero", "one", "two", "three"} {
		mustExec(t, db, "INSERT INTO r (id, name) VALUES ($1, $2)", i, name)
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	q, err := tx.Prepare("SELECT name FROM r WHERE id >= $1")
	if err != nil {
		t.Fatal(err)
	}
	names := func(rs *sql.Rows, n int) []string {
		t.Helper()
		var out []string
		for len(out) < n && rs.Next() {
			var s string
			if err := rs.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		return out
	}
	for round := 0; round < 3; round++ {
		a, err := q.Query(1)
		if err != nil {
			t.Fatal(err)
		}
		first := names(a, 1)
		b, err := q.Query(3)
		if err != nil {
			t.Fatal(err)
		}
		if got := names(b, 10); len(got) != 1 || got[0] != "three" {
			t.Errorf("round %d: second result %v", round, got)
		}
		if round%2 == 0 {
			b.Close()
		}
		rest := names(a, 10)
		if got := append(first, rest...); len(got) != 3 || got[0] != "one" || got[1] != "two" || got[2] != "three" {
			t.Errorf("round %d: first result %v", round, got)
		}
		a.Close()
		b.Close()
		var name string
		if err := q.QueryRow(0).Scan(&name); err != nil || name != "zero" {
			t.Errorf("round %d: QueryRow: %q, %v", round, name, err)
		}
	}
}

// TestCheckNamedValue passes int arguments through as they are and leaves every other
// type to database/sql's conversion; SQL and command statements bind them alike.
func TestCheckNamedValue(t *testing.T) {
	type myInt int
	c := &conn{}
	for _, tt := range []struct {
		in   any
		pass bool
	}{
		{int(7), true},
		{int64(7), false},
		{myInt(7), false},
		{"7", false},
		{nil, false},
	} {
		nv := &driver.NamedValue{Ordinal: 1, Value: tt.in}
		err := c.CheckNamedValue(nv)
		if pass := err == nil; pass != tt.pass || (err != nil && err != driver.ErrSkip) || nv.Value != tt.in {
			t.Errorf("CheckNamedValue(%T %v) = %v, value %v", tt.in, tt.in, err, nv.Value)
		}
	}

	db := openDB(t, ":memory:")
	mustExec(t, db, "CREATE TABLE n (id BIGINT PRIMARY KEY, v BIGINT)")
	for _, v := range []any{int(math.MaxInt64), int(math.MinInt64), int(-1), int(300), myInt(12), int32(-9), uint8(200)} {
		var id int64
		switch v := v.(type) {
		case int:
			id = int64(v)
		case myInt:
			id = int64(v)
		case int32:
			id = int64(v)
		case uint8:
			id = int64(v)
		}
		mustExec(t, db, "INSERT INTO n (id, v) VALUES ($1, $2)", v, v)
		var got int64
		if err := db.QueryRow("SELECT v FROM n WHERE id = ?", v).Scan(&got); err != nil || got != id {
			t.Errorf("%T %v: read back %d, %v", v, v, got, err)
		}
	}
	// A command takes an int argument as its decimal text.
	mustExec(t, db, "SET ? ?", "k", int(-42))
	var s string
	if err := db.QueryRow("GET ?", "k").Scan(&s); err != nil || s != "-42" {
		t.Errorf("GET after SET of an int: %q, %v", s, err)
	}
}
