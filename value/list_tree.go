package value

import "sync/atomic"

// Tuning of the list representation (see doc.go, "# Lists").
const (
	// chunkCap is the maximum number of elements in one chunk.
	chunkCap = 32
	// minChunkCap is the capacity of the first chunk of a small list; chunks
	// of small lists double (4, 8, 16, 32) like Go slices do.
	minChunkCap = 4
	// fanout is the maximum number of children of an interior tree node.
	fanout = 16
)

// chunk is a fixed-capacity backing array shared by the views of many list
// versions. The claimed extent [lo, hi) covers every slot that some version
// has written; slots outside it are free. A version whose view ends exactly
// at the claimed boundary may claim the neighbouring free slot with a
// compare-and-swap and then write it; exactly one version wins each slot, and
// a written slot is never written again. Readers of a version only read slots
// inside their own view, which were written before that version was
// published, so chunks are safe for concurrent use without locks.
type chunk struct {
	lo, hi atomic.Int32 // claimed extent, see above
	elems  []string     // len(elems) == cap(elems) == chunk capacity
}

// fullChunk co-allocates a chunk of the maximum capacity with its array, so a
// full-size chunk costs one allocation instead of two.
type fullChunk struct {
	chunk
	buf [chunkCap]string
}

// newChunk returns an empty chunk of the given capacity (1..chunkCap) whose
// claimed extent is [lo, lo).
func newChunk(capacity, lo int) *chunk {
	var c *chunk
	if capacity == chunkCap {
		fc := new(fullChunk)
		fc.elems = fc.buf[:]
		c = &fc.chunk
	} else {
		c = &chunk{elems: make([]string, capacity)}
	}
	c.lo.Store(int32(lo))
	c.hi.Store(int32(lo))
	return c
}

// growCap returns the capacity of a new chunk that must hold need elements of
// a list that will have total elements: small lists grow by doubling, lists
// of at least chunkCap elements always get full chunks.
func growCap(need, total int) int {
	if total >= chunkCap {
		return chunkCap
	}
	c := minChunkCap
	for c < need {
		c *= 2
	}
	return min(c, chunkCap)
}

// view is the immutable run of elements c.elems[lo:hi]. The zero view is
// empty and references no chunk.
type view struct {
	c      *chunk
	lo, hi int32
}

func (v view) len() int { return int(v.hi - v.lo) }

func (v view) slice() []string {
	if v.c == nil {
		return nil
	}
	return v.c.elems[v.lo:v.hi]
}

// extendFront tries to prepend s in place by claiming the free slot just
// before the view. It fails when the view does not start at the claimed
// boundary (another version owns that slot) or the chunk has no room.
func (v view) extendFront(s string) (view, bool) {
	if v.c == nil || v.lo == 0 || !v.c.lo.CompareAndSwap(v.lo, v.lo-1) {
		return v, false
	}
	v.lo--
	v.c.elems[v.lo] = s
	return v, true
}

// extendBack is the mirror image of extendFront.
func (v view) extendBack(s string) (view, bool) {
	if v.c == nil || int(v.hi) == len(v.c.elems) || !v.c.hi.CompareAndSwap(v.hi, v.hi+1) {
		return v, false
	}
	v.c.elems[v.hi] = s
	v.hi++
	return v, true
}

// withFront returns a view of a new chunk of capacity cp holding s followed
// by the elements of v, right-aligned so later front pushes fill it in place.
func (v view) withFront(s string, cp int) view {
	old := v.slice()
	lo := cp - len(old) - 1
	c := newChunk(cp, lo)
	c.elems[lo] = s
	copy(c.elems[lo+1:], old)
	c.hi.Store(int32(cp))
	return view{c: c, lo: int32(lo), hi: int32(cp)}
}

// withBack returns a view of a new chunk of capacity cp holding the elements
// of v followed by s, left-aligned so later back pushes fill it in place.
func (v view) withBack(s string, cp int) view {
	old := v.slice()
	c := newChunk(cp, 0)
	copy(c.elems, old)
	c.elems[len(old)] = s
	c.hi.Store(int32(len(old) + 1))
	return view{c: c, lo: 0, hi: int32(len(old) + 1)}
}

// withSet returns a copy of v, in a new chunk of the same capacity and at the
// same offsets, whose i-th element is s.
func (v view) withSet(i int, s string) view {
	c := newChunk(len(v.c.elems), int(v.lo))
	copy(c.elems[v.lo:v.hi], v.slice())
	c.elems[int(v.lo)+i] = s
	c.hi.Store(v.hi)
	return view{c: c, lo: v.lo, hi: v.hi}
}

