package memflux

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/memflux/memflux/snapshot"
	"github.com/memflux/memflux/txn"
	"github.com/memflux/memflux/wal"
)

// persistence is the DB's durable state: the WAL, the snapshot files and the compaction
// that turns the former into the latter. It is nil when persistence is off.
type persistence struct {
	log        *wal.Log
	durability wal.Durability
	threshold  int64 // compaction trigger in bytes; 0 disables
	snapPath   string
	tmpPath    string

	// saveMu serializes snapshots (SAVE, BGSAVE, compaction).
	saveMu sync.Mutex
	// kick wakes the compaction goroutine; buffered so Append never blocks on it.
	kick chan struct{}
}

// walLog adapts the WAL to txn.Log and triggers compaction past the threshold.
type walLog struct{ p *persistence }

func (w walLog) Append(ts uint64, payload []byte) (func() error, error) {
	pos, err := w.p.log.Append(ts, payload)
	if err != nil {
		return nil, err
	}
	if w.p.threshold > 0 && w.p.log.Size() > w.p.threshold {
		select {
		case w.p.kick <- struct{}{}:
		default:
		}
	}
	if w.p.durability != wal.Full {
		return nil, nil
	}
	return func() error { return w.p.log.Wait(pos) }, nil
}

// recover loads the snapshot, replays the WAL after it, and attaches the WAL so every
// later commit is logged (SPEC §7).
func (db *DB) recover() error {
	cfg := &db.cfg
	dur, err := wal.ParseDurability(cfg.Durability)
	if err != nil {
		return fmt.Errorf("%w: key \"durability\": %w", ErrConfig, err)
	}
	overflow := cfg.WALOverflowFile
	if overflow == "" {
		overflow = cfg.WALFile + ".overflow"
	}
	p := &persistence{
		durability: dur,
		threshold:  cfg.WALSizeThresholdMB << 20,
		snapPath:   cfg.path(cfg.SnapshotFile),
		tmpPath:    cfg.path(cfg.SnapshotTempFile),
		kick:       make(chan struct{}, 1),
	}
	st, _, err := snapshot.Load(db.txns, p.snapPath, db.log)
	if err != nil {
		return err
	}
	p.log, err = wal.Open(wal.Options{
		PrimaryPath:  cfg.path(cfg.WALFile),
		OverflowPath: cfg.path(overflow),
		Durability:   dur,
		Logger:       db.log,
	})
	if err != nil {
		return err
	}
	start, replayed := time.Now(), 0
	err = p.log.Replay(func(ts uint64, payload []byte) error {
		if ts <= st.TS {
			return nil // covered by the snapshot
		}
		if err := db.txns.Apply(ts, payload); err != nil {
			return fmt.Errorf("memflux: replay record at ts %d: %w", ts, err)
		}
		replayed++
		return nil
	})
	if err != nil {
		p.log.Close()
		return err
	}
	db.log.Info("recovered", "snapshot_ts", st.TS, "snapshot_keys", st.Keys,
		"wal_records", replayed, "elapsed", time.Since(start))
	db.txns.SetLog(walLog{p})
	db.persist = p
	return nil
}

// startCompaction runs compactions when the WAL passes its threshold.
func (db *DB) startCompaction(ctx context.Context) {
	p := db.persist
	db.wg.Add(1)
	go func() {
		defer db.wg.Done()
		for {
			select {
			case <-ctx.Done():
				return
			case <-p.kick:
				if p.log.Size() <= p.threshold {
					continue
				}
				if err := db.compact(); err != nil {
					db.log.Error("compaction failed", "err", err)
				}
			}
		}
	}()
}

// compact writes a snapshot of the committed state and drops the WAL records it covers.
// Writers are held only while the WAL switches files and the snapshot registers.
func (db *DB) compact() error {
	p := db.persist
	p.saveMu.Lock()
	defer p.saveMu.Unlock()
	var tx *txn.Txn
	db.txns.WithCommitLock(func([]uint64) {
		p.log.SwitchToOverflow()
		tx = db.txns.Begin(txn.ModeSnapshot)
	})
	st, err := snapshot.Write(tx, p.snapPath, p.tmpPath)
	tx.Rollback()
	if err != nil {
		return err
	}
	if err := p.log.FinishCompaction(st.TS); err != nil {
		return err
	}
	db.log.Info("snapshot written", "file", p.snapPath, "ts", st.TS, "keys", st.Keys, "bytes", st.Bytes)
	return nil
}

// save writes a snapshot (SAVE synchronously, BGSAVE in the background).
func (db *DB) save(background bool) error {
	if db.persist == nil {
		return fmt.Errorf("persistence is disabled")
	}
	if !background {
		return db.compact()
	}
	db.wg.Add(1)
	go func() {
		defer db.wg.Done()
		if err := db.compact(); err != nil {
			db.log.Error("background save failed", "err", err)
		}
	}()
	return nil
}

// closePersistence syncs and closes the WAL.
func (db *DB) closePersistence() error {
	if db.persist == nil {
		return nil
	}
	return db.persist.log.Close()
}
