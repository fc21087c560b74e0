package driver

import (
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/memflux/memflux/command"
)

// seedPeople writes schemaless rows with JSON.SET (no SQL DDL or parameters needed).
func seedPeople(t *testing.T, db *sql.DB) {
	t.Helper()
	for _, doc := range []string{
		`{"name":"Ann","age":30,"score":1.5,"admin":true,"tags":["a","b"]}`,
		`{"name":"O'Brien","age":20,"score":2,"admin":false,"tags":[]}`,
		`{"name":"Zed","age":41,"score":null,"admin":false}`,
	} {
		if _, err := db.Exec("JSON.SET ? ?", fmt.Sprintf("people:%d", len(doc)), doc); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSQLColumnsAndScan(t *testing.T) {
	db := openDB(t, ":memory:")
	seedPeople(t, db)

	// A select list gives its columns in order, whatever the JSON member order.
	rows, err := db.Query("SELECT name, age, score, admin, tags FROM people ORDER BY age")
	if err != nil {
		t.Fatal(err)
	}
	cols, _ := rows.Columns()
	if want := []string{"name", "age", "score", "admin", "tags"}; !reflect.DeepEqual(cols, want) {
		t.Fatalf("columns %q, want %q", cols, want)
	}
	type person struct {
		name  string
		age   int
		score sql.NullFloat64
		admin bool
		tags  sql.RawBytes
	}
	var got []string
	for rows.Next() {
		var p person
		if err := rows.Scan(&p.name, &p.age, &p.score, &p.admin, &p.tags); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s/%d/%v/%v/%v/%s", p.name, p.age, p.score.Float64, p.score.Valid, p.admin, p.tags))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	want := []string{`O'Brien/20/2/true/false/[]`, `Ann/30/1.5/true/true/["a","b"]`, `Zed/41/0/false/false/`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows %q, want %q", got, want)
	}

	// SELECT * gives the members in name order; a member missing from a row is NULL.
	rows, err = db.Query("SELECT * FROM people WHERE age > 25 ORDER BY age")
	if err != nil {
		t.Fatal(err)
	}
	cols, _ = rows.Columns()
	if want := []string{"admin", "age", "id", "name", "score", "tags"}; !reflect.DeepEqual(cols, want) {
		t.Errorf("SELECT * columns %q, want %q", cols, want)
	}
	n := 0
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		if n == 1 && vals[5] != nil {
			t.Errorf("missing tags of Zed = %v, want nil", vals[5])
		}
		n++
	}
	rows.Close()
	if n != 2 {
		t.Errorf("got %d rows, want 2", n)
	}

	var name string
	if err := db.QueryRow("SELECT name FROM people WHERE name = 'O''Brien'").Scan(&name); err != nil || name != "O'Brien" {
		t.Errorf("quoted literal: %q, %v", name, err)
	}
	if err := db.QueryRow("SQL SELECT name FROM people WHERE age = 41").Scan(&name); err != nil || name != "Zed" {
		t.Errorf("SQL prefix: %q, %v", name, err)
	}
	if err := db.QueryRow("SELECT name FROM people WHERE age > 100").Scan(&name); !errors.Is(err, sql.ErrNoRows) {
		t.Errorf("no rows: %v", err)
	}
	_, err = db.Query("SELECT FROM")
	if !errors.Is(err, command.ErrSQL) {
		t.Errorf("syntax error: %v, want command.ErrSQL", err)
	}
}

func TestOutputColumns(t *testing.T) {
	tests := []struct {
		sql  string
		want []string
	}{
		{"SELECT name, age FROM t", []string{"name", "age"}},
		{"SELECT t.name, age AS years, COUNT(*) FROM t GROUP BY t.name, age", []string{"t.name", "years", "COUNT(*)"}},
		{"SELECT a, a FROM t", []string{"a"}},
		{"SELECT * FROM t", nil},
		{"SELECT t.* FROM t", nil},
		{"SELECT a FROM t UNION SELECT b FROM u", []string{"a"}},
		{"WITH x AS (SELECT a FROM t) SELECT a FROM x", []string{"a"}},
		{"UPDATE t SET a = 1 RETURNING a, b", []string{"a", "b"}},
		{"DELETE FROM t RETURNING *", nil},
		{"INSERT INTO t (a) VALUES (1)", nil},
		{"CREATE TABLE t (a INT)", nil},
		{"SELECT FROM", nil},
	}
	for _, tt := range tests {
		if got := outputColumns(tt.sql); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("outputColumns(%q) = %q, want %q", tt.sql, got, tt.want)
		}
	}
}

// TestSQLParameters binds parameters server-side (SQL.EXEC) through plain and prepared
// statements, with quotes and binary data, and checks constraint errors.
func TestSQLParameters(t *testing.T) {
	db := openDB(t, ":memory:")
	mustExec(t, db, "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INTEGER, email TEXT UNIQUE)")
	ins, err := db.Prepare("INSERT INTO users (id, name, age, email) VALUES ($1, $2, $3, $4)")
	if err != nil {
		t.Fatal(err)
	}
	defer ins.Close()
	people := []struct {
		id    int
		name  string
		age   any
		email any
	}{
		{1, "Ann", 30, "ann@example.com"},
		{2, "O'Brien; DROP TABLE users", 20, nil},
		{3, string([]byte{0xff, 0x00}), nil, "x@example.com"},
	}
	for _, p := range people {
		res, err := ins.Exec(p.id, p.name, p.age, p.email)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			t.Errorf("RowsAffected = %d, want 1", n)
		}
	}
	q, err := db.Prepare("SELECT name, age FROM users WHERE id = ?")
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	var name string
	var age sql.NullInt64
	for id, want := range map[int]string{1: "Ann", 2: "O'Brien; DROP TABLE users", 3: `\xff00`} {
		if err := q.QueryRow(id).Scan(&name, &age); err != nil || name != want {
			t.Errorf("id %d: name %q, %v; want %q", id, name, err, want)
		}
	}
	res, err := db.Exec("UPDATE users SET age = age + $1 WHERE age IS NOT NULL", 1)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 2 {
		t.Errorf("UPDATE RowsAffected = %d, want 2", n)
	}
	if _, err := ins.Exec(1, "dup", 1, nil); !errors.Is(err, command.ErrSQL) {
		t.Errorf("duplicate key: %v", err)
	}
	if _, err := ins.Exec(9, nil, 1, nil); !errors.Is(err, command.ErrSQL) {
		t.Errorf("NOT NULL: %v", err)
	}

	// A transaction over SQL statements.
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec("DELETE FROM users WHERE id = $1", 1); err != nil {
		t.Fatal(err)
	}
	var count int
	db.QueryRow("SELECT COUNT(*) FROM users").Scan(&count)
	if count != 3 {
		t.Errorf("count outside the transaction = %d, want 3", count)
	}
	tx.Rollback()
	db.QueryRow("SELECT COUNT(*) FROM users").Scan(&count)
	if count != 3 {
		t.Errorf("count after rollback = %d, want 3", count)
	}
}

func mustExec(t *testing.T, db *sql.DB, query string, args ...any) {
	t.Helper()
	if _, err := db.Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}
