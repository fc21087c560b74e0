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

// retryError is the type of the retryable commit errors.
type retryError struct{ msg string }

func (e *retryError) Error() string { return e.msg }

// Is makes every retryError match ErrRetryable.
func (e *retryError) Is(target error) bool { return target == ErrRetryable }

// SavepointError reports savepoint misuse. Its message is the user-facing text of SPEC §5.3.
type SavepointError struct {
	Name   string
	Exists bool // true: duplicate name; false: unknown name
}

func (e *SavepointError) Error() string {
	if e.Exists {
		return fmt.Sprintf("Savepoint '%s' already exists", e.Name)
	}
	return fmt.Sprintf("Savepoint '%s' not found", e.Name)
}
