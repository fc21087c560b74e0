package sem

import (
	"math"
	"strings"

	"github.com/memflux/memflux/jsondoc"
)

// OrderCompare compares two non-null values for ORDER BY, MIN, MAX, GREATEST
// and LEAST (SPEC §4.11): numbers numerically, strings byte-wise, booleans
// false < true, anything else by comparing the JSON texts. With numeric set
// (a schema column of numeric or TIMESTAMP type) values that are numbers or
// numeric strings on both sides compare as numbers first.
// NULLs are placed by the caller (OrderCompareNulls).
func OrderCompare(a, b jsondoc.Value, numeric bool) int {
	if numeric {
		if x, ok := NumericValue(a); ok {
			if y, ok := NumericValue(b); ok {
				return orderNumbers(x, y)
			}
		}
	}
	ak, bk := a.Kind(), b.Kind()
	switch {
	case a.IsNumber() && b.IsNumber():
		return orderNumbers(a, b)
	case ak == jsondoc.KindString && bk == jsondoc.KindString:
		as, _ := a.Str()
		bs, _ := b.Str()
		return strings.Compare(as, bs)
	case ak == jsondoc.KindBool && bk == jsondoc.KindBool:
		x, _ := a.AsBool()
		y, _ := b.AsBool()
		switch {
		case x == y:
			return 0
		case !x:
			return -1
		}
		return 1
	}
	var ab, bb [64]byte
	return strings.Compare(string(a.Append(ab[:0])), string(b.Append(bb[:0])))
}

// orderNumbers compares numbers exactly (integers) or as floats, without
// the epsilon of '=' so that sorting stays a total order.
func orderNumbers(a, b jsondoc.Value) int {
	if a.Kind() != jsondoc.KindFloat && b.Kind() != jsondoc.KindFloat {
		return cmpIntegers(a, b)
	}
	x, _ := a.AsFloat()
	y, _ := b.AsFloat()
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// OrderCompareNulls compares a and b for one ORDER BY key: desc reverses the
// order; NULLs go first ascending and last descending unless nullsFirst
// overrides it (0 default, 1 first, 2 last).
func OrderCompareNulls(a, b jsondoc.Value, numeric, desc bool, nulls uint8) int {
	an, bn := a.IsNull(), b.IsNull()
	if an || bn {
		if an && bn {
			return 0
		}
		first := !desc
		switch nulls {
		case 1:
			first = true
		case 2:
			first = false
		}
		if an == first {
			return -1
		}
		return 1
	}
	c := OrderCompare(a, b, numeric)
	if desc {
		return -c
	}
	return c
}

// AppendEqualKey appends a key for '=' equality to dst: two non-null values
// that are equal under Compare(=) get the same key, except numbers closer
// than the equality epsilon that are not bit-identical (a documented
// approximation of hash joins). Numbers and numeric strings share the number
// key; other strings, booleans, arrays and objects key by their kind and
// JSON text. ok is false for NULL, which equals nothing.
func AppendEqualKey(dst []byte, v jsondoc.Value) (_ []byte, ok bool) {
	switch v.Kind() {
	case jsondoc.KindNull:
		return dst, false
	case jsondoc.KindInt, jsondoc.KindUint, jsondoc.KindFloat:
		return appendNumberKey(dst, v), true
	case jsondoc.KindString:
		s, _ := v.Str()
		if isNumericStart(s) {
			if n, ok := jsondoc.ParseNumber(s); ok {
				return appendNumberKey(dst, n), true
			}
		}
		dst = append(dst, 's')
		return append(dst, s...), true
	}
	dst = append(dst, 'j')
	return v.Append(dst), true
}

func appendNumberKey(dst []byte, v jsondoc.Value) []byte {
	if i, ok := v.AsInt(); ok && i > -(1<<53) && i < 1<<53 {
		return appendFloatKey(dst, float64(i))
	}
	if u, ok := v.AsUint(); ok && v.Kind() == jsondoc.KindUint {
		dst = append(dst, 'u')
		for k := 0; k < 8; k++ {
			dst = append(dst, byte(u>>(8*k)))
		}
		return dst
	}
	if i, ok := v.AsInt(); ok {
		dst = append(dst, 'i')
		for k := 0; k < 8; k++ {
			dst = append(dst, byte(uint64(i)>>(8*k)))
		}
		return dst
	}
	f, _ := v.AsFloat()
	return appendFloatKey(dst, f)
}

func appendFloatKey(dst []byte, f float64) []byte {
	if f == 0 {
		f = 0 // -0 and +0 are equal
	}
	if f == math.Trunc(f) && math.Abs(f) < 1<<63 && (f >= 1<<53 || f <= -(1<<53)) {
		// Large integral floats must meet the exact integer keys above.
		dst = append(dst, 'i')
		i := int64(f)
		for k := 0; k < 8; k++ {
			dst = append(dst, byte(uint64(i)>>(8*k)))
		}
		return dst
	}
	bits := math.Float64bits(f)
	dst = append(dst, 'n')
	for k := 0; k < 8; k++ {
		dst = append(dst, byte(bits>>(8*k)))
	}
	return dst
}

// AppendIdentityKey appends a key under which two values are equal exactly
// when they are equal as JSON (type-sensitive: 1, 1.0 and "1" differ; null
// equals null), as DISTINCT, GROUP BY, UNION and COUNT(DISTINCT) need. It is
// the canonical JSON text, which is unique per value except for -0.0.
func AppendIdentityKey(dst []byte, v jsondoc.Value) []byte {
	if f, ok := v.AsFloat(); ok && v.Kind() == jsondoc.KindFloat && f == 0 {
		return append(dst, "0.0"...)
	}
	return v.Append(dst)
}
