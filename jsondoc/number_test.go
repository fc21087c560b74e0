package jsondoc

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

func TestFormatFloat(t *testing.T) {
	for _, tc := range []struct {
		f    float64
		want string
	}{
		{0, "0.0"},
		{math.Copysign(0, -1), "-0.0"},
		{1, "1.0"},
		{-1, "-1.0"},
		{15, "15.0"},
		{1000, "1000.0"},
		{20.5, "20.5"},
		{-0.5, "-0.5"},
		{123.45, "123.45"},
		{0.001234, "0.001234"},
		{0.00001, "0.00001"},
		{0.000012, "0.000012"},
		{1e-6, "1e-6"},
		{1e-7, "1e-7"},
		{1.5e-7, "1.5e-7"},
		{1e15, "1000000000000000.0"},
		{1.5e15, "1500000000000000.0"},
		{1234567890123456, "1234567890123456.0"},
		{1e16, "1e16"},
		{1.5e16, "1.5e16"},
		{1e20, "1e20"},
		{-1e20, "-1e20"},
		{1.234e33, "1.234e33"},
		{123456789.125, "123456789.125"},
		{0.1, "0.1"},
		{1.0 / 3, "0.3333333333333333"},
		{math.MaxFloat64, "1.7976931348623157e308"},
		{math.SmallestNonzeroFloat64, "5e-324"},
		{2.2250738585072014e-308, "2.2250738585072014e-308"},
		{float64(math.MaxInt64), "9.223372036854776e18"},
		{float64(float32(123.45)), "123.44999694824219"}, // SPEC §4.13 REAL example
		{math.NaN(), "null"},
		{math.Inf(1), "null"},
		{math.Inf(-1), "null"},
	} {
		if got := string(FormatFloat(nil, tc.f)); got != tc.want {
			t.Errorf("FormatFloat(%v) = %q, want %q", tc.f, got, tc.want)
		}
	}
}

// TestFormatFloatRoundTrip checks random floats of every magnitude: the text reads back
// to the same float, re-normalizes to itself, and uses the same digits as strconv.
func TestFormatFloatRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(testSeed(t), 1))
	for i := 0; i < 20000; i++ {
		f := math.Float64frombits(rng.Uint64())
		if math.IsNaN(f) || math.IsInf(f, 0) {
			continue
		}
		s := string(FormatFloat(nil, f))
		back, err := strconv.ParseFloat(s, 64)
		if err != nil || back != f {
			t.Fatalf("FormatFloat(%v) = %q reads back as %v, %v", f, s, back, err)
		}
		if norm, err := Normalize([]byte(s)); err != nil || norm != s {
			t.Fatalf("Normalize(%q) = %q, %v", s, norm, err)
		}
		v, err := Parse(s)
		if err != nil || v.Kind() != KindFloat {
			t.Fatalf("Parse(%q) = %v (%v), %v; want a float", s, v, v.Kind(), err)
		}
	}
}

func TestParseNumber(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // canonical text of the result; "" means rejected
		kind Kind
	}{
		{"0", "0", KindInt},
		{"42", "42", KindInt},
		{"-42", "-42", KindInt},
		{"+42", "42", KindInt},
		{"007", "7", KindInt},
		{"-0", "0", KindInt},
		{"000", "0", KindInt},
		{"9223372036854775807", "9223372036854775807", KindInt},
		{"-9223372036854775808", "-9223372036854775808", KindInt},
		{"09223372036854775808", "9223372036854775808", KindUint},
		{"18446744073709551615", "18446744073709551615", KindUint},
		{"18446744073709551616", "1.8446744073709552e19", KindFloat},
		{"-9223372036854775809", "-9.223372036854776e18", KindFloat},
		{"1.0", "1.0", KindFloat},
		{"1.", "1.0", KindFloat},
		{".5", "0.5", KindFloat},
		{"-.5", "-0.5", KindFloat},
		{"1e3", "1000.0", KindFloat},
		{"1E-2", "0.01", KindFloat},
		{"2.5e+1", "25.0", KindFloat},
		{"99", "99", KindInt},
		{"1e-400", "0.0", KindFloat},
		{"", "", 0},
		{"-", "", 0},
		{"+", "", 0},
		{".", "", 0},
		{"-.", "", 0},
		{"e5", "", 0},
		{"1e", "", 0},
		{"1e+", "", 0},
		{" 1", "", 0},
		{"1 ", "", 0},
		{"1a", "", 0},
		{"0x10", "", 0},
		{"1_000", "", 0},
		{"inf", "", 0},
		{"NaN", "", 0},
		{"1.2.3", "", 0},
		{"--1", "", 0},
		{"1e400", "", 0},
		{"abc", "", 0},
	} {
		v, ok := ParseNumber(tc.in)
		if tc.want == "" {
			if ok {
				t.Errorf("ParseNumber(%q) = %v, want rejection", tc.in, v)
			}
			continue
		}
		if !ok || v.String() != tc.want || v.Kind() != tc.kind {
			t.Errorf("ParseNumber(%q) = %v (%v), %v; want %s (%v)", tc.in, v, v.Kind(), ok, tc.want, tc.kind)
		}
	}
}

func TestClassifyInt(t *testing.T) {
	for _, tc := range []struct {
		neg    bool
		digits string
		want   intRange
	}{
		{false, "0", fitsInt64},
		{false, "999999999999999999", fitsInt64},
		{false, "9223372036854775807", fitsInt64},
		{false, "9223372036854775808", fitsUint64},
		{false, "9999999999999999999", fitsUint64},
		{false, "18446744073709551615", fitsUint64},
		{false, "18446744073709551616", tooBig},
		{false, "99999999999999999999", tooBig},
		{false, "100000000000000000000", tooBig},
		{true, "9223372036854775808", fitsInt64},
		{true, "9223372036854775809", tooBig},
		{true, "18446744073709551615", tooBig},
	} {
		if got := classifyInt(tc.neg, tc.digits); got != tc.want {
			t.Errorf("classifyInt(%v, %s) = %v, want %v", tc.neg, tc.digits, got, tc.want)
		}
	}
}
