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
// searched linearly; an index map is built once they grow. It is owned by one Txn and not
// safe for concurrent use.
type writeSet struct {
	entries []write
	index   map[wkey]int // nil while len(entries) <= linearMax
	undo    []undo
	// logUndo is set by the first mark: until then nothing but a full rollback can discard
	// a write, so puts record no undo (an auto-committed command writes without one).
	logUndo bool
}

// mark returns the position to roll back to with rollbackTo, and makes later puts
// record their undo.
func (ws *writeSet) mark() int {
	ws.logUndo = true
	return len(ws.undo)
}

// linearMax is the longest list of writes or reads searched linearly; longer ones get a
// map from key to position.
const linearMax = 8

// lookup returns the position of key in writes, or -1. index maps every key of writes to
// its position, or is nil while writes is short enough to search linearly. key may be a
// []byte: the compiler elides its conversion in comparisons and map lookups.
func lookup[K string | []byte](writes []write, index map[wkey]int, sp mvcc.Space, key K) int {
	if index != nil {
		if i, ok := index[wkey{sp, string(key)}]; ok {
			return i
		}
		return -1
	}
	for i := range writes {
		if writes[i].sp == sp && writes[i].key == string(key) {
			return i
		}
	}
	return -1
}

// indexLast keeps the index of lookup up to date after a write was appended to writes: it
// adds the new last write to index, or builds the map once writes outgrows linearMax. It
// returns the index (still nil while writes is short).
func indexLast(index map[wkey]int, writes []write) map[wkey]int {
	if index != nil {
		index[writes[len(writes)-1].wkey] = len(writes) - 1
		return index
	}
	if len(writes) <= linearMax {
		return nil
	}
	index = make(map[wkey]int, 2*len(writes))
	for i := range writes {
		index[writes[i].wkey] = i
	}
	return index
}

// find returns the position of the write to key, or -1.
func (ws *writeSet) find(sp mvcc.Space, key string) int {
	return lookup(ws.entries, ws.index, sp, key)
}

// findBytes is find for a []byte key, without converting it to a string.
func (ws *writeSet) findBytes(sp mvcc.Space, key []byte) int {
	return lookup(ws.entries, ws.index, sp, key)
}

// put buffers a write of v to key, recording how to undo it.
func (ws *writeSet) put(sp mvcc.Space, key []byte, v value.Value) {
	if i := ws.findBytes(sp, key); i >= 0 {
		if ws.logUndo {
			ws.undo = append(ws.undo, undo{idx: i, prev: ws.entries[i]})
		}
		ws.entries[i].val = v
		return
	}
	ws.entries = append(ws.entries, write{wkey: wkey{sp, string(key)}, val: v})
	if ws.logUndo {
		ws.undo = append(ws.undo, undo{idx: len(ws.entries) - 1, created: true})
	}
	ws.index = indexLast(ws.index, ws.entries)
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

// reset empties the write set, keeping its buffers.
func (ws *writeSet) reset() {
	clear(ws.entries)
	ws.entries = ws.entries[:0]
	ws.index = nil
	clear(ws.undo)
	ws.undo = ws.undo[:0]
	ws.logUndo = false
}
