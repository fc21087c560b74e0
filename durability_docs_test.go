package memflux_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/memflux/memflux"
	"github.com/memflux/memflux/command"
	"github.com/memflux/memflux/wal"
)

// docsPath is the user documentation these tests keep true.
const docsPath = "docs/persistence.md"

// fencedBlocks returns the contents of the fenced code blocks of md with the given info
// string.
func fencedBlocks(md, lang string) []string {
	var blocks []string
	for rest := md; ; {
		i := strings.Index(rest, "```"+lang+"\n")
		if i < 0 {
			return blocks
		}
		rest = rest[i+len(lang)+4:]
		j := strings.Index(rest, "```")
		if j < 0 {
			return blocks
		}
		blocks = append(blocks, rest[:j])
		rest = rest[j+3:]
	}
}

// readDocs returns docs/persistence.md.
func readDocs(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(docsPath)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// splitArgs splits a command line like a shell: spaces separate arguments, '…' and "…"
// quote (with backslash escapes inside double quotes).
func splitArgs(line string) ([]string, error) {
	var args []string
	var cur strings.Builder
	inArg := false
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c == ' ':
			if inArg {
				args = append(args, cur.String())
				cur.Reset()
				inArg = false
			}
		case c == '\'' || c == '"':
			inArg = true
			j := i + 1
			for ; j < len(line) && line[j] != c; j++ {
				if c == '"' && line[j] == '\\' && j+1 < len(line) {
					j++
				}
				cur.WriteByte(line[j])
			}
			if j == len(line) {
				return nil, fmt.Errorf("unterminated quote in %q", line)
			}
			i = j
		default:
			inArg = true
			cur.WriteByte(c)
		}
	}
	if inArg {
		args = append(args, cur.String())
	}
	return args, nil
}

// cliReply renders a reply the way redis-cli prints it.
func cliReply(r memflux.Reply, err error) string {
	if err != nil {
		return "(error) ERR " + err.Error()
	}
	switch r.Kind {
	case command.KindOK:
		return "OK"
	case command.KindSimple:
		return r.Str
	case command.KindBulk, command.KindVerbatim:
		return strconv.Quote(r.Str)
	case command.KindNil, command.KindNilArray:
		return "(nil)"
	case command.KindInt:
		return "(integer) " + strconv.FormatInt(r.Int, 10)
	case command.KindArray, command.KindMap:
		if len(r.Elems) == 0 {
			return "(empty array)"
		}
		var lines []string
		for i, e := range r.Elems {
			lines = append(lines, fmt.Sprintf("%d) %s", i+1, cliReply(e, nil)))
		}
		return strings.Join(lines, "\n")
	}
	return r.String()
}

// TestDurabilityDocsTranscripts runs every console transcript of docs/persistence.md on a
// database in a fresh directory: "memflux> CMD" lines are commands, the lines up to the
// next prompt their expected redis-cli output, "(restart)" closes and reopens the
// database, and a leading "# config: {json}" line sets configuration keys.
func TestDurabilityDocsTranscripts(t *testing.T) {
	blocks := fencedBlocks(readDocs(t), "console")
	if len(blocks) < 3 {
		t.Fatalf("found %d console blocks in %s", len(blocks), docsPath)
	}
	for n, block := range blocks {
		t.Run(fmt.Sprintf("block%d", n), func(t *testing.T) {
			cfg := memflux.DefaultConfig()
			lines := strings.Split(strings.TrimRight(block, "\n"), "\n")
			if js, ok := strings.CutPrefix(lines[0], "# config: "); ok {
				if err := json.Unmarshal([]byte(js), &cfg); err != nil {
					t.Fatalf("config line %q: %v", lines[0], err)
				}
				lines = lines[1:]
			}
			runTranscript(t, cfg, lines)
		})
	}
}

