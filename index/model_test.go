package index

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/txn"
)

// lenCompiler is a test ExprCompiler: "len(s)" is the byte length of member s when it is
// a string, NULL otherwise; "key" is the row key.
type lenCompiler struct{}

func (lenCompiler) CompileIndexExpr(_, expr string) (func(key, doc string) (jsondoc.Value, error), error) {
	switch expr {
	case "len(s)":
		return func(_, doc string) (jsondoc.Value, error) {
			raw, ok := jsondoc.Lookup(doc, "s")
			if !ok {
				return jsondoc.Null(), nil
			}
			if s, ok := jsondoc.Decode(raw).Str(); ok {
				return jsondoc.Int(int64(len(s))), nil
			}
			return jsondoc.Null(), nil
		}, nil
	case "key":
		return func(key, _ string) (jsondoc.Value, error) { return jsondoc.String(key), nil }, nil
	}
	return nil, fmt.Errorf("unknown expression %q", expr)
}

var modelValues = []string{
	`null`, `true`, `false`, `0`, `-0.0`, `1`, `1.0`, `2`, `2.5`, `-7`, `"1"`, `"2.0"`, `"x"`,
	`"xy"`, `""`, `[1]`, `{"k":1}`, `9007199254740993`,
}

func modelDoc(r *rand.Rand) string {
	if r.IntN(12) == 0 {
		return `"just a string"`
	}
	var m []string
	for _, f := range []string{"a", "b", "u", "s"} {
		if r.IntN(5) == 0 {
			continue
		}
		v := modelValues[r.IntN(len(modelValues))]
		if f == "u" {
			v = fmt.Sprintf(`"u%d"`, r.IntN(12))
		}
		m = append(m, fmt.Sprintf("%q:%s", f, v))
	}
	if r.IntN(3) == 0 {
		m = append(m, fmt.Sprintf(`"n":{"x":%s}`, modelValues[r.IntN(len(modelValues))]))
	}
	return "{" + strings.Join(m, ",") + "}"
}

// modelStep applies one random write to tx.
func modelWrite(t testing.TB, r *rand.Rand, tx *txn.Txn) {
	key := []byte(fmt.Sprintf("m:%02d", r.IntN(30)))
	if r.IntN(10) == 0 {
		key = []byte(fmt.Sprintf("o:%d", r.IntN(3))) // outside every prefix
	}
	if r.IntN(5) == 0 {
		tx.Delete(mvcc.Data, key)
		return
	}
	tx.Put(mvcc.Data, key, jsonValue(t, modelDoc(r)))
}

// uniqueFailures counts the commits refused by a unique index (the model logs it).
var uniqueFailures atomicCounter

// acceptable reports whether a commit error is an expected outcome of the model.
func acceptable(err error) bool {
	if isUnique(err) {
		uniqueFailures.add()
	}
	return err == nil || isUnique(err) || errors.Is(err, txn.ErrRetryable)
}

type atomicCounter struct{ n atomic.Int64 }

func (c *atomicCounter) add() { c.n.Add(1) }

