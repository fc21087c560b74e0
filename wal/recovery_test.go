package wal

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// buildLog writes records 1..n to a fresh log in dir and returns its
// options and the closed primary file's bytes.
func buildLog(t *testing.T, dir string, n uint64) (Options, []byte) {
	t.Helper()
	opts := testOptions(dir, None)
	l := mustOpen(t, opts)
	appendRange(t, l, 1, n)
	mustClose(t, l)
	return opts, readFile(t, opts.PrimaryPath)
}

// TestTornTail cuts the last record at every byte offset, by truncating the
// file and by zeroing the tail in place (as preallocation leaves it), in
// either file. Recovery keeps exactly the preceding records, truncates the
// file to them, logs a warning naming file and offset when non-zero bytes
// were dropped, and the log is appendable afterwards.
func TestTornTail(t *testing.T) {
	const n = 5 // the record with ts 5 is short: 41 bytes
	_, good := buildLog(t, t.TempDir(), n)
	offs := recordOffsets(t, good)
	last := offs[len(offs)-1]
	for _, file := range []string{"primary", "overflow"} {
		for _, mode := range []string{"truncate", "zero"} {
			for cut := last; cut < int64(len(good)); cut++ {
				t.Run(fmt.Sprintf("file=%s/mode=%s/cut=%d", file, mode, cut), func(t *testing.T) {
					t.Parallel() // bound by fdatasync latency, not CPU
					testTornTail(t, n, file, mode, good, last, cut)
				})
			}
		}
	}
}

func testTornTail(t *testing.T, n uint64, file, mode string, good []byte, last, cut int64) {
	opts := testOptions(t.TempDir(), None)
	capture := &logCapture{}
	opts.Logger = slog.New(capture)
	path := opts.PrimaryPath
	if file == "overflow" {
		path = opts.OverflowPath
	}
	b := bytes.Clone(good[:cut])
	if mode == "zero" {
		b = append(b, make([]byte, int64(len(good))-cut+4096)...)
	}
	writeFile(t, path, b)

	l := mustOpen(t, opts)
	checkEntries(t, replayAll(t, l), entriesFor(rangeTS(1, n-1)...))
	if got := fileSize(t, path); got != last {
		t.Fatalf("file size after recovery = %d, want %d", got, last)
	}
	warns := capture.warnings()
	if isZero(good[last:cut]) {
		if len(warns) != 0 {
			t.Fatalf("warnings = %q, want none for a clean or zero tail", warns)
		}
	} else {
		want := fmt.Sprintf("file=%s offset=%d", path, last)
		if len(warns) != 1 || !strings.Contains(warns[0], want) {
			t.Fatalf("warnings = %q, want one containing %q", warns, want)
		}
	}
	appendRange(t, l, n, n+2)
	mustClose(t, l)
	l = mustOpen(t, opts)
	defer mustClose(t, l)
	checkEntries(t, replayAll(t, l), entriesFor(rangeTS(1, n+2)...))
}

// TestTornFirstRecord: a file whose only record is torn recovers empty, and
// is left 0 bytes long (no header without records).
func TestTornFirstRecord(t *testing.T) {
	_, good := buildLog(t, t.TempDir(), 1)
	for cut := 1; cut < len(good); cut += 3 {
		opts := testOptions(t.TempDir(), None)
		writeFile(t, opts.PrimaryPath, good[:cut])
		l := mustOpen(t, opts)
		if got := replayAll(t, l); len(got) != 0 {
			t.Fatalf("cut=%d: replayed %v, want nothing", cut, got)
		}
		if got := fileSize(t, opts.PrimaryPath); got != 0 {
			t.Fatalf("cut=%d: file size %d, want 0", cut, got)
		}
		appendRange(t, l, 1, 2)
		checkEntries(t, replayAll(t, l), entriesFor(1, 2))
		mustClose(t, l)
	}
}

// TestCorruption flips every byte of a middle record in turn: Open must fail
// with ErrCorrupt naming the file and the record's offset, never drop the
// records after it.
func TestCorruption(t *testing.T) {
	_, good := buildLog(t, t.TempDir(), 7)
	offs := recordOffsets(t, good)
	mid, next := offs[3], offs[4]
	for _, file := range []string{"primary", "overflow"} {
		for i := mid; i < next; i++ {
			t.Run(fmt.Sprintf("file=%s/byte=%d", file, i), func(t *testing.T) {
				opts := testOptions(t.TempDir(), None)
				path := opts.PrimaryPath
				if file == "overflow" {
					path = opts.OverflowPath
				}
				b := bytes.Clone(good)
				b[i] ^= 0x40
				writeFile(t, path, b)
				_, err := Open(opts)
				if !errors.Is(err, ErrCorrupt) {
					t.Fatalf("Open = %v, want ErrCorrupt", err)
				}
				var ce *CorruptionError
				if !errors.As(err, &ce) || ce.Path != path || ce.Offset != mid {
					t.Fatalf("error = %#v, want path %s offset %d", err, path, mid)
				}
				want := fmt.Sprintf("wal: %s: corrupt record at offset %d: ", path, mid)
				if !strings.HasPrefix(err.Error(), want) {
					t.Fatalf("error %q, want prefix %q", err, want)
				}
				// Open failed: the file is untouched.
				if !bytes.Equal(readFile(t, path), b) {
					t.Fatal("a failed Open modified the file")
				}
			})
		}
	}
}

