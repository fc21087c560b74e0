package sql

import (
	"slices"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/sql/ast"
	"github.com/memflux/memflux/sql/catalog"
	"github.com/memflux/memflux/sql/exec"
	"github.com/memflux/memflux/sql/parser"
	"github.com/memflux/memflux/sql/sem"
	"github.com/memflux/memflux/value"
)

// This file runs ALTER TABLE (SPEC §4.14). Every action builds a modified
// clone of the schema, validates or rewrites the table's rows, and stores
// the new schema; a failing action leaves nothing behind because the
// statement's writes roll back to its mark.

// row is a stored row of a table: its key and document.
type row struct{ key, doc string }

// tableRows returns every row of table as the statement sees it.
func (s *stmt) tableRows(table string) []row {
	var out []row
	s.tx.ScanPrefix(mvcc.Data, []byte(table+":"), func(key []byte, v value.Value) bool {
		out = append(out, row{key: string(key), doc: exec.DocOf(v)})
		return true
	})
	return out
}

// alterTable runs one ALTER TABLE action.
func (s *stmt) alterTable(at *ast.AlterTable) error {
	name := at.Table.FullName()
	cur, err := s.cat.Table(name)
	if err != nil {
		return sem.Errorf(sem.ErrExec, "Schema of table '%s' is invalid: %v", name, err)
	}
	if cur == nil {
		return errNoTable(name)
	}
	sc := cur.Clone()
	switch a := at.Action.(type) {
	case *ast.AddColumn:
		err = s.addColumn(sc, a)
	case *ast.DropColumn:
		err = s.dropColumn(sc, a)
	case *ast.RenameTable:
		return s.renameTable(sc, a.NewName)
	case *ast.RenameColumn:
		err = s.renameColumn(sc, a.Old, a.New)
	case *ast.AddConstraint:
		err = s.addTableConstraint(sc, constraintOf(a.Constraint))
	case *ast.DropConstraint:
		err = s.dropConstraint(sc, a)
	case *ast.SetDefault:
		err = s.setDefault(sc, a.Column, a.Default)
	case *ast.DropDefault:
		err = s.setDefault(sc, a.Column, nil)
	case *ast.SetNotNull:
		err = s.setNotNull(sc, a.Column)
	case *ast.DropNotNull:
		err = s.dropNotNull(sc, a.Column)
	case *ast.AlterColumnType:
		err = s.alterColumnType(sc, a.Column, a.Type)
	default:
		err = sem.NewError(sem.ErrUnsupported, "unsupported ALTER TABLE action")
	}
	if err != nil {
		return err
	}
	return s.storeSchema(sc)
}

// storeSchema seals a modified schema, checks that its constraints
// compile, and writes it.
func (s *stmt) storeSchema(sc *catalog.Schema) error {
	sc.Seal()
	if _, err := compileTable(sc.Table, sc); err != nil {
		return err
	}
	catalog.PutSchema(s.tx, sc)
	s.registerReferences(sc)
	return nil
}

func (s *stmt) addColumn(sc *catalog.Schema, a *ast.AddColumn) error {
	cd := a.Column
	if _, ok := sc.Column(cd.Name); ok {
		if a.IfNotExists {
			return nil
		}
		return errColumnExists(cd.Name, sc.Table)
	}
	col, err := s.columnDef(sc.Table, cd)
	if err != nil {
		return err
	}
	sc.Columns[cd.Name] = col
	sc.Order = append(sc.Order, cd.Name)
	if !col.Nullable {
		if err := s.checkNoNulls(sc.Table, cd.Name); err != nil {
			return err
		}
	}
	var cons []*catalog.Constraint
	if cd.PrimaryKey {
		cons = append(cons, &catalog.Constraint{Kind: ast.ConstraintPrimaryKey, Columns: []string{cd.Name}})
	}
	if cd.Unique {
		cons = append(cons, &catalog.Constraint{Kind: ast.ConstraintUnique, Columns: []string{cd.Name}})
	}
	for _, chk := range cd.Checks {
		cons = append(cons, &catalog.Constraint{Kind: ast.ConstraintCheck, Check: ast.SQL(chk), CheckExpr: chk})
	}
	for _, tc := range a.Constraints {
		cons = append(cons, constraintOf(tc))
	}
	for _, c := range cons {
		if err := s.addTableConstraint(sc, c); err != nil {
			return err
		}
	}
	return nil
}

