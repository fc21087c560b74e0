package sqlbench

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	memflux "github.com/memflux/memflux"
	"github.com/memflux/memflux/command"
)

// Case is one benchmark query in both dialects. Columns names MemFlux's output members in
// the order of SQLite's result columns. Cases are plain values, safe for concurrent reads.
type Case struct {
	Name     string
	MemFlux  string
	SQLite   string
	Columns  []string
	Ordered  bool // the result order is defined (ORDER BY on a unique key)
	JoinOnly bool // run only at the join size (100k x 100k)
}

// Cases are the benchmark queries (issue 5: full scan with filter, GROUP BY aggregate,
// equi-join, ORDER BY … LIMIT 10).
var Cases = []Case{
	{
		Name:    "scan_filter",
		MemFlux: "SELECT name, score FROM users WHERE age = 42 AND city = 'Oslo'",
		SQLite: "SELECT json_extract(doc, '$.name'), json_extract(doc, '$.score') FROM users " +
			"WHERE json_extract(doc, '$.age') = 42 AND json_extract(doc, '$.city') = 'Oslo'",
		Columns: []string{"name", "score"},
	},
	{
		Name:    "group_by",
		MemFlux: "SELECT city, COUNT(*), AVG(age) FROM users GROUP BY city",
		SQLite: "SELECT json_extract(doc, '$.city') AS city, COUNT(*), AVG(json_extract(doc, '$.age')) " +
			"FROM users GROUP BY city",
		Columns: []string{"city", "COUNT(*)", "AVG(age)"},
	},
	{
		Name:    "order_limit",
		MemFlux: "SELECT id, name, score FROM users ORDER BY score DESC, id LIMIT 10",
		SQLite: "SELECT id, json_extract(doc, '$.name'), json_extract(doc, '$.score') AS score FROM users " +
			"ORDER BY score DESC, id LIMIT 10",
		Columns: []string{"id", "name", "score"},
		Ordered: true,
	},
	{
		Name:    "join",
		MemFlux: "SELECT COUNT(*), SUM(o.amount) FROM orders o JOIN users u ON o.user_id = u.id",
		SQLite: "SELECT COUNT(*), SUM(json_extract(o.doc, '$.amount')) FROM orders o " +
			"JOIN users u ON u.id = json_extract(o.doc, '$.user_id')",
		Columns:  []string{"COUNT(*)", "SUM(o.amount)"},
		JoinOnly: true,
	},
}

// RunMemFlux runs the case's query through the SQL command and returns its rows
// normalized for Compare.
func RunMemFlux(s *memflux.Session, c Case) ([]string, error) {
	r, err := s.Do("SQL", c.MemFlux)
	if err != nil {
		return nil, fmt.Errorf("sqlbench: memflux %s: %w", c.Name, err)
	}
	if r.Kind != command.KindArray {
		return nil, fmt.Errorf("sqlbench: memflux %s: reply is not rows: %v", c.Name, r)
	}
	out := make([]string, 0, len(r.Elems))
	for _, e := range r.Elems {
		dec := json.NewDecoder(strings.NewReader(e.Str))
		dec.UseNumber()
		var row map[string]any
		if err := dec.Decode(&row); err != nil {
			return nil, fmt.Errorf("sqlbench: memflux %s: row %q: %w", c.Name, e.Str, err)
		}
		vals := make([]any, len(c.Columns))
		for i, col := range c.Columns {
			vals[i] = row[col]
		}
		out = append(out, normalize(vals))
	}
	return out, nil
}

// RunSQLite runs the case's prepared statement and returns its rows normalized for
// Compare.
func RunSQLite(stmt *sql.Stmt, c Case) ([]string, error) {
	rows, err := stmt.Query()
	if err != nil {
		return nil, fmt.Errorf("sqlbench: sqlite %s: %w", c.Name, err)
	}
	defer rows.Close()
	var out []string
	vals := make([]any, len(c.Columns))
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("sqlbench: sqlite %s: %w", c.Name, err)
		}
		out = append(out, normalize(vals))
	}
	return out, rows.Err()
}

// normalize renders a row's values so that both engines' representations compare equal:
// numbers at 10 significant digits (integers, floats and SUM's float alike), strings
// quoted, NULL as NULL.
func normalize(vals []any) string {
	parts := make([]string, len(vals))
	for i, v := range vals {
		var f float64
		isNum := true
		switch v := v.(type) {
		case json.Number:
			f, _ = v.Float64()
		case int64:
			f = float64(v)
		case float64:
			f = v
		default:
			isNum = false
		}
		switch {
		case isNum:
			parts[i] = strconv.FormatFloat(f, 'g', 10, 64)
		case v == nil:
			parts[i] = "NULL"
		default:
			parts[i] = fmt.Sprintf("%q", fmt.Sprint(v))
		}
	}
	return strings.Join(parts, " | ")
}

// Compare checks that two normalized results are the same (as multisets unless the case
// is ordered).
func Compare(c Case, memfluxRows, sqliteRows []string) error {
	if !c.Ordered {
		memfluxRows = slices.Sorted(slices.Values(memfluxRows))
		sqliteRows = slices.Sorted(slices.Values(sqliteRows))
	}
	if !slices.Equal(memfluxRows, sqliteRows) {
		return fmt.Errorf("%w on %s:\nmemflux: %q\nsqlite:  %q", ErrMismatch, c.Name, memfluxRows, sqliteRows)
	}
	return nil
}