// TestModel: random committed, rolled-back and concurrent transactions, savepoints,
// vacuum, and indexes created and dropped on the way; after every step every ready index
// visible at a fresh snapshot — and at older snapshots kept open — equals the index rebuilt
// from the rows of that snapshot, and unique indexes hold each value once.
func TestModel(t *testing.T) {
	seed := uint64(*seedFlag)
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (replay with -seed %d)", seed, seed)
	r := rand.New(rand.NewPCG(seed, 1))
	e := newEnv(t, &Options{SyncBuildLimit: 8, BatchSize: 5, Compiler: lenCompiler{}})
	steps := 400
	if *long {
		steps = 5000
	}
	defs := []Def{
		pathDef("ia", "m:*", false, "a"),
		pathDef("iab", "m:*", false, "a", "b"),
		pathDef("iu", "m:*", true, "u"),
		pathDef("inx", "m:*", false, "n.x"),
		{Name: "ilen", Prefix: "m:*", Columns: []Column{{Expr: "len(s)"}, {Path: "b"}}, Origin: OriginSQL},
		pathDef("iwide", "*", false, "b"),
	}
	e.create(defs[2]) // the unique index from the start, so that it stays defined a while
	var old []*txn.Txn
	defer func() {
		for _, tx := range old {
			tx.Rollback()
		}
	}()
	for step := range steps {
		switch k := r.IntN(20); {
		case k < 6: // auto-commit
			tx := e.txns.Begin(txn.ModeSnapshot)
			modelWrite(t, r, tx)
			if err := tx.Commit(); !acceptable(err) {
				t.Fatalf("step %d: %v", step, err)
			}
		case k < 10: // explicit transaction with savepoints
			tx := e.txns.Begin(txn.ModeSnapshot)
			for range 1 + r.IntN(5) {
				modelWrite(t, r, tx)
			}
			if err := tx.Savepoint("sp"); err != nil {
				t.Fatal(err)
			}
			for range r.IntN(4) {
				modelWrite(t, r, tx)
			}
			if r.IntN(2) == 0 {
				if err := tx.RollbackToSavepoint("sp"); err != nil {
					t.Fatal(err)
				}
			}
			if r.IntN(4) == 0 {
				tx.Rollback()
			} else if err := tx.Commit(); !acceptable(err) {
				t.Fatalf("step %d: %v", step, err)
			}
		case k < 13: // interleaved transactions
			a, b := e.txns.Begin(txn.ModeSnapshot), e.txns.Begin(txn.ModeSnapshot)
			for range 3 {
				modelWrite(t, r, a)
				modelWrite(t, r, b)
			}
			for _, tx := range []*txn.Txn{a, b} {
				if err := tx.Commit(); !acceptable(err) {
					t.Fatalf("step %d: %v", step, err)
				}
			}
		case k < 14:
			e.txns.VacuumBackground()
		case k < 16: // create or drop an index, online or inside a transaction
			d := defs[r.IntN(len(defs))]
			tx := e.txns.Begin(txn.ModeSnapshot)
			if _, err := e.idx.Get(tx, d.Name); err == nil {
				tx.Rollback()
				if r.IntN(2) == 0 {
					if _, err := e.idx.DropOnline(d.Name); err != nil {
						t.Fatal(err)
					}
				} else {
					tx = e.txns.Begin(txn.ModeSnapshot)
					e.idx.Drop(tx, d.Name)
					modelWrite(t, r, tx)
					if err := tx.Commit(); !acceptable(err) {
						t.Fatal(err)
					}
				}
				break
			}
			if r.IntN(2) == 0 {
				tx.Rollback()
				_, err := e.idx.CreateOnline(context.Background(), d)
				if err != nil && !isUnique(err) {
					t.Fatalf("step %d: create %s: %v", step, d.Name, err)
				}
			} else {
				modelWrite(t, r, tx)
				if _, err := e.idx.Create(tx, d); err != nil {
					t.Fatal(err)
				}
				modelWrite(t, r, tx)
				if err := tx.Commit(); !acceptable(err) {
					t.Fatalf("step %d: %v", step, err)
				}
			}
		case k < 17: // keep a snapshot for later checks
			old = append(old, e.txns.Begin(txn.ModeSnapshot))
			if len(old) > 4 {
				old[0].Rollback()
				old = old[1:]
			}
		default:
			waitIdle(t, e)
		}
		now := e.txns.Begin(txn.ModeSnapshot)
		checkIndexes(t, e.idx, now)
		checkUnique(t, e.idx, now)
		now.Rollback()
		for _, tx := range old {
			checkIndexes(t, e.idx, tx)
		}
	}
	t.Logf("%d commits refused by unique indexes so far", uniqueFailures.n.Load())
}

// checkUnique verifies that no two rows visible to tx hold one value of a ready unique
// index, and that Lookup finds each row by its value.
func checkUnique(t testing.TB, m *Manager, tx *txn.Txn) {
	t.Helper()
	for _, def := range m.List(tx) {
		if !def.Unique || !def.Ready() {
			continue
		}
		if err := m.FindDuplicate(tx, *def); err != nil {
			t.Fatalf("unique index %s holds a duplicate: %v", def.Name, err)
		}
		cp, _ := compile(def, m.compiler())
		tx.ScanPrefix(mvcc.Data, []byte(def.KeyPrefix()), func(k []byte, v valueT) bool {
			vals := cp.valuesOf(string(k), v)
			if vals[0].IsNull() {
				return true
			}
			keys, err := m.Lookup(tx, def.Name, vals...)
			if err != nil || len(keys) != 1 || keys[0] != string(k) {
				t.Fatalf("Lookup(%s, %s) = %v, %v; want [%s]", def.Name, vals[0].String(), keys, err, k)
			}
			return true
		})
	}
}

// TestConcurrentModel: writers, index creation and drops run concurrently with readers
// that check every ready index at their snapshot. Run with -race.
func TestConcurrentModel(t *testing.T) {
	seed := uint64(*seedFlag)
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d", seed)
	e := newEnv(t, &Options{SyncBuildLimit: 6, BatchSize: 4})
	ops := 150
	if *long {
		ops = 3000
	}
	var wg sync.WaitGroup
	var stop sync.WaitGroup
	done := make(chan struct{})
	for w := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(seed, uint64(w)))
			for range ops {
				tx := e.txns.Begin(txn.ModeSnapshot)
				for range 1 + r.IntN(3) {
					modelWrite(t, r, tx)
				}
				if err := tx.Commit(); !acceptable(err) {
					t.Errorf("commit: %v", err)
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		r := rand.New(rand.NewPCG(seed, 99))
		for i := range 12 {
			d := pathDef(fmt.Sprintf("c%d", i%4), "m:*", r.IntN(3) == 0, []string{"a", "b", "u"}[r.IntN(3)])
			if _, err := e.idx.CreateOnline(context.Background(), d); err != nil && !isUnique(err) && !errors.Is(err, ErrExists) && !errors.Is(err, ErrPathExists) {
				t.Errorf("create: %v", err)
			}
			if r.IntN(2) == 0 {
				if _, err := e.idx.DropOnline(d.Name); err != nil {
					t.Errorf("drop: %v", err)
				}
			}
		}
	}()
	stop.Add(2)
	for range 2 {
		go func() {
			defer stop.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				tx := e.txns.Begin(txn.ModeSnapshot)
				err := indexMismatch(e.idx, tx)
				tx.Rollback()
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(done)
	stop.Wait()
	waitIdle(t, e)
	tx := e.txns.Begin(txn.ModeSnapshot)
	defer tx.Rollback()
	checkIndexes(t, e.idx, tx)
	checkUnique(t, e.idx, tx)
}
