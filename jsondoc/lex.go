package jsondoc

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// maxDepth is the deepest nesting of arrays and objects that Normalize and Parse accept
// (the root container is level 1).
const maxDepth = 512

// plainByte[c] reports whether byte c stands for itself inside a string literal and needs
// no further attention from the scanners: printable ASCII other than '"' and '\'.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// skipSpace returns the offset of the first non-whitespace byte of s at or after i.
func skipSpace(s string, i int) int {
	for i < len(s) {
		switch s[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// scanString validates the string literal starting at s[i], which must be '"'. It
// returns the offset just past the closing quote and whether the literal contains a
// backslash escape. Without escapes the bytes between the quotes are both the decoded
// string and its canonical encoding.
func scanString(s string, i int) (end int, escaped bool, ok bool) {
	j := i + 1
	for {
		for j < len(s) && plainByte[s[j]] {
			j++
		}
		if j >= len(s) {
			return 0, false, false
		}
		switch c := s[j]; {
		case c == '"':
			return j + 1, escaped, true
		case c == '\\':
			if j, ok = scanEscape(s, j); !ok {
				return 0, false, false
			}
			escaped = true
		case c < 0x20:
			return 0, false, false
		default:
			r, size := utf8.DecodeRuneInString(s[j:])
			if r == utf8.RuneError && size == 1 {
				return 0, false, false
			}
			j += size
		}
	}
}

// scanEscape validates the escape sequence starting at s[j] (a backslash) and returns the
// offset after it. A \u escape of a high surrogate must be followed by a \u escape of a
// low surrogate; a lone surrogate of either kind is rejected.
func scanEscape(s string, j int) (int, bool) {
	if j+1 >= len(s) {
		return 0, false
	}
	switch s[j+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return j + 2, true
	case 'u':
		r, ok := hex4(s, j+2)
		switch {
		case !ok || isLowSurrogate(r):
			return 0, false
		case !isHighSurrogate(r):
			return j + 6, true
		}
		if j+7 >= len(s) || s[j+6] != '\\' || s[j+7] != 'u' {
			return 0, false
		}
		if r2, ok := hex4(s, j+8); !ok || !isLowSurrogate(r2) {
			return 0, false
		}
		return j + 12, true
	}
	return 0, false
}

func isHighSurrogate(r rune) bool { return r >= 0xD800 && r < 0xDC00 }
func isLowSurrogate(r rune) bool  { return r >= 0xDC00 && r < 0xE000 }

// hex4 decodes the four hex digits at s[i:i+4].
func hex4(s string, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	var r rune
	for _, c := range []byte(s[i : i+4]) {
		d := hexValue(c)
		if d < 0 {
			return 0, false
		}
		r = r<<4 | rune(d)
	}
	return r, true
}

// hexValue returns the value of hex digit c, or -1.
func hexValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// appendUnescaped appends the decoded form of content (the bytes between the quotes of a
// string literal) to dst. It reports false on a malformed escape; it does not check
// UTF-8 or control characters, which scanString does.
func appendUnescaped(dst []byte, content string) ([]byte, bool) {
	for {
		k := strings.IndexByte(content, '\\')
		if k < 0 {
			return append(dst, content...), true
		}
		dst = append(dst, content[:k]...)
		content = content[k:]
		if len(content) < 2 {
			return dst, false
		}
		switch c := content[1]; c {
		case '"', '\\', '/':
			dst = append(dst, c)
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r, ok := hex4(content, 2)
			if !ok {
				return dst, false
			}
			if isHighSurrogate(r) {
				r2, ok := hex4(content, 8)
				if !ok || content[6] != '\\' || content[7] != 'u' || !isLowSurrogate(r2) {
					return dst, false
				}
				r = utf16.DecodeRune(r, r2)
				content = content[6:]
			} else if isLowSurrogate(r) {
				return dst, false
			}
			dst = utf8.AppendRune(dst, r)
			content = content[4:]
		default:
			return dst, false
		}
		content = content[2:]
	}
}

// scanNumber validates the RFC 8259 number starting at s[i] and returns the offset after
// it and whether it is an integer (no fraction, no exponent). The caller checks what
// follows, so "01" fails there (after "0").
func scanNumber(s string, i int) (end int, isInt bool, ok bool) {
	j := i
	if j < len(s) && s[j] == '-' {
		j++
	}
	switch {
	case j >= len(s):
		return 0, false, false
	case s[j] == '0':
		j++
	case s[j] >= '1' && s[j] <= '9':
		j = skipDigits(s, j+1)
	default:
		return 0, false, false
	}
	isInt = true
	if j < len(s) && s[j] == '.' {
		k := skipDigits(s, j+1)
		if k == j+1 {
			return 0, false, false
		}
		j, isInt = k, false
	}
	if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
		j++
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		k := skipDigits(s, j)
		if k == j {
			return 0, false, false
		}
		j, isInt = k, false
	}
	return j, isInt, true
}

// afterElement reads what follows an array element or object member that ends at s[i]:
// optional whitespace, then ',' (more is true and next is the offset of the next element)
// or the closing byte close (more is false and next is the offset after it). Anything
// else reports ok false.
func afterElement(s string, i int, close byte) (next int, more, ok bool) {
	i = skipSpace(s, i)
	switch {
	case i >= len(s):
		return i, false, false
	case s[i] == ',':
		return skipSpace(s, i+1), true, true
	case s[i] == close:
		return i + 1, false, true
	}
	return i, false, false
}

// splitSign splits an integer literal accepted by scanNumber into its sign and digits.
func splitSign(lit string) (neg bool, digits string) {
	if lit[0] == '-' {
		return true, lit[1:]
	}
	return false, lit
}

// skipDigits returns the offset of the first byte of s at or after i that is not a
// decimal digit.
func skipDigits(s string, i int) int {
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

// intRange classifies an integer literal.
type intRange uint8

const (
	fitsInt64  intRange = iota // -9223372036854775808 … 9223372036854775807
	fitsUint64                 // 9223372036854775808 … 18446744073709551615
	tooBig                     // anything else: becomes a float64
)

// classifyInt reports which integer type can hold the decimal literal neg·digits.
// digits has no sign and no leading zeros (except the single digit "0").
func classifyInt(neg bool, digits string) intRange {
	const maxInt64, minInt64Abs, maxUint64 = "9223372036854775807", "9223372036854775808",
		"18446744073709551615"
	switch n := len(digits); {
	case n < len(maxInt64):
		return fitsInt64
	case neg:
		if n == len(minInt64Abs) && digits <= minInt64Abs {
			return fitsInt64
		}
	case n == len(maxInt64) && digits <= maxInt64:
		return fitsInt64
	case n < len(maxUint64) || (n == len(maxUint64) && digits <= maxUint64):
		return fitsUint64
	}
	return tooBig
}

// parseDigits returns the value of a string of at most 20 decimal digits that is known to
// fit a uint64 (see classifyInt).
func parseDigits(digits string) uint64 {
	var u uint64
	for i := 0; i < len(digits); i++ {
		u = u*10 + uint64(digits[i]-'0')
	}
	return u
}

// bytesString returns b as a string without copying. The caller must never modify b
// afterwards.
func bytesString(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// canonByte decodes one byte of canonical string content at s[i] and returns it with the
// offset of the next one. Canonical escapes (\" \\ \b \f \n \r \t \u00XX) all stand for a
// single byte, so comparing decoded bytes one at a time orders keys exactly like
// comparing the decoded UTF-8 strings. Malformed input yields arbitrary bytes but never
// reads out of bounds.
func canonByte[T string | []byte](s T, i int) (byte, int) {
	c := s[i]
	if c != '\\' || i+1 >= len(s) {
		return c, i + 1
	}
	switch e := s[i+1]; e {
	case 'b':
		return '\b', i + 2
	case 'f':
		return '\f', i + 2
	case 'n':
		return '\n', i + 2
	case 'r':
		return '\r', i + 2
	case 't':
		return '\t', i + 2
	case 'u':
		if i+5 < len(s) {
			return byte(hexValue(s[i+4])<<4 | hexValue(s[i+5])), i + 6
		}
		return e, i + 2
	default:
		return e, i + 2
	}
}

// compareCanonical compares two canonical key contents (with escapes) by their decoded
// bytes.
func compareCanonical[T string | []byte](a, b T) int {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		var ca, cb byte
		ca, i = canonByte(a, i)
		cb, j = canonByte(b, j)
		if ca != cb {
			if ca < cb {
				return -1
			}
			return 1
		}
	}
	switch {
	case i < len(a):
		return 1
	case j < len(b):
		return -1
	}
	return 0
}

// compareKeyName compares canonical key content (escaped reports whether it contains a
// backslash) with a plain, decoded name.
func compareKeyName(key string, escaped bool, name string) int {
	if !escaped {
		return strings.Compare(key, name)
	}
	i, j := 0, 0
	for i < len(key) && j < len(name) {
		var c byte
		c, i = canonByte(key, i)
		if c != name[j] {
			if c < name[j] {
				return -1
			}
			return 1
		}
		j++
	}
	switch {
	case i < len(key):
		return 1
	case j < len(name):
		return -1
	}
	return 0
}
