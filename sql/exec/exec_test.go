package exec

import (
	"errors"
	"strings"
	"testing"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/sql/ast"
	"github.com/memflux/memflux/sql/sem"
)

// values is a test source: one row per doc in slot Slot of Width slots.
type values struct {
	docs        []string
	slot, width int
}

func (v *values) Run(c *Ctx, outer *Frame, emit Emit) error {
	row := Row{Slots: make([]Slot, v.width)}
	for i, d := range v.docs {
		row.Slots[v.slot] = Slot{Doc: d, Key: "t:" + string(rune('a'+i)), Pre: 2}
		if err := emit(&row); err != nil {
			return err
		}
	}
	return nil
}

func (v *values) Explain(e *Explainer) { e.Line("Values") }

func member(slot int, name string) Expr {
	return Resolve([]Candidate{{Slot: slot, Name: name}}, nil)
}

// collect runs n and renders each row: slot docs joined by "|", then vals.
func collect(t *testing.T, n Node) []string {
	t.Helper()
	var out []string
	c := NewCtx(nil, nil, 4, Limits{})
	err := Run(n, c, nil, func(r *Row) error {
		var parts []string
		for _, s := range r.Slots {
			parts = append(parts, s.Doc)
		}
		for _, v := range r.Vals {
			parts = append(parts, v.String())
		}
		out = append(out, strings.Join(parts, "|"))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func check(t *testing.T, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestJoinKinds(t *testing.T) {
	left := &values{docs: []string{`{"x":1}`, `{"x":2}`, `{"x":null}`}, slot: 0, width: 2}
	right := &values{docs: []string{`{"y":1}`, `{"y":"1"}`, `{"y":3}`}, slot: 1, width: 2}
	eq := func(f *Frame) (jsondoc.Value, error) {
		a, _ := member(0, "x")(f)
		b, _ := member(1, "y")(f)
		return sem.Compare(ast.CmpEq, a, b), nil
	}
	for _, hash := range []bool{true, false} {
		mk := func(kind ast.JoinKind) *Join {
			j := &Join{Kind: kind, Left: left, Right: right, Lo: 0, Mid: 1, Hi: 2, Width: 2}
			if hash {
				j.LeftKeys, j.RightKeys = []Expr{member(0, "x")}, []Expr{member(1, "y")}
			} else {
				j.Cond = eq
			}
			return j
		}
		check(t, collect(t, mk(ast.JoinInner)), `{"x":1}|{"y":1}`, `{"x":1}|{"y":"1"}`)
		check(t, collect(t, mk(ast.JoinLeft)), `{"x":1}|{"y":1}`, `{"x":1}|{"y":"1"}`, `{"x":2}|`, `{"x":null}|`)
		check(t, collect(t, mk(ast.JoinRight)), `{"x":1}|{"y":1}`, `{"x":1}|{"y":"1"}`, `|{"y":3}`)
		check(t, collect(t, mk(ast.JoinFull)), `{"x":1}|{"y":1}`, `{"x":1}|{"y":"1"}`, `{"x":2}|`, `{"x":null}|`, `|{"y":3}`)
	}
	cross := &Join{Kind: ast.JoinCross, Left: left, Right: right, Lo: 0, Mid: 1, Hi: 2, Width: 2}
	if n := len(collect(t, cross)); n != 9 {
		t.Errorf("cross join: %d rows", n)
	}
}

func sortKey(name string, desc bool) SortKey {
	return SortKey{Expr: member(0, name), Desc: desc, Text: name}
}

func TestSortTopNLimit(t *testing.T) {
	src := &values{docs: []string{`{"v":3}`, `{"v":null}`, `{"v":1}`, `{"v":2}`, `{"v":1,"b":1}`}, width: 1}
	check(t, collect(t, &Sort{Input: src, Keys: []SortKey{sortKey("v", false)}}),
		`{"v":null}`, `{"v":1}`, `{"v":1,"b":1}`, `{"v":2}`, `{"v":3}`)
	check(t, collect(t, &Sort{Input: src, Keys: []SortKey{sortKey("v", true)}}),
		`{"v":3}`, `{"v":2}`, `{"v":1}`, `{"v":1,"b":1}`, `{"v":null}`)
	check(t, collect(t, &TopN{Input: src, Keys: []SortKey{sortKey("v", false)}, N: 3}),
		`{"v":null}`, `{"v":1}`, `{"v":1,"b":1}`)
	check(t, collect(t, &TopN{Input: src, Keys: []SortKey{sortKey("v", true)}, N: 0}))
	n := func(k int64) func(*Ctx) (int64, error) { return func(*Ctx) (int64, error) { return k, nil } }
	check(t, collect(t, &Limit{Input: src, Limit: n(2), Offset: n(1)}), `{"v":null}`, `{"v":1}`)
	check(t, collect(t, &Limit{Input: src, Limit: n(0)}))
	check(t, collect(t, &Limit{Input: src, Offset: n(4)}), `{"v":1,"b":1}`)
}

func TestAggregate(t *testing.T) {
	src := &values{docs: []string{`{"g":"a","v":1}`, `{"g":"b","v":2}`, `{"g":"a","v":3}`, `{"v":4}`}, width: 1}
	agg := &Aggregate{Input: src, Keys: []Appender{ResolveAppender([]Candidate{{Slot: 0, Name: "g"}}, nil)},
		Aggs: []AggSpec{{Name: "COUNT", Star: true}, {Name: "SUM", Args: []Expr{member(0, "v")}},
			{Name: "STRING_AGG", Args: []Expr{member(0, "v"), func(*Frame) (jsondoc.Value, error) { return jsondoc.String("-"), nil }},
				Order: []SortKey{sortKey("v", true)}}}}
	check(t, collect(t, agg), `"a"|2|4.0|"3-1"`, `"b"|1|2.0|"2"`, `null|1|4.0|"4"`)
	global := &Aggregate{Input: &values{width: 1}, Aggs: []AggSpec{{Name: "COUNT", Star: true}, {Name: "MAX", Args: []Expr{member(0, "v")}}}}
	check(t, collect(t, global), `0|null`)
}

func TestProjectDistinctSetOp(t *testing.T) {
	src := &values{docs: []string{`{"a":1,"b":"x"}`, `{"a":1,"b":"x"}`, `{"a":2}`}, width: 1}
	items := []ProjItem{
		{Name: "b", App: ResolveAppender([]Candidate{{Slot: 0, Name: "b"}}, nil), Expr: member(0, "b")},
		{Name: "a", App: ResolveAppender([]Candidate{{Slot: 0, Name: "a"}}, nil), Expr: member(0, "a")},
		{Name: "a", App: ExprAppender(func(*Frame) (jsondoc.Value, error) { return jsondoc.Int(9), nil })},
	}
	p := NewProject(src, items[:2], true)
	check(t, collect(t, p), `{"a":1,"b":"x"}|"x"|1`, `{"a":1,"b":"x"}|"x"|1`, `{"a":2,"b":null}|null|2`)
	check(t, collect(t, NewProject(src, items, false)), `{"a":9,"b":"x"}`, `{"a":9,"b":"x"}`, `{"a":9,"b":null}`)
	check(t, collect(t, &Distinct{Input: NewProject(src, items[:2], false)}), `{"a":1,"b":"x"}`, `{"a":2,"b":null}`)
	on := &Distinct{Input: NewProject(src, items[:2], false), On: []Expr{member(0, "a")}}
	check(t, collect(t, on), `{"a":1,"b":"x"}`, `{"a":2,"b":null}`)
	star := &StarProject{Input: src, Sources: []StarSource{{Slot: 0, Base: true}}}
	check(t, collect(t, star), `{"a":1,"b":"x","id":"a"}`, `{"a":1,"b":"x","id":"b"}`, `{"a":2,"id":"c"}`)
	left := NewProject(src, items[:2], true)
	right := NewProject(&values{docs: []string{`{"a":5,"b":"y"}`, `{"a":1,"b":"x"}`}, width: 1}, items[:2], true)
	union := &SetOp{Op: ast.Union, Left: left, Right: right, Names: []string{"p", "q"}}
	check(t, collect(t, union), `{"a":1,"b":"x"}|"x"|1`, `{"a":2,"b":null}|null|2`, `{"p":"y","q":5}|"y"|5`, `{"p":"x","q":1}|"x"|1`)
	except := &SetOp{Op: ast.Except, Left: left, Right: right, Names: []string{"b", "a"}}
	check(t, collect(t, except), `{"a":2,"b":null}|null|2`)
	inter := &SetOp{Op: ast.Intersect, All: true, Left: left, Right: right, Names: []string{"b", "a"}}
	check(t, collect(t, inter), `{"a":1,"b":"x"}|"x"|1`)
	bad := &SetOp{Op: ast.Union, Left: left, Right: NewProject(src, items[:1], true), Names: []string{"b", "a"}}
	err := Run(bad, NewCtx(nil, nil, 0, Limits{}), nil, func(*Row) error { return nil })
	if !errors.Is(err, sem.ErrPlan) {
		t.Errorf("column-count mismatch: %v", err)
	}
}

func TestSlotObjectAndMembers(t *testing.T) {
	tests := []struct{ doc, key, want string }{
		{`{"a":1}`, "t:7", `{"a":1,"id":"7"}`},
		{`{"id":3,"z":1}`, "t:7", `{"id":3,"z":1}`},
		{`{"_key":"x","b":[1,{"c":"}"}],"j":null}`, "t:k", `{"b":[1,{"c":"}"}],"id":"k","j":null}`},
		{`{}`, "t:1", `{"id":"1"}`},
		{`5`, "t:1", `5`},
	}
	for _, tt := range tests {
		s := Slot{Doc: tt.doc, Key: tt.key, Pre: 2}
		if got := SlotObject(&s, true, nil); got != tt.want {
			t.Errorf("SlotObject(%s) = %s, want %s", tt.doc, got, tt.want)
		}
	}
	r := &Row{Slots: []Slot{{Doc: `{"a":"x\"y","b":{"c":[1,2]},"d":1.5}`}}}
	var got []string
	for _, v := range Positional(r) {
		got = append(got, v.String())
	}
	if strings.Join(got, " ") != `"x\"y" {"c":[1,2]} 1.5` {
		t.Errorf("Positional = %v", got)
	}
	if names := PositionalNames(r.Text()); strings.Join(names, ",") != "a,b,d" {
		t.Errorf("PositionalNames = %v", names)
	}
}

func TestResolveCandidates(t *testing.T) {
	outer := &Frame{Row: &Row{Slots: []Slot{{Doc: `{"o":1}`}}}}
	inner := &Frame{Row: &Row{Slots: []Slot{{Doc: `{"a":{"b":[10,20]}}`, Key: "t:9", Pre: 2}, {}}}, Outer: outer, Depth: 1,
		Ctx: NewCtx(nil, nil, 0, Limits{})}
	outer.Ctx = inner.Ctx
	tests := []struct {
		cands []Candidate
		path  []string
		want  string
	}{
		{[]Candidate{{Slot: 0, Name: "a"}}, []string{"b", "1"}, "20"},
		{[]Candidate{{Slot: 0, Name: "id", Base: true}}, nil, `"9"`},
		{[]Candidate{{Slot: 0, Name: "_key", Base: true}}, nil, `"t:9"`},
		{[]Candidate{{Slot: 1, Name: "a"}, {Up: 1, Slot: 0, Name: "o"}}, nil, "1"},
		{[]Candidate{{Slot: 0, Name: "zz"}}, nil, "null"},
		{[]Candidate{{Slot: 0, Base: true}}, nil, `{"a":{"b":[10,20]},"id":"9"}`},
		{nil, nil, "null"},
	}
	for _, tt := range tests {
		v, err := Resolve(tt.cands, tt.path)(inner)
		if err != nil || v.String() != tt.want {
			t.Errorf("Resolve(%+v, %v) = %s, %v; want %s", tt.cands, tt.path, v, err, tt.want)
		}
		b, err := ResolveAppender(tt.cands, tt.path)(inner, nil)
		if err != nil || string(b) != tt.want {
			t.Errorf("ResolveAppender(%+v, %v) = %s, %v; want %s", tt.cands, tt.path, b, err, tt.want)
		}
	}
}

func TestExplainFormat(t *testing.T) {
	src := &values{width: 1}
	n := &Limit{Input: &Sort{Input: &Filter{Input: src, Pred: member(0, "x"), Text: "x"}, Keys: []SortKey{sortKey("v", true)}}, Text: "limit 1"}
	got := strings.Join(Explain(n), "\n")
	want := "Limit (limit 1)\n-> Sort (v DESC)\n  -> Filter (x)\n    -> Values"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
