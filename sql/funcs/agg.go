package funcs

import (
	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/sql/sem"
)

// Accumulator is the running state of one aggregate over one group.
type Accumulator interface {
	// Add feeds one input row: the evaluated arguments (none for COUNT(*)).
	Add(args []jsondoc.Value)
	// Result returns the aggregate of everything added (SPEC §4.10).
	Result() jsondoc.Value
}

// AggOptions tune an accumulator.
type AggOptions struct {
	// Distinct keeps only the first of JSON-equal argument values.
	Distinct bool
	// Numeric makes MIN/MAX compare numeric strings as numbers (a schema
	// column of numeric or TIMESTAMP type, as ORDER BY does).
	Numeric bool
}

// NewAccumulator returns a fresh accumulator for the aggregate name (upper
// case) or nil when name is not an aggregate. star marks COUNT(*).
func NewAccumulator(name string, star bool, o AggOptions) Accumulator {
	var a Accumulator
	switch name {
	case "COUNT":
		if star {
			return &countStar{}
		}
		a = &count{}
	case "SUM":
		a = &sum{}
	case "AVG":
		a = &avg{}
	case "MIN":
		a = &extreme{sign: -1, numeric: o.Numeric}
	case "MAX":
		a = &extreme{sign: 1, numeric: o.Numeric}
	case "STRING_AGG":
		a = &stringAgg{}
	case "ARRAY_AGG":
		a = &arrayAgg{}
	default:
		return nil
	}
	if o.Distinct {
		return &distinct{inner: a, seen: map[string]struct{}{}}
	}
	return a
}

// countStar counts rows.
type countStar struct{ n int64 }

func (c *countStar) Add([]jsondoc.Value)   { c.n++ }
func (c *countStar) Result() jsondoc.Value { return jsondoc.Int(c.n) }

// count counts non-NULL values.
type count struct{ n int64 }

func (c *count) Add(args []jsondoc.Value) {
	if !args[0].IsNull() {
		c.n++
	}
}
func (c *count) Result() jsondoc.Value { return jsondoc.Int(c.n) }

// sum adds the numeric values as floats; NULL when there are none.
type sum struct {
	s   float64
	any bool
}

func (s *sum) Add(args []jsondoc.Value) {
	if f, ok := args[0].AsFloat(); ok {
		s.s += f
		s.any = true
	}
}

func (s *sum) Result() jsondoc.Value {
	if !s.any {
		return jsondoc.Null()
	}
	return jsondoc.Float(s.s)
}

// avg is the float mean of the numeric values; NULL when there are none.
type avg struct {
	s float64
	n int64
}

func (a *avg) Add(args []jsondoc.Value) {
	if f, ok := args[0].AsFloat(); ok {
		a.s += f
		a.n++
	}
}

func (a *avg) Result() jsondoc.Value {
	if a.n == 0 {
		return jsondoc.Null()
	}
	return jsondoc.Float(a.s / float64(a.n))
}

// extreme is MIN (sign -1) or MAX (sign 1) under the ORDER BY comparison,
// returning the value unchanged.
type extreme struct {
	best    jsondoc.Value
	sign    int
	numeric bool
}

func (e *extreme) Add(args []jsondoc.Value) {
	v := args[0]
	if v.IsNull() {
		return
	}
	if e.best.IsNull() || sem.OrderCompare(v, e.best, e.numeric)*e.sign > 0 {
		e.best = v
	}
}

func (e *extreme) Result() jsondoc.Value { return e.best }

// stringAgg joins the text of non-NULL values with the separator of the
// row (args[1]); NULL when there are none.
type stringAgg struct {
	b   []byte
	any bool
}

func (s *stringAgg) Add(args []jsondoc.Value) {
	if args[0].IsNull() {
		return
	}
	if s.any && len(args) > 1 && !args[1].IsNull() {
		s.b = append(s.b, sem.Text(args[1])...)
	}
	s.b = append(s.b, sem.Text(args[0])...)
	s.any = true
}

func (s *stringAgg) Result() jsondoc.Value {
	if !s.any {
		return jsondoc.Null()
	}
	return jsondoc.String(string(s.b))
}

// arrayAgg collects every value, NULLs included; NULL for no rows.
type arrayAgg struct{ vals []jsondoc.Value }

func (a *arrayAgg) Add(args []jsondoc.Value) { a.vals = append(a.vals, args[0]) }

func (a *arrayAgg) Result() jsondoc.Value {
	if a.vals == nil {
		return jsondoc.Null()
	}
	return jsondoc.Array(a.vals)
}

// distinct passes on only the first of JSON-equal first arguments; NULLs
// pass through (the inner aggregate ignores or keeps them).
type distinct struct {
	inner Accumulator
	seen  map[string]struct{}
	buf   []byte
}

func (d *distinct) Add(args []jsondoc.Value) {
	if !args[0].IsNull() {
		d.buf = sem.AppendIdentityKey(d.buf[:0], args[0])
		if _, dup := d.seen[string(d.buf)]; dup {
			return
		}
		d.seen[string(d.buf)] = struct{}{}
	}
	d.inner.Add(args)
}

func (d *distinct) Result() jsondoc.Value { return d.inner.Result() }
