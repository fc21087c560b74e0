package index

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"slices"
	"strconv"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/txn"
	"github.com/memflux/memflux/value"
)

// SQLCatalogPrefix starts the visible catalog key SQL CREATE INDEX writes for each index
// (SPEC §4.14); Drop removes it with the definition.
const SQLCatalogPrefix = "_internal:indexes:"

// Create defines an index in tx. The definition (with a fresh ID, state building) is
// written to the Meta space; when tx commits, the index is built: inside that commit for
// small tables, else by the background backfill, which marks it ready when done (see
// WaitReady). Uncommitted, it is visible to tx only, and rolled back with it. Errors, in
// the order checked: ErrPrefix, ErrInvalid, ErrPathExists (for the origins IDX.CREATE and
// CREATEINDEX: an index of any origin but SQL on the same prefix and path), ErrExists (the
// name is taken).
func (m *Manager) Create(tx *txn.Txn, def Def) (*Def, error) {
	if err := def.Validate(); err != nil {
		return nil, err
	}
	for _, c := range def.Columns {
		if c.Expr == "" {
			continue
		}
		comp := m.compiler()
		if comp == nil {
			return nil, ErrNoCompiler
		}
		if _, err := comp.CompileIndexExpr(def.Table, c.Expr); err != nil {
			return nil, errors.Join(ErrInvalid, err)
		}
	}
	if p := def.SinglePath(); p != "" && (def.Origin == OriginCommand || def.Origin == OriginCreateIndex) {
		dup := false
		m.scanDefs(tx, func(d *Def) bool {
			dup = d.Origin != OriginSQL && d.Prefix == def.Prefix && d.SinglePath() == p
			return !dup
		})
		if dup {
			return nil, ErrPathExists
		}
	}
	if _, ok := m.getDef(tx, def.Name); ok {
		return nil, ErrExists
	}
	seq, _ := strconv.ParseUint(tx.GetString(mvcc.Meta, seqKey).Str(), 10, 32)
	id := max(uint32(seq), m.reg.maxID.Load()) + 1
	tx.Put(mvcc.Meta, []byte(seqKey), value.Bytes(strconv.FormatUint(uint64(id), 10)))
	def.ID = id
	def.State = StateBuilding
	def.Columns = slices.Clone(def.Columns)
	tx.Put(mvcc.Meta, []byte(DefKey(def.Name)), value.Bytes(encodeDef(&def)))
	bumpVersion(tx)
	return &def, nil
}

// Drop removes the definition of index name in tx (and its SQL catalog key) and reports
// whether it existed for tx. Once the drop commits, the entries are deleted: inside that
// commit when they are few, else in background batches.
func (m *Manager) Drop(tx *txn.Txn, name string) bool {
	if _, ok := m.getDef(tx, name); !ok {
		return false
	}
	tx.Delete(mvcc.Meta, []byte(DefKey(name)))
	tx.Delete(mvcc.Data, []byte(SQLCatalogPrefix+name))
	bumpVersion(tx)
	return true
}

// bumpVersion rewrites the version key (plan-cache invalidation).
func bumpVersion(tx *txn.Txn) {
	tx.Put(mvcc.Meta, []byte(versionKey), nextVersion(tx.GetString(mvcc.Meta, versionKey).Str()))
}

// nextVersion returns the value of the version key that follows cur, its current text.
func nextVersion(cur string) value.Value {
	n, _ := strconv.ParseUint(cur, 10, 64)
	return value.Bytes(strconv.FormatUint(n+1, 10))
}

// markReady writes def in state ready through d and bumps the version key, so that plans
// made while the index was not usable are replaced. The version it bumps is the one the
// commit itself writes, if it does (the creating commit), else the committed one.
func markReady(d *txn.Derivation, def *Def) {
	ready := *def
	ready.State = StateReady
	d.Put(mvcc.Meta, []byte(DefKey(ready.Name)), value.Bytes(encodeDef(&ready)))
	ver := d.HeadString(mvcc.Meta, versionKey).Str()
	for i := range d.Len() {
		if sp, key, v := d.Write(i); sp == mvcc.Meta && key == versionKey {
			ver = v.Str()
		}
	}
	d.Put(mvcc.Meta, []byte(versionKey), nextVersion(ver))
}

