package sem

import (
	"encoding/hex"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cockroachdb/apd/v3"
	"github.com/google/uuid"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/sql/ast"
)

// Cast converts v to type t under SPEC §4.13 (CAST, and the conversions of
// INSERT/UPDATE into schema columns). NULL casts to NULL. Errors are *Error
// of kind ErrCast with the texts of the SPEC where it fixes them.
func Cast(v jsondoc.Value, t ast.Type) (jsondoc.Value, error) {
	if v.IsNull() {
		return v, nil
	}
	if t.Array {
		return castArray(v, t)
	}
	switch t.Base {
	case ast.TypeSmallInt:
		return castInt(v, t, math.MinInt16, math.MaxInt16)
	case ast.TypeInteger:
		return castInt(v, t, math.MinInt32, math.MaxInt32)
	case ast.TypeBigInt:
		return castInt(v, t, math.MinInt64, math.MaxInt64)
	case ast.TypeReal:
		f, err := castFloat(v, t)
		if err != nil {
			return jsondoc.Null(), err
		}
		return jsondoc.Float(float64(float32(f))), nil
	case ast.TypeDouble:
		f, err := castFloat(v, t)
		if err != nil {
			return jsondoc.Null(), err
		}
		return jsondoc.Float(f), nil
	case ast.TypeNumeric:
		return castNumeric(v, t)
	case ast.TypeText:
		return textValue(v), nil
	case ast.TypeVarchar:
		s := Text(v)
		if n, ok := t.Length(); ok && len(s) > n {
			return jsondoc.Null(), Errorf(ErrCast, "Value too long for type VARCHAR(%d): len=%d > max=%d", n, len(s), n)
		}
		return textValue(v), nil
	case ast.TypeChar:
		return castChar(v, t), nil
	case ast.TypeBoolean:
		return castBool(v)
	case ast.TypeTimestamp:
		return castTimeText(v, t, IsTimestamp)
	case ast.TypeTimestampTZ:
		return castTimeText(v, t, isRFC3339)
	case ast.TypeDate:
		return castTimeText(v, t, isDate)
	case ast.TypeTime:
		return castTimeText(v, t, isTime)
	case ast.TypeBytea:
		return castBytea(v)
	case ast.TypeUUID:
		return castUUID(v)
	case ast.TypeJSONB:
		if s, ok := v.Str(); ok {
			p, err := jsondoc.Parse(s)
			if err != nil {
				return jsondoc.Null(), Errorf(ErrCast, "Cannot cast string '%s' to JSONB: invalid JSON", s)
			}
			return p, nil
		}
		return v, nil
	}
	return jsondoc.Null(), Errorf(ErrUnsupported, "Unsupported data type: %s", t)
}

func textValue(v jsondoc.Value) jsondoc.Value {
	if v.Kind() == jsondoc.KindString {
		return v
	}
	return jsondoc.String(v.String())
}

// describe renders v for cast error messages: "string 'x'", "number 5",
// "boolean true", "array [1]", "object {}".
func describe(v jsondoc.Value) string {
	switch v.Kind() {
	case jsondoc.KindString:
		s, _ := v.Str()
		return "string '" + s + "'"
	case jsondoc.KindBool:
		return "boolean " + v.String()
	case jsondoc.KindArray:
		return "array " + v.String()
	case jsondoc.KindObject:
		return "object " + v.String()
	}
	return "number " + v.String()
}

func cannotCast(v jsondoc.Value, t ast.Type) error {
	return Errorf(ErrCast, "Cannot cast %s to %s", describe(v), t)
}

func castInt(v jsondoc.Value, t ast.Type, lo, hi int64) (jsondoc.Value, error) {
	var n int64
	switch v.Kind() {
	case jsondoc.KindInt:
		n, _ = v.AsInt()
	case jsondoc.KindUint:
		return jsondoc.Null(), Errorf(ErrCast, "Value %s out of range for %s", v.String(), t)
	case jsondoc.KindFloat:
		f, _ := v.AsFloat()
		f = math.Trunc(f)
		if f < float64(lo) || f >= -float64(math.MinInt64) || f > float64(hi) {
			return jsondoc.Null(), Errorf(ErrCast, "Value %s out of range for %s", v.String(), t)
		}
		n = int64(f)
	case jsondoc.KindString:
		s, _ := v.Str()
		var err error
		n, err = parseRustInt(s)
		if err != nil {
			return jsondoc.Null(), err
		}
	case jsondoc.KindBool:
		if b, _ := v.AsBool(); b {
			n = 1
		}
	default:
		return jsondoc.Null(), cannotCast(v, t)
	}
	if n < lo || n > hi {
		return jsondoc.Null(), Errorf(ErrCast, "Value %d out of range for %s", n, t)
	}
	return jsondoc.Int(n), nil
}

