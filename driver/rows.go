package driver

import (
	"database/sql/driver"
	"io"
	"slices"
	"sort"
	"strconv"

	"github.com/memflux/memflux/command"
	"github.com/memflux/memflux/jsondoc"
)

// rows is a complete result set: MemFlux replies arrive whole, so Next only converts.
// It is not safe for concurrent use.
type rows struct {
	cols []string
	vals [][]driver.Value
	i    int
}

var _ driver.Rows = (*rows)(nil)

func (r *rows) Columns() []string { return r.cols }

func (r *rows) Close() error {
	r.vals, r.i = nil, 0
	return nil
}

func (r *rows) Next(dest []driver.Value) error {
	if r.i >= len(r.vals) {
		return io.EOF
	}
	copy(dest, r.vals[r.i])
	r.i++
	return nil
}

// sqlRows turns an SQL reply into rows: an array of JSON objects, one per row. cols is
// the select-list order when known; it is used only if every row's members belong to it,
// else the columns are the sorted union of the members.
func sqlRows(rep command.Reply, cols []string) (*rows, error) {
	if rep.Kind != command.KindArray {
		return &rows{}, nil // DML count or OK: no result set
	}
	docs := make([]jsondoc.Value, len(rep.Elems))
	for i, e := range rep.Elems {
		v, err := jsondoc.Parse(e.Str)
		if err != nil || v.Kind() != jsondoc.KindObject {
			return commandRows(rep), nil // not rows of JSON objects: show the raw reply
		}
		docs[i] = v
	}
	if cols == nil || !membersWithin(docs, cols) {
		cols = memberUnion(docs)
	}
	out := &rows{cols: cols, vals: make([][]driver.Value, len(docs))}
	for i, d := range docs {
		row := make([]driver.Value, len(cols))
		for _, m := range d.Members() {
			if j := slices.Index(cols, m.Name); j >= 0 {
				row[j] = jsonValue(m.Value)
			}
		}
		out.vals[i] = row
	}
	return out, nil
}

// membersWithin reports whether every member name of every document is in cols.
func membersWithin(docs []jsondoc.Value, cols []string) bool {
	for _, d := range docs {
		for _, m := range d.Members() {
			if !slices.Contains(cols, m.Name) {
				return false
			}
		}
	}
	return true
}

// memberUnion returns the sorted union of the documents' member names.
func memberUnion(docs []jsondoc.Value) []string {
	var names []string
	for _, d := range docs {
		for _, m := range d.Members() {
			if !slices.Contains(names, m.Name) {
				names = append(names, m.Name)
			}
		}
	}
	sort.Strings(names)
	return names
}

// jsonValue converts a JSON cell to a driver value.
func jsonValue(v jsondoc.Value) driver.Value {
	switch v.Kind() {
	case jsondoc.KindBool:
		b, _ := v.AsBool()
		return b
	case jsondoc.KindInt:
		n, _ := v.AsInt()
		return n
	case jsondoc.KindUint:
		n, _ := v.AsUint()
		return strconv.AppendUint(nil, n, 10) // beyond int64: scan it into a uint64
	case jsondoc.KindFloat:
		f, _ := v.AsFloat()
		return f
	case jsondoc.KindString:
		s, _ := v.Str()
		return s
	case jsondoc.KindArray, jsondoc.KindObject:
		return v.Append(nil)
	}
	return nil
}

// commandRows turns a command reply into rows: an array gives one row per element in
// column "value", a map columns "key" and "value", nil no row, anything else one row.
func commandRows(rep command.Reply) *rows {
	switch rep.Kind {
	case command.KindNil, command.KindNilArray:
		return &rows{cols: []string{"value"}}
	case command.KindArray:
		out := &rows{cols: []string{"value"}, vals: make([][]driver.Value, len(rep.Elems))}
		for i := range rep.Elems {
			out.vals[i] = []driver.Value{replyValue(&rep.Elems[i])}
		}
		return out
	case command.KindMap:
		out := &rows{cols: []string{"key", "value"}}
		for i := 0; i+1 < len(rep.Elems); i += 2 {
			out.vals = append(out.vals, []driver.Value{replyValue(&rep.Elems[i]), replyValue(&rep.Elems[i+1])})
		}
		return out
	}
	return &rows{cols: []string{"value"}, vals: [][]driver.Value{{replyValue(&rep)}}}
}

// replyValue converts one reply to a driver value: bulk → []byte, status → string,
// integer → int64, double → float64, nil → nil, nested arrays and maps → JSON text.
func replyValue(e *command.Reply) driver.Value {
	switch e.Kind {
	case command.KindOK:
		return "OK"
	case command.KindSimple:
		return e.Str
	case command.KindBulk, command.KindVerbatim:
		return []byte(e.Str)
	case command.KindInt:
		return e.Int
	case command.KindDouble:
		return e.Num
	case command.KindNil, command.KindNilArray:
		return nil
	}
	return appendJSON(nil, e)
}

// appendJSON renders a nested reply as JSON (maps as objects when every key is a string).
func appendJSON(b []byte, e *command.Reply) []byte {
	switch e.Kind {
	case command.KindOK, command.KindSimple, command.KindBulk, command.KindVerbatim:
		s := e.Str
		if e.Kind == command.KindOK {
			s = "OK"
		}
		return jsondoc.Quote(b, s)
	case command.KindInt:
		return strconv.AppendInt(b, e.Int, 10)
	case command.KindDouble:
		return strconv.AppendFloat(b, e.Num, 'g', -1, 64)
	case command.KindArray, command.KindMap:
		obj := e.Kind == command.KindMap && len(e.Elems)%2 == 0
		for i := 0; obj && i < len(e.Elems); i += 2 {
			k := e.Elems[i].Kind
			obj = k == command.KindBulk || k == command.KindSimple || k == command.KindVerbatim
		}
		open, close := byte('['), byte(']')
		if obj {
			open, close = '{', '}'
		}
		b = append(b, open)
		for i := range e.Elems {
			if i > 0 {
				sep := byte(',')
				if obj && i%2 == 1 {
					sep = ':'
				}
				b = append(b, sep)
			}
			b = appendJSON(b, &e.Elems[i])
		}
		return append(b, close)
	}
	return append(b, "null"...)
}

// result is the driver.Result of Exec.
type result struct{ n int64 }

func (r result) LastInsertId() (int64, error) { return 0, ErrNoInsertID }
func (r result) RowsAffected() (int64, error) { return r.n, nil }
