package exec

import (
	"unsafe"

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
	r := c.scanRun()
	r.start(s, c, outer, emit)
	var err error
	if s.Path != nil {
		err = s.Path.Scan(c, r.visit)
	} else {
		c.Tx.ScanPrefix(mvcc.Data, r.prefix, r.visit)
	}
	if err == nil {
		err = r.err
	}
	r.finish()
	c.scanRuns = append(c.scanRuns, r)
	return err
}

// scanRun is the state of one run of a Scan: the row it emits, the row's frame and
// the function visiting each document, bound to them once. A finished run's state
// is reused by later runs of the execution (Ctx.scanRun), so that a run allocates
// nothing but the keys it keeps. It is not safe for concurrent use.
type scanRun struct {
	s      *Scan
	emit   Emit
	row    Row
	f      Frame
	slots  []Slot // backing of row.Slots
	prefix []byte // "<Table>:"
	keys   []byte // chunk the row keys are copied to; never reused by another run
	err    error
	visit  func(key []byte, v value.Value) bool // r.doVisit
}

// scanRun returns a free scan state of the execution, or a new one.
func (c *Ctx) scanRun() *scanRun {
	if n := len(c.scanRuns); n > 0 {
		r := c.scanRuns[n-1]
		c.scanRuns = c.scanRuns[:n-1]
		return r
	}
	r := &scanRun{}
	r.visit = r.doVisit
	return r
}

// start prepares the state for a run of s.
func (r *scanRun) start(s *Scan, c *Ctx, outer *Frame, emit Emit) {
	r.s, r.emit = s, emit
	if cap(r.slots) < s.Width {
		r.slots = make([]Slot, s.Width)
	}
	r.row.Slots = r.slots[:s.Width]
	clear(r.row.Slots)
	r.f = Frame{Row: &r.row, Outer: outer, Ctx: c, Depth: depthOf(outer)}
	r.prefix = append(append(r.prefix[:0], s.Table...), ':')
	r.row.Slots[s.Slot].Pre = len(r.prefix)
	r.keys, r.err = nil, nil
}

// finish drops what the run referenced, so that a free state keeps nothing alive.
func (r *scanRun) finish() {
	clear(r.row.Slots)
	r.s, r.emit, r.f, r.keys, r.err = nil, nil, Frame{}, nil, nil
}

// doVisit filters and emits one document.
func (r *scanRun) doVisit(key []byte, v value.Value) bool {
	s := r.s
	slot := &r.row.Slots[s.Slot]
	slot.Doc = DocOf(v)
	if s.NeedKey {
		if cap(r.keys)-len(r.keys) < len(key) {
			// Chunks grow from 32 bytes to 16 KiB, so that a point
			// lookup does not pay for a large buffer.
			r.keys = make([]byte, 0, max(min(2*cap(r.keys), 16<<10), 32, len(key)))
		}
		start := len(r.keys)
		r.keys = append(r.keys, key...)
		kb := r.keys[start:len(r.keys):len(r.keys)]
		slot.Key = unsafe.String(unsafe.SliceData(kb), len(kb))
	}
	if s.Filter != nil {
		fv, err := s.Filter(&r.f)
		if err != nil {
			r.err = err
			return false
		}
		if !sem.IsTrue(fv) {
			return true
		}
	}
	r.err = r.emit(&r.row)
	return r.err == nil
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