// parseRustInt parses an exact integer literal with the error texts of
// Rust's str::parse::<i64> (the original's number parser).
func parseRustInt(s string) (int64, error) {
	if s == "" {
		return 0, NewError(ErrCast, "cannot parse integer from empty string")
	}
	digits := s
	if s[0] == '+' || s[0] == '-' {
		digits = s[1:]
		if digits == "" {
			return 0, NewError(ErrCast, "invalid digit found in string")
		}
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return 0, NewError(ErrCast, "invalid digit found in string")
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		if s[0] == '-' {
			return 0, NewError(ErrCast, "number too small to fit in target type")
		}
		return 0, NewError(ErrCast, "number too large to fit in target type")
	}
	return n, nil
}

func castFloat(v jsondoc.Value, t ast.Type) (float64, error) {
	switch v.Kind() {
	case jsondoc.KindInt, jsondoc.KindUint, jsondoc.KindFloat:
		f, _ := v.AsFloat()
		return f, nil
	case jsondoc.KindString:
		s, _ := v.Str()
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, NewError(ErrCast, "invalid float literal")
		}
		return f, nil
	}
	return 0, cannotCast(v, t)
}

// castNumeric casts to NUMERIC, NUMERIC(p) or NUMERIC(p, s) with exact
// decimal arithmetic (apd): the value's decimal text (the shortest text of a
// float, the literal text of a numeric string) is rounded half away from zero
// to s decimals, its integer digits are checked against p - s, and the
// result is returned as a JSON float (SPEC §4.13).
func castNumeric(v jsondoc.Value, t ast.Type) (jsondoc.Value, error) {
	var text string
	switch v.Kind() {
	case jsondoc.KindInt, jsondoc.KindUint, jsondoc.KindFloat:
		text = v.String()
	case jsondoc.KindString:
		s, _ := v.Str()
		s = strings.TrimSpace(s)
		if _, ok := jsondoc.ParseNumber(s); !ok {
			return jsondoc.Null(), Errorf(ErrCast, "Cannot cast %s to %s", describe(v), t)
		}
		text = s
	default:
		return jsondoc.Null(), cannotCast(v, t)
	}
	p, s, hasPrecision, hasScale := t.PrecisionScale()
	if !hasPrecision && !hasScale {
		f, err := strconv.ParseFloat(text, 64)
		if err != nil || math.IsInf(f, 0) {
			return jsondoc.Null(), Errorf(ErrCast, "Value %s out of range for %s", text, t)
		}
		return jsondoc.Float(f), nil
	}
	d, _, err := apd.NewFromString(text)
	if err != nil {
		return jsondoc.Null(), Errorf(ErrCast, "Cannot cast %s to %s", describe(v), t)
	}
	if hasScale {
		ctx := apd.BaseContext.WithPrecision(uint32(min(max(p, 1), 1000)) + 1)
		ctx.Rounding = apd.RoundHalfUp // on the magnitude: half away from zero
		if _, err := ctx.Quantize(d, d, -int32(s)); err != nil {
			return jsondoc.Null(), Errorf(ErrCast, "Value %s out of range for %s", text, t)
		}
	}
	// Integer digits: the digits of the coefficient left of the point.
	intDigits := int64(d.NumDigits()) + int64(d.Exponent)
	if d.IsZero() {
		intDigits = 0
	}
	if intDigits > int64(p-s) {
		return jsondoc.Null(), Errorf(ErrCast, "Value %s out of range for %s", text, t)
	}
	f, err := strconv.ParseFloat(d.Text('f'), 64)
	if err != nil {
		return jsondoc.Null(), Errorf(ErrCast, "Value %s out of range for %s", text, t)
	}
	return jsondoc.Float(f), nil
}

// RoundHalfAway rounds f to s decimals, halves away from zero, deciding on
// the shortest decimal text of f so that 2.675 rounds to 2.68 the way a
// decimal type would.
func RoundHalfAway(f float64, s int) float64 {
	if s < 0 || s > 300 || math.IsNaN(f) || math.IsInf(f, 0) {
		return f
	}
	text := strconv.FormatFloat(math.Abs(f), 'f', -1, 64)
	dot := strings.IndexByte(text, '.')
	if dot < 0 || len(text)-dot-1 <= s {
		return f
	}
	r, _ := strconv.ParseFloat(text[:dot+1+s], 64)
	if text[dot+1+s] >= '5' {
		r, _ = strconv.ParseFloat(strconv.FormatFloat(r+math.Pow(10, -float64(s)), 'f', s, 64), 64)
	}
	if f < 0 {
		r = -r
	}
	return r
}

func castChar(v jsondoc.Value, t ast.Type) jsondoc.Value {
	s := Text(v)
	n, ok := t.Length()
	if !ok {
		n = 1
	}
	count := utf8.RuneCountInString(s)
	switch {
	case count > n:
		i, k := 0, 0
		for k < n {
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
			k++
		}
		s = s[:i]
	case count < n:
		s += strings.Repeat(" ", n-count)
	}
	return jsondoc.String(s)
}

