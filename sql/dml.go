package sql

import (
	"sync"

	"github.com/google/uuid"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/sql/catalog"
	"github.com/memflux/memflux/sql/exec"
	"github.com/memflux/memflux/sql/sem"
	"github.com/memflux/memflux/txn"
	"github.com/memflux/memflux/value"
)

// stmt is the state of one executing INSERT, UPDATE, DELETE, TRUNCATE or
// DDL statement: its transaction, its catalog reader, the per-table caches
// its constraint checks build, and the rows it changed. Every write of the
// statement goes through put and del, which keep those caches exact. A stmt
// belongs to one execution at a time and is not safe for concurrent use; a
// DML statement takes it from a pool (acquireStmt) and gives it back when it
// ends (release).
type stmt struct {
	e      *Engine
	tx     *txn.Txn
	cat    *catalog.Reader
	params []jsondoc.Value
	// ctx evaluates the statement's compiled expressions.
	ctx *exec.Ctx
	// tctx evaluates each table's checks and defaults.
	tctx map[*tableInfo]*exec.Ctx
	// target is the table of the statement's plan; infos are the other
	// tables it touched (few: a linear search beats a map).
	target *tableInfo
	infos  []*tableInfo
	// uniq are the UNIQUE lookups built so far (one per table and column;
	// few, so a slice).
	uniq []*uniqueSet
	// cols index tables by column tuples (foreign-key lookups).
	cols map[colKey]*colIndex
	// deleting are the rows whose deletion the statement has begun (their
	// foreign-key actions are running), so that cycles end.
	deleting map[string]bool
	// refs are the foreign keys referencing each table, loaded once
	// (refs.go); the first table's are in refsFirst.
	refs      map[string][]fkRef
	refsDone  bool
	refsTable string
	refsFirst []fkRef
	// guards is set under snapshot isolation: UNIQUE and FOREIGN KEY
	// checks then also write guard keys, so that two transactions whose
	// checks depend on each other conflict at commit (SPEC §4.15).
	guards bool
	// depth bounds cascading foreign-key actions.
	depth int
	// noActions is set while an UPDATE writes a row whose referencable
	// columns it does not assign (updatePlan.refSet).
	noActions bool
	// skipFK is a foreign key not to check while ON UPDATE CASCADE
	// rewrites the rows referencing a parent row.
	skipFK *catalog.Constraint
	// staged are the rows of table stagedIn an INSERT validated but has
	// not written yet, by key, in order (stagedKeys): they are written at
	// the end of the statement (flush), and every lookup of the statement
	// sees them. Deferring the writes keeps lookups that merge the
	// transaction's own writes (the index's) cheap for a multi-row INSERT.
	staged     map[string]string
	stagedKeys []string
	stagedIn   *tableInfo

	// The rest is scratch space a pooled stmt keeps from one statement to
	// the next (acquireStmt): the catalog reader cat points to, the values
	// of the INSERT row at hand (valuesRows), the members and text of the
	// document being built (buildDoc), and the bytes of a key passed to the
	// transaction (keyBytes), which copies what it keeps.
	catR    catalog.Reader
	vals    []jsondoc.Value
	docVals []jsondoc.Value
	members []jsondoc.Member
	docBuf  []byte
	keyBuf  []byte
	// coll collects the rows of an UPDATE or DELETE (collectRows).
	coll *collector
	// chk is the frame CHECK constraints are evaluated in, over the row
	// chkRow of the one slot chkSlot (checkChecks).
	chk     exec.Frame
	chkRow  exec.Row
	chkSlot [1]exec.Slot
}

// newStmt returns the execution state of a statement in tx (DDL: not
// pooled).
func (e *Engine) newStmt(tx *txn.Txn, params []jsondoc.Value, nState int) *stmt {
	s := &stmt{}
	s.init(e, tx, params, exec.NewCtx(tx, params, nState, e.opts.Limits))
	return s
}

// stmtPool holds released statements (stmt.release) with their scratch
// space.
var stmtPool = sync.Pool{New: func() any { return new(stmt) }}

// acquireStmt is newStmt reusing a released statement and execution
// context, so that a single-row DML statement allocates no execution state.
// The caller releases it when the statement is over.
func (e *Engine) acquireStmt(tx *txn.Txn, params []jsondoc.Value, nState int) *stmt {
	s := stmtPool.Get().(*stmt)
	s.init(e, tx, params, exec.AcquireCtx(tx, params, nState, e.opts.Limits))
	return s
}

// init prepares s, new or released, for a statement in tx.
func (s *stmt) init(e *Engine, tx *txn.Txn, params []jsondoc.Value, ctx *exec.Ctx) {
	s.e, s.tx, s.params, s.ctx = e, tx, params, ctx
	s.catR = catalog.Reader{Cat: &e.cat, Tx: tx, NoDeps: true}
	s.cat = &s.catR
	s.guards = tx.Manager().Isolation() == txn.Snapshot
}

