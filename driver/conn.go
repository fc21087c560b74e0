package driver

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/memflux/memflux"
	"github.com/memflux/memflux/command"
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
)

// Prepare parses a query once for repeated execution.
func (c *conn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

func (c *conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	if err := c.check(ctx); err != nil {
		return nil, err
	}
	st, err := parseStatement(query, c.cols)
	if err != nil {
		return nil, err
	}
	return &stmt{c: c, st: st}, nil
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

func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if err := c.check(ctx); err != nil {
		return nil, err
	}
	st, err := parseStatement(query, c.cols)
	if err != nil {
		return nil, err
	}
	return c.exec(st, args)
}

func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if err := c.check(ctx); err != nil {
		return nil, err
	}
	st, err := parseStatement(query, c.cols)
	if err != nil {
		return nil, err
	}
	return c.query(st, args)
}

// exec runs a statement for its effect.
func (c *conn) exec(st *statement, args []driver.NamedValue) (driver.Result, error) {
	rep, err := c.run(st, args)
	if err != nil {
		return nil, err
	}
	if rep.Kind == command.KindInt {
		return result{rep.Int}, nil
	}
	return result{}, nil
}

// query runs a statement for its rows.
func (c *conn) query(st *statement, args []driver.NamedValue) (driver.Rows, error) {
	rep, err := c.run(st, args)
	if err != nil {
		return nil, err
	}
	if st.sql {
		return sqlRows(rep, st.cols)
	}
	return commandRows(rep), nil
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

// stmt is a prepared statement of one connection.
type stmt struct {
	c  *conn
	st *statement
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
	return s.c.exec(s.st, args)
}

func (s *stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	if err := s.c.check(ctx); err != nil {
		return nil, err
	}
	return s.c.query(s.st, args)
}

// named converts positional values to NamedValues.
func named(args []driver.Value) []driver.NamedValue {
	out := make([]driver.NamedValue, len(args))
	for i, v := range args {
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	return out
}

// tx is a MemFlux transaction on the connection's session.
type tx struct{ c *conn }

// Commit sends COMMIT. A serialization failure (errors.Is(err, command.ErrAborted)) ends
// the transaction too; run it again to retry.
func (t *tx) Commit() error { return t.end("COMMIT") }

// Rollback sends ROLLBACK.
func (t *tx) Rollback() error { return t.end("ROLLBACK") }

func (t *tx) end(word string) error {
	t.c.inTx = false
	if t.c.closed {
		return driver.ErrBadConn
	}
	_, err := t.c.s.Do(word)
	return err
}
