package exec

import (
	"slices"
	"strings"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/sql/sem"
)

// ProjItem is one select-list item.
type ProjItem struct {
	Name string
	// App renders the value; Expr computes it (used when values are kept).
	App  Appender
	Expr Expr
	// Star items (q.* and * inside a mixed list) expand to the members of
	// these slots instead.
	Star      bool
	StarSlots []int
	StarBase  []bool
}

// Project renders each input row as an output object (SPEC §4.8): one
// member per item, later duplicates overwriting earlier ones, members
// sorted by name. Output rows hold the text in slot 0 and, with KeepVals,
// the item values by position.
type Project struct {
	Input    Node
	Items    []ProjItem
	KeepVals bool

	dynamic bool
	layout  []int    // static: item index per output member, sorted by name
	heads   []string // static: `{"name":` / `,"name":` per output member
}

// NewProject returns a projection over items.
func NewProject(input Node, items []ProjItem, keepVals bool) *Project {
	p := &Project{Input: input, Items: items, KeepVals: keepVals}
	for _, it := range items {
		if it.Star {
			p.dynamic = true
		}
	}
	if p.dynamic {
		return p
	}
	last := map[string]int{}
	for i, it := range items {
		last[it.Name] = i
	}
	names := make([]string, 0, len(last))
	for n := range last {
		names = append(names, n)
	}
	slices.Sort(names)
	for i, n := range names {
		p.layout = append(p.layout, last[n])
		h := []byte{','}
		if i == 0 {
			h[0] = '{'
		}
		h = jsondoc.Quote(h, n)
		p.heads = append(p.heads, string(append(h, ':')))
	}
	return p
}

// Run implements Node.
func (p *Project) Run(c *Ctx, outer *Frame, emit Emit) error {
	f := Frame{Outer: outer, Ctx: c, Depth: depthOf(outer)}
	out := Row{Slots: make([]Slot, 1)}
	var vals []jsondoc.Value
	if p.KeepVals {
		vals = make([]jsondoc.Value, len(p.Items))
		out.Vals = vals
	}
	var buf []byte
	var tb textBuf
	var members []Member
	return p.Input.Run(c, outer, func(r *Row) error {
		f.Row = r
		var err error
		if p.KeepVals {
			for i := range p.Items {
				if p.Items[i].Star {
					continue
				}
				if vals[i], err = p.Items[i].Expr(&f); err != nil {
					return err
				}
			}
		}
		buf = buf[:0]
		if p.dynamic {
			members, buf, err = p.dynamicRow(&f, members[:0], buf, vals)
		} else {
			buf, err = p.staticRow(&f, buf, vals)
		}
		if err != nil {
			return err
		}
		out.Slots[0].Doc = tb.finish(buf)
		if p.KeepVals && p.dynamic {
			out.Vals = Positional(&Row{Slots: out.Slots})
		}
		return emit(&out)
	})
}

func (p *Project) staticRow(f *Frame, buf []byte, vals []jsondoc.Value) ([]byte, error) {
	if len(p.layout) == 0 {
		return append(buf, "{}"...), nil
	}
	var err error
	for k, i := range p.layout {
		buf = append(buf, p.heads[k]...)
		if vals != nil {
			buf = vals[i].Append(buf)
			continue
		}
		if buf, err = p.Items[i].App(f, buf); err != nil {
			return buf, err
		}
	}
	return append(buf, '}'), nil
}

func (p *Project) dynamicRow(f *Frame, members []Member, buf []byte, vals []jsondoc.Value) ([]Member, []byte, error) {
	var scratch []byte
	for i := range p.Items {
		it := &p.Items[i]
		if it.Star {
			for k, s := range it.StarSlots {
				if s < len(f.Row.Slots) {
					members = appendMembers(members, &f.Row.Slots[s], it.StarBase[k])
				}
			}
			continue
		}
		start := len(scratch)
		var err error
		if vals != nil {
			scratch = vals[i].Append(scratch)
		} else if scratch, err = it.App(f, scratch); err != nil {
			return members, buf, err
		}
		members = append(members, Member{Name: it.Name, Raw: string(scratch[start:])})
	}
	return members, renderMembers(buf, members), nil
}

// renderMembers writes members as an object: sorted by name, the last of
// equal names winning.
func renderMembers(buf []byte, members []Member) []byte {
	slices.SortStableFunc(members, func(a, b Member) int { return strings.Compare(a.Name, b.Name) })
	buf = append(buf, '{')
	first := true
	for i := range members {
		if i+1 < len(members) && members[i+1].Name == members[i].Name {
			continue
		}
		if !first {
			buf = append(buf, ',')
		}
		first = false
		buf = jsondoc.Quote(buf, members[i].Name)
		buf = append(buf, ':')
		buf = append(buf, members[i].Raw...)
	}
	return append(buf, '}')
}

