package art

import (
	"math/bits"
	"sync/atomic"
)

// Node kinds (see doc.go, "Node layout").
const (
	kind4   uint8 = iota // up to 4 children in a [4]fat body
	kind16               // up to 16 children in a [16]fat body
	kind32               // up to 32 children in a [32]fat body
	kind256              // up to 256 children in a [256]thin body indexed by byte
)

const (
	// maxPrefix is the longest compressed path an inner node stores;
	// longer common prefixes become a chain of inner nodes.
	maxPrefix = 48
	// leafInline is the longest key suffix a leaf stores inline; it makes
	// a fat slot exactly one 64-byte cache line.
	leafInline = 27
	// extSuffix in leaf.n marks a suffix stored in leaf.ext.
	extSuffix = 0xff

	max4   = 4
	max16  = 16
	max32  = 32
	maxPos = max32 // positions of the keys array
	// shrinkTo32: a kind256 node becomes kind32 only when down to this many
	// children, so a key inserted and deleted at the boundary does not copy
	// its 4 KiB body every time. Small kinds are rebuilt on every removal
	// anyway and then take the smallest kind that fits.
	shrinkTo32 = 24
)

// leaf is a key and its value, stored by value in fat slots and as a
// separate object (term leaves, kind256 children). A leaf stores the key
// suffix key[skip:]; the bytes before skip are implied by its position in
// the tree (skip is never greater than the depth of its slot). Leaves are
// immutable once published.
type leaf[T any] struct {
	val  *T
	ext  string // suffix when longer than leafInline (n == extSuffix)
	skip uint32
	n    uint8 // inline suffix length, or extSuffix
	inl  [leafInline]byte
}

// makeLeaf returns a leaf for key storing the suffix key[skip:].
func makeLeaf[T any](key []byte, skip int, v *T) leaf[T] {
	l := leaf[T]{val: v, skip: uint32(skip)}
	suf := key[skip:]
	if len(suf) <= leafInline {
		l.n = uint8(copy(l.inl[:], suf))
	} else {
		l.n = extSuffix
		l.ext = string(suf)
	}
	return l
}

// newLeaf is makeLeaf returning a separate object.
func newLeaf[T any](key []byte, skip int, v *T) *leaf[T] {
	l := makeLeaf(key, skip, v)
	return &l
}

// clone returns l as a separate object (l may point into a node body).
func (l *leaf[T]) clone() *leaf[T] {
	c := *l
	return &c
}

// suffixLen returns the length of the stored suffix.
func (l *leaf[T]) suffixLen() int {
	if l.n == extSuffix {
		return len(l.ext)
	}
	return int(l.n)
}

// match reports whether the leaf's key equals key.
func match[T any, K string | []byte](l *leaf[T], key K) bool {
	s := int(l.skip)
	if l.n != extSuffix {
		return len(key) == s+int(l.n) && string(key[s:]) == string(l.inl[:l.n])
	}
	return len(key) == s+len(l.ext) && string(key[s:]) == l.ext
}

// appendSuffix appends the leaf's key bytes from position from (>= skip).
func (l *leaf[T]) appendSuffix(dst []byte, from int) []byte {
	off := from - int(l.skip)
	if l.n != extSuffix {
		return append(dst, l.inl[off:l.n]...)
	}
	return append(dst, l.ext[off:]...)
}

// fat is a child slot of a kind4/16/32 node: a 64-byte cache line holding
// either an inner node (node != nil) or, inline, a leaf. The leaf fields are
// written before the slot's position is published and never change after;
// node only goes from nil to an inner node (a split) and from one inner node
// to its replacement. Readers load node first and use the leaf only if node
// is nil.
type fat[T any] struct {
	node atomic.Pointer[inner[T]]
	leaf leaf[T]
}

// thin is a child slot of a kind256 node, updated in place: at most one of
// leaf and node is non-nil. Readers load leaf first and node second; a
// writer turning a leaf into an inner node stores node first and clears
// leaf second, so a reader always sees one of the two.
type thin[T any] struct {
	leaf atomic.Pointer[leaf[T]]
	node atomic.Pointer[inner[T]]
}

