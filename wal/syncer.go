package wal

import "time"

// syncLoop is the background syncer, started by Open for Fsync and Full and
// stopped by Close. It runs a sync round when a Wait asks for one (Full) and
// at least every SyncInterval; a round with nothing appended since the last
// one costs a lock acquisition and no system call.
func (l *Log) syncLoop() {
	defer close(l.done)
	t := time.NewTicker(l.opts.SyncInterval)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-l.kick:
		case <-t.C:
		}
		l.syncRoundMu.Lock()
		_ = l.syncRoundLocked() // a failure is sticky and reported by Append and Wait
		l.syncRoundMu.Unlock()
	}
}

// syncRoundLocked makes every record appended before it started durable:
// it notes the append count and which files changed, then fdatasyncs those
// files without holding mu, so appends (the next group) continue meanwhile.
// Every Wait the round covers is released at once: this is group commit.
//
// REQUIRES: l.syncRoundMu held.
func (l *Log) syncRoundLocked() error {
	if err := l.err(); err != nil {
		return err
	}
	l.mu.Lock()
	if l.released {
		l.mu.Unlock()
		return ErrClosed
	}
	seq := l.seq
	var dirty [2]*segment
	for i, s := range l.segs {
		if s.dirty {
			s.dirty = false
			dirty[i] = s
		}
	}
	l.mu.Unlock()

	synced := false
	for _, s := range dirty {
		if s == nil {
			continue
		}
		if err := s.sync(); err != nil {
			return l.fail(err)
		}
		synced = true
	}
	if synced {
		l.syncs.Add(1)
	}
	if seq > l.synced.Load() {
		l.syncMu.Lock()
		l.synced.Store(seq)
		l.syncCond.Broadcast()
		l.syncMu.Unlock()
	}
	return nil
}
