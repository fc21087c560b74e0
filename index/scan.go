package index

import (
	"bytes"
	"slices"
	"strings"

	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/txn"
	"github.com/memflux/memflux/value"
)

// ScanOptions refine Scan. It is a plain value.
type ScanOptions struct {
	// Ordered yields rows in the index's order (ascending, NULLs first), which is SPEC
	// §4.11's ORDER BY order of the index's columns, rows with equal values in key order.
	Ordered bool
	// KeyPrefix keeps only rows whose key starts with it (an index on a broader prefix
	// than the table being scanned); "" keeps all.
	KeyPrefix string
}

// Scan calls fn with the key and value of every candidate row of index def within b, as
// tx sees them: the index entries of its snapshot, minus rows tx has written, plus every
// row tx has written under the index's prefix (the index does not hold them before
// commit). Candidates are a superset of the rows the conditions of b accept; the caller
// re-checks each. Each row is yielded once. fn returns false to stop. The entry ranges
// read are recorded as reads of tx (serializable validation sees an insert into them).
// When the index is not Usable for tx (a plan outlived it), every row under the prefix is
// a candidate, sorted by its entry when opts.Ordered.
func (m *Manager) Scan(tx *txn.Txn, def *Def, b *Bounds, opts ScanOptions, fn func(key []byte, v value.Value) bool) error {
	cp := m.compiledFor(def)
	if cp == nil {
		return ErrNoCompiler
	}
	s := scanner{m: m, tx: tx, cp: cp, opts: opts, fn: fn, ncols: len(def.Columns)}
	s.pfx = def.KeyPrefix()
	if opts.KeyPrefix != "" && strings.HasPrefix(opts.KeyPrefix, s.pfx) {
		s.pfx = opts.KeyPrefix
	}
	if !m.Usable(tx, def) {
		return s.fallback()
	}
	tx.OwnWrites(mvcc.Data, []byte(s.pfx), func(k []byte, v value.Value) bool {
		if s.own == nil {
			s.own = map[string]value.Value{}
		}
		s.own[string(k)] = v
		return true
	})
	if opts.Ordered {
		return s.ordered(b)
	}
	return s.unordered(b)
}

// scanner is the state of one Scan; it is not safe for concurrent use.
type scanner struct {
	m     *Manager
	tx    *txn.Txn
	cp    *compiled
	opts  ScanOptions
	fn    func(key []byte, v value.Value) bool
	ncols int
	pfx   string                 // row keys must start with it
	own   map[string]value.Value // tx's writes under pfx
	stop  bool
}

// candidate decodes an entry and returns its row key when the row is one to fetch.
func (s *scanner) candidate(k []byte, v value.Value) (comps []byte, row string, shadow, ok bool) {
	comps, rowb, _, shadow, ok := splitEntry(k[idLen:], s.ncols)
	if !ok {
		return nil, "", false, false
	}
	row = string(rowb)
	if len(rowb) == 0 {
		row = v.Str()
	}
	if !strings.HasPrefix(row, s.pfx) {
		return nil, "", false, false
	}
	if _, mine := s.own[row]; mine {
		return nil, "", false, false
	}
	return comps, row, shadow, true
}

// unordered yields the candidates in key order — the order of a scan of the table, so
// that a query gives exactly the same rows (ties and LIMIT without ORDER BY included)
// whether it reads an index or the table: the candidates of every range, deduplicated,
// merged with tx's own rows.
func (s *scanner) unordered(b *Bounds) error {
	var rows []string
	for _, r := range b.ranges {
		s.tx.ScanRange(mvcc.Index, r.start, r.end, func(k []byte, v value.Value) bool {
			if _, row, _, ok := s.candidate(k, v); ok {
				rows = append(rows, row)
			}
			return true
		})
	}
	// A row can be a candidate more than once (several ranges, or a real and a shadow
	// entry in one range); it is yielded once.
	slices.Sort(rows)
	rows = slices.Compact(rows)
	own := s.ownRows()
	for i, j := 0, 0; i < len(rows) || j < len(own); {
		var row string
		var v value.Value
		if j >= len(own) || (i < len(rows) && rows[i] < own[j]) {
			row, v = rows[i], s.tx.GetString(mvcc.Data, rows[i])
			i++
		} else {
			row, v = own[j], s.own[own[j]]
			j++
		}
		if !s.emit(row, v) {
			return nil
		}
	}
	return nil
}

// emit passes a row to fn unless it no longer exists.
func (s *scanner) emit(row string, v value.Value) bool {
	if !v.Exists() {
		return true
	}
	if !s.fn([]byte(row), v) {
		s.stop = true
		return false
	}
	return true
}

