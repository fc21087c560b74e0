package art

import (
	"sync"
	"sync/atomic"
)

// Tree is an ordered map from byte-string keys to non-nil *T values.
//
// Tree is safe for concurrent use. Writers (GetOrInsert when it inserts,
// CompareAndDelete) are serialized by an internal mutex; readers (Get,
// GetString, Len, Scan, ScanPrefix) take no lock and never wait for writers.
// The zero value is an empty tree ready for use; New exists for symmetry
// with other packages. A Tree must not be copied after first use.
type Tree[T any] struct {
	// root is the root inner node (nil until the first insert). The root
	// never has a compressed path and is never turned into a leaf.
	root atomic.Pointer[inner[T]]
	// count is the number of keys.
	count atomic.Int64

	// mu serializes writers; it protects every in-place mutation of the
	// nodes reachable from root and the scratch buffer.
	mu      sync.Mutex
	scratch []entry[T]
}

// New returns an empty tree.
func New[T any]() *Tree[T] {
	return &Tree[T]{}
}

// Get returns the value stored under key, or nil if key is absent.
func (t *Tree[T]) Get(key []byte) *T {
	return get(t, key)
}

// GetString is Get for a string key; it does not copy the key.
func (t *Tree[T]) GetString(key string) *T {
	return get(t, key)
}

// Len returns the number of keys in the tree.
func (t *Tree[T]) Len() int {
	return int(t.count.Load())
}

// get is the lock-free lookup shared by Get and GetString. Every field it
// reads is either immutable after publication or loaded atomically.
func get[T any, K string | []byte](t *Tree[T], key K) *T {
	n := t.root.Load()
	if n == nil {
		return nil
	}
	d := 0
	for {
		if pl := int(n.plen); pl != 0 {
			if len(key)-d < pl || string(key[d:d+pl]) != string(n.pfx[:pl]) {
				return nil
			}
			d += pl
		}
		if d == len(key) {
			// The path spells the whole key, so the term leaf (if any)
			// is exactly this key: no comparison needed.
			if l := n.term.Load(); l != nil {
				return l.val
			}
			return nil
		}
		c := key[d]
		if n.kind == kind256 {
			s := &n.b256[c]
			if l := s.leaf.Load(); l != nil {
				return matched(l, key)
			}
			n = s.node.Load()
		} else {
			i := n.search(c, int(n.num.Load()))
			if i < 0 {
				return nil
			}
			f := n.fatAt(i)
			if n = f.node.Load(); n == nil {
				return matched(&f.leaf, key)
			}
		}
		if n == nil {
			return nil
		}
		d++
	}
}

// matched returns l's value if l holds key, or nil.
func matched[T any, K string | []byte](l *leaf[T], key K) *T {
	if match(l, key) {
		return l.val
	}
	return nil
}

// GetOrInsert returns the value stored under key and false if key is present.
// Otherwise it calls mk, stores its result under a copy of key, and returns
// it and true. mk is called at most once, with the writer lock held: it must
// not call writer methods of t. If mk is nil or returns nil nothing is
// inserted and GetOrInsert returns (nil, false). If mk panics the tree is
// unchanged.
func (t *Tree[T]) GetOrInsert(key []byte, mk func() *T) (v *T, inserted bool) {
	if v := get(t, key); v != nil {
		return v, false
	}
	if mk == nil {
		return nil, false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	root := t.root.Load()
	if root == nil {
		root = build[T](nil, nil, nil)
		t.root.Store(root)
	}
	w := inserter[T]{t: t, key: key, mk: mk}
	if r := w.insert(root, 0); r != nil {
		t.root.Store(r)
	}
	if w.inserted {
		t.count.Add(1)
	}
	return w.v, w.inserted
}

// CompareAndDelete deletes key if it is present and its value is old, and
// reports whether it deleted it. A nil old never matches.
func (t *Tree[T]) CompareAndDelete(key []byte, old *T) bool {
	if old == nil {
		return false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	root := t.root.Load()
	if root == nil {
		return false
	}
	w := deleter[T]{t: t, key: key, old: old}
	switch w.delete(root, 0, true) {
	case delNone:
		return false
	case delNode:
		t.root.Store(w.rn)
	}
	t.count.Add(-1)
	return true
}

// rebuildLocked returns a new node equal to n with child byte c set to e
// (e.leaf == nil && e.node == nil removes c). n itself is not modified.
// REQUIRES: t.mu held.
func (t *Tree[T]) rebuildLocked(n *inner[T], c byte, e entry[T]) *inner[T] {
	es := n.entries(t.scratch[:0])
	i := 0
	for i < len(es) && es[i].b < c {
		i++
	}
	switch {
	case i < len(es) && es[i].b == c && e.leaf == nil && e.node == nil:
		es = append(es[:i], es[i+1:]...)
	case i < len(es) && es[i].b == c:
		es[i] = e
	case e.leaf != nil || e.node != nil:
		es = append(es, entry[T]{})
		copy(es[i+1:], es[i:])
		es[i] = e
	}
	m := build(n.pfx[:n.plen], n.term.Load(), es)
	clear(es) // drop references so the scratch buffer does not pin garbage
	t.scratch = es[:0]
	return m
}

// addLeafLocked adds the leaf l at the absent byte c of the published node
// n. It appends in place when n has room and returns nil, or returns a
// larger replacement node for the caller to publish. l is passed by value so
// that the common case, an append into a small node's body, allocates
// nothing.
// REQUIRES: t.mu held.
func (t *Tree[T]) addLeafLocked(n *inner[T], c byte, l leaf[T]) *inner[T] {
	num := int(n.num.Load())
	switch {
	case n.kind == kind256:
		n.b256[c].leaf.Store(l.clone())
	case num < n.capacity():
		// Fill the slot and the key byte, then publish them with num.
		n.fatAt(num).leaf = l
		n.setKeyAt(num, c)
	default:
		return t.rebuildLocked(n, c, entry[T]{b: c, leaf: l.clone()})
	}
	n.num.Store(uint32(num + 1))
	return nil
}

// removeChildLocked removes the child at byte c of the published node n,
// in place for kind256 (returning nil) or by returning a replacement: the
// positions of small kinds are never reused.
// REQUIRES: t.mu held.
func (t *Tree[T]) removeChildLocked(n *inner[T], c byte) *inner[T] {
	if n.kind == kind256 {
		n.b256[c].leaf.Store(nil)
		n.b256[c].node.Store(nil)
		n.num.Add(^uint32(0))
		return nil
	}
	return t.rebuildLocked(n, c, entry[T]{b: c})
}

// setLeafLocked returns a replacement for the published node n in which the
// inner child at byte c is the leaf l (which holds the only key left under
// that child). A slot cannot switch from node to leaf in place: in a thin
// slot a reader that loaded leaf before the switch and node after it would
// see neither; in a fat slot the leaf fields are immutable.
// REQUIRES: t.mu held.
func (t *Tree[T]) setLeafLocked(n *inner[T], c byte, l *leaf[T]) *inner[T] {
	return t.rebuildLocked(n, c, entry[T]{b: c, leaf: l})
}
