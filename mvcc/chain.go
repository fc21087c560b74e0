package mvcc

import (
	"sync/atomic"

	"github.com/memflux/memflux/value"
)

// Version is one committed value of a key. Versions are immutable after publication except
// for next, which pruning may redirect to an older version (skipping unneeded ones) and
// which is atomic, so a Version is safe for concurrent use.
type Version struct {
	ts   uint64      // commit timestamp of the writer
	val  value.Value // the zero Value marks a tombstone (deletion)
	next atomic.Pointer[Version]
}

// TS returns the commit timestamp of the version.
func (v *Version) TS() uint64 { return v.ts }

// Value returns the value the version holds; it does not exist for a tombstone.
func (v *Version) Value() value.Value { return v.val }

// Next returns the next older version still linked, or nil.
func (v *Version) Next() *Version { return v.next.Load() }

// Chain is the version chain of one key, newest first. It is safe for concurrent use:
// readers load head without locking; writers replace it under the commit lock.
type Chain struct {
	head atomic.Pointer[Version]
	// Access holds eviction metadata (recency clock or frequency counter) owned by package
	// evict. It is updated by readers without locks, so it is an atomic.
	Access atomic.Uint32
}

// Head returns the newest version, which may belong to a commit still being installed.
func (c *Chain) Head() *Version { return c.head.Load() }

// At returns the version visible to a snapshot at ts: the newest version with timestamp
// <= ts, or nil. The caller must hold a registered snapshot at ts (see package doc).
func (c *Chain) At(ts uint64) *Version {
	for v := c.head.Load(); v != nil; v = v.next.Load() {
		if v.ts <= ts {
			return v
		}
	}
	return nil
}

// latest returns the newest committed version given the store clock, without a registered
// snapshot. Only the head can be uncommitted (ts > clock); the version below it is then the
// newest committed one. The clock is re-read after loading head.next: pruning can unlink
// head.next only after the head itself committed, and then the head is the answer.
func (c *Chain) latest(clock *atomic.Uint64) *Version {
	h := c.head.Load()
	if h == nil || h.ts <= clock.Load() {
		return h
	}
	n := h.next.Load()
	if h.ts <= clock.Load() {
		return h
	}
	return n
}

// needed reports whether a version with timestamp ts, whose next newer version has
// timestamp newer, is visible to one of the registered snapshots (ascending).
func needed(ts, newer uint64, snaps []uint64) bool {
	// First snapshot >= ts.
	lo, hi := 0, len(snaps)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if snaps[m] < ts {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo < len(snaps) && snaps[lo] < newer
}
