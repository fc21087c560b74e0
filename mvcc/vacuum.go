package mvcc

import "bytes"

// VacuumBatch prunes the chains of up to max keys of space sp, starting at key from, and
// removes keys left holding only a tombstone. snaps are the registered snapshot timestamps,
// ascending. It returns the key to resume from, or nil when the space has been covered.
// Holding the commit lock only per batch keeps writers waiting for at most one batch.
//
// REQUIRES: commit lock.
func (s *Store) VacuumBatch(sp Space, from []byte, max int, snaps []uint64) (next []byte) {
	t := s.Tree(sp)
	type item struct {
		key []byte
		c   *Chain
	}
	batch := make([]item, 0, min(max, 1024))
	t.Scan(from, func(k []byte, c *Chain) bool {
		if len(batch) == max {
			next = bytes.Clone(k)
			return false
		}
		batch = append(batch, item{bytes.Clone(k), c})
		return true
	})
	for _, it := range batch {
		if s.vacuumChain(it.c, snaps) && t.CompareAndDelete(it.key, it.c) {
			s.removedKeys.Add(1)
			s.mem.Add(-int64(KeyOverhead + len(it.key) + VersionOverhead))
		}
	}
	return next
}

// vacuumChain unlinks every version of c that no snapshot can see and reports whether the
// chain is left with nothing but a tombstone (or nothing), so the key can go. A tombstone
// newer than the oldest snapshot keeps its key: that snapshot's transaction validates its
// writes and reads against the key's newest timestamp (package txn), and removing the key
// would hide the deletion from it.
// REQUIRES: commit lock.
func (s *Store) vacuumChain(c *Chain, snaps []uint64) (dead bool) {
	head := c.head.Load()
	if head == nil {
		return true
	}
	kept := head
	newer := head.ts
	for q := head.next.Load(); q != nil; {
		below := q.next.Load()
		if needed(q.ts, newer, snaps) {
			if kept.next.Load() != q {
				kept.next.Store(q)
			}
			kept = q
		} else {
			s.dropped(q)
		}
		newer = q.ts
		q = below
	}
	if kept.next.Load() != nil {
		kept.next.Store(nil)
	}
	return !head.val.Exists() && head.next.Load() == nil && (len(snaps) == 0 || head.ts <= snaps[0])
}
