package parser

import (
	"strconv"
	"strings"
)

// tokenKind classifies tokens.
type tokenKind uint8

const (
	tkEOF tokenKind = iota
	tkWord
	tkNumber
	tkString
	tkPlaceholder
	tkPunct
)

// token is one lexical token. text is always the exact source slice
// src[pos:end].
type token struct {
	kind     tokenKind
	text     string
	str      string // tkString: contents with '' unescaped
	kw       string // tkWord: canonical keyword, "" for plain identifiers
	reserved bool   // tkWord: kw is a reserved keyword
	n        int    // tkPlaceholder: parameter number
	pos, end int
}

// maxPlaceholder bounds $N (PostgreSQL's limit on bind parameters).
const maxPlaceholder = 65535

// lexer implements SPEC §4.2. It is single-use and not safe for concurrent
// use.
type lexer struct {
	src       string
	toks      []token
	wordStart int  // start of the word being accumulated, -1 when none
	qmarks    int  // ? placeholders seen so far
	dollars   bool // a $N placeholder was seen
}

// lex splits src into tokens, always ending with a tkEOF token positioned at
// len(src).
func lex(src string) ([]token, error) {
	lx := lexer{src: src, wordStart: -1, toks: make([]token, 0, len(src)/3+1)}
	if err := lx.run(); err != nil {
		return nil, err
	}
	return lx.toks, nil
}

func (lx *lexer) run() error {
	src := lx.src
	for i := 0; i < len(src); {
		c := src[i]
		switch c {
		case ' ', '\t', '\r', '\n', ';':
			if err := lx.flush(i); err != nil {
				return err
			}
			i++
			continue
		case '\'':
			if err := lx.flush(i); err != nil {
				return err
			}
			end, err := lx.stringLit(i)
			if err != nil {
				return err
			}
			i = end
			continue
		case '.':
			// Glued to a digits-only word: part of a number (25.7).
			if lx.wordStart >= 0 && allDigits(src[lx.wordStart:i]) {
				i++
				continue
			}
		case '|', ':':
			// Only doubled are they operators (|| and ::); a single one is a
			// word character (user:1).
			if i+1 >= len(src) || src[i+1] != c {
				if lx.wordStart < 0 {
					lx.wordStart = i
				}
				i++
				continue
			}
			if err := lx.punct(i, 2); err != nil {
				return err
			}
			i += 2
			continue
		case '<', '>', '!':
			n := 1
			if i+1 < len(src) && (src[i+1] == '=' || (c == '<' && src[i+1] == '>')) {
				n = 2
			}
			if err := lx.punct(i, n); err != nil {
				return err
			}
			i += n
			continue
		}
		if c == '.' || strings.IndexByte("=,()[]+-*/%", c) >= 0 {
			if err := lx.punct(i, 1); err != nil {
				return err
			}
			i++
			continue
		}
		if lx.wordStart < 0 {
			lx.wordStart = i
		}
		i++
	}
	if err := lx.flush(len(src)); err != nil {
		return err
	}
	lx.toks = append(lx.toks, token{kind: tkEOF, pos: len(src), end: len(src)})
	return nil
}

// punct ends the current word and emits the n-byte operator at i.
func (lx *lexer) punct(i, n int) error {
	if err := lx.flush(i); err != nil {
		return err
	}
	lx.toks = append(lx.toks, token{kind: tkPunct, text: lx.src[i : i+n], pos: i, end: i + n})
	return nil
}

// stringLit scans the literal whose opening quote is at q and returns the
// offset just past its closing quote.
func (lx *lexer) stringLit(q int) (int, error) {
	src := lx.src
	var b *strings.Builder // allocated only when the literal holds ''
	segStart := q + 1
	for i := q + 1; i < len(src); i++ {
		if src[i] != '\'' {
			continue
		}
		if i+1 < len(src) && src[i+1] == '\'' {
			if b == nil {
				b = &strings.Builder{}
			}
			b.WriteString(src[segStart : i+1]) // keep one quote
			i++
			segStart = i + 1
			continue
		}
		val := src[q+1 : i]
		if b != nil {
			b.WriteString(src[segStart:i])
			val = b.String()
		}
		lx.toks = append(lx.toks, token{kind: tkString, text: src[q : i+1], str: val, pos: q, end: i + 1})
		return i + 1, nil
	}
	return 0, errNear(q, src[q:], false)
}

// flush ends the word being accumulated (if any) at end and classifies it.
func (lx *lexer) flush(end int) error {
	start := lx.wordStart
	if start < 0 {
		return nil
	}
	lx.wordStart = -1
	w := lx.src[start:end]
	t := token{kind: tkWord, text: w, pos: start, end: end}
	switch {
	case w == "?":
		if lx.dollars {
			return errNear(start, w, false) // ? and $N cannot be mixed
		}
		lx.qmarks++
		t.kind, t.n = tkPlaceholder, lx.qmarks
	case len(w) > 1 && w[0] == '$' && allDigits(w[1:]):
		n, err := strconv.Atoi(w[1:])
		if err != nil || n < 1 || n > maxPlaceholder || lx.qmarks > 0 {
			return errNear(start, w, false)
		}
		lx.dollars = true
		t.kind, t.n = tkPlaceholder, n
	case w[0] >= '0' && w[0] <= '9' && isNumber(w):
		t.kind = tkNumber
	default:
		if k, ok := lookupKeyword(w); ok {
			t.kw, t.reserved = k.name, k.reserved
		}
	}
	lx.toks = append(lx.toks, t)
	return nil
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isNumber reports whether a word is a number literal:
// digits [ "." digits* ] [ ("e"|"E") digits ]. A signed exponent cannot
// occur because '-' and '+' always end a word.
func isNumber(w string) bool {
	i := 0
	for i < len(w) && w[i] >= '0' && w[i] <= '9' {
		i++
	}
	if i == 0 {
		return false
	}
	if i < len(w) && w[i] == '.' {
		i++
		for i < len(w) && w[i] >= '0' && w[i] <= '9' {
			i++
		}
	}
	if i < len(w) && (w[i] == 'e' || w[i] == 'E') {
		i++
		j := i
		for i < len(w) && w[i] >= '0' && w[i] <= '9' {
			i++
		}
		if i == j {
			return false
		}
	}
	return i == len(w)
}
