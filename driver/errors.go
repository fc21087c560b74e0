package driver

import "errors"

// Errors of the driver itself; errors from the database are the command errors of
// package command (match them with errors.Is against command.ErrSQL, command.ErrAborted...).
var (
	// ErrDSN: the data source name is malformed (unknown option, bad value).
	ErrDSN = errors.New("memflux/driver: invalid DSN")
	// ErrConfigMismatch: a directory is already open in this process with another
	// configuration.
	ErrConfigMismatch = errors.New("memflux/driver: database already open with a different configuration")
	// ErrReadOnly: read-only transactions are not supported.
	ErrReadOnly = errors.New("memflux/driver: read-only transactions are not supported")
	// ErrIsolation: the requested isolation level is not the database's.
	ErrIsolation = errors.New("memflux/driver: unsupported isolation level")
	// ErrParams: the number of arguments does not match the command's placeholders, or
	// an argument cannot be converted.
	ErrParams = errors.New("memflux/driver: bad statement arguments")
	// ErrNoInsertID: MemFlux has no auto-increment row ids.
	ErrNoInsertID = errors.New("memflux/driver: LastInsertId is not supported")
	// ErrSyntax: a command string has unbalanced quotes or a trailing backslash.
	ErrSyntax = errors.New("memflux/driver: invalid command string")
	// ErrEmpty: the query holds no command.
	ErrEmpty = errors.New("memflux/driver: empty command string")
)