// node is a node of the immutable tree that holds the middle of a list. All
// leaves are at the same depth; a tree of height 0 is a single leaf. Interior
// nodes have 1..fanout children. Nodes are never modified after they are
// built, so they are shared freely between versions.
type node struct {
	size int     // elements in the subtree
	kids []*node // children of an interior node; nil in a leaf
	leaf view    // the elements of a leaf
}

func leafNode(v view) *node { return &node{size: v.len(), leaf: v} }

func interior(kids []*node) *node {
	n := &node{kids: kids}
	for _, k := range kids {
		n.size += k.size
	}
	return n
}

// insertFront returns t with leaf x added before its first leaf. When t
// overflows it is split, and the part that goes before it is returned as
// spill. Splits leave the older part full, so interior nodes away from the
// ends of a list built by pushes are full.
func insertFront(t *node, h int, x *node) (spill, nt *node) {
	if h == 0 {
		return x, t
	}
	sp, c := insertFront(t.kids[0], h-1, x)
	var kids []*node
	if sp == nil {
		kids = make([]*node, len(t.kids))
		copy(kids, t.kids)
		kids[0] = c
	} else {
		kids = make([]*node, len(t.kids)+1)
		kids[0], kids[1] = sp, c
		copy(kids[2:], t.kids[1:])
	}
	if len(kids) > fanout {
		return interior(kids[:1:1]), interior(kids[1:])
	}
	return nil, interior(kids)
}

// insertBack is the mirror image of insertFront; spill goes after nt.
func insertBack(t *node, h int, x *node) (nt, spill *node) {
	if h == 0 {
		return t, x
	}
	last := len(t.kids) - 1
	c, sp := insertBack(t.kids[last], h-1, x)
	var kids []*node
	if sp == nil {
		kids = make([]*node, len(t.kids))
		copy(kids, t.kids)
		kids[last] = c
	} else {
		kids = make([]*node, len(t.kids)+1)
		copy(kids, t.kids[:last])
		kids[last], kids[last+1] = c, sp
	}
	if len(kids) > fanout {
		return interior(kids[:fanout:fanout]), interior(kids[fanout:])
	}
	return interior(kids), nil
}

// popFront removes the first leaf of t. rest is nil when t held only that
// leaf. Child arrays are copied rather than resliced so that a removed leaf
// is not kept alive by the array of its former parent.
func popFront(t *node, h int) (leaf, rest *node) {
	if h == 0 {
		return t, nil
	}
	leaf, c := popFront(t.kids[0], h-1)
	return leaf, replaceKid(t, 0, c)
}

// popBack removes the last leaf of t.
func popBack(t *node, h int) (leaf, rest *node) {
	if h == 0 {
		return t, nil
	}
	last := len(t.kids) - 1
	leaf, c := popBack(t.kids[last], h-1)
	return leaf, replaceKid(t, last, c)
}

// replaceKid returns a copy of interior node t whose i-th child is c, or
// without its i-th child when c is nil; nil when no child is left.
func replaceKid(t *node, i int, c *node) *node {
	if c != nil {
		kids := make([]*node, len(t.kids))
		copy(kids, t.kids)
		kids[i] = c
		return interior(kids)
	}
	if len(t.kids) == 1 {
		return nil
	}
	kids := make([]*node, 0, len(t.kids)-1)
	kids = append(kids, t.kids[:i]...)
	kids = append(kids, t.kids[i+1:]...)
	return interior(kids)
}

// dropFront returns t without its first k elements, 0 < k < t.size.
func dropFront(t *node, h, k int) *node {
	if h == 0 {
		v := t.leaf
		v.lo += int32(k)
		return leafNode(v)
	}
	j := 0
	for k >= t.kids[j].size {
		k -= t.kids[j].size
		j++
	}
	kids := make([]*node, len(t.kids)-j)
	copy(kids, t.kids[j:])
	if k > 0 {
		kids[0] = dropFront(kids[0], h-1, k)
	}
	return interior(kids)
}

// dropBack returns t without its last k elements, 0 < k < t.size.
func dropBack(t *node, h, k int) *node {
	if h == 0 {
		v := t.leaf
		v.hi -= int32(k)
		return leafNode(v)
	}
	j := len(t.kids) - 1
	for k >= t.kids[j].size {
		k -= t.kids[j].size
		j--
	}
	kids := make([]*node, j+1)
	copy(kids, t.kids[:j+1])
	if k > 0 {
		kids[j] = dropBack(kids[j], h-1, k)
	}
	return interior(kids)
}

