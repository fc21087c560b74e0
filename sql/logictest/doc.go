// Package logictest runs SQL logic test files against MemFlux through the real command
// path, checks MemFlux against SQLite on random queries, and fuzzes the SQL command.
//
// The package holds the file format (this package's non-test code, which imports nothing
// of MemFlux) and, in its tests, the runner that binds the format to memflux.Open and
// Session.Do. Test files live in sql/testdata/logic/*.test; docs/sql.md's examples run
// through the same runner.
//
// # File format
//
// The format is sqllogictest's, reduced to what a JSON-row engine needs. A file is a
// sequence of records separated by blank lines; lines starting with '#' are comments.
//
//	statement ok
//	CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)
//
//	statement count 2
//	INSERT INTO t (id, name) VALUES (1, 'a'), (2, 'b')
//
//	statement error ^Column 'x' not found in any of the tables with schemas
//	SELECT x FROM t
//
//	query T rowsort
//	SELECT name FROM t
//	----
//	{"name":"a"}
//	{"name":"b"}
//
//	command JSON.SET user:1 {"name":"Alice"}
//	command JSON.SET user:2 '{"name":"Bob Smith"}'
//
//	command GET user:1
//	----
//	{"name":"Alice"}
//
// The SQL of a statement or query record is every line up to the blank line (or `----`),
// joined with newlines, and sent as ONE argument: `SQL <text>`. Multi-line statements are
// therefore fine (the lexer treats LF as a separator).
//
//   - `statement ok`: the reply is not an error.
//   - `statement count N`: the reply is the integer N (DML row counts, SPEC §4.1).
//   - `statement error <regexp>`: the reply is an error whose message starts with
//     `Execution Error: ` and whose rest matches the regexp (unanchored, as in
//     sqllogictest: write ^ and $ to pin the whole text).
//   - `query <types> [nosort|rowsort]`: the reply is an array of rows, one compact JSON
//     object per line after `----` (no line at all for an empty result). The types
//     column is kept for sqllogictest compatibility and ignored: every row is one JSON
//     object. `nosort` (the default) compares in order; `rowsort` sorts both sides
//     byte-wise first (for results whose order SPEC leaves unspecified).
//   - `command <args…>`: a raw command, split at blanks; an argument may be quoted with
//     single quotes (literal, `\'` for a quote) to hold blanks. Several `command` lines in
//     one record run in order and must each succeed. A record with a single command may
//     instead give its exact reply after `----`, rendered by FormatReply.
//   - `halt` stops the file (handy while debugging one record).
//
// # Rewriting
//
// Rewrite regenerates the expected output of query and command records from actual
// results, keeping everything else byte for byte; the runner exposes it as
// `go test ./sql/logictest -rewrite`. Review the diff: a rewrite records what the engine
// does, not what SPEC says.
//
// # Tests
//
//   - TestLogic runs every file on a fresh in-memory database (-file NAME selects files
//     whose name contains NAME; -rewrite regenerates results).
//   - TestCorpusParses checks that every statement expected to succeed parses.
//   - TestDifferentialSQLite compares MemFlux with the sqlite3 CLI (Debian package sqlite3)
//     on random tables and queries; the divergences it avoids are listed in gen_test.go.
//     The seed is logged; -seed N replays it, -long runs 60 rounds instead of 4.
//   - FuzzSQL sends arbitrary text through the SQL command (seeds: the corpus).
//   - TestDocExamples runs the examples of docs/sql.md.
//   - TestLimits checks the nesting bound (and, with -long, the result-size bound).
package logictest
