package index

import (
	"bytes"
	"strings"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/txn"
	"github.com/memflux/memflux/value"
)

// entryChange is one entry a commit adds or removes. It is a plain value.
type entryChange struct {
	l     *live
	e     rowEntry
	row   string
	doc   value.Value // the row's value (for error messages)
	build bool        // part of building an index created by this commit
}

// changeSet collects a commit's entry changes: removals are applied before additions, so
// that a value moving from one row to another in one commit is not a violation. It is used
// under the commit lock only (or by one backfill batch), and reused from commit to commit:
// the keys of its entries come from the arena buf and are valid until the next reset.
type changeSet struct {
	removes []entryChange
	adds    []entryChange
	scratch [2][]rowEntry
	buf     entryBuf
	// removed and added are apply's sets of unique entry keys given up and taken by the
	// commit (added: by which row); kept to reuse their storage.
	removed map[string]bool
	added   map[string]string
}

// reset empties the set, keeping its buffers. Every entry key it handed out is invalid
// from then on.
func (cs *changeSet) reset() {
	clear(cs.removes)
	clear(cs.adds)
	cs.removes, cs.adds = cs.removes[:0], cs.adds[:0]
	// Buffers a large commit (a build in the commit, a big batch) grew are dropped
	// rather than kept for good.
	if len(cs.removed)+len(cs.added) > maxKeptEntries {
		cs.removed, cs.added = nil, nil
	}
	clear(cs.removed)
	clear(cs.added)
	cs.buf.reset()
	if cap(cs.buf.keys) > maxKeptEntries*64 {
		cs.buf.keys = nil
	}
}

// maxKeptEntries bounds the unique-entry sets a changeSet keeps between commits; its key
// arena keeps up to 64 bytes per entry of that.
const maxKeptEntries = 1024

// row records the entry changes of one row of index l going from old to new.
func (cs *changeSet) row(l *live, key string, old, new value.Value, build bool) {
	cs.buf.arena = true
	oe := l.appendEntries(&cs.buf, cs.scratch[0][:0], key, old)
	ne := l.appendEntries(&cs.buf, cs.scratch[1][:0], key, new)
	cs.scratch[0], cs.scratch[1] = oe, ne
	for _, o := range oe {
		if !hasEntry(ne, o.key, o.val) {
			cs.removes = append(cs.removes, entryChange{l: l, e: o, row: key})
		}
	}
	for _, n := range ne {
		if !hasEntry(oe, n.key, n.val) {
			cs.adds = append(cs.adds, entryChange{l: l, e: n, row: key, doc: new, build: build})
		}
	}
}

// hasEntry reports whether list holds the entry key with value val.
func hasEntry(list []rowEntry, key, val string) bool {
	for i := range list {
		if list[i].key == key && list[i].val == val {
			return true
		}
	}
	return false
}

// liveHead reports whether key has a live committed head in the Index space.
func liveHead(d *txn.Derivation, key string) (value.Value, bool) {
	v := d.HeadString(mvcc.Index, key)
	return v, v.Exists()
}

// apply installs the changes through d, enforcing unique indexes. On a replayed commit a
// violation is not refused (it was accepted when first made): the entry is stored in the
// non-unique form instead, so that nothing is lost. Only unique entries are checked
// against the index; the row counts assume that a removed entry existed and an added one
// did not, which holds except for rows an index still building has not reached (the
// statistics pass corrects the drift). It is called at most once between resets.
func (cs *changeSet) apply(d *txn.Derivation) error {
	for i := range cs.removes {
		c := &cs.removes[i]
		if !c.e.shadow {
			c.l.stats.rows.Add(-1)
		}
		d.PutString(mvcc.Index, c.e.key, value.Value{})
		if c.e.unique {
			if cs.removed == nil {
				cs.removed = make(map[string]bool)
			}
			cs.removed[c.e.key] = true
		}
	}
	for i := range cs.adds {
		c := &cs.adds[i]
		if c.e.unique {
			if err := cs.checkUnique(d, c); err != nil {
				return err
			}
		}
		if !c.e.shadow {
			c.l.stats.rows.Add(1)
		}
		d.PutString(mvcc.Index, c.e.key, value.Bytes(c.e.val))
	}
	return nil
}

