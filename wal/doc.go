// Package wal is MemFlux's write-ahead log: an append-only, mmap-backed log
// of opaque records, one per committed transaction. It knows nothing about
// transactions or values: Append takes a commit timestamp and a payload,
// Replay gives them back.
//
// # Basics
//
// The transaction layer calls Append once per committed transaction while
// holding its commit lock, so timestamps arrive strictly increasing, and
// then, outside the lock, Wait with the returned Pos. Recovery is Open
// followed by Replay, which yields every record of both files in ascending
// timestamp order. All methods of Log are safe for concurrent use.
//
//	l, err := wal.Open(wal.Options{PrimaryPath: "memflux.wal", Durability: wal.Full})
//	err = l.Replay(func(ts uint64, payload []byte) error { ... }) // before appending
//	p, err := l.Append(commitTS, payload)                         // under the commit lock
//	err = l.Wait(p)                                               // outside it
//
// # Format
//
// A log file is empty (0 bytes) or an 8-byte header ("MFLXWAL" and a format
// version byte) followed by records, all little-endian:
//
//	u32 length | u32 CRC32C (Castagnoli) of ts+payload | u64 ts | payload
//
// length counts the checksummed bytes (8 + len(payload)), so it is never
// zero. Files grow in preallocated chunks (1 MiB doubling up to 64 MiB) and
// are zero past the logical end: a zero length word marks the end. Except
// under None, Append writes those zeros 128 KiB ahead of the records, so that
// an fdatasync rarely has file system metadata to commit (DESIGN.md). Close
// truncates each file to its logical size.
//
// There are two files, primary and overflow (SPEC §7: memflux.wal and
// memflux.wal.overflow). Appends go to the primary, except between
// SwitchToOverflow and FinishCompaction, i.e. while a snapshot is written.
// FinishCompaction then leaves the primary holding exactly the records the
// snapshot does not cover and the overflow empty, without blocking appends
// beyond a short final copy. A timestamp can briefly be in both files (a
// compaction copy); Replay yields it once.
//
// # Durability levels
//
// What a crash can lose, by level (a process crash, e.g. SIGKILL, keeps
// everything written to the mapping, since the page cache survives it; the
// table is about an OS crash or power failure):
//
//   - None: Wait returns at once; nothing is synced until Close (or a
//     compaction). A power failure can lose every record since the last Close.
//   - Fsync: Wait returns at once; a background goroutine fdatasyncs at least
//     every SyncInterval (default 1s) while there is unsynced data. A power
//     failure can lose the records of the last SyncInterval.
//   - Full: Wait returns after an fdatasync covering the record. Concurrent
//     waiters share one sync (group commit). Nothing acknowledged is lost.
//
// A failed sync is sticky: afterwards Append, Sync and Wait (for records not
// yet known durable) return that error, since the kernel may have dropped
// the dirty pages.
//
// # Recovery
//
// Open scans each file. At the first record that fails validation (length,
// bounds, checksum), the rest of the file is searched for a valid record.
// If there is none, the tail is torn: the file is truncated there and a
// warning names the file and offset. If there is one, the damage is in the
// middle of the log and Open fails with a *CorruptionError (errors.Is
// ErrCorrupt) naming the file and offset, e.g.
// "wal: memflux.wal: corrupt record at offset 1234: checksum mismatch".
// A record is never dropped silently from the middle.
//
// # Caveats
//
// After a power failure, pages written after the last sync can reach the
// disk in any order. If a later page survives while an earlier one does
// not, the surviving unsynced record looks like a valid record after a torn
// one, and Open reports corruption rather than guess; the records before
// the reported offset are intact. A process crash cannot produce this.
//
// See DESIGN.md for the invariants and the crash-safety argument of
// compaction.
package wal
