package exec

// Feed emits rows its executor supplies at run time: the rows an INSERT,
// UPDATE or DELETE wrote, for the projection of its RETURNING clause. The
// rows are kept in the execution's state slot State (SetFeed), so the plan
// stays immutable and may be cached.
type Feed struct {
	State int
	// Name is the EXPLAIN text ("Modified rows of t").
	Name string
}

// SetFeed stores the rows a Feed with state slot state emits in c.
func SetFeed(c *Ctx, state int, rows []*Row) { c.SetState(state, rows) }

// Run implements Node.
func (n *Feed) Run(c *Ctx, outer *Frame, emit Emit) error {
	rows, _ := c.stateOf(n.State).([]*Row)
	for _, r := range rows {
		if err := emit(r); err != nil {
			return err
		}
	}
	return nil
}

// Explain implements Node.
func (n *Feed) Explain(e *Explainer) { e.Line("%s", n.Name) }
