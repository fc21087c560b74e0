package catalog

import (
	"encoding/json"
	"maps"
	"slices"

	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/sql/ast"
	"github.com/memflux/memflux/sql/parser"
	"github.com/memflux/memflux/txn"
	"github.com/memflux/memflux/value"
)

// This file is the write side of the catalog: DDL builds a new Schema (a
// modified clone) and stores it through the statement's transaction, so the
// change is visible to that transaction at once and to everyone else at
// commit, and disappears with a rollback.

func parseExpr(s string) (ast.Expr, error) { return parser.ParseExpr(s) }

// PrimaryKey returns the columns of the PRIMARY KEY constraint, nil when the
// table has none.
func (s *Schema) PrimaryKey() []string {
	for _, c := range s.Cons {
		if c.Kind == ast.ConstraintPrimaryKey {
			return c.Columns
		}
	}
	return nil
}

// KeyColumn returns the column whose value makes a row's key (SPEC §4.15
// step 5): the first PRIMARY KEY column, else "id". A nil schema has "id".
func (s *Schema) KeyColumn() string {
	if s != nil {
		if pk := s.PrimaryKey(); len(pk) > 0 {
			return pk[0]
		}
	}
	return "id"
}

// Clone returns a deep copy of s to modify (DDL). The copy has no Raw until
// Seal is called.
func (s *Schema) Clone() *Schema {
	c := &Schema{Table: s.Table, Columns: make(map[string]*Column, len(s.Columns)),
		Order: slices.Clone(s.Order), Cons: slices.Clone(s.Cons)}
	for name, col := range s.Columns {
		cc := *col
		c.Columns[name] = &cc
	}
	return c
}

// NewSchema returns an empty schema of table to fill (CREATE TABLE).
func NewSchema(table string) *Schema {
	return &Schema{Table: table, Columns: map[string]*Column{}}
}

// Seal renders the constraints and the catalog text of a built or modified
// schema (Constraints and Raw from Cons and the columns); the schema must not
// change afterwards.
func (s *Schema) Seal() *Schema {
	s.Constraints = make([]json.RawMessage, len(s.Cons))
	for i, c := range s.Cons {
		s.Constraints[i] = c.Encode()
	}
	s.Raw = s.Encode()
	return s
}

// ColumnNames returns the column names sorted.
func (s *Schema) ColumnNames() []string {
	return slices.Sorted(maps.Keys(s.Columns))
}

// Key builders of the catalog keys.

// SchemaKey returns the catalog key of table's schema.
func SchemaKey(table string) string { return SchemaPrefix + table }

// ViewKey returns the catalog key of a view.
func ViewKey(name string) string { return ViewPrefix + name }

// SchemaListKey returns the catalog key of a CREATE SCHEMA name.
func SchemaListKey(name string) string { return SchemaListPrefix + name }

// PutSchema stores a sealed schema in tx.
func PutSchema(tx *txn.Txn, s *Schema) {
	tx.Put(mvcc.Data, []byte(SchemaKey(s.Table)), value.Bytes(s.Raw))
}

// DeleteSchema removes table's schema in tx and reports whether it existed.
func DeleteSchema(tx *txn.Txn, table string) bool {
	return tx.Delete(mvcc.Data, []byte(SchemaKey(table)))
}

// PutView stores a view definition (EncodeView) in tx.
func PutView(tx *txn.Txn, name, raw string) {
	tx.Put(mvcc.Data, []byte(ViewKey(name)), value.Bytes(raw))
}

// DeleteView removes a view in tx and reports whether it existed.
func DeleteView(tx *txn.Txn, name string) bool {
	return tx.Delete(mvcc.Data, []byte(ViewKey(name)))
}

// PutSchemaName records CREATE SCHEMA name in tx.
func PutSchemaName(tx *txn.Txn, name string) {
	tx.Put(mvcc.Data, []byte(SchemaListKey(name)), value.Bytes(""))
}

// Tables returns the schemas of every table that has one, as the reader's
// transaction sees them, in name order. Undecodable entries are skipped
// (they define no usable table). It does not record dependencies: callers
// use it within one statement.
func (r *Reader) Tables() []*Schema {
	var out []*Schema
	r.EachTable(func(s *Schema) { out = append(out, s) })
	return out
}

// EachTable calls fn with the schema of every table that has one, as the
// reader's transaction sees them, in name order, decoding each from the
// scanned value (through the cache). Undecodable entries are skipped. It
// records no dependencies.
func (r *Reader) EachTable(fn func(s *Schema)) {
	r.Tx.ScanPrefix(mvcc.Data, []byte(SchemaPrefix), func(key []byte, v value.Value) bool {
		if s := r.Cat.decodeTable(string(key[len(SchemaPrefix):]), rawOf(v)); s != nil {
			fn(s)
		}
		return true
	})
}
