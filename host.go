package memflux

import (
	"crypto/subtle"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/memflux/memflux/command"
)

// host is the DB as seen by the command layer (command.Host and command.Authenticator).
// Like the DB it is safe for concurrent use.
type host DB

var (
	_ command.Host          = (*host)(nil)
	_ command.Authenticator = (*host)(nil)
)

func (h *host) db() *DB { return (*DB)(h) }

func (h *host) Persistent() bool { return h.cfg.Persistence }

func (h *host) Save(background bool) error { return h.db().save(background) }

func (h *host) Wipe() { h.store.AddMem(-h.store.Mem()) }

func (h *host) AuthRequired() bool { return h.cfg.RequirePass != "" }

func (h *host) CheckPassword(pw []byte) bool {
	return subtle.ConstantTimeCompare(pw, []byte(h.cfg.RequirePass)) == 1
}

// ConfigGet returns the parameters matching pattern as name/value pairs, with the names
// Redis tools ask for (redis-benchmark reads "save" and "appendonly").
func (h *host) ConfigGet(pattern string) []string {
	c := h.cfg
	params := [][2]string{
		{"bind", c.Host},
		{"port", strconv.Itoa(c.Port)},
		{"requirepass", c.RequirePass},
		{"persistence", strconv.FormatBool(c.Persistence)},
		{"durability", c.Durability},
		{"wal_file", c.WALFile},
		{"wal_overflow_file", c.WALOverflowFile},
		{"snapshot_file", c.SnapshotFile},
		{"snapshot_temp_file", c.SnapshotTempFile},
		{"wal_size_threshold_mb", strconv.FormatInt(c.WALSizeThresholdMB, 10)},
		{"maxmemory_mb", strconv.FormatInt(c.MaxMemoryMB, 10)},
		{"maxmemory", strconv.FormatInt(c.MaxMemoryMB<<20, 10)},
		{"maxmemory-policy", c.EvictionPolicy},
		{"eviction_policy", c.EvictionPolicy},
		{"isolation_level", c.IsolationLevel},
		{"encrypt", strconv.FormatBool(c.Encrypt)},
		{"save", ""},
		{"appendonly", map[bool]string{true: "yes", false: "no"}[c.Persistence]},
		{"appendfsync", map[string]string{"none": "no", "fsync": "everysec", "full": "always"}[c.Durability]},
		{"databases", "1"},
	}
	var out []string
	pat := []byte(strings.ToLower(pattern))
	for _, p := range params {
		if command.GlobMatch(pat, []byte(p[0])) {
			out = append(out, p[0], p[1])
		}
	}
	return out
}

// infoSection is an INFO section contributed by a front door (the server adds "clients").
// It is a plain value; DB.infoMu guards the list of them.
type infoSection struct {
	name string
	fn   func(b *strings.Builder)
}

// AddInfoSection registers an INFO section rendered by fn (lines "key:value\r\n").
// A section with the name of a built-in one is appended to it.
func (db *DB) AddInfoSection(name string, fn func(b *strings.Builder)) {
	db.infoMu.Lock()
	db.infoSections = append(db.infoSections, infoSection{strings.ToLower(name), fn})
	db.infoMu.Unlock()
}

// Info returns the INFO text of a section, or of all sections for "", "all", "default"
// or "everything".
func (h *host) Info(section string) string {
	db := h.db()
	order := []string{"server", "clients", "memory", "persistence", "stats", "keyspace"}
	var b strings.Builder
	for _, name := range order {
		if section != "" && section != "all" && section != "default" && section != "everything" && section != name {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\r\n")
		}
		fmt.Fprintf(&b, "# %s\r\n", strings.ToUpper(name[:1])+name[1:])
		db.infoBuiltin(&b, name)
		db.infoMu.Lock()
		for _, s := range db.infoSections {
			if s.name == name {
				s.fn(&b)
			}
		}
		db.infoMu.Unlock()
	}
	return b.String()
}

func (db *DB) infoBuiltin(b *strings.Builder, name string) {
	kv := func(k string, v any) { kvInfo(b, k, v) }
	switch name {
	case "server":
		kv("redis_version", command.Version)
		kv("memflux_version", Version)
		kv("redis_mode", "standalone")
		kv("os", runtime.GOOS+" "+runtime.GOARCH)
		kv("go_version", runtime.Version())
		kv("process_id", os.Getpid())
		kv("tcp_port", db.cfg.Port)
		kv("uptime_in_seconds", int64(time.Since(db.start).Seconds()))
	case "memory":
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		used := db.store.Mem()
		kv("used_memory", used)
		kv("used_memory_human", human(used))
		kv("maxmemory", db.cfg.MaxMemoryMB<<20)
		kv("maxmemory_human", human(db.cfg.MaxMemoryMB<<20))
		kv("maxmemory_policy", db.cfg.EvictionPolicy)
		kv("go_heap_alloc", ms.HeapAlloc)
		kv("go_heap_inuse", ms.HeapInuse)
		kv("go_heap_sys", ms.HeapSys)
		kv("go_sys", ms.Sys)
		kv("go_num_gc", ms.NumGC)
	case "persistence":
		kv("persistence", btoi(db.cfg.Persistence))
		kv("durability", db.cfg.Durability)
		kv("loading", 0)
	case "stats":
		kv("total_commits", db.txns.Commits())
		kv("open_transactions", db.txns.ActiveSnapshots())
	case "keyspace":
		if n := db.store.Live(); n > 0 {
			kv("db0", fmt.Sprintf("keys=%d,expires=0,avg_ttl=0", n))
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func human(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2fG", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.2fM", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.2fK", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%dB", n)
}