// scanCommitted calls fn, in key order, for every key of space sp starting with prefix
// whose newest version exists, with that value, until fn returns false. It reads chain
// heads, which are the committed state only under the commit lock (or as an estimate
// without it).
func scanCommitted(st *mvcc.Store, sp mvcc.Space, prefix []byte, fn func(k []byte, v value.Value) bool) {
	st.Tree(sp).Scan(prefix, func(k []byte, c *mvcc.Chain) bool {
		if !bytes.HasPrefix(k, prefix) {
			return false
		}
		if h := c.Head(); h != nil && h.Value().Exists() {
			return fn(k, h.Value())
		}
		return true
	})
}

// CreateOnline creates an index in its own transaction (IDX.CREATE, CREATEINDEX: index
// commands are not transactional, SPEC §5.2) and waits until it is built. Writers are not
// blocked meanwhile: large tables are built in short batches. A unique index over
// duplicate values fails with a *UniqueError (Build set) and is not created.
func (m *Manager) CreateOnline(ctx context.Context, def Def) (*Def, error) {
	var made *Def
	err := m.update(func(tx *txn.Txn) error {
		var err error
		made, err = m.Create(tx, def)
		return err
	})
	if err != nil {
		return nil, err
	}
	return made, m.WaitReady(ctx, made.ID)
}

// DropOnline drops an index in its own transaction and reports whether it existed.
func (m *Manager) DropOnline(name string) (bool, error) {
	var existed bool
	err := m.update(func(tx *txn.Txn) error {
		existed = m.Drop(tx, name)
		return nil
	})
	return existed, err
}

// update runs fn in a transaction of its own, retried on conflicts.
func (m *Manager) update(fn func(tx *txn.Txn) error) error {
	for attempt := 0; ; attempt++ {
		tx := m.txns.Begin(txn.ModeSnapshot)
		if err := fn(tx); err != nil {
			tx.Rollback()
			return err
		}
		err := tx.Commit()
		if errors.Is(err, txn.ErrRetryable) && attempt < 64 {
			continue
		}
		return err
	}
}

// getDef returns the definition of name visible to tx. The result is shared: do not
// modify it.
func (m *Manager) getDef(tx *txn.Txn, name string) (*Def, bool) {
	v := tx.GetString(mvcc.Meta, DefKey(name))
	if !v.Exists() {
		return nil, false
	}
	d := m.decodeCached(v.Str())
	return d, d != nil
}

// decodeCached decodes a stored definition, caching by its text.
func (m *Manager) decodeCached(raw string) *Def {
	if d, ok := m.defs.Load(raw); ok {
		return d.(*Def)
	}
	d, err := decodeDef(raw)
	if err != nil {
		return nil
	}
	m.defs.Store(raw, d)
	return d
}

// scanDefs calls fn for every definition visible to tx, by name, until fn returns false.
func (m *Manager) scanDefs(tx *txn.Txn, fn func(d *Def) bool) {
	tx.ScanPrefix(mvcc.Meta, []byte(defPrefix), func(_ []byte, v value.Value) bool {
		if d := m.decodeCached(v.Str()); d != nil {
			return fn(d)
		}
		return true
	})
}

// Get returns (a copy of) the definition of index name as tx sees it.
func (m *Manager) Get(tx *txn.Txn, name string) (*Def, error) {
	d, ok := m.getDef(tx, name)
	if !ok {
		return nil, ErrNotFound
	}
	c := *d
	return &c, nil
}

// List returns (copies of) every definition visible to tx, sorted by name.
func (m *Manager) List(tx *txn.Txn) []*Def {
	var out []*Def
	m.scanDefs(tx, func(d *Def) bool {
		c := *d
		out = append(out, &c)
		return true
	})
	return out
}

