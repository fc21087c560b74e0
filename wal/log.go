package wal

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
)

// Indexes of Log.segs.
const (
	primary  = 0
	overflow = 1
)

// Pos identifies an appended record for Wait. The zero Pos is always
// durable. It is a plain value.
type Pos struct {
	seq uint64 // 1-based number of the record among all appends since Open
}

// Log is the write-ahead log: two files (primary and overflow) of which one
// receives appends. All methods are safe for concurrent use. Append calls
// must come with strictly increasing timestamps, which the caller normally
// guarantees by appending under its commit lock.
//
// Lock order: compactMu, syncRoundMu, mu, syncMu.
type Log struct {
	opts   Options
	logger *slog.Logger

	// compactMu protects the contents of the inactive primary file while
	// FinishCompaction rewrites it, by serializing FinishCompaction, Replay
	// and Close.
	compactMu sync.Mutex

	// syncRoundMu protects the sync round in progress (syncRoundLocked): it
	// serializes rounds, so that a round never reports as durable data
	// another round is still flushing. Close holds it while releasing the
	// files.
	syncRoundMu sync.Mutex

	// mu (the append mutex) protects the fields below and the mutable
	// fields of both segments.
	mu       sync.Mutex
	segs     [2]*segment
	active   int    // primary or overflow: the file appends go to
	lastTS   uint64 // ts of the newest record in either file
	seq      uint64 // number of records appended since Open
	closed   bool   // Close has started: no more appends
	released bool   // Close has closed the files

	// syncMu protects stopped and is the lock of syncCond, on which Wait
	// sleeps until synced covers its record or the log fails or closes.
	syncMu   sync.Mutex
	syncCond *sync.Cond
	stopped  bool // Close has done its final sync

	synced atomic.Uint64         // highest seq known durable; stored under syncMu
	failed atomic.Pointer[error] // sticky I/O error, set once
	syncs  atomic.Uint64         // completed rounds that ran fdatasync (for tests, benchmarks)

	// Background syncer (nil channels under None). Close closes stop and
	// waits for done.
	kick chan struct{} // a Wait wants a sync; buffered 1
	stop chan struct{}
	done chan struct{}

	// Compaction tuning and the test failpoint.
	finalTail int64              // copy the overflow under mu once at most this much is left
	hook      func(point string) // called at each step of FinishCompaction; nil in production
}

// Open opens or creates both log files, recovers each (see DESIGN.md) and
// starts the background syncer for Fsync and Full. Appends go to the
// primary file. A torn tail is truncated and logged; damage in the middle of
// a file makes Open fail with an error wrapping ErrCorrupt, before either
// file is modified.
func Open(opts Options) (*Log, error) {
	opts.EnsureDefaults()
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	l := &Log{opts: opts, logger: opts.Logger, finalTail: 64 << 10}
	l.syncCond = sync.NewCond(&l.syncMu)
	var scans [2]scanResult
	err := func() error {
		for i, path := range [2]string{opts.PrimaryPath, opts.OverflowPath} {
			s, err := openSegment(path)
			if err != nil {
				return err
			}
			l.segs[i] = s
			if scans[i], err = scanFile(path, s.mm); err != nil {
				return err
			}
		}
		for i, s := range l.segs {
			if err := l.recoverSegment(s, scans[i]); err != nil {
				return err
			}
		}
		return nil
	}()
	if err != nil {
		for _, s := range l.segs {
			if s != nil {
				_ = s.unmap()
				_ = s.f.Close()
			}
		}
		return nil, err
	}
	if opts.Durability != None {
		l.kick = make(chan struct{}, 1)
		l.stop = make(chan struct{})
		l.done = make(chan struct{})
		go l.syncLoop()
	}
	return l, nil
}

// recoverSegment cuts s at the valid end found by scanFile and logs what
// recovery found.
func (l *Log) recoverSegment(s *segment, res scanResult) error {
	if res.end < s.size {
		if err := s.truncate(res.end); err != nil {
			return err
		}
		if err := s.sync(); err != nil {
			return err
		}
	}
	s.end, s.written, s.lastTS = res.end, res.end, res.lastTS
	l.lastTS = max(l.lastTS, res.lastTS)
	if res.tornAt >= 0 {
		l.logger.Warn("wal: truncated torn tail", "file", s.path, "offset", res.tornAt,
			"reason", res.reason, "records", res.records)
	}
	l.logger.Info("wal: recovered", "file", s.path, "records", res.records, "bytes", res.end)
	return nil
}