// checkUnique refuses a unique entry whose value another row holds: in the index (and not
// given up by this commit: a point probe of the entry key) or added by this commit. On
// replay the entry is rewritten in the non-unique form instead.
func (cs *changeSet) checkUnique(d *txn.Derivation, c *entryChange) error {
	other, dup := cs.added[c.e.key]
	if !dup && !cs.removed[c.e.key] {
		if head, live := liveHead(d, c.e.key); live && head.Str() != c.row {
			other, dup = head.Str(), true
		}
	}
	if dup && other != c.row {
		if !d.Replay() {
			return c.violation(other)
		}
		c.e.key = nonUniqueKey(c.e.key, c.row, c.l.def.Columns)
		c.e.val = ""
		c.e.unique = false
	}
	if cs.added == nil {
		cs.added = make(map[string]string)
	}
	cs.added[c.e.key] = c.row
	return nil
}

// nonUniqueKey turns a unique-form entry key into the non-unique form: the row key goes
// before the kind bytes.
func nonUniqueKey(key, row string, cols []Column) string {
	comps, _, kinds, _, ok := splitEntry([]byte(key[idLen:]), len(cols))
	if !ok {
		return key + row
	}
	return key[:idLen] + string(comps) + row + string(kinds)
}

// violation builds the error of a unique violation with the row holding the value.
func (c *entryChange) violation(other string) error {
	return &UniqueError{Index: c.l.def.Name, Columns: c.l.columnNames(), Value: c.l.valueText(c.row, c.doc),
		Key: c.row, Other: other, Build: c.build}
}

// columnNames returns the paths or expressions of the columns.
func (cp *compiled) columnNames() []string {
	out := make([]string, len(cp.def.Columns))
	for i, c := range cp.def.Columns {
		out[i] = c.Path
		if c.Expr != "" {
			out[i] = c.Expr
		}
	}
	return out
}

// valueText renders a row's indexed values as compact JSON, comma-separated.
func (cp *compiled) valueText(key string, v value.Value) string {
	doc := docOf(v)
	var parts []string
	for _, col := range cp.cols {
		raw, val, isRaw := col(key, doc)
		if !isRaw {
			raw = val.String()
		}
		parts = append(parts, raw)
	}
	return strings.Join(parts, ", ")
}

// Derive implements txn.Deriver: it computes the entry changes of a commit from its writes
// and the committed values they replace, builds small indexes created by the commit and
// removes the entries of small indexes it drops. REQUIRES: commit lock (the Manager holds
// it when calling).
func (m *Manager) Derive(d *txn.Derivation) error {
	m.ensureLoadedLocked(d.Store())
	clear(m.pending)
	lives, created, dropped, err := m.overlay(d, m.reg.current())
	if err != nil {
		return err
	}
	if len(lives) == 0 && len(dropped) == 0 {
		return nil
	}
	cs := &m.cs
	cs.reset()
	cs.rows(d, lives, created)
	for _, l := range created {
		if l.err == nil && l.def.State == StateBuilding {
			m.buildInCommit(d, l, cs)
		}
	}
	for _, id := range dropped {
		m.cleanInCommit(d, id)
	}
	if err := cs.apply(d); err != nil {
		return err
	}
	for _, l := range lives {
		if l.stats.sampled.Load() && l.stats.stale() {
			m.schedule(l.def.ID, jobStats)
		}
	}
	return nil
}

// rows records the entry changes of the commit's Data writes for the indexes lives; those
// in created are built by this commit.
func (cs *changeSet) rows(d *txn.Derivation, lives, created []*live) {
	for i := range d.Len() {
		sp, key, v := d.Write(i)
		if sp != mvcc.Data || !coversAny(lives, key) {
			continue
		}
		old := d.HeadString(mvcc.Data, key)
		for _, l := range lives {
			if l.err == nil && strings.HasPrefix(key, l.keyPfx) {
				cs.row(l, key, old, v, isCreated(created, l))
			}
		}
	}
}

// isCreated reports whether l is one of the indexes created by the commit.
func isCreated(created []*live, l *live) bool {
	for _, c := range created {
		if c == l {
			return true
		}
	}
	return false
}

