package wal

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func TestParseDurability(t *testing.T) {
	tests := []struct {
		in      string
		want    Durability
		wantErr bool
	}{
		{"none", None, false},
		{"fsync", Fsync, false},
		{"full", Full, false},
		{"FULL", None, true},
		{"sometimes", None, true},
		{"", None, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDurability(tt.in)
			if tt.wantErr {
				if !errors.Is(err, ErrUnknownDurability) {
					t.Fatalf("ParseDurability(%q) error = %v, want ErrUnknownDurability", tt.in, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseDurability(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
			if got.String() != tt.in {
				t.Fatalf("String() = %q, want %q", got.String(), tt.in)
			}
		})
	}
}

func TestOptions(t *testing.T) {
	var o Options
	o.EnsureDefaults()
	if o.PrimaryPath != "memflux.wal" || o.OverflowPath != "memflux.wal.overflow" ||
		o.SyncInterval != time.Second || o.Logger == nil || o.Durability != None {
		t.Fatalf("defaults = %+v", o)
	}
	o = Options{PrimaryPath: "/x/a.wal"}
	o.EnsureDefaults()
	if o.OverflowPath != "/x/a.wal.overflow" {
		t.Fatalf("OverflowPath = %q, want /x/a.wal.overflow", o.OverflowPath)
	}
	bad := []Options{
		{PrimaryPath: "a", OverflowPath: "./a"},
		{Durability: Full + 1},
		{SyncInterval: -time.Second},
	}
	for i, o := range bad {
		o.EnsureDefaults()
		if err := o.Validate(); !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("case %d: Validate() = %v, want ErrInvalidOptions", i, err)
		}
		if _, err := Open(o); !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("case %d: Open() = %v, want ErrInvalidOptions", i, err)
		}
	}
}

// TestRoundTrip appends enough records to grow the file through several
// chunks, reopens, and appends again.
func TestRoundTrip(t *testing.T) {
	for _, d := range []Durability{None, Fsync, Full} {
		t.Run("durability="+d.String(), func(t *testing.T) {
			opts := testOptions(t.TempDir(), d)
			l := mustOpen(t, opts)
			big := make([]byte, 2000)
			var want []entry
			for ts := uint64(1); ts <= 2000; ts++ {
				p := append(payloadFor(ts), big[:ts*37%2000]...)
				if _, err := l.Append(ts, p); err != nil {
					t.Fatal(err)
				}
				want = append(want, entry{ts, string(p)})
			}
			if got := fileSize(t, opts.PrimaryPath); got < 2<<20 {
				t.Fatalf("file size %d, want growth past 2 MiB", got)
			}
			checkEntries(t, replayAll(t, l), want)
			size := l.Size()
			mustClose(t, l)
			if got := fileSize(t, opts.PrimaryPath); got != size {
				t.Fatalf("file size after Close = %d, want logical size %d", got, size)
			}

			l = mustOpen(t, opts)
			checkEntries(t, replayAll(t, l), want)
			if l.Size() != size {
				t.Fatalf("Size after reopen = %d, want %d", l.Size(), size)
			}
			appendRange(t, l, 2001, 2100)
			want = append(want, entriesFor(rangeTS(2001, 2100)...)...)
			mustClose(t, l)
			l = mustOpen(t, opts)
			defer mustClose(t, l)
			checkEntries(t, replayAll(t, l), want)
		})
	}
}

func TestEmptyLogIsZeroBytes(t *testing.T) {
	opts := testOptions(t.TempDir(), Full)
	l := mustOpen(t, opts)
	if l.Size() != 0 {
		t.Fatalf("Size = %d, want 0", l.Size())
	}
	if got := replayAll(t, l); len(got) != 0 {
		t.Fatalf("Replay of an empty log = %v", got)
	}
	mustClose(t, l)
	for _, p := range []string{opts.PrimaryPath, opts.OverflowPath} {
		if got := fileSize(t, p); got != 0 {
			t.Fatalf("%s: %d bytes, want 0", p, got)
		}
	}
}

// TestBothFiles leaves records in both files across a restart.
func TestBothFiles(t *testing.T) {
	opts := testOptions(t.TempDir(), Fsync)
	l := mustOpen(t, opts)
	appendRange(t, l, 1, 50)
	l.SwitchToOverflow()
	appendRange(t, l, 51, 80)
	l.SwitchToOverflow() // no-op
	appendRange(t, l, 81, 90)
	mustClose(t, l)
	if fileSize(t, opts.OverflowPath) == 0 {
		t.Fatal("overflow file is empty")
	}

	l = mustOpen(t, opts)
	checkEntries(t, replayAll(t, l), entriesFor(rangeTS(1, 90)...))
	// Appends go to the primary after Open; Replay still merges by ts.
	before := fileSize(t, opts.OverflowPath)
	appendRange(t, l, 91, 100)
	mustClose(t, l)
	if got := fileSize(t, opts.OverflowPath); got != before {
		t.Fatalf("overflow grew from %d to %d bytes; appends should go to the primary", before, got)
	}
	l = mustOpen(t, opts)
	defer mustClose(t, l)
	checkEntries(t, replayAll(t, l), entriesFor(rangeTS(1, 100)...))
	if _, err := l.Append(100, nil); !errors.Is(err, ErrOutOfOrder) {
		t.Fatalf("Append(100) after reopen = %v, want ErrOutOfOrder", err)
	}
}

func TestAppendErrors(t *testing.T) {
	opts := testOptions(t.TempDir(), None)
	l := mustOpen(t, opts)
	if _, err := l.Append(0, []byte("x")); !errors.Is(err, ErrOutOfOrder) {
		t.Fatalf("Append(0) = %v, want ErrOutOfOrder", err)
	}
	if _, err := l.Append(5, nil); err != nil {
		t.Fatalf("Append(5, nil) = %v", err)
	}
	for _, ts := range []uint64{5, 4} {
		if _, err := l.Append(ts, []byte("x")); !errors.Is(err, ErrOutOfOrder) {
			t.Fatalf("Append(%d) = %v, want ErrOutOfOrder", ts, err)
		}
	}
	if _, err := l.Append(6, make([]byte, MaxPayload+1)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("oversized Append = %v, want ErrTooLarge", err)
	}
	if err := l.FinishCompaction(5); !errors.Is(err, ErrNotSwitched) {
		t.Fatalf("FinishCompaction without switch = %v, want ErrNotSwitched", err)
	}
	checkEntries(t, replayAll(t, l), []entry{{5, ""}})
	mustClose(t, l)

	if _, err := l.Append(7, nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("Append after Close = %v, want ErrClosed", err)
	}
	if err := l.Close(); !errors.Is(err, ErrClosed) {
		t.Fatalf("second Close = %v, want ErrClosed", err)
	}
	if err := l.Sync(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Sync after Close = %v, want ErrClosed", err)
	}
	if err := l.Replay(func(uint64, []byte) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Fatalf("Replay after Close = %v, want ErrClosed", err)
	}
	if err := l.FinishCompaction(1); !errors.Is(err, ErrClosed) {
		t.Fatalf("FinishCompaction after Close = %v, want ErrClosed", err)
	}
}

func TestReplayStopsOnError(t *testing.T) {
	l := mustOpen(t, testOptions(t.TempDir(), None))
	defer mustClose(t, l)
	appendRange(t, l, 1, 10)
	stop := errors.New("stop")
	n := 0
	err := l.Replay(func(uint64, []byte) error {
		n++
		if n == 3 {
			return stop
		}
		return nil
	})
	if err != stop || n != 3 {
		t.Fatalf("Replay = %v after %d records, want stop after 3", err, n)
	}
}

// TestGroupCommit runs 64 committers with Full durability: every Wait
// succeeds, and they share syncs.
func TestGroupCommit(t *testing.T) {
	opts := testOptions(t.TempDir(), Full)
	opts.SyncInterval = time.Hour // only Waits trigger syncs
	l := mustOpen(t, opts)
	const committers, each = 64, 20
	var commitMu sync.Mutex // the transaction layer's commit lock
	var ts uint64
	var wg sync.WaitGroup
	errs := make(chan error, committers)
	for range committers {
		wg.Go(func() {
			for range each {
				commitMu.Lock()
				ts++
				p, err := l.Append(ts, payloadFor(ts))
				commitMu.Unlock()
				if err == nil {
					err = l.Wait(p)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	syncs := l.syncs.Load()
	if syncs == 0 || syncs >= committers*each/2 {
		t.Fatalf("%d syncs for %d commits: want group commit to share syncs", syncs, committers*each)
	}
	t.Logf("%d commits, %d syncs", committers*each, syncs)
	mustClose(t, l)
	l = mustOpen(t, opts)
	defer mustClose(t, l)
	checkEntries(t, replayAll(t, l), entriesFor(rangeTS(1, committers*each)...))
}

func TestWaitLevels(t *testing.T) {
	t.Run("durability=none", func(t *testing.T) {
		l := mustOpen(t, testOptions(t.TempDir(), None))
		defer mustClose(t, l)
		p, _ := l.Append(1, []byte("a"))
		if err := l.Wait(p); err != nil {
			t.Fatal(err)
		}
		time.Sleep(30 * time.Millisecond)
		if n := l.syncs.Load(); n != 0 {
			t.Fatalf("None synced %d times", n)
		}
		if err := l.Sync(); err != nil || l.syncs.Load() != 1 {
			t.Fatalf("Sync = %v, syncs = %d; want one sync", err, l.syncs.Load())
		}
	})
	t.Run("durability=fsync", func(t *testing.T) {
		l := mustOpen(t, testOptions(t.TempDir(), Fsync))
		defer mustClose(t, l)
		p, _ := l.Append(1, []byte("a"))
		if err := l.Wait(p); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for l.synced.Load() < p.seq {
			if time.Now().After(deadline) {
				t.Fatal("no background sync within 5s with SyncInterval 10ms")
			}
			time.Sleep(time.Millisecond)
		}
	})
	t.Run("durability=full", func(t *testing.T) {
		l := mustOpen(t, testOptions(t.TempDir(), Full))
		defer mustClose(t, l)
		p, _ := l.Append(1, []byte("a"))
		if err := l.Wait(p); err != nil {
			t.Fatal(err)
		}
		if l.synced.Load() < p.seq {
			t.Fatal("Wait returned before the record was synced")
		}
		if err := l.Wait(Pos{}); err != nil {
			t.Fatal(err)
		}
	})
}

// TestStickySyncError injects an fdatasync failure.
func TestStickySyncError(t *testing.T) {
	l := mustOpen(t, testOptions(t.TempDir(), Full))
	p1, err := l.Append(1, []byte("a"))
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Wait(p1); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("injected EIO")
	l.mu.Lock()
	for _, s := range l.segs {
		s.syncFn = func(int) error { return boom }
	}
	l.mu.Unlock()
	p2, err := l.Append(2, []byte("b"))
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Wait(p2); !errors.Is(err, boom) {
		t.Fatalf("Wait = %v, want the injected error", err)
	}
	if err := l.Wait(p1); err != nil {
		t.Fatalf("Wait on an already durable record = %v, want nil", err)
	}
	if _, err := l.Append(3, []byte("c")); !errors.Is(err, boom) {
		t.Fatalf("Append after sync failure = %v, want the sticky error", err)
	}
	if err := l.Sync(); !errors.Is(err, boom) {
		t.Fatalf("Sync = %v, want the sticky error", err)
	}
	l.SwitchToOverflow()
	if err := l.FinishCompaction(2); !errors.Is(err, boom) {
		t.Fatalf("FinishCompaction = %v, want the sticky error", err)
	}
	if err := l.Close(); !errors.Is(err, boom) {
		t.Fatalf("Close = %v, want the sticky error", err)
	}
}

// TestCloseReleasesWaiters: Close syncs, so a Wait racing with it returns
// nil or ErrClosed, never hangs.
func TestCloseReleasesWaiters(t *testing.T) {
	opts := testOptions(t.TempDir(), Full)
	opts.SyncInterval = time.Hour
	l := mustOpen(t, opts)
	var ps []Pos
	for ts := uint64(1); ts <= 50; ts++ {
		p, err := l.Append(ts, payloadFor(ts))
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	var wg sync.WaitGroup
	for _, p := range ps {
		wg.Go(func() {
			if err := l.Wait(p); err != nil && !errors.Is(err, ErrClosed) {
				t.Errorf("Wait = %v", err)
			}
		})
	}
	mustClose(t, l)
	wg.Wait()
	if err := l.Wait(ps[len(ps)-1]); err != nil {
		t.Fatalf("Wait after Close on a record Close synced = %v", err)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	opts := testOptions(dir, None)
	opts.PrimaryPath = filepath.Join(dir, "missing", "memflux.wal")
	if _, err := Open(opts); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Open in a missing directory = %v, want ErrNotExist", err)
	}
	// A failing overflow must release the primary: reopening works.
	opts = testOptions(dir, None)
	writeFile(t, opts.OverflowPath, []byte("not a wal file at all"))
	if _, err := Open(opts); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Open with a foreign overflow file = %v, want ErrCorrupt", err)
	}
	if err := os.Remove(opts.OverflowPath); err != nil {
		t.Fatal(err)
	}
	l := mustOpen(t, opts)
	mustClose(t, l)
}

func ExampleLog() {
	dir, _ := os.MkdirTemp("", "wal-example")
	defer os.RemoveAll(dir)
	opts := Options{
		PrimaryPath: filepath.Join(dir, "memflux.wal"),
		Durability:  Full,
	}
	l, _ := Open(opts)
	// The transaction layer appends under its commit lock...
	p, _ := l.Append(1, []byte("SET k v"))
	// ...and waits for durability outside it.
	_ = l.Wait(p)
	_ = l.Close()

	l, _ = Open(opts)
	_ = l.Replay(func(ts uint64, payload []byte) error {
		fmt.Printf("%d %s\n", ts, payload)
		return nil
	})
	_ = l.Close()
	// Output: 1 SET k v
}

func TestNextSize(t *testing.T) {
	const mib = 1 << 20
	tests := []struct{ size, need, want int64 }{
		{0, 1, mib},
		{75, 200, mib},
		{mib, mib + 1, 2 * mib},
		{2 * mib, 3 * mib, 4 * mib},
		{mib + 100, mib + 200, 3 * mib},
		{64 * mib, 64*mib + 1, 128 * mib},
		{128 * mib, 128*mib + 1, 192 * mib},
		{0, 5 * mib, 8 * mib},
		{4 * mib, 4 * mib, 4 * mib},
	}
	for _, tt := range tests {
		if got := nextSize(tt.size, tt.need); got != tt.want {
			t.Errorf("nextSize(%d, %d) = %d, want %d", tt.size, tt.need, got, tt.want)
		}
	}
}
