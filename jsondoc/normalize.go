package jsondoc

import (
	"bytes"
	"slices"
	"sync"
)

// Normalize validates in as a single JSON value and returns its canonical text (see the
// package documentation). Any violation of the input rules returns ErrInvalid.
//
// Normalize works in one pass straight from input to output without building a tree;
// only objects whose keys are out of order or repeated are rearranged, in place, when
// their closing brace is reached. It allocates just the returned string.
func Normalize(in []byte) (string, error) {
	n := normalizerPool.Get().(*normalizer)
	out, ok := n.run(bytesString(in))
	var res string
	if ok {
		res = string(out)
	}
	n.release()
	if !ok {
		return "", ErrInvalid
	}
	return res, nil
}

// maxPooledBuffer bounds the scratch memory a pooled normalizer or parser keeps between
// uses, so one huge document does not pin its buffers forever.
const maxPooledBuffer = 64 << 10

var normalizerPool = sync.Pool{New: func() any { return new(normalizer) }}

// normalizer holds the state of one Normalize call. It is not safe for concurrent use;
// Normalize takes one from normalizerPool per call.
type normalizer struct {
	s       string       // input; aliases the caller's bytes, never retained
	out     []byte       // canonical output so far
	members []memberSpan // members of the objects being written, innermost last
	scratch []byte       // decoded strings; copy of a region being reordered
	depth   int          // current nesting depth
}

// memberSpan locates one object member already written to out.
type memberSpan struct {
	start   int  // offset of the key's opening quote
	keyEnd  int  // offset of the key's closing quote
	end     int  // offset just past the member's value
	escaped bool // the canonical key contains a backslash escape
	drop    bool // a later member has the same key (reorder only)
}

func (n *normalizer) run(s string) ([]byte, bool) {
	n.s, n.out, n.depth = s, n.out[:0], 0
	i, ok := n.value(skipSpace(s, 0))
	if !ok || skipSpace(s, i) != len(s) {
		return nil, false
	}
	return n.out, true
}

func (n *normalizer) release() {
	n.s = ""
	n.members = n.members[:0]
	if cap(n.out) <= maxPooledBuffer && cap(n.scratch) <= maxPooledBuffer &&
		cap(n.members) <= maxPooledBuffer/32 {
		normalizerPool.Put(n)
	}
}

// value writes the canonical form of the value starting at n.s[i] and returns the offset
// after it.
func (n *normalizer) value(i int) (int, bool) {
	if i >= len(n.s) {
		return i, false
	}
	switch c := n.s[i]; c {
	case '{':
		return n.object(i)
	case '[':
		return n.array(i)
	case '"':
		end, _, ok := n.str(i)
		return end, ok
	case 't':
		return n.literal(i, "true")
	case 'f':
		return n.literal(i, "false")
	case 'n':
		return n.literal(i, "null")
	default:
		return n.number(i)
	}
}

func (n *normalizer) literal(i int, lit string) (int, bool) {
	if len(n.s)-i < len(lit) || n.s[i:i+len(lit)] != lit {
		return i, false
	}
	n.out = append(n.out, lit...)
	return i + len(lit), true
}

func (n *normalizer) number(i int) (int, bool) {
	end, isInt, ok := scanNumber(n.s, i)
	if !ok {
		return i, false
	}
	lit := n.s[i:end]
	if isInt {
		neg, digits := splitSign(lit)
		switch {
		case neg && digits == "0":
			n.out = append(n.out, "-0.0"...)
			return end, true
		case classifyInt(neg, digits) != tooBig:
			n.out = append(n.out, lit...)
			return end, true
		}
	}
	f, ok := parseFloat(lit)
	if !ok {
		return i, false
	}
	n.out = FormatFloat(n.out, f)
	return end, true
}

