package jsondoc

import (
	"math"
	"slices"
	"strings"
	"unsafe"
)

// Kind is the JSON type of a Value. It is a plain value, safe to copy and share.
type Kind uint8

// The kinds of Value. The zero Value is Null.
const (
	KindNull   Kind = iota
	KindBool        // true or false
	KindInt         // int64
	KindUint        // uint64 greater than math.MaxInt64
	KindFloat       // finite float64
	KindString      // UTF-8 text
	KindArray       // ordered elements
	KindObject      // members sorted by name, names unique
)

var kindNames = [...]string{"null", "bool", "int", "uint", "float", "string", "array", "object"}

// String returns the lowercase name of k.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "invalid"
}

// Value is an immutable JSON value: the SQL engine's row cell type. It is three words
// (24 bytes): the kind, one number-sized field holding the boolean, the integer or float
// bits, or the length of a string, array or object, and one pointer to the string bytes,
// the first element or the first member. The zero Value is null.
//
// Values are built with the constructors (Null, Bool, Int, Uint, Float, String, Array,
// Object), by Parse or by Decode, and are never modified afterwards, so they are safe to
// share between goroutines.
type Value struct {
	p    unsafe.Pointer // string data, *Value of the first element, or *Member of the first member
	n    uint64         // bool (0/1), int64 or uint64 bits, float64 bits, or length
	kind Kind
}

// Member is one name/value pair of an object. The Members of an object Value are shared
// with it and, like it, read-only, so they are safe for concurrent reads.
type Member struct {
	Name  string
	Value Value
}

// Null returns the JSON null (the zero Value).
func Null() Value { return Value{} }

// Bool returns true or false.
func Bool(b bool) Value {
	if b {
		return Value{kind: KindBool, n: 1}
	}
	return Value{kind: KindBool}
}

// Int returns an integer.
func Int(i int64) Value { return Value{kind: KindInt, n: uint64(i)} }

// Uint returns an unsigned integer; values up to math.MaxInt64 are Int, so a given
// number has exactly one representation.
func Uint(u uint64) Value {
	if u <= math.MaxInt64 {
		return Int(int64(u))
	}
	return Value{kind: KindUint, n: u}
}

// Float returns a floating-point number. NaN and ±Inf are not JSON numbers: for them
// Float returns Null, which is what an SQL computation with a non-finite result yields
// (SPEC.md §3.3).
func Float(f float64) Value {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return Value{}
	}
	return Value{kind: KindFloat, n: math.Float64bits(f)}
}

// String returns a string value. Each byte of s that is not valid UTF-8 is replaced by U+FFFD, so
// every string Value can be written as JSON and read back unchanged.
func String(s string) Value {
	s = toValidUTF8(s)
	return stringValue(s)
}

// stringValue returns a string value without checking UTF-8.
func stringValue(s string) Value {
	return Value{kind: KindString, p: unsafe.Pointer(unsafe.StringData(s)), n: uint64(len(s))}
}

// Array returns an array of the given elements. The Value takes ownership of elems: the
// caller must not modify the slice afterwards.
func Array(elems []Value) Value {
	return Value{kind: KindArray, p: unsafe.Pointer(unsafe.SliceData(elems)), n: uint64(len(elems))}
}

// Object returns an object of the given members, sorted by name (byte-wise) with
// repeated names reduced to their last occurrence, as JSON input with duplicate keys
// is. Invalid UTF-8 in names is replaced by U+FFFD. Object sorts and compacts members in
// place and takes ownership of the slice: the caller must not use it afterwards.
func Object(members []Member) Value {
	for i := range members {
		members[i].Name = toValidUTF8(members[i].Name)
	}
	return objectValue(members)
}

// objectValue returns an object of members with valid UTF-8 names, sorting and
// deduplicating them unless they are already strictly ascending.
func objectValue(members []Member) Value {
	for i := 1; i < len(members); i++ {
		if members[i-1].Name >= members[i].Name {
			members = sortMembers(members)
			break
		}
	}
	return Value{kind: KindObject, p: unsafe.Pointer(unsafe.SliceData(members)), n: uint64(len(members))}
}

// sortMembers sorts ms by name, stably, and keeps only the last member of each run of
// equal names.
func sortMembers(ms []Member) []Member {
	slices.SortStableFunc(ms, func(a, b Member) int { return strings.Compare(a.Name, b.Name) })
	w := 0
	for k := range ms {
		if k+1 < len(ms) && ms[k+1].Name == ms[k].Name {
			continue
		}
		ms[w] = ms[k]
		w++
	}
	clear(ms[w:])
	return ms[:w]
}

