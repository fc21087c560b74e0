package exec

import (
	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/sql/sem"
)

// Derived places the output rows of a query (a FROM subquery, a view or a
// CTE) in one slot of the enclosing block's rows (SPEC §4.9). Uncorrelated
// queries run once per execution and are kept (State ≥ 0); correlated ones
// run on every Run.
type Derived struct {
	Query Node
	Slot  int
	Width int
	// Kind and Name are for EXPLAIN ("Subquery s", "View v", "CTE c").
	Kind, Name string
	// Columns rename the query's columns by position (CTE and view column
	// lists).
	Columns []string
	// State is the per-execution cache slot, -1 when correlated.
	State int
	// Up is how many frames out from the enclosing block's outer frame the
	// query's own outer frame is (CTEs referenced from nested blocks).
	Up     int
	Filter Expr
	Text   string
}

// Materialized returns the rows of the query as output texts (renamed).
func (d *Derived) Materialized(c *Ctx, outer *Frame) ([]string, error) {
	if d.State >= 0 {
		if rows, ok := c.State(d.State).([]string); ok {
			return rows, nil
		}
	}
	var rows []string
	var tb textBuf
	var buf []byte
	qouter := outer.Up(d.Up)
	saved := c.beginIsolated()
	err := Run(d.Query, c, qouter, func(r *Row) error {
		if int64(len(rows)) >= c.Limits.MaxRows {
			return ErrResultTooLarge
		}
		text := r.Text()
		if d.Columns != nil {
			var err error
			if text, buf, err = RenameColumns(r, d.Columns, d.Name, &tb, buf); err != nil {
				return err
			}
		}
		rows = append(rows, text)
		return nil
	})
	independent := c.endIsolated(saved, qouter)
	if err != nil {
		return nil, err
	}
	if d.State >= 0 {
		if independent {
			c.SetState(d.State, rows)
		} else {
			c.SetState(d.State, correlated{})
		}
	}
	return rows, nil
}

// correlated marks a state slot whose query read its outer frame: it must
// run again for every outer row.
type correlated struct{}

// RenameColumns renders an output row with its first columns renamed by
// position (WITH name (a, b) AS …); more names than columns is an error.
func RenameColumns(r *Row, names []string, query string, tb *textBuf, buf []byte) (string, []byte, error) {
	vals := Positional(r)
	if len(names) > len(vals) {
		return "", buf, sem.Errorf(sem.ErrPlan, "WITH query \"%s\" has %d columns available but %d columns specified", query, len(vals), len(names))
	}
	own := PositionalNames(r.Text())
	members := make([]Member, len(vals))
	for i, v := range vals {
		name := ""
		switch {
		case i < len(names):
			name = names[i]
		case i < len(own):
			name = own[i]
		}
		members[i] = Member{Name: name, Raw: v.String()}
	}
	buf = renderMembers(buf[:0], members)
	return tb.finish(buf), buf, nil
}

// Run implements Node.
func (d *Derived) Run(c *Ctx, outer *Frame, emit Emit) error {
	row := Row{Slots: make([]Slot, d.Width)}
	f := Frame{Row: &row, Outer: outer, Ctx: c, Depth: depthOf(outer)}
	pass := func(text string) error {
		row.Slots[d.Slot].Doc = text
		if d.Filter != nil {
			v, err := d.Filter(&f)
			if err != nil {
				return err
			}
			if !sem.IsTrue(v) {
				return nil
			}
		}
		return emit(&row)
	}
	_, corr := c.stateOf(d.State).(correlated)
	if (d.State >= 0 && !corr) || d.Columns != nil {
		rows, err := d.Materialized(c, outer)
		if err != nil {
			return err
		}
		for _, text := range rows {
			if err := pass(text); err != nil {
				return err
			}
		}
		return nil
	}
	return d.Query.Run(c, outer.Up(d.Up), func(r *Row) error { return pass(r.Text()) })
}

// Explain implements Node.
func (d *Derived) Explain(e *Explainer) {
	e.Line("%s %s", d.Kind, d.Name)
	if d.Filter != nil {
		e.Detail("Filter: %s", d.Text)
	}
	e.Child(d.Query)
}

// Recursive computes WITH RECURSIVE name AS (anchor UNION [ALL] step)
// (SPEC §4.9): the anchor's rows, then the step run repeatedly over the
// previous iteration's new rows (the working table, state slot Work) until
// it yields nothing new. Rows are renamed by position to Columns.
type Recursive struct {
	Name         string
	Anchor, Step Node
	All          bool
	Columns      []string
	Work         int
}

