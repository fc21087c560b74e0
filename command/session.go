package command

import (
	"errors"
	"sync"
	"sync/atomic"

	"github.com/memflux/memflux/txn"
)

// Host is what commands need from the database beyond transactions: persistence, statistics
// and configuration. The root package implements it. Its methods are called from every
// session concurrently.
type Host interface {
	// Persistent reports whether persistence is enabled.
	Persistent() bool
	// Save writes a snapshot; background returns once it has started.
	Save(background bool) error
	// Info returns the INFO text of one section ("" or "all" / "everything" for all).
	Info(section string) string
	// ConfigGet returns the configuration parameters matching a glob, as name/value pairs.
	ConfigGet(pattern string) []string
	// Wipe resets memory accounting after a WIPEDB.
	Wipe()
}

// Env is everything commands run against. One Env serves every session of a database; it
// is safe for concurrent use. Set Txns, Host and Memory before the first session is made.
type Env struct {
	Txns *txn.Manager
	Host Host

	nextID   atomic.Int64
	cursors  cursorTable
	sessions sessionRegistry
	sql      sqlState   // the SQL engine, created on first use (sql.go)
	idx      indexState // the index manager (index.go)

	// Memory is the maxmemory gate write commands pass before they run; nil: no limit.
	Memory Memory
}

// Session is one connection's (or cursor's) command state: its explicit transaction,
// protocol version and client name. It is not safe for concurrent use: a connection runs
// one command at a time.
type Session struct {
	env  *Env
	tx   *txn.Txn // open explicit transaction, nil outside BEGIN … COMMIT
	auto txn.Txn  // reused for auto-committed commands
	call Call     // reused by Exec

	// ID is the client id (CLIENT ID).
	ID int64
	// proto is the RESP protocol version (2 or 3), changed by HELLO; atomic because
	// CLIENT LIST on other sessions reads it.
	proto atomic.Int32
	// Authenticated is set by AUTH or HELLO … AUTH when the host requires a password.
	Authenticated bool
	// Quit is set by QUIT: the front door closes the connection after replying.
	Quit bool

	// infoMu protects info, which CLIENT LIST on other sessions reads.
	infoMu sync.Mutex
	info   clientInfo
}

// NewSession returns a session over env.
func (env *Env) NewSession() *Session {
	s := &Session{env: env, ID: env.nextID.Add(1)}
	s.proto.Store(2)
	s.Authenticated = env.auth() == nil
	env.sessions.add(s)
	return s
}

// Proto returns the RESP protocol version the session speaks (2 or 3).
func (s *Session) Proto() int { return int(s.proto.Load()) }

// InTxn reports whether an explicit transaction is open.
func (s *Session) InTxn() bool { return s.tx != nil }

// Tx returns the open explicit transaction, or nil.
func (s *Session) Tx() *txn.Txn { return s.tx }

// Close rolls back the open transaction, if any. The session must not be used afterwards.
func (s *Session) Close() {
	if s.tx != nil {
		s.tx.Rollback()
		s.tx = nil
	}
	s.env.sessions.remove(s)
}

// maxRetries bounds how often an auto-committed command is re-run after a conflict.
const maxRetries = 64

// Exec runs one command: args[0] is its name (any case), the rest its arguments. Inside an
// explicit transaction a failing command leaves no writes behind and the transaction open.
// Outside, the command is its own transaction, retried transparently on conflicts.
func (s *Session) Exec(args [][]byte) (Reply, error) {
	if len(args) == 0 {
		return Reply{}, newError(ErrInvalid, "Command name not provided")
	}
	spec, name := lookup(args[0])
	if !s.Authenticated && (spec == nil || spec.Flags&flagNoAuth == 0) {
		return Reply{}, errNoAuth
	}
	if spec == nil {
		return Reply{}, errorf(ErrUnknown, "Unknown command: %s", name)
	}
	if err := s.admit(spec, args); err != nil {
		return Reply{}, err
	}
	// The session's Call is reused: commands run one at a time per session and a Reply
	// never points into the Call.
	c := &s.call
	*c = Call{S: s, Args: args, Name: name, env: s.env}
	if spec.Flags&(flagNoTxn|flagSelfTxn) != 0 {
		return spec.Run(c)
	}
	mode := txn.ModeLatest
	if spec.Flags&flagSnapshot != 0 {
		mode = txn.ModeSnapshot
	}
	return s.runCall(mode, spec.Flags&flagWrite == 0, spec.Run, c)
}

