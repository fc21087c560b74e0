package cmdline

import (
	"errors"
	"reflect"
	"testing"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
		err  error
	}{
		{"simple", "SET k v", []string{"SET", "k", "v"}, nil},
		{"empty", "", []string{}, nil},
		{"blanks only", " \t\n ", []string{}, nil},
		{"extra blanks", "  GET\t\tk  \n", []string{"GET", "k"}, nil},
		{"cr is ordinary", "SET k v\r", []string{"SET", "k", "v\r"}, nil},
		{"cr inside word", "a\rb c", []string{"a\rb", "c"}, nil},
		{"single quotes literal", `SET k 'a "b" \n $x'`, []string{"SET", "k", `a "b" \n $x`}, nil},
		{"empty single quotes", "SET k ''", []string{"SET", "k", ""}, nil},
		{"empty double quotes", `SET k ""`, []string{"SET", "k", ""}, nil},
		{"double quotes", `SET k "a b"`, []string{"SET", "k", "a b"}, nil},
		{"double escapes kept", `"\$ \` + "`" + ` \" \\"`, []string{"$ ` \" \\"}, nil},
		{"double other escape keeps both", `"\n\t\a\'"`, []string{`\n\t\a\'`}, nil},
		{"double backslash newline", "\"a\\\nb\"", []string{"ab"}, nil},
		{"unquoted backslash", `a\ b \'c \"`, []string{"a b", "'c", `"`}, nil},
		{"unquoted backslash newline", "a\\\nb c", []string{"ab", "c"}, nil},
		{"adjacent parts", `a'b'"c"d`, []string{"abcd"}, nil},
		{"comment", "SET k v # trailing comment", []string{"SET", "k", "v"}, nil},
		{"comment only", "# nothing here", []string{}, nil},
		{"comment to end of line", "# one\nGET k # two\n# three", []string{"GET", "k"}, nil},
		{"hash inside word", "SET k#1 v#", []string{"SET", "k#1", "v#"}, nil},
		{"hash quoted", `SET k '#x' "#y"`, []string{"SET", "k", "#x", "#y"}, nil},
		{"utf8", "SET клю ч'é'", []string{"SET", "клю", "чé"}, nil},
		{"unbalanced single", "SET k 'v", nil, ErrSyntax},
		{"unbalanced double", `SET k "v`, nil, ErrSyntax},
		{"unbalanced after escape", `SET k "v\"`, nil, ErrSyntax},
		{"trailing backslash", `SET k v\`, nil, ErrSyntax},
		{"trailing backslash in double", `"v\`, nil, ErrSyntax},
		// Python: shlex.join(['SET', 'k', "it's"])
		{"python join quote", `SET k 'it'"'"'s'`, []string{"SET", "k", "it's"}, nil},
		// Python: shlex.join(['SQL', "SELECT * FROM t WHERE name = 'O''Brien'"])
		{
			"python join sql",
			`SQL 'SELECT * FROM t WHERE name = '"'"'O'"'"''"'"'Brien'"'"''`,
			[]string{"SQL", "SELECT * FROM t WHERE name = 'O''Brien'"}, nil,
		},
		// Python: shlex.join(['SET', 'a b', '', '$x', '"q"', 'back\\slash'])
		{
			"python join specials",
			`SET 'a b' '' '$x' '"q"' 'back\slash'`,
			[]string{"SET", "a b", "", "$x", `"q"`, `back\slash`}, nil,
		},
		// Python: shlex.join(['JSON.SET', 'user:1', '{"name": "Ann"}'])
		{"python join json", `JSON.SET user:1 '{"name": "Ann"}'`, []string{"JSON.SET", "user:1", `{"name": "Ann"}`}, nil},
		// Python: shlex.join(['x', 'tab\there', 'new\nline', 'cr\rhere'])
		{"python join controls", "x 'tab\there' 'new\nline' 'cr\rhere'", []string{"x", "tab\there", "new\nline", "cr\rhere"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Split(tt.in)
			if !errors.Is(err, tt.err) {
				t.Fatalf("Split(%q) error = %v, want %v", tt.in, err, tt.err)
			}
			if tt.err != nil {
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Split(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestSplitShlexCrate runs the split table of Rust's shlex crate 1.1.0 (src/lib.rs,
// SPLIT_TEST_ITEMS), whose semantics SPEC §9.2 prescribes; want == nil means an error.
func TestSplitShlexCrate(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"foo$baz", []string{"foo$baz"}},
		{"foo baz", []string{"foo", "baz"}},
		{"foo\"bar\"baz", []string{"foobarbaz"}},
		{"foo \"bar\"baz", []string{"foo", "barbaz"}},
		{"   foo \nbar", []string{"foo", "bar"}},
		{"foo\\\nbar", []string{"foobar"}},
		{"\"foo\\\nbar\"", []string{"foobar"}},
		{"'baz\\$b'", []string{"baz\\$b"}},
		{"'baz\\''", nil},
		{"\\", nil},
		{"\"\\", nil},
		{"'\\", nil},
		{"\"", nil},
		{"'", nil},
		{"foo #bar\nbaz", []string{"foo", "baz"}},
		{"foo #bar", []string{"foo"}},
		{"foo#bar", []string{"foo#bar"}},
		{"foo\"#bar", nil},
		{"'\\n'", []string{"\\n"}},
		{"'\\\\n'", []string{"\\\\n"}},
	}
	for _, tt := range tests {
		got, err := Split(tt.in)
		if tt.want == nil {
			if !errors.Is(err, ErrSyntax) {
				t.Errorf("Split(%q) = %q, %v; want ErrSyntax", tt.in, got, err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Split(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestSplitterQuoted(t *testing.T) {
	var sp Splitter
	words, err := sp.Split([]byte(`SET ? '?' \? "?" ?x`))
	if err != nil {
		t.Fatal(err)
	}
	want := []bool{false, false, true, true, true, false}
	if len(words) != len(want) {
		t.Fatalf("got %d words, want %d", len(words), len(want))
	}
	for i, q := range want {
		if got := sp.Quoted(i); got != q {
			t.Errorf("Quoted(%d) for %q = %v, want %v", i, words[i], got, q)
		}
	}
}

func TestSplitterReuse(t *testing.T) {
	var sp Splitter
	if _, err := sp.Split([]byte("a 'b")); !errors.Is(err, ErrSyntax) {
		t.Fatalf("got %v, want ErrSyntax", err)
	}
	for _, in := range []string{"SET key value", "GET k", "LPUSH list a b c d e f g"} {
		words, err := sp.Split([]byte(in))
		if err != nil {
			t.Fatal(err)
		}
		want, _ := Split(in)
		if len(words) != len(want) {
			t.Fatalf("Split(%q) gave %d words, want %d", in, len(words), len(want))
		}
		for i := range words {
			if string(words[i]) != want[i] {
				t.Errorf("word %d = %q, want %q", i, words[i], want[i])
			}
		}
	}
}

func TestQuoteMatchesPython(t *testing.T) {
	// Expected values are Python 3.11's shlex.quote output.
	tests := []struct{ in, want string }{
		{"", "''"},
		{"abc", "abc"},
		{"user:1", "user:1"},
		{"a_b-c.d/e@f%g+h=i,j", "a_b-c.d/e@f%g+h=i,j"},
		{"a b", "'a b'"},
		{"it's", `'it'"'"'s'`},
		{"$x", "'$x'"},
		{"é", "'é'"},
	}
	for _, tt := range tests {
		if got := Quote(tt.in); got != tt.want {
			t.Errorf("Quote(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got, want := Join([]string{"SET", "k", "it's"}), `SET k 'it'"'"'s'`; got != want {
		t.Errorf("Join = %q, want %q", got, want)
	}
}

func BenchmarkSplitter(b *testing.B) {
	in := []byte(`SET user:1000 'some value with spaces' "and \"escapes\""`)
	var sp Splitter
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := sp.Split(in); err != nil {
			b.Fatal(err)
		}
	}
}
