package index

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/txn"
	"github.com/memflux/memflux/value"
)

// TestMaintenance: entries follow inserts, updates and deletes, each snapshot sees the
// entries of its own state, and rolled-back writes leave no entry.
func TestMaintenance(t *testing.T) {
	e := newEnv(t, nil)
	e.mustSet("u:1", `{"age":30,"name":"a"}`)
	def := e.create(pathDef("age", "u:*", false, "age"))
	if !def.Ready() && e.idx.reg.byID(def.ID).def.State != StateReady {
		t.Fatal("small index not ready after CreateOnline")
	}
	e.mustSet("u:2", `{"age":"30"}`)
	e.mustSet("u:3", `{"name":"no age"}`)
	e.mustSet("x:1", `{"age":30}`) // outside the prefix
	old := e.txns.Begin(txn.ModeSnapshot)
	defer old.Rollback()
	e.mustSet("u:1", `{"age":31}`)
	e.mustSet("u:3", "")
	rb := e.txns.Begin(txn.ModeSnapshot)
	rb.Put(mvcc.Data, []byte("u:9"), jsonValue(t, `{"age":9}`))
	rb.Rollback()
	now := e.txns.Begin(txn.ModeSnapshot)
	defer now.Rollback()
	checkIndexes(t, e.idx, old)
	checkIndexes(t, e.idx, now)
	if n := len(entriesAt(now, def)); n != 3 { // u:1, u:2 and its shadow
		t.Errorf("%d entries, want 3: %v", n, entriesAt(now, def))
	}
	st := e.idx.Stats(def.ID)
	if st.Rows() != 2 {
		t.Errorf("Stats.Rows = %d, want 2", st.Rows())
	}
}

// TestUnique: a unique index refuses a second row with the same value, whether committed
// before or racing; NULLs and differently written numbers never conflict; a value may move
// between rows in one commit.
func TestUnique(t *testing.T) {
	e := newEnv(t, nil)
	def := e.create(pathDef("email", "u:*", true, "email"))
	e.mustSet("u:1", `{"email":"a@x"}`)
	err := e.set("u:2", `{"email":"a@x"}`)
	var ue *UniqueError
	if !errors.As(err, &ue) || ue.Index != "email" || ue.Other != "u:1" || ue.Key != "u:2" {
		t.Fatalf("duplicate insert: %v", err)
	}
	if got := err.Error(); got != "UNIQUE constraint 'email' failed for column 'email'" {
		t.Errorf("message %q", got)
	}
	e.mustSet("u:3", `{"email":null}`)
	e.mustSet("u:4", `{"other":1}`)
	e.mustSet("u:5", `{"email":1}`)
	e.mustSet("u:6", `{"email":1.0}`)
	e.mustSet("u:7", `{"email":"1"}`)
	e.mustSet("u:1", `{"email":"a@x","v":2}`) // same value, same row
	// Swap values between two rows in one transaction.
	e.mustSet("u:8", `{"email":"b@x"}`)
	tx := e.txns.Begin(txn.ModeSnapshot)
	tx.Put(mvcc.Data, []byte("u:1"), jsonValue(t, `{"email":"b@x"}`))
	tx.Put(mvcc.Data, []byte("u:8"), jsonValue(t, `{"email":"a@x"}`))
	if err := tx.Commit(); err != nil {
		t.Fatalf("swap: %v", err)
	}
	// Two rows of one transaction with the same value.
	tx = e.txns.Begin(txn.ModeSnapshot)
	tx.Put(mvcc.Data, []byte("u:10"), jsonValue(t, `{"email":"c@x"}`))
	tx.Put(mvcc.Data, []byte("u:11"), jsonValue(t, `{"email":"c@x"}`))
	if err := tx.Commit(); !isUnique(err) {
		t.Fatalf("two rows, one value: %v", err)
	}
	ro := e.txns.Begin(txn.ModeSnapshot)
	defer ro.Rollback()
	checkIndexes(t, e.idx, ro)
	keys, err := e.idx.Lookup(ro, def.Name, jsondoc.String("a@x"))
	if err != nil || !slices.Equal(keys, []string{"u:8"}) {
		t.Errorf("Lookup = %v, %v", keys, err)
	}
	if d := e.idx.UniqueFor(ro, "u", "email"); d == nil || d.Name != "email" {
		t.Errorf("UniqueFor = %v", d)
	}
	if d := e.idx.UniqueFor(ro, "u", "name"); d != nil {
		t.Errorf("UniqueFor(name) = %v", d)
	}
}