func (s *stmt) dropColumn(sc *catalog.Schema, a *ast.DropColumn) error {
	if _, ok := sc.Column(a.Name); !ok {
		if a.IfExists {
			return nil
		}
		return errNoColumn(a.Name, sc.Table)
	}
	for _, other := range s.cat.Tables() {
		for _, c := range other.Cons {
			if c.Kind == ast.ConstraintForeignKey && c.RefTable == sc.Table && slices.Contains(c.RefColumns, a.Name) && other.Table != sc.Table {
				return sem.Errorf(sem.ErrPlan, "Cannot drop column '%s' of table '%s' because a foreign key of table '%s' references it", a.Name, sc.Table, other.Table)
			}
		}
	}
	delete(sc.Columns, a.Name)
	sc.Order = slices.DeleteFunc(sc.Order, func(c string) bool { return c == a.Name })
	// Constraints over the column go with it, as in PostgreSQL.
	sc.Cons = slices.DeleteFunc(sc.Cons, func(c *catalog.Constraint) bool {
		if c.Kind == ast.ConstraintCheck {
			return refersTo(c.CheckExpr, a.Name)
		}
		drop := slices.Contains(c.Columns, a.Name) || (c.RefTable == sc.Table && slices.Contains(c.RefColumns, a.Name))
		if drop && c.Kind == ast.ConstraintUnique {
			s.dropUniqueIndex(sc.Table, c)
		}
		return drop
	})
	return nil
}

// refersTo reports whether e reads column col.
func refersTo(e ast.Expr, col string) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if r, ok := n.(*ast.ColumnRef); ok && (r.Name == col || (r.Qualifier == col && r.Qualifier != "")) {
			found = true
		}
		return !found
	})
	return found
}

// renameTable runs RENAME TO: the schema moves to the new catalog key and
// every row key old:x becomes new:x, keeping its value. The indexes of the
// UNIQUE constraints move to the new prefix, and the foreign keys of other
// tables that reference the table follow it.
func (s *stmt) renameTable(sc *catalog.Schema, newName string) error {
	old := sc.Table
	if newName == old {
		return nil
	}
	exists := sem.Errorf(sem.ErrPlan, "Table or view with name '%s' already exists", newName)
	if v, _ := s.cat.View(newName); v != nil || s.tableExists(newName) {
		return exists
	}
	if !s.moveRows(old, newName) {
		return exists
	}
	oldRef, newRef := tableRef(old).Name, tableRef(newName).Name
	sc.Table = newName
	for i, c := range sc.Cons {
		cc := *c
		if c.Kind == ast.ConstraintCheck && oldRef != newRef {
			cc.CheckExpr = renameRefs(c.CheckExpr, func(r *ast.ColumnRef) {
				if r.Qualifier == oldRef {
					r.Qualifier = newRef
				}
			})
			cc.Check = ast.SQL(cc.CheckExpr)
		}
		if c.Kind == ast.ConstraintForeignKey && c.RefTable == old {
			cc.RefTable = newName
		}
		sc.Cons[i] = &cc
	}
	catalog.DeleteSchema(s.tx, old)
	if err := s.storeSchema(sc); err != nil {
		return err
	}
	for _, c := range sc.Cons {
		if c.Kind == ast.ConstraintUnique {
			s.dropUniqueIndex(old, c)
		}
	}
	for _, c := range sc.Cons {
		if c.Kind == ast.ConstraintUnique {
			if err := s.createUniqueIndex(newName, c); err != nil {
				return err
			}
		}
	}
	return s.rewriteReferences(old, func(c *catalog.Constraint) { c.RefTable = newName })
}

// moveRows re-keys every row old:x to newName:x; ok is false (and the
// statement must fail) when a key newName:x already exists.
func (s *stmt) moveRows(old, newName string) (ok bool) {
	type kv struct {
		key string
		val value.Value
	}
	var moved []kv
	s.tx.ScanPrefix(mvcc.Data, []byte(old+":"), func(key []byte, v value.Value) bool {
		moved = append(moved, kv{string(key), v})
		return true
	})
	for _, m := range moved {
		nk := newName + ":" + m.key[len(old)+1:]
		if s.tx.GetString(mvcc.Data, nk).Exists() {
			return false
		}
		s.tx.Put(mvcc.Data, []byte(nk), m.val)
		s.tx.Delete(mvcc.Data, []byte(m.key))
	}
	return true
}