// Run implements Node.
func (n *Recursive) Run(c *Ctx, outer *Frame, emit Emit) error {
	var tb textBuf
	var buf []byte
	seen := map[string]struct{}{}
	var result []string
	collect := func(node Node) ([]string, error) {
		var fresh []string
		err := Run(node, c, outer, func(r *Row) error {
			text := r.Text()
			if n.Columns != nil {
				var err error
				if text, buf, err = RenameColumns(r, n.Columns, n.Name, &tb, buf); err != nil {
					return err
				}
			}
			if !n.All {
				if _, dup := seen[text]; dup {
					return nil
				}
				seen[text] = struct{}{}
			}
			if int64(len(result)+len(fresh)) >= c.Limits.MaxRows {
				return ErrResultTooLarge
			}
			fresh = append(fresh, text)
			return nil
		})
		return fresh, err
	}
	work, err := collect(n.Anchor)
	if err != nil {
		return err
	}
	result = append(result, work...)
	for iter := 0; len(work) > 0; iter++ {
		if iter >= c.Limits.MaxIterations {
			return sem.Errorf(sem.ErrLimit, "Recursive query '%s' exceeded the limit of %d iterations", n.Name, c.Limits.MaxIterations)
		}
		c.SetState(n.Work, work)
		if work, err = collect(n.Step); err != nil {
			return err
		}
		result = append(result, work...)
	}
	out := Row{Slots: make([]Slot, 1)}
	for _, text := range result {
		out.Slots[0].Doc = text
		if err := emit(&out); err != nil {
			return err
		}
	}
	return nil
}

// Explain implements Node.
func (n *Recursive) Explain(e *Explainer) {
	op := "UNION"
	if n.All {
		op = "UNION ALL"
	}
	e.Line("RecursiveUnion %s (%s)", n.Name, op)
	e.Child(n.Anchor)
	e.Child(n.Step)
}

// WorkTable reads the working set of a recursive CTE into a slot.
type WorkTable struct {
	Name        string
	Work        int
	Slot, Width int
}

// Run implements Node.
func (w *WorkTable) Run(c *Ctx, outer *Frame, emit Emit) error {
	rows, _ := c.State(w.Work).([]string)
	row := Row{Slots: make([]Slot, w.Width)}
	for _, text := range rows {
		row.Slots[w.Slot].Doc = text
		if err := emit(&row); err != nil {
			return err
		}
	}
	return nil
}

// Explain implements Node.
func (w *WorkTable) Explain(e *Explainer) { e.Line("WorkTableScan %s", w.Name) }

// Subquery is a query used inside an expression (scalar, IN, EXISTS,
// ANY/ALL). Uncorrelated subqueries (State ≥ 0) run once per execution.
type Subquery struct {
	Plan  Node
	State int
}

type subResult struct {
	rows []*Row
	set  map[string]struct{} // IN: identity keys of the values
	null bool                // IN: the values include NULL
}

// Rows runs the subquery with f as its outer frame and returns up to max
// rows (max < 0: all).
func (s *Subquery) Rows(f *Frame, max int) ([]*Row, error) {
	res, err := s.result(f, max)
	if err != nil {
		return nil, err
	}
	return res.rows, nil
}

func (s *Subquery) result(f *Frame, max int) (*subResult, error) {
	c := f.Ctx
	cacheable := false
	if s.State >= 0 {
		switch r := c.State(s.State).(type) {
		case *subResult:
			return r, nil
		case nil:
			cacheable = true
			max = -1 // the first run may be cached: compute it completely
		}
	}
	res := &subResult{}
	var a arena
	saved := c.beginIsolated()
	err := Run(s.Plan, c, f, func(r *Row) error {
		if int64(len(res.rows)) >= c.Limits.MaxRows {
			return ErrResultTooLarge
		}
		res.rows = append(res.rows, a.clone(r))
		if max >= 0 && len(res.rows) >= max {
			return errStop
		}
		return nil
	})
	independent := c.endIsolated(saved, f)
	if err != nil {
		return nil, err
	}
	if cacheable {
		if independent {
			c.SetState(s.State, res)
		} else {
			c.SetState(s.State, correlated{})
		}
	}
	return res, nil
}

// Values returns the single column of every row, or errText's error when a
// row has a number of columns other than one.
func (s *Subquery) Values(f *Frame, errText string) ([]jsondoc.Value, error) {
	rows, err := s.Rows(f, -1)
	if err != nil {
		return nil, err
	}
	out := make([]jsondoc.Value, len(rows))
	for i, r := range rows {
		vals := Positional(r)
		if len(vals) != 1 {
			return nil, sem.NewError(sem.ErrExec, errText)
		}
		out[i] = vals[0]
	}
	return out, nil
}

// In evaluates x IN (subquery) with a hash set of the values, built once
// per execution for uncorrelated subqueries.
func (s *Subquery) In(f *Frame, x jsondoc.Value) (sem.Tri, error) {
	res, err := s.result(f, -1)
	if err != nil {
		return sem.Unknown, err
	}
	if res.set == nil {
		res.set = make(map[string]struct{}, len(res.rows))
		for _, r := range res.rows {
			vals := Positional(r)
			if len(vals) != 1 {
				res.set = nil
				return sem.Unknown, sem.NewError(sem.ErrExec, "Subquery for IN operator must return exactly one column")
			}
			if vals[0].IsNull() {
				res.null = true
				continue
			}
			res.set[string(sem.AppendIdentityKey(nil, vals[0]))] = struct{}{}
		}
	}
	if len(res.rows) == 0 {
		return sem.False, nil // x IN (empty) is false even for a NULL x
	}
	if x.IsNull() {
		return sem.Unknown, nil
	}
	var buf [64]byte
	if _, ok := res.set[string(sem.AppendIdentityKey(buf[:0], x))]; ok {
		return sem.True, nil
	}
	if res.null {
		return sem.Unknown, nil
	}
	return sem.False, nil
}
