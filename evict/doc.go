// Package evict keeps a database within its memory limit (SPEC §8: maxmemory_mb,
// eviction_policy): it decides which keys to evict and evicts them through ordinary
// transactions.
//
// # Basics
//
// The memory estimate itself (MEMUSAGE) is kept by package mvcc, incrementally on every
// install, prune, vacuum and reset, from three figures: mvcc.KeyOverhead per key (the
// chain, the tree leaf and the key's share of the tree's inner nodes) plus the key's
// length, mvcc.VersionOverhead per version, and value.Value.Size per value. An Evictor
// adds the bytes of its own per-key state to the same estimate, so the limit covers it
// too.
//
// An Evictor is a txn.Observer: every installed write of a Data key reaches it under the
// commit lock, which keeps its registry of evictable keys (a dense slab indexed by chain
// pointer) exact without any lock of its own. Reads reach it through a hook on the Store
// (mvcc.Store.SetAccess) that only updates the chain's Access word with atomics: no lock,
// no allocation, and nothing at all when the word already holds the new value. Policies
// interpret the word lazily when they look for a victim.
//
// Admit runs before a write command: when the estimate plus the write's payload and one
// key's overhead would pass the limit, it evicts victims in transactions of up to 64
// deletes until the write fits (aiming limit/512 lower, so that the next writes find
// room), then reclaims the evicted chains at once unless an open transaction still needs
// them. A write that is larger than the whole limit fails with ErrItemTooLarge; when no
// evictable key is left, or the policy is NoEviction, with ErrNoMemory. Trim (at startup,
// and in the background via Run after writes that were not admitted one by one, such as
// SQL statements and explicit commits) evicts down to the limit.
//
// # Invariants
//
//   - Evictions are deletes committed through the transaction manager: logged to the WAL,
//     index entries removed by the Deriver, visible to every later transaction. Open
//     transactions keep seeing the evicted values, because MVCC keeps every version a
//     registered snapshot can see; the memory they pin stays in the estimate.
//   - Keys of the Index and Meta spaces and Data keys under "_internal:" (the SQL catalog)
//     are never tracked, so never evicted directly; index entries go with their row.
//   - The registry holds exactly the live evictable keys (TestRegistryModel checks it
//     against the store after every random operation, and the estimate against a recount).
//
// # Policies and their costs
//
// Each policy is O(1) per access and amortized O(1) per eviction. State per key (heap
// bytes, measured at 1M keys; the key's bytes come on top since the registry keeps a copy
// to delete it by):
//
//	policy   per-key state              read hook (alone)                eviction
//	lru      ~70 B (slot + index map)   store the clock if changed, 3 ns best of 5 samples + pool of 16
//	lfu      ~70 B                      log counter and decay, 12 ns     best of 5 samples + pool of 16
//	lfru     ~85 B (+ list links)       saturating counter (max 3), 3 ns 4-key LFU window, clock hands
//	arc      ~85 B + ghosts ≤ 48 B/key  set the reference bit, 3 ns      CAR clock hands
//	random   ~70 B                      none                             one random slot
//
// The estimate charges entryCost (64) per slot, plus linkCost (16) for list policies and
// ghostCost (48) per ARC ghost. On the whole read path (BenchmarkReadPath, a ModeLatest
// transaction and Get), no policy's overhead over no eviction stands out of the noise of a
// shared machine: about 100 ns per read with 1k keys, 1.7 µs with 100k, in CPU time.
//
// LRU's clock advances once per tracked write, the moment evictions happen: reads between
// two writes share a stamp. LFU keeps Redis's 8-bit logarithmic counter (factor 10,
// initial 5) under a 16-bit decay time; the counter loses one per 2^14 writes without an
// access. ARC is CAR (Bansal & Modha, FAST 2004): T1 and T2 clocks with B1 and B2 ghost
// histories of key hashes bounded by the number of resident keys, the target p adapting
// on ghost hits. LFRU (Bilal & Kang 2014) keeps new keys unprivileged (evicted least
// accessed first among the 4 oldest), promotes a key read twice to the privileged
// partition (at most 80% of keys, LRU by second chance) and demotes from there back to
// the unprivileged head.
//
// # Figures
//
// Accounting (TestAccountingCalibration -long: 1M keys "user:<i>", estimate / heap growth
// after GC): 16-byte strings 0.99, 100-byte strings 0.95, JSON documents of ~60 bytes
// 0.95, lists of 8 elements 1.08, sets of 32 members 1.14; with an LRU evictor attached
// 0.97, 0.95, 0.95, 1.07, 1.13; with ARC 0.98, 0.96, 0.95, 1.07, 1.13. Sets of at most 8 members (a sorted slice, not the trie
// value.Size assumes) are over-estimated 1.75x.
//
// Hit rates (BenchmarkHitRates: cache of 5000 keys, 500k requests per trace):
//
//	trace        lru    lfu    lfru   arc    random  exact LRU  Belady
//	zipf-0.9     58.9%  61.5%  63.4%  65.2%  54.8%   59.0%      75.7%
//	loop-1.1x    40.5%  82.8%   0.0%   0.0%  81.5%    0.0%      90.0%
//	zipf+scans   42.4%  45.8%  48.6%  52.5%  40.0%   42.5%      60.6%
//
// Sampled LRU is within 0.1 point of exact LRU on the Zipf traces and, thanks to its
// randomness, far better on the loop, where exact LRU, ARC and LFRU miss every request.
//
// # Caveats
//
// A long-running transaction pins every version it can see and the tombstone of every key
// deleted after it began (about 200 bytes each): evicting then frees less, and with enough
// writes Admit reports ErrNoMemory until the transaction ends. Scans (KEYS, SQL table
// scans) do not count as accesses.
package evict
