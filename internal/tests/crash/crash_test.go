package crash

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// seed returns the seed of a randomized test, logged so a failure can be replayed.
func seed(t *testing.T) uint64 {
	s := *seedFlag
	if s == 0 {
		s = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (replay with -seed %d)", s, s)
	return s
}

// single is an auto-commit SET and what became of it.
type single struct {
	val       string
	acked     bool   // the server replied +OK
	deletedBy string // id of a transaction that deletes the key ("" if none)
}

// txnRec is a BEGIN … COMMIT transaction: SET of every key in keys to val, and the
// deletion of one earlier single key (deletes, optional).
type txnRec struct {
	keys       []string
	val        string
	deletes    string
	commitSent bool // COMMIT was sent (else it cannot have committed)
	acked      bool // COMMIT replied +OK
}

// model is everything the clients of TestCrashRecovery wrote. It is safe for concurrent
// use.
type model struct {
	// mu protects every field.
	mu      sync.Mutex
	singles map[string]*single
	txns    map[string]*txnRec
	// gone holds keys of writes that were in doubt at a crash and found absent after it:
	// they must never reappear.
	gone map[string]bool
}

func newModel() *model {
	return &model{singles: map[string]*single{}, txns: map[string]*txnRec{}, gone: map[string]bool{}}
}

// payload returns a value of random length (16 B to 2 KiB) that starts with tag, so a
// value can never be mistaken for another write's.
func payload(rng *rand.Rand, tag string) string {
	n := 16 + rng.IntN(2048)
	if n <= len(tag) {
		return tag
	}
	return tag + "|" + strings.Repeat(string(rune('a'+rng.IntN(26))), n-len(tag)-1)
}

// client writes until the server stops answering or ctx ends: auto-commit SETs, and
// transactions of 2-6 SETs plus, half the time, the DELETE of one of its earlier
// acknowledged keys, all recorded in m before they are sent.
func (m *model) client(ctx context.Context, srv *server, cycle, id int, rng *rand.Rand) (ops int) {
	rdb := srv.client()
	defer rdb.Close()
	var mine []string // this client's acknowledged, not yet deleted single keys
	for n := 0; ctx.Err() == nil; n++ {
		if rng.IntN(10) < 6 {
			key := fmt.Sprintf("s:%d:%d:%d", cycle, id, n)
			s := &single{val: payload(rng, key)}
			m.mu.Lock()
			m.singles[key] = s
			m.mu.Unlock()
			if err := rdb.Set(ctx, key, s.val, 0).Err(); err != nil {
				return ops
			}
			m.mu.Lock()
			s.acked = true
			m.mu.Unlock()
			mine = append(mine, key)
			ops++
			continue
		}
		tid := fmt.Sprintf("%d:%d:%d", cycle, id, n)
		tx := &txnRec{val: payload(rng, "txn "+tid)}
		for j := range 2 + rng.IntN(5) {
			tx.keys = append(tx.keys, fmt.Sprintf("t:%s:%d", tid, j))
		}
		m.mu.Lock()
		if len(mine) > 0 && rng.IntN(2) == 0 {
			i := rng.IntN(len(mine))
			tx.deletes = mine[i]
			mine = append(mine[:i], mine[i+1:]...)
			m.singles[tx.deletes].deletedBy = tid
		}
		m.txns[tid] = tx
		m.mu.Unlock()
		if !m.runTxn(ctx, rdb, tx) {
			return ops
		}
		ops++
	}
	return ops
}

// runTxn runs one transaction on a pinned connection and reports whether it committed.
func (m *model) runTxn(ctx context.Context, rdb *redis.Client, tx *txnRec) bool {
	conn := rdb.Conn()
	defer conn.Close()
	cmds := [][]any{{"BEGIN"}}
	for _, k := range tx.keys {
		cmds = append(cmds, []any{"SET", k, tx.val})
	}
	if tx.deletes != "" {
		cmds = append(cmds, []any{"DELETE", tx.deletes})
	}
	for _, c := range cmds {
		if err := conn.Do(ctx, c...).Err(); err != nil {
			return false
		}
	}
	m.mu.Lock()
	tx.commitSent = true
	m.mu.Unlock()
	if err := conn.Do(ctx, "COMMIT").Err(); err != nil {
		return false
	}
	m.mu.Lock()
	tx.acked = true
	m.mu.Unlock()
	return true
}

// mget reads keys in batches; a missing key is absent from the result.
func mget(t *testing.T, srv *server, rdb *redis.Client, keys []string) map[string]string {
	t.Helper()
	got := make(map[string]string, len(keys))
	for lo := 0; lo < len(keys); lo += 500 {
		batch := keys[lo:min(lo+500, len(keys))]
		vals, err := rdb.MGet(context.Background(), batch...).Result()
		if err != nil {
			srv.stuck("MGET", err)
		}
		for i, v := range vals {
			if s, ok := v.(string); ok {
				got[batch[i]] = s
			}
		}
	}
	return got
}

// verify checks the restarted server against the model: every acknowledged write is
// there, no transaction is partly visible, a transaction's DELETE is applied exactly when
// its SETs are, nothing that was found lost comes back. Writes that were in doubt become
// acknowledged when found, or gone when not.
func (m *model) verify(t *testing.T, srv *server, rdb *redis.Client) (checked int) {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	var keys []string
	for k := range m.singles {
		keys = append(keys, k)
	}
	for _, tx := range m.txns {
		keys = append(keys, tx.keys...)
	}
	for k := range m.gone {
		keys = append(keys, k)
	}
	got := mget(t, srv, rdb, keys)
	present := make(map[string]bool) // committed transactions, by id
	for id, tx := range m.txns {
		n := 0
		for _, k := range tx.keys {
			if v, ok := got[k]; ok {
				if v != tx.val {
					t.Fatalf("txn %s key %s holds %.40q, want %.40q", id, k, v, tx.val)
				}
				n++
			}
		}
		switch {
		case n != 0 && n != len(tx.keys):
			t.Fatalf("txn %s partly visible: %d of %d keys", id, n, len(tx.keys))
		case tx.acked && n == 0:
			t.Fatalf("acknowledged txn %s lost (%d keys)", id, len(tx.keys))
		case !tx.commitSent && n != 0:
			t.Fatalf("txn %s visible although COMMIT was never sent", id)
		}
		if n == 0 {
			for _, k := range tx.keys {
				m.gone[k] = true
			}
			delete(m.txns, id)
			if tx.deletes != "" {
				m.singles[tx.deletes].deletedBy = ""
			}
			continue
		}
		present[id] = true
		tx.acked, tx.commitSent = true, true
	}
	for k, s := range m.singles {
		v, ok := got[k]
		if s.deletedBy != "" && present[s.deletedBy] {
			if ok {
				t.Fatalf("key %s deleted by committed txn %s is still there", k, s.deletedBy)
			}
			delete(m.singles, k) // deleted for good
			m.gone[k] = true
			continue
		}
		switch {
		case ok && v != s.val:
			t.Fatalf("key %s holds %.40q, want %.40q", k, v, s.val)
		case !ok && s.acked:
			t.Fatalf("acknowledged SET %s lost", k)
		case !ok:
			delete(m.singles, k)
			m.gone[k] = true
		default:
			s.acked = true
		}
	}
	for k := range m.gone {
		if _, ok := got[k]; ok {
			if _, live := m.singles[k]; !live {
				t.Fatalf("key %s, absent after an earlier crash, came back", k)
			}
		}
	}
	return len(keys)
}

// TestCrashRecovery runs clients against the server, SIGKILLs it at a random moment,
// restarts it on the same files and checks the model, 20 times (-cycles, -long for more).
// The WAL threshold is 1 MiB, so compactions run (and get killed) along the way, and some
// cycles start a BGSAVE too.
func TestCrashRecovery(t *testing.T) {
	n := *cycles
	if n == 0 {
		n = 20
		if *long {
			n = 200
		}
	}
	rng := rand.New(rand.NewPCG(seed(t), 1))
	dir := t.TempDir()
	cfg := writeConfig(t, dir, nil)
	logf := serverLog(t)
	m := newModel()
	srv := startServer(t, dir, cfg, logf)
	defer func() { srv.kill() }()
	var totalOps, snapshots, killedInSnapshot int
	for c := range n {
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		var mu sync.Mutex
		for id := range 4 {
			crng := rand.New(rand.NewPCG(rng.Uint64(), uint64(id)))
			wg.Add(1)
			go func() {
				defer wg.Done()
				ops := m.client(ctx, srv, c, id, crng)
				mu.Lock()
				totalOps += ops
				mu.Unlock()
			}()
		}
		runFor := time.Duration(50+rng.IntN(450)) * time.Millisecond
		if rng.IntN(4) == 0 { // a snapshot in flight at the kill, maybe
			go func() {
				time.Sleep(runFor / 2)
				c := srv.client()
				defer c.Close()
				c.Do(context.Background(), "BGSAVE")
			}()
		}
		time.Sleep(runFor)
		if c%4 == 3 { // a kill hides a hung server: check now and then that it still commits
			probe := srv.client()
			pctx, pcancel := context.WithTimeout(context.Background(), 10*time.Second)
			err := probe.Set(pctx, fmt.Sprintf("probe:%d", c), "1", 0).Err()
			pcancel()
			probe.Close()
			if err != nil {
				srv.stuck("probe SET under load", err)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "memflux.snapshot.tmp")); err == nil {
			killedInSnapshot++
		}
		srv.kill()
		cancel()
		wg.Wait()
		if _, err := os.Stat(filepath.Join(dir, "memflux.snapshot")); err == nil {
			snapshots++
		}
		srv = startServer(t, dir, cfg, logf)
		rdb := srv.client()
		checked := m.verify(t, srv, rdb)
		rdb.Close()
		if c%5 == 4 || c == n-1 {
			t.Logf("cycle %d: %d writes acknowledged so far, %d keys checked", c+1, totalOps, checked)
		}
	}
	if totalOps < n {
		t.Fatalf("only %d writes acknowledged in %d cycles: the clients did not get through", totalOps, n)
	}
	t.Logf("%d cycles, %d acknowledged writes; a snapshot file existed after %d restarts; %d kills hit a snapshot in progress",
		n, totalOps, snapshots, killedInSnapshot)
}

// TestCrashDuringSnapshot preloads 100k keys (1M with -long), starts writers that each
// overwrite preloaded keys of their own partition in multi-key transactions, runs SAVE,
// then BGSAVE, and SIGKILLs the server while the second snapshot's temporary file exists. After the restart
// every preloaded key is there, each writer's transactions are a whole prefix including
// every acknowledged one, and every preloaded key holds the value that prefix implies.
func TestCrashDuringSnapshot(t *testing.T) {
	keys, rounds := 100_000, 3
	if *long {
		keys, rounds = 1_000_000, 5
	}
	const writers = 4
	rng := rand.New(rand.NewPCG(seed(t), 2))
	dir := t.TempDir()
	cfg := writeConfig(t, dir, map[string]any{"wal_size_threshold_mb": 128})
	logf := serverLog(t)
	srv := startServer(t, dir, cfg, logf)
	defer func() { srv.kill() }()
	preloadKeys(t, srv, keys)

	acked := make([][]int, writers) // per writer: the preloaded key of each acknowledged txn
	caught := 0
	for round := range rounds {
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				acked[w] = snapshotWriter(ctx, srv, w, writers, keys, acked[w])
			}()
		}
		// A completed snapshot under load first, so the killed one has a predecessor and
		// the WAL records between the two must be replayed on top of it.
		time.Sleep(time.Duration(100+rng.IntN(200)) * time.Millisecond)
		rdb := srv.client()
		if err := rdb.Do(context.Background(), "SAVE").Err(); err != nil {
			srv.stuck("SAVE", err)
		}
		time.Sleep(time.Duration(50+rng.IntN(100)) * time.Millisecond)
		if err := rdb.Do(context.Background(), "BGSAVE").Err(); err != nil {
			srv.stuck("BGSAVE", err)
		}
		rdb.Close()
		tmp := filepath.Join(dir, "memflux.snapshot.tmp")
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			if _, err := os.Stat(tmp); err == nil {
				time.Sleep(time.Duration(rng.IntN(3000)) * time.Microsecond)
				if _, err := os.Stat(tmp); err == nil {
					caught++
				}
				break
			}
			time.Sleep(100 * time.Microsecond)
		}
		srv.kill()
		cancel()
		wg.Wait()
		start := time.Now()
		srv = startServer(t, dir, cfg, logf)
		restart := time.Since(start)
		got := checkSnapshotState(t, srv, writers, keys, acked)
		t.Logf("round %d: restart with %d keys took %v; recovered %v transactions per writer", round, keys, restart.Round(time.Millisecond), got)
	}
	if caught == 0 {
		t.Errorf("no kill landed while the snapshot was being written (%d rounds)", rounds)
	}
	t.Logf("%d of %d kills landed while memflux.snapshot.tmp existed", caught, rounds)
}

