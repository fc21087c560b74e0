package parser

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/memflux/memflux/sql/ast"
)

var (
	long         = flag.Bool("long", false, "run long randomized soak loops")
	seedFlag     = flag.Int64("seed", 0, "seed for randomized tests (0: time-based)")
	updateCorpus = flag.Bool("update-corpus", false, "rewrite testdata/fuzz/FuzzParse from the test statements")
)

const corpusDir = "testdata/fuzz/FuzzParse"

// fuzzSeeds returns every statement of the table tests: the seed corpus.
func fuzzSeeds() []string {
	var seeds []string
	for _, tt := range stmtTests {
		seeds = append(seeds, tt.sql)
	}
	for _, tt := range errorTests {
		seeds = append(seeds, tt.sql)
	}
	return seeds
}

func corpusFile(sql string) (name, content string) {
	sum := sha256.Sum256([]byte(sql))
	return "seed-" + hex.EncodeToString(sum[:8]), "go test fuzz v1\nstring(" + strconv.Quote(sql) + ")\n"
}

// TestFuzzCorpus keeps testdata/fuzz/FuzzParse in sync with the table
// tests; run with -update-corpus after adding statements.
func TestFuzzCorpus(t *testing.T) {
	if *updateCorpus {
		if err := os.MkdirAll(corpusDir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, sql := range fuzzSeeds() {
		name, content := corpusFile(sql)
		path := filepath.Join(corpusDir, name)
		if *updateCorpus {
			if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != content {
			t.Errorf("corpus file %s for %q missing or stale (run go test -run TestFuzzCorpus -update-corpus)", path, sql)
		}
	}
}

// FuzzParse checks that Parse never panics, that every error is a
// well-formed *SyntaxError, that successful parses are deterministic and
// render deterministically, and that ast.SQL round-trips them.
func FuzzParse(f *testing.F) {
	f.Add("SELECT a FROM t WHERE b = 1")
	f.Fuzz(func(t *testing.T, sql string) {
		checkParse(t, sql)
	})
}

// knownMessages are the prefixes every parser error message starts with.
var knownMessages = []string{
	"syntax error at position ",
	"Expected '",
	"Unexpected token '",
	"Empty SQL query",
	"Subquery in FROM clause must have an alias",
	"DISTINCT is currently only supported with COUNT",
	"Complex expressions in aggregate functions not yet supported",
	"INSERT has mismatch between number of columns (",
	errSetOperandClause,
	"Unsupported data type: ",
	"Unsupported SQL command: ",
	"Only one CTE is supported in a RECURSIVE WITH clause for now.",
	"statement nested too deeply at position ",
	"SAVEPOINT requires a name",
	"ROLLBACK TO SAVEPOINT requires a name",
	"RELEASE SAVEPOINT requires a name",
}

// checkParse is the property shared by FuzzParse and the mutation soak.
func checkParse(t *testing.T, sql string) {
	t.Helper()
	stmt, err := Parse(sql)
	if err != nil {
		checkError(t, sql, err)
		return
	}
	dump, names := ast.Dump(stmt), renderExprs(stmt)
	again, err := Parse(sql)
	if err != nil {
		t.Fatalf("second Parse(%q) failed: %v", sql, err)
	}
	if d := ast.Dump(again); d != dump {
		t.Fatalf("Parse(%q) not deterministic:\n%s\n%s", sql, dump, d)
	}
	if n := renderExprs(again); n != names || renderExprs(stmt) != names {
		t.Fatalf("Parse(%q) renders non-deterministically", sql)
	}
	// ast.SQL re-renders the statement as SQL that parses to the same tree
	// (re-rendering may add nesting, so only the depth limit may differ).
	text := ast.SQL(stmt)
	round, err := Parse(text)
	if err != nil {
		if errors.Is(err, ErrTooDeep) {
			return
		}
		t.Fatalf("Parse(%q) = %s; Parse(SQL) = Parse(%q) fails: %v", sql, dump, text, err)
	}
	if d := ast.Dump(round); d != dump {
		t.Fatalf("Parse(%q) does not round-trip through %q:\n%s\n%s", sql, text, dump, d)
	}
}

func checkError(t *testing.T, sql string, err error) {
	t.Helper()
	var se *SyntaxError
	if !errors.As(err, &se) || !errors.Is(err, ErrSyntax) {
		t.Fatalf("Parse(%q): error %T %v is not a *SyntaxError", sql, err, err)
	}
	if se.Pos < 0 || se.Pos > len(sql) {
		t.Fatalf("Parse(%q): position %d outside the text", sql, se.Pos)
	}
	for _, prefix := range knownMessages {
		if strings.HasPrefix(se.Msg, prefix) {
			if prefix == "syntax error at position " && !strings.HasPrefix(se.Msg, prefix+strconv.Itoa(se.Pos)+" near ") {
				t.Fatalf("Parse(%q): message %q disagrees with Pos %d", sql, se.Msg, se.Pos)
			}
			return
		}
	}
	t.Fatalf("Parse(%q): unexpected message %q", sql, se.Msg)
}

// renderExprs renders every expression of n, in tree order.
func renderExprs(n ast.Node) string {
	var b strings.Builder
	ast.Inspect(n, func(n ast.Node) bool {
		if e, ok := n.(ast.Expr); ok {
			b.WriteString(e.String())
			b.WriteByte('\n')
		}
		return true
	})
	return b.String()
}

// mutationVocabulary holds tokens spliced into seed statements.
var mutationVocabulary = []string{
	"SELECT", "FROM", "WHERE", "(", ")", ",", "'x'", "'", "1", "1.5", "NULL", "NOT", "AND", "OR",
	"=", "<>", "||", "::", "int", "*", ".", "?", "$1", "UNION", "INTERSECT", "ORDER", "BY", "LIMIT",
	"OFFSET", "JOIN", "ON", "AS", "CASE", "WHEN", "THEN", "END", "IN", "BETWEEN", "LIKE", "ESCAPE",
	"IS", "EXISTS", "ANY", "ALL", "COUNT", "DISTINCT", "WITH", "RECURSIVE", "VALUES", "SET", "-",
	"[", "]", "ARRAY", "CAST", "CONSTRAINT", "PRIMARY", "KEY", "REFERENCES", "DEFAULT", "CHECK", ";",
}

// TestParseMutations runs checkParse over random token-level mutations of
// the seed statements: 3,000 cases by default, 300,000 with -long. The seed
// is logged; reproduce with -seed.
func TestParseMutations(t *testing.T) {
	seed := *seedFlag
	if seed == 0 {
		seed = time.Now().UnixNano()
	}
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewSource(seed))
	iterations := 3000
	if *long {
		iterations = 300000
	}
	seeds := fuzzSeeds()
	for i := 0; i < iterations; i++ {
		sql := mutate(rng, seeds[rng.Intn(len(seeds))])
		checkParse(t, sql)
	}
}

func mutate(rng *rand.Rand, sql string) string {
	toks, err := lex(sql)
	if err != nil || len(toks) < 2 {
		return sql + " " + mutationVocabulary[rng.Intn(len(mutationVocabulary))]
	}
	words := make([]string, 0, len(toks))
	for _, t := range toks[:len(toks)-1] {
		words = append(words, t.text)
	}
	for n := 1 + rng.Intn(3); n > 0 && len(words) > 0; n-- {
		i := rng.Intn(len(words))
		switch rng.Intn(5) {
		case 0: // delete
			words = append(words[:i], words[i+1:]...)
		case 1: // duplicate
			words = append(words[:i+1], words[i:]...)
		case 2: // swap
			j := rng.Intn(len(words))
			words[i], words[j] = words[j], words[i]
		case 3: // insert
			w := mutationVocabulary[rng.Intn(len(mutationVocabulary))]
			words = append(words[:i], append([]string{w}, words[i:]...)...)
		default: // truncate
			words = words[:i]
		}
	}
	return strings.Join(words, " ")
}
