package logictest

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

const sampleFile = `# a comment
command JSON.SET t:1 '{"a":"x y"}'
command SET k v

statement ok
CREATE TABLE t (id INTEGER)

statement count 2
INSERT INTO t (id)
VALUES (1), (2)

statement error ^Column 'x' not found
SELECT x FROM t

query T rowsort
SELECT a FROM t
----
{"a":"x y"}
{"a":"z"}

query T
SELECT a FROM t WHERE a = 'none'
----

command GET k
----
v

halt
`

func TestParse(t *testing.T) {
	f, err := Parse("sample.test", sampleFile)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(f.Records), 8; got != want {
		t.Fatalf("got %d records, want %d", got, want)
	}
	if f.Records[7].Kind != KindHalt {
		t.Errorf("last record: got kind %d, want KindHalt", f.Records[7].Kind)
	}
	tests := []struct {
		i    int
		kind Kind
		line int
		sql  string
		want []string
	}{
		{0, KindCommand, 2, "", nil},
		{1, KindStatement, 5, "CREATE TABLE t (id INTEGER)", nil},
		{2, KindStatement, 8, "INSERT INTO t (id)\nVALUES (1), (2)", nil},
		{3, KindStatement, 12, "SELECT x FROM t", nil},
		{4, KindQuery, 15, "SELECT a FROM t", []string{`{"a":"x y"}`, `{"a":"z"}`}},
		{5, KindQuery, 21, "SELECT a FROM t WHERE a = 'none'", nil},
		{6, KindCommand, 25, "", []string{"v"}},
	}
	for _, tt := range tests {
		rec := f.Records[tt.i]
		if rec.Kind != tt.kind || rec.Line != tt.line || rec.SQL != tt.sql || !slices.Equal(rec.Results, tt.want) {
			t.Errorf("record %d: got kind %d line %d sql %q results %q, want %d %d %q %q",
				tt.i, rec.Kind, rec.Line, rec.SQL, rec.Results, tt.kind, tt.line, tt.sql, tt.want)
		}
	}
	if got := f.Records[0].Commands; len(got) != 2 || !slices.Equal(got[0], []string{"JSON.SET", "t:1", `{"a":"x y"}`}) {
		t.Errorf("commands: got %q", got)
	}
	if r := f.Records[2]; r.Expect != ExpectCount || r.Count != 2 {
		t.Errorf("count record: got expect %d count %d", r.Expect, r.Count)
	}
	if r := f.Records[3]; r.Expect != ExpectError || !r.ErrRe.MatchString("Column 'x' not found in any") {
		t.Errorf("error record: got %v", r.ErrRe)
	}
	if !f.Records[4].Sort || f.Records[5].Sort {
		t.Errorf("sort flags: got %v %v, want true false", f.Records[4].Sort, f.Records[5].Sort)
	}
	if !f.Records[5].HasResults || len(f.Records[5].Results) != 0 {
		t.Errorf("empty result: got has=%v %q", f.Records[5].HasResults, f.Records[5].Results)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, text string
	}{
		{"unknown record", "frobnicate\nSELECT 1"},
		{"statement without SQL", "statement ok\n"},
		{"bad statement kind", "statement maybe\nSELECT 1"},
		{"bad count", "statement count x\nSELECT 1"},
		{"bad regexp", "statement error (\nSELECT 1"},
		{"query without ----", "query T\nSELECT a FROM t"},
		{"query without types", "query\nSELECT a FROM t\n----"},
		{"bad query option", "query T sideways\nSELECT a FROM t\n----"},
		{"statement with results", "statement ok\nSELECT a FROM t\n----\nx"},
		{"unbalanced quote", "command SET k 'v"},
		{"two commands with a result", "command SET a b\ncommand SET c d\n----\n+OK"},
		{"mixed command record", "command SET a b\nstatement ok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Parse("bad.test", tt.text); !errors.Is(err, ErrFormat) {
				t.Errorf("Parse: got %v, want ErrFormat", err)
			}
		})
	}
}

