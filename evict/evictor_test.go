package evict

import (
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/txn"
	"github.com/memflux/memflux/value"
)

var seedFlag = flag.Uint64("seed", 0, "seed of the randomized tests (0: time-based)")

// newDB returns a manager over a fresh store with an attached Evictor.
func newDB(t testing.TB, opts Options) (*txn.Manager, *Evictor) {
	t.Helper()
	m := txn.NewManager(mvcc.NewStore(), txn.Options{})
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	ev := New(m, opts)
	ev.Attach()
	t.Cleanup(ev.Detach)
	return m, ev
}

// set admits and commits one write, the way a write command does.
func set(ev *Evictor, m *txn.Manager, key, val string) error {
	if err := ev.Admit(int64(len(key) + len(val))); err != nil {
		return err
	}
	t := m.Begin(txn.ModeLatest)
	t.Put(mvcc.Data, []byte(key), value.Bytes(val))
	return t.Commit()
}

// latest returns the newest value of key without counting as an access (no read hook):
// tests must not change the recency they observe.
func latest(m *txn.Manager, key string) (string, bool) {
	c := m.Store().Chain(mvcc.Data, []byte(key))
	if c == nil || c.Head() == nil || !c.Head().Value().Exists() {
		return "", false
	}
	return c.Head().Value().Str(), true
}

// TestSnapshotSurvivesEviction evicts every key an open transaction will read: the
// transaction still sees them all, with their values, while later transactions
// see them gone; the versions it pinned are released once it ends.
func TestSnapshotSurvivesEviction(t *testing.T) {
	for _, p := range Policies() {
		t.Run("policy="+p.String(), func(t *testing.T) {
			// While the transaction is open, every key deleted after it began keeps its
			// tombstone (about 200 bytes), so the limit leaves room for those.
			const limit = 1 << 20
			m, ev := newDB(t, Options{MaxMemory: limit, Policy: p})
			pad := strings.Repeat(".", 1000)
			for i := range 100 {
				if err := set(ev, m, "old:"+strconv.Itoa(i), strconv.Itoa(i)+pad); err != nil {
					t.Fatal(err)
				}
			}
			snap := m.Begin(txn.ModeSnapshot)
			defer snap.Rollback()
			// (No read before the evictions: a read key counts as used, and ARC, LFU and
			// LFRU rightly keep it while the new keys are never read.)
			gone := 0
			for j := 0; j < 3000 && gone < 100; j++ {
				if err := set(ev, m, "new:"+strconv.Itoa(j), pad); err != nil {
					t.Fatalf("write %d: %v", j, err)
				}
				if j%50 == 0 {
					gone = 0
					for i := range 100 {
						if _, ok := latest(m, "old:"+strconv.Itoa(i)); !ok {
							gone++
						}
					}
				}
			}
			if gone < 100 {
				t.Fatalf("only %d of the 100 old keys were evicted", gone)
			}
			for i := range 100 {
				k := "old:" + strconv.Itoa(i)
				if got := snap.Get(mvcc.Data, []byte(k)); got.Str() != strconv.Itoa(i)+pad {
					t.Fatalf("snapshot reads %s = %.10q after its eviction", k, got.Str())
				}
			}
			if snap.Get(mvcc.Data, []byte("new:0")).Exists() {
				t.Errorf("snapshot sees a key written after it began")
			}
			pinned := m.Store().Mem()
			snap.Rollback()
			m.Vacuum()
			if after := m.Store().Mem(); after >= pinned || after > limit {
				t.Errorf("MEMUSAGE %d after the snapshot ended and vacuum (was %d, limit %d)", after, pinned, limit)
			}
		})
	}
}

// TestAdmitErrors checks the sentinels and that a refused write leaves the store alone.
func TestAdmitErrors(t *testing.T) {
	m, ev := newDB(t, Options{MaxMemory: 64 << 10, Policy: NoEviction})
	if err := ev.Admit(64 << 10); !errors.Is(err, ErrItemTooLarge) {
		t.Errorf("Admit(limit) = %v, want ErrItemTooLarge", err)
	}
	var err error
	n := 0
	for ; err == nil; n++ {
		err = set(ev, m, "k"+strconv.Itoa(n), strings.Repeat("x", 1000))
	}
	if !errors.Is(err, ErrNoMemory) {
		t.Fatalf("noeviction: %v, want ErrNoMemory", err)
	}
	if live := m.Store().Live(); live != int64(n-1) {
		t.Errorf("%d keys after %d accepted writes", live, n-1)
	}
	if st := ev.Stats(); st.Evicted != 0 || st.Keys != 0 {
		t.Errorf("noeviction tracked %d keys, evicted %d", st.Keys, st.Evicted)
	}

	m, ev = newDB(t, Options{MaxMemory: 64 << 10, Policy: LRU})
	tx := m.Begin(txn.ModeLatest)
	tx.Put(mvcc.Data, []byte(InternalPrefix+"schemas:t"), value.Bytes(strings.Repeat("s", 60<<10)))
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := set(ev, m, "user", strings.Repeat("x", 8<<10)); !errors.Is(err, ErrNoMemory) {
		t.Errorf("with only internal keys to evict: %v, want ErrNoMemory", err)
	}
	if _, ok := latest(m, InternalPrefix+"schemas:t"); !ok {
		t.Errorf("the internal key was evicted")
	}
}

