package snapshot

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/txn"
	"github.com/memflux/memflux/value"
)

const (
	magic        = "MFSNAP01"
	trailerMagic = "MFSNAPEND"
	headerLen    = 8 + 8 + 8 + 4
	blockTarget  = 64 << 10 // flush a block once its payload reaches this size
	maxBlock     = 1 << 30  // sanity bound on a block length read back
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Stats describe a written or loaded snapshot. It is a plain value.
type Stats struct {
	TS    uint64 // the snapshot timestamp
	Keys  int64  // number of key/value pairs
	Bytes int64  // file size
}

// WriteOptions tune Write. The zero value writes as fast as the scan and the file
// system allow. It is a plain value.
type WriteOptions struct {
	// BytesPerSec, if positive, caps the average rate at which the file is written. Every
	// byte a snapshot writes must reach the disk before a later flush of the same disk
	// completes, so a snapshot written at full speed makes every WAL fdatasync that runs
	// meanwhile wait for it; pacing bounds that (DESIGN.md, "Keeping out of the WAL's way").
	BytesPerSec int64
	// LowPriority runs the scan and the writes on an OS thread of the lowest CPU priority
	// (nice 19 on Linux; ignored elsewhere or if not permitted). A snapshot keeps a core
	// busy for its whole length; at normal priority a committer's thread woken by the
	// disk can wait for a core until the next scheduler tick (4 ms), which dominated the
	// p99 of commits at durability "full" (DESIGN.md).
	LowPriority bool
	// Hurry, once closed, ends the pacing: the rest of the snapshot is written as fast as
	// it can be (the DB closes it when it shuts down, so Close does not wait for a paced
	// snapshot). nil: never.
	Hurry <-chan struct{}
}

// Write writes a snapshot of the state visible at the start of tx (a ModeSnapshot
// transaction the caller began and will roll back) to tmpPath, then atomically replaces
// path with it. It never blocks writers. It is WriteWith with the zero WriteOptions.
func Write(tx *txn.Txn, path, tmpPath string) (Stats, error) {
	return WriteWith(tx, path, tmpPath, WriteOptions{})
}

// WriteWith is Write with options.
func WriteWith(tx *txn.Txn, path, tmpPath string, opts WriteOptions) (Stats, error) {
	st := Stats{TS: tx.Start()}
	f, err := os.OpenFile(tmpPath, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return st, fmt.Errorf("snapshot: create %s: %w", tmpPath, err)
	}
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmpPath)
		}
	}()
	write := func() { st.Keys, err = writeFile(f, tx, opts) }
	if opts.LowPriority {
		runLowPriority(write)
	} else {
		write()
	}
	if err != nil {
		return st, fmt.Errorf("snapshot: write %s: %w", tmpPath, err)
	}
	if err := f.Sync(); err != nil {
		return st, fmt.Errorf("snapshot: sync %s: %w", tmpPath, err)
	}
	if fi, err := f.Stat(); err == nil {
		st.Bytes = fi.Size()
	}
	if err := f.Close(); err != nil {
		return st, fmt.Errorf("snapshot: close %s: %w", tmpPath, err)
	}
	if err := os.Rename(tmpPath, path); err != nil {
		return st, fmt.Errorf("snapshot: rename %s: %w", tmpPath, err)
	}
	ok = true
	return st, syncDir(filepath.Dir(path))
}

// runLowPriority runs fn on a new goroutine locked to its own OS thread, lowers that
// thread's CPU priority, and waits for fn. The goroutine never unlocks the thread, so the
// runtime discards the thread, priority and all, when fn returns (and the runtime never
// clones a locked thread to start a new one). A panic in fn is re-raised in the caller.
func runLowPriority(fn func()) {
	done := make(chan any)
	go func() {
		var p any
		defer func() { done <- p }()
		defer func() { p = recover() }()
		runtime.LockOSThread()
		_ = lowerThreadPriority() // best effort: the snapshot is correct either way
		fn()
	}()
	if p := <-done; p != nil {
		panic(p)
	}
}

