package index

import (
	"fmt"
	"slices"
	"testing"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/txn"
	"github.com/memflux/memflux/value"
)

// probeValues are values of every kind: numbers whose float64 rounds (both signs, beyond
// int64), 1 and 1.0, -0.0, strings holding 0x00 and number literals (those also get
// shadow entries), arrays and objects.
var probeValues = []string{
	`true`, `false`, `0`, `-0.0`, `0.0`, `1`, `1.0`, `-1`, `2.5`, `-2.5`, `1e-17`, `1e300`, `-1e300`,
	`9007199254740993`, `-9007199254740993`, `9223372036854775807`, `-9223372036854775808`,
	`12345678901234567890`, `18446744073709551615`, `9.5e15`,
	`""`, `"a"`, `"ab"`, `"a\u0000b"`, `"\u0000"`, `"héllo"`, `"1"`, `"1.0"`, `"-0"`, `"+2"`, `"1e1"`,
	`[]`, `[1]`, `[1,"a\u0000",null]`, `{}`, `{"x":1}`, `{"a":{"b":[true]}}`,
}

// TestProbeUnique: the point read of a unique entry answers exactly what the range lookup
// answers, for every kind of value (held and free), NULL matches nothing, and a
// transaction with rows of its own under the prefix is left to the range lookup.
func TestProbeUnique(t *testing.T) {
	e := newEnv(t, nil)
	def := e.create(pathDef("uq", "p:*", true, "v"))
	for i, v := range probeValues {
		e.mustSet(fmt.Sprintf("p:%02d", i), `{"v":`+v+`}`)
	}
	tx := e.txns.Begin(txn.ModeSnapshot)
	defer tx.Rollback()
	cp := e.idx.compiledFor(def)
	check := func(raw string, want []string) {
		t.Helper()
		vals := []jsondoc.Value{jsondoc.Decode(raw)}
		got, ok := probeUnique(tx, def, vals)
		if !ok {
			t.Fatalf("%s: the probe did not answer", raw)
		}
		byRange := newLookup(def, cp, vals).index(tx)
		slices.Sort(byRange)
		if !slices.Equal(got, want) || !slices.Equal(byRange, want) {
			t.Errorf("%s: probe %q, range lookup %q, want %q", raw, got, byRange, want)
		}
	}
	for i, v := range probeValues {
		check(jsondoc.Decode(v).String(), []string{fmt.Sprintf("p:%02d", i)})
	}
	for _, raw := range []string{`"zz"`, `3.25`, `[2]`, `null`} {
		check(raw, nil)
	}
	tx.Put(mvcc.Data, []byte("p:99"), value.JSON(`{"v":"own"}`))
	if _, ok := probeUnique(tx, def, []jsondoc.Value{jsondoc.String("own")}); ok {
		t.Error("the probe answered for a transaction with rows of its own")
	}
	if got, err := e.idx.Lookup(tx, "uq", jsondoc.String("own")); err != nil || !slices.Equal(got, []string{"p:99"}) {
		t.Errorf("Lookup of an own row = %q, %v", got, err)
	}
}
