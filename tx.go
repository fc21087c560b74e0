package memflux

import (
	"errors"

	"github.com/memflux/memflux/command"
	"github.com/memflux/memflux/txn"
)

// Tx is a transaction of the Go API, valid only inside the function given to Update or
// View. It is not safe for concurrent use.
type Tx struct {
	t  *txn.Txn
	s  *command.Session
	ro bool
}

// updateRetries bounds how often Update re-runs its function after a conflict.
const updateRetries = 16

// Update runs fn in a read-write transaction and commits it if fn returns nil. When the
// commit conflicts with a concurrent transaction, fn runs again on a fresh snapshot (up to
// 16 times), so fn must not have side effects outside the transaction.
func (db *DB) Update(fn func(tx *Tx) error) error {
	if db.closed.Load() {
		return ErrClosed
	}
	s := db.env.NewSession()
	defer s.Close()
	var err error
	for range updateRetries {
		t := db.txns.Begin(txn.ModeSnapshot)
		if err = db.runTx(t, s, false, fn); err != nil {
			t.Rollback()
			return err
		}
		if err = t.Commit(); err == nil || !errors.Is(err, txn.ErrRetryable) {
			return err
		}
	}
	return &command.Error{Kind: command.ErrAborted, Msg: "ABORT: Serialization failure, please retry transaction", Err: err}
}

// View runs fn in a read-only transaction: a stable snapshot that never aborts.
func (db *DB) View(fn func(tx *Tx) error) error {
	if db.closed.Load() {
		return ErrClosed
	}
	s := db.env.NewSession()
	defer s.Close()
	t := db.txns.Begin(txn.ModeSnapshot)
	defer t.Rollback()
	return db.runTx(t, s, true, fn)
}

// runTx calls fn, turning a panic into a rolled-back transaction before re-panicking.
func (db *DB) runTx(t *txn.Txn, s *command.Session, ro bool, fn func(*Tx) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			t.Rollback()
			panic(p)
		}
	}()
	return fn(&Tx{t: t, s: s, ro: ro})
}

// Exec runs any non-transaction-control command inside the transaction.
func (tx *Tx) Exec(args ...string) (Reply, error) {
	if tx.ro && len(args) > 0 {
		if spec := command.Lookup(args[0]); spec != nil && spec.Writes() {
			return Reply{}, errReadOnly
		}
	}
	return tx.s.ExecIn(tx.t, byteArgs(args))
}

// Get returns the value of key: the bytes of a byte string or the compact JSON of a
// document. ok is false when the key does not exist.
func (tx *Tx) Get(key string) (val []byte, ok bool, err error) {
	r, err := tx.Exec("GET", key)
	if err != nil || r.Kind == command.KindNil {
		return nil, false, err
	}
	return []byte(r.Str), true, nil
}

// Set stores a byte string under key.
func (tx *Tx) Set(key string, val []byte) error {
	_, err := tx.Exec("SET", key, string(val))
	return err
}

// Delete deletes key and reports whether it existed.
func (tx *Tx) Delete(key string) (bool, error) {
	r, err := tx.Exec("DELETE", key)
	return r.Int == 1, err
}

// SetJSON stores a JSON document (or a value at a path: "key.a.b").
func (tx *Tx) SetJSON(keyPath string, doc []byte) error {
	_, err := tx.Exec("JSON.SET", keyPath, string(doc))
	return err
}

// GetJSON returns the compact JSON at "key" or "key.path" (a string addressed by a path
// comes back unquoted, as JSON.GET does).
func (tx *Tx) GetJSON(keyPath string) ([]byte, bool, error) {
	r, err := tx.Exec("JSON.GET", keyPath)
	if err != nil || r.Kind == command.KindNil {
		return nil, false, err
	}
	return []byte(r.Str), true, nil
}
