package main

import "sync"

// handleTable maps the opaque handles given to C to the Go objects behind them. A handle
// is an integer that C sees as a void*: it never points to memory, so C can neither read
// Go memory through it nor keep a Go pointer. Handles are never reused, so a stale handle
// is always recognized as invalid. It is safe for concurrent use.
type handleTable struct {
	// mu protects next and objs.
	mu   sync.RWMutex
	next uintptr
	objs map[uintptr]any
}

// handleBase and handleStep shape handle values like aligned pointers well above the
// zero page, so a handle never looks like NULL or a small integer.
const (
	handleBase = 0x10000
	handleStep = 16
)

// add registers v and returns its new handle.
func (t *handleTable) add(v any) uintptr {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.objs == nil {
		t.objs = make(map[uintptr]any)
		t.next = handleBase
	}
	t.next += handleStep
	t.objs[t.next] = v
	return t.next
}

// get returns the object of h, if h is live.
func (t *handleTable) get(h uintptr) (any, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	v, ok := t.objs[h]
	return v, ok
}

// remove unregisters h and returns what it named, if it was live.
func (t *handleTable) remove(h uintptr) (any, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	v, ok := t.objs[h]
	delete(t.objs, h)
	return v, ok
}

// len returns the number of live handles.
func (t *handleTable) len() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return len(t.objs)
}
