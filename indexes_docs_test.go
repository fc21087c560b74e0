package memflux_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/memflux/memflux"
)

// indexDocsPath is the user documentation of indexes these tests keep true.
const indexDocsPath = "docs/indexing.md"

// TestIndexDocsTranscripts runs every console transcript of docs/indexing.md on a fresh
// database (with persistence, in a temporary directory): "memflux> CMD" lines are
// commands, the lines up to the next prompt their expected redis-cli output, and
// "(restart)" closes and reopens the database.
func TestIndexDocsTranscripts(t *testing.T) {
	data, err := os.ReadFile(indexDocsPath)
	if err != nil {
		t.Fatal(err)
	}
	blocks := fencedBlocks(string(data), "console")
	if len(blocks) < 5 {
		t.Fatalf("found %d console blocks in %s", len(blocks), indexDocsPath)
	}
	for n, block := range blocks {
		t.Run(fmt.Sprintf("block%d", n), func(t *testing.T) {
			lines := strings.Split(strings.TrimRight(block, "\n"), "\n")
			runTranscript(t, memflux.DefaultConfig(), lines)
		})
	}
}

// ExampleDB_CreateIndex is the Go example of docs/indexing.md.
func ExampleDB_CreateIndex() {
	cfg := memflux.DefaultConfig()
	cfg.Persistence = false
	db, _ := memflux.Open(cfg)
	defer db.Close()
	_ = db.Update(func(tx *memflux.Tx) error {
		_ = tx.SetJSON("users:1", []byte(`{"name":"Ann","age":30,"address":{"city":"Oslo"}}`))
		return tx.SetJSON("users:2", []byte(`{"name":"Bob","age":30,"address":{"city":"Rome"}}`))
	})
	ctx := context.Background()
	// An index on two paths; IndexOptions{Unique: true} for a unique one.
	_ = db.CreateIndex(ctx, "users_city_age", "users:*", nil, "address.city", "age")
	_ = db.View(func(tx *memflux.Tx) error {
		keys, err := tx.Lookup("users_city_age", "Oslo", 30) // keys holding exactly these values
		fmt.Println(keys, err)
		return nil
	})
	// Output: [users:1] <nil>
}
