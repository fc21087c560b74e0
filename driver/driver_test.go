package driver

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/memflux/memflux"
	"github.com/memflux/memflux/command"
)

// openDB opens a sql.DB on a fresh in-memory database, closed at the end of the test.
func openDB(t testing.TB, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("memflux", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Error(err)
		}
	})
	return db
}

func TestParseDSN(t *testing.T) {
	tests := []struct {
		dsn     string
		check   func(c memflux.Config) bool
		wantErr error
	}{
		{"", func(c memflux.Config) bool { return !c.Persistence }, nil},
		{":memory:", func(c memflux.Config) bool { return !c.Persistence }, nil},
		{":memory:?maxmemory_mb=64&eviction_policy=lfu", func(c memflux.Config) bool {
			return c.MaxMemoryMB == 64 && c.EvictionPolicy == "lfu"
		}, nil},
		{"/data/app", func(c memflux.Config) bool {
			return c.Persistence && c.Dir == "/data/app" && c.WALFile == "memflux.wal"
		}, nil},
		{"file:/data/app?durability=full&isolation_level=snapshot", func(c memflux.Config) bool {
			return c.Dir == "/data/app" && c.Durability == "full" && c.IsolationLevel == "snapshot"
		}, nil},
		{"/d?persistence=false", func(c memflux.Config) bool { return !c.Persistence }, nil},
		{"/d?wal_file=x.wal&snapshot_file=x.snap", func(c memflux.Config) bool {
			return c.WALFile == "x.wal" && c.SnapshotFile == "x.snap"
		}, nil},
		{"/d?nosuch=1", nil, ErrDSN},
		{"/d?persistence=maybe", nil, ErrDSN},
		{"/d?maxmemory_mb=lots", nil, ErrDSN},
		{"/d?eviction_policy=LRU", nil, memflux.ErrConfig},
		{"/d?durability=sometimes", nil, memflux.ErrConfig},
		{":memory:?persistence=true", nil, ErrDSN},
		{"/d?%zz", nil, ErrDSN},
	}
	for _, tt := range tests {
		t.Run(tt.dsn, func(t *testing.T) {
			cfg, err := ParseDSN(tt.dsn)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("error %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(cfg) {
				t.Errorf("unexpected config %+v", cfg)
			}
		})
	}
}