// TestUniqueRace: of many transactions inserting the same value concurrently, exactly one
// commits; the others fail with a UniqueError (or a retryable conflict). Run with -race.
func TestUniqueRace(t *testing.T) {
	e := newEnv(t, nil)
	e.create(pathDef("email", "u:*", true, "email"))
	for round := range 20 {
		const n = 6
		var wg sync.WaitGroup
		var mu sync.Mutex
		won, lost := 0, 0
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				tx := e.txns.Begin(txn.ModeSnapshot)
				tx.Put(mvcc.Data, fmt.Appendf(nil, "u:%d:%d", round, i), jsonValue(t, fmt.Sprintf(`{"email":"r%d"}`, round)))
				<-start
				err := tx.Commit()
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					won++
				case isUnique(err):
					lost++
				default:
					t.Errorf("commit: %v", err)
				}
			}()
		}
		close(start)
		wg.Wait()
		if won != 1 || lost != n-1 {
			t.Fatalf("round %d: %d commits, %d unique failures; want 1, %d", round, won, lost, n-1)
		}
	}
}

// TestLookupOwnWrites: Lookup merges the transaction's pending writes over its snapshot,
// and scans the table while the index cannot be read.
func TestLookupOwnWrites(t *testing.T) {
	e := newEnv(t, nil)
	e.create(pathDef("age", "u:*", false, "age"))
	e.mustSet("u:1", `{"age":30}`)
	e.mustSet("u:2", `{"age":30}`)
	tx := e.txns.Begin(txn.ModeSnapshot)
	defer tx.Rollback()
	tx.Put(mvcc.Data, []byte("u:3"), jsonValue(t, `{"age":30}`))
	tx.Put(mvcc.Data, []byte("u:1"), jsonValue(t, `{"age":31}`))
	tx.Delete(mvcc.Data, []byte("u:2"))
	got, err := e.idx.Lookup(tx, "age", jsondoc.Int(30))
	if err != nil || !slices.Equal(got, []string{"u:3"}) {
		t.Errorf("Lookup(30) = %v, %v; want [u:3]", got, err)
	}
	got, _ = e.idx.Lookup(tx, "age", jsondoc.Int(31))
	if !slices.Equal(got, []string{"u:1"}) {
		t.Errorf("Lookup(31) = %v", got)
	}
	if got, _ := e.idx.Lookup(tx, "age", jsondoc.Null()); got != nil {
		t.Errorf("Lookup(NULL) = %v", got)
	}
	if _, err := e.idx.Lookup(tx, "nope", jsondoc.Int(1)); !errors.Is(err, ErrNotFound) {
		t.Errorf("Lookup of a missing index: %v", err)
	}
	// An index created by the transaction itself is answered by a scan.
	age2 := pathDef("age2", "u:*", false, "age")
	age2.Origin = OriginSQL
	if _, err := e.idx.Create(tx, age2); err != nil {
		t.Fatal(err)
	}
	got, _ = e.idx.Lookup(tx, "age2", jsondoc.Int(30))
	if !slices.Equal(got, []string{"u:3"}) {
		t.Errorf("Lookup on an uncommitted index = %v", got)
	}
}