func TestCorruptionReasons(t *testing.T) {
	_, good := buildLog(t, t.TempDir(), 3)
	offs := recordOffsets(t, good)
	withBytes := func(off int64, patch ...byte) []byte {
		b := bytes.Clone(good)
		copy(b[off:], patch)
		return b
	}
	// Record 2 rewritten with ts 1, checksum fixed: valid but out of order.
	dup := bytes.Clone(good)
	putRecord(dup[offs[1]:offs[2]], 1, payloadFor(2))
	tests := []struct {
		name   string
		file   []byte
		offset int64
		reason string
	}{
		{"checksum", withBytes(offs[1]+20, 0xff), offs[1], "checksum mismatch"},
		{"zero length", withBytes(offs[1], 0, 0, 0, 0), offs[1], "zero length"},
		{"short length", withBytes(offs[1], 3, 0, 0, 0), offs[1], "invalid length 3"},
		{"huge length", withBytes(offs[1], 0xff, 0xff, 0xff, 0xff), offs[1], "invalid length 4294967295"},
		{"past end", withBytes(offs[1], 0xff, 0xff, 0, 0), offs[1], "extends past end of file"},
		{"ts order", dup, offs[1], "timestamp 1 not above previous 1"},
		{"magic", withBytes(0, 'X'), 0, "bad file header"},
		{"version", withBytes(7, 9), 0, "unsupported format version 9"},
		{"torn header with records", withBytes(0, 0), 0, "bad file header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := testOptions(t.TempDir(), None)
			writeFile(t, opts.PrimaryPath, tt.file)
			_, err := Open(opts)
			var ce *CorruptionError
			if !errors.As(err, &ce) || ce.Offset != tt.offset || !strings.Contains(ce.Reason, tt.reason) {
				t.Fatalf("Open = %v, want offset %d reason %q", err, tt.offset, tt.reason)
			}
		})
	}
}

// TestRecoveryHeader covers files holding only (part of) a header.
func TestRecoveryHeader(t *testing.T) {
	tests := []struct {
		name string
		file []byte
	}{
		{"header only", fileHeader[:]},
		{"partial header", fileHeader[:3]},
		{"zeros", make([]byte, 5000)},
		{"header and zeros", append(fileHeader[:], make([]byte, 100)...)},
		{"torn header and zeros", append([]byte{'M', 'F', 0, 0}, make([]byte, 100)...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := testOptions(t.TempDir(), None)
			writeFile(t, opts.PrimaryPath, tt.file)
			l := mustOpen(t, opts)
			defer mustClose(t, l)
			if got := replayAll(t, l); len(got) != 0 {
				t.Fatalf("replayed %v from an empty log", got)
			}
			if got := fileSize(t, opts.PrimaryPath); got != 0 {
				t.Fatalf("file size %d, want 0", got)
			}
		})
	}
}

// TestReplayDuplicateMismatch: the same ts in both files must carry the same
// payload (a compaction copy); anything else is corruption.
func TestReplayDuplicateMismatch(t *testing.T) {
	dir := t.TempDir()
	opts := testOptions(dir, None)
	l := mustOpen(t, opts)
	appendRange(t, l, 1, 3)
	mustClose(t, l)
	other := testOptions(filepath.Join(dir), None)
	other.PrimaryPath = filepath.Join(dir, "other.wal")
	other.OverflowPath = filepath.Join(dir, "other.wal.overflow")
	l = mustOpen(t, other)
	for ts := uint64(2); ts <= 4; ts++ {
		p := payloadFor(ts)
		if ts == 3 {
			p = []byte("different")
		}
		if _, err := l.Append(ts, p); err != nil {
			t.Fatal(err)
		}
	}
	mustClose(t, l)
	writeFile(t, opts.OverflowPath, readFile(t, other.PrimaryPath))

	l = mustOpen(t, opts)
	defer mustClose(t, l)
	var got []uint64
	err := l.Replay(func(ts uint64, _ []byte) error {
		got = append(got, ts)
		return nil
	})
	var ce *CorruptionError
	if !errors.As(err, &ce) || ce.Path != opts.OverflowPath {
		t.Fatalf("Replay = %v, want a CorruptionError in the overflow file", err)
	}
	if fmt.Sprint(got) != "[1 2]" {
		t.Fatalf("replayed %v before the error, want [1 2]", got)
	}
}