// overlay applies the commit's definition writes to the registry's list: the definitions
// the commit's writes are maintained for. It returns the indexes the commit creates and
// the ids of those it drops. A commit without definition writes gets lives back as is.
func (m *Manager) overlay(d *txn.Derivation, lives []*live) (out, created []*live, dropped []uint32, err error) {
	if !writesDefinitions(d) {
		return lives, nil, nil, nil
	}
	out = append([]*live(nil), lives...)
	for i := range d.Len() {
		sp, key, v := d.Write(i)
		if sp != mvcc.Meta || !strings.HasPrefix(key, defPrefix) {
			continue
		}
		name := key[len(defPrefix):]
		var old *live
		for j, l := range out {
			if l.def.Name == name {
				old = l
				out = append(out[:j:j], out[j+1:]...)
				break
			}
		}
		var nl *live
		if v.Exists() {
			if nl = m.liveOf(v.Str(), old); nl == nil {
				if !d.Replay() {
					return nil, nil, nil, ErrCorrupt
				}
			} else if nl.err != nil && !d.Replay() {
				return nil, nil, nil, nl.err
			}
		}
		if old != nil && (nl == nil || nl.def.ID != old.def.ID) {
			dropped = append(dropped, old.def.ID)
		}
		if nl != nil {
			if old == nil || old.def.ID != nl.def.ID {
				nl.stats = &Stats{}
				if m.pending == nil {
					m.pending = make(map[uint32]*Stats)
				}
				m.pending[nl.def.ID] = nl.stats
				created = append(created, nl)
			}
			out = append(out, nl)
		}
	}
	return out, created, dropped, nil
}

// writesDefinitions reports whether the commit writes an index definition.
func writesDefinitions(d *txn.Derivation) bool {
	for i := range d.Len() {
		if sp, key, _ := d.Write(i); sp == mvcc.Meta && strings.HasPrefix(key, defPrefix) {
			return true
		}
	}
	return false
}

// buildInCommit builds an index created by this commit over the existing rows when they
// are few (at most SyncBuildLimit) and marks it ready in the same commit; a larger table
// is left to the background backfill. Rows the commit itself writes were handled with
// its writes. The decision depends only on the committed state, so replay repeats it.
func (m *Manager) buildInCommit(d *txn.Derivation, l *live, cs *changeSet) {
	st := d.Store()
	pfx := []byte(l.keyPfx)
	n := 0
	scanCommitted(st, mvcc.Data, pfx, func([]byte, value.Value) bool {
		n++
		return n <= m.opts.SyncBuildLimit
	})
	if n > m.opts.SyncBuildLimit {
		return
	}
	written := make(map[string]bool)
	for i := range d.Len() {
		if sp, key, _ := d.Write(i); sp == mvcc.Data {
			written[key] = true
		}
	}
	scanCommitted(st, mvcc.Data, pfx, func(k []byte, v value.Value) bool {
		if !written[string(k)] {
			cs.row(l, string(k), value.Value{}, v, true)
		}
		return true
	})
	markReady(d, l.def)
}

// cleanInCommit deletes the entries of a dropped index in the dropping commit when they are
// few (at most SyncBuildLimit); more are left to the background cleanup.
func (m *Manager) cleanInCommit(d *txn.Derivation, id uint32) {
	var keys [][]byte
	over := false
	scanCommitted(d.Store(), mvcc.Index, idPrefix(id), func(k []byte, _ value.Value) bool {
		if len(keys) >= m.opts.SyncBuildLimit {
			over = true
			return false
		}
		keys = append(keys, bytes.Clone(k))
		return true
	})
	if over {
		return
	}
	for _, k := range keys {
		d.Put(mvcc.Index, k, value.Value{})
	}
}

// valuesOf returns the values of a row's indexed columns (for tests and messages).
func (cp *compiled) valuesOf(key string, v value.Value) []jsondoc.Value {
	doc := docOf(v)
	out := make([]jsondoc.Value, len(cp.cols))
	for i, col := range cp.cols {
		raw, val, isRaw := col(key, doc)
		if isRaw {
			val = jsondoc.Decode(raw)
		}
		out[i] = val
	}
	return out
}