// writeFile writes the snapshot of what tx sees to f: the header with a zero key count,
// the blocks, the trailer, and then the header again with the count. It returns the count.
func writeFile(f *os.File, tx *txn.Txn, opts WriteOptions) (int64, error) {
	ts := tx.Start()
	w := bufio.NewWriterSize(newWritebackFile(f, opts.BytesPerSec, opts.Hurry), 1<<20)
	// A bufio.Writer keeps its first error and returns it from every later call, so only
	// the last write before Flush needs checking.
	w.Write(header(ts, 0))
	n, err := writeBlocks(w, tx)
	if err != nil {
		return 0, err
	}
	var tr [8]byte
	binary.LittleEndian.PutUint32(tr[4:], crc32.Checksum(countBytes(n), castagnoli))
	w.Write(tr[:])
	w.WriteString(trailerMagic)
	if err := w.Flush(); err != nil {
		return 0, err
	}
	_, err = f.WriteAt(header(ts, n), 0)
	return n, err
}

// Incremental writeback. The file system would otherwise keep the whole file dirty in
// the page cache until the final fsync, and then write it in one burst that every WAL
// fdatasync on the same disk queues behind. Write instead starts the writeback of each
// writebackChunk as soon as it is written, and keeps at most writebackLag bytes of it in
// flight: the disk receives a steady trickle of small writes, and a WAL flush finds little
// snapshot data ahead of it (PostgreSQL's checkpoint_flush_after is 256 KiB, RocksDB's
// bytes_per_sync does the same).
const (
	writebackChunk = 256 << 10
	writebackLag   = 1 << 20
)

// writebackFile is the snapshot file as written sequentially by Write: it starts the
// writeback of every writebackChunk bytes, waits for the writeback of the bytes more than
// writebackLag behind, and paces the writes to bytesPerSec if that is positive. It is not
// safe for concurrent use.
type writebackFile struct {
	f           *os.File
	fd          int
	n           int64           // bytes written
	started     int64           // bytes whose writeback has been started: a multiple of writebackChunk
	bytesPerSec int64           // 0: no pacing
	hurry       <-chan struct{} // closed: stop pacing (WriteOptions.Hurry)
	start       time.Time       // when the first byte was written (pacing)
}

// newWritebackFile returns f, empty, for sequential writes paced to bytesPerSec (0: no
// pacing).
func newWritebackFile(f *os.File, bytesPerSec int64, hurry <-chan struct{}) *writebackFile {
	return &writebackFile{f: f, fd: int(f.Fd()), bytesPerSec: bytesPerSec, hurry: hurry, start: time.Now()}
}

// Write writes p to the file, cut at chunk boundaries, and after each complete chunk
// starts its writeback and paces.
func (w *writebackFile) Write(p []byte) (int, error) {
	total := 0
	for len(p) > 0 {
		room := writebackChunk - (w.n - w.started)
		n, err := w.f.Write(p[:min(int64(len(p)), room)])
		total += n
		w.n += int64(n)
		p = p[n:]
		if err != nil {
			return total, err
		}
		if w.n-w.started < writebackChunk {
			continue
		}
		if err := writeback(w.fd, w.started, w.n, w.n-writebackLag); err != nil {
			return total, fmt.Errorf("writeback: %w", err)
		}
		w.started = w.n
		w.pace()
	}
	return total, nil
}

// pace sleeps until writing w.n bytes has taken at least w.n/bytesPerSec seconds. Time
// the scan itself took counts, so a snapshot slower than the cap is never delayed.
func (w *writebackFile) pace() {
	if w.bytesPerSec <= 0 {
		return
	}
	due := time.Duration(float64(w.n) / float64(w.bytesPerSec) * float64(time.Second))
	d := due - time.Since(w.start)
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-w.hurry:
		w.bytesPerSec = 0 // no more pacing
	}
}

// countBytes returns the little-endian encoding of the key count n, the bytes the trailer
// checksums.
func countBytes(n int64) []byte {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(n))
	return b[:]
}

// header returns the file header for timestamp ts and key count count.
func header(ts uint64, count int64) []byte {
	h := make([]byte, headerLen)
	copy(h, magic)
	binary.LittleEndian.PutUint64(h[8:], ts)
	binary.LittleEndian.PutUint64(h[16:], uint64(count))
	binary.LittleEndian.PutUint32(h[24:], crc32.Checksum(h[:24], castagnoli))
	return h
}

