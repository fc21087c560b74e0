package art

// delResult tells a parent what a delete did to one of its children.
type delResult uint8

const (
	delNone   delResult = iota // key not found (or value differs): nothing changed
	delDone                    // deleted; the child needs nothing from its parent
	delNode                    // deleted; publish deleter.rn in the child's place
	delLeaf                    // deleted; replace the child by the leaf deleter.rl
	delRemove                  // deleted; the child is empty, remove it
)

// deleter carries one CompareAndDelete through the tree.
// REQUIRES: t.mu held for its whole life.
type deleter[T any] struct {
	t   *Tree[T]
	key []byte
	old *T

	rn *inner[T] // replacement node for delNode
	rl *leaf[T]  // replacement leaf for delLeaf
}

// delete deletes w.key from the subtree of the published node n, reached at
// depth d. root is true for the tree's root, which is never removed or
// turned into a leaf.
func (w *deleter[T]) delete(n *inner[T], d int, root bool) delResult {
	key := w.key
	pl := int(n.plen)
	if len(key)-d < pl || string(key[d:d+pl]) != string(n.pfx[:pl]) {
		return delNone
	}
	end := d + pl
	if end == len(key) {
		l := n.term.Load()
		if l == nil || l.val != w.old {
			return delNone
		}
		n.term.Store(nil)
		return w.normalize(n, d, root, false)
	}
	c := key[end]
	l, ch := n.child(c)
	if l != nil {
		if !match(l, key) || l.val != w.old {
			return delNone
		}
		return w.removed(n, d, root, c)
	}
	if ch == nil {
		return delNone
	}
	switch r := w.delete(ch, end+1, false); r {
	case delNode:
		n.setNode(c, w.rn)
		return delDone
	case delLeaf:
		// n may now hold a single leaf and need collapsing in turn.
		return w.normalize(w.t.setLeafLocked(n, c, w.rl), d, root, true)
	case delRemove:
		return w.removed(n, d, root, c)
	default:
		return r
	}
}

// removed removes child c from n and normalizes the result.
func (w *deleter[T]) removed(n *inner[T], d int, root bool, c byte) delResult {
	if m := w.t.removeChildLocked(n, c); m != nil {
		return w.normalize(m, d, root, true)
	}
	return w.normalize(n, d, root, false)
}

// normalize restores the shape invariants of n (reached at depth d) after a
// child or its term leaf was removed: no empty non-root nodes, no non-root
// node holding a single key, single-child paths merged while they fit, and
// kinds shrunk when sparse. replaced reports that n is an unpublished
// replacement that must be published even if nothing else changes.
func (w *deleter[T]) normalize(n *inner[T], d int, root, replaced bool) delResult {
	if !root {
		term := n.term.Load()
		num := n.num.Load()
		switch {
		case num == 0 && term == nil:
			return delRemove
		case num == 0:
			// Only the term key is left: it becomes a leaf in n's slot.
			w.rl = newLeaf(w.key[:d+int(n.plen)], d, term.val)
			return delLeaf
		case num == 1 && term == nil:
			if r, ok := w.collapse(n, d); ok {
				return r
			}
		}
	}
	if m := w.shrink(n); m != nil {
		w.rn = m
		return delNode
	}
	if replaced {
		w.rn = n
		return delNode
	}
	return delDone
}

// collapse replaces a non-root node with one child and no term leaf by that
// child: a leaf moves up (re-made with its suffix starting at d), an inner
// child absorbs n's path if the merged path fits in maxPrefix.
func (w *deleter[T]) collapse(n *inner[T], d int) (delResult, bool) {
	end := d + int(n.plen)
	c, l, ch := n.only()
	if l != nil {
		// l's full key: the path to n's child slot, then its suffix.
		full := make([]byte, 0, int(l.skip)+l.suffixLen())
		full = append(full, w.key[:min(int(l.skip), end)]...)
		if int(l.skip) == end+1 {
			full = append(full, c)
		}
		full = l.appendSuffix(full, int(l.skip))
		w.rl = newLeaf(full, d, l.val)
		return delLeaf, true
	}
	if int(n.plen)+1+int(ch.plen) > maxPrefix {
		return delNone, false
	}
	var pfx [2*maxPrefix + 1]byte
	p := append(pfx[:0], n.pfx[:n.plen]...)
	p = append(p, c)
	p = append(p, ch.pfx[:ch.plen]...)
	w.rn = ch.withPrefix(p)
	return delNode, true
}

// shrink returns a smaller copy of a kind256 node n that has become sparse,
// or nil.
func (w *deleter[T]) shrink(n *inner[T]) *inner[T] {
	if n.kind == kind256 && n.num.Load() <= shrinkTo32 {
		es := n.entries(w.t.scratch[:0])
		m := build(n.pfx[:n.plen], n.term.Load(), es)
		clear(es)
		w.t.scratch = es[:0]
		return m
	}
	return nil
}
