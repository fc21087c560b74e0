package logictest

import (
	"os"
	"slices"
	"strings"
	"testing"

	memflux "github.com/memflux/memflux"
)

// docsPath is the user documentation of the query language.
const docsPath = "../../docs/sql.md"

// docBlock is a fenced block of docs/sql.md the test runs.
type docBlock struct {
	info  string // memflux-setup or sql-example
	line  int    // 1-based line of the opening fence
	lines []string
}

// docBlocks returns the memflux-setup and sql-example blocks of a Markdown text, in order.
func docBlocks(text string) []docBlock {
	var blocks []docBlock
	var cur *docBlock
	for i, line := range strings.Split(text, "\n") {
		switch {
		case cur == nil && (line == "```memflux-setup" || line == "```sql-example"):
			cur = &docBlock{info: strings.TrimPrefix(line, "```"), line: i + 1}
		case cur != nil && line == "```":
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			cur.lines = append(cur.lines, line)
		}
	}
	return blocks
}

// TestDocExamples runs the examples of docs/sql.md in order on one session: a
// ```memflux-setup block holds commands (one per line, quoted as in test files) that must
// succeed; a ```sql-example block holds a statement, `----`, and the reply as FormatReply
// renders it (rows one per line, `(empty array)`, `:N`, `+OK`, `(error) message`). Rows
// are compared in order when the statement has an ORDER BY, as a multiset otherwise.
func TestDocExamples(t *testing.T) {
	data, err := os.ReadFile(docsPath)
	if err != nil {
		t.Fatal(err)
	}
	blocks := docBlocks(string(data))
	if len(blocks) < 10 {
		t.Fatalf("found %d example blocks in %s; the fences must read ```sql-example / ```memflux-setup", len(blocks), docsPath)
	}
	db := openDB(t)
	s := db.NewSession()
	defer s.Close()
	for _, b := range blocks {
		switch b.info {
		case "memflux-setup":
			runDocSetup(t, s, b)
		default:
			runDocExample(t, s, b)
		}
	}
}

func runDocSetup(t *testing.T, s *memflux.Session, b docBlock) {
	t.Helper()
	for i, line := range b.lines {
		if strings.TrimSpace(line) == "" {
			continue
		}
		args, err := SplitArgs(line)
		if err != nil {
			t.Fatalf("%s:%d: %v", docsPath, b.line+1+i, err)
		}
		if res := do(s, args...); res.reply.Kind == ReplyError {
			t.Errorf("%s:%d: setup command failed: %s\n  command: %s", docsPath, b.line+1+i, res.describe(), line)
		}
	}
}

func runDocExample(t *testing.T, s *memflux.Session, b docBlock) {
	t.Helper()
	sep := slices.Index(b.lines, "----")
	if sep <= 0 {
		t.Errorf("%s:%d: sql-example without a statement and ----", docsPath, b.line)
		return
	}
	text := strings.Join(b.lines[:sep], "\n")
	want := b.lines[sep+1:]
	got := FormatReply(sqlDo(s, text).reply)
	if !strings.Contains(strings.ToUpper(text), "ORDER BY") {
		got = slices.Sorted(slices.Values(got))
		want = slices.Sorted(slices.Values(want))
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s:%d: example gives another reply\n  statement: %s\n  documented:\n%s\n  actual:\n%s",
			docsPath, b.line, text, indent(strings.Join(want, "\n")), indent(strings.Join(got, "\n")))
	}
}
