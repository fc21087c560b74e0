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
	cols    []string // static: output names in select-list order, each once
	colOf   []int    // static: position in cols of each layout member
	textLen int      // static: rendered length of an object without its values
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
		p.textLen += len(p.heads[i])
	}
	p.textLen++ // the closing brace
	for _, it := range items {
		if !slices.Contains(p.cols, it.Name) {
			p.cols = append(p.cols, it.Name)
		}
	}
	for _, i := range p.layout {
		p.colOf = append(p.colOf, slices.Index(p.cols, items[i].Name))
	}
	return p
}

// Columns returns the output column names of a static projection in select-list
// order, each once, or nil when the members depend on the data (q.*). It is the
// layout of the rows Run emits in column form (Ctx.TakeValues).
func (p *Project) Columns() []string {
	if p.dynamic {
		return nil
	}
	return p.cols
}

// TextLen returns the length of the object a static projection renders for
// values whose canonical texts total n bytes.
func (p *Project) TextLen(n int) int {
	if len(p.layout) == 0 {
		return 2 // {}
	}
	return p.textLen + n
}

// Run implements Node.
func (p *Project) Run(c *Ctx, outer *Frame, emit Emit) error {
	r := c.projectRun()
	r.start(p, c, outer, emit)
	var err error
	if c.values == p && !p.dynamic {
		err = p.Input.Run(c, outer, r.valueRow)
	} else {
		err = p.Input.Run(c, outer, r.textRow)
	}
	r.finish()
	c.projRuns = append(c.projRuns, r)
	return err
}

// projectRun is the state of one run of a Project: the output row, the frame of
// the input rows and the functions receiving them, bound once. A finished run's
// state is reused by later runs of the execution (Ctx.projectRun); the rendered
// text goes to a textBuf of the run's own. It is not safe for concurrent use.
type projectRun struct {
	p       *Project
	emit    Emit
	f       Frame
	out     Row
	slot    [1]Slot
	vals    []jsondoc.Value // KeepVals or column form: backing of out.Vals
	kept    []jsondoc.Value // KeepVals: the item values of the current row
	buf     []byte
	scratch []byte
	members []Member
	tb      textBuf
	// textRow and valueRow are r.doTextRow and r.doValueRow.
	textRow, valueRow Emit
}

// projectRun returns a free projection state of the execution, or a new one.
func (c *Ctx) projectRun() *projectRun {
	if n := len(c.projRuns); n > 0 {
		r := c.projRuns[n-1]
		c.projRuns = c.projRuns[:n-1]
		return r
	}
	r := &projectRun{}
	r.textRow, r.valueRow = r.doTextRow, r.doValueRow
	return r
}

// start prepares the state for a run of p.
func (r *projectRun) start(p *Project, c *Ctx, outer *Frame, emit Emit) {
	r.p, r.emit = p, emit
	r.f = Frame{Outer: outer, Ctx: c, Depth: depthOf(outer)}
	r.out = Row{Slots: r.slot[:]}
	n := 0
	switch {
	case c.values == p && !p.dynamic:
		r.out.Slots = nil
		n = len(p.cols)
	case p.KeepVals:
		n = len(p.Items)
	}
	if n > 0 {
		if cap(r.vals) < n {
			r.vals = make([]jsondoc.Value, n)
		}
		r.out.Vals = r.vals[:n]
		clear(r.out.Vals)
		if p.KeepVals {
			r.kept = r.out.Vals
		}
	}
	r.tb = textBuf{} // rendered rows outlive the run: never reuse their chunks
}

// finish drops what the run referenced, so that a free state keeps nothing alive.
func (r *projectRun) finish() {
	clear(r.vals)
	clear(r.members)
	r.slot[0] = Slot{}
	r.p, r.emit, r.f, r.out, r.kept, r.tb = nil, nil, Frame{}, Row{}, nil, textBuf{}
}

// doTextRow renders one input row as an output object.
func (r *projectRun) doTextRow(in *Row) error {
	p := r.p
	r.f.Row = in
	vals := r.kept
	var err error
	if p.KeepVals {
		for i := range p.Items {
			if p.Items[i].Star {
				continue
			}
			if vals[i], err = p.Items[i].Expr(&r.f); err != nil {
				return err
			}
		}
	}
	r.buf = r.buf[:0]
	if p.dynamic {
		r.members, r.buf, err = p.dynamicRow(&r.f, r.members[:0], r.buf, vals)
	} else {
		r.buf, err = p.staticRow(&r.f, r.buf, vals)
	}
	if err != nil {
		return err
	}
	r.out.Slots[0].Doc = r.tb.finish(r.buf)
	if p.KeepVals && p.dynamic {
		r.out.Vals = Positional(&Row{Slots: r.out.Slots})
	}
	return r.emit(&r.out)
}

// doValueRow is doTextRow in column form (Ctx.TakeValues): the output row carries
// in Vals the value of every Columns name (that of its last item) and no text.
// The items are evaluated in the order the text form renders them, so that the
// same error comes first; an item without an Expr is rendered and decoded.
func (r *projectRun) doValueRow(in *Row) error {
	p := r.p
	r.f.Row = in
	for k, i := range p.layout {
		it := &p.Items[i]
		var v jsondoc.Value
		var err error
		if it.Expr != nil {
			v, err = it.Expr(&r.f)
		} else if r.scratch, err = it.App(&r.f, r.scratch[:0]); err == nil {
			v = jsondoc.Decode(string(r.scratch))
		}
		if err != nil {
			return err
		}
		r.out.Vals[p.colOf[k]] = v
	}
	return r.emit(&r.out)
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
