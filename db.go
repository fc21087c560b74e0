package memflux

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/memflux/memflux/command"
	"github.com/memflux/memflux/evict"
	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/txn"
)

// DB is an open database. It is safe for concurrent use; open one Session per connection or
// cursor, or use Update and View.
type DB struct {
	cfg    Config
	log    *slog.Logger
	store  *mvcc.Store
	txns   *txn.Manager
	env    *command.Env
	start  time.Time
	closed atomic.Bool

	// persist is the WAL and snapshot state; nil when persistence is off.
	persist *persistence

	// evictor enforces maxmemory_mb (eviction.go); nil when there is no limit.
	evictor *evict.Evictor

	// infoMu protects infoSections.
	infoMu       sync.Mutex
	infoSections []infoSection

	// cancel stops the background goroutines (vacuum, …); wg waits for them.
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// Open opens a database: it validates cfg, recovers persisted data when persistence is on,
// and starts the background work that Close stops.
func Open(cfg Config) (*DB, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	db := &DB{cfg: cfg, log: cfg.Logger, start: time.Now()}
	if db.log == nil {
		db.log = slog.New(slog.DiscardHandler)
	}
	iso := txn.Serializable
	if cfg.IsolationLevel == "snapshot" {
		iso = txn.Snapshot
	}
	db.store = mvcc.NewStore()
	db.txns = txn.NewManager(db.store, txn.Options{Isolation: iso})
	db.env = &command.Env{Txns: db.txns, Host: (*host)(db)}
	db.openIndexes()
	if cfg.Persistence {
		if err := db.recover(); err != nil {
			return nil, err
		}
	}
	db.startIndexes()
	ctx, cancel := context.WithCancel(context.Background())
	db.cancel = cancel
	if db.persist != nil {
		// Close ends the pacing of a snapshot still being written.
		db.persist.snapOpts.Hurry = ctx.Done()
	}
	db.startEviction(ctx)
	db.startVacuum(ctx)
	if db.persist != nil && db.persist.threshold > 0 {
		db.startCompaction(ctx)
	}
	return db, nil
}

// Close stops background work, rolls nothing back (sessions must be closed by their
// owners) and releases every resource. It is safe to call more than once.
func (db *DB) Close() error {
	if db.closed.Swap(true) {
		return nil
	}
	db.fenceBackground()
	db.cancel()
	db.wg.Wait()
	db.stopEviction()
	db.closeIndexes()
	return db.closePersistence()
}

// Config returns the configuration the database was opened with.
func (db *DB) Config() Config { return db.cfg }

// startVacuum runs VACUUM periodically (SPEC §5.5: at most once every 60 s).
func (db *DB) startVacuum(ctx context.Context) {
	every := db.cfg.VacuumInterval
	if every < 0 {
		return
	}
	if every == 0 {
		every = 60 * time.Second
	}
	db.wg.Add(1)
	go func() {
		defer db.wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				db.txns.VacuumBackground()
			}
		}
	}()
}
