package sql

import (
	"strings"

	"github.com/memflux/memflux/index"
	"github.com/memflux/memflux/mvcc"
)

// This file probes the unique index of a UNIQUE column with one point read.
//
// A unique index of package index holds, for every row whose indexed value is not NULL,
// one entry in the unique form: the entry key is made of the index id and the value alone
// (no row key), and the entry value is the row key. Which row holds a value, as a
// transaction's snapshot shows it, is therefore one Get of that key, where index.Lookup
// scans the value's key range: a scan costs a range read (validated as a range at commit
// under serializable isolation) and several allocations per statement.
//
// The probe is only a statement-time check, like the lookup it replaces: the index stays
// the authority at commit, where a second row with the value fails with
// index.UniqueError. Under serializable isolation the probe is a tracked point read, so a
// concurrent commit of the value changes the entry and fails this transaction's
// validation, as a change in the scanned range did. The probe applies only where it sees
// exactly what index.Lookup sees (uniqueSet.probe): the index is usable by the
// transaction and the transaction has written no row under the index's prefix (Lookup
// merges such rows, the index does not hold them yet).
//
// The key is index.AppendUniqueKey's; TestUniqueEntryKey checks it against the entries
// the index writes, for every kind of value.

// probe finds the row other than self holding raw through one point read of the unique
// entry; done is false when the probe cannot tell (the caller then looks the value up).
func (u *uniqueSet) probe(raw, self string) (key string, found, done bool) {
	d, tx := u.def, u.s.tx
	if !d.Unique || d.SinglePath() != u.col || strings.IndexByte(u.col, '.') >= 0 {
		return "", false, false // the entry may not be of the member the column reads
	}
	if tx.Writes() > 0 && tx.HasOwnWrites(mvcc.Data, u.s.keyBytes(d.KeyPrefix())) {
		return "", false, false // rows the index does not hold yet
	}
	if !u.s.e.idx.Usable(tx, d) {
		return "", false, false
	}
	k, ok := index.AppendUniqueKey(u.s.probeBuf[:0], d, raw)
	u.s.probeBuf = k
	if !ok {
		return "", false, false
	}
	v := tx.Get(mvcc.Index, k)
	if !v.Exists() {
		return "", false, true
	}
	if row := v.Str(); row != self {
		return row, true, true
	}
	return "", false, true
}
