//go:build linux

package snapshot

import "golang.org/x/sys/unix"

// writeback asks the kernel to start writing the dirty pages of [from, to) of the file fd
// to disk, then waits for the writeback of [0, waitTo) to finish (nothing if waitTo <= 0).
// Bytes the writer has not reached yet are not touched, and the wait bounds how much of
// the file is in flight at once (see writebackFile).
func writeback(fd int, from, to, waitTo int64) error {
	if err := unix.SyncFileRange(fd, from, to-from, unix.SYNC_FILE_RANGE_WRITE); err != nil {
		return err
	}
	if waitTo <= 0 {
		return nil
	}
	return unix.SyncFileRange(fd, 0, waitTo, unix.SYNC_FILE_RANGE_WAIT_BEFORE)
}

// lowerThreadPriority sets the calling thread's nice value to 19, the lowest priority of
// the normal scheduling class: it still gets its share of an idle CPU, but a thread of
// normal priority that wakes up takes the CPU from it at once.
func lowerThreadPriority() error {
	return unix.Setpriority(unix.PRIO_PROCESS, unix.Gettid(), 19)
}