// Kind returns the JSON type of v.
func (v Value) Kind() Kind { return v.kind }

// IsNull reports whether v is null.
func (v Value) IsNull() bool { return v.kind == KindNull }

// AsBool returns the boolean of a KindBool value.
func (v Value) AsBool() (b, ok bool) { return v.n != 0, v.kind == KindBool }

// AsInt returns the integer of a KindInt value. Uint and Float values report false even
// when integral; convert with AsFloat for arithmetic.
func (v Value) AsInt() (int64, bool) {
	if v.kind != KindInt {
		return 0, false
	}
	return int64(v.n), true
}

// AsUint returns the integer of a KindUint value or of a non-negative KindInt value.
func (v Value) AsUint() (uint64, bool) {
	switch {
	case v.kind == KindUint, v.kind == KindInt && int64(v.n) >= 0:
		return v.n, true
	}
	return 0, false
}

// AsFloat returns any number (Int, Uint or Float) as a float64, rounding large integers
// to the nearest float64. It reports false for non-numbers.
func (v Value) AsFloat() (float64, bool) {
	switch v.kind {
	case KindInt:
		return float64(int64(v.n)), true
	case KindUint:
		return float64(v.n), true
	case KindFloat:
		return math.Float64frombits(v.n), true
	}
	return 0, false
}

// IsNumber reports whether v is an Int, Uint or Float.
func (v Value) IsNumber() bool {
	return v.kind == KindInt || v.kind == KindUint || v.kind == KindFloat
}

// Str returns the text of a KindString value.
func (v Value) Str() (string, bool) {
	if v.kind != KindString {
		return "", false
	}
	return unsafe.String((*byte)(v.p), int(v.n)), true
}

// Len returns the number of elements of an array or members of an object, and 0 for
// every other kind.
func (v Value) Len() int {
	if v.kind == KindArray || v.kind == KindObject {
		return int(v.n)
	}
	return 0
}

// Elems returns the elements of an array (nil for other kinds). The slice is shared with
// v and must not be modified.
func (v Value) Elems() []Value {
	if v.kind != KindArray || v.n == 0 {
		return nil
	}
	return unsafe.Slice((*Value)(v.p), int(v.n))
}

// Index returns element i of an array, or Null when v is not an array or i is out of
// range.
func (v Value) Index(i int) Value {
	if v.kind != KindArray || i < 0 || uint64(i) >= v.n {
		return Value{}
	}
	return v.Elems()[i]
}

// Members returns the members of an object sorted by name (nil for other kinds). The
// slice is shared with v and must not be modified.
func (v Value) Members() []Member {
	if v.kind != KindObject || v.n == 0 {
		return nil
	}
	return unsafe.Slice((*Member)(v.p), int(v.n))
}

// Member returns the value of the named member of an object, by binary search. As in
// Object, invalid UTF-8 in name stands for U+FFFD.
func (v Value) Member(name string) (Value, bool) {
	name = toValidUTF8(name)
	ms := v.Members()
	i, found := slices.BinarySearchFunc(ms, name, func(m Member, name string) int {
		return strings.Compare(m.Name, name)
	})
	if !found {
		return Value{}, false
	}
	return ms[i].Value, true
}

// Equal reports whether a and b are equal as JSON values. Equality is type-sensitive:
// 1, 1.0 and "1" all differ (Int and Float never compare equal), as do Int and Uint
// (which cover disjoint ranges). Floats compare with ==, so 0.0 equals -0.0. Arrays are
// equal element-wise, objects member-wise.
func Equal(a, b Value) bool {
	if a.kind != b.kind {
		return false
	}
	switch a.kind {
	case KindNull:
		return true
	case KindBool, KindInt, KindUint:
		return a.n == b.n
	case KindFloat:
		return math.Float64frombits(a.n) == math.Float64frombits(b.n)
	case KindString:
		as, _ := a.Str()
		bs, _ := b.Str()
		return as == bs
	case KindArray:
		ae, be := a.Elems(), b.Elems()
		if len(ae) != len(be) {
			return false
		}
		for i := range ae {
			if !Equal(ae[i], be[i]) {
				return false
			}
		}
		return true
	case KindObject:
		am, bm := a.Members(), b.Members()
		if len(am) != len(bm) {
			return false
		}
		for i := range am {
			if am[i].Name != bm[i].Name || !Equal(am[i].Value, bm[i].Value) {
				return false
			}
		}
		return true
	}
	return false
}
