package jsondoc

import "strings"

// SplitKeyPath splits a JSON.SET/JSON.GET/JSON.DEL key-path argument at its first '.'
// (SPEC.md §3.1): the key is everything before it and must not be empty
// (ErrMissingKey); the rest is split by SplitPath. Without a '.' the whole argument is
// the key and the path is nil (the whole document).
//
//	"user:1"          → "user:1", nil
//	"user:1.tags.1"   → "user:1", ["tags" "1"]
//	"user:1." "u:1.." → "user:1"/"u:1", nil
//	".a"              → ErrMissingKey
func SplitKeyPath(arg string) (key string, path []string, err error) {
	i := strings.IndexByte(arg, '.')
	if i < 0 {
		if arg == "" {
			return "", nil, ErrMissingKey
		}
		return arg, nil, nil
	}
	if i == 0 {
		return "", nil, ErrMissingKey
	}
	return arg[:i], SplitPath(arg[i+1:]), nil
}

// SplitPath splits a dot path into its segments. "" and "." address the whole document
// and return nil. Every other path is split at each '.', so empty segments (from "a..b"
// or a trailing '.') name the member "".
func SplitPath(p string) []string {
	if p == "" || p == "." {
		return nil
	}
	return strings.Split(p, ".")
}

// Set returns doc with the value at path replaced by val, following SPEC.md §3.2. doc
// and val must be canonical text (val typically comes from Normalize); exists reports
// whether the key holds a document at all — when false, doc is ignored and the edit
// starts from {}.
//
//   - An empty path replaces the whole document with val.
//   - An existing object member or existing array element (decimal index) is replaced.
//   - A missing member is created, and so is every further segment, as nested objects:
//     setting a.b.c on {} gives {"a":{"b":{"c":val}}}.
//   - Reaching a segment whose current value is neither an object nor an array holding
//     that index returns ErrPathNotObject (tags.7 on a shorter array, age.x on a number).
//   - A result nested deeper than 512 levels returns ErrTooDeep, and a doc that is not
//     well-formed canonical text may return ErrInvalid.
//
// Set builds the new document with a single allocation, copying doc around the edit.
func Set(doc string, exists bool, path []string, val string) (string, error) {
	if !exists {
		doc = "{}"
	}
	if len(path) == 0 {
		return val, nil
	}
	s := 0
	for k, seg := range path {
		if s >= len(doc) {
			return "", ErrInvalid
		}
		last := k == len(path)-1
		var pos position
		var ok bool
		switch doc[s] {
		case '{':
			if pos, ok = findMember(doc, s, seg); !ok {
				return "", ErrInvalid
			}
			if !pos.found {
				rest := path[k+1:]
				if k+1+len(rest)+nestingDepth(val) > maxDepth {
					return "", ErrTooDeep
				}
				return insertMember(doc, pos, seg, rest, val), nil
			}
		case '[':
			idx, isIndex := parseIndex(seg)
			if !isIndex {
				return "", ErrPathNotObject
			}
			if pos, ok = findElem(doc, s, idx); !ok {
				return "", ErrInvalid
			}
			if !pos.found {
				return "", ErrPathNotObject
			}
		default:
			return "", ErrPathNotObject
		}
		if last {
			if k+1+nestingDepth(val) > maxDepth {
				return "", ErrTooDeep
			}
			return splice(doc, pos.valStart, pos.valEnd, val), nil
		}
		s = pos.valStart
	}
	return "", ErrInvalid // not reached: the last segment always returns
}

// insertMember returns doc with a new member seg inserted at pos; its value is val
// wrapped in one object per segment of rest.
func insertMember(doc string, pos position, seg string, rest []string, val string) string {
	n := len(doc) + len(seg) + len(val) + 4
	for _, r := range rest {
		n += len(r) + 5
	}
	buf := make([]byte, 0, n)
	buf = append(buf, doc[:pos.insert]...)
	if pos.after {
		buf = append(buf, ',')
	}
	buf = Quote(buf, seg)
	buf = append(buf, ':')
	for _, r := range rest {
		buf = append(buf, '{')
		buf = Quote(buf, r)
		buf = append(buf, ':')
	}
	buf = append(buf, val...)
	for range rest {
		buf = append(buf, '}')
	}
	if pos.before {
		buf = append(buf, ',')
	}
	buf = append(buf, doc[pos.insert:]...)
	return bytesString(buf)
}

// splice returns doc with doc[s:e] replaced by val.
func splice(doc string, s, e int, val string) string {
	buf := make([]byte, 0, len(doc)-(e-s)+len(val))
	buf = append(buf, doc[:s]...)
	buf = append(buf, val...)
	buf = append(buf, doc[e:]...)
	return bytesString(buf)
}

// nestingDepth returns how deeply arrays and objects nest in canonical text s.
func nestingDepth(s string) int {
	depth, deepest := 0, 0
	for j := 0; j < len(s); j++ {
		switch s[j] {
		case '"':
			q, _, ok := stringEnd(s, j)
			if !ok {
				return deepest
			}
			j = q
		case '{', '[':
			if depth++; depth > deepest {
				deepest = depth
			}
		case '}', ']':
			depth--
		}
	}
	return deepest
}

// Delete returns doc without the object member addressed by path and true (JSON.DEL,
// SPEC.md §2.2). It returns doc unchanged and false when the member is missing, when
// path ends at an array element (elements cannot be deleted), or when path is empty
// (deleting a whole key is the caller's job). Delete allocates the new document once.
func Delete(doc string, path []string) (string, bool) {
	if len(path) == 0 {
		return doc, false
	}
	s, _, ok := walk(doc, path[:len(path)-1])
	if !ok || s >= len(doc) || doc[s] != '{' {
		return doc, false
	}
	pos, ok := findMember(doc, s, path[len(path)-1])
	if !ok || !pos.found {
		return doc, false
	}
	a, b := pos.keyStart, pos.valEnd
	switch {
	case doc[b] == ',': // not the last member: take the comma after it
		b++
	case doc[a-1] == ',': // the last of several: take the comma before it
		a--
	}
	return splice(doc, a, b, ""), true
}
