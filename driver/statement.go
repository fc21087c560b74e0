package driver

import (
	"database/sql/driver"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/memflux/memflux/driver/cmdline"
	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/sql/ast"
	"github.com/memflux/memflux/sql/parser"
)

// sqlWords are the first words that make a query an SQL statement: the parser's statement
// keywords (SPEC §4.3). BEGIN, COMMIT, ROLLBACK, SAVEPOINT and RELEASE are also commands
// with the same effect, so they go the command way; DELETE is SQL only before FROM.
var sqlWords = map[string]bool{
	"SELECT": true, "WITH": true, "INSERT": true, "UPDATE": true, "CREATE": true,
	"DROP": true, "ALTER": true, "TRUNCATE": true, "EXPLAIN": true, "START": true, "END": true,
}

// The command names of SQL statements without and with parameters.
var (
	cmdSQL     = []byte("SQL")
	cmdSQLExec = []byte("SQL.EXEC")
)

// statement is a parsed query, reused by every execution of a prepared statement.
// It is immutable after parseStatement, so safe for concurrent use.
type statement struct {
	sql   bool
	text  string   // SQL text, without a leading "SQL" word
	textB []byte   // text as bytes, shared by every execution (commands never modify args)
	cols  []string // SQL: output columns in select-list order; nil when unknown
	words [][]byte // command: the split words
	marks []mark   // command: placeholder words
	nIn   int      // number of arguments; -1 when unknown (SQL)
}

// mark says that words[word] is replaced by argument arg. It is a plain value.
type mark struct{ word, arg int }

// parseStatement classifies and parses a query.
func parseStatement(query string, cols *columnCache) (*statement, error) {
	if text, ok := sqlText(query); ok {
		return &statement{sql: true, text: text, textB: []byte(text), cols: cols.get(text), nIn: -1}, nil
	}
	var sp cmdline.Splitter
	words, err := sp.Split([]byte(query))
	if err != nil {
		return nil, ErrSyntax
	}
	if len(words) == 0 {
		return nil, ErrEmpty
	}
	st := &statement{words: make([][]byte, len(words))}
	next := 0
	for i, w := range words {
		st.words[i] = slices.Clone(w)
		if sp.Quoted(i) {
			continue
		}
		if string(w) == "?" {
			st.marks = append(st.marks, mark{i, next})
			next++
		} else if n, ok := dollar(w); ok {
			st.marks = append(st.marks, mark{i, n - 1})
		}
	}
	for _, m := range st.marks {
		st.nIn = max(st.nIn, m.arg+1)
	}
	return st, nil
}

// dollar parses a $N placeholder word (N ≥ 1).
func dollar(w []byte) (int, bool) {
	if len(w) < 2 || w[0] != '$' {
		return 0, false
	}
	n, err := strconv.Atoi(string(w[1:]))
	return n, err == nil && n >= 1 && w[1] != '+'
}

// sqlText reports whether query is an SQL statement and returns its text (a leading
// "SQL" word removed).
func sqlText(query string) (string, bool) {
	s := strings.TrimLeft(query, " \t\r\n")
	if strings.HasPrefix(s, "(") {
		return s, true
	}
	first, rest, _ := strings.Cut(s, " ")
	if i := strings.IndexAny(first, "\t\r\n"); i >= 0 {
		first, rest = s[:i], s[i+1:]
	}
	up := strings.ToUpper(first)
	if up == "SQL" {
		return strings.TrimLeft(rest, " \t\r\n"), true
	}
	if sqlWords[up] {
		return s, true
	}
	if up == "DELETE" {
		second, _, _ := strings.Cut(strings.TrimLeft(rest, " \t\r\n"), " ")
		return s, strings.EqualFold(strings.TrimRight(second, "\t\r\n"), "FROM")
	}
	return "", false
}

// argv builds the argument vector of one execution.
func (st *statement) argv(args []driver.NamedValue) ([][]byte, error) {
	for _, a := range args {
		if a.Name != "" {
			return nil, fmt.Errorf("%w: named parameter %q: use $N or ?", ErrParams, a.Name)
		}
	}
	if st.sql {
		if len(args) == 0 {
			return [][]byte{cmdSQL, st.textB}, nil
		}
		out := make([][]byte, 0, len(args)+2)
		out = append(out, cmdSQLExec, st.textB)
		for _, a := range args {
			p, err := jsonParam(a.Value)
			if err != nil {
				return nil, fmt.Errorf("%w: parameter $%d: %w", ErrParams, a.Ordinal, err)
			}
			out = append(out, p)
		}
		return out, nil
	}
	if len(args) != max(st.nIn, 0) {
		return nil, fmt.Errorf("%w: the command has %d placeholders, got %d arguments", ErrParams, max(st.nIn, 0), len(args))
	}
	out := slices.Clone(st.words)
	for _, m := range st.marks {
		p, err := rawParam(args[m.arg].Value)
		if err != nil {
			return nil, fmt.Errorf("%w: argument %d: %w", ErrParams, m.arg+1, err)
		}
		out[m.word] = p
	}
	return out, nil
}

// bind converts the arguments of an SQL statement to the parameter values SQL.EXEC
// would decode from their JSON text (jsonParam), into the statement's reused buffer.
func (s *stmt) bind(args []driver.NamedValue) ([]jsondoc.Value, error) {
	for _, a := range args {
		if a.Name != "" {
			return nil, fmt.Errorf("%w: named parameter %q: use $N or ?", ErrParams, a.Name)
		}
	}
	out := s.params[:0]
	for _, a := range args {
		v, err := paramValue(a.Value)
		if err != nil {
			return nil, fmt.Errorf("%w: parameter $%d: %w", ErrParams, a.Ordinal, err)
		}
		out = append(out, v)
	}
	s.params = out
	return out, nil
}

