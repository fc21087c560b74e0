package index

import (
	"bytes"
	"strings"
	"sync/atomic"

	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/value"
)

// live is a committed definition the Deriver maintains, with its statistics. It is
// immutable once published, except for the statistics (atomics).
type live struct {
	*compiled
	stats *Stats
	// err is set when the definition cannot be maintained (an expression column whose
	// compiler is missing or refuses it); such an index is never used.
	err error
}

// registry holds the latest committed definitions: what every commit derives entries for.
// It mirrors the Meta space and is rebuilt from it lazily (after a snapshot was loaded
// behind the Observer's back) and on Reset. Readers load the published list without
// locking; it changes only under the commit lock.
type registry struct {
	// loaded and the writes to list happen under the transaction manager's commit lock.
	loaded bool
	// list is the published, immutable slice of live definitions; readers load it without
	// locking.
	list atomic.Pointer[[]*live]
	// maxID is the highest index id seen in this process (never lowered, not even by
	// Reset), so that ids are never reused while entries of a dropped index may remain.
	maxID atomic.Uint32
}

// current returns the live definitions.
func (r *registry) current() []*live {
	if p := r.list.Load(); p != nil {
		return *p
	}
	return nil
}

// byID returns the live definition with the given id, or nil.
func (r *registry) byID(id uint32) *live {
	for _, l := range r.current() {
		if l.def.ID == id {
			return l
		}
	}
	return nil
}

// byName returns the live definition with the given name, or nil.
func (r *registry) byName(name string) *live {
	for _, l := range r.current() {
		if l.def.Name == name {
			return l
		}
	}
	return nil
}

// publishLocked replaces the list. REQUIRES: commit lock.
func (r *registry) publishLocked(list []*live) {
	r.list.Store(&list)
}

// noteID raises maxID to id.
func (r *registry) noteID(id uint32) {
	for {
		cur := r.maxID.Load()
		if id <= cur || r.maxID.CompareAndSwap(cur, id) {
			return
		}
	}
}

// ensureLoadedLocked builds the registry from the Meta space on first use.
// REQUIRES: commit lock.
func (m *Manager) ensureLoadedLocked(st *mvcc.Store) {
	r := &m.reg
	if r.loaded {
		return
	}
	r.loaded = true
	var list []*live
	scanCommitted(st, mvcc.Meta, []byte(defPrefix), func(_ []byte, v value.Value) bool {
		if l := m.liveOf(v.Str(), nil); l != nil {
			list = append(list, l)
		}
		return true
	})
	r.publishLocked(list)
}

// liveOf decodes and compiles a stored definition; prev, when it is the same index (same
// id), lends its statistics. It returns nil for undecodable metadata, which is logged.
func (m *Manager) liveOf(raw string, prev *live) *live {
	d, err := decodeDef(raw)
	if err != nil {
		m.log.Error("index: ignoring a corrupt definition", "err", err)
		return nil
	}
	m.reg.noteID(d.ID)
	l := &live{stats: &Stats{}}
	if prev != nil && prev.def.ID == d.ID {
		l.stats = prev.stats
	} else if s := m.pending[d.ID]; s != nil {
		l.stats = s // counted by the Derive call of the commit being installed
	}
	cp, err := compile(d, m.compiler())
	if err != nil {
		l.compiled = &compiled{def: d, prefix: idPrefix(d.ID), keyPfx: d.KeyPrefix()}
		l.err = err
		m.log.Error("index: cannot maintain index", "index", d.Name, "err", err)
		return l
	}
	l.compiled = cp
	return l
}

// Installed implements txn.Observer: it follows definition changes in the Meta space,
// whether committed or replayed, and schedules the background work they call for.
// REQUIRES: commit lock.
func (m *Manager) Installed(sp mvcc.Space, key []byte, _ *mvcc.Chain, _ *mvcc.Version, v value.Value) {
	if sp != mvcc.Meta || !bytes.HasPrefix(key, []byte(defPrefix)) {
		return
	}
	m.ensureLoadedLocked(m.txns.Store())
	name := string(key[len(defPrefix):])
	old := m.reg.byName(name)
	var nl *live
	if v.Exists() {
		nl = m.liveOf(v.Str(), old)
	}
	var list []*live
	for _, l := range m.reg.current() {
		if l.def.Name != name {
			list = append(list, l)
		}
	}
	if nl != nil {
		list = append(list, nl)
	}
	m.reg.publishLocked(list)
	if old != nil && (nl == nil || nl.def.ID != old.def.ID) {
		m.schedule(old.def.ID, jobCleanup)
	}
	if nl != nil && nl.err == nil && nl.def.State == StateBuilding {
		m.schedule(nl.def.ID, jobBackfill)
	}
	m.changed()
}

// Reset implements txn.Observer: FLUSHDB and WIPEDB dropped every index with the data.
// REQUIRES: commit lock.
func (m *Manager) Reset() {
	m.reg.loaded = true
	m.reg.publishLocked(nil)
	m.changed()
}

// coversAny reports whether any of the definitions covers key (cheap pre-check).
func coversAny(list []*live, key string) bool {
	for _, l := range list {
		if strings.HasPrefix(key, l.keyPfx) {
			return true
		}
	}
	return false
}
