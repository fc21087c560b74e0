// Package value defines what a MemFlux key holds (SPEC.md §2.1): a Value is
// Bytes, a JSON document (its canonical compact text, produced by package
// jsondoc), a List (a deque of byte strings) or a Set (unique byte strings).
// The zero Value is "no value", the tombstone of a deleted key.
//
// # Data model
//
// Values live inside MVCC versions. A write never changes a Value: it builds
// a new one, while transactions reading older versions may keep using the
// old one. Lists and sets are therefore persistent (immutable,
// structure-sharing) data structures: List.PushFront, Set.Add and the other
// "modifying" methods return a new *List or *Set that shares almost all of
// its memory with the receiver, which stays valid and unchanged. A key never
// holds an empty list or set; methods that empty one return nil, and
// FromList/FromSet turn nil into the zero Value.
//
// All types are safe for concurrent use by any number of goroutines without
// locking, including several goroutines deriving new versions from the same
// version at once (two transactions that both LPUSH onto the same committed
// list, of which at most one will commit).
//
// # Lists
//
// A list is a head chunk, a balanced tree of chunks, and a tail chunk. A
// chunk is an array of up to 32 string headers; a list version holds a view
// [lo, hi) of each of its chunks, so many versions share one chunk.
//
// Pushing onto the newest version costs no copying: each chunk records the
// extent of slots some version has written, and a version whose head view
// starts exactly at that boundary claims the free slot before it with a
// compare-and-swap and writes it. Versions that do not own the boundary (an
// older version, or a sibling that lost the race) copy the head into a fresh
// chunk instead, so no slot any version can see is ever written twice. When
// the head chunk is full it moves into the tree, whose nodes have up to 16
// children and carry element counts; the tree is path-copied, which costs
// O(16·log₁₆ n) once per 32 pushes. Popping narrows the head view; when it
// is empty the first leaf of the tree becomes the new head. The tail works
// the same way. Small lists start with 4-slot chunks that double up to 32,
// so a three-element list does not pay for 32 slots.
//
// Alternatives considered: a two-stack banker's deque of chunks gives the
// same O(1) ends but O(n) indexing; a finger tree gives O(1) ends and
// O(log n) indexing and splitting, but costs more allocations per element
// and much more code; a rope path-copied on every push would copy a 32-slot
// leaf (512 bytes) per LPUSH. The head/tree/tail layout keeps the common
// case (push and pop at the ends of the newest version) allocation-light,
// and indexing logarithmic.
//
// # Sets
//
// Sets of up to 8 members are a sorted slice. Larger sets are a hash array
// mapped trie in the CHAMP layout: 32-way nodes, indexed by 5-bit slices of
// a 64-bit hash/maphash hash with a process-wide seed, with two bitmaps
// saying which slots hold a member and which a subtree, members and
// subtrees in two compressed arrays, and nodes that share all 64 hash bits
// in a collision list. Every node stores its member count, which makes
// Random a uniform O(log n) descent. Removal collapses one-member subtrees,
// so the trie's shape depends only on its members. Single-member updates
// copy the path (copying only the array that changes); multi-member Add and
// Remove calls stamp the nodes they create with a batch number and update
// those in place, so NewSet and Decode of n members cost O(n), not
// O(n·log n) copies.
//
// # Complexity
//
// n is the number of elements; "amortized" assumes the operation is applied
// to the newest version, as MVCC does. Applied to an older version, a push
// copies one chunk (at most 32 string headers) in addition.
//
//	List.PushFront, PushBack       O(1) amortized per value
//	List.PopFront, PopBack (k)     O(k) amortized
//	List.Index                     O(log n)
//	List.SetIndex                  O(log n), copies one chunk
//	List.Range (k elements)        O(log n + k)
//	List.Trim                      O(log n + removed)
//	List.Remove                    O(n)
//	List.Len, Bytes; Set.Len, Bytes; Value.Size    O(1)
//	Set.Has                        O(log₃₂ n)
//	Set.Add, Remove (one member)   O(log₃₂ n), copies one path
//	Set.Random                     O(log₃₂ n)
//	NewList, NewSet, Decode        O(n)
//
// # Memory per element
//
// Measured on 100,000 short elements built one push or add at a time
// (TestSizeMatchesHeap), beyond the element bytes themselves:
//
//	List: ~20 bytes (a 16-byte string header, chunk and tree share), ~27
//	      with string allocation rounding
//	Set:  ~51 bytes (string header, the trie's nodes, rounding); a plain
//	      Go map[string]struct{} takes ~19 but cannot be shared by versions
//
// Value.Size reports 96 + 24·Len + Bytes for a list and 96 + 56·Len + Bytes
// for a set; see its documentation. A list version may keep popped elements
// alive, but only in its head and tail chunks (at most 31 each). A slot
// claimed by a version that is then discarded (an aborted transaction's
// push) stays alive only as long as the versions older than it.
//
// # Encoding
//
// AppendEncoded and Decode are the format used by the WAL and snapshots: a
// kind byte, then uvarint-length-prefixed bytes, or a uvarint count of
// length-prefixed elements. Lengths must be minimal uvarints and no larger
// than the remaining input, so decoding allocates in proportion to its input
// and the encoding of a Bytes, JSON or List value is canonical. Malformed
// input returns an error wrapping ErrCorrupt, never a panic.
package value
