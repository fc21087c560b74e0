package exec

import (
	"hash/maphash"

	"github.com/memflux/memflux/sql/ast"
	"github.com/memflux/memflux/sql/sem"
)

// Join combines two inputs (SPEC §4.9). Left and right produce rows of the
// same width: the left input fills slots [Lo, Mid), the right [Mid, Hi).
// With LeftKeys/RightKeys it is a hash join on their '=' equality, else a
// nested loop; Cond is checked on every combined candidate (nil: true).
// Output order is the nested-loop order of the SPEC: left rows in order,
// each with its matching right rows in order; then, for RIGHT and FULL
// joins, the right rows that never matched.
type Join struct {
	Kind                ast.JoinKind
	Left, Right         Node
	LeftKeys, RightKeys []Expr
	Cond                Expr
	Text                string // condition for EXPLAIN
	Lo, Mid, Hi         int
	Width               int
}

// buildSide is the materialized right input.
type buildSide struct {
	rows    []*Row
	matched []bool
	// Hash join: heads maps the hash of a key to the first row with that
	// hash; next chains rows with the same hash in input order, tail is the
	// last row of the chain a head starts. keys holds each row's key bytes
	// (compared on probe, so hash collisions are harmless).
	heads map[uint64]int32
	next  []int32
	tail  []int32
	keys  [][]byte
}

func (j *Join) hash() bool { return len(j.LeftKeys) > 0 }

// appendKeys appends the equality key of a row; ok is false when a key is
// NULL (the row matches nothing).
func appendKeys(dst []byte, keys []Expr, f *Frame) ([]byte, bool, error) {
	for _, k := range keys {
		v, err := k(f)
		if err != nil {
			return dst, false, err
		}
		start := len(dst)
		dst = append(dst, 0, 0)
		var ok bool
		if dst, ok = sem.AppendEqualKey(dst, v); !ok {
			return dst, false, nil
		}
		n := len(dst) - start - 2
		dst[start], dst[start+1] = byte(n), byte(n>>8)
	}
	return dst, true, nil
}

func (j *Join) build(c *Ctx, outer *Frame) (*buildSide, error) {
	b := &buildSide{}
	var a arena
	var key, keyArena []byte
	f := Frame{Outer: outer, Ctx: c, Depth: depthOf(outer)}
	if j.hash() {
		b.heads = map[uint64]int32{}
	}
	err := Run(j.Right, c, outer, func(r *Row) error {
		if int64(len(b.rows)) >= c.Limits.MaxRows {
			return ErrResultTooLarge
		}
		idx := int32(len(b.rows))
		if j.hash() {
			f.Row = r
			var ok bool
			var err error
			key, ok, err = appendKeys(key[:0], j.RightKeys, &f)
			if err != nil {
				return err
			}
			if !ok {
				if j.Kind == ast.JoinRight || j.Kind == ast.JoinFull {
					b.rows = append(b.rows, a.clone(r))
					b.next = append(b.next, -1)
					b.tail = append(b.tail, -1)
					b.keys = append(b.keys, nil)
				}
				return nil
			}
			b.rows = append(b.rows, a.clone(r))
			b.next = append(b.next, -1)
			b.tail = append(b.tail, idx)
			if cap(keyArena)-len(keyArena) < len(key) {
				keyArena = make([]byte, 0, max(64<<10, len(key)))
			}
			start := len(keyArena)
			keyArena = append(keyArena, key...)
			b.keys = append(b.keys, keyArena[start:len(keyArena):len(keyArena)])
			h := hashKey(key)
			if head, ok := b.heads[h]; ok {
				t := b.tail[head]
				b.next[t] = idx
				b.tail[head] = idx
			} else {
				b.heads[h] = idx
			}
			return nil
		}
		b.rows = append(b.rows, a.clone(r))
		return nil
	})
	if err != nil {
		return nil, err
	}
	if j.Kind == ast.JoinRight || j.Kind == ast.JoinFull {
		b.matched = make([]bool, len(b.rows))
	}
	return b, nil
}

// Run implements Node.
func (j *Join) Run(c *Ctx, outer *Frame, emit Emit) error {
	b, err := j.build(c, outer)
	if err != nil {
		return err
	}
	out := Row{Slots: make([]Slot, j.Width)}
	f := Frame{Row: &out, Outer: outer, Ctx: c, Depth: depthOf(outer)}
	lf := Frame{Outer: outer, Ctx: c, Depth: depthOf(outer)}
	var key []byte
	keepLeft := j.Kind == ast.JoinLeft || j.Kind == ast.JoinFull
	try := func(i int32) (bool, error) {
		copy(out.Slots[j.Mid:j.Hi], b.rows[i].Slots[j.Mid:j.Hi])
		if j.Cond != nil {
			v, err := j.Cond(&f)
			if err != nil {
				return false, err
			}
			if !sem.IsTrue(v) {
				return false, nil
			}
		}
		if b.matched != nil {
			b.matched[i] = true
		}
		return true, emit(&out)
	}
	err = j.Left.Run(c, outer, func(l *Row) error {
		copy(out.Slots[j.Lo:j.Mid], l.Slots[j.Lo:j.Mid])
		matched := false
		if j.hash() {
			lf.Row = l
			var ok bool
			var err error
			key, ok, err = appendKeys(key[:0], j.LeftKeys, &lf)
			if err != nil {
				return err
			}
			if ok {
				if i, found := b.heads[hashKey(key)]; found {
					for ; i >= 0; i = b.next[i] {
						if string(b.keys[i]) != string(key) {
							continue
						}
						m, err := try(i)
						if err != nil {
							return err
						}
						matched = matched || m
					}
				}
			}
		} else {
			for i := range b.rows {
				m, err := try(int32(i))
				if err != nil {
					return err
				}
				matched = matched || m
			}
		}
		if !matched && keepLeft {
			clear(out.Slots[j.Mid:j.Hi])
			return emit(&out)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if b.matched != nil {
		clear(out.Slots[j.Lo:j.Mid])
		for i, m := range b.matched {
			if m {
				continue
			}
			copy(out.Slots[j.Mid:j.Hi], b.rows[i].Slots[j.Mid:j.Hi])
			if err := emit(&out); err != nil {
				return err
			}
		}
	}
	return nil
}

// Explain implements Node.
func (j *Join) Explain(e *Explainer) {
	kind := map[ast.JoinKind]string{ast.JoinInner: "Inner", ast.JoinLeft: "Left", ast.JoinRight: "Right",
		ast.JoinFull: "Full", ast.JoinCross: "Cross"}[j.Kind]
	switch {
	case j.hash():
		e.Line("HashJoin %s (%s)", kind, j.Text)
	case j.Text != "":
		e.Line("NestedLoopJoin %s (%s)", kind, j.Text)
	default:
		e.Line("NestedLoopJoin %s", kind)
	}
	e.Child(j.Left)
	e.Child(j.Right)
}

// hashSeed seeds the join key hash for the life of the process.
var hashSeed = maphash.MakeSeed()

func hashKey(b []byte) uint64 { return maphash.Bytes(hashSeed, b) }
