package txn

import (
	"time"

	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/value"
)

// Mode selects how a transaction reads (a plain value).
type Mode uint8

const (
	// ModeSnapshot registers a snapshot at Begin: every read sees the state as of that
	// moment plus the transaction's own writes. Explicit transactions (BEGIN) and
	// auto-committed commands that read several keys use it.
	ModeSnapshot Mode = iota
	// ModeLatest reads the newest committed version of each key without registering a
	// snapshot, and at commit checks that every key it both read and wrote is unchanged.
	// It is the cheap mode for auto-committed single-key commands (GET, SET, INCR, LPUSH).
	// Its first scan registers a snapshot, turning it into ModeSnapshot.
	ModeLatest
)

// read records a key a transaction read and the timestamp of the version it saw (0 when
// the key did not exist for it).
type read struct {
	wkey
	ts uint64
}

// keyRange is a scanned range [start, end) of one space; end nil means unbounded.
type keyRange struct {
	sp         mvcc.Space
	start, end []byte
}

// savepoint names a position of the undo log.
type savepoint struct {
	name string
	mark int
}

// Txn is a transaction: a snapshot to read from and a private write set, made visible to
// everyone at once by Commit. A Txn is not safe for concurrent use; the Manager is.
type Txn struct {
	m     *Manager
	snap  *snapshot // registered snapshot; nil in ModeLatest
	start uint64    // snapshot timestamp (ModeLatest: clock at begin)
	began time.Time // zero until Now is first called (ModeLatest) or set at Begin
	done  bool

	ws         writeSet
	savepoints []savepoint
	track      bool // record reads for commit-time validation
	reads      []read
	readIndex  map[wkey]int // built when reads grows
	ranges     []keyRange
	rec        []byte // scratch for the commit record
}

// Begin starts a transaction in the given mode. Explicit transactions should use
// ModeSnapshot; their Now is the time of Begin.
func (m *Manager) Begin(mode Mode) *Txn {
	t := &Txn{}
	m.BeginInto(t, mode)
	if mode == ModeSnapshot {
		t.began = time.Now()
	}
	return t
}

// BeginInto starts a transaction reusing t's buffers; t must be finished (or new).
func (m *Manager) BeginInto(t *Txn, mode Mode) {
	t.m = m
	t.done = false
	t.began = time.Time{}
	t.ws.reset()
	t.savepoints = t.savepoints[:0]
	clear(t.reads)
	t.reads = t.reads[:0]
	t.readIndex = nil
	t.ranges = t.ranges[:0]
	t.snap = nil
	if mode == ModeSnapshot {
		t.snap = m.snaps.acquire(m.store)
		t.start = t.snap.ts
		t.track = m.opts.Isolation == Serializable
	} else {
		t.start = m.store.Clock()
		t.track = true
	}
}

// SkipReadTracking stops recording reads for commit-time validation. Only for a
// transaction that will not write (a read-only command): its commit validates nothing.
func (t *Txn) SkipReadTracking() { t.track = false }

// Start returns the snapshot timestamp.
func (t *Txn) Start() uint64 { return t.start }

// Now returns the transaction's start time: fixed at Begin for snapshot transactions, at
// the first call otherwise. It is what SQL NOW() returns.
func (t *Txn) Now() time.Time {
	if t.began.IsZero() {
		t.began = time.Now()
	}
	return t.began
}

// Done reports whether the transaction has committed or rolled back.
func (t *Txn) Done() bool { return t.done }

// Writes returns the number of buffered writes.
func (t *Txn) Writes() int { return len(t.ws.entries) }

// Manager returns the transaction's manager.
func (t *Txn) Manager() *Manager { return t.m }

// Get returns the value of key as the transaction sees it: its own write if any, else the
// committed version visible to it.
func (t *Txn) Get(sp mvcc.Space, key []byte) value.Value {
	if i := t.ws.findBytes(sp, key); i >= 0 {
		return t.ws.entries[i].val
	}
	var v *mvcc.Version
	if t.snap != nil {
		v = t.m.store.At(sp, key, t.start)
	} else {
		v = t.m.store.Latest(sp, key)
	}
	if t.track {
		var ts uint64
		if v != nil && v.Value().Exists() {
			ts = v.TS() // absent keys read as 0, whether deleted or vacuumed away
		}
		t.noteRead(sp, key, ts)
	}
	if v == nil {
		return value.Value{}
	}
	return v.Value()
}

// GetString is Get for a string key.
func (t *Txn) GetString(sp mvcc.Space, key string) value.Value {
	return t.Get(sp, []byte(key))
}