// Append writes one record into the active file's mapping and returns its
// position for Wait. ts must be above every ts already in the log. Append
// does not wait for durability; it fails with the sticky error once a sync
// has failed.
func (l *Log) Append(ts uint64, payload []byte) (Pos, error) {
	if len(payload) > MaxPayload {
		return Pos{}, fmt.Errorf("%w: %d bytes", ErrTooLarge, len(payload))
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return Pos{}, ErrClosed
	}
	if err := l.err(); err != nil {
		return Pos{}, err
	}
	if ts <= l.lastTS {
		return Pos{}, fmt.Errorf("%w: %d after %d", ErrOutOfOrder, ts, l.lastTS)
	}
	s := l.segs[l.active]
	off := s.end
	if off == 0 {
		off = fileHeaderSize
	}
	n := int64(recordSize(len(payload)))
	if err := l.growLocked(s, off+n); err != nil {
		return Pos{}, err
	}
	if off+n > s.written {
		if l.opts.Durability == None {
			s.written = off + n // no fdatasync to spare: the record is all we write
		} else if err := s.fillZeros(off + n); err != nil {
			return Pos{}, err // nothing appended; the zeros written so far are harmless
		}
	}
	if s.end == 0 {
		copy(s.mm, fileHeader[:])
	}
	putRecord(s.mm[off:off+n], ts, payload)
	s.end = off + n
	s.dirty = true
	s.lastTS = ts
	l.lastTS = ts
	l.seq++
	return Pos{seq: l.seq}, nil
}

// growLocked makes s at least need bytes long, in chunks (see nextSize),
// and maps the new size. Except under None it syncs after growing, so the
// new size is durable and later syncs only flush data.
//
// REQUIRES: l.mu held.
func (l *Log) growLocked(s *segment, need int64) error {
	if need <= s.size {
		return nil
	}
	size := nextSize(s.size, need)
	if err := s.allocate(size); err != nil {
		return err // nothing changed; not sticky (e.g. ENOSPC)
	}
	s.size = size
	if err := s.remap(); err != nil {
		return l.fail(err)
	}
	if l.opts.Durability != None {
		if err := s.sync(); err != nil {
			return l.fail(err)
		}
	}
	return nil
}

// Wait returns once the record at p is durable for the configured level:
// under Full after a sync that covers it (concurrent waiters share syncs),
// under Fsync and None at once. It returns the sticky sync error if the
// record is not known durable and a sync has failed.
//
// Under Full, a Wait that finds no sync round running runs one itself (it
// leads: no handoff to the syncer goroutine and back, which on a VM costs as
// much as a fast fdatasync); the Waits arriving meanwhile follow: they kick
// the syncer for the round after and sleep until a round covers them.
func (l *Log) Wait(p Pos) error {
	if l.synced.Load() >= p.seq {
		return nil
	}
	if l.opts.Durability != Full {
		return l.err()
	}
	if l.syncRoundMu.TryLock() {
		err := l.syncRoundLocked()
		l.syncRoundMu.Unlock()
		if err != nil {
			return err
		}
		if l.synced.Load() >= p.seq {
			return nil // the round noted our record: it was appended before Wait
		}
	}
	select {
	case l.kick <- struct{}{}:
	default: // a sync is already requested; it starts after our Append
	}
	l.syncMu.Lock()
	defer l.syncMu.Unlock()
	for l.synced.Load() < p.seq {
		if err := l.err(); err != nil {
			return err
		}
		if l.stopped {
			return ErrClosed
		}
		l.syncCond.Wait()
	}
	return nil
}

// Size returns the logical size in bytes of the file appends go to, the
// compaction trigger. It is 0 for a file without records.
func (l *Log) Size() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.segs[l.active].end
}

