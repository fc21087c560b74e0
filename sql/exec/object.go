package exec

import (
	"strings"

	"github.com/memflux/memflux/jsondoc"
)

// This file reads canonical JSON object text member by member without
// decoding values: SELECT * output, positional values of output rows.

// skipValue returns the end of the JSON value starting at s[i] (canonical
// text: no whitespace). It never reads out of bounds.
func skipValue(s string, i int) int {
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '"':
		return skipString(s, i)
	case '{', '[':
		depth := 0
		for i < len(s) {
			switch s[i] {
			case '"':
				i = skipString(s, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	}
	for i < len(s) && s[i] != ',' && s[i] != '}' && s[i] != ']' {
		i++
	}
	return i
}

// skipString returns the offset just past the string literal at s[i].
func skipString(s string, i int) int {
	i++
	for i < len(s) {
		switch s[i] {
		case '\\':
			i += 2
			continue
		case '"':
			return i + 1
		}
		i++
	}
	return i
}

// eachMember calls fn for every member of the canonical object text doc
// with the member's quoted key text and raw value text, in order, until fn
// returns false. Non-objects have no members.
func eachMember(doc string, fn func(keyRaw, val string) bool) {
	if len(doc) < 2 || doc[0] != '{' {
		return
	}
	i := 1
	for i < len(doc) && doc[i] != '}' {
		ke := skipString(doc, i)
		if ke >= len(doc) || doc[ke] != ':' {
			return
		}
		vs := ke + 1
		ve := skipValue(doc, vs)
		if ve > len(doc) {
			return
		}
		if !fn(doc[i:ke], doc[vs:ve]) {
			return
		}
		i = ve
		if i < len(doc) && doc[i] == ',' {
			i++
		}
	}
}

// memberName decodes a quoted key.
func memberName(keyRaw string) string {
	if strings.IndexByte(keyRaw, '\\') < 0 && len(keyRaw) >= 2 {
		return keyRaw[1 : len(keyRaw)-1]
	}
	s, _ := jsondoc.Unquote(keyRaw)
	return s
}

// SlotObject returns the columns of a slot as object text, as SELECT * shows
// them: a base-table document gets its implicit id (when it has none) and
// loses _key; a derived row is returned as is. buf is scratch space.
func SlotObject(s *Slot, base bool, buf []byte) string {
	doc := s.Doc
	if !base || len(doc) < 2 || doc[0] != '{' {
		if base && (len(doc) < 2 || doc[0] != '{') {
			return doc
		}
		return doc
	}
	_, hasID := jsondoc.Lookup(doc, "id")
	_, hasKey := jsondoc.Lookup(doc, "_key")
	if hasID && !hasKey {
		return doc
	}
	return string(appendSlotObject(buf[:0], s, hasID))
}

// appendSlotObject renders doc with "id" inserted (unless hasID) and "_key"
// removed.
func appendSlotObject(b []byte, s *Slot, hasID bool) []byte {
	b = append(b, '{')
	first := true
	sep := func() {
		if !first {
			b = append(b, ',')
		}
		first = false
	}
	idDone := hasID || s.Key == ""
	eachMember(s.Doc, func(keyRaw, val string) bool {
		name := memberName(keyRaw)
		if name == "_key" {
			return true
		}
		if !idDone && name > "id" {
			sep()
			b = append(b, `"id":`...)
			b = jsondoc.Quote(b, s.ID())
			idDone = true
		}
		sep()
		b = append(b, keyRaw...)
		b = append(b, ':')
		b = append(b, val...)
		return true
	})
	if !idDone {
		sep()
		b = append(b, `"id":`...)
		b = jsondoc.Quote(b, s.ID())
	}
	return append(b, '}')
}

// Member is one name and raw value of an object.
type Member struct {
	Name string
	Raw  string
}

// appendMembers appends the members of slot s as SELECT * shows them.
func appendMembers(dst []Member, s *Slot, base bool) []Member {
	if s.Doc == "" {
		return dst
	}
	text := SlotObject(s, base, nil)
	eachMember(text, func(keyRaw, val string) bool {
		dst = append(dst, Member{Name: memberName(keyRaw), Raw: val})
		return true
	})
	return dst
}

// Positional returns the values of an output row by position: its Vals when
// the projection kept them, else its members decoded in text order.
func Positional(r *Row) []jsondoc.Value {
	if r.Vals != nil {
		return r.Vals
	}
	var out []jsondoc.Value
	eachMember(r.Text(), func(_, val string) bool {
		out = append(out, jsondoc.Decode(val))
		return true
	})
	return out
}

// PositionalNames returns the member names of an output row's text.
func PositionalNames(text string) []string {
	var out []string
	eachMember(text, func(keyRaw, _ string) bool {
		out = append(out, memberName(keyRaw))
		return true
	})
	return out
}