// rewriteReferences applies fix to every foreign key of another table that
// references table, and stores the changed schemas.
func (s *stmt) rewriteReferences(table string, fix func(c *catalog.Constraint)) error {
	for _, other := range s.cat.Tables() {
		if other.Table == table {
			continue
		}
		changed := false
		oc := other.Clone()
		for i, c := range oc.Cons {
			if c.Kind == ast.ConstraintForeignKey && c.RefTable == table {
				cc := *c
				cc.RefColumns = slices.Clone(c.RefColumns)
				fix(&cc)
				oc.Cons[i] = &cc
				changed = true
			}
		}
		if changed {
			if err := s.storeSchema(oc); err != nil {
				return err
			}
		}
	}
	return nil
}

// renameRefs returns a copy of e (re-parsed from its SQL, so the stored
// tree is never mutated) with fix applied to every column reference.
func renameRefs(e ast.Expr, fix func(r *ast.ColumnRef)) ast.Expr {
	cp, err := parseExprCopy(e)
	if err != nil {
		return e
	}
	ast.Inspect(cp, func(n ast.Node) bool {
		if r, ok := n.(*ast.ColumnRef); ok {
			fix(r)
		}
		return true
	})
	return cp
}

// renameColumn runs RENAME COLUMN a TO b: the schema entry, column_order
// and constraints are renamed and every document of the table holding a
// has it renamed to b.
func (s *stmt) renameColumn(sc *catalog.Schema, a, b string) error {
	// The texts of SPEC §4.14 for RENAME COLUMN name no table.
	col, ok := sc.Column(a)
	if !ok {
		return sem.Errorf(sem.ErrPlan, "Column '%s' does not exist", a)
	}
	if _, ok := sc.Column(b); ok {
		return sem.Errorf(sem.ErrPlan, "Column '%s' already exists", b)
	}
	delete(sc.Columns, a)
	col.Name = b
	sc.Columns[b] = col
	sc.Order = renamed(sc.Order, a, b)
	moved := s.renameInConstraints(sc, a, b)
	if err := s.renameMember(sc.Table, a, b); err != nil {
		return err
	}
	// The indexes of the UNIQUE constraints over the column are recreated
	// over the rewritten documents.
	for _, c := range moved {
		if err := s.createUniqueIndex(sc.Table, c); err != nil {
			return err
		}
	}
	return s.rewriteReferences(sc.Table, func(c *catalog.Constraint) { c.RefColumns = renamed(c.RefColumns, a, b) })
}

// renamed returns a copy of cols with a replaced by b.
func renamed(cols []string, a, b string) []string {
	out := slices.Clone(cols)
	for i, c := range out {
		if c == a {
			out[i] = b
		}
	}
	return out
}

// renameInConstraints renames column a to b in the constraints of sc (CHECK
// expressions included) and returns the UNIQUE constraints over it, whose
// indexes it drops: their path (and an unnamed one's name) change.
func (s *stmt) renameInConstraints(sc *catalog.Schema, a, b string) (moved []*catalog.Constraint) {
	ref := tableRef(sc.Table).Name
	for i, c := range sc.Cons {
		cc := *c
		cc.Columns = renamed(c.Columns, a, b)
		if c.Kind == ast.ConstraintUnique && slices.Contains(c.Columns, a) {
			s.dropUniqueIndex(sc.Table, c)
			moved = append(moved, &cc)
		}
		if c.Kind == ast.ConstraintForeignKey && c.RefTable == sc.Table {
			cc.RefColumns = renamed(c.RefColumns, a, b)
		}
		if c.Kind == ast.ConstraintCheck {
			cc.CheckExpr = renameRefs(c.CheckExpr, func(r *ast.ColumnRef) {
				if r.Name == a && (r.Qualifier == "" || r.Qualifier == ref) {
					r.Name = b
				}
			})
			cc.Check = ast.SQL(cc.CheckExpr)
		}
		sc.Cons[i] = &cc
	}
	return moved
}