// load returns the slot's contents.
func (s *thin[T]) load() (*leaf[T], *inner[T]) {
	if l := s.leaf.Load(); l != nil {
		return l, nil
	}
	return nil, s.node.Load()
}

// inner is an inner node's 128-byte header. Line 0 holds everything a
// lookup reads before the child's slot: kind, count, branch bytes and the
// body pointer of the small kinds. Line 1 holds what is read less often.
//
// Small kinds (kind4/16/32) keep their branch bytes unsorted: position i of
// keys (byte i%8 of word i/8) is the byte of body slot i, for i < num. The
// writer appends a child in place by filling slot num, then its key byte,
// then storing num+1; a reader loads num first and ignores later positions,
// so it sees either the old or the new set of children. Positions are never
// reused or reordered: removing a child or turning an inner child back into
// a leaf builds a new node.
//
// Immutable once published: kind, plen, pfx, the body pointers, and the key
// byte and leaf of each position below num. Mutated in place by the writer
// (atomically): num, keys (appends only), term, fat.node, and kind256's
// thin slots.
type inner[T any] struct {
	kind uint8
	plen uint8
	num  atomic.Uint32 // used positions (small kinds) or used slots (kind256)
	keys [maxPos / 8]atomic.Uint64
	b4   *[max4]fat[T]
	b16  *[max16]fat[T]
	b32  *[max32]fat[T]

	b256 *[256]thin[T]
	term atomic.Pointer[leaf[T]] // key equal to this node's full path
	pfx  [maxPrefix]byte
}

// capacity returns the number of positions of a small kind.
func (n *inner[T]) capacity() int {
	switch n.kind {
	case kind4:
		return max4
	case kind16:
		return max16
	}
	return max32
}

// fatAt returns the slot at position i of a small kind.
func (n *inner[T]) fatAt(i int) *fat[T] {
	switch n.kind {
	case kind4:
		return &n.b4[i]
	case kind16:
		return &n.b16[i]
	}
	return &n.b32[i]
}

// keyAt returns the branch byte at position i.
func (n *inner[T]) keyAt(i int) byte {
	return byte(n.keys[i>>3].Load() >> ((i & 7) * 8))
}

// setKeyAt sets the branch byte at position i.
// REQUIRES: the tree's writer lock, or n unpublished.
func (n *inner[T]) setKeyAt(i int, c byte) {
	w := &n.keys[i>>3]
	sh := (i & 7) * 8
	w.Store(w.Load()&^(0xff<<sh) | uint64(c)<<sh)
}

// child returns n's child at byte c: a leaf, an inner node, or neither.
// A returned leaf may point into n's body; it is immutable.
func (n *inner[T]) child(c byte) (*leaf[T], *inner[T]) {
	if n.kind == kind256 {
		return n.b256[c].load()
	}
	i := n.search(c, int(n.num.Load()))
	if i < 0 {
		return nil, nil
	}
	f := n.fatAt(i)
	if ch := f.node.Load(); ch != nil {
		return nil, ch
	}
	return &f.leaf, nil
}

// setNode replaces the inner child at byte c with its replacement ch.
// REQUIRES: the tree's writer lock; c holds an inner node.
func (n *inner[T]) setNode(c byte, ch *inner[T]) {
	if n.kind == kind256 {
		n.b256[c].node.Store(ch)
		return
	}
	n.fatAt(n.search(c, int(n.num.Load()))).node.Store(ch)
}

const (
	lows  = 0x0101010101010101
	highs = 0x8080808080808080
)

// search returns the position of c among the first num branch bytes, or
// -1. It compares eight bytes at a time (SWAR): in keys^c the lowest zero
// byte, which the has-zero-byte trick finds exactly, is the first match.
// Unused positions hold zeros but come after every used one.
func (n *inner[T]) search(c byte, num int) int {
	pat := uint64(c) * lows
	for w := 0; w*8 < num; w++ {
		x := n.keys[w].Load() ^ pat
		if z := (x - lows) &^ x & highs; z != 0 {
			if i := w*8 + bits.TrailingZeros64(z)>>3; i < num {
				return i
			}
			return -1
		}
	}
	return -1
}

