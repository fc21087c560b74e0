package ast

// CreateTable is CREATE TABLE [IF NOT EXISTS] name (elements).
//
// Unnamed column constraints stay on their ColumnDef (NOT NULL, DEFAULT,
// PRIMARY KEY, UNIQUE, CHECK). Named column constraints (col T CONSTRAINT n
// UNIQUE) and inline REFERENCES clauses are turned into table constraints
// over that single column, appended to Constraints in the order written.
type CreateTable struct {
	IfNotExists bool
	Table       *TableName
	Columns     []*ColumnDef
	Constraints []*TableConstraint
	Pos         int
}

// ColumnDef is one column definition.
type ColumnDef struct {
	Name       string
	Type       Type
	NotNull    bool
	Default    Expr // nil: no DEFAULT
	PrimaryKey bool
	Unique     bool
	Checks     []Expr // inline CHECK (expr) clauses, in order
	Pos        int
}

// ConstraintKind is the kind of a table constraint.
type ConstraintKind uint8

// The constraint kinds.
const (
	ConstraintPrimaryKey ConstraintKind = iota
	ConstraintUnique
	ConstraintCheck
	ConstraintForeignKey
)

// String returns the SQL keywords of the kind.
func (k ConstraintKind) String() string {
	switch k {
	case ConstraintUnique:
		return "UNIQUE"
	case ConstraintCheck:
		return "CHECK"
	case ConstraintForeignKey:
		return "FOREIGN KEY"
	}
	return "PRIMARY KEY"
}

// RefAction is a foreign-key ON DELETE / ON UPDATE action. The zero value is
// NO ACTION, the default.
type RefAction uint8

// The referential actions.
const (
	RefNoAction RefAction = iota
	RefRestrict
	RefCascade
	RefSetNull
	RefSetDefault
)

// String returns the SQL keywords of the action.
func (a RefAction) String() string {
	switch a {
	case RefRestrict:
		return "RESTRICT"
	case RefCascade:
		return "CASCADE"
	case RefSetNull:
		return "SET NULL"
	case RefSetDefault:
		return "SET DEFAULT"
	}
	return "NO ACTION"
}

// TableConstraint is [CONSTRAINT name] PRIMARY KEY (cols) | UNIQUE (cols) |
// CHECK (expr) | FOREIGN KEY (cols) REFERENCES table [(cols)] [ON DELETE a]
// [ON UPDATE a].
type TableConstraint struct {
	Name       string // "" when unnamed
	Kind       ConstraintKind
	Columns    []string // PK, UNIQUE and FK columns
	Check      Expr     // CHECK only
	RefTable   *TableName
	RefColumns []string // nil: the referenced table's primary key
	OnDelete   RefAction
	OnUpdate   RefAction
	Pos        int
}

// DropTable is DROP TABLE [IF EXISTS] name.
type DropTable struct {
	IfExists bool
	Table    *TableName
	Pos      int
}

// AlterTable is ALTER TABLE name action: one action per statement.
type AlterTable struct {
	Table  *TableName
	Action AlterAction
	Pos    int
}

// AlterAction is one ALTER TABLE action (SPEC §4.14): *AddColumn,
// *DropColumn, *RenameTable, *RenameColumn, *AddConstraint, *DropConstraint,
// *SetDefault, *DropDefault, *SetNotNull, *DropNotNull or *AlterColumnType.
type AlterAction interface {
	Node
	alterAction()
}

// AddColumn is ADD [COLUMN] [IF NOT EXISTS] coldef. Constraints holds the
// named or REFERENCES column constraints of coldef, turned into table
// constraints as in CreateTable.
type AddColumn struct {
	IfNotExists bool
	Column      *ColumnDef
	Constraints []*TableConstraint
	Pos         int
}

// DropColumn is DROP [COLUMN] [IF EXISTS] name.
type DropColumn struct {
	IfExists bool
	Name     string
	Pos      int
}

// RenameTable is RENAME TO name.
type RenameTable struct {
	NewName string
	Pos     int
}

