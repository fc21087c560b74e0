package exec

import (
	"testing"

	"github.com/memflux/memflux/jsondoc"
)

// TestAcquireCtxIsFresh checks that a context from the pool starts like a new one: no
// state left by an earlier execution, the limits defaulted, the root frame its own.
func TestAcquireCtxIsFresh(t *testing.T) {
	params := []jsondoc.Value{jsondoc.Int(1)}
	for _, tt := range []struct {
		name   string
		nState int
		lim    Limits
	}{
		{"no state", 0, Limits{}},
		{"grown state", 8, Limits{MaxRows: 5}},
		{"shrunk state", 2, Limits{MaxBytes: 7, MaxIterations: 3}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := AcquireCtx(nil, params, tt.nState, tt.lim)
			want := NewCtx(nil, params, tt.nState, tt.lim)
			if len(c.state) != tt.nState || c.Limits != want.Limits || c.minRead != noRead || c.values != nil {
				t.Fatalf("state %d limits %+v minRead %d values %v; want %d %+v", len(c.state), c.Limits, c.minRead, c.values, tt.nState, want.Limits)
			}
			for i := range c.state {
				if c.State(i) != nil {
					t.Errorf("slot %d holds %v", i, c.State(i))
				}
				c.SetState(i, "left over")
			}
			f := c.RootFrame()
			if f.Ctx != c || f.Outer != nil || f.Depth != 0 || f.Row == nil || len(f.Row.Slots) != 0 || f.Out != nil {
				t.Errorf("root frame %+v", f)
			}
			if len(c.Params) != 1 {
				t.Errorf("params %v", c.Params)
			}
			c.TakeValues(&Project{})
			c.Release()
			if c.Tx != nil || c.Params != nil || c.values != nil || c.root.Ctx != nil {
				t.Errorf("released context keeps references")
			}
		})
	}
}

// TestTakeBuf checks that the scratch buffer is handed to one holder at a time.
func TestTakeBuf(t *testing.T) {
	c := NewCtx(nil, nil, 0, Limits{})
	outer := append(c.TakeBuf(), "outer"...)
	inner := append(c.TakeBuf(), "inner"...) // nested: a buffer of its own
	if string(outer) != "outer" {
		t.Fatalf("outer buffer overwritten: %q", outer)
	}
	c.PutBuf(inner)
	c.PutBuf(outer)
	if b := c.TakeBuf(); len(b) != 0 || cap(b) == 0 {
		t.Errorf("given back buffer: len %d cap %d", len(b), cap(b))
	}
	if b := c.TakeBuf(); cap(b) != 0 {
		t.Errorf("second take got a buffer while the first is out: cap %d", cap(b))
	}
}

// TestPooledRunsReused runs a projection over a scan twice on one pooled context: the
// second execution reuses the run states and gives the same rows.
func TestPooledRunsReused(t *testing.T) {
	src := &values{docs: []string{`{"a":1}`, `{"a":2}`}, slot: 0, width: 1}
	p := NewProject(src, []ProjItem{{Name: "a", App: ResolveAppender([]Candidate{{Slot: 0, Name: "a"}}, nil), Expr: member(0, "a")}}, false)
	var first []string
	for run := 0; run < 3; run++ {
		c := AcquireCtx(nil, nil, 0, Limits{})
		c.TakeValues(p)
		var got []string
		err := Run(p, c, nil, func(r *Row) error {
			got = append(got, r.Vals[0].String())
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if run > 0 && len(c.projRuns) != 1 {
			t.Errorf("run %d: %d free projection states, want 1", run, len(c.projRuns))
		}
		c.Release()
		if run == 0 {
			first = got
		} else if len(got) != 2 || got[0] != first[0] || got[1] != first[1] {
			t.Errorf("run %d: %v, want %v", run, got, first)
		}
	}
	if len(first) != 2 || first[0] != "1" || first[1] != "2" {
		t.Errorf("rows %v", first)
	}
}
