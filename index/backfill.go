package index

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"

	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/txn"
	"github.com/memflux/memflux/value"
)

// jobKind is a bit set of background work for one index.
type jobKind uint8

const (
	jobBackfill jobKind = 1 << iota // build a building index over the existing rows
	jobCleanup                      // delete the entries of a dropped index
	jobStats                        // recompute statistics
)

// schedule queues background work for index id. It never blocks; safe under the commit
// lock.
func (m *Manager) schedule(id uint32, k jobKind) {
	m.jobsMu.Lock()
	m.jobs[id] |= k
	m.jobsMu.Unlock()
	select {
	case m.kick <- struct{}{}:
	default:
	}
}

// work runs queued jobs until ctx ends. Started by Start, stopped by Close.
func (m *Manager) work(ctx context.Context) {
	defer m.wg.Done()
	defer m.setIdle()
	for {
		select {
		case <-ctx.Done():
			return
		case <-m.kick:
		}
		for {
			id, k, ok := m.nextJob()
			if !ok {
				break
			}
			m.run(ctx, id, k)
			if ctx.Err() != nil {
				return
			}
		}
	}
}

// nextJob takes one queued job for the worker; when there is none, the worker is idle.
func (m *Manager) nextJob() (uint32, jobKind, bool) {
	m.jobsMu.Lock()
	defer m.jobsMu.Unlock()
	for id, k := range m.jobs {
		delete(m.jobs, id)
		m.busy = true
		return id, k, true
	}
	m.setIdleLocked()
	return 0, 0, false
}

// setIdle marks the worker idle and wakes those waiting for it.
func (m *Manager) setIdle() {
	m.jobsMu.Lock()
	defer m.jobsMu.Unlock()
	m.setIdleLocked()
}

// setIdleLocked is setIdle. REQUIRES: m.jobsMu held.
func (m *Manager) setIdleLocked() {
	m.busy = false
	m.idle.Broadcast()
}

// run performs the jobs of one index, in order: cleanup, backfill, statistics.
func (m *Manager) run(ctx context.Context, id uint32, k jobKind) {
	if k&jobCleanup != 0 {
		if err := m.cleanup(ctx, id); err != nil {
			m.log.Error("index: cleanup failed", "id", id, "err", err)
		}
	}
	if k&jobBackfill != 0 {
		if err := m.backfill(ctx, id); err != nil {
			m.fail(id, err)
		}
	}
	if k&jobStats != 0 {
		m.computeStats(id)
	}
}

// fail records a build failure for WaitReady and drops the index.
func (m *Manager) fail(id uint32, err error) {
	m.jobsMu.Lock()
	m.failures[id] = err
	m.jobsMu.Unlock()
	m.log.Error("index: build failed", "id", id, "err", err)
	l := m.reg.byID(id)
	if l == nil {
		m.changed()
		return
	}
	name := l.def.Name
	derr := m.update(func(tx *txn.Txn) error {
		if d, ok := m.getDef(tx, name); ok && d.ID == id {
			m.Drop(tx, name)
		}
		return nil
	})
	if derr != nil {
		m.log.Error("index: dropping a failed index", "index", name, "err", derr)
	}
	m.changed()
}

// backfill builds index id over the rows that existed before its definition committed:
// batches of BatchSize keys, each read (newest committed value) and indexed under the
// commit lock as one logged commit, so concurrent writers wait for one batch at most. Every
// commit after the definition maintains the index itself, so when the walk ends the index
// is complete and a last commit marks it ready.
func (m *Manager) backfill(ctx context.Context, id uint32) error {
	var from []byte
	for {
		if ctx.Err() != nil {
			return nil // resumed at the next Start
		}
		var next []byte
		err := m.txns.CommitWith(func(d *txn.Derivation) error {
			l := m.reg.byID(id)
			if l == nil || l.err != nil || l.def.State != StateBuilding {
				return errStop
			}
			if from == nil {
				from = []byte(l.keyPfx)
			}
			var cs changeSet
			next = m.backfillBatch(d, l, from, &cs)
			return cs.applyBuild(d)
		})
		if errors.Is(err, errStop) {
			return nil
		}
		if err != nil {
			return err
		}
		if next == nil {
			break
		}
		from = next
	}
	return m.txns.CommitWith(func(d *txn.Derivation) error {
		if l := m.reg.byID(id); l != nil && l.def.State == StateBuilding {
			markReady(d, l.def)
		}
		return nil
	})
}

