package sql

import (
	"math"
	"strconv"
	"strings"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/sql/ast"
	"github.com/memflux/memflux/sql/catalog"
	"github.com/memflux/memflux/sql/exec"
	"github.com/memflux/memflux/sql/sem"
	"github.com/memflux/memflux/value"
)

// This file enforces FOREIGN KEY constraints: the existence check of a
// child row's referenced values (SPEC §4.15 step 4) and the ON DELETE / ON
// UPDATE actions on child rows when a parent row goes or changes its
// referenced values (§4.16).

// appendEqKey appends a key under which values equal by the `=` rules of
// SPEC §4.12 collide: numbers and numeric strings by their float value,
// other strings by their bytes, everything else by its JSON text.
func appendEqKey(b []byte, vals []jsondoc.Value) []byte {
	for _, v := range vals {
		switch v.Kind() {
		case jsondoc.KindInt, jsondoc.KindUint, jsondoc.KindFloat:
			f, _ := v.AsFloat()
			b = appendNum(b, f)
		case jsondoc.KindString:
			s, _ := v.Str()
			if n, ok := jsondoc.ParseNumber(s); ok {
				f, _ := n.AsFloat()
				b = appendNum(b, f)
			} else {
				b = append(b, 's')
				b = append(b, s...)
			}
		default:
			b = append(b, 'j')
			b = v.Append(b)
		}
		b = append(b, 0)
	}
	return b
}

func appendNum(b []byte, f float64) []byte {
	if f == 0 {
		f = 0 // -0 equals 0
	}
	if math.IsNaN(f) {
		return append(b, "nNaN"...)
	}
	b = append(b, 'n')
	return strconv.AppendFloat(b, f, 'g', -1, 64)
}

// rowValues returns the values of cols in a row; ok is false when one of
// them is NULL (a foreign key with a NULL column references nothing).
func rowValues(doc, key string, pre int, cols []string) ([]jsondoc.Value, bool) {
	out := make([]jsondoc.Value, len(cols))
	for i, c := range cols {
		v := colValue(doc, key, pre, c)
		if v.IsNull() {
			return nil, false
		}
		out[i] = v
	}
	return out, true
}

// valuesEqual compares two value tuples with `=` (SPEC §4.12).
func valuesEqual(a, b []jsondoc.Value) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if sem.CompareTri(ast.CmpEq, a[i], b[i]) != sem.True {
			return false
		}
	}
	return true
}

// colKey names a colIndex: a table and a column list.
type colKey struct{ table, cols string }

// colIndex finds the rows of one table whose column tuple equals given
// values (`=` rules), as the statement sees the table. Like uniqueSet, its
// first probe scans the transaction; later probes use a map from the
// `=`-keys of the tuples to the rows, built by one scan and kept exact by
// the statement's writes.
type colIndex struct {
	s      *stmt
	table  string
	cols   []string
	pre    int
	probes int
	rows   map[string][]string // nil until built
}

func (c *colIndex) keyOf(doc, key string) (string, bool) {
	vals, ok := rowValues(doc, key, c.pre, c.cols)
	if !ok {
		return "", false
	}
	return string(appendEqKey(nil, vals)), true
}

func (c *colIndex) add(doc, key string) {
	if k, ok := c.keyOf(doc, key); ok {
		c.rows[k] = append(c.rows[k], key)
	}
}

func (c *colIndex) remove(doc, key string) {
	k, ok := c.keyOf(doc, key)
	if !ok {
		return
	}
	rows := c.rows[k]
	for i, r := range rows {
		if r == key {
			c.rows[k] = append(rows[:i:i], rows[i+1:]...)
			break
		}
	}
	if len(c.rows[k]) == 0 {
		delete(c.rows, k)
	}
}

// update follows a row's change from old to doc ("" for none).
func (c *colIndex) update(key, old, doc string) {
	if c.rows == nil {
		return // the transaction itself is the truth until the map exists
	}
	if old != "" {
		c.remove(old, key)
	}
	if doc != "" {
		c.add(doc, key)
	}
}

// colIndex returns the statement's index of cols over table.
func (s *stmt) colIndex(table string, cols []string) *colIndex {
	k := colKey{table, strings.Join(cols, "\x00")}
	if c := s.cols[k]; c != nil {
		return c
	}
	c := &colIndex{s: s, table: table, cols: cols, pre: len(table) + 1}
	if s.cols == nil {
		s.cols = map[colKey]*colIndex{}
	}
	s.cols[k] = c
	return c
}

// lookup returns the keys of the rows whose tuple has the `=`-key eq.
func (c *colIndex) lookup(eq string) []string {
	c.probes++
	if c.rows == nil && c.probes > 1 {
		c.rows = map[string][]string{}
		c.s.tx.ScanPrefix(mvcc.Data, []byte(c.table+":"), func(key []byte, v value.Value) bool {
			c.add(exec.DocOf(v), string(key))
			return true
		})
	}
	if c.rows != nil {
		return c.rows[eq]
	}
	var out []string
	c.s.tx.ScanPrefix(mvcc.Data, []byte(c.table+":"), func(key []byte, v value.Value) bool {
		if k, ok := c.keyOf(exec.DocOf(v), string(key)); ok && k == eq {
			out = append(out, string(key))
		}
		return true
	})
	return out
}

