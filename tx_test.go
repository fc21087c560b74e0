package memflux_test

import (
	"errors"
	"testing"

	"github.com/memflux/memflux"
	"github.com/memflux/memflux/command"
)

// TestTxExecEmpty: Tx.Exec without a command name is an error in both kinds of
// transaction, never a panic (View used to index args[0] for its read-only check).
func TestTxExecEmpty(t *testing.T) {
	db := openDB(t, "serializable")
	for _, tt := range []struct {
		name string
		run  func(fn func(*memflux.Tx) error) error
	}{
		{"View", db.View},
		{"Update", db.Update},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got error
			err := tt.run(func(tx *memflux.Tx) error {
				_, got = tx.Exec()
				return nil
			})
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if !errors.Is(got, command.ErrInvalid) || got.Error() != "Command name not provided" {
				t.Fatalf("Exec() = %v, want the ErrInvalid %q", got, "Command name not provided")
			}
		})
	}
}
