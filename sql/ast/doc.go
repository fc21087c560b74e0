// Package ast defines the typed syntax tree of MemFlux SQL, produced by
// package sql/parser and consumed by the binder, planner and executor.
//
// # Basics
//
// Every node implements Node. Statements implement Statement, scalar
// expressions implement Expr, SELECT bodies implement QueryExpr, FROM items
// implement TableExpr and ALTER TABLE actions implement AlterAction. All
// nodes are pointers to plain structs with exported fields; most carry Pos,
// the byte offset in the SQL text where the construct starts (for
// operators: where the operator is), so later stages can report errors at
// a position. Inspect walks any tree; Dump prints its structure.
//
// The package imports no other MemFlux package: literals hold their own
// small JSON-compatible value (Literal.Value returns nil, bool, int64,
// float64 or string).
//
// # Canonical rendering
//
// Expr.String is observable: it names output columns (SPEC §4.8). Columns
// render as written with their qualifier (user.name); literals as JSON text
// (5, 1.5, 15.0, "lit", null, true); operators as "left op right" with single
// spaces and no parentheses (<> renders !=, unary minus renders 0 - x);
// functions as NAME(a, b), COUNT(*), COUNT(DISTINCT x),
// STRING_AGG(x, "," ORDER BY y); IS [NOT] NULL as IS_NULL(x) / IS_NOT_NULL(x);
// CASE WHEN c THEN r ELSE e END; CAST(x AS INTEGER) (also for x::int); every
// subquery as the literal text (SELECT ...subquery...); x BETWEEN a AND b;
// x IN (1, 2); x LIKE "a%"; placeholders as $N. Negated predicates render
// with a leading NOT (NOT x IN (1, 2)). Because parentheses are dropped the
// rendering is not SQL and is not guaranteed to re-parse.
//
// SQL is the other rendering: valid SQL with the parentheses precedence
// needs, which parses back to the same tree (the catalog stores DEFAULT and
// CHECK expressions this way, and EXPLAIN can show statements with it).
// Dump shows the raw tree structure as an S-expression.
//
// # Node catalogue
//
// Expressions (expr.go):
//
//	Literal        NULL, TRUE/FALSE, integer, float or string constant
//	ColumnRef      name, qualifier.name, qualifier.name.path…
//	Placeholder    $N or ? (numbered from 1)
//	Star           bare * (select list, COUNT(*))
//	QualifiedStar  q.* in a select list
//	Unary          -x
//	Binary         + - * / % ||
//	Comparison     = != < <= > >= (<> is !=)
//	Logical        AND, OR
//	Not            NOT x; also the negated forms x NOT IN/LIKE/ILIKE/BETWEEN
//	IsNull         x IS [NOT] NULL
//	Between        x BETWEEN lo AND hi
//	In             x IN (list) | x IN (query)
//	Like           x LIKE|ILIKE pattern [ESCAPE e]
//	AnyAll         x op ANY|ALL (query)
//	Exists         EXISTS (query)
//	Subquery       (query) used as a scalar
//	Case           searched CASE WHEN … THEN … [ELSE …] END
//	Cast           CAST(x AS type), x::type, DATE 'text'
//	FuncCall       NAME(args), with Star, Distinct and an ORDER BY inside
//	ArrayLit       ARRAY[e, …]
//
// Queries (select.go): Select (WITH, body, statement-level ORDER BY, LIMIT,
// OFFSET), With, CTE, SelectCore (one SELECT … FROM … block), SetOp
// (UNION/INTERSECT/EXCEPT [ALL] tree), SelectItem, OrderItem, TableName,
// DerivedTable, Join.
//
// DML (dml.go): Insert (VALUES rows or a query, OnConflict, RETURNING),
// OnConflict, Assignment, Update (SET, FROM, WHERE, RETURNING), Delete
// (USING, WHERE, RETURNING).
//
// DDL (ddl.go): CreateTable, ColumnDef, TableConstraint (PRIMARY KEY,
// UNIQUE, CHECK, FOREIGN KEY with RefAction), DropTable, AlterTable with one
// AlterAction (AddColumn, DropColumn, RenameTable, RenameColumn,
// AddConstraint, DropConstraint, SetDefault, DropDefault, SetNotNull,
// DropNotNull, AlterColumnType), Truncate, CreateView (with the query's SQL
// text), DropView, CreateSchema, CreateIndex, DropIndex.
//
// Transactions and utilities (txn.go): Begin, Commit, Rollback, Savepoint,
// RollbackTo, Release, Explain.
//
// Types (types.go): Type{Base, Params, Array} whose String is the canonical
// spelling of SPEC §4.13 (INTEGER, NUMERIC(10, 2), VARCHAR(10),
// DOUBLE PRECISION, INTEGER[]).
//
// # Concurrency
//
// Nodes have no hidden state: String, Dump and Inspect only read. A tree
// that nobody mutates any more may be shared by any number of goroutines
// (the plan cache does this); code that rewrites a shared tree must copy it
// first.
package ast