// paramValue is the value of an SQL parameter: the JSON text of jsonParam, decoded.
func paramValue(v driver.Value) (jsondoc.Value, error) {
	switch v := v.(type) {
	case nil:
		return jsondoc.Null(), nil
	case int64:
		return jsondoc.Int(v), nil
	case int: // let through by conn.CheckNamedValue
		return jsondoc.Int(int64(v)), nil
	case float64:
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return jsondoc.Null(), fmt.Errorf("%v is not a JSON number", v)
		}
		return jsondoc.Float(v), nil
	case bool:
		return jsondoc.Bool(v), nil
	case string:
		if utf8.ValidString(v) {
			return jsondoc.String(v), nil
		}
		return jsondoc.String(textOrHex([]byte(v))), nil
	case []byte:
		return jsondoc.String(textOrHex(v)), nil // a copy: the caller may reuse v
	case time.Time:
		return jsondoc.String(v.Format(time.RFC3339Nano)), nil
	}
	return jsondoc.Null(), fmt.Errorf("unsupported type %T", v)
}

// jsonParam encodes an SQL parameter as the JSON text SQL.EXEC binds: numbers, booleans,
// null, and strings (bytes as their UTF-8 text, or "\x<hex>" when not UTF-8; times in
// RFC 3339).
func jsonParam(v driver.Value) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return []byte("null"), nil
	case int64:
		return strconv.AppendInt(nil, v, 10), nil
	case int: // let through by conn.CheckNamedValue
		return strconv.AppendInt(nil, int64(v), 10), nil
	case float64:
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return nil, fmt.Errorf("%v is not a JSON number", v)
		}
		b := strconv.AppendFloat(nil, v, 'g', -1, 64)
		if !strings.ContainsAny(string(b), ".e") {
			b = append(b, ".0"...) // keep it a float
		}
		return b, nil
	case bool:
		return strconv.AppendBool(nil, v), nil
	case string:
		return jsondoc.Quote(nil, textOrHex([]byte(v))), nil
	case []byte:
		return jsondoc.Quote(nil, textOrHex(v)), nil
	case time.Time:
		return jsondoc.Quote(nil, v.Format(time.RFC3339Nano)), nil
	}
	return nil, fmt.Errorf("unsupported type %T", v)
}

// textOrHex returns b as text when it is UTF-8, else as "\x" and its hex digits (the
// BYTEA text form, SPEC §4.13).
func textOrHex(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return `\x` + hex.EncodeToString(b)
}

// rawParam encodes a command argument as its bytes.
func rawParam(v driver.Value) ([]byte, error) {
	switch v := v.(type) {
	case int64:
		return strconv.AppendInt(nil, v, 10), nil
	case int: // let through by conn.CheckNamedValue
		return strconv.AppendInt(nil, int64(v), 10), nil
	case float64:
		return strconv.AppendFloat(nil, v, 'g', -1, 64), nil
	case bool:
		if v {
			return []byte("1"), nil
		}
		return []byte("0"), nil
	case string:
		return []byte(v), nil
	case []byte:
		return slices.Clone(v), nil
	case time.Time:
		return []byte(v.Format(time.RFC3339Nano)), nil
	case nil:
		return nil, fmt.Errorf("nil cannot be a command argument")
	}
	return nil, fmt.Errorf("unsupported type %T", v)
}

// outputColumns returns the output column names of an SQL statement in select-list
// order, or nil when they depend on the data (SELECT *, q.*) or the statement returns no
// rows. Duplicate names keep their first position (later ones overwrite the value,
// SPEC §4.8).
func outputColumns(text string) []string {
	if !mayReturnRows(text) {
		return nil
	}
	stmt, err := parser.Parse(text)
	if err != nil {
		return nil
	}
	var items []ast.SelectItem
	switch s := stmt.(type) {
	case *ast.Select:
		core := s.Body
		for {
			op, ok := core.(*ast.SetOp)
			if !ok {
				break
			}
			core = op.Left // UNION takes the left side's names (SPEC Q33)
		}
		if c, ok := core.(*ast.SelectCore); ok {
			items = c.Items
		}
	case *ast.Insert:
		items = s.Returning
	case *ast.Update:
		items = s.Returning
	case *ast.Delete:
		items = s.Returning
	}
	var names []string
	for _, it := range items {
		switch it.Expr.(type) {
		case *ast.Star, *ast.QualifiedStar:
			return nil
		}
		if n := it.OutputName(); !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return names
}

// mayReturnRows is a cheap filter before parsing: only queries and RETURNING clauses
// produce rows.
func mayReturnRows(text string) bool {
	first, _, _ := strings.Cut(text, " ")
	switch strings.ToUpper(first) {
	case "SELECT", "WITH":
		return true
	}
	return strings.HasPrefix(first, "(") || strings.Contains(strings.ToUpper(text), "RETURNING")
}

// columnCache remembers outputColumns by statement text so that repeated queries parse
// once. It is bounded (cleared when full) and safe for concurrent use.
type columnCache struct {
	// mu protects m.
	mu sync.Mutex
	m  map[string][]string
}

// maxCachedColumns bounds the cache.
const maxCachedColumns = 1024

func (c *columnCache) get(text string) []string {
	c.mu.Lock()
	cols, ok := c.m[text]
	c.mu.Unlock()
	if ok {
		return cols
	}
	cols = outputColumns(text)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCachedColumns {
		c.m = make(map[string][]string)
	}
	c.m[text] = cols
	return cols
}
