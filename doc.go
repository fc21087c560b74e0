// Package memflux is an in-memory, multi-model database: byte strings, JSON documents,
// lists and sets under keys, an SQL engine over the JSON documents, MVCC transactions
// (snapshot isolation or serializable), a write-ahead log and snapshots.
//
// # Basics
//
// Open a database with a Config (start from DefaultConfig), then either run commands
// through a Session exactly as a Redis-protocol client would, or use the Go API:
// Update and View run a function in a transaction.
//
//	cfg := memflux.DefaultConfig()
//	cfg.Persistence = false
//	db, err := memflux.Open(cfg)
//	...
//	err = db.Update(func(tx *memflux.Tx) error {
//		return tx.Set("greeting", []byte("hello"))
//	})
//
// # Concurrency
//
// DB is safe for concurrent use. Session and Tx are not: use one per goroutine.
//
// # Caveats
//
// Update retries its function when the transaction conflicts with a concurrent one, so the
// function must not have side effects outside the transaction.
package memflux

// Version is the MemFlux release.
const Version = "0.1.0"
