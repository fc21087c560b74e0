// Package sql is the SQL engine of MemFlux: it runs one statement of the
// dialect of SPEC §4 inside a transaction and returns its result.
//
// # Basics
//
//	eng := sql.New(nil)
//	defer eng.Close()
//	res, err := eng.Exec(tx, "SELECT name FROM users WHERE age > $1", jsondoc.Int(30))
//
// Exec parses the text (sql/parser), plans it (sql/plan: binder, schema
// validation, predicate pushdown, hash joins, hash aggregation, top-N) and
// runs the plan (sql/exec) reading through the transaction, so a statement
// sees its transaction's snapshot and own writes. Rows come back as compact
// canonical JSON objects (SPEC §3.3).
//
// # Packages
//
//	sql/ast, sql/parser  the front end (typed AST, canonical names)
//	sql/sem              value semantics: logic, comparison, arithmetic, LIKE, casts
//	sql/funcs            scalar functions and aggregates
//	sql/catalog          schemas, constraints and views stored as catalog keys
//	sql/plan             binder and planner; the access-path hook for indexes
//	sql/exec             operators and compiled expressions
//
// # Plan cache
//
// Parsed statements and their plans are cached by statement text in a
// ristretto cache shared by all engines of the process (keys are prefixed
// by the engine). A plan records every catalog key it read and the value it
// saw; before reuse the engine re-reads those keys through the executing
// transaction and re-plans when any differs, so cached plans follow
// transactional DDL, FLUSHDB and KV writes to catalog keys exactly. An
// auto-committed query (ExecOptions.Snapshot: an untracked snapshot
// transaction without writes) skips the re-read when an earlier such query
// at the same snapshot found the plan valid, since the catalog cannot differ
// within one snapshot.
//
// # Point queries
//
// A query allocates little per execution: the execution context and the
// operators' run states come from a pool (exec.AcquireCtx), the primary-key
// and index lookups evaluate their operands in the context's root frame and
// build keys in its scratch buffer, and ExecColumns returns the values
// without rendering them, which is what the database/sql driver reads.
//
// # DDL
//
// CREATE/ALTER/DROP TABLE, CREATE/DROP VIEW and CREATE SCHEMA (ddl*.go)
// build a new catalog.Schema (a modified clone), validate it and the rows
// it concerns, and store it through the statement's transaction: DDL is
// transactional (issue 6 overrides SPEC §5.2), visible only to its
// transaction until COMMIT and undone by ROLLBACK. ALTER forms that touch
// rows (RENAME TO, RENAME COLUMN, ALTER COLUMN TYPE) rewrite them in the
// same statement; forms that add a constraint check the existing rows
// first. Each UNIQUE constraint is backed by a unique index of package
// index (unique.go), defined and dropped with the constraint.
//
// # DML
//
// INSERT, UPDATE, DELETE and TRUNCATE are planned once and cached like
// queries (insertPlan, updatePlan, deletePlan). A statement runs in a stmt
// (dml.go), which reads the table's compiled constraints (tableInfo,
// table.go) and routes every write through put/del so that the lookups it
// builds (UNIQUE values, foreign-key columns) stay exact. The rows an
// UPDATE or DELETE changes are collected before anything is written; a
// multi-row INSERT validates row after row against the table plus the rows
// it staged, and writes them at the end (stmt.stage). Checks run in SPEC
// §4.15's order — NOT NULL, CHECK, UNIQUE, FOREIGN KEY, key conflict — and
// the ON DELETE / ON UPDATE actions of the foreign keys referencing a row
// run before the row is written (fk.go).
//
// # Primary keys
//
// A row lives under <table>:<first key column>, so on a table with a
// declared PRIMARY KEY, `pk = v` and `pk IN (…)` read the keys directly
// (keypath.go): the planner offers that path next to the index paths.
//
// # Parameters
//
// $1… and ? placeholders are bound by Exec/ExecPrepared (server-side
// parameters: values never enter the SQL text); the command SQL.EXEC and
// the Go API's prepared statements use them.
//
// # Errors and atomicity
//
// Every error is a *Error (an alias of sem.Error) whose message is the exact
// text of SPEC.md without the "Execution Error: " prefix (the SQL command
// adds it) and whose kind (ErrSyntax, ErrPlan, ErrDivisionByZero, …) can be
// tested with errors.Is. A statement is atomic: on error every write it
// made is rolled back to a mark of the transaction. A panic inside the
// engine is a bug; it is recovered at the Exec boundary and returned as
// ErrInternal so that the server survives.
//
// # Concurrency
//
// An Engine is safe for concurrent use by any number of sessions; each Exec
// call uses only its own transaction, which is not safe for concurrent use.
package sql
