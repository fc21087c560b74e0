package catalog

import (
	"encoding/json"
	"fmt"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/sql/ast"
)

// Constraint is one table constraint of a schema, decoded from its entry in
// "constraints". Entries are externally tagged objects, as the original
// serialized them:
//
//	{"PrimaryKey":{"name":null,"columns":["id"]}}
//	{"Unique":{"name":"uq_email","columns":["email"]}}
//	{"Check":{"name":null,"expr":"age > 0"}}
//	{"ForeignKey":{"name":null,"columns":["pid"],"references_table":"p",
//	  "references_columns":["id"],"on_delete":"CASCADE","on_update":"NO ACTION"}}
//
// Check holds the expression as SQL text (ast.SQL), re-parsed on decoding.
// Constraint values are immutable once part of a Schema.
type Constraint struct {
	Kind ast.ConstraintKind
	// Name is the declared name; "" when unnamed.
	Name       string
	Columns    []string
	Check      string   // CHECK: the expression's SQL text
	CheckExpr  ast.Expr // CHECK: the parsed expression
	RefTable   string   // FOREIGN KEY: the referenced table
	RefColumns []string // FOREIGN KEY: the referenced columns
	OnDelete   ast.RefAction
	OnUpdate   ast.RefAction
}

// IndexName returns the name of the unique index backing a UNIQUE
// constraint of table: the constraint's name, else unique_<table>_<col>
// (SPEC §4.14).
func (c *Constraint) IndexName(table string) string {
	if c.Name != "" {
		return c.Name
	}
	col := ""
	if len(c.Columns) > 0 {
		col = c.Columns[0]
	}
	return "unique_" + table + "_" + col
}

// constraintJSON mirrors the body of one tagged constraint entry.
type constraintJSON struct {
	Name       *string  `json:"name"`
	Columns    []string `json:"columns,omitempty"`
	Expr       string   `json:"expr,omitempty"`
	RefTable   string   `json:"references_table,omitempty"`
	RefColumns []string `json:"references_columns,omitempty"`
	OnDelete   string   `json:"on_delete,omitempty"`
	OnUpdate   string   `json:"on_update,omitempty"`
}

// Tags of the constraint entries.
var constraintTags = map[string]ast.ConstraintKind{
	"PrimaryKey": ast.ConstraintPrimaryKey,
	"Unique":     ast.ConstraintUnique,
	"Check":      ast.ConstraintCheck,
	"ForeignKey": ast.ConstraintForeignKey,
}

func tagOf(k ast.ConstraintKind) string {
	switch k {
	case ast.ConstraintUnique:
		return "Unique"
	case ast.ConstraintCheck:
		return "Check"
	case ast.ConstraintForeignKey:
		return "ForeignKey"
	}
	return "PrimaryKey"
}

// parseAction reads a referential action as stored ("NO ACTION", "CASCADE",
// "SET NULL", …); an empty text is NO ACTION.
func parseAction(s string) (ast.RefAction, bool) {
	for _, a := range []ast.RefAction{ast.RefNoAction, ast.RefRestrict, ast.RefCascade, ast.RefSetNull, ast.RefSetDefault} {
		if s == a.String() {
			return a, true
		}
	}
	return ast.RefNoAction, s == ""
}

// DecodeConstraint parses one entry of "constraints".
func DecodeConstraint(raw json.RawMessage) (*Constraint, error) {
	var tagged map[string]constraintJSON
	if err := json.Unmarshal(raw, &tagged); err != nil || len(tagged) != 1 {
		return nil, fmt.Errorf("catalog: constraint %s: %w", raw, ErrCorrupt)
	}
	for tag, body := range tagged {
		kind, ok := constraintTags[tag]
		if !ok {
			return nil, fmt.Errorf("catalog: constraint kind %q: %w", tag, ErrCorrupt)
		}
		c := &Constraint{Kind: kind, Columns: body.Columns, RefTable: body.RefTable, RefColumns: body.RefColumns}
		if body.Name != nil {
			c.Name = *body.Name
		}
		if c.OnDelete, ok = parseAction(body.OnDelete); !ok {
			return nil, fmt.Errorf("catalog: ON DELETE action %q: %w", body.OnDelete, ErrCorrupt)
		}
		if c.OnUpdate, ok = parseAction(body.OnUpdate); !ok {
			return nil, fmt.Errorf("catalog: ON UPDATE action %q: %w", body.OnUpdate, ErrCorrupt)
		}
		switch kind {
		case ast.ConstraintCheck:
			e, err := parseExpr(body.Expr)
			if err != nil {
				return nil, fmt.Errorf("catalog: CHECK expression %q: %v: %w", body.Expr, err, ErrCorrupt)
			}
			c.Check, c.CheckExpr = body.Expr, e
		case ast.ConstraintForeignKey:
			if c.RefTable == "" || len(c.Columns) == 0 || len(c.Columns) != len(c.RefColumns) {
				return nil, fmt.Errorf("catalog: foreign key %s: %w", raw, ErrCorrupt)
			}
		default:
			if len(c.Columns) == 0 {
				return nil, fmt.Errorf("catalog: constraint %s has no columns: %w", raw, ErrCorrupt)
			}
		}
		return c, nil
	}
	return nil, ErrCorrupt
}

