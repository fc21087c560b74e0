package txn

import (
	"errors"
	"fmt"
)

// Commit errors. Both are retryable: running the same transaction again from the start may
// succeed. errors.Is(err, ErrRetryable) holds for both.
var (
	// ErrRetryable matches every error that a retry of the whole transaction may cure.
	ErrRetryable = errors.New("txn: retryable")
	// ErrConflict: a key this transaction wrote was committed by another transaction after
	// this one's snapshot (first committer wins).
	ErrConflict = &retryError{"txn: write-write conflict"}
	// ErrSerialization: under serializable isolation, data this transaction read was
	// changed by a transaction that committed after this one's snapshot, so committing
	// would not be serializable.
	ErrSerialization = &retryError{"txn: serialization failure"}
)

// Transaction state errors.
var (
	// ErrDone: the transaction already committed or rolled back.
	ErrDone = errors.New("txn: transaction already finished")
)

// Recovery errors.
var (
	// ErrCorruptRecord is returned, wrapped with the detail, by DecodeRecord and Apply for
	// a commit record that cannot be decoded.
	ErrCorruptRecord = errors.New("txn: corrupt commit record")
)

// retryError is the type of the retryable commit errors. Its values are immutable and
// safe to share.
type retryError struct{ msg string }

// Error returns the message.
func (e *retryError) Error() string { return e.msg }

// Is makes every retryError match ErrRetryable.
func (e *retryError) Is(target error) bool { return target == ErrRetryable }

// SavepointError reports savepoint misuse. Its message is the user-facing text of SPEC §5.3.
// It is a plain value, safe to share once returned.
type SavepointError struct {
	Name   string
	Exists bool // true: duplicate name; false: unknown name
}

// Error returns the user-facing text.
func (e *SavepointError) Error() string {
	if e.Exists {
		return fmt.Sprintf("Savepoint '%s' already exists", e.Name)
	}
	return fmt.Sprintf("Savepoint '%s' not found", e.Name)
}
