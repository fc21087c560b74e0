package command

import (
	"errors"

	"github.com/memflux/memflux/txn"
)

// Transaction control (SPEC §5.2, §5.3). These manage the session's explicit transaction
// themselves, so they run without an auto-commit transaction.
func init() {
	register(
		Spec{Name: "BEGIN", Flags: flagNoTxn | flagTxnControl, Run: cmdBegin, Summary: "Start a transaction."},
		Spec{Name: "COMMIT", Flags: flagNoTxn | flagTxnControl, Run: cmdCommit, Summary: "Commit the open transaction."},
		Spec{Name: "ROLLBACK", Flags: flagNoTxn | flagTxnControl, Run: cmdRollback, Summary: "Roll back the open transaction, or ROLLBACK TO [SAVEPOINT] name."},
		Spec{Name: "SAVEPOINT", Flags: flagNoTxn | flagTxnControl, Run: cmdSavepoint, Summary: "Define a savepoint."},
		Spec{Name: "ROLLBACK_TO_SAVEPOINT", Flags: flagNoTxn | flagTxnControl, Run: cmdRollbackTo, Summary: "Roll back to a savepoint."},
		Spec{Name: "RELEASE_SAVEPOINT", Flags: flagNoTxn | flagTxnControl, Run: cmdRelease, Summary: "Forget a savepoint."},
		Spec{Name: "RELEASE", Flags: flagNoTxn | flagTxnControl, Run: cmdRelease, Summary: "RELEASE [SAVEPOINT] name."},
	)
}

// Begin starts the session's explicit transaction.
func (s *Session) Begin() error {
	if s.tx != nil {
		return errTxnInFlight
	}
	s.tx = s.env.Txns.Begin(txn.ModeSnapshot)
	return nil
}

// Commit commits the session's explicit transaction.
func (s *Session) Commit() error {
	if s.tx == nil {
		return errNoTxn
	}
	t := s.tx
	s.tx = nil
	return commitError(t.Commit())
}

// Rollback rolls back the session's explicit transaction.
func (s *Session) Rollback() error {
	if s.tx == nil {
		return errNoTxn
	}
	s.tx.Rollback()
	s.tx = nil
	return nil
}

// Savepoint, RollbackToSavepoint and ReleaseSavepoint act on the open transaction.
func (s *Session) Savepoint(name string) error {
	if s.tx == nil {
		return errNoTxn
	}
	return savepointError(s.tx.Savepoint(name))
}

// RollbackToSavepoint restores the open transaction to a savepoint.
func (s *Session) RollbackToSavepoint(name string) error {
	if s.tx == nil {
		return errNoTxn
	}
	return savepointError(s.tx.RollbackToSavepoint(name))
}

// ReleaseSavepoint forgets a savepoint of the open transaction.
func (s *Session) ReleaseSavepoint(name string) error {
	if s.tx == nil {
		return errNoTxn
	}
	return savepointError(s.tx.ReleaseSavepoint(name))
}

func savepointError(err error) error {
	var se *txn.SavepointError
	if errors.As(err, &se) {
		return &Error{Kind: ErrTxnState, Msg: se.Error(), Err: err}
	}
	return err
}

func okOr(err error) (Reply, error) {
	if err != nil {
		return Reply{}, err
	}
	return OK(), nil
}

func cmdBegin(c *Call) (Reply, error) {
	if len(c.Args) != 1 {
		return Reply{}, arity("BEGIN takes no arguments")
	}
	return okOr(c.S.Begin())
}

func cmdCommit(c *Call) (Reply, error) {
	if len(c.Args) != 1 {
		return Reply{}, arity("COMMIT takes no arguments")
	}
	return okOr(c.S.Commit())
}

func cmdRollback(c *Call) (Reply, error) {
	if len(c.Args) == 1 {
		return okOr(c.S.Rollback())
	}
	if lower(c.str(1)) != "to" {
		return Reply{}, arity("ROLLBACK takes no arguments")
	}
	rest := c.Args[2:]
	if len(rest) > 0 && lower(string(rest[0])) == "savepoint" {
		rest = rest[1:]
	}
	if len(rest) != 1 {
		return Reply{}, arity("ROLLBACK TO SAVEPOINT requires a name")
	}
	return okOr(c.S.RollbackToSavepoint(string(rest[0])))
}

func cmdSavepoint(c *Call) (Reply, error) {
	if len(c.Args) != 2 {
		return Reply{}, arity("SAVEPOINT requires a name")
	}
	return okOr(c.S.Savepoint(c.str(1)))
}

func cmdRollbackTo(c *Call) (Reply, error) {
	if len(c.Args) != 2 {
		return Reply{}, arity("ROLLBACK TO SAVEPOINT requires a name")
	}
	return okOr(c.S.RollbackToSavepoint(c.str(1)))
}

func cmdRelease(c *Call) (Reply, error) {
	rest := c.Args[1:]
	if c.Name == "RELEASE" && len(rest) > 0 && lower(string(rest[0])) == "savepoint" {
		rest = rest[1:]
	}
	if len(rest) != 1 {
		return Reply{}, arity("RELEASE SAVEPOINT requires a name")
	}
	return okOr(c.S.ReleaseSavepoint(string(rest[0])))
}
