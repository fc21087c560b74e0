package ast

import (
	"math"
	"strconv"
	"strings"
)

// This file holds the low-level text helpers of the canonical rendering
// (SPEC §4.8): JSON string quoting and float formatting. Both follow the JSON
// text that MemFlux writes for row values (Rust serde_json/ryu conventions),
// so that a literal names its output column exactly as its value renders.

const hexDigits = "0123456789abcdef"

// QuoteJSON returns s as a JSON string literal: `"` and `\` are escaped,
// control characters use \n \r \t \b \f or \u00XX; every other byte,
// non-ASCII included, is copied unchanged.
func QuoteJSON(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	appendJSONString(&b, s)
	return b.String()
}

func appendJSONString(b *strings.Builder, s string) {
	b.WriteByte('"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b.WriteString(s[start:i])
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			b.WriteString(`\u00`)
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&0xF])
		}
		start = i + 1
	}
	b.WriteString(s[start:])
	b.WriteByte('"')
}

// FormatFloat renders f as JSON text the way MemFlux renders float values:
// the shortest representation that round-trips, always with a fractional
// part or an exponent so it reads back as a float ("15.0", "1.5", "1e21",
// "1.5e-7"). Non-finite values, which JSON cannot carry, render as "null".
func FormatFloat(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "null"
	}
	if f == 0 {
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	// 'e' with precision -1 yields the shortest digits: d[.ddd]e±XX.
	e := strconv.FormatFloat(f, 'e', -1, 64)
	neg := false
	if e[0] == '-' {
		neg = true
		e = e[1:]
	}
	ePos := strings.IndexByte(e, 'e')
	mant, expText := e[:ePos], e[ePos+1:]
	digits := strings.Replace(mant, ".", "", 1)
	exp, _ := strconv.Atoi(expText) // always a valid exponent from FormatFloat
	n := len(digits)
	kk := exp + 1 // position of the decimal point relative to the digits
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	switch {
	case kk-n >= 0 && kk <= 16:
		// Integral value: digits, padding zeros, ".0".
		b.WriteString(digits)
		b.WriteString(strings.Repeat("0", kk-n))
		b.WriteString(".0")
	case kk > 0 && kk <= 16:
		b.WriteString(digits[:kk])
		b.WriteByte('.')
		b.WriteString(digits[kk:])
	case kk > -5 && kk <= 0:
		b.WriteString("0.")
		b.WriteString(strings.Repeat("0", -kk))
		b.WriteString(digits)
	default:
		b.WriteByte(digits[0])
		if n > 1 {
			b.WriteByte('.')
			b.WriteString(digits[1:])
		}
		b.WriteByte('e')
		b.WriteString(strconv.Itoa(kk - 1))
	}
	return b.String()
}
