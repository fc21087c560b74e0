package evict

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/txn"
	"github.com/memflux/memflux/value"
)

// InternalPrefix marks the Data keys of the SQL catalog (`_internal:…`); they are never
// evicted.
const InternalPrefix = "_internal:"

// maxBatch bounds the keys evicted by one transaction, so that a large deficit is repaid
// in several short commits instead of one that holds the commit lock for long.
const maxBatch = 64

// slackShift sets the hysteresis of eviction: once it must evict, the Evictor frees
// limit>>slackShift bytes more than needed, so that the following writes find room
// without each running its own eviction transaction.
const slackShift = 9

// maxFailures bounds the consecutive failed eviction commits (conflicts with concurrent
// writers of the victims) before Admit gives up.
const maxFailures = 8

// Options configure an Evictor. The zero value has no limit. It is a plain value; New
// copies it.
type Options struct {
	// MaxMemory is the limit in bytes for the store's estimate (Store.Mem); 0 or less
	// means no limit: Admit always succeeds and nothing is tracked.
	MaxMemory int64
	// Policy chooses the victims (default LRU).
	Policy Policy
	// Samples is the number of keys LRU and LFU sample per eviction (0: DefaultSamples).
	Samples int
	// Seed seeds sampling and the random policy (0: time-based).
	Seed uint64
}

// Stats are counters of an Evictor, a plain value copied out by Evictor.Stats.
type Stats struct {
	Limit   int64  // bytes; 0: unlimited
	Policy  Policy // configured policy
	Keys    int64  // keys tracked as evictable
	Ghosts  int64  // ARC history entries
	Evicted uint64 // keys evicted since New
	State   int64  // estimated bytes of the registry and policy state (included in Store.Mem)
}

// Evictor keeps a transaction manager's store within a memory limit by evicting keys
// through ordinary transactions: every eviction is a logged delete that maintains indexes
// (the manager's Deriver) and that open transactions do not see (their snapshots keep
// the versions they need). It is a txn.Observer: installed writes keep its registry of
// evictable keys up to date under the commit lock, and a lock-free read hook on the Store
// records recency or frequency in Chain.Access. Evictor is safe for concurrent use.
type Evictor struct {
	txns  *txn.Manager
	store *mvcc.Store
	limit int64
	kind  Policy

	// tr is the registry and policy state. Protected by the manager's commit lock: it is
	// touched only by Installed and Reset (called under it) and inside WithCommitLock.
	tr *tracker

	// evictMu protects the eviction in progress (makeRoom): it serializes Admit and Trim,
	// so that concurrent writers short of room do not each evict for the same deficit.
	evictMu sync.Mutex

	// kick wakes Run when a write left the estimate over the limit.
	kick     chan struct{}
	evicted  atomic.Uint64
	attached atomic.Bool
}

// New returns an Evictor for m's store. Call Attach once the store holds its recovered
// data and before transactions run.
func New(m *txn.Manager, opts Options) *Evictor {
	e := &Evictor{txns: m, store: m.Store(), limit: max(opts.MaxMemory, 0), kind: opts.Policy,
		kick: make(chan struct{}, 1)}
	if e.limit > 0 && e.kind != NoEviction {
		seed := opts.Seed
		if seed == 0 {
			seed = uint64(time.Now().UnixNano())
		}
		e.tr = newTracker(e.kind, opts.Samples, seed, e.store.AddMem)
	}
	return e
}

// Limit returns the limit in bytes (0: none).
func (e *Evictor) Limit() int64 { return e.limit }

// Attach registers the keys already in the store (recovered data), starts observing
// writes and installs the read hook. Recovery and snapshot loading bypass the Observer, so
// this one walk of the key space is what brings the registry up to date; it costs the
// tracked state's bytes in the accounting like any later insert.
func (e *Evictor) Attach() {
	if e.tr == nil || e.attached.Swap(true) {
		return
	}
	e.txns.WithCommitLock(func([]uint64) {
		e.store.Tree(mvcc.Data).Scan(nil, func(k []byte, c *mvcc.Chain) bool {
			if h := c.Head(); h != nil && h.Value().Exists() && evictable(k) {
				e.tr.insert(c, string(k))
			}
			return true
		})
		e.txns.AddObserver(e)
	})
	if fn := e.tr.pol.reader(); fn != nil {
		e.store.SetAccess(fn)
	}
}

// Detach stops observing writes and reads. The Evictor must not be used afterwards.
func (e *Evictor) Detach() {
	if !e.attached.Swap(false) {
		return
	}
	e.store.SetAccess(nil)
	e.txns.WithCommitLock(func([]uint64) { e.txns.RemoveObserver(e) })
}

// evictable reports whether a Data key may be evicted (not SQL catalog metadata).
func evictable(key []byte) bool { return !bytes.HasPrefix(key, []byte(InternalPrefix)) }

// Installed implements txn.Observer. REQUIRES: commit lock.
func (e *Evictor) Installed(sp mvcc.Space, key []byte, c *mvcc.Chain, _ *mvcc.Version, val value.Value) {
	if sp != mvcc.Data || !evictable(key) {
		return
	}
	i := e.tr.reg.lookup(c)
	switch {
	case !val.Exists():
		if i != nilSlot {
			e.tr.forget(i)
		}
		return
	case i != nilSlot:
		e.tr.write(i)
	default:
		e.tr.insert(c, string(key))
	}
	if e.store.Mem() > e.limit {
		select {
		case e.kick <- struct{}{}:
		default:
		}
	}
}

