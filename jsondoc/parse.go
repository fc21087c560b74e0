package jsondoc

import (
	"math"
	"strings"
	"sync"
)

// Parse validates text under the same rules as Normalize and returns it as a Value tree,
// or ErrInvalid. Objects come out sorted with repeated keys reduced to the last one, so
// Parse(t).Append(nil) equals the output of Normalize for the same text.
//
// Strings without escapes are substrings of text (no copy, and they keep text alive);
// each array and object costs one allocation.
func Parse(text string) (Value, error) {
	p := parserPool.Get().(*parser)
	p.s, p.depth = text, 0
	v, i, ok := p.value(skipSpace(text, 0))
	if ok && skipSpace(text, i) != len(text) {
		ok = false
	}
	p.release()
	if !ok {
		return Value{}, ErrInvalid
	}
	return v, nil
}

// Decode returns the Value of raw canonical text, typically a member value returned by
// Lookup or LookupPath. Strings, integers and literals are decoded without validation;
// anything else goes through Parse. Text that is not valid JSON decodes to Null (Decode
// never fails and never panics).
func Decode(raw string) Value {
	if raw == "" {
		return Value{}
	}
	switch c := raw[0]; {
	case c == '"':
		if len(raw) >= 2 && raw[len(raw)-1] == '"' && strings.IndexByte(raw[1:len(raw)-1], '\\') < 0 {
			return stringValue(raw[1 : len(raw)-1])
		}
	case c >= '0' && c <= '9':
		if len(raw) < 19 && skipDigits(raw, 0) == len(raw) {
			return Int(int64(parseDigits(raw)))
		}
	case raw == "true":
		return Bool(true)
	case raw == "false":
		return Bool(false)
	case raw == "null":
		return Value{}
	}
	v, err := Parse(raw)
	if err != nil {
		return Value{}
	}
	return v
}

var parserPool = sync.Pool{New: func() any { return new(parser) }}

// parser holds the state of one Parse call. It is not safe for concurrent use; Parse
// takes one from parserPool per call.
type parser struct {
	s     string
	depth int
	elems []Value  // elements of the arrays being parsed, innermost last
	mems  []Member // members of the objects being parsed, innermost last
	buf   []byte   // decoded escaped strings
}

func (p *parser) release() {
	p.s = ""
	// Entries past len were cleared when their container finished; on failure clear
	// the live ones so the pool does not keep parsed data reachable.
	clear(p.elems)
	clear(p.mems)
	p.elems, p.mems = p.elems[:0], p.mems[:0]
	if cap(p.buf) <= maxPooledBuffer && cap(p.elems) <= maxPooledBuffer/24 &&
		cap(p.mems) <= maxPooledBuffer/40 {
		parserPool.Put(p)
	}
}

func (p *parser) value(i int) (Value, int, bool) {
	if i >= len(p.s) {
		return Value{}, i, false
	}
	switch p.s[i] {
	case '{':
		return p.object(i)
	case '[':
		return p.array(i)
	case '"':
		return p.str(i)
	case 't':
		return p.literal(i, "true", Bool(true))
	case 'f':
		return p.literal(i, "false", Bool(false))
	case 'n':
		return p.literal(i, "null", Value{})
	default:
		return p.number(i)
	}
}

func (p *parser) literal(i int, lit string, v Value) (Value, int, bool) {
	if len(p.s)-i < len(lit) || p.s[i:i+len(lit)] != lit {
		return Value{}, i, false
	}
	return v, i + len(lit), true
}

func (p *parser) str(i int) (Value, int, bool) {
	s, end, ok := p.stringAt(i)
	return stringValue(s), end, ok
}

// stringAt decodes the string literal at p.s[i].
func (p *parser) stringAt(i int) (string, int, bool) {
	end, escaped, ok := scanString(p.s, i)
	if !ok {
		return "", i, false
	}
	if !escaped {
		return p.s[i+1 : end-1], end, true
	}
	p.buf, _ = appendUnescaped(p.buf[:0], p.s[i+1:end-1])
	return string(p.buf), end, true
}

func (p *parser) number(i int) (Value, int, bool) {
	end, isInt, ok := scanNumber(p.s, i)
	if !ok {
		return Value{}, i, false
	}
	lit := p.s[i:end]
	if isInt {
		neg, digits := splitSign(lit)
		switch r := classifyInt(neg, digits); {
		case neg && digits == "0":
			return Float(math.Copysign(0, -1)), end, true
		case r == fitsInt64 && neg:
			return Int(int64(-parseDigits(digits))), end, true
		case r == fitsInt64:
			return Int(int64(parseDigits(digits))), end, true
		case r == fitsUint64:
			return Uint(parseDigits(digits)), end, true
		}
	}
	f, ok := parseFloat(lit)
	if !ok {
		return Value{}, i, false
	}
	return Float(f), end, true
}

func (p *parser) array(i int) (Value, int, bool) {
	if p.depth++; p.depth > maxDepth {
		return Value{}, i, false
	}
	i = skipSpace(p.s, i+1)
	if i < len(p.s) && p.s[i] == ']' {
		p.depth--
		return Array(nil), i + 1, true
	}
	base := len(p.elems)
	for {
		v, j, ok := p.value(i)
		if !ok {
			return Value{}, j, false
		}
		p.elems = append(p.elems, v)
		var more bool
		if i, more, ok = afterElement(p.s, j, ']'); !ok {
			return Value{}, i, false
		}
		if !more {
			break
		}
	}
	var elems []Value
	elems, p.elems = popFrame(p.elems, base)
	p.depth--
	return Array(elems), i, true
}

func (p *parser) object(i int) (Value, int, bool) {
	if p.depth++; p.depth > maxDepth {
		return Value{}, i, false
	}
	i = skipSpace(p.s, i+1)
	if i < len(p.s) && p.s[i] == '}' {
		p.depth--
		return objectValue(nil), i + 1, true
	}
	base := len(p.mems)
	for {
		if i >= len(p.s) || p.s[i] != '"' {
			return Value{}, i, false
		}
		name, j, ok := p.stringAt(i)
		if !ok {
			return Value{}, j, false
		}
		i = skipSpace(p.s, j)
		if i >= len(p.s) || p.s[i] != ':' {
			return Value{}, i, false
		}
		v, j, ok := p.value(skipSpace(p.s, i+1))
		if !ok {
			return Value{}, j, false
		}
		p.mems = append(p.mems, Member{Name: name, Value: v})
		var more bool
		if i, more, ok = afterElement(p.s, j, '}'); !ok {
			return Value{}, i, false
		}
		if !more {
			break
		}
	}
	var mems []Member
	mems, p.mems = popFrame(p.mems, base)
	p.depth--
	return objectValue(mems), i, true
}

// popFrame returns a copy of stack[base:], the items of the container just closed, and
// the stack truncated to base with the popped slots cleared (so the pooled parser does
// not keep them reachable).
func popFrame[E any](stack []E, base int) (items, rest []E) {
	items = make([]E, len(stack)-base)
	copy(items, stack[base:])
	clear(stack[base:])
	return items, stack[:base]
}
