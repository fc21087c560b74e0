// Package catalog reads and writes the SQL catalog: table schemas, views and
// schema names, stored as ordinary keys (SPEC §4.14) so that DDL is
// transactional and durable like any other write:
//
//	_internal:schemas:<table>     Bytes: schema JSON (format below)
//	_internal:views:<view>        Bytes: {"name":…,"columns":[…],"query":"<SQL>"}
//	_internal:schemalist:<schema> Bytes: empty
//
// # Schema JSON
//
// Members in this order (GET returns the stored bytes): table_name; columns,
// an object sorted by column name of {"type","nullable","default"}; the
// declaration order column_order; constraints. type is the canonical
// spelling of SPEC §4.13. A default is {"Literal":<json>} or
// {"Expr":"<sql>"} (Default); constraints are tagged objects, as the
// original serialized them (Constraint):
//
//	{"PrimaryKey":{"name":null,"columns":["id"]}}
//	{"Unique":{"name":"uq","columns":["email"]}}
//	{"Check":{"name":null,"expr":"age > 0"}}
//	{"ForeignKey":{"name":null,"columns":["pid"],"references_table":"p",
//	  "references_columns":["id"],"on_delete":"CASCADE","on_update":"NO ACTION"}}
//
// # Writing
//
// DDL clones a Schema, changes the clone, Seals it (renders Constraints and
// Raw) and stores it with PutSchema, through the statement's transaction
// like any write (write.go).
//
// # Reading
//
// Every read goes through the caller's transaction (a transaction sees its
// own DDL and its snapshot). Parsed schemas and views are cached by the raw
// text of their key, so a read costs one key lookup and one string
// comparison. A Reader records every catalog key it read together with the
// value it saw (Deps): the plan cache re-checks those before reusing a plan,
// which keeps cached plans exact under transactional DDL, FLUSHDB and a KV
// DELETE of a catalog key.
//
// # Concurrency
//
// Catalog is safe for concurrent use. Schema and View values are immutable.
// A Reader belongs to one statement and is not safe for concurrent use.
package catalog
