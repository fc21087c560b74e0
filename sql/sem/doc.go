// Package sem holds the value semantics of MemFlux SQL (SPEC §4.11–§4.13):
// three-valued logic, comparisons with numeric-string coercion, arithmetic,
// string concatenation, the LIKE/ILIKE matcher, IN and ANY/ALL, the ORDER BY
// comparison, hash keys for equality joins and grouping, and casts to every
// type of §4.13 with their exact error texts.
//
// # Basics
//
// Every value is a jsondoc.Value (a JSON null, bool, number, string, array or
// object). SQL NULL is JSON null; a missing member reads as NULL too. The
// functions here are pure: they never look at rows, catalogs or
// transactions, so the executor, the planner (constant folding) and the
// next issue's DML code share one definition of each rule.
//
// # Errors
//
// Error is the error type of the whole SQL engine: an exact user-facing
// message (without the "Execution Error: " prefix, which the SQL command
// adds) and a kind sentinel (ErrDivisionByZero, ErrCast, ErrPlan, …) that
// callers test with errors.Is. It lives here because sem is the lowest
// package of the engine; package sql re-exports it.
//
// # Concurrency
//
// Every function is safe for concurrent use; LikePattern values are
// immutable once compiled.
package sem
