package command

import (
	"sync"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/sql"
	"github.com/memflux/memflux/sql/ast"
	"github.com/memflux/memflux/txn"
)

// The SQL command (SPEC §1.3, §4.1).
func init() {
	register(Spec{Name: "SQL", Flags: flagSelfTxn | flagSnapshot | flagWrite, Run: cmdSQL,
		Summary: "Run one SQL statement (the arguments joined with spaces)."})
}

// sqlState holds the SQL engine of an Env, created on first use.
type sqlState struct {
	once sync.Once
	eng  *sql.Engine
}

// SQL returns the SQL engine of the environment.
func (env *Env) SQL() *sql.Engine {
	env.sql.once.Do(func() {
		env.sql.eng = sql.New(nil)
		env.sql.eng.SetIndexes(env.Indexes())
	})
	return env.sql.eng
}

// sqlPrefix starts every SQL error message (SPEC §4.1, Q51).
const sqlPrefix = "Execution Error: "

// sqlError maps an engine or session error to the SQL command's error.
func sqlError(err error) error {
	return &Error{Kind: ErrSQL, Msg: sqlPrefix + err.Error(), Err: err}
}

var errSQLEmpty = &Error{Kind: ErrSQL, Msg: sqlPrefix + "Empty SQL query"}

// sqlText joins the arguments after the command name with single spaces.
func sqlText(args [][]byte) string {
	n := len(args) - 2
	for _, a := range args[1:] {
		n += len(a)
	}
	b := make([]byte, 0, n)
	for i, a := range args[1:] {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, a...)
	}
	return string(b)
}

func cmdSQL(c *Call) (Reply, error) {
	if len(c.Args) < 2 {
		return Reply{}, errSQLEmpty
	}
	p, err := c.env.PrepareSQL(sqlText(c.Args))
	if err != nil {
		return Reply{}, err
	}
	return c.runSQL(p, nil)
}

// runSQL runs a prepared statement for the call: transaction statements
// act on the session; everything else runs in the call's transaction, the
// session's explicit one, or an auto-committed one.
func (c *Call) runSQL(p *sql.Prepared, params []jsondoc.Value) (Reply, error) {
	if sql.IsTxnControl(p.Stmt) {
		if c.Tx != nil {
			return Reply{}, errTxnControl
		}
		if err := sqlTxnStatement(c.S, p.Stmt); err != nil {
			return Reply{}, sqlError(err)
		}
		return OK(), nil
	}
	eng := c.env.SQL()
	run := func(t *txn.Txn) (Reply, error) {
		res, err := eng.ExecPrepared(t, p, params...)
		if err != nil {
			return Reply{}, sqlError(err)
		}
		return sqlReply(res), nil
	}
	if c.Tx != nil {
		return run(c.Tx)
	}
	r, err := c.S.inTxn(txn.ModeSnapshot, run)
	if err != nil {
		err = uniqueCommitError(err)
	}
	return r, err
}

// sqlTxnStatement runs BEGIN, COMMIT, ROLLBACK and the savepoint statements
// on the session, exactly like the commands of the same names (SPEC §5.2).
func sqlTxnStatement(s *Session, stmt ast.Statement) error {
	switch st := stmt.(type) {
	case *ast.Begin:
		return s.Begin()
	case *ast.Commit:
		return s.Commit()
	case *ast.Rollback:
		return s.Rollback()
	case *ast.Savepoint:
		return s.Savepoint(st.Name)
	case *ast.RollbackTo:
		return s.RollbackToSavepoint(st.Name)
	case *ast.Release:
		return s.ReleaseSavepoint(st.Name)
	}
	return nil
}

// sqlReply maps a result to the reply of SPEC §4.1: rows → array of bulk
// strings, counts → integer, everything else → +OK.
func sqlReply(res sql.Result) Reply {
	switch res.Kind {
	case sql.ResultRows:
		elems := make([]Reply, len(res.Rows))
		for i, r := range res.Rows {
			elems[i] = Bulk(r)
		}
		return Array(elems)
	case sql.ResultCount:
		return Int(res.Count)
	}
	return OK()
}
