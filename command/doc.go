// Package command is the one table of commands every front door uses: the RESP server,
// the Go API (Session.Do), the database/sql driver and the C library all run commands
// through Session.Exec, and none implements a command itself (DESIGN.md "Rules").
//
// # Basics
//
// Each command is a Spec registered by an init function of the file of its family
// (strings.go, list.go, set.go, json.go, keys.go, transaction.go, index.go, sql.go,
// admin.go, connection.go); registering a name twice panics at start-up. A Spec's Run
// parses and validates the arguments of a Call, performs the operation on the call's
// transaction and returns a typed Reply, which each front door encodes once (RESP2/RESP3,
// FFIResponse, Go values).
//
// An Env holds what commands run against (the transaction manager, the Host with
// persistence, INFO and configuration, the memory gate, the SQL engine and the index
// manager); a Session is one connection's (or cursor's) state on it: the explicit
// transaction opened by BEGIN, the protocol version, the client name.
//
// # Transactions
//
// Outside BEGIN … COMMIT every command is its own transaction: single-key commands run in
// txn.ModeLatest, commands that read several keys or scan in txn.ModeSnapshot, and a
// commit that fails with a retryable conflict is re-run transparently (up to 64 times)
// before ABORT is reported. Inside an explicit transaction a command runs in it; a command
// that fails (or panics) is rolled back to a mark taken before it, so it leaves the
// transaction exactly as it was. Transaction-control commands and the index commands
// manage their own transactions.
//
// # Errors
//
// A command error is an *Error: its message is the exact text SPEC.md specifies and its
// kind (ErrWrongType, ErrArity, ErrInvalid, …) lets Go callers branch with errors.Is. The
// RESP front door adds the "ERR " prefix; the C library passes the text as is.
//
// # Concurrency
//
// An Env is safe for concurrent use by any number of sessions. A Session is not: a
// connection runs one command at a time. Host, Memory and Authenticator implementations
// are called from every session concurrently.
package command
