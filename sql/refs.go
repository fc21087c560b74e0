package sql

import (
	"encoding/json"
	"slices"

	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/sql/ast"
	"github.com/memflux/memflux/sql/catalog"
	"github.com/memflux/memflux/value"
)

// This file keeps the reverse index of foreign keys: for each referenced table, the tables
// whose schemas may hold a FOREIGN KEY referencing it, in the Meta space under
// sql/refs/<table> (a JSON array of table names). Every DDL statement that stores a schema
// registers the schema's foreign keys there, in the same transaction, so a DELETE or an
// UPDATE finds the foreign keys it must act on with one read instead of a scan of every
// schema. Entries are never removed: each is checked against the child's current schema
// (a dropped table or constraint simply no longer matches). Foreign keys written into a
// schema key by hand (SET _internal:schemas:…) rather than by DDL are enforced for the
// child's writes but trigger no ON DELETE / ON UPDATE action.

// refsPrefix starts the Meta keys of the reverse index.
const refsPrefix = "sql/refs/"

// registerReferences records the foreign keys of schema sc in the reverse index.
func (s *stmt) registerReferences(sc *catalog.Schema) {
	for _, c := range sc.Cons {
		if c.Kind != ast.ConstraintForeignKey {
			continue
		}
		children := s.referencingTables(c.RefTable)
		if slices.Contains(children, sc.Table) {
			continue
		}
		children = append(children, sc.Table)
		slices.Sort(children)
		raw, _ := json.Marshal(children)
		s.tx.Put(mvcc.Meta, []byte(refsPrefix+c.RefTable), value.Bytes(string(raw)))
	}
}

// referencingTables returns the tables registered as referencing table.
func (s *stmt) referencingTables(table string) []string {
	v := s.tx.GetString(mvcc.Meta, refsPrefix+table)
	if !v.Exists() {
		return nil
	}
	var names []string
	if json.Unmarshal([]byte(v.Str()), &names) != nil {
		return nil
	}
	return names
}

// referencing returns the foreign keys that reference table, from the
// schemas of the tables registered as referencing it.
func (s *stmt) referencing(table string) []fkRef {
	if s.refsDone && s.refsTable == table {
		return s.refsFirst
	}
	if refs, ok := s.refs[table]; ok {
		return refs
	}
	var refs []fkRef
	for _, child := range s.referencingTables(table) {
		sc, err := s.cat.Table(child)
		if err != nil || sc == nil {
			continue
		}
		for _, c := range sc.Cons {
			if c.Kind == ast.ConstraintForeignKey && c.RefTable == table {
				refs = append(refs, fkRef{child: sc.Table, fk: c})
			}
		}
	}
	if !s.refsDone {
		// The first table asked about (usually the only one) needs no map.
		s.refsDone, s.refsTable, s.refsFirst = true, table, refs
		return refs
	}
	if s.refs == nil {
		s.refs = map[string][]fkRef{}
	}
	s.refs[table] = refs
	return refs
}
