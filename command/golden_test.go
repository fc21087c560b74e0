package command

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"

	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/txn"
)

// The golden tests run the files in testdata/commands through Session.Exec. Regenerate the
// expected output with `go test ./command -run TestGolden -rewrite` and review the diff.
//
// Directives:
//
//	db [isolation=snapshot] [requirepass=pw]
//	    Start a fresh database (every session of the previous one is closed).
//	exec
//	    One command per input line, split like a Redis inline command ("…" with \" \\ \n
//	    \r \t \xHH escapes, '…' literal). A line may start with "name:" to run on the named
//	    session (created on first use); otherwise it runs on session "s1". Each command
//	    prints one line "<line> -> <reply>", where the reply is Reply.String() or
//	    "(error) <exact message>". Arrays of commands whose order is arbitrary (KEYS,
//	    SMEMBERS, SINTER, SUNION, SDIFF, SPOP/SRANDMEMBER with a count, SCAN's keys) are
//	    sorted. A SCAN reply's cursor is printed as $cursor (or 0) and later lines may use
//	    $cursor as an argument.
//	close s=name
//	    Close a session (rolling back its transaction).
//	stats
//	    Print the number of open snapshots (registered transactions) of the database.

// testHost is the Host of the golden databases: no persistence, a fixed INFO text and
// configuration, and an optional password.
type testHost struct{ pass string }

func (h *testHost) Persistent() bool           { return false }
func (h *testHost) Save(background bool) error { return errors.New("no persistence") }
func (h *testHost) Info(section string) string { return "# info section=" + section }
func (h *testHost) Wipe()                      {}
func (h *testHost) AuthRequired() bool         { return h.pass != "" }
func (h *testHost) CheckPassword(pw []byte) bool {
	return string(pw) == h.pass
}
func (h *testHost) ConfigGet(pattern string) []string {
	var out []string
	for _, kv := range [][2]string{{"isolation_level", "serializable"}, {"maxmemory", "0"}, {"port", "8360"}} {
		if GlobMatch([]byte(pattern), []byte(kv[0])) {
			out = append(out, kv[0], kv[1])
		}
	}
	return out
}

// goldenDB is the state of one golden file: a database and its named sessions.
type goldenDB struct {
	env      *Env
	sessions map[string]*Session
	cursor   string // last SCAN cursor
}

func newGoldenDB(iso txn.Isolation, pass string) *goldenDB {
	env := &Env{
		Txns: txn.NewManager(mvcc.NewStore(), txn.Options{Isolation: iso}),
		Host: &testHost{pass: pass},
	}
	return &goldenDB{env: env, sessions: map[string]*Session{}}
}

func (g *goldenDB) session(name string) *Session {
	s, ok := g.sessions[name]
	if !ok {
		s = g.env.NewSession()
		g.sessions[name] = s
	}
	return s
}

func (g *goldenDB) close() {
	for _, s := range g.sessions {
		s.Close()
	}
}

// unorderedReplies lists the commands whose array replies have no defined order.
var unorderedReplies = map[string]bool{
	"KEYS": true, "SMEMBERS": true, "SINTER": true, "SUNION": true, "SDIFF": true,
	"SPOP": true, "SRANDMEMBER": true,
}

// checkKind checks that an error's kind agrees with its message, so that Go callers
// branching with errors.Is see what clients see.
func checkKind(t *testing.T, line string, e *Error) {
	t.Helper()
	for _, rule := range []struct {
		prefix string
		kind   error
		iff    bool // the kind implies the prefix too
	}{
		{"WRONGTYPE ", ErrWrongType, true},
		{"Execution Error: ", ErrSQL, true},
		{"Unknown command: ", ErrUnknown, true},
		{"NOAUTH ", ErrAuth, false},
		{"ABORT: ", ErrAborted, true},
	} {
		has, is := strings.HasPrefix(e.Msg, rule.prefix), errors.Is(e, rule.kind)
		if (has && !is) || (rule.iff && is && !has) {
			t.Errorf("%s: error %q has kind %v", line, e.Msg, e.Kind)
		}
	}
	arityText := strings.Contains(e.Msg, "requires") || strings.Contains(e.Msg, "takes no arguments") ||
		strings.HasPrefix(e.Msg, "wrong number of arguments")
	if arityText && !errors.Is(e, ErrArity) && !errors.Is(e, ErrSQL) {
		t.Errorf("%s: arity error %q has kind %v", line, e.Msg, e.Kind)
	}
}

// run executes one input line and renders its outcome.
func (g *goldenDB) run(t *testing.T, line string) string {
	t.Helper()
	sess := "s1"
	if f, rest, ok := strings.Cut(line, ": "); ok && !strings.ContainsAny(f, " \"'") {
		sess, line = f, rest
	}
	args, err := splitArgs(line)
	if err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	bargs := make([][]byte, len(args))
	for i, a := range args {
		if a == "$cursor" {
			a = g.cursor
		}
		bargs[i] = []byte(a)
	}
	r, err := g.session(sess).Exec(bargs)
	if err != nil {
		var ce *Error
		if !errors.As(err, &ce) || ce.Kind == nil {
			t.Errorf("%s: error %v (%T) is not a *command.Error with a kind", line, err, err)
		} else {
			checkKind(t, line, ce)
		}
		return fmt.Sprintf("(error) %s", err.Error())
	}
	name := ""
	if len(args) > 0 {
		name = strings.ToUpper(args[0])
	}
	switch {
	case unorderedReplies[name] && r.Kind == KindArray:
		sortReplies(r.Elems)
	case name == "SCAN" && r.Kind == KindArray && len(r.Elems) == 2:
		sortReplies(r.Elems[1].Elems)
		if r.Elems[0].Str != "0" {
			g.cursor = r.Elems[0].Str
			r.Elems[0].Str = "$cursor"
		}
	}
	return r.String()
}

