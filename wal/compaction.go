package wal

import (
	"encoding/binary"
	"fmt"
)

// copyChunk is the most FinishCompaction copies per read/write pair.
const copyChunk = 1 << 20

// maxCopyPasses bounds the lock-free copy passes of FinishCompaction, in
// case appenders outpace the copy; the remainder is then copied under mu.
const maxCopyPasses = 16

// SwitchToOverflow makes subsequent appends go to the overflow file. The
// caller calls it under its commit lock and reads its commit timestamp S
// there: then the primary file holds only records with ts <= S and the
// overflow receives only records with ts > S (plus leftovers older than S
// from before a restart or an abandoned compaction). Calling it while
// appends already go to the overflow file does nothing, so an abandoned
// compaction can simply be started again.
func (l *Log) SwitchToOverflow() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.closed {
		l.active = overflow
	}
}

// FinishCompaction is called once a snapshot covering every record with
// ts <= coveredTS is durable. It leaves the primary file holding exactly the
// overflow's records with ts > coveredTS, the overflow file empty (0 bytes)
// and appends going to the primary file again, without blocking appends
// except while it copies the last few KiB. See DESIGN.md for why a crash at
// any point loses no record.
//
// Steps (hook points in quotes):
//
//  1. under mu: truncate the primary file to 0 bytes; sync it. "truncated-primary"
//  2. without mu: copy the overflow's records to the primary, in passes,
//     while appends continue into the overflow. "copied" after each pass
//  3. under mu: copy the remaining tail, switch appends to the primary. "switched"
//  4. sync the primary: every overflow record now has a durable copy. "synced-primary"
//  5. under mu: truncate the overflow file to 0 bytes; sync it. "truncated-overflow"
//
// An error before step 3 leaves appends on the overflow file; calling
// FinishCompaction again redoes the work.
func (l *Log) FinishCompaction(coveredTS uint64) error {
	l.compactMu.Lock()
	defer l.compactMu.Unlock()
	p, o := l.segs[primary], l.segs[overflow]

	// Step 1.
	l.mu.Lock()
	if err := l.compactionAllowedLocked(coveredTS); err != nil {
		l.mu.Unlock()
		return err
	}
	err := p.truncate(0)
	l.mu.Unlock()
	if err != nil {
		return err
	}
	l.at("truncated-primary")
	if err := p.sync(); err != nil {
		return l.fail(err)
	}

	// Steps 2 and 3.
	if err := l.copyAndSwitch(&copier{src: o, dst: p, covered: coveredTS}); err != nil {
		// Appends still go to the overflow. Drop the partial copy so the
		// primary matches its (empty) segment; a retry starts over.
		l.mu.Lock()
		_ = p.truncate(0)
		l.mu.Unlock()
		return err
	}
	l.at("switched")

	// Step 4.
	if err := p.sync(); err != nil {
		return l.fail(err)
	}
	l.at("synced-primary")

	// Step 5. If the caller switched to the overflow again meanwhile, its
	// records stay where they are: duplicates of the primary's copies are
	// harmless (Replay yields a ts once).
	l.mu.Lock()
	truncated := l.active == primary
	if truncated {
		err = o.truncate(0)
	}
	l.mu.Unlock()
	if err != nil {
		return err
	}
	if truncated {
		if err := o.sync(); err != nil {
			return l.fail(err)
		}
		l.at("truncated-overflow")
	}
	return nil
}

