// Package plartree wraps github.com/plar/go-adaptive-radix-tree/v2 behind
// the API of art.Tree. It is the reference implementation: a second
// implementation the randomized tests of art.Tree check against their model,
// and the baseline of its benchmarks.
//
// Tree is safe for concurrent use: a sync.RWMutex serializes writers and
// lets readers share the tree (the plar tree is not safe for concurrent use
// by itself). Scan and ScanPrefix hold the read lock while calling fn, so fn
// must not call GetOrInsert or CompareAndDelete on the same tree.
//
// # Working around the plar tree
//
// The plar tree cannot delete the empty key, so the wrapper keeps the value
// of the empty key in a field of its own. Scan has no seek in the plar API:
// it walks the tree from the smallest key and skips keys below start.
//
// The plar tree (v2.0.3) also loses a key that is a proper prefix of other
// keys when a delete shrinks the Node256 holding the longer keys to a Node48
// (TestPlarShrinkLosesPrefixKey); its size counter still counts the lost
// key. CompareAndDelete therefore notes which proper prefixes of the key it
// deletes are keys, and puts back any the delete dropped; Len is counted by
// the wrapper. Only deletes pay for this (one lookup per prefix), so the
// lookups and inserts the benchmarks measure are the plar tree's own.
package plartree

import (
	"bytes"
	"sync"

	plar "github.com/plar/go-adaptive-radix-tree/v2"
)

// Tree is an ordered map from byte-string keys to non-nil *T values with
// the same contract as art.Tree. It is safe for concurrent use; use New.
type Tree[T any] struct {
	// mu protects tree, empty and n.
	mu    sync.RWMutex
	tree  plar.Tree
	empty *T  // value of the empty key, or nil
	n     int // number of keys, the empty key included
}

// New returns an empty tree.
func New[T any]() *Tree[T] {
	return &Tree[T]{tree: plar.New()}
}

// Get returns the value stored under key, or nil.
func (t *Tree[T]) Get(key []byte) *T {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.getLocked(key)
}

// GetString is Get for a string key.
func (t *Tree[T]) GetString(key string) *T {
	return t.Get([]byte(key))
}

// getLocked is Get. REQUIRES: t.mu held (read or write).
func (t *Tree[T]) getLocked(key []byte) *T {
	if len(key) == 0 {
		return t.empty
	}
	if v, ok := t.tree.Search(key); ok {
		return v.(*T)
	}
	return nil
}

// GetOrInsert returns the value under key and false if present; otherwise it
// stores mk's result under a copy of key and returns it and true. A nil mk
// or a nil result inserts nothing.
func (t *Tree[T]) GetOrInsert(key []byte, mk func() *T) (*T, bool) {
	if v := t.Get(key); v != nil || mk == nil {
		return v, false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if v := t.getLocked(key); v != nil {
		return v, false
	}
	v := mk()
	if v == nil {
		return nil, false
	}
	if len(key) == 0 {
		t.empty = v
	} else {
		t.tree.Insert(bytes.Clone(key), v)
	}
	t.n++
	return v, true
}

// CompareAndDelete deletes key if it maps to old and reports whether it did.
func (t *Tree[T]) CompareAndDelete(key []byte, old *T) bool {
	if old == nil {
		return false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.getLocked(key) != old {
		return false
	}
	if len(key) == 0 {
		t.empty = nil
	} else {
		t.deleteLocked(key)
	}
	t.n--
	return true
}

// prefixKey is a key that is a proper prefix of a key being deleted, with its
// value.
type prefixKey struct {
	key []byte
	val plar.Value
}

// deleteLocked deletes key, a non-empty key present in the tree, and puts
// back the keys that are proper prefixes of it if the plar tree lost them
// (see the package documentation).
// REQUIRES: t.mu held for writing.
func (t *Tree[T]) deleteLocked(key []byte) {
	var prefixes []prefixKey
	for l := 1; l < len(key); l++ {
		if v, ok := t.tree.Search(key[:l]); ok {
			prefixes = append(prefixes, prefixKey{key[:l], v})
		}
	}
	t.tree.Delete(key)
	for _, p := range prefixes {
		if _, ok := t.tree.Search(p.key); !ok {
			t.tree.Insert(bytes.Clone(p.key), p.val)
		}
	}
}

// Len returns the number of keys.
func (t *Tree[T]) Len() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.n
}

// Scan calls fn for each key >= start in ascending order until fn returns
// false. It costs O(keys below start) before the first call of fn.
func (t *Tree[T]) Scan(start []byte, fn func(key []byte, v *T) bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.empty != nil && len(start) == 0 && !fn([]byte{}, t.empty) {
		return
	}
	t.tree.ForEach(func(n plar.Node) bool {
		if k := n.Key(); bytes.Compare(k, start) >= 0 {
			return fn(k, n.Value().(*T))
		}
		return true
	})
}

// ScanPrefix calls fn for each key with the given prefix in ascending order
// until fn returns false.
func (t *Tree[T]) ScanPrefix(prefix []byte, fn func(key []byte, v *T) bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.empty != nil && len(prefix) == 0 && !fn([]byte{}, t.empty) {
		return
	}
	cb := func(n plar.Node) bool { return fn(n.Key(), n.Value().(*T)) }
	if len(prefix) == 0 {
		t.tree.ForEach(cb)
		return
	}
	t.tree.ForEachPrefix(prefix, cb)
}
