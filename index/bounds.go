package index

import (
	"bytes"
	"encoding/binary"
	"math"
	"slices"

	"github.com/memflux/memflux/art"
	"github.com/memflux/memflux/jsondoc"
)

// Op is a predicate operator an index scan can answer (a plain value).
type Op uint8

// Operators of Cond, with SPEC §4.12 semantics.
const (
	OpEq     Op = iota // column = value (numeric strings compare as numbers)
	OpLt               // column < value
	OpLe               // column <= value
	OpGt               // column > value
	OpGe               // column >= value
	OpIn               // column IN (values): exact JSON equality
	OpPrefix           // column LIKE 'prefix%': strings starting with Values[0]
)

var opText = [...]string{"=", "<", "<=", ">", ">=", "IN", "LIKE"}

// String returns the operator's SQL spelling.
func (o Op) String() string {
	if int(o) < len(opText) {
		return opText[o]
	}
	return "?"
}

// Cond is one condition on one column of an index, a plain value.
type Cond struct {
	Op     Op
	Values []jsondoc.Value
}

// interval is [lo, hi) over the encoding of one component. It is a plain value.
type interval struct {
	lo, hi []byte
	shadow bool // lies in the shadow region (numeric readings of strings)
}

// keyRange is [start, end) over entry keys.
type keyRange struct {
	start, end []byte
	// shadow: the range reads shadow entries (their order is not the column's order).
	shadow bool
}

// Bounds are the key ranges an index scan reads: sorted and disjoint. The zero Bounds
// reads nothing. Bounds are immutable once made (BoundsFor, FullBounds), so a cached
// plan may share them between goroutines.
type Bounds struct {
	ranges []keyRange
	one    [1]keyRange // ranges of a single range point here (one allocation less)
}

// Ranges returns the number of key ranges.
func (b *Bounds) Ranges() int { return len(b.ranges) }

// Empty reports whether the bounds read nothing (the conditions can match no row).
func (b *Bounds) Empty() bool { return len(b.ranges) == 0 }

// maxRanges bounds the key ranges one scan reads (IN lists times columns).
const maxRanges = 512

// eqEpsilon is wider than the '=' tolerance of SPEC §4.12 (2.220446049250313e-16), so that
// an equality range is a superset of the numbers equal to a constant.
const eqEpsilon = 2.3e-16

// BoundsFor computes the ranges of index def answering conds, where conds[i] are the
// conditions (ANDed) on column i. Leading columns restricted to single values are combined
// with the next column's ranges. ok is false when the first column has no condition (the
// index cannot narrow the scan). A condition can only widen the ranges beyond the exact
// answer, never narrow them: the executor re-checks every row.
func BoundsFor(def *Def, conds [][]Cond) (b *Bounds, ok bool) {
	if len(conds) == 0 || len(conds[0]) == 0 {
		return nil, false
	}
	var id [idLen]byte
	id[0] = entryTag
	binary.BigEndian.PutUint32(id[1:], def.ID)
	first := [1]keyRange{{start: id[:]}}
	prefixes := first[:]
	for col := 0; col < len(def.Columns); col++ {
		var ivs []interval
		if col < len(conds) && len(conds[col]) > 0 {
			ivs = columnIntervals(conds[col])
		} else {
			ivs = []interval{{lo: []byte{tagNull}, hi: []byte{tagShadow}}}
		}
		last := col == len(def.Columns)-1 || col+1 >= len(conds) || len(conds[col+1]) == 0
		points := !last && allPoints(ivs) && len(prefixes)*len(ivs) <= maxRanges
		n := len(prefixes) * len(ivs)
		if !points && n > maxRanges {
			return nil, false
		}
		// One allocation holds every key of the column's ranges.
		size := 0
		for _, p := range prefixes {
			for _, iv := range ivs {
				size += len(p.start) + len(iv.lo)
				if !points {
					size += len(p.start) + len(iv.hi)
				}
			}
		}
		keys := make([]byte, 0, size)
		var out *Bounds
		var next []keyRange
		if !points && n == 1 {
			out = new(Bounds)
			next = out.one[:0]
		} else {
			next = make([]keyRange, 0, n)
		}
		for _, p := range prefixes {
			for _, iv := range ivs {
				r := keyRange{shadow: p.shadow || iv.shadow}
				r.start = carve(&keys, p.start, iv.lo)
				if !points {
					r.end = carve(&keys, p.start, iv.hi)
				}
				next = append(next, r)
			}
		}
		if !points {
			slices.SortFunc(next, func(a, b keyRange) int { return bytes.Compare(a.start, b.start) })
			if out == nil {
				out = new(Bounds)
			}
			out.ranges = next
			return out, true
		}
		prefixes = next
	}
	return nil, false // not reached: the last column never combines as points
}

