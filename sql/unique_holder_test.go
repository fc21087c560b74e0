package sql

import (
	"errors"
	"testing"

	"github.com/memflux/memflux/index"
	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/sql/sem"
	"github.com/memflux/memflux/txn"
)

// TestUniqueHolder: the UNIQUE check finds the holder of a value other than the row itself,
// whether the transaction has written no row of the table (the index answers with one
// point read) or has (the lookup merges the transaction's rows).
func TestUniqueHolder(t *testing.T) {
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
	}{
		{name: "held", raw: `"a"`, key: "t:1"},
		{name: "free", raw: `"z"`},
		{name: "self", raw: `"a"`, self: "t:1"},
		{name: "other table write", write: "u:1", raw: `"b"`, key: "t:2"},
		{name: "own row", write: "t:3", raw: `"c"`, key: "t:3"},
		{name: "own row, committed holder", write: "t:3", raw: `"a"`, key: "t:1"},
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
			key, found, err := u.holder(c.raw, c.self)
			if err != nil || found != (c.key != "") || key != c.key {
				t.Fatalf("holder = %q %v %v, want %q", key, found, err, c.key)
			}
		})
	}
}

// TestUniqueProbeRace: two transactions insert one value, each finding it free. Under
// serializable isolation the lookup is a read the commit validates, so the second commit
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
