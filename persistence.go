package memflux

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/memflux/memflux/snapshot"
	"github.com/memflux/memflux/txn"
	"github.com/memflux/memflux/wal"
)

// persistence is the DB's durable state: the WAL, the snapshot files and the compaction
// that turns the former into the latter. It is nil when persistence is off. Its fields are
// set by recovery and read-only afterwards; the mutexes below order what runs later.
type persistence struct {
	log        *wal.Log
	durability wal.Durability
	threshold  int64                 // compaction trigger in bytes; 0 disables
	snapOpts   snapshot.WriteOptions // how compact writes snapshots: paced at Full
	snapPath   string
	tmpPath    string

	// saveMu protects the snapshot files and the WAL's compaction state: it serializes
	// snapshots (SAVE, BGSAVE, compaction).
	saveMu sync.Mutex
	// bgMu protects the DB's WaitGroup against an Add after Close's Wait: BGSAVE checks
	// DB.closed and adds under it, Close passes through it after setting closed.
	bgMu sync.Mutex
	// kick wakes the compaction goroutine; buffered so Append never blocks on it.
	kick chan struct{}
}

// walLog adapts the WAL to txn.Log and triggers compaction past the threshold. Append is
// called under the commit lock; the waits it returns run concurrently.
type walLog struct{ p *persistence }

// Append implements txn.Log.
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
	if dur == wal.Full {
		p.snapOpts = snapshot.WriteOptions{BytesPerSec: snapshotRateFull, LowPriority: true}
	}
	restoreGC := relaxGC(snapshotGCPercent)
	st, _, err := snapshot.Load(db.txns, p.snapPath, db.log)
	restoreGC()
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
	start := time.Now()
	replayed, err := db.replay(p.log, st.TS)
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

// replay applies the WAL records after the snapshot timestamp snapTS, logging progress
// at most once a second, and returns how many it applied.
func (db *DB) replay(log *wal.Log, snapTS uint64) (int, error) {
	start, replayed := time.Now(), 0
	lastLog := start
	defer relaxGC(replayGCPercent)()
	err := log.Replay(func(ts uint64, payload []byte) error {
		if ts <= snapTS {
			return nil // covered by the snapshot
		}
		if err := db.txns.Apply(ts, payload); err != nil {
			return fmt.Errorf("memflux: replay record at ts %d: %w", ts, err)
		}
		replayed++
		if replayed%4096 == 0 {
			if now := time.Now(); now.Sub(lastLog) > time.Second {
				lastLog = now
				db.log.Info("replaying WAL", "records", replayed,
					"records_per_sec", int64(float64(replayed)/now.Sub(start).Seconds()))
			}
		}
		return nil
	})
	return replayed, err
}

// snapshotRateFull caps the rate at which a snapshot is written at durability "full",
// where every commit waits for a WAL fdatasync; the snapshot also runs on a thread of the
// lowest CPU priority there. While a snapshot ran back to back on 2 cores, the commits'
// p99 rose 5 to 15 times: the snapshot keeps a core busy (so the thread a finished
// fdatasync wakes waits for a core, up to a scheduler tick) and makes every flush of the
// disk wait for its data. Paced and deprioritized, a snapshot of 1M small keys (14 MiB)
// takes about 0.3 s instead of 0.13 s. The other levels sync in the background, so their
// commits do not wait for the disk and their snapshots run at full speed.
const snapshotRateFull = 48 << 20

// GC percents during recovery. Loading a snapshot allocates almost nothing but live data
// (keys, versions, values), so a collection cycle finds little garbage and its marking
// work is pure cost: at the default 100 it doubles the load time of 1M small keys. The
// WAL can hold overwrites, whose old versions are garbage, so replay is more moderate. The
// extra heap is bounded by the garbage recovery makes, which the compaction threshold
// bounds for the WAL.
const (
	snapshotGCPercent = 1000
	replayGCPercent   = 400
)

// gcTuning serializes relaxGC across databases opening at once, so the process's own
// setting is restored when the last recovery ends.
var gcTuning struct {
	// Mutex protects active and saved.
	sync.Mutex
	active int // recoveries running with a relaxed setting
	saved  int // the setting before the first of them
}

// relaxGC raises the GC percent to percent for the duration of a recovery step and
// returns the function that undoes it. It never lowers the process's own setting (nor
// turns a disabled collector on); when recoveries overlap, the first one's setting stays
// until the last one ends.
func relaxGC(percent int) (restore func()) {
	gcTuning.Lock()
	defer gcTuning.Unlock()
	if gcTuning.active == 0 {
		gcTuning.saved = debug.SetGCPercent(percent)
		if gcTuning.saved < 0 || gcTuning.saved > percent {
			debug.SetGCPercent(gcTuning.saved)
		}
	}
	gcTuning.active++
	var once sync.Once
	return func() {
		once.Do(func() {
			gcTuning.Lock()
			defer gcTuning.Unlock()
			if gcTuning.active--; gcTuning.active == 0 {
				debug.SetGCPercent(gcTuning.saved)
			}
		})
	}
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
	st, err := snapshot.WriteWith(tx, p.snapPath, p.tmpPath, p.snapOpts)
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
		return errNoPersistence
	}
	if !background {
		return db.compact()
	}
	p := db.persist
	p.bgMu.Lock()
	if db.closed.Load() {
		p.bgMu.Unlock()
		return ErrClosed
	}
	db.wg.Add(1)
	p.bgMu.Unlock()
	go func() {
		defer db.wg.Done()
		if err := db.compact(); err != nil {
			db.log.Error("background save failed", "err", err)
		}
	}()
	return nil
}

// fenceBackground waits until no BGSAVE can start any more. REQUIRES: db.closed set.
func (db *DB) fenceBackground() {
	if p := db.persist; p != nil {
		p.bgMu.Lock()
		//lint:ignore SA2001 the empty critical section is the fence
		p.bgMu.Unlock()
	}
}

// closePersistence syncs and closes the WAL.
func (db *DB) closePersistence() error {
	if db.persist == nil {
		return nil
	}
	return db.persist.log.Close()
}
