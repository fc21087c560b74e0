package driver

import (
	"database/sql/driver"
	"io"
	"slices"
	"sort"
	"strconv"
	"unicode/utf8"

	"github.com/memflux/memflux/command"
	"github.com/memflux/memflux/jsondoc"
	mfsql "github.com/memflux/memflux/sql"
)

// rows is a complete result set: MemFlux replies arrive whole, so Next only converts.
// It is not safe for concurrent use.
type rows struct {
	cols []string
	vals []driver.Value // n rows of len(cols) values, row after row
	n    int
	i    int
	// owner is the statement whose reusable rows these are (stmt.free): Close gives
	// them back to it. nil: the rows are not reused.
	owner *stmt
}

var _ driver.Rows = (*rows)(nil)

func (r *rows) Columns() []string { return r.cols }

func (r *rows) Close() error {
	if r.owner == nil {
		r.vals, r.n, r.i = nil, 0, 0
		return nil
	}
	// database/sql closes rows once, under the connection's lock, and the statement
	// runs under the same lock: the next execution may take them over.
	clear(r.vals)
	r.cols, r.vals, r.n, r.i = nil, r.vals[:0], 0, 0
	if cap(r.vals) > maxReusedValues {
		r.vals = nil
	}
	r.owner.free = r
	return nil
}

// maxReusedValues bounds the value buffer that reusable rows keep after Close.
const maxReusedValues = 256

func (r *rows) Next(dest []driver.Value) error {
	if r.i >= r.n {
		return io.EOF
	}
	w := len(r.cols)
	copy(dest, r.vals[r.i*w:(r.i+1)*w])
	r.i++
	return nil
}

// sqlRows turns an SQL reply into rows: an array of JSON objects, one per row (see
// textRows).
func sqlRows(rep command.Reply, cols []string) *rows {
	if rep.Kind != command.KindArray {
		return &rows{} // DML count or OK: no result set
	}
	texts := make([]string, len(rep.Elems))
	for i, e := range rep.Elems {
		texts[i] = e.Str
	}
	if out, ok := textRows(texts, cols); ok {
		return out
	}
	return commandRows(rep) // not rows of JSON objects: show the raw reply
}

// resultRows turns the result of an SQL statement into rows: no result set for a count
// or OK, else its rows in column form (columnRows) or as JSON objects (textRows).
func resultRows(res mfsql.Result, cols []string) *rows {
	switch {
	case res.Kind != mfsql.ResultRows:
		return &rows{}
	case len(res.Cols) > 0:
		return columnRows(&rows{}, res.Cols, res.Vals, cols)
	}
	if out, ok := textRows(res.Rows, cols); ok {
		return out
	}
	return rawRows(res.Rows) // not rows of JSON objects: show them as they are
}

// textRows turns rendered rows, JSON objects, into rows; ok is false when a row is not
// an object. cols is the select-list order when known; it is used only if every row's
// members belong to it, else the columns are the sorted union of the members.
func textRows(texts []string, cols []string) (_ *rows, ok bool) {
	docs := make([]jsondoc.Value, len(texts))
	for i, t := range texts {
		v, err := jsondoc.Parse(t)
		if err != nil || v.Kind() != jsondoc.KindObject {
			return nil, false
		}
		docs[i] = v
	}
	if cols == nil || !membersWithin(docs, cols) {
		cols = memberUnion(docs)
	}
	out := &rows{cols: cols, vals: make([]driver.Value, len(docs)*len(cols)), n: len(docs)}
	for i, d := range docs {
		row := out.vals[i*len(cols) : (i+1)*len(cols)]
		for _, m := range d.Members() {
			if j := slices.Index(cols, m.Name); j >= 0 {
				row[j] = jsonValue(m.Value)
			}
		}
	}
	return out, true
}

// rawRows returns texts as rows of column "value", bytes as a command's bulk replies.
func rawRows(texts []string) *rows {
	out := &rows{cols: []string{"value"}, vals: make([]driver.Value, len(texts)), n: len(texts)}
	for i, t := range texts {
		out.vals[i] = []byte(t)
	}
	return out
}

// columnRows turns rows in column form (names, and values row after row) into rows
// exactly as textRows turns the same rows rendered as objects: every row holds a member
// for each name, so cols is used when it holds every name, else the sorted names are.
// The rows are built in out, which is empty (fresh or closed), reusing its buffer.
func columnRows(out *rows, names []string, vals []jsondoc.Value, cols []string) *rows {
	n := len(vals) / len(names)
	if n == 0 {
		out.cols = cols
		return out
	}
	if cols == nil || !allWithin(names, cols) {
		cols = slices.Clone(names)
		sort.Strings(cols)
	}
	out.cols, out.n = cols, n
	out.vals = slices.Grow(out.vals[:0], n*len(cols))[:n*len(cols)]
	if slices.Equal(cols, names) {
		for i, v := range vals {
			out.vals[i] = jsonValue(v)
		}
		return out
	}
	for j, name := range cols {
		k := slices.Index(names, name)
		if k < 0 {
			for i := range n {
				out.vals[i*len(cols)+j] = nil // NULL: no row has the member
			}
			continue
		}
		for i := range n {
			out.vals[i*len(cols)+j] = jsonValue(vals[i*len(names)+k])
		}
	}
	return out
}

// allWithin reports whether every name is in cols.
func allWithin(names, cols []string) bool {
	for _, n := range names {
		if !slices.Contains(cols, n) {
			return false
		}
	}
	return true
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
		if !utf8.ValidString(s) {
			// As JSON text the invalid bytes read back as U+FFFD.
			s, _ = jsondoc.String(s).Str()
		}
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
		out := &rows{cols: []string{"value"}, vals: make([]driver.Value, len(rep.Elems)), n: len(rep.Elems)}
		for i := range rep.Elems {
			out.vals[i] = replyValue(&rep.Elems[i])
		}
		return out
	case command.KindMap:
		out := &rows{cols: []string{"key", "value"}}
		for i := 0; i+1 < len(rep.Elems); i += 2 {
			out.vals = append(out.vals, replyValue(&rep.Elems[i]), replyValue(&rep.Elems[i+1]))
			out.n++
		}
		return out
	}
	return &rows{cols: []string{"value"}, vals: []driver.Value{replyValue(&rep)}, n: 1}
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
	return e.AppendJSON(nil)
}

// result is the driver.Result of Exec, a plain value.
type result struct{ n int64 }

func (r result) LastInsertId() (int64, error) { return 0, ErrNoInsertID }
func (r result) RowsAffected() (int64, error) { return r.n, nil }
