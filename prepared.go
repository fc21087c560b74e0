package memflux

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/memflux/memflux/command"
	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/sql"
)

// ErrParam is matched by the error of a prepared statement argument that cannot be bound
// as an SQL parameter (an unsupported Go type, a NaN or infinite float).
var ErrParam = errors.New("memflux: invalid SQL parameter")

// Stmt is a prepared SQL statement: parsed once, run many times with server-side
// parameters ($1, $2… or ?, numbered in order), which are bound by the engine and never
// spliced into the SQL text.
//
// A Stmt from DB.Prepare runs each execution as its own auto-committed transaction and is
// safe for concurrent use. A Stmt from Session.Prepare runs in that session (inside its
// explicit transaction after BEGIN), and one from Tx.Prepare inside that transaction;
// those are not safe for concurrent use, like their session or transaction.
type Stmt struct {
	db *DB
	p  *sql.Prepared
	s  *Session // nil: a fresh session per execution
	tx *Tx      // nil: not bound to a transaction
}

// Prepare parses an SQL statement for repeated execution with Stmt.Exec and Stmt.Query.
// Errors are those of the SQL command (`Execution Error: …`).
func (db *DB) Prepare(query string) (*Stmt, error) {
	if db.closed.Load() {
		return nil, ErrClosed
	}
	p, err := db.env.PrepareSQL(query)
	if err != nil {
		return nil, err
	}
	return &Stmt{db: db, p: p}, nil
}

// Prepare parses an SQL statement bound to the session: its executions run in the
// session's explicit transaction when one is open, else each as its own transaction.
// Transaction statements (BEGIN, COMMIT, …) act on the session.
func (s *Session) Prepare(query string) (*Stmt, error) {
	st, err := s.db.Prepare(query)
	if err != nil {
		return nil, err
	}
	st.s = s
	return st, nil
}

// Stmt returns st bound to the session.
func (s *Session) Stmt(st *Stmt) *Stmt { return &Stmt{db: st.db, p: st.p, s: s} }

// Prepare parses an SQL statement that runs inside the transaction; it is valid only while
// the transaction is.
func (tx *Tx) Prepare(query string) (*Stmt, error) {
	p, err := tx.s.PrepareSQL(query)
	if err != nil {
		return nil, err
	}
	return &Stmt{p: p, tx: tx}, nil
}

// Stmt returns st bound to the transaction.
func (tx *Tx) Stmt(st *Stmt) *Stmt { return &Stmt{db: st.db, p: st.p, tx: tx} }

// NumParams returns the number of parameters the statement takes (the highest $N, or the
// number of ? placeholders).
func (st *Stmt) NumParams() int { return st.p.NParams }

// Exec runs the statement with args as its parameters and returns the number of rows it
// affected (for a statement that returns rows, the number of rows; 0 for DDL and
// transaction statements).
func (st *Stmt) Exec(args ...any) (int64, error) {
	r, err := st.run(args)
	if err != nil {
		return 0, err
	}
	switch r.Kind {
	case command.KindInt:
		return r.Int, nil
	case command.KindArray:
		return int64(len(r.Elems)), nil
	}
	return 0, nil
}

// Query runs the statement with args as its parameters and returns its rows, each a
// compact JSON object with sorted members (SPEC §3.3). A statement that returns no rows
// (DDL, DML without RETURNING) gives an empty result.
func (st *Stmt) Query(args ...any) ([]json.RawMessage, error) {
	r, err := st.run(args)
	if err != nil {
		return nil, err
	}
	rows := make([]json.RawMessage, 0, len(r.Elems))
	if r.Kind == command.KindArray {
		for _, e := range r.Elems {
			rows = append(rows, json.RawMessage(e.Str))
		}
	}
	return rows, nil
}

// ExecResult runs the statement with params, which are bound as they are, and returns
// the engine's result instead of a reply: a row count (sql.ResultCount), OK (sql.ResultOK,
// DDL and transaction statements) or rows (sql.ResultRows). The rows of a query with a
// static select list come in column form (Result.Cols and Result.Vals) without being
// written as JSON text; other rows are compact JSON objects (Result.Rows), as Query
// returns them. The database/sql driver runs its statements through it.
func (st *Stmt) ExecResult(params []jsondoc.Value) (sql.Result, error) {
	switch {
	case st.tx != nil:
		r, err := st.runParams(params)
		if err != nil {
			return sql.Result{}, err
		}
		return replyResult(r), nil
	case st.s != nil:
		if st.db.closed.Load() {
			return sql.Result{}, ErrClosed
		}
		return st.s.s.QueryPrepared(st.p, params)
	}
	if st.db.closed.Load() {
		return sql.Result{}, ErrClosed
	}
	s := st.db.env.NewSession()
	defer s.Close()
	return s.QueryPrepared(st.p, params)
}

// replyResult converts the reply of an SQL statement back to its result.
func replyResult(r Reply) sql.Result {
	switch r.Kind {
	case command.KindInt:
		return sql.Result{Kind: sql.ResultCount, Count: r.Int}
	case command.KindArray:
		rows := make([]string, len(r.Elems))
		for i, e := range r.Elems {
			rows[i] = e.Str
		}
		return sql.Result{Kind: sql.ResultRows, Rows: rows}
	}
	return sql.Result{Kind: sql.ResultOK}
}

