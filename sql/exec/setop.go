package exec

import (
	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/sql/ast"
	"github.com/memflux/memflux/sql/sem"
)

// SetOp combines the output rows of two query bodies (SPEC §4.7): right rows
// are renamed positionally to the left operand's output names; UNION ALL
// appends, UNION de-duplicates keeping first occurrences, INTERSECT and
// EXCEPT use set semantics (multiset with ALL), in left order.
type SetOp struct {
	Op          ast.SetOpKind
	All         bool
	Left, Right Node
	// Names are the left operand's output names by position; nil when the
	// left operand is a SELECT * (then the first left row's names are used).
	Names []string
}

func (s *SetOp) opName() string { return s.Op.String() }

// rename re-renders an output row under names, by position.
func (s *SetOp) rename(r *Row, names []string, tb *textBuf, buf []byte) (string, []jsondoc.Value, []byte, error) {
	vals := Positional(r)
	if names == nil {
		return r.Text(), vals, buf, nil
	}
	if len(vals) != len(names) {
		return "", nil, buf, sem.Errorf(sem.ErrPlan, "SELECTs to the left and right of %s have different number of columns", s.opName())
	}
	members := make([]Member, len(vals))
	for i, v := range vals {
		members[i] = Member{Name: names[i], Raw: v.String()}
	}
	buf = renderMembers(buf[:0], members)
	return tb.finish(buf), vals, buf, nil
}

// Run implements Node.
func (s *SetOp) Run(c *Ctx, outer *Frame, emit Emit) error {
	names := s.Names
	var tb textBuf
	var buf []byte
	out := Row{Slots: make([]Slot, 1)}
	switch s.Op {
	case ast.Union:
		seen := map[string]struct{}{}
		pass := func(text string, vals []jsondoc.Value) error {
			if !s.All {
				if _, dup := seen[text]; dup {
					return nil
				}
				seen[text] = struct{}{}
			}
			out.Slots[0].Doc, out.Vals = text, vals
			return emit(&out)
		}
		err := s.Left.Run(c, outer, func(r *Row) error {
			if names == nil && s.Names == nil {
				names = PositionalNames(r.Text())
			}
			return pass(r.Text(), r.Vals)
		})
		if err != nil {
			return err
		}
		return s.Right.Run(c, outer, func(r *Row) error {
			text, vals, b, err := s.rename(r, names, &tb, buf)
			buf = b
			if err != nil {
				return err
			}
			return pass(text, vals)
		})
	}
	// INTERSECT / EXCEPT: count the right rows first.
	counts := map[string]int{}
	err := Run(s.Right, c, outer, func(r *Row) error {
		text, _, b, err := s.rename(r, s.Names, &tb, buf)
		buf = b
		if err != nil {
			return err
		}
		counts[text]++
		return nil
	})
	if err != nil {
		return err
	}
	emitted := map[string]struct{}{}
	return s.Left.Run(c, outer, func(r *Row) error {
		text := r.Text()
		n := counts[text]
		keep := false
		if s.Op == ast.Intersect {
			keep = n > 0
			if s.All && keep {
				counts[text] = n - 1
			}
		} else {
			keep = n == 0
			if s.All && !keep {
				counts[text] = n - 1
			}
		}
		if !keep {
			return nil
		}
		if !s.All {
			if _, dup := emitted[text]; dup {
				return nil
			}
			emitted[text] = struct{}{}
		}
		return emit(r)
	})
}

// Explain implements Node.
func (s *SetOp) Explain(e *Explainer) {
	op := s.opName()
	if s.All {
		op += " ALL"
	}
	e.Line("%s", op)
	e.Child(s.Left)
	e.Child(s.Right)
}
