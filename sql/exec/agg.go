package exec

import (
	"sort"
	"strings"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/sql/funcs"
	"github.com/memflux/memflux/sql/sem"
)

// AggSpec is one aggregate call computed by an Aggregate node.
type AggSpec struct {
	Name     string
	Star     bool
	Distinct bool
	Numeric  bool
	Args     []Expr
	// Order is the ORDER BY inside the call (STRING_AGG(x, ',' ORDER BY y)).
	Order []SortKey
	Text  string
}

// Aggregate groups its input by Keys (hash aggregation) and computes Aggs
// per group. Output rows have Vals = key values then aggregate results.
// Without keys (Global) there is exactly one output row, also for empty
// input (SPEC §4.10). Group order is first appearance.
type Aggregate struct {
	Input Node
	// Keys append the canonical JSON of each GROUP BY value; groups are
	// keyed by JSON identity (SPEC §4.10 with §4.7's equality).
	Keys     []Appender
	KeyTexts []string
	Aggs     []AggSpec
}

type group struct {
	keys    []jsondoc.Value
	accs    []funcs.Accumulator
	ordered [][]orderedInput // per ordered aggregate: buffered inputs
}

type orderedInput struct {
	args []jsondoc.Value
	keys []jsondoc.Value
}

func (n *Aggregate) newGroup(keys []jsondoc.Value) *group {
	g := &group{keys: keys, accs: make([]funcs.Accumulator, len(n.Aggs))}
	for i, a := range n.Aggs {
		g.accs[i] = funcs.NewAccumulator(a.Name, a.Star, funcs.AggOptions{Distinct: a.Distinct, Numeric: a.Numeric})
		if len(a.Order) > 0 {
			if g.ordered == nil {
				g.ordered = make([][]orderedInput, len(n.Aggs))
			}
		}
	}
	return g
}

// Run implements Node.
func (n *Aggregate) Run(c *Ctx, outer *Frame, emit Emit) error {
	groups := map[string]*group{}
	var order []*group
	var single *group
	if len(n.Keys) == 0 {
		single = n.newGroup(nil)
		order = append(order, single)
	}
	f := Frame{Outer: outer, Ctx: c, Depth: depthOf(outer)}
	var key []byte
	args := make([]jsondoc.Value, 0, 4)
	err := Run(n.Input, c, outer, func(r *Row) error {
		f.Row = r
		g := single
		if g == nil {
			key = key[:0]
			for _, k := range n.Keys {
				start := len(key)
				key = append(key, 0, 0, 0)
				var err error
				if key, err = k(&f, key); err != nil {
					return err
				}
				l := len(key) - start - 3
				key[start], key[start+1], key[start+2] = byte(l), byte(l>>8), byte(l>>16)
			}
			var ok bool
			if g, ok = groups[string(key)]; !ok {
				if int64(len(order)) >= c.Limits.MaxRows {
					return ErrResultTooLarge
				}
				g = n.newGroup(decodeKeys(string(key), len(n.Keys)))
				groups[string(key)] = g
				order = append(order, g)
			}
		}
		for i := range n.Aggs {
			a := &n.Aggs[i]
			args = args[:0]
			for _, e := range a.Args {
				v, err := e(&f)
				if err != nil {
					return err
				}
				args = append(args, v)
			}
			if len(a.Order) > 0 {
				in := orderedInput{args: cloneValues(args)}
				for _, k := range a.Order {
					v, err := k.Expr(&f)
					if err != nil {
						return err
					}
					in.keys = append(in.keys, v)
				}
				g.ordered[i] = append(g.ordered[i], in)
				continue
			}
			g.accs[i].Add(args)
		}
		return nil
	})
	if err != nil {
		return err
	}
	out := Row{Vals: make([]jsondoc.Value, len(n.Keys)+len(n.Aggs))}
	for _, g := range order {
		copy(out.Vals, g.keys)
		for i := range n.Aggs {
			if g.ordered != nil && g.ordered[i] != nil {
				feedOrdered(g.accs[i], g.ordered[i], n.Aggs[i].Order)
			}
			out.Vals[len(n.Keys)+i] = g.accs[i].Result()
		}
		if err := emit(&out); err != nil {
			return err
		}
	}
	return nil
}

func feedOrdered(acc funcs.Accumulator, ins []orderedInput, keys []SortKey) {
	sort.SliceStable(ins, func(a, b int) bool {
		for k := range keys {
			c := sem.OrderCompareNulls(ins[a].keys[k], ins[b].keys[k], keys[k].Numeric, keys[k].Desc, keys[k].Nulls)
			if c != 0 {
				return c < 0
			}
		}
		return false
	})
	for _, in := range ins {
		acc.Add(in.args)
	}
}

// decodeKeys decodes the length-prefixed canonical texts of a group key.
func decodeKeys(key string, n int) []jsondoc.Value {
	out := make([]jsondoc.Value, 0, n)
	for i := 0; i+3 <= len(key) && len(out) < n; {
		l := int(key[i]) | int(key[i+1])<<8 | int(key[i+2])<<16
		i += 3
		if i+l > len(key) {
			break
		}
		out = append(out, jsondoc.Decode(key[i:i+l]))
		i += l
	}
	for len(out) < n {
		out = append(out, jsondoc.Null())
	}
	return out
}

func cloneValues(v []jsondoc.Value) []jsondoc.Value {
	return append([]jsondoc.Value(nil), v...)
}

// Explain implements Node.
func (n *Aggregate) Explain(e *Explainer) {
	var aggs []string
	for _, a := range n.Aggs {
		aggs = append(aggs, a.Text)
	}
	if len(n.Keys) == 0 {
		e.Line("Aggregate (%s)", strings.Join(aggs, ", "))
	} else {
		e.Line("HashAggregate (keys: %s; aggregates: %s)", strings.Join(n.KeyTexts, ", "), strings.Join(aggs, ", "))
	}
	e.Child(n.Input)
}
