// Package art is MemFlux's ordered key index: an adaptive radix tree
// (Leis et al., "The Adaptive Radix Tree", ICDE 2013) mapping byte-string
// keys to pointers, with lookups and scans that never wait for writers.
//
// # Basics
//
// A Tree[T] maps keys to non-nil *T values. In MemFlux a value is a key's
// MVCC version chain (package mvcc); art knows nothing of it. Keys are
// arbitrary bytes: 0x00 bytes, the empty key and keys that are prefixes of
// other keys are all fine. A table is a key prefix, so a table scan is
// ScanPrefix. Scan and ScanPrefix ascend; ScanReverse (keys below an end
// key) and ScanPrefixReverse descend, walking the same nodes from the
// highest branch byte down.
//
// There is no Put: the value of an existing key is never replaced (the mvcc
// layer updates the pointed-to chain atomically, never the tree). The only
// writes are GetOrInsert (insert if absent) and CompareAndDelete (delete if
// the key still maps to a given value, so vacuum cannot delete a chain that
// a writer just recreated).
//
//	t := art.New[Chain]()
//	c, _ := t.GetOrInsert([]byte("users/42"), newChain)
//	t.ScanPrefix([]byte("users/"), func(key []byte, c *Chain) bool { ...; return true })
//
// # Node layout
//
// An inner node is a 128-byte header (two cache lines) plus a body:
//
//	line 0: kind, plen, num (atomic), keys: 32 branch bytes (4 atomic words),
//	        body pointers b4, b16, b32
//	line 1: b256, term (the leaf whose key is this node's path), pfx: up to
//	        48 bytes of compressed path
//
// The kinds are Node4, Node16, Node32 and Node256. Node32 stands in for the
// paper's Node48: 32 branch bytes are what fits in line 0 next to the body
// pointers, so a lookup in any small node reads header line 0 and then
// exactly one body line. (A Node48 needs either its keys or its 256-byte
// index in a third line.)
//
// Small kinds (Node4/16/32) have a body of "fat" slots, one 64-byte line
// each: an atomic child pointer plus an inline leaf (value pointer, key
// suffix up to 27 bytes inline, longer suffixes in a string). Their branch
// bytes are unsorted (position i of keys names body slot i) and searched
// eight at a time with SWAR arithmetic; scans sort them on the fly with a
// 256-bit bitmap. Node256 has a body of 256 "thin" slots indexed by byte
// (an atomic leaf pointer and an atomic node pointer, 16 bytes), with leaves
// as separate objects.
//
// Leaves keep the key suffix from a depth skip on; the bytes before skip are
// spelled by the path to the leaf, so a lookup compares only the suffix and a
// scan rebuilds full keys in one buffer while descending. Compressed paths
// are stored in full (pessimistic), so no byte is ever skipped unchecked and
// a key ending at an inner node (the term leaf) needs no comparison at all.
// Paths longer than 48 bytes become chains of single-child nodes.
//
// For 1M random 17-byte keys a lookup visits two Node256 levels (hot in
// cache), then one small node (header line 0 and one slot line, the two
// cache misses that matter) which holds the leaf inline. A Go map pays about
// two misses too (control word, key bytes).
//
// # Concurrency
//
// Tree is safe for concurrent use. Writers are serialized by a mutex (in
// MemFlux the commit lock already serializes them, so it is uncontended).
// Readers take no lock: every field a reader looks at is either immutable
// once the node is published or read and written with sync/atomic, so the
// race detector sees every reader/writer pair ordered.
//
// Writers change the tree in three ways, each atomic for readers:
//
//   - In-place appends to small nodes: fill slot num (plain writes: readers
//     never look at positions >= num), set its branch byte (atomic word
//     store), then publish both with num.Store(num+1).
//   - In-place pointer stores: a term leaf appearing or disappearing, a fat
//     slot's child pointer set when its inline leaf is split into an inner
//     node (the inline leaf stays, and readers check the pointer first), a
//     Node256 slot changing (when a leaf becomes an inner node, node is
//     stored before leaf is cleared; readers load leaf before node), and an
//     inner child being replaced by its new version.
//   - Copy-on-write: every other change (removing a child from a small node,
//     growing or shrinking a node, splitting a compressed path, collapsing a
//     node, turning an inner child back into a leaf) builds a new node and
//     publishes it with one atomic store in its parent's slot (or the root
//     pointer). The old node is retired: the writer never changes it again,
//     and readers still inside it see the state from before the change.
//
// # Invariants
//
//   - Every version of a node a reader can reach spells the same full path
//     and holds, under byte c, only keys continuing with c. So whatever
//     mixture of old and new nodes a scan walks through, it emits keys in
//     strictly ascending order, each at most once.
//   - Each change removes at most the key being deleted and adds at most the
//     key being inserted; all other keys stay reachable from both the old
//     and the new version. So a key present during a whole Get or scan is
//     found, and a key inserted or deleted meanwhile may or may not be.
//   - Positions in small nodes are append-only: a position's branch byte
//     and inline leaf never change once published, and positions are never
//     reused, so a reader holding a stale count or position still reads the
//     right child. A Node256 slot is per byte, so its in-place updates
//     cannot misplace a child either.
//   - A node copied with a new compressed path shares its body with the
//     retired original; later in-place changes to the body are valid for
//     both because both spell the same full path.
//   - Shape (checked by the tests' validator): the root has no compressed
//     path and is never replaced by a leaf; no other node is empty or holds
//     just one key; a Node256 has more than 24 children (it shrinks at 24,
//     hysteresis against rebuilding its 4 KiB body at the boundary) and a
//     Node16 or Node32 more than the next smaller kind holds; a leaf's skip
//     is at most the depth of its slot.
//
// # Caveats
//
// A retired node stays reachable until the last reader inside it returns;
// the garbage collector frees it. Stale readers can keep a few kilobytes
// alive for the length of a scan.
//
// Scans hold no lock and no snapshot: a scan concurrent with writers is not
// a point-in-time view (MVCC visibility provides that above this layer).
// The key passed to a scan callback is a reused buffer: it is valid only
// during the call and must not be modified.
//
// The reference implementation (the plar ART behind a sync.RWMutex), which
// the randomized tests check against the same sorted-map model as Tree and
// the benchmarks use as their baseline, is in internal/plartree.
package art
