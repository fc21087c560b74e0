package memflux_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/memflux/memflux"
)

// Durability benchmarks: committed writes per second at each durability level and number
// of concurrent committers, recovery speed, and SET latency and memory while snapshots
// run. Run them with
//
//	go test -run '^$' -bench 'Durable|Recovery|SnapshotLatency' -benchtime 3s .
//
// Numbers go in docs/persistence.md's performance notes and the closing note.

// BenchmarkDurableCommit: auto-commit SETs from N concurrent sessions (one goroutine
// each), each acknowledged only once its WAL record is as durable as the level promises.
// At "full" every acknowledgment waits for an fdatasync; group commit lets concurrent
// committers share one, so 64 committers must be far faster than 64 times one.
func BenchmarkDurableCommit(b *testing.B) {
	for _, level := range []string{"full", "fsync", "none"} {
		for _, n := range []int{1, 16, 64} {
			b.Run(fmt.Sprintf("durability=%s/committers=%d", level, n), func(b *testing.B) {
				cfg := durConfig(b.TempDir())
				cfg.Durability = level
				cfg.WALSizeThresholdMB = 0 // measure the log alone, no compaction
				db, err := memflux.Open(cfg)
				if err != nil {
					b.Fatal(err)
				}
				defer db.Close()
				val := strings.Repeat("v", 16)
				var next atomic.Int64
				var wg sync.WaitGroup
				b.ReportAllocs()
				b.ResetTimer()
				for c := range n {
					wg.Add(1)
					go func() {
						defer wg.Done()
						s := db.NewSession()
						defer s.Close()
						key := make([]byte, 0, 32)
						for {
							i := next.Add(1)
							if i > int64(b.N) {
								return
							}
							key = strconv.AppendInt(append(key[:0], "c"...), int64(c), 10)
							key = strconv.AppendInt(append(key, ':'), i, 10)
							if _, err := s.Exec([]byte("SET"), key, []byte(val)); err != nil {
								b.Error(err)
								return
							}
						}
					}()
				}
				wg.Wait()
				b.StopTimer()
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
			})
		}
	}
}

// recoveryDir returns a function that builds, on its first call, a database filled by
// fill in a directory of b, and returns that directory: building a 1M-key snapshot takes
// seconds, so every run of a sub-benchmark shares one.
func recoveryDir(b *testing.B, fill func(db *memflux.DB)) func(*testing.B) string {
	var dir string
	return func(sb *testing.B) string {
		if dir != "" {
			return dir
		}
		d := b.TempDir()
		cfg := durConfig(d)
		cfg.Durability = "none"
		cfg.WALSizeThresholdMB = 0
		db, err := memflux.Open(cfg)
		if err != nil {
			sb.Fatal(err)
		}
		fill(db)
		if err := db.Close(); err != nil {
			sb.Fatal(err)
		}
		dir = d
		return dir
	}
}

// BenchmarkRecovery measures Open: loading a snapshot of 1M small keys (keys/s; goal at
// least 1M keys/s), and replaying a WAL of 200k single-SET transactions (records/s).
func BenchmarkRecovery(b *testing.B) {
	const snapKeys, walRecords = 1_000_000, 200_000
	snapDir := recoveryDir(b, func(db *memflux.DB) {
		preload(b, db, snapKeys)
		s := db.NewSession()
		durDo(b, s, "SAVE")
		s.Close()
	})
	walDir := recoveryDir(b, func(db *memflux.DB) {
		s := db.NewSession()
		for i := range walRecords {
			durDo(b, s, "SET", fmt.Sprintf("k:%07d", i), "value")
		}
		s.Close()
	})
	b.Run("snapshot/keys=1M", func(b *testing.B) { benchOpenDir(b, snapDir(b), snapKeys, "keys/s") })
	b.Run("wal/records=200k", func(b *testing.B) { benchOpenDir(b, walDir(b), walRecords, "records/s") })
}

// benchOpenDir opens and closes dir b.N times and reports n items per second of Open.
func benchOpenDir(b *testing.B, dir string, n int, unit string) {
	b.ReportAllocs()
	b.ResetTimer()
	var opening time.Duration
	for range b.N {
		start := time.Now()
		db, err := memflux.Open(durConfig(dir))
		if err != nil {
			b.Fatal(err)
		}
		opening += time.Since(start)
		b.StopTimer()
		s := db.NewSession()
		if got := durDo(b, s, "DBSIZE").Int; got != int64(n) {
			b.Fatalf("DBSIZE = %d after recovery, want %d", got, n)
		}
		s.Close()
		db.Close()
		runtime.GC()
		b.StartTimer()
	}
	b.ReportMetric(float64(n)*float64(b.N)/opening.Seconds(), unit)
}

