// Package funcs implements the scalar functions and aggregates of MemFlux SQL:
// those of SPEC §4.17 (LOWER, UPPER, LENGTH, TRIM, SUBSTRING, ABS, CEIL,
// FLOOR, ROUND, NOW, DATE_PART) and the PostgreSQL functions users reach for
// first (COALESCE, NULLIF, GREATEST, LEAST, CONCAT, REPLACE, POSITION, LEFT,
// RIGHT, LPAD, RPAD, SPLIT_PART, MOD, POWER, SQRT, DATE_TRUNC, EXTRACT,
// TO_CHAR), plus the aggregates COUNT [DISTINCT], SUM, AVG, MIN, MAX,
// STRING_AGG and ARRAY_AGG (SPEC §4.10).
//
// # Basics
//
// Lookup finds a scalar function by its upper-case name; its Fn takes the
// evaluated arguments. Arity is checked by the planner (CheckArity) so that
// a bad call fails before any row is read. NewAccumulator returns the
// per-group state of an aggregate.
//
// # Concurrency
//
// The registry is read-only after package initialisation and safe for
// concurrent use. An Accumulator belongs to one group of one execution and
// is not safe for concurrent use.
package funcs
