package txn

import (
	"unsafe"

	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/value"
)

// Deriver computes data derived from committed data — package index's entries — when a
// commit installs its writes. It is called with the commit lock held, after validation and
// before anything of the commit is installed, so the store's chain heads are exactly the
// committed state the commit applies to. The writes it adds through Derivation.Put are
// installed at the commit's timestamp together with the commit's own; an error aborts the
// whole commit (nothing is logged or installed) and is returned by Commit.
//
// Derived writes are not logged: Manager.Apply calls the Deriver for every replayed record,
// which recomputes them from the same committed state. Derive must therefore be a pure
// function of the store and the commit's writes, and must not call back into the Manager.
// Calls never overlap (the commit lock serializes them).
type Deriver interface {
	Derive(d *Derivation) error
}

// Derivation is one commit as its Deriver sees it: the commit's writes, read access to the
// committed state they apply to, and a buffer of derived writes. It is valid only during
// the Derive call (or the CommitWith function) it is passed to — the Manager reuses it —
// and not safe for concurrent use.
type Derivation struct {
	m      *Manager
	ts     uint64
	replay bool

	writes []write // the commit's own writes; Put may replace one's value
	own    map[wkey]int

	extra []write
	index map[wkey]int // position of each key in extra; nil while it is short
}

// TS returns the timestamp the commit will be installed at.
func (d *Derivation) TS() uint64 { return d.ts }

// Replay reports whether the commit is a record replayed from the log by Apply. A Deriver
// must not refuse a replayed commit: it was accepted when it was first made.
func (d *Derivation) Replay() bool { return d.replay }

// Store returns the store. Its chain heads are the committed state the commit applies to.
func (d *Derivation) Store() *mvcc.Store { return d.m.store }

// Len returns the number of the commit's own writes.
func (d *Derivation) Len() int { return len(d.writes) }

// Write returns the commit's i-th own write: its space, key and new value (the zero Value
// for a deletion). The key must not be modified.
func (d *Derivation) Write(i int) (sp mvcc.Space, key string, v value.Value) {
	w := &d.writes[i]
	return w.sp, w.key, w.val
}

// Head returns the newest committed value of key (the zero Value when it has none). Under
// the commit lock it is the exact value the commit replaces; the commit's own and derived
// writes are not included.
func (d *Derivation) Head(sp mvcc.Space, key []byte) value.Value {
	return headValue(d.m.store.Chain(sp, key))
}

// HeadString is Head for a string key.
func (d *Derivation) HeadString(sp mvcc.Space, key string) value.Value {
	return headValue(d.m.store.Tree(sp).GetString(key))
}

// headValue returns the value of c's newest version; the zero Value when c is nil or
// empty.
func headValue(c *mvcc.Chain) value.Value {
	if c == nil {
		return value.Value{}
	}
	if h := c.Head(); h != nil {
		return h.Value()
	}
	return value.Value{}
}

// Put adds a derived write of v (the zero Value deletes) at the commit's timestamp. A
// second Put of the same key replaces the first. A Put of a key the commit itself writes
// replaces the commit's value for it, except in the Index space, where derived writes are
// expected never to collide with the commit's own.
func (d *Derivation) Put(sp mvcc.Space, key []byte, v value.Value) {
	derive(d, sp, key, v)
}

// PutString is Put for a string key. The key is not copied: its bytes must not change
// until the commit is installed. The Manager keeps no derived key after the installation
// (the store copies the keys it keeps), so a Deriver may build keys in a buffer it reuses
// from one Derive call to the next.
func (d *Derivation) PutString(sp mvcc.Space, key string, v value.Value) {
	derive(d, sp, key, v)
}

// derive implements Put and PutString.
func derive[K string | []byte](d *Derivation, sp mvcc.Space, key K, v value.Value) {
	if sp != mvcc.Index {
		if i := ownWrite(d, sp, key); i >= 0 {
			d.writes[i].val = v
			return
		}
	}
	if i := lookup(d.extra, d.index, sp, key); i >= 0 {
		d.extra[i].val = v
		return
	}
	d.extra = append(d.extra, write{wkey: wkey{sp, string(key)}, val: v})
	d.index = indexLast(d.index, d.extra)
}

// Derived returns the number of derived writes so far.
func (d *Derivation) Derived() int { return len(d.extra) }