// BenchmarkSnapshotLatency measures SET latency from one session on a 1M-key database,
// first idle, then while snapshots (SAVE, back to back) run in another goroutine, and the
// peak process RSS of both phases (the SETs make garbage and old versions in both, so the
// idle phase is the baseline). The phases alternate, a second each, b.N times (at least
// 3). It reports p50/p99 of both, their p99 ratio (goal at most 2) and the RSS ratio (goal
// well below 2: no fork, no copy of the data). Use -benchtime 5x for five pairs.
func BenchmarkSnapshotLatency(b *testing.B) {
	for _, level := range []string{"fsync", "full"} {
		b.Run("durability="+level, func(b *testing.B) {
			cfg := durConfig(b.TempDir())
			cfg.Durability = level
			cfg.WALSizeThresholdMB = 0
			db, err := memflux.Open(cfg)
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			const keys = 1_000_000
			preload(b, db, keys)
			debug.FreeOSMemory() // collect, and return what earlier runs left to the OS
			rssBefore := rssBytes()
			s := db.NewSession()
			defer s.Close()
			var snapshots int64        // completed during the snapshot phases
			var snapTime time.Duration // length of the snapshot phases
			// A phase runs SETs for d, with snapshots running back to back if during.
			phase := func(during bool, d time.Duration) []time.Duration {
				var lat []time.Duration
				var stop atomic.Bool
				var wg sync.WaitGroup
				var saves atomic.Int64
				if during {
					wg.Add(1)
					go func() {
						defer wg.Done()
						bg := db.NewSession()
						defer bg.Close()
						for !stop.Load() {
							if _, err := bg.Do("SAVE"); err != nil {
								b.Error(err)
								return
							}
							saves.Add(1)
						}
					}()
				}
				start := time.Now()
				for i := 0; time.Since(start) < d; i++ {
					k := "k:" + strconv.Itoa(1000000 + i%keys)[1:]
					t0 := time.Now()
					if _, err := s.Do("SET", k, "x"); err != nil {
						b.Fatal(err)
					}
					lat = append(lat, time.Since(t0))
				}
				stop.Store(true)
				wg.Wait()
				if during {
					snapshots += saves.Load()
					snapTime += time.Since(start)
				}
				return lat
			}
			// sample records the peak RSS while fn runs.
			sample := func(fn func() []time.Duration) ([]time.Duration, int64) {
				var peak atomic.Int64
				done := make(chan struct{})
				var wg sync.WaitGroup
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						select {
						case <-done:
							return
						case <-time.After(2 * time.Millisecond):
							if r := rssBytes(); r > peak.Load() {
								peak.Store(r)
							}
						}
					}
				}()
				lat := fn()
				close(done)
				wg.Wait()
				return lat, peak.Load()
			}
			// Alternate idle and snapshot phases of a second each, b.N times (at least 3),
			// so that load drifting on a shared machine affects both alike.
			b.ResetTimer()
			var idle, busy []time.Duration
			var idlePeak, busyPeak int64
			for range max(b.N, 3) {
				l, p := sample(func() []time.Duration { return phase(false, time.Second) })
				idle, idlePeak = append(idle, l...), max(idlePeak, p)
				l, p = sample(func() []time.Duration { return phase(true, time.Second) })
				busy, busyPeak = append(busy, l...), max(busyPeak, p)
			}
			b.StopTimer()
			if snapshots == 0 {
				b.Fatal("no snapshot completed during the measurement")
			}
			slices.Sort(idle)
			slices.Sort(busy)
			b.ReportMetric(float64(snapTime.Milliseconds())/float64(snapshots), "ms/snapshot")
			pct := func(l []time.Duration, p float64) float64 {
				return float64(l[int(float64(len(l)-1)*p)]) / 1e3
			}
			b.ReportMetric(pct(idle, 0.5), "idle-p50-µs")
			b.ReportMetric(pct(idle, 0.99), "idle-p99-µs")
			b.ReportMetric(pct(busy, 0.5), "snap-p50-µs")
			b.ReportMetric(pct(busy, 0.99), "snap-p99-µs")
			b.ReportMetric(pct(busy, 0.99)/max(pct(idle, 0.99), 1), "p99-ratio")
			b.ReportMetric(float64(rssBefore)/(1<<20), "rss-start-MiB")
			b.ReportMetric(float64(idlePeak)/(1<<20), "rss-idle-MiB")
			b.ReportMetric(float64(busyPeak)/(1<<20), "rss-snap-MiB")
			b.ReportMetric(float64(busyPeak)/float64(idlePeak), "rss-ratio")
		})
	}
}

// rssBytes returns the resident set size of this process (Linux /proc).
func rssBytes() int64 {
	f, err := os.Open(filepath.Join("/proc", "self", "status"))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
