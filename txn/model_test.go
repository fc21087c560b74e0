package txn_test

import (
	"errors"
	"flag"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/memflux/memflux/art"
	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/txn"
	"github.com/memflux/memflux/value"
)

var (
	seedFlag  = flag.Uint64("seed", 0, "seed of the randomized model test (0: derive from the clock)")
	longFlag  = flag.Bool("long", false, "run the randomized model test for many more steps")
	traceFlag = flag.Bool("trace", false, "log every operation of the randomized model test (use with -seed)")
)

// The model-based test drives random interleaved transactions against a Manager and a
// reference model that knows nothing about version chains, pruning or vacuum:
//
//   - the committed history is a list of states, states[ts] being the whole key space as
//     of commit timestamp ts, and head[k] the timestamp of the last commit that installed
//     a version of k (a delete installs one only if the key existed);
//   - a transaction sees states[start] overlaid with its own writes (latest-mode
//     transactions see the newest state until their first scan);
//   - a commit succeeds iff the rules of the package documentation say so, computed here
//     from head[], the transaction's reads and its scanned ranges.
//
// Vacuum passes run both as steps of the random sequence and continuously from a
// background goroutine; they must never change any result.

// modelKeys is the small key space: prefixes of each other so that scans overlap.
var modelKeys = []string{"a", "a1", "a2", "ab", "b", "b1", "ba", "c"}

// modelPrefixes are the prefixes scans use ("" scans everything).
var modelPrefixes = []string{"", "a", "a1", "b", "c", "d"}

// mtxn is the model of one open transaction beside the real one.
type mtxn struct {
	id     int
	t      *txn.Txn
	latest bool   // latest mode, not yet turned into a snapshot by a scan
	start  uint64 // snapshot timestamp (meaningful once !latest)
	track  bool
	ws     map[string]*string // own writes; nil deletes
	reads  map[string]uint64  // key -> timestamp of the head version seen (latest mode)
	ranges [][2]*string       // scanned [start, end); nil end = unbounded
	sps    []msp
	mark   int  // length of the undo log (number of puts since the first mark)
	marked bool // a mark or savepoint was taken: puts log their undo from then on
}

// msp is a savepoint of the model.
type msp struct {
	name string
	mark int
	ws   map[string]*string
}

// model is the reference: committed states and the newest install timestamp per key.
type model struct {
	iso    txn.Isolation
	states []map[string]string
	head   map[string]uint64
}

func (m *model) clock() uint64                  { return uint64(len(m.states) - 1) }
func (m *model) latest() map[string]string      { return m.states[len(m.states)-1] }
func (m *model) at(ts uint64) map[string]string { return m.states[ts] }

// get is what key reads as for t, and records the read the way the real one does.
func (m *model) get(t *mtxn, k string) (string, bool) {
	if v, ok := t.ws[k]; ok {
		if v == nil {
			return "", false
		}
		return *v, true
	}
	var st map[string]string
	if t.latest {
		st = m.latest()
	} else {
		st = m.at(t.start)
	}
	v, ok := st[k]
	if t.track {
		if _, seen := t.reads[k]; !seen {
			t.reads[k] = m.liveHead(k)
		}
	}
	return v, ok
}

// liveHead is head[k] if k exists in the newest state, else 0: a latest-mode read of an
// absent key records 0 however the key came to be absent.
func (m *model) liveHead(k string) uint64 {
	if _, ok := m.latest()[k]; ok {
		return m.head[k]
	}
	return 0
}

func (m *model) put(t *mtxn, k string, v *string) {
	t.ws[k] = v
	if t.marked {
		t.mark++
	}
}

