package exec

import (
	"errors"
	"sync"
	"time"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/sql/sem"
	"github.com/memflux/memflux/txn"
)

// Limits bound one execution (DESIGN.md: everything that can block names
// its bound).
type Limits struct {
	// MaxRows bounds the rows of any materialized result (the statement's
	// result, a CTE, a sort). Zero means DefaultMaxRows.
	MaxRows int64
	// MaxBytes bounds the rendered bytes of the statement's result. Zero
	// means DefaultMaxBytes.
	MaxBytes int64
	// MaxIterations bounds the iterations of a recursive CTE. Zero means
	// DefaultMaxIterations.
	MaxIterations int
}

// Default limits.
const (
	DefaultMaxRows       = 10_000_000
	DefaultMaxBytes      = 1 << 30
	DefaultMaxIterations = 10_000
)

// ErrResultTooLarge is returned when a result exceeds the row or byte limit.
var ErrResultTooLarge = sem.NewError(sem.ErrLimit, "result too large")

// errStop ends a run early without an error.
var errStop = errors.New("exec: stop")

// Ctx is the state of one execution of a plan. It is not safe for
// concurrent use.
type Ctx struct {
	Tx     *txn.Txn
	Params []jsondoc.Value
	Limits Limits

	// state holds per-execution operator state by the id the planner gave.
	state []any
	now   time.Time
	// minRead is the smallest frame depth read through an outer reference
	// since it was last reset: a subquery whose run read nothing outside
	// itself gives the same rows for every outer row and can be cached.
	minRead int
	// values is the projection that emits its rows in column form
	// (TakeValues); nil: every projection renders text.
	values *Project

	// Free states of finished operator runs, reused by later runs of the
	// execution (and of later executions of a pooled Ctx, AcquireCtx).
	scanRuns []*scanRun
	projRuns []*projectRun
	buf      []byte // TakeBuf
	// root is the frame of expressions evaluated outside any row (RootFrame);
	// noRow is its empty row.
	root  Frame
	noRow Row
}

// noRead is minRead when no outer frame was read.
const noRead = 1 << 30

// beginIsolated starts tracking outer reads for a run of a query under
// outer; endIsolated reports whether that run read any frame at or above
// outer's depth (then its result depends on the outer row).
func (c *Ctx) beginIsolated() (saved int) {
	saved = c.minRead
	c.minRead = noRead
	return saved
}

func (c *Ctx) endIsolated(saved int, outer *Frame) (independent bool) {
	independent = outer == nil || c.minRead > outer.Depth
	c.minRead = min(saved, c.minRead)
	return independent
}

// NewCtx returns a context for one execution; nState is the plan's count of
// state slots.
func NewCtx(tx *txn.Txn, params []jsondoc.Value, nState int, lim Limits) *Ctx {
	c := &Ctx{}
	c.init(tx, params, nState, lim)
	return c
}

// ctxPool holds released contexts (Ctx.Release) with their free run states.
var ctxPool = sync.Pool{New: func() any { return new(Ctx) }}

// AcquireCtx is NewCtx reusing a released context: a point query then allocates
// no execution state. The caller must Release it when the execution is over.
func AcquireCtx(tx *txn.Txn, params []jsondoc.Value, nState int, lim Limits) *Ctx {
	c := ctxPool.Get().(*Ctx)
	c.init(tx, params, nState, lim)
	return c
}

// maxPooledRuns bounds the free run states a released context keeps.
const maxPooledRuns = 16

// Release returns a context of AcquireCtx to the pool. The execution must be
// over: nothing may use c, its frames or the rows its operators emitted
// afterwards. What the execution handed out as results (values, rendered
// rows, keys) stays valid, since runs never reuse those buffers. A context
// whose execution panicked must not be released.
func (c *Ctx) Release() {
	clear(c.state)
	c.state = c.state[:0]
	if len(c.scanRuns) > maxPooledRuns {
		clear(c.scanRuns[maxPooledRuns:])
		c.scanRuns = c.scanRuns[:maxPooledRuns]
	}
	if len(c.projRuns) > maxPooledRuns {
		clear(c.projRuns[maxPooledRuns:])
		c.projRuns = c.projRuns[:maxPooledRuns]
	}
	if cap(c.buf) > maxPooledBuf {
		c.buf = nil
	}
	c.Tx, c.Params, c.values = nil, nil, nil
	c.now = time.Time{}
	c.root = Frame{}
	ctxPool.Put(c)
}

