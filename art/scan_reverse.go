package art

import (
	"bytes"
	"math/bits"
)

// ScanReverse calls fn for every key < end in descending order until fn
// returns false. A nil end scans the whole tree (an empty, non-nil end
// yields nothing: no key is below the empty key). It has the same
// guarantees as Scan.
func (t *Tree[T]) ScanReverse(end []byte, fn func(key []byte, v *T) bool) {
	n := t.root.Load()
	if n == nil || fn == nil {
		return
	}
	s := scanner[T]{buf: make([]byte, 0, 64)}
	if end == nil {
		s.allDesc(fn, n, 0)
		return
	}
	s.below(fn, n, 0, end)
}

// ScanPrefixReverse calls fn for every key that starts with prefix, in
// descending order, until fn returns false. It has the same guarantees as
// Scan.
func (t *Tree[T]) ScanPrefixReverse(prefix []byte, fn func(key []byte, v *T) bool) {
	if fn == nil {
		return
	}
	// From the first key above the prefix's range (or the top) down, until a key
	// below the range.
	t.ScanReverse(PrefixEnd(prefix), func(k []byte, v *T) bool {
		return bytes.HasPrefix(k, prefix) && fn(k, v)
	})
}

// allDesc emits every key under n, reached at depth d, in descending order.
// It returns false once fn has returned false.
func (s *scanner[T]) allDesc(fn func([]byte, *T) bool, n *inner[T], d int) bool {
	s.buf = append(s.buf[:d], n.pfx[:n.plen]...)
	d += int(n.plen)
	if !s.childrenDesc(fn, n, d, 255) {
		return false
	}
	// The term key is n's path, a prefix of every other key under n: the
	// smallest, so the last.
	if l := n.term.Load(); l != nil {
		return fn(s.key(l), l.val)
	}
	return true
}

// childrenDesc emits the subtrees of n's children with branch byte <= upto,
// from the highest byte down; n's full path is buf[:d].
func (s *scanner[T]) childrenDesc(fn func([]byte, *T) bool, n *inner[T], d int, upto int) bool {
	if upto < 0 {
		return true
	}
	if n.kind == kind256 {
		for c := upto; c >= 0; c-- {
			if l, ch := n.b256[c].load(); (l != nil || ch != nil) && !s.childDesc(fn, l, ch, d, byte(c)) {
				return false
			}
		}
		return true
	}
	var o order
	loadOrder(&o, n, int(n.num.Load()))
	for w := upto >> 6; w >= 0; w-- {
		bs := o.present[w]
		if w == upto>>6 && upto&63 != 63 {
			bs &= 1<<(upto&63+1) - 1 // bytes up to upto
		}
		for ; bs != 0; bs &^= 1 << (63 - bits.LeadingZeros64(bs)) {
			c := w<<6 | (63 - bits.LeadingZeros64(bs))
			f := n.fatAt(int(o.pos[c]))
			var l *leaf[T]
			ch := f.node.Load()
			if ch == nil {
				l = &f.leaf
			}
			if !s.childDesc(fn, l, ch, d, byte(c)) {
				return false
			}
		}
	}
	return true
}

// childDesc emits the leaf l or everything under the node ch in descending
// order, the child c of a node whose path is buf[:d].
func (s *scanner[T]) childDesc(fn func([]byte, *T) bool, l *leaf[T], ch *inner[T], d int, c byte) bool {
	s.buf = append(s.buf[:d], c)
	if l != nil {
		return fn(s.key(l), l.val)
	}
	return s.allDesc(fn, ch, d+1)
}

// below emits the keys < end under n, reached at depth d, in descending
// order, where buf[:d] == end[:d].
func (s *scanner[T]) below(fn func([]byte, *T) bool, n *inner[T], d int, end []byte) bool {
	pl := int(n.plen)
	rest := end[d:]
	m := min(pl, len(rest))
	switch cmp := bytes.Compare(n.pfx[:m], rest[:m]); {
	case cmp < 0:
		return s.allDesc(fn, n, d) // every key under n is below end
	case cmp > 0, m < pl:
		// Every key under n is greater than end, or extends it.
		return true
	}
	s.buf = append(s.buf[:d], n.pfx[:pl]...)
	d += pl
	if d == len(end) {
		// end is n's path: the term key equals end, the rest is greater.
		return true
	}
	// The term key (n's path) is a proper prefix of end, so it is below, and
	// the smallest of the keys under n.
	c := end[d]
	if l, ch := n.child(c); l != nil || ch != nil {
		s.buf = append(s.buf[:d], c)
		switch {
		case l != nil:
			if k := s.key(l); bytes.Compare(k, end) < 0 && !fn(k, l.val) {
				return false
			}
		case ch != nil:
			if !s.below(fn, ch, d+1, end) {
				return false
			}
		}
	}
	if !s.childrenDesc(fn, n, d, int(c)-1) {
		return false
	}
	if l := n.term.Load(); l != nil {
		s.buf = s.buf[:d]
		return fn(s.key(l), l.val)
	}
	return true
}
