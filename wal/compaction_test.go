package wal

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
)

// committer plays the transaction layer: it appends under a commit lock
// with increasing timestamps and waits outside it. It is safe for
// concurrent use.
type committer struct {
	l *Log

	// mu is the commit lock; it protects ts and failed.
	mu       sync.Mutex
	ts       uint64     // last commit timestamp
	failed   bool       // an Append failed: awaitCommits stops waiting
	progress *sync.Cond // on mu, broadcast after every Append
}

func newCommitter(l *Log) *committer {
	c := &committer{l: l}
	c.progress = sync.NewCond(&c.mu)
	return c
}

func (c *committer) commit() error {
	c.mu.Lock()
	c.ts++
	p, err := c.l.Append(c.ts, payloadFor(c.ts))
	c.failed = c.failed || err != nil
	c.progress.Broadcast()
	c.mu.Unlock()
	if err != nil {
		return err
	}
	return c.l.Wait(p)
}

// start runs n goroutines that commit until the returned function is called; it waits
// for them. A failed commit fails the test and ends its goroutine.
func (c *committer) start(t *testing.T, n int) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				if err := c.commit(); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	return func() {
		close(done)
		wg.Wait()
	}
}

// awaitCommits blocks until n more records have been appended, or an
// Append failed (the committing goroutine reports that).
func (c *committer) awaitCommits(n uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for target := c.ts + n; c.ts < target && !c.failed; {
		c.progress.Wait()
	}
}

// switchOver does what the DB does under its commit lock: switch files and
// read the commit timestamp the snapshot will cover.
func (c *committer) switchOver() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.l.SwitchToOverflow()
	return c.ts
}

func (c *committer) last() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ts
}

// TestCompactionConcurrent compacts three times while four goroutines keep
// committing. Afterwards the log holds exactly the records above the last
// covered timestamp, and the overflow file is 0 bytes.
func TestCompactionConcurrent(t *testing.T) {
	for _, d := range []Durability{Fsync, Full} {
		t.Run("durability="+d.String(), func(t *testing.T) {
			opts := testOptions(t.TempDir(), d)
			l := mustOpen(t, opts)
			l.finalTail = 512 // force several lock-free copy passes
			c := newCommitter(l)
			stop := c.start(t, 4)
			var covered uint64
			for round := range 3 {
				c.awaitCommits(300)
				covered = c.switchOver()
				// The snapshot runs here; commits go to the overflow.
				c.awaitCommits(200)
				if err := l.FinishCompaction(covered); err != nil {
					t.Fatalf("round %d: FinishCompaction: %v", round, err)
				}
				if got := fileSize(t, opts.OverflowPath); got != 0 {
					t.Fatalf("round %d: overflow is %d bytes after compaction, want 0", round, got)
				}
			}
			stop()
			last := c.last()
			want := entriesFor(rangeTS(covered+1, last)...)
			checkEntries(t, replayAll(t, l), want)
			size := l.Size()
			mustClose(t, l)
			if got := fileSize(t, opts.PrimaryPath); got != size {
				t.Fatalf("primary is %d bytes after Close, want logical size %d", got, size)
			}
			if got := fileSize(t, opts.OverflowPath); got != 0 {
				t.Fatalf("overflow is %d bytes after Close, want 0", got)
			}
			l = mustOpen(t, opts)
			defer mustClose(t, l)
			checkEntries(t, replayAll(t, l), want)
		})
	}
}

