package value

// List is an immutable deque of byte strings. Every "modifying" method
// returns a new List and leaves the receiver unchanged; versions share
// structure, so pushing onto or popping from the newest version is O(1)
// amortized. A nil *List is the empty list, and methods that produce an empty
// list return nil.
//
// A List is safe for concurrent use by any number of goroutines, including
// goroutines deriving new versions from the same List at the same time.
type List struct {
	front  view  // head elements, pushed in place while this is the newest head
	mid    *node // middle elements; nil when empty
	height int   // height of mid
	back   view  // tail elements, pushed in place while this is the newest tail
	n      int   // number of elements
	bytes  int   // sum of element lengths
}

// NewList returns a list holding elems in order (nil when elems is empty).
func NewList(elems ...string) *List {
	var b listBuilder
	for _, s := range elems {
		b.add(s)
	}
	return b.list()
}

// Len returns the number of elements.
func (l *List) Len() int {
	if l == nil {
		return 0
	}
	return l.n
}

// Bytes returns the sum of the element lengths.
func (l *List) Bytes() int {
	if l == nil {
		return 0
	}
	return l.bytes
}

// clone returns a private shallow copy of l to build the next version in.
func (l *List) clone() *List {
	if l == nil {
		return new(List)
	}
	c := *l
	return &c
}

// orNil returns nil for an empty list.
func (l *List) orNil() *List {
	if l.n == 0 {
		return nil
	}
	return l
}

// PushFront returns the list with each value pushed to the head in argument
// order (LPUSH): PushFront("a", "b") on [] gives [b a].
func (l *List) PushFront(vals ...string) *List {
	if len(vals) == 0 {
		return l
	}
	r := l.clone()
	for _, s := range vals {
		r.pushFront(s)
	}
	return r
}

// PushBack returns the list with the values appended in order (RPUSH).
func (l *List) PushBack(vals ...string) *List {
	if len(vals) == 0 {
		return l
	}
	r := l.clone()
	for _, s := range vals {
		r.pushBack(s)
	}
	return r
}

// pushFront prepends s to r, which is private to the caller. The head chunk
// is extended in place when possible; a full head chunk moves into the tree,
// and a head that cannot be extended (an older or sibling version owns the
// slot before it) is copied into a new chunk with room to spare.
func (r *List) pushFront(s string) {
	r.n++
	r.bytes += len(s)
	if v, ok := r.front.extendFront(s); ok {
		r.front = v
		return
	}
	k := r.front.len()
	if k == chunkCap {
		x := leafNode(r.front)
		if r.mid == nil {
			r.mid, r.height = x, 0
		} else if spill, t := insertFront(r.mid, r.height, x); spill != nil {
			r.mid, r.height = interior([]*node{spill, t}), r.height+1
		} else {
			r.mid = t
		}
		k, r.front = 0, view{}
	}
	r.front = r.front.withFront(s, growCap(k+1, r.n))
}

// pushBack is the mirror image of pushFront.
func (r *List) pushBack(s string) {
	r.n++
	r.bytes += len(s)
	if v, ok := r.back.extendBack(s); ok {
		r.back = v
		return
	}
	k := r.back.len()
	if k == chunkCap {
		x := leafNode(r.back)
		if r.mid == nil {
			r.mid, r.height = x, 0
		} else if t, spill := insertBack(r.mid, r.height, x); spill != nil {
			r.mid, r.height = interior([]*node{t, spill}), r.height+1
		} else {
			r.mid = t
		}
		k, r.back = 0, view{}
	}
	r.back = r.back.withBack(s, growCap(k+1, r.n))
}

// PopFront removes up to n elements from the head and returns the new list
// and the removed elements in pop order (LPOP key count).
func (l *List) PopFront(n int) (*List, []string) {
	n = min(n, l.Len())
	if n <= 0 {
		return l, nil
	}
	var out []string
	if f := l.front.slice(); n <= len(f) {
		out = append([]string(nil), f[:n]...) // the common LPOP case
	} else {
		out = make([]string, 0, n)
		l.iter(0, func(s string) bool {
			out = append(out, s)
			return len(out) < n
		})
	}
	r := l.clone()
	r.dropFront(n, sumLen(out))
	return r.orNil(), out
}