// renameMember rewrites every document of table holding member a with it
// renamed to b.
func (s *stmt) renameMember(table, a, b string) error {
	for _, r := range s.tableRows(table) {
		raw, ok := jsondoc.Lookup(r.doc, a)
		if !ok {
			continue
		}
		doc, _ := jsondoc.Delete(r.doc, []string{a})
		doc, err := jsondoc.Set(doc, true, []string{b}, raw)
		if err != nil {
			return sem.Errorf(sem.ErrExec, "cannot rename column in row '%s': %v", r.key, err)
		}
		s.tx.Put(mvcc.Data, []byte(r.key), value.JSON(doc))
	}
	return nil
}

// addTableConstraint runs ADD CONSTRAINT: the existing rows are validated
// first (UNIQUE, CHECK, FOREIGN KEY, the NOT NULL of a PRIMARY KEY), then
// the constraint is appended.
func (s *stmt) addTableConstraint(sc *catalog.Schema, c *catalog.Constraint) error {
	if err := s.addConstraint(sc, c, true); err != nil {
		return err
	}
	rows := s.tableRows(sc.Table)
	pre := len(sc.Table) + 1
	switch c.Kind {
	case ast.ConstraintPrimaryKey:
		for _, col := range c.Columns {
			if err := s.checkNoNulls(sc.Table, col); err != nil {
				return err
			}
		}
	case ast.ConstraintUnique:
		if s.e.idx != nil {
			return s.createUniqueIndex(sc.Table, c)
		}
		if raw, dup := duplicateValue(rows, c.Columns[0]); dup {
			return sem.Errorf(sem.ErrConstraint, "Failed to create unique index: duplicate value %s in column '%s' of table '%s'", raw, c.Columns[0], sc.Table)
		}
	case ast.ConstraintCheck:
		ti, err := compileTable(sc.Table, sc.Clone().Seal())
		if err != nil {
			return err
		}
		for _, r := range rows {
			if err := s.checkChecks(ti, r.key, r.doc); err != nil {
				return err
			}
		}
	case ast.ConstraintForeignKey:
		ti := &tableInfo{name: sc.Table, schema: sc, fks: []*catalog.Constraint{c}}
		for _, r := range rows {
			if _, ok := rowValues(r.doc, r.key, pre, c.Columns); !ok {
				continue
			}
			if err := s.checkForeignKeys(ti, "", r.doc); err != nil {
				return err
			}
		}
	}
	return nil
}

// dropConstraint runs DROP CONSTRAINT: a constraint of that name (or the
// unique index name of an unnamed UNIQUE) is removed, and with it the
// enforcement.
func (s *stmt) dropConstraint(sc *catalog.Schema, a *ast.DropConstraint) error {
	i := slices.IndexFunc(sc.Cons, func(c *catalog.Constraint) bool {
		return c.Name == a.Name || (c.Kind == ast.ConstraintUnique && c.IndexName(sc.Table) == a.Name)
	})
	if i < 0 {
		if a.IfExists {
			return nil
		}
		return sem.Errorf(sem.ErrPlan, "Constraint '%s' does not exist on table '%s'", a.Name, sc.Table)
	}
	c := sc.Cons[i]
	if c.Kind == ast.ConstraintUnique || c.Kind == ast.ConstraintPrimaryKey {
		// A foreign key needs its referenced columns to stay a key (and
		// UPDATE relies on it to skip the ON UPDATE actions otherwise).
		if child := s.referencedBy(sc, c.Columns); child != "" {
			return sem.Errorf(sem.ErrPlan, "Cannot drop constraint '%s' on table '%s' because a foreign key of table '%s' references it", a.Name, sc.Table, child)
		}
	}
	if c.Kind == ast.ConstraintUnique {
		s.dropUniqueIndex(sc.Table, c)
	}
	sc.Cons = slices.Delete(sc.Cons, i, i+1)
	return nil
}