// carve appends a then b to *buf, which has room for them, and returns them as a slice of
// their own (its capacity ends with them); *buf keeps the rest.
func carve(buf *[]byte, a, b []byte) []byte {
	n := len(*buf)
	*buf = append(append(*buf, a...), b...)
	return (*buf)[n:len(*buf):len(*buf)]
}

// FullBounds returns the ranges of every non-shadow entry of def: an ordered scan of the
// whole index (ORDER BY without a condition).
func FullBounds(def *Def) *Bounds {
	p := idPrefix(def.ID)
	return &Bounds{ranges: []keyRange{{start: append(bytes.Clone(p), tagNull), end: append(bytes.Clone(p), tagShadow)}}}
}

// allPoints reports whether every interval is a single complete component.
func allPoints(ivs []interval) bool {
	for _, iv := range ivs {
		if !isPoint(iv) {
			return false
		}
	}
	return len(ivs) > 0
}

func isPoint(iv interval) bool {
	return skipComponent(iv.lo) == len(iv.lo) && bytes.Equal(iv.hi, art.PrefixEnd(iv.lo))
}

// columnIntervals intersects the intervals of the conditions on one column. A string
// that is a number literal is found by its shadow under a numeric comparison and by its
// real entry under a string one (a comparison with a non-numeric string, LIKE, IN with
// strings): conditions of the two readings cannot be intersected, so only those of the
// first condition's reading are (the result stays a superset; rows are re-checked).
func columnIntervals(conds []Cond) []interval {
	ivs := condIntervals(conds[0])
	first := readingOf(conds[0])
	for _, c := range conds[1:] {
		if r := readingOf(c); r != readsAny && first != readsAny && r != first {
			continue
		}
		if first == readsAny {
			first = readingOf(c)
		}
		ivs = intersect(ivs, condIntervals(c))
	}
	return ivs
}

// reading tells how a condition reads strings that are number literals.
type reading uint8

const (
	readsAny     reading = iota // the condition matches no string (booleans, arrays…)
	readsNumeric                // through their numeric value (shadow entries)
	readsString                 // as strings (real entries)
)

func readingOf(c Cond) reading {
	switch c.Op {
	case OpPrefix:
		return readsString
	case OpIn:
		for _, v := range c.Values {
			if v.Kind() == jsondoc.KindString {
				return readsString
			}
		}
		return readsAny
	}
	if len(c.Values) != 1 {
		return readsAny
	}
	v := c.Values[0]
	if _, ok := numericOf(v); ok {
		return readsNumeric
	}
	if v.Kind() == jsondoc.KindString {
		return readsString
	}
	return readsAny
}

// point returns the interval of exactly one component.
func point(comp []byte) interval {
	return interval{lo: comp, hi: art.PrefixEnd(comp), shadow: comp[0] == tagShadow}
}

// region returns the interval of every component with tag t.
func region(t byte) interval {
	return interval{lo: []byte{t}, hi: []byte{t + 1}, shadow: t == tagShadow}
}

// numbers returns the interval of the numbers (tag tagNumber or tagShadow) whose float64
// lies in [lo, hi]; infinite bounds reach the end of the region.
func numbers(tag byte, lo, hi float64) interval {
	iv := interval{shadow: tag == tagShadow}
	if math.IsInf(lo, -1) {
		iv.lo = []byte{tag}
	} else {
		iv.lo = binary.BigEndian.AppendUint64([]byte{tag}, sortableFloat(lo))
	}
	if math.IsInf(hi, 1) {
		iv.hi = []byte{tag + 1}
	} else {
		iv.hi = art.PrefixEnd(binary.BigEndian.AppendUint64([]byte{tag}, sortableFloat(hi)))
	}
	return iv
}

// numericOf returns the numeric reading of v: numbers, and strings that are decimal
// number literals.
func numericOf(v jsondoc.Value) (jsondoc.Value, bool) {
	if v.IsNumber() {
		return v, true
	}
	if s, ok := v.Str(); ok {
		return shadowOf(s)
	}
	return jsondoc.Value{}, false
}

// condIntervals returns the intervals of the column values that can satisfy one condition
// under SPEC §4.12, sorted and disjoint.
func condIntervals(c Cond) []interval {
	var out []interval
	switch c.Op {
	case OpIn:
		for _, v := range c.Values {
			if v.IsNull() {
				continue
			}
			out = append(out, point(appendComponent(nil, v))) // 1 and 1.0 alike: a superset
		}
	case OpPrefix:
		s, ok := c.Values[0].Str()
		if !ok {
			return nil
		}
		lo := appendEscapedPrefix([]byte{tagString}, s)
		out = append(out, interval{lo: lo, hi: art.PrefixEnd(lo)})
	default:
		if len(c.Values) != 1 || c.Values[0].IsNull() {
			return nil
		}
		out = compareIntervals(c.Op, c.Values[0])
	}
	return normalize(out)
}

