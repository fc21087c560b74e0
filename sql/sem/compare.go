package sem

import (
	"math"
	"strings"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/sql/ast"
)

// epsilon is the tolerance of numeric equality (SPEC §4.12 "a tiny
// epsilon"): the float64 machine epsilon, as the original used.
const epsilon = 2.220446049250313e-16

// Compare evaluates a op b under SPEC §4.12 and returns true, false or null.
func Compare(op ast.CompareOp, a, b jsondoc.Value) jsondoc.Value {
	return CompareTri(op, a, b).Value()
}

// CompareTri is Compare returning a Tri.
func CompareTri(op ast.CompareOp, a, b jsondoc.Value) Tri {
	if a.IsNull() || b.IsNull() {
		return Unknown
	}
	c, ordered := cmp(a, b)
	if !ordered {
		// Unequal (or equal only as JSON) values of incomparable kinds: = is
		// JSON equality, != its negation, ordering operators are false.
		switch op {
		case ast.CmpEq:
			return boolTri(c == 0)
		case ast.CmpNe:
			return boolTri(c != 0)
		}
		return False
	}
	switch op {
	case ast.CmpEq:
		return boolTri(c == 0)
	case ast.CmpNe:
		return boolTri(c != 0)
	case ast.CmpLt:
		return boolTri(c < 0)
	case ast.CmpLe:
		return boolTri(c <= 0)
	case ast.CmpGt:
		return boolTri(c > 0)
	case ast.CmpGe:
		return boolTri(c >= 0)
	}
	return False
}

func boolTri(b bool) Tri {
	if b {
		return True
	}
	return False
}

// cmp compares two non-null values. ordered reports whether the ordering
// operators apply; when it is false, c is 0 for JSON-equal values and 1
// otherwise.
func cmp(a, b jsondoc.Value) (c int, ordered bool) {
	ak, bk := a.Kind(), b.Kind()
	an, bn := a.IsNumber(), b.IsNumber()
	switch {
	case an && bn:
		return cmpNumbers(a, b), true
	case an && bk == jsondoc.KindString:
		s, _ := b.Str()
		n, ok := jsondoc.ParseNumber(s)
		if !ok {
			return 1, false
		}
		return cmpNumbers(a, n), true
	case ak == jsondoc.KindString && bn:
		s, _ := a.Str()
		n, ok := jsondoc.ParseNumber(s)
		if !ok {
			return 1, false
		}
		return cmpNumbers(n, b), true
	case ak == jsondoc.KindString && bk == jsondoc.KindString:
		as, _ := a.Str()
		bs, _ := b.Str()
		if isNumericStart(as) && isNumericStart(bs) {
			if na, ok := jsondoc.ParseNumber(as); ok {
				if nb, ok := jsondoc.ParseNumber(bs); ok {
					return cmpNumbers(na, nb), true
				}
			}
		}
		return strings.Compare(as, bs), true
	case ak == jsondoc.KindBool && bk == jsondoc.KindBool:
		x, _ := a.AsBool()
		y, _ := b.AsBool()
		switch {
		case x == y:
			return 0, true
		case !x:
			return -1, true
		}
		return 1, true
	}
	if jsondoc.Equal(a, b) {
		return 0, false
	}
	return 1, false
}

// isNumericStart is a cheap pre-check before ParseNumber: decimal literals
// start with a sign, a digit or a dot.
func isNumericStart(s string) bool {
	if s == "" {
		return false
	}
	c := s[0]
	return c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9')
}

// cmpNumbers compares two JSON numbers: exactly for two integers, else as
// float64 with equality within epsilon.
func cmpNumbers(a, b jsondoc.Value) int {
	if a.Kind() != jsondoc.KindFloat && b.Kind() != jsondoc.KindFloat {
		return cmpIntegers(a, b)
	}
	x, _ := a.AsFloat()
	y, _ := b.AsFloat()
	if math.Abs(x-y) < epsilon {
		return 0
	}
	if x < y {
		return -1
	}
	return 1
}

// cmpIntegers compares Int and Uint values exactly.
func cmpIntegers(a, b jsondoc.Value) int {
	ai, aok := a.AsInt()
	bi, bok := b.AsInt()
	switch {
	case aok && bok:
		switch {
		case ai < bi:
			return -1
		case ai > bi:
			return 1
		}
		return 0
	case aok: // b is a Uint above MaxInt64
		return -1
	case bok:
		return 1
	}
	au, _ := a.AsUint()
	bu, _ := b.AsUint()
	switch {
	case au < bu:
		return -1
	case au > bu:
		return 1
	}
	return 0
}

// Number returns v as a float64 when v is a JSON number.
func Number(v jsondoc.Value) (float64, bool) { return v.AsFloat() }

// NumericValue returns v as a number: JSON numbers as they are, strings that
// are decimal number literals parsed. It reports false otherwise.
func NumericValue(v jsondoc.Value) (jsondoc.Value, bool) {
	if v.IsNumber() {
		return v, true
	}
	if s, ok := v.Str(); ok && isNumericStart(s) {
		return jsondoc.ParseNumber(s)
	}
	return jsondoc.Value{}, false
}

// In evaluates x IN (list) (SPEC §4.12): TRUE iff some element is exactly
// equal as JSON; otherwise UNKNOWN when x is NULL or the list holds a NULL,
// else FALSE. An empty list (possible for a subquery) gives FALSE even for a
// NULL x, as in PostgreSQL and like ANY over an empty subquery.
func In(x jsondoc.Value, list []jsondoc.Value) Tri {
	if len(list) == 0 {
		return False
	}
	if x.IsNull() {
		return Unknown
	}
	sawNull := false
	for _, v := range list {
		if v.IsNull() {
			sawNull = true
			continue
		}
		if jsondoc.Equal(x, v) {
			return True
		}
	}
	if sawNull {
		return Unknown
	}
	return False
}

// AnyAll folds the comparisons of x op v over values: ANY is true if any is
// true, else unknown if any is unknown, else false (empty: false); ALL is
// false if any is false, else unknown if any is unknown, else true (empty:
// true).
func AnyAll(op ast.CompareOp, all bool, x jsondoc.Value, values []jsondoc.Value) Tri {
	unknown := false
	for _, v := range values {
		t := CompareTri(op, x, v)
		switch {
		case t == Unknown:
			unknown = true
		case all && t == False:
			return False
		case !all && t == True:
			return True
		}
	}
	if unknown {
		return Unknown
	}
	return boolTri(all)
}
