package index

import (
	"unsafe"

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
// (noKind when it is not a number), and the shadow of a number-literal string. It is
// scratch space of an entryBuf, reused (its byte slices too) from row to row.
type component struct {
	enc        []byte
	kind       byte
	shadow     []byte // valid when hasShadow
	shadowKind byte
	hasShadow  bool
	null       bool
}

// noKind marks a component without a kind byte.
const noKind byte = 0xff

// encodeValue fills c from a value.
func (c *component) encodeValue(v jsondoc.Value) {
	c.enc = appendComponent(c.enc[:0], v)
	c.kind, c.hasShadow, c.null = noKind, false, v.IsNull()
	if v.IsNumber() {
		c.kind = numberKind(v)
	}
	if str, ok := v.Str(); ok {
		if n, ok := shadowOf(str); ok {
			c.shadow = appendNumber(c.shadow[:0], tagShadow, n)
			c.shadowKind = numberKind(n)
			c.hasShadow = true
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
		c.kind, c.hasShadow, c.null = noKind, false, raw[0] == 'n'
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
		c.kind, c.hasShadow, c.null = noKind, false, false
	case '{':
		c.enc = appendEscaped(append(c.enc[:0], tagObject), raw)
		c.kind, c.hasShadow, c.null = noKind, false, false
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

// entryBuf is the scratch space of computing entries: the components of the row at hand
// (appendEntries) and, when it is an arena, the bytes of the entry keys. It is not safe
// for concurrent use; the zero value is ready (not an arena).
//
// An arena makes the keys of a whole commit share a few buffers instead of allocating one
// string each: the strings it returns alias its buffer and stay valid only until reset,
// after which their bytes are overwritten. The Deriver uses one (changeSet.buf), which is
// sound because txn copies every key it installs and keeps no derived write past the
// commit (txn.Deriver), and nothing else keeps an entry key from one Derive call to the
// next.
type entryBuf struct {
	comps []component
	arena bool
	keys  []byte // arena: the current buffer; keys are carved from its spare capacity
}

// reset lets the arena reuse its buffer: every key it returned before is invalid.
func (eb *entryBuf) reset() { eb.keys = eb.keys[:0] }

// alloc returns an empty slice of capacity n for one key: from the arena, or a new
// allocation. The caller fills it without growing it and never changes it afterwards.
func (eb *entryBuf) alloc(n int) []byte {
	if !eb.arena {
		return make([]byte, 0, n)
	}
	if cap(eb.keys)-len(eb.keys) < n {
		// A new buffer; keys carved from the old one keep it alive until they die.
		eb.keys = make([]byte, 0, max(2*cap(eb.keys), n, 512))
	}
	l := len(eb.keys)
	eb.keys = eb.keys[:l+n]
	return eb.keys[l : l : l+n]
}

// rowEntries appends the entries of the row (key, v) to out: the real entry first, then
// one entry per non-empty combination of shadow components. A value that does not exist
// has no entries. The keys are freshly allocated strings.
func (cp *compiled) rowEntries(out []rowEntry, key string, v value.Value) []rowEntry {
	var eb entryBuf
	var compsBuf [4]component
	comps := compsBuf[:]
	if len(cp.cols) > len(compsBuf) {
		comps = make([]component, len(cp.cols))
	}
	return cp.entries(&eb, comps, out, key, v)
}

// appendEntries is rowEntries computing in eb: its components, and keys from its arena
// if it is one.
func (cp *compiled) appendEntries(eb *entryBuf, out []rowEntry, key string, v value.Value) []rowEntry {
	if n := len(cp.cols); len(eb.comps) < n {
		eb.comps = append(eb.comps, make([]component, n-len(eb.comps))...)
	}
	return cp.entries(eb, eb.comps, out, key, v)
}

// entries implements rowEntries with the scratch components comps (at least one per
// column), which it does not keep, and the keys allocated by eb.
func (cp *compiled) entries(eb *entryBuf, comps []component, out []rowEntry, key string, v value.Value) []rowEntry {
	if !v.Exists() {
		return out
	}
	doc := docOf(v)
	comps = comps[:len(cp.cols)]
	null, shadows := false, 0
	for i, col := range cp.cols {
		raw, val, isRaw := col(key, doc)
		c := &comps[i]
		if isRaw {
			c.encodeRaw(raw)
		} else {
			c.encodeValue(val)
		}
		null = null || c.null
		if c.hasShadow {
			shadows++
		}
	}
	unique := cp.def.Unique && !null
	out = append(out, cp.entry(eb, comps, 0, key, unique))
	if shadows == 0 {
		return out
	}
	// Every non-empty subset of the columns holding a shadow.
	var cols []int
	for i := range comps {
		if comps[i].hasShadow {
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
		out = append(out, cp.entry(eb, comps, use, key, false))
	}
	return out
}

// entry builds one entry: the components (shadows for the columns in the bit set use),
// then the row key unless unique, then the kinds. Its key is allocated by eb.
func (cp *compiled) entry(eb *entryBuf, comps []component, use uint64, key string, unique bool) rowEntry {
	n := len(cp.prefix) + len(key) + len(comps)
	for i := range comps {
		n += max(len(comps[i].enc), len(comps[i].shadow))
	}
	b := eb.alloc(n)
	b = append(b, cp.prefix...)
	for i := range comps {
		if use&(1<<i) != 0 {
			b = append(b, comps[i].shadow...)
		} else {
			b = append(b, comps[i].enc...)
		}
	}
	if !unique {
		b = append(b, key...)
	}
	for i := range comps {
		switch {
		case use&(1<<i) != 0:
			b = append(b, comps[i].shadowKind)
		case comps[i].kind != noKind:
			b = append(b, comps[i].kind)
		}
	}
	// b never grows past n, so it is still the allocation of eb.alloc, which nothing
	// else writes until the key is dead (see entryBuf).
	e := rowEntry{key: unsafe.String(unsafe.SliceData(b), len(b)), unique: unique, shadow: use != 0}
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
