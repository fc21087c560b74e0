package memflux

import (
	"fmt"
	"testing"

	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/txn"
	"github.com/memflux/memflux/value"
)

// TestDurabilityMetaAndIndexSpaces: index definitions live in the Meta space and index
// entries in the Index space (package index). Whatever a transaction writes there comes
// back after a restart exactly like user data, from the WAL and from a snapshot, deletes
// included. (When the index package lands, its own tests restart the DB and check that
// every index is complete.)
func TestDurabilityMetaAndIndexSpaces(t *testing.T) {
	for _, viaSnapshot := range []bool{false, true} {
		t.Run(fmt.Sprintf("snapshot=%v", viaSnapshot), func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Dir = t.TempDir()
			cfg.Durability = "full"
			db, err := Open(cfg)
			if err != nil {
				t.Fatal(err)
			}
			commit := func(fn func(tx *txn.Txn)) {
				t.Helper()
				tx := db.txns.Begin(txn.ModeSnapshot)
				fn(tx)
				if err := tx.Commit(); err != nil {
					t.Fatal(err)
				}
			}
			def := value.Bytes(`{"name":"by_age","prefix":"user:","path":"age"}`)
			commit(func(tx *txn.Txn) {
				tx.Put(mvcc.Data, []byte("user:1"), value.JSON(`{"age":30}`))
				tx.Put(mvcc.Meta, []byte("idx:by_age"), def)
				tx.Put(mvcc.Index, []byte("by_age\x0030\x00user:1"), value.Bytes(""))
				tx.Put(mvcc.Meta, []byte("idx:dropped"), value.Bytes("{}"))
			})
			commit(func(tx *txn.Txn) { tx.Delete(mvcc.Meta, []byte("idx:dropped")) })
			s := db.NewSession()
			if viaSnapshot {
				if _, err := s.Do("SAVE"); err != nil {
					t.Fatal(err)
				}
			}
			s.Close()
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			db, err = Open(cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			tx := db.txns.Begin(txn.ModeSnapshot)
			defer tx.Rollback()
			if got := tx.Get(mvcc.Meta, []byte("idx:by_age")); !got.Equal(def) {
				t.Errorf("index definition after restart = %v, want %v", got, def)
			}
			if got := tx.Get(mvcc.Index, []byte("by_age\x0030\x00user:1")); !got.Exists() {
				t.Errorf("index entry lost")
			}
			if got := tx.Get(mvcc.Meta, []byte("idx:dropped")); got.Exists() {
				t.Errorf("deleted definition came back: %v", got)
			}
			// Meta keys are not user keys.
			if n := db.store.Live(); n != 1 {
				t.Errorf("DBSIZE = %d after restart, want 1", n)
			}
		})
	}
}
