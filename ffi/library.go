package main

import (
	"bytes"
	"fmt"
	"path/filepath"
	"sync"
	"unicode/utf8"

	"github.com/memflux/memflux"
	"github.com/memflux/memflux/driver/cmdline"
)

// handles is the process-wide table of live databases and cursors.
var handles handleTable

// openFiles is the set of WAL files (primary and overflow) of the open databases: two databases writing the same
// files would corrupt them, so a second memflux_open of the same files fails until the
// first is closed.
var openFiles struct {
	// mu protects wal.
	mu  sync.Mutex
	wal map[string]bool
}

// database is an open memflux.DB and the cursors opened on it. It is safe for concurrent
// use.
type database struct {
	h   uintptr
	db  *memflux.DB
	wal []string // absolute WAL paths registered in openFiles; none without persistence

	// mu protects cursors and closed.
	mu      sync.Mutex
	cursors map[uintptr]*cursor
	closed  bool
}

// cursor is one session on a database: its own transaction context (SPEC §5.4). Its
// mutex serializes the commands run on it, so it is safe for concurrent use, but commands
// from several threads on one cursor run one at a time.
type cursor struct {
	h  uintptr
	db *database

	// mu serializes commands; it protects s and the scratch buffers below, which each
	// command reuses so that the hot path does not allocate.
	mu     sync.Mutex
	s      *memflux.Session // nil once closed
	split  cmdline.Splitter
	args   [][]byte // memflux_exec_argv's arguments, copied out of C memory
	argBuf []byte   // backing store of args
	sizes  []int    // argument lengths while copying args
	resp   response // the reply of the last command, until copied to C
}

// openDatabase opens a database configured by JSON (SPEC §9.3: unknown keys are ignored,
// wrong types and bad enum values are errors) and returns its handle.
func openDatabase(config []byte) (uintptr, error) {
	if len(bytes.TrimSpace(config)) == 0 {
		config = []byte("{}")
	}
	cfg, _, err := memflux.ParseConfig(config)
	if err != nil {
		return 0, err
	}
	wal, err := claimFiles(cfg)
	if err != nil {
		return 0, err
	}
	mdb, err := memflux.Open(cfg)
	if err != nil {
		releaseFiles(wal)
		return 0, err
	}
	d := &database{db: mdb, wal: wal, cursors: make(map[uintptr]*cursor)}
	d.h = handles.add(d)
	return d.h, nil
}

// claimFiles registers the WAL files (primary and overflow) of a persistent configuration
// in openFiles and returns their absolute paths (none without persistence). It fails if
// a database of this process has either open.
func claimFiles(cfg memflux.Config) ([]string, error) {
	if !cfg.Persistence {
		return nil, nil
	}
	var paths []string
	for _, name := range []string{cfg.WALFile, cfg.WALOverflowFile} {
		if name == "" {
			continue
		}
		abs, err := filepath.Abs(name)
		if err != nil {
			return nil, err
		}
		paths = append(paths, abs)
	}
	openFiles.mu.Lock()
	defer openFiles.mu.Unlock()
	for _, p := range paths {
		if openFiles.wal[p] {
			return nil, fmt.Errorf("%w: %s", errFilesInUse, p)
		}
	}
	if openFiles.wal == nil {
		openFiles.wal = make(map[string]bool)
	}
	for _, p := range paths {
		openFiles.wal[p] = true
	}
	return paths, nil
}

// releaseFiles removes the paths claimed by claimFiles.
func releaseFiles(paths []string) {
	openFiles.mu.Lock()
	defer openFiles.mu.Unlock()
	for _, p := range paths {
		delete(openFiles.wal, p)
	}
}

// lookupDatabase returns the live database named by h.
func lookupDatabase(h uintptr) (*database, error) {
	v, _ := handles.get(h)
	d, ok := v.(*database)
	if !ok {
		return nil, errBadDatabase
	}
	return d, nil
}

