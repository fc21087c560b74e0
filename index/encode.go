package index

import (
	"encoding/binary"
	"math"

	"github.com/memflux/memflux/jsondoc"
)

// Component tags, in collation order (see the package doc). The order of the first seven
// is SPEC §4.11's ORDER BY order across kinds, so that an ascending scan of an index is an
// ascending ORDER BY of its columns.
const (
	tagNull   byte = 0x01 // SQL NULL, a missing member, a value that is not a JSON document
	tagString byte = 0x02 // escaped bytes, terminated
	tagNumber byte = 0x03 // numberLen bytes
	tagArray  byte = 0x04 // escaped canonical JSON text, terminated
	tagFalse  byte = 0x05
	tagTrue   byte = 0x06
	tagObject byte = 0x07 // escaped canonical JSON text, terminated
	// tagShadow marks the numeric reading of a string that is a decimal number literal
	// ("30"): it is encoded like a number so that `col = 30` finds it (SPEC §4.12). Shadow
	// components appear only in extra non-unique entries, never in ordered output.
	tagShadow byte = 0x08
	// tagEnd is one past the last tag: [tag, tagEnd) spans every component.
	tagEnd byte = 0x09
)

// numberLen is the length of a number or shadow component: the tag, the sortable float64
// and the exact-integer correction.
const numberLen = 1 + 8 + 2

// Number kinds. Integers and floats of equal value (1 and 1.0, 0 and -0.0) have the same
// component, so they sort as equal, as ORDER BY compares them; but a unique index compares
// exact JSON text (SPEC §4.15: 1 and 1.0 are different values), so the entry key ends with
// one kind byte per number component: after the row key (rows of equal values then sort
// by key) or, in the unique form, after the components.
const (
	kindInt       byte = 0
	kindFloat     byte = 1
	kindNegZero   byte = 2 // -0.0, equal to 0 but written differently
	deltaNeutral       = 0x8000
	escByte       byte = 0x00
	escEscaped    byte = 0xff // 0x00 in the text is written 0x00 0xff
	escTerminator byte = 0x01 // the text ends with 0x00 0x01
)

// appendComponent appends the encoding of v to dst (without a number's kind).
func appendComponent(dst []byte, v jsondoc.Value) []byte {
	switch v.Kind() {
	case jsondoc.KindNull:
		return append(dst, tagNull)
	case jsondoc.KindBool:
		if b, _ := v.AsBool(); b {
			return append(dst, tagTrue)
		}
		return append(dst, tagFalse)
	case jsondoc.KindInt, jsondoc.KindUint, jsondoc.KindFloat:
		return appendNumber(dst, tagNumber, v)
	case jsondoc.KindString:
		s, _ := v.Str()
		return appendEscaped(append(dst, tagString), s)
	case jsondoc.KindArray:
		return appendEscaped(append(dst, tagArray), v.String())
	}
	return appendEscaped(append(dst, tagObject), v.String())
}

// numberKind returns the kind byte of a number.
func numberKind(v jsondoc.Value) byte {
	switch v.Kind() {
	case jsondoc.KindInt, jsondoc.KindUint:
		return kindInt
	}
	if f, _ := v.AsFloat(); f == 0 && math.Signbit(f) {
		return kindNegZero
	}
	return kindFloat
}

// appendEscaped appends s with 0x00 escaped, then the terminator.
func appendEscaped(dst []byte, s string) []byte {
	dst = appendEscapedPrefix(dst, s)
	return append(dst, escByte, escTerminator)
}

// appendEscapedPrefix appends s with 0x00 escaped and no terminator: the encoding of s is a
// prefix of the encoding of every string starting with s.
func appendEscapedPrefix(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] == escByte {
			dst = append(dst, escByte, escEscaped)
			continue
		}
		dst = append(dst, s[i])
	}
	return dst
}

// sortableFloat maps f to a uint64 whose unsigned order is f's numeric order (-0 as +0).
func sortableFloat(f float64) uint64 {
	if f == 0 {
		f = 0
	}
	b := math.Float64bits(f)
	if b>>63 == 0 {
		return b | 1<<63
	}
	return ^b
}

// appendNumber appends a number component: tag, sortable float64 of the value, and a
// correction for integers the float64 rounds (their exact order).
func appendNumber(dst []byte, tag byte, v jsondoc.Value) []byte {
	f, _ := v.AsFloat()
	delta := int64(0)
	switch v.Kind() {
	case jsondoc.KindInt:
		i, _ := v.AsInt()
		delta = intDelta(i, f)
	case jsondoc.KindUint:
		u, _ := v.AsUint()
		delta = uintDelta(u, f)
	}
	dst = append(dst, tag)
	dst = binary.BigEndian.AppendUint64(dst, sortableFloat(f))
	return binary.BigEndian.AppendUint16(dst, uint16(deltaNeutral+delta))
}

// intDelta returns i minus the integer value of f = float64(i) (|delta| <= 1024).
func intDelta(i int64, f float64) int64 {
	if f >= 0x1p63 { // rounded up to 2^63, which int64 cannot hold
		return -int64((1 << 63) - uint64(i))
	}
	return i - int64(f)
}

// uintDelta returns u minus the integer value of f = float64(u) (|delta| <= 2048).
func uintDelta(u uint64, f float64) int64 {
	if f >= 0x1p64 {
		return -int64(^u + 1)
	}
	e := uint64(f)
	if u >= e {
		return int64(u - e)
	}
	return -int64(e - u)
}

// shadowOf returns the numeric reading of a string that is a decimal number literal.
func shadowOf(s string) (jsondoc.Value, bool) {
	if s == "" {
		return jsondoc.Value{}, false
	}
	if c := s[0]; c != '-' && c != '+' && c != '.' && (c < '0' || c > '9') {
		return jsondoc.Value{}, false
	}
	return jsondoc.ParseNumber(s)
}

// skipComponent returns the length of the component at the start of b, or -1 when b does
// not start with a well-formed component.
func skipComponent(b []byte) int {
	if len(b) == 0 {
		return -1
	}
	switch b[0] {
	case tagNull, tagFalse, tagTrue:
		return 1
	case tagNumber, tagShadow:
		if len(b) < numberLen {
			return -1
		}
		return numberLen
	case tagString, tagArray, tagObject:
		for i := 1; i+1 < len(b); i++ {
			if b[i] != escByte {
				continue
			}
			if b[i+1] == escTerminator {
				return i + 2
			}
			i++ // escaped 0x00
		}
	}
	return -1
}

// splitEntry splits the part of an entry key after the index id into its n encoded
// components, the row key (empty for the unique form) and the number kinds. ok is false
// for a malformed key. shadow reports whether a component is a shadow.
func splitEntry(rest []byte, n int) (comps, row, kinds []byte, shadow, ok bool) {
	off, nk := 0, 0
	for range n {
		l := skipComponent(rest[off:])
		if l < 0 {
			return nil, nil, nil, false, false
		}
		switch rest[off] {
		case tagShadow:
			shadow = true
			nk++
		case tagNumber:
			nk++
		}
		off += l
	}
	if len(rest)-off < nk {
		return nil, nil, nil, false, false
	}
	end := len(rest) - nk
	return rest[:off], rest[off:end], rest[end:], shadow, true
}
