// Package snapshot writes and loads fork-free snapshots of an mvcc.Store.
//
// # Basics
//
// Write registers an ordinary read snapshot at timestamp ts (a ModeSnapshot transaction)
// and streams every version visible at ts, of every space, to a temporary file; then it
// fsyncs the file, renames it over the snapshot file and fsyncs the directory. Writers keep
// committing meanwhile: MVCC keeps the versions the snapshot reads, and nothing is locked
// after the snapshot is registered. WriteWith can pace the writing and run it at the
// lowest CPU priority, so that it does not slow commits that wait for the disk
// (WriteOptions). Load reads a snapshot back into an empty store.
//
// # Format
//
//	header:  "MFSNAP01" | u64 ts | u64 key count (filled in at the end) | u32 CRC32C of the 24 bytes before
//	blocks:  u32 payload length | u32 CRC32C(payload) | payload
//	payload: entries: u8 space | uvarint len(key) | key | value.AppendEncoded(val)
//	trailer: u32 0 | u32 CRC32C of the header count field | "MFSNAPEND"
//
// All integers are little-endian. Every block is checksummed, so a flipped byte anywhere
// is reported as ErrCorrupt with the file name and byte offset; a snapshot is never
// partially loaded.
//
// # Invariants
//
//   - The snapshot file is replaced atomically: readers see the old or the new one whole.
//   - Entries come space by space, each space's keys strictly ascending (a tree scan), and
//     the header's key count equals the number of entries; Load checks both.
//   - Load verifies every checksum before installing anything, and a failure while
//     installing (an entry the checksums cannot catch, i.e. a writer bug) empties the
//     store again: a snapshot is loaded whole or not at all.
//
// See DESIGN.md for the write and load paths and how WAL compaction uses snapshots.
package snapshot
