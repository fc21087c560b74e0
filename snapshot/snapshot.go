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
	"time"

	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/txn"
	"github.com/memflux/memflux/value"
)

// Errors.
var (
	// ErrCorrupt marks a snapshot file that fails verification; the error names the file
	// and the byte offset.
	ErrCorrupt = errors.New("snapshot: corrupt")
)

const (
	magic        = "MFSNAP01"
	trailerMagic = "MFSNAPEND"
	headerLen    = 8 + 8 + 8 + 4
	blockTarget  = 64 << 10 // flush a block once its payload reaches this size
	maxBlock     = 1 << 30  // sanity bound on a block length read back
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Stats describe a written or loaded snapshot.
type Stats struct {
	TS    uint64 // the snapshot timestamp
	Keys  int64  // number of key/value pairs
	Bytes int64  // file size
}

// Write writes a snapshot of the state visible at the start of tx (a ModeSnapshot
// transaction the caller began and will roll back) to tmpPath, then atomically replaces
// path with it. It never blocks writers.
func Write(tx *txn.Txn, path, tmpPath string) (Stats, error) {
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
	w := bufio.NewWriterSize(&writebackFile{f: f}, 1<<20)
	if _, err := w.Write(header(st.TS, 0)); err != nil {
		return st, fmt.Errorf("snapshot: write %s: %w", tmpPath, err)
	}
	n, err := writeBlocks(w, tx)
	if err != nil {
		return st, fmt.Errorf("snapshot: write %s: %w", tmpPath, err)
	}
	st.Keys = n
	var tr [8]byte
	binary.LittleEndian.PutUint32(tr[4:], crc32.Checksum(countBytes(n), castagnoli))
	if _, err := w.Write(tr[:]); err != nil {
		return st, fmt.Errorf("snapshot: write %s: %w", tmpPath, err)
	}
	if _, err := w.WriteString(trailerMagic); err != nil {
		return st, fmt.Errorf("snapshot: write %s: %w", tmpPath, err)
	}
	if err := w.Flush(); err != nil {
		return st, fmt.Errorf("snapshot: write %s: %w", tmpPath, err)
	}
	if _, err := f.WriteAt(header(st.TS, n), 0); err != nil {
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

// writebackEvery is how often Write starts the writeback of what it wrote so far.
const writebackEvery = 4 << 20

// writebackFile is the snapshot file as written sequentially by Write: every
// writebackEvery bytes it starts their writeback (see startWriteback).
type writebackFile struct {
	f       *os.File
	n, last int64 // bytes written; n at the last writeback
}

func (w *writebackFile) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	w.n += int64(n)
	if err == nil && w.n-w.last >= writebackEvery {
		w.last = w.n
		err = startWriteback(w.f)
	}
	return n, err
}

func countBytes(n int64) []byte {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(n))
	return b[:]
}

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
	start := time.Now()
	lastLog := start
	var loaded int64
	m.WithCommitLock(func([]uint64) {
		store := m.Store()
		var order entryOrder
		for _, b := range blocks {
			err = forEntry(data[b.off:b.end], &order, func(sp mvcc.Space, k []byte, v value.Value) {
				store.Install(sp, k, v, ts, nil)
				loaded++
			})
			if err == nil && b.last && loaded != count {
				err = fmt.Errorf("%d entries, header says %d", loaded, count)
			}
			if err != nil {
				// The blocks' checksums matched, so the writer itself produced this: keep
				// the promise that nothing is installed from a snapshot that fails.
				store.Reset()
				err = fmt.Errorf("%w: %s: block at offset %d: %w", ErrCorrupt, path, b.off-8, err)
				return
			}
			if now := time.Now(); now.Sub(lastLog) > time.Second {
				lastLog = now
				log.Info("loading snapshot", "file", path,
					"percent", fmt.Sprintf("%.1f", 100*float64(b.end)/float64(len(data))),
					"keys", loaded, "keys_per_sec", int64(float64(loaded)/now.Sub(start).Seconds()))
			}
		}
		if len(blocks) == 0 && count != 0 {
			err = fmt.Errorf("%w: %s: offset %d: no entries, header says %d", ErrCorrupt, path, headerLen, count)
			return
		}
		if ts > store.Clock() {
			store.SetClock(ts)
		}
	})
	if err != nil {
		return st, false, err
	}
	log.Info("snapshot loaded", "file", path, "keys", loaded, "ts", ts, "elapsed", time.Since(start))
	return st, true, nil
}

// block is the span of one block's payload in the file; last marks the final block.
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
// repeated key.
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