func TestSQLText(t *testing.T) {
	tests := []struct {
		query, text string
		sql         bool
	}{
		{"SELECT * FROM t", "SELECT * FROM t", true},
		{"  select a from t", "select a from t", true},
		{"WITH x AS (SELECT 1 FROM t) SELECT * FROM x", "WITH x AS (SELECT 1 FROM t) SELECT * FROM x", true},
		{"INSERT INTO t (a) VALUES (1)", "INSERT INTO t (a) VALUES (1)", true},
		{"DELETE FROM t", "DELETE FROM t", true},
		{"delete\tfrom t", "delete\tfrom t", true},
		{"DELETE k1 k2", "", false},
		{"DELETE", "", false},
		{"SQL SELECT 1 FROM t", "SELECT 1 FROM t", true},
		{"sql\tSELECT 1 FROM t", "SELECT 1 FROM t", true},
		{"(SELECT a FROM t) UNION (SELECT a FROM u)", "(SELECT a FROM t) UNION (SELECT a FROM u)", true},
		{"START TRANSACTION", "START TRANSACTION", true},
		{"BEGIN", "", false},
		{"SET k v", "", false},
		{"SQLX", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		text, ok := sqlText(tt.query)
		if ok != tt.sql || (ok && text != tt.text) {
			t.Errorf("sqlText(%q) = %q, %v; want %q, %v", tt.query, text, ok, tt.text, tt.sql)
		}
	}
}

func TestStatementArgv(t *testing.T) {
	nv := func(vals ...driver.Value) []driver.NamedValue { return named(vals) }
	tests := []struct {
		query string
		args  []driver.NamedValue
		want  []string
		err   error
	}{
		{"SET k v", nil, []string{"SET", "k", "v"}, nil},
		{"SET ? ?", nv("key", []byte{0, 0xff}), []string{"SET", "key", "\x00\xff"}, nil},
		{"SET $2 $1", nv("v", "k"), []string{"SET", "k", "v"}, nil},
		{"SET '?' ?", nv(int64(7)), []string{"SET", "?", "7"}, nil},
		{"SET k ?", nv(true), []string{"SET", "k", "1"}, nil},
		{"SET k ?", nv(1.5), []string{"SET", "k", "1.5"}, nil},
		{"SET k ?", nv(), nil, ErrParams},
		{"SET k ?", nv(nil), nil, ErrParams},
		{"SET k ?", []driver.NamedValue{{Name: "x", Ordinal: 1, Value: "v"}}, nil, ErrParams},
		{"SELECT * FROM t", nil, []string{"SQL", "SELECT * FROM t"}, nil},
		{
			"SELECT * FROM t WHERE a = $1 AND b = ? AND c = ? AND d = ? AND e = ?",
			nv(int64(42), "it's", nil, 2.0, []byte{0xff, 0x00}),
			[]string{"SQL.EXEC", "SELECT * FROM t WHERE a = $1 AND b = ? AND c = ? AND d = ? AND e = ?",
				"42", `"it's"`, "null", "2.0", `"\\xff00"`},
			nil,
		},
		{"SQL SELECT a FROM t WHERE b = $1", nv(false), []string{"SQL.EXEC", "SELECT a FROM t WHERE b = $1", "false"}, nil},
	}
	for _, tt := range tests {
		st, err := parseStatement(tt.query, &columnCache{})
		if err != nil {
			t.Fatalf("%q: %v", tt.query, err)
		}
		argv, err := st.argv(tt.args)
		if !errors.Is(err, tt.err) {
			t.Errorf("%q: error %v, want %v", tt.query, err, tt.err)
			continue
		}
		got := make([]string, len(argv))
		for i, a := range argv {
			got[i] = string(a)
		}
		if tt.err == nil && !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q: argv %q, want %q", tt.query, got, tt.want)
		}
	}
	for query, want := range map[string]error{"SET 'x": ErrSyntax, "  # nothing": ErrEmpty} {
		if _, err := parseStatement(query, &columnCache{}); !errors.Is(err, want) {
			t.Errorf("%q: error %v, want %v", query, err, want)
		}
	}
}

func TestCommands(t *testing.T) {
	db := openDB(t, ":memory:")
	if _, err := db.Exec("SET greeting 'hello world'"); err != nil {
		t.Fatal(err)
	}
	var s string
	if err := db.QueryRow("GET greeting").Scan(&s); err != nil || s != "hello world" {
		t.Fatalf("GET = %q, %v", s, err)
	}
	if err := db.QueryRow("GET missing").Scan(&s); !errors.Is(err, sql.ErrNoRows) {
		t.Fatalf("GET missing: %v, want sql.ErrNoRows", err)
	}
	bin := []byte{0, 1, 0xff, '\'', '"'}
	if _, err := db.Exec("SET ? ?", "bin", bin); err != nil {
		t.Fatal(err)
	}
	var got []byte
	if err := db.QueryRow("GET ?", "bin").Scan(&got); err != nil || !reflect.DeepEqual(got, bin) {
		t.Fatalf("GET bin = %q, %v", got, err)
	}
	res, err := db.Exec("RPUSH list a b c")
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 3 {
		t.Errorf("RowsAffected = %d, want 3", n)
	}
	if _, err := res.LastInsertId(); !errors.Is(err, ErrNoInsertID) {
		t.Errorf("LastInsertId error %v", err)
	}
	rows, err := db.Query("LRANGE list 0 -1")
	if err != nil {
		t.Fatal(err)
	}
	cols, _ := rows.Columns()
	var items []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		items = append(items, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cols, []string{"value"}) || !reflect.DeepEqual(items, []string{"a", "b", "c"}) {
		t.Errorf("LRANGE: columns %q, items %q", cols, items)
	}
	var n int64
	if err := db.QueryRow("INCRBY counter 5").Scan(&n); err != nil || n != 5 {
		t.Errorf("INCRBY = %d, %v", n, err)
	}
	var pong string
	if err := db.QueryRow("PING").Scan(&pong); err != nil || pong != "PONG" {
		t.Errorf("PING = %q, %v", pong, err)
	}
	_, err = db.Exec("LPUSH greeting x")
	var cerr *command.Error
	if !errors.As(err, &cerr) || !errors.Is(err, command.ErrWrongType) {
		t.Errorf("LPUSH on a string: %v, want a command.ErrWrongType", err)
	}
}

