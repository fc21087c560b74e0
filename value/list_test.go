package value

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// seq returns n distinct elements "e0".."e<n-1>".
func seq(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "e" + strconv.Itoa(i)
	}
	return out
}

// shapes builds the same contents in differently shaped lists: built in one
// go, pushed at the back, pushed at the front, and pushed at both ends, so
// the tests below cover the head, the tree and the tail.
func shapes(elems []string) map[string]*List {
	back := (*List)(nil)
	for _, s := range elems {
		back = back.PushBack(s)
	}
	front := (*List)(nil)
	for i := len(elems) - 1; i >= 0; i-- {
		front = front.PushFront(elems[i])
	}
	mid := len(elems) / 2
	both := (*List)(nil)
	for i := mid; i < len(elems); i++ {
		both = both.PushBack(elems[i])
	}
	for i := mid - 1; i >= 0; i-- {
		both = both.PushFront(elems[i])
	}
	return map[string]*List{"built": NewList(elems...), "back": back, "front": front, "both": both}
}

func checkContents(t *testing.T, l *List, want []string) {
	t.Helper()
	if err := checkList(l); err != nil {
		t.Fatalf("invariant: %v", err)
	}
	if got := listElems(l); !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	if l.Len() != len(want) || l.Bytes() != sumLen(want) {
		t.Fatalf("Len, Bytes = %d, %d; want %d, %d", l.Len(), l.Bytes(), len(want), sumLen(want))
	}
}

func TestListPushOrder(t *testing.T) {
	tests := []struct {
		name string
		l    *List
		want []string
	}{
		{"PushFront a b", (*List)(nil).PushFront("a", "b"), []string{"b", "a"}},
		{"PushBack a b", (*List)(nil).PushBack("a", "b"), []string{"a", "b"}},
		{"PushFront onto list", NewList("x", "y").PushFront("a", "b", "c"), []string{"c", "b", "a", "x", "y"}},
		{"PushBack onto list", NewList("x", "y").PushBack("a", "b"), []string{"x", "y", "a", "b"}},
		{"both ends", (*List)(nil).PushBack("m").PushFront("f").PushBack("b"), []string{"f", "m", "b"}},
		{"no values", NewList("x").PushFront(), []string{"x"}},
		{"empty strings", (*List)(nil).PushBack("", "").PushFront(""), []string{"", "", ""}},
		{"NewList", NewList("a", "b", "c"), []string{"a", "b", "c"}},
		{"NewList empty", NewList(), []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkContents(t, tt.l, tt.want) })
	}
	if NewList() != nil {
		t.Errorf("NewList() is not nil")
	}
}

func TestListPop(t *testing.T) {
	abcde := []string{"a", "b", "c", "d", "e"}
	tests := []struct {
		name      string
		back      bool
		n         int
		want, rem []string
	}{
		{"front 1", false, 1, []string{"a"}, []string{"b", "c", "d", "e"}},
		{"front 2", false, 2, []string{"a", "b"}, []string{"c", "d", "e"}},
		{"back 2", true, 2, []string{"e", "d"}, []string{"a", "b", "c"}},
		{"front all", false, 5, abcde, []string{}},
		{"back more", true, 9, []string{"e", "d", "c", "b", "a"}, []string{}},
		{"front 0", false, 0, nil, abcde},
		{"back negative", true, -1, nil, abcde},
	}
	for _, tt := range tests {
		for shape, l := range shapes(abcde) {
			t.Run(tt.name+"/"+shape, func(t *testing.T) {
				var got []string
				var r *List
				if tt.back {
					r, got = l.PopBack(tt.n)
				} else {
					r, got = l.PopFront(tt.n)
				}
				if !slices.Equal(got, tt.want) {
					t.Errorf("popped %q, want %q", got, tt.want)
				}
				checkContents(t, r, tt.rem)
				if len(tt.rem) == 0 && r != nil {
					t.Errorf("emptied list is not nil")
				}
				checkContents(t, l, abcde)
			})
		}
	}
	if r, got := (*List)(nil).PopFront(3); r != nil || got != nil {
		t.Errorf("PopFront on nil = %v, %q", r, got)
	}
}

