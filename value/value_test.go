package value

import (
	"runtime"
	"strconv"
	"testing"
)

func TestKindString(t *testing.T) {
	tests := []struct {
		k    Kind
		want string
	}{
		{KindNone, "none"}, {KindBytes, "string"}, {KindJSON, "json"},
		{KindList, "list"}, {KindSet, "set"}, {Kind(200), "none"},
	}
	for _, tt := range tests {
		if got := tt.k.String(); got != tt.want {
			t.Errorf("Kind(%d).String() = %q, want %q", tt.k, got, tt.want)
		}
	}
}

func TestValueConstructors(t *testing.T) {
	l, s := NewList("a", "bc"), NewSet("x", "yz")
	tests := []struct {
		name   string
		v      Value
		kind   Kind
		exists bool
		str    string
		list   *List
		set    *Set
	}{
		{"zero", Value{}, KindNone, false, "", nil, nil},
		{"bytes", Bytes("v"), KindBytes, true, "v", nil, nil},
		{"empty bytes", Bytes(""), KindBytes, true, "", nil, nil},
		{"json", JSON(`[1]`), KindJSON, true, `[1]`, nil, nil},
		{"list", FromList(l), KindList, true, "", l, nil},
		{"nil list", FromList(nil), KindNone, false, "", nil, nil},
		{"emptied list", FromList(func() *List { r, _ := l.PopFront(2); return r }()), KindNone, false, "", nil, nil},
		{"set", FromSet(s), KindSet, true, "", nil, s},
		{"nil set", FromSet(nil), KindNone, false, "", nil, nil},
		{"emptied set", FromSet(func() *Set { r, _ := s.Remove("x", "yz"); return r }()), KindNone, false, "", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := tt.v
			if v.Kind() != tt.kind || v.Exists() != tt.exists || v.Str() != tt.str || v.List() != tt.list || v.Set() != tt.set {
				t.Errorf("got kind %v exists %v str %q list %p set %p", v.Kind(), v.Exists(), v.Str(), v.List(), v.Set())
			}
			if !tt.exists && v != (Value{}) {
				t.Errorf("no value is not the zero Value")
			}
		})
	}
}

// TestSize checks Size against the documented formula.
func TestSize(t *testing.T) {
	l := NewList("a", "bc", "").PushFront("def")
	s := NewSet(seq(20)...)
	tests := []struct {
		name string
		v    Value
		want int
	}{
		{"none", Value{}, 0},
		{"bytes", Bytes("hello"), 5},
		{"json", JSON(`{"a":1}`), 7},
		{"list", FromList(l), 96 + 24*4 + 6},
		{"set", FromSet(s), 96 + 56*20 + sumLen(seq(20))},
	}
	for _, tt := range tests {
		if got := tt.v.Size(); got != tt.want {
			t.Errorf("%s: Size() = %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestValueEqual(t *testing.T) {
	vals := []Value{
		{}, Bytes(""), Bytes("a"), JSON("a"), JSON("1"),
		FromList(NewList("a")), FromList(NewList("a", "b")), FromList(NewList("b", "a")), FromList(NewList("ab")),
		FromSet(NewSet("a")), FromSet(NewSet("a", "b")), FromSet(NewSet("a", "c")),
	}
	for i, a := range vals {
		for j, b := range vals {
			if got := a.Equal(b); got != (i == j) {
				t.Errorf("%d.Equal(%d) = %v", i, j, got)
			}
		}
	}
	if !FromList(NewList("a", "b")).Equal(FromList(NewList("b").PushFront("a"))) {
		t.Errorf("equal lists of different shapes compare unequal")
	}
	ab, _ := NewSet("a").Add("b")
	if !FromSet(NewSet("b", "a")).Equal(FromSet(ab)) {
		t.Errorf("equal sets compare unequal")
	}
}

func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestSizeMatchesHeap checks that Size is a fair estimate of the heap a large
// list and set really take (elements included), when built the way MVCC
// builds them: one push or add per version, keeping only the newest.
func TestSizeMatchesHeap(t *testing.T) {
	const n = 100000
	for _, tt := range []struct {
		name  string
		build func() Value
	}{
		{"list", func() Value {
			var l *List
			for i := range n {
				l = l.PushFront("elem" + strconv.Itoa(i))
			}
			return FromList(l)
		}},
		{"set", func() Value {
			var s *Set
			for i := range n {
				s, _ = s.Add("elem" + strconv.Itoa(i))
			}
			return FromSet(s)
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := liveHeap()
			v := tt.build()
			used := float64(liveHeap() - before)
			est := float64(v.Size())
			payload := v.List().Bytes() + v.Set().Bytes()
			t.Logf("Size %d, measured %d bytes: %.1f bytes per element beyond its length",
				v.Size(), int(used), (used-float64(payload))/n)
			if used < 0.75*est || used > 1.25*est {
				t.Errorf("Size %d is off the measured %d bytes by more than 25%%", v.Size(), int(used))
			}
			runtime.KeepAlive(v)
		})
	}
}
