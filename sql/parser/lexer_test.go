package parser

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

// renderTokens prints tokens compactly: W(word) N(number) S(string value)
// Q(placeholder number) P(punct); the trailing EOF is omitted.
func renderTokens(toks []token) string {
	var parts []string
	for _, t := range toks {
		switch t.kind {
		case tkWord:
			parts = append(parts, "W("+t.text+")")
		case tkNumber:
			parts = append(parts, "N("+t.text+")")
		case tkString:
			parts = append(parts, "S("+t.str+")")
		case tkPlaceholder:
			parts = append(parts, "Q("+strconv.Itoa(t.n)+")")
		case tkPunct:
			parts = append(parts, "P("+t.text+")")
		}
	}
	return strings.Join(parts, " ")
}

// TestLexGolden covers every rule of SPEC §4.2 plus the additions (::,
// placeholders, %).
func TestLexGolden(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"quote mid word", `id='1'`, `W(id) P(=) S(1)`},
		{"concat inside word", `a||b`, `W(a) P(||) W(b)`},
		{"concat spaced", `a || 'x'`, `W(a) P(||) S(x)`},
		{"single bar is a word char", `a|b`, `W(a|b)`},
		{"decimal number", `25.7`, `N(25.7)`},
		{"decimal number 2", `12345.67`, `N(12345.67)`},
		{"qualified name", `user.name`, `W(user) P(.) W(name)`},
		{"three parts", `a.b.c`, `W(a) P(.) W(b) P(.) W(c)`},
		{"second dot splits", `1.2.3`, `N(1.2) P(.) N(3)`},
		{"leading dot", `.5`, `P(.) N(5)`},
		{"trailing dot glued", `25.`, `N(25.)`},
		{"exponent", `1e5 1.5E3`, `N(1e5) N(1.5E3)`},
		{"bad exponent is a word", `1e`, `W(1e)`},
		{"digit-led identifier", `2024_sales`, `W(2024_sales)`},
		{"doubled quote", `'it''s'`, `S(it's)`},
		{"only a quote", `''''`, `S(')`},
		{"empty string", `''`, `S()`},
		{"backslashes literal", `'\xDEADBEEF'`, `S(\xDEADBEEF)`},
		{"backslash escape kept", `'a\_b'`, `S(a\_b)`},
		{"string then word", `abc'def'ghi`, `W(abc) S(def) W(ghi)`},
		{"semicolon in string", `'a;b'`, `S(a;b)`},
		{"not equal diamond", `a<>b`, `W(a) P(<>) W(b)`},
		{"not equal bang", `a!=b`, `W(a) P(!=) W(b)`},
		{"ge le lt gt", `a>=b<=c<d>e`, `W(a) P(>=) W(b) P(<=) W(c) P(<) W(d) P(>) W(e)`},
		{"bang alone", `!a`, `P(!) W(a)`},
		{"semicolons are whitespace", ";SELECT;1;", `W(SELECT) N(1)`},
		{"all whitespace", "a\tb\rc\nd e", `W(a) W(b) W(c) W(d) W(e)`},
		{"minus always operator", `-5 a-1`, `P(-) N(5) W(a) P(-) N(1)`},
		{"single chars", `=,()[]+-*/%`, `P(=) P(,) P(() P()) P([) P(]) P(+) P(-) P(*) P(/) P(%)`},
		{"cast", `x::int`, `W(x) P(::) W(int)`},
		{"colon word", `user:1`, `W(user:1)`},
		{"colon then cast", `a:b::text`, `W(a:b) P(::) W(text)`},
		{"double quotes ordinary", `"My Col"`, `W("My) W(Col")`},
		{"question placeholders", `(?,?) ?`, `P(() Q(1) P(,) Q(2) P()) Q(3)`},
		{"dollar placeholders", `$2 = $10`, `Q(2) P(=) Q(10)`},
		{"question inside word", `a?b`, `W(a?b)`},
		{"dollar word", `$a`, `W($a)`},
		{"star", `t.*`, `W(t) P(.) P(*)`},
		{"unicode", `naïve='héllo'`, `W(naïve) P(=) S(héllo)`},
		{"keywords keep text", `SeLeCt`, `W(SeLeCt)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			toks, err := lex(tt.in)
			if err != nil {
				t.Fatalf("lex(%q): %v", tt.in, err)
			}
			if got := renderTokens(toks); got != tt.want {
				t.Errorf("lex(%q)\n got %s\nwant %s", tt.in, got, tt.want)
			}
			last := toks[len(toks)-1]
			if last.kind != tkEOF || last.pos != len(tt.in) {
				t.Errorf("lex(%q): last token %+v, want EOF at %d", tt.in, last, len(tt.in))
			}
			for _, tok := range toks {
				if tt.in[tok.pos:tok.end] != tok.text {
					t.Errorf("lex(%q): token %q has span %d..%d = %q", tt.in, tok.text, tok.pos, tok.end, tt.in[tok.pos:tok.end])
				}
			}
		})
	}
}

func TestLexPositions(t *testing.T) {
	toks, err := lex("SELECT  a,'x''y' FROM t;")
	if err != nil {
		t.Fatal(err)
	}
	want := []int{0, 8, 9, 10, 17, 22, 24}
	if len(toks) != len(want) {
		t.Fatalf("got %d tokens, want %d", len(toks), len(want))
	}
	for i, tok := range toks {
		if tok.pos != want[i] {
			t.Errorf("token %d (%q): pos %d, want %d", i, tok.text, tok.pos, want[i])
		}
	}
}

func TestLexKeywords(t *testing.T) {
	toks, err := lex("select From nAme Key")
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		kw       string
		reserved bool
	}{{"SELECT", true}, {"FROM", true}, {"", false}, {"KEY", false}}
	for i, w := range want {
		if toks[i].kw != w.kw || toks[i].reserved != w.reserved {
			t.Errorf("token %q: kw=%q reserved=%v, want %q %v", toks[i].text, toks[i].kw, toks[i].reserved, w.kw, w.reserved)
		}
	}
}

func TestLexErrors(t *testing.T) {
	tests := []struct {
		in  string
		pos int
		msg string
	}{
		{`SELECT 'abc`, 7, `syntax error at position 7 near "'abc"`},
		{`'it''s`, 0, `syntax error at position 0 near "'it''s"`},
		{`? $1`, 2, `syntax error at position 2 near "$1"`},
		{`$1 ?`, 3, `syntax error at position 3 near "?"`},
		{`$0`, 0, `syntax error at position 0 near "$0"`},
		{`$65536`, 0, `syntax error at position 0 near "$65536"`},
		{`x = '` + strings.Repeat("y", 100), 4, `syntax error at position 4 near "'` + strings.Repeat("y", 39) + `..."`},
	}
	for _, tt := range tests {
		_, err := lex(tt.in)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("lex(%q): error %v, want *SyntaxError", tt.in, err)
			continue
		}
		if se.Pos != tt.pos || se.Msg != tt.msg {
			t.Errorf("lex(%q): got (%d, %q), want (%d, %q)", tt.in, se.Pos, se.Msg, tt.pos, tt.msg)
		}
	}
}
