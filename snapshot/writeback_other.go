//go:build !linux

package snapshot

// writeback does nothing where sync_file_range does not exist: the final fsync writes
// the whole file.
func writeback(fd int, from, to, waitTo int64) error { return nil }

// lowerThreadPriority does nothing where threads have no priority of their own.
func lowerThreadPriority() error { return nil }
