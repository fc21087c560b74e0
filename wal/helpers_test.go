package wal

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
)

// long enables the slow randomized loops: go test ./wal -long.
var long = flag.Bool("long", false, "run long randomized and soak tests")

// entry is a replayed record.
type entry struct {
	ts      uint64
	payload string
}

func (e entry) String() string { return fmt.Sprintf("%d:%q", e.ts, e.payload) }

// testOptions returns options for a log in dir with a short sync interval.
func testOptions(dir string, d Durability) Options {
	return Options{
		PrimaryPath:  filepath.Join(dir, "memflux.wal"),
		OverflowPath: filepath.Join(dir, "memflux.wal.overflow"),
		Durability:   d,
		SyncInterval: 10 * time.Millisecond,
	}
}

func mustOpen(t testing.TB, opts Options) *Log {
	t.Helper()
	l, err := Open(opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return l
}

func mustClose(t testing.TB, l *Log) {
	t.Helper()
	if err := l.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

// payloadFor returns the deterministic payload of the record with ts: its
// length varies from 5 to about 100 bytes.
func payloadFor(ts uint64) []byte {
	b := fmt.Appendf(nil, "rec%d:", ts)
	for n := int(ts * 7919 % 97); n > 0; n-- {
		b = append(b, byte('a'+n%26))
	}
	return b
}

// appendRange appends the records lo..hi (inclusive) with payloadFor.
func appendRange(t testing.TB, l *Log, lo, hi uint64) {
	t.Helper()
	for ts := lo; ts <= hi; ts++ {
		if _, err := l.Append(ts, payloadFor(ts)); err != nil {
			t.Fatalf("Append(%d): %v", ts, err)
		}
	}
}

// entriesFor returns the expected entries for the given timestamps.
func entriesFor(tss ...uint64) []entry {
	var es []entry
	for _, ts := range tss {
		es = append(es, entry{ts, string(payloadFor(ts))})
	}
	return es
}

// rangeTS returns lo..hi.
func rangeTS(lo, hi uint64) []uint64 {
	var tss []uint64
	for ts := lo; ts <= hi; ts++ {
		tss = append(tss, ts)
	}
	return tss
}

func replayAll(t testing.TB, l *Log) []entry {
	t.Helper()
	var es []entry
	if err := l.Replay(func(ts uint64, payload []byte) error {
		es = append(es, entry{ts, string(payload)})
		return nil
	}); err != nil {
		t.Fatalf("Replay: %v", err)
	}
	return es
}

func checkEntries(t testing.TB, got, want []entry) {
	t.Helper()
	if slices.Equal(got, want) {
		return
	}
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	t.Fatalf("replayed %d records, want %d; first difference at index %d: got %v, want %v",
		len(got), len(want), i, at(got, i), at(want, i))
}

func at(es []entry, i int) string {
	if i < len(es) {
		return es[i].String()
	}
	return "<none>"
}

func fileSize(t testing.TB, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeFile(t testing.TB, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// recordOffsets returns the offsets of the records in a log file's bytes.
func recordOffsets(t testing.TB, b []byte) []int64 {
	t.Helper()
	var offs []int64
	for off := int64(fileHeaderSize); off < int64(len(b)); {
		_, next, reason := decodeRecord(b, off)
		if reason != "" {
			break
		}
		offs = append(offs, off)
		off = next
	}
	return offs
}

// logCapture is a slog.Handler that keeps the records it receives.
type logCapture struct {
	mu   sync.Mutex
	recs []slog.Record
}

func (c *logCapture) Enabled(context.Context, slog.Level) bool { return true }
func (c *logCapture) Handle(_ context.Context, r slog.Record) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.recs = append(c.recs, r)
	return nil
}
func (c *logCapture) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *logCapture) WithGroup(string) slog.Handler      { return c }

// warnings renders the Warn records as "msg k=v ...".
func (c *logCapture) warnings() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, r := range c.recs {
		if r.Level != slog.LevelWarn {
			continue
		}
		var b bytes.Buffer
		b.WriteString(r.Message)
		r.Attrs(func(a slog.Attr) bool {
			fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
			return true
		})
		out = append(out, b.String())
	}
	return out
}