// str writes the canonical form of the string literal at n.s[i] and reports whether the
// written form contains a backslash escape.
func (n *normalizer) str(i int) (end int, escaped bool, ok bool) {
	end, escaped, ok = scanString(n.s, i)
	if !ok {
		return i, false, false
	}
	if !escaped {
		n.out = append(n.out, n.s[i:end]...)
		return end, false, true
	}
	// The input escapes may be gratuitous (\u00e9, \/) or required (\n); decode and
	// re-quote, then see whether the canonical text still needs a backslash.
	n.scratch, _ = appendUnescaped(n.scratch[:0], n.s[i+1:end-1])
	start := len(n.out)
	n.out = Quote(n.out, bytesString(n.scratch))
	escaped = bytes.IndexByte(n.out[start+1:len(n.out)-1], '\\') >= 0
	return end, escaped, true
}

func (n *normalizer) array(i int) (int, bool) {
	if n.depth++; n.depth > maxDepth {
		return i, false
	}
	n.out = append(n.out, '[')
	i = skipSpace(n.s, i+1)
	if i < len(n.s) && n.s[i] == ']' {
		n.out = append(n.out, ']')
		n.depth--
		return i + 1, true
	}
	for {
		var more, ok bool
		if i, ok = n.value(i); !ok {
			return i, false
		}
		if i, more, ok = afterElement(n.s, i, ']'); !ok {
			return i, false
		}
		if !more {
			n.out = append(n.out, ']')
			n.depth--
			return i, true
		}
		n.out = append(n.out, ',')
	}
}

func (n *normalizer) object(i int) (int, bool) {
	if n.depth++; n.depth > maxDepth {
		return i, false
	}
	n.out = append(n.out, '{')
	i = skipSpace(n.s, i+1)
	if i < len(n.s) && n.s[i] == '}' {
		n.out = append(n.out, '}')
		n.depth--
		return i + 1, true
	}
	base := len(n.members)
	sorted := true
	for {
		if i >= len(n.s) || n.s[i] != '"' {
			return i, false
		}
		m := memberSpan{start: len(n.out)}
		var ok bool
		if i, m.escaped, ok = n.str(i); !ok {
			return i, false
		}
		m.keyEnd = len(n.out) - 1
		if sorted && len(n.members) > base && n.compareKeys(n.members[len(n.members)-1], m) >= 0 {
			sorted = false
		}
		i = skipSpace(n.s, i)
		if i >= len(n.s) || n.s[i] != ':' {
			return i, false
		}
		n.out = append(n.out, ':')
		if i, ok = n.value(skipSpace(n.s, i+1)); !ok {
			return i, false
		}
		m.end = len(n.out)
		n.members = append(n.members, m)
		var more bool
		if i, more, ok = afterElement(n.s, i, '}'); !ok {
			return i, false
		}
		if !more {
			break
		}
		n.out = append(n.out, ',')
	}
	if !sorted {
		n.reorder(base)
	}
	n.members = n.members[:base]
	n.out = append(n.out, '}')
	n.depth--
	return i, true
}

// compareKeys orders two members already written to n.out by their decoded keys.
func (n *normalizer) compareKeys(a, b memberSpan) int {
	ka, kb := n.out[a.start+1:a.keyEnd], n.out[b.start+1:b.keyEnd]
	if !a.escaped && !b.escaped {
		return bytes.Compare(ka, kb)
	}
	return compareCanonical(ka, kb)
}

// reorder rewrites the members n.members[base:] of the object being closed (they are
// the last thing in n.out) sorted by key, keeping only the last of repeated keys.
func (n *normalizer) reorder(base int) {
	ms := n.members[base:]
	regionStart := ms[0].start
	slices.SortStableFunc(ms, n.compareKeys)
	for k := range ms {
		ms[k].drop = k+1 < len(ms) && n.compareKeys(ms[k], ms[k+1]) == 0
	}
	n.scratch = append(n.scratch[:0], n.out[regionStart:]...)
	n.out = n.out[:regionStart]
	first := true
	for _, m := range ms {
		if m.drop {
			continue
		}
		if !first {
			n.out = append(n.out, ',')
		}
		first = false
		n.out = append(n.out, n.scratch[m.start-regionStart:m.end-regionStart]...)
	}
}
