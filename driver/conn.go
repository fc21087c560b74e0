package driver

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/memflux/memflux"
	"github.com/memflux/memflux/command"
	"github.com/memflux/memflux/jsondoc"
	mfsql "github.com/memflux/memflux/sql"
)

// conn is one database/sql connection: a memflux.Session with its own transaction
// context. database/sql uses it from one goroutine at a time.
type conn struct {
	db      *memflux.DB
	s       *memflux.Session
	cols    *columnCache
	inTx    bool         // a driver.Tx is open
	closed  bool         // Close was called
	bad     bool         // the database was closed under the connection
	release func() error // drops the database reference of Driver.Open; nil otherwise
}

var (
	_ driver.Conn               = (*conn)(nil)
	_ driver.ConnBeginTx        = (*conn)(nil)
	_ driver.ConnPrepareContext = (*conn)(nil)
	_ driver.ExecerContext      = (*conn)(nil)
	_ driver.QueryerContext     = (*conn)(nil)
	_ driver.Pinger             = (*conn)(nil)
	_ driver.SessionResetter    = (*conn)(nil)
	_ driver.Validator          = (*conn)(nil)
	_ driver.NamedValueChecker  = (*conn)(nil)
)

// CheckNamedValue lets an int argument through as it is, which database/sql would
// otherwise convert to an int64 in a new interface value; the statement converts it
// as that int64. Everything else takes database/sql's default conversion.
func (c *conn) CheckNamedValue(nv *driver.NamedValue) error {
	if _, ok := nv.Value.(int); ok {
		return nil
	}
	return driver.ErrSkip
}

// Prepare parses a query once for repeated execution.
func (c *conn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

// PrepareContext parses a query once for repeated execution.
func (c *conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	st, err := c.parse(ctx, query)
	if err != nil {
		return nil, err
	}
	return &stmt{c: c, st: st}, nil
}

// parse checks that the connection can run a statement and parses query.
func (c *conn) parse(ctx context.Context, query string) (*statement, error) {
	if err := c.check(ctx); err != nil {
		return nil, err
	}
	return parseStatement(query, c.cols)
}

// Close rolls back the session's open transaction and ends it.
func (c *conn) Close() error {
	if c.closed {
		return nil
	}
	c.closed = true
	c.s.Close()
	if c.release != nil {
		return c.release()
	}
	return nil
}

// Begin is BeginTx with the default options.
func (c *conn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

// BeginTx sends BEGIN on the session. Isolation must be the default or the database's
// configured level; read-only transactions are refused.
func (c *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if err := c.check(ctx); err != nil {
		return nil, err
	}
	if opts.ReadOnly {
		return nil, ErrReadOnly
	}
	switch level := sql.IsolationLevel(opts.Isolation); level {
	case sql.LevelDefault:
	case sql.LevelSerializable, sql.LevelSnapshot:
		want := "serializable"
		if level == sql.LevelSnapshot {
			want = "snapshot"
		}
		if c.db.Config().IsolationLevel != want {
			return nil, fmt.Errorf("%w: %s (the database uses %s)", ErrIsolation, level, c.db.Config().IsolationLevel)
		}
	default:
		return nil, fmt.Errorf("%w: %s", ErrIsolation, level)
	}
	if _, err := c.s.Do("BEGIN"); err != nil {
		return nil, err
	}
	c.inTx = true
	return &tx{c: c}, nil
}

// ExecContext runs a query for its effect without preparing it first.
func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	st, err := c.parse(ctx, query)
	if err != nil {
		return nil, err
	}
	return c.exec(&stmt{c: c, st: st}, args)
}

// QueryContext runs a query for its rows without preparing it first.
func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	st, err := c.parse(ctx, query)
	if err != nil {
		return nil, err
	}
	return c.query(&stmt{c: c, st: st}, args)
}

// exec runs a statement for its effect.
func (c *conn) exec(s *stmt, args []driver.NamedValue) (driver.Result, error) {
	if res, ok, err := c.runSQL(s, args); ok {
		if err != nil {
			return nil, err
		}
		if res.Kind == mfsql.ResultCount {
			return result{res.Count}, nil
		}
		return result{}, nil
	}
	rep, err := c.run(s.st, args)
	if err != nil {
		return nil, err
	}
	if rep.Kind == command.KindInt {
		return result{rep.Int}, nil
	}
	return result{}, nil
}

// query runs a statement for its rows.
func (c *conn) query(s *stmt, args []driver.NamedValue) (driver.Rows, error) {
	if res, ok, err := c.runSQL(s, args); ok {
		if err != nil {
			return nil, err
		}
		if res.Kind == mfsql.ResultRows && len(res.Cols) > 0 {
			return columnRows(s.rowsBuf(), res.Cols, res.Vals, s.st.cols), nil
		}
		return resultRows(res, s.st.cols), nil
	}
	rep, err := c.run(s.st, args)
	if err != nil {
		return nil, err
	}
	if s.st.sql {
		return sqlRows(rep, s.st.cols), nil
	}
	return commandRows(rep), nil
}