// TestFindValidSkipsZeros checks the resynchronization scan on a large zero
// region followed by a record.
func TestFindValidSkipsZeros(t *testing.T) {
	_, good := buildLog(t, t.TempDir(), 2)
	offs := recordOffsets(t, good)
	rec := good[offs[1]:]
	for pad := range 20 {
		b := append(make([]byte, 1<<16+pad), rec...)
		if got, want := findValid(b, 0, 1), int64(1<<16+pad); got != want {
			t.Fatalf("pad %d: findValid = %d, want %d", pad, got, want)
		}
		if got := findValid(b, 0, 2); got != -1 {
			t.Fatalf("pad %d: findValid above ts 2 = %d, want -1", pad, got)
		}
	}
}

// TestFindValidAdversarial: on bytes where every offset claims a long
// record, the search stays linear and reports no valid record.
func TestFindValidAdversarial(t *testing.T) {
	b := make([]byte, 256<<10)
	for i := 0; i < len(b); i += 4 {
		copy(b[i:], []byte{0, 0, 1, 0}) // length 64 KiB at every aligned offset
	}
	start := time.Now()
	if got := findValid(b, 1, 0); got != -1 {
		t.Fatalf("findValid = %d, want -1", got)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Fatalf("findValid took %v", d)
	}
	// As the tail of a log: a torn tail, not corruption.
	opts := testOptions(t.TempDir(), None)
	writeFile(t, opts.PrimaryPath, append(fileHeader[:], b...))
	l := mustOpen(t, opts)
	defer mustClose(t, l)
	if got := replayAll(t, l); len(got) != 0 {
		t.Fatalf("replayed %v", got)
	}
}

// TestTornLargeRecord: a large binary record torn in the middle, followed by
// a long preallocated zero tail, is a torn tail (not corruption), and
// recovery finds that out quickly although many offsets inside the torn
// payload look like plausible record headers.
func TestTornLargeRecord(t *testing.T) {
	opts := testOptions(t.TempDir(), None)
	l := mustOpen(t, opts)
	appendRange(t, l, 1, 3)
	payload := make([]byte, 1<<20)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range payload {
		payload[i] = byte(rng.Uint32())
	}
	if _, err := l.Append(4, payload); err != nil {
		t.Fatal(err)
	}
	l.abandon()
	b := readFile(t, opts.PrimaryPath)
	offs := recordOffsets(t, b)
	last := offs[len(offs)-1]
	clear(b[last+int64(len(payload))/2:]) // the second half never reached the disk
	b = append(b, make([]byte, 8<<20)...)
	writeFile(t, opts.PrimaryPath, b)

	start := time.Now()
	l = mustOpen(t, opts)
	defer mustClose(t, l)
	t.Logf("recovery took %v", time.Since(start))
	checkEntries(t, replayAll(t, l), entriesFor(1, 2, 3))
}

func TestLastNonZero(t *testing.T) {
	for n := range 40 {
		b := make([]byte, n)
		if got := lastNonZero(b); got != -1 {
			t.Fatalf("len %d all zero: got %d", n, got)
		}
		for i := range n {
			clear(b)
			b[i] = 1
			if got := lastNonZero(b); got != int64(i) {
				t.Fatalf("len %d, byte %d set: got %d", n, i, got)
			}
		}
	}
}

// TestFailedOpenChangesNothing: a torn primary and a corrupt overflow: Open
// fails, and neither file is modified (the primary's tail is not cut yet).
func TestFailedOpenChangesNothing(t *testing.T) {
	_, good := buildLog(t, t.TempDir(), 4)
	opts := testOptions(t.TempDir(), None)
	torn := good[:len(good)-3]
	corrupt := bytes.Clone(good)
	corrupt[recordOffsets(t, good)[1]+18] ^= 1
	writeFile(t, opts.PrimaryPath, torn)
	writeFile(t, opts.OverflowPath, corrupt)
	if _, err := Open(opts); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Open = %v, want ErrCorrupt", err)
	}
	if !bytes.Equal(readFile(t, opts.PrimaryPath), torn) || !bytes.Equal(readFile(t, opts.OverflowPath), corrupt) {
		t.Fatal("a failed Open modified a file")
	}
}
