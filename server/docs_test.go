package server

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/memflux/memflux/command"
)

// commandsDoc is the user documentation of the commands, kept true by TestDocs.
const commandsDoc = "../docs/commands.md"

// docExample is one runnable example of the documentation: commands and the replies
// redis-cli prints for them.
type docExample struct {
	line  int // of the opening fence
	steps []docStep
}

type docStep struct {
	conn int    // 1 or 2 ("2>")
	cmd  string // inline command text
	want []string
}

// parseDocExamples returns the fenced blocks of md whose first line is a command
// ("> …" or "2> …").
func parseDocExamples(md string) []docExample {
	var out []docExample
	var cur *docExample
	inFence := false
	for i, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "```") {
			if inFence && cur != nil && len(cur.steps) > 0 {
				out = append(out, *cur)
			}
			inFence, cur = !inFence, nil
			if inFence {
				cur = &docExample{line: i + 1}
			}
			continue
		}
		if !inFence || cur == nil {
			continue
		}
		switch {
		case strings.HasPrefix(line, "> "):
			cur.steps = append(cur.steps, docStep{conn: 1, cmd: line[2:]})
		case strings.HasPrefix(line, "2> "):
			cur.steps = append(cur.steps, docStep{conn: 2, cmd: line[3:]})
		case len(cur.steps) == 0:
			cur = nil // not an example block
		default:
			s := &cur.steps[len(cur.steps)-1]
			s.want = append(s.want, line)
		}
	}
	return out
}

// unorderedCommands reply arrays whose order is unspecified.
var unorderedCommands = map[string]bool{
	"SMEMBERS": true, "KEYS": true, "SINTER": true, "SUNION": true, "SDIFF": true,
	"SRANDMEMBER": true, "SPOP": true,
}

// TestDocs runs every example of docs/commands.md against a server and compares the
// replies with what the page shows, rendered as redis-cli prints them.
func TestDocs(t *testing.T) {
	md, err := os.ReadFile(commandsDoc)
	if err != nil {
		t.Fatal(err)
	}
	examples := parseDocExamples(string(md))
	if len(examples) < 30 {
		t.Fatalf("found only %d examples in %s", len(examples), commandsDoc)
	}
	ts := startServer(t, nil)
	for _, ex := range examples {
		t.Run(fmt.Sprintf("line=%d", ex.line), func(t *testing.T) {
			conns := map[int]*rawConn{1: ts.dial(t)}
			if got := conns[1].do("FLUSHDB"); got != "+OK\r\n" {
				t.Fatalf("FLUSHDB: %q", got)
			}
			for _, s := range ex.steps {
				rc, ok := conns[s.conn]
				if !ok {
					rc = ts.dial(t)
					conns[s.conn] = rc
				}
				rc.send(s.cmd + "\r\n")
				raw := rc.reply()
				_, v, err := readReplyString(raw)
				if err != nil {
					t.Fatalf("%s: %v", s.cmd, err)
				}
				got := strings.Split(strings.TrimSuffix(cliFormat(v, ""), "\n"), "\n")
				name := strings.ToUpper(strings.Fields(s.cmd)[0])
				if !docLinesMatch(got, s.want, unorderedCommands[name]) {
					t.Errorf("%s:%d: > %s\ngot:\n%s\nwant:\n%s", commandsDoc, ex.line, s.cmd,
						strings.Join(got, "\n"), strings.Join(s.want, "\n"))
				}
			}
		})
	}
}

// TestDocsCoverCommandTable checks that docs/commands.md documents every command of the
// command table, under a "### NAME" heading (several names may share one, separated by
// " / ") or a "* `NAME …`" bullet.
func TestDocsCoverCommandTable(t *testing.T) {
	md, err := os.ReadFile(commandsDoc)
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, line := range strings.Split(string(md), "\n") {
		if h, ok := strings.CutPrefix(line, "### "); ok {
			for _, name := range strings.Split(h, " / ") {
				documented[strings.TrimSpace(name)] = true
			}
		}
		if b, ok := strings.CutPrefix(line, "* `"); ok {
			documented[strings.Fields(b)[0]] = true
		}
	}
	for _, name := range command.Names() {
		if !documented[name] && !documentedAsAlias(string(md), name) {
			t.Errorf("%s is in the command table but not documented in %s", name, commandsDoc)
		}
	}
}