// backfillBatch adds the entries of up to BatchSize live rows from key from on, and
// returns the key to continue at (nil when the prefix is exhausted).
func (m *Manager) backfillBatch(d *txn.Derivation, l *live, from []byte, cs *changeSet) []byte {
	pfx := []byte(l.keyPfx)
	n := 0
	var next []byte
	d.Store().Tree(mvcc.Data).Scan(from, func(k []byte, c *mvcc.Chain) bool {
		if !bytes.HasPrefix(k, pfx) {
			return false
		}
		if n >= m.opts.BatchSize {
			next = bytes.Clone(k)
			return false
		}
		n++
		if h := c.Head(); h != nil && h.Value().Exists() {
			cs.row(l, string(k), value.Value{}, h.Value(), true)
		}
		return true
	})
	return next
}

// applyBuild installs the entries of a backfill batch: unlike a row change, an entry that
// is already present (maintained since the definition committed) is skipped, and a
// unique entry held by another row is a build failure.
func (cs *changeSet) applyBuild(d *txn.Derivation) error {
	kept := cs.adds[:0]
	for _, c := range cs.adds {
		if head, ok := liveHead(d, c.e.key); ok && head.Str() == c.e.val {
			continue
		}
		kept = append(kept, c)
	}
	cs.adds = kept
	return cs.apply(d)
}

// cleanup deletes the entries of a dropped index in batches of logged commits. It stops
// if the id is in use again (it never is: ids are not reused within a process).
func (m *Manager) cleanup(ctx context.Context, id uint32) error {
	pfx := idPrefix(id)
	for ctx.Err() == nil {
		more := false
		err := m.txns.CommitWith(func(d *txn.Derivation) error {
			if m.reg.byID(id) != nil {
				return errStop
			}
			n := 0
			scanCommitted(d.Store(), mvcc.Index, pfx, func(k []byte, _ value.Value) bool {
				if n >= m.opts.BatchSize {
					more = true
					return false
				}
				d.Put(mvcc.Index, k, value.Value{})
				n++
				return true
			})
			return nil
		})
		if errors.Is(err, errStop) {
			return nil
		}
		if err != nil || !more {
			return err
		}
	}
	return nil
}

// orphansLocked returns the ids that have entries in the Index space but no definition (a
// drop whose cleanup a crash interrupted). REQUIRES: commit lock.
func (m *Manager) orphansLocked() []uint32 {
	var out []uint32
	tree := m.txns.Store().Tree(mvcc.Index)
	start := []byte{entryTag}
	for {
		var id uint32
		found := false
		tree.Scan(start, func(k []byte, _ *mvcc.Chain) bool {
			if len(k) >= idLen && k[0] == entryTag {
				id, found = binary.BigEndian.Uint32(k[1:idLen]), true
			}
			return false
		})
		if !found {
			return out
		}
		m.reg.noteID(id)
		if m.reg.byID(id) == nil {
			out = append(out, id)
		}
		if id == ^uint32(0) {
			return out
		}
		start = idPrefix(id + 1)
	}
}

// WaitIdle waits until the background worker has neither a queued nor a running job (a
// build, a cleanup or a statistics pass), or ctx ends (its error). Work queued by later
// commits is not waited for. Tests and benchmarks use it to start from a quiet database.
func (m *Manager) WaitIdle(ctx context.Context) error {
	stop := context.AfterFunc(ctx, func() {
		m.jobsMu.Lock()
		m.idle.Broadcast()
		m.jobsMu.Unlock()
	})
	defer stop()
	m.jobsMu.Lock()
	defer m.jobsMu.Unlock()
	for m.busy || len(m.jobs) > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		if m.closed.Load() {
			return ErrClosed
		}
		m.idle.Wait()
	}
	return nil
}
