package funcs

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/sql/sem"
)

type fixedNow struct{}

func (fixedNow) Now() time.Time { return time.Date(2026, 11, 25, 18, 28, 19, 488670803, time.UTC) }

func parse(s string) jsondoc.Value {
	v, err := jsondoc.Parse(s)
	if err != nil {
		panic(s)
	}
	return v
}

func TestScalars(t *testing.T) {
	tests := []struct {
		call string // NAME|arg|arg… with args as JSON
		want string
		err  string
	}{
		{`LOWER|"AbC"`, `"abc"`, ""},
		{`UPPER|"AbC"`, `"ABC"`, ""},
		{`LOWER|5`, `null`, ""},
		{`LENGTH|"Another User"`, `12`, ""},
		{`LENGTH|"é"`, `2`, ""},
		{`CHAR_LENGTH|"é"`, `1`, ""},
		{`TRIM|"  x  "`, `"x"`, ""},
		{`LTRIM|"  x  "`, `"x  "`, ""},
		{`SUBSTRING|"test@example.com"|1|4`, `"test"`, ""},
		{`SUBSTRING|"Another User"|9`, `"User"`, ""},
		{`SUBSTRING|"abc"|0|2`, `"ab"`, ""},
		{`SUBSTRING|"abc"|5`, `""`, ""},
		{`SUBSTRING|5|1`, `null`, ""},
		{`SUBSTRING|"abc"|"x"`, ``, `Function SUBSTRING expects a number, got "x"`},
		{`ABS|-10.5`, `10.5`, ""},
		{`ABS|-3`, `3.0`, ""},
		{`CEIL|-10.5`, `-10.0`, ""},
		{`FLOOR|15.2`, `15.0`, ""},
		{`ROUND|15.2`, `15.0`, ""},
		{`ROUND|2.5`, `3.0`, ""},
		{`ROUND|-2.5`, `-3.0`, ""},
		{`ROUND|"x"`, `null`, ""},
		{`SQRT|16`, `4.0`, ""},
		{`SQRT|-1`, ``, `cannot take square root of a negative number`},
		{`POWER|2|10`, `1024.0`, ""},
		{`MOD|10|3`, `1`, ""},
		{`MOD|10.5|3`, `1.5`, ""},
		{`MOD|1|0`, ``, `Division by zero`},
		{`COALESCE|null|null|3`, `3`, ""},
		{`NULLIF|1|1`, `null`, ""},
		{`NULLIF|1|2`, `1`, ""},
		{`GREATEST|1|null|7|3`, `7`, ""},
		{`LEAST|"b"|"a"`, `"a"`, ""},
		{`CONCAT|"a"|null|1|true`, `"a1true"`, ""},
		{`REPLACE|"banana"|"an"|"o"`, `"booa"`, ""},
		{`POSITION|"lo"|"hello"`, `4`, ""},
		{`POSITION|"z"|"hello"`, `0`, ""},
		{`STRPOS|"hello"|"lo"`, `4`, ""},
		{`LEFT|"hello"|2`, `"he"`, ""},
		{`LEFT|"hello"|-2`, `"hel"`, ""},
		{`RIGHT|"hello"|2`, `"lo"`, ""},
		{`RIGHT|"hello"|-2`, `"llo"`, ""},
		{`LPAD|"5"|3|"0"`, `"005"`, ""},
		{`RPAD|"ab"|5|"xy"`, `"abxyx"`, ""},
		{`LPAD|"hello"|2`, `"he"`, ""},
		{`SPLIT_PART|"a,b,c"|","|2`, `"b"`, ""},
		{`SPLIT_PART|"a,b,c"|","|-1`, `"c"`, ""},
		{`SPLIT_PART|"a,b,c"|","|9`, `""`, ""},
		{`REVERSE|"abc"`, `"cba"`, ""},
		{`NOW`, `"2026-11-25T18:28:19.488670803+00:00"`, ""},
		{`CURRENT_DATE`, `"2026-11-25"`, ""},
		{`DATE_PART|"year"|"2024-03-05T10:20:30Z"`, `2024`, ""},
		{`DATE_PART|"DOW"|"2024-03-03T10:20:30Z"`, `1`, ""},
		{`DATE_PART|"doy"|"2024-02-01T00:00:00Z"`, `32`, ""},
		{`DATE_PART|"second"|"2024-02-01T00:00:42Z"`, `42`, ""},
		{`DATE_PART|"year"|"garbage"`, `null`, ""},
		{`DATE_PART|"fortnight"|"2024-02-01T00:00:42Z"`, ``, `Unsupported date part: fortnight`},
		{`EXTRACT|"month"|"2024-03-05T10:20:30Z"`, `3`, ""},
		{`DATE_PART|"year"|"2024-03-05 10:20:30"`, `null`, ""},
		{`DATE_TRUNC|"month"|"2024-03-05 10:20:30"`, `"2024-03-01 00:00:00"`, ""},
		{`DATE_TRUNC|"hour"|"2024-03-05T10:20:30Z"`, `"2024-03-05T10:00:00Z"`, ""},
		{`TO_CHAR|"2024-03-05T14:07:09Z"|"YYYY-MM-DD HH24:MI:SS"`, `"2024-03-05 14:07:09"`, ""},
		{`TO_CHAR|"2024-03-05T14:07:09Z"|"Dy, DD Mon YYYY HH12 PM"`, `"Tue, 05 Mar 2024 02 PM"`, ""},
		{`IS_NULL|null`, `true`, ""},
		{`IS_NOT_NULL|null`, `false`, ""},
	}
	for _, tt := range tests {
		parts := strings.Split(tt.call, "|")
		f, ok := Lookup(parts[0])
		if !ok {
			t.Fatalf("%s not registered", parts[0])
		}
		var args []jsondoc.Value
		for _, a := range parts[1:] {
			args = append(args, parse(a))
		}
		if err := f.CheckArity(len(args)); err != nil {
			t.Fatalf("%s: %v", tt.call, err)
		}
		got, err := f.Fn(fixedNow{}, args)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("%s: error %v, want %q", tt.call, err, tt.err)
			}
			continue
		}
		if err != nil || got.String() != tt.want {
			t.Errorf("%s = %s, %v; want %s", tt.call, got, err, tt.want)
		}
	}
}

