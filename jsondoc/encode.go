package jsondoc

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// Append appends the canonical text of v to buf.
func (v Value) Append(buf []byte) []byte {
	switch v.kind {
	case KindBool:
		if v.n != 0 {
			return append(buf, "true"...)
		}
		return append(buf, "false"...)
	case KindInt:
		return strconv.AppendInt(buf, int64(v.n), 10)
	case KindUint:
		return strconv.AppendUint(buf, v.n, 10)
	case KindFloat:
		return FormatFloat(buf, math.Float64frombits(v.n))
	case KindString:
		s, _ := v.Str()
		return Quote(buf, s)
	case KindArray:
		buf = append(buf, '[')
		for i, e := range v.Elems() {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = e.Append(buf)
		}
		return append(buf, ']')
	case KindObject:
		buf = append(buf, '{')
		for i, m := range v.Members() {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = Quote(buf, m.Name)
			buf = append(buf, ':')
			buf = m.Value.Append(buf)
		}
		return append(buf, '}')
	default:
		return append(buf, "null"...)
	}
}

// String returns the canonical text of v.
func (v Value) String() string {
	var buf [64]byte
	return string(v.Append(buf[:0]))
}

// hexDigits are the lowercase digits serde_json uses in \u00XX escapes.
const hexDigits = "0123456789abcdef"

// Quote appends s to dst as a canonical JSON string literal: '"' and '\' are escaped, as
// are control characters below 0x20 (\b \f \n \r \t, the rest \u00XX); everything else,
// including '/' and non-ASCII text, is copied raw. Invalid UTF-8 bytes are written as
// U+FFFD so the result is always valid JSON.
func Quote(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if plainByte[c] {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				dst = append(dst, s[start:i]...)
				dst = append(dst, "\uFFFD"...)
				i++
				start = i
				continue
			}
			i += size
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\f':
			dst = append(dst, '\\', 'f')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
		}
		i++
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// toValidUTF8 returns s with every byte that is not part of a valid UTF-8 sequence
// replaced by U+FFFD — one replacement per byte, exactly as Quote writes them (unlike
// strings.ToValidUTF8, which replaces a whole run at once).
func toValidUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	b := make([]byte, 0, len(s)+8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, "\uFFFD"...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return bytesString(b)
}
