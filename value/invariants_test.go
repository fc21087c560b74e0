package value

import (
	"fmt"
	"math/bits"
	"slices"
)

// checkList verifies the structural invariants of l: counts and byte totals
// agree with the elements, views lie inside the claimed extents of their
// chunks, the tree is balanced with correct sizes and bounded fan-out.
func checkList(l *List) error {
	if l == nil {
		return nil
	}
	if l.n == 0 {
		return fmt.Errorf("non-nil empty list")
	}
	n, nb := 0, 0
	for _, v := range []view{l.front, l.back} {
		if err := checkView(v); err != nil {
			return err
		}
		for _, s := range v.slice() {
			n++
			nb += len(s)
		}
	}
	if l.mid != nil {
		tn, tb, err := checkNode(l.mid, l.height, true)
		if err != nil {
			return err
		}
		n, nb = n+tn, nb+tb
	} else if l.height != 0 {
		return fmt.Errorf("height %d without a tree", l.height)
	}
	if n != l.n || nb != l.bytes {
		return fmt.Errorf("counted %d elements %d bytes, header says %d, %d", n, nb, l.n, l.bytes)
	}
	return nil
}

func checkView(v view) error {
	if v.c == nil {
		if v.lo != 0 || v.hi != 0 {
			return fmt.Errorf("chunkless view [%d,%d)", v.lo, v.hi)
		}
		return nil
	}
	if v.lo >= v.hi {
		return fmt.Errorf("empty view [%d,%d) keeps a chunk", v.lo, v.hi)
	}
	if v.lo < v.c.lo.Load() || v.hi > v.c.hi.Load() || int(v.hi) > len(v.c.elems) {
		return fmt.Errorf("view [%d,%d) outside claimed [%d,%d) of cap %d",
			v.lo, v.hi, v.c.lo.Load(), v.c.hi.Load(), len(v.c.elems))
	}
	return nil
}

func checkNode(t *node, h int, root bool) (n, nb int, err error) {
	if h == 0 {
		if t.kids != nil {
			return 0, 0, fmt.Errorf("leaf with children")
		}
		if err := checkView(t.leaf); err != nil {
			return 0, 0, err
		}
		if t.leaf.c == nil || t.size != t.leaf.len() {
			return 0, 0, fmt.Errorf("leaf size %d, view len %d", t.size, t.leaf.len())
		}
		return t.size, sumLen(t.leaf.slice()), nil
	}
	if len(t.kids) == 0 || len(t.kids) > fanout || (root && len(t.kids) < 2) {
		return 0, 0, fmt.Errorf("node of height %d has %d children (root %v)", h, len(t.kids), root)
	}
	for _, k := range t.kids {
		kn, kb, err := checkNode(k, h-1, false)
		if err != nil {
			return 0, 0, err
		}
		n, nb = n+kn, nb+kb
	}
	if n != t.size {
		return 0, 0, fmt.Errorf("node of height %d: size %d, children hold %d", h, t.size, n)
	}
	return n, nb, nil
}

// listElems returns the elements of l.
func listElems(l *List) []string {
	out := make([]string, 0, l.Len())
	l.All(func(s string) bool {
		out = append(out, s)
		return true
	})
	return out
}

// checkSet verifies the invariants of s: the representation follows the
// size, small sets are sorted and unique, trie nodes have consistent bitmaps
// and sizes, every member sits on the path of its hash, and no subtree holds
// fewer than two members.
func checkSet(s *Set) error {
	if s == nil {
		return nil
	}
	if s.n == 0 {
		return fmt.Errorf("non-nil empty set")
	}
	var members []string
	if s.n <= smallSetMax {
		if s.root != nil || len(s.small) != s.n {
			return fmt.Errorf("set of %d: root %v, small %d", s.n, s.root != nil, len(s.small))
		}
		if !slices.IsSorted(s.small) || len(slices.Compact(slices.Clone(s.small))) != s.n {
			return fmt.Errorf("small set not sorted and unique: %q", s.small)
		}
		members = s.small
	} else {
		if s.root == nil || s.small != nil {
			return fmt.Errorf("set of %d without a trie", s.n)
		}
		if err := checkHnode(s.root, 0, 0, true, &members); err != nil {
			return err
		}
	}
	if len(members) != s.n || sumLen(members) != s.bytes {
		return fmt.Errorf("counted %d members %d bytes, header says %d, %d", len(members), sumLen(members), s.n, s.bytes)
	}
	return nil
}

func checkHnode(n *hnode, shift uint, prefix uint64, root bool, out *[]string) error {
	if shift >= hashBits {
		if n.datamap != 0 || n.nodemap != 0 || len(n.kids) != 0 || len(n.keys) < 2 || n.size != len(n.keys) {
			return fmt.Errorf("bad collision node: maps %b %b, %d keys, %d kids, size %d",
				n.datamap, n.nodemap, len(n.keys), len(n.kids), n.size)
		}
		for _, k := range n.keys {
			if hashString(k) != prefix {
				return fmt.Errorf("collision member %q off its hash", k)
			}
		}
		*out = append(*out, n.keys...)
		return nil
	}
	if bits.OnesCount32(n.datamap) != len(n.keys) || bits.OnesCount32(n.nodemap) != len(n.kids) || n.datamap&n.nodemap != 0 {
		return fmt.Errorf("bitmaps %b %b for %d keys, %d kids", n.datamap, n.nodemap, len(n.keys), len(n.kids))
	}
	size := len(n.keys)
	mask := uint64(1)<<(shift+hamtBits) - 1
	if shift+hamtBits >= 64 {
		mask = ^uint64(0)
	}
	for i, dm := 0, n.datamap; dm != 0; i, dm = i+1, dm&(dm-1) {
		p := prefix | uint64(bits.TrailingZeros32(dm))<<shift
		if hashString(n.keys[i])&mask != p {
			return fmt.Errorf("member %q off its hash path", n.keys[i])
		}
	}
	*out = append(*out, n.keys...)
	for j, nm := 0, n.nodemap; nm != 0; j, nm = j+1, nm&(nm-1) {
		p := prefix | uint64(bits.TrailingZeros32(nm))<<shift
		c := n.kids[j]
		if c.size < 2 {
			return fmt.Errorf("subtree of %d members not collapsed", c.size)
		}
		if err := checkHnode(c, shift+hamtBits, p, false, out); err != nil {
			return err
		}
		size += c.size
	}
	if size != n.size {
		return fmt.Errorf("node at shift %d: size %d, holds %d", shift, n.size, size)
	}
	return nil
}
