package catalog

import "errors"

// ErrCorrupt is matched by the error returned when a catalog key holds text
// that is not a valid schema or view definition (for example after a SET of
// garbage to an _internal:schemas: key).
var ErrCorrupt = errors.New("catalog: invalid catalog entry")
