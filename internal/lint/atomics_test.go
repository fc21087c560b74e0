package lint

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoRawAtomics fails when code calls the untyped sync/atomic functions (AddInt64,
// LoadUint64, …) instead of the typed atomics (STYLE.md item 17).
func TestNoRawAtomics(t *testing.T) {
	out, _ := exec.Command("git", "grep", "-nE", `atomic\.(Add|Load|Store|Swap|CompareAndSwap)(Int|Uint|Pointer|Uintptr)(32|64)?\(`, "--", "*.go").Output()
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if line != "" && !strings.Contains(line, "internal/lint/") {
			t.Errorf("raw atomic call: %s", line)
		}
	}
}