// copyAndSwitch copies the overflow's records to the primary in passes
// while appends continue, then, under mu, copies the rest and makes the
// primary the active file. compactMu gives this call sole use of the
// primary file's contents; its segment fields are only updated under mu,
// in publishLocked.
func (l *Log) copyAndSwitch(c *copier) error {
	for pass := 0; pass < maxCopyPasses; pass++ {
		l.mu.Lock()
		end := c.src.end
		l.mu.Unlock()
		if end-c.srcOff <= l.finalTail {
			break
		}
		if err := c.copyTo(end); err != nil {
			return err
		}
		l.at("copied")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := c.copyTo(c.src.end); err != nil {
		return err
	}
	if err := l.publishLocked(c); err != nil {
		return l.fail(err)
	}
	return nil
}

// compactionAllowedLocked reports why FinishCompaction cannot start.
//
// REQUIRES: l.mu held.
func (l *Log) compactionAllowedLocked(coveredTS uint64) error {
	switch p := l.segs[primary]; {
	case l.closed:
		return ErrClosed
	case l.err() != nil:
		return l.err()
	case l.active != overflow:
		return ErrNotSwitched
	case p.lastTS > coveredTS:
		return fmt.Errorf("%w: %s holds ts %d, covered up to %d", ErrNotCovered, p.path, p.lastTS, coveredTS)
	}
	return nil
}

// publishLocked installs the copier's result as the primary segment and
// makes it the active file.
//
// REQUIRES: l.mu held.
func (l *Log) publishLocked(c *copier) error {
	p := c.dst
	p.size, p.end, p.written = c.dstSize, c.dstOff, c.dstOff
	if p.end > 0 {
		p.lastTS = c.src.lastTS // the copy reached the end of the overflow
	}
	p.dirty = true
	if err := p.remap(); err != nil {
		return err
	}
	l.active = primary
	return nil
}

// at calls the test hook, if any. Never called with mu held, so a hook may
// append.
func (l *Log) at(point string) {
	if l.hook != nil {
		l.hook(point)
	}
}

// copier copies the overflow file's records with ts > covered to the
// primary file, through the file descriptors: the overflow may be remapped
// by Append at any time, and the primary is not mapped until published.
// Records are ascending, so those with ts <= covered form a prefix of the
// overflow: the copier skips that prefix record by record, then copies raw
// bytes. src.end, read under mu, is always a record boundary. A copier
// belongs to one FinishCompaction call and is not safe for concurrent use.
type copier struct {
	src, dst *segment
	covered  uint64
	srcOff   int64 // next byte of src to consider; 0 = before the file header
	skipping bool  // still inside the prefix of records with ts <= covered
	dstOff   int64 // bytes written to dst: its logical size
	dstSize  int64 // allocated size of dst
	buf      []byte
}

// copyTo copies src up to end, a record boundary.
func (c *copier) copyTo(end int64) error {
	if c.srcOff == 0 {
		if end == 0 {
			return nil
		}
		c.srcOff, c.skipping = fileHeaderSize, true
	}
	if err := c.skip(end); err != nil {
		return err
	}
	for c.srcOff < end {
		n := min(end-c.srcOff, copyChunk)
		if c.buf == nil {
			c.buf = make([]byte, copyChunk)
		}
		if _, err := c.src.f.ReadAt(c.buf[:n], c.srcOff); err != nil {
			return fmt.Errorf("wal: compaction: read %s at %d: %w", c.src.path, c.srcOff, err)
		}
		if err := c.write(c.buf[:n]); err != nil {
			return err
		}
		c.srcOff += n
	}
	return nil
}

// skip advances srcOff past the records with ts <= covered.
func (c *copier) skip(end int64) error {
	var hdr [recordHeaderSize]byte
	for c.skipping && c.srcOff < end {
		if _, err := c.src.f.ReadAt(hdr[:], c.srcOff); err != nil {
			return fmt.Errorf("wal: compaction: read %s at %d: %w", c.src.path, c.srcOff, err)
		}
		n := int64(binary.LittleEndian.Uint32(hdr[:]))
		if n < 8 || c.srcOff+lengthFieldSize+n > end {
			return &CorruptionError{Path: c.src.path, Offset: c.srcOff, Reason: fmt.Sprintf("invalid length %d", n)}
		}
		if binary.LittleEndian.Uint64(hdr[8:]) > c.covered {
			c.skipping = false
			break
		}
		c.srcOff += lengthFieldSize + n
	}
	return nil
}

// write appends b to dst, preceded by the file header if dst is empty. The
// file grows in the same chunks as on Append; the sync in step 4 makes the
// size durable.
func (c *copier) write(b []byte) error {
	if c.dstOff == 0 {
		if err := c.writeAt(fileHeader[:]); err != nil {
			return err
		}
	}
	return c.writeAt(b)
}

func (c *copier) writeAt(b []byte) error {
	need := c.dstOff + int64(len(b))
	if need > c.dstSize {
		size := nextSize(c.dstSize, need)
		if err := c.dst.allocate(size); err != nil {
			return err
		}
		c.dstSize = size
	}
	if _, err := c.dst.f.WriteAt(b, c.dstOff); err != nil {
		return fmt.Errorf("wal: compaction: write %s at %d: %w", c.dst.path, c.dstOff, err)
	}
	c.dstOff = need
	return nil
}