// order lists a small node's positions by ascending branch byte.
type order struct {
	present [4]uint64  // bit b set: byte b is a branch byte
	pos     [256]uint8 // position of byte b
}

// loadOrder fills o with the first num positions of a small node.
func loadOrder[T any](o *order, n *inner[T], num int) {
	for w := 0; w*8 < num; w++ {
		k := n.keys[w].Load()
		for i := w * 8; i < min(num, w*8+8); i++ {
			b := byte(k >> ((i & 7) * 8))
			o.present[b>>6] |= 1 << (b & 63)
			o.pos[b] = uint8(i)
		}
	}
}

// entry is a child being moved into a node under construction. leaf may
// point into another node's body: build copies it.
type entry[T any] struct {
	b    byte
	leaf *leaf[T]
	node *inner[T]
}

// entries appends n's children in ascending byte order to dst.
func (n *inner[T]) entries(dst []entry[T]) []entry[T] {
	if n.kind == kind256 {
		for c := range n.b256 {
			if l, ch := n.b256[c].load(); l != nil || ch != nil {
				dst = append(dst, entry[T]{b: byte(c), leaf: l, node: ch})
			}
		}
		return dst
	}
	var o order
	loadOrder(&o, n, int(n.num.Load()))
	for c := range 256 {
		if o.present[c>>6]&(1<<(c&63)) != 0 {
			l, ch := n.child(byte(c))
			dst = append(dst, entry[T]{b: byte(c), leaf: l, node: ch})
		}
	}
	return dst
}

// build returns a new, unpublished inner node with compressed path pfx,
// term leaf term (a separate object, or nil) and children es (distinct
// bytes), choosing the smallest kind that holds len(es) children.
func build[T any](pfx []byte, term *leaf[T], es []entry[T]) *inner[T] {
	n := &inner[T]{}
	n.plen = setPrefix(&n.pfx, pfx)
	n.term.Store(term)
	n.num.Store(uint32(len(es)))
	switch {
	case len(es) <= max4:
		n.kind, n.b4 = kind4, new([max4]fat[T])
	case len(es) <= max16:
		n.kind, n.b16 = kind16, new([max16]fat[T])
	case len(es) <= max32:
		n.kind, n.b32 = kind32, new([max32]fat[T])
	default:
		n.kind, n.b256 = kind256, new([256]thin[T])
		for _, e := range es {
			s := &n.b256[e.b]
			if e.leaf != nil {
				s.leaf.Store(e.leaf.clone())
			}
			s.node.Store(e.node)
		}
		return n
	}
	for i, e := range es {
		n.setKeyAt(i, e.b)
		f := n.fatAt(i)
		if e.leaf != nil {
			f.leaf = *e.leaf
		}
		f.node.Store(e.node)
	}
	return n
}

// setPrefix copies pfx into dst and returns its length.
func setPrefix(dst *[maxPrefix]byte, pfx []byte) uint8 {
	if len(pfx) > maxPrefix {
		// Callers split longer paths into chains; this is a broken invariant.
		panic("art: compressed path longer than maxPrefix")
	}
	return uint8(copy(dst[:], pfx))
}

// withPrefix returns an unpublished copy of n with compressed path pfx.
// The copy shares n's body; n must be retired by the caller (replaced in
// its parent) before the body is mutated again. Stale readers of n then see
// the shared body's later in-place changes, which are all valid for n too:
// both nodes spell the same full path.
// REQUIRES: the tree's writer lock.
func (n *inner[T]) withPrefix(pfx []byte) *inner[T] {
	m := &inner[T]{kind: n.kind, b4: n.b4, b16: n.b16, b32: n.b32, b256: n.b256}
	m.plen = setPrefix(&m.pfx, pfx)
	m.term.Store(n.term.Load())
	m.num.Store(n.num.Load())
	for w := range n.keys {
		m.keys[w].Store(n.keys[w].Load())
	}
	return m
}

// only returns the single child of a node with num == 1.
// REQUIRES: the tree's writer lock.
func (n *inner[T]) only() (byte, *leaf[T], *inner[T]) {
	var buf [1]entry[T]
	es := n.entries(buf[:0])
	return es[0].b, es[0].leaf, es[0].node
}