// Replay calls fn for every record of both files in ascending ts order. A
// record present in both files (a compaction copy) is yielded once. payload
// is valid only during the call; fn must not call methods of l. Replay is
// meant to run after Open and before Append, but is safe at any time; it
// blocks appends while it runs. An error from fn stops Replay and is
// returned as is.
func (l *Log) Replay(fn func(ts uint64, payload []byte) error) error {
	l.compactMu.Lock()
	defer l.compactMu.Unlock()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return ErrClosed
	}
	a := newIterator(l.segs[primary])
	b := newIterator(l.segs[overflow])
	ra, okA, err := a.next()
	if err != nil {
		return err
	}
	rb, okB, err := b.next()
	if err != nil {
		return err
	}
	for okA || okB {
		var r record
		advA, advB := false, false
		switch {
		case okA && (!okB || ra.ts < rb.ts):
			r, advA = ra, true
		case okB && (!okA || rb.ts < ra.ts):
			r, advB = rb, true
		default:
			if !bytes.Equal(ra.payload, rb.payload) {
				return &CorruptionError{Path: b.s.path, Offset: rb.off,
					Reason: fmt.Sprintf("timestamp %d also in %s with a different payload", rb.ts, a.s.path)}
			}
			r, advA, advB = ra, true, true
		}
		if err := fn(r.ts, r.payload); err != nil {
			return err
		}
		if advA {
			if ra, okA, err = a.next(); err != nil {
				return err
			}
		}
		if advB {
			if rb, okB, err = b.next(); err != nil {
				return err
			}
		}
	}
	return nil
}

// iterator walks the records of one segment. It is not safe for concurrent
// use. REQUIRES: l.mu held while in use.
type iterator struct {
	s      *segment
	off    int64
	lastTS uint64
}

func newIterator(s *segment) *iterator { return &iterator{s: s, off: fileHeaderSize} }

// next returns the next record, false at the end of the log, or an error if
// the file no longer holds valid records (which Open and Append rule out).
func (it *iterator) next() (record, bool, error) {
	if it.off >= it.s.end {
		return record{}, false, nil
	}
	rec, next, reason := decodeRecord(it.s.mm[:it.s.end], it.off)
	if reason == "" && rec.ts <= it.lastTS {
		reason = fmt.Sprintf("timestamp %d not above previous %d", rec.ts, it.lastTS)
	}
	if reason != "" {
		return record{}, false, &CorruptionError{Path: it.s.path, Offset: it.off, Reason: reason}
	}
	it.off, it.lastTS = next, rec.ts
	return rec, true, nil
}

// Sync makes every record appended so far durable, whatever the durability
// level, and releases the Waits it covers.
func (l *Log) Sync() error {
	l.syncRoundMu.Lock()
	defer l.syncRoundMu.Unlock()
	return l.syncRoundLocked()
}

// Close syncs both files, stops and joins the background syncer, truncates
// each file to its logical size (0 bytes when it has no records) and
// releases the mappings and descriptors. Waits still blocked return
// ErrClosed or the sync error. Close waits for a running FinishCompaction.
func (l *Log) Close() error {
	l.compactMu.Lock()
	defer l.compactMu.Unlock()
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return ErrClosed
	}
	l.closed = true
	l.mu.Unlock()

	if l.stop != nil {
		close(l.stop)
		<-l.done
	}
	l.syncRoundMu.Lock()
	defer l.syncRoundMu.Unlock()
	errs := []error{l.syncRoundLocked()}
	l.mu.Lock()
	for _, s := range l.segs {
		if s.size != s.end {
			errs = append(errs, s.truncate(s.end), s.sync())
		}
		errs = append(errs, s.unmap())
		if err := s.f.Close(); err != nil {
			errs = append(errs, fmt.Errorf("wal: close %s: %w", s.path, err))
		}
	}
	l.released = true
	l.mu.Unlock()

	l.syncMu.Lock()
	l.stopped = true
	l.syncCond.Broadcast()
	l.syncMu.Unlock()
	return errors.Join(errs...)
}

// err returns the sticky sync error, or nil.
func (l *Log) err() error {
	if p := l.failed.Load(); p != nil {
		return *p
	}
	return nil
}

// fail records err as the sticky error (the first one wins), wakes every
// Wait, and returns the sticky error.
func (l *Log) fail(err error) error {
	l.failed.CompareAndSwap(nil, &err)
	l.syncMu.Lock()
	l.syncCond.Broadcast()
	l.syncMu.Unlock()
	return l.err()
}