// preloadKeys writes p:0000000… = "0" with pipelined MSETs of 1,000 keys.
func preloadKeys(t *testing.T, srv *server, keys int) {
	t.Helper()
	rdb := srv.client()
	defer rdb.Close()
	ctx := context.Background()
	start := time.Now()
	for lo := 0; lo < keys; lo += 50_000 {
		pipe := rdb.Pipeline()
		for b := lo; b < min(lo+50_000, keys); b += 1000 {
			args := make([]any, 0, 2000)
			for k := b; k < min(b+1000, keys); k++ {
				args = append(args, pkey(k), "0")
			}
			pipe.MSet(ctx, args...)
		}
		if _, err := pipe.Exec(ctx); err != nil {
			srv.stuck("preload", err)
		}
	}
	t.Logf("preloaded %d keys in %v", keys, time.Since(start).Round(time.Millisecond))
}

func pkey(k int) string { return fmt.Sprintf("p:%07d", k) }

// partitionKey is the preloaded key writer w overwrites in its i-th transaction; writer w
// owns the keys k with k%writers == w.
func partitionKey(w, writers, keys, i int) int {
	return (i*7919%(keys/writers))*writers + w
}

// snapshotWriter commits transactions i = len(acked), len(acked)+1, … until the server
// stops answering: u:<w>:<i>:a/b/c = i, last:<w> = i, and the preloaded key
// partitionKey(w, i) = "w<w>:<i>". It returns acked extended by what it committed.
func snapshotWriter(ctx context.Context, srv *server, w, writers, keys int, acked []int) []int {
	rdb := srv.client()
	defer rdb.Close()
	for i := len(acked); ctx.Err() == nil; i++ {
		k := partitionKey(w, writers, keys, i)
		conn := rdb.Conn()
		cmds := [][]any{{"BEGIN"}}
		for _, suf := range []string{"a", "b", "c"} {
			cmds = append(cmds, []any{"SET", fmt.Sprintf("u:%d:%d:%s", w, i, suf), strconv.Itoa(i)})
		}
		cmds = append(cmds, []any{"SET", pkey(k), fmt.Sprintf("w%d:%d", w, i)},
			[]any{"SET", fmt.Sprintf("last:%d", w), strconv.Itoa(i)}, []any{"COMMIT"})
		for _, c := range cmds {
			if err := conn.Do(ctx, c...).Err(); err != nil {
				conn.Close()
				return acked
			}
		}
		conn.Close()
		acked = append(acked, k)
	}
	return acked
}