// PopBack removes up to n elements from the tail and returns the new list
// and the removed elements in pop order: PopBack(2) on [a b c d e] gives
// [e d].
func (l *List) PopBack(n int) (*List, []string) {
	n = min(n, l.Len())
	if n <= 0 {
		return l, nil
	}
	var out []string
	if b := l.back.slice(); n <= len(b) {
		out = append([]string(nil), b[len(b)-n:]...) // the common RPOP case
	} else {
		out = make([]string, 0, n)
		l.iter(l.n-n, func(s string) bool {
			out = append(out, s)
			return true
		})
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	r := l.clone()
	r.dropBack(n, sumLen(out))
	return r.orNil(), out
}

func sumLen(ss []string) int {
	t := 0
	for _, s := range ss {
		t += len(s)
	}
	return t
}

// dropFront removes the first k elements (0 < k <= r.n) of r, which is
// private to the caller; nb is their total length. When the head runs out,
// the next leaf of the tree becomes the head, so popping one element at a
// time touches the tree once per leaf.
func (r *List) dropFront(k, nb int) {
	r.n -= k
	r.bytes -= nb
	if f := r.front.len(); k < f {
		r.front.lo += int32(k)
		return
	}
	k -= r.front.len()
	r.front = view{}
	if k == 0 {
		return
	}
	if r.mid != nil {
		if k >= r.mid.size {
			k -= r.mid.size
			r.mid, r.height = nil, 0
		} else {
			if k >= firstLeafSize(r.mid, r.height) {
				r.mid, r.height = collapse(dropFront(r.mid, r.height, k), r.height)
				k = 0
			}
			var leaf *node
			leaf, r.mid = popFront(r.mid, r.height)
			r.mid, r.height = collapse(r.mid, r.height)
			r.front = leaf.leaf
			r.front.lo += int32(k)
			return
		}
	}
	r.back.lo += int32(k)
	if r.back.len() == 0 {
		r.back = view{}
	}
}

// dropBack is the mirror image of dropFront.
func (r *List) dropBack(k, nb int) {
	r.n -= k
	r.bytes -= nb
	if b := r.back.len(); k < b {
		r.back.hi -= int32(k)
		return
	}
	k -= r.back.len()
	r.back = view{}
	if k == 0 {
		return
	}
	if r.mid != nil {
		if k >= r.mid.size {
			k -= r.mid.size
			r.mid, r.height = nil, 0
		} else {
			if k >= lastLeafSize(r.mid, r.height) {
				r.mid, r.height = collapse(dropBack(r.mid, r.height, k), r.height)
				k = 0
			}
			var leaf *node
			leaf, r.mid = popBack(r.mid, r.height)
			r.mid, r.height = collapse(r.mid, r.height)
			r.back = leaf.leaf
			r.back.hi -= int32(k)
			return
		}
	}
	r.front.hi -= int32(k)
	if r.front.len() == 0 {
		r.front = view{}
	}
}

// Index returns element i; negative i counts from the tail (-1 is the last
// element), as in LINDEX. ok is false when i is out of range.
func (l *List) Index(i int) (s string, ok bool) {
	n := l.Len()
	if i < 0 {
		i += n
	}
	if i < 0 || i >= n {
		return "", false
	}
	if f := l.front.slice(); i < len(f) {
		return f[i], true
	}
	i -= l.front.len()
	if l.mid != nil {
		if i < l.mid.size {
			v, j := locate(l.mid, l.height, i)
			return v.slice()[j], true
		}
		i -= l.mid.size
	}
	return l.back.slice()[i], true
}

// SetIndex returns the list with element i replaced by v (LSET); negative i
// counts from the tail. ok is false, and l is returned, when i is out of
// range.
func (l *List) SetIndex(i int, v string) (*List, bool) {
	n := l.Len()
	if i < 0 {
		i += n
	}
	if i < 0 || i >= n {
		return l, false
	}
	old, _ := l.Index(i)
	r := l.clone()
	r.bytes += len(v) - len(old)
	if i < r.front.len() {
		r.front = r.front.withSet(i, v)
		return r, true
	}
	i -= r.front.len()
	if r.mid != nil {
		if i < r.mid.size {
			r.mid = setAt(r.mid, r.height, i, v)
			return r, true
		}
		i -= r.mid.size
	}
	r.back = r.back.withSet(i, v)
	return r, true
}

// span converts Redis LRANGE/LTRIM indexes into a half-open range [lo, hi)
// of a list of n elements: negative indexes count from the end, then clamp
// to 0; the range is empty when start > stop or start >= n; stop clamps to
// n-1.
func span(start, stop, n int) (lo, hi int) {
	if start < 0 {
		start += n
	}
	if stop < 0 {
		stop += n
	}
	start = max(start, 0)
	if start > stop || start >= n {
		return 0, 0
	}
	return start, min(stop, n-1) + 1
}

// Range calls fn on the elements from start to stop inclusive, with the index
// rules of LRANGE, until fn returns false.
func (l *List) Range(start, stop int, fn func(string) bool) {
	lo, hi := span(start, stop, l.Len())
	if lo == hi {
		return
	}
	left := hi - lo
	l.iter(lo, func(s string) bool {
		left--
		return fn(s) && left > 0
	})
}

// Trim returns the list reduced to the elements from start to stop inclusive,
// with the index rules of LTRIM (an empty range gives nil).
func (l *List) Trim(start, stop int) *List {
	n := l.Len()
	lo, hi := span(start, stop, n)
	if lo == hi {
		return nil
	}
	if lo == 0 && hi == n {
		return l
	}
	r := l.clone()
	if lo > 0 {
		nb := 0
		l.Range(0, lo-1, func(s string) bool { nb += len(s); return true })
		r.dropFront(lo, nb)
	}
	if hi < n {
		nb := 0
		l.Range(hi, n-1, func(s string) bool { nb += len(s); return true })
		r.dropBack(n-hi, nb)
	}
	return r
}

// Remove returns the list without occurrences of v (LREM): the first count
// occurrences from the head when count > 0, the last -count from the tail
// when count < 0, all of them when count == 0. It also returns the number
// removed; when that is 0, l itself is returned.
func (l *List) Remove(count int, v string) (*List, int) {
	total := 0
	l.All(func(s string) bool {
		if s == v {
			total++
		}
		return true
	})
	// Occurrences with ordinal in [from, to) are removed.
	from, to := 0, total
	switch {
	case count > 0:
		to = min(count, total)
	case count < 0:
		from = max(total+count, 0)
	}
	if from == to {
		return l, 0
	}
	var b listBuilder
	ord := 0
	l.All(func(s string) bool {
		if s == v {
			ord++
			if ord > from && ord <= to {
				return true
			}
		}
		b.add(s)
		return true
	})
	return b.list(), to - from
}

// All calls fn on every element from head to tail until fn returns false.
func (l *List) All(fn func(string) bool) {
	if l != nil {
		l.iter(0, fn)
	}
}

// iter calls fn on the elements from index start (0 <= start) on.
func (l *List) iter(start int, fn func(string) bool) {
	if f := l.front.slice(); start < len(f) {
		for _, s := range f[start:] {
			if !fn(s) {
				return
			}
		}
		start = 0
	} else {
		start -= len(f)
	}
	if l.mid != nil {
		if start < l.mid.size {
			if !each(l.mid, l.height, start, fn) {
				return
			}
			start = 0
		} else {
			start -= l.mid.size
		}
	}
	if b := l.back.slice(); start < len(b) {
		for _, s := range b[start:] {
			if !fn(s) {
				return
			}
		}
	}
}