// Explain implements Node.
func (p *Project) Explain(e *Explainer) {
	names := make([]string, len(p.Items))
	for i, it := range p.Items {
		names[i] = it.Name
	}
	e.Line("Project (%s)", strings.Join(names, ", "))
	e.Child(p.Input)
}

// StarSource is one source of SELECT * over several sources.
type StarSource struct {
	Slot int
	Base bool
	Name string // the qualifier for shared names
}

// StarProject is SELECT * over one or several sources (SPEC §4.8). With one
// source it streams the source's columns; with several, a name contributed
// by two or more sources is output as q.name, decided over all result rows,
// so it buffers its input.
type StarProject struct {
	Input    Node
	Sources  []StarSource
	KeepVals bool
}

// Run implements Node.
func (p *StarProject) Run(c *Ctx, outer *Frame, emit Emit) error {
	out := Row{Slots: make([]Slot, 1)}
	if len(p.Sources) == 1 {
		src := p.Sources[0]
		var buf []byte
		return p.Input.Run(c, outer, func(r *Row) error {
			if src.Slot >= len(r.Slots) || r.Slots[src.Slot].Doc == "" {
				out.Slots[0].Doc = "{}"
			} else {
				out.Slots[0].Doc = SlotObject(&r.Slots[src.Slot], src.Base, buf)
			}
			if p.KeepVals {
				out.Vals = nil
				out.Vals = Positional(&out)
			}
			return emit(&out)
		})
	}
	// Several sources: collect every row's members per source first.
	type rowMembers struct {
		per [][]Member
	}
	var rows []rowMembers
	contributors := map[string]uint64{}
	err := Run(p.Input, c, outer, func(r *Row) error {
		if int64(len(rows)) >= c.Limits.MaxRows {
			return ErrResultTooLarge
		}
		rm := rowMembers{per: make([][]Member, len(p.Sources))}
		for i, s := range p.Sources {
			if s.Slot < len(r.Slots) {
				slot := r.Slots[s.Slot]
				rm.per[i] = appendMembers(nil, &slot, s.Base)
				for _, m := range rm.per[i] {
					contributors[m.Name] |= 1 << uint(i%64)
				}
			}
		}
		rows = append(rows, rm)
		return nil
	})
	if err != nil {
		return err
	}
	var buf []byte
	var tb textBuf
	var members []Member
	for _, rm := range rows {
		members = members[:0]
		for i, ms := range rm.per {
			for _, m := range ms {
				name := m.Name
				if bits := contributors[name]; bits&(bits-1) != 0 {
					name = p.Sources[i].Name + "." + name
				}
				members = append(members, Member{Name: name, Raw: m.Raw})
			}
		}
		buf = renderMembers(buf[:0], members)
		out.Slots[0].Doc = tb.finish(buf)
		if p.KeepVals {
			out.Vals = nil
			out.Vals = Positional(&out)
		}
		if err := emit(&out); err != nil {
			return err
		}
	}
	return nil
}

// Explain implements Node.
func (p *StarProject) Explain(e *Explainer) {
	e.Line("Project (*)")
	e.Child(p.Input)
}

// Distinct keeps the first output row of each group of JSON-equal rows
// (plain DISTINCT, UNION), or of each distinct On key (DISTINCT ON).
type Distinct struct {
	Input Node
	On    []Expr
	Text  string
}

// Run implements Node.
func (d *Distinct) Run(c *Ctx, outer *Frame, emit Emit) error {
	seen := map[string]struct{}{}
	f := Frame{Outer: outer, Ctx: c, Depth: depthOf(outer)}
	var key []byte
	return d.Input.Run(c, outer, func(r *Row) error {
		if d.On == nil {
			if _, dup := seen[r.Text()]; dup {
				return nil
			}
			seen[r.Text()] = struct{}{}
			return emit(r)
		}
		f.Row = r
		key = key[:0]
		for _, e := range d.On {
			v, err := e(&f)
			if err != nil {
				return err
			}
			key = sem.AppendIdentityKey(key, v)
			key = append(key, 0)
		}
		if _, dup := seen[string(key)]; dup {
			return nil
		}
		seen[string(key)] = struct{}{}
		return emit(r)
	})
}

// Explain implements Node.
func (d *Distinct) Explain(e *Explainer) {
	if d.On != nil {
		e.Line("Distinct On (%s)", d.Text)
	} else {
		e.Line("Distinct")
	}
	e.Child(d.Input)
}
