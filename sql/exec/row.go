package exec

import (
	"unsafe"

	"github.com/memflux/memflux/jsondoc"
)

// Slot is one table reference's part of a row.
type Slot struct {
	// Doc is the canonical JSON text of the document or derived row; ""
	// means the source has no row here (the NULL side of an outer join).
	Doc string
	// Key is the full key of a base-table document; "" for derived rows.
	Key string
	// Pre is the length of the "<table>:" prefix of Key.
	Pre int
}

// Present reports whether the slot holds a row.
func (s *Slot) Present() bool { return s.Doc != "" }

// ID returns the implicit id of a base-table document: its key suffix.
func (s *Slot) ID() string { return s.Key[s.Pre:] }

// Row is a row flowing between operators.
type Row struct {
	Slots []Slot
	Vals  []jsondoc.Value
}

// Text returns the rendered object of an output row (slot 0).
func (r *Row) Text() string {
	if len(r.Slots) == 0 {
		return ""
	}
	return r.Slots[0].Doc
}

// arena allocates retained rows in chunks so that materializing operators
// (hash joins, sorts) do not pay several allocations per row.
type arena struct {
	rows  []Row
	slots []Slot
	vals  []jsondoc.Value
	bytes []byte
}

const arenaChunk = 256

// clone returns a copy of r that stays valid after the emit call: slices
// are copied and keys, which may alias a scan buffer, are copied too.
func (a *arena) clone(r *Row) *Row {
	if len(a.rows) == 0 {
		a.rows = make([]Row, arenaChunk)
	}
	out := &a.rows[0]
	a.rows = a.rows[1:]
	if n := len(r.Slots); n > 0 {
		if len(a.slots) < n {
			a.slots = make([]Slot, max(arenaChunk*n, n))
		}
		out.Slots = a.slots[:n:n]
		a.slots = a.slots[n:]
		copy(out.Slots, r.Slots)
		for i := range out.Slots {
			if k := out.Slots[i].Key; k != "" {
				out.Slots[i].Key = a.str(k)
			}
		}
	}
	if n := len(r.Vals); n > 0 {
		if len(a.vals) < n {
			a.vals = make([]jsondoc.Value, max(arenaChunk*n, n))
		}
		out.Vals = a.vals[:n:n]
		a.vals = a.vals[n:]
		copy(out.Vals, r.Vals)
	}
	return out
}

// str copies s into the arena's byte chunks.
func (a *arena) str(s string) string {
	if len(s) > 1024 {
		return string([]byte(s))
	}
	if cap(a.bytes)-len(a.bytes) < len(s) {
		a.bytes = make([]byte, 0, 16<<10)
	}
	start := len(a.bytes)
	a.bytes = append(a.bytes, s...)
	b := a.bytes[start:len(a.bytes):len(a.bytes)]
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// textBuf accumulates rendered output rows in large chunks; each row is a
// string over an immutable part of a chunk (chunks are never rewritten).
type textBuf struct {
	chunk []byte
}

// finish turns b (built in scratch) into a stable string.
func (t *textBuf) finish(b []byte) string {
	if len(b) > 4096 {
		return string(b)
	}
	if cap(t.chunk)-len(t.chunk) < len(b) {
		// Chunks start small (a point query renders one short row) and double up to
		// 64 KiB, so big results still cost few allocations.
		n := min(max(2*cap(t.chunk), 64, 2*len(b)), 64<<10)
		t.chunk = make([]byte, 0, max(n, len(b)))
	}
	start := len(t.chunk)
	t.chunk = append(t.chunk, b...)
	s := t.chunk[start:len(t.chunk):len(t.chunk)]
	return unsafe.String(unsafe.SliceData(s), len(s))
}
