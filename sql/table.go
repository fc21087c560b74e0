package sql

import (
	"slices"
	"strings"
	"sync"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/sql/ast"
	"github.com/memflux/memflux/sql/catalog"
	"github.com/memflux/memflux/sql/exec"
	"github.com/memflux/memflux/sql/plan"
	"github.com/memflux/memflux/sql/sem"
)

// tableInfo is the engine's compiled view of one table for DML: its schema
// (nil for a table without one) with the constraints and defaults compiled.
// It is immutable and shared by every statement that sees the same schema
// text.
type tableInfo struct {
	name   string // the full table name: its key prefix without the ':'
	schema *catalog.Schema
	// keyCol is the column whose value makes the key (SPEC §4.15 step 5).
	keyCol string
	// notNull are the non-nullable columns in name order.
	notNull []string
	checks  []exec.Expr
	uniques []uniqueCons
	// fks are the table's own FOREIGN KEY constraints.
	fks []*catalog.Constraint
	// defaults compute the DEFAULT of each column that has one.
	defaults map[string]exec.Expr
	// nState is the number of execution state slots checks and defaults
	// need.
	nState int
}

// uniqueCons is a single-column UNIQUE constraint.
type uniqueCons struct {
	index string // the backing index name (SPEC §4.14)
	col   string
}

// prefix returns the key prefix of the table's rows.
func (ti *tableInfo) prefix() string { return ti.name + ":" }

// column returns the schema column name, if the table has a schema that
// defines it.
func (ti *tableInfo) column(name string) (*catalog.Column, bool) {
	if ti.schema == nil {
		return nil, false
	}
	return ti.schema.Column(name)
}

// tableRef returns the table name as an AST name ("s.t" → schema s, name t).
func tableRef(full string) *ast.TableName {
	if i := strings.IndexByte(full, '.'); i > 0 {
		return &ast.TableName{Schema: full[:i], Name: full[i+1:]}
	}
	return &ast.TableName{Name: full}
}

// tableInfos caches compiled tables by schema (schemas are cached by their
// text in the catalog, so a changed schema is a new pointer).
type tableInfos struct {
	// mu protects m.
	mu sync.Mutex
	m  map[*catalog.Schema]*tableInfo
}

// maxTableInfos bounds the cache; past it the map is cleared.
const maxTableInfos = 4096

// get returns the compiled table of a schema, compiling it on first use.
func (c *tableInfos) get(name string, s *catalog.Schema) (*tableInfo, error) {
	if s == nil {
		return &tableInfo{name: name, keyCol: "id"}, nil
	}
	c.mu.Lock()
	ti := c.m[s]
	c.mu.Unlock()
	if ti != nil && ti.name == name {
		return ti, nil
	}
	ti, err := compileTable(name, s)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxTableInfos {
		c.m = map[*catalog.Schema]*tableInfo{}
	}
	c.m[s] = ti
	c.mu.Unlock()
	return ti, nil
}

// compileTable compiles the constraints and defaults of a schema.
func compileTable(name string, s *catalog.Schema) (*tableInfo, error) {
	ti := &tableInfo{name: name, schema: s, keyCol: s.KeyColumn(), defaults: map[string]exec.Expr{}}
	for _, col := range s.ColumnNames() {
		if !s.Columns[col].Nullable {
			ti.notNull = append(ti.notNull, col)
		}
	}
	for _, pk := range s.PrimaryKey() {
		if !slices.Contains(ti.notNull, pk) {
			ti.notNull = append(ti.notNull, pk)
		}
	}
	slices.Sort(ti.notNull)
	p := &plan.Planner{}
	ref := tableRef(name)
	doc := p.DocScope(ref, nil, true)
	for _, c := range s.Cons {
		switch c.Kind {
		case ast.ConstraintCheck:
			fn, err := doc.Compile(c.CheckExpr)
			if err != nil {
				return nil, err
			}
			ti.checks = append(ti.checks, fn)
		case ast.ConstraintUnique:
			if len(c.Columns) == 1 {
				ti.uniques = append(ti.uniques, uniqueCons{index: c.IndexName(name), col: c.Columns[0]})
			}
		case ast.ConstraintForeignKey:
			ti.fks = append(ti.fks, c)
		}
	}
	values := p.ValuesScope()
	for _, col := range s.ColumnNames() {
		d := s.Columns[col].Def
		switch {
		case d == nil:
		case d.Expr != nil:
			fn, err := values.Compile(d.Expr)
			if err != nil {
				return nil, err
			}
			ti.defaults[col] = fn
		default:
			v := d.Literal
			ti.defaults[col] = func(*exec.Frame) (jsondoc.Value, error) { return v, nil }
		}
	}
	ti.nState = p.NState()
	return ti, nil
}

// castColumn casts v to the type of column col when the table's schema
// defines it (SPEC §4.15 step 3); other values are stored as given.
func (ti *tableInfo) castColumn(col string, v jsondoc.Value) (jsondoc.Value, error) {
	c, ok := ti.column(col)
	if !ok {
		return v, nil
	}
	return sem.Cast(v, c.Type)
}

// referencable reports whether a foreign key may reference column col: it
// is a PRIMARY KEY or UNIQUE column (a foreign key can only be made over
// those, and they cannot be dropped while referenced).
func (ti *tableInfo) referencable(col string) bool {
	if ti.schema == nil {
		return true
	}
	for _, c := range ti.schema.Cons {
		if (c.Kind == ast.ConstraintPrimaryKey || c.Kind == ast.ConstraintUnique) && slices.Contains(c.Columns, col) {
			return true
		}
	}
	return false
}
