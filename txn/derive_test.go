package txn_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/txn"
	"github.com/memflux/memflux/value"
)

// mirror derives, for every Data key "d:<k>", the Index key "m:<value>:<k>" (a toy
// index), refuses values "bad" unless replaying, and renames a Meta write "meta" to the
// value "rewritten" in place.
type mirror struct {
	calls   int
	replays int
}

var errBad = errors.New("bad value")

func (m *mirror) Derive(d *txn.Derivation) error {
	m.calls++
	if d.Replay() {
		m.replays++
	}
	for i := range d.Len() {
		sp, key, v := d.Write(i)
		if sp == mvcc.Meta && key == "meta" {
			d.Put(mvcc.Meta, []byte(key), value.Bytes("rewritten"))
			continue
		}
		if sp != mvcc.Data || !strings.HasPrefix(key, "d:") {
			continue
		}
		if v.Str() == "bad" && !d.Replay() {
			return errBad
		}
		old := d.HeadString(mvcc.Data, key)
		if old.Exists() {
			d.Put(mvcc.Index, []byte("m:"+old.Str()+":"+key[2:]), value.Value{})
		}
		if v.Exists() {
			d.Put(mvcc.Index, []byte("m:"+v.Str()+":"+key[2:]), value.Bytes(""))
		}
	}
	return nil
}

func indexKeys(tx *txn.Txn) string {
	var keys []string
	tx.ScanPrefix(mvcc.Index, []byte("m:"), func(k []byte, _ value.Value) bool {
		keys = append(keys, string(k))
		return true
	})
	return strings.Join(keys, " ")
}

