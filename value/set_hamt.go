package value

import (
	"hash/maphash"
	"math/bits"
	"slices"
	"sync/atomic"
)

const (
	hamtBits = 5               // hash bits consumed per level
	hamtMask = 1<<hamtBits - 1 // mask for one level's bits
	hashBits = 64              // width of the hash; deeper nodes are collision nodes
)

// hashSeed is the process-wide seed of the member hash. Hashes are never
// persisted, so the seed may differ between processes.
var hashSeed = maphash.MakeSeed()

// hashString hashes a set member. It is a variable only so tests can force
// collisions; it must not change while any Set built with it is in use.
var hashString = func(s string) uint64 { return maphash.String(hashSeed, s) }

// batchSeq hands out batch identifiers for in-place construction.
var batchSeq atomic.Uint64

// newBatch returns a batch identifier never returned before. Nodes stamped
// with it may be updated in place by the operation that owns the batch.
func newBatch() uint64 { return batchSeq.Add(1) }

// hnode is a node of a compressed hash array mapped trie (the CHAMP layout:
// members and subtrees in separate arrays). At depth d, shift = 5d < 64, a
// slot selected by hash bits [shift, shift+5) is empty, holds one member
// (its bit set in datamap; the member is in keys, in slot order) or holds a
// subtree (its bit set in nodemap; the subtree is in kids, in slot order).
// At shift >= 64 the node is a collision node: both bitmaps are 0 and keys
// lists members that share the whole hash.
//
// A node is immutable once the operation that built it has returned. During
// a multi-member operation, nodes stamped with its batch have private arrays
// and are updated in place; every other node is copied on write, and only
// the array that changes is copied, so a path copy costs 8 bytes per
// subtree of each node on the path.
type hnode struct {
	datamap uint32
	nodemap uint32
	size    int    // members in the subtree
	batch   uint64 // batch that built the node; 0 if built outside a batch
	keys    []string
	kids    []*hnode
}

// index returns the position in the array of bitmap m of the slot with bit.
func index(m, bit uint32) int { return bits.OnesCount32(m & (bit - 1)) }

// editable returns a node the caller may change: n itself when batch owns
// it, else a copy. owned reports whether the copy's arrays are private (a
// batch copy) or still shared with n (and must be copied before a change).
func (n *hnode) editable(batch uint64) (c *hnode, owned bool) {
	if batch != 0 && n.batch == batch {
		return n, true
	}
	c = new(hnode)
	*c = *n
	c.batch = batch
	if batch == 0 {
		return c, false
	}
	c.keys, c.kids = slices.Clone(n.keys), slices.Clone(n.kids)
	return c, true
}

// Array edits that copy unless the array is owned.

func insertAt[T any](a []T, i int, x T, owned bool) []T {
	if owned {
		return slices.Insert(a, i, x)
	}
	b := make([]T, len(a)+1)
	copy(b, a[:i])
	b[i] = x
	copy(b[i+1:], a[i:])
	return b
}

func removeAt[T any](a []T, i int, owned bool) []T {
	if owned {
		return slices.Delete(a, i, i+1)
	}
	if len(a) == 1 {
		return nil
	}
	b := make([]T, len(a)-1)
	copy(b, a[:i])
	copy(b[i:], a[i+1:])
	return b
}

func setAtIndex[T any](a []T, i int, x T, owned bool) []T {
	if !owned {
		a = slices.Clone(a)
	}
	a[i] = x
	return a
}

// hamtInsert adds key (with hash h) below n at shift. It reports whether key
// was new; if not, n is returned unchanged.
func hamtInsert(n *hnode, shift uint, h uint64, key string, batch uint64) (*hnode, bool) {
	if shift >= hashBits {
		if slices.Contains(n.keys, key) {
			return n, false
		}
		c, owned := n.editable(batch)
		c.keys = insertAt(c.keys, len(c.keys), key, owned)
		c.size++
		return c, true
	}
	bit := uint32(1) << ((h >> shift) & hamtMask)
	switch {
	case n.nodemap&bit != 0:
		j := index(n.nodemap, bit)
		sub, added := hamtInsert(n.kids[j], shift+hamtBits, h, key, batch)
		if !added {
			return n, false
		}
		c, owned := n.editable(batch)
		c.kids = setAtIndex(c.kids, j, sub, owned)
		c.size++
		return c, true
	case n.datamap&bit != 0:
		i := index(n.datamap, bit)
		old := n.keys[i]
		if old == key {
			return n, false
		}
		// The slot's member and key move down into a new subtree.
		sub := hamtPair(shift+hamtBits, hashString(old), old, h, key, batch)
		c, owned := n.editable(batch)
		c.keys = removeAt(c.keys, i, owned)
		c.datamap &^= bit
		c.kids = insertAt(c.kids, index(c.nodemap, bit), sub, owned)
		c.nodemap |= bit
		c.size++
		return c, true
	default:
		c, owned := n.editable(batch)
		c.keys = insertAt(c.keys, index(c.datamap, bit), key, owned)
		c.datamap |= bit
		c.size++
		return c, true
	}
}

