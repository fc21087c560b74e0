package evict

import "github.com/memflux/memflux/mvcc"

// entry is one tracked key: its chain (whose Access field holds the policy's per-key
// metadata) and the key itself, needed to delete it through a transaction.
type entry struct {
	chain *mvcc.Chain
	key   string
}

// registry is the dense set of evictable keys: a slab of entries indexed by chain pointer,
// kept dense by swap-remove so that a uniformly random key is one random index away.
// List policies thread the slots through lists (withLists). Not safe for concurrent use:
// the Evictor's commit-lock discipline protects it.
type registry struct {
	entries   []entry
	index     map[*mvcc.Chain]int32
	withLists bool
	peak      int // the most entries since index was last rebuilt
	linked
}

func newRegistry(withLists bool) *registry {
	r := &registry{withLists: withLists}
	r.reset()
	return r
}

// reset forgets every key.
func (r *registry) reset() {
	clear(r.entries) // drop the references for the GC
	r.entries = r.entries[:0]
	r.index = make(map[*mvcc.Chain]int32)
	r.peak = 0
	r.init()
}

// len returns the number of tracked keys.
func (r *registry) len() int { return len(r.entries) }

// lookup returns the slot of c, or nilSlot.
func (r *registry) lookup(c *mvcc.Chain) int32 {
	if i, ok := r.index[c]; ok {
		return i
	}
	return nilSlot
}

// add tracks a new key and returns its slot.
func (r *registry) add(c *mvcc.Chain, key string) int32 {
	i := int32(len(r.entries))
	r.entries = append(r.entries, entry{chain: c, key: key})
	r.index[c] = i
	if r.withLists {
		r.grow()
	}
	r.peak = max(r.peak, len(r.entries))
	return i
}

// remove forgets slot i, which its policy has already unlinked from its lists, moving the
// last slot into its place.
func (r *registry) remove(i int32) {
	last := int32(len(r.entries) - 1)
	delete(r.index, r.entries[i].chain)
	if i != last {
		r.entries[i] = r.entries[last]
		r.index[r.entries[i].chain] = i
		if r.withLists {
			r.relocate(last, i)
		}
	} else if r.withLists {
		r.truncate()
	}
	r.entries[last] = entry{}
	r.entries = r.entries[:last]
	// Give memory back after a mass deletion instead of pinning the peak forever (Go maps
	// never shrink, so the index is rebuilt).
	if r.peak > 4096 && len(r.entries) < r.peak/4 {
		r.entries = append([]entry(nil), r.entries...)
		if r.withLists {
			r.nodes = append([]node(nil), r.nodes...)
		}
		r.index = make(map[*mvcc.Chain]int32, len(r.entries))
		for j, e := range r.entries {
			r.index[e.chain] = int32(j)
		}
		r.peak = len(r.entries)
	}
}
