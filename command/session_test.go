package command

import (
	"errors"
	"testing"

	"github.com/memflux/memflux/txn"
)

// exec runs a command given as strings on s.
func exec(s *Session, args ...string) (Reply, error) {
	b := make([][]byte, len(args))
	for i, a := range args {
		b[i] = []byte(a)
	}
	return s.Exec(b)
}

func TestExecNoCommandName(t *testing.T) {
	g := newGoldenDB(txn.Serializable, "")
	defer g.close()
	s := g.session("s1")
	_, err := s.Exec(nil)
	if err == nil || err.Error() != "Command name not provided" || !errors.Is(err, ErrInvalid) {
		t.Fatalf("Exec(nil) = %v; want ErrInvalid %q", err, "Command name not provided")
	}
	_, err = s.ExecIn(g.env.Txns.Begin(txn.ModeSnapshot), nil)
	if err == nil || err.Error() != "Command name not provided" {
		t.Fatalf("ExecIn(nil) = %v; want %q", err, "Command name not provided")
	}
}

// TestErrorKinds checks that errors carry a kind Go callers can branch on.
func TestErrorKinds(t *testing.T) {
	g := newGoldenDB(txn.Serializable, "")
	defer g.close()
	s := g.session("s1")
	if _, err := exec(s, "RPUSH", "l", "a"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		kind error
	}{
		{[]string{"GET", "l"}, ErrWrongType},
		{[]string{"GET"}, ErrArity},
		{[]string{"LPOP", "l", "x"}, ErrInvalid},
		{[]string{"NOPE"}, ErrUnknown},
		{[]string{"COMMIT"}, ErrTxnState},
		{[]string{"SAVE"}, ErrUnsupported},
	}
	for _, tc := range tests {
		_, err := exec(s, tc.args...)
		if !errors.Is(err, tc.kind) {
			t.Errorf("%q: got %v, want kind %v", tc.args, err, tc.kind)
		}
	}
}

// TestAbortErrorKind checks that a serialization failure is ErrAborted and wraps a
// retryable txn error.
func TestAbortErrorKind(t *testing.T) {
	g := newGoldenDB(txn.Serializable, "")
	defer g.close()
	a, b := g.session("a"), g.session("b")
	for _, step := range []struct {
		s    *Session
		args []string
	}{
		{a, []string{"BEGIN"}}, {a, []string{"GET", "x"}}, {a, []string{"SET", "y", "1"}},
		{b, []string{"SET", "x", "1"}},
	} {
		if _, err := exec(step.s, step.args...); err != nil {
			t.Fatalf("%q: %v", step.args, err)
		}
	}
	_, err := exec(a, "COMMIT")
	if !errors.Is(err, ErrAborted) || !errors.Is(err, txn.ErrRetryable) {
		t.Fatalf("COMMIT = %v; want ErrAborted wrapping txn.ErrRetryable", err)
	}
	if err.Error() != "ABORT: Serialization failure, please retry transaction" {
		t.Fatalf("COMMIT message = %q", err.Error())
	}
	if a.InTxn() {
		t.Fatalf("session still in a transaction after a failed COMMIT")
	}
}

func TestCommandListsEveryCommand(t *testing.T) {
	g := newGoldenDB(txn.Serializable, "")
	defer g.close()
	s := g.session("s1")
	r, err := exec(s, "COMMAND")
	if err != nil {
		t.Fatal(err)
	}
	names := Names()
	if len(r.Elems) != len(names) {
		t.Fatalf("COMMAND returned %d entries, want %d", len(r.Elems), len(names))
	}
	for i, e := range r.Elems {
		if got, want := e.Elems[0].Str, lower(names[i]); got != want {
			t.Errorf("COMMAND entry %d is %q, want %q", i, got, want)
		}
	}
	r, err = exec(s, "COMMAND", "LIST")
	if err != nil || len(r.Elems) != len(names) {
		t.Fatalf("COMMAND LIST = %v, %v; want %d names", r, err, len(names))
	}
	r, err = exec(s, "COMMAND", "DOCS")
	if err != nil || len(r.Elems) != 2*len(names) {
		t.Fatalf("COMMAND DOCS = %d elements, %v; want %d", len(r.Elems), err, 2*len(names))
	}
	for _, n := range names {
		if Lookup(n) == nil || Lookup(lower(n)) == nil {
			t.Errorf("Lookup(%q) failed", n)
		}
		if Lookup(n).Summary == "" {
			t.Errorf("command %s has no summary", n)
		}
	}
}

func TestExecInRefusesTxnControl(t *testing.T) {
	g := newGoldenDB(txn.Serializable, "")
	defer g.close()
	s := g.session("s1")
	tx := g.env.Txns.Begin(txn.ModeSnapshot)
	defer tx.Rollback()
	for _, name := range []string{"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "ROLLBACK_TO_SAVEPOINT", "RELEASE_SAVEPOINT"} {
		if _, err := s.ExecIn(tx, [][]byte{[]byte(name), []byte("x")}); !errors.Is(err, ErrTxnState) {
			t.Errorf("ExecIn(%s) = %v; want ErrTxnState", name, err)
		}
	}
	if _, err := s.ExecIn(tx, [][]byte{[]byte("NOPE")}); !errors.Is(err, ErrUnknown) {
		t.Errorf("ExecIn(NOPE) = %v; want ErrUnknown", err)
	}
	// A failing command leaves none of its writes in the transaction.
	if _, err := s.ExecIn(tx, [][]byte{[]byte("SET"), []byte("k"), []byte("v")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ExecIn(tx, [][]byte{[]byte("RPUSH"), []byte("k"), []byte("x")}); !errors.Is(err, ErrWrongType) {
		t.Fatalf("RPUSH on bytes = %v; want ErrWrongType", err)
	}
	if tx.Writes() != 1 {
		t.Fatalf("transaction has %d writes after a failed command, want 1", tx.Writes())
	}
}