// lookupRows returns the keys of table's rows whose cols equal vals, less
// the rows the statement is deleting.
func (s *stmt) lookupRows(table string, cols []string, vals []jsondoc.Value) []string {
	eq := string(appendEqKey(nil, vals))
	rows := s.colIndex(table, cols).lookup(eq)
	if s.stagedIn != nil && s.stagedIn.name == table {
		c := s.colIndex(table, cols)
		for _, k := range s.stagedKeys {
			if x, ok := c.keyOf(s.staged[k], k); ok && x == eq {
				rows = append(rows[:len(rows):len(rows)], k)
			}
		}
	}
	if len(s.deleting) == 0 {
		return rows
	}
	var out []string
	for _, k := range rows {
		if !s.deleting[k] {
			out = append(out, k)
		}
	}
	return out
}

// refExists reports whether the table referenced by fk has a row whose
// referenced columns equal vals: for a primary-key reference the key
// <ref_table>:<v> must exist (SPEC §4.15 step 4).
func (s *stmt) refExists(fk *catalog.Constraint, vals []jsondoc.Value) (bool, error) {
	parent, err := s.info(fk.RefTable)
	if err != nil {
		return false, err
	}
	if len(vals) == 1 && parent.schema != nil && fk.RefColumns[0] == parent.keyCol && len(parent.schema.PrimaryKey()) > 0 {
		if key, ok := appendKey(s.keyBuf[:0], parent.name, vals[0]); ok {
			s.keyBuf = key
			return s.exists(key) && !s.deleting[string(key)], nil
		}
	}
	return len(s.lookupRows(fk.RefTable, fk.RefColumns, vals)) > 0, nil
}

// checkForeignKeys checks every FOREIGN KEY of ti on the new document doc
// (old is the previous document, "" for an insert; unchanged references
// are not re-checked).
func (s *stmt) checkForeignKeys(ti *tableInfo, old, doc string) error {
	for _, fk := range ti.fks {
		if fk == s.skipFK {
			continue
		}
		if old != "" {
			prev, ok1 := rowValues(old, "", 0, fk.Columns)
			next, ok2 := rowValues(doc, "", 0, fk.Columns)
			if ok1 && ok2 && jsonEqualAll(prev, next) {
				continue
			}
		}
		if err := s.checkForeignKey(ti, fk, doc); err != nil {
			return err
		}
	}
	return nil
}

// checkForeignKey checks one FOREIGN KEY of ti on doc: when its columns
// are all non-NULL, the referenced table must have a matching row.
func (s *stmt) checkForeignKey(ti *tableInfo, fk *catalog.Constraint, doc string) error {
	vals, ok := rowValues(doc, "", 0, fk.Columns)
	if !ok {
		return nil
	}
	found, err := s.refExists(fk, vals)
	if err != nil {
		return err
	}
	if !found && fk.RefTable == ti.name {
		// A row may reference itself (PostgreSQL checks after the write).
		own, ok := rowValues(doc, ti.deriveKey(doc), len(ti.name)+1, fk.RefColumns)
		found = ok && valuesEqual(own, vals)
	}
	if !found {
		return sem.Errorf(sem.ErrConstraint, "Insert or update on table '%s' violates foreign key constraint. A matching key was not found in table '%s'.", ti.name, fk.RefTable)
	}
	if s.guards {
		s.guardRef(fk.RefTable, vals)
	}
	return nil
}

func jsonEqualAll(a, b []jsondoc.Value) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !jsondoc.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// fkRef is a foreign key of a child table that references some table.
type fkRef struct {
	child string
	fk    *catalog.Constraint
}

// maxCascade bounds the depth of cascading foreign-key actions.
const maxCascade = 64

// onParentDelete runs the ON DELETE actions of every foreign key
// referencing ti for its row key (document doc) about to be deleted
// (SPEC §4.16).
func (s *stmt) onParentDelete(ti *tableInfo, key, doc string) error {
	for _, ref := range s.referencing(ti.name) {
		vals, ok := rowValues(doc, key, len(ti.name)+1, ref.fk.RefColumns)
		if !ok {
			continue
		}
		if s.guards {
			s.guardRef(ti.name, vals)
		}
		children := s.lookupRows(ref.child, ref.fk.Columns, vals)
		if len(children) == 0 {
			continue
		}
		switch ref.fk.OnDelete {
		case ast.RefCascade:
			if err := s.cascadeDelete(ref.child, children); err != nil {
				return err
			}
		case ast.RefSetNull, ast.RefSetDefault:
			if err := s.setChildren(ref, children, nil, ref.fk.OnDelete); err != nil {
				return err
			}
		default:
			return sem.Errorf(sem.ErrConstraint, "Delete on table '%s' violates foreign key constraint on table '%s'", ti.name, ref.child)
		}
	}
	return nil
}

