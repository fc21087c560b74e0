package sql

import (
	"math"
	"slices"
	"strconv"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/sql/ast"
	"github.com/memflux/memflux/sql/catalog"
	"github.com/memflux/memflux/sql/exec"
	"github.com/memflux/memflux/sql/plan"
	"github.com/memflux/memflux/value"
)

// This file is the primary-key access path. A row of a table with a
// declared PRIMARY KEY lives under the key <table>:<pk> (SPEC §4.15 step 5:
// the key is derived from the first key column, and a second row with the
// same key value is a "PRIMARY KEY constraint failed" error), so the key
// space is the table's primary index: `pk = v` and `pk IN (…)` read the
// candidate keys directly instead of scanning the table. The scan re-checks
// the predicate on every candidate, so only rows the lookup would miss
// matter: for an integer key column the key text of a matching row is the
// integer's text, for a text column the string itself. Where the comparison
// rules of SPEC §4.12 could match other key texts (a numeric string against
// a text key: '10' = '10.0'), the path falls back to the full scan.
//
// Rows written around SQL under a key that does not match their key column
// (JSON.SET t:x '{"id":5}') are not found by the lookup; SQL never writes
// such rows.

// keyPaths offers the primary-key path and delegates everything else to
// next (the secondary-index provider, when one is attached).
type keyPaths struct{ next plan.PathProvider }

// keyKind classifies key columns by how their values map to key texts.
type keyKind uint8

const (
	pkNone keyKind = iota
	pkInt          // SMALLINT, INTEGER, BIGINT
	pkText         // TEXT, VARCHAR, CHAR, UUID
)

func kindOf(t ast.Type) keyKind {
	if t.Array {
		return pkNone
	}
	switch t.Base {
	case ast.TypeSmallInt, ast.TypeInteger, ast.TypeBigInt:
		return pkInt
	case ast.TypeText, ast.TypeVarchar, ast.TypeChar, ast.TypeUUID:
		return pkText
	}
	return pkNone
}

// Paths implements plan.PathProvider.
func (k keyPaths) Paths(r *catalog.Reader, req *plan.PathRequest) ([]plan.Path, error) {
	var out []plan.Path
	if k.next != nil {
		var err error
		if out, err = k.next.Paths(r, req); err != nil {
			return nil, err
		}
	}
	schema, err := r.Table(req.Table)
	if err != nil || schema == nil {
		return out, nil
	}
	pk := schema.PrimaryKey()
	if len(pk) == 0 {
		return out, nil
	}
	col, ok := schema.Column(pk[0])
	if !ok {
		return out, nil
	}
	kind := kindOf(col.Type)
	if kind == pkNone {
		return out, nil
	}
	for _, p := range req.Preds {
		if (p.Op != plan.PredEq && p.Op != plan.PredIn) || len(p.Column) != 1 || p.Column[0] != pk[0] || !rowFree(p) {
			continue
		}
		lk := &keyLookup{table: req.Table, prefix: req.Table + ":", kind: kind, values: p.Values, text: ast.SQL(p.Expr)}
		return append(out, plan.Path{Access: lk, Cost: float64(len(p.Values))}), nil
	}
	return out, nil
}

// rowFree reports whether the operands of a simple predicate are
// constants or parameters (the path evaluates them without a row or an
// enclosing query's frame).
func rowFree(p plan.Pred) bool {
	var operands []ast.Expr
	switch x := p.Expr.(type) {
	case *ast.Comparison:
		operands = []ast.Expr{x.L, x.R}
	case *ast.In:
		operands = append([]ast.Expr{x.X}, x.List...)
	default:
		return false
	}
	for _, o := range operands {
		if _, isCol := o.(*ast.ColumnRef); isCol {
			continue // the key column itself
		}
		free := true
		ast.Inspect(o, func(n ast.Node) bool {
			switch n.(type) {
			case *ast.ColumnRef, *ast.Select, *ast.FuncCall:
				free = false
			}
			return free
		})
		if !free {
			return false
		}
	}
	return true
}

// keyLookup reads the rows whose keys the predicate's values name.
type keyLookup struct {
	table  string
	prefix string // table + ":"
	kind   keyKind
	values []exec.Expr
	text   string
}

// Describe implements exec.AccessPath.
func (k *keyLookup) Describe() string { return "KeyLookup (" + k.text + ")" }

// Scan implements exec.AccessPath.
func (k *keyLookup) Scan(c *exec.Ctx, fn func(key []byte, v value.Value) bool) error {
	f := c.RootFrame()
	if len(k.values) == 1 {
		// The common point lookup: one key, no list. The key is built in
		// the execution's scratch buffer: fn sees it only during the call.
		v, err := k.values[0](f)
		if err != nil {
			return err
		}
		buf := c.TakeBuf()
		buf, found, exact := appendKeySuffix(append(buf, k.prefix...), k.kind, v)
		switch {
		case !exact:
			c.Tx.ScanPrefix(mvcc.Data, []byte(k.prefix), fn)
		case found:
			if v := c.Tx.Get(mvcc.Data, buf); v.Exists() {
				fn(buf, v)
			}
		}
		c.PutBuf(buf)
		return nil
	}
	var keys []string
	var buf []byte
	for _, e := range k.values {
		v, err := e(f)
		if err != nil {
			return err
		}
		var found, exact bool
		buf, found, exact = appendKeySuffix(append(buf[:0], k.prefix...), k.kind, v)
		switch {
		case !exact:
			c.Tx.ScanPrefix(mvcc.Data, []byte(k.prefix), fn)
			return nil
		case !found:
			continue
		}
		keys = append(keys, string(buf))
	}
	for i, key := range keys {
		if slices.Contains(keys[:i], key) {
			continue
		}
		if v := c.Tx.Get(mvcc.Data, []byte(key)); v.Exists() {
			if !fn([]byte(key), v) {
				return nil
			}
		}
	}
	return nil
}

// appendKeySuffix appends to buf the key suffix of the only row key that can
// hold a key column value equal to v (SPEC §4.12 `=`). found is false when no
// row can match; exact is false when rows under other key texts could match,
// so the caller must scan.
func appendKeySuffix(buf []byte, kind keyKind, v jsondoc.Value) (_ []byte, found, exact bool) {
	switch v.Kind() {
	case jsondoc.KindNull:
		return buf, false, true // NULL = x is never true
	case jsondoc.KindString:
		s, _ := v.Str()
		n, numeric := jsondoc.ParseNumber(s)
		switch {
		case !numeric:
			// Non-numeric strings compare byte-wise with strings (and the
			// implicit id of a row without the member is its key suffix).
			return append(buf, s...), true, true
		case kind == pkText:
			return buf, false, false
		}
		v = n
	}
	if kind != pkInt || !v.IsNumber() {
		if kind == pkText && v.IsNumber() {
			return buf, false, false
		}
		return buf, false, true
	}
	if i, ok := v.AsInt(); ok {
		return strconv.AppendInt(buf, i, 10), true, true
	}
	if u, ok := v.AsUint(); ok {
		return strconv.AppendUint(buf, u, 10), true, true
	}
	f, _ := v.AsFloat()
	if f != math.Trunc(f) || math.Abs(f) >= 1<<63 {
		return buf, false, true
	}
	return strconv.AppendInt(buf, int64(f), 10), true, true
}

// keySuffix is appendKeySuffix returning the suffix as a string.
func keySuffix(kind keyKind, v jsondoc.Value) (suffix string, found, exact bool) {
	b, found, exact := appendKeySuffix(nil, kind, v)
	return string(b), found, exact
}