// writeBlocks streams every visible entry of every space in checksummed blocks.
func writeBlocks(w io.Writer, tx *txn.Txn) (int64, error) {
	store := tx.Manager().Store()
	ts := tx.Start()
	payload := make([]byte, 0, blockTarget+4096)
	var n int64
	var werr error
	flush := func() {
		if len(payload) == 0 || werr != nil {
			return
		}
		var h [8]byte
		binary.LittleEndian.PutUint32(h[:4], uint32(len(payload)))
		binary.LittleEndian.PutUint32(h[4:], crc32.Checksum(payload, castagnoli))
		if _, werr = w.Write(h[:]); werr == nil {
			_, werr = w.Write(payload)
		}
		payload = payload[:0]
	}
	for sp := mvcc.Space(0); sp < mvcc.NumSpaces; sp++ {
		store.Tree(sp).Scan(nil, func(k []byte, c *mvcc.Chain) bool {
			v := c.At(ts)
			if v == nil || !v.Value().Exists() {
				return true
			}
			payload = append(payload, byte(sp))
			payload = binary.AppendUvarint(payload, uint64(len(k)))
			payload = append(payload, k...)
			payload = value.AppendEncoded(payload, v.Value())
			n++
			if len(payload) >= blockTarget {
				flush()
			}
			return werr == nil
		})
	}
	flush()
	return n, werr
}

// syncDir fsyncs dir, making a rename in it durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("snapshot: open dir %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("snapshot: sync dir %s: %w", dir, err)
	}
	return nil
}

// Load reads the snapshot at path into m's store, which must be empty, and sets the
// store clock to the snapshot's timestamp. A missing file is not an error: it returns
// ok=false. Any corruption fails with ErrCorrupt before anything is installed.
func Load(m *txn.Manager, path string, log *slog.Logger) (st Stats, ok bool, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return st, false, nil
	}
	if err != nil {
		return st, false, fmt.Errorf("snapshot: read %s: %w", path, err)
	}
	st.Bytes = int64(len(data))
	ts, count, blocks, err := verify(path, data)
	if err != nil {
		return st, false, err
	}
	st.TS, st.Keys = ts, count
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	l := loader{path: path, data: data, blocks: blocks, ts: ts, count: count, log: log}
	l.start = time.Now()
	l.lastLog = l.start
	m.WithCommitLock(func([]uint64) { err = l.install(m.Store()) })
	if err != nil {
		return st, false, err
	}
	log.Info("snapshot loaded", "file", path, "keys", l.loaded, "ts", ts, "elapsed", time.Since(l.start))
	return st, true, nil
}

// loader installs the verified blocks of one snapshot file. It is used by one Load call
// and is not safe for concurrent use.
type loader struct {
	path   string
	data   []byte  // the whole file
	blocks []block // verified block spans
	ts     uint64  // snapshot timestamp
	count  int64   // key count from the header
	log    *slog.Logger

	start, lastLog time.Time
	loaded         int64 // entries installed so far
}

// install installs every entry at the snapshot timestamp and advances the clock to it. If
// an entry is bad it empties the store again and returns an error wrapping ErrCorrupt.
// REQUIRES: the commit lock (Manager.WithCommitLock).
func (l *loader) install(store *mvcc.Store) error {
	var order entryOrder
	for _, b := range l.blocks {
		err := forEntry(l.data[b.off:b.end], &order, func(sp mvcc.Space, k []byte, v value.Value) {
			store.Install(sp, k, v, l.ts, nil)
			l.loaded++
		})
		if err == nil && b.last && l.loaded != l.count {
			err = fmt.Errorf("%d entries, header says %d", l.loaded, l.count)
		}
		if err != nil {
			// The blocks' checksums matched, so the writer itself produced this: keep
			// the promise that nothing is installed from a snapshot that fails.
			store.Reset()
			return fmt.Errorf("%w: %s: block at offset %d: %w", ErrCorrupt, l.path, b.off-8, err)
		}
		l.progress(b)
	}
	if len(l.blocks) == 0 && l.count != 0 {
		return fmt.Errorf("%w: %s: offset %d: no entries, header says %d", ErrCorrupt, l.path, headerLen, l.count)
	}
	if l.ts > store.Clock() {
		store.SetClock(l.ts)
	}
	return nil
}

