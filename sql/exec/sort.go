package exec

import (
	"container/heap"
	"slices"
	"strings"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/sql/sem"
)

// SortKey is one ORDER BY key.
type SortKey struct {
	Expr Expr
	Desc bool
	// Nulls is 0 (default: first ascending, last descending), 1 (NULLS
	// FIRST) or 2 (NULLS LAST).
	Nulls uint8
	// Numeric compares numeric strings as numbers (a schema column of
	// numeric or TIMESTAMP type, SPEC §4.11).
	Numeric bool
	Text    string
}

func (k *SortKey) describe() string {
	s := k.Text
	if k.Desc {
		s += " DESC"
	}
	switch k.Nulls {
	case 1:
		s += " NULLS FIRST"
	case 2:
		s += " NULLS LAST"
	}
	return s
}

func describeKeys(keys []SortKey) string {
	parts := make([]string, len(keys))
	for i := range keys {
		parts[i] = keys[i].describe()
	}
	return strings.Join(parts, ", ")
}

// sorted is a retained row with its evaluated sort keys.
type sorted struct {
	row  *Row
	keys []jsondoc.Value
	seq  int
}

func compareSorted(keys []SortKey, a, b *sorted) int {
	for i := range keys {
		k := &keys[i]
		if c := sem.OrderCompareNulls(a.keys[i], b.keys[i], k.Numeric, k.Desc, k.Nulls); c != 0 {
			return c
		}
	}
	return a.seq - b.seq
}

func evalKeys(keys []SortKey, f *Frame, dst []jsondoc.Value) ([]jsondoc.Value, error) {
	for i := range keys {
		v, err := keys[i].Expr(f)
		if err != nil {
			return nil, err
		}
		dst = append(dst, v)
	}
	return dst, nil
}

// Sort materializes its input and emits it ordered by Keys (stable).
type Sort struct {
	Input Node
	Keys  []SortKey
}

// Run implements Node.
func (n *Sort) Run(c *Ctx, outer *Frame, emit Emit) error {
	var rows []sorted
	var a arena
	f := Frame{Outer: outer, Ctx: c, Depth: depthOf(outer)}
	var keyBuf []jsondoc.Value
	err := Run(n.Input, c, outer, func(r *Row) error {
		if int64(len(rows)) >= c.Limits.MaxRows {
			return ErrResultTooLarge
		}
		kept := a.clone(r)
		f.Row = kept
		if cap(keyBuf)-len(keyBuf) < len(n.Keys) {
			keyBuf = make([]jsondoc.Value, 0, 1024*len(n.Keys))
		}
		start := len(keyBuf)
		var err error
		if keyBuf, err = evalKeys(n.Keys, &f, keyBuf); err != nil {
			return err
		}
		rows = append(rows, sorted{row: kept, keys: keyBuf[start:len(keyBuf):len(keyBuf)], seq: len(rows)})
		return nil
	})
	if err != nil {
		return err
	}
	slices.SortFunc(rows, func(x, y sorted) int { return compareSorted(n.Keys, &x, &y) })
	for i := range rows {
		if err := emit(rows[i].row); err != nil {
			return err
		}
	}
	return nil
}

// Explain implements Node.
func (n *Sort) Explain(e *Explainer) {
	e.Line("Sort (%s)", describeKeys(n.Keys))
	e.Child(n.Input)
}

// TopN emits the first N rows of its input under Keys without sorting it
// all: a bounded max-heap of N rows (ORDER BY … LIMIT).
type TopN struct {
	Input Node
	Keys  []SortKey
	// N is the number of rows kept (LIMIT + OFFSET); Count evaluates it per
	// execution when it comes from a parameter.
	N     int64
	Count func(c *Ctx) (int64, error)
}

type topHeap struct {
	keys []SortKey
	rows []*sorted
}

func (h *topHeap) Len() int { return len(h.rows) }
func (h *topHeap) Less(i, j int) bool {
	return compareSorted(h.keys, h.rows[i], h.rows[j]) > 0 // max-heap: worst on top
}
func (h *topHeap) Swap(i, j int) { h.rows[i], h.rows[j] = h.rows[j], h.rows[i] }
func (h *topHeap) Push(x any)    { h.rows = append(h.rows, x.(*sorted)) }
func (h *topHeap) Pop() any {
	x := h.rows[len(h.rows)-1]
	h.rows = h.rows[:len(h.rows)-1]
	return x
}

// Run implements Node.
func (n *TopN) Run(c *Ctx, outer *Frame, emit Emit) error {
	limit := n.N
	if n.Count != nil {
		var err error
		if limit, err = n.Count(c); err != nil {
			return err
		}
	}
	if limit <= 0 {
		return nil
	}
	if limit > c.Limits.MaxRows {
		limit = c.Limits.MaxRows
	}
	h := &topHeap{keys: n.Keys}
	f := Frame{Outer: outer, Ctx: c, Depth: depthOf(outer)}
	var a arena
	var probe sorted
	seq := 0
	err := Run(n.Input, c, outer, func(r *Row) error {
		f.Row = r
		var err error
		probe.keys, err = evalKeys(n.Keys, &f, probe.keys[:0])
		if err != nil {
			return err
		}
		probe.seq = seq
		seq++
		if int64(h.Len()) >= limit && compareSorted(n.Keys, &probe, h.rows[0]) >= 0 {
			return nil
		}
		kept := &sorted{row: a.clone(r), seq: probe.seq}
		f.Row = kept.row
		if kept.keys, err = evalKeys(n.Keys, &f, nil); err != nil {
			return err
		}
		if int64(h.Len()) >= limit {
			h.rows[0] = kept
			heap.Fix(h, 0)
		} else {
			heap.Push(h, kept)
		}
		return nil
	})
	if err != nil {
		return err
	}
	out := make([]*sorted, h.Len())
	for i := len(out) - 1; i >= 0; i-- {
		out[i] = heap.Pop(h).(*sorted)
	}
	for _, s := range out {
		if err := emit(s.row); err != nil {
			return err
		}
	}
	return nil
}

// Explain implements Node.
func (n *TopN) Explain(e *Explainer) {
	if n.Count != nil {
		e.Line("TopN (%s)", describeKeys(n.Keys))
	} else {
		e.Line("TopN %d (%s)", n.N, describeKeys(n.Keys))
	}
	e.Child(n.Input)
}

// Limit skips Offset rows, then passes at most Limit rows (negative: no
// limit), then stops its input.
type Limit struct {
	Input         Node
	Limit, Offset func(c *Ctx) (int64, error)
	Text          string
}

// Run implements Node.
func (n *Limit) Run(c *Ctx, outer *Frame, emit Emit) error {
	limit, offset := int64(-1), int64(0)
	var err error
	if n.Limit != nil {
		if limit, err = n.Limit(c); err != nil {
			return err
		}
	}
	if n.Offset != nil {
		if offset, err = n.Offset(c); err != nil {
			return err
		}
	}
	if limit == 0 {
		return nil
	}
	seen, passed := int64(0), int64(0)
	return Run(n.Input, c, outer, func(r *Row) error {
		seen++
		if seen <= offset {
			return nil
		}
		if err := emit(r); err != nil {
			return err
		}
		passed++
		if limit >= 0 && passed >= limit {
			return errStop
		}
		return nil
	})
}

// Explain implements Node.
func (n *Limit) Explain(e *Explainer) {
	e.Line("Limit (%s)", n.Text)
	e.Child(n.Input)
}
