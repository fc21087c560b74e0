package wal

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"
)

// TestDataDriven runs the scenarios in testdata/*.txt. Commands:
//
//	open [durability=none|fsync|full]   open the log in the scenario's directory
//	append                              one "ts payload" per input line
//	replay                              print every record, merged
//	switch                              SwitchToOverflow
//	finish covered=S [crash-at=POINT]   FinishCompaction(S); with crash-at, the
//	                                    files are reset to their state at POINT
//	                                    afterwards and the log abandoned (a crash)
//	crash                               abandon the log without Close
//	close                               Close
//	files                               list each file's records and sizes
//	damage file=primary|overflow (flip=OFF | cut=OFF | zero=OFF)
//
// Regenerate the expected output with: go test ./wal -run DataDriven -rewrite
func TestDataDriven(t *testing.T) {
	datadriven.Walk(t, "testdata/scenarios", func(t *testing.T, path string) {
		dir := t.TempDir()
		opts := testOptions(dir, None)
		var l *Log
		defer func() {
			if l != nil {
				l.abandon()
			}
		}()
		fileOf := func(td *datadriven.TestData) string {
			var f string
			td.ScanArgs(t, "file", &f)
			if f == "overflow" {
				return opts.OverflowPath
			}
			return opts.PrimaryPath
		}
		datadriven.RunTest(t, path, func(t *testing.T, td *datadriven.TestData) string {
			switch td.Cmd {
			case "open":
				opts.Durability = None
				if td.HasArg("durability") {
					var d string
					td.ScanArgs(t, "durability", &d)
					var err error
					if opts.Durability, err = ParseDurability(d); err != nil {
						return err.Error()
					}
				}
				capture := &logCapture{}
				opts.Logger = slog.New(capture)
				var err error
				l, err = Open(opts)
				var out strings.Builder
				for _, w := range capture.warnings() {
					fmt.Fprintf(&out, "warn: %s\n", w)
				}
				if err != nil {
					l = nil
					fmt.Fprintf(&out, "%v\n", err)
				} else {
					l.finalTail = 0 // copy in a lock-free pass, so "copied" is reached
					out.WriteString("ok\n")
				}
				return strings.ReplaceAll(out.String(), dir+"/", "")
			case "append":
				var out strings.Builder
				for _, line := range strings.Split(strings.TrimSpace(td.Input), "\n") {
					tsStr, payload, _ := strings.Cut(line, " ")
					ts, err := strconv.ParseUint(tsStr, 10, 64)
					if err != nil {
						t.Fatalf("bad line %q", line)
					}
					p, err := l.Append(ts, []byte(payload))
					if err == nil {
						err = l.Wait(p)
					}
					if err != nil {
						fmt.Fprintf(&out, "%d: %v\n", ts, err)
					}
				}
				if out.Len() == 0 {
					return "ok"
				}
				return out.String()
			case "replay":
				var out strings.Builder
				err := l.Replay(func(ts uint64, payload []byte) error {
					fmt.Fprintf(&out, "%d %s\n", ts, payload)
					return nil
				})
				if err != nil {
					fmt.Fprintf(&out, "error: %v\n", err)
				}
				return out.String()
			case "switch":
				l.SwitchToOverflow()
				return "ok"
			case "finish":
				return ddFinish(t, td, l, &l, opts)
			case "crash":
				l.abandon()
				l = nil
				return "ok"
			case "close":
				err := l.Close()
				l = nil
				if err != nil {
					return err.Error()
				}
				return "ok"
			case "files":
				return ddFile(t, "primary", opts.PrimaryPath) + ddFile(t, "overflow", opts.OverflowPath)
			case "damage":
				path := fileOf(td)
				b := readFile(t, path)
				var off int
				switch {
				case td.HasArg("flip"):
					td.ScanArgs(t, "flip", &off)
					b[off] ^= 0x01
				case td.HasArg("cut"):
					td.ScanArgs(t, "cut", &off)
					b = b[:off]
				case td.HasArg("zero"):
					td.ScanArgs(t, "zero", &off)
					clear(b[off:])
				}
				writeFile(t, path, b)
				return "ok"
			}
			t.Fatalf("unknown command %q", td.Cmd)
			return ""
		})
	})
}

// ddFinish runs FinishCompaction, optionally crashing at a hook point.
func ddFinish(t *testing.T, td *datadriven.TestData, l *Log, lp **Log, opts Options) string {
	var covered uint64
	td.ScanArgs(t, "covered", &covered)
	var point string
	var image [2][]byte
	if td.HasArg("crash-at") {
		td.ScanArgs(t, "crash-at", &point)
		l.hook = func(p string) {
			if p == point && image[0] == nil {
				image = [2][]byte{readFile(t, opts.PrimaryPath), readFile(t, opts.OverflowPath)}
			}
		}
	}
	err := l.FinishCompaction(covered)
	l.hook = nil
	if point == "" {
		if err != nil {
			return err.Error()
		}
		return "ok"
	}
	if image[0] == nil {
		t.Fatalf("FinishCompaction never reached %q (err %v)", point, err)
	}
	l.abandon()
	*lp = nil
	writeFile(t, opts.PrimaryPath, image[0])
	writeFile(t, opts.OverflowPath, image[1])
	return "crashed at " + point
}

// ddFile describes a log file: its size on disk and the timestamps of its
// valid records.
func ddFile(t *testing.T, name, path string) string {
	b := readFile(t, path)
	var tss []string
	for _, off := range recordOffsets(t, b) {
		rec, _, _ := decodeRecord(b, off)
		tss = append(tss, strconv.FormatUint(rec.ts, 10))
	}
	return fmt.Sprintf("%s: %d bytes, records [%s]\n", name, len(b), strings.Join(tss, " "))
}

// abandon releases the log's resources without syncing or truncating, as a
// crashed process would leave the files. The page cache (and so every
// completed Append) survives, as it does a SIGKILL.
func (l *Log) abandon() {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return
	}
	l.closed = true
	l.mu.Unlock()
	if l.stop != nil {
		close(l.stop)
		<-l.done
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range l.segs {
		_ = s.unmap()
		_ = s.f.Close()
	}
	l.released = true
}
