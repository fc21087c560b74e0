package evict

// nilSlot marks the absence of a slot in list links.
const nilSlot int32 = -1

// node holds the list links of one slot of a slab (registry or ghost history).
type node struct {
	prev, next int32
	list       uint8 // 0: in no list
}

// dlist is the head (most recent end) and tail (eviction end) of one list.
type dlist struct {
	head, tail int32
	n          int
}

// maxLists is the number of lists a slab can thread its slots through (list ids 1..3).
const maxLists = 4

// linked threads the slots of a slab through up to three doubly linked lists, by index,
// so that slabs can stay dense (swap-remove) and lists cost 12 bytes per slot. Not safe for
// concurrent use; its owner's lock protects it.
type linked struct {
	nodes []node
	lists [maxLists]dlist
}

func (l *linked) init() {
	for i := range l.lists {
		l.lists[i] = dlist{head: nilSlot, tail: nilSlot}
	}
	l.nodes = l.nodes[:0]
}

// grow appends an unlinked node for a new last slot.
func (l *linked) grow() { l.nodes = append(l.nodes, node{prev: nilSlot, next: nilSlot}) }

// count returns the number of slots in list id.
func (l *linked) count(id uint8) int { return l.lists[id].n }

// back returns the tail slot of list id, or nilSlot.
func (l *linked) back(id uint8) int32 { return l.lists[id].tail }

// pushFront links slot i (in no list) at the head of list id.
func (l *linked) pushFront(id uint8, i int32) {
	d := &l.lists[id]
	n := &l.nodes[i]
	n.list, n.prev, n.next = id, nilSlot, d.head
	if d.head != nilSlot {
		l.nodes[d.head].prev = i
	} else {
		d.tail = i
	}
	d.head = i
	d.n++
}

// unlink removes slot i from its list, if any.
func (l *linked) unlink(i int32) {
	n := &l.nodes[i]
	if n.list == 0 {
		return
	}
	d := &l.lists[n.list]
	if n.prev != nilSlot {
		l.nodes[n.prev].next = n.next
	} else {
		d.head = n.next
	}
	if n.next != nilSlot {
		l.nodes[n.next].prev = n.prev
	} else {
		d.tail = n.prev
	}
	d.n--
	*n = node{prev: nilSlot, next: nilSlot}
}

// moveFront moves slot i to the head of list id.
func (l *linked) moveFront(id uint8, i int32) {
	l.unlink(i)
	l.pushFront(id, i)
}

// relocate moves the node of slot from (the last one) into slot to, which must be
// unlinked, fixing its neighbours, and drops the last node.
func (l *linked) relocate(from, to int32) {
	n := l.nodes[from]
	l.nodes[to] = n
	if n.list != 0 {
		d := &l.lists[n.list]
		if n.prev != nilSlot {
			l.nodes[n.prev].next = to
		} else {
			d.head = to
		}
		if n.next != nilSlot {
			l.nodes[n.next].prev = to
		} else {
			d.tail = to
		}
	}
	l.nodes = l.nodes[:from]
}

// truncate drops the last node, which must be unlinked.
func (l *linked) truncate() { l.nodes = l.nodes[:len(l.nodes)-1] }
