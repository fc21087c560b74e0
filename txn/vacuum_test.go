package txn_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/txn"
	"github.com/memflux/memflux/value"
)

func newManager(iso txn.Isolation) *txn.Manager {
	return txn.NewManager(mvcc.NewStore(), txn.Options{Isolation: iso})
}

// set auto-commits key = val the way a SET command does.
func set(t testing.TB, m *txn.Manager, key, val string) {
	t.Helper()
	tx := m.Begin(txn.ModeLatest)
	tx.Put(mvcc.Data, []byte(key), value.Bytes(val))
	if err := tx.Commit(); err != nil {
		t.Fatalf("SET %s: %v", key, err)
	}
}

// del auto-commits the deletion of key.
func del(t testing.TB, m *txn.Manager, key string) {
	t.Helper()
	tx := m.Begin(txn.ModeLatest)
	tx.Delete(mvcc.Data, []byte(key))
	if err := tx.Commit(); err != nil {
		t.Fatalf("DELETE %s: %v", key, err)
	}
}

// chainLen returns the number of versions linked in key's chain.
func chainLen(m *txn.Manager, key string) int {
	c := m.Store().Chain(mvcc.Data, []byte(key))
	if c == nil {
		return 0
	}
	n := 0
	for v := c.Head(); v != nil; v = v.Next() {
		n++
	}
	return n
}

// TestHotKeyPruning: 100k overwrites of one key keep its chain at three versions or fewer,
// with and without an old reader, and the reader keeps seeing its version.
func TestHotKeyPruning(t *testing.T) {
	for _, withReader := range []bool{false, true} {
		t.Run(fmt.Sprintf("reader=%v", withReader), func(t *testing.T) {
			m := newManager(txn.Serializable)
			set(t, m, "hot", "v0")
			var reader *txn.Txn
			if withReader {
				reader = m.Begin(txn.ModeSnapshot)
			}
			for i := 1; i <= 100_000; i++ {
				set(t, m, "hot", fmt.Sprintf("v%d", i))
				if n := chainLen(m, "hot"); n > 3 {
					t.Fatalf("after %d overwrites the chain has %d versions", i, n)
				}
			}
			if reader != nil {
				if got := reader.Get(mvcc.Data, []byte("hot")).Str(); got != "v0" {
					t.Fatalf("old reader sees %q, want v0", got)
				}
				if err := reader.Commit(); err != nil {
					t.Fatalf("read-only commit: %v", err)
				}
			}
			versions, keys := m.Vacuum()
			if n := chainLen(m, "hot"); n != 1 {
				t.Fatalf("chain has %d versions after vacuum, want 1", n)
			}
			if versions != 100_000 || keys != 0 {
				t.Fatalf("Vacuum reported %d versions and %d keys; want 100000 and 0", versions, keys)
			}
			if got := m.Store().Mem(); got != int64(mvcc.KeyOverhead+len("hot")+mvcc.VersionOverhead+len("v100000")) {
				t.Fatalf("Mem = %d after vacuum: memory is not bounded", got)
			}
		})
	}
}

// TestOldTransactionKeepsVersions: the versions an open transaction can see survive
// vacuum until it ends; then vacuum removes them (SPEC §5.5 steps 3 and 4, at scale).
func TestOldTransactionKeepsVersions(t *testing.T) {
	m := newManager(txn.Serializable)
	for i := range 100 {
		set(t, m, fmt.Sprintf("k%02d", i), "old")
	}
	set(t, m, "gone", "old")
	old := m.Begin(txn.ModeSnapshot)
	for round := range 10 {
		for i := range 100 {
			set(t, m, fmt.Sprintf("k%02d", i), fmt.Sprintf("new%d", round))
		}
	}
	del(t, m, "gone")
	v1, k1 := m.Vacuum()
	if k1 != 0 || v1 != 100*9 {
		t.Fatalf("vacuum with the old transaction open removed %d versions and %d keys; want %d and 0", v1, k1, 100*9)
	}
	for i := range 100 {
		k := fmt.Sprintf("k%02d", i)
		if got := old.Get(mvcc.Data, []byte(k)).Str(); got != "old" {
			t.Fatalf("old transaction reads %s = %q after vacuum, want old", k, got)
		}
		if n := chainLen(m, k); n != 2 {
			t.Fatalf("chain of %s has %d versions while the old transaction is open, want 2", k, n)
		}
	}
	if got := old.Get(mvcc.Data, []byte("gone")).Str(); got != "old" {
		t.Fatalf("old transaction lost the deleted key: %q", got)
	}
	var keys []string
	old.ScanPrefix(mvcc.Data, nil, func(k []byte, v value.Value) bool {
		keys = append(keys, string(k))
		return v.Str() == "old"
	})
	if len(keys) != 101 {
		t.Fatalf("old transaction scans %d keys, want 101", len(keys))
	}
	old.Rollback()
	versions, removed := m.Vacuum()
	if removed != 1 {
		t.Fatalf("vacuum after the transaction ended removed %d keys, want 1", removed)
	}
	if versions != 100+1 {
		t.Fatalf("vacuum after the transaction ended removed %d versions, want %d", versions, 100+1)
	}
	for i := range 100 {
		if n := chainLen(m, fmt.Sprintf("k%02d", i)); n != 1 {
			t.Fatalf("chain of k%02d has %d versions after the transaction ended", i, n)
		}
	}
	if m.Store().Chain(mvcc.Data, []byte("gone")) != nil {
		t.Fatalf("deleted key survives vacuum")
	}
	if n := m.ActiveSnapshots(); n != 0 {
		t.Fatalf("%d snapshots registered, want 0", n)
	}
}

