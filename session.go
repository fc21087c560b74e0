package memflux

import (
	"github.com/memflux/memflux/command"
)

// Reply is the typed result of a command; see package command for its kinds. It is a plain
// value.
type Reply = command.Reply

// Session runs commands the way a client connection does: it holds at most one open
// transaction (BEGIN … COMMIT), and every command outside one is its own transaction.
// A Session is not safe for concurrent use; open one per goroutine.
type Session struct {
	db *DB
	s  *command.Session
}

// NewSession opens a session. Close it to roll back its open transaction.
func (db *DB) NewSession() *Session {
	return &Session{db: db, s: db.env.NewSession()}
}

// Exec runs one command given as its argument vector: args[0] is the command name (any
// case), the other arguments are binary-safe. Errors carry the exact message clients see
// and match the kinds of package command with errors.Is.
func (s *Session) Exec(args ...[]byte) (Reply, error) {
	if s.db.closed.Load() {
		return Reply{}, ErrClosed
	}
	return s.s.Exec(args)
}

// Do is Exec with string arguments.
func (s *Session) Do(args ...string) (Reply, error) {
	return s.Exec(byteArgs(args)...)
}

// byteArgs converts string arguments to the argument vector commands take.
func byteArgs(args []string) [][]byte {
	b := make([][]byte, len(args))
	for i, a := range args {
		b[i] = []byte(a)
	}
	return b
}

// Command returns the underlying command session (front doors use it for protocol state).
func (s *Session) Command() *command.Session { return s.s }

// InTxn reports whether the session has an open transaction.
func (s *Session) InTxn() bool { return s.s.InTxn() }

// Close rolls back the open transaction, if any.
func (s *Session) Close() { s.s.Close() }