// hamtPair returns the subtree at shift holding the two distinct keys k1, k2.
func hamtPair(shift uint, h1 uint64, k1 string, h2 uint64, k2 string, batch uint64) *hnode {
	n := &hnode{size: 2, batch: batch}
	if shift >= hashBits {
		n.keys = []string{k1, k2}
		return n
	}
	i1, i2 := (h1>>shift)&hamtMask, (h2>>shift)&hamtMask
	switch {
	case i1 == i2:
		n.nodemap = 1 << i1
		n.kids = []*hnode{hamtPair(shift+hamtBits, h1, k1, h2, k2, batch)}
	case i1 < i2:
		n.datamap = 1<<i1 | 1<<i2
		n.keys = []string{k1, k2}
	default:
		n.datamap = 1<<i1 | 1<<i2
		n.keys = []string{k2, k1}
	}
	return n
}

// hamtRemove deletes key (with hash h) below n at shift. It reports whether
// key was present; if not, n is returned unchanged. A subtree left with a
// single member is replaced by that member, so the trie's shape depends only
// on its members.
func hamtRemove(n *hnode, shift uint, h uint64, key string, batch uint64) (*hnode, bool) {
	if shift >= hashBits {
		i := slices.Index(n.keys, key)
		if i < 0 {
			return n, false
		}
		c, owned := n.editable(batch)
		c.keys = removeAt(c.keys, i, owned)
		c.size--
		return c, true
	}
	bit := uint32(1) << ((h >> shift) & hamtMask)
	switch {
	case n.datamap&bit != 0:
		i := index(n.datamap, bit)
		if n.keys[i] != key {
			return n, false
		}
		c, owned := n.editable(batch)
		c.keys = removeAt(c.keys, i, owned)
		c.datamap &^= bit
		c.size--
		return c, true
	case n.nodemap&bit != 0:
		j := index(n.nodemap, bit)
		sub, removed := hamtRemove(n.kids[j], shift+hamtBits, h, key, batch)
		if !removed {
			return n, false
		}
		c, owned := n.editable(batch)
		if sub.size == 1 {
			// A one-member subtree has that member as its only key.
			c.kids = removeAt(c.kids, j, owned)
			c.nodemap &^= bit
			c.keys = insertAt(c.keys, index(c.datamap, bit), sub.keys[0], owned)
			c.datamap |= bit
		} else {
			c.kids = setAtIndex(c.kids, j, sub, owned)
		}
		c.size--
		return c, true
	default:
		return n, false
	}
}

// hamtHas reports whether key (with hash h) is in the trie rooted at n.
func hamtHas(n *hnode, h uint64, key string) bool {
	for shift := uint(0); shift < hashBits; shift += hamtBits {
		bit := uint32(1) << ((h >> shift) & hamtMask)
		switch {
		case n.datamap&bit != 0:
			return n.keys[index(n.datamap, bit)] == key
		case n.nodemap&bit != 0:
			n = n.kids[index(n.nodemap, bit)]
		default:
			return false
		}
	}
	return slices.Contains(n.keys, key)
}

// hamtNth returns the i-th member (0 <= i < n.size) in trie order: a node's
// own members, then its subtrees, whose sizes let whole subtrees be skipped.
func hamtNth(n *hnode, i int) string {
	for {
		if i < len(n.keys) {
			return n.keys[i]
		}
		i -= len(n.keys)
		for _, k := range n.kids {
			if i < k.size {
				n = k
				break
			}
			i -= k.size
		}
	}
}

// hamtEach calls fn on every member below n until fn returns false, and
// reports whether it got to the end.
func hamtEach(n *hnode, fn func(string) bool) bool {
	for _, k := range n.keys {
		if !fn(k) {
			return false
		}
	}
	for _, c := range n.kids {
		if !hamtEach(c, fn) {
			return false
		}
	}
	return true
}