// scan returns the keys and values with prefix visible to t, at most limit of them (0: no
// limit), and records the scanned range as the real transaction does.
func (m *model) scan(t *mtxn, prefix string, limit int) []string {
	if t.latest {
		t.latest = false
		t.start = m.clock()
	}
	st := m.at(t.start)
	merged := map[string]*string{}
	for k, v := range st {
		if strings.HasPrefix(k, prefix) {
			merged[k] = &v
		}
	}
	for k, v := range t.ws {
		if strings.HasPrefix(k, prefix) {
			merged[k] = v
		}
	}
	var out []string
	var stopKey *string
	for _, k := range slices.Sorted(maps.Keys(merged)) {
		if merged[k] == nil {
			continue
		}
		out = append(out, k+"="+*merged[k])
		if limit > 0 && len(out) == limit {
			end := k + "\x00"
			stopKey = &end
			break
		}
	}
	if t.track {
		p := prefix
		var end *string
		if stopKey != nil {
			end = stopKey
		} else if e := art.PrefixEnd([]byte(prefix)); e != nil {
			s := string(e)
			end = &s
		}
		t.ranges = append(t.ranges, [2]*string{&p, end})
	}
	return out
}

// commit decides the outcome of t's commit and applies it to the model.
func (m *model) commit(t *mtxn) error {
	if len(t.ws) == 0 {
		return nil
	}
	if err := m.validate(t); err != nil {
		return err
	}
	next := maps.Clone(m.latest())
	ts := m.clock() + 1
	for k, v := range t.ws {
		if v == nil {
			if _, ok := next[k]; ok {
				delete(next, k)
				m.head[k] = ts
			}
			continue
		}
		next[k] = *v
		m.head[k] = ts
	}
	m.states = append(m.states, next)
	return nil
}

func (m *model) validate(t *mtxn) error {
	if t.latest {
		for k, ts := range t.reads {
			if _, written := t.ws[k]; written && m.liveHead(k) != ts {
				return txn.ErrConflict
			}
		}
		return nil
	}
	if m.clock() == t.start {
		return nil
	}
	for k := range t.ws {
		if m.head[k] > t.start {
			return txn.ErrConflict
		}
	}
	if !t.track {
		return nil
	}
	for k := range t.reads {
		if m.head[k] > t.start {
			return txn.ErrSerialization
		}
	}
	for _, rg := range t.ranges {
		for k, ts := range m.head {
			if k >= *rg[0] && (rg[1] == nil || k < *rg[1]) && ts > t.start {
				return txn.ErrSerialization
			}
		}
	}
	return nil
}

func (m *model) savepoint(t *mtxn, name string) error {
	for _, sp := range t.sps {
		if sp.name == name {
			return &txn.SavepointError{Name: name, Exists: true}
		}
	}
	t.sps = append(t.sps, msp{name: name, mark: t.mark, ws: maps.Clone(t.ws)})
	t.marked = true
	return nil
}

func (m *model) rollbackTo(t *mtxn, name string) error {
	i := slices.IndexFunc(t.sps, func(sp msp) bool { return sp.name == name })
	if i < 0 {
		return &txn.SavepointError{Name: name}
	}
	m.rollbackToMark(t, t.sps[i].mark, t.sps[i].ws)
	return nil
}

// rollbackToMark restores the write set ws saved at mark; savepoints defined after the
// mark now mark the same point.
func (m *model) rollbackToMark(t *mtxn, mark int, ws map[string]*string) {
	t.ws = maps.Clone(ws)
	t.mark = mark
	for j := range t.sps {
		if t.sps[j].mark > mark {
			t.sps[j].mark = mark
			t.sps[j].ws = maps.Clone(ws)
		}
	}
}

func (m *model) release(t *mtxn, name string) error {
	i := slices.IndexFunc(t.sps, func(sp msp) bool { return sp.name == name })
	if i < 0 {
		return &txn.SavepointError{Name: name}
	}
	t.sps = slices.Delete(t.sps, i, i+1)
	return nil
}

