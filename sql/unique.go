package sql

import (
	"errors"

	"github.com/memflux/memflux/index"
	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/sql/catalog"
	"github.com/memflux/memflux/sql/exec"
	"github.com/memflux/memflux/value"
)

// This file enforces UNIQUE constraints (SPEC §4.15 step 4, §6).
//
// # The index
//
// Each UNIQUE constraint is backed by a unique index of package index, named after the
// constraint (or unique_<table>_<col>) on prefix "<table>:*" and path <col> (so IDX.LIST
// shows "<table>:*|<col>"); the DDL that adds or removes the constraint defines or drops
// the index in the same transaction. The index gives the commit-time guarantee: it is
// maintained at install time, under the commit lock, and a commit that would give two
// rows one value fails with index.UniqueError — exactly one of two racing inserts of a
// value commits, under either isolation level. (An auto-committed statement that loses
// the race reports the UNIQUE error of SPEC §4.15.)
//
// # The statement-time check
//
// Before writing, a statement looks the value up as it sees the table: its transaction's
// snapshot, its own writes, and the rows the statement itself has staged (stmt.stage).
// Through the index that is one lookup (a point read of the value's unique entry while
// the transaction has written no row of the table, index.Manager.Lookup); an engine
// without an index manager (and a transaction that has buffered many writes, whose merge
// the index lookup would repeat) scans the table instead: the first probe of a column
// scans until a match, later probes use a map built by one scan and kept exact by the
// statement's writes.
//
// # Guard keys
//
// Without an index (an engine without an index manager), snapshot isolation would let two
// transactions insert one value concurrently. There each write of a UNIQUE value also
// writes a guard key in the Index space, so the two writers conflict (first committer
// wins) and the loser's retry sees the duplicate. Under serializable isolation the scan is
// a validated range read, which gives the same guarantee.

// maxLookupWrites bounds the buffered writes of a transaction for which a UNIQUE probe
// goes through the index: the index merges them at every lookup.
const maxLookupWrites = 256

// uniqueSet finds the rows holding the raw (canonical JSON) values of one column of one
// table, as the statement sees them.
type uniqueSet struct {
	s     *stmt
	table string
	col   string
	def   *index.Def // the backing index; nil without one
	// staged maps the values of the statement's staged rows to their keys.
	staged map[string]string
	// probes counts the scan-mode lookups; built reports that first/extra are in use.
	probes int
	built  bool
	// first is the first row holding each value; extra the others (rows written around
	// SQL, e.g. by JSON.SET, may hold duplicates).
	first map[string]string
	extra map[string][]string
}

// uniqueSet returns the statement's lookup for column col of ti.
func (s *stmt) uniqueSet(ti *tableInfo, col string) *uniqueSet {
	for _, u := range s.uniq {
		if u.table == ti.name && u.col == col {
			return u
		}
	}
	// A set of an earlier statement of the pooled stmt (release), else a
	// new one.
	var u *uniqueSet
	if n := len(s.uniq); n < cap(s.uniq) {
		u = s.uniq[:n+1][n]
	}
	if u == nil {
		u = new(uniqueSet)
	}
	*u = uniqueSet{s: s, table: ti.name, col: col}
	if m := s.e.idx; m != nil {
		// The constraint's index, by its name (one read), when it is the
		// unique path index of the column; else whichever unique index
		// covers the column.
		for _, uc := range ti.uniques {
			if uc.col != col {
				continue
			}
			if d, err := m.Get(s.tx, uc.index); err == nil && d.Unique && d.Prefix == ti.name+":*" && d.SinglePath() == col {
				u.def = d
			}
		}
		if u.def == nil {
			u.def = m.UniqueFor(s.tx, ti.name, col)
		}
	}
	s.uniq = append(s.uniq, u)
	return u
}

// holder returns the key of a row other than self holding raw.
func (u *uniqueSet) holder(raw, self string) (string, bool, error) {
	if k, ok := u.staged[raw]; ok && k != self {
		return k, true, nil
	}
	if u.def != nil && !u.built && u.s.tx.Writes() <= maxLookupWrites {
		keys, err := u.s.e.idx.Lookup(u.s.tx, u.def.Name, jsondoc.Decode(raw))
		if err != nil && !errors.Is(err, index.ErrNotFound) {
			return "", false, err
		}
		if err == nil {
			for _, k := range keys {
				if k != self {
					return k, true, nil
				}
			}
			return "", false, nil
		}
	}
	u.probes++
	if !u.built {
		if u.probes == 1 {
			k, ok := u.scan(raw, self)
			return k, ok, nil
		}
		u.build()
	}
	k, ok := u.first[raw]
	if !ok {
		return "", false, nil
	}
	if k != self {
		return k, true, nil
	}
	for _, x := range u.extra[raw] {
		if x != self {
			return x, true, nil
		}
	}
	return "", false, nil
}

// build fills the map by scanning the table.
func (u *uniqueSet) build() {
	u.first, u.built = map[string]string{}, true
	u.s.tx.ScanPrefix(mvcc.Data, []byte(u.table+":"), func(key []byte, v value.Value) bool {
		if raw := uniqueRaw(exec.DocOf(v), u.col); raw != "" {
			u.add(raw, string(key))
		}
		return true
	})
}