// runSQL runs an SQL statement through its prepared form (made at the first execution):
// the parameters are bound as values, not sent as JSON text, and the rows of a query
// with a static select list come back in column form. ok is false when the statement
// must take the command path (run) instead: it is not SQL, the session is not
// authenticated, or the statement does not prepare; that path reports the error as
// SQL.EXEC does.
func (c *conn) runSQL(s *stmt, args []driver.NamedValue) (res mfsql.Result, ok bool, err error) {
	if !s.st.sql || !c.s.Command().Authenticated {
		return res, false, nil
	}
	params, err := s.bind(args)
	if err != nil {
		return res, true, err
	}
	defer clear(params) // the buffer is reused: keep no argument alive
	if s.prep == nil {
		p, err := c.s.Prepare(s.st.text)
		if err != nil {
			return res, false, nil
		}
		s.prep = p
	}
	res, err = s.prep.ExecResult(params)
	if errors.Is(err, memflux.ErrClosed) {
		c.bad = true // database/sql discards the connection
		return res, true, fmt.Errorf("%w: %w", driver.ErrBadConn, err)
	}
	return res, true, err
}

// run executes a statement on the session.
func (c *conn) run(st *statement, args []driver.NamedValue) (command.Reply, error) {
	argv, err := st.argv(args)
	if err != nil {
		return command.Reply{}, err
	}
	rep, err := c.s.Exec(argv...)
	if errors.Is(err, memflux.ErrClosed) {
		c.bad = true // database/sql discards the connection
		return command.Reply{}, fmt.Errorf("%w: %w", driver.ErrBadConn, err)
	}
	return rep, err
}

// Ping reports whether the database is open.
func (c *conn) Ping(ctx context.Context) error {
	if err := c.check(ctx); err != nil {
		return err
	}
	if _, err := c.s.Do("PING"); err != nil {
		return driver.ErrBadConn
	}
	return nil
}

// ResetSession runs before the pool hands the connection out again: a transaction
// left open by a raw "BEGIN" outside a sql.Tx is rolled back.
func (c *conn) ResetSession(ctx context.Context) error {
	if c.closed || c.bad {
		return driver.ErrBadConn
	}
	if !c.inTx && c.s.InTxn() {
		if _, err := c.s.Do("ROLLBACK"); err != nil {
			return driver.ErrBadConn
		}
	}
	return nil
}

// IsValid reports whether the connection can be reused. database/sql asks after every
// use, so it only checks local state; a closed database shows up as driver.ErrBadConn
// on the next statement.
func (c *conn) IsValid() bool { return !c.closed && !c.bad }

// check fails on a cancelled context or a closed connection.
func (c *conn) check(ctx context.Context) error {
	if c.closed || c.bad {
		return driver.ErrBadConn
	}
	return ctx.Err()
}

// stmt is a prepared statement of one connection; like the connection, it is used by one
// goroutine at a time.
type stmt struct {
	c      *conn
	st     *statement
	prep   *memflux.Stmt   // SQL: the prepared statement, made at the first execution
	params []jsondoc.Value // SQL: the parameter buffer, reused by every execution
	free   *rows           // SQL: rows of an earlier execution, closed, for reuse
}

// rowsBuf returns the statement's closed rows for reuse, or new rows that return to
// the statement when closed.
func (s *stmt) rowsBuf() *rows {
	if r := s.free; r != nil {
		s.free = nil
		return r
	}
	return &rows{owner: s}
}

var (
	_ driver.Stmt             = (*stmt)(nil)
	_ driver.StmtExecContext  = (*stmt)(nil)
	_ driver.StmtQueryContext = (*stmt)(nil)
)

func (s *stmt) Close() error { return nil }

// NumInput is the number of placeholders of a command, or -1 for SQL (the engine checks).
func (s *stmt) NumInput() int { return s.st.nIn }

func (s *stmt) Exec(args []driver.Value) (driver.Result, error) {
	return s.ExecContext(context.Background(), named(args))
}

func (s *stmt) Query(args []driver.Value) (driver.Rows, error) {
	return s.QueryContext(context.Background(), named(args))
}

func (s *stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	if err := s.c.check(ctx); err != nil {
		return nil, err
	}
	return s.c.exec(s, args)
}

func (s *stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	if err := s.c.check(ctx); err != nil {
		return nil, err
	}
	return s.c.query(s, args)
}

// named converts positional values to NamedValues.
func named(args []driver.Value) []driver.NamedValue {
	out := make([]driver.NamedValue, len(args))
	for i, v := range args {
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	return out
}

// tx is a MemFlux transaction on the connection's session; like the connection, it is used
// by one goroutine at a time.
type tx struct{ c *conn }

// Commit sends COMMIT. A serialization failure (errors.Is(err, command.ErrAborted)) ends
// the transaction too; run it again to retry.
func (t *tx) Commit() error { return t.end("COMMIT") }

// Rollback sends ROLLBACK.
func (t *tx) Rollback() error { return t.end("ROLLBACK") }

// end sends COMMIT or ROLLBACK and leaves the transaction state.
func (t *tx) end(word string) error {
	t.c.inTx = false
	if t.c.closed {
		return driver.ErrBadConn
	}
	_, err := t.c.s.Do(word)
	return err
}
