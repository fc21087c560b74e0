package memflux

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/memflux/memflux/command"
)

// openLimited opens an in-memory database with a memory limit and policy.
func openLimited(t testing.TB, mb int64, policy string) *DB {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Persistence = false
	cfg.MaxMemoryMB = mb
	cfg.EvictionPolicy = policy
	db, err := Open(cfg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func mustDo(t testing.TB, s *Session, args ...string) Reply {
	t.Helper()
	r, err := s.Do(args...)
	if err != nil {
		t.Fatalf("%s: %v", strings.Join(args, " "), err)
	}
	return r
}

func memUsage(t testing.TB, s *Session) int64 { return mustDo(t, s, "MEMUSAGE").Int }

// TestEvictionAbsorbs300MB writes 300 MB of 1 KiB values through a session into a
// database limited to 32 MB, for every policy: MEMUSAGE never exceeds the limit by more
// than one value, recent keys read back correctly (or are gone, never wrong), and after a
// collection the Go heap is within twice the limit.
func TestEvictionAbsorbs300MB(t *testing.T) {
	const (
		limitMB = 32
		valSize = 2048
		total   = 300 << 20
	)
	for _, policy := range []string{"lru", "lfu", "lfru", "arc", "random"} {
		t.Run("policy="+policy, func(t *testing.T) {
			db := openLimited(t, limitMB, policy)
			s := db.NewSession()
			defer s.Close()
			limit := int64(limitMB << 20)
			val := strings.Repeat("v", valSize-8)
			var maxMem int64
			n := total / valSize
			for i := range n {
				key := "key:" + strconv.Itoa(i)
				mustDo(t, s, "SET", key, fmt.Sprintf("%08d", i)+val)
				m := db.store.Mem()
				maxMem = max(maxMem, m)
				if m > limit+valSize {
					t.Fatalf("after %d writes MEMUSAGE %d > limit %d + one value", i+1, m, limit)
				}
				if i%100 == 99 {
					// A recent key and a hot key: present with the right value, or evicted.
					for _, j := range []int{i - 50, 7} {
						r := mustDo(t, s, "GET", "key:"+strconv.Itoa(j))
						if r.Kind != command.KindNil && r.Str[:8] != fmt.Sprintf("%08d", j) {
							t.Fatalf("GET key:%d = %.16q…", j, r.Str)
						}
					}
				}
			}
			if got := memUsage(t, s); got > limit {
				t.Errorf("final MEMUSAGE %d > limit %d", got, limit)
			}
			keys := mustDo(t, s, "DBSIZE").Int
			ev := db.evictor.Stats()
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			t.Logf("%s: %d writes, max MEMUSAGE %.1f MB, %d keys left, %d evicted, heap after GC %.1f MB, soft limit %d MB",
				policy, n, float64(maxMem)/(1<<20), keys, ev.Evicted, float64(ms.HeapAlloc)/(1<<20), debug.SetMemoryLimit(-1)>>20)
			if ms.HeapAlloc > uint64(2*limit) {
				t.Errorf("heap after GC %d > twice the limit %d", ms.HeapAlloc, 2*limit)
			}
			if ev.Evicted == 0 || keys == 0 || int64(ev.Evicted)+keys != int64(n) {
				t.Errorf("evicted %d + left %d != written %d", ev.Evicted, keys, n)
			}
		})
	}
}

// TestEvictionOOM checks SPEC §8's errors word for word, that a refused write changes
// nothing, that noeviction refuses but still lets clients delete, and that internal keys
// are never evicted.
func TestEvictionOOM(t *testing.T) {
	const tooLarge = "OOM: The item is larger than the maxmemory limit"
	const noKeys = "OOM: No more keys to evict, but still not enough memory"
	expectOOM := func(t *testing.T, s *Session, msg string, args ...string) {
		t.Helper()
		_, err := s.Do(args...)
		if err == nil || err.Error() != msg || !errors.Is(err, command.ErrOOM) {
			t.Fatalf("%s %s: got error %v, want %q (kind ErrOOM)", args[0], args[1], err, msg)
		}
	}
	big := strings.Repeat("x", 1<<20)
	t.Run("item-too-large", func(t *testing.T) {
		for _, policy := range []string{"lru", "noeviction"} {
			db := openLimited(t, 1, policy)
			s := db.NewSession()
			mustDo(t, s, "SET", "small", "1")
			expectOOM(t, s, tooLarge, "SET", "big", big)
			expectOOM(t, s, tooLarge, "RPUSH", "list", big)
			if r := mustDo(t, s, "DBSIZE"); r.Int != 1 {
				t.Errorf("%s: DBSIZE %d after refused writes, want 1", policy, r.Int)
			}
			s.Close()
		}
	})
	t.Run("noeviction", func(t *testing.T) {
		db := openLimited(t, 1, "noeviction")
		s := db.NewSession()
		defer s.Close()
		val := strings.Repeat("v", 10<<10)
		var i int
		for i = 0; ; i++ {
			if _, err := s.Do("SET", "k"+strconv.Itoa(i), val); err != nil {
				if err.Error() != noKeys || !errors.Is(err, command.ErrOOM) {
					t.Fatalf("SET #%d: %v, want %q", i, err, noKeys)
				}
				break
			}
		}
		before := memUsage(t, s)
		expectOOM(t, s, noKeys, "SET", "another", val)
		expectOOM(t, s, noKeys, "APPEND", "k0", val)
		if got := mustDo(t, s, "DBSIZE").Int; got != int64(i) {
			t.Errorf("DBSIZE %d, want the %d keys that fit", got, i)
		}
		if got := memUsage(t, s); got != before {
			t.Errorf("MEMUSAGE %d after refused writes, want %d", got, before)
		}
		if r := mustDo(t, s, "GET", "k0"); r.Str != val {
			t.Errorf("GET k0 changed by a refused APPEND")
		}
		// Deleting is always allowed and makes room again.
		mustDo(t, s, "DEL", "k0", "k1", "k2")
		mustDo(t, s, "VACUUM")
		mustDo(t, s, "SET", "another", val)
	})
	t.Run("internal-keys-stay", func(t *testing.T) {
		db := openLimited(t, 1, "lru")
		s := db.NewSession()
		defer s.Close()
		val := strings.Repeat("v", 10<<10)
		mustDo(t, s, "SET", "user", val)
		var i int
		for i = 0; ; i++ {
			if _, err := s.Do("SET", "_internal:meta:"+strconv.Itoa(i), val); err != nil {
				if err.Error() != noKeys {
					t.Fatalf("SET internal #%d: %v, want %q", i, err, noKeys)
				}
				break
			}
		}
		if r := mustDo(t, s, "EXISTS", "user"); r.Int != 0 {
			t.Errorf("the only user key was not evicted to make room for internal keys")
		}
		for j := range i {
			if r := mustDo(t, s, "EXISTS", "_internal:meta:"+strconv.Itoa(j)); r.Int != 1 {
				t.Fatalf("internal key %d was evicted", j)
			}
		}
	})
}

// TestEvictionStartupTrim loads data larger than a new limit: the keys over it are
// evicted before Open returns, and the evictions are logged like any delete.
func TestEvictionStartupTrim(t *testing.T) {
	dir := t.TempDir()
	open := func(mb int64) *DB {
		cfg := DefaultConfig()
		cfg.Dir = dir
		cfg.Durability = "none"
		cfg.MaxMemoryMB = mb
		db, err := Open(cfg)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		return db
	}
	db := open(0)
	s := db.NewSession()
	val := strings.Repeat("v", 4<<10)
	for i := range 1024 { // about 4.2 MB
		mustDo(t, s, "SET", "k"+strconv.Itoa(i), val)
	}
	s.Close()
	db.Close()

	db = open(2)
	s = db.NewSession()
	mem, left := memUsage(t, s), mustDo(t, s, "DBSIZE").Int
	if mem > 2<<20 || left == 0 || left >= 1024 {
		t.Fatalf("after a startup under 2 MB: MEMUSAGE %d, %d keys", mem, left)
	}
	if got := db.evictor.Stats().Evicted; got != uint64(1024-left) {
		t.Errorf("evicted %d, want %d", got, 1024-left)
	}
	info := mustDo(t, s, "INFO").Str
	for _, want := range []string{"evicted_keys:" + strconv.Itoa(1024-int(left)), "evictable_keys:" + strconv.Itoa(int(left)), "maxmemory_policy:lru"} {
		if !strings.Contains(info, want+"\r\n") {
			t.Errorf("INFO lacks %q:\n%s", want, info)
		}
	}
	s.Close()
	db.Close()

	db = open(0) // the evictions were logged: the same keys come back
	defer db.Close()
	s = db.NewSession()
	defer s.Close()
	if got := mustDo(t, s, "DBSIZE").Int; got != left {
		t.Errorf("after reopening without a limit: %d keys, want %d", got, left)
	}
}

// TestEvictionConcurrent runs writers and readers on a small limit (run it with -race):
// the limit holds up to one value per writer, and every value read is the one written.
func TestEvictionConcurrent(t *testing.T) {
	for _, policy := range []string{"lru", "lfu", "lfru", "arc", "random"} {
		t.Run("policy="+policy, func(t *testing.T) {
			db := openLimited(t, 2, policy)
			const writers, perWriter, valSize = 3, 1500, 1024
			var wg sync.WaitGroup
			errc := make(chan error, 2*writers)
			for w := range writers {
				wg.Add(2)
				go func() { // writer
					defer wg.Done()
					s := db.NewSession()
					defer s.Close()
					for i := range perWriter {
						k := fmt.Sprintf("w%d:%d", w, i)
						if _, err := s.Do("SET", k, k+strings.Repeat(".", valSize-len(k))); err != nil {
							errc <- fmt.Errorf("SET %s: %w", k, err)
							return
						}
						if m := db.store.Mem(); m > 2<<20+writers*2*valSize {
							errc <- fmt.Errorf("MEMUSAGE %d over the limit", m)
							return
						}
					}
				}()
				go func() { // reader of the same writer's keys
					defer wg.Done()
					s := db.NewSession()
					defer s.Close()
					for i := range perWriter {
						k := fmt.Sprintf("w%d:%d", w, i/2)
						r, err := s.Do("GET", k)
						if err != nil {
							errc <- fmt.Errorf("GET %s: %w", k, err)
							return
						}
						if r.Kind == command.KindBulk && !strings.HasPrefix(r.Str, k+".") {
							errc <- fmt.Errorf("GET %s = %.20q", k, r.Str)
							return
						}
					}
				}()
			}
			wg.Wait()
			close(errc)
			for err := range errc {
				t.Error(err)
			}
			ev := db.evictor.Stats()
			s := db.NewSession()
			defer s.Close()
			if keys := mustDo(t, s, "DBSIZE").Int; ev.Keys != keys || ev.Evicted == 0 {
				t.Errorf("evictor tracks %d keys, DBSIZE %d, evicted %d", ev.Keys, keys, ev.Evicted)
			}
		})
	}
}

// TestSoftMemoryLimit checks that the Go soft limit follows the open databases: set while
// only limited ones are open, restored when one without a limit opens or all close.
func TestSoftMemoryLimit(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	cfg := DefaultConfig()
	cfg.Persistence = false
	cfg.MaxMemoryMB = 16
	a, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := min(before, int64(2*16<<20+softLimitHeadroom))
	if got := debug.SetMemoryLimit(-1); got != want && memLimits.soleOwner(a) {
		t.Errorf("soft limit %d with one 16 MB database, want %d", got, want)
	}
	cfg.MaxMemoryMB = 0
	b, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("soft limit %d with an unlimited database open, want the original %d", got, before)
	}
	b.Close()
	a.Close()
	if got := debug.SetMemoryLimit(-1); got != before && memLimits.empty() {
		t.Errorf("soft limit %d after closing, want the original %d", got, before)
	}
}

// soleOwner reports whether db is the only open database (tests).
func (r *limitRegistry) soleOwner(db *DB) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.unlimited) == 0 && len(r.limited) == 1 && r.limited[db] > 0
}