// progress logs the loading progress at most once a second; b is the block just loaded.
func (l *loader) progress(b block) {
	now := time.Now()
	if now.Sub(l.lastLog) <= time.Second {
		return
	}
	l.lastLog = now
	l.log.Info("loading snapshot", "file", l.path,
		"percent", fmt.Sprintf("%.1f", 100*float64(b.end)/float64(len(l.data))),
		"keys", l.loaded, "keys_per_sec", int64(float64(l.loaded)/now.Sub(l.start).Seconds()))
}

// block is the span of one block's payload in the file; last marks the final block. It is
// a plain value.
type block struct {
	off, end int
	last     bool
}

// verify checks the whole file and returns its timestamp, key count and block spans.
func verify(path string, data []byte) (ts uint64, count int64, blocks []block, err error) {
	corrupt := func(off int, what string) error {
		return fmt.Errorf("%w: %s: offset %d: %s", ErrCorrupt, path, off, what)
	}
	if len(data) < headerLen || string(data[:8]) != magic {
		return 0, 0, nil, corrupt(0, "bad header")
	}
	if crc32.Checksum(data[:24], castagnoli) != binary.LittleEndian.Uint32(data[24:28]) {
		return 0, 0, nil, corrupt(0, "header checksum mismatch")
	}
	ts = binary.LittleEndian.Uint64(data[8:])
	count = int64(binary.LittleEndian.Uint64(data[16:]))
	off := headerLen
	for {
		if len(data)-off < 8 {
			return 0, 0, nil, corrupt(off, "truncated block header")
		}
		n := int(binary.LittleEndian.Uint32(data[off:]))
		sum := binary.LittleEndian.Uint32(data[off+4:])
		if n == 0 {
			if len(blocks) > 0 {
				blocks[len(blocks)-1].last = true
			}
			if sum != crc32.Checksum(countBytes(count), castagnoli) {
				return 0, 0, nil, corrupt(off, "trailer checksum mismatch")
			}
			if string(data[off+8:]) != trailerMagic {
				return 0, 0, nil, corrupt(off+8, "bad trailer")
			}
			break
		}
		if n > maxBlock || n > len(data)-off-8 {
			return 0, 0, nil, corrupt(off, "block length out of range")
		}
		p := data[off+8 : off+8+n]
		if crc32.Checksum(p, castagnoli) != sum {
			return 0, 0, nil, corrupt(off, "block checksum mismatch")
		}
		blocks = append(blocks, block{off: off + 8, end: off + 8 + n})
		off += 8 + n
	}
	return ts, count, blocks, nil
}

// entryOrder tracks the previous entry across blocks: Write emits the spaces in order and
// each space's keys ascending (a tree scan), so anything else is corruption, including a
// repeated key. It is not safe for concurrent use.
type entryOrder struct {
	started bool
	sp      mvcc.Space
	key     []byte // aliases the file buffer
}

// next checks that (sp, k) comes strictly after the previous entry and records it.
func (o *entryOrder) next(sp mvcc.Space, k []byte) bool {
	ok := !o.started || sp > o.sp || (sp == o.sp && bytes.Compare(k, o.key) > 0)
	o.started, o.sp, o.key = true, sp, k
	return ok
}

// forEntry decodes the entries of a block payload, validating each.
func forEntry(p []byte, order *entryOrder, fn func(mvcc.Space, []byte, value.Value)) error {
	for off := 0; off < len(p); {
		sp := mvcc.Space(p[off])
		if sp >= mvcc.NumSpaces {
			return fmt.Errorf("bad space %d", sp)
		}
		off++
		kl, w := binary.Uvarint(p[off:])
		if w <= 0 || kl > uint64(len(p)-off-w) {
			return errors.New("bad key length")
		}
		off += w
		k := p[off : off+int(kl)]
		off += int(kl)
		if !order.next(sp, k) {
			return fmt.Errorf("key %q of space %d out of order", k, sp)
		}
		v, used, err := value.Decode(p[off:])
		if err != nil {
			return err
		}
		if !v.Exists() {
			return errors.New("empty value")
		}
		off += used
		fn(sp, k, v)
	}
	return nil
}