func TestListIndex(t *testing.T) {
	abcde := []string{"a", "b", "c", "d", "e"}
	tests := []struct {
		i    int
		want string
		ok   bool
	}{
		{0, "a", true}, {4, "e", true}, {2, "c", true},
		{-1, "e", true}, {-5, "a", true}, {-2, "d", true},
		{5, "", false}, {-6, "", false}, {100, "", false},
	}
	for shape, l := range shapes(abcde) {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/%d", shape, tt.i), func(t *testing.T) {
				got, ok := l.Index(tt.i)
				if got != tt.want || ok != tt.ok {
					t.Errorf("Index(%d) = %q, %v; want %q, %v", tt.i, got, ok, tt.want, tt.ok)
				}
			})
		}
	}
	if _, ok := (*List)(nil).Index(0); ok {
		t.Errorf("Index on nil list found an element")
	}
}

// rangeTests are the LRANGE and LTRIM index cases on [a b c d e].
var rangeTests = []struct {
	start, stop int
	want        []string
}{
	{0, -1, []string{"a", "b", "c", "d", "e"}},
	{0, 0, []string{"a"}},
	{-1, -1, []string{"e"}},
	{1, 3, []string{"b", "c", "d"}},
	{-3, 2, []string{"c"}},
	{-100, 100, []string{"a", "b", "c", "d", "e"}},
	{-100, -4, []string{"a", "b"}},
	{3, 100, []string{"d", "e"}},
	{5, 10, []string{}},    // start == len
	{7, 10, []string{}},    // start > len
	{2, 1, []string{}},     // start > stop
	{-1, -2, []string{}},   // start > stop after conversion
	{-6, -6, []string{}},   // stop < 0 after conversion
	{-100, -6, []string{}}, // both before the head
	{0, -6, []string{}},
	{4, 4, []string{"e"}},
}

func TestListRange(t *testing.T) {
	abcde := []string{"a", "b", "c", "d", "e"}
	for shape, l := range shapes(abcde) {
		for _, tt := range rangeTests {
			t.Run(fmt.Sprintf("%s/%d,%d", shape, tt.start, tt.stop), func(t *testing.T) {
				got := []string{}
				l.Range(tt.start, tt.stop, func(s string) bool {
					got = append(got, s)
					return true
				})
				if !slices.Equal(got, tt.want) {
					t.Errorf("Range(%d, %d) = %q, want %q", tt.start, tt.stop, got, tt.want)
				}
			})
		}
	}
	t.Run("early stop", func(t *testing.T) {
		var got []string
		NewList(abcde...).Range(0, -1, func(s string) bool {
			got = append(got, s)
			return len(got) < 2
		})
		if !slices.Equal(got, []string{"a", "b"}) {
			t.Errorf("got %q, want [a b]", got)
		}
	})
}

func TestListTrim(t *testing.T) {
	abcde := []string{"a", "b", "c", "d", "e"}
	for shape, l := range shapes(abcde) {
		for _, tt := range rangeTests {
			t.Run(fmt.Sprintf("%s/%d,%d", shape, tt.start, tt.stop), func(t *testing.T) {
				r := l.Trim(tt.start, tt.stop)
				checkContents(t, r, tt.want)
				if len(tt.want) == 0 && r != nil {
					t.Errorf("empty trim result is not nil")
				}
				checkContents(t, l, abcde)
			})
		}
	}
	if l := NewList("a"); l.Trim(0, -1) != l {
		t.Errorf("Trim of the whole list made a new list")
	}
}