// TestCompactionSizes checks the file sizes SPEC §7 observes: after a
// compaction during which nothing was written, both files are empty; writes
// made while the snapshot ran end up (only) in the primary.
func TestCompactionSizes(t *testing.T) {
	opts := testOptions(t.TempDir(), Fsync)
	l := mustOpen(t, opts)
	defer mustClose(t, l)
	big := make([]byte, 256<<10)
	for ts := uint64(1); ts <= 8; ts++ {
		if _, err := l.Append(ts, big); err != nil {
			t.Fatal(err)
		}
	}
	l.SwitchToOverflow()
	if l.Size() != 0 {
		t.Fatalf("Size after switch = %d, want 0 (the overflow is empty)", l.Size())
	}
	if err := l.FinishCompaction(8); err != nil {
		t.Fatal(err)
	}
	if l.Size() != 0 || fileSize(t, opts.PrimaryPath) != 0 || fileSize(t, opts.OverflowPath) != 0 {
		t.Fatalf("after an idle compaction: Size %d, primary %d bytes, overflow %d bytes; want 0, 0, 0",
			l.Size(), fileSize(t, opts.PrimaryPath), fileSize(t, opts.OverflowPath))
	}

	appendRange(t, l, 9, 10)
	l.SwitchToOverflow()
	if err := l.FinishCompaction(9); !errors.Is(err, ErrNotCovered) {
		t.Fatalf("FinishCompaction(9) with ts 10 in the primary = %v, want ErrNotCovered", err)
	}
	appendRange(t, l, 11, 12) // written while the snapshot at 10 runs
	if err := l.FinishCompaction(10); err != nil {
		t.Fatal(err)
	}
	want := entriesFor(11, 12)
	checkEntries(t, replayAll(t, l), want)
	wantSize := int64(fileHeaderSize + recordSize(len(payloadFor(11))) + recordSize(len(payloadFor(12))))
	if l.Size() != wantSize {
		t.Fatalf("Size = %d, want %d", l.Size(), wantSize)
	}
	appendRange(t, l, 13, 13)
	checkEntries(t, replayAll(t, l), entriesFor(11, 12, 13))
	if fileSize(t, opts.OverflowPath) != 0 {
		t.Fatal("append after compaction went to the overflow file")
	}
}

// TestCompactionLeftovers: records at or below the covered timestamp left in
// the overflow file (a restart or an abandoned compaction) are dropped.
func TestCompactionLeftovers(t *testing.T) {
	opts := testOptions(t.TempDir(), None)
	l := mustOpen(t, opts)
	appendRange(t, l, 1, 10)
	l.SwitchToOverflow()
	appendRange(t, l, 11, 20) // the compaction is abandoned: no FinishCompaction
	mustClose(t, l)

	l = mustOpen(t, opts)
	defer mustClose(t, l)
	checkEntries(t, replayAll(t, l), entriesFor(rangeTS(1, 20)...))
	appendRange(t, l, 21, 30) // to the primary
	l.SwitchToOverflow()
	l.SwitchToOverflow() // a retried switch is harmless
	appendRange(t, l, 31, 40)
	if err := l.FinishCompaction(30); err != nil {
		t.Fatal(err)
	}
	checkEntries(t, replayAll(t, l), entriesFor(rangeTS(31, 40)...))
	if got := fileSize(t, opts.OverflowPath); got != 0 {
		t.Fatalf("overflow is %d bytes, want 0", got)
	}
	// A second FinishCompaction without a switch is refused.
	if err := l.FinishCompaction(40); err == nil {
		t.Fatal("FinishCompaction without SwitchToOverflow succeeded")
	}
}

// crashImage is the content of both files at one instant: what a process
// crash (SIGKILL) leaves, since the page cache survives it.
type crashImage struct {
	point      string
	primary    []byte
	overflow   []byte
	lastTS     uint64 // last record appended before the image was taken
	copyActive bool   // taken while the primary held only compaction copies
}

