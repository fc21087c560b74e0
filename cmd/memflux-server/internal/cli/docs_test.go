package cli

import (
	"encoding/json"
	"flag"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/memflux/memflux"
)

// configDoc is the user documentation of the configuration, kept true by these tests.
const configDoc = "../../../../docs/configuration.md"

// docTableRows returns the cells of the rows of the first table after heading.
func docTableRows(t *testing.T, md, heading string) [][]string {
	t.Helper()
	_, after, ok := strings.Cut(md, "\n"+heading+"\n")
	if !ok {
		t.Fatalf("%s has no %q section", configDoc, heading)
	}
	var rows [][]string
	inTable := false
	for _, line := range strings.Split(after, "\n") {
		if !strings.HasPrefix(line, "|") {
			if inTable {
				break
			}
			continue
		}
		inTable = true
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if strings.HasPrefix(cells[0], "---") || cells[0] == "Key" || cells[0] == "Flag" {
			continue
		}
		rows = append(rows, cells)
	}
	return rows
}

// TestConfigDocKeys checks the config.json table: every key, in order, with its type and
// its default as the server writes it.
func TestConfigDocKeys(t *testing.T) {
	md := readDoc(t)
	def, _ := memflux.DefaultConfig().MarshalIndent()
	var defaults map[string]json.RawMessage
	if err := json.Unmarshal(def, &defaults); err != nil {
		t.Fatal(err)
	}
	rows := docTableRows(t, md, "## config.json")
	if len(rows) != len(defaults) {
		t.Fatalf("the table documents %d keys, the configuration has %d", len(rows), len(defaults))
	}
	for _, r := range rows {
		key := strings.Trim(r[0], "`")
		want, ok := defaults[key]
		if !ok {
			t.Errorf("documented key %s does not exist", key)
			continue
		}
		if got := strings.Trim(r[2], "`"); got != string(want) {
			t.Errorf("key %s: documented default %s, actual %s", key, got, want)
		}
		typ := map[byte]string{'"': "string", 't': "boolean", 'f': "boolean"}[want[0]]
		if typ == "" {
			typ = "integer"
		}
		if r[1] != typ {
			t.Errorf("key %s: documented type %s, actual %s", key, r[1], typ)
		}
	}
}

var jsonBlock = regexp.MustCompile("(?s)```json\n(.*?)```")

// TestConfigDocExamples checks that the first JSON example is exactly the file the server
// writes and that every example is a valid configuration without unknown keys.
func TestConfigDocExamples(t *testing.T) {
	md := readDoc(t)
	blocks := jsonBlock.FindAllStringSubmatch(md, -1)
	if len(blocks) < 2 {
		t.Fatalf("found %d JSON examples", len(blocks))
	}
	def, _ := memflux.DefaultConfig().MarshalIndent()
	if blocks[0][1] != string(def)+"\n" {
		t.Errorf("the default file in the doc differs from the one the server writes:\n%s", blocks[0][1])
	}
	for _, b := range blocks {
		if _, unknown, err := memflux.ParseConfig([]byte(b[1])); err != nil || len(unknown) > 0 {
			t.Errorf("example %s: err %v, unknown keys %v", b[1], err, unknown)
		}
	}
}

// TestConfigDocFlags checks that the flags table lists exactly the flags memflux-server
// defines, with their defaults.
func TestConfigDocFlags(t *testing.T) {
	md := readDoc(t)
	fl, err := parseFlags(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]string{}
	for _, r := range docTableRows(t, md, "## Flags") {
		name := strings.TrimPrefix(strings.Fields(strings.Trim(r[0], "`"))[0], "--")
		documented[name] = strings.Trim(r[1], "`")
	}
	fl.fs.VisitAll(func(f *flag.Flag) {
		doc, ok := documented[f.Name]
		if !ok {
			t.Errorf("flag --%s is not documented", f.Name)
			return
		}
		delete(documented, f.Name)
		if f.DefValue != "" && doc != f.DefValue {
			t.Errorf("flag --%s: documented default %q, actual %q", f.Name, doc, f.DefValue)
		}
	})
	delete(documented, "help")
	for name := range documented {
		t.Errorf("documented flag --%s does not exist", name)
	}
}

func readDoc(t *testing.T) string {
	t.Helper()
	md, err := os.ReadFile(configDoc)
	if err != nil {
		t.Fatal(err)
	}
	return string(md)
}
