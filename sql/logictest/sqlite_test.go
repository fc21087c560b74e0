package logictest

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	memflux "github.com/memflux/memflux"
)

var flagSeed = flag.Uint64("seed", 0, "seed of the differential test (0: time-based; the seed is logged)")

// TestDifferentialSQLite runs random queries over random small tables on MemFlux and on
// the sqlite3 CLI (Debian package sqlite3, installed by .ci/run) and compares the
// results. The query family and the divergences it avoids are described in gen_test.go.
// A failure logs the seed; rerun with -seed=N to replay it.
func TestDifferentialSQLite(t *testing.T) {
	bin, err := exec.LookPath("sqlite3")
	if err != nil {
		t.Fatalf("the sqlite3 command-line tool is required (Debian package sqlite3; .ci/run installs it): %v", err)
	}
	seed := *flagSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed=%d (replay with -run TestDifferentialSQLite -seed=%d)", seed, seed)
	rounds, perRound := 4, 120
	if *flagLong {
		rounds = 60
	}
	for round := 0; round < rounds; round++ {
		// Odd rounds give MemFlux's tables a schema (CREATE TABLE, rows by INSERT): the
		// same queries then go through schema validation and typed ORDER BY.
		schema := round%2 == 1
		r := rand.New(rand.NewPCG(seed, uint64(round)))
		if !runDifferentialRound(t, bin, r, perRound, schema) {
			t.Fatalf("round %d (schema mode %v) failed; replay with -seed=%d", round, schema, seed)
		}
	}
}

// runDifferentialRound loads one random dataset into both engines, runs n random queries
// and reports whether every result matched.
func runDifferentialRound(t *testing.T, bin string, r *rand.Rand, n int, schema bool) bool {
	t.Helper()
	tables := genTables(r)
	g := &queryGen{r: r}
	queries := make([]genQuery, n)
	for i := range queries {
		queries[i] = g.next()
	}
	want, err := runSQLite(bin, tables, queries)
	if err != nil {
		t.Errorf("sqlite3: %v", err)
		return false
	}
	db := openDB(t)
	s := db.NewSession()
	defer s.Close()
	if schema {
		loadTablesSQL(t, s, tables)
	} else {
		loadTables(t, s, tables)
	}
	ok := true
	for i, q := range queries {
		res := sqlDo(s, q.sql)
		rows, isRows := Rows(res.reply)
		if !isRows {
			t.Errorf("query %d failed on MemFlux: %s\n  %s", i, res.describe(), q.sql)
			ok = false
			continue
		}
		got, err := normalizeMemFlux(rows)
		if err != nil {
			t.Errorf("query %d: %v\n  %s", i, err, q.sql)
			ok = false
			continue
		}
		exp := want[i]
		if !q.ordered {
			slices.Sort(got)
			exp = slices.Clone(exp)
			slices.Sort(exp)
		}
		if !slices.Equal(got, exp) {
			t.Errorf("query %d differs from SQLite:\n  %s\n  memflux:\n%s\n  sqlite:\n%s\n  tables:\n%s",
				i, q.sql, indent(strings.Join(got, "\n")), indent(strings.Join(exp, "\n")), indent(dumpTables(tables)))
			ok = false
		}
	}
	return ok
}

func loadTables(t *testing.T, s *memflux.Session, tables []*genTable) {
	t.Helper()
	for _, tb := range tables {
		for i, row := range tb.rows {
			key := fmt.Sprintf("%s:%d", tb.name, row[0].i)
			if res := do(s, "JSON.SET", key, tb.doc(i)); res.reply.Kind == ReplyError {
				t.Fatalf("JSON.SET %s: %s", key, res.describe())
			}
		}
	}
}

