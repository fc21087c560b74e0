package txn

import (
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
type Deriver interface {
	Derive(d *Derivation) error
}

// Derivation is one commit as its Deriver sees it: the commit's writes, read access to the
// committed state they apply to, and a buffer of derived writes. It is valid only during
// the Derive call (or the CommitWith function) it is passed to, and not safe for
// concurrent use.
type Derivation struct {
	m      *Manager
	ts     uint64
	replay bool

	writes []write // the commit's own writes; Put may replace one's value
	own    map[wkey]int

	extra []write
	index map[wkey]int // position of each key in extra
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
	c := d.m.store.Chain(sp, key)
	if c == nil {
		return value.Value{}
	}
	if h := c.Head(); h != nil {
		return h.Value()
	}
	return value.Value{}
}

// HeadString is Head for a string key.
func (d *Derivation) HeadString(sp mvcc.Space, key string) value.Value {
	c := d.m.store.Tree(sp).GetString(key)
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
	if sp != mvcc.Index {
		if i := d.ownWrite(sp, key); i >= 0 {
			d.writes[i].val = v
			return
		}
	}
	if d.index != nil {
		if i, ok := d.index[wkey{sp, string(key)}]; ok {
			d.extra[i].val = v
			return
		}
	}
	k := wkey{sp, string(key)}
	if d.index == nil {
		d.index = make(map[wkey]int)
	}
	d.index[k] = len(d.extra)
	d.extra = append(d.extra, write{wkey: k, val: v})
}

// Derived returns the number of derived writes so far.
func (d *Derivation) Derived() int { return len(d.extra) }

// ownWrite returns the position of key among the commit's own writes, or -1.
func (d *Derivation) ownWrite(sp mvcc.Space, key []byte) int {
	if len(d.writes) <= linearMax {
		for i := range d.writes {
			if d.writes[i].sp == sp && d.writes[i].key == string(key) {
				return i
			}
		}
		return -1
	}
	if d.own == nil {
		d.own = make(map[wkey]int, len(d.writes))
		for i := range d.writes {
			d.own[d.writes[i].wkey] = i
		}
	}
	if i, ok := d.own[wkey{sp, string(key)}]; ok {
		return i
	}
	return -1
}

// SetDeriver installs the deriver. It must be called before transactions run (or with the
// commit lock held, inside WithCommitLock).
func (m *Manager) SetDeriver(d Deriver) { m.opts.Deriver = d }

// deriveLocked runs the Deriver over writes and returns the derived writes. writes may have
// values replaced by the Deriver. REQUIRES: m.commitMu held.
func (m *Manager) deriveLocked(ts uint64, writes []write, replay bool) ([]write, error) {
	if m.opts.Deriver == nil || len(writes) == 0 {
		return nil, nil
	}
	d := Derivation{m: m, ts: ts, replay: replay, writes: writes}
	if err := m.opts.Deriver.Derive(&d); err != nil {
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
	m.commitMu.Lock()
	ts := m.store.Clock() + 1
	d := Derivation{m: m, ts: ts}
	if err := fn(&d); err != nil {
		m.commitMu.Unlock()
		return err
	}
	writes := d.extra
	if len(writes) == 0 {
		m.commitMu.Unlock()
		return nil
	}
	extra, err := m.deriveLocked(ts, writes, false)
	if err != nil {
		m.commitMu.Unlock()
		return err
	}
	var wait func() error
	if m.opts.Log != nil {
		m.recBuf = appendRecord(m.recBuf[:0], writes)
		if wait, err = m.opts.Log.Append(ts, m.recBuf); err != nil {
			m.commitMu.Unlock()
			return err
		}
	}
	m.installAllLocked(ts, writes, extra)
	m.commitMu.Unlock()
	m.commits.Add(1)
	if wait != nil {
		return wait()
	}
	return nil
}

// installAllLocked installs a commit's own writes, then its derived writes, at ts and
// publishes ts. REQUIRES: m.commitMu held.
func (m *Manager) installAllLocked(ts uint64, writes, extra []write) {
	m.snapScratch = m.snaps.appendLive(m.snapScratch[:0])
	for i := range writes {
		w := &writes[i]
		m.installLocked(w.sp, []byte(w.key), w.val, ts, m.snapScratch)
	}
	for i := range extra {
		w := &extra[i]
		m.installLocked(w.sp, []byte(w.key), w.val, ts, m.snapScratch)
	}
	m.store.SetClock(ts)
}