// Reset implements txn.Observer: the store was emptied. REQUIRES: commit lock.
func (e *Evictor) Reset() { e.tr.reset() }

// overhead is the bytes Admit adds to a write's payload for the key, version and policy
// bookkeeping of one new key.
func (e *Evictor) overhead() int64 {
	o := int64(mvcc.KeyOverhead + mvcc.VersionOverhead)
	if e.tr != nil {
		o += e.tr.slotCost
	}
	return o
}

// Admit makes room for a write whose payload (keys and values) is n bytes, before it
// runs: if the estimate plus n and one key's overhead exceeds the limit, it evicts keys by
// the policy until the write fits. It returns ErrItemTooLarge when the write alone exceeds
// the limit and ErrNoMemory when it cannot make enough room (or the policy is
// noeviction); the write must then not run, so nothing changes.
func (e *Evictor) Admit(n int64) error {
	if e.limit <= 0 {
		return nil
	}
	need := n + e.overhead()
	if need > e.limit {
		return ErrItemTooLarge
	}
	if e.store.Mem()+need <= e.limit {
		return nil
	}
	if e.tr == nil {
		return ErrNoMemory
	}
	e.evictMu.Lock()
	defer e.evictMu.Unlock()
	if e.store.Mem()+need <= e.limit { // another writer made room meanwhile
		return nil
	}
	return e.makeRoom(e.limit-need, e.limit>>slackShift)
}

// Trim evicts keys until the estimate is within the limit (at startup, and after writes
// that were not admitted one by one: SQL statements, explicit commits). It returns
// ErrNoMemory when that is impossible.
func (e *Evictor) Trim() error {
	if e.limit <= 0 || e.store.Mem() <= e.limit {
		return nil
	}
	if e.tr == nil {
		return ErrNoMemory
	}
	e.evictMu.Lock()
	defer e.evictMu.Unlock()
	return e.makeRoom(e.limit, e.limit>>slackShift)
}

// Run trims in the background whenever a write leaves the estimate over the limit, until
// ctx is done. The caller owns the goroutine.
func (e *Evictor) Run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-e.kick:
			_ = e.Trim() // ErrNoMemory: the next write is refused by Admit
		}
	}
}

// makeRoom evicts until the estimate is at most target, aiming slack bytes lower.
// REQUIRES: e.evictMu held.
func (e *Evictor) makeRoom(target, slack int64) error {
	failures := 0
	for e.store.Mem() > target {
		keys := e.pick(e.store.Mem() - target + slack)
		if len(keys) == 0 {
			return ErrNoMemory
		}
		if err := e.evict(keys); err != nil {
			if failures++; failures >= maxFailures {
				return fmt.Errorf("%w: %w", ErrNoMemory, err)
			}
		}
	}
	return nil
}

// pick takes victims off the policy until their estimated size covers excess.
func (e *Evictor) pick(excess int64) []string {
	var keys []string
	e.txns.WithCommitLock(func([]uint64) {
		var freed int64
		for len(keys) < maxBatch && freed < excess {
			v, ok := e.tr.victim()
			if !ok {
				break
			}
			keys = append(keys, v.key)
			freed += int64(mvcc.KeyOverhead+len(v.key)+mvcc.VersionOverhead) + e.tr.keyCost(v.key)
			if h := v.chain.Head(); h != nil {
				freed += int64(h.Value().Size())
			}
		}
	})
	return keys
}

// evict deletes keys in one transaction, then reclaims their chains at once when no open
// transaction needs them (otherwise vacuum does later). On failure the keys still alive
// are tracked again.
func (e *Evictor) evict(keys []string) error {
	t := e.txns.Begin(txn.ModeLatest)
	for _, k := range keys {
		t.Delete(mvcc.Data, []byte(k))
	}
	if err := t.Commit(); err != nil {
		e.restore(keys)
		return err
	}
	e.evicted.Add(uint64(len(keys)))
	e.txns.WithCommitLock(func(snaps []uint64) {
		for _, k := range keys {
			e.store.VacuumBatch(mvcc.Data, []byte(k), 1, snaps)
		}
	})
	return nil
}

// restore tracks again the keys of a failed eviction that still exist.
func (e *Evictor) restore(keys []string) {
	e.txns.WithCommitLock(func([]uint64) {
		for _, k := range keys {
			c := e.store.Chain(mvcc.Data, []byte(k))
			if c == nil || e.tr.reg.lookup(c) != nilSlot {
				continue
			}
			if h := c.Head(); h != nil && h.Value().Exists() {
				e.tr.insert(c, k)
			}
		}
	})
}

// Stats returns the Evictor's counters. Safe for concurrent use.
func (e *Evictor) Stats() Stats {
	s := Stats{Limit: e.limit, Policy: e.kind, Evicted: e.evicted.Load()}
	if e.tr != nil {
		s.Keys = e.tr.keys.Load()
		s.Ghosts = e.tr.ghosts.Load()
		s.State = e.tr.state.Load()
	}
	return s
}