// duplicateValue returns a non-NULL value of col two rows hold, if any.
func duplicateValue(rows []row, col string) (string, bool) {
	seen := map[string]bool{}
	for _, r := range rows {
		raw := uniqueRaw(r.doc, col)
		if raw == "" {
			continue
		}
		if seen[raw] {
			return raw, true
		}
		seen[raw] = true
	}
	return "", false
}

func (s *stmt) setDefault(sc *catalog.Schema, col string, e ast.Expr) error {
	c, ok := sc.Column(col)
	if !ok {
		return errNoColumn(col, sc.Table)
	}
	if e == nil {
		c.Default, c.Def = []byte("null"), nil
		return nil
	}
	raw, def, err := encodeDefault(e, c.Type)
	if err != nil {
		return err
	}
	c.Default, c.Def = raw, def
	return nil
}

// checkNoNulls fails when a row of table has NULL for col, whether the
// member is null or absent (SPEC §4.14 SET NOT NULL).
func (s *stmt) checkNoNulls(table, col string) error {
	for _, r := range s.tableRows(table) {
		if raw, ok := jsondoc.Lookup(r.doc, col); !ok || raw == "null" {
			return sem.Errorf(sem.ErrConstraint, "Cannot add NOT NULL constraint on column '%s' because it contains null values.", col)
		}
	}
	return nil
}

func (s *stmt) setNotNull(sc *catalog.Schema, col string) error {
	c, ok := sc.Column(col)
	if !ok {
		return errNoColumn(col, sc.Table)
	}
	if err := s.checkNoNulls(sc.Table, col); err != nil {
		return err
	}
	c.Nullable = false
	return nil
}

func (s *stmt) dropNotNull(sc *catalog.Schema, col string) error {
	c, ok := sc.Column(col)
	if !ok {
		return errNoColumn(col, sc.Table)
	}
	if slices.Contains(sc.PrimaryKey(), col) {
		return sem.Errorf(sem.ErrPlan, "Column '%s' is in a primary key", col)
	}
	c.Nullable = true
	return nil
}

// alterColumnType casts the member col of every document to t and rewrites
// the documents, then changes the schema type; the first failing cast
// fails the statement and nothing changes.
func (s *stmt) alterColumnType(sc *catalog.Schema, col string, t ast.Type) error {
	c, ok := sc.Column(col)
	if !ok {
		return errNoColumn(col, sc.Table)
	}
	for _, r := range s.tableRows(sc.Table) {
		raw, ok := jsondoc.Lookup(r.doc, col)
		if !ok {
			continue
		}
		v, err := sem.Cast(jsondoc.Decode(raw), t)
		if err != nil {
			return err
		}
		if text := string(v.Append(nil)); text != raw {
			doc, err := jsondoc.Set(r.doc, true, []string{col}, text)
			if err != nil {
				return sem.Errorf(sem.ErrExec, "cannot rewrite row '%s': %v", r.key, err)
			}
			s.tx.Put(mvcc.Data, []byte(r.key), value.JSON(doc))
		}
	}
	c.Type = t
	// Casting may make two values equal ('1' and 1.0 become 1).
	for _, u := range sc.Cons {
		if u.Kind == ast.ConstraintUnique && u.Columns[0] == col {
			if _, dup := duplicateValue(s.tableRows(sc.Table), col); dup {
				return errUnique(uniqueCons{index: u.IndexName(sc.Table), col: col})
			}
		}
	}
	return nil
}

// parseExprCopy returns a fresh tree of e (stored trees are shared by every
// reader of a cached schema and must not be mutated).
func parseExprCopy(e ast.Expr) (ast.Expr, error) { return parser.ParseExpr(ast.SQL(e)) }

// referencedBy returns the name of a table with a foreign key referencing
// exactly cols of table sc ("" when there is none).
func (s *stmt) referencedBy(sc *catalog.Schema, cols []string) string {
	refs := func(table string, cons []*catalog.Constraint) bool {
		for _, c := range cons {
			if c.Kind == ast.ConstraintForeignKey && c.RefTable == sc.Table && sameSet(c.RefColumns, cols) {
				return true
			}
		}
		return false
	}
	if refs(sc.Table, sc.Cons) {
		return sc.Table
	}
	for _, other := range s.cat.Tables() {
		if other.Table != sc.Table && refs(other.Table, other.Cons) {
			return other.Table
		}
	}
	return ""
}