func TestSplitArgs(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"GET k", []string{"GET", "k"}},
		{"  SET   k\tv  ", []string{"SET", "k", "v"}},
		{`JSON.SET t:1 {"a":1}`, []string{"JSON.SET", "t:1", `{"a":1}`}},
		{`JSON.SET t:1 '{"a":"x y"}'`, []string{"JSON.SET", "t:1", `{"a":"x y"}`}},
		{`SET k 'it\'s'`, []string{"SET", "k", "it's"}},
		{`SET k 'a\\b'`, []string{"SET", "k", `a\b`}},
		{`SET k 'a\xb'`, []string{"SET", "k", `a\xb`}},
		{"SET k ''", []string{"SET", "k", ""}},
		{"", nil},
	}
	for _, tt := range tests {
		got, err := SplitArgs(tt.in)
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("SplitArgs(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestRewrite(t *testing.T) {
	f, err := Parse("sample.test", sampleFile)
	if err != nil {
		t.Fatal(err)
	}
	got := make([][]string, len(f.Records))
	got[4] = []string{`{"a":"new"}`}
	got[5] = []string{`{"a":"first"}`, `{"a":"second"}`}
	got[6] = []string{"w"}
	out := f.Rewrite(got)
	want := strings.NewReplacer(
		"{\"a\":\"x y\"}\n{\"a\":\"z\"}\n", "{\"a\":\"new\"}\n",
		"WHERE a = 'none'\n----\n", "WHERE a = 'none'\n----\n{\"a\":\"first\"}\n{\"a\":\"second\"}\n",
		"command GET k\n----\nv\n", "command GET k\n----\nw\n",
	).Replace(sampleFile)
	if out != want {
		t.Errorf("Rewrite:\n%s\nwant:\n%s", out, want)
	}
	if same := f.Rewrite(make([][]string, len(f.Records))); same != sampleFile {
		t.Errorf("Rewrite without changes altered the file:\n%s", same)
	}
}

func TestFormatReply(t *testing.T) {
	tests := []struct {
		r    Reply
		want []string
	}{
		{Reply{Kind: ReplyStatus, Text: "OK"}, []string{"+OK"}},
		{Reply{Kind: ReplyBulk, Text: `{"a":1}`}, []string{`{"a":1}`}},
		{Reply{Kind: ReplyBulk, Text: ""}, []string{`""`}},
		{Reply{Kind: ReplyBulk, Text: "a\nb"}, []string{`"a\nb"`}},
		{Reply{Kind: ReplyNil}, []string{"(nil)"}},
		{Reply{Kind: ReplyInt, Int: -3}, []string{":-3"}},
		{Reply{Kind: ReplyError, Text: "Execution Error: x"}, []string{"(error) Execution Error: x"}},
		{Reply{Kind: ReplyArray}, []string{"(empty array)"}},
		{Reply{Kind: ReplyArray, Elems: []Reply{{Kind: ReplyBulk, Text: "a"}, {Kind: ReplyInt, Int: 1}}}, []string{"a", ":1"}},
	}
	for _, tt := range tests {
		if got := FormatReply(tt.r); !slices.Equal(got, tt.want) {
			t.Errorf("FormatReply(%+v) = %q, want %q", tt.r, got, tt.want)
		}
	}
}

func TestRows(t *testing.T) {
	rows, ok := Rows(Reply{Kind: ReplyArray, Elems: []Reply{{Kind: ReplyBulk, Text: "a"}, {Kind: ReplyBulk, Text: "b"}}})
	if !ok || !slices.Equal(rows, []string{"a", "b"}) {
		t.Errorf("Rows: got %q, %v", rows, ok)
	}
	if _, ok := Rows(Reply{Kind: ReplyInt, Int: 1}); ok {
		t.Error("Rows accepted an integer reply")
	}
	if _, ok := Rows(Reply{Kind: ReplyArray, Elems: []Reply{{Kind: ReplyInt}}}); ok {
		t.Error("Rows accepted an array of integers")
	}
}
