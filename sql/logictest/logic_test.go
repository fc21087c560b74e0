package logictest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/memflux/memflux/sql/parser"
)

// logicDir holds the SQL logic test files (SPEC §4 as executable examples).
const logicDir = "../testdata/logic"

// logicFiles returns the test files selected by -file.
func logicFiles(tb testing.TB) []string {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join(logicDir, "*.test"))
	if err != nil {
		tb.Fatal(err)
	}
	if len(paths) == 0 {
		tb.Fatalf("no logic test files in %s", logicDir)
	}
	var out []string
	for _, p := range paths {
		if strings.Contains(filepath.Base(p), *flagFile) {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		tb.Fatalf("no logic test file matches -file %q", *flagFile)
	}
	return out
}

// TestLogic runs every logic test file against a fresh in-memory database, through
// Session.Do("SQL", text) exactly as a client's SQL command runs.
func TestLogic(t *testing.T) {
	for _, path := range logicFiles(t) {
		name := strings.TrimSuffix(filepath.Base(path), ".test")
		t.Run(name, func(t *testing.T) {
			if !*flagRewrite {
				t.Parallel()
			}
			runLogicFile(t, path)
		})
	}
}

func runLogicFile(t *testing.T, path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse(filepath.Base(path), string(data))
	if err != nil {
		t.Fatal(err)
	}
	db := openDB(t)
	s := db.NewSession()
	defer s.Close()
	rn := &runner{t: t, file: filepath.Base(path), s: s}
	got := rn.run(f)
	if *flagRewrite {
		if err := os.WriteFile(path, []byte(f.Rewrite(got)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCorpusParses checks that every statement the corpus expects to succeed parses, so
// that a parser regression shows up here rather than as a wall of engine failures.
func TestCorpusParses(t *testing.T) {
	for _, path := range logicFiles(t) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := Parse(filepath.Base(path), string(data))
		if err != nil {
			t.Fatal(err)
		}
		for i := range f.Records {
			rec := &f.Records[i]
			if rec.Kind != KindQuery && (rec.Kind != KindStatement || rec.Expect == ExpectError) {
				continue
			}
			if _, err := parser.Parse(rec.SQL); err != nil {
				t.Errorf("%s: %v\n  statement: %s", rec.Name(f.Name), err, rec.SQL)
			}
		}
	}
}
