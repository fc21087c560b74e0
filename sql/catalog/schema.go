package catalog

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/sql/ast"
	"github.com/memflux/memflux/sql/parser"
)

// Column is one column of a table schema.
type Column struct {
	Name     string
	Type     ast.Type
	Nullable bool
	// Default is the raw JSON of the column's "default" member ("null" when
	// there is none), as stored.
	Default json.RawMessage
	// Def is Default decoded; nil when the column has no default.
	Def *Default
}

// Schema is the definition of a table with a schema. It is immutable.
type Schema struct {
	Table   string
	Columns map[string]*Column
	// Order is the declaration order (INSERT without a column list).
	Order []string
	// Constraints are the raw JSON entries of "constraints".
	Constraints []json.RawMessage
	// Cons are Constraints decoded, in the same order.
	Cons []*Constraint
	// Raw is the catalog text the schema was decoded from.
	Raw string
}

// Column returns the named column.
func (s *Schema) Column(name string) (*Column, bool) {
	c, ok := s.Columns[name]
	return c, ok
}

// schemaJSON mirrors the stored format for decoding.
type schemaJSON struct {
	TableName string `json:"table_name"`
	Columns   map[string]struct {
		Type     string          `json:"type"`
		Nullable *bool           `json:"nullable"`
		Default  json.RawMessage `json:"default"`
	} `json:"columns"`
	ColumnOrder []string          `json:"column_order"`
	Constraints []json.RawMessage `json:"constraints"`
}

// DecodeSchema parses the schema JSON of SPEC §4.14.
func DecodeSchema(raw string) (*Schema, error) {
	var j schemaJSON
	if err := json.Unmarshal([]byte(raw), &j); err != nil {
		return nil, fmt.Errorf("catalog: decode schema: %v: %w", err, ErrCorrupt)
	}
	s := &Schema{Table: j.TableName, Columns: make(map[string]*Column, len(j.Columns)),
		Constraints: j.Constraints, Raw: raw}
	for name, c := range j.Columns {
		t, err := parser.ParseType(c.Type)
		if err != nil {
			return nil, fmt.Errorf("catalog: column %q type %q: %v: %w", name, c.Type, err, ErrCorrupt)
		}
		col := &Column{Name: name, Type: t, Nullable: c.Nullable == nil || *c.Nullable, Default: c.Default}
		if len(col.Default) == 0 {
			col.Default = json.RawMessage("null")
		}
		if col.Def, err = DecodeDefault(col.Default); err != nil {
			return nil, err
		}
		s.Columns[name] = col
	}
	for _, raw := range j.Constraints {
		c, err := DecodeConstraint(raw)
		if err != nil {
			return nil, err
		}
		s.Cons = append(s.Cons, c)
	}
	s.Order = j.ColumnOrder
	if s.Order == nil {
		for name := range s.Columns {
			s.Order = append(s.Order, name)
		}
		sort.Strings(s.Order)
	}
	return s, nil
}

// Encode renders the schema in the stored format: table_name, columns
// (sorted by name), column_order, constraints.
func (s *Schema) Encode() string {
	b := []byte(`{"table_name":`)
	b = jsondoc.Quote(b, s.Table)
	b = append(b, `,"columns":{`...)
	names := make([]string, 0, len(s.Columns))
	for n := range s.Columns {
		names = append(names, n)
	}
	sort.Strings(names)
	for i, n := range names {
		c := s.Columns[n]
		if i > 0 {
			b = append(b, ',')
		}
		b = jsondoc.Quote(b, n)
		b = append(b, `:{"type":`...)
		b = jsondoc.Quote(b, c.Type.String())
		b = append(b, `,"nullable":`...)
		if c.Nullable {
			b = append(b, "true"...)
		} else {
			b = append(b, "false"...)
		}
		b = append(b, `,"default":`...)
		if len(c.Default) == 0 {
			b = append(b, "null"...)
		} else {
			b = append(b, c.Default...)
		}
		b = append(b, '}')
	}
	b = append(b, `},"column_order":[`...)
	for i, n := range s.Order {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsondoc.Quote(b, n)
	}
	b = append(b, `],"constraints":[`...)
	for i, c := range s.Constraints {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, c...)
	}
	return string(append(b, "]}"...))
}

// View is a stored view definition. It is immutable.
type View struct {
	Name    string
	Columns []string // positional renames; nil or empty: the query's names
	Query   string   // the SELECT text
	Parsed  *ast.Select
	Raw     string
}

type viewJSON struct {
	Name    string   `json:"name"`
	Columns []string `json:"columns"`
	Query   string   `json:"query"`
}

// DecodeView parses a view definition and its query.
func DecodeView(raw string) (*View, error) {
	var j viewJSON
	if err := json.Unmarshal([]byte(raw), &j); err != nil {
		return nil, fmt.Errorf("catalog: decode view: %v: %w", err, ErrCorrupt)
	}
	stmt, err := parser.Parse(j.Query)
	if err != nil {
		return nil, fmt.Errorf("catalog: view %q query: %v: %w", j.Name, err, ErrCorrupt)
	}
	sel, ok := stmt.(*ast.Select)
	if !ok {
		return nil, fmt.Errorf("catalog: view %q query is not a SELECT: %w", j.Name, ErrCorrupt)
	}
	return &View{Name: j.Name, Columns: j.Columns, Query: j.Query, Parsed: sel, Raw: raw}, nil
}

// EncodeView renders a view definition in the stored format.
func EncodeView(name string, columns []string, query string) string {
	b := []byte(`{"name":`)
	b = jsondoc.Quote(b, name)
	b = append(b, `,"columns":[`...)
	for i, c := range columns {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsondoc.Quote(b, c)
	}
	b = append(b, `],"query":`...)
	b = jsondoc.Quote(b, query)
	return string(append(b, '}'))
}