// maxPooledScratch bounds the scratch space a released stmt keeps.
const maxPooledScratch = 4 << 10

// release returns a statement of acquireStmt to the pool, with its
// execution contexts. The statement must be over: its results (counts,
// rendered rows, strings) do not point into it. A statement that panicked
// must not be released.
func (s *stmt) release() {
	s.ctx.Release()
	for ti, c := range s.tctx {
		c.Release()
		delete(s.tctx, ti)
	}
	clear(s.infos)
	// The uniqueSets are kept for the next statements (stmt.uniqueSet),
	// emptied; past a few, they go.
	for _, u := range s.uniq {
		*u = uniqueSet{}
	}
	if cap(s.uniq) > 8 {
		s.uniq = nil
	}
	vals, docVals, members := s.vals, s.docVals, s.members
	clear(vals)
	if cap(vals) > 64 || cap(docVals) > 64 || cap(members) > 64 {
		vals, docVals, members = nil, nil, nil
	}
	docBuf, keyBuf := s.docBuf[:0], s.keyBuf[:0]
	if cap(docBuf) > maxPooledScratch {
		docBuf = nil
	}
	if cap(keyBuf) > maxPooledScratch {
		keyBuf = nil
	}
	if s.coll != nil {
		s.coll.reset()
	}
	*s = stmt{
		tctx: s.tctx, infos: s.infos[:0], uniq: s.uniq[:0], coll: s.coll,
		vals: vals[:0], docVals: docVals[:0], members: members[:0], docBuf: docBuf, keyBuf: keyBuf,
	}
	stmtPool.Put(s)
}

// keyBytes returns key as bytes in the statement's scratch buffer, valid
// until the next call: for the transaction's methods, which copy the keys
// they keep.
func (s *stmt) keyBytes(key string) []byte {
	s.keyBuf = append(s.keyBuf[:0], key...)
	return s.keyBuf
}

// info returns the compiled table name as the statement sees it.
func (s *stmt) info(name string) (*tableInfo, error) {
	if s.target != nil && s.target.name == name {
		return s.target, nil
	}
	for _, ti := range s.infos {
		if ti.name == name {
			return ti, nil
		}
	}
	schema, err := s.cat.Table(name)
	if err != nil {
		return nil, sem.Errorf(sem.ErrExec, "Schema of table '%s' is invalid: %v", name, err)
	}
	ti, err := s.e.infos.get(name, schema)
	if err != nil {
		return nil, err
	}
	s.infos = append(s.infos, ti)
	return ti, nil
}

// tableCtx returns the context a table's checks and defaults run in.
func (s *stmt) tableCtx(ti *tableInfo) *exec.Ctx {
	if c := s.tctx[ti]; c != nil {
		return c
	}
	if s.tctx == nil {
		s.tctx = map[*tableInfo]*exec.Ctx{}
	}
	c := exec.AcquireCtx(s.tx, nil, ti.nState, s.e.opts.Limits)
	s.tctx[ti] = c
	return c
}

// load returns the document under key as the statement sees it; exists
// reports whether the key holds any value (a non-JSON value reads as {}).
func (s *stmt) load(key string) (doc string, exists bool) {
	if doc, ok := s.staged[key]; ok {
		return doc, true
	}
	v := s.tx.Get(mvcc.Data, s.keyBytes(key))
	if !v.Exists() {
		return "", false
	}
	return exec.DocOf(v), true
}

// exists reports whether key holds a value as the statement sees it (load
// without the document, for a key in bytes).
func (s *stmt) exists(key []byte) bool {
	if _, ok := s.staged[string(key)]; ok {
		return true
	}
	return s.tx.Get(mvcc.Data, key).Exists()
}

// put stores doc under key, a row of table ti whose previous document was
// old ("" when the key was free), and keeps the statement's caches exact.
func (s *stmt) put(ti *tableInfo, key, old, doc string) {
	s.tx.Put(mvcc.Data, s.keyBytes(key), value.JSON(doc))
	s.changed(ti, key, old, doc)
}

// del deletes the row key of table ti whose document was old and reports
// whether the key existed.
func (s *stmt) del(ti *tableInfo, key, old string) bool {
	if !s.tx.Delete(mvcc.Data, s.keyBytes(key)) {
		return false
	}
	s.changed(ti, key, old, "")
	return true
}

// changed updates the statement's caches after a row of ti changed from
// old to doc ("" for none).
func (s *stmt) changed(ti *tableInfo, key, old, doc string) {
	for _, u := range s.uniq {
		if u.table == ti.name {
			u.update(key, old, doc)
		}
	}
	for k, c := range s.cols {
		if k.table == ti.name {
			c.update(key, old, doc)
		}
	}
	if s.guards {
		s.guardUnique(ti, old, doc)
	}
}

