package wal

import (
	"errors"
	"testing"
)

// FuzzRecovery writes arbitrary bytes as the two log files and opens them.
// Open must not panic; it either fails with ErrCorrupt or yields a clean
// log: Replay strictly ascending, appendable, stable across a reopen, and
// compactable. The seed corpus is in testdata/fuzz/FuzzRecovery.
func FuzzRecovery(f *testing.F) {
	f.Add([]byte{}, []byte{})
	f.Add(fileHeader[:], []byte{})
	f.Fuzz(func(t *testing.T, primary, overflow []byte) {
		opts := testOptions(t.TempDir(), None)
		writeFile(t, opts.PrimaryPath, primary)
		writeFile(t, opts.OverflowPath, overflow)
		l, err := Open(opts)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Open = %v, want nil or ErrCorrupt", err)
			}
			return
		}
		var got []entry
		err = l.Replay(func(ts uint64, payload []byte) error {
			if len(got) > 0 && ts <= got[len(got)-1].ts {
				t.Fatalf("ts %d replayed after %d", ts, got[len(got)-1].ts)
			}
			got = append(got, entry{ts, string(payload)})
			return nil
		})
		if err != nil {
			// Only a ts present in both files with different payloads is
			// detected by Replay rather than Open.
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Replay = %v", err)
			}
			mustClose(t, l)
			return
		}
		next := uint64(1)
		if len(got) > 0 {
			next = got[len(got)-1].ts + 1
			if next == 0 { // ts wrapped: the log is full
				mustClose(t, l)
				return
			}
		}
		if _, err := l.Append(next, []byte("fuzz")); err != nil {
			t.Fatalf("Append(%d) = %v", next, err)
		}
		want := append(got, entry{next, "fuzz"})
		size := l.Size()
		mustClose(t, l)
		if fileSize(t, opts.PrimaryPath) != size {
			t.Fatalf("primary is %d bytes after Close, want %d", fileSize(t, opts.PrimaryPath), size)
		}

		l = mustOpen(t, opts)
		defer mustClose(t, l)
		checkEntries(t, replayAll(t, l), want)
		// Compact: every record so far is covered by the "snapshot"; one
		// more goes to the overflow and must be all that is left.
		l.SwitchToOverflow()
		if next+1 == 0 {
			return
		}
		if _, err := l.Append(next+1, []byte("after")); err != nil {
			t.Fatalf("Append(%d) = %v", next+1, err)
		}
		if err := l.FinishCompaction(next - 1); !errors.Is(err, ErrNotCovered) {
			t.Fatalf("FinishCompaction below the primary's records = %v, want ErrNotCovered", err)
		}
		if err := l.FinishCompaction(next); err != nil {
			t.Fatalf("FinishCompaction(%d) = %v", next, err)
		}
		checkEntries(t, replayAll(t, l), []entry{{next + 1, "after"}})
	})
}

// FuzzScanFile runs recovery's validator on arbitrary bytes in memory (much
// faster than FuzzRecovery, which goes through files). Whatever it accepts
// must decode record by record up to the reported end, and must stay valid
// when a record is appended there.
func FuzzScanFile(f *testing.F) {
	valid := append(fileHeader[:], make([]byte, 40)...)
	putRecord(valid[fileHeaderSize:], 7, []byte("0123456789abcdef"))
	f.Add(valid)
	f.Add(valid[:30])
	f.Add(append(valid, 1, 2, 3))
	f.Fuzz(func(t *testing.T, b []byte) {
		res, err := scanFile("f", b)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("scanFile = %v, want nil or ErrCorrupt", err)
			}
			return
		}
		if res.end > int64(len(b)) || (res.end == 0) != (res.records == 0) {
			t.Fatalf("end %d with %d records in %d bytes", res.end, res.records, len(b))
		}
		n, last := 0, uint64(0)
		for off := int64(fileHeaderSize); off < res.end; n++ {
			rec, next, reason := decodeRecord(b[:res.end], off)
			if reason != "" || rec.ts <= last {
				t.Fatalf("accepted log has a bad record at %d: %s", off, reason)
			}
			off, last = next, rec.ts
		}
		if n != res.records || last != res.lastTS {
			t.Fatalf("decoded %d records up to ts %d, scan said %d up to %d", n, last, res.records, res.lastTS)
		}
		// Append one record at the logical end, as Open+Append would.
		grown := append([]byte(nil), b[:res.end]...)
		if res.end == 0 {
			grown = append(grown, fileHeader[:]...)
		}
		rec := make([]byte, recordSize(3))
		if res.lastTS == 1<<64-1 {
			return
		}
		putRecord(rec, res.lastTS+1, []byte("new"))
		grown = append(grown, rec...)
		res2, err := scanFile("f", grown)
		if err != nil || res2.records != res.records+1 || res2.end != int64(len(grown)) {
			t.Fatalf("after appending: %+v, %v", res2, err)
		}
	})
}