// runModel runs steps random operations with the given seed and isolation level.
func runModel(t *testing.T, seed uint64, iso txn.Isolation, steps int) {
	rng := rand.New(rand.NewPCG(seed, uint64(iso)))
	store := mvcc.NewStore()
	mgr := txn.NewManager(store, txn.Options{Isolation: iso})
	md := &model{iso: iso, states: []map[string]string{{}}, head: map[string]uint64{}}

	// Background vacuum: it must never change a result.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
				mgr.VacuumBackground()
				time.Sleep(50 * time.Microsecond)
			}
		}
	}()
	defer func() {
		close(stop)
		wg.Wait()
	}()

	var open []*mtxn
	nextID := 0
	logf := func(format string, args ...any) {
		if *traceFlag {
			t.Logf(format, args...)
		}
	}
	fail := func(step int, format string, args ...any) {
		t.Helper()
		t.Fatalf("seed %d, isolation %s, step %d: %s", seed, iso, step, fmt.Sprintf(format, args...))
	}
	val := func() *string { s := fmt.Sprintf("v%d", rng.IntN(1000)); return &s }

	for step := 0; step < steps; step++ {
		if len(open) == 0 || (len(open) < 4 && rng.IntN(8) == 0) {
			nextID++
			mt := &mtxn{id: nextID, ws: map[string]*string{}, reads: map[string]uint64{}}
			if rng.IntN(4) == 0 {
				mt.t = mgr.Begin(txn.ModeLatest)
				mt.latest, mt.track = true, true
			} else {
				mt.t = mgr.Begin(txn.ModeSnapshot)
				mt.start = md.clock()
				mt.track = iso == txn.Serializable
			}
			if got := mt.t.Start(); !mt.latest && got != mt.start {
				fail(step, "T%d begins at %d, model clock %d", mt.id, got, mt.start)
			}
			logf("T%d begin latest=%v start=%d", mt.id, mt.latest, mt.start)
			open = append(open, mt)
			continue
		}
		ti := rng.IntN(len(open))
		mt := open[ti]
		k := modelKeys[rng.IntN(len(modelKeys))]
		switch op := rng.IntN(100); {
		case op < 30: // get
			want, wantOK := md.get(mt, k)
			v := mt.t.Get(mvcc.Data, []byte(k))
			if v.Exists() != wantOK || v.Str() != want {
				fail(step, "T%d get %s = %q (exists %v), model %q (exists %v)", mt.id, k, v.Str(), v.Exists(), want, wantOK)
			}
			logf("T%d get %s -> %q %v", mt.id, k, want, wantOK)
		case op < 50: // put
			v := val()
			md.put(mt, k, v)
			mt.t.Put(mvcc.Data, []byte(k), value.Bytes(*v))
			logf("T%d put %s %s", mt.id, k, *v)
		case op < 58: // delete
			_, existed := md.get(mt, k)
			if existed {
				md.put(mt, k, nil)
			}
			if got := mt.t.Delete(mvcc.Data, []byte(k)); got != existed {
				fail(step, "T%d delete %s = %v, model %v", mt.id, k, got, existed)
			}
			logf("T%d delete %s -> %v", mt.id, k, existed)
		case op < 66: // scan
			if mt.latest && rng.IntN(2) == 0 {
				continue // keep some latest-mode transactions scan-free
			}
			prefix := modelPrefixes[rng.IntN(len(modelPrefixes))]
			limit := rng.IntN(4)
			want := md.scan(mt, prefix, limit)
			var got []string
			mt.t.ScanPrefix(mvcc.Data, []byte(prefix), func(key []byte, v value.Value) bool {
				got = append(got, string(key)+"="+v.Str())
				return limit == 0 || len(got) < limit
			})
			if !slices.Equal(got, want) {
				fail(step, "T%d scan %q limit %d = %q, model %q", mt.id, prefix, limit, got, want)
			}
			if !mt.latest && mt.t.Start() != mt.start {
				fail(step, "T%d snapshot %d after scan, model %d", mt.id, mt.t.Start(), mt.start)
			}
			logf("T%d scan %q limit %d -> %q", mt.id, prefix, limit, want)
		case op < 72: // savepoint
			name := fmt.Sprintf("sp%d", rng.IntN(3))
			checkErr(t, step, seed, "savepoint", md.savepoint(mt, name), mt.t.Savepoint(name))
			logf("T%d savepoint %s", mt.id, name)
		case op < 78: // rollback to savepoint
			name := fmt.Sprintf("sp%d", rng.IntN(3))
			checkErr(t, step, seed, "rollback to", md.rollbackTo(mt, name), mt.t.RollbackToSavepoint(name))
			logf("T%d rollback to %s", mt.id, name)
		case op < 81: // release savepoint
			name := fmt.Sprintf("sp%d", rng.IntN(3))
			checkErr(t, step, seed, "release", md.release(mt, name), mt.t.ReleaseSavepoint(name))
			logf("T%d release %s", mt.id, name)
		case op < 82: // a statement: writes after a mark, rolled back to it half the time
			mark := mt.t.Mark()
			mt.marked = true
			if mark != mt.mark {
				fail(step, "T%d Mark() = %d, model %d", mt.id, mark, mt.mark)
			}
			before := maps.Clone(mt.ws)
			for range 1 + rng.IntN(2) {
				k := modelKeys[rng.IntN(len(modelKeys))]
				v := val()
				md.put(mt, k, v)
				mt.t.Put(mvcc.Data, []byte(k), value.Bytes(*v))
			}
			if rng.IntN(2) == 0 {
				mt.t.RollbackToMark(mark)
				md.rollbackToMark(mt, mark, before)
				logf("T%d statement rolled back", mt.id)
			} else {
				logf("T%d statement kept", mt.id)
			}
		case op < 84: // vacuum in the sequence
			mgr.Vacuum()
			logf("vacuum")
		case op < 95: // commit
			want := md.commit(mt)
			got := mt.t.Commit()
			if !errors.Is(got, want) || (want == nil) != (got == nil) {
				fail(step, "T%d commit = %v, model %v", mt.id, got, want)
			}
			if got != nil && !errors.Is(got, txn.ErrRetryable) {
				fail(step, "T%d commit error %v is not retryable", mt.id, got)
			}
			if store.Clock() != md.clock() {
				fail(step, "clock %d after commit, model %d", store.Clock(), md.clock())
			}
			if err := mt.t.Commit(); !errors.Is(err, txn.ErrDone) {
				fail(step, "second commit = %v, want ErrDone", err)
			}
			logf("T%d commit -> %v (clock %d)", mt.id, want, md.clock())
			open = slices.Delete(open, ti, ti+1)
		default: // rollback
			mt.t.Rollback()
			mt.t.Rollback() // no-op on a finished transaction
			logf("T%d rollback", mt.id)
			open = slices.Delete(open, ti, ti+1)
		}
	}
	for _, mt := range open {
		mt.t.Rollback()
	}
	checkFinal(t, seed, mgr, md)
}