// ownRows returns the keys of tx's existing rows under the prefix, sorted.
func (s *scanner) ownRows() []string {
	var out []string
	for k, v := range s.own {
		if v.Exists() {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// sideRow is a row placed by its real entry: shadow-range candidates and tx's own rows.
type sideRow struct {
	comps []byte
	row   string
	v     value.Value
}

// ordered yields the rows in index order: the non-shadow ranges stream in order; rows
// found through shadow entries and tx's own rows are placed by their real entries and
// merged in. Rows with equal values come in key order: entries of a non-unique index
// already sort so (the row key precedes the kind bytes); a unique index's entries of
// equal values (1 and 1.0) are buffered and sorted.
func (s *scanner) ordered(b *Bounds) error {
	side := s.sideRows(b)
	var group []sideRow // unique index: entries with equal components
	emitMain := func(g sideRow) bool {
		for len(side) > 0 && before(side[0], g) {
			if !s.emit(side[0].row, side[0].v) {
				return false
			}
			side = side[1:]
		}
		return s.emit(g.row, s.tx.GetString(mvcc.Data, g.row))
	}
	flush := func() bool {
		slices.SortFunc(group, func(a, b sideRow) int { return strings.Compare(a.row, b.row) })
		for _, g := range group {
			if !emitMain(g) {
				return false
			}
		}
		group = group[:0]
		return true
	}
	unique := s.cp.def.Unique
	for _, r := range b.ranges {
		if r.shadow {
			continue
		}
		s.tx.ScanRange(mvcc.Index, r.start, r.end, func(k []byte, v value.Value) bool {
			comps, row, shadow, ok := s.candidate(k, v)
			if !ok || shadow {
				return true
			}
			if !unique {
				return emitMain(sideRow{comps: comps, row: row})
			}
			if len(group) > 0 && !bytes.Equal(group[0].comps, comps) && !flush() {
				return false
			}
			group = append(group, sideRow{comps: bytes.Clone(comps), row: row})
			return true
		})
		if s.stop {
			return nil
		}
	}
	if !flush() {
		return nil
	}
	for _, r := range side {
		if !s.emit(r.row, r.v) {
			return nil
		}
	}
	return nil
}

// before reports whether a sorts before b: by components, then by row key.
func before(a, b sideRow) bool {
	if c := bytes.Compare(a.comps, b.comps); c != 0 {
		return c < 0
	}
	return a.row < b.row
}

// sideRows collects the rows an ordered scan cannot stream: those found through shadow
// ranges and tx's own rows, sorted by their real entries.
func (s *scanner) sideRows(b *Bounds) []sideRow {
	var out []sideRow
	seen := map[string]bool{}
	add := func(row string, v value.Value, streamed bool) {
		if seen[row] || !v.Exists() {
			return
		}
		seen[row] = true
		es := s.cp.rowEntries(nil, row, v)
		if streamed && inRanges(b, es[0].key) {
			return // its real entry is in a streamed range
		}
		comps, _, _, _, ok := splitEntry([]byte(es[0].key[idLen:]), s.ncols)
		if ok {
			out = append(out, sideRow{comps: comps, row: row, v: v})
		}
	}
	for _, r := range b.ranges {
		if !r.shadow {
			continue
		}
		s.tx.ScanRange(mvcc.Index, r.start, r.end, func(k []byte, v value.Value) bool {
			if _, row, _, ok := s.candidate(k, v); ok {
				add(row, s.tx.GetString(mvcc.Data, row), true)
			}
			return true
		})
	}
	for _, row := range s.ownRows() {
		add(row, s.own[row], false)
	}
	slices.SortFunc(out, func(a, b sideRow) int {
		if c := bytes.Compare(a.comps, b.comps); c != 0 {
			return c
		}
		return strings.Compare(a.row, b.row)
	})
	return out
}

// fallback yields every row under the prefix: in key order, or sorted by entry when
// ordered.
func (s *scanner) fallback() error {
	var rows []sideRow
	s.tx.ScanPrefix(mvcc.Data, []byte(s.pfx), func(k []byte, v value.Value) bool {
		if !s.opts.Ordered {
			return s.fn(k, v)
		}
		es := s.cp.rowEntries(nil, string(k), v)
		if comps, _, _, _, ok := splitEntry([]byte(es[0].key[idLen:]), s.ncols); ok {
			rows = append(rows, sideRow{comps: comps, row: string(k), v: v})
		}
		return true
	})
	slices.SortStableFunc(rows, func(a, b sideRow) int { return bytes.Compare(a.comps, b.comps) })
	for _, r := range rows {
		if !s.fn([]byte(r.row), r.v) {
			break
		}
	}
	return nil
}

// inRanges reports whether the entry key lies in a non-shadow range of b.
func inRanges(b *Bounds, key string) bool {
	for _, r := range b.ranges {
		if !r.shadow && key >= string(r.start) && (r.end == nil || key < string(r.end)) {
			return true
		}
	}
	return false
}

// Count estimates the entries of index def within b from the newest committed state,
// counting at most limit (it returns limit when there are more). The planner uses it to
// estimate the selectivity of constant conditions.
func (m *Manager) Count(def *Def, b *Bounds, limit int) int {
	n := 0
	tree := m.txns.Store().Tree(mvcc.Index)
	for _, r := range b.ranges {
		tree.Scan(r.start, func(k []byte, c *mvcc.Chain) bool {
			if r.end != nil && bytes.Compare(k, r.end) >= 0 {
				return false
			}
			if h := c.Head(); h != nil && h.Value().Exists() {
				n++
			}
			return n < limit
		})
		if n >= limit {
			return limit
		}
	}
	return n
}

// HasStrings reports whether a row visible to tx holds a string in the first column of
// def (its own pending rows included). An SQL column of a numeric type sorts numeric
// strings as numbers (SPEC §4.11), which the index order does not; without strings the
// two orders agree.
func (m *Manager) HasStrings(tx *txn.Txn, def *Def) bool {
	p := idPrefix(def.ID)
	found := false
	for _, r := range [][2]byte{{tagString, tagString + 1}, {tagShadow, tagEnd}} {
		tx.ScanRange(mvcc.Index, append(bytes.Clone(p), r[0]), append(bytes.Clone(p), r[1]), func([]byte, value.Value) bool {
			found = true
			return false
		})
		if found {
			return true
		}
	}
	cp := m.compiledFor(def)
	if cp == nil {
		return true
	}
	tx.OwnWrites(mvcc.Data, []byte(def.KeyPrefix()), func(k []byte, v value.Value) bool {
		if es := cp.rowEntries(nil, string(k), v); len(es) > 0 && es[0].key[idLen] == tagString {
			found = true
		}
		return !found
	})
	return found
}