// appendKey appends the key of the row of table whose key column holds v to
// dst: <table>:<suffix>, where the suffix (SPEC §4.15 step 5) is a string
// verbatim, a number as its JSON text; ok is false for any other value.
func appendKey(dst []byte, table string, v jsondoc.Value) (_ []byte, ok bool) {
	dst = append(append(dst, table...), ':')
	switch v.Kind() {
	case jsondoc.KindString:
		s, _ := v.Str()
		return append(dst, s...), true
	case jsondoc.KindInt, jsondoc.KindUint, jsondoc.KindFloat:
		return v.Append(dst), true
	}
	return dst, false
}

// deriveKey returns the key of a new document of ti: <table>:<key column
// value>, or a fresh random UUID v4 suffix when the value is absent, null
// or not a string or number.
func (ti *tableInfo) deriveKey(doc string) string {
	if raw, ok := jsondoc.Lookup(doc, ti.keyCol); ok {
		v := jsondoc.Decode(raw)
		var buf [64]byte
		b := append(append(buf[:0], ti.name...), ':')
		switch v.Kind() {
		case jsondoc.KindString:
			s, _ := v.Str()
			return string(append(b, s...))
		case jsondoc.KindInt, jsondoc.KindUint, jsondoc.KindFloat:
			// raw is the canonical JSON text of the number.
			return string(append(b, raw...))
		}
	}
	return ti.prefix() + uuid.NewString()
}

// keyFor is deriveKey for a document whose key column holds v (the value
// written as the member, so that its text is the member's).
func (ti *tableInfo) keyFor(v jsondoc.Value) string {
	var buf [64]byte
	if b, ok := appendKey(buf[:0], ti.name, v); ok {
		return string(b)
	}
	return ti.prefix() + uuid.NewString()
}

// colValue returns the value of column col of a row the way a scan reads
// it (SPEC §4.4): the document member, else for "id" the key suffix.
func colValue(doc, key string, pre int, col string) jsondoc.Value {
	if raw, ok := jsondoc.Lookup(doc, col); ok {
		return jsondoc.Decode(raw)
	}
	if col == "id" && len(key) > pre {
		return jsondoc.String(key[pre:])
	}
	return jsondoc.Null()
}

// setMember returns doc with member name set to v.
func setMember(doc, name string, v jsondoc.Value) (string, error) {
	out, err := jsondoc.Set(doc, doc != "", []string{name}, string(v.Append(nil)))
	if err != nil {
		return "", sem.Errorf(sem.ErrExec, "cannot set column '%s': %v", name, err)
	}
	return out, nil
}

// docRow returns a one-slot row holding a document of table ti with its
// key, for checks and RETURNING.
func docRow(ti *tableInfo, key, doc string) *exec.Row {
	return &exec.Row{Slots: []exec.Slot{{Doc: doc, Key: key, Pre: len(ti.name) + 1}}}
}

// evalDefault evaluates the DEFAULT of column col of ti, cast to the
// column's type; ok is false when the column has none.
func (s *stmt) evalDefault(ti *tableInfo, col string) (v jsondoc.Value, ok bool, err error) {
	def, ok := ti.defaults[col]
	if !ok {
		return jsondoc.Null(), false, nil
	}
	if v, err = def(s.tableCtx(ti).RootFrame()); err != nil {
		return v, true, err
	}
	v, err = ti.castColumn(col, v)
	return v, true, err
}

// deleteRow deletes row key of ti after running the ON DELETE actions of
// the foreign keys referencing it; deleted is false when the row was
// already gone (or is being deleted further up a cascade).
func (s *stmt) deleteRow(ti *tableInfo, key string) (deleted bool, err error) {
	if s.deleting[key] {
		return false, nil
	}
	doc, ok := s.load(key)
	if !ok {
		return false, nil
	}
	if len(s.referencing(ti.name)) == 0 {
		return s.del(ti, key, doc), nil
	}
	if s.deleting == nil {
		s.deleting = map[string]bool{}
	}
	s.deleting[key] = true
	if err := s.onParentDelete(ti, key, doc); err != nil {
		return false, err
	}
	return s.del(ti, key, doc), nil
}

// stage records a new row of ti to write at the end of the statement.
func (s *stmt) stage(ti *tableInfo, key, doc string) {
	if s.staged == nil {
		s.staged = map[string]string{}
	}
	s.staged[key] = doc
	s.stagedKeys = append(s.stagedKeys, key)
	s.stagedIn = ti
	for _, u := range ti.uniques {
		if raw := uniqueRaw(doc, u.col); raw != "" {
			s.uniqueSet(ti, u.col).stageValue(raw, key)
		}
	}
}

// flush writes the staged rows, in order.
func (s *stmt) flush() {
	ti, keys, docs := s.stagedIn, s.stagedKeys, s.staged
	s.staged, s.stagedKeys, s.stagedIn = nil, nil, nil
	for _, k := range keys {
		s.put(ti, k, "", docs[k])
	}
}