func checkErr(t *testing.T, step int, seed uint64, what string, want, got error) {
	t.Helper()
	if fmt.Sprint(want) != fmt.Sprint(got) {
		t.Fatalf("seed %d, step %d: %s = %v, model %v", seed, step, what, got, want)
	}
}

// checkFinal vacuums with no transaction open and compares every chain with the model:
// one version per existing key, no chain for a deleted one.
func checkFinal(t *testing.T, seed uint64, mgr *txn.Manager, md *model) {
	t.Helper()
	if n := mgr.ActiveSnapshots(); n != 0 {
		t.Fatalf("seed %d: %d snapshots still registered after every transaction ended", seed, n)
	}
	mgr.Vacuum()
	st := mgr.Store()
	want := md.latest()
	for _, k := range modelKeys {
		c := st.Chain(mvcc.Data, []byte(k))
		v, ok := want[k]
		switch {
		case !ok && c != nil:
			t.Errorf("seed %d: deleted key %q still has a chain after vacuum", seed, k)
		case ok && c == nil:
			t.Errorf("seed %d: key %q has no chain", seed, k)
		case ok:
			h := c.Head()
			if h.Value().Str() != v || h.Next() != nil {
				t.Errorf("seed %d: key %q: head %q next %v after vacuum, want %q alone", seed, k, h.Value().Str(), h.Next(), v)
			}
		}
	}
	if got := st.Live(); got != int64(len(want)) {
		t.Errorf("seed %d: Live() = %d, model has %d keys", seed, got, len(want))
	}
}

func TestModel(t *testing.T) {
	seed := *seedFlag
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	rounds, steps := 40, 2000
	if *longFlag {
		rounds, steps = 500, 5000
	}
	t.Logf("seed %d (replay with -seed %d)", seed, seed)
	for _, iso := range []txn.Isolation{txn.Serializable, txn.Snapshot} {
		t.Run(iso.String(), func(t *testing.T) {
			for r := range rounds {
				runModel(t, seed+uint64(r), iso, steps)
			}
		})
	}
}