// UniqueFor returns (a copy of) the unique index covering column col of SQL table table,
// as tx sees it: a unique one-column path index on prefix "<table>:*" and path col. It
// returns nil when there is none.
func (m *Manager) UniqueFor(tx *txn.Txn, table, col string) *Def {
	var found *Def
	prefix := table + ":*"
	m.scanDefs(tx, func(d *Def) bool {
		if d.Unique && d.Prefix == prefix && d.SinglePath() == col {
			c := *d
			found = &c
			return false
		}
		return true
	})
	return found
}

// Usable reports whether tx can read index def's entries: the definition is ready in tx's
// snapshot (not merely written by tx itself) and is maintained. The planner and Lookup use
// the index only then.
func (m *Manager) Usable(tx *txn.Txn, def *Def) bool {
	if !def.Ready() || tx.Writes() > 0 && ownWrite(tx, mvcc.Meta, DefKey(def.Name)) {
		return false
	}
	l := m.reg.byID(def.ID)
	return l != nil && l.err == nil
}

// ownWrite reports whether tx has buffered a write of exactly key.
func ownWrite(tx *txn.Txn, sp mvcc.Space, key string) bool {
	found := false
	tx.OwnWrites(sp, []byte(key), func(k []byte, _ value.Value) bool {
		found = string(k) == key
		return !found
	})
	return found
}

