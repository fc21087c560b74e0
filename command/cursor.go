package command

import (
	"math/rand/v2"
	"sync"
)

// cursorTable remembers where SCAN iterations stopped. Redis encodes the position in the
// cursor itself; our keys are ordered, so a cursor names the next key to visit instead.
// Cursors are shared by all sessions (pooled clients continue a SCAN on another
// connection) and bounded: the oldest are forgotten first. It is safe for concurrent use.
type cursorTable struct {
	// mu protects ids and keys.
	mu   sync.Mutex
	ids  []uint64          // insertion order, oldest first
	keys map[uint64][]byte // cursor -> key to resume from
}

// maxCursors bounds the table; an iteration whose cursor was forgotten gets an error.
const maxCursors = 4096

func (t *cursorTable) put(key []byte) uint64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.keys == nil {
		t.keys = make(map[uint64][]byte)
	}
	var id uint64
	for id == 0 || t.keys[id] != nil {
		id = rand.Uint64() >> 1 // positive as a signed integer too
	}
	if len(t.ids) >= maxCursors {
		delete(t.keys, t.ids[0])
		t.ids = t.ids[1:]
	}
	t.ids = append(t.ids, id)
	t.keys[id] = key
	return id
}

func (t *cursorTable) get(id uint64) ([]byte, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	k, ok := t.keys[id]
	return k, ok
}
