package art

// inserter carries one GetOrInsert through the tree.
// REQUIRES: t.mu held for its whole life.
type inserter[T any] struct {
	t   *Tree[T]
	key []byte
	mk  func() *T

	v        *T   // the value found or inserted
	inserted bool // whether v was made by mk
}

// make calls mk once the insert position is known and before anything is
// mutated, so a nil result or a panic leaves the tree unchanged.
func (w *inserter[T]) make() bool {
	w.v = w.mk()
	w.inserted = w.v != nil
	return w.inserted
}

// insert inserts w.key into the subtree of the published node n, reached at
// depth d. It returns a replacement for n that the caller must publish in
// n's place, or nil if n was kept (possibly mutated in place).
func (w *inserter[T]) insert(n *inner[T], d int) *inner[T] {
	key := w.key
	pl := int(n.plen)
	if p := commonPrefix(n.pfx[:pl], key[d:]); p < pl {
		return w.splitPrefix(n, d, p)
	}
	d += pl
	if d == len(key) {
		if l := n.term.Load(); l != nil {
			w.v = l.val
			return nil
		}
		if w.make() {
			n.term.Store(newLeaf(key, d, w.v))
		}
		return nil
	}
	c := key[d]
	if n.kind == kind256 {
		s := &n.b256[c]
		if l := s.leaf.Load(); l != nil {
			if w.found(l) || !w.make() {
				return nil
			}
			// Leaf to inner node in place: node first, then clear leaf
			// (readers load leaf first).
			s.node.Store(w.splitLeaf(l, d+1))
			s.leaf.Store(nil)
			return nil
		}
		if ch := s.node.Load(); ch != nil {
			if r := w.insert(ch, d+1); r != nil {
				s.node.Store(r)
			}
			return nil
		}
	} else if i := n.search(c, int(n.num.Load())); i >= 0 {
		f := n.fatAt(i)
		if ch := f.node.Load(); ch != nil {
			if r := w.insert(ch, d+1); r != nil {
				f.node.Store(r)
			}
			return nil
		}
		if w.found(&f.leaf) || !w.make() {
			return nil
		}
		// The inline leaf stays as it is; readers see node first.
		f.node.Store(w.splitLeaf(&f.leaf, d+1))
		return nil
	}
	if !w.make() {
		return nil
	}
	return w.t.addLeafLocked(n, c, makeLeaf(key, d+1, w.v))
}

// found reports whether l holds w.key, recording its value if so.
func (w *inserter[T]) found(l *leaf[T]) bool {
	if match(l, w.key) {
		w.v = l.val
		return true
	}
	return false
}

// splitPrefix handles a key that leaves n's compressed path after p bytes:
// it returns a new node holding the first p bytes whose children are a copy
// of n (with the rest of the path) and the new key.
func (w *inserter[T]) splitPrefix(n *inner[T], d, p int) *inner[T] {
	if !w.make() {
		return nil
	}
	key := w.key
	pl := int(n.plen)
	old := entry[T]{b: n.pfx[p], node: n.withPrefix(n.pfx[p+1 : pl])}
	if d+p == len(key) {
		return build(key[d:d+p], newLeaf(key, d+p, w.v), []entry[T]{old})
	}
	nw := entry[T]{b: key[d+p], leaf: newLeaf(key, d+p+1, w.v)}
	return build(key[d:d+p], nil, sorted2(old, nw))
}

// splitLeaf returns the subtree, rooted at depth d, holding the existing
// leaf l (which may point into a node body) and a new leaf for w.key (which
// differs from l's key). Their common
// bytes from d on become compressed paths, chained when longer than
// maxPrefix.
func (w *inserter[T]) splitLeaf(l *leaf[T], d int) *inner[T] {
	key := w.key
	lk := l.appendSuffix(nil, d) // l's key from depth d
	e := d + commonPrefix(lk, key[d:])
	lend := d + len(lk)
	return w.chain(d, e, func(pfx []byte) *inner[T] {
		switch {
		case e == lend:
			nw := entry[T]{b: key[e], leaf: newLeaf(key, e+1, w.v)}
			return build(pfx, l.clone(), []entry[T]{nw})
		case e == len(key):
			old := entry[T]{b: lk[e-d], leaf: l}
			return build(pfx, newLeaf(key, e, w.v), []entry[T]{old})
		default:
			old := entry[T]{b: lk[e-d], leaf: l}
			nw := entry[T]{b: key[e], leaf: newLeaf(key, e+1, w.v)}
			return build(pfx, nil, sorted2(old, nw))
		}
	})
}

// chain returns a node for the path w.key[from:to] ending in the node made by
// bottom. Paths longer than maxPrefix become single-child nodes, each
// consuming maxPrefix bytes of compressed path plus one branch byte.
func (w *inserter[T]) chain(from, to int, bottom func(pfx []byte) *inner[T]) *inner[T] {
	if to-from <= maxPrefix {
		return bottom(w.key[from:to])
	}
	next := from + maxPrefix
	child := w.chain(next+1, to, bottom)
	return build(w.key[from:next], nil, []entry[T]{{b: w.key[next], node: child}})
}

// sorted2 returns two entries with distinct bytes in ascending order.
func sorted2[T any](a, b entry[T]) []entry[T] {
	if a.b > b.b {
		a, b = b, a
	}
	return []entry[T]{a, b}
}

// commonPrefix returns the length of the longest common prefix of a and b.
func commonPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}
