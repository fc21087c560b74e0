package index

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/memflux/memflux/txn"
)

// Options configure a Manager. The zero value (or nil) means defaults. New copies it.
type Options struct {
	// Logger receives background errors (a failed build, an unmaintainable definition).
	Logger *slog.Logger
	// Compiler compiles expression columns; without it only path indexes can be created.
	// It can also be installed later with SetCompiler, before any expression index is used.
	Compiler ExprCompiler
	// SyncBuildLimit is the largest number of rows an index is built over (or entries
	// deleted) inside the commit that creates (or drops) it; larger ones are built and
	// cleaned in the background in batches. 0 means DefaultSyncBuildLimit; negative means
	// always in the background.
	SyncBuildLimit int
	// BatchSize is the number of rows (or entries) of one background batch commit
	// (0: DefaultBatchSize).
	BatchSize int
}

// Defaults of Options.
const (
	DefaultSyncBuildLimit = 4096
	DefaultBatchSize      = 1000
)

// Manager maintains the secondary indexes of one transaction manager's store: it is the
// manager's Deriver (entries follow every commit) and one of its Observers (it follows
// definition changes), and it runs the background backfill and cleanup of large indexes.
// Manager is safe for concurrent use.
type Manager struct {
	txns *txn.Manager
	opts Options
	log  *slog.Logger
	comp atomic.Pointer[compilerBox]

	// reg is the latest committed definitions (registry.go).
	reg registry
	// pending lends the statistics counted by a Derive call to the definition its commit
	// installs; cs is Derive's reused change set. Both are protected by the commit lock.
	pending map[uint32]*Stats
	cs      changeSet

	// jobsMu protects jobs, failures and busy; idle waits on it.
	jobsMu   sync.Mutex
	jobs     map[uint32]jobKind // pending background work by index id
	failures map[uint32]error   // builds that failed, for WaitReady
	busy     bool               // the worker is running a job
	idle     sync.Cond          // broadcast when the worker finds no more work
	kick     chan struct{}      // wakes the worker; buffered

	// notifyMu protects notify, which is closed and replaced on every definition change
	// (the waiters of WaitReady re-check then).
	notifyMu sync.Mutex
	notify   chan struct{}

	// defs caches decoded definitions by their stored text (read paths).
	defs sync.Map // string → *Def

	cancel context.CancelFunc
	wg     sync.WaitGroup
	closed atomic.Bool
}

type compilerBox struct{ c ExprCompiler }

// New returns a Manager for txns and installs it as txns' Deriver and as an Observer. Call
// it before recovery replays the log (replay derives entries through it), then Start once
// recovery is done. It may also be called while transactions run: it attaches under the
// commit lock, and builds of indexes defined before are resumed by Start.
func New(txns *txn.Manager, opts *Options) *Manager {
	m := &Manager{txns: txns, kick: make(chan struct{}, 1), notify: make(chan struct{}),
		jobs: map[uint32]jobKind{}, failures: map[uint32]error{}}
	m.idle.L = &m.jobsMu
	if opts != nil {
		m.opts = *opts
	}
	if m.opts.SyncBuildLimit == 0 {
		m.opts.SyncBuildLimit = DefaultSyncBuildLimit
	}
	if m.opts.BatchSize <= 0 {
		m.opts.BatchSize = DefaultBatchSize
	}
	m.log = m.opts.Logger
	if m.log == nil {
		m.log = slog.New(slog.DiscardHandler)
	}
	if m.opts.Compiler != nil {
		m.comp.Store(&compilerBox{m.opts.Compiler})
	}
	txns.WithCommitLock(func([]uint64) {
		txns.SetDeriver(m)
		txns.AddObserver(m)
	})
	return m
}

// SetCompiler installs the expression compiler (the SQL engine's). It must be called
// before recovery if the database may hold expression indexes.
func (m *Manager) SetCompiler(c ExprCompiler) { m.comp.Store(&compilerBox{c}) }

func (m *Manager) compiler() ExprCompiler {
	if b := m.comp.Load(); b != nil {
		return b.c
	}
	return nil
}

// Txns returns the transaction manager.
func (m *Manager) Txns() *txn.Manager { return m.txns }

// Start begins the background work once recovery is done: it resumes the builds of
// indexes still building, removes the entries of indexes dropped before a crash finished
// removing them, and computes statistics. Close stops it.
func (m *Manager) Start() {
	m.txns.WithCommitLock(func([]uint64) {
		m.ensureLoadedLocked(m.txns.Store())
		for _, l := range m.reg.current() {
			if l.err == nil && l.def.State == StateBuilding {
				m.schedule(l.def.ID, jobBackfill)
			}
			m.schedule(l.def.ID, jobStats)
		}
		for _, id := range m.orphansLocked() {
			m.schedule(id, jobCleanup)
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	m.cancel = cancel
	m.wg.Add(1)
	go m.work(ctx)
	select {
	case m.kick <- struct{}{}:
	default:
	}
}

// Close stops the background work and waits for it. Builds in progress resume at the
// next Start over the same store. It is safe to call more than once.
func (m *Manager) Close() {
	if m.closed.Swap(true) {
		return
	}
	if m.cancel != nil {
		m.cancel()
	}
	m.wg.Wait()
	m.changed()
}

// changed wakes every WaitReady.
func (m *Manager) changed() {
	m.notifyMu.Lock()
	close(m.notify)
	m.notify = make(chan struct{})
	m.notifyMu.Unlock()
}

// waitChan returns the channel the next definition change closes.
func (m *Manager) waitChan() <-chan struct{} {
	m.notifyMu.Lock()
	defer m.notifyMu.Unlock()
	return m.notify
}

// WaitReady waits until the index with the given id is ready (nil), was dropped or failed
// to build (its error, ErrNotFound when dropped), or ctx ends.
func (m *Manager) WaitReady(ctx context.Context, id uint32) error {
	for {
		ch := m.waitChan()
		m.jobsMu.Lock()
		err := m.failures[id]
		m.jobsMu.Unlock()
		if err != nil {
			return err
		}
		l := m.reg.byID(id)
		switch {
		case l == nil:
			return ErrNotFound
		case l.err != nil:
			return l.err
		case l.def.State == StateReady:
			return nil
		case m.closed.Load():
			return ErrClosed
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
