package sql

import (
	"encoding/json"
	"slices"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/sql/ast"
	"github.com/memflux/memflux/sql/catalog"
	"github.com/memflux/memflux/sql/plan"
	"github.com/memflux/memflux/sql/sem"
)

// This file runs CREATE TABLE and DROP TABLE (SPEC §4.14). DDL writes the
// catalog through the statement's transaction: inside BEGIN it is visible
// only to that transaction and rolled back with it.

// Error texts shared by the DDL statements.
func errTableExists(name string) error {
	return sem.Errorf(sem.ErrPlan, "Table '%s' already exists", name)
}

func errNoTable(name string) error {
	return sem.Errorf(sem.ErrPlan, "Table '%s' does not exist", name)
}

func errNoColumn(col, table string) error {
	return sem.Errorf(sem.ErrPlan, "Column '%s' does not exist in table '%s'", col, table)
}

func errColumnExists(col, table string) error {
	return sem.Errorf(sem.ErrPlan, "Column '%s' already exists in table '%s'", col, table)
}

func errMultiplePK(table string) error {
	return sem.Errorf(sem.ErrPlan, "Multiple primary keys defined for table '%s'", table)
}

var errCompositeUnique = sem.NewError(sem.ErrUnsupported, "Composite UNIQUE constraints are not yet supported.")

// tableExists reports whether the catalog key of table's schema exists
// (even when its text does not decode).
func (s *stmt) tableExists(name string) bool {
	_, ok := s.cat.Read(mvcc.Data, catalog.SchemaKey(name))
	return ok
}

// createTable runs CREATE TABLE [IF NOT EXISTS].
func (s *stmt) createTable(ct *ast.CreateTable) error {
	name := ct.Table.FullName()
	if ct.Table.Schema != "" && !s.cat.SchemaExists(ct.Table.Schema) {
		return sem.Errorf(sem.ErrPlan, "Schema '%s' does not exist", ct.Table.Schema)
	}
	if s.tableExists(name) {
		if ct.IfNotExists {
			return nil
		}
		return errTableExists(name)
	}
	sc := catalog.NewSchema(name)
	for _, cd := range ct.Columns {
		if _, dup := sc.Columns[cd.Name]; dup {
			return sem.Errorf(sem.ErrPlan, "Column '%s' specified more than once", cd.Name)
		}
		col, err := s.columnDef(name, cd)
		if err != nil {
			return err
		}
		sc.Columns[cd.Name] = col
		sc.Order = append(sc.Order, cd.Name)
	}
	pk, cons, err := tableConstraints(ct)
	if err != nil {
		return err
	}
	if pk != nil {
		sc.Cons = append(sc.Cons, pk)
	}
	for _, c := range append(slices.Clone(sc.Cons), cons...) {
		if err := s.addConstraint(sc, c, false); err != nil {
			return err
		}
	}
	sc.Seal()
	if _, err := compileTable(name, sc); err != nil {
		return err
	}
	for _, c := range sc.Cons {
		if c.Kind == ast.ConstraintUnique {
			if err := s.createUniqueIndex(name, c); err != nil {
				return err
			}
		}
	}
	catalog.PutSchema(s.tx, sc)
	s.registerReferences(sc)
	return nil
}

// tableConstraints collects the constraints of CREATE TABLE, inline and
// table-level: the primary key (at most one), then the others in the order
// written, foreign keys last (a self-reference may name a UNIQUE column
// declared after it). At most one CHECK is allowed.
func tableConstraints(ct *ast.CreateTable) (pk *catalog.Constraint, cons []*catalog.Constraint, err error) {
	name := ct.Table.FullName()
	setPK := func(c *catalog.Constraint) error {
		if pk != nil {
			return errMultiplePK(name)
		}
		pk = c
		return nil
	}
	checks := 0
	add := func(c *catalog.Constraint) error {
		if c.Kind == ast.ConstraintCheck {
			if checks++; checks > 1 {
				return sem.Errorf(sem.ErrPlan, "Multiple CHECK constraints defined for table '%s'", name)
			}
		}
		cons = append(cons, c)
		return nil
	}
	for _, cd := range ct.Columns {
		if cd.PrimaryKey {
			if err := setPK(&catalog.Constraint{Kind: ast.ConstraintPrimaryKey, Columns: []string{cd.Name}}); err != nil {
				return nil, nil, err
			}
		}
		if cd.Unique {
			cons = append(cons, &catalog.Constraint{Kind: ast.ConstraintUnique, Columns: []string{cd.Name}})
		}
		for _, chk := range cd.Checks {
			if err := add(&catalog.Constraint{Kind: ast.ConstraintCheck, Check: ast.SQL(chk), CheckExpr: chk}); err != nil {
				return nil, nil, err
			}
		}
	}
	for _, tc := range ct.Constraints {
		c := constraintOf(tc)
		if c.Kind == ast.ConstraintPrimaryKey {
			err = setPK(c)
		} else {
			err = add(c)
		}
		if err != nil {
			return nil, nil, err
		}
	}
	slices.SortStableFunc(cons, func(a, b *catalog.Constraint) int {
		return btoi(a.Kind == ast.ConstraintForeignKey) - btoi(b.Kind == ast.ConstraintForeignKey)
	})
	return pk, cons, nil
}

