package art

import (
	"bytes"
	"math/bits"
)

// Scan calls fn for every key >= start in ascending order until fn returns
// false. A nil or empty start scans the whole tree. The key passed to fn is
// valid only during the call and must not be modified.
//
// Scan takes no lock. Keys present for the whole scan are seen exactly once;
// keys inserted or deleted meanwhile may or may not be seen. fn may call any
// method of t.
func (t *Tree[T]) Scan(start []byte, fn func(key []byte, v *T) bool) {
	n := t.root.Load()
	if n == nil || fn == nil {
		return
	}
	s := scanner[T]{buf: make([]byte, 0, 64)}
	if len(start) == 0 {
		s.all(fn, n, 0)
		return
	}
	s.from(fn, n, 0, start)
}

// ScanPrefix calls fn for every key that starts with prefix, in ascending
// order, until fn returns false. It has the same guarantees as Scan.
func (t *Tree[T]) ScanPrefix(prefix []byte, fn func(key []byte, v *T) bool) {
	n := t.root.Load()
	if n == nil || fn == nil {
		return
	}
	s := scanner[T]{buf: append(make([]byte, 0, max(64, 2*len(prefix))), prefix...)}
	d := 0
	for {
		pl := int(n.plen)
		if rest := prefix[d:]; len(rest) <= pl {
			// prefix ends inside (or right after) n's path.
			if bytes.Equal(rest, n.pfx[:len(rest)]) {
				s.all(fn, n, d)
			}
			return
		}
		if !bytes.Equal(prefix[d:d+pl], n.pfx[:pl]) {
			return
		}
		d += pl
		l, ch := n.child(prefix[d])
		if l != nil {
			// buf[:d+1] is prefix[:d+1], the leaf's path.
			if k := s.key(l); bytes.HasPrefix(k, prefix) {
				fn(k, l.val)
			}
			return
		}
		if n = ch; n == nil {
			return
		}
		d++
	}
}

// PrefixEnd returns the smallest key greater than every key with the given prefix, or
// nil if there is none (prefix empty or all 0xff): the keys with the prefix are those
// in [prefix, PrefixEnd(prefix)).
func PrefixEnd(prefix []byte) []byte {
	for i := len(prefix) - 1; i >= 0; i-- {
		if prefix[i] != 0xff {
			end := bytes.Clone(prefix[:i+1])
			end[i]++
			return end
		}
	}
	return nil
}

// scanner walks the tree in key order, rebuilding keys in buf.
// Throughout, buf[:d] holds the path to the node at depth d being visited. A scanner
// belongs to one Scan call and is not safe for concurrent use. The callback is passed
// down the recursion rather than kept in the struct: escape analysis would otherwise let
// it leak with buf (which fn receives), and a caller's closure could not stay on its stack.
type scanner[T any] struct {
	buf []byte
}

// key returns l's full key, built in buf on top of the path in buf[:l.skip].
func (s *scanner[T]) key(l *leaf[T]) []byte {
	s.buf = l.appendSuffix(s.buf[:l.skip], int(l.skip))
	return s.buf
}

// all emits every key under n, reached at depth d. It returns false once fn
// has returned false.
func (s *scanner[T]) all(fn func([]byte, *T) bool, n *inner[T], d int) bool {
	s.buf = append(s.buf[:d], n.pfx[:n.plen]...)
	d += int(n.plen)
	if l := n.term.Load(); l != nil {
		if !fn(s.key(l), l.val) {
			return false
		}
	}
	return s.children(fn, n, d, 0)
}

// children emits the subtrees of n's children with branch byte >= from;
// n's full path is buf[:d].
func (s *scanner[T]) children(fn func([]byte, *T) bool, n *inner[T], d int, from int) bool {
	if n.kind == kind256 {
		for c := from; c < 256; c++ {
			if l, ch := n.b256[c].load(); (l != nil || ch != nil) && !s.child(fn, l, ch, d, byte(c)) {
				return false
			}
		}
		return true
	}
	var o order
	loadOrder(&o, n, int(n.num.Load()))
	for w := from >> 6; w < 4; w++ {
		bs := o.present[w]
		if w == from>>6 {
			bs &^= 1<<(from&63) - 1 // bytes below from
		}
		for ; bs != 0; bs &= bs - 1 {
			c := w<<6 | bits.TrailingZeros64(bs)
			f := n.fatAt(int(o.pos[c]))
			var l *leaf[T]
			ch := f.node.Load()
			if ch == nil {
				l = &f.leaf
			}
			if !s.child(fn, l, ch, d, byte(c)) {
				return false
			}
		}
	}
	return true
}

// child emits the leaf l or everything under the node ch, the child c of
// a node whose path is buf[:d].
func (s *scanner[T]) child(fn func([]byte, *T) bool, l *leaf[T], ch *inner[T], d int, c byte) bool {
	s.buf = append(s.buf[:d], c)
	if l != nil {
		return fn(s.key(l), l.val)
	}
	return s.all(fn, ch, d+1)
}

// from emits the keys >= start under n, reached at depth d, where
// buf[:d] == start[:d].
func (s *scanner[T]) from(fn func([]byte, *T) bool, n *inner[T], d int, start []byte) bool {
	pl := int(n.plen)
	rest := start[d:]
	m := min(pl, len(rest))
	switch cmp := bytes.Compare(n.pfx[:m], rest[:m]); {
	case cmp < 0:
		return true // every key under n is below start
	case cmp > 0, m < pl:
		// Every key under n is greater than start, or extends it.
		return s.all(fn, n, d)
	}
	s.buf = append(s.buf[:d], n.pfx[:pl]...)
	d += pl
	if d == len(start) {
		// start is n's path: the term key equals start, the rest is greater.
		return s.all(fn, n, d-pl)
	}
	// The term key (n's path) is a proper prefix of start, so it is below.
	c := start[d]
	if l, ch := n.child(c); l != nil || ch != nil {
		s.buf = append(s.buf[:d], c)
		switch {
		case l != nil:
			if k := s.key(l); bytes.Compare(k, start) >= 0 && !fn(k, l.val) {
				return false
			}
		case ch != nil:
			if !s.from(fn, ch, d+1, start) {
				return false
			}
		}
	}
	if c == 0xff {
		return true
	}
	return s.children(fn, n, d, int(c)+1)
}
