package txn

import (
	"sync"

	"github.com/memflux/memflux/mvcc"
)

// snapshot is one registered read timestamp shared by every transaction that began while
// the clock stood at ts. ts and refs are guarded by the registry's mutex; ts changes only
// when the registry recycles a record no transaction holds any more (a transaction copies
// ts when it acquires the record and forgets the record when it releases it).
type snapshot struct {
	ts   uint64
	refs int // guarded by registry.mu
}

// registry tracks the snapshots that open transactions read at, so that pruning and vacuum
// keep the versions they can see. Timestamps are registered in ascending order because a
// new snapshot always takes the current clock, which never goes back. It is safe for
// concurrent use.
type registry struct {
	// mu protects list and every snapshot's refs.
	mu sync.Mutex
	// list holds live snapshots in ascending ts order; released ones are dropped once no
	// older live snapshot precedes them, so list[0] is always the oldest live snapshot.
	list []*snapshot
	// dead counts released snapshots still sitting in list.
	dead int
	// spare is a released record dropped from list, reused by the next acquire so that
	// a stream of one-statement transactions does not allocate one each.
	spare *snapshot
}

// acquire registers a snapshot at the store's current clock.
func (r *registry) acquire(s *mvcc.Store) *snapshot {
	r.mu.Lock()
	ts := s.Clock()
	if n := len(r.list); n > 0 && r.list[n-1].ts == ts && r.list[n-1].refs > 0 {
		sn := r.list[n-1]
		sn.refs++
		r.mu.Unlock()
		return sn
	}
	sn := r.spare
	if sn != nil {
		r.spare = nil
		sn.ts, sn.refs = ts, 1
	} else {
		sn = &snapshot{ts: ts, refs: 1}
	}
	r.list = append(r.list, sn)
	r.mu.Unlock()
	return sn
}

// release drops one reference to sn.
func (r *registry) release(sn *snapshot) {
	r.mu.Lock()
	sn.refs--
	if sn.refs == 0 {
		r.dead++
		r.compactLocked()
	}
	r.mu.Unlock()
}

// compactLocked drops released snapshots: all of them when they are many, otherwise just
// those at the front. REQUIRES: r.mu held.
func (r *registry) compactLocked() {
	if r.dead > 32 && r.dead*2 > len(r.list) {
		live := r.list[:0]
		for _, sn := range r.list {
			if sn.refs > 0 {
				live = append(live, sn)
			}
		}
		clear(r.list[len(live):])
		r.list = live
		r.dead = 0
		return
	}
	i := 0
	for i < len(r.list) && r.list[i].refs == 0 {
		i++
	}
	if i > 0 {
		r.dead -= i
		r.spare = r.list[i-1]
		n := copy(r.list, r.list[i:])
		clear(r.list[n:])
		r.list = r.list[:n]
	}
}

// appendLive appends the live snapshot timestamps, ascending and deduplicated, to dst.
func (r *registry) appendLive(dst []uint64) []uint64 {
	r.mu.Lock()
	for _, sn := range r.list {
		if sn.refs > 0 && (len(dst) == 0 || dst[len(dst)-1] != sn.ts) {
			dst = append(dst, sn.ts)
		}
	}
	r.mu.Unlock()
	return dst
}

// count returns the number of live snapshots.
func (r *registry) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.list) - r.dead
}