func castBool(v jsondoc.Value) (jsondoc.Value, error) {
	switch v.Kind() {
	case jsondoc.KindBool:
		return v, nil
	case jsondoc.KindString:
		s, _ := v.Str()
		switch strings.ToLower(s) {
		case "true", "1", "t", "y", "yes":
			return jsondoc.Bool(true), nil
		case "false", "0", "f", "n", "no":
			return jsondoc.Bool(false), nil
		}
	case jsondoc.KindInt:
		switch i, _ := v.AsInt(); i {
		case 1:
			return jsondoc.Bool(true), nil
		case 0:
			return jsondoc.Bool(false), nil
		}
	}
	return jsondoc.Null(), Errorf(ErrCast, "Cannot cast %s to BOOLEAN", describe(v))
}

func castTimeText(v jsondoc.Value, t ast.Type, valid func(string) bool) (jsondoc.Value, error) {
	s, ok := v.Str()
	if !ok || !valid(s) {
		return jsondoc.Null(), Errorf(ErrCast, "Cannot cast %s to %s", describe(v), t)
	}
	return v, nil
}

// Layouts accepted for TIMESTAMP text besides RFC 3339.
const (
	layoutDateTime = "2006-01-02 15:04:05"
	layoutDate     = "2006-01-02"
	layoutTime     = "15:04:05"
)

func isRFC3339(s string) bool {
	_, err := time.Parse(time.RFC3339Nano, s)
	return err == nil
}

// IsTimestamp reports whether s is a TIMESTAMP text: RFC 3339 or
// "YYYY-MM-DD HH:MM:SS" with an optional fraction.
func IsTimestamp(s string) bool {
	if isRFC3339(s) {
		return true
	}
	_, err := time.Parse(layoutDateTime+".999999999", s)
	return err == nil
}

func isDate(s string) bool {
	_, err := time.Parse(layoutDate, s)
	return err == nil
}

func isTime(s string) bool {
	_, err := time.Parse(layoutTime+".999999999", s)
	return err == nil
}

// ParseTime parses the timestamp texts the time functions accept: RFC 3339,
// "YYYY-MM-DD HH:MM:SS[.f]" and "YYYY-MM-DD" (read as UTC).
func ParseTime(s string) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, true
	}
	if t, err := time.Parse(layoutDateTime+".999999999", s); err == nil {
		return t, true
	}
	if t, err := time.Parse("2006-01-02T15:04:05.999999999", s); err == nil {
		return t, true
	}
	if t, err := time.Parse(layoutDate, s); err == nil {
		return t, true
	}
	return time.Time{}, false
}

func castBytea(v jsondoc.Value) (jsondoc.Value, error) {
	s, ok := v.Str()
	if !ok {
		return jsondoc.Null(), Errorf(ErrCast, "Cannot cast %s to BYTEA", describe(v))
	}
	h := strings.TrimPrefix(s, `\x`)
	b, err := hex.DecodeString(h)
	if err != nil {
		return jsondoc.Null(), Errorf(ErrCast, "Invalid hex string for BYTEA: '%s'", s)
	}
	return jsondoc.String(`\x` + hex.EncodeToString(b)), nil
}

func castUUID(v jsondoc.Value) (jsondoc.Value, error) {
	s, ok := v.Str()
	if !ok {
		return jsondoc.Null(), Errorf(ErrCast, "Cannot cast %s to UUID", describe(v))
	}
	u, err := uuid.Parse(s)
	if err != nil {
		return jsondoc.Null(), Errorf(ErrCast, "Invalid UUID: '%s'", s)
	}
	return jsondoc.String(u.String()), nil
}

func castArray(v jsondoc.Value, t ast.Type) (jsondoc.Value, error) {
	elem := t.Elem()
	var in []jsondoc.Value
	switch v.Kind() {
	case jsondoc.KindArray:
		in = v.Elems()
	case jsondoc.KindString:
		s, _ := v.Str()
		s = strings.TrimSpace(s)
		if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
			return jsondoc.Null(), Errorf(ErrCast, "Cannot cast %s to %s", describe(v), t)
		}
		body := strings.TrimSpace(s[1 : len(s)-1])
		if body != "" {
			for _, part := range strings.Split(body, ",") {
				in = append(in, jsondoc.String(strings.TrimSpace(part)))
			}
		}
	default:
		return jsondoc.Null(), cannotCast(v, t)
	}
	out := make([]jsondoc.Value, len(in))
	for i, e := range in {
		c, err := Cast(e, elem)
		if err != nil {
			return jsondoc.Null(), err
		}
		out[i] = c
	}
	return jsondoc.Array(out), nil
}
