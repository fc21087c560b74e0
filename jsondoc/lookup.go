package jsondoc

// The functions in this file read canonical text (the output of Normalize, Set, Delete
// or Value.Append) without decoding it. They rely on its shape — no whitespace, members
// sorted by key — to stay fast and allocation-free. Given other text they return
// unspecified results, but they never panic and never read out of bounds.

// Lookup returns the raw canonical text of the value of member name of the object doc,
// as a substring of doc. It reports false when doc is not an object or has no such
// member. Because members are sorted, the scan stops at the first key greater than name.
// Lookup does not allocate (unless name is invalid UTF-8, see Quote).
func Lookup(doc string, name string) (raw string, ok bool) {
	if doc == "" || doc[0] != '{' {
		return "", false
	}
	m, ok := findMember(doc, 0, name)
	if !ok || !m.found {
		return "", false
	}
	return doc[m.valStart:m.valEnd], true
}

// LookupPath follows path from the root of doc — member names through objects, decimal
// indexes through arrays (SPEC.md §3.1) — and returns the raw canonical text of the value
// it reaches. An empty path returns doc itself. It does not allocate.
func LookupPath(doc string, path []string) (raw string, ok bool) {
	s, e, ok := walk(doc, path)
	if !ok {
		return "", false
	}
	return doc[s:e], true
}

// Get returns the raw canonical text addressed by path in doc, as JSON.GET needs it:
// a nil or empty path (the whole document, see SplitKeyPath) returns doc. It is
// LookupPath under the name the command layer looks for.
func Get(doc string, path []string) (raw string, ok bool) {
	return LookupPath(doc, path)
}

// Unquote returns the contents of raw, a JSON string literal such as a value returned by
// Lookup. It reports false when raw is not exactly one valid string literal. Literals
// without escapes are returned as substrings of raw, without allocating.
func Unquote(raw string) (string, bool) {
	if raw == "" || raw[0] != '"' {
		return "", false
	}
	end, escaped, ok := scanString(raw, 0)
	if !ok || end != len(raw) {
		return "", false
	}
	if !escaped {
		return raw[1 : end-1], true
	}
	b, ok := appendUnescaped(make([]byte, 0, len(raw)), raw[1:end-1])
	if !ok {
		return "", false
	}
	return bytesString(b), true
}

// walk follows path from the root of doc and returns the span [s, e) of the value it
// reaches.
func walk(doc string, path []string) (s, e int, ok bool) {
	s, e = 0, len(doc)
	for _, seg := range path {
		if s >= len(doc) {
			return 0, 0, false
		}
		switch doc[s] {
		case '{':
			m, ok := findMember(doc, s, seg)
			if !ok || !m.found {
				return 0, 0, false
			}
			s, e = m.valStart, m.valEnd
		case '[':
			idx, ok := parseIndex(seg)
			if !ok {
				return 0, 0, false
			}
			el, ok := findElem(doc, s, idx)
			if !ok || !el.found {
				return 0, 0, false
			}
			s, e = el.valStart, el.valEnd
		default:
			return 0, 0, false
		}
	}
	return s, e, true
}

// position describes where a member or element is, or where a missing member would go.
type position struct {
	found    bool
	keyStart int // found member: offset of its key's opening quote
	valStart int // found: offset of the value
	valEnd   int // found: offset just past the value

	// Missing member: insert the new member's text at offset insert, preceded by a
	// comma when after is set (appending behind the last member) and followed by one
	// when before is set (inserting in front of a greater key). Neither is set for an
	// empty object.
	insert        int
	before, after bool
}

// findMember locates member name of the object whose '{' is at doc[s]. ok is false when
// the text is malformed. A name with invalid UTF-8 is looked up as Quote writes it, with
// U+FFFD in place of each invalid byte, so Set, Get and Delete agree on such names.
func findMember(doc string, s int, name string) (position, bool) {
	name = toValidUTF8(name)
	i := s + 1
	if i >= len(doc) {
		return position{}, false
	}
	if doc[i] == '}' {
		return position{insert: i}, true
	}
	for {
		if i >= len(doc) || doc[i] != '"' {
			return position{}, false
		}
		q, escaped, ok := stringEnd(doc, i)
		if !ok {
			return position{}, false
		}
		c := compareKeyName(doc[i+1:q], escaped, name)
		if c > 0 {
			return position{insert: i, before: true}, true
		}
		if q+1 >= len(doc) || doc[q+1] != ':' {
			return position{}, false
		}
		ve, ok := skipValue(doc, q+2)
		if !ok || ve >= len(doc) {
			return position{}, false
		}
		if c == 0 {
			return position{found: true, keyStart: i, valStart: q + 2, valEnd: ve}, true
		}
		switch doc[ve] {
		case ',':
			i = ve + 1
		case '}':
			return position{insert: ve, after: true}, true
		default:
			return position{}, false
		}
	}
}

// findElem locates element idx of the array whose '[' is at doc[s].
func findElem(doc string, s int, idx int) (position, bool) {
	i := s + 1
	if i >= len(doc) {
		return position{}, false
	}
	if doc[i] == ']' {
		return position{}, true
	}
	for n := 0; ; n++ {
		ve, ok := skipValue(doc, i)
		if !ok || ve >= len(doc) {
			return position{}, false
		}
		if n == idx {
			return position{found: true, valStart: i, valEnd: ve}, true
		}
		switch doc[ve] {
		case ',':
			i = ve + 1
		case ']':
			return position{}, true
		default:
			return position{}, false
		}
	}
}

// parseIndex parses an array index path segment: one or more decimal digits (leading
// zeros allowed, no sign). Indexes too large for any array report false.
func parseIndex(seg string) (int, bool) {
	if seg == "" || len(seg) > 18 || skipDigits(seg, 0) != len(seg) {
		return 0, false
	}
	return int(parseDigits(seg)), true
}

// stringStop and structural mark the bytes the canonical-text scanners stop at; the
// tight table loops skip everything else.
var (
	stringStop = [256]bool{'"': true, '\\': true}
	structural = [256]bool{'"': true, '{': true, '[': true, '}': true, ']': true}
)

// stringEnd returns the offset of the closing quote of the canonical string literal
// whose opening quote is at s[i], and whether the literal contains escapes.
func stringEnd(s string, i int) (q int, escaped bool, ok bool) {
	j := i + 1
	for {
		for j < len(s) && !stringStop[s[j]] {
			j++
		}
		if j >= len(s) {
			return 0, false, false
		}
		if s[j] == '"' {
			return j, escaped, true
		}
		escaped = true
		j += 2 // the backslash and the byte it escapes
	}
}

// skipValue returns the offset just past the canonical value starting at s[i]. Scalars
// other than strings end at the next ',', '}' or ']' (or the end of s).
func skipValue(s string, i int) (int, bool) {
	if i >= len(s) {
		return 0, false
	}
	switch s[i] {
	case '"':
		q, _, ok := stringEnd(s, i)
		return q + 1, ok
	case '{', '[':
		depth := 0
		for j := i; ; j++ {
			for j < len(s) && !structural[s[j]] {
				j++
			}
			if j >= len(s) {
				return 0, false
			}
			switch s[j] {
			case '"':
				q, _, ok := stringEnd(s, j)
				if !ok {
					return 0, false
				}
				j = q
			case '{', '[':
				depth++
			default: // '}' or ']'
				if depth--; depth == 0 {
					return j + 1, true
				}
			}
		}
	default:
		j := i
		for j < len(s) && s[j] != ',' && s[j] != '}' && s[j] != ']' {
			j++
		}
		return j, j > i
	}
}
