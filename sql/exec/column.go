package exec

import (
	"github.com/memflux/memflux/jsondoc"
)

// Candidate is one place a column reference may be found (SPEC §4.5). A
// reference compiles to an ordered list of candidates; the first that holds
// the member wins, and none yields NULL.
type Candidate struct {
	// Up is the number of frames out (0: the current query block).
	Up int
	// Slot is the slot index, or -1 to read Vals[Val].
	Slot int
	Val  int
	// Name is the member name; "" means the whole slot as an object (a
	// reference to a table alias).
	Name string
	// Base marks a base-table slot: "id" falls back to the key suffix and
	// "_key" is the key.
	Base bool
}

type findKind uint8

const (
	notFound findKind = iota
	foundRaw          // raw canonical text
	foundStr          // a string value (id from the key, _key)
	foundVal          // a computed value (Vals)
	foundObj          // the whole slot
)

// find looks the candidate up in frame f.
func (c *Candidate) find(f *Frame) (kind findKind, raw string, v jsondoc.Value, slot *Slot) {
	if c.Up > 0 {
		f = f.Up(c.Up)
		if f == nil {
			return notFound, "", v, nil
		}
		if f.Ctx != nil && f.Depth < f.Ctx.minRead {
			f.Ctx.minRead = f.Depth
		}
	}
	r := f.Row
	if r == nil {
		return notFound, "", v, nil
	}
	if c.Slot < 0 {
		if c.Val < len(r.Vals) {
			return foundVal, "", r.Vals[c.Val], nil
		}
		if c.Val < len(f.Out) {
			return foundVal, "", f.Out[c.Val], nil
		}
		return notFound, "", v, nil
	}
	if c.Slot >= len(r.Slots) {
		return notFound, "", v, nil
	}
	s := &r.Slots[c.Slot]
	if s.Doc == "" {
		return notFound, "", v, nil
	}
	if c.Name == "" {
		return foundObj, "", v, s
	}
	if c.Base && c.Name == "_key" {
		return foundStr, s.Key, v, s
	}
	if raw, ok := jsondoc.Lookup(s.Doc, c.Name); ok {
		return foundRaw, raw, v, s
	}
	if c.Base && c.Name == "id" && s.Key != "" {
		return foundStr, s.ID(), v, s
	}
	return notFound, "", v, nil
}

// Resolve compiles a column read: the candidates in order, then path
// navigation into nested JSON (members through objects, indexes through
// arrays).
func Resolve(cands []Candidate, path []string) Expr {
	if len(cands) == 0 {
		return func(*Frame) (jsondoc.Value, error) { return jsondoc.Null(), nil }
	}
	if len(cands) == 1 && len(path) == 0 {
		c := cands[0]
		if c.Up == 0 && c.Slot >= 0 && c.Name != "" && c.Name != "_key" && c.Name != "id" {
			// The hot path: one member of one slot of the current row.
			slot, name := c.Slot, c.Name
			return func(f *Frame) (jsondoc.Value, error) {
				if slot < len(f.Row.Slots) {
					if raw, ok := jsondoc.Lookup(f.Row.Slots[slot].Doc, name); ok {
						return jsondoc.Decode(raw), nil
					}
				}
				return jsondoc.Null(), nil
			}
		}
	}
	return func(f *Frame) (jsondoc.Value, error) {
		for i := range cands {
			kind, raw, v, slot := cands[i].find(f)
			if kind == notFound {
				continue
			}
			return valueOf(kind, raw, v, slot, cands[i].Base, path), nil
		}
		return jsondoc.Null(), nil
	}
}

func valueOf(kind findKind, raw string, v jsondoc.Value, slot *Slot, base bool, path []string) jsondoc.Value {
	switch kind {
	case foundRaw:
		if len(path) > 0 {
			r, ok := jsondoc.LookupPath(raw, path)
			if !ok {
				return jsondoc.Null()
			}
			return jsondoc.Decode(r)
		}
		return jsondoc.Decode(raw)
	case foundStr:
		if len(path) > 0 {
			return jsondoc.Null()
		}
		return jsondoc.String(raw)
	case foundObj:
		text := SlotObject(slot, base, nil)
		if len(path) > 0 {
			r, ok := jsondoc.LookupPath(text, path)
			if !ok {
				return jsondoc.Null()
			}
			return jsondoc.Decode(r)
		}
		return jsondoc.Decode(text)
	}
	if len(path) > 0 {
		return walkValue(v, path)
	}
	return v
}

// walkValue follows path through a decoded value.
func walkValue(v jsondoc.Value, path []string) jsondoc.Value {
	for _, seg := range path {
		switch v.Kind() {
		case jsondoc.KindObject:
			m, ok := v.Member(seg)
			if !ok {
				return jsondoc.Null()
			}
			v = m
		case jsondoc.KindArray:
			i, ok := parseIndex(seg)
			if !ok {
				return jsondoc.Null()
			}
			v = v.Index(i)
		default:
			return jsondoc.Null()
		}
	}
	return v
}

func parseIndex(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// Appender appends the canonical JSON of a value to dst (projection).
type Appender func(f *Frame, dst []byte) ([]byte, error)

// ResolveAppender is Resolve for projection: raw member text is copied
// without decoding.
func ResolveAppender(cands []Candidate, path []string) Appender {
	if len(cands) == 1 && len(path) == 0 {
		c := cands[0]
		if c.Up == 0 && c.Slot >= 0 && c.Name != "" && c.Name != "_key" && c.Name != "id" {
			slot, name := c.Slot, c.Name
			return func(f *Frame, dst []byte) ([]byte, error) {
				if slot < len(f.Row.Slots) {
					if raw, ok := jsondoc.Lookup(f.Row.Slots[slot].Doc, name); ok {
						return append(dst, raw...), nil
					}
				}
				return append(dst, "null"...), nil
			}
		}
	}
	return func(f *Frame, dst []byte) ([]byte, error) {
		for i := range cands {
			kind, raw, v, slot := cands[i].find(f)
			switch kind {
			case notFound:
				continue
			case foundRaw:
				if len(path) == 0 {
					return append(dst, raw...), nil
				}
				if r, ok := jsondoc.LookupPath(raw, path); ok {
					return append(dst, r...), nil
				}
				return append(dst, "null"...), nil
			case foundStr:
				if len(path) == 0 {
					return jsondoc.Quote(dst, raw), nil
				}
				return append(dst, "null"...), nil
			case foundObj:
				text := SlotObject(slot, cands[i].Base, nil)
				if len(path) == 0 {
					return append(dst, text...), nil
				}
				if r, ok := jsondoc.LookupPath(text, path); ok {
					return append(dst, r...), nil
				}
				return append(dst, "null"...), nil
			}
			return valueOf(kind, raw, v, slot, cands[i].Base, path).Append(dst), nil
		}
		return append(dst, "null"...), nil
	}
}

// ExprAppender turns an Expr into an Appender.
func ExprAppender(e Expr) Appender {
	return func(f *Frame, dst []byte) ([]byte, error) {
		v, err := e(f)
		if err != nil {
			return dst, err
		}
		return v.Append(dst), nil
	}
}