// runTranscript runs one console transcript of the user documentation on a database
// opened with cfg in a fresh directory: "memflux> CMD" lines are commands, the lines up to
// the next prompt their expected redis-cli output, and "(restart)" closes and reopens the
// database.
func runTranscript(t *testing.T, cfg memflux.Config, lines []string) {
	t.Helper()
	cfg.Dir = t.TempDir()
	open := func() (*memflux.DB, *memflux.Session) {
		db, err := memflux.Open(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return db, db.NewSession()
	}
	db, s := open()
	defer func() { s.Close(); db.Close() }()
	for i := 0; i < len(lines); {
		line := lines[i]
		i++
		if line == "(restart)" {
			s.Close()
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			db, s = open()
			continue
		}
		cmd, ok := strings.CutPrefix(line, "memflux> ")
		if !ok {
			t.Fatalf("line %q is neither a command nor (restart)", line)
		}
		var want []string
		for i < len(lines) && !strings.HasPrefix(lines[i], "memflux> ") && lines[i] != "(restart)" {
			want = append(want, lines[i])
			i++
		}
		args, err := splitArgs(cmd)
		if err != nil {
			t.Fatal(err)
		}
		if got := cliReply(s.Do(args...)); got != strings.Join(want, "\n") {
			t.Fatalf("%s\ngot:\n%s\nwant:\n%s", line, got, strings.Join(want, "\n"))
		}
	}
}

// TestDurabilityDocsConfig: the JSON example parses, and the documented default of every
// key in the table is the real default.
func TestDurabilityDocsConfig(t *testing.T) {
	md := readDocs(t)
	blocks := fencedBlocks(md, "json")
	if len(blocks) != 1 {
		t.Fatalf("found %d json blocks, want 1", len(blocks))
	}
	cfg, unknown, err := memflux.ParseConfig([]byte(blocks[0]))
	if err != nil || len(unknown) != 0 {
		t.Fatalf("ParseConfig(docs example) = %v, unknown %v", err, unknown)
	}
	if cfg.Durability != "full" {
		t.Fatalf("docs example durability = %q, the text says full", cfg.Durability)
	}
	defaults, err := json.Marshal(memflux.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	var def map[string]any
	if err := json.Unmarshal(defaults, &def); err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `([a-z_]+)` \\| `([^`]*)` \\|")
	rows := row.FindAllStringSubmatch(md, -1)
	if len(rows) < 7 {
		t.Fatalf("found %d rows in the configuration table", len(rows))
	}
	for _, r := range rows {
		v, ok := def[r[1]]
		if !ok {
			t.Errorf("documented key %q is not a configuration key", r[1])
			continue
		}
		if got := fmt.Sprint(v); got != r[2] {
			t.Errorf("key %q: documented default %q, real default %q", r[1], r[2], got)
		}
	}
}

// TestDurabilityDocsErrors: the error messages the docs quote are the ones Open returns
// (up to numbers and the directory), and the advice for a corrupt WAL (cut the file at
// the reported offset) starts the database with every transaction before the damage.
func TestDurabilityDocsErrors(t *testing.T) {
	md := readDocs(t)
	digits := regexp.MustCompile(`\d+`)
	documented := make(map[string]bool)
	for _, line := range strings.Split(strings.Join(fencedBlocks(md, "text"), ""), "\n") {
		documented[digits.ReplaceAllString(line, "N")] = true
	}
	norm := func(dir string, err error) string {
		return digits.ReplaceAllString(strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), ""), "N")
	}

	dir := corruptDB(t, true)
	data, err := os.ReadFile(filepath.Join(dir, "memflux.snapshot"))
	if err != nil {
		t.Fatal(err)
	}
	blocks, _ := snapshotOffsets(t, data)
	err = flipAndOpen(t, dir, "memflux.snapshot", blocks[0]+20)
	if !documented[norm(dir, err)] {
		t.Errorf("snapshot error %q is not the documented one", err)
	}
	if err := os.Remove(filepath.Join(dir, "memflux.snapshot")); err != nil {
		t.Fatal(err)
	}

	dir = corruptDB(t, false)
	path := filepath.Join(dir, "memflux.wal")
	wdata, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs := walRecords(t, wdata)
	bad := 150 // damage transaction 150 of 220
	err = flipAndOpen(t, dir, "memflux.wal", recs[bad][0]+20)
	if !documented[norm(dir, err)] {
		t.Errorf("WAL error %q is not the documented one", err)
	}
	var ce *wal.CorruptionError
	if !errors.As(err, &ce) {
		t.Fatalf("Open = %v, want a *wal.CorruptionError", err)
	}
	// The advice: keep the damaged file, cut it at the offset, start again.
	wdata[recs[bad][0]+20] ^= 0x5a
	if err := os.WriteFile(path, wdata[:ce.Offset], 0o644); err != nil {
		t.Fatal(err)
	}
	db := durOpen(t, dir)
	defer db.Close()
	s := db.NewSession()
	defer s.Close()
	if n := durDo(t, s, "DBSIZE").Int; n != int64(bad) {
		t.Fatalf("after cutting at the reported offset DBSIZE = %d, want the %d keys before it", n, bad)
	}
}

// TestDurabilitySaveInsideTransaction: SAVE inside BEGIN snapshots committed data only,
// as the docs say.
func TestDurabilitySaveInsideTransaction(t *testing.T) {
	dir := t.TempDir()
	db := durOpen(t, dir)
	s := db.NewSession()
	durDo(t, s, "SET", "committed", "1")
	durDo(t, s, "BEGIN")
	durDo(t, s, "SET", "pending", "1")
	durDo(t, s, "SAVE")
	durDo(t, s, "ROLLBACK")
	s.Close()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	only := t.TempDir()
	data, err := os.ReadFile(filepath.Join(dir, "memflux.snapshot"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(only, "memflux.snapshot"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	db = durOpen(t, only)
	defer db.Close()
	if got := durDump(t, db); got != `"committed" string "1"` {
		t.Fatalf("snapshot taken inside a transaction holds:\n%s", got)
	}
}
