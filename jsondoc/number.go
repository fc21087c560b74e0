package jsondoc

import (
	"math"
	"strconv"
)

// FormatFloat appends the canonical text of f to dst: the shortest decimal that reads
// back as f, laid out like serde_json (ryu) prints it — 1000.0, 20.5, 0.00001, 1e20,
// 1.5e-7, -0.0 (see the package documentation for the rules). NaN and ±Inf, which JSON
// cannot represent, are written as null.
func FormatFloat(dst []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(dst, "null"...)
	}
	// strconv gives the shortest round-trip digits as d.ddde±XX; re-lay them out.
	var buf [32]byte
	s := strconv.AppendFloat(buf[:0], f, 'e', -1, 64)
	if s[0] == '-' {
		dst = append(dst, '-')
		s = s[1:]
	}
	e := len(s) - 1
	for s[e] != 'e' {
		e--
	}
	var digitBuf [24]byte
	digits := append(digitBuf[:0], s[0])
	if e > 1 { // s[1] is the '.'
		digits = append(digits, s[2:e]...)
	}
	exp := 0
	for _, c := range s[e+2:] {
		exp = exp*10 + int(c-'0')
	}
	if s[e+1] == '-' {
		exp = -exp
	}
	n := len(digits)
	k := exp - (n - 1) // value = digits × 10^k
	kk := n + k        // position of the decimal point relative to the digits
	switch {
	case k >= 0 && kk <= 16:
		dst = append(dst, digits...)
		for range k {
			dst = append(dst, '0')
		}
		return append(dst, '.', '0')
	case kk > 0 && kk <= 16:
		dst = append(dst, digits[:kk]...)
		dst = append(dst, '.')
		return append(dst, digits[kk:]...)
	case kk > -5 && kk <= 0:
		dst = append(dst, '0', '.')
		for range -kk {
			dst = append(dst, '0')
		}
		return append(dst, digits...)
	case n == 1:
		dst = append(dst, digits[0], 'e')
		return strconv.AppendInt(dst, int64(kk-1), 10)
	default:
		dst = append(dst, digits[0], '.')
		dst = append(dst, digits[1:]...)
		dst = append(dst, 'e')
		return strconv.AppendInt(dst, int64(kk-1), 10)
	}
}

// parseFloat converts a validated decimal literal to float64, reporting false when it
// overflows to ±Inf (serde_json rejects such numbers). Underflow rounds to zero.
func parseFloat(lit string) (float64, bool) {
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// ParseNumber parses s as an SQL decimal number literal (SPEC.md §4.12): an optional sign
// ('+' or '-'), decimal digits with an optional fraction ("5.", ".5" and "5.25" are all
// accepted, but at least one digit is required), and an optional exponent, with nothing
// else around it — no spaces, no hex, no "inf" or "nan". Leading zeros are allowed.
//
// Without fraction and exponent the result is an Int when the value fits int64, a Uint
// when it fits uint64, and a Float otherwise ("-0" is Int 0). With a fraction or
// exponent it is a Float. Literals that overflow float64 are rejected.
func ParseNumber(s string) (Value, bool) {
	i := 0
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	intStart := i
	i = skipDigits(s, i)
	intEnd := i
	isInt := true
	fracDigits := 0
	if i < len(s) && s[i] == '.' {
		j := skipDigits(s, i+1)
		fracDigits, i, isInt = j-(i+1), j, false
	}
	if intEnd == intStart && fracDigits == 0 {
		return Value{}, false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := skipDigits(s, i)
		if j == i {
			return Value{}, false
		}
		i, isInt = j, false
	}
	if i != len(s) {
		return Value{}, false
	}
	if isInt {
		digits := s[intStart:intEnd]
		for len(digits) > 1 && digits[0] == '0' {
			digits = digits[1:]
		}
		switch classifyInt(neg, digits) {
		case fitsInt64:
			u := parseDigits(digits)
			if neg {
				return Int(int64(-u)), true
			}
			return Int(int64(u)), true
		case fitsUint64:
			if !neg {
				return Uint(parseDigits(digits)), true
			}
		}
	}
	f, ok := parseFloat(s)
	if !ok {
		return Value{}, false
	}
	return Float(f), true
}