// TestVacuumDoesNotHideConflicts pins two cases the model test found: vacuum removing a
// deleted key must not change a commit's outcome.
func TestVacuumDoesNotHideConflicts(t *testing.T) {
	t.Run("write-write conflict with a created-then-deleted key", func(t *testing.T) {
		for _, vac := range []bool{false, true} {
			m := newManager(txn.Snapshot)
			t1 := m.Begin(txn.ModeSnapshot)
			set(t, m, "k", "v") // committed after t1's snapshot
			del(t, m, "k")
			if vac {
				m.Vacuum()
			}
			t1.Put(mvcc.Data, []byte("k"), value.Bytes("mine"))
			if err := t1.Commit(); !errors.Is(err, txn.ErrConflict) {
				t.Fatalf("vacuum=%v: commit = %v, want ErrConflict", vac, err)
			}
			m.Vacuum()
			if m.Store().Chain(mvcc.Data, []byte("k")) != nil {
				t.Fatalf("vacuum=%v: deleted key kept after every transaction ended", vac)
			}
		}
	})
	t.Run("phantom created and deleted after a scan", func(t *testing.T) {
		for _, vac := range []bool{false, true} {
			m := newManager(txn.Serializable)
			t1 := m.Begin(txn.ModeSnapshot)
			t1.ScanPrefix(mvcc.Data, []byte("p:"), func([]byte, value.Value) bool { return true })
			t1.Put(mvcc.Data, []byte("other"), value.Bytes("x"))
			set(t, m, "p:1", "v")
			del(t, m, "p:1")
			if vac {
				m.Vacuum()
			}
			if err := t1.Commit(); !errors.Is(err, txn.ErrSerialization) {
				t.Fatalf("vacuum=%v: commit = %v, want ErrSerialization", vac, err)
			}
		}
	})
	t.Run("latest-mode read of a deleted key", func(t *testing.T) {
		for _, vac := range []bool{false, true} {
			m := newManager(txn.Serializable)
			set(t, m, "k", "v")
			del(t, m, "k")
			t1 := m.Begin(txn.ModeLatest) // e.g. INCR k
			if t1.Get(mvcc.Data, []byte("k")).Exists() {
				t.Fatalf("deleted key exists")
			}
			if vac {
				m.Vacuum()
			}
			t1.Put(mvcc.Data, []byte("k"), value.Bytes("1"))
			if err := t1.Commit(); err != nil {
				t.Fatalf("vacuum=%v: commit = %v, want success", vac, err)
			}
		}
	})
	t.Run("latest-mode lost update is still caught", func(t *testing.T) {
		m := newManager(txn.Serializable)
		t1 := m.Begin(txn.ModeLatest)
		if t1.Get(mvcc.Data, []byte("k")).Exists() {
			t.Fatalf("missing key exists")
		}
		set(t, m, "k", "other") // a concurrent INCR created it
		t1.Put(mvcc.Data, []byte("k"), value.Bytes("1"))
		if err := t1.Commit(); !errors.Is(err, txn.ErrConflict) {
			t.Fatalf("commit = %v, want ErrConflict", err)
		}
	})
}