// ownWrite returns the position of key among the commit's own writes, or -1. The map of
// a long list of writes is built on first use.
func ownWrite[K string | []byte](d *Derivation, sp mvcc.Space, key K) int {
	if d.own == nil && len(d.writes) > linearMax {
		d.own = make(map[wkey]int, len(d.writes))
		for i := range d.writes {
			d.own[d.writes[i].wkey] = i
		}
	}
	return lookup(d.writes, d.own, sp, key)
}

// SetDeriver installs the deriver. It must be called before transactions run (or with the
// commit lock held, inside WithCommitLock).
func (m *Manager) SetDeriver(d Deriver) { m.opts.Deriver = d }

// deriveLocked runs the Deriver over writes and returns the derived writes. writes may have
// values replaced by the Deriver. REQUIRES: m.commitMu held.
// The result is valid until the next call (its buffer is reused).
func (m *Manager) deriveLocked(ts uint64, writes []write, replay bool) ([]write, error) {
	if m.opts.Deriver == nil || len(writes) == 0 {
		return nil, nil
	}
	d := &m.deriv
	clear(d.extra)
	*d = Derivation{m: m, ts: ts, replay: replay, writes: writes, extra: d.extra[:0]}
	if err := m.opts.Deriver.Derive(d); err != nil {
		return nil, err
	}
	return d.extra, nil
}

// CommitWith commits, as one ordinary logged transaction, the writes fn makes with the
// commit lock held: fn reads the committed state through d (Head, Store) and buffers
// writes with d.Put; they then go through the Deriver, the log and installation like any
// commit's writes, at one timestamp. No other commit can run between fn's reads and the
// installation, which is what index backfill and cleanup batches need. If fn fails or adds
// no writes nothing is committed; fn's error is returned. fn must be short: every writer
// waits for it.
func (m *Manager) CommitWith(fn func(d *Derivation) error) error {
	wait, err := m.commitWith(fn)
	if err != nil {
		return err
	}
	return waitDurable(wait)
}

// commitWith is CommitWith up to the wait for durability.
func (m *Manager) commitWith(fn func(d *Derivation) error) (wait func() error, err error) {
	m.commitMu.Lock()
	defer m.commitMu.Unlock()
	ts := m.store.Clock() + 1
	d := Derivation{m: m, ts: ts}
	if err := fn(&d); err != nil || len(d.extra) == 0 {
		return nil, err
	}
	if m.opts.Log != nil {
		m.recBuf = appendRecord(m.recBuf[:0], d.extra)
	}
	return m.commitLocked(ts, d.extra, m.recBuf)
}

// commitLocked commits writes, validated by the caller, at timestamp ts: it runs the
// Deriver, appends rec (the writes' encoded record; unused without a log) to the log,
// installs the writes and the derived ones and publishes ts. On error nothing is logged or
// installed. It returns the function the committer calls, after releasing the lock, to
// wait for durability (nil when there is nothing to wait for).
// REQUIRES: m.commitMu held; ts == m.store.Clock()+1.
func (m *Manager) commitLocked(ts uint64, writes []write, rec []byte) (wait func() error, err error) {
	extra, err := m.deriveLocked(ts, writes, false)
	if err != nil {
		return nil, err
	}
	if m.opts.Log != nil {
		if wait, err = m.opts.Log.Append(ts, rec); err != nil {
			return nil, err
		}
	}
	m.snapScratch = m.snaps.appendLive(m.snapScratch[:0])
	m.installWritesLocked(ts, writes, extra, m.snapScratch)
	m.store.SetClock(ts)
	m.commits.Add(1)
	return wait, nil
}

// installWritesLocked installs a commit's own writes, then its derived writes, at ts,
// pruning what none of snaps (ascending) can see. REQUIRES: m.commitMu held.
func (m *Manager) installWritesLocked(ts uint64, writes, extra []write, snaps []uint64) {
	for i := range writes {
		w := &writes[i]
		m.installLocked(w.sp, keyBytes(w.key), w.val, ts, snaps)
	}
	for i := range extra {
		w := &extra[i]
		m.installLocked(w.sp, keyBytes(w.key), w.val, ts, snaps)
	}
}

// keyBytes returns the bytes of key without copying them, for installLocked: the store
// copies the keys it keeps and never writes to the ones it is given, and observers must
// not modify or keep them (Observer), so the bytes of the string are never changed.
func keyBytes(key string) []byte {
	return unsafe.Slice(unsafe.StringData(key), len(key))
}

// waitDurable calls wait, the durability wait a commit returned, if there is one.
func waitDurable(wait func() error) error {
	if wait == nil {
		return nil
	}
	return wait()
}
