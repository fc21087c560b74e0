package memflux

import (
	"errors"

	"github.com/memflux/memflux/command"
	"github.com/memflux/memflux/index"
)

// Errors of the database as a whole.
var (
	// ErrClosed is returned by operations on a closed DB.
	ErrClosed = errors.New("memflux: database closed")
	// ErrConfig marks configuration errors (Open, ParseConfig, Config.Validate); the
	// message names the offending key.
	ErrConfig = errors.New("memflux: invalid configuration")
)

// Errors of transactions and their commands. Command errors match the kinds of package
// command with errors.Is; these are the ones the Go API names itself.
var (
	// ErrConflict is returned by Update when its transaction kept conflicting with
	// concurrent ones; errors.Is(err, ErrConflict) also holds for a failed COMMIT.
	ErrConflict = command.ErrAborted
	// ErrIndexNotFound is returned by Tx.Lookup for an unknown index.
	ErrIndexNotFound = index.ErrNotFound

	// errReadOnly is returned by writes inside View.
	errReadOnly = errors.New("memflux: write in a read-only transaction")
	// errNoPersistence is returned by SAVE and BGSAVE on a database without persistence
	// (the command layer refuses them first, with the SPEC text).
	errNoPersistence = errors.New("memflux: persistence is disabled")
)