// columnDef builds a schema column from its definition.
func (s *stmt) columnDef(table string, cd *ast.ColumnDef) (*catalog.Column, error) {
	col := &catalog.Column{Name: cd.Name, Type: cd.Type, Nullable: !cd.NotNull && !cd.PrimaryKey,
		Default: json.RawMessage("null")}
	if cd.Default != nil {
		raw, def, err := encodeDefault(cd.Default, cd.Type)
		if err != nil {
			return nil, err
		}
		col.Default, col.Def = raw, def
	}
	return col, nil
}

// encodeDefault validates a DEFAULT expression and returns its catalog
// encoding: a literal (a constant, cast-checked against the column type
// now) or an expression evaluated at each insert.
func encodeDefault(e ast.Expr, t ast.Type) (json.RawMessage, *catalog.Default, error) {
	if err := plan.NoSubquery(e, "DEFAULT expression"); err != nil {
		return nil, nil, err
	}
	var colErr error
	ast.Inspect(e, func(n ast.Node) bool {
		if _, ok := n.(*ast.ColumnRef); ok && colErr == nil {
			colErr = sem.NewError(sem.ErrPlan, "cannot use column reference in DEFAULT expression")
		}
		return colErr == nil
	})
	if colErr != nil {
		return nil, nil, colErr
	}
	if v, ok := literalOf(e); ok {
		if v.IsNull() {
			return json.RawMessage("null"), nil, nil
		}
		if _, err := sem.Cast(v, t); err != nil {
			return nil, nil, err
		}
		return catalog.EncodeLiteralDefault(v), &catalog.Default{Literal: v}, nil
	}
	p := &plan.Planner{}
	if _, err := p.ValuesScope().Compile(e); err != nil {
		return nil, nil, err
	}
	return catalog.EncodeExprDefault(e), &catalog.Default{Expr: e}, nil
}

// literalOf returns the value of a literal or a negated number literal.
func literalOf(e ast.Expr) (jsondoc.Value, bool) {
	switch x := e.(type) {
	case *ast.Literal:
		switch x.Kind {
		case ast.LitBool:
			return jsondoc.Bool(x.Bool), true
		case ast.LitInt:
			return jsondoc.Int(x.Int), true
		case ast.LitFloat:
			return jsondoc.Float(x.Float), true
		case ast.LitString:
			return jsondoc.String(x.Str), true
		}
		return jsondoc.Null(), true
	case *ast.Unary:
		if l, ok := x.X.(*ast.Literal); ok {
			switch l.Kind {
			case ast.LitInt:
				return jsondoc.Int(-l.Int), true
			case ast.LitFloat:
				return jsondoc.Float(-l.Float), true
			}
		}
	}
	return jsondoc.Null(), false
}

// constraintOf converts a parsed table constraint.
func constraintOf(tc *ast.TableConstraint) *catalog.Constraint {
	c := &catalog.Constraint{Kind: tc.Kind, Name: tc.Name, Columns: tc.Columns,
		RefColumns: tc.RefColumns, OnDelete: tc.OnDelete, OnUpdate: tc.OnUpdate}
	if tc.Check != nil {
		c.Check, c.CheckExpr = ast.SQL(tc.Check), tc.Check
	}
	if tc.RefTable != nil {
		c.RefTable = tc.RefTable.FullName()
	}
	return c
}

