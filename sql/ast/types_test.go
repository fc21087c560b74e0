package ast

import "testing"

func TestTypeString(t *testing.T) {
	tests := []struct {
		typ  Type
		want string
	}{
		{Type{Base: TypeSmallInt}, "SMALLINT"},
		{Type{Base: TypeInteger}, "INTEGER"},
		{Type{Base: TypeBigInt}, "BIGINT"},
		{Type{Base: TypeNumeric}, "NUMERIC"},
		{Type{Base: TypeNumeric, Params: []int{10}}, "NUMERIC(10)"},
		{Type{Base: TypeNumeric, Params: []int{10, 2}}, "NUMERIC(10, 2)"},
		{Type{Base: TypeReal}, "REAL"},
		{Type{Base: TypeDouble}, "DOUBLE PRECISION"},
		{Type{Base: TypeText}, "TEXT"},
		{Type{Base: TypeVarchar, Params: []int{10}}, "VARCHAR(10)"},
		{Type{Base: TypeVarchar}, "VARCHAR"},
		{Type{Base: TypeChar, Params: []int{10}}, "CHAR(10)"},
		{Type{Base: TypeBytea}, "BYTEA"},
		{Type{Base: TypeJSONB}, "JSONB"},
		{Type{Base: TypeUUID}, "UUID"},
		{Type{Base: TypeBoolean}, "BOOLEAN"},
		{Type{Base: TypeTimestamp}, "TIMESTAMP"},
		{Type{Base: TypeTimestampTZ}, "TIMESTAMPTZ"},
		{Type{Base: TypeDate}, "DATE"},
		{Type{Base: TypeTime}, "TIME"},
		{Type{Base: TypeInteger, Array: true}, "INTEGER[]"},
		{Type{Base: TypeNumeric, Params: []int{5, 1}, Array: true}, "NUMERIC(5, 1)[]"},
		{Type{Base: TypeDouble, Array: true}, "DOUBLE PRECISION[]"},
		{Type{Base: BaseType(200)}, "BaseType(200)"},
	}
	for _, tt := range tests {
		if got := tt.typ.String(); got != tt.want {
			t.Errorf("%#v.String() = %s, want %s", tt.typ, got, tt.want)
		}
	}
}

func TestTypeAccessors(t *testing.T) {
	vc := Type{Base: TypeVarchar, Params: []int{10}}
	if n, ok := vc.Length(); !ok || n != 10 {
		t.Errorf("VARCHAR(10).Length() = %d, %v", n, ok)
	}
	if _, ok := (Type{Base: TypeVarchar}).Length(); ok {
		t.Error("VARCHAR.Length() reported a length")
	}
	if _, ok := (Type{Base: TypeInteger}).Length(); ok {
		t.Error("INTEGER.Length() reported a length")
	}
	tests := []struct {
		typ                  Type
		p, s                 int
		hasPrecision, hasScl bool
	}{
		{Type{Base: TypeNumeric}, 0, 0, false, false},
		{Type{Base: TypeNumeric, Params: []int{7}}, 7, 0, true, false},
		{Type{Base: TypeNumeric, Params: []int{7, 3}}, 7, 3, true, true},
		{Type{Base: TypeText, Params: []int{7}}, 0, 0, false, false},
	}
	for _, tt := range tests {
		p, s, hp, hs := tt.typ.PrecisionScale()
		if p != tt.p || s != tt.s || hp != tt.hasPrecision || hs != tt.hasScl {
			t.Errorf("%s.PrecisionScale() = %d %d %v %v", tt.typ, p, s, hp, hs)
		}
	}
	arr := Type{Base: TypeNumeric, Params: []int{5, 1}, Array: true}
	if e := arr.Elem(); e.Array || !e.Equal(Type{Base: TypeNumeric, Params: []int{5, 1}}) {
		t.Errorf("Elem() = %v", e)
	}
	if arr.Equal(arr.Elem()) || arr.Equal(Type{Base: TypeNumeric, Params: []int{5, 2}, Array: true}) ||
		!arr.Equal(Type{Base: TypeNumeric, Params: []int{5, 1}, Array: true}) {
		t.Error("Equal mismatch")
	}
	numeric := map[BaseType]bool{TypeSmallInt: true, TypeInteger: true, TypeBigInt: true, TypeNumeric: true, TypeReal: true, TypeDouble: true}
	for b := TypeInvalid; b <= TypeTime; b++ {
		if b.IsNumeric() != numeric[b] {
			t.Errorf("%s.IsNumeric() = %v", b, b.IsNumeric())
		}
	}
}