// compareIntervals handles the comparison operators.
func compareIntervals(op Op, v jsondoc.Value) []interval {
	n, numeric := numericOf(v)
	switch {
	case numeric:
		out := numberIntervals(op, n)
		if s, ok := v.Str(); ok && op != OpEq {
			// A numeric string constant also orders the other strings byte-wise.
			enc := appendComponent(nil, jsondoc.String(s))
			if op == OpLt || op == OpLe {
				out = append(out, interval{lo: []byte{tagString}, hi: art.PrefixEnd(enc)})
			} else {
				out = append(out, interval{lo: enc, hi: []byte{tagString + 1}})
			}
		}
		return out
	case v.Kind() == jsondoc.KindString:
		s, _ := v.Str()
		enc := appendComponent(make([]byte, 0, len(s)+8), v)
		switch op {
		case OpEq:
			return []interval{point(enc)}
		case OpLt, OpLe:
			return []interval{{lo: []byte{tagString}, hi: art.PrefixEnd(enc)}}
		}
		return []interval{{lo: enc, hi: []byte{tagString + 1}}}
	case v.Kind() == jsondoc.KindBool:
		b, _ := v.AsBool()
		switch {
		case op == OpEq && b, op == OpGe && b, op == OpGt && !b:
			return []interval{region(tagTrue)}
		case op == OpEq, op == OpLe && !b, op == OpLt && b:
			return []interval{region(tagFalse)}
		case op == OpLe:
			return []interval{region(tagFalse), region(tagTrue)}
		case op == OpGe:
			return []interval{region(tagFalse), region(tagTrue)}
		}
		return nil
	case op == OpEq: // arrays and objects: JSON equality
		return []interval{point(appendComponent(nil, v))}
	}
	return nil // ordering arrays and objects is always false
}

// numberIntervals returns the number and shadow intervals of a numeric comparison.
func numberIntervals(op Op, n jsondoc.Value) []interval {
	f, _ := n.AsFloat()
	var out []interval
	for _, tag := range []byte{tagNumber, tagShadow} {
		switch op {
		case OpEq:
			out = append(out, numberEq(tag, f)...)
		case OpLt, OpLe: // '<=' is true within the '=' tolerance above f
			out = append(out, numbers(tag, math.Inf(-1), f+eqEpsilon))
		default:
			out = append(out, numbers(tag, f-eqEpsilon, math.Inf(1)))
		}
	}
	return out
}

// numberEq returns the intervals of the numbers equal to n (f = its float64): the exact
// component when the tolerance cannot matter (1 <= |f| < 2^53), else a float range.
func numberEq(tag byte, f float64) []interval {
	switch {
	case math.Abs(f) < 1:
		return []interval{numbers(tag, f-eqEpsilon, f+eqEpsilon)}
	case math.Abs(f) >= 1<<53: // integers near f compare equal to a float f
		return []interval{numbers(tag, f, f)}
	}
	return []interval{point(appendNumber(nil, tag, jsondoc.Float(f)))}
}

// normalize sorts intervals and merges overlapping ones.
func normalize(ivs []interval) []interval {
	slices.SortFunc(ivs, func(a, b interval) int { return bytes.Compare(a.lo, b.lo) })
	out := ivs[:0]
	for _, iv := range ivs {
		if len(out) > 0 {
			last := &out[len(out)-1]
			if bytes.Compare(iv.lo, last.hi) < 0 {
				if bytes.Compare(iv.hi, last.hi) > 0 {
					last.hi = iv.hi
				}
				last.shadow = last.shadow || iv.shadow
				continue
			}
		}
		out = append(out, iv)
	}
	return out
}

// intersect returns the intersection of two normalized interval lists.
func intersect(a, b []interval) []interval {
	var out []interval
	for _, x := range a {
		for _, y := range b {
			lo, hi := x.lo, x.hi
			if bytes.Compare(y.lo, lo) > 0 {
				lo = y.lo
			}
			if bytes.Compare(y.hi, hi) < 0 {
				hi = y.hi
			}
			if bytes.Compare(lo, hi) < 0 {
				out = append(out, interval{lo: lo, hi: hi, shadow: x.shadow || y.shadow})
			}
		}
	}
	return normalize(out)
}
