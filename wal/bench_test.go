package wal

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
)

// BenchmarkAppend measures Append of 100-byte records without waiting. The
// log is replaced every million records to bound the file size.
func BenchmarkAppend(b *testing.B) {
	for _, d := range []Durability{None, Fsync} {
		b.Run(fmt.Sprintf("durability=%s/size=100", d), func(b *testing.B) {
			opts := testOptions(b.TempDir(), d)
			l := mustOpen(b, opts)
			payload := make([]byte, 100)
			b.SetBytes(int64(len(payload)))
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				if i > 0 && i%(1<<20) == 0 {
					b.StopTimer()
					mustClose(b, l)
					_ = os.Remove(opts.PrimaryPath)
					l = mustOpen(b, opts)
					b.StartTimer()
				}
				if _, err := l.Append(uint64(i+1), payload); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			mustClose(b, l)
		})
	}
}

// BenchmarkAppendWaitFull measures durable commits (Append under a commit
// lock, then Wait) with Full durability and 1, 16 and 64 concurrent
// committers; group commit lets many committers share one fdatasync.
func BenchmarkAppendWaitFull(b *testing.B) {
	for _, committers := range []int{1, 16, 64} {
		b.Run(fmt.Sprintf("committers=%d", committers), func(b *testing.B) {
			l := mustOpen(b, testOptions(b.TempDir(), Full))
			defer mustClose(b, l)
			payload := make([]byte, 100)
			var commitMu sync.Mutex
			var ts uint64
			var next atomic.Int64
			b.SetBytes(int64(len(payload)))
			b.ReportAllocs()
			syncs0 := l.syncs.Load()
			b.ResetTimer()
			var wg sync.WaitGroup
			for range committers {
				wg.Go(func() {
					for next.Add(1) <= int64(b.N) {
						commitMu.Lock()
						ts++
						p, err := l.Append(ts, payload)
						commitMu.Unlock()
						if err == nil {
							err = l.Wait(p)
						}
						if err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			b.StopTimer()
			secs := b.Elapsed().Seconds()
			b.ReportMetric(float64(b.N)/secs, "records/s")
			b.ReportMetric(float64(l.syncs.Load()-syncs0)/secs, "syncs/s")
		})
	}
}

// benchLog writes n records of 100 bytes and returns the closed log's
// options.
func benchLog(b *testing.B, n int) Options {
	b.Helper()
	opts := testOptions(b.TempDir(), None)
	l := mustOpen(b, opts)
	payload := make([]byte, 100)
	for i := range n {
		if _, err := l.Append(uint64(i+1), payload); err != nil {
			b.Fatal(err)
		}
	}
	mustClose(b, l)
	return opts
}

// BenchmarkReplay measures Replay of 100k records of 100 bytes.
func BenchmarkReplay(b *testing.B) {
	const n = 100_000
	l := mustOpen(b, benchLog(b, n))
	defer mustClose(b, l)
	b.SetBytes(int64(n * recordSize(100)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		count := 0
		if err := l.Replay(func(uint64, []byte) error { count++; return nil }); err != nil || count != n {
			b.Fatalf("Replay: %d records, %v", count, err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkOpen measures recovery (Open validates every record, then
// Close) of 100k records of 100 bytes.
func BenchmarkOpen(b *testing.B) {
	const n = 100_000
	opts := benchLog(b, n)
	b.SetBytes(int64(n * recordSize(100)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		l := mustOpen(b, opts)
		mustClose(b, l)
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
}
