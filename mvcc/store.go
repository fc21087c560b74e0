package mvcc

import (
	"sync/atomic"

	"github.com/memflux/memflux/art"
	"github.com/memflux/memflux/value"
)

// Space selects one of the Store's trees. Keys of different spaces never collide. It is a
// plain value.
type Space uint8

const (
	// Data holds user keys: everything KEYS, SCAN and SQL table scans see.
	Data Space = iota
	// Index holds secondary-index entries (package index).
	Index
	// Meta holds internal metadata that must stay invisible to users, such as the
	// definitions of indexes made by IDX.CREATE.
	Meta
	// NumSpaces is the number of spaces.
	NumSpaces
)

// Estimated heap bytes used by the bookkeeping of one key and one version. They feed the
// memory accounting (MEMUSAGE); package evict calibrates them against the real heap.
const (
	// VersionOverhead is the size class of a Version allocation.
	VersionOverhead = 64
	// KeyOverhead covers the Chain (16), the tree leaf (48) and the key's share of the
	// tree's inner nodes (about 60 at 1M keys; package evict's TestAccountingCalibration
	// measures it).
	KeyOverhead = 136
)

// Store is the versioned key space. Reads are safe for concurrent use without locks; every
// method documented "REQUIRES: commit lock" must be called with the caller's single-writer
// lock held (txn.Manager holds it during commits, vacuum and flush).
type Store struct {
	trees [NumSpaces]atomic.Pointer[art.Tree[Chain]]

	// clock is the timestamp of the newest commit whose versions are all installed.
	clock atomic.Uint64

	// live counts Data keys whose newest committed version exists (DBSIZE).
	live atomic.Int64
	// mem is the estimated heap bytes of keys, versions and values (MEMUSAGE).
	mem atomic.Int64
	// removedVersions and removedKeys accumulate what pruning and vacuum removed until
	// TakeRemoved.
	removedVersions atomic.Int64
	removedKeys     atomic.Int64

	// access, when set, is called by point reads of Data keys (package evict's recency and
	// frequency tracking).
	access atomic.Pointer[AccessFunc]
}

// AccessFunc observes a point read of a Data key's chain. Package evict installs one to
// track recency or frequency in Chain.Access. It runs on the read path of every
// concurrent reader, so it must be lock-free and cheap.
type AccessFunc func(c *Chain)

// SetAccess installs fn as the read observer (nil removes it). Latest, LatestString and
// At call it for every Data key they find; scans do not, so a scan does not make keys look
// recently used. Safe for concurrent use.
func (s *Store) SetAccess(fn AccessFunc) {
	if fn == nil {
		s.access.Store(nil)
		return
	}
	s.access.Store(&fn)
}

// touch reports a point read of c to the access observer, if any.
func (s *Store) touch(sp Space, c *Chain) {
	if sp == Data {
		if f := s.access.Load(); f != nil {
			(*f)(c)
		}
	}
}

// NewStore returns an empty store with clock 0.
func NewStore() *Store {
	s := &Store{}
	for sp := range s.trees {
		s.trees[sp].Store(art.New[Chain]())
	}
	return s
}

// Tree returns the tree of a space. The tree is replaced by Reset, so callers should not
// cache it across operations.
func (s *Store) Tree(sp Space) *art.Tree[Chain] { return s.trees[sp].Load() }

// Clock returns the timestamp of the newest fully installed commit.
func (s *Store) Clock() uint64 { return s.clock.Load() }

// SetClock publishes ts as fully installed. REQUIRES: commit lock; ts >= Clock().
func (s *Store) SetClock(ts uint64) { s.clock.Store(ts) }

// Live returns the number of Data keys that currently exist.
func (s *Store) Live() int64 { return s.live.Load() }

// Mem returns the estimated heap bytes attributable to keys, versions and values.
func (s *Store) Mem() int64 { return s.mem.Load() }

// AddMem adjusts the memory estimate by delta bytes (used for index overhead kept
// elsewhere). Safe for concurrent use.
func (s *Store) AddMem(delta int64) { s.mem.Add(delta) }

// TakeRemoved returns the versions and keys removed since the previous call and resets the
// counters.
func (s *Store) TakeRemoved() (versions, keys int64) {
	return s.removedVersions.Swap(0), s.removedKeys.Swap(0)
}

// Chain returns the chain of key, or nil.
func (s *Store) Chain(sp Space, key []byte) *Chain { return s.Tree(sp).Get(key) }

// Latest returns the newest committed version of key (nil if the key has none) without a
// registered snapshot. The result may be a tombstone.
func (s *Store) Latest(sp Space, key []byte) *Version {
	c := s.Tree(sp).Get(key)
	if c == nil {
		return nil
	}
	s.touch(sp, c)
	return c.latest(&s.clock)
}

// LatestString is Latest for a string key.
func (s *Store) LatestString(sp Space, key string) *Version {
	c := s.Tree(sp).GetString(key)
	if c == nil {
		return nil
	}
	s.touch(sp, c)
	return c.latest(&s.clock)
}

// At returns the version of key visible at snapshot ts (nil if none). The caller must hold
// a registered snapshot at ts.
func (s *Store) At(sp Space, key []byte, ts uint64) *Version {
	c := s.Tree(sp).Get(key)
	if c == nil {
		return nil
	}
	s.touch(sp, c)
	return c.At(ts)
}

// Install publishes val (the zero Value for a deletion) as the newest version of key at
// commit timestamp ts, then prunes versions below the previous head that none of the
// registered snapshots (ascending) can see. It returns the key's chain and its previous
// head.
//
// REQUIRES: commit lock; ts > Clock().
func (s *Store) Install(sp Space, key []byte, val value.Value, ts uint64, snaps []uint64) (c *Chain, prev *Version) {
	t := s.Tree(sp)
	var inserted bool
	c, inserted = t.GetOrInsert(key, newChain)
	if inserted {
		s.mem.Add(int64(KeyOverhead + len(key)))
	}
	prev = c.head.Load()
	v := &Version{ts: ts, val: val}
	v.next.Store(prev)
	c.head.Store(v)
	s.mem.Add(int64(VersionOverhead + val.Size()))
	if sp == Data {
		was := prev != nil && prev.val.Exists()
		if was != val.Exists() {
			if was {
				s.live.Add(-1)
			} else {
				s.live.Add(1)
			}
		}
	}
	if prev != nil {
		s.pruneBelow(prev, snaps, 4)
	}
	return c, prev
}

// pruneBelow unlinks up to max unneeded versions directly below keep, which stays.
// REQUIRES: commit lock.
func (s *Store) pruneBelow(keep *Version, snaps []uint64, max int) {
	for i := 0; i < max; i++ {
		q := keep.next.Load()
		if q == nil || needed(q.ts, keep.ts, snaps) {
			return
		}
		keep.next.Store(q.next.Load())
		s.dropped(q)
	}
}

// dropped accounts for an unlinked version.
func (s *Store) dropped(q *Version) {
	s.mem.Add(-int64(VersionOverhead + q.val.Size()))
	if q.val.Exists() {
		s.removedVersions.Add(1)
	}
}

// Reset discards every key and version of every space at once (FLUSHDB). Readers still
// holding the old trees finish against them. The clock is kept: timestamps never go back.
// REQUIRES: commit lock.
func (s *Store) Reset() {
	for sp := range s.trees {
		s.trees[sp].Store(art.New[Chain]())
	}
	s.live.Store(0)
	s.mem.Store(0)
	s.removedVersions.Store(0)
	s.removedKeys.Store(0)
}

func newChain() *Chain { return &Chain{} }
