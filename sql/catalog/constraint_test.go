package catalog

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/sql/ast"
	"github.com/memflux/memflux/sql/parser"
)

func TestConstraintRoundTrip(t *testing.T) {
	check, err := parser.ParseExpr("age > 0 AND name <> ''")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		c    *Constraint
		want string
	}{
		{&Constraint{Kind: ast.ConstraintPrimaryKey, Columns: []string{"id"}},
			`{"PrimaryKey":{"name":null,"columns":["id"]}}`},
		{&Constraint{Kind: ast.ConstraintUnique, Name: "uq", Columns: []string{"email"}},
			`{"Unique":{"name":"uq","columns":["email"]}}`},
		{&Constraint{Kind: ast.ConstraintCheck, Check: ast.SQL(check), CheckExpr: check},
			`{"Check":{"name":null,"expr":"age > 0 AND name != ''"}}`},
		{&Constraint{Kind: ast.ConstraintForeignKey, Name: "fk", Columns: []string{"pid"}, RefTable: "p",
			RefColumns: []string{"id"}, OnDelete: ast.RefCascade, OnUpdate: ast.RefSetDefault},
			`{"ForeignKey":{"name":"fk","columns":["pid"],"references_table":"p","references_columns":["id"],"on_delete":"CASCADE","on_update":"SET DEFAULT"}}`},
	}
	for _, tt := range tests {
		raw := tt.c.Encode()
		if string(raw) != tt.want {
			t.Errorf("Encode = %s, want %s", raw, tt.want)
		}
		back, err := DecodeConstraint(raw)
		if err != nil {
			t.Fatalf("DecodeConstraint(%s): %v", raw, err)
		}
		if string(back.Encode()) != tt.want {
			t.Errorf("round trip of %s gives %s", tt.want, back.Encode())
		}
	}
	if got := (&Constraint{Kind: ast.ConstraintUnique, Columns: []string{"email"}}).IndexName("users"); got != "unique_users_email" {
		t.Errorf("IndexName = %q", got)
	}
}

func TestConstraintDecodeErrors(t *testing.T) {
	for _, raw := range []string{
		`{}`, `[]`, `{"Nope":{}}`, `{"PrimaryKey":{"name":null}}`, `{"Check":{"expr":"a >"}}`,
		`{"ForeignKey":{"columns":["a"],"references_table":"p","references_columns":[]}}`,
		`{"ForeignKey":{"columns":["a"],"references_table":"p","references_columns":["id"],"on_delete":"EXPLODE"}}`,
		`{"PrimaryKey":{"columns":["a"]},"Unique":{"columns":["b"]}}`,
	} {
		if _, err := DecodeConstraint(json.RawMessage(raw)); !errors.Is(err, ErrCorrupt) {
			t.Errorf("DecodeConstraint(%s) = %v, want ErrCorrupt", raw, err)
		}
	}
}

func TestDefaults(t *testing.T) {
	for _, tt := range []struct{ raw, want string }{
		{`null`, ""},
		{`{"Literal":"pending"}`, `"pending"`},
		{`{"Literal":-1}`, `-1`},
		{`{"Expr":"NOW()"}`, `NOW()`},
	} {
		d, err := DecodeDefault(json.RawMessage(tt.raw))
		if err != nil {
			t.Fatalf("DecodeDefault(%s): %v", tt.raw, err)
		}
		got := ""
		switch {
		case d == nil:
		case d.Expr != nil:
			got = ast.SQL(d.Expr)
		default:
			got = d.Literal.String()
		}
		if got != tt.want {
			t.Errorf("DecodeDefault(%s) = %q, want %q", tt.raw, got, tt.want)
		}
	}
	if got := string(EncodeLiteralDefault(jsondoc.String("x"))); got != `{"Literal":"x"}` {
		t.Errorf("EncodeLiteralDefault = %s", got)
	}
	for _, raw := range []string{`{"Expr":"1 +"}`, `{"Other":1}`, `[1]`} {
		if _, err := DecodeDefault(json.RawMessage(raw)); !errors.Is(err, ErrCorrupt) {
			t.Errorf("DecodeDefault(%s) = %v, want ErrCorrupt", raw, err)
		}
	}
}

// TestSealedSchemaRoundTrip builds a schema as DDL does and decodes its catalog text.
func TestSealedSchemaRoundTrip(t *testing.T) {
	s := NewSchema("t")
	s.Columns["id"] = &Column{Name: "id", Type: ast.Type{Base: ast.TypeInteger}, Default: json.RawMessage("null")}
	s.Columns["name"] = &Column{Name: "name", Type: ast.Type{Base: ast.TypeVarchar, Params: []int{5}}, Nullable: true,
		Default: EncodeLiteralDefault(jsondoc.String("x"))}
	s.Order = []string{"id", "name"}
	s.Cons = []*Constraint{{Kind: ast.ConstraintPrimaryKey, Columns: []string{"id"}}}
	s.Seal()
	want := `{"table_name":"t","columns":{"id":{"type":"INTEGER","nullable":false,"default":null},"name":{"type":"VARCHAR(5)","nullable":true,"default":{"Literal":"x"}}},"column_order":["id","name"],"constraints":[{"PrimaryKey":{"name":null,"columns":["id"]}}]}`
	if s.Raw != want {
		t.Fatalf("Seal:\n%s\nwant\n%s", s.Raw, want)
	}
	back, err := DecodeSchema(s.Raw)
	if err != nil {
		t.Fatal(err)
	}
	if back.KeyColumn() != "id" || back.Columns["name"].Def.Literal.String() != `"x"` || back.Encode() != want {
		t.Errorf("decoded %+v", back)
	}
	c := back.Clone()
	c.Columns["id"].Nullable = true
	if back.Columns["id"].Nullable {
		t.Error("Clone shares columns")
	}
}

// FuzzDecodeSchema checks that any catalog text either decodes into a schema whose
// encoding decodes to the same encoding, or fails with ErrCorrupt, without panicking.
func FuzzDecodeSchema(f *testing.F) {
	f.Add(schemaText)
	f.Add(`{"table_name":"t","columns":{},"column_order":[],"constraints":[]}`)
	f.Add(`{"table_name":"c","columns":{"pid":{"type":"INTEGER[]","nullable":true,"default":{"Expr":"NOW()"}}},"column_order":["pid"],"constraints":[{"ForeignKey":{"name":null,"columns":["pid"],"references_table":"p","references_columns":["id"],"on_delete":"CASCADE","on_update":"NO ACTION"}},{"Check":{"name":"ck","expr":"pid > 0"}}]}`)
	f.Add(`{"table_name":1}`)
	f.Add(`{"columns":{"a":{"type":"NUMERIC(5, 2)","default":{"Literal":[1,{"a":null}]}}}}`)
	f.Fuzz(func(t *testing.T, raw string) {
		s, err := DecodeSchema(raw)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("DecodeSchema(%q) = %v, want ErrCorrupt", raw, err)
			}
			return
		}
		enc := s.Clone().Seal().Raw
		back, err := DecodeSchema(enc)
		if err != nil {
			t.Fatalf("re-decoding %q: %v", enc, err)
		}
		if again := back.Clone().Seal().Raw; again != enc {
			t.Fatalf("encoding not stable:\n%s\n%s", enc, again)
		}
	})
}
