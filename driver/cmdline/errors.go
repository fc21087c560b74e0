package cmdline

import "errors"

// ErrSyntax is returned for unbalanced single or double quotes and for a trailing
// backslash. memflux_exec reports it as "Invalid command string".
var ErrSyntax = errors.New("cmdline: unbalanced quotes or trailing backslash")