// scan looks for a row other than self holding raw, without a map.
func (u *uniqueSet) scan(raw, self string) (found string, ok bool) {
	u.s.tx.ScanPrefix(mvcc.Data, []byte(u.table+":"), func(key []byte, v value.Value) bool {
		if uniqueRaw(exec.DocOf(v), u.col) == raw && string(key) != self {
			found, ok = string(key), true
			return false
		}
		return true
	})
	return found, ok
}

func (u *uniqueSet) add(raw, key string) {
	if _, ok := u.first[raw]; !ok {
		u.first[raw] = key
		return
	}
	if u.extra == nil {
		u.extra = map[string][]string{}
	}
	u.extra[raw] = append(u.extra[raw], key)
}

func (u *uniqueSet) remove(raw, key string) {
	if u.first[raw] == key {
		if ex := u.extra[raw]; len(ex) > 0 {
			u.first[raw] = ex[0]
			if len(ex) == 1 {
				delete(u.extra, raw)
			} else {
				u.extra[raw] = ex[1:]
			}
			return
		}
		delete(u.first, raw)
		return
	}
	ex := u.extra[raw]
	for i, k := range ex {
		if k == key {
			u.extra[raw] = append(ex[:i:i], ex[i+1:]...)
			if len(u.extra[raw]) == 0 {
				delete(u.extra, raw)
			}
			return
		}
	}
}

// update follows a row's change from old to doc ("" for none) once the row is written.
func (u *uniqueSet) update(key, old, doc string) {
	o, n := uniqueRaw(old, u.col), uniqueRaw(doc, u.col)
	if n != "" && u.staged[n] == key {
		delete(u.staged, n)
	}
	if !u.built || o == n {
		return // the transaction itself is the truth until the map exists
	}
	if o != "" {
		u.remove(o, key)
	}
	if n != "" {
		u.add(n, key)
	}
}

// stageValue records the value of a staged row.
func (u *uniqueSet) stageValue(raw, key string) {
	if u.staged == nil {
		u.staged = map[string]string{}
	}
	u.staged[raw] = key
}

// Guard keys live in the Index space, under a prefix no index entry starts with (entries
// start with 0x01).
const guardPrefix = "\xffsql-guard\x00"

// guardUnique writes the guard key of every UNIQUE value a row change introduces and
// deletes those it gives up, for the columns without a backing index.
func (s *stmt) guardUnique(ti *tableInfo, old, doc string) {
	for _, uc := range ti.uniques {
		o, n := uniqueRaw(old, uc.col), uniqueRaw(doc, uc.col)
		if o == n || s.uniqueSet(ti, uc.col).def != nil {
			continue
		}
		if n != "" {
			s.tx.Put(mvcc.Index, uniqueGuard(ti.name, uc.col, n), value.Bytes(""))
		}
		if o != "" {
			s.tx.Delete(mvcc.Index, uniqueGuard(ti.name, uc.col, o))
		}
	}
}

func uniqueGuard(table, col, raw string) []byte {
	b := make([]byte, 0, len(guardPrefix)+len(table)+len(col)+len(raw)+4)
	b = append(b, guardPrefix...)
	b = append(b, "u\x00"...)
	b = append(b, table...)
	b = append(b, 0)
	b = append(b, col...)
	b = append(b, 0)
	return append(b, raw...)
}

// guardRef writes the guard of a referenced value (a parent key a child row points to):
// both a child write and the parent's deletion or key change write it, so the two
// conflict under snapshot isolation.
func (s *stmt) guardRef(parent string, vals []jsondoc.Value) {
	b := []byte(guardPrefix + "f\x00" + parent + "\x00")
	b = appendEqKey(b, vals)
	s.tx.Put(mvcc.Index, b, value.Bytes(""))
}

// uniqueIndexDef is the index backing UNIQUE constraint c of table.
func uniqueIndexDef(table string, c *catalog.Constraint) index.Def {
	return index.Def{Name: c.IndexName(table), Prefix: table + ":*", Columns: []index.Column{{Path: c.Columns[0]}},
		Unique: true, Origin: index.OriginConstraint, Table: table}
}

// createUniqueIndex defines the index of UNIQUE constraint c of table in the statement's
// transaction, after checking that the rows the transaction sees hold no duplicate.
func (s *stmt) createUniqueIndex(table string, c *catalog.Constraint) error {
	m := s.e.idx
	if m == nil {
		return nil
	}
	def := uniqueIndexDef(table, c)
	if err := m.FindDuplicate(s.tx, def); err != nil {
		return uniqueBuildError(err, table)
	}
	if _, err := m.Create(s.tx, def); err != nil {
		if errors.Is(err, index.ErrExists) {
			return errIndexTaken(def.Name)
		}
		return indexDefError(err, def.Name)
	}
	return nil
}

// dropUniqueIndex drops the index of UNIQUE constraint c of table.
func (s *stmt) dropUniqueIndex(table string, c *catalog.Constraint) {
	if m := s.e.idx; m != nil {
		m.Drop(s.tx, c.IndexName(table))
	}
}

// indexExists reports whether an index named name exists for the statement.
func (s *stmt) indexExists(name string) bool {
	m := s.e.idx
	if m == nil {
		return false
	}
	_, err := m.Get(s.tx, name)
	return err == nil
}
