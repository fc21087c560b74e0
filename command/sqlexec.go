package command

import (
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
	return c.runSQL(p, params)
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
	c := Call{S: s, Name: "SQL.EXEC", env: s.env}
	return c.runSQL(p, params)
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
	for _, v := range params {
		n += len(v.String())
	}
	return s.env.Memory.Admit(int64(n))
}
