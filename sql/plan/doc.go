// Package plan is the binder and planner of MemFlux SQL queries: it turns a
// parsed SELECT into a tree of executor operators (package sql/exec) with
// compiled expressions.
//
// # Pipeline
//
// For each query block (SPEC §4.7): the FROM clause becomes scans, derived
// sources and joins; WHERE conjuncts are pushed into the scans of the
// sources they read (never into the NULL side of an outer join); equality
// conjuncts between the two sides of a join make it a hash join; then hash
// aggregation and HAVING, ORDER BY on the pre-projection rows (a bounded
// TopN when a LIMIT follows and no DISTINCT intervenes), projection,
// DISTINCT, OFFSET/LIMIT. Set operations combine the projected rows of their
// operands; WITH defines CTEs scoped to the statement.
//
// # Binding
//
// Column references follow SPEC §4.5 at run time: a reference compiles to an
// ordered list of candidate places (flat view/CTE columns, a source named
// like the column, the members of each source in alias order, then the
// enclosing query's sources), so schemaless tables need no schema. Tables
// with a schema are validated first (SPEC §4.6, validate.go) with the exact
// error texts of the SPEC.
//
// # Access paths
//
// PathProvider is the hook through which a secondary-index package offers
// index scans for a base table: the planner hands it the simple predicates
// pushed to the table and the ORDER BY/LIMIT, and takes the cheapest of the
// offered paths and the full prefix scan.
//
// # Concurrency
//
// A Planner plans one statement and is not safe for concurrent use. The
// plans it returns are immutable and may be executed concurrently.
package plan
