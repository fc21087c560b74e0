// Package index maintains secondary indexes on JSON documents of a key prefix: ordered,
// multi-column, optionally unique, over paths or SQL expressions (SPEC §6).
//
// # Basics
//
// An index covers the Data keys starting with its prefix (Def.Prefix minus the '*', e.g.
// "users:" for "users:*") and maps the values of its columns, for each covered key, to the
// key. Entries are ordinary versioned keys of the Index space of package mvcc, so every
// snapshot sees the index of its own state, and vacuum, snapshots and eviction treat them
// like data.
//
// Entries are derived at install time: the Manager is the transaction manager's Deriver,
// called under the commit lock with each commit's writes and the committed values they
// replace, and it returns the entry changes, installed at the commit's timestamp. Entries
// are therefore a pure function of committed data and committed definitions at every
// timestamp, whatever the transactions did before committing (savepoints, rollbacks,
// retries): a rolled-back write never produced an entry. A transaction's own pending rows
// are not in the index; Scan and Lookup merge them (Txn.OwnWrites).
//
// # API
//
// Definitions (Def) live in the Meta space under "idx/def/<name>" and change only through
// transactions:
//
//	Create(tx, def) (*Def, error)      define (state building; built when tx commits)
//	Drop(tx, name) bool                remove (entries deleted once the drop commits)
//	CreateOnline(ctx, def)             own transaction + wait until built (IDX.CREATE)
//	DropOnline(name) (bool, error)     own transaction (IDX.DROP)
//	Get(tx, name), List(tx)            definitions as tx sees them
//	UniqueFor(tx, table, col) *Def     the unique index on prefix "<table>:*", path col
//	Lookup(tx, name, vals...)          row keys holding exactly vals, as tx sees them
//	Usable(tx, def) bool               may tx read def's entries (ready, committed)?
//	FindDuplicate(tx, def) error       would def be violated by the rows tx sees?
//	BoundsFor(def, conds), Scan(...)   range scans for the SQL planner
//	Stats(id), Count(def, b, limit)    planner statistics (and StatKey, VersionKey:
//	                                   Meta keys a cached plan depends on)
//
// For SQL UNIQUE constraints: Create(tx, Def{Name: "unique_t_c", Prefix: "t:*", Columns:
// []Column{{Path: "c"}}, Unique: true, Origin: OriginConstraint}) after FindDuplicate;
// UniqueFor(tx, "t", "c") to find it; Lookup(tx, name, v) for "which rows hold v"; and a
// commit that races with another transaction's insert of the same value fails with
// *UniqueError (the SQL command renders it with `Execution Error: `).
//
// Errors: ErrExists, ErrPathExists, ErrPrefix, ErrNotFound, ErrInvalid; a commit that
// would give two rows one value of a unique index fails with *UniqueError (errors.Is
// ErrUnique), whose message is SPEC §4.15's `UNIQUE constraint '<index>' failed for
// column '<col>'` (Build set: `Failed to create unique index: …`, the index was not made).
//
// # Collation
//
// An entry key is: 0x01, the index id (4 bytes, big-endian), one encoded component per
// column, the row key, then one kind byte per number component (integer, float, -0.0).
// Unique indexes store entries with no NULL component in the unique form: the row key is
// left out of the key and held as the value, so there is one entry per value and a second
// row with that value collides. Components are self-delimiting and sort, byte-wise, in
// this order:
//
//	NULL (missing member, JSON null, a value that is not a JSON document)
//	< strings (byte-wise, by their UTF-8 bytes)
//	< numbers (integers and floats numerically; 1, 1.0 have one component)
//	< arrays (by canonical JSON text)
//	< false < true
//	< objects (by canonical JSON text)
//
// This is the order of SPEC §4.11 ORDER BY across kinds (which compares values of
// different kinds by their JSON texts: '"' < digits and '-' < '[' < 'f' < 't' < '{'), so an
// ascending scan of an index is an ascending ORDER BY of its columns (NULLs first), and an
// index serves ORDER BY … LIMIT without a sort; because the row key precedes the kind
// bytes, rows of equal values come in key order, exactly as the stable sort of a table scan
// yields them. (This deviates from the lead's proposed NULL < booleans < numbers < strings
// < arrays/objects, which would have needed one scan per kind, in a different order, for
// every ORDER BY.) A number component is the float64 of the value made sortable, then a
// 16-bit correction that orders integers the float64 rounds (beyond 2^53) exactly. The kind
// bytes keep 1, 1.0 and -0.0 distinct for unique indexes, which compare exact JSON text
// (SPEC §4.15). Strings, arrays and objects escape 0x00 as 0x00 0xff and end with 0x00 0x01.
//
// A string that is a decimal number literal ("30") gets one more, non-unique "shadow"
// entry in a region after objects, encoded as the number it reads as, because `age = 30`
// must find it (SPEC §4.12, Q49); ordered scans skip shadow entries and place the rows they
// find by their real entries.
//
// # Building and dropping
//
// Create writes the definition in state building. From the commit on, every commit
// maintains the index. When that commit finds at most SyncBuildLimit rows under the prefix
// it also builds the index over them and marks it ready itself; otherwise the Manager's
// background worker walks the prefix in batches of BatchSize keys, each read and indexed
// under the commit lock as one logged commit (txn.Manager.CommitWith), so writers wait for
// one batch at most, then commits state ready. A unique violation among existing rows fails
// the build and drops the definition. The planner uses an index only when a ready
// definition is visible at the reader's snapshot. Drop deletes the definition; the entries
// go in the same commit when few, else in logged background batches.
//
// # Recovery
//
// Entries are recovered, not rebuilt: a snapshot file holds the Index space like any
// other, and WAL replay (Manager.Apply) re-derives the entries of each replayed commit from
// the same committed state, so the log needs only the Data writes and the definitions
// (background build batches are logged as raw entry writes). This makes a restart cost no
// more than loading the data — rebuilding every index from scratch at startup would cost a
// full pass per index over the data — and keeps one code path for entries. An index still
// building when the process stopped resumes its build at Start; entries of an index whose
// drop a crash interrupted are found (an id with entries but no definition) and removed.
// FLUSHDB and WIPEDB empty the Meta and Index spaces with the data, which drops every
// index.
//
// # Caveats
//
// Index ids are never reused within a process; after a restart they continue from the
// highest recorded one. Expression columns are evaluated by the SQL engine's ExprCompiler;
// an evaluation error indexes the row under NULL. ORDER BY compares an integer beyond 2^53
// with a float by rounding the integer (so it may equal floats that differ from each other):
// an index orders such ties by exact value, a sort by key.
//
// Manager is safe for concurrent use.
package index
