package sqlbench

import "errors"

// ErrMismatch is matched by the error Compare returns when MemFlux and SQLite answer a case
// differently.
var ErrMismatch = errors.New("sqlbench: engines disagree")