// addConstraint validates constraint c against schema sc and adds it
// (append: ALTER TABLE ADD and CREATE TABLE; the PRIMARY KEY of CREATE
// TABLE is already in sc.Cons and only validated).
func (s *stmt) addConstraint(sc *catalog.Schema, c *catalog.Constraint, appendIt bool) error {
	for _, col := range c.Columns {
		if _, ok := sc.Column(col); !ok {
			return errNoColumn(col, sc.Table)
		}
	}
	if c.Name != "" {
		for _, o := range sc.Cons {
			if o != c && o.Name == c.Name {
				return sem.Errorf(sem.ErrPlan, "Constraint '%s' already exists on table '%s'", c.Name, sc.Table)
			}
		}
	}
	switch c.Kind {
	case ast.ConstraintPrimaryKey:
		if appendIt && sc.PrimaryKey() != nil {
			return errMultiplePK(sc.Table)
		}
		for _, col := range c.Columns {
			sc.Columns[col].Nullable = false
		}
	case ast.ConstraintUnique:
		if len(c.Columns) != 1 {
			return errCompositeUnique
		}
		if err := s.uniqueIndexFree(sc, c); err != nil {
			return err
		}
	case ast.ConstraintCheck:
		if err := plan.NoSubquery(c.CheckExpr, "check constraint"); err != nil {
			return err
		}
		scope := (&plan.Planner{}).DocScope(tableRef(sc.Table), sc, true)
		if err := scope.Validate(c.CheckExpr); err != nil {
			return err
		}
	case ast.ConstraintForeignKey:
		if err := s.resolveForeignKey(sc, c); err != nil {
			return err
		}
	}
	if appendIt || c.Kind != ast.ConstraintPrimaryKey {
		sc.Cons = append(sc.Cons, c)
	}
	return nil
}

// uniqueIndexFree fails when the index a UNIQUE constraint creates already
// exists: the index of another UNIQUE constraint of any table, or of this
// one (SPEC §4.14: "Failed to create unique index: …").
func (s *stmt) uniqueIndexFree(sc *catalog.Schema, c *catalog.Constraint) error {
	name := c.IndexName(sc.Table)
	taken := func(cons []*catalog.Constraint, table string) bool {
		for _, o := range cons {
			if o != c && o.Kind == ast.ConstraintUnique && o.IndexName(table) == name {
				return true
			}
		}
		return false
	}
	if taken(sc.Cons, sc.Table) || s.indexExists(name) {
		return errIndexTaken(name)
	}
	if s.e.idx != nil {
		return nil // every constraint's index is in the index manager
	}
	for _, other := range s.cat.Tables() {
		if other.Table != sc.Table && taken(other.Cons, other.Table) {
			return errIndexTaken(name)
		}
	}
	return nil
}

func errIndexTaken(name string) error {
	return sem.Errorf(sem.ErrConstraint, "Failed to create unique index: Index '%s' already exists", name)
}

// resolveForeignKey validates a FOREIGN KEY of table sc and fills in the
// referenced columns (the referenced table's primary key by default): the
// referenced table must have a schema (sc itself for a self-reference),
// and the referenced columns must be exactly its primary key or the column
// of one of its UNIQUE constraints.
func (s *stmt) resolveForeignKey(sc *catalog.Schema, c *catalog.Constraint) error {
	ref := sc
	if c.RefTable != sc.Table {
		var err error
		if ref, err = s.cat.Table(c.RefTable); err != nil || ref == nil {
			return sem.Errorf(sem.ErrPlan, "Referenced table '%s' does not exist", c.RefTable)
		}
	}
	if c.RefColumns == nil {
		if ref.PrimaryKey() == nil {
			return sem.Errorf(sem.ErrPlan, "There is no primary key for referenced table '%s'", c.RefTable)
		}
		c.RefColumns = slices.Clone(ref.PrimaryKey())
	}
	for _, col := range c.RefColumns {
		if _, ok := ref.Column(col); !ok {
			return errNoColumn(col, c.RefTable)
		}
	}
	if len(c.RefColumns) != len(c.Columns) {
		return sem.NewError(sem.ErrPlan, "Number of referencing and referenced columns for foreign key disagree")
	}
	if sameSet(c.RefColumns, ref.PrimaryKey()) {
		return nil
	}
	for _, o := range ref.Cons {
		if o.Kind == ast.ConstraintUnique && sameSet(o.Columns, c.RefColumns) {
			return nil
		}
	}
	return sem.Errorf(sem.ErrPlan, "There is no unique constraint matching given keys for referenced table '%s'", c.RefTable)
}

// dropTable runs DROP TABLE [IF EXISTS]: only the catalog entry goes; the
// data keys (and indexes) remain (SPEC §4.14).
func (s *stmt) dropTable(dt *ast.DropTable) error {
	name := dt.Table.FullName()
	if !s.tableExists(name) {
		if dt.IfExists {
			return nil
		}
		return errNoTable(name)
	}
	catalog.DeleteSchema(s.tx, name)
	return nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