func TestCommandMapReply(t *testing.T) {
	db := openDB(t, ":memory:")
	rows, err := db.Query("HELLO 2")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	if !reflect.DeepEqual(cols, []string{"key", "value"}) {
		t.Fatalf("columns %q", cols)
	}
	found := map[string]string{}
	for rows.Next() {
		var k, v sql.NullString
		if err := rows.Scan(&k, &v); err != nil {
			t.Fatal(err)
		}
		found[k.String] = v.String
	}
	if found["server"] == "" {
		t.Errorf("HELLO rows %v lack server", found)
	}
}

func TestPreparedCommands(t *testing.T) {
	db := openDB(t, ":memory:")
	set, err := db.Prepare("SET ? ?")
	if err != nil {
		t.Fatal(err)
	}
	defer set.Close()
	get, err := db.Prepare("GET $1")
	if err != nil {
		t.Fatal(err)
	}
	defer get.Close()
	for i := range 10 {
		if _, err := set.Exec("k", i); err != nil {
			t.Fatal(err)
		}
		var v int
		if err := get.QueryRow("k").Scan(&v); err != nil || v != i {
			t.Fatalf("GET k = %d, %v; want %d", v, err, i)
		}
	}
	if _, err := set.Exec("only one"); err == nil {
		t.Error("database/sql accepted a wrong argument count")
	}
}

