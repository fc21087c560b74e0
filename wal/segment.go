package wal

import (
	"errors"
	"fmt"
	"os"

	"github.com/edsrzf/mmap-go"
	"golang.org/x/sys/unix"
)

// Growth policy: files grow in chunks that double from minChunk up to
// maxChunk, then grow by maxChunk at a time.
const (
	minChunk = 1 << 20
	maxChunk = 64 << 20
)

// segment is one log file and its read-write shared mapping. path and f are
// immutable; every other field is guarded by Log.mu, except during
// FinishCompaction, which owns the inactive primary file (see compaction.go).
type segment struct {
	path string
	f    *os.File
	fd   int // f.Fd(), cached: fdatasync runs without Log.mu
	// syncFn is unix.Fdatasync; tests replace it (before any concurrent
	// use) to inject sync failures.
	syncFn func(fd int) error

	mm     mmap.MMap // mapping of [0, size); nil when size == 0
	end    int64     // logical size: bytes holding the header and records
	size   int64     // file size == len(mm)
	dirty  bool      // appended to since the last sync round started
	lastTS uint64    // ts of the last record, 0 if none
	// written is how much of the file is known to be written, not just preallocated:
	// [end, written) holds zeros written through the descriptor (see fillZeros). Always
	// end <= written <= size.
	written int64
}

// openSegment opens (creating it if needed) the file at path.
func openSegment(path string) (*segment, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("wal: open %s: %w", path, err)
	}
	fi, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("wal: stat %s: %w", path, err)
	}
	s := &segment{path: path, f: f, fd: int(f.Fd()), syncFn: unix.Fdatasync, size: fi.Size()}
	if err := s.remap(); err != nil {
		_ = f.Close()
		return nil, err
	}
	return s, nil
}

// remap replaces the mapping with one covering [0, s.size).
func (s *segment) remap() error {
	if err := s.unmap(); err != nil {
		return err
	}
	if s.size == 0 {
		return nil
	}
	mm, err := mmap.MapRegion(s.f, int(s.size), mmap.RDWR, 0, 0)
	if err != nil {
		return fmt.Errorf("wal: mmap %s: %w", s.path, err)
	}
	s.mm = mm
	return nil
}

// unmap drops the mapping, if any.
func (s *segment) unmap() error {
	if s.mm == nil {
		return nil
	}
	err := s.mm.Unmap()
	s.mm = nil
	if err != nil {
		return fmt.Errorf("wal: munmap %s: %w", s.path, err)
	}
	return nil
}

// nextSize returns the file size to grow to so that need bytes fit: at
// least minChunk, then doubling, then in steps of maxChunk, rounded up to a
// whole chunk.
func nextSize(size, need int64) int64 {
	for size < need {
		if size < minChunk {
			size = minChunk
		} else {
			size += min(size, maxChunk)
		}
	}
	return (size + minChunk - 1) / minChunk * minChunk
}

// allocate extends the file to size bytes (zero-filled) without touching
// the mapping.
func (s *segment) allocate(size int64) error {
	err := unix.Fallocate(s.fd, 0, 0, size)
	if errors.Is(err, unix.EOPNOTSUPP) || errors.Is(err, unix.ENOSYS) {
		err = unix.Ftruncate(s.fd, size)
	}
	if err != nil {
		return fmt.Errorf("wal: grow %s to %d bytes: %w", s.path, size, err)
	}
	return nil
}

// truncate cuts the file to size bytes, unmapping it first so no mapping
// outlives the data it covers, and maps what remains.
func (s *segment) truncate(size int64) error {
	if err := s.unmap(); err != nil {
		return err
	}
	if err := unix.Ftruncate(s.fd, size); err != nil {
		err = fmt.Errorf("wal: truncate %s to %d bytes: %w", s.path, size, err)
		return errors.Join(err, s.remap()) // the file is unchanged: map it again
	}
	s.size = size
	s.end = min(s.end, size)
	s.written = min(s.written, size)
	if size == 0 {
		s.lastTS = 0
	}
	return s.remap()
}

// zeroAhead is how far past a record fillZeros writes zeros.
const zeroAhead = 128 << 10

// zeros is the source of fillZeros' writes; never written.
var zeros [zeroAhead]byte

// fillZeros writes zeros over [written, need + zeroAhead), within the file, so that
// appends up to need land on written blocks.
//
// Why: fallocate leaves the new blocks "unwritten", and the first write to each block
// makes the next fdatasync convert it in the file system's metadata: on ext4 a journal
// commit, several times slower than a data-only fdatasync, and much slower while a
// snapshot is being written (the commit waits for the snapshot's blocks). Appends of small
// records would pay that on every new page, about one commit in a hundred at exactly the
// 99th percentile. Writing zeros ahead in 128 KiB steps makes it one in thousands. The
// bytes past end are zero already, so this changes no content.
//
// REQUIRES: Log.mu held; need <= size.
func (s *segment) fillZeros(need int64) error {
	to := min(s.size, need+zeroAhead)
	for s.written < to {
		n := min(to-s.written, zeroAhead)
		if _, err := s.f.WriteAt(zeros[:n], s.written); err != nil {
			return fmt.Errorf("wal: write zeros to %s at %d: %w", s.path, s.written, err)
		}
		s.written += n
	}
	return nil
}

// sync flushes the file's data (including pages dirtied through the
// mapping) and the metadata needed to read it back.
func (s *segment) sync() error {
	if err := s.syncFn(s.fd); err != nil {
		return fmt.Errorf("wal: sync %s: %w", s.path, err)
	}
	return nil
}
