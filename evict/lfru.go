package evict

import "github.com/memflux/memflux/mvcc"

// List ids of LFRU.
const (
	listUnpriv uint8 = 1 // new keys, approximate LFU over the oldest few
	listPriv   uint8 = 2 // keys read again while unprivileged, LRU by second chance
)

// LFRU parameters.
const (
	// lfruPrivShare is the share of tracked keys (in percent) the privileged partition may
	// hold before its clock demotes keys back to the unprivileged one.
	lfruPrivShare = 80
	// lfruWindow is how many of the oldest unprivileged keys compete by frequency.
	lfruWindow = 4
	// lfruPromote is the number of accesses that promotes an unprivileged key.
	lfruPromote = 2
	// lfruMax saturates the access counter, so a hot key stops writing its cache line.
	lfruMax = 3
)

// lfru is Least Frequently Recently Used (Bilal & Kang 2014): new keys enter the
// unprivileged partition, a FIFO whose victim is the least accessed of its lfruWindow
// oldest keys (approximate LFU); a key accessed lfruPromote times there moves to the
// privileged partition, an LRU approximated by a clock with second chance; keys falling
// off the privileged partition go back to the head of the unprivileged one. Reads only
// increment the saturating counter in Chain.Access. A one-time scan fills the
// unprivileged partition and leaves first, so the privileged keys survive it. Like every
// policy it runs under the tracker owner's lock; only its reader hook is safe for
// concurrent use.
type lfru struct{ t *tracker }

func (l *lfru) chain(i int32) *mvcc.Chain { return l.t.reg.entries[i].chain }

func (l *lfru) insert(i int32) {
	l.chain(i).Access.Store(0)
	l.t.reg.pushFront(listUnpriv, i)
}

func (l *lfru) touch(i int32) { lfruAccess(l.chain(i)) }

func (l *lfru) forget(i int32) { l.t.reg.unlink(i) }

func (l *lfru) reset() {}

func (l *lfru) victim() int32 {
	r := l.t.reg
	n := r.len()
	if n == 0 {
		return nilSlot
	}
	for step := 0; ; step++ {
		last := step > 2*n
		if r.count(listUnpriv) == 0 || r.count(listPriv)*100 > n*lfruPrivShare {
			x := r.back(listPriv)
			c := l.chain(x)
			switch {
			case r.count(listUnpriv) == 0 && (c.Access.Load() == 0 || last):
				r.unlink(x)
				return x
			case c.Access.Load() > 0 && !last:
				c.Access.Store(0)
				r.moveFront(listPriv, x) // second chance
			default:
				r.moveFront(listUnpriv, x) // demote
			}
			continue
		}
		best, bestAcc := nilSlot, uint32(0)
		y := r.back(listUnpriv)
		for k := 0; k < lfruWindow && y != nilSlot; k++ {
			prev := r.nodes[y].prev
			c := l.chain(y)
			acc := c.Access.Load()
			if acc >= lfruPromote && !last {
				c.Access.Store(0)
				r.moveFront(listPriv, y)
			} else if best == nilSlot || acc < bestAcc {
				best, bestAcc = y, acc
			}
			y = prev
		}
		if best != nilSlot {
			r.unlink(best)
			return best
		}
	}
}

func (l *lfru) reader() mvcc.AccessFunc { return lfruAccess }

// lfruAccess increments c's saturating access counter.
func lfruAccess(c *mvcc.Chain) {
	if a := c.Access.Load(); a < lfruMax {
		c.Access.Store(a + 1)
	}
}