func TestTransactions(t *testing.T) {
	db := openDB(t, ":memory:")
	db.SetMaxOpenConns(4)
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec("SET k in-tx"); err != nil {
		t.Fatal(err)
	}
	var s string
	if err := tx.QueryRow("GET k").Scan(&s); err != nil || s != "in-tx" {
		t.Fatalf("GET inside tx = %q, %v", s, err)
	}
	if err := db.QueryRow("GET k").Scan(&s); !errors.Is(err, sql.ErrNoRows) {
		t.Fatalf("uncommitted write visible outside: %q, %v", s, err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow("GET k").Scan(&s); err != nil || s != "in-tx" {
		t.Fatalf("after commit: %q, %v", s, err)
	}

	tx, err = db.BeginTx(context.Background(), &sql.TxOptions{Isolation: sql.LevelSerializable})
	if err != nil {
		t.Fatal(err)
	}
	tx.Exec("SET k rolled-back")
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow("GET k").Scan(&s); err != nil || s != "in-tx" {
		t.Fatalf("after rollback: %q, %v", s, err)
	}

	for _, opts := range []struct {
		o    sql.TxOptions
		want error
	}{
		{sql.TxOptions{ReadOnly: true}, ErrReadOnly},
		{sql.TxOptions{Isolation: sql.LevelSnapshot}, ErrIsolation},
		{sql.TxOptions{Isolation: sql.LevelReadCommitted}, ErrIsolation},
	} {
		if _, err := db.BeginTx(context.Background(), &opts.o); !errors.Is(err, opts.want) {
			t.Errorf("BeginTx(%+v) = %v, want %v", opts.o, err, opts.want)
		}
	}
}

// TestSerializationFailure makes two transactions conflict: the second commit fails
// with command.ErrAborted and leaves nothing behind.
func TestSerializationFailure(t *testing.T) {
	db := openDB(t, ":memory:")
	db.Exec("SET balance 100")
	t1, _ := db.Begin()
	t2, _ := db.Begin()
	var b int
	t1.QueryRow("GET balance").Scan(&b)
	t2.QueryRow("GET balance").Scan(&b)
	t1.Exec("SET balance 90")
	t2.Exec("SET balance 80")
	if err := t1.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := t2.Commit(); !errors.Is(err, command.ErrAborted) {
		t.Fatalf("second commit: %v, want ErrAborted", err)
	}
	db.QueryRow("GET balance").Scan(&b)
	if b != 90 {
		t.Errorf("balance = %d, want 90", b)
	}
}

// TestRawBeginIsRolledBack: a BEGIN sent outside a sql.Tx does not leak into the next
// user of the pooled connection.
func TestRawBeginIsRolledBack(t *testing.T) {
	db := openDB(t, ":memory:")
	db.SetMaxOpenConns(1)
	if _, err := db.Exec("BEGIN"); err != nil {
		t.Fatal(err)
	}
	db.Exec("SET k v") // next use of the pooled connection: the BEGIN was rolled back
	var s string
	conn, _ := db.Conn(context.Background())
	defer conn.Close()
	if err := conn.QueryRowContext(context.Background(), "GET k").Scan(&s); err != nil || s != "v" {
		t.Fatalf("GET k = %q, %v", s, err)
	}
	if _, err := conn.ExecContext(context.Background(), "COMMIT"); err == nil {
		t.Error("a transaction was still open")
	}
}

func TestSharedDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	a := openDB(t, dir)
	b := openDB(t, dir+"?durability=fsync") // same configuration as the defaults
	if _, err := a.Exec("SET shared yes"); err != nil {
		t.Fatal(err)
	}
	var s string
	if err := b.QueryRow("GET shared").Scan(&s); err != nil || s != "yes" {
		t.Fatalf("second sql.DB does not see the first's write: %q, %v", s, err)
	}
	if _, err := sql.Open("memflux", dir+"?durability=full"); !errors.Is(err, ErrConfigMismatch) {
		t.Errorf("opening with another configuration: %v, want ErrConfigMismatch", err)
	}
}

func TestReopenPersistent(t *testing.T) {
	dir := t.TempDir()
	for round := range 3 {
		db, err := sql.Open("memflux", dir+"?durability=full")
		if err != nil {
			t.Fatal(err)
		}
		if round > 0 {
			var n int
			if err := db.QueryRow("GET round").Scan(&n); err != nil || n != round-1 {
				t.Errorf("round %d: GET round = %d, %v", round, n, err)
			}
		}
		if _, err := db.Exec("SET round ?", round); err != nil {
			t.Fatal(err)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestNewConnector(t *testing.T) {
	cfg := memflux.DefaultConfig()
	cfg.Persistence = false
	mdb, err := memflux.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer mdb.Close()
	db := sql.OpenDB(NewConnector(mdb))
	if _, err := db.Exec("SET k v"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s := mdb.NewSession()
	defer s.Close()
	if r, err := s.Do("GET", "k"); err != nil || r.Str != "v" {
		t.Errorf("the caller's DB: GET k = %v, %v", r, err)
	}
}

func TestDriverOpen(t *testing.T) {
	c, err := Driver{}.Open(":memory:")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.(driver.Pinger).Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.(driver.Pinger).Ping(context.Background()); !errors.Is(err, driver.ErrBadConn) {
		t.Errorf("ping after close: %v", err)
	}
	if _, err := (Driver{}).Open("/x?bad=1"); !errors.Is(err, ErrDSN) {
		t.Errorf("bad DSN: %v", err)
	}
}

func TestContextCancelled(t *testing.T) {
	db := openDB(t, ":memory:")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := db.ExecContext(ctx, "SET k v"); !errors.Is(err, context.Canceled) {
		t.Errorf("ExecContext with a cancelled context: %v", err)
	}
}

// TestDatabaseClosedUnderConnector: statements after the caller closed its memflux.DB
// fail with driver.ErrBadConn wrapping memflux.ErrClosed.
func TestDatabaseClosedUnderConnector(t *testing.T) {
	cfg := memflux.DefaultConfig()
	cfg.Persistence = false
	mdb, err := memflux.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(NewConnector(mdb))
	defer db.Close()
	if _, err := db.Exec("SET k v"); err != nil {
		t.Fatal(err)
	}
	mdb.Close()
	_, err = db.Exec("SET k v")
	if !errors.Is(err, driver.ErrBadConn) || !errors.Is(err, memflux.ErrClosed) {
		t.Errorf("after DB.Close: %v, want ErrBadConn and ErrClosed", err)
	}
}
