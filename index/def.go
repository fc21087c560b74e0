package index

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/memflux/memflux/jsondoc"
)

// Origin records which statement made an index (a plain value).
type Origin string

// Origins.
const (
	OriginCommand     Origin = "IDX.CREATE"
	OriginCreateIndex Origin = "CREATEINDEX"
	OriginSQL         Origin = "SQL"        // SQL CREATE [UNIQUE] INDEX
	OriginConstraint  Origin = "CONSTRAINT" // a UNIQUE or PRIMARY KEY constraint
)

// State is the build state of an index (a plain value).
type State string

// States.
const (
	// StateBuilding: every commit maintains the index, but rows written before its
	// definition committed may still lack entries; the planner does not use it.
	StateBuilding State = "building"
	// StateReady: the index is complete.
	StateReady State = "ready"
)

// Column is one indexed column: a dot path into the document (SPEC §3.1: members through
// objects, decimal indexes through arrays) or an SQL expression over the row. It is a
// plain value.
type Column struct {
	Path string `json:"path,omitempty"`
	// Expr is the canonical SQL text of an expression column (CREATE INDEX … (lower(name))),
	// evaluated by the ExprCompiler the SQL engine installs.
	Expr string `json:"expr,omitempty"`
}

// Def is an index definition. Definitions are stored in the Meta space (DefKey) and change
// only through transactions, so every transaction sees the definitions of its snapshot.
// A Def is a plain value; the Manager's methods return copies the caller may modify.
type Def struct {
	Name    string   `json:"name"`
	Prefix  string   `json:"prefix"` // ends with '*'
	Columns []Column `json:"columns"`
	Unique  bool     `json:"unique,omitempty"`
	Origin  Origin   `json:"origin"`
	State   State    `json:"state"`
	// Table is the SQL table an expression column is evaluated against ("" for path-only
	// indexes).
	Table string `json:"table,omitempty"`
	// ID identifies the index's entries in the Index space; it is never reused within a
	// database's lifetime. Create assigns it.
	ID uint32 `json:"id"`
}

// Meta-space keys of the definitions.
const (
	defPrefix  = "idx/def/" // + name → Def JSON
	seqKey     = "idx/seq"  // the highest ID ever assigned
	versionKey = "idx/ver"  // bumped by every definition change (plan cache dependency)
)

// DefKey returns the Meta-space key of the definition of index name.
func DefKey(name string) string { return defPrefix + name }

// VersionKey is the Meta-space key every definition change rewrites: an SQL plan that read
// it stays valid while no index was created, dropped or finished building.
const VersionKey = versionKey

// entryTag starts every entry key; other users of the Index space (the SQL engine's guard
// keys start with 0xff) never collide with it.
const entryTag byte = 0x01

// idLen is the length of an entry key's index-id prefix.
const idLen = 5

// idPrefix returns the first bytes of every entry key of index id.
func idPrefix(id uint32) []byte {
	b := make([]byte, idLen, idLen+32)
	b[0] = entryTag
	binary.BigEndian.PutUint32(b[1:], id)
	return b
}

// KeyPrefix returns the prefix of the keys the index covers (Prefix without the '*').
func (d *Def) KeyPrefix() string { return strings.TrimSuffix(d.Prefix, "*") }

// Covers reports whether the Data key belongs to the index.
func (d *Def) Covers(key string) bool { return strings.HasPrefix(key, d.KeyPrefix()) }

// DisplayName is the name IDX.LIST shows: the internal identity "<prefix>|<path>" (SPEC §6)
// for indexes of IDX.CREATE, CREATEINDEX and UNIQUE constraints, the plain name for SQL
// CREATE INDEX.
func (d *Def) DisplayName() string {
	if d.Origin == OriginSQL {
		return d.Name
	}
	parts := make([]string, len(d.Columns))
	for i, c := range d.Columns {
		parts[i] = c.Path
		if c.Expr != "" {
			parts[i] = c.Expr
		}
	}
	return d.Prefix + "|" + strings.Join(parts, ",")
}

// SinglePath returns the path of a one-column path index, or "" otherwise.
func (d *Def) SinglePath() string {
	if len(d.Columns) == 1 && d.Columns[0].Expr == "" {
		return d.Columns[0].Path
	}
	return ""
}

// Ready reports whether the index is complete.
func (d *Def) Ready() bool { return d.State == StateReady }

// Validate checks a definition before it is stored.
func (d *Def) Validate() error {
	if d.Name == "" {
		return fmt.Errorf("%w: empty name", ErrInvalid)
	}
	if !strings.HasSuffix(d.Prefix, "*") {
		return ErrPrefix
	}
	if len(d.Columns) == 0 {
		return fmt.Errorf("%w: no columns", ErrInvalid)
	}
	if len(d.Columns) > MaxColumns {
		return fmt.Errorf("%w: more than %d columns", ErrInvalid, MaxColumns)
	}
	for _, c := range d.Columns {
		if (c.Path == "") == (c.Expr == "") {
			return fmt.Errorf("%w: a column needs exactly one of a path and an expression", ErrInvalid)
		}
	}
	return nil
}

// MaxColumns bounds the columns of one index.
const MaxColumns = 8

// encodeDef returns the stored JSON of a definition.
func encodeDef(d *Def) string {
	b, _ := json.Marshal(d) // a Def always marshals
	return string(b)
}

// decodeDef parses a stored definition.
func decodeDef(raw string) (*Def, error) {
	d := &Def{}
	if err := json.Unmarshal([]byte(raw), d); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	if err := d.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	return d, nil
}

// paths returns the split path of every path column (nil for expression columns).
func (d *Def) paths() [][]string {
	out := make([][]string, len(d.Columns))
	for i, c := range d.Columns {
		if c.Expr == "" {
			out[i] = jsondoc.SplitPath(c.Path)
		}
	}
	return out
}
