package txn

import (
	"sync"
	"sync/atomic"

	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/value"
)

// Isolation is a transaction isolation level (a plain value).
type Isolation uint8

const (
	// Serializable is snapshot isolation plus commit-time validation of everything the
	// transaction read (the default).
	Serializable Isolation = iota
	// Snapshot is snapshot isolation: first committer wins on write-write conflicts, write
	// skew is allowed.
	Snapshot
)

// String returns the configuration spelling of the level.
func (i Isolation) String() string {
	if i == Snapshot {
		return "snapshot"
	}
	return "serializable"
}

// Log is where committed transactions are made durable (package wal, adapted by the DB).
// Append is called with the commit lock held, in commit-timestamp order, so calls to it
// never overlap. It returns a function the committer calls after releasing the lock to
// wait until the record is as durable as the configured level promises (nil when there is
// nothing to wait for); the waits of concurrent committers run concurrently.
type Log interface {
	Append(ts uint64, payload []byte) (wait func() error, err error)
}

// Observer is told about every installed write, under the commit lock, in commit order
// (derived writes included, after the commit's own); calls never overlap. It must be quick
// and must not call back into the Manager. The key it is given aliases the committer's
// buffers: it must not be modified, nor kept after the call (copy it). Package evict uses it to track keys and memory, package index to
// follow index definitions.
type Observer interface {
	Installed(sp mvcc.Space, key []byte, c *mvcc.Chain, prev *mvcc.Version, val value.Value)
	Reset()
}

// Options configure a Manager. The zero value is serializable isolation without a log.
// NewManager copies it; it is a plain value.
type Options struct {
	Isolation Isolation
	Log       Log      // nil: nothing is logged
	Observer  Observer // nil: nobody observes installs; more can be added with AddObserver
	Deriver   Deriver  // nil: no derived writes
}

// Manager creates transactions over one Store and commits them. It is safe for concurrent
// use.
type Manager struct {
	store *mvcc.Store
	opts  Options
	snaps registry

	// commitMu is the single-writer lock: it serializes commits, vacuum batches, resets
	// and recovery, i.e. every mutation of the store's trees and chains. It protects
	// snapScratch, recBuf, observers and deriv below, and opts.Log and opts.Deriver once
	// transactions run.
	commitMu    sync.Mutex
	snapScratch []uint64
	recBuf      []byte
	observers   []Observer
	deriv       Derivation // reused by deriveLocked

	// commits counts committed writing transactions (statistics).
	commits atomic.Uint64
}

// NewManager returns a Manager over store.
func NewManager(store *mvcc.Store, opts Options) *Manager {
	m := &Manager{store: store, opts: opts}
	if opts.Observer != nil {
		m.observers = append(m.observers, opts.Observer)
	}
	return m
}

// Store returns the underlying store.
func (m *Manager) Store() *mvcc.Store { return m.store }

// Isolation returns the configured isolation level.
func (m *Manager) Isolation() Isolation { return m.opts.Isolation }

// SetLog installs the log after recovery has replayed the old one. It must be called
// before any transaction commits.
func (m *Manager) SetLog(l Log) { m.opts.Log = l }

// AddObserver adds an install observer. REQUIRES: no transaction running yet, or the
// commit lock held (inside WithCommitLock).
func (m *Manager) AddObserver(o Observer) { m.observers = append(m.observers, o) }

// RemoveObserver removes an observer added before. REQUIRES: as AddObserver.
func (m *Manager) RemoveObserver(o Observer) {
	for i, x := range m.observers {
		if x == o {
			m.observers = append(m.observers[:i:i], m.observers[i+1:]...)
			return
		}
	}
}

// Commits returns the number of writing transactions committed so far.
func (m *Manager) Commits() uint64 { return m.commits.Load() }

// ActiveSnapshots returns the number of registered snapshots (open transactions).
func (m *Manager) ActiveSnapshots() int { return m.snaps.count() }

// WithCommitLock runs fn holding the commit lock, with the live snapshot timestamps
// (ascending). Snapshotting, eviction and recovery use it to act as a writer.
func (m *Manager) WithCommitLock(fn func(snaps []uint64)) {
	m.commitMu.Lock()
	defer m.commitMu.Unlock()
	m.snapScratch = m.snaps.appendLive(m.snapScratch[:0])
	fn(m.snapScratch)
}

// Reset empties the whole store (FLUSHDB, WIPEDB) as one logged commit. Open transactions
// keep running and read the emptied store plus their own writes.
func (m *Manager) Reset() error {
	m.commitMu.Lock()
	ts := m.store.Clock() + 1
	var wait func() error
	if m.opts.Log != nil {
		var err error
		if wait, err = m.opts.Log.Append(ts, []byte{opReset}); err != nil {
			m.commitMu.Unlock()
			return err
		}
	}
	m.resetLocked()
	m.store.SetClock(ts)
	m.commitMu.Unlock()
	if wait != nil {
		return wait()
	}
	return nil
}

// Apply installs a commit record read back from the log at timestamp ts. It is used by
// recovery before any transaction runs; records must come in ascending ts order. The
// Deriver recomputes the derived writes of the record (they are not logged).
func (m *Manager) Apply(ts uint64, rec []byte) error {
	m.commitMu.Lock()
	defer m.commitMu.Unlock()
	var batch []write
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		extra, err := m.deriveLocked(ts, batch, true)
		if err != nil {
			return err
		}
		m.installWritesLocked(ts, batch, extra, nil /* snaps: none during recovery */)
		batch = batch[:0]
		return nil
	}
	err := DecodeRecord(rec, func(op Op) error {
		if op.Reset {
			if err := flush(); err != nil {
				return err
			}
			m.resetLocked()
			return nil
		}
		batch = append(batch, write{wkey: wkey{op.Space, string(op.Key)}, val: op.Value})
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return err
	}
	if ts > m.store.Clock() {
		m.store.SetClock(ts)
	}
	return nil
}

// resetLocked empties the store and tells the observers. REQUIRES: m.commitMu held.
func (m *Manager) resetLocked() {
	m.store.Reset()
	for _, o := range m.observers {
		o.Reset()
	}
}

// installLocked installs one write, skipping deletions of keys that do not exist.
// REQUIRES: m.commitMu held.
func (m *Manager) installLocked(sp mvcc.Space, key []byte, v value.Value, ts uint64, snaps []uint64) {
	if !v.Exists() {
		c := m.store.Chain(sp, key)
		if c == nil {
			return
		}
		if h := c.Head(); h == nil || !h.Value().Exists() {
			return
		}
	}
	c, prev := m.store.Install(sp, key, v, ts, snaps)
	for _, o := range m.observers {
		o.Installed(sp, key, c, prev, v)
	}
}

// Vacuum prunes every version no open transaction can see and removes deleted keys,
// holding the commit lock only for batches of keys. It returns what was removed since
// the previous call — by write-path pruning, background passes and this pass together —
// which is what the VACUUM command reports.
func (m *Manager) Vacuum() (versions, keys int64) {
	m.VacuumBackground()
	return m.store.TakeRemoved()
}

// VacuumBackground is a vacuum pass that leaves the removal counters for the next Vacuum.
func (m *Manager) VacuumBackground() {
	for sp := mvcc.Space(0); sp < mvcc.NumSpaces; sp++ {
		var from []byte
		for {
			m.commitMu.Lock()
			m.snapScratch = m.snaps.appendLive(m.snapScratch[:0])
			next := m.store.VacuumBatch(sp, from, 1024, m.snapScratch)
			m.commitMu.Unlock()
			if next == nil {
				break
			}
			from = next
		}
	}
}
