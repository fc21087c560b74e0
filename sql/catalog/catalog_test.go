package catalog

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/sql/parser"
	"github.com/memflux/memflux/txn"
	"github.com/memflux/memflux/value"
)

const schemaText = `{"table_name":"p","columns":{"email":{"type":"TEXT","nullable":true,"default":null},"id":{"type":"INTEGER","nullable":false,"default":null},"status":{"type":"VARCHAR(10)","nullable":true,"default":{"Literal":"pending"}}},"column_order":["id","email","status"],"constraints":[{"PrimaryKey":{"name":null,"columns":["id"]}}]}`

func TestSchemaRoundTrip(t *testing.T) {
	s, err := DecodeSchema(schemaText)
	if err != nil {
		t.Fatal(err)
	}
	if s.Table != "p" || len(s.Columns) != 3 || s.Order[1] != "email" || len(s.Constraints) != 1 {
		t.Fatalf("decoded %+v", s)
	}
	id, ok := s.Column("id")
	if !ok || id.Nullable || id.Type.String() != "INTEGER" {
		t.Errorf("id column %+v", id)
	}
	st, _ := s.Column("status")
	if st.Type.String() != "VARCHAR(10)" || string(st.Default) != `{"Literal":"pending"}` {
		t.Errorf("status column %+v", st)
	}
	if got := s.Encode(); got != schemaText {
		t.Errorf("Encode:\n%s\nwant\n%s", got, schemaText)
	}
}

func TestDecodeErrors(t *testing.T) {
	for _, raw := range []string{"", "garbage", `{"table_name":"t","columns":{"a":{"type":"NOPE"}}}`} {
		if _, err := DecodeSchema(raw); !errors.Is(err, ErrCorrupt) {
			t.Errorf("DecodeSchema(%q) = %v", raw, err)
		}
	}
	for _, raw := range []string{"{", `{"name":"v","query":"DELETE FROM t"}`, `{"name":"v","query":"SELEC"}`} {
		if _, err := DecodeView(raw); !errors.Is(err, ErrCorrupt) {
			t.Errorf("DecodeView(%q) = %v", raw, err)
		}
	}
}

func TestView(t *testing.T) {
	raw := EncodeView("v", []string{"a"}, "SELECT x FROM t")
	var j map[string]any
	if err := json.Unmarshal([]byte(raw), &j); err != nil {
		t.Fatal(err)
	}
	v, err := DecodeView(raw)
	if err != nil || v.Name != "v" || v.Columns[0] != "a" || v.Parsed == nil {
		t.Fatalf("DecodeView: %+v %v", v, err)
	}
}

func TestReaderDeps(t *testing.T) {
	m := txn.NewManager(mvcc.NewStore(), txn.Options{})
	put := func(k, v string) {
		tx := m.Begin(txn.ModeSnapshot)
		if v == "" {
			tx.Delete(mvcc.Data, []byte(k))
		} else {
			tx.Put(mvcc.Data, []byte(k), value.Bytes(v))
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	put(SchemaPrefix+"p", schemaText)
	var c Catalog
	tx := m.Begin(txn.ModeSnapshot)
	r := c.NewReader(tx)
	s1, err := r.Table("p")
	if err != nil || s1 == nil {
		t.Fatal(s1, err)
	}
	s2, _ := r.Table("p")
	if s1 != s2 {
		t.Error("schema not cached")
	}
	if s, err := r.Table("q"); s != nil || err != nil {
		t.Error("missing table")
	}
	if r.SchemaExists("s") {
		t.Error("schema s exists")
	}
	if len(r.Deps) != 3 {
		t.Fatalf("deps %+v", r.Deps)
	}
	tx.Rollback()
	tx = m.Begin(txn.ModeSnapshot)
	for i := range r.Deps {
		if !r.Deps[i].Holds(tx) {
			t.Errorf("dep %s does not hold", r.Deps[i].Key)
		}
	}
	tx.Rollback()
	put(SchemaPrefix+"p", "")
	put(SchemaPrefix+"q", schemaText)
	tx = m.Begin(txn.ModeSnapshot)
	defer tx.Rollback()
	if r.Deps[0].Holds(tx) || r.Deps[1].Holds(tx) || !r.Deps[2].Holds(tx) {
		t.Error("deps after DDL")
	}
	_ = parser.MaxDepth
}