func TestListRemove(t *testing.T) {
	base := []string{"x", "a", "y", "a", "a", "z", "a"}
	tests := []struct {
		count   int
		v       string
		removed int
		want    []string
	}{
		{0, "a", 4, []string{"x", "y", "z"}},
		{1, "a", 1, []string{"x", "y", "a", "a", "z", "a"}},
		{2, "a", 2, []string{"x", "y", "a", "z", "a"}},
		{-1, "a", 1, []string{"x", "a", "y", "a", "a", "z"}},
		{-3, "a", 3, []string{"x", "a", "y", "z"}},
		{10, "a", 4, []string{"x", "y", "z"}},
		{-10, "a", 4, []string{"x", "y", "z"}},
		{0, "q", 0, base},
		{1, "x", 1, []string{"a", "y", "a", "a", "z", "a"}},
		{-1, "z", 1, []string{"x", "a", "y", "a", "a", "a"}},
	}
	for shape, l := range shapes(base) {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/%d,%s", shape, tt.count, tt.v), func(t *testing.T) {
				r, n := l.Remove(tt.count, tt.v)
				if n != tt.removed {
					t.Errorf("removed %d, want %d", n, tt.removed)
				}
				checkContents(t, r, tt.want)
				checkContents(t, l, base)
				if n == 0 && r != l {
					t.Errorf("no-op Remove made a new list")
				}
			})
		}
	}
	// The Redis documentation example: RPUSH hello hello foo hello; LREM -2 hello.
	r, n := NewList("hello", "hello", "foo", "hello").Remove(-2, "hello")
	checkContents(t, r, []string{"hello", "foo"})
	if n != 2 {
		t.Errorf("removed %d, want 2", n)
	}
	if r, n := NewList("a", "a").Remove(0, "a"); r != nil || n != 2 {
		t.Errorf("removing every element = %v, %d; want nil, 2", r, n)
	}
}

func TestListSetIndex(t *testing.T) {
	abcde := []string{"a", "b", "c", "d", "e"}
	tests := []struct {
		i    int
		ok   bool
		want []string
	}{
		{0, true, []string{"X", "b", "c", "d", "e"}},
		{4, true, []string{"a", "b", "c", "d", "X"}},
		{-1, true, []string{"a", "b", "c", "d", "X"}},
		{-5, true, []string{"X", "b", "c", "d", "e"}},
		{2, true, []string{"a", "b", "X", "d", "e"}},
		{5, false, abcde},
		{-6, false, abcde},
	}
	for shape, l := range shapes(abcde) {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/%d", shape, tt.i), func(t *testing.T) {
				r, ok := l.SetIndex(tt.i, "X")
				if ok != tt.ok {
					t.Errorf("ok = %v, want %v", ok, tt.ok)
				}
				checkContents(t, r, tt.want)
				checkContents(t, l, abcde)
			})
		}
	}
	if r, ok := (*List)(nil).SetIndex(0, "x"); r != nil || ok {
		t.Errorf("SetIndex on nil = %v, %v", r, ok)
	}
}

// TestListLarge runs every read and derived operation at every position of
// lists large enough to have a tree of height 2 or more, in every shape.
func TestListLarge(t *testing.T) {
	for _, n := range []int{chunkCap, chunkCap + 1, chunkCap * fanout, chunkCap*fanout*3 + 7} {
		elems := seq(n)
		for shape, l := range shapes(elems) {
			t.Run(fmt.Sprintf("n=%d/%s", n, shape), func(t *testing.T) {
				checkContents(t, l, elems)
				for i, want := range elems {
					if got, ok := l.Index(i); !ok || got != want {
						t.Fatalf("Index(%d) = %q, %v; want %q", i, got, ok, want)
					}
					if got, _ := l.Index(i - n); got != want {
						t.Fatalf("Index(%d) = %q; want %q", i-n, got, want)
					}
				}
				step := max(1, n/37)
				for i := 0; i < n; i += step {
					r, _ := l.SetIndex(i, "X")
					want := slices.Clone(elems)
					want[i] = "X"
					checkContents(t, r, want)
					for j := i; j < n; j += step * 3 {
						checkContents(t, l.Trim(i, j), elems[i:j+1])
						var got []string
						l.Range(i, j, func(s string) bool { got = append(got, s); return true })
						if !slices.Equal(got, elems[i:j+1]) {
							t.Fatalf("Range(%d, %d) wrong", i, j)
						}
					}
					r, front := l.PopFront(i)
					if !slices.Equal(front, elems[:i]) {
						t.Fatalf("PopFront(%d) popped the wrong elements", i)
					}
					checkContents(t, r, elems[i:])
					r, back := l.PopBack(i)
					if len(back) != i || (i > 0 && back[0] != elems[n-1]) {
						t.Fatalf("PopBack(%d) popped the wrong elements", i)
					}
					checkContents(t, r, elems[:n-i])
				}
				checkContents(t, l, elems)
			})
		}
	}
}

