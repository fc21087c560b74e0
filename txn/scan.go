package txn

import (
	"bytes"
	"slices"
	"strings"

	"github.com/memflux/memflux/art"
	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/value"
)

// isPrefixRange reports whether [start, end) holds exactly the keys with prefix start,
// that is whether end is art.PrefixEnd(start) (and not nil).
func isPrefixRange(start, end []byte) bool {
	i := len(start) - 1
	for i >= 0 && start[i] == 0xff {
		i--
	}
	return i >= 0 && len(end) == i+1 && end[i] == start[i]+1 && bytes.Equal(end[:i], start[:i])
}

// ScanPrefix calls fn, in ascending key order, for every key with the given prefix that
// exists for the transaction (its own writes merged over its snapshot). fn returns false to
// stop. The key slice is valid only during the call.
func (t *Txn) ScanPrefix(sp mvcc.Space, prefix []byte, fn func(key []byte, v value.Value) bool) {
	t.ScanRange(sp, prefix, art.PrefixEnd(prefix), fn)
}

// ScanRange is ScanPrefix for the keys in [start, end); a nil end means unbounded.
func (t *Txn) ScanRange(sp mvcc.Space, start, end []byte, fn func(key []byte, v value.Value) bool) {
	if t.snap == nil {
		// A scan needs a stable view: turn a latest-mode transaction into a snapshot one.
		t.snap = t.m.snaps.acquire(t.m.store)
		t.start = t.snap.ts
	}
	own := t.ownInRange(sp, start, end)
	ts := t.start
	oi := 0
	last := start
	stopped := false
	emit := func(k []byte, v value.Value) bool {
		last = k
		if !v.Exists() {
			return true
		}
		if !fn(k, v) {
			stopped = true
			return false
		}
		return true
	}
	visit := func(k []byte, c *mvcc.Chain) bool {
		if end != nil && bytes.Compare(k, end) >= 0 {
			return false
		}
		for oi < len(own) && own[oi].key < string(k) {
			if !emit([]byte(own[oi].key), own[oi].val) {
				return false
			}
			oi++
		}
		if oi < len(own) && own[oi].key == string(k) {
			oi++
			return emit(k, own[oi-1].val)
		}
		if v := c.At(ts); v != nil {
			return emit(k, v.Value())
		}
		return true
	}
	if tree := t.m.store.Tree(sp); isPrefixRange(start, end) {
		// The range is the keys with prefix start: descend to them directly rather
		// than seek start and walk on until a key reaches end.
		tree.ScanPrefix(start, visit)
	} else {
		tree.Scan(start, visit)
	}
	for !stopped && oi < len(own) {
		if !emit([]byte(own[oi].key), own[oi].val) {
			break
		}
		oi++
	}
	if t.track {
		rg := keyRange{sp: sp, start: bytes.Clone(start), end: bytes.Clone(end)}
		if stopped {
			// Only [start, last] was read.
			rg.end = append(bytes.Clone(last), 0)
		}
		t.ranges = append(t.ranges, rg)
	}
}

// ownInRange returns the transaction's writes in [start, end) of sp, sorted by key.
func (t *Txn) ownInRange(sp mvcc.Space, start, end []byte) []write {
	var own []write
	for i := range t.ws.entries {
		w := &t.ws.entries[i]
		if w.sp != sp || w.key < string(start) || (end != nil && w.key >= string(end)) {
			continue
		}
		own = append(own, *w)
	}
	slices.SortFunc(own, func(a, b write) int { return strings.Compare(a.key, b.key) })
	return own
}

// OwnWrites calls fn, in ascending key order, for every write the transaction has buffered
// under prefix in space sp, deletions included (v is then the zero Value). fn returns
// false to stop. It reads nothing from the store and records no read. Index scans use it to
// merge the transaction's pending rows, which the index does not hold until commit.
func (t *Txn) OwnWrites(sp mvcc.Space, prefix []byte, fn func(key []byte, v value.Value) bool) {
	if len(t.ws.entries) == 0 {
		return
	}
	own := t.ownInRange(sp, prefix, art.PrefixEnd(prefix))
	for i := range own {
		if !fn([]byte(own[i].key), own[i].val) {
			return
		}
	}
}

// HasOwnWrites reports whether the transaction has buffered a write under prefix in sp.
func (t *Txn) HasOwnWrites(sp mvcc.Space, prefix []byte) bool {
	for i := range t.ws.entries {
		w := &t.ws.entries[i]
		if w.sp == sp && len(w.key) >= len(prefix) && w.key[:len(prefix)] == string(prefix) {
			return true
		}
	}
	return false
}