// TestRegistryModel runs random writes, deletes, reads, vacuums, resets and evictions and
// checks after each step that the registry holds exactly the live evictable keys and that
// the incremental memory estimate equals one recomputed from scratch. -seed replays a run.
func TestRegistryModel(t *testing.T) {
	seed := *seedFlag
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d", seed)
	for _, p := range Policies() {
		t.Run("policy="+p.String(), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, uint64(p)))
			m, ev := newDB(t, Options{MaxMemory: 48 << 10, Policy: p, Seed: seed})
			var snaps []*txn.Txn
			for step := range 3000 {
				k := fmt.Sprintf("k%d", r.IntN(120))
				if r.IntN(10) == 0 {
					k = InternalPrefix + k
				}
				switch op := r.IntN(100); {
				case op < 50:
					val := strings.Repeat("v", r.IntN(2000))
					if err := set(ev, m, k, val); err != nil && !errors.Is(err, ErrNoMemory) {
						t.Fatalf("step %d: set: %v", step, err)
					}
				case op < 62:
					tx := m.Begin(txn.ModeLatest)
					tx.Delete(mvcc.Data, []byte(k))
					if err := tx.Commit(); err != nil {
						t.Fatalf("step %d: delete: %v", step, err)
					}
				case op < 80:
					m.Store().Latest(mvcc.Data, []byte(k))
				case op < 85:
					tx := m.Begin(txn.ModeLatest) // an Index-space write: never tracked
					tx.Put(mvcc.Index, []byte(k), value.Bytes("i"))
					if err := tx.Commit(); err != nil {
						t.Fatal(err)
					}
				case op < 90:
					snaps = append(snaps, m.Begin(txn.ModeSnapshot))
				case op < 95 && len(snaps) > 0:
					snaps[0].Rollback()
					snaps = snaps[1:]
				case op < 98:
					m.Vacuum()
				case op < 99:
					if err := m.Reset(); err != nil {
						t.Fatal(err)
					}
				default:
					if err := ev.Trim(); err != nil && !errors.Is(err, ErrNoMemory) {
						t.Fatal(err)
					}
				}
				checkModel(t, step, m, ev)
			}
			for _, s := range snaps {
				s.Rollback()
			}
		})
	}
}

// checkModel compares the registry with the store and the estimate with a recount.
func checkModel(t *testing.T, step int, m *txn.Manager, ev *Evictor) {
	t.Helper()
	m.WithCommitLock(func([]uint64) {
		st := m.Store()
		var mem int64
		live := map[*mvcc.Chain]string{}
		for sp := mvcc.Space(0); sp < mvcc.NumSpaces; sp++ {
			st.Tree(sp).Scan(nil, func(k []byte, c *mvcc.Chain) bool {
				mem += int64(mvcc.KeyOverhead + len(k))
				for v := c.Head(); v != nil; v = v.Next() {
					mem += int64(mvcc.VersionOverhead + v.Value().Size())
				}
				if h := c.Head(); sp == mvcc.Data && h.Value().Exists() && evictable(k) {
					live[c] = string(k)
				}
				return true
			})
		}
		reg := ev.tr.reg
		if reg.len() != len(live) {
			t.Fatalf("step %d: registry has %d keys, store %d live evictable", step, reg.len(), len(live))
		}
		for i, e := range reg.entries {
			if live[e.chain] != e.key || reg.index[e.chain] != int32(i) {
				t.Fatalf("step %d: registry slot %d (%q) is not a live key of the store", step, i, e.key)
			}
		}
		if reg.withLists {
			n := 0
			for id := uint8(1); id < maxLists; id++ {
				n += reg.count(id)
			}
			if n != reg.len() {
				t.Fatalf("step %d: lists hold %d keys, registry %d", step, n, reg.len())
			}
		}
		mem += ev.tr.state.Load()
		if got := st.Mem(); got != mem {
			t.Fatalf("step %d: incremental estimate %d, recount %d", step, got, mem)
		}
	})
}