func (t *Txn) noteRead(sp mvcc.Space, key []byte, ts uint64) {
	if t.readIndex != nil {
		if _, ok := t.readIndex[wkey{sp, string(key)}]; ok {
			return
		}
	} else {
		for i := range t.reads {
			if t.reads[i].sp == sp && t.reads[i].key == string(key) {
				return
			}
		}
	}
	k := wkey{sp, string(key)}
	t.reads = append(t.reads, read{wkey: k, ts: ts})
	if t.readIndex != nil {
		t.readIndex[k] = len(t.reads) - 1
	} else if len(t.reads) > linearMax {
		t.readIndex = make(map[wkey]int, 2*len(t.reads))
		for i := range t.reads {
			t.readIndex[t.reads[i].wkey] = i
		}
	}
}

// Put buffers a write of v (the zero Value deletes the key). Data derived from it (index
// entries) is computed when the transaction commits, by the Manager's Deriver.
func (t *Txn) Put(sp mvcc.Space, key []byte, v value.Value) {
	t.ws.put(sp, key, v)
}

// Delete buffers the deletion of key and reports whether it existed for the transaction.
func (t *Txn) Delete(sp mvcc.Space, key []byte) bool {
	existed := t.Get(sp, key).Exists()
	if existed {
		t.Put(sp, key, value.Value{})
	}
	return existed
}

// Mark returns a position in the write set to roll back to (statement atomicity).
func (t *Txn) Mark() int { return t.ws.mark() }

// RollbackToMark discards every write made after Mark returned mark.
func (t *Txn) RollbackToMark(mark int) {
	t.ws.rollbackTo(mark)
	for i := range t.savepoints {
		if t.savepoints[i].mark > mark {
			t.savepoints[i].mark = mark
		}
	}
}

// Savepoint defines a savepoint; names must be unique within the transaction.
func (t *Txn) Savepoint(name string) error {
	if t.findSavepoint(name) >= 0 {
		return &SavepointError{Name: name, Exists: true}
	}
	t.savepoints = append(t.savepoints, savepoint{name: name, mark: t.Mark()})
	return nil
}

// RollbackToSavepoint restores the write set to its state when the savepoint was defined.
// Every savepoint stays defined (SPEC §5.3); those defined later now mark the same point.
func (t *Txn) RollbackToSavepoint(name string) error {
	i := t.findSavepoint(name)
	if i < 0 {
		return &SavepointError{Name: name}
	}
	t.RollbackToMark(t.savepoints[i].mark)
	return nil
}

// ReleaseSavepoint forgets a savepoint, keeping the writes made since.
func (t *Txn) ReleaseSavepoint(name string) error {
	i := t.findSavepoint(name)
	if i < 0 {
		return &SavepointError{Name: name}
	}
	t.savepoints = append(t.savepoints[:i], t.savepoints[i+1:]...)
	return nil
}

func (t *Txn) findSavepoint(name string) int {
	for i := range t.savepoints {
		if t.savepoints[i].name == name {
			return i
		}
	}
	return -1
}

// Rollback discards the transaction. It is a no-op on a finished transaction.
func (t *Txn) Rollback() {
	if t.done {
		return
	}
	t.finish()
}

func (t *Txn) finish() {
	t.done = true
	if t.snap != nil {
		t.m.snaps.release(t.snap)
		t.snap = nil
	}
	t.ws.reset()
}

// Commit makes the transaction's writes visible to every later reader at once and durable
// per the log's level. A read-only transaction always commits. On ErrConflict or
// ErrSerialization nothing was written. The transaction is finished either way.
func (t *Txn) Commit() error {
	if t.done {
		return ErrDone
	}
	if len(t.ws.entries) == 0 {
		t.finish()
		return nil
	}
	if t.m.opts.Log != nil {
		t.rec = appendRecord(t.rec[:0], t.ws.entries) // encoded outside the commit lock
	}
	wait, err := t.commit()
	if err != nil {
		return err
	}
	return waitDurable(wait)
}

// commit validates and commits the write set under the commit lock, then finishes the
// transaction (also when something under the lock panics). It returns the wait for
// durability, which the caller calls after the lock is released (group commit).
func (t *Txn) commit() (wait func() error, err error) {
	defer t.finish()
	m := t.m
	m.commitMu.Lock()
	defer m.commitMu.Unlock()
	if err := t.validateLocked(); err != nil {
		return nil, err
	}
	return m.commitLocked(m.store.Clock()+1, t.ws.entries, t.rec)
}