// Encode renders the constraint as its tagged catalog entry.
func (c *Constraint) Encode() json.RawMessage {
	b := []byte(`{"`)
	b = append(b, tagOf(c.Kind)...)
	b = append(b, `":{"name":`...)
	if c.Name == "" {
		b = append(b, "null"...)
	} else {
		b = jsondoc.Quote(b, c.Name)
	}
	if c.Kind == ast.ConstraintCheck {
		b = append(b, `,"expr":`...)
		b = jsondoc.Quote(b, c.Check)
		return append(b, "}}"...)
	}
	b = append(b, `,"columns":`...)
	b = appendNames(b, c.Columns)
	if c.Kind == ast.ConstraintForeignKey {
		b = append(b, `,"references_table":`...)
		b = jsondoc.Quote(b, c.RefTable)
		b = append(b, `,"references_columns":`...)
		b = appendNames(b, c.RefColumns)
		b = append(b, `,"on_delete":`...)
		b = jsondoc.Quote(b, c.OnDelete.String())
		b = append(b, `,"on_update":`...)
		b = jsondoc.Quote(b, c.OnUpdate.String())
	}
	return append(b, "}}"...)
}

// appendNames renders a JSON array of strings.
func appendNames(b []byte, names []string) []byte {
	b = append(b, '[')
	for i, n := range names {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsondoc.Quote(b, n)
	}
	return append(b, ']')
}

// Default is a column's DEFAULT: a literal value or an expression evaluated
// at each insert. It is stored as {"Literal":<json>} or {"Expr":"<sql>"}.
// Default values are immutable.
type Default struct {
	// Literal is the value of a literal default; Expr is nil then.
	Literal jsondoc.Value
	// Expr is the expression of a non-literal default (NOW()).
	Expr ast.Expr
}

// DecodeDefault parses the "default" member of a column; nil means none.
func DecodeDefault(raw json.RawMessage) (*Default, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var j struct {
		Literal json.RawMessage `json:"Literal"`
		Expr    *string         `json:"Expr"`
	}
	if err := json.Unmarshal(raw, &j); err != nil {
		return nil, fmt.Errorf("catalog: default %s: %w", raw, ErrCorrupt)
	}
	if j.Expr != nil {
		e, err := parseExpr(*j.Expr)
		if err != nil {
			return nil, fmt.Errorf("catalog: default %q: %v: %w", *j.Expr, err, ErrCorrupt)
		}
		return &Default{Expr: e}, nil
	}
	if j.Literal == nil {
		return nil, fmt.Errorf("catalog: default %s: %w", raw, ErrCorrupt)
	}
	v, err := jsondoc.Parse(string(j.Literal))
	if err != nil {
		return nil, fmt.Errorf("catalog: default %s: %w", raw, ErrCorrupt)
	}
	return &Default{Literal: v}, nil
}

// EncodeLiteralDefault renders a literal default as stored.
func EncodeLiteralDefault(v jsondoc.Value) json.RawMessage {
	b := []byte(`{"Literal":`)
	b = v.Append(b)
	return append(b, '}')
}

// EncodeExprDefault renders an expression default as stored.
func EncodeExprDefault(e ast.Expr) json.RawMessage {
	b := []byte(`{"Expr":`)
	b = jsondoc.Quote(b, ast.SQL(e))
	return append(b, '}')
}
