package sql

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/memflux/memflux/index"
	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/txn"
)

// raceDB is a store, a manager of one isolation level and an engine, with the two ways a
// session runs a statement: auto-committed (retried on retryable commit failures, as
// command.Session does) and inside an explicit transaction.
type raceDB struct {
	m   *txn.Manager
	eng *Engine
}

// newRaceDB returns a database of the isolation level; with indexes, UNIQUE constraints
// are backed by unique indexes of package index (as in a full database), else by the
// engine's scan and guard keys.
func newRaceDB(t *testing.T, iso txn.Isolation, indexes bool) *raceDB {
	db := &raceDB{m: txn.NewManager(mvcc.NewStore(), txn.Options{Isolation: iso}), eng: New(nil)}
	if indexes {
		m := index.New(db.m, nil)
		m.Start()
		t.Cleanup(m.Close)
		db.eng.SetIndexes(m)
	}
	return db
}

// raceConfigs are the isolation levels and index settings the race tests run under.
var raceConfigs = []struct {
	iso     txn.Isolation
	indexes bool
}{{txn.Serializable, true}, {txn.Snapshot, true}, {txn.Serializable, false}, {txn.Snapshot, false}}

func raceName(iso txn.Isolation, indexes bool) string {
	if indexes {
		return iso.String() + "/index"
	}
	return iso.String() + "/scan"
}

// auto runs one auto-committed statement.
func (db *raceDB) auto(q string) (Result, error) {
	for attempt := 0; ; attempt++ {
		tx := db.m.Begin(txn.ModeSnapshot)
		res, err := db.eng.Exec(tx, q)
		if err != nil {
			tx.Rollback()
			return res, err
		}
		err = tx.Commit()
		if err == nil || !errors.Is(err, txn.ErrRetryable) || attempt >= 1000 {
			return res, err
		}
	}
}

// explicit runs statements in one transaction, yielding between them, and commits; a
// statement error rolls the transaction back.
func (db *raceDB) explicit(rng *rand.Rand, qs ...string) error {
	tx := db.m.Begin(txn.ModeSnapshot)
	for _, q := range qs {
		if rng.IntN(2) == 0 {
			runtime.Gosched()
		}
		if _, err := db.eng.Exec(tx, q); err != nil {
			tx.Rollback()
			return err
		}
	}
	if rng.IntN(2) == 0 {
		time.Sleep(time.Duration(rng.IntN(50)) * time.Microsecond)
	}
	return tx.Commit()
}