// TestListStack pushes and pops one element at a time at each end, always on
// the newest version, as LPUSH/LPOP and RPUSH/RPOP do, and checks that old
// versions are unaffected.
func TestListStack(t *testing.T) {
	const n = 5000
	for _, tt := range []struct {
		name      string
		push, pop func(*List, string) (*List, string)
	}{
		{"LPUSH/LPOP", pushFront1, popFront1},
		{"RPUSH/RPOP", pushBack1, popBack1},
		{"LPUSH/RPOP", pushFront1, popBack1},
		{"RPUSH/LPOP", pushBack1, popFront1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var l *List
			versions := []*List{nil}
			for i := range n {
				l, _ = tt.push(l, strconv.Itoa(i))
				versions = append(versions, l)
			}
			if err := checkList(l); err != nil {
				t.Fatal(err)
			}
			fifo := strings.HasPrefix(tt.name, "LPUSH/R") || strings.HasPrefix(tt.name, "RPUSH/L")
			for i := range n {
				var got string
				l, got = tt.pop(l, "")
				want := strconv.Itoa(n - 1 - i)
				if fifo {
					want = strconv.Itoa(i)
				}
				if got != want {
					t.Fatalf("pop %d = %q, want %q", i, got, want)
				}
			}
			if l != nil {
				t.Fatalf("drained list is not nil")
			}
			for i, v := range versions {
				if v.Len() != i {
					t.Fatalf("version %d has length %d", i, v.Len())
				}
				if err := checkList(v); err != nil {
					t.Fatalf("version %d: %v", i, err)
				}
			}
		})
	}
}

func pushFront1(l *List, s string) (*List, string) { return l.PushFront(s), "" }
func pushBack1(l *List, s string) (*List, string)  { return l.PushBack(s), "" }
func popFront1(l *List, _ string) (*List, string) {
	r, out := l.PopFront(1)
	return r, out[0]
}
func popBack1(l *List, _ string) (*List, string) {
	r, out := l.PopBack(1)
	return r, out[0]
}

// TestListConcurrentDerive derives new versions from one shared version in
// many goroutines at once: they race for the same free chunk slots, and each
// must see exactly its own pushes. Run with -race.
func TestListConcurrentDerive(t *testing.T) {
	base := NewList(seq(100)...).PushFront("h").PushBack("t")
	want := listElems(base)
	const workers, pushes = 8, 300
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	start := make(chan struct{})
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			l := base
			var front, back []string
			for i := range pushes {
				s := fmt.Sprintf("w%d-%d", w, i)
				if i%2 == 0 {
					l = l.PushFront(s)
					front = append([]string{s}, front...)
				} else {
					l = l.PushBack(s)
					back = append(back, s)
				}
				if i%50 == 0 {
					l, _ = l.PopFront(1)
					front = front[1:]
				}
			}
			exp := slices.Concat(front, want, back)
			if got := listElems(l); !slices.Equal(got, exp) {
				errs <- fmt.Errorf("worker %d: got %d elements, want %d", w, len(got), len(exp))
				return
			}
			if err := checkList(l); err != nil {
				errs <- fmt.Errorf("worker %d: %w", w, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	checkContents(t, base, want)
}
