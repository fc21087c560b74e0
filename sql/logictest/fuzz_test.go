package logictest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	memflux "github.com/memflux/memflux"
	"github.com/memflux/memflux/command"
	"github.com/memflux/memflux/sql"
)

// fuzzFixture is loaded into every fuzzed database: a few rows in the tables the logic
// tests use, a schema table, and non-JSON keys, so mutated statements find data.
var fuzzFixture = [][]string{
	{"JSON.SET", "t:1", `{"k":1,"v":10,"s":"apple","f":1.5,"b":true,"arr":[1,2],"o":{"x":1}}`},
	{"JSON.SET", "t:2", `{"k":2,"v":"30","s":"Cherry","f":null}`},
	{"JSON.SET", "t:3", `{"k":3,"s":"a_b"}`},
	{"JSON.SET", "users:1", `{"id":1,"name":"Ann","dept_id":1}`},
	{"JSON.SET", "users:2", `{"id":2,"name":"Ben","dept_id":null}`},
	{"JSON.SET", "depts:1", `{"id":1,"dept_name":"A"}`},
	{"JSON.SET", "depts:2", `{"id":2,"dept_name":"B"}`},
	{"JSON.SET", "sales:1", `{"product":"apple","quantity":5,"city":"Paris"}`},
	{"JSON.SET", "sales:2", `{"product":"banana","quantity":3,"city":"Rome"}`},
	{"JSON.SET", "loc:1", `{"city":"Paris","country":"France"}`},
	{"JSON.SET", "emp:1", `{"name":"Alice","manager":null}`},
	{"JSON.SET", "emp:2", `{"name":"Bob","manager":"Alice"}`},
	{"JSON.SET", "one:1", `{"x":1}`},
	{"JSON.SET", "cg:1", `{"src":1,"dst":2}`},
	{"JSON.SET", "cg:2", `{"src":2,"dst":1}`},
	{"SET", "misc:1", "bytes"},
	{"RPUSH", "misc:2", "a"},
	{"SET", "_internal:schemas:kv", `{"table_name":"kv","columns":{"k":{"type":"TEXT","nullable":true,"default":null},"v":{"type":"INTEGER","nullable":true,"default":null}},"column_order":["k","v"],"constraints":[]}`},
	{"JSON.SET", "kv:a", `{"k":"a","v":1}`},
}

// slowSeed reports whether a corpus statement is one the seed run must skip: the runaway
// recursions that exist to hit the iteration bound take seconds each.
func slowSeed(rec *Record) bool {
	return rec.Kind == KindStatement && rec.Expect == ExpectError && strings.Contains(rec.ErrRe.String(), "recursi")
}

// FuzzSQL sends arbitrary text through the SQL command. Every input must give a reply or
// a clean `Execution Error: …` of kind command.ErrSQL, never a panic nor an internal error
// (a recovered panic), and the session must stay usable. The seed corpus is every
// statement of the logic test files.
func FuzzSQL(f *testing.F) {
	paths, err := filepath.Glob(filepath.Join(logicDir, "*.test"))
	if err != nil || len(paths) == 0 {
		f.Fatalf("no logic test files: %v", err)
	}
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		file, err := Parse(filepath.Base(path), string(data))
		if err != nil {
			f.Fatal(err)
		}
		for i := range file.Records {
			if rec := &file.Records[i]; rec.SQL != "" && !slowSeed(rec) {
				f.Add(rec.SQL)
			}
		}
	}
	f.Fuzz(func(t *testing.T, text string) {
		if !utf8.ValidString(text) {
			// Arguments are bytes, but every path below quotes text; invalid UTF-8 is
			// covered by the parser's own fuzz target.
			text = strings.ToValidUTF8(text, "?")
		}
		db := openFuzzDB(t)
		s := db.NewSession()
		defer s.Close()
		checkFuzzResult(t, text, do(s, "SQL", text))
		if res := do(s, "PING"); res.reply.Kind != ReplyStatus {
			t.Fatalf("session unusable after %q: PING gave %s", text, res.describe())
		}
		if s.InTxn() {
			if res := do(s, "ROLLBACK"); res.reply.Kind == ReplyError {
				t.Fatalf("ROLLBACK after %q: %s", text, res.describe())
			}
		}
		if res := sqlDo(s, "SELECT COUNT(*) FROM one"); res.reply.Kind != ReplyArray {
			t.Fatalf("SQL unusable after %q: %s", text, res.describe())
		}
	})
}

func openFuzzDB(t *testing.T) *memflux.DB {
	t.Helper()
	db := openDB(t)
	s := db.NewSession()
	defer s.Close()
	for _, args := range fuzzFixture {
		if res := do(s, args...); res.reply.Kind == ReplyError {
			t.Fatalf("fixture %v: %s", args, res.describe())
		}
	}
	return db
}

// checkFuzzResult checks one SQL command's outcome.
func checkFuzzResult(t *testing.T, text string, res result) {
	t.Helper()
	switch {
	case res.panic != "":
		t.Fatalf("SQL %q panicked: %s", text, res.panic)
	case res.err == nil:
		switch res.reply.Kind {
		case ReplyArray:
			if _, ok := Rows(res.reply); !ok {
				t.Fatalf("SQL %q: array reply with non-bulk elements: %s", text, res.describe())
			}
		case ReplyInt, ReplyStatus:
		default:
			t.Fatalf("SQL %q: unexpected reply kind: %s", text, res.describe())
		}
	case !errors.Is(res.err, command.ErrSQL):
		t.Fatalf("SQL %q: error is not command.ErrSQL: %v", text, res.err)
	case !strings.HasPrefix(res.err.Error(), errPrefix):
		t.Fatalf("SQL %q: error lacks the %q prefix: %v", text, errPrefix, res.err)
	case errors.Is(res.err, sql.ErrInternal):
		t.Fatalf("SQL %q: internal error (a recovered engine panic): %v", text, res.err)
	}
}
