package evict

// ghostSet is ARC's history of recently evicted keys (B1 and B2): key hashes only, each in
// one of two LRU lists, dense like the registry. Not safe for concurrent use.
type ghostSet struct {
	hashes []uint64
	index  map[uint64]int32
	linked
}

func newGhostSet() *ghostSet {
	g := &ghostSet{}
	g.reset()
	return g
}

func (g *ghostSet) reset() {
	g.hashes = g.hashes[:0]
	g.index = make(map[uint64]int32)
	g.init()
}

// find returns the slot of hash h and its list, or nilSlot.
func (g *ghostSet) find(h uint64) (int32, uint8) {
	if i, ok := g.index[h]; ok {
		return i, g.nodes[i].list
	}
	return nilSlot, 0
}

// add records h at the head of list id; a hash already present moves there.
func (g *ghostSet) add(id uint8, h uint64) (added bool) {
	if i, ok := g.index[h]; ok {
		g.moveFront(id, i)
		return false
	}
	i := int32(len(g.hashes))
	g.hashes = append(g.hashes, h)
	g.index[h] = i
	g.grow()
	g.pushFront(id, i)
	return true
}

// remove forgets slot i.
func (g *ghostSet) remove(i int32) {
	g.unlink(i)
	delete(g.index, g.hashes[i])
	last := int32(len(g.hashes) - 1)
	if i != last {
		g.hashes[i] = g.hashes[last]
		g.index[g.hashes[i]] = i
		g.relocate(last, i)
	} else {
		g.truncate()
	}
	g.hashes = g.hashes[:last]
}

// size returns the number of ghosts.
func (g *ghostSet) size() int { return len(g.hashes) }
