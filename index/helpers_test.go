package index

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/txn"
	"github.com/memflux/memflux/value"
)

var (
	long     = flag.Bool("long", false, "run the long randomized tests")
	seedFlag = flag.Int64("seed", 0, "seed of the randomized tests (0: time-based)")
)

// memLog is a txn.Log that keeps the records in memory.
type memLog struct {
	mu   sync.Mutex
	recs []logRec
}

type logRec struct {
	ts  uint64
	rec []byte
}

func (l *memLog) Append(ts uint64, p []byte) (func() error, error) {
	l.mu.Lock()
	l.recs = append(l.recs, logRec{ts, append([]byte(nil), p...)})
	l.mu.Unlock()
	return nil, nil
}

// env is a store with an index manager.
type env struct {
	t    testing.TB
	txns *txn.Manager
	idx  *Manager
	log  *memLog
}

func newEnv(t testing.TB, opts *Options) *env {
	t.Helper()
	log := &memLog{}
	txns := txn.NewManager(mvcc.NewStore(), txn.Options{Log: log})
	m := New(txns, opts)
	m.Start()
	t.Cleanup(m.Close)
	return &env{t: t, txns: txns, idx: m, log: log}
}

// set writes a JSON document (doc "" deletes) in an auto-committed transaction.
func (e *env) set(key, doc string) error {
	tx := e.txns.Begin(txn.ModeSnapshot)
	if doc == "" {
		tx.Delete(mvcc.Data, []byte(key))
	} else {
		tx.Put(mvcc.Data, []byte(key), jsonValue(e.t, doc))
	}
	return tx.Commit()
}

func (e *env) mustSet(key, doc string) {
	e.t.Helper()
	if err := e.set(key, doc); err != nil {
		e.t.Fatalf("set %s: %v", key, err)
	}
}

func jsonValue(t testing.TB, doc string) value.Value {
	s, err := jsondoc.Normalize([]byte(doc))
	if err != nil {
		t.Fatalf("normalize %s: %v", doc, err)
	}
	return value.JSON(s)
}

// create makes an index online and waits for it.
func (e *env) create(def Def) *Def {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d, err := e.idx.CreateOnline(ctx, def)
	if err != nil {
		e.t.Fatalf("create %s: %v", def.Name, err)
	}
	return d
}

func pathDef(name, prefix string, unique bool, paths ...string) Def {
	d := Def{Name: name, Prefix: prefix, Unique: unique, Origin: OriginCommand}
	for _, p := range paths {
		d.Columns = append(d.Columns, Column{Path: p})
	}
	return d
}

// entriesAt returns the index entries of def visible to tx, key → value.
func entriesAt(tx *txn.Txn, def *Def) map[string]string {
	out := map[string]string{}
	tx.ScanPrefix(mvcc.Index, idPrefix(def.ID), func(k []byte, v value.Value) bool {
		out[string(k)] = v.Str()
		return true
	})
	return out
}

// rebuiltAt computes the entries of def from the rows visible to tx, as a build from
// scratch would.
func rebuiltAt(tx *txn.Txn, m *Manager, def *Def) map[string]string {
	cp, err := compile(def, m.compiler())
	if err != nil {
		panic(err)
	}
	out := map[string]string{}
	tx.ScanPrefix(mvcc.Data, []byte(def.KeyPrefix()), func(k []byte, v value.Value) bool {
		for _, e := range cp.rowEntries(nil, string(k), v) {
			out[e.key] = e.val
		}
		return true
	})
	return out
}

// checkIndexes verifies that every ready index visible to tx equals its rebuild.
func checkIndexes(t testing.TB, m *Manager, tx *txn.Txn) {
	t.Helper()
	if err := indexMismatch(m, tx); err != nil {
		t.Fatal(err)
	}
}

// indexMismatch returns an error describing the first ready index visible to tx that
// differs from its rebuild.
func indexMismatch(m *Manager, tx *txn.Txn) error {
	for _, def := range m.List(tx) {
		if !def.Ready() {
			continue
		}
		got, want := entriesAt(tx, def), rebuiltAt(tx, m, def)
		if !maps.Equal(got, want) {
			return fmt.Errorf("index %s at ts %d differs from its rebuild:\n%s", def.Name, tx.Start(), diffEntries(got, want))
		}
	}
	return nil
}

func diffEntries(got, want map[string]string) string {
	var lines []string
	for k, v := range got {
		if w, ok := want[k]; !ok || w != v {
			lines = append(lines, fmt.Sprintf("  extra   %q=%q", k, v))
		}
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			lines = append(lines, fmt.Sprintf("  missing %q=%q", k, v))
		}
	}
	slices.Sort(lines)
	if len(lines) > 20 {
		lines = append(lines[:20], "  …")
	}
	return strings.Join(lines, "\n")
}

// isUnique reports whether err is a unique violation.
func isUnique(err error) bool { return errors.Is(err, ErrUnique) }

// valueT abbreviates the stored value type in callbacks.
type valueT = value.Value