// TestDefinitions: names, duplicate paths, prefixes, transactional create and drop.
func TestDefinitions(t *testing.T) {
	e := newEnv(t, nil)
	e.create(pathDef("a", "u:*", false, "age"))
	ctx := context.Background()
	if _, err := e.idx.CreateOnline(ctx, pathDef("a", "v:*", false, "x")); !errors.Is(err, ErrExists) {
		t.Errorf("same name: %v", err)
	}
	if _, err := e.idx.CreateOnline(ctx, pathDef("b", "u:*", false, "age")); !errors.Is(err, ErrPathExists) {
		t.Errorf("same prefix and path: %v", err)
	}
	if _, err := e.idx.CreateOnline(ctx, pathDef("b", "u:", false, "age")); !errors.Is(err, ErrPrefix) {
		t.Errorf("bad prefix: %v", err)
	}
	sqlDef := pathDef("c", "u:*", false, "age")
	sqlDef.Origin = OriginSQL
	e.create(sqlDef) // SQL indexes may duplicate a path
	tx := e.txns.Begin(txn.ModeSnapshot)
	if _, err := e.idx.Create(tx, pathDef("d", "u:*", false, "name")); err != nil {
		t.Fatal(err)
	}
	if !e.idx.Drop(tx, "a") {
		t.Fatal("Drop(a) = false")
	}
	other := e.txns.Begin(txn.ModeSnapshot)
	names := func(tx *txn.Txn) []string {
		var out []string
		for _, d := range e.idx.List(tx) {
			out = append(out, d.DisplayName())
		}
		return out
	}
	if got := names(tx); !slices.Equal(got, []string{"c", "u:*|name"}) {
		t.Errorf("in tx: %v", got)
	}
	if got := names(other); !slices.Equal(got, []string{"u:*|age", "c"}) {
		t.Errorf("outside tx: %v", got)
	}
	other.Rollback()
	tx.Rollback()
	if ok, err := e.idx.DropOnline("a"); !ok || err != nil {
		t.Errorf("DropOnline(a) = %v, %v", ok, err)
	}
	if ok, _ := e.idx.DropOnline("a"); ok {
		t.Error("second DropOnline(a) = true")
	}
}

// TestBackgroundBuild: an index over more rows than SyncBuildLimit is built in batches
// while a writer keeps changing rows; once ready it equals its rebuild. Dropping it removes
// its entries in batches.
func TestBackgroundBuild(t *testing.T) {
	e := newEnv(t, &Options{SyncBuildLimit: 10, BatchSize: 7})
	for i := range 300 {
		e.mustSet(fmt.Sprintf("u:%03d", i), fmt.Sprintf(`{"n":%d}`, i%17))
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			k := fmt.Sprintf("u:%03d", (i*7)%320)
			if i%5 == 0 {
				_ = e.set(k, "")
			} else {
				_ = e.set(k, fmt.Sprintf(`{"n":%d}`, i%23))
			}
		}
	}()
	def := e.create(pathDef("n", "u:*", false, "n"))
	close(stop)
	wg.Wait()
	tx := e.txns.Begin(txn.ModeSnapshot)
	checkIndexes(t, e.idx, tx)
	if len(entriesAt(tx, def)) == 0 {
		t.Fatal("no entries")
	}
	tx.Rollback()
	if ok, err := e.idx.DropOnline("n"); !ok || err != nil {
		t.Fatalf("drop: %v %v", ok, err)
	}
	waitIdle(t, e) // the background cleanup
	tx = e.txns.Begin(txn.ModeSnapshot)
	defer tx.Rollback()
	if n := len(entriesAt(tx, def)); n != 0 {
		t.Fatalf("%d entries left after drop", n)
	}
}

// TestBuildFailsOnDuplicates: a unique index over duplicate values is not created, inline
// or in the background.
func TestBuildFailsOnDuplicates(t *testing.T) {
	for _, limit := range []int{DefaultSyncBuildLimit, 5} {
		e := newEnv(t, &Options{SyncBuildLimit: limit, BatchSize: 3})
		for i := range 20 {
			e.mustSet(fmt.Sprintf("u:%02d", i), fmt.Sprintf(`{"v":%d}`, i))
		}
		e.mustSet("u:99", `{"v":7}`)
		_, err := e.idx.CreateOnline(context.Background(), pathDef("v", "u:*", true, "v"))
		var ue *UniqueError
		if !errors.As(err, &ue) || !ue.Build {
			t.Fatalf("limit %d: create over duplicates: %v", limit, err)
		}
		if got := ue.Error(); got != "Failed to create unique index: duplicate value 7 in column 'v'" {
			t.Errorf("message %q", got)
		}
		tx := e.txns.Begin(txn.ModeSnapshot)
		if d, err := e.idx.Get(tx, "v"); err == nil {
			t.Errorf("limit %d: failed index still defined: %+v", limit, d)
		}
		tx.Rollback()
	}
}

