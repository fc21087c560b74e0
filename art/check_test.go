package art

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// val is the value type of the tests: it records its own key so a reader
// can tell a value returned under the wrong key.
type val struct {
	key string
	id  int
}

// fmtKey renders a key for logs and golden files: plain when it is
// non-empty printable ASCII without spaces or quotes, Go-quoted otherwise.
func fmtKey[K string | []byte](k K) string {
	if len(k) == 0 {
		return `""`
	}
	for i := 0; i < len(k); i++ {
		if c := k[i]; c <= ' ' || c >= 0x7f || c == '"' || c == '\\' {
			return strconv.Quote(string(k))
		}
	}
	return string(k)
}

// parseKey is the inverse of fmtKey.
func parseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, `"`) {
		u, err := strconv.Unquote(s)
		return []byte(u), err
	}
	return []byte(s), nil
}

// validate checks every structural invariant of t (see doc.go) and returns
// its keys and values in order. It must not run concurrently with writers.
func validate[T any](t *Tree[T]) (keys []string, vals []*T, err error) {
	root := t.root.Load()
	if root == nil {
		if t.Len() != 0 {
			return nil, nil, fmt.Errorf("nil root but Len %d", t.Len())
		}
		return nil, nil, nil
	}
	if root.plen != 0 {
		return nil, nil, fmt.Errorf("root has compressed path %q", root.pfx[:root.plen])
	}
	v := validator[T]{}
	if err := v.node(root, nil, true); err != nil {
		return nil, nil, err
	}
	if len(v.keys) != t.Len() {
		return nil, nil, fmt.Errorf("tree holds %d keys, Len says %d", len(v.keys), t.Len())
	}
	return v.keys, v.vals, nil
}

type validator[T any] struct {
	keys []string
	vals []*T
}

func (v *validator[T]) leaf(l *leaf[T], path []byte) error {
	if l.val == nil {
		return fmt.Errorf("leaf under %q has a nil value", path)
	}
	if int(l.skip) > len(path) {
		return fmt.Errorf("leaf skip %d beyond its depth %d (path %q)", l.skip, len(path), path)
	}
	if l.n == extSuffix && len(l.ext) <= leafInline || l.n != extSuffix && int(l.n) > leafInline {
		return fmt.Errorf("leaf suffix stored badly: n=%d ext=%d", l.n, len(l.ext))
	}
	key := l.appendSuffix(bytes.Clone(path[:l.skip]), int(l.skip))
	if !bytes.HasPrefix(key, path) {
		return fmt.Errorf("leaf key %q is not under its path %q", key, path)
	}
	if len(v.keys) > 0 && v.keys[len(v.keys)-1] >= string(key) {
		return fmt.Errorf("keys out of order: %q then %q", v.keys[len(v.keys)-1], key)
	}
	v.keys = append(v.keys, string(key))
	v.vals = append(v.vals, l.val)
	return nil
}

func (v *validator[T]) node(n *inner[T], path []byte, root bool) error {
	if n.plen > maxPrefix {
		return fmt.Errorf("node %q: plen %d > %d", path, n.plen, maxPrefix)
	}
	path = append(bytes.Clone(path), n.pfx[:n.plen]...)
	term := n.term.Load()
	if term != nil {
		if err := v.leaf(term, path); err != nil {
			return err
		}
		if v.keys[len(v.keys)-1] != string(path) {
			return fmt.Errorf("term leaf %q is not its node's path %q", v.keys[len(v.keys)-1], path)
		}
	}
	es, err := v.children(n, path)
	if err != nil {
		return err
	}
	if !root {
		switch {
		case len(es) == 0:
			return fmt.Errorf("non-root node %q has no children", path)
		case len(es) == 1 && term == nil && es[0].leaf != nil:
			return fmt.Errorf("non-root node %q holds a single key", path)
		}
	}
	for _, e := range es {
		p := append(bytes.Clone(path), e.b)
		if e.leaf != nil {
			if err := v.leaf(e.leaf, p); err != nil {
				return err
			}
		} else if err := v.node(e.node, p, false); err != nil {
			return err
		}
	}
	return nil
}

