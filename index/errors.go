package index

import (
	"errors"
	"fmt"
	"strings"
)

// Definition errors (Create, CreateOnline, Drop).
var (
	// ErrExists: an index with that name exists (SPEC §6: `Index 'name' already exists`).
	ErrExists = errors.New("index: name already exists")
	// ErrPathExists: an index on the same prefix and path exists (SPEC §6: `Index on this
	// prefix and path already exists`).
	ErrPathExists = errors.New("index: prefix and path already indexed")
	// ErrPrefix: the key prefix does not end with '*' (SPEC §6: `Key prefix must end with
	// '*'`).
	ErrPrefix = errors.New("index: key prefix must end with '*'")
	// ErrNotFound: no index has that name (visible to the transaction).
	ErrNotFound = errors.New("index: not found")
	// ErrInvalid: a definition is malformed (no columns, a column with neither path nor
	// expression, an expression the compiler refuses…).
	ErrInvalid = errors.New("index: invalid definition")
	// ErrNoCompiler: a definition has expression columns but no ExprCompiler is installed.
	ErrNoCompiler = errors.New("index: no expression compiler installed")
	// ErrCorrupt: a stored definition or entry cannot be decoded.
	ErrCorrupt = errors.New("index: corrupt metadata")
	// ErrClosed: the Manager was closed.
	ErrClosed = errors.New("index: closed")
)

// errStop is returned by a background batch function to end its loop without error (the
// index it works on went away or changed state); the loop does not report it.
var errStop = errors.New("index: stop")

// Write errors.
var (
	// ErrUnique matches every *UniqueError.
	ErrUnique = errors.New("index: unique violation")
)

// UniqueError reports a write (or an index build) that would give two rows the same
// non-NULL value in a unique index. Commit returns it when the violation is against data
// committed by another transaction, which is how exactly one of two racing inserts of a
// value commits. Its message is the SQL text of SPEC §4.15 (the SQL layer adds
// `Execution Error: `); errors.Is(err, ErrUnique) holds. It is a plain value, safe to share
// once returned.
type UniqueError struct {
	Index   string   // index name
	Columns []string // the indexed paths or expressions
	Value   string   // the duplicated value(s), compact JSON, comma-separated
	Key     string   // the row being written
	Other   string   // the row already holding the value
	// Build is set when the violation was found while building the index over existing
	// rows: the index was not created.
	Build bool
}

func (e *UniqueError) Error() string {
	col := strings.Join(e.Columns, ", ")
	if e.Build {
		return fmt.Sprintf("Failed to create unique index: duplicate value %s in column '%s'", e.Value, col)
	}
	return fmt.Sprintf("UNIQUE constraint '%s' failed for column '%s'", e.Index, col)
}

// Is makes every UniqueError match ErrUnique.
func (e *UniqueError) Is(target error) bool { return target == ErrUnique }
