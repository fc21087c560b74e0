package sem

import "github.com/memflux/memflux/jsondoc"

// Tri is a truth value of SQL three-valued logic.
type Tri uint8

// The truth values.
const (
	False Tri = iota
	True
	Unknown
)

// Truth classifies a value as a condition (SPEC §4.12): JSON true is TRUE,
// NULL is UNKNOWN, everything else (false or any non-boolean) is FALSE.
func Truth(v jsondoc.Value) Tri {
	switch v.Kind() {
	case jsondoc.KindNull:
		return Unknown
	case jsondoc.KindBool:
		if b, _ := v.AsBool(); b {
			return True
		}
	}
	return False
}

// Value returns the JSON value of t: true, false or null.
func (t Tri) Value() jsondoc.Value {
	switch t {
	case True:
		return jsondoc.Bool(true)
	case False:
		return jsondoc.Bool(false)
	}
	return jsondoc.Null()
}

// Not negates t, keeping UNKNOWN.
func (t Tri) Not() Tri {
	switch t {
	case True:
		return False
	case False:
		return True
	}
	return Unknown
}

// And is three-valued conjunction.
func And(a, b Tri) Tri {
	if a == False || b == False {
		return False
	}
	if a == Unknown || b == Unknown {
		return Unknown
	}
	return True
}

// Or is three-valued disjunction.
func Or(a, b Tri) Tri {
	if a == True || b == True {
		return True
	}
	if a == Unknown || b == Unknown {
		return Unknown
	}
	return False
}

// IsTrue reports whether v is JSON true: the filter rule of WHERE, HAVING,
// ON and CASE WHEN.
func IsTrue(v jsondoc.Value) bool {
	b, ok := v.AsBool()
	return ok && b
}