func TestArity(t *testing.T) {
	f, _ := Lookup("ROUND")
	if err := f.CheckArity(2); err == nil || err.Error() != "Function 'ROUND' takes exactly 1 argument, got 2" || !errors.Is(err, sem.ErrPlan) {
		t.Errorf("ROUND arity: %v", err)
	}
	f, _ = Lookup("SUBSTRING")
	if err := f.CheckArity(1); err == nil || err.Error() != "Function 'SUBSTRING' takes 2 to 3 arguments, got 1" {
		t.Errorf("SUBSTRING arity: %v", err)
	}
	f, _ = Lookup("COALESCE")
	if err := f.CheckArity(0); err == nil || err.Error() != "Function 'COALESCE' takes at least 1 argument, got 0" {
		t.Errorf("COALESCE arity: %v", err)
	}
	if !Exists("COUNT") || !Exists("LOWER") || Exists("NOPE") || !IsAggregate("STRING_AGG") || IsAggregate("LOWER") {
		t.Error("Exists/IsAggregate")
	}
	if CheckAggregateArity("STRING_AGG", 1, false) == nil || CheckAggregateArity("COUNT", 0, true) != nil {
		t.Error("CheckAggregateArity")
	}
}

func TestAggregates(t *testing.T) {
	in := []string{"30", "25", "null", `"x"`, "35", "25"}
	tests := []struct {
		name     string
		star     bool
		distinct bool
		want     string
	}{
		{"COUNT", true, false, "6"},
		{"COUNT", false, false, "5"},
		{"COUNT", false, true, "4"},
		{"SUM", false, false, "115.0"},
		{"AVG", false, false, "28.75"},
		{"MIN", false, false, `"x"`}, // mixed kinds compare by JSON text: "\"x\"" < "25"
		{"MAX", false, false, "35"},
		{"ARRAY_AGG", false, false, `[30,25,null,"x",35,25]`},
		{"STRING_AGG", false, false, `"30;25;x;35;25"`},
	}
	for _, tt := range tests {
		acc := NewAccumulator(tt.name, tt.star, AggOptions{Distinct: tt.distinct})
		for _, s := range in {
			args := []jsondoc.Value{parse(s)}
			if tt.name == "STRING_AGG" {
				args = append(args, jsondoc.String(";"))
			}
			if tt.star {
				args = nil
			}
			acc.Add(args)
		}
		if got := acc.Result().String(); got != tt.want {
			t.Errorf("%s(distinct=%v) = %s, want %s", tt.name, tt.distinct, got, tt.want)
		}
	}
	for _, name := range []string{"SUM", "AVG", "MIN", "MAX", "STRING_AGG", "ARRAY_AGG"} {
		if got := NewAccumulator(name, false, AggOptions{}).Result(); !got.IsNull() {
			t.Errorf("%s over nothing = %s, want null", name, got)
		}
	}
	if got := NewAccumulator("COUNT", true, AggOptions{}).Result().String(); got != "0" {
		t.Errorf("COUNT(*) over nothing = %s", got)
	}
	if NewAccumulator("NOPE", false, AggOptions{}) != nil {
		t.Error("unknown aggregate")
	}
	acc := NewAccumulator("MAX", false, AggOptions{Numeric: true})
	for _, s := range []string{`"9"`, `"10"`} {
		acc.Add([]jsondoc.Value{parse(s)})
	}
	if got := acc.Result().String(); got != `"10"` {
		t.Errorf("numeric MAX = %s", got)
	}
}
