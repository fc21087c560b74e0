package evict

import (
	"math/rand/v2"
	"sync/atomic"
	"unsafe"

	"github.com/memflux/memflux/mvcc"
)

// Sampling parameters (Redis's maxmemory-samples and EVPOOL_SIZE).
const (
	// DefaultSamples is the number of keys sampled per eviction by LRU and LFU.
	DefaultSamples = 5
	// poolSize is the number of best candidates kept between evictions.
	poolSize = 16
)

// LFU counter parameters (Redis's lfu-log-factor and LFU_INIT_VAL). Chain.Access holds
// the 16-bit decay time (the clock shifted by lfuShift) above an 8-bit logarithmic counter.
const (
	lfuInit      = 5
	lfuLogFactor = 10
	// lfuShift sets the decay period: the counter loses one per 2^lfuShift ticks (writes)
	// since the key's last access.
	lfuShift = 14
)

// sampled implements LRU, LFU and Random without per-key links: each eviction samples a
// few random keys, merges them into a small pool of the best candidates seen so far (whose
// scores are recomputed, since reads keep changing them) and evicts the best. Random
// evicts one uniformly random key. Like every policy it runs under the tracker owner's
// lock; only its reader hook is safe for concurrent use.
type sampled struct {
	t       *tracker
	samples int
	pool    []pooled
	scratch []cand
}

// pooled is a candidate kept between evictions.
type pooled struct {
	slot  int32
	chain *mvcc.Chain
}

// cand is a scored candidate: a higher score is a better victim.
type cand struct {
	slot  int32
	score uint64
}

func newSampled(t *tracker, samples int) *sampled {
	if samples <= 0 {
		samples = DefaultSamples
	}
	return &sampled{t: t, samples: samples}
}

func (p *sampled) insert(i int32) {
	c := p.t.reg.entries[i].chain
	switch p.t.kind {
	case LRU:
		c.Access.Store(p.t.now())
	case LFU:
		c.Access.Store(lfuPack(lfuTime(p.t.now()), lfuInit))
	}
}

func (p *sampled) touch(i int32) {
	c := p.t.reg.entries[i].chain
	switch p.t.kind {
	case LRU:
		c.Access.Store(p.t.now())
	case LFU:
		lfuAccess(c, p.t.now())
	}
}

func (p *sampled) forget(int32) {} // pool entries go stale and are dropped lazily

func (p *sampled) reset() { clear(p.pool); p.pool = p.pool[:0] }

// score rates the key of chain c as a victim: idle ticks for LRU; for LFU, the decayed
// counter inverted, ties broken by idle decay periods.
func (p *sampled) score(c *mvcc.Chain) uint64 {
	a := c.Access.Load()
	now := p.t.now()
	if p.t.kind == LFU {
		t16 := lfuTime(now)
		cnt := lfuDecayed(a, t16)
		return uint64(255-cnt)<<16 | uint64(t16-uint16(a>>8))
	}
	return uint64(now - a)
}

func (p *sampled) victim() int32 {
	r := p.t.reg
	n := r.len()
	if n == 0 {
		return nilSlot
	}
	if p.t.kind == Random {
		return int32(p.t.rng.IntN(n))
	}
	// Candidates: the pool (still in the slot it had: a key that was deleted or moved by
	// swap-remove simply drops out) plus fresh samples (every key when there are no more
	// than the sample size, which makes small cases exact).
	cs := p.scratch[:0]
	for _, pc := range p.pool {
		if int(pc.slot) < n && r.entries[pc.slot].chain == pc.chain {
			cs = append(cs, cand{pc.slot, p.score(pc.chain)})
		}
	}
	add := func(i int32) {
		for _, x := range cs {
			if x.slot == i {
				return
			}
		}
		cs = append(cs, cand{i, p.score(r.entries[i].chain)})
	}
	if n <= p.samples {
		for i := range n {
			add(int32(i))
		}
	} else {
		for range p.samples {
			add(int32(p.t.rng.IntN(n)))
		}
	}
	// Keep the best poolSize by partial selection; best first. Ties go to the lower slot
	// (the older key in a registry that only grows).
	better := func(a, b cand) bool { return a.score > b.score || a.score == b.score && a.slot < b.slot }
	keep := min(len(cs), poolSize+1)
	for k := 0; k < keep; k++ {
		b := k
		for j := k + 1; j < len(cs); j++ {
			if better(cs[j], cs[b]) {
				b = j
			}
		}
		cs[k], cs[b] = cs[b], cs[k]
	}
	victim := cs[0].slot
	clear(p.pool)
	p.pool = p.pool[:0]
	for _, x := range cs[1:keep] {
		p.pool = append(p.pool, pooled{x.slot, r.entries[x.slot].chain})
	}
	p.scratch = cs[:0]
	return victim
}

func (p *sampled) reader() mvcc.AccessFunc {
	clk := &p.t.tick
	switch p.t.kind {
	case LRU:
		return func(c *mvcc.Chain) {
			if now := clk.Load(); c.Access.Load() != now {
				c.Access.Store(now)
			}
		}
	case LFU:
		return func(c *mvcc.Chain) { lfuAccess(c, clk.Load()) }
	}
	return nil
}

// lfuTime is the 16-bit LFU decay time of clock value now.
func lfuTime(now uint32) uint16 { return uint16(now >> lfuShift) }

func lfuPack(t uint16, cnt uint8) uint32 { return uint32(t)<<8 | uint32(cnt) }

// lfuDecayed returns the counter of Access value a after the decay periods elapsed until t.
func lfuDecayed(a uint32, t uint16) uint8 {
	cnt := uint8(a)
	elapsed := t - uint16(a>>8)
	if uint16(cnt) <= elapsed {
		return 0
	}
	return cnt - uint8(elapsed)
}

// lfuIncr increments a logarithmic counter with probability 1/((cnt-lfuInit)*factor+1),
// drawing a random number from the chain's shard only when the probability is below one.
func lfuIncr(c *mvcc.Chain, cnt uint8) uint8 {
	if cnt == 255 {
		return cnt
	}
	// r < 2^32/d  <=>  r*d < 2^32: a multiplication instead of a division.
	if cnt > lfuInit && uint64(fastRand(c))*uint64(uint32(cnt-lfuInit)*lfuLogFactor+1) >= 1<<32 {
		return cnt
	}
	return cnt + 1
}

// lfuAccess records an access to c at clock now: decay, then a probabilistic increment.
// It stores only when the state changes, so hot keys rarely dirty their cache line.
func lfuAccess(c *mvcc.Chain, now uint32) {
	a := c.Access.Load()
	t := lfuTime(now)
	na := lfuPack(t, lfuIncr(c, lfuDecayed(a, t)))
	if na != a {
		c.Access.Store(na)
	}
}

// randShards are xorshift states for the LFU read hook, picked by chain address so that
// concurrent readers of different keys rarely share one. Two readers racing on a shard
// may draw the same number, which only makes an increment slightly more or less likely;
// math/rand/v2 costs several times more on this path.
var randShards [64]struct {
	s atomic.Uint64
	_ [56]byte // one cache line each
}

func init() {
	for i := range randShards {
		randShards[i].s.Store(rand.Uint64() | 1)
	}
}

// fastRand returns a pseudo-random number from c's shard.
func fastRand(c *mvcc.Chain) uint32 {
	sh := &randShards[(uintptr(unsafe.Pointer(c))>>6)&63].s
	x := sh.Load()
	x ^= x << 13
	x ^= x >> 7
	x ^= x << 17
	sh.Store(x)
	return uint32(x >> 32)
}
