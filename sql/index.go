package sql

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/memflux/memflux/index"
	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/sql/ast"
	"github.com/memflux/memflux/sql/exec"
	"github.com/memflux/memflux/sql/funcs"
	"github.com/memflux/memflux/sql/parser"
	"github.com/memflux/memflux/sql/plan"
	"github.com/memflux/memflux/sql/sem"
	"github.com/memflux/memflux/value"
)

// This file connects the engine to package index: CREATE [UNIQUE] INDEX and DROP INDEX
// (SPEC §4.14), the compiler of expression columns, and (index_paths.go) the planner's
// index access paths.

// SetIndexes attaches the database's index manager: CREATE INDEX and DROP INDEX define
// indexes through it, the planner reads through it, and it evaluates expression columns
// with this engine's compiler. Call it before the engine runs statements (and, for
// expression indexes to be maintained during recovery, before the log is replayed).
func (e *Engine) SetIndexes(m *index.Manager) {
	e.idx = m
	m.SetCompiler(IndexExprCompiler{})
	e.SetPaths(&indexPaths{m: m})
}

// Indexes returns the attached index manager, or nil.
func (e *Engine) Indexes() *index.Manager { return e.idx }

// errNoIndexes is returned by index statements on an engine without an index manager.
var errNoIndexes = sem.NewError(sem.ErrUnsupported, "indexes are not available in this engine")

// execIndexDDL runs CREATE INDEX and DROP INDEX; they reply +OK.
func (e *Engine) execIndexDDL(s *stmt, st ast.Statement) (Result, error) {
	var err error
	switch st := st.(type) {
	case *ast.CreateIndex:
		err = s.createIndex(st)
	case *ast.DropIndex:
		err = s.dropIndex(st)
	}
	if err != nil {
		return Result{}, err
	}
	return Result{Kind: ResultOK}, nil
}

// createIndex runs CREATE [UNIQUE] INDEX [IF NOT EXISTS] name ON table (expr, …): the
// definition is written in the statement's transaction with the catalog key
// _internal:indexes:<name>; the index is built when the transaction commits. A UNIQUE
// index over rows that already hold duplicates fails here.
func (s *stmt) createIndex(ci *ast.CreateIndex) error {
	m := s.e.idx
	if m == nil {
		return errNoIndexes
	}
	if _, err := m.Get(s.tx, ci.Name); err == nil {
		if ci.IfNotExists {
			return nil
		}
		return sem.Errorf(sem.ErrPlan, "Index '%s' already exists", ci.Name)
	}
	table := ci.Table.FullName()
	if ci.Table.Schema != "" && !s.cat.SchemaExists(ci.Table.Schema) {
		return sem.Errorf(sem.ErrPlan, "Schema '%s' does not exist", ci.Table.Schema)
	}
	schema, err := s.cat.Table(table)
	if err != nil {
		return err
	}
	ref := &ast.TableName{Schema: ci.Table.Schema, Name: ci.Table.Name}
	scope := (&plan.Planner{}).DocScope(ref, schema, true)
	def := index.Def{Name: ci.Name, Prefix: table + ":*", Unique: ci.Unique, Origin: index.OriginSQL, Table: table}
	texts := make([]string, len(ci.Exprs))
	for i, x := range ci.Exprs {
		if err := scope.Validate(x); err != nil {
			return err
		}
		col, err := indexColumn(x, ref.RefName())
		if err != nil {
			return err
		}
		def.Columns = append(def.Columns, col)
		texts[i] = col.Path + col.Expr
	}
	if len(def.Columns) > index.MaxColumns {
		return sem.Errorf(sem.ErrPlan, "An index can have at most %d columns", index.MaxColumns)
	}
	if ci.Unique {
		if err := m.FindDuplicate(s.tx, def); err != nil {
			return uniqueBuildError(err, table)
		}
	}
	if _, err := m.Create(s.tx, def); err != nil {
		return indexDefError(err, ci.Name)
	}
	meta, _ := json.Marshal(struct {
		Name    string   `json:"name"`
		Table   string   `json:"table"`
		Columns []string `json:"columns"`
		Unique  bool     `json:"unique"`
	}{ci.Name, table, texts, ci.Unique})
	s.tx.Put(mvcc.Data, []byte(index.SQLCatalogPrefix+ci.Name), value.Bytes(string(meta)))
	return nil
}

// dropIndex runs DROP INDEX [IF EXISTS] name.
func (s *stmt) dropIndex(di *ast.DropIndex) error {
	m := s.e.idx
	if m == nil {
		return errNoIndexes
	}
	if !m.Drop(s.tx, di.Name) && !di.IfExists {
		return sem.Errorf(sem.ErrPlan, "Index '%s' does not exist", di.Name)
	}
	return nil
}

