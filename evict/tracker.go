package evict

import (
	"math/rand/v2"
	"sync/atomic"

	"github.com/memflux/memflux/mvcc"
)

// Per-key state costs, in estimated heap bytes, added to the memory accounting while a
// key (or an ARC ghost) is tracked. Measured by TestStateBytes; see the package doc.
const (
	// entryCost is a registry slot (chain pointer and key string header, 24 bytes), its
	// share of the index map (about 28 bytes at Go's average load) and of the slab's
	// growth slack. The key bytes themselves are added on top.
	entryCost = 64
	// linkCost is the list links of a slot for ARC and LFRU (12 bytes plus slack).
	linkCost = 16
	// ghostCost is one ARC history entry: a key hash, its links and its map slot.
	ghostCost = 48
)

// policy is one replacement algorithm over a tracker's registry. Every method but reader's
// result runs under the tracker owner's lock (the commit lock in a database).
type policy interface {
	// insert starts tracking slot i, a key that just came into existence.
	insert(i int32)
	// touch records a write to the key of slot i (an access).
	touch(i int32)
	// forget unlinks slot i before the registry drops it (the key was deleted).
	forget(i int32)
	// victim chooses the next key to evict, unlinks it (recording history) and returns
	// its slot, or nilSlot when nothing is tracked.
	victim() int32
	// reset forgets all policy state.
	reset()
	// reader returns the read-path hook, or nil when reads need no tracking. The hook
	// must be lock-free.
	reader() mvcc.AccessFunc
}

// tracker is the eviction engine without the database: the registry of evictable keys,
// a policy and the logical clock. The Evictor drives it under the commit lock; the
// simulations of the tests drive it directly. Only the clock and the chains' Access fields
// are safe for concurrent use (by the read hook); everything else needs the owner's lock.
type tracker struct {
	kind Policy
	reg  *registry
	pol  policy
	rng  *rand.Rand
	// tick is the logical clock: it advances once per tracked write, and read hooks stamp
	// it into Chain.Access (LRU) or derive LFU decay periods from it.
	tick atomic.Uint32
	// mem receives the change of the estimated bytes of the tracker's own state (the
	// Store's AddMem in a database; nil in simulations).
	mem func(delta int64)
	// keys mirrors reg.len() and ghosts the ARC history size, for lock-free statistics.
	keys, ghosts atomic.Int64
	// state is the estimated bytes of the tracker's state, as reported to mem.
	state atomic.Int64
	// slotCost is the fixed per-key state cost of the policy.
	slotCost int64
}

// newTracker returns an empty tracker for policy kind (not NoEviction).
func newTracker(kind Policy, samples int, seed uint64, mem func(int64)) *tracker {
	t := &tracker{kind: kind, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), mem: mem}
	lists := kind == ARC || kind == LFRU
	t.reg = newRegistry(lists)
	t.slotCost = entryCost
	if lists {
		t.slotCost += linkCost
	}
	switch kind {
	case ARC:
		t.pol = newCAR(t)
	case LFRU:
		t.pol = &lfru{t: t}
	default:
		t.pol = newSampled(t, samples)
	}
	return t
}

// now returns the logical clock.
func (t *tracker) now() uint32 { return t.tick.Load() }

// account reports a change of the tracker's state bytes.
func (t *tracker) account(delta int64) {
	t.state.Add(delta)
	if t.mem != nil {
		t.mem(delta)
	}
}

// keyCost is the state cost of tracking key.
func (t *tracker) keyCost(key string) int64 { return t.slotCost + int64(len(key)) }

// insert starts tracking a key that came into existence with chain c.
func (t *tracker) insert(c *mvcc.Chain, key string) {
	i := t.reg.add(c, key)
	t.pol.insert(i)
	t.keys.Add(1)
	t.account(t.keyCost(key))
	t.tick.Add(1)
}

// write records an overwrite of the tracked key at slot i.
func (t *tracker) write(i int32) {
	t.pol.touch(i)
	t.tick.Add(1)
}

// drop stops tracking slot i (after the policy unlinked it).
func (t *tracker) drop(i int32) entry {
	e := t.reg.entries[i]
	t.reg.remove(i)
	t.keys.Add(-1)
	t.account(-t.keyCost(e.key))
	return e
}

// forget stops tracking the key at slot i, which was deleted.
func (t *tracker) forget(i int32) {
	t.pol.forget(i)
	t.drop(i)
}

// victim removes and returns the next key to evict.
func (t *tracker) victim() (entry, bool) {
	i := t.pol.victim()
	if i == nilSlot {
		return entry{}, false
	}
	return t.drop(i), true
}

// reset forgets everything (the store was emptied; its accounting restarts from zero, so
// nothing is given back).
func (t *tracker) reset() {
	t.reg.reset()
	t.pol.reset()
	t.keys.Store(0)
	t.ghosts.Store(0)
	t.state.Store(0)
}