// inTxn runs fn in the session's explicit transaction, discarding fn's writes
// when it fails, or outside one as its own auto-committed transaction in the
// given mode, retried transparently on conflicts.
func (s *Session) inTxn(mode txn.Mode, fn func(t *txn.Txn) (Reply, error)) (Reply, error) {
	c := &Call{S: s, env: s.env}
	return s.runCall(mode, false, func(c *Call) (Reply, error) { return fn(c.Tx) }, c)
}

// runCall runs c in the session's explicit transaction (rolling its writes back to
// where they were if it fails or panics), or as its own auto-committed transaction in
// the given mode, retried transparently on conflicts. A read-only command's auto-commit
// transaction skips read tracking: it never writes, so it never validates.
func (s *Session) runCall(mode txn.Mode, readOnly bool, run func(*Call) (Reply, error), c *Call) (r Reply, err error) {
	if t := s.tx; t != nil {
		c.Tx = t
		mark := t.Mark()
		defer func() {
			if p := recover(); p != nil {
				t.RollbackToMark(mark)
				panic(p)
			}
		}()
		r, err = run(c)
		if err != nil {
			t.RollbackToMark(mark)
		}
		return r, err
	}
	t := &s.auto
	defer func() {
		if p := recover(); p != nil {
			t.Rollback() // never leave a panicked command's snapshot registered
			panic(p)
		}
	}()
	for attempt := 0; ; attempt++ {
		s.env.Txns.BeginInto(t, mode)
		if readOnly {
			t.SkipReadTracking()
		}
		c.Tx = t
		r, err = run(c)
		if err != nil {
			t.Rollback()
			return Reply{}, err
		}
		if err := t.Commit(); err != nil {
			if errors.Is(err, txn.ErrRetryable) && attempt < maxRetries {
				continue
			}
			return Reply{}, commitError(err)
		}
		return r, nil
	}
}

// commitError maps a commit failure to the user-facing error.
func commitError(err error) error {
	if errors.Is(err, txn.ErrRetryable) {
		return &Error{Kind: ErrAborted, Msg: errAborted.Msg, Err: err}
	}
	return err
}

// ExecIn runs one command inside t, a transaction the caller manages (the Go API's Update
// and View). A failing command leaves none of its writes in t. Transaction-control
// commands are refused.
func (s *Session) ExecIn(t *txn.Txn, args [][]byte) (Reply, error) {
	if len(args) == 0 {
		return Reply{}, newError(ErrInvalid, "Command name not provided")
	}
	spec, name := lookup(args[0])
	if spec == nil {
		return Reply{}, errorf(ErrUnknown, "Unknown command: %s", name)
	}
	if spec.Flags&flagTxnControl != 0 {
		return Reply{}, errTxnControl
	}
	if err := s.admit(spec, args); err != nil {
		return Reply{}, err
	}
	c := Call{S: s, Args: args, Name: name, env: s.env}
	if spec.Flags&flagNoTxn != 0 {
		return spec.Run(&c)
	}
	c.Tx = t
	mark := t.Mark()
	r, err := spec.Run(&c)
	if err != nil {
		t.RollbackToMark(mark)
	}
	return r, err
}

// Memory admits write commands under maxmemory (package evict, wired by the root package).
// Admit is called from every session concurrently.
type Memory interface {
	// Admit makes room for a write whose arguments (keys and values) total n bytes,
	// evicting keys if the policy allows. An error (kind ErrOOM, SPEC §8 message) means the
	// command must not run.
	Admit(n int64) error
}

// shrinking lists the write commands that only remove data: they run even when memory is
// full, as in Redis, so that clients can always free memory themselves.
var shrinking = map[string]bool{
	"DEL": true, "DELETE": true, "GETDEL": true, "LPOP": true, "RPOP": true, "LREM": true,
	"LTRIM": true, "SREM": true, "SPOP": true, "JSON.DEL": true,
}

// admit passes a write command through the Memory gate before it runs, so that a refused
// write changes nothing.
func (s *Session) admit(spec *Spec, args [][]byte) error {
	if s.env.Memory == nil || spec.Flags&flagWrite == 0 || shrinking[spec.Name] {
		return nil
	}
	n := 0
	for _, a := range args[1:] {
		n += len(a)
	}
	return s.env.Memory.Admit(int64(n))
}