// RenameColumn is RENAME [COLUMN] old TO new.
type RenameColumn struct {
	Old, New string
	Pos      int
}

// AddConstraint is ADD [CONSTRAINT name] table-constraint.
type AddConstraint struct {
	Constraint *TableConstraint
	Pos        int
}

// DropConstraint is DROP CONSTRAINT [IF EXISTS] name.
type DropConstraint struct {
	IfExists bool
	Name     string
	Pos      int
}

// SetDefault is ALTER [COLUMN] col SET DEFAULT expr.
type SetDefault struct {
	Column  string
	Default Expr
	Pos     int
}

// DropDefault is ALTER [COLUMN] col DROP DEFAULT.
type DropDefault struct {
	Column string
	Pos    int
}

// SetNotNull is ALTER [COLUMN] col SET NOT NULL.
type SetNotNull struct {
	Column string
	Pos    int
}

// DropNotNull is ALTER [COLUMN] col DROP NOT NULL.
type DropNotNull struct {
	Column string
	Pos    int
}

// AlterColumnType is ALTER [COLUMN] col [SET DATA] TYPE type.
type AlterColumnType struct {
	Column string
	Type   Type
	Pos    int
}

// Truncate is TRUNCATE [TABLE] name.
type Truncate struct {
	Table *TableName
	Pos   int
}

// CreateView is CREATE VIEW name [(cols)] AS query. Text is the query's
// original SQL text (from its first to its last token) for the catalog.
type CreateView struct {
	Name    *TableName
	Columns []string
	Query   *Select
	Text    string
	Pos     int
}

// DropView is DROP VIEW [IF EXISTS] name.
type DropView struct {
	IfExists bool
	Name     *TableName
	Pos      int
}

// CreateSchema is CREATE SCHEMA [IF NOT EXISTS] name.
type CreateSchema struct {
	IfNotExists bool
	Name        string
	Pos         int
}

// CreateIndex is CREATE [UNIQUE] INDEX [IF NOT EXISTS] name ON table
// (expr, …).
type CreateIndex struct {
	Unique      bool
	IfNotExists bool
	Name        string
	Table       *TableName
	Exprs       []Expr
	Pos         int
}

// DropIndex is DROP INDEX [IF EXISTS] name.
type DropIndex struct {
	IfExists bool
	Name     string
	Pos      int
}

func (*CreateTable) node()     {}
func (*ColumnDef) node()       {}
func (*TableConstraint) node() {}
func (*DropTable) node()       {}
func (*AlterTable) node()      {}
func (*AddColumn) node()       {}
func (*DropColumn) node()      {}
func (*RenameTable) node()     {}
func (*RenameColumn) node()    {}
func (*AddConstraint) node()   {}
func (*DropConstraint) node()  {}
func (*SetDefault) node()      {}
func (*DropDefault) node()     {}
func (*SetNotNull) node()      {}
func (*DropNotNull) node()     {}
func (*AlterColumnType) node() {}
func (*Truncate) node()        {}
func (*CreateView) node()      {}
func (*DropView) node()        {}
func (*CreateSchema) node()    {}
func (*CreateIndex) node()     {}
func (*DropIndex) node()       {}

func (*AddColumn) alterAction()       {}
func (*DropColumn) alterAction()      {}
func (*RenameTable) alterAction()     {}
func (*RenameColumn) alterAction()    {}
func (*AddConstraint) alterAction()   {}
func (*DropConstraint) alterAction()  {}
func (*SetDefault) alterAction()      {}
func (*DropDefault) alterAction()     {}
func (*SetNotNull) alterAction()      {}
func (*DropNotNull) alterAction()     {}
func (*AlterColumnType) alterAction() {}

func (*CreateTable) stmtNode()  {}
func (*DropTable) stmtNode()    {}
func (*AlterTable) stmtNode()   {}
func (*Truncate) stmtNode()     {}
func (*CreateView) stmtNode()   {}
func (*DropView) stmtNode()     {}
func (*CreateSchema) stmtNode() {}
func (*CreateIndex) stmtNode()  {}
func (*DropIndex) stmtNode()    {}
