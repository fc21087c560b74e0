package exec

import (
	"unsafe"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/sql/sem"
	"github.com/memflux/memflux/value"
)

// AccessPath is a way to read the documents of a base table other than the
// full prefix scan: an index scan offered by an index package through the
// planner hook. It yields candidate documents; the Scan node re-applies the
// pushed-down filter to each, so a path may return a superset.
type AccessPath interface {
	// Scan calls fn for each candidate document in the path's order until
	// fn returns false. The key is valid only during the call.
	Scan(c *Ctx, fn func(key []byte, v value.Value) bool) error
	// Describe returns the EXPLAIN text of the path (e.g. "IndexScan
	// idx_age on users (age > 30)").
	Describe() string
}

// Scan reads the documents of a base table: every key with prefix
// "<Table>:" (or the rows an AccessPath yields), filtered.
type Scan struct {
	Table  string
	Alias  string // "" when not aliased
	Slot   int
	Width  int
	Filter Expr
	// FilterText is the filter for EXPLAIN.
	FilterText string
	// Path replaces the prefix scan when set.
	Path AccessPath
	// NeedKey keeps each row's key (for the implicit id, _key, SELECT *).
	NeedKey bool
}

// DocOf returns the document text of a stored value as a scan sees it:
// JSON documents as stored, any other kind as {} (SPEC §4.4).
func DocOf(v value.Value) string {
	if v.Kind() == value.KindJSON {
		if s := v.Str(); s != "" {
			return s
		}
	}
	return "{}"
}

// Run implements Node.
func (s *Scan) Run(c *Ctx, outer *Frame, emit Emit) error {
	row := Row{Slots: make([]Slot, s.Width)}
	f := Frame{Row: &row, Outer: outer, Ctx: c, Depth: depthOf(outer)}
	slot := &row.Slots[s.Slot]
	prefix := s.Table + ":"
	slot.Pre = len(prefix)
	var keys []byte
	var err error
	fn := func(key []byte, v value.Value) bool {
		slot.Doc = DocOf(v)
		if s.NeedKey {
			if cap(keys)-len(keys) < len(key) {
				// Chunks grow from 256 bytes to 16 KiB, so that a point
				// lookup does not pay for a large buffer.
				keys = make([]byte, 0, max(min(2*cap(keys), 16<<10), 256, len(key)))
			}
			start := len(keys)
			keys = append(keys, key...)
			kb := keys[start:len(keys):len(keys)]
			slot.Key = unsafe.String(unsafe.SliceData(kb), len(kb))
		}
		if s.Filter != nil {
			var v jsondoc.Value
			if v, err = s.Filter(&f); err != nil {
				return false
			}
			if !sem.IsTrue(v) {
				return true
			}
		}
		err = emit(&row)
		return err == nil
	}
	if s.Path != nil {
		if perr := s.Path.Scan(c, fn); perr != nil {
			return perr
		}
		return err
	}
	c.Tx.ScanPrefix(mvcc.Data, []byte(prefix), fn)
	return err
}

// Explain implements Node.
func (s *Scan) Explain(e *Explainer) {
	name := s.Table
	if s.Alias != "" && s.Alias != s.Table {
		name += " " + s.Alias
	}
	if s.Path != nil {
		e.Line("%s", s.Path.Describe()+" as "+name)
	} else {
		e.Line("Scan %s", name)
	}
	if s.Filter != nil {
		e.Detail("Filter: %s", s.FilterText)
	}
}

// Filter keeps the rows whose predicate is true.
type Filter struct {
	Input Node
	Pred  Expr
	Text  string
}

// Run implements Node.
func (n *Filter) Run(c *Ctx, outer *Frame, emit Emit) error {
	f := Frame{Outer: outer, Ctx: c, Depth: depthOf(outer)}
	return n.Input.Run(c, outer, func(r *Row) error {
		f.Row = r
		v, err := n.Pred(&f)
		if err != nil {
			return err
		}
		if !sem.IsTrue(v) {
			return nil
		}
		return emit(r)
	})
}

// Explain implements Node.
func (n *Filter) Explain(e *Explainer) {
	e.Line("Filter (%s)", n.Text)
	e.Child(n.Input)
}