// empty reports whether no database is open (tests).
func (r *limitRegistry) empty() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.unlimited)+len(r.limited) == 0
}

// TestMemoryDocExamples runs the examples of docs/memory.md. Each fenced block whose info
// string is `memflux {config}` starts a fresh in-memory database with that JSON
// configuration; a line `> CMD args…` runs a command (words split on spaces, `x*N` stands
// for N copies of x), and the lines under it are the expected reply as Reply.String
// renders it, or `(error) message`. Lines `# …` are comments.
func TestMemoryDocExamples(t *testing.T) {
	data, err := os.ReadFile("docs/memory.md")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	blocks := 0
	for i := 0; i < len(lines); i++ {
		info, ok := strings.CutPrefix(lines[i], "```memflux ")
		if !ok {
			continue
		}
		blocks++
		start := i + 1
		var body []string
		for i++; i < len(lines) && lines[i] != "```"; i++ {
			body = append(body, lines[i])
		}
		t.Run(fmt.Sprintf("line=%d", start), func(t *testing.T) { runDocBlock(t, info, body) })
	}
	if blocks < 3 {
		t.Fatalf("found %d examples in docs/memory.md", blocks)
	}
}

func runDocBlock(t *testing.T, info string, body []string) {
	cfg, _, err := ParseConfig([]byte(info))
	if err != nil {
		t.Fatalf("config %s: %v", info, err)
	}
	cfg.Persistence = false
	db, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := db.NewSession()
	defer s.Close()
	var got, want []string
	for _, line := range body {
		cmd, isCmd := strings.CutPrefix(line, "> ")
		switch {
		case isCmd:
			got = append(got, line)
			want = append(want, line)
			var args []string
			for _, w := range strings.Fields(cmd) {
				if c, n, ok := strings.Cut(w, "*"); ok && len(c) == 1 {
					if k, err := strconv.Atoi(n); err == nil {
						w = strings.Repeat(c, k)
					}
				}
				args = append(args, w)
			}
			r, err := s.Do(args...)
			if err != nil {
				got = append(got, "(error) "+err.Error())
			} else {
				got = append(got, r.String())
			}
		case strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "":
		default:
			want = append(want, line)
		}
	}
	if g, w := strings.Join(got, "\n"), strings.Join(want, "\n"); g != w {
		t.Errorf("example %s:\ngot:\n%s\nwant:\n%s", info, g, w)
	}
}