func sortReplies(rs []Reply) {
	slices.SortFunc(rs, func(a, b Reply) int { return strings.Compare(a.String(), b.String()) })
}

// splitArgs splits a line like a Redis inline command.
func splitArgs(line string) ([]string, error) {
	var args []string
	i := 0
	for {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		if i == len(line) {
			return args, nil
		}
		var b strings.Builder
		for i < len(line) && line[i] != ' ' && line[i] != '\t' {
			switch line[i] {
			case '"':
				i++
				for {
					if i >= len(line) {
						return nil, fmt.Errorf("unbalanced quotes")
					}
					c := line[i]
					if c == '"' {
						i++
						break
					}
					if c == '\\' && i+1 < len(line) {
						i++
						switch e := line[i]; e {
						case 'n':
							c = '\n'
						case 'r':
							c = '\r'
						case 't':
							c = '\t'
						case 'x':
							if i+2 >= len(line) {
								return nil, fmt.Errorf("bad \\x escape")
							}
							n, err := strconv.ParseUint(line[i+1:i+3], 16, 8)
							if err != nil {
								return nil, fmt.Errorf("bad \\x escape: %w", err)
							}
							c = byte(n)
							i += 2
						default:
							c = e
						}
					}
					b.WriteByte(c)
					i++
				}
			case '\'':
				j := strings.IndexByte(line[i+1:], '\'')
				if j < 0 {
					return nil, fmt.Errorf("unbalanced quotes")
				}
				b.WriteString(line[i+1 : i+1+j])
				i += j + 2
			default:
				b.WriteByte(line[i])
				i++
			}
		}
		args = append(args, b.String())
	}
}

// goldenFiles returns the golden test files.
func goldenFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "commands", "*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	return files
}

func TestGolden(t *testing.T) {
	for _, path := range goldenFiles(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			g := newGoldenDB(txn.Serializable, "")
			defer func() { g.close() }()
			datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
				switch d.Cmd {
				case "db":
					g.close()
					iso, pass := txn.Serializable, ""
					for _, a := range d.CmdArgs {
						switch a.Key {
						case "isolation":
							if a.Vals[0] == "snapshot" {
								iso = txn.Snapshot
							}
						case "requirepass":
							pass = a.Vals[0]
						default:
							t.Fatalf("%s: unknown argument %s", d.Pos, a.Key)
						}
					}
					g = newGoldenDB(iso, pass)
					return ""
				case "exec":
					var out strings.Builder
					for _, line := range strings.Split(d.Input, "\n") {
						if line == "" || strings.HasPrefix(line, "#") {
							continue
						}
						fmt.Fprintf(&out, "%s -> %s\n", line, g.run(t, line))
					}
					return out.String()
				case "close":
					var name string
					d.ScanArgs(t, "s", &name)
					if s, ok := g.sessions[name]; ok {
						s.Close()
						delete(g.sessions, name)
					}
					return ""
				case "stats":
					return fmt.Sprintf("open snapshots: %d\n", g.env.Txns.ActiveSnapshots())
				}
				t.Fatalf("%s: unknown directive %s", d.Pos, d.Cmd)
				return ""
			})
		})
	}
}

// TestGoldenCoversEveryCommand fails when a registered command is not exercised by any
// golden file, so that every new command gets its exact replies pinned down.
func TestGoldenCoversEveryCommand(t *testing.T) {
	used := map[string]bool{}
	for _, path := range goldenFiles(t) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		inExec := false
		for _, line := range strings.Split(string(data), "\n") {
			switch {
			case line == "exec":
				inExec = true
				continue
			case line == "----":
				inExec = false
				continue
			}
			if !inExec || line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			if f, rest, ok := strings.Cut(line, ": "); ok && !strings.ContainsAny(f, " \"'") {
				line = rest
			}
			if args, err := splitArgs(line); err == nil && len(args) > 0 {
				used[strings.ToUpper(args[0])] = true
			}
		}
	}
	for _, name := range Names() {
		if !used[name] {
			t.Errorf("command %s is registered but no file in testdata/commands runs it", name)
		}
	}
}

func TestSplitArgs(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{`SET k v`, []string{"SET", "k", "v"}},
		{`  SET   k  v  `, []string{"SET", "k", "v"}},
		{`JSON.SET u '{"a": 1}'`, []string{"JSON.SET", "u", `{"a": 1}`}},
		{`SET k "a b\"c\\d\n\x41"`, []string{"SET", "k", "a b\"c\\d\nA"}},
		{`SET k ""`, []string{"SET", "k", ""}},
	}
	for _, tc := range tests {
		got, err := splitArgs(tc.in)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("splitArgs(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	if _, err := splitArgs(`SET k "open`); err == nil {
		t.Errorf("splitArgs of an unbalanced quote: got no error")
	}
}