// init prepares c for an execution.
func (c *Ctx) init(tx *txn.Txn, params []jsondoc.Value, nState int, lim Limits) {
	if lim.MaxRows <= 0 {
		lim.MaxRows = DefaultMaxRows
	}
	if lim.MaxBytes <= 0 {
		lim.MaxBytes = DefaultMaxBytes
	}
	if lim.MaxIterations <= 0 {
		lim.MaxIterations = DefaultMaxIterations
	}
	c.Tx, c.Params, c.Limits = tx, params, lim
	if cap(c.state) < nState {
		c.state = make([]any, nState)
	}
	c.state = c.state[:nState]
	c.minRead = noRead
	c.root = Frame{Row: &c.noRow, Ctx: c}
}

// RootFrame returns the frame for expressions evaluated outside any row (an
// access path's operands): depth 0, no outer frame, an empty row. Callers must
// not modify it.
func (c *Ctx) RootFrame() *Frame { return &c.root }

// maxPooledBuf bounds the scratch buffer a released context keeps.
const maxPooledBuf = 4 << 10

// TakeBuf hands the execution's scratch buffer (empty) to the caller, which has
// it to itself until it gives it back with PutBuf; a nested TakeBuf meanwhile
// gets a new one.
func (c *Ctx) TakeBuf() []byte {
	b := c.buf[:0]
	c.buf = nil
	return b
}

// PutBuf gives back a buffer of TakeBuf for later use. Nothing may keep
// pointing into it.
func (c *Ctx) PutBuf(b []byte) {
	if cap(b) > cap(c.buf) {
		c.buf = b
	}
}

// TakeValues makes the static projection p emit its rows in column form: each
// row's Vals hold the values of p.Columns() and its slots no text. Only the
// statement's own projection may be chosen, and only when nothing between it
// and the caller reads the text (a LIMIT may).
func (c *Ctx) TakeValues(p *Project) { c.values = p }

// Now returns the transaction's start time (NOW()).
func (c *Ctx) Now() time.Time {
	if c.now.IsZero() {
		if c.Tx != nil {
			c.now = c.Tx.Now()
		} else {
			c.now = time.Now()
		}
	}
	return c.now
}

// State returns per-execution state slot i.
func (c *Ctx) State(i int) any { return c.state[i] }

func (c *Ctx) stateOf(i int) any {
	if i < 0 || i >= len(c.state) {
		return nil
	}
	return c.state[i]
}

// SetState stores per-execution state slot i.
func (c *Ctx) SetState(i int, v any) { c.state[i] = v }

// Frame is the evaluation context of an expression: the current row, the
// frame of the enclosing query block (correlated subqueries) and the
// execution.
type Frame struct {
	Row   *Row
	Outer *Frame
	Ctx   *Ctx
	// Out holds the projected values of the current row while DISTINCT ON
	// keys are evaluated.
	Out []jsondoc.Value
	// Depth is the nesting level of the query block (0 at top level).
	Depth int
}

// depthOf returns the depth of frames created under outer.
func depthOf(outer *Frame) int {
	if outer == nil {
		return 0
	}
	return outer.Depth + 1
}

// NewFrame returns a frame for a block running under outer.
func NewFrame(c *Ctx, outer *Frame, r *Row) *Frame {
	return &Frame{Row: r, Outer: outer, Ctx: c, Depth: depthOf(outer)}
}

// Up returns the frame n levels out (nil if there are not that many).
func (f *Frame) Up(n int) *Frame {
	for ; n > 0 && f != nil; n-- {
		f = f.Outer
	}
	return f
}

// Expr is a compiled expression.
type Expr func(f *Frame) (jsondoc.Value, error)

// Emit receives rows from an operator. The row is valid only during the
// call. Returning an error stops the producer, which returns it.
type Emit func(r *Row) error

// Node is a physical operator.
type Node interface {
	// Run produces the node's rows. outer is the frame of the enclosing
	// query block (nil at top level).
	Run(c *Ctx, outer *Frame, emit Emit) error
	// Explain writes the node and its inputs.
	Explain(e *Explainer)
}

// Run runs n to completion and swallows the early-stop signal.
func Run(n Node, c *Ctx, outer *Frame, emit Emit) error {
	err := n.Run(c, outer, emit)
	if err == errStop {
		return nil
	}
	return err
}

// Stop is the error an Emit returns to end a run early without failing.
func Stop() error { return errStop }

// IsStop reports whether err is the early-stop signal.
func IsStop(err error) bool { return err == errStop }