// documentedAsAlias reports whether a heading documents name in another spelling
// (ROLLBACK_TO_SAVEPOINT under "ROLLBACK TO", RELEASE_SAVEPOINT under "RELEASE").
func documentedAsAlias(md, name string) bool {
	return strings.Contains(md, "`"+name+" ") || strings.Contains(md, "("+name+")")
}

// readReplyString decodes one reply from its raw bytes.
func readReplyString(raw string) ([]byte, value, error) {
	return readReply(bufio.NewReader(strings.NewReader(raw)))
}

// docLinesMatch compares rendered lines with the documented ones: "<any>" matches any
// text, and unordered replies compare as sorted element lists.
func docLinesMatch(got, want []string, unordered bool) bool {
	if unordered {
		got, want = sortedElements(got), sortedElements(want)
	}
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] == want[i] {
			continue
		}
		if !strings.Contains(want[i], "<any>") {
			return false
		}
		re := "^" + strings.ReplaceAll(regexp.QuoteMeta(want[i]), "<any>", ".*") + "$"
		if !regexp.MustCompile(re).MatchString(got[i]) {
			return false
		}
	}
	return true
}

var elementPrefix = regexp.MustCompile(`^\s*\d+\) `)

// sortedElements strips the "N) " numbering of a flat array and sorts the elements.
func sortedElements(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = elementPrefix.ReplaceAllString(l, "")
	}
	sort.Strings(out)
	return out
}

// cliFormat renders a reply the way redis-cli prints it on a terminal (cliFormatReplyTTY).
func cliFormat(v value, prefix string) string {
	switch v.kind {
	case '+':
		return v.str + "\n"
	case '-':
		return "(error) " + v.str + "\n"
	case ':':
		return "(integer) " + strconv.FormatInt(v.num, 10) + "\n"
	case '$', '=':
		if v.null {
			return "(nil)\n"
		}
		return cliQuote(v.str) + "\n"
	case '_':
		return "(nil)\n"
	case '*', '%', '~':
		if v.null {
			return "(nil)\n"
		}
		if len(v.elems) == 0 {
			return "(empty array)\n"
		}
		width := len(strconv.Itoa(len(v.elems)))
		var b strings.Builder
		inner := prefix + strings.Repeat(" ", width+2)
		for i, e := range v.elems {
			if i > 0 {
				b.WriteString(prefix)
			}
			fmt.Fprintf(&b, "%*d) ", width, i+1)
			b.WriteString(cliFormat(e, inner))
		}
		return b.String()
	}
	return v.str + "\n"
}

// cliQuote quotes a string as redis-cli does (sdscatrepr).
func cliQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', '"':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\a':
			b.WriteString(`\a`)
		case '\b':
			b.WriteString(`\b`)
		default:
			if c >= 0x20 && c < 0x7f {
				b.WriteByte(c)
			} else {
				fmt.Fprintf(&b, `\x%02x`, c)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// TestCLIFormat pins the renderer on redis-cli's own output for a nested reply.
func TestCLIFormat(t *testing.T) {
	nested := value{kind: '*', elems: []value{
		{kind: '$', str: "0"},
		{kind: '*', elems: []value{{kind: '$', str: "a\"b"}, {kind: ':', num: 3}}},
	}}
	want := "1) \"0\"\n2) 1) \"a\\\"b\"\n   2) (integer) 3\n"
	if got := cliFormat(nested, ""); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	var long []value
	for i := range 10 {
		long = append(long, value{kind: ':', num: int64(i)})
	}
	got := cliFormat(value{kind: '*', elems: []value{{kind: '*', elems: long}}}, "")
	if !strings.HasPrefix(got, "1)  1) (integer) 0\n    2) (integer) 1\n") || !strings.HasSuffix(got, "   10) (integer) 9\n") {
		t.Fatalf("padding of a 10-element array:\n%s", got)
	}
}
