package sem

import (
	"errors"
	"fmt"
)

// Error kinds of the SQL engine. Every error the engine returns is an *Error
// whose Is method matches exactly one of these.
var (
	// ErrSyntax: the statement does not parse (lexer or grammar).
	ErrSyntax = errors.New("sql: syntax error")
	// ErrUnsupported: recognisable SQL the engine does not implement.
	ErrUnsupported = errors.New("sql: unsupported")
	// ErrPlan: planner validation failed (unknown column or function,
	// ambiguous column, GROUP BY rule, set-operation arity, CTE names).
	ErrPlan = errors.New("sql: invalid statement")
	// ErrDivisionByZero: a division or modulo by zero.
	ErrDivisionByZero = errors.New("sql: division by zero")
	// ErrCast: a value cannot be cast to the requested type (§4.13).
	ErrCast = errors.New("sql: invalid cast")
	// ErrConstraint: a constraint was violated (NOT NULL, CHECK, UNIQUE,
	// FOREIGN KEY, duplicate key).
	ErrConstraint = errors.New("sql: constraint violation")
	// ErrExec: any other run-time failure (subquery shape, LIKE pattern
	// type, function argument errors, aggregates out of context).
	ErrExec = errors.New("sql: execution error")
	// ErrLimit: a resource bound was exceeded (result size, recursion).
	ErrLimit = errors.New("sql: limit exceeded")
	// ErrInternal: a bug in the engine (a recovered panic).
	ErrInternal = errors.New("sql: internal error")
)

// Error is an SQL error: the exact message of SPEC.md (without the
// "Execution Error: " prefix) and its kind. Pos is the byte offset in the
// statement text when known, else -1. Err is an underlying cause, if any.
//
// Error values are immutable; they are safe for concurrent use.
type Error struct {
	Kind error
	Msg  string
	Pos  int
	Err  error
}

// Error returns the message.
func (e *Error) Error() string { return e.Msg }

// Is matches the kind.
func (e *Error) Is(target error) bool { return target == e.Kind }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error of the given kind with a formatted message.
func Errorf(kind error, format string, args ...any) *Error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...), Pos: -1}
}

// NewError returns an *Error of the given kind.
func NewError(kind error, msg string) *Error {
	return &Error{Kind: kind, Msg: msg, Pos: -1}
}

// errDivZero is the shared division-by-zero error.
var errDivZero = NewError(ErrDivisionByZero, "Division by zero")

// ErrLikePattern is returned for a non-string LIKE pattern.
var errLikePattern = NewError(ErrExec, "LIKE pattern must be a string")
