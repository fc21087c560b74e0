package index

import (
	"fmt"
	"strconv"
	"syscall"
	"testing"

	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/txn"
	"github.com/memflux/memflux/value"
)

// BenchmarkCommit measures an auto-committed write of one new JSON document under a
// prefix with 0 to 3 indexes (the cost the Deriver adds to a commit), on 100k rows.
//
//	go test -run '^$' -bench Commit -benchmem ./index
func BenchmarkCommit(b *testing.B) {
	for n := 0; n <= 3; n++ {
		b.Run(fmt.Sprintf("indexes=%d", n), func(b *testing.B) {
			e := newEnv(b, nil)
			for i := 0; i < 100_000; i += 5000 {
				tx := e.txns.Begin(txn.ModeSnapshot)
				for j := i; j < i+5000; j++ {
					tx.Put(mvcc.Data, []byte("w:"+strconv.Itoa(j)), value.JSON(fmt.Sprintf(`{"a":%d,"b":"name%d","c":{"d":%d}}`, j%1000, j, j%77)))
				}
				if err := tx.Commit(); err != nil {
					b.Fatal(err)
				}
			}
			for i, p := range []string{"a", "b", "c.d"}[:n] {
				e.create(pathDef(fmt.Sprintf("w%d", i), "w:*", false, p))
			}
			e.log.recs = nil
			b.ReportAllocs()
			b.ResetTimer()
			cpu := cpuTime()
			defer func() { b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op") }()
			for i := 0; i < b.N; i++ {
				id := 1_000_000 + i
				tx := e.txns.Begin(txn.ModeLatest)
				tx.Put(mvcc.Data, []byte("w:"+strconv.Itoa(id)), value.JSON(`{"a":5,"b":"name`+strconv.Itoa(id)+`","c":{"d":5}}`))
				if err := tx.Commit(); err != nil {
					b.Fatal(err)
				}
				if len(e.log.recs) > 1024 {
					e.log.recs = e.log.recs[:0]
				}
			}
		})
	}
}

// cpuTime returns the CPU time the process has used, in nanoseconds (a steadier measure
// than wall time on a shared machine).
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