// checkSnapshotState checks the restarted server and trims or extends acked to what was
// recovered (a transaction in doubt at the kill may or may not be there, but then whole).
func checkSnapshotState(t *testing.T, srv *server, writers, keys int, acked [][]int) []int {
	t.Helper()
	rdb := srv.client()
	defer rdb.Close()
	ctx := context.Background()
	got := make([]int, writers)
	for w := range writers {
		n := 0
		last, err := rdb.Get(ctx, fmt.Sprintf("last:%d", w)).Result()
		switch {
		case errors.Is(err, redis.Nil):
		case err != nil:
			srv.stuck(fmt.Sprintf("GET last:%d", w), err)
		default:
			if n, err = strconv.Atoi(last); err != nil {
				t.Fatalf("last:%d = %q", w, last)
			}
			n++
		}
		if n < len(acked[w]) || n > len(acked[w])+1 {
			t.Fatalf("writer %d: %d transactions recovered, %d acknowledged", w, n, len(acked[w]))
		}
		var txKeys []string
		for i := range n + 1 {
			for _, suf := range []string{"a", "b", "c"} {
				txKeys = append(txKeys, fmt.Sprintf("u:%d:%d:%s", w, i, suf))
			}
		}
		vals := mget(t, srv, rdb, txKeys)
		for i := range n + 1 {
			for _, suf := range []string{"a", "b", "c"} {
				v, ok := vals[fmt.Sprintf("u:%d:%d:%s", w, i, suf)]
				if ok != (i < n) || (ok && v != strconv.Itoa(i)) {
					t.Fatalf("writer %d txn %d key %s: present=%v %q with %d recovered: partly visible", w, i, suf, ok, v, n)
				}
			}
		}
		if n == len(acked[w])+1 { // the one in doubt committed
			acked[w] = append(acked[w], partitionKey(w, writers, keys, n-1))
		}
		got[w] = n
	}
	want := make(map[int]string)
	for w := range writers {
		for i, k := range acked[w] {
			want[k] = fmt.Sprintf("w%d:%d", w, i)
		}
	}
	all := make([]string, keys)
	for k := range all {
		all[k] = pkey(k)
	}
	vals := mget(t, srv, rdb, all)
	for k := range keys {
		exp, ok := want[k]
		if !ok {
			exp = "0"
		}
		if v, ok := vals[pkey(k)]; !ok || v != exp {
			t.Fatalf("%s = %q (present %v), want %q", pkey(k), v, ok, exp)
		}
	}
	return got
}
