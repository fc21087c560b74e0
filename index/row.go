package index

import (
	"strings"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/value"
)

// ExprCompiler compiles the SQL text of an expression column into a function of a row.
// The SQL engine implements it; the index package cannot evaluate SQL itself. The
// returned function receives the row's key and its document as the SQL engine sees it (the
// canonical JSON text, "{}" for a value that is not a JSON document) and must be pure:
// replay recomputes entries with it. An evaluation error indexes the row under NULL.
// Compiled functions are called concurrently (commits, scans, lookups) and must be safe
// for concurrent use.
type ExprCompiler interface {
	CompileIndexExpr(table, expr string) (func(key, doc string) (jsondoc.Value, error), error)
}

// columnFn extracts one column's value from a row: raw canonical text when it comes from
// the document (fast path), else a computed value.
type columnFn func(key, doc string) (raw string, v jsondoc.Value, isRaw bool)

// compiled is a definition ready to compute entries. It is immutable, so safe for
// concurrent use (its column functions must be, see ExprCompiler).
type compiled struct {
	def    *Def
	prefix []byte // idPrefix(def.ID)
	keyPfx string // def.KeyPrefix()
	cols   []columnFn
}

// compile prepares d; expression columns need c.
func compile(d *Def, c ExprCompiler) (*compiled, error) {
	cp := &compiled{def: d, prefix: idPrefix(d.ID), keyPfx: d.KeyPrefix()}
	paths := d.paths()
	for i, col := range d.Columns {
		if col.Expr == "" {
			path := paths[i]
			cp.cols = append(cp.cols, func(_, doc string) (string, jsondoc.Value, bool) {
				raw, ok := jsondoc.LookupPath(doc, path)
				if !ok {
					return "null", jsondoc.Value{}, true
				}
				return raw, jsondoc.Value{}, true
			})
			continue
		}
		if c == nil {
			return nil, ErrNoCompiler
		}
		fn, err := c.CompileIndexExpr(d.Table, col.Expr)
		if err != nil {
			return nil, err
		}
		cp.cols = append(cp.cols, func(key, doc string) (string, jsondoc.Value, bool) {
			v, err := fn(key, doc)
			if err != nil {
				return "", jsondoc.Null(), false
			}
			return "", v, false
		})
	}
	return cp, nil
}

// docOf returns a stored value as the SQL engine sees a row: JSON documents as stored,
// anything else as {} (SPEC §4.4).
func docOf(v value.Value) string {
	if v.Kind() == value.KindJSON {
		if s := v.Str(); s != "" {
			return s
		}
	}
	return "{}"
}

// component is one column's encoding in a row's entries: the component, its number kind
// (noKind when it is not a number), and the shadow of a number-literal string. It is a
// scratch value of one rowEntries call.
type component struct {
	enc        []byte
	kind       byte
	shadow     []byte
	shadowKind byte
	null       bool
}

// noKind marks a component without a kind byte.
const noKind byte = 0xff

// encodeValue fills c from a value.
func (c *component) encodeValue(v jsondoc.Value) {
	c.enc = appendComponent(c.enc[:0], v)
	c.kind, c.shadow, c.null = noKind, nil, v.IsNull()
	if v.IsNumber() {
		c.kind = numberKind(v)
	}
	if str, ok := v.Str(); ok {
		if n, ok := shadowOf(str); ok {
			c.shadow = appendNumber(nil, tagShadow, n)
			c.shadowKind = numberKind(n)
		}
	}
}

// encodeRaw fills c from raw canonical JSON text, without decoding arrays and objects.
func (c *component) encodeRaw(raw string) {
	if raw == "" {
		raw = "null"
	}
	switch raw[0] {
	case 'n', 't', 'f':
		c.kind, c.shadow, c.null = noKind, nil, raw[0] == 'n'
		switch raw[0] {
		case 'n':
			c.enc = append(c.enc[:0], tagNull)
		case 't':
			c.enc = append(c.enc[:0], tagTrue)
		default:
			c.enc = append(c.enc[:0], tagFalse)
		}
	case '[':
		c.enc = appendEscaped(append(c.enc[:0], tagArray), raw)
		c.kind, c.shadow, c.null = noKind, nil, false
	case '{':
		c.enc = appendEscaped(append(c.enc[:0], tagObject), raw)
		c.kind, c.shadow, c.null = noKind, nil, false
	default:
		c.encodeValue(jsondoc.Decode(raw))
	}
}

// rowEntry is one index entry of a row.
type rowEntry struct {
	key    string // the full entry key
	val    string // the entry value: the row key (unique form) or ""
	unique bool   // the unique form: key without the row key, at most one per value
	shadow bool   // a numeric-string shadow entry
}

// rowEntries appends the entries of the row (key, v) to out: the real entry first, then
// one entry per non-empty combination of shadow components. A value that does not exist
// has no entries.
func (cp *compiled) rowEntries(out []rowEntry, key string, v value.Value) []rowEntry {
	if !v.Exists() {
		return out
	}
	doc := docOf(v)
	n := len(cp.cols)
	var compsBuf [4]component
	comps := compsBuf[:0]
	if n > len(compsBuf) {
		comps = make([]component, 0, n)
	}
	null, shadows := false, 0
	for _, col := range cp.cols {
		raw, val, isRaw := col(key, doc)
		comps = append(comps, component{})
		c := &comps[len(comps)-1]
		if isRaw {
			c.encodeRaw(raw)
		} else {
			c.encodeValue(val)
		}
		null = null || c.null
		if c.shadow != nil {
			shadows++
		}
	}
	unique := cp.def.Unique && !null
	out = append(out, cp.entry(comps, 0, key, unique))
	if shadows == 0 {
		return out
	}
	// Every non-empty subset of the columns holding a shadow.
	var cols []int
	for i := range comps {
		if comps[i].shadow != nil {
			cols = append(cols, i)
		}
	}
	for mask := 1; mask < 1<<len(cols); mask++ {
		var use uint64
		for j, c := range cols {
			if mask&(1<<j) != 0 {
				use |= 1 << c
			}
		}
		out = append(out, cp.entry(comps, use, key, false))
	}
	return out
}

// entry builds one entry: the components (shadows for the columns in the bit set use),
// then the row key unless unique, then the kinds.
func (cp *compiled) entry(comps []component, use uint64, key string, unique bool) rowEntry {
	n := len(cp.prefix) + len(key) + len(comps)
	for i := range comps {
		n += max(len(comps[i].enc), len(comps[i].shadow))
	}
	var b strings.Builder // one allocation: the key string itself
	b.Grow(n)
	b.Write(cp.prefix)
	for i := range comps {
		if use&(1<<i) != 0 {
			b.Write(comps[i].shadow)
		} else {
			b.Write(comps[i].enc)
		}
	}
	if !unique {
		b.WriteString(key)
	}
	for i := range comps {
		switch {
		case use&(1<<i) != 0:
			b.WriteByte(comps[i].shadowKind)
		case comps[i].kind != noKind:
			b.WriteByte(comps[i].kind)
		}
	}
	e := rowEntry{key: b.String(), unique: unique, shadow: use != 0}
	if unique {
		e.val = key
	}
	return e
}

// rowKeyOf returns the row key of an entry (key after its index id, and value).
func rowKeyOf(rest []byte, v value.Value, ncols int) (string, bool) {
	_, row, _, _, ok := splitEntry(rest, ncols)
	if !ok {
		return "", false
	}
	if len(row) > 0 {
		return string(row), true
	}
	return v.Str(), true
}