// closeDatabase closes every cursor of the database (rolling back their transactions),
// then the database itself, which flushes and releases its files. Closing an unknown
// handle does nothing; the error is that of memflux.DB.Close.
func closeDatabase(h uintptr) error {
	d, err := lookupDatabase(h)
	if err != nil {
		return nil
	}
	if _, ok := handles.remove(h); !ok {
		return nil // closed concurrently
	}
	d.mu.Lock()
	d.closed = true
	cs := d.cursors
	d.cursors = nil
	d.mu.Unlock()
	for ch, c := range cs {
		handles.remove(ch)
		c.close()
	}
	defer releaseFiles(d.wal)
	return d.db.Close()
}

// openCursor opens a cursor on the database named by dbh and returns its handle.
func openCursor(dbh uintptr) (uintptr, error) {
	d, err := lookupDatabase(dbh)
	if err != nil {
		return 0, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return 0, errBadDatabase
	}
	c := &cursor{db: d, s: d.db.NewSession()}
	c.h = handles.add(c)
	d.cursors[c.h] = c
	return c.h, nil
}

// lookupCursor returns the live cursor ch, which must belong to the database dbh.
func lookupCursor(dbh, ch uintptr) (*cursor, error) {
	if _, err := lookupDatabase(dbh); err != nil {
		return nil, err
	}
	v, _ := handles.get(ch)
	c, ok := v.(*cursor)
	if !ok || c.db.h != dbh {
		return nil, errBadCursor
	}
	return c, nil
}

// closeCursor rolls back the cursor's open transaction and invalidates its handle.
// Unknown handles are ignored.
func closeCursor(h uintptr) {
	v, _ := handles.get(h)
	c, ok := v.(*cursor)
	if !ok {
		return
	}
	if _, ok := handles.remove(h); !ok {
		return
	}
	c.db.mu.Lock()
	delete(c.db.cursors, h)
	c.db.mu.Unlock()
	c.close()
}

// close ends the session; commands afterwards fail with errBadCursor.
func (c *cursor) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.s != nil {
		c.s.Close()
		c.s = nil
	}
}

// execStringLocked runs a command string (memflux_exec, SPEC §9.2).
// REQUIRES: c.mu held.
func (c *cursor) execStringLocked(cmd []byte) *response {
	if !utf8.Valid(cmd) {
		return c.failLocked(errInvalidUTF8)
	}
	words, err := c.split.Split(cmd)
	if err != nil {
		return c.failLocked(errInvalidCommand)
	}
	if len(words) == 0 {
		return c.failLocked(errEmptyCommand)
	}
	return c.runLocked(words)
}

// runLocked executes one argument vector and records its reply in c.resp.
// REQUIRES: c.mu held.
func (c *cursor) runLocked(args [][]byte) *response {
	if c.s == nil {
		return c.failLocked(errBadCursor)
	}
	rep, err := c.s.Exec(args...)
	if err != nil {
		return c.failLocked(err)
	}
	c.resp.setReply(rep)
	return &c.resp
}

// failLocked records err as an ERROR response.
// REQUIRES: c.mu held.
func (c *cursor) failLocked(err error) *response {
	c.resp.setError(err.Error())
	return &c.resp
}

// argBufferLocked returns a reusable buffer of n bytes and an empty argument slice of capacity
// argc, for copying memflux_exec_argv's arguments out of C memory.
// REQUIRES: c.mu held.
func (c *cursor) argBufferLocked(n, argc int) ([]byte, [][]byte) {
	if cap(c.argBuf) < n {
		c.argBuf = make([]byte, n)
	}
	if cap(c.args) < argc {
		c.args = make([][]byte, 0, argc)
	}
	return c.argBuf[:n], c.args[:0]
}

// argSizesLocked returns a reusable slice of n ints for argument lengths.
// REQUIRES: c.mu held.
func (c *cursor) argSizesLocked(n int) []int {
	if cap(c.sizes) < n {
		c.sizes = make([]int, n)
	}
	return c.sizes[:n]
}