// indexColumn maps one CREATE INDEX expression to an index column: a plain column (with
// its member path) of the table is a path column; anything else — and the implicit id and
// _key, which are not document members — an expression column, stored as canonical text
// without the table's qualifier.
func indexColumn(x ast.Expr, ref string) (index.Column, error) {
	if c, ok := x.(*ast.ColumnRef); ok && (c.Qualifier == "" || c.Qualifier == ref) && c.Name != "id" && c.Name != "_key" {
		return index.Column{Path: strings.Join(append([]string{c.Name}, c.Path...), ".")}, nil
	}
	if err := immutable(x); err != nil {
		return index.Column{}, err
	}
	text, err := unqualified(x.String(), ref)
	if err != nil {
		return index.Column{}, err
	}
	return index.Column{Expr: text}, nil
}

// unqualified returns the canonical text of an expression with the qualifier ref removed
// from its column references, so that `lower(users.name)` and `lower(name)` match.
func unqualified(text, ref string) (string, error) {
	x, err := parser.ParseExpr(text)
	if err != nil {
		return "", syntaxError(err)
	}
	ast.Inspect(x, func(n ast.Node) bool {
		if c, ok := n.(*ast.ColumnRef); ok && c.Qualifier == ref {
			c.Qualifier = ""
		}
		return true
	})
	return x.String(), nil
}

// immutable refuses expressions an index cannot hold: their value must depend on the row
// alone (no subqueries, parameters, aggregates, or functions of the transaction like
// NOW()).
func immutable(x ast.Expr) error {
	var bad string
	ast.Inspect(x, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Subquery, *ast.Exists:
			bad = "a subquery"
		case *ast.In:
			if n.Query != nil {
				bad = "a subquery"
			}
		case *ast.AnyAll:
			bad = "a subquery"
		case *ast.Placeholder:
			bad = "a parameter"
		case *ast.FuncCall:
			name := strings.ToUpper(n.Name)
			if funcs.IsAggregate(name) {
				bad = "an aggregate"
			} else if f, ok := funcs.Lookup(name); ok && f.Stable {
				bad = "function " + name
			}
		}
		return bad == ""
	})
	if bad != "" {
		return sem.Errorf(sem.ErrPlan, "Index expressions cannot use %s", bad)
	}
	return nil
}

// indexDefError maps an index definition error to the statement's error.
func indexDefError(err error, name string) error {
	switch {
	case errors.Is(err, index.ErrExists):
		return sem.Errorf(sem.ErrPlan, "Index '%s' already exists", name)
	case errors.Is(err, index.ErrInvalid), errors.Is(err, index.ErrPrefix):
		return sem.Errorf(sem.ErrPlan, "Invalid index '%s': %v", name, err)
	}
	return err
}

// uniqueBuildError renders a duplicate found while defining a unique index (SPEC §4.14:
// `Failed to create unique index: …`).
func uniqueBuildError(err error, table string) error {
	var ue *index.UniqueError
	if errors.As(err, &ue) {
		return sem.Errorf(sem.ErrConstraint, "Failed to create unique index: duplicate value %s in column '%s' of table '%s'",
			ue.Value, strings.Join(ue.Columns, ", "), table)
	}
	return err
}

// IndexExprCompiler compiles the expression columns of indexes (index.ExprCompiler): the
// expression is evaluated against {<table>: doc} with the row's key, like a CHECK
// constraint. It is safe for concurrent use.
type IndexExprCompiler struct{}

// CompileIndexExpr implements index.ExprCompiler.
func (IndexExprCompiler) CompileIndexExpr(table, text string) (func(key, doc string) (jsondoc.Value, error), error) {
	x, err := parser.ParseExpr(text)
	if err != nil {
		return nil, syntaxError(err)
	}
	if err := immutable(x); err != nil {
		return nil, err
	}
	p := &plan.Planner{}
	fn, err := p.DocScope(tableRef(table), nil, true).Compile(x)
	if err != nil {
		return nil, err
	}
	nState, pre := p.NState(), len(table)+1
	return func(key, doc string) (v jsondoc.Value, err error) {
		defer func() {
			if r := recover(); r != nil {
				v, err = jsondoc.Null(), fmt.Errorf("index expression %s: %v", text, r)
			}
		}()
		c := exec.NewCtx(nil, nil, nState, exec.Limits{})
		return fn(exec.NewFrame(c, nil, &exec.Row{Slots: []exec.Slot{{Doc: doc, Key: key, Pre: pre}}}))
	}, nil
}
