//go:build linux

package snapshot

import (
	"os"

	"golang.org/x/sys/unix"
)

// startWriteback asks the kernel to start writing f's dirty pages to disk, after waiting
// for the writeback the previous call started. Called every writebackEvery bytes, it
// keeps a snapshot's dirty data small, so the final fsync is short and does not hold up
// the WAL's syncs behind hundreds of megabytes (Redis's rdb-save-incremental-fsync does
// the same).
func startWriteback(f *os.File) error {
	return unix.SyncFileRange(int(f.Fd()), 0, 0, unix.SYNC_FILE_RANGE_WAIT_BEFORE|unix.SYNC_FILE_RANGE_WRITE)
}
