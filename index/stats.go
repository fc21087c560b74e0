package index

import (
	"bytes"
	"math"
	"strconv"
	"sync/atomic"

	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/txn"
	"github.com/memflux/memflux/value"
)

// Stats are the planner's statistics of one index. Rows is maintained by every commit;
// Distinct is recomputed by a background pass over the index when Rows has drifted by more
// than a quarter since the last pass (a sample of the whole index, not a sketch). Both are
// estimates: they follow the newest committed state, not any snapshot. Stats is safe for
// concurrent use.
type Stats struct {
	rows      atomic.Int64 // rows covered (real entries; shadows excluded)
	distinct  atomic.Int64 // distinct values at the last pass
	sampledAt atomic.Int64 // rows at the last pass; 0 before the first
	sampled   atomic.Bool  // a pass has completed
}

// Sampled reports whether a statistics pass has completed since the index was loaded.
func (s *Stats) Sampled() bool { return s.sampled.Load() }

// Rows returns the number of rows the index covers.
func (s *Stats) Rows() int64 { return max(s.rows.Load(), 0) }

// Distinct returns the number of distinct values (of all columns together) at the last
// pass, or 0 before the first.
func (s *Stats) Distinct() int64 { return s.distinct.Load() }

// stale reports whether a new pass is due.
func (s *Stats) stale() bool {
	if !s.sampled.Load() {
		return true
	}
	r, at := s.rows.Load(), s.sampledAt.Load()
	d := r - at
	if d < 0 {
		d = -d
	}
	return d > 64 && d*4 > at
}

// Stats returns the statistics of the index with the given id (nil when it is not
// maintained), scheduling a refresh when they are stale.
func (m *Manager) Stats(id uint32) *Stats {
	l := m.reg.byID(id)
	if l == nil {
		return nil
	}
	if l.stats.stale() {
		m.schedule(id, jobStats)
	}
	return l.stats
}

// computeStats counts the live entries of index id and its distinct values in one pass
// over the newest committed entries, without locking (concurrent commits make it an
// estimate).
func (m *Manager) computeStats(id uint32) {
	l := m.reg.byID(id)
	if l == nil {
		return
	}
	pfx := idPrefix(id)
	n := len(l.def.Columns)
	var rows, distinct int64
	var prev []byte
	m.txns.Store().Tree(mvcc.Index).Scan(pfx, func(k []byte, c *mvcc.Chain) bool {
		if !bytes.HasPrefix(k, pfx) {
			return false
		}
		h := c.Head()
		if h == nil || !h.Value().Exists() {
			return true
		}
		comps, _, _, shadow, ok := splitEntry(k[idLen:], n)
		if !ok || shadow {
			return true
		}
		rows++
		if prev == nil || !bytes.Equal(prev, comps) {
			distinct++
			prev = append(prev[:0], comps...)
		}
		return true
	})
	s := l.stats
	s.rows.Store(rows)
	s.distinct.Store(distinct)
	s.sampledAt.Store(rows)
	s.sampled.Store(true)
	m.publishSize(id, rows)
}

// StatKey returns the Meta-space key holding the size class of index id: it changes when
// the index's row count crosses a power of √2, so that SQL plans chosen by cost, which
// depend on it, are made again when the table has grown or shrunk that much.
func StatKey(id uint32) string { return statPrefix + strconv.FormatUint(uint64(id), 10) }

const statPrefix = "idx/stat/"

// sizeClass returns the size class of a row count.
func sizeClass(rows int64) string {
	return strconv.Itoa(int(2 * math.Log2(float64(rows)+1)))
}

// publishSize commits the size class of index id when it changed.
func (m *Manager) publishSize(id uint32, rows int64) {
	class := sizeClass(rows)
	key := []byte(StatKey(id))
	err := m.txns.CommitWith(func(d *txn.Derivation) error {
		if m.reg.byID(id) == nil || d.Head(mvcc.Meta, key).Str() == class {
			return nil
		}
		d.Put(mvcc.Meta, key, value.Bytes(class))
		return nil
	})
	if err != nil {
		m.log.Error("index: publishing statistics", "id", id, "err", err)
	}
}
