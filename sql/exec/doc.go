// Package exec is the executor of MemFlux SQL: the physical operators a plan
// is made of, the row representation they pass along, and the building
// blocks compiled expressions are made of.
//
// # Rows
//
// A Row has one Slot per table reference of its query block (SPEC §4.4:
// "one member per table reference"). A slot holds the canonical JSON text of
// a document (base tables, with its key for the implicit id and _key) or of
// a derived row (subqueries, views, CTEs); an empty Doc is a source without
// a matching row (outer joins). Members are extracted lazily with
// jsondoc.Lookup, so a filter on one column never parses whole documents.
// Rows after aggregation carry their group keys and aggregates in Vals.
// Output rows of a query block have a single slot holding the rendered
// output object, plus their values by position when a consumer needs them
// (set operations, IN and scalar subqueries, CTE column lists).
//
// # Execution model
//
// Operators push rows: Node.Run calls emit once per row, in order. A Row
// passed to emit is valid only during the call; operators that keep rows
// (joins, sorts, aggregation, materialization) Clone them. Returning
// errStop from emit ends the run early without an error (LIMIT, EXISTS).
//
// Expressions are closures (Expr) compiled once per plan by package
// sql/plan; they read the row through a Frame, which also links to the
// frame of the enclosing query block for correlated subqueries.
//
// # Concurrency
//
// Plans (Nodes and Exprs) are immutable after planning and may run
// concurrently in many executions; per-execution state (subquery caches,
// materialized CTEs) lives in the Ctx, which belongs to one execution and is
// not safe for concurrent use. Contexts are pooled (AcquireCtx, Release)
// with the run states of their operators, so that a point query allocates
// no execution state; what a run hands out (rendered rows, row keys, values)
// is never in a buffer a later run reuses.
package exec
