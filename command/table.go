package command

import (
	"fmt"
	"sort"

	"github.com/memflux/memflux/txn"
)

// Flags describe how a command runs. It is a plain value.
type Flags uint16

const (
	// flagNoTxn: the command runs without an auto-commit transaction (transaction control,
	// server housekeeping, admin commands that manage their own).
	flagNoTxn Flags = 1 << iota
	// flagSnapshot: auto-commit runs in ModeSnapshot because the command reads several keys
	// or scans (MGET, KEYS, SQL…).
	flagSnapshot
	// flagWrite: the command may write (eviction and OOM checks apply).
	flagWrite
	// flagNoAuth: allowed before AUTH.
	flagNoAuth
	// flagTxnControl: BEGIN, COMMIT, ROLLBACK and savepoints.
	flagTxnControl
	// flagSelfTxn: the command decides after parsing its arguments whether
	// it needs a transaction (SQL: transaction statements act on the
	// session). Session.Exec runs it with Call.Tx nil and the command uses
	// Session.inTxn; ExecIn passes its managed transaction as usual.
	flagSelfTxn
)

// Spec is one entry of the command table. Specs are registered at init and read-only
// afterwards, so they are safe for concurrent use.
type Spec struct {
	Name  string // upper case
	Flags Flags
	Run   func(c *Call) (Reply, error)
	// Summary is a one-line description for COMMAND DOCS and docs/commands.md.
	Summary string
}

// Call is one execution of a command. It belongs to the session running it and is not
// safe for concurrent use.
type Call struct {
	S    *Session
	Args [][]byte // Args[0] is the command name as sent
	Tx   *txn.Txn // the transaction to run in; nil for flagNoTxn commands
	Name string   // upper-cased command name
	env  *Env
}

// table maps upper-case command names to their specs. It is written only by init
// functions (register) and read-only afterwards.
var table = map[string]*Spec{}

// register adds commands to the table. Duplicate names are a programming error.
func register(specs ...Spec) {
	for i := range specs {
		s := specs[i]
		if _, dup := table[s.Name]; dup {
			panic(fmt.Sprintf("command: %s registered twice", s.Name))
		}
		table[s.Name] = &s
	}
}

// lookup finds a command by name, case-insensitively, without allocating for names up to
// 32 bytes.
func lookup(name []byte) (*Spec, string) {
	var buf [32]byte
	var up []byte
	if len(name) <= len(buf) {
		up = buf[:len(name)]
	} else {
		up = make([]byte, len(name))
	}
	for i, c := range name {
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		up[i] = c
	}
	if s, ok := table[string(up)]; ok {
		return s, s.Name
	}
	return nil, string(up)
}

// Names returns every registered command name, sorted.
func Names() []string {
	names := make([]string, 0, len(table))
	for n := range table {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Lookup returns the spec of a command (nil if unknown).
func Lookup(name string) *Spec {
	s, _ := lookup([]byte(name))
	return s
}

// AllowedBeforeAuth reports whether the command may run on an unauthenticated connection.
func (s *Spec) AllowedBeforeAuth() bool { return s.Flags&flagNoAuth != 0 }

// Writes reports whether the command may write.
func (s *Spec) Writes() bool { return s.Flags&flagWrite != 0 }
