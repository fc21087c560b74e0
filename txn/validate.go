package txn

import (
	"bytes"

	"github.com/memflux/memflux/mvcc"
)

// validateLocked decides whether the transaction may commit now.
//
// Snapshot transactions: first committer wins — a key it writes must not have a committed
// version newer than its snapshot. Under serializable isolation, additionally every key and
// range it read must be unchanged since its snapshot (backward validation). That makes the
// committed writers equivalent to running one at a time in commit order, and a read-only
// transaction equivalent to running at its snapshot, so read-only transactions never need
// to abort.
//
// Latest-mode transactions (single auto-committed commands) only check that each key they
// both read and wrote still has the version they read (no lost update); every state in
// which the key is absent counts as the same version, so that vacuum removing a deleted key
// changes nothing. Blind writes always succeed.
//
// REQUIRES: m.commitMu held.
func (t *Txn) validateLocked() error {
	st := t.m.store
	if t.snap == nil {
		for i := range t.reads {
			r := &t.reads[i]
			if t.ws.find(r.sp, r.key) < 0 {
				continue
			}
			if liveHeadTS(st, r.sp, r.key) != r.ts {
				return ErrConflict
			}
		}
		return nil
	}
	if st.Clock() == t.start {
		return nil // nothing committed since the snapshot
	}
	for i := range t.ws.entries {
		w := &t.ws.entries[i]
		if headTS(st, w.sp, w.key) > t.start {
			return ErrConflict
		}
	}
	if !t.track {
		return nil
	}
	for i := range t.reads {
		r := &t.reads[i]
		if headTS(st, r.sp, r.key) > t.start {
			return ErrSerialization
		}
	}
	for _, rg := range t.ranges {
		if changedInRange(st, rg, t.start) {
			return ErrSerialization
		}
	}
	return nil
}

// headTS returns the timestamp of the newest version of key, 0 if it has none.
func headTS(st *mvcc.Store, sp mvcc.Space, key string) uint64 {
	c := st.Tree(sp).GetString(key)
	if c == nil {
		return 0
	}
	if h := c.Head(); h != nil {
		return h.TS()
	}
	return 0
}

// liveHeadTS returns the timestamp of the newest version of key if the key exists, 0 if
// it has no chain or its newest version is a tombstone.
func liveHeadTS(st *mvcc.Store, sp mvcc.Space, key string) uint64 {
	c := st.Tree(sp).GetString(key)
	if c == nil {
		return 0
	}
	if h := c.Head(); h != nil && h.Value().Exists() {
		return h.TS()
	}
	return 0
}

// changedInRange reports whether any key in rg has a version newer than ts.
func changedInRange(st *mvcc.Store, rg keyRange, ts uint64) bool {
	changed := false
	st.Tree(rg.sp).Scan(rg.start, func(k []byte, c *mvcc.Chain) bool {
		if rg.end != nil && bytes.Compare(k, rg.end) >= 0 {
			return false
		}
		if h := c.Head(); h != nil && h.TS() > ts {
			changed = true
			return false
		}
		return true
	})
	return changed
}
