package evict

import (
	"hash/maphash"

	"github.com/memflux/memflux/mvcc"
)

// List ids of ARC (registry lists T1, T2; ghost lists B1, B2).
const (
	listT1 uint8 = 1 // resident, seen once recently (recency)
	listT2 uint8 = 2 // resident, seen at least twice (frequency)
	listB1 uint8 = 1 // evicted from T1
	listB2 uint8 = 2 // evicted from T2
)

// car is ARC in its clock form (CAR, Bansal & Modha, FAST 2004). The cache size c is the
// number of tracked keys (the byte limit decides how many fit). A read only sets the key's
// reference bit (Chain.Access = 1), lock-free; the clock hands interpret it lazily when
// looking for a victim: a referenced key in T1 moves to T2, a referenced key in T2 goes
// around again, an unreferenced one is evicted into the matching ghost list. A new key
// found in a ghost list goes straight to T2 and moves the target size p of T1 towards the
// list that would have kept it. Like every policy it runs under the tracker owner's lock;
// only its reader hook is safe for concurrent use.
type car struct {
	t      *tracker
	p      int // target size of T1
	ghosts *ghostSet
	seed   maphash.Seed
}

func newCAR(t *tracker) *car { return &car{t: t, ghosts: newGhostSet(), seed: maphash.MakeSeed()} }

func (a *car) chain(i int32) *mvcc.Chain { return a.t.reg.entries[i].chain }

func (a *car) insert(i int32) {
	r := a.t.reg
	e := r.entries[i]
	e.chain.Access.Store(0)
	g, list := a.ghosts.find(a.hash(e.key))
	c := r.len()
	switch list {
	case listB1:
		a.p = min(a.p+max(1, a.ghosts.count(listB2)/max(1, a.ghosts.count(listB1))), c)
	case listB2:
		a.p = max(a.p-max(1, a.ghosts.count(listB1)/max(1, a.ghosts.count(listB2))), 0)
	}
	if g != nilSlot {
		a.dropGhost(g)
		r.pushFront(listT2, i)
	} else {
		r.pushFront(listT1, i)
	}
	// Directory bounds: |T1|+|B1| <= c and |T1|+|T2|+|B1|+|B2| <= 2c.
	for a.ghosts.count(listB1) > 0 && r.count(listT1)+a.ghosts.count(listB1) > c {
		a.dropGhost(a.ghosts.back(listB1))
	}
	for a.ghosts.size() > c {
		if a.ghosts.count(listB2) > 0 {
			a.dropGhost(a.ghosts.back(listB2))
		} else {
			a.dropGhost(a.ghosts.back(listB1))
		}
	}
}

func (a *car) dropGhost(g int32) {
	a.ghosts.remove(g)
	a.t.ghosts.Add(-1)
	a.t.account(-ghostCost)
}

func (a *car) touch(i int32) { a.chain(i).Access.Store(1) }

func (a *car) forget(i int32) { a.t.reg.unlink(i) }

func (a *car) reset() {
	a.p = 0
	a.ghosts.reset()
}

// victim is CAR's replace: the T1 hand runs while T1 holds at least p keys, the T2 hand
// otherwise. Each step clears one reference bit, so the search is amortized O(1); the
// bound only guards against readers re-referencing keys as fast as the hands clear them.
func (a *car) victim() int32 {
	r := a.t.reg
	n := r.len()
	if n == 0 {
		return nilSlot
	}
	for step := 0; ; step++ {
		hand, ghost := listT2, listB2
		if r.count(listT1) >= max(1, a.p) || r.count(listT2) == 0 {
			hand, ghost = listT1, listB1
		}
		if x := a.advance(hand, ghost, step > 2*n); x != nilSlot {
			return x
		}
	}
}

// advance moves the clock hand of list hand (T1 or T2) by one key: the key under it is
// evicted into ghost list ghost when unreferenced (or when force is set) and its slot
// returned; otherwise its reference bit is cleared, it moves to the head of T2 and advance
// returns nilSlot.
func (a *car) advance(hand, ghost uint8, force bool) int32 {
	r := a.t.reg
	x := r.back(hand)
	c := a.chain(x)
	if c.Access.Load() == 0 || force {
		r.unlink(x)
		a.remember(ghost, x)
		return x
	}
	c.Access.Store(0)
	r.moveFront(listT2, x)
	return nilSlot
}

// remember records the evicted key of slot i in ghost list id.
func (a *car) remember(id uint8, i int32) {
	if a.ghosts.add(id, a.hash(a.t.reg.entries[i].key)) {
		a.t.ghosts.Add(1)
		a.t.account(ghostCost)
	}
}

func (a *car) reader() mvcc.AccessFunc {
	return func(c *mvcc.Chain) {
		if c.Access.Load() == 0 {
			c.Access.Store(1)
		}
	}
}

// hash returns the ghost identity of key.
func (a *car) hash(key string) uint64 { return maphash.String(a.seed, key) }
