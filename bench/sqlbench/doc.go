// Package sqlbench compares MemFlux's SQL engine with SQLite on the same JSON data, in
// the same process and run (issue 5, "Performance").
//
// It is a separate module so that modernc.org/sqlite (a pure-Go SQLite) stays out of the
// main module's dependencies; go.mod replaces github.com/memflux/memflux with the
// repository root. Run it with bench/sql.sh, which prints the MemFlux/SQLite time ratio of
// every case, or directly:
//
//	cd bench/sqlbench && go test -run '^$' -bench . -benchmem
//
// # Data
//
// Dataset(n) builds n user documents and n order documents, deterministically:
//
//	users:<i>  {"id":i,"name":"user<i>","age":18..77,"city":one of 10,"score":float}
//	orders:<i> {"id":i,"user_id":1..n,"amount":float}
//
// MemFlux stores them as JSON documents under those keys (the SQL tables users and
// orders). SQLite stores each table as (id INTEGER PRIMARY KEY, doc TEXT) with the same
// JSON text in doc, and queries it with json_extract through prepared statements.
//
// # Cases
//
// Each case is one query per engine (Cases lists them with their SQL):
// scan_filter (full scan with a selective filter), group_by (GROUP BY with COUNT and
// AVG), order_limit (ORDER BY … LIMIT 10, a top-N) at 100k and 1M rows, and join (an
// equi-join of 100k orders with 100k users, aggregated) at 100k. SQLite's join looks the
// user up by its INTEGER PRIMARY KEY (the rowid), the access path a SQLite user would
// have; MemFlux has no index on users (secondary indexes are issue 7) and hash-joins.
// TestSameResults checks that both engines answer every case identically.
//
// # Concurrency
//
// Fixtures are built once per size and shared by the benchmarks of a process; they are
// not safe for concurrent use (benchmarks run one at a time).
package sqlbench