// TestReplay: replaying the log into an empty store rebuilds the same entries, including
// those of background batches, and the registry.
func TestReplay(t *testing.T) {
	e := newEnv(t, &Options{SyncBuildLimit: 10, BatchSize: 4})
	for i := range 40 {
		e.mustSet(fmt.Sprintf("u:%02d", i), fmt.Sprintf(`{"n":%d,"s":"%d"}`, i%5, i))
	}
	e.create(pathDef("n", "u:*", false, "n"))
	e.create(pathDef("s", "u:*", true, "s"))
	e.mustSet("u:01", `{"n":"x"}`)
	e.mustSet("u:02", "")
	small := e.create(pathDef("small", "v:*", false, "a", "b"))
	e.mustSet("v:1", `{"a":1,"b":"2"}`)
	if _, err := e.idx.DropOnline("n"); err != nil {
		t.Fatal(err)
	}
	waitIdle(t, e)
	txns := txn.NewManager(mvcc.NewStore(), txn.Options{})
	m := New(txns, nil)
	for _, r := range e.log.recs {
		if err := txns.Apply(r.ts, r.rec); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := dumpStore(txns), dumpStore(e.txns); got != want {
		t.Fatalf("replayed store differs:\n%s\nwant\n%s", got, want)
	}
	m.Start()
	defer m.Close()
	tx := txns.Begin(txn.ModeSnapshot)
	defer tx.Rollback()
	checkIndexes(t, m, tx)
	if l := m.reg.byID(small.ID); l == nil || l.def.State != StateReady {
		t.Errorf("registry after replay: %+v", l)
	}
}

// waitIdle waits until the background worker has no job queued or running. It fails the
// test after 10 seconds.
func waitIdle(t testing.TB, e *env) {
	t.Helper()
	m := e.idx
	timedOut := false
	timer := time.AfterFunc(10*time.Second, func() {
		m.jobsMu.Lock()
		timedOut = true
		m.idle.Broadcast()
		m.jobsMu.Unlock()
	})
	defer timer.Stop()
	m.jobsMu.Lock()
	defer m.jobsMu.Unlock()
	for (m.busy || len(m.jobs) > 0) && !timedOut {
		m.idle.Wait()
	}
	if timedOut {
		t.Fatal("background jobs did not finish within 10s")
	}
}

// dumpStore renders the newest state of every space.
func dumpStore(m *txn.Manager) string {
	tx := m.Begin(txn.ModeSnapshot)
	defer tx.Rollback()
	out := ""
	for sp := mvcc.Space(0); sp < mvcc.NumSpaces; sp++ {
		tx.ScanPrefix(sp, nil, func(k []byte, v value.Value) bool {
			out += fmt.Sprintf("%d %q=%q\n", sp, k, v.Str())
			return true
		})
	}
	return out
}

// TestResumeBuild: an index still building when its Manager stops is built by the next
// Manager over the same log, from the definition alone.
func TestResumeBuild(t *testing.T) {
	log := &memLog{}
	txns := txn.NewManager(mvcc.NewStore(), txn.Options{Log: log})
	m := New(txns, &Options{SyncBuildLimit: 5, BatchSize: 3})
	// Not started: nothing runs the backfill.
	tx := txns.Begin(txn.ModeSnapshot)
	for i := range 50 {
		tx.Put(mvcc.Data, fmt.Appendf(nil, "r:%02d", i), jsonValue(t, fmt.Sprintf(`{"v":%d}`, i%7)))
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	tx = txns.Begin(txn.ModeSnapshot)
	def, err := m.Create(tx, pathDef("v", "r:*", false, "v"))
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	tx = txns.Begin(txn.ModeSnapshot)
	if d, _ := m.Get(tx, "v"); d.Ready() || m.Usable(tx, d) {
		t.Fatalf("index over 50 rows ready without a backfill: %+v", d)
	}
	tx.Rollback()
	m.Close()

	txns2 := txn.NewManager(mvcc.NewStore(), txn.Options{})
	m2 := New(txns2, &Options{SyncBuildLimit: 5, BatchSize: 3})
	for _, r := range log.recs {
		if err := txns2.Apply(r.ts, r.rec); err != nil {
			t.Fatal(err)
		}
	}
	m2.Start()
	defer m2.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := m2.WaitReady(ctx, def.ID); err != nil {
		t.Fatal(err)
	}
	tx = txns2.Begin(txn.ModeSnapshot)
	defer tx.Rollback()
	checkIndexes(t, m2, tx)
	if n := len(entriesAt(tx, def)); n != 50 {
		t.Errorf("%d entries, want 50", n)
	}
}