// Lookup returns the keys of the rows whose indexed values equal vals exactly (the same
// JSON text, SPEC §4.15: 1, 1.0 and "1" differ) in index name, as tx sees them: the index
// entries of its snapshot with its own pending writes merged. vals may give fewer values
// than the index has columns (a prefix). A NULL value matches nothing (NULLs never
// conflict). When the index cannot be read yet (still building, or created by tx itself)
// the table is scanned instead, so the answer is always exact. Keys come sorted.
func (m *Manager) Lookup(tx *txn.Txn, name string, vals ...jsondoc.Value) ([]string, error) {
	def, ok := m.getDef(tx, name)
	if !ok {
		return nil, ErrNotFound
	}
	if len(vals) == 0 || len(vals) > len(def.Columns) {
		return nil, ErrInvalid
	}
	for _, v := range vals {
		if v.IsNull() {
			return nil, nil
		}
	}
	cp := m.compiledFor(def)
	if cp == nil {
		return nil, ErrNoCompiler
	}
	usable := m.Usable(tx, def)
	if usable {
		if rows, ok := probeUnique(tx, def, vals); ok {
			return rows, nil
		}
	}
	q := newLookup(def, cp, vals)
	var out []string
	if usable {
		out = q.index(tx)
	} else {
		out = q.table(tx)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// lookup is one Lookup call: the index and the encoding of the values looked up. It is not
// safe for concurrent use.
type lookup struct {
	def   *Def
	cp    *compiled
	want  []byte // the values' components
	kinds []byte // the kind bytes of the values that are numbers
}

// newLookup encodes vals (none of them NULL) for index def.
func newLookup(def *Def, cp *compiled, vals []jsondoc.Value) *lookup {
	q := &lookup{def: def, cp: cp, want: make([]byte, 0, 32)}
	for _, v := range vals {
		q.want = appendComponent(q.want, v)
		if v.IsNumber() {
			q.kinds = append(q.kinds, numberKind(v))
		}
	}
	return q
}

// exact reports whether an entry (its key after the index id) holds the values, kinds
// included.
func (q *lookup) exact(rest []byte) bool {
	comps, _, kinds, shadow, ok := splitEntry(rest, len(q.def.Columns))
	return ok && !shadow && bytes.HasPrefix(comps, q.want) && bytes.HasPrefix(kinds, q.kinds)
}

// matches reports whether row key, holding v, has the values.
func (q *lookup) matches(key string, v value.Value) bool {
	es := q.cp.rowEntries(nil, key, v)
	return len(es) > 0 && q.exact([]byte(es[0].key[idLen:]))
}

// table returns the matching rows tx sees by scanning every row under the index's prefix,
// for an index tx cannot read.
func (q *lookup) table(tx *txn.Txn) []string {
	var out []string
	tx.ScanPrefix(mvcc.Data, []byte(q.def.KeyPrefix()), func(k []byte, v value.Value) bool {
		if q.matches(string(k), v) {
			out = append(out, string(k))
		}
		return true
	})
	return out
}

// index returns the matching rows tx sees from the index entries of its snapshot, with
// the rows tx itself wrote under the prefix checked directly instead.
func (q *lookup) index(tx *txn.Txn) []string {
	own := map[string]value.Value{}
	tx.OwnWrites(mvcc.Data, []byte(q.def.KeyPrefix()), func(k []byte, v value.Value) bool {
		own[string(k)] = v
		return true
	})
	var out []string
	ep := append(idPrefix(q.def.ID), q.want...)
	tx.ScanPrefix(mvcc.Index, ep, func(k []byte, v value.Value) bool {
		if !q.exact(k[idLen:]) {
			return true
		}
		row, ok := rowKeyOf(k[idLen:], v, len(q.def.Columns))
		if _, mine := own[row]; ok && !mine {
			out = append(out, row)
		}
		return true
	})
	for k, v := range own {
		if v.Exists() && q.matches(k, v) {
			out = append(out, k)
		}
	}
	return out
}

// compiledFor returns the compiled form of def: the registry's when it is the same index,
// else compiled now (nil when an expression cannot be compiled).
func (m *Manager) compiledFor(def *Def) *compiled {
	if l := m.reg.byID(def.ID); l != nil && l.err == nil && l.def.Name == def.Name {
		return l.compiled
	}
	cp, err := compile(def, m.compiler())
	if err != nil {
		return nil
	}
	return cp
}

// FindDuplicate returns a *UniqueError (Build set) when two rows visible to tx hold the
// same non-NULL values for def's columns, else nil: the check SQL runs before defining a
// unique index or constraint over existing rows (SPEC §4.14). def need not exist.
func (m *Manager) FindDuplicate(tx *txn.Txn, def Def) error {
	cp, err := compile(&def, m.compiler())
	if err != nil {
		return err
	}
	def.Unique = true
	seen := map[string]string{}
	var dup error
	tx.ScanPrefix(mvcc.Data, []byte(def.KeyPrefix()), func(k []byte, v value.Value) bool {
		es := cp.rowEntries(nil, string(k), v)
		if len(es) == 0 || !es[0].unique {
			return true
		}
		if other, ok := seen[es[0].key]; ok {
			dup = &UniqueError{Index: def.Name, Columns: cp.columnNames(), Value: cp.valueText(string(k), v),
				Key: string(k), Other: other, Build: true}
			return false
		}
		seen[es[0].key] = string(k)
		return true
	})
	return dup
}

// probeUnique answers a Lookup of one value in a single-column unique index with one point
// read of the value's unique-form entry, whose value is the key of the row holding it: the
// index's range read would cost a scan (validated as a range at commit under serializable
// isolation) and several allocations. ok is false when it cannot answer: another kind of
// index, or tx has buffered rows under the index's prefix (the index does not hold them
// before commit; the range lookup merges them). REQUIRES: the index is usable by tx.
func probeUnique(tx *txn.Txn, def *Def, vals []jsondoc.Value) (rows []string, ok bool) {
	if !def.Unique || len(def.Columns) != 1 || len(vals) != 1 {
		return nil, false
	}
	if tx.Writes() > 0 && tx.HasOwnWrites(mvcc.Data, []byte(def.KeyPrefix())) {
		return nil, false
	}
	var c component
	c.encodeValue(vals[0])
	if c.null {
		return nil, true
	}
	key := make([]byte, 0, idLen+len(c.enc)+1)
	key = append(key, entryTag)
	key = binary.BigEndian.AppendUint32(key, def.ID)
	key = append(key, c.enc...)
	if c.kind != noKind {
		key = append(key, c.kind)
	}
	v := tx.Get(mvcc.Index, key)
	if !v.Exists() {
		return nil, true
	}
	return []string{v.Str()}, true
}
