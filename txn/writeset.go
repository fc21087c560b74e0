package txn

import (
	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/value"
)

// wkey identifies a key in one space.
type wkey struct {
	sp  mvcc.Space
	key string
}

// write is one buffered write: the new value (the zero Value deletes).
type write struct {
	wkey
	val value.Value
}

// undo restores the write set to its state before one Put (savepoints, statement marks).
type undo struct {
	idx     int   // entry index in writeSet.entries
	created bool  // the Put appended entries[idx]
	prev    write // the entry before the Put, when !created
}

// writeSet is a transaction's private buffer of writes with an undo log. Small sets are
// searched linearly; an index map is built once they grow.
type writeSet struct {
	entries []write
	index   map[wkey]int // nil while len(entries) <= linearMax
	undo    []undo
}

const linearMax = 8

func (ws *writeSet) find(k wkey) int {
	if ws.index != nil {
		if i, ok := ws.index[k]; ok {
			return i
		}
		return -1
	}
	for i := range ws.entries {
		if ws.entries[i].sp == k.sp && ws.entries[i].key == k.key {
			return i
		}
	}
	return -1
}

// findBytes is find without converting key to a string (the compiler elides the
// conversion in comparisons and map lookups).
func (ws *writeSet) findBytes(sp mvcc.Space, key []byte) int {
	if ws.index != nil {
		if i, ok := ws.index[wkey{sp, string(key)}]; ok {
			return i
		}
		return -1
	}
	for i := range ws.entries {
		if ws.entries[i].sp == sp && ws.entries[i].key == string(key) {
			return i
		}
	}
	return -1
}

func (ws *writeSet) put(sp mvcc.Space, key []byte, v value.Value) {
	if i := ws.findBytes(sp, key); i >= 0 {
		ws.undo = append(ws.undo, undo{idx: i, prev: ws.entries[i]})
		ws.entries[i].val = v
		return
	}
	k := wkey{sp, string(key)}
	ws.entries = append(ws.entries, write{wkey: k, val: v})
	i := len(ws.entries) - 1
	ws.undo = append(ws.undo, undo{idx: i, created: true})
	if ws.index != nil {
		ws.index[k] = i
	} else if len(ws.entries) > linearMax {
		ws.index = make(map[wkey]int, 2*len(ws.entries))
		for j := range ws.entries {
			ws.index[ws.entries[j].wkey] = j
		}
	}
}

// rollbackTo undoes every put after the undo log had length mark.
func (ws *writeSet) rollbackTo(mark int) {
	for len(ws.undo) > mark {
		u := ws.undo[len(ws.undo)-1]
		ws.undo = ws.undo[:len(ws.undo)-1]
		if u.created {
			// Entries are appended in undo order, so a created entry is always the last.
			if ws.index != nil {
				delete(ws.index, ws.entries[u.idx].wkey)
			}
			ws.entries[u.idx] = write{}
			ws.entries = ws.entries[:u.idx]
		} else {
			ws.entries[u.idx] = u.prev
		}
	}
}

func (ws *writeSet) reset() {
	clear(ws.entries)
	ws.entries = ws.entries[:0]
	ws.index = nil
	clear(ws.undo)
	ws.undo = ws.undo[:0]
}