// collapse removes single-child roots so the height tracks the size.
func collapse(t *node, h int) (*node, int) {
	for t != nil && h > 0 && len(t.kids) == 1 {
		t, h = t.kids[0], h-1
	}
	if t == nil {
		h = 0
	}
	return t, h
}

// firstLeafSize and lastLeafSize return the sizes of the end leaves of t.
func firstLeafSize(t *node, h int) int {
	for ; h > 0; h-- {
		t = t.kids[0]
	}
	return t.size
}

func lastLeafSize(t *node, h int) int {
	for ; h > 0; h-- {
		t = t.kids[len(t.kids)-1]
	}
	return t.size
}

// locate returns the leaf holding element i of t (0 <= i < t.size) and the
// offset of the element in it.
func locate(t *node, h, i int) (view, int) {
	for ; h > 0; h-- {
		for _, k := range t.kids {
			if i < k.size {
				t = k
				break
			}
			i -= k.size
		}
	}
	return t.leaf, i
}

// setAt returns t with element i replaced by s, copying the path to it.
func setAt(t *node, h, i int, s string) *node {
	if h == 0 {
		return leafNode(t.leaf.withSet(i, s))
	}
	for j, k := range t.kids {
		if i < k.size {
			kids := make([]*node, len(t.kids))
			copy(kids, t.kids)
			kids[j] = setAt(k, h-1, i, s)
			return &node{size: t.size, kids: kids}
		}
		i -= k.size
	}
	return t // unreachable for 0 <= i < t.size
}

// each calls fn on the elements of t from index skip on, in order, and
// reports whether fn asked to go on.
func each(t *node, h, skip int, fn func(string) bool) bool {
	if h == 0 {
		for _, s := range t.leaf.slice()[skip:] {
			if !fn(s) {
				return false
			}
		}
		return true
	}
	for _, k := range t.kids {
		if skip >= k.size {
			skip -= k.size
			continue
		}
		if !each(k, h-1, skip, fn) {
			return false
		}
		skip = 0
	}
	return true
}

// listBuilder builds a list from elements appended in order, packing them
// into full chunks and the chunks into full nodes. It is not safe for concurrent
// use; the list it returns is.
type listBuilder struct {
	level [][]*node // level[i]: pending nodes of height i, fewer than fanout
	cur   *chunk
	k     int // elements in cur
	n     int
	bytes int
}

func (b *listBuilder) add(s string) {
	if b.cur == nil {
		b.cur = newChunk(chunkCap, 0)
	}
	b.cur.elems[b.k] = s
	b.k++
	b.n++
	b.bytes += len(s)
	if b.k == chunkCap {
		b.flushChunk()
	}
}

func (b *listBuilder) flushChunk() {
	if b.k == 0 {
		return
	}
	b.cur.hi.Store(int32(b.k))
	b.push(0, leafNode(view{c: b.cur, lo: 0, hi: int32(b.k)}))
	b.cur, b.k = nil, 0
}

// push adds a finished node of height h, grouping full levels upwards.
func (b *listBuilder) push(h int, x *node) {
	for len(b.level) <= h {
		b.level = append(b.level, nil)
	}
	b.level[h] = append(b.level[h], x)
	if len(b.level[h]) == fanout {
		kids := b.level[h]
		b.level[h] = nil
		b.push(h+1, interior(kids))
	}
}

// list returns the built list, nil when empty. A list of at most chunkCap
// elements is a single front chunk with no spare room.
func (b *listBuilder) list() *List {
	if b.n == 0 {
		return nil
	}
	if b.n <= chunkCap && b.k == b.n {
		c := newChunk(b.k, 0)
		copy(c.elems, b.cur.elems[:b.k])
		c.hi.Store(int32(b.k))
		return &List{front: view{c: c, lo: 0, hi: int32(b.k)}, n: b.n, bytes: b.bytes}
	}
	b.flushChunk()
	var t *node
	h := 0
	for ; h < len(b.level); h++ {
		kids := b.level[h]
		if t != nil {
			kids = append(kids, t)
		}
		switch {
		case len(kids) == 1 && h == len(b.level)-1:
			t = kids[0]
			return &List{mid: t, height: h, n: b.n, bytes: b.bytes}
		case len(kids) == 0:
			t = nil
		default:
			t = interior(kids)
		}
	}
	return &List{mid: t, height: h, n: b.n, bytes: b.bytes}
}
