package memflux

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/memflux/memflux/command"
	"github.com/memflux/memflux/evict"
)

// The OOM errors of SPEC §8, with kind command.ErrOOM.
var (
	errOOMTooLarge = &command.Error{Kind: command.ErrOOM, Msg: "OOM: The item is larger than the maxmemory limit"}
	errOOMNoKeys   = &command.Error{Kind: command.ErrOOM, Msg: "OOM: No more keys to evict, but still not enough memory"}
)

// oomError renders an evict error as the command error clients see.
func oomError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, evict.ErrItemTooLarge):
		return &command.Error{Kind: errOOMTooLarge.Kind, Msg: errOOMTooLarge.Msg, Err: err}
	case errors.Is(err, evict.ErrNoMemory):
		return &command.Error{Kind: errOOMNoKeys.Kind, Msg: errOOMNoKeys.Msg, Err: err}
	}
	return err
}

// memoryGate adapts the evictor to command.Memory. It is safe for concurrent use, like the
// Evictor.
type memoryGate struct{ ev *evict.Evictor }

// Admit implements command.Memory.
func (g memoryGate) Admit(n int64) error { return oomError(g.ev.Admit(n)) }

// startEviction wires maxmemory_mb and eviction_policy (SPEC §8) once recovery is done:
// it registers the recovered keys with the policy, trims them to the limit before any
// client is served, gates write commands, trims in the background after writes that were
// not gated one by one (SQL, explicit COMMIT), and sets the Go runtime's soft memory limit.
func (db *DB) startEviction(ctx context.Context) {
	limit := db.cfg.MaxMemoryMB << 20
	memLimits.open(db, limit)
	if limit <= 0 {
		return
	}
	policy, err := evict.ParsePolicy(db.cfg.EvictionPolicy)
	if err != nil { // Validate accepted it, so this cannot happen; fail safe.
		policy = evict.NoEviction
	}
	ev := evict.New(db.txns, evict.Options{MaxMemory: limit, Policy: policy})
	ev.Attach()
	if err := ev.Trim(); err != nil {
		db.log.Warn("data loaded from disk exceeds maxmemory_mb and cannot be trimmed",
			"mem", db.store.Mem(), "limit", limit, "err", err)
	}
	st := ev.Stats()
	if st.Evicted > 0 {
		db.log.Info("trimmed to maxmemory_mb at startup", "evicted_keys", st.Evicted, "mem", db.store.Mem())
	}
	db.evictor = ev
	db.env.Memory = memoryGate{ev}
	db.wg.Add(1)
	go func() {
		defer db.wg.Done()
		ev.Run(ctx)
	}()
	db.AddInfoSection("memory", func(b *strings.Builder) {
		s := ev.Stats()
		kvInfo(b, "evictable_keys", s.Keys)
		kvInfo(b, "eviction_state_bytes", s.State)
		kvInfo(b, "eviction_ghosts", s.Ghosts)
	})
	db.AddInfoSection("stats", func(b *strings.Builder) { kvInfo(b, "evicted_keys", ev.Stats().Evicted) })
}

// stopEviction detaches the evictor (after the background goroutines stopped) and gives
// the soft memory limit back.
func (db *DB) stopEviction() {
	if db.evictor != nil {
		db.evictor.Detach()
	}
	memLimits.close(db)
}

// kvInfo appends one INFO line, "k:v\r\n".
func kvInfo(b *strings.Builder, k string, v any) { fmt.Fprintf(b, "%s:%v\r\n", k, v) }

// Soft memory limit: while every open DB of the process has a maxmemory_mb, the Go
// runtime's limit (debug.SetMemoryLimit) is the sum of twice each limit plus
// softLimitHeadroom for the runtime and connections, so the collector works harder as the
// heap nears it and RSS stays bounded. Twice, because the estimate is the live data while
// the heap also holds garbage between collections. An open DB without a limit makes the
// process unbounded, so the limit found before the first Open is restored.
const softLimitHeadroom = 64 << 20

// memLimits tracks open DBs to keep the process-wide soft limit consistent.
var memLimits limitRegistry

// limitRegistry is the set of open DBs and their limits. It is safe for concurrent use.
type limitRegistry struct {
	// mu protects the fields below.
	mu        sync.Mutex
	original  int64 // the soft limit before the first DB opened
	limited   map[*DB]int64
	unlimited map[*DB]bool
}

// open records db and its limit (0 or less: none) and applies the soft limit.
func (r *limitRegistry) open(db *DB, limit int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.limited)+len(r.unlimited) == 0 {
		r.original = debug.SetMemoryLimit(-1)
		r.limited, r.unlimited = map[*DB]int64{}, map[*DB]bool{}
	}
	if limit > 0 {
		r.limited[db] = limit
	} else {
		r.unlimited[db] = true
	}
	r.applyLocked()
}

// close forgets db and applies the soft limit of the DBs left.
func (r *limitRegistry) close(db *DB) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.unlimited[db] && r.limited[db] == 0 {
		return
	}
	delete(r.limited, db)
	delete(r.unlimited, db)
	r.applyLocked()
}

// applyLocked sets the soft limit for the open DBs. REQUIRES: r.mu held.
func (r *limitRegistry) applyLocked() {
	if len(r.unlimited) > 0 || len(r.limited) == 0 {
		debug.SetMemoryLimit(r.original)
		return
	}
	var sum int64 = softLimitHeadroom
	for _, l := range r.limited {
		if l > (math.MaxInt64-sum)/2 {
			sum = math.MaxInt64
			break
		}
		sum += 2 * l
	}
	debug.SetMemoryLimit(min(sum, r.original))
}
