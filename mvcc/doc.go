// Package mvcc keeps the versions of every key and decides which one a reader sees.
//
// # Basics
//
// A Store holds one ordered tree (package art) per Space: user data, index entries and
// internal metadata live in separate trees so that KEYS and table scans never see index
// entries. Each key maps to a Chain: a singly linked list of immutable Versions, newest
// first, each stamped with the commit timestamp of the transaction that wrote it. A
// deletion is a tombstone: a Version whose value does not exist.
//
// A reader with snapshot timestamp ts sees, for each key, the newest version whose
// timestamp is <= ts (absent if that version is a tombstone or there is none). The Store's
// clock is the timestamp of the last commit whose versions are all installed; a snapshot
// taken at the clock therefore sees every commit completely or not at all.
//
// # Invariants
//
//   - Single writer: every mutation of trees and chains (Install, VacuumBatch, Reset) runs
//     under the caller's commit lock (txn.Manager.commitMu). Readers take no lock at all.
//   - Versions are immutable once published except for their next pointer, which only
//     ever skips versions (never reorders or inserts behind the head).
//   - At most one version of a chain is newer than the clock: the one being installed by the
//     commit in progress. Readers that want the latest committed value use Latest, which
//     copes with that and with concurrent pruning without registering a snapshot.
//   - A version may be unlinked only when no registered snapshot and no latest reader can
//     need it: version Q (with next-newer version N) is needed iff Q is the newest committed
//     version, or some registered snapshot s has Q.ts <= s < N.ts.
//
// # Pruning
//
// Install prunes on the write path: after publishing the new head it unlinks the unneeded
// versions directly below the previous head (at most a few per write), so a hot key keeps
// a chain of two or three versions however often it is overwritten, and a long-running
// reader pins only the one version it can see. VacuumBatch does the same for every chain
// of a batch of keys and also
// removes keys whose only remaining version is a tombstone nobody can see past and no
// registered snapshot predates (an older transaction validates against the tombstone's
// timestamp at commit).
//
// The number of versions and keys removed (by pruning and vacuum alike) accumulates in the
// Store until TakeRemoved reads and resets it: that is what the VACUUM command reports.
//
// # Accounting and access tracking
//
// The Store keeps the live-key count (DBSIZE) and an estimate of the heap bytes of keys,
// versions and values (MEMUSAGE) incrementally; AddMem lets package evict add the cost of
// its own per-key state. SetAccess installs a lock-free hook that point reads of Data keys
// call with the key's chain (package evict's recency and frequency tracking in
// Chain.Access).
package mvcc
