package command

import (
	"errors"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/sql"
	"github.com/memflux/memflux/txn"
)

// The SQL.EXEC command runs one SQL statement with server-side parameters:
//
//	SQL.EXEC <statement> [<parameter> …]
//
// argv[1] is the whole statement text with $1… or ? placeholders (it is not
// joined with further arguments, unlike SQL); each further argument is one
// parameter as JSON text: 42, 1.5, "it's", true, null, [1,2], {"a":1}.
// Values are bound by the engine, never spliced into the text. The reply is
// that of SQL (SPEC §4.1). The embedded APIs (driver, Python) bind their
// parameters through it; the Go API's prepared statements run the same
// path without the JSON round trip (Session.ExecPrepared).
func init() {
	register(Spec{Name: "SQL.EXEC", Flags: flagSelfTxn | flagSnapshot | flagWrite, Run: cmdSQLExec,
		Summary: "Run one SQL statement with parameters: SQL.EXEC <statement> [<param as JSON> ...]."})
}

func cmdSQLExec(c *Call) (Reply, error) {
	if len(c.Args) < 2 {
		return Reply{}, errSQLEmpty
	}
	params, err := sqlParams(c.Args[2:])
	if err != nil {
		return Reply{}, err
	}
	p, err := c.env.PrepareSQL(string(c.Args[1]))
	if err != nil {
		return Reply{}, err
	}
	if c.Tx != nil {
		return c.runSQL(p, params)
	}
	res, err := c.S.execSQL(p, params, false)
	if err != nil {
		return Reply{}, err
	}
	return sqlReply(res), nil
}

// sqlParams decodes the JSON-text parameters of SQL.EXEC.
func sqlParams(args [][]byte) ([]jsondoc.Value, error) {
	params := make([]jsondoc.Value, len(args))
	for i, a := range args {
		v, err := jsondoc.Parse(string(a))
		if err != nil {
			return nil, errorf(ErrSQL, "%sParameter $%d is not valid JSON: %s", sqlPrefix, i+1, a)
		}
		params[i] = v
	}
	return params, nil
}

// PrepareSQL parses an SQL statement once for repeated execution with
// Session.ExecPrepared; errors are those of the SQL command.
func (env *Env) PrepareSQL(text string) (*sql.Prepared, error) {
	if text == "" {
		return nil, errSQLEmpty
	}
	p, err := env.SQL().Prepare(text)
	if err != nil {
		return nil, sqlError(err)
	}
	return p, nil
}

// PrepareSQL is Env.PrepareSQL for the session's environment.
func (s *Session) PrepareSQL(text string) (*sql.Prepared, error) { return s.env.PrepareSQL(text) }

// ExecPrepared runs a prepared SQL statement with parameters in the
// session exactly as SQL.EXEC does: transaction statements act on the
// session, anything else runs in its explicit transaction or as its own
// auto-committed one.
func (s *Session) ExecPrepared(p *sql.Prepared, params []jsondoc.Value) (Reply, error) {
	if err := s.admitSQL(p, params); err != nil {
		return Reply{}, err
	}
	res, err := s.execSQL(p, params, false)
	if err != nil {
		return Reply{}, err
	}
	return sqlReply(res), nil
}

// QueryPrepared is ExecPrepared returning the engine's result instead of a
// reply, with the rows of a query that has a static select list in column
// form (sql.Engine.ExecColumns): its values are never written as JSON text.
// A transaction statement gives sql.ResultOK. ExecPrepared's reply is the
// SQL reply of the same result.
func (s *Session) QueryPrepared(p *sql.Prepared, params []jsondoc.Value) (sql.Result, error) {
	if err := s.admitSQL(p, params); err != nil {
		return sql.Result{}, err
	}
	return s.execSQL(p, params, true)
}

