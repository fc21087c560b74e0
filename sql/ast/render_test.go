package ast

import (
	"math"
	"strconv"
	"testing"
)

func TestFormatFloat(t *testing.T) {
	tests := []struct {
		f    float64
		want string
	}{
		{0, "0.0"},
		{math.Copysign(0, -1), "-0.0"},
		{1, "1.0"},
		{15, "15.0"},
		{145, "145.0"},
		{-1, "-1.0"},
		{1.5, "1.5"},
		{-10.5, "-10.5"},
		{0.1, "0.1"},
		{0.001, "0.001"},
		{0.0001, "0.0001"},
		{0.00001, "0.00001"},
		{0.000001, "1e-6"},
		{1.5e-7, "1.5e-7"},
		{123.44999694824219, "123.44999694824219"},
		{12345.67, "12345.67"},
		{1e15, "1000000000000000.0"},
		{1e16, "1e16"},
		{1234e12, "1234000000000000.0"},
		{1234e13, "1.234e16"},
		{1.5e17, "1.5e17"},
		{1e21, "1e21"},
		{9223372036854775808, "9.223372036854776e18"},
		{math.MaxFloat64, "1.7976931348623157e308"},
		{math.SmallestNonzeroFloat64, "5e-324"},
		{math.Inf(1), "null"},
		{math.NaN(), "null"},
	}
	for _, tt := range tests {
		got := FormatFloat(tt.f)
		if got != tt.want {
			t.Errorf("FormatFloat(%v) = %s, want %s", tt.f, got, tt.want)
		}
		if got == "null" {
			continue
		}
		// Every rendering reads back as the same float.
		if back, err := strconv.ParseFloat(got, 64); err != nil || back != tt.f {
			t.Errorf("FormatFloat(%v) = %s reads back as %v, %v", tt.f, got, back, err)
		}
	}
}

func TestQuoteJSON(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `""`},
		{"lit", `"lit"`},
		{`a"b`, `"a\"b"`},
		{`\xDEADBEEF`, `"\\xDEADBEEF"`},
		{"tab\there", `"tab\there"`},
		{"nl\ncr\rbs\bff\f", `"nl\ncr\rbs\bff\f"`},
		{"\x00\x1f", `"\u0000\u001f"`},
		{"héllo ✓", `"héllo ✓"`},
		{"<&>", `"<&>"`},
	}
	for _, tt := range tests {
		if got := QuoteJSON(tt.in); got != tt.want {
			t.Errorf("QuoteJSON(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}
