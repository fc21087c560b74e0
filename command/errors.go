package command

import (
	"errors"
	"fmt"
)

// Error kinds. A command error's message is the exact user-facing text (SPEC.md); its kind
// lets Go callers branch with errors.Is. Front doors render the message once: RESP adds the
// `ERR ` prefix, the FFI passes it as is.
var (
	// ErrWrongType: the key holds a value of another type (`WRONGTYPE …`).
	ErrWrongType = errors.New("command: wrong type")
	// ErrArity: wrong number of arguments.
	ErrArity = errors.New("command: wrong number of arguments")
	// ErrInvalid: an argument is malformed (not an integer, bad option, bad JSON…).
	ErrInvalid = errors.New("command: invalid argument")
	// ErrUnknown: no such command.
	ErrUnknown = errors.New("command: unknown command")
	// ErrTxnState: the command is not allowed in the session's transaction state.
	ErrTxnState = errors.New("command: transaction state")
	// ErrAborted: the transaction was aborted by a conflict; retrying it may succeed.
	ErrAborted = errors.New("command: transaction aborted")
	// ErrOOM: the write does not fit in maxmemory.
	ErrOOM = errors.New("command: out of memory")
	// ErrAuth: authentication required or failed.
	ErrAuth = errors.New("command: authentication")
	// ErrUnsupported: the command cannot run in this configuration.
	ErrUnsupported = errors.New("command: unsupported")
	// ErrSQL: an SQL statement failed (`Execution Error: …`).
	ErrSQL = errors.New("command: sql error")
)

// Error is a command failure: an exact message and a kind. It is a plain value, safe to
// share once returned.
type Error struct {
	Kind error  // one of the Err* kinds above
	Msg  string // the message shown to clients
	Err  error  // the underlying cause, if any
}

// Error returns the message shown to clients.
func (e *Error) Error() string { return e.Msg }

// Is matches the error's kind.
func (e *Error) Is(target error) bool { return target == e.Kind }

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// newError returns an error of the given kind and message.
func newError(kind error, msg string) *Error { return &Error{Kind: kind, Msg: msg} }

// errorf returns an error of the given kind with a formatted message.
func errorf(kind error, format string, args ...any) *Error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// Frequently used errors (SPEC §2.2, §2.3, §5).
var (
	errWrongTypeList    = newError(ErrWrongType, "WRONGTYPE Operation against a list")
	errWrongTypeSet     = newError(ErrWrongType, "WRONGTYPE Operation against a set")
	errWrongTypeNotList = newError(ErrWrongType, "WRONGTYPE Operation against a non-list value")
	errWrongTypeNotSet  = newError(ErrWrongType, "WRONGTYPE Operation against a non-set value")
	errWrongTypeNotJSON = newError(ErrWrongType, "WRONGTYPE Operation against a non-JSON value")
	// errWrongTypeRedis is Redis's generic text, used by the Redis-compatibility commands.
	errWrongTypeRedis = newError(ErrWrongType, "WRONGTYPE Operation against a key holding the wrong kind of value")

	errNoTxn       = newError(ErrTxnState, "No transaction in progress")
	errTxnInFlight = newError(ErrTxnState, "Transaction already in progress")
	errAborted     = newError(ErrAborted, "ABORT: Serialization failure, please retry transaction")

	// errTxnControl is returned by ExecIn, and by SQL in a managed transaction, for
	// transaction-control commands and statements.
	errTxnControl = newError(ErrTxnState, "transaction control commands cannot run inside a managed transaction")

	errNotInteger = newError(ErrInvalid, "value is not an integer or out of range")
	errSyntax     = newError(ErrInvalid, "syntax error")

	errNoAuth = newError(ErrAuth, "NOAUTH Authentication required.")

	errIdxCreateArity = arity("IDX.CREATE requires an index name, a key prefix, and a JSON path")
	errIdxDropArity   = arity("IDX.DROP requires an index name")
	errCreateIndexUse = arity("Usage: CREATEINDEX <key-prefix> ON <json-path>")
)

// arity returns an arity error with the given exact message.
func arity(msg string) *Error { return newError(ErrArity, msg) }

// redisArity is Redis's arity message for commands that follow Redis.
func redisArity(name string) *Error {
	return errorf(ErrArity, "wrong number of arguments for '%s' command", lower(name))
}