// execSQL runs an admitted statement like runSQL for a call without a
// managed transaction: transaction statements act on the session, anything
// else runs in its explicit transaction or as its own auto-committed one. A
// query (sql.ReadOnly) auto-commits without read tracking, since a
// transaction without writes validates nothing.
func (s *Session) execSQL(p *sql.Prepared, params []jsondoc.Value, columns bool) (sql.Result, error) {
	if sql.IsTxnControl(p.Stmt) {
		if err := sqlTxnStatement(s, p.Stmt); err != nil {
			return sql.Result{}, sqlError(err)
		}
		return sql.Result{Kind: sql.ResultOK}, nil
	}
	var res sql.Result
	var err error
	if s.tx != nil {
		res, err = s.execSQLIn(s.tx, p, params, columns)
	} else {
		res, err = s.execSQLAuto(p, params, columns)
	}
	if err != nil {
		return sql.Result{}, uniqueCommitError(err)
	}
	return res, nil
}

// execSQLIn runs a statement in the session's explicit transaction t; a
// failing statement leaves none of its writes in t (as runCall does).
func (s *Session) execSQLIn(t *txn.Txn, p *sql.Prepared, params []jsondoc.Value, columns bool) (sql.Result, error) {
	mark := t.Mark()
	defer func() {
		if r := recover(); r != nil {
			t.RollbackToMark(mark)
			panic(r)
		}
	}()
	res, err := s.execEngine(t, p, params, sql.ExecOptions{Columns: columns})
	if err != nil {
		t.RollbackToMark(mark)
	}
	return res, err
}

// execSQLAuto runs a statement as its own snapshot transaction, retried
// transparently on conflicts (as runCall does).
func (s *Session) execSQLAuto(p *sql.Prepared, params []jsondoc.Value, columns bool) (res sql.Result, err error) {
	t := &s.auto
	defer func() {
		if r := recover(); r != nil {
			t.Rollback() // never leave a panicked statement's snapshot registered
			panic(r)
		}
	}()
	readOnly := sql.ReadOnly(p.Stmt)
	for attempt := 0; ; attempt++ {
		s.env.Txns.BeginInto(t, txn.ModeSnapshot)
		if readOnly {
			t.SkipReadTracking()
		}
		// A read-only attempt is an untracked snapshot transaction.
		res, err = s.execEngine(t, p, params, sql.ExecOptions{Columns: columns, Snapshot: readOnly})
		if err != nil {
			t.Rollback()
			return sql.Result{}, err
		}
		if readOnly && t.Writes() > 0 {
			// It wrote after all: run it again with its reads tracked.
			t.Rollback()
			readOnly = false
			continue
		}
		if err := t.Commit(); err != nil {
			if errors.Is(err, txn.ErrRetryable) && attempt < maxRetries {
				continue
			}
			return sql.Result{}, commitError(err)
		}
		return res, nil
	}
}

// execEngine runs a statement in t on the engine, with the SQL command's
// errors.
func (s *Session) execEngine(t *txn.Txn, p *sql.Prepared, params []jsondoc.Value, opts sql.ExecOptions) (sql.Result, error) {
	res, err := s.env.SQL().ExecWith(t, p, params, opts)
	if err != nil {
		return sql.Result{}, sqlError(err)
	}
	return res, nil
}

// ExecPreparedIn runs a prepared SQL statement inside t, a transaction the
// caller manages (the Go API's Update and View); a failing statement leaves
// none of its writes in t, and transaction statements are refused.
func (s *Session) ExecPreparedIn(t *txn.Txn, p *sql.Prepared, params []jsondoc.Value) (Reply, error) {
	if err := s.admitSQL(p, params); err != nil {
		return Reply{}, err
	}
	c := Call{S: s, Tx: t, Name: "SQL.EXEC", env: s.env}
	mark := t.Mark()
	r, err := c.runSQL(p, params)
	if err != nil {
		t.RollbackToMark(mark)
	}
	return r, err
}

// admitSQL checks authentication and passes the statement through the
// Memory gate like any write command.
func (s *Session) admitSQL(p *sql.Prepared, params []jsondoc.Value) error {
	if !s.Authenticated {
		return errNoAuth
	}
	if s.env.Memory == nil {
		return nil
	}
	n := len(p.Text)
	var buf [64]byte
	for _, v := range params {
		n += len(v.Append(buf[:0])) // the length of v.String(), without keeping it
	}
	return s.env.Memory.Admit(int64(n))
}
