package wal

import (
	"errors"
	"fmt"
)

// Errors returned by Open and Replay.
var (
	// ErrCorrupt marks a log that cannot be recovered without losing an
	// acknowledged record: a bad record followed by a valid one, a bad file
	// header, or timestamps out of order. Errors carrying it are
	// *CorruptionError values naming the file and the byte offset.
	ErrCorrupt = errors.New("wal: corrupt log")
)

// Errors returned by Append, Wait and Sync.
var (
	// ErrOutOfOrder is returned by Append when ts is not above the timestamp
	// of every record already in the log.
	ErrOutOfOrder = errors.New("wal: timestamp not increasing")
	// ErrTooLarge is returned by Append when the payload exceeds MaxPayload.
	ErrTooLarge = errors.New("wal: record too large")
	// ErrClosed is returned by every method called after Close.
	ErrClosed = errors.New("wal: log closed")
)

// Errors returned by FinishCompaction.
var (
	// ErrNotSwitched is returned by FinishCompaction when appends are not
	// going to the overflow file, i.e. SwitchToOverflow was not called.
	ErrNotSwitched = errors.New("wal: compaction not started")
	// ErrNotCovered is returned by FinishCompaction when the primary file
	// holds a record above the covered timestamp: truncating it would lose
	// that record. It means the timestamp was not read under the commit lock
	// together with SwitchToOverflow.
	ErrNotCovered = errors.New("wal: snapshot does not cover the primary file")
)

// Errors returned by ParseDurability and Options.Validate.
var (
	// ErrUnknownDurability is returned for a durability name other than
	// "none", "fsync" and "full".
	ErrUnknownDurability = errors.New("wal: unknown durability level")
	// ErrInvalidOptions is returned by Open and Options.Validate for an
	// unusable configuration.
	ErrInvalidOptions = errors.New("wal: invalid options")
)

// CorruptionError describes a record (or file header) that failed
// validation at a place where dropping it would lose later records. It is
// a plain value, safe to share once returned.
// errors.Is(err, ErrCorrupt) holds for every *CorruptionError.
type CorruptionError struct {
	Path   string // the file as configured in Options
	Offset int64  // byte offset of the bad record in the file
	Reason string // e.g. "checksum mismatch"
}

// Error formats the error as
// "wal: memflux.wal: corrupt record at offset 1234: checksum mismatch".
func (e *CorruptionError) Error() string {
	return fmt.Sprintf("wal: %s: corrupt record at offset %d: %s", e.Path, e.Offset, e.Reason)
}

// Unwrap returns ErrCorrupt.
func (e *CorruptionError) Unwrap() error { return ErrCorrupt }
