package evict

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"
	"github.com/memflux/memflux/mvcc"
)

// traceHarness drives a tracker directly, the way the Evictor does under the commit lock.
type traceHarness struct {
	tr     *tracker
	chains map[string]*mvcc.Chain
	read   mvcc.AccessFunc
}

func newTraceHarness(kind Policy, samples int, seed uint64) *traceHarness {
	tr := newTracker(kind, samples, seed, nil)
	return &traceHarness{tr: tr, chains: map[string]*mvcc.Chain{}, read: tr.pol.reader()}
}

// insert makes key exist (a new chain, as after vacuum) or overwrites it.
func (h *traceHarness) write(key string) {
	c := h.chains[key]
	if c == nil {
		c = new(mvcc.Chain)
		h.chains[key] = c
		h.tr.insert(c, key)
		return
	}
	h.tr.write(h.tr.reg.lookup(c))
}

func (h *traceHarness) get(key string) bool {
	c := h.chains[key]
	if c != nil && h.read != nil {
		h.read(c)
	}
	return c != nil
}

func (h *traceHarness) delete(key string) bool {
	c := h.chains[key]
	if c == nil {
		return false
	}
	h.tr.forget(h.tr.reg.lookup(c))
	delete(h.chains, key)
	return true
}

func (h *traceHarness) evict() (string, bool) {
	e, ok := h.tr.victim()
	if ok {
		delete(h.chains, e.key)
	}
	return e.key, ok
}

// lists renders the list structure of ARC and LFRU, most recent first.
func (h *traceHarness) lists() string {
	r := h.tr.reg
	walk := func(l *linked, id uint8, name func(int32) string) string {
		var out []string
		for i := l.lists[id].head; i != nilSlot; i = l.nodes[i].next {
			out = append(out, name(i))
		}
		return "[" + strings.Join(out, " ") + "]"
	}
	key := func(i int32) string {
		s := r.entries[i].key
		if a := r.entries[i].chain.Access.Load(); a != 0 {
			s += "*" + strconv.Itoa(int(a))
		}
		return s
	}
	switch h.tr.kind {
	case ARC:
		a := h.tr.pol.(*car)
		ghost := func(i int32) string {
			for k := range h.allKeys() {
				if a.hash(k) == a.ghosts.hashes[i] {
					return k
				}
			}
			return "?"
		}
		return fmt.Sprintf("T1=%s T2=%s B1=%s B2=%s p=%d\n", walk(&r.linked, listT1, key),
			walk(&r.linked, listT2, key), walk(&a.ghosts.linked, listB1, ghost),
			walk(&a.ghosts.linked, listB2, ghost), a.p)
	case LFRU:
		return fmt.Sprintf("U=%s P=%s\n", walk(&r.linked, listUnpriv, key), walk(&r.linked, listPriv, key))
	}
	var out []string
	for _, e := range r.entries {
		out = append(out, fmt.Sprintf("%s:%d", e.key, e.chain.Access.Load()))
	}
	return strings.Join(out, " ") + "\n"
}

// known accumulates every key a trace mentioned, to name ghosts.
var known = map[string]bool{}

func (h *traceHarness) allKeys() map[string]bool { return known }

// TestTraces runs the golden traces in testdata/traces: which key goes first, per
// policy. Commands:
//
//	new policy=P [samples=N] [seed=N]   a fresh tracker
//	write k…                            create or overwrite keys (each advances the clock)
//	read k…                             point reads (the lock-free read hook)
//	delete k…                           user deletions
//	evict [n=N]                         print the next N victims (default 1)
//	state                               print the policy's structures
//
// Regenerate with -rewrite and review the diff.
func TestTraces(t *testing.T) {
	datadriven.Walk(t, "testdata/traces", func(t *testing.T, path string) {
		var h *traceHarness
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			var args []string // bare words after the command are keys
			for _, a := range d.CmdArgs {
				if len(a.Vals) == 0 {
					args = append(args, a.Key)
				}
			}
			for _, k := range args {
				known[k] = true
			}
			switch d.Cmd {
			case "new":
				var name string
				d.ScanArgs(t, "policy", &name)
				p, err := ParsePolicy(name)
				if err != nil {
					d.Fatalf(t, "%v", err)
				}
				samples, seed := 0, uint64(1)
				if d.HasArg("samples") {
					d.ScanArgs(t, "samples", &samples)
				}
				if d.HasArg("seed") {
					d.ScanArgs(t, "seed", &seed)
				}
				h = newTraceHarness(p, samples, seed)
				return ""
			case "write":
				for _, k := range args {
					h.write(k)
				}
				return ""
			case "read":
				var out []string
				for _, k := range args {
					if !h.get(k) {
						out = append(out, k+": miss")
					}
				}
				return strings.Join(out, "\n")
			case "delete":
				for _, k := range args {
					if !h.delete(k) {
						d.Fatalf(t, "delete %s: not tracked", k)
					}
				}
				return ""
			case "evict":
				n := 1
				if d.HasArg("n") {
					d.ScanArgs(t, "n", &n)
				}
				var out []string
				for range n {
					k, ok := h.evict()
					if !ok {
						out = append(out, "(empty)")
						break
					}
					out = append(out, k)
				}
				return strings.Join(out, " ") + "\n"
			case "state":
				return h.lists()
			}
			d.Fatalf(t, "unknown command %s", d.Cmd)
			return ""
		})
	})
}
