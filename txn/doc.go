// Package txn runs MVCC transactions over an mvcc.Store.
//
// # Basics
//
// A transaction reads from a snapshot and buffers its writes privately (read-your-own-
// writes, savepoints as marks in an undo log). Commit takes the single commit lock,
// validates, assigns the next commit timestamp, appends one record to the log, installs
// every write as the new head of its key's chain, publishes the timestamp as the store's
// clock and releases the lock. Readers never lock: a snapshot at the clock sees each commit
// entirely or not at all.
//
// Every command outside BEGIN is its own transaction. Single-key commands use ModeLatest,
// which needs no snapshot registration; everything else uses ModeSnapshot.
//
// # Isolation
//
//   - Snapshot: first committer wins. A transaction that writes a key some other
//     transaction committed after its snapshot fails with ErrConflict.
//   - Serializable (default): additionally, every key and key range a writing transaction
//     read must be unchanged at commit (backward validation), else ErrSerialization. The
//     committed writers are then equivalent to a serial execution in commit order and a
//     read-only transaction to running at its snapshot: write skew and phantoms are
//     prevented, and read-only transactions never abort.
//
// Both errors match ErrRetryable; nothing of the failed transaction remains.
//
// # Derived writes
//
// A Deriver (package index) adds writes computed from each commit's writes and the
// committed state they replace, under the commit lock, installed at the same timestamp; it
// may abort the commit. Replay recomputes them, so the log holds only the commit's own
// writes. CommitWith commits writes produced under the commit lock (index backfill).
// Observers (AddObserver) see every installed write in commit order.
//
// # Durability
//
// The commit record is appended to the Log while the commit lock is held (so the log is in
// timestamp order) and Commit waits for durability after releasing it, so concurrent
// committers share one sync (group commit). Writes become visible when installed, which
// may precede their sync at the "full" level, as in Redis with appendfsync always.
//
// # Caveats
//
// Reset (FLUSHDB) is not versioned: open transactions read the emptied store from then on,
// as the contract demands.
package txn