// children checks a node's kind-specific layout and returns its children.
func (v *validator[T]) children(n *inner[T], path []byte) ([]entry[T], error) {
	num := int(n.num.Load())
	bad := func(format string, args ...any) ([]entry[T], error) {
		return nil, fmt.Errorf("node %q kind %d num %d: %s", path, n.kind, num, fmt.Sprintf(format, args...))
	}
	bodies := 0
	for _, b := range []bool{n.b4 != nil, n.b16 != nil, n.b32 != nil, n.b256 != nil} {
		if b {
			bodies++
		}
	}
	if bodies != 1 {
		return bad("%d bodies", bodies)
	}
	var es []entry[T]
	switch n.kind {
	case kind4, kind16, kind32:
		lo := map[uint8]int{kind4: 0, kind16: max4, kind32: max16}[n.kind]
		if num > n.capacity() || num <= lo && !(n.kind == kind4 && num == 0) {
			return bad("count does not fit the kind")
		}
		for i := range maxPos {
			if c := n.keyAt(i); i >= num && c != 0 {
				return bad("key byte %d at unused position %d", c, i)
			}
		}
		seen := map[byte]bool{}
		for i := range n.capacity() {
			f := n.fatAt(i)
			if i >= num {
				if f.node.Load() != nil || f.leaf.val != nil {
					return bad("slot %d beyond num is used", i)
				}
				continue
			}
			b := n.keyAt(i)
			if seen[b] {
				return bad("byte %d at two positions", b)
			}
			seen[b] = true
			e := entry[T]{b: b, node: f.node.Load()}
			if e.node == nil {
				e.leaf = &f.leaf
			}
			es = append(es, e)
		}
		slices.SortFunc(es, func(a, b entry[T]) int { return int(a.b) - int(b.b) })
	case kind256:
		if num <= shrinkTo32 {
			return bad("sparse kind256")
		}
		for c := range n.b256 {
			s := &n.b256[c]
			if l, ch := s.leaf.Load(), s.node.Load(); l != nil || ch != nil {
				if l != nil && ch != nil {
					return bad("slot %d holds a leaf and a node", c)
				}
				es = append(es, entry[T]{b: byte(c), leaf: l, node: ch})
			}
		}
		if len(es) != num {
			return bad("%d children", len(es))
		}
	default:
		return bad("unknown kind")
	}
	return es, nil
}

// dump renders t's structure, one node or leaf per line, for golden files.
func dump[T any](t *Tree[T]) string {
	var b strings.Builder
	if r := t.root.Load(); r != nil {
		dumpNode(&b, r, nil, "")
	} else {
		b.WriteString("empty\n")
	}
	return b.String()
}

var kindNames = [...]string{kind4: "node4", kind16: "node16", kind32: "node32", kind256: "node256"}

func dumpNode[T any](b *strings.Builder, n *inner[T], path []byte, indent string) {
	path = append(bytes.Clone(path), n.pfx[:n.plen]...)
	b.WriteString(kindNames[n.kind])
	if n.plen > 0 {
		fmt.Fprintf(b, " prefix=%s", fmtKey(n.pfx[:n.plen]))
	}
	if n.term.Load() != nil {
		fmt.Fprintf(b, " term=%s", fmtKey(path))
	}
	b.WriteString("\n")
	for _, e := range n.entries(nil) {
		fmt.Fprintf(b, "%s  %s: ", indent, fmtKey([]byte{e.b}))
		p := append(bytes.Clone(path), e.b)
		if e.leaf != nil {
			key := e.leaf.appendSuffix(bytes.Clone(p[:e.leaf.skip]), int(e.leaf.skip))
			fmt.Fprintf(b, "leaf %s\n", fmtKey(key))
			continue
		}
		dumpNode(b, e.node, p, indent+"  ")
	}
}

// model is the reference the randomized tests compare against: a map plus
// a sorted slice of its keys. Use set and del to change it.
type model struct {
	m    map[string]*val
	keys []string // sorted
}

func newModel() *model { return &model{m: map[string]*val{}} }

func (m *model) set(k string, v *val) {
	i, found := slices.BinarySearch(m.keys, k)
	if !found {
		m.keys = slices.Insert(m.keys, i, k)
	}
	m.m[k] = v
}

func (m *model) del(k string) {
	if i, found := slices.BinarySearch(m.keys, k); found {
		m.keys = slices.Delete(m.keys, i, i+1)
	}
	delete(m.m, k)
}

func (m *model) sorted() []string { return slices.Clone(m.keys) }

// scan returns the model's keys >= start (limit < 0: all).
func (m *model) scan(start string, limit int) []string {
	i, _ := slices.BinarySearch(m.keys, start)
	out := m.keys[i:]
	if limit >= 0 && len(out) > limit {
		out = out[:limit]
	}
	return slices.Clone(out)
}

// scanPrefix returns the model's keys with the prefix (limit < 0: all).
func (m *model) scanPrefix(prefix string, limit int) []string {
	i, _ := slices.BinarySearch(m.keys, prefix)
	var out []string
	for _, k := range m.keys[i:] {
		if !strings.HasPrefix(k, prefix) || limit >= 0 && len(out) == limit {
			break
		}
		out = append(out, k)
	}
	return out
}

// scanReverse returns the model's keys < end in descending order (nil end: all; limit
// < 0: all).
func (m *model) scanReverse(end []byte, limit int) []string {
	i := len(m.keys)
	if end != nil {
		i, _ = slices.BinarySearch(m.keys, string(end))
	}
	var out []string
	for j := i - 1; j >= 0 && (limit < 0 || len(out) < limit); j-- {
		out = append(out, m.keys[j])
	}
	return out
}

// scanPrefixReverse returns the model's keys with the prefix in descending order (limit
// < 0: all).
func (m *model) scanPrefixReverse(prefix string, limit int) []string {
	all := m.scanPrefix(prefix, -1)
	slices.Reverse(all)
	if limit >= 0 && len(all) > limit {
		all = all[:limit]
	}
	return all
}

// equalKeys reports whether two key lists are equal, treating nil and empty
// alike.
func equalKeys(a, b []string) bool {
	return len(a) == len(b) && (len(a) == 0 || reflect.DeepEqual(a, b))
}
