package wal

import (
	"bytes"
	"os"
	"testing"
)

// TestZeroFill: except under None, Append writes zeros ahead of the records it appends
// (so their blocks are written, not just preallocated), never over a record: after every
// append end <= written <= size, the bytes past end are zero, and every record replays.
func TestZeroFill(t *testing.T) {
	tests := []struct {
		name  string
		dur   Durability
		sizes []int // payload sizes, appended in order
	}{
		{"none", None, []int{10, 100, 300 << 10, 50}},
		{"fsync small", Fsync, []int{10, 20, 30, 40, 50}},
		{"full small", Full, []int{10, 20, 30, 40, 50}},
		{"full crossing the zeros", Full, []int{zeroAhead - 100, 200, 10}},
		{"full larger than the step", Full, []int{300 << 10, 10, 2 << 20, 10}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			opts := testOptions(dir, tc.dur)
			l := mustOpen(t, opts)
			var want []entry
			for i, n := range tc.sizes {
				ts := uint64(i + 1)
				p := bytes.Repeat([]byte{byte('a' + i)}, n)
				if _, err := l.Append(ts, p); err != nil {
					t.Fatalf("Append(%d, %d bytes): %v", ts, n, err)
				}
				want = append(want, entry{ts, string(p)})
				checkZeroFill(t, l, tc.dur)
			}
			mustClose(t, l)
			l = mustOpen(t, opts)
			defer mustClose(t, l)
			checkEntries(t, replayAll(t, l), want)
		})
	}
}

// checkZeroFill checks the active segment's written mark against its file.
func checkZeroFill(t *testing.T, l *Log, dur Durability) {
	t.Helper()
	l.mu.Lock()
	s := l.segs[l.active]
	end, written, size := s.end, s.written, s.size
	l.mu.Unlock()
	if end > written || written > size {
		t.Fatalf("end %d, written %d, size %d: want end <= written <= size", end, written, size)
	}
	if dur == None && written != end {
		t.Errorf("under None written = %d, want end %d (no zeros written)", written, end)
	}
	if dur != None && written < min(size, end+1) {
		t.Errorf("written = %d, end %d, size %d: no zeros written ahead", written, end, size)
	}
	b, err := os.ReadFile(s.path)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(b)) != size {
		t.Fatalf("file is %d bytes, segment size %d", len(b), size)
	}
	for i := end; i < size; i++ {
		if b[i] != 0 {
			t.Fatalf("non-zero byte at %d, past the end %d", i, end)
		}
	}
}