func (db *raceDB) mustAuto(t *testing.T, q string) Result {
	t.Helper()
	res, err := db.auto(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return res
}

// race runs the two functions at the same moment.
func race(a, b func()) {
	var start, done sync.WaitGroup
	start.Add(1)
	done.Add(2)
	for _, fn := range []func(){a, b} {
		go func() {
			defer done.Done()
			start.Wait()
			fn()
		}()
	}
	start.Done()
	done.Wait()
}

func raceSeed(t *testing.T) uint64 {
	seed := uint64(*seedFlag)
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (rerun with -seed)", seed)
	return seed
}

func raceRounds() int {
	if *long {
		return 2000
	}
	return 150
}

// TestUniqueRace races two sessions inserting rows with the same UNIQUE value (different
// keys), each auto-committed or in an explicit transaction at random: exactly one row with
// the value must exist afterwards, under both isolation levels.
func TestUniqueRace(t *testing.T) {
	seed := raceSeed(t)
	for _, cfg := range raceConfigs {
		t.Run(raceName(cfg.iso, cfg.indexes), func(t *testing.T) {
			db := newRaceDB(t, cfg.iso, cfg.indexes)
			db.mustAuto(t, "CREATE TABLE u (id INTEGER PRIMARY KEY, email TEXT UNIQUE)")
			rng := rand.New(rand.NewPCG(seed, uint64(cfg.iso)))
			for round := range raceRounds() {
				email := fmt.Sprintf("e%d", round)
				var errs [2]error
				var explicit [2]bool
				ins := func(side int) func() {
					r := rand.New(rand.NewPCG(rng.Uint64(), uint64(side)))
					q := fmt.Sprintf("INSERT INTO u (id, email) VALUES (%d, '%s')", 2*round+side, email)
					explicit[side] = r.IntN(2) == 0
					return func() {
						if explicit[side] {
							errs[side] = db.explicit(r, "SELECT COUNT(*) FROM u WHERE id < 0", q)
						} else {
							_, errs[side] = db.auto(q)
						}
					}
				}
				race(ins(0), ins(1))
				// Every statement that reported success committed its row, and at
				// most one did. An auto-committed statement retries until it
				// commits or sees the other row, so when one side auto-commits
				// exactly one succeeds; two explicit transactions may both abort
				// under serializable isolation (a concurrent commit, such as the
				// index build finishing, changed what they read).
				ok := 0
				for side, err := range errs {
					switch {
					case err == nil:
						ok++
					case !errors.Is(err, ErrConstraint) && !errors.Is(err, txn.ErrRetryable) && !errors.Is(err, index.ErrUnique):
						t.Fatalf("round %d: unexpected error %v", round, err)
					case !explicit[side] && errors.Is(err, txn.ErrRetryable):
						t.Fatalf("round %d: auto-committed statement gave up: %v", round, err)
					}
				}
				res := db.mustAuto(t, fmt.Sprintf("SELECT COUNT(*) FROM u WHERE email = '%s'", email))
				want := fmt.Sprintf(`{"COUNT(*)":%d}`, ok)
				if got := res.Rows[0]; got != want || ok > 1 || (ok == 0 && (!explicit[0] || !explicit[1])) {
					t.Fatalf("round %d: %s rows hold %s, %d inserts succeeded (errors %v, %v)", round, got, email, ok, errs[0], errs[1])
				}
			}
		})
	}
}

// TestForeignKeyRace races deleting a parent row against inserting a child row that
// references it: afterwards no child may reference a missing parent, under both isolation
// levels, with NO ACTION and with CASCADE.
func TestForeignKeyRace(t *testing.T) {
	seed := raceSeed(t)
	for _, cfg := range raceConfigs {
		iso := cfg.iso
		for _, action := range []string{"NO ACTION", "CASCADE"} {
			t.Run(raceName(iso, cfg.indexes)+"/"+action, func(t *testing.T) {
				db := newRaceDB(t, iso, cfg.indexes)
				db.mustAuto(t, "CREATE TABLE p (id INTEGER PRIMARY KEY)")
				db.mustAuto(t, "CREATE TABLE c (id INTEGER PRIMARY KEY, pid INTEGER REFERENCES p (id) ON DELETE "+action+")")
				rng := rand.New(rand.NewPCG(seed, uint64(iso)+7))
				for round := range raceRounds() {
					db.mustAuto(t, fmt.Sprintf("INSERT INTO p (id) VALUES (%d)", round))
					r0 := rand.New(rand.NewPCG(rng.Uint64(), 0))
					r1 := rand.New(rand.NewPCG(rng.Uint64(), 1))
					del := fmt.Sprintf("DELETE FROM p WHERE id = %d", round)
					ins := fmt.Sprintf("INSERT INTO c (id, pid) VALUES (%d, %d)", round, round)
					var errs [2]error
					race(func() {
						if r0.IntN(2) == 0 {
							errs[0] = db.explicit(r0, "SELECT COUNT(*) FROM c WHERE id < 0", del)
						} else {
							_, errs[0] = db.auto(del)
						}
					}, func() {
						if r1.IntN(2) == 0 {
							errs[1] = db.explicit(r1, "SELECT COUNT(*) FROM p WHERE id < 0", ins)
						} else {
							_, errs[1] = db.auto(ins)
						}
					})
					res := db.mustAuto(t, "SELECT COUNT(*) FROM c WHERE pid NOT IN (SELECT id FROM p)")
					if got := res.Rows[0]; got != `{"COUNT(*)":0}` {
						t.Fatalf("round %d: orphan children: %s (errors %v, %v)", round, got, errs[0], errs[1])
					}
				}
			})
		}
	}
}