// loadTablesSQL creates the tables with a schema and inserts the rows through SQL, each
// row with only its present columns (so omitted members stay absent).
func loadTablesSQL(t *testing.T, s *memflux.Session, tables []*genTable) {
	t.Helper()
	types := map[byte]string{'i': "INTEGER", 'f': "DOUBLE PRECISION", 's': "TEXT"}
	for _, tb := range tables {
		var cols []string
		for i, c := range tb.cols {
			def := c.name + " " + types[c.kind]
			if i == 0 {
				def += " PRIMARY KEY"
			}
			cols = append(cols, def)
		}
		ddl := "CREATE TABLE " + tb.name + " (" + strings.Join(cols, ", ") + ")"
		if res := sqlDo(s, ddl); res.reply.Kind == ReplyError {
			t.Fatalf("%s: %s", ddl, res.describe())
		}
		for i, row := range tb.rows {
			var names, vals []string
			for c, col := range tb.cols {
				if !tb.missing[i][c] {
					names = append(names, col.name)
					vals = append(vals, row[c].sql())
				}
			}
			ins := "INSERT INTO " + tb.name + " (" + strings.Join(names, ", ") + ") VALUES (" + strings.Join(vals, ", ") + ")"
			if res := sqlDo(s, ins); res.reply.Kind != ReplyInt || res.reply.Int != 1 {
				t.Fatalf("%s: %s", ins, res.describe())
			}
		}
	}
}

func dumpTables(tables []*genTable) string {
	var b strings.Builder
	for _, tb := range tables {
		for i := range tb.rows {
			fmt.Fprintf(&b, "%s:%d %s\n", tb.name, tb.rows[i][0].i, tb.doc(i))
		}
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// queryMarker separates the outputs of the queries in the sqlite3 script.
const queryMarker = "@@query "

// runSQLite runs every query in one sqlite3 process (JSON output mode) and returns the
// normalized rows of each.
func runSQLite(bin string, tables []*genTable, queries []genQuery) ([][]string, error) {
	var script strings.Builder
	script.WriteString("PRAGMA case_sensitive_like=ON;\n")
	for _, tb := range tables {
		script.WriteString(tb.sqliteDDL())
	}
	script.WriteString(".mode json\n")
	for i, q := range queries {
		fmt.Fprintf(&script, ".print %s%d\n%s;\n", queryMarker, i, q.sql)
	}
	cmd := exec.Command(bin, "-batch", ":memory:")
	cmd.Stdin = strings.NewReader(script.String())
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil || stderr.Len() > 0 {
		return nil, fmt.Errorf("%v: %s", err, stderr.String())
	}
	out := make([][]string, len(queries))
	chunks := strings.Split(stdout.String(), queryMarker)
	for _, chunk := range chunks[1:] {
		numText, body, _ := strings.Cut(chunk, "\n")
		i, err := strconv.Atoi(numText)
		if err != nil || i < 0 || i >= len(queries) {
			return nil, fmt.Errorf("bad marker %q", numText)
		}
		rows, err := normalizeSQLite(body)
		if err != nil {
			return nil, fmt.Errorf("query %d (%s): %w", i, queries[i].sql, err)
		}
		out[i] = rows
	}
	return out, nil
}

func normalizeSQLite(body string) ([]string, error) {
	body = strings.TrimSpace(body)
	if body == "" {
		return []string{}, nil
	}
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var rows []map[string]any
	if err := dec.Decode(&rows); err != nil {
		return nil, fmt.Errorf("decode %q: %w", body, err)
	}
	out := make([]string, len(rows))
	for i, row := range rows {
		out[i] = normalizeRow(row)
	}
	return out, nil
}

func normalizeMemFlux(rows []string) ([]string, error) {
	out := make([]string, len(rows))
	for i, text := range rows {
		dec := json.NewDecoder(strings.NewReader(text))
		dec.UseNumber()
		var row map[string]any
		if err := dec.Decode(&row); err != nil {
			return nil, fmt.Errorf("row %q: %w", text, err)
		}
		out[i] = normalizeRow(row)
	}
	return out, nil
}

// normalizeRow renders a row with its members in name order and values normalized so that
// the engines' representation differences vanish: numbers at 12 significant digits (3,
// 3.0 and SUM's float all read "3"), booleans as 1/0 (SQLite has no boolean type).
func normalizeRow(row map[string]any) string {
	keys := make([]string, 0, len(row))
	for k := range row {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k)
		b.WriteByte('=')
		switch v := row[k].(type) {
		case nil:
			b.WriteString("NULL")
		case bool:
			if v {
				b.WriteString("1")
			} else {
				b.WriteString("0")
			}
		case json.Number:
			f, err := v.Float64()
			if err != nil {
				b.WriteString(v.String())
				break
			}
			if f == 0 {
				f = 0 // -0 and 0 are the same number
			}
			b.WriteString(strconv.FormatFloat(f, 'g', 12, 64))
		case string:
			b.WriteString(strconv.Quote(v))
		default:
			data, _ := json.Marshal(v)
			b.Write(data)
		}
	}
	return b.String()
}
