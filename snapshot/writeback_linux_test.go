//go:build linux

package snapshot

import (
	"testing"

	"golang.org/x/sys/unix"
)

// TestRunLowPriorityNice: fn runs on a thread with nice 19, and the caller's thread keeps
// its priority.
func TestRunLowPriorityNice(t *testing.T) {
	// getpriority(2) returns 20 - nice.
	niceOf := func() int {
		p, err := unix.Getpriority(unix.PRIO_PROCESS, unix.Gettid())
		if err != nil {
			t.Fatal(err)
		}
		return 20 - p
	}
	before := niceOf()
	var inside int
	runLowPriority(func() { inside = niceOf() })
	if inside != 19 {
		t.Errorf("nice inside = %d, want 19", inside)
	}
	if after := niceOf(); after != before {
		t.Errorf("caller's nice changed from %d to %d", before, after)
	}
}
