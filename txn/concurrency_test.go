package txn_test

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/txn"
	"github.com/memflux/memflux/value"
)

// TestAtomicVisibility: a reader sees all of a transaction's writes or none, across keys,
// while writers commit and vacuum runs. Run with -race.
func TestAtomicVisibility(t *testing.T) {
	m := newManager(txn.Serializable)
	const keys = 16
	key := func(i int) []byte { return []byte(fmt.Sprintf("k%02d", i)) }
	var stop atomic.Bool
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 1; n <= 1000; n++ {
				tx := m.Begin(txn.ModeSnapshot)
				v := value.Bytes(fmt.Sprintf("%d-%d", w, n))
				for i := range keys {
					tx.Put(mvcc.Data, key(i), v)
				}
				if err := tx.Commit(); err != nil && !errors.Is(err, txn.ErrRetryable) {
					t.Errorf("commit: %v", err)
					return
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		stop.Store(true)
	}()
	var readers sync.WaitGroup
	readers.Add(3)
	go func() {
		defer readers.Done()
		for !stop.Load() {
			m.VacuumBackground()
		}
	}()
	for range 2 {
		go func() {
			defer readers.Done()
			for !stop.Load() {
				tx := m.Begin(txn.ModeSnapshot)
				first := tx.Get(mvcc.Data, key(0))
				n := 0
				tx.ScanPrefix(mvcc.Data, []byte("k"), func(k []byte, v value.Value) bool {
					n++
					if !v.Equal(first) {
						t.Errorf("torn read: %s = %q, k00 = %q", k, v.Str(), first.Str())
						return false
					}
					return true
				})
				if n != 0 && n != keys {
					t.Errorf("scan saw %d of %d keys", n, keys)
				}
				if err := tx.Commit(); err != nil {
					t.Errorf("read-only commit: %v", err)
				}
			}
		}()
	}
	readers.Wait()
	if n := m.ActiveSnapshots(); n != 0 {
		t.Fatalf("%d snapshots left registered", n)
	}
}

// TestConcurrentIncrements: read-modify-write transactions in both modes never lose an
// update when retried on retryable errors.
func TestConcurrentIncrements(t *testing.T) {
	for _, mode := range []txn.Mode{txn.ModeLatest, txn.ModeSnapshot} {
		for _, iso := range []txn.Isolation{txn.Serializable, txn.Snapshot} {
			t.Run(fmt.Sprintf("mode=%d/%s", mode, iso), func(t *testing.T) {
				m := newManager(iso)
				const workers, each = 4, 500
				var retries atomic.Int64
				var wg sync.WaitGroup
				for range workers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						var tx txn.Txn
						for range each {
							for {
								m.BeginInto(&tx, mode)
								n, _ := strconv.Atoi(tx.Get(mvcc.Data, []byte("n")).Str())
								tx.Put(mvcc.Data, []byte("n"), value.Bytes(strconv.Itoa(n+1)))
								err := tx.Commit()
								if err == nil {
									break
								}
								if !errors.Is(err, txn.ErrRetryable) {
									t.Errorf("commit: %v", err)
									return
								}
								retries.Add(1)
							}
						}
					}()
				}
				wg.Wait()
				tx := m.Begin(txn.ModeLatest)
				if got := tx.Get(mvcc.Data, []byte("n")).Str(); got != strconv.Itoa(workers*each) {
					t.Fatalf("n = %s, want %d (%d retries)", got, workers*each, retries.Load())
				}
				tx.Rollback()
			})
		}
	}
}

// memLog is a Log that keeps every record in memory.
type memLog struct {
	mu   sync.Mutex
	recs []logged
}

type logged struct {
	ts  uint64
	rec []byte
}

func (l *memLog) Append(ts uint64, payload []byte) (func() error, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.recs = append(l.recs, logged{ts, append([]byte(nil), payload...)})
	return nil, nil
}

// dump renders every Data key of a store at its clock.
func dump(m *txn.Manager) string {
	tx := m.Begin(txn.ModeSnapshot)
	defer tx.Rollback()
	out := ""
	for sp := mvcc.Space(0); sp < mvcc.NumSpaces; sp++ {
		tx.ScanPrefix(sp, nil, func(k []byte, v value.Value) bool {
			out += fmt.Sprintf("%d/%s=%s/%s ", sp, k, v.Kind(), v.Str())
			return true
		})
	}
	return out
}

// TestLogReplay: the commit records written to the log rebuild the same store through
// Apply, including deletions, other spaces, aborted transactions and resets.
func TestLogReplay(t *testing.T) {
	log := &memLog{}
	m := txn.NewManager(mvcc.NewStore(), txn.Options{Log: log})
	set(t, m, "gone", "x")
	if err := m.Reset(); err != nil {
		t.Fatal(err)
	}
	set(t, m, "a", "1")
	set(t, m, "b", "2")
	tx := m.Begin(txn.ModeSnapshot)
	tx.Put(mvcc.Data, []byte("c"), value.JSON(`{"x":1}`))
	tx.Put(mvcc.Index, []byte("idx"), value.Bytes(""))
	tx.Delete(mvcc.Data, []byte("a"))
	tx.Delete(mvcc.Data, []byte("never"))
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	loser := m.Begin(txn.ModeSnapshot)
	loser.Get(mvcc.Data, []byte("b"))
	loser.Put(mvcc.Data, []byte("b"), value.Bytes("lost"))
	set(t, m, "b", "3")
	if err := loser.Commit(); err == nil {
		t.Fatalf("conflicting commit succeeded")
	}
	ro := m.Begin(txn.ModeSnapshot)
	ro.Get(mvcc.Data, []byte("b"))
	if err := ro.Commit(); err != nil {
		t.Fatal(err)
	}

	replayed := txn.NewManager(mvcc.NewStore(), txn.Options{})
	for _, r := range log.recs {
		if err := replayed.Apply(r.ts, r.rec); err != nil {
			t.Fatalf("Apply(%d): %v", r.ts, err)
		}
	}
	if got, want := dump(replayed), dump(m); got != want {
		t.Fatalf("replayed store:\n%s\nwant:\n%s", got, want)
	}
	if replayed.Store().Clock() != m.Store().Clock() {
		t.Fatalf("replayed clock %d, want %d", replayed.Store().Clock(), m.Store().Clock())
	}
	if len(log.recs) != 6 {
		t.Fatalf("%d records logged, want 6 (4 commits, 1 reset; no aborted or read-only ones)", len(log.recs))
	}
	// A corrupt record is refused whole.
	bad := append([]byte(nil), log.recs[len(log.recs)-1].rec...)
	bad = bad[:len(bad)-1]
	err := replayed.Apply(99, bad)
	if !errors.Is(err, txn.ErrCorruptRecord) {
		t.Fatalf("Apply of a truncated record = %v, want ErrCorruptRecord", err)
	}
	if err := replayed.Apply(99, []byte{7}); !errors.Is(err, txn.ErrCorruptRecord) {
		t.Fatalf("Apply of a bad op = %v, want ErrCorruptRecord", err)
	}
}
