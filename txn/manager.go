package txn

import (
	"sync"
	"sync/atomic"

	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/value"
)

// Isolation is a transaction isolation level.
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
// Append is called with the commit lock held, in commit-timestamp order. It returns a
// function the committer calls after releasing the lock to wait until the record is as
// durable as the configured level promises (nil when there is nothing to wait for).
type Log interface {
	Append(ts uint64, payload []byte) (wait func() error, err error)
}

// Observer is told about every installed write, under the commit lock, in commit order.
// It must be quick and must not call back into the Manager. Package evict uses it to track
// keys and memory.
type Observer interface {
	Installed(sp mvcc.Space, key []byte, c *mvcc.Chain, prev *mvcc.Version, val value.Value)
	Reset()
}

// WriteHook lets a higher layer (package index) add writes to a transaction whenever it
// writes a Data key the hook covers, so that derived data such as index entries changes in
// the same transaction as the data.
type WriteHook interface {
	// Covers reports whether writes of the Data key concern the hook. It is called on every
	// Data write and must be cheap.
	Covers(key []byte) bool
	// Written is called after t buffered a write of a covered key, with the value the
	// transaction saw before it (old) and the new one (the zero Value for a deletion).
	Written(t *Txn, key []byte, old, new value.Value)
}

// Options configure a Manager. The zero value is serializable isolation without a log.
type Options struct {
	Isolation Isolation
	Log       Log       // nil: nothing is logged
	Observer  Observer  // nil: nobody observes installs
	Hook      WriteHook // nil: no derived writes
}

// Manager creates transactions over one Store and commits them. It is safe for concurrent
// use.
type Manager struct {
	store *mvcc.Store
	opts  Options
	snaps registry

	// commitMu is the single-writer lock: it serializes commits, vacuum batches, resets
	// and recovery, i.e. every mutation of the store's trees and chains. It protects
	// snapScratch and recBuf.
	commitMu    sync.Mutex
	snapScratch []uint64

	// commits counts committed writing transactions (statistics).
	commits atomic.Uint64
}

// NewManager returns a Manager over store.
func NewManager(store *mvcc.Store, opts Options) *Manager {
	return &Manager{store: store, opts: opts}
}

// Store returns the underlying store.
func (m *Manager) Store() *mvcc.Store { return m.store }

// Isolation returns the configured isolation level.
func (m *Manager) Isolation() Isolation { return m.opts.Isolation }

// SetLog installs the log after recovery has replayed the old one. It must be called
// before any transaction commits.
func (m *Manager) SetLog(l Log) { m.opts.Log = l }

// SetHook installs the write hook. It must be called before transactions run.
func (m *Manager) SetHook(h WriteHook) { m.opts.Hook = h }

// SetObserver installs the install observer. It must be called before transactions run.
func (m *Manager) SetObserver(o Observer) { m.opts.Observer = o }

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
	m.store.Reset()
	if m.opts.Observer != nil {
		m.opts.Observer.Reset()
	}
	m.store.SetClock(ts)
	m.commitMu.Unlock()
	if wait != nil {
		return wait()
	}
	return nil
}

// Apply installs a commit record read back from the log at timestamp ts. It is used by
// recovery before any transaction runs; records must come in ascending ts order.
func (m *Manager) Apply(ts uint64, rec []byte) error {
	m.commitMu.Lock()
	defer m.commitMu.Unlock()
	err := DecodeRecord(rec, func(op Op) error {
		if op.Reset {
			m.store.Reset()
			if m.opts.Observer != nil {
				m.opts.Observer.Reset()
			}
			return nil
		}
		m.installLocked(op.Space, op.Key, op.Value, ts, nil)
		return nil
	})
	if err != nil {
		return err
	}
	if ts > m.store.Clock() {
		m.store.SetClock(ts)
	}
	return nil
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
	if m.opts.Observer != nil {
		m.opts.Observer.Installed(sp, key, c, prev, v)
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