// onParentUpdate runs the ON UPDATE actions for a parent row whose
// document changes from old to doc; actions run only for references whose
// values actually change.
func (s *stmt) onParentUpdate(ti *tableInfo, oldKey, old, newKey, doc string) error {
	for _, ref := range s.referencing(ti.name) {
		pre := len(ti.name) + 1
		vals, ok := rowValues(old, oldKey, pre, ref.fk.RefColumns)
		if !ok {
			continue
		}
		next, nextOK := rowValues(doc, newKey, pre, ref.fk.RefColumns)
		if nextOK && valuesEqual(vals, next) {
			continue
		}
		if s.guards {
			s.guardRef(ti.name, vals)
		}
		children := s.lookupRows(ref.child, ref.fk.Columns, vals)
		if len(children) == 0 {
			continue
		}
		switch ref.fk.OnUpdate {
		case ast.RefCascade:
			if !nextOK {
				next = nil
			}
			if err := s.setChildren(ref, children, next, ast.RefCascade); err != nil {
				return err
			}
		case ast.RefSetNull, ast.RefSetDefault:
			if err := s.setChildren(ref, children, nil, ref.fk.OnUpdate); err != nil {
				return err
			}
		default:
			return sem.Errorf(sem.ErrConstraint, "Update on table '%s' violates foreign key constraint on table '%s'", ti.name, ref.child)
		}
	}
	return nil
}

// cascadeDelete deletes child rows (ON DELETE CASCADE), running their own
// ON DELETE actions first.
func (s *stmt) cascadeDelete(table string, keys []string) error {
	if s.depth >= maxCascade {
		return sem.Errorf(sem.ErrLimit, "foreign key cascade deeper than %d levels", maxCascade)
	}
	s.depth++
	defer func() { s.depth-- }()
	ti, err := s.info(table)
	if err != nil {
		return err
	}
	for _, k := range append([]string(nil), keys...) {
		if _, err := s.deleteRow(ti, k); err != nil {
			return err
		}
	}
	return nil
}

// setChildren rewrites the foreign-key columns of child rows: to vals
// (ON UPDATE CASCADE; nil means NULL), to NULL (SET NULL) or to their
// defaults (SET DEFAULT). The rewritten rows must pass the checks of an
// UPDATE, and their own referencing rows follow.
func (s *stmt) setChildren(ref fkRef, keys []string, vals []jsondoc.Value, action ast.RefAction) error {
	if s.depth >= maxCascade {
		return sem.Errorf(sem.ErrLimit, "foreign key cascade deeper than %d levels", maxCascade)
	}
	s.depth++
	defer func() { s.depth-- }()
	ti, err := s.info(ref.child)
	if err != nil {
		return err
	}
	for _, k := range append([]string(nil), keys...) {
		old, ok := s.load(k)
		if !ok {
			continue
		}
		doc, err := s.childDoc(ti, ref.fk, old, vals, action)
		if err != nil {
			return err
		}
		// ON UPDATE CASCADE sets the parent's new values, which the parent
		// row only gets after its actions: that reference is not checked.
		if action == ast.RefCascade {
			s.skipFK = ref.fk
		}
		err = s.checkRow(ti, k, old, doc)
		s.skipFK = nil
		if err == nil && action == ast.RefSetDefault {
			// The default may be the very value going away: check it even
			// when the row keeps it (as PostgreSQL does).
			err = s.checkForeignKey(ti, ref.fk, doc)
		}
		if err != nil {
			return err
		}
		if err := s.onParentUpdate(ti, k, old, k, doc); err != nil {
			return err
		}
		s.put(ti, k, old, doc)
	}
	return nil
}

// childDoc returns the document old of a row of child table ti with the
// columns of foreign key fk set by action: to vals (ON UPDATE CASCADE; nil
// means NULL), to NULL, or to their defaults.
func (s *stmt) childDoc(ti *tableInfo, fk *catalog.Constraint, old string, vals []jsondoc.Value, action ast.RefAction) (string, error) {
	doc := old
	for i, col := range fk.Columns {
		v := jsondoc.Null()
		var err error
		switch {
		case action == ast.RefCascade && vals != nil:
			v = vals[i]
		case action == ast.RefSetDefault:
			var has bool
			if v, has, err = s.evalDefault(ti, col); err != nil {
				return "", err
			} else if !has {
				return "", sem.Errorf(sem.ErrConstraint, "SET DEFAULT on table '%s' failed: column '%s' has no default value", ti.name, col)
			}
		}
		if v, err = ti.castColumn(col, v); err != nil {
			return "", err
		}
		if doc, err = setMember(doc, col, v); err != nil {
			return "", err
		}
	}
	return doc, nil
}
