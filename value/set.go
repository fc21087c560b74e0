package value

import (
	"math/rand/v2"
	"slices"
	"sort"
)

// smallSetMax is the largest set kept as a sorted slice instead of a trie.
const smallSetMax = 8

// Set is an immutable set of byte strings. Add and Remove return a new Set
// and leave the receiver unchanged; versions share structure. A nil *Set is
// the empty set, and methods that produce an empty set return nil.
//
// Sets of up to 8 members are a sorted slice; larger ones are a hash array
// mapped trie (see doc.go, "# Sets"). Which one is used depends only on the
// size.
//
// A Set is safe for concurrent use by any number of goroutines.
type Set struct {
	small []string // sorted members when n <= smallSetMax
	root  *hnode   // trie when n > smallSetMax
	n     int      // number of members
	bytes int      // sum of member lengths
}

// NewSet returns a set of the given members, duplicates ignored (nil when
// members is empty).
func NewSet(members ...string) *Set {
	s, _ := (*Set)(nil).Add(members...)
	return s
}

// Len returns the number of members.
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	return s.n
}

// Bytes returns the sum of the member lengths.
func (s *Set) Bytes() int {
	if s == nil {
		return 0
	}
	return s.bytes
}

// Has reports whether m is a member.
func (s *Set) Has(m string) bool {
	switch {
	case s == nil:
		return false
	case s.root != nil:
		return hamtHas(s.root, hashString(m), m)
	default:
		_, found := slices.BinarySearch(s.small, m)
		return found
	}
}

// Add returns the set with the members added and the number of them that
// were new (SADD). When none was new, s itself is returned.
func (s *Set) Add(ms ...string) (*Set, int) {
	if len(ms) == 0 {
		return s, 0
	}
	r := &Set{}
	if s != nil {
		*r = *s
	}
	var batch uint64 // nodes of this batch are updated in place
	if len(ms) > 1 {
		batch = newBatch()
	}
	ownSmall := false // whether r.small is a private copy
	added := 0
	for _, m := range ms {
		if r.root == nil {
			i, found := slices.BinarySearch(r.small, m)
			if found {
				continue
			}
			if r.n < smallSetMax {
				if !ownSmall {
					r.small = append(make([]string, 0, min(smallSetMax, r.n+len(ms))), r.small...)
					ownSmall = true
				}
				r.small = slices.Insert(r.small, i, m)
				r.n++
				r.bytes += len(m)
				added++
				continue
			}
			if batch == 0 {
				batch = newBatch()
			}
			r.root = promote(r.small, batch)
			r.small = nil
		}
		var ok bool
		if r.root, ok = hamtInsert(r.root, 0, hashString(m), m, batch); ok {
			r.n++
			r.bytes += len(m)
			added++
		}
	}
	if added == 0 {
		return s, 0
	}
	return r, added
}

// promote builds the trie of a full small set.
func promote(small []string, batch uint64) *hnode {
	root := &hnode{batch: batch}
	for _, m := range small {
		root, _ = hamtInsert(root, 0, hashString(m), m, batch)
	}
	return root
}

// Remove returns the set without the given members and the number of them
// that were members (SREM). When none was, s itself is returned; when the
// set becomes empty, nil is returned.
func (s *Set) Remove(ms ...string) (*Set, int) {
	if s.Len() == 0 || len(ms) == 0 {
		return s, 0
	}
	r := *s
	var batch uint64
	if len(ms) > 1 {
		batch = newBatch()
	}
	ownSmall := false
	removed := 0
	for _, m := range ms {
		if r.root == nil {
			i, found := slices.BinarySearch(r.small, m)
			if !found {
				continue
			}
			if !ownSmall {
				r.small = slices.Clone(r.small)
				ownSmall = true
			}
			r.small = slices.Delete(r.small, i, i+1)
		} else {
			var ok bool
			if r.root, ok = hamtRemove(r.root, 0, hashString(m), m, batch); !ok {
				continue
			}
			if r.root.size <= smallSetMax {
				r.small = demote(r.root)
				r.root = nil
				ownSmall = true
			}
		}
		r.n--
		r.bytes -= len(m)
		removed++
	}
	switch {
	case removed == 0:
		return s, 0
	case r.n == 0:
		return nil, removed
	}
	return &r, removed
}

// demote returns the sorted members of a small trie.
func demote(root *hnode) []string {
	out := make([]string, 0, root.size)
	hamtEach(root, func(m string) bool {
		out = append(out, m)
		return true
	})
	sort.Strings(out)
	return out
}

// All calls fn on every member, in an unspecified order, until fn returns
// false.
func (s *Set) All(fn func(string) bool) {
	switch {
	case s == nil:
	case s.root != nil:
		hamtEach(s.root, fn)
	default:
		for _, m := range s.small {
			if !fn(m) {
				return
			}
		}
	}
}

// Random returns a uniformly chosen member using r (SRANDMEMBER, SPOP), or
// "" for the empty set. It takes O(log n) time.
func (s *Set) Random(r *rand.Rand) string {
	switch {
	case s.Len() == 0:
		return ""
	case s.root != nil:
		return hamtNth(s.root, r.IntN(s.n))
	default:
		return s.small[r.IntN(s.n)]
	}
}