// run binds args and executes the statement where it is bound.
func (st *Stmt) run(args []any) (Reply, error) {
	pb := paramBufs.Get().(*paramBuf)
	params, err := pb.bind(args)
	if err != nil {
		paramBufs.Put(pb)
		return Reply{}, err
	}
	r, err := st.runParams(params)
	// Not deferred: the parameters of a statement that panicked are not
	// reused.
	pb.release(params)
	return r, err
}

// paramBuf is the parameter slice of one execution of run: the engine keeps no
// reference to the parameters once the statement returns (its results are
// rendered text, counts and copied values), so the slice is reused. It is
// pooled (paramBufs) and not safe for concurrent use.
type paramBuf struct {
	vals []jsondoc.Value
}

var paramBufs = sync.Pool{New: func() any { return new(paramBuf) }}

// maxPooledParams bounds the parameter slice a pooled paramBuf keeps.
const maxPooledParams = 64

// bind converts args into the buffer's slice (bindParams).
func (pb *paramBuf) bind(args []any) ([]jsondoc.Value, error) {
	out := slices.Grow(pb.vals[:0], len(args))[:len(args)]
	pb.vals = out
	if err := bindInto(out, args); err != nil {
		clear(out)
		return nil, err
	}
	return out, nil
}

// release clears the parameters and returns the buffer to the pool.
func (pb *paramBuf) release(params []jsondoc.Value) {
	clear(params)
	if cap(pb.vals) > maxPooledParams {
		pb.vals = nil
	}
	paramBufs.Put(pb)
}

// runParams executes the statement with bound parameters where it is bound.
func (st *Stmt) runParams(params []jsondoc.Value) (Reply, error) {
	switch {
	case st.tx != nil:
		if st.tx.ro && !sql.ReadOnly(st.p.Stmt) {
			return Reply{}, errReadOnly
		}
		return st.tx.s.ExecPreparedIn(st.tx.t, st.p, params)
	case st.s != nil:
		if st.db.closed.Load() {
			return Reply{}, ErrClosed
		}
		return st.s.s.ExecPrepared(st.p, params)
	}
	if st.db.closed.Load() {
		return Reply{}, ErrClosed
	}
	s := st.db.env.NewSession()
	defer s.Close()
	return s.ExecPrepared(st.p, params)
}

// bindParams converts Go values to SQL parameters: nil → NULL; bool; integers; floats
// (finite); string; []byte (its text, or \x<hex> when it is not UTF-8, the BYTEA form);
// time.Time (RFC 3339 text); json.RawMessage (parsed); jsondoc.Value; anything else is
// encoded with encoding/json (slices, maps, structs).
func bindParams(args []any) ([]jsondoc.Value, error) {
	out := make([]jsondoc.Value, len(args))
	if err := bindInto(out, args); err != nil {
		return nil, err
	}
	return out, nil
}

// bindInto is bindParams into out, which has len(args) elements.
func bindInto(out []jsondoc.Value, args []any) error {
	for i, a := range args {
		v, err := bindParam(a)
		if err != nil {
			return fmt.Errorf("%w: parameter $%d: %w", ErrParam, i+1, err)
		}
		out[i] = v
	}
	return nil
}

func bindParam(a any) (jsondoc.Value, error) {
	switch v := a.(type) {
	case nil:
		return jsondoc.Null(), nil
	case jsondoc.Value:
		return v, nil
	case bool:
		return jsondoc.Bool(v), nil
	case int:
		return jsondoc.Int(int64(v)), nil
	case int8:
		return jsondoc.Int(int64(v)), nil
	case int16:
		return jsondoc.Int(int64(v)), nil
	case int32:
		return jsondoc.Int(int64(v)), nil
	case int64:
		return jsondoc.Int(v), nil
	case uint:
		return jsondoc.Uint(uint64(v)), nil
	case uint8:
		return jsondoc.Int(int64(v)), nil
	case uint16:
		return jsondoc.Int(int64(v)), nil
	case uint32:
		return jsondoc.Int(int64(v)), nil
	case uint64:
		return jsondoc.Uint(v), nil
	case float32:
		return bindFloat(float64(v))
	case float64:
		return bindFloat(v)
	case string:
		return jsondoc.String(v), nil
	case []byte:
		return jsondoc.String(bytesText(v)), nil
	case time.Time:
		return jsondoc.String(v.Format(time.RFC3339Nano)), nil
	case json.RawMessage:
		return jsondoc.Parse(string(v))
	}
	b, err := json.Marshal(a)
	if err != nil {
		return jsondoc.Null(), err
	}
	return jsondoc.Parse(string(b))
}

func bindFloat(f float64) (jsondoc.Value, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return jsondoc.Null(), fmt.Errorf("%v is not a JSON number", f)
	}
	return jsondoc.Float(f), nil
}

// bytesText returns b as text when it is valid UTF-8, else as \x and its hex digits.
func bytesText(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	const digits = "0123456789abcdef"
	out := make([]byte, 2, 2+2*len(b))
	out[0], out[1] = '\\', 'x'
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}
