// Package driver is a database/sql driver for embedded MemFlux, registered as "memflux".
//
// # Basics
//
//	import (
//		"database/sql"
//		_ "github.com/memflux/memflux/driver"
//	)
//
//	db, err := sql.Open("memflux", "/var/lib/myapp?durability=full")
//	...
//	rows, err := db.Query("SELECT id, name FROM users WHERE age > $1", 30)
//
// The whole database runs in the process: no server, no network.
//
// # DSN
//
// A DSN is a data directory, optionally followed by ?key=value options, the keys of
// the memflux_open configuration (SPEC §9.3): persistence, durability, wal_file,
// wal_overflow_file, snapshot_file, snapshot_temp_file, wal_size_threshold_mb,
// maxmemory_mb, eviction_policy, isolation_level. The directory is created if missing and
// the data files live in it (memflux.wal, memflux.snapshot...). An empty directory or
// ":memory:" is a purely in-memory database (persistence off). Examples:
//
//	/data/app
//	/data/app?durability=full&isolation_level=snapshot
//	:memory:?maxmemory_mb=64&eviction_policy=lfu
//
// Every sql.DB opened on the same directory shares one memflux.DB (reference counted, closed
// with the last sql.DB). Each sql.DB opened on ":memory:" has a database of its own. To use
// a memflux.DB you opened yourself, call sql.OpenDB(driver.NewConnector(db)).
//
// # Statements
//
// A query is an SQL statement when its first word is SELECT, WITH, INSERT, UPDATE,
// DELETE FROM, CREATE, DROP, ALTER, TRUNCATE, EXPLAIN, START or END (or when it starts with
// "SQL " or "("). SQL parameters ($1, $2… or ?) are bound by the engine (command SQL.EXEC,
// each value sent as JSON): values are never spliced into the text.
//
// Anything else is a MemFlux command written like a shell command line (SPEC §9.2), e.g.
// "SET greeting 'hello world'" or "LRANGE queue 0 -1". Its parameters replace the bare
// words ? (in order) and $N, binary-safe: db.Exec("SET ? ?", key, value).
//
// # Results
//
// SQL rows are JSON objects; their members become columns. For a select list without *,
// the columns are in select-list order; otherwise (SELECT *) in the order of the JSON
// members, which is sorted by name (SPEC §3.3), and a member missing from a row is NULL.
// Values are int64 (integral JSON numbers), float64, string, bool, nil, and []byte holding
// the JSON text of nested objects and arrays.
//
// A command's reply is a result set too: an array gives one row per element in a column
// named "value", a map the columns "key" and "value", a nil reply no row, and any other
// reply one row. Bulk strings are []byte, integers int64, status replies string.
// Exec's RowsAffected is the integer reply (the DML row count for SQL), else 0.
//
// # Transactions
//
// Every driver connection is a memflux.Session. BeginTx sends BEGIN on it and Tx.Commit
// COMMIT, so a sql.Tx is a MemFlux transaction (snapshot isolation or serializable, as
// configured; sql.LevelDefault and the configured level are accepted). A Commit that fails
// with "ABORT: Serialization failure" can be retried. Read-only transactions are not
// supported. Connections are returned to the pool with any transaction a raw "BEGIN" left
// open rolled back.
//
// # Concurrency
//
// Connector and Driver are safe for concurrent use; connections, statements, rows and
// transactions follow database/sql's rules (one goroutine at a time).
package driver