// TestCompactionCrashPoints takes a crash image at every step of
// FinishCompaction, with appends interleaved at each step, and checks that
// recovering each image yields every record above the covered timestamp
// exactly once, in order. Images taken while the copy runs are also
// recovered with the primary cut at many offsets (a torn copy).
func TestCompactionCrashPoints(t *testing.T) {
	opts := testOptions(t.TempDir(), None)
	l := mustOpen(t, opts)
	l.finalTail = 256
	appendRange(t, l, 1, 300)
	l.SwitchToOverflow()
	const covered = 300
	ts := uint64(covered)
	more := func(n uint64) {
		appendRange(t, l, ts+1, ts+n)
		ts += n
	}
	more(100)

	var images []crashImage
	snap := func(point string, copyActive bool) {
		images = append(images, crashImage{point, readFile(t, opts.PrimaryPath),
			readFile(t, opts.OverflowPath), ts, copyActive})
	}
	snap("switched-to-overflow", false)
	passes := 0
	l.hook = func(point string) {
		copying := point == "truncated-primary" || point == "copied"
		snap(point, copying)
		if point == "copied" {
			passes++
			if passes > 3 {
				return // let the copy converge
			}
		}
		more(30)
		snap(point+"+appends", copying)
	}
	if err := l.FinishCompaction(covered); err != nil {
		t.Fatal(err)
	}
	l.hook = nil
	if passes < 2 {
		t.Fatalf("%d copy passes, want several", passes)
	}
	snap("done", false)
	more(10)
	snap("done+appends", false)
	mustClose(t, l)

	for i, img := range images {
		t.Run(fmt.Sprintf("%02d-%s", i, img.point), func(t *testing.T) {
			t.Parallel() // bound by fdatasync latency, not CPU
			recoverImage(t, img.primary, img.overflow, covered, img.lastTS)
			if !img.copyActive {
				return
			}
			// Torn copies: cut inside a sample of the copied records
			// (every record with -long).
			offs := recordOffsets(t, img.primary)
			step := max(1, len(offs)/6)
			if *long {
				step = 1
			}
			for j := 0; j < len(offs); j += step {
				for _, d := range []int64{1, 9, 17} {
					if cut := offs[j] + d; cut < int64(len(img.primary)) {
						recoverImage(t, img.primary[:cut], img.overflow, covered, img.lastTS)
					}
				}
			}
		})
	}
}

// recoverImage opens a log made of the given file contents and checks its
// replay: strictly ascending, correct payloads, and every ts in
// (covered, lastTS] present.
func recoverImage(t *testing.T, primary, overflow []byte, covered, lastTS uint64) {
	t.Helper()
	opts := testOptions(t.TempDir(), None)
	writeFile(t, opts.PrimaryPath, primary)
	writeFile(t, opts.OverflowPath, overflow)
	l, err := Open(opts)
	if err != nil {
		t.Fatalf("Open after crash (primary %d bytes): %v", len(primary), err)
	}
	defer mustClose(t, l)
	var above []entry
	prev := uint64(0)
	for _, e := range replayAll(t, l) {
		if e.ts <= prev {
			t.Fatalf("ts %d replayed after %d", e.ts, prev)
		}
		prev = e.ts
		if e.payload != string(payloadFor(e.ts)) {
			t.Fatalf("ts %d: payload %q", e.ts, e.payload)
		}
		if e.ts > covered {
			above = append(above, e)
		}
	}
	checkEntries(t, above, entriesFor(rangeTS(covered+1, lastTS)...))
}

// TestCompactionStress repeats compaction under load with -long.
func TestCompactionStress(t *testing.T) {
	if !*long {
		t.Log("quick run; use -long for 50 rounds")
	}
	rounds := 3
	if *long {
		rounds = 50
	}
	dir := t.TempDir()
	opts := testOptions(dir, Full)
	opts.PrimaryPath = filepath.Join(dir, "stress.wal")
	opts.OverflowPath = filepath.Join(dir, "stress.wal.overflow")
	l := mustOpen(t, opts)
	c := newCommitter(l)
	stop := c.start(t, 8)
	var covered uint64
	for range rounds {
		c.awaitCommits(100)
		covered = c.switchOver()
		c.awaitCommits(40) // they go to the overflow while the "snapshot" runs
		if err := l.FinishCompaction(covered); err != nil {
			t.Fatal(err)
		}
	}
	stop()
	want := entriesFor(rangeTS(covered+1, c.last())...)
	mustClose(t, l)
	l = mustOpen(t, opts)
	defer mustClose(t, l)
	checkEntries(t, replayAll(t, l), want)
}
