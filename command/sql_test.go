package command

import (
	"errors"
	"testing"

	"github.com/memflux/memflux/sql"
	"github.com/memflux/memflux/txn"
)

// TestSQLExecIn checks the SQL command inside a caller-managed transaction:
// statements run in it, transaction statements are refused, errors carry
// ErrSQL and the engine's kind.
func TestSQLExecIn(t *testing.T) {
	g := newGoldenDB(txn.Serializable, "")
	defer g.close()
	s := g.session("s1")
	tx := g.env.Txns.Begin(txn.ModeSnapshot)
	defer tx.Rollback()
	args := func(a ...string) [][]byte {
		out := make([][]byte, len(a))
		for i := range a {
			out[i] = []byte(a[i])
		}
		return out
	}
	if _, err := s.ExecIn(tx, args("JSON.SET", "t:1", `{"a":1}`)); err != nil {
		t.Fatal(err)
	}
	r, err := s.ExecIn(tx, args("SQL", "SELECT", "a", "FROM", "t"))
	if err != nil || r.String() != `["{\"a\":1}"]` {
		t.Fatalf("SELECT in managed txn: %v %v", r, err)
	}
	if _, err := s.ExecIn(tx, args("SQL", "BEGIN")); !errors.Is(err, ErrTxnState) {
		t.Errorf("SQL BEGIN in managed txn: %v", err)
	}
	_, err = s.ExecIn(tx, args("SQL", "SELECT", "a/0", "FROM", "t"))
	if !errors.Is(err, ErrSQL) || !errors.Is(err, sql.ErrDivisionByZero) || err.Error() != "Execution Error: Division by zero" {
		t.Errorf("division error: %v", err)
	}
	if s.InTxn() {
		t.Error("session transaction opened")
	}
}
