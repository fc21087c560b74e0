package sql

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/memflux/memflux/index"
	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/sql/sem"
	"github.com/memflux/memflux/txn"
	"github.com/memflux/memflux/value"
)

// uniqueProbeValues are values of every kind for the unique index tests: numbers whose
// float64 rounds (both signs, beyond int64), 1 and 1.0, -0.0, strings holding 0x00 and
// number literals (those also get shadow entries), arrays and objects.
var uniqueProbeValues = []string{
	`true`, `false`, `0`, `-0.0`, `0.0`, `1`, `1.0`, `-1`, `2.5`, `-2.5`, `1e-17`, `1e300`, `-1e300`,
	`9007199254740993`, `-9007199254740993`, `9223372036854775807`, `-9223372036854775808`,
	`12345678901234567890`, `18446744073709551615`, `9.5e15`,
	`""`, `"a"`, `"ab"`, `"a\u0000b"`, `"\u0000"`, `"héllo"`, `"1"`, `"1.0"`, `"-0"`, `"+2"`, `"1e1"`,
	`[]`, `[1]`, `[1,"a\u0000",null]`, `{}`, `{"x":1}`, `{"a":{"b":[true]}}`,
}

// TestUniqueEntryKey: the unique-form entry key index.AppendUniqueKey computes for a value is the
// key package index stores for the row holding it, whose value is the row key; NULL has
// none.
func TestUniqueEntryKey(t *testing.T) {
	db := newIndexDB(t)
	tx := db.m.Begin(txn.ModeSnapshot)
	def, err := db.idx.Create(tx, index.Def{Name: "uq", Prefix: "p:*", Columns: []index.Column{{Path: "v"}}, Unique: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range uniqueProbeValues {
		db.put(tx, fmt.Sprintf("p:%d", i), `{"v":`+v+`}`)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := db.idx.WaitReady(ctx, def.ID); err != nil {
		t.Fatal(err)
	}
	read := db.m.Begin(txn.ModeSnapshot)
	defer read.Rollback()
	for i, v := range uniqueProbeValues {
		row := fmt.Sprintf("p:%d", i)
		raw := uniqueRaw(docAt(read, row), "v")
		key, ok := index.AppendUniqueKey(nil, def, raw)
		if !ok {
			t.Errorf("%s (raw %s): no key", v, raw)
			continue
		}
		if got := read.Get(mvcc.Index, key); !got.Exists() || got.Str() != row {
			t.Errorf("%s (raw %s): entry %q holds %q (exists %v), want %q", v, raw, key, got.Str(), got.Exists(), row)
		}
	}
	for _, raw := range []string{"", "null"} {
		if _, ok := index.AppendUniqueKey(nil, def, raw); ok {
			t.Errorf("%q: a key for NULL", raw)
		}
	}
}

// docAt returns the document of key as tx sees it.
func docAt(tx *txn.Txn, key string) string {
	v := tx.Get(mvcc.Data, []byte(key))
	if v.Kind() != value.KindJSON {
		return ""
	}
	return v.Str()
}

// TestUniqueProbe: a UNIQUE check probes the unique entry while the transaction has
// written no row of the table, and falls back to the index lookup (which merges the
// transaction's rows) once it has; both give the holder of the value other than the row
// itself.
func TestUniqueProbe(t *testing.T) {
	db := newIndexDB(t)
	db.mustRun("CREATE TABLE t (id INTEGER PRIMARY KEY, email TEXT UNIQUE)")
	db.mustRun("INSERT INTO t (id, email) VALUES (1, 'a'), (2, 'b')")
	ti := func(tx *txn.Txn) *tableInfo {
		r := db.eng.cat.NewReader(tx)
		info, err := db.eng.targetInfo(r, tableRef("t"))
		if err != nil {
			t.Fatal(err)
		}
		return info
	}
	cases := []struct {
		name      string
		write     string // a row the transaction writes first, "" none
		raw, self string
		key       string // the holder, "" none
		done      bool   // answered by the probe
	}{
		{name: "held", raw: `"a"`, key: "t:1", done: true},
		{name: "free", raw: `"z"`, done: true},
		{name: "self", raw: `"a"`, self: "t:1", done: true},
		{name: "other table write", write: "u:1", raw: `"b"`, key: "t:2", done: true},
		{name: "own row", write: "t:3", raw: `"c"`, key: "t:3", done: false},
		{name: "own row, committed holder", write: "t:3", raw: `"a"`, key: "t:1", done: false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tx := db.m.Begin(txn.ModeSnapshot)
			defer tx.Rollback()
			if c.write != "" {
				db.put(tx, c.write, `{"email":"c","id":3}`)
			}
			s := db.eng.acquireStmt(tx, nil, 0)
			defer s.release()
			u := s.uniqueSet(ti(tx), "email")
			if u.def == nil {
				t.Fatal("no backing index")
			}
			key, found, done := u.probe(c.raw, c.self)
			if done != c.done {
				t.Fatalf("probe done = %v, want %v", done, c.done)
			}
			if done && (found != (c.key != "") || key != c.key) {
				t.Fatalf("probe = %q %v, want %q", key, found, c.key)
			}
			key, found, err := u.holder(c.raw, c.self)
			if err != nil || found != (c.key != "") || key != c.key {
				t.Fatalf("holder = %q %v %v, want %q", key, found, err, c.key)
			}
		})
	}
}

// TestUniqueProbeRace: two transactions insert one value, each finding it free. Under
// serializable isolation the probe is a read the commit validates, so the second commit
// fails as retryable; under snapshot isolation the index refuses it. Either way its retry
// reports the UNIQUE violation.
func TestUniqueProbeRace(t *testing.T) {
	for _, c := range []struct {
		iso  txn.Isolation
		want error
	}{{txn.Serializable, txn.ErrRetryable}, {txn.Snapshot, index.ErrUnique}} {
		t.Run(c.iso.String(), func(t *testing.T) {
			m := txn.NewManager(mvcc.NewStore(), txn.Options{Isolation: c.iso})
			idx := index.New(m, nil)
			idx.Start()
			t.Cleanup(idx.Close)
			eng := New(&Options{NoCache: true})
			eng.SetIndexes(idx)
			db := &indexDB{t: t, m: m, idx: idx, eng: eng}
			db.mustRun("CREATE TABLE t (id INTEGER PRIMARY KEY, email TEXT UNIQUE)")
			db.mustRun("INSERT INTO t (id, email) VALUES (9, 'other')")
			a := m.Begin(txn.ModeSnapshot)
			defer a.Rollback()
			if _, err := eng.Exec(a, "INSERT INTO t (id, email) VALUES (1, 'x')"); err != nil {
				t.Fatal(err)
			}
			b := m.Begin(txn.ModeSnapshot)
			defer b.Rollback()
			if _, err := eng.Exec(b, "INSERT INTO t (id, email) VALUES (2, 'x')"); err != nil {
				t.Fatal(err)
			}
			if err := a.Commit(); err != nil {
				t.Fatal(err)
			}
			if err := b.Commit(); !errors.Is(err, c.want) {
				t.Fatalf("second commit: %v, want %v", err, c.want)
			}
			if _, err := db.run("INSERT INTO t (id, email) VALUES (2, 'x')"); !errors.Is(err, sem.ErrConstraint) {
				t.Fatalf("retry: %v, want a constraint error", err)
			}
			if got := db.mustRun("SELECT COUNT(*) AS n FROM t WHERE email = 'x'"); len(got.Rows) != 1 || got.Rows[0] != `{"n":1}` {
				t.Fatalf("rows with x: %v", got.Rows)
			}
		})
	}
}
