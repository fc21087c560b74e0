package sql

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// corpus returns the SQL statements of the parser's fuzz seed corpus and
// of the SQL logic tests.
func corpus(t testing.TB) []string {
	var out []string
	files, _ := filepath.Glob("parser/testdata/fuzz/FuzzParse/*")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "string(") && strings.HasSuffix(line, ")") {
				if s, err := strconv.Unquote(line[len("string(") : len(line)-1]); err == nil {
					out = append(out, s)
				}
			}
		}
	}
	logic, _ := filepath.Glob("testdata/logic/*.test")
	for _, f := range logic {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(b), "\n")
		for i, line := range lines {
			if (strings.HasPrefix(line, "query") || strings.HasPrefix(line, "statement")) && i+1 < len(lines) {
				out = append(out, lines[i+1])
			}
		}
	}
	if len(out) < 100 {
		t.Fatalf("corpus has only %d statements", len(out))
	}
	return out
}

// TestCorpusNoPanic runs every statement of the parser's and the logic
// tests' corpus through the engine: errors are fine, internal errors
// (recovered panics) are not.
func TestCorpusNoPanic(t *testing.T) {
	db := fixture(t)
	db.put("_internal:views:v_old", `{"name":"v_old","columns":[],"query":"SELECT name, age FROM user WHERE age > 28"}`)
	for _, sql := range corpus(t) {
		for _, variant := range []string{sql, strings.ReplaceAll(sql, "FROM t", "FROM user"), strings.ReplaceAll(sql, "FROM t", "FROM p")} {
			_, err := db.exec(variant)
			if errors.Is(err, ErrInternal) {
				t.Errorf("%s: %v", variant, err)
			}
		}
	}
}

// FuzzExec checks that no statement makes the engine panic.
func FuzzExec(f *testing.F) {
	for _, s := range corpus(f) {
		f.Add(s)
	}
	db := fixture(f)
	f.Fuzz(func(t *testing.T, sql string) {
		_, err := db.exec(sql)
		if errors.Is(err, ErrInternal) {
			t.Fatalf("%q: %v", sql, err)
		}
	})
}
