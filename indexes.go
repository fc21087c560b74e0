package memflux

import (
	"context"
	"errors"
	"fmt"

	"github.com/memflux/memflux/index"
)

// Secondary indexes (SPEC §6, docs/indexing.md). The index manager is created before
// recovery, because replaying the log derives index entries through it, and the SQL
// engine is attached to it then, so that expression columns can be evaluated during
// replay. Its background work (builds of large indexes, cleanup after drops, statistics)
// starts once recovery is done and stops with Close.

// openIndexes creates the index manager and attaches it to the command environment and
// the SQL engine.
func (db *DB) openIndexes() {
	m := index.New(db.txns, &index.Options{Logger: db.log})
	db.env.SetIndexes(m)
	db.env.SQL() // attaches the engine, which installs the expression compiler
}

// startIndexes starts the index manager's background work after recovery.
func (db *DB) startIndexes() { db.env.Indexes().Start() }

// closeIndexes stops it; builds in progress resume at the next Open.
func (db *DB) closeIndexes() { db.env.Indexes().Close() }

// IndexOptions refine CreateIndex. It is a plain value.
type IndexOptions struct {
	// Unique refuses two documents with the same non-NULL values.
	Unique bool
}

// CreateIndex creates the index name over the JSON documents of the keys starting with
// prefix (which must end with '*', as in IDX.CREATE), on one or more dot paths, and
// returns once it is built over the existing documents. Writers are not blocked while it
// builds. It is IDX.CREATE for several paths and unique indexes; the index is listed by
// IDX.LIST as "<prefix>|<paths>".
func (db *DB) CreateIndex(ctx context.Context, name, prefix string, opts *IndexOptions, paths ...string) error {
	if db.closed.Load() {
		return ErrClosed
	}
	def := index.Def{Name: name, Prefix: prefix, Origin: index.OriginCommand}
	if opts != nil {
		def.Unique = opts.Unique
	}
	for _, p := range paths {
		def.Columns = append(def.Columns, index.Column{Path: p})
	}
	_, err := db.env.Indexes().CreateOnline(ctx, def)
	return err
}

// DropIndex drops an index and reports whether it existed.
func (db *DB) DropIndex(name string) (bool, error) {
	if db.closed.Load() {
		return false, ErrClosed
	}
	return db.env.Indexes().DropOnline(name)
}

// Lookup returns the keys whose documents hold exactly vals (JSON values: nil, bool,
// numbers, string, or json.RawMessage) in the index name's columns, as the transaction
// sees them (its own writes included), sorted. A nil value matches nothing.
func (tx *Tx) Lookup(name string, vals ...any) ([]string, error) {
	jv, err := bindParams(vals)
	if err != nil {
		return nil, err
	}
	keys, err := tx.s.Indexes().Lookup(tx.t, name, jv...)
	if errors.Is(err, index.ErrInvalid) {
		return nil, fmt.Errorf("memflux: lookup in %s: %d values: %w", name, len(vals), err)
	}
	return keys, err
}
