package catalog

import (
	"sync"

	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/txn"
	"github.com/memflux/memflux/value"
)

// Key prefixes of the catalog (SPEC §4.14).
const (
	SchemaPrefix     = "_internal:schemas:"
	ViewPrefix       = "_internal:views:"
	SchemaListPrefix = "_internal:schemalist:"
	IndexPrefix      = "_internal:indexes:"
)

// Catalog caches parsed catalog entries. The zero value is ready to use.
type Catalog struct {
	// mu protects tables and views.
	mu     sync.Mutex
	tables map[string]*Schema // by table name; valid while Raw matches the key
	views  map[string]*View   // by view name; valid while Raw matches the key
}

// maxCached bounds each cache map; past it the map is cleared (entries are
// cheap to rebuild).
const maxCached = 4096

// Dep is one catalog read: the key, the raw value seen and whether it
// existed. A plan built from these reads is valid while every Dep holds.
type Dep struct {
	Space  mvcc.Space
	Key    string
	Raw    string
	Exists bool
}

// Holds reports whether tx still sees the same value for the dep's key.
func (d *Dep) Holds(tx *txn.Txn) bool {
	v := tx.GetString(d.Space, d.Key)
	if !v.Exists() {
		return !d.Exists
	}
	return d.Exists && rawOf(v) == d.Raw
}

// rawOf returns the text of a catalog value (Bytes from SET or DDL; JSON if
// someone stored it with JSON.SET).
func rawOf(v value.Value) string {
	switch v.Kind() {
	case value.KindBytes, value.KindJSON:
		return v.Str()
	}
	return ""
}

// Reader reads the catalog through one transaction and records what it read.
type Reader struct {
	Cat  *Catalog
	Tx   *txn.Txn
	Deps []Dep
	// NoDeps turns the recording off (readers of one execution, whose reads
	// no cached plan depends on).
	NoDeps bool
}

// NewReader returns a reader over tx.
func (c *Catalog) NewReader(tx *txn.Txn) *Reader { return &Reader{Cat: c, Tx: tx} }

// Read returns the raw value of a key in space sp and records the dependency.
// Index providers use it for their own metadata.
func (r *Reader) Read(sp mvcc.Space, key string) (raw string, ok bool) {
	v := r.Tx.GetString(sp, key)
	ok = v.Exists()
	if ok {
		raw = rawOf(v)
	}
	if r.NoDeps {
		return raw, ok
	}
	for i := range r.Deps {
		if r.Deps[i].Space == sp && r.Deps[i].Key == key {
			return raw, ok
		}
	}
	r.Deps = append(r.Deps, Dep{Space: sp, Key: key, Raw: raw, Exists: ok})
	return raw, ok
}

// Table returns the schema of table name, or nil when the table has none.
func (r *Reader) Table(name string) (*Schema, error) {
	var raw string
	var ok bool
	if r.NoDeps {
		// No dependency keeps the key: it is built on the stack.
		var buf [64]byte
		v := r.Tx.Get(mvcc.Data, append(append(buf[:0], SchemaPrefix...), name...))
		if ok = v.Exists(); ok {
			raw = rawOf(v)
		}
	} else {
		raw, ok = r.Read(mvcc.Data, SchemaPrefix+name)
	}
	if !ok {
		return nil, nil
	}
	return r.Cat.table(name, raw)
}

// table returns the decoded schema of table name stored as raw, from the
// cache when raw is what it decoded last.
func (c *Catalog) table(name, raw string) (*Schema, error) {
	c.mu.Lock()
	s := c.tables[name]
	c.mu.Unlock()
	if s != nil && s.Raw == raw {
		return s, nil
	}
	s, err := DecodeSchema(raw)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.tables == nil || len(c.tables) >= maxCached {
		c.tables = map[string]*Schema{}
	}
	c.tables[name] = s
	c.mu.Unlock()
	return s, nil
}

// decodeTable is table for callers that skip undecodable entries.
func (c *Catalog) decodeTable(name, raw string) *Schema {
	s, err := c.table(name, raw)
	if err != nil {
		return nil
	}
	return s
}

// View returns the definition of view name, or nil when there is none.
func (r *Reader) View(name string) (*View, error) {
	raw, ok := r.Read(mvcc.Data, ViewPrefix+name)
	if !ok {
		return nil, nil
	}
	c := r.Cat
	c.mu.Lock()
	v := c.views[name]
	c.mu.Unlock()
	if v != nil && v.Raw == raw {
		return v, nil
	}
	v, err := DecodeView(raw)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.views == nil || len(c.views) >= maxCached {
		c.views = map[string]*View{}
	}
	c.views[name] = v
	c.mu.Unlock()
	return v, nil
}

// SchemaExists reports whether CREATE SCHEMA name has run.
func (r *Reader) SchemaExists(name string) bool {
	_, ok := r.Read(mvcc.Data, SchemaListPrefix+name)
	return ok
}
