package ast

import "strconv"

// BaseType enumerates the scalar SQL types of SPEC §4.13. The zero value,
// TypeInvalid, never comes out of the parser.
type BaseType uint8

// The scalar types. Aliases (INT, INT4, BOOL, DECIMAL, FLOAT8, …) are mapped
// onto these by the parser; only the canonical spellings survive.
const (
	TypeInvalid BaseType = iota
	TypeSmallInt
	TypeInteger
	TypeBigInt
	TypeNumeric
	TypeReal
	TypeDouble
	TypeText
	TypeVarchar
	TypeChar
	TypeBytea
	TypeJSONB
	TypeUUID
	TypeBoolean
	TypeTimestamp
	TypeTimestampTZ
	TypeDate
	TypeTime
)

var baseTypeNames = [...]string{
	TypeInvalid:     "INVALID",
	TypeSmallInt:    "SMALLINT",
	TypeInteger:     "INTEGER",
	TypeBigInt:      "BIGINT",
	TypeNumeric:     "NUMERIC",
	TypeReal:        "REAL",
	TypeDouble:      "DOUBLE PRECISION",
	TypeText:        "TEXT",
	TypeVarchar:     "VARCHAR",
	TypeChar:        "CHAR",
	TypeBytea:       "BYTEA",
	TypeJSONB:       "JSONB",
	TypeUUID:        "UUID",
	TypeBoolean:     "BOOLEAN",
	TypeTimestamp:   "TIMESTAMP",
	TypeTimestampTZ: "TIMESTAMPTZ",
	TypeDate:        "DATE",
	TypeTime:        "TIME",
}

// String returns the canonical spelling of the base type without parameters
// ("INTEGER", "DOUBLE PRECISION").
func (b BaseType) String() string {
	if int(b) < len(baseTypeNames) {
		return baseTypeNames[b]
	}
	return "BaseType(" + strconv.Itoa(int(b)) + ")"
}

// IsNumeric reports whether values of the type compare numerically in ORDER BY
// (SPEC §4.11): the integer types, REAL, DOUBLE PRECISION and NUMERIC.
func (b BaseType) IsNumeric() bool {
	switch b {
	case TypeSmallInt, TypeInteger, TypeBigInt, TypeNumeric, TypeReal, TypeDouble:
		return true
	}
	return false
}

// Type is a column or cast target type: a base type, its parameters and an
// array flag.
//
// Params holds the type modifiers as written: NUMERIC(p) → [p],
// NUMERIC(p, s) → [p, s], VARCHAR(n) and CHAR(n) → [n]; nil otherwise. A bare
// VARCHAR has no length limit; a bare CHAR is CHAR(1), as in PostgreSQL.
//
// Type values are immutable once built; they are safe for concurrent use.
type Type struct {
	Base   BaseType
	Params []int
	Array  bool
}

// String renders the canonical spelling of SPEC §4.13: "INTEGER",
// "NUMERIC(10, 2)", "VARCHAR(10)", "DOUBLE PRECISION", "INTEGER[]".
func (t Type) String() string {
	s := t.Base.String()
	if len(t.Params) > 0 {
		buf := make([]byte, 0, len(s)+8)
		buf = append(buf, s...)
		buf = append(buf, '(')
		for i, p := range t.Params {
			if i > 0 {
				buf = append(buf, ", "...)
			}
			buf = strconv.AppendInt(buf, int64(p), 10)
		}
		buf = append(buf, ')')
		s = string(buf)
	}
	if t.Array {
		s += "[]"
	}
	return s
}

// Elem returns the element type of an array type (the type itself, without
// the array flag).
func (t Type) Elem() Type {
	t.Array = false
	return t
}

// Length returns n for VARCHAR(n) and CHAR(n); ok is false when the type has
// no length.
func (t Type) Length() (n int, ok bool) {
	if (t.Base == TypeVarchar || t.Base == TypeChar) && len(t.Params) == 1 {
		return t.Params[0], true
	}
	return 0, false
}

// PrecisionScale returns p and s of NUMERIC(p, s). hasScale is false for
// NUMERIC and NUMERIC(p) (no rounding applies); hasPrecision is false for bare
// NUMERIC.
func (t Type) PrecisionScale() (p, s int, hasPrecision, hasScale bool) {
	if t.Base != TypeNumeric {
		return 0, 0, false, false
	}
	switch len(t.Params) {
	case 1:
		return t.Params[0], 0, true, false
	case 2:
		return t.Params[0], t.Params[1], true, true
	}
	return 0, 0, false, false
}

// Equal reports whether t and o denote the same type.
func (t Type) Equal(o Type) bool {
	if t.Base != o.Base || t.Array != o.Array || len(t.Params) != len(o.Params) {
		return false
	}
	for i := range t.Params {
		if t.Params[i] != o.Params[i] {
			return false
		}
	}
	return true
}