// TestDeriver: derived writes are installed with the commit, at its timestamp, computed
// from the committed state it replaces; a Deriver error aborts the whole commit; replay
// recomputes the derived writes from the log's records alone.
func TestDeriver(t *testing.T) {
	log := &memLog{}
	der := &mirror{}
	m := txn.NewManager(mvcc.NewStore(), txn.Options{Log: log, Deriver: der})
	put := func(kv ...string) error {
		tx := m.Begin(txn.ModeSnapshot)
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == "" {
				tx.Delete(mvcc.Data, []byte(kv[i]))
			} else {
				tx.Put(mvcc.Data, []byte(kv[i]), value.Bytes(kv[i+1]))
			}
		}
		return tx.Commit()
	}
	if err := put("d:1", "a", "d:2", "b", "x", "ignored"); err != nil {
		t.Fatal(err)
	}
	old := m.Begin(txn.ModeSnapshot)
	if err := put("d:1", "c", "d:2", ""); err != nil {
		t.Fatal(err)
	}
	now := m.Begin(txn.ModeSnapshot)
	if got, want := indexKeys(old), "m:a:1 m:b:2"; got != want {
		t.Errorf("old snapshot sees %q, want %q", got, want)
	}
	if got, want := indexKeys(now), "m:c:1"; got != want {
		t.Errorf("new snapshot sees %q, want %q", got, want)
	}
	old.Rollback()
	now.Rollback()

	// An error aborts everything, including the non-derived writes.
	if err := put("d:3", "ok", "d:4", "bad"); !errors.Is(err, errBad) {
		t.Fatalf("commit = %v, want errBad", err)
	}
	tx := m.Begin(txn.ModeSnapshot)
	if tx.Get(mvcc.Data, []byte("d:3")).Exists() || indexKeys(tx) != "m:c:1" {
		t.Errorf("aborted commit left writes: %q", indexKeys(tx))
	}
	tx.Rollback()

	// A Meta write replaced in place is installed (once) with the replacement.
	tx = m.Begin(txn.ModeSnapshot)
	tx.Put(mvcc.Meta, []byte("meta"), value.Bytes("original"))
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	tx = m.Begin(txn.ModeSnapshot)
	if got := tx.Get(mvcc.Meta, []byte("meta")).Str(); got != "rewritten" {
		t.Errorf("meta = %q, want rewritten", got)
	}
	tx.Rollback()

	// CommitWith: reads and writes under the lock, logged and derived like a commit.
	err := m.CommitWith(func(d *txn.Derivation) error {
		if v := d.Head(mvcc.Data, []byte("d:1")); v.Str() != "c" {
			t.Errorf("Head(d:1) = %q, want c", v.Str())
		}
		d.Put(mvcc.Data, []byte("d:5"), value.Bytes("e"))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.CommitWith(func(d *txn.Derivation) error { return errBad }); !errors.Is(err, errBad) {
		t.Fatalf("CommitWith = %v, want errBad", err)
	}

	// Replay: the log holds no derived write, yet the replayed store is identical.
	for _, r := range log.recs {
		if strings.Contains(string(r.rec), "m:") {
			t.Fatalf("derived write logged: %q", r.rec)
		}
	}
	rder := &mirror{}
	replayed := txn.NewManager(mvcc.NewStore(), txn.Options{Deriver: rder})
	for _, r := range log.recs {
		if err := replayed.Apply(r.ts, r.rec); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := dump(replayed), dump(m); got != want {
		t.Fatalf("replayed store:\n%s\nwant:\n%s", got, want)
	}
	if rder.replays != len(log.recs) {
		t.Errorf("replays = %d, want %d", rder.replays, len(log.recs))
	}
}

// TestOwnWrites: the iterator lists buffered writes under a prefix in key order, deletions
// included, and follows rollbacks to marks.
func TestOwnWrites(t *testing.T) {
	m := newManager(txn.Serializable)
	set(t, m, "t:0", "committed")
	tx := m.Begin(txn.ModeSnapshot)
	defer tx.Rollback()
	tx.Put(mvcc.Data, []byte("t:2"), value.Bytes("b"))
	tx.Put(mvcc.Data, []byte("u:1"), value.Bytes("other"))
	mark := tx.Mark()
	tx.Put(mvcc.Data, []byte("t:1"), value.Bytes("a"))
	tx.Delete(mvcc.Data, []byte("t:0"))
	list := func() string {
		var out []string
		tx.OwnWrites(mvcc.Data, []byte("t:"), func(k []byte, v value.Value) bool {
			out = append(out, string(k)+"="+v.Str())
			return true
		})
		return strings.Join(out, " ")
	}
	if got, want := list(), "t:0= t:1=a t:2=b"; got != want {
		t.Errorf("OwnWrites = %q, want %q", got, want)
	}
	if !tx.HasOwnWrites(mvcc.Data, []byte("t:")) || tx.HasOwnWrites(mvcc.Data, []byte("v:")) {
		t.Error("HasOwnWrites wrong")
	}
	tx.RollbackToMark(mark)
	if got, want := list(), "t:2=b"; got != want {
		t.Errorf("after rollback OwnWrites = %q, want %q", got, want)
	}
}

// countingObserver counts installs and resets.
type countingObserver struct{ installs, resets int }

func (o *countingObserver) Installed(mvcc.Space, []byte, *mvcc.Chain, *mvcc.Version, value.Value) {
	o.installs++
}
func (o *countingObserver) Reset() { o.resets++ }

// TestObservers: every observer sees every install and reset; a removed one nothing more.
func TestObservers(t *testing.T) {
	a, b := &countingObserver{}, &countingObserver{}
	m := txn.NewManager(mvcc.NewStore(), txn.Options{Observer: a, Deriver: &mirror{}})
	m.AddObserver(b)
	set(t, m, "d:1", "x") // one write plus one derived
	if a.installs != 2 || b.installs != 2 {
		t.Errorf("installs = %d, %d; want 2, 2", a.installs, b.installs)
	}
	m.WithCommitLock(func([]uint64) { m.RemoveObserver(a) })
	if err := m.Reset(); err != nil {
		t.Fatal(err)
	}
	set(t, m, "y", "x")
	if a.installs != 2 || a.resets != 0 || b.installs != 3 || b.resets != 1 {
		t.Errorf("a = %+v, b = %+v", *a, *b)
	}
}

// panicker is a Deriver that panics on the value "panic".
type panicker struct{}

func (panicker) Derive(d *txn.Derivation) error {
	for i := range d.Len() {
		if _, _, v := d.Write(i); v.Str() == "panic" {
			panic("deriver bug")
		}
	}
	return nil
}

// TestPanicReleasesCommitLock: a panic under the commit lock (in a Deriver, or in the
// function given to CommitWith) propagates to the committer, and leaves the lock free and
// nothing committed, so the next commit goes through instead of blocking forever.
func TestPanicReleasesCommitLock(t *testing.T) {
	m := txn.NewManager(mvcc.NewStore(), txn.Options{Deriver: panicker{}})
	for _, tt := range []struct {
		name   string
		commit func()
	}{
		{"deriver", func() {
			tx := m.Begin(txn.ModeSnapshot)
			tx.Put(mvcc.Data, []byte("k"), value.Bytes("panic"))
			tx.Commit()
		}},
		{"CommitWith", func() {
			m.CommitWith(func(d *txn.Derivation) error { panic("backfill bug") })
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			func() {
				defer func() {
					if recover() == nil {
						t.Fatal("the panic did not reach the committer")
					}
				}()
				tt.commit()
			}()
			if n := m.ActiveSnapshots(); n != 0 {
				t.Fatalf("%d snapshots still registered after the panic", n)
			}
			done := make(chan error, 1)
			go func() {
				tx := m.Begin(txn.ModeSnapshot)
				tx.Put(mvcc.Data, []byte("k"), value.Bytes("ok"))
				done <- tx.Commit()
			}()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("commit after the panic: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("commit blocked for 10s: the commit lock was left held")
			}
			if v := m.Store().Latest(mvcc.Data, []byte("k")); v == nil || v.Value().Str() != "ok" {
				t.Fatalf("k = %v, want the value of the second commit", v)
			}
		})
	}
}
