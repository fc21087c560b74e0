package logictest

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Kind is the kind of a record.
type Kind uint8

const (
	// KindStatement is `statement ok|count N|error <re>`.
	KindStatement Kind = iota
	// KindQuery is `query <types> [nosort|rowsort]`.
	KindQuery
	// KindCommand is one or more `command <args…>` lines.
	KindCommand
	// KindHalt is `halt`.
	KindHalt
)

// Expect is what a statement record expects.
type Expect uint8

const (
	// ExpectOK: any non-error reply.
	ExpectOK Expect = iota
	// ExpectCount: the integer reply Count.
	ExpectCount
	// ExpectError: an `Execution Error: ` whose rest matches ErrRe.
	ExpectError
)

// Record is one test case of a file.
//
// Records are plain values; they are safe for concurrent reads.
type Record struct {
	Kind Kind
	Line int // 1-based line of the header, for messages

	// Statements and queries.
	SQL    string // the statement text (lines joined with "\n")
	Expect Expect
	Count  int64
	ErrRe  *regexp.Regexp
	Types  string
	Sort   bool // rowsort

	// Commands: each element is one command's argument vector.
	Commands [][]string

	// Results holds the expected lines after `----` (queries and single commands);
	// HasResults reports whether a `----` line was present.
	Results    []string
	HasResults bool

	// resultStart and resultEnd are the 0-based line range of Results in the file
	// (resultStart is the `----` line + 1), used by Rewrite.
	resultStart, resultEnd int
}

// Name is a short description of the record for failure messages.
func (r *Record) Name(file string) string {
	return fmt.Sprintf("%s:%d", file, r.Line)
}

// File is a parsed test file. It is immutable after Parse; it is safe for concurrent
// reads.
type File struct {
	Name    string
	Records []Record
	lines   []string
}

// Parse parses the text of a test file. name is used in error messages.
func Parse(name, text string) (*File, error) {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	f := &File{Name: name, lines: strings.Split(text, "\n")}
	for i := 0; i < len(f.lines); {
		line := f.lines[i]
		if isBlank(line) || isComment(line) {
			i++
			continue
		}
		rec, next, err := f.parseRecord(i)
		if err != nil {
			return nil, fmt.Errorf("%w: %s:%d: %w", ErrFormat, name, i+1, err)
		}
		f.Records = append(f.Records, rec)
		i = next
	}
	return f, nil
}

func isBlank(s string) bool   { return strings.TrimSpace(s) == "" }
func isComment(s string) bool { return strings.HasPrefix(strings.TrimSpace(s), "#") }

// parseRecord parses the record whose header is line i and returns the index of the line
// after it.
func (f *File) parseRecord(i int) (Record, int, error) {
	header := strings.TrimSpace(f.lines[i])
	word, rest, _ := strings.Cut(header, " ")
	rest = strings.TrimSpace(rest)
	rec := Record{Line: i + 1}
	switch word {
	case "halt":
		rec.Kind = KindHalt
		return rec, i + 1, nil
	case "statement":
		rec.Kind = KindStatement
		if err := parseStatementHeader(&rec, rest); err != nil {
			return rec, 0, err
		}
	case "query":
		rec.Kind = KindQuery
		if err := parseQueryHeader(&rec, rest); err != nil {
			return rec, 0, err
		}
	case "command":
		return f.parseCommands(i)
	default:
		return rec, 0, fmt.Errorf("unknown record %q", word)
	}
	// Body: SQL lines up to a blank line or `----`.
	j := i + 1
	var sql []string
	for ; j < len(f.lines) && !isBlank(f.lines[j]) && f.lines[j] != "----"; j++ {
		if isComment(f.lines[j]) {
			continue
		}
		sql = append(sql, f.lines[j])
	}
	if len(sql) == 0 {
		return rec, 0, errors.New("record has no SQL")
	}
	rec.SQL = strings.Join(sql, "\n")
	if j < len(f.lines) && f.lines[j] == "----" {
		if rec.Kind != KindQuery {
			return rec, 0, errors.New("only query and command records have results")
		}
		j = f.parseResults(&rec, j)
	} else if rec.Kind == KindQuery {
		return rec, 0, errors.New("query record without ----")
	}
	return rec, j, nil
}

// parseResults reads the result lines after the `----` at line j.
func (f *File) parseResults(rec *Record, j int) int {
	rec.HasResults = true
	j++
	rec.resultStart = j
	for ; j < len(f.lines) && !isBlank(f.lines[j]); j++ {
		rec.Results = append(rec.Results, f.lines[j])
	}
	rec.resultEnd = j
	return j
}

func parseStatementHeader(rec *Record, rest string) error {
	word, arg, _ := strings.Cut(rest, " ")
	switch word {
	case "ok":
		rec.Expect = ExpectOK
	case "count":
		n, err := strconv.ParseInt(strings.TrimSpace(arg), 10, 64)
		if err != nil {
			return fmt.Errorf("statement count: %w", err)
		}
		rec.Expect, rec.Count = ExpectCount, n
	case "error":
		re, err := regexp.Compile(strings.TrimSpace(arg))
		if err != nil {
			return fmt.Errorf("statement error: %w", err)
		}
		rec.Expect, rec.ErrRe = ExpectError, re
	default:
		return fmt.Errorf("statement wants ok, count N or error <re>, got %q", rest)
	}
	return nil
}

func parseQueryHeader(rec *Record, rest string) error {
	fields := strings.Fields(rest)
	if len(fields) == 0 {
		return errors.New("query wants a types column")
	}
	rec.Types = fields[0]
	for _, opt := range fields[1:] {
		switch opt {
		case "nosort":
			rec.Sort = false
		case "rowsort":
			rec.Sort = true
		default:
			return fmt.Errorf("unknown query option %q", opt)
		}
	}
	return nil
}

// parseCommands parses a record of `command` lines starting at line i.
func (f *File) parseCommands(i int) (Record, int, error) {
	rec := Record{Kind: KindCommand, Line: i + 1}
	j := i
	for ; j < len(f.lines) && !isBlank(f.lines[j]) && f.lines[j] != "----"; j++ {
		line := strings.TrimSpace(f.lines[j])
		if isComment(line) {
			continue
		}
		word, rest, _ := strings.Cut(line, " ")
		if word != "command" {
			return rec, 0, fmt.Errorf("line %d: want another command line, got %q", j+1, line)
		}
		args, err := SplitArgs(rest)
		if err != nil {
			return rec, 0, fmt.Errorf("line %d: %w", j+1, err)
		}
		if len(args) == 0 {
			return rec, 0, fmt.Errorf("line %d: command without arguments", j+1)
		}
		rec.Commands = append(rec.Commands, args)
	}
	if j < len(f.lines) && f.lines[j] == "----" {
		if len(rec.Commands) != 1 {
			return rec, 0, errors.New("only a single command can have an expected reply")
		}
		j = f.parseResults(&rec, j)
	}
	return rec, j, nil
}

// SplitArgs splits a command line at blanks. An argument starting with a single quote
// runs to the next unescaped single quote (`\'` is a quote, `\\` a backslash; any other
// byte, blanks included, is literal).
func SplitArgs(s string) ([]string, error) {
	var args []string
	for i := 0; i < len(s); {
		if s[i] == ' ' || s[i] == '\t' {
			i++
			continue
		}
		if s[i] != '\'' {
			j := i
			for j < len(s) && s[j] != ' ' && s[j] != '\t' {
				j++
			}
			args = append(args, s[i:j])
			i = j
			continue
		}
		var b strings.Builder
		j := i + 1
		for ; j < len(s) && s[j] != '\''; j++ {
			if s[j] == '\\' && j+1 < len(s) && (s[j+1] == '\'' || s[j+1] == '\\') {
				j++
			}
			b.WriteByte(s[j])
		}
		if j == len(s) {
			return nil, errors.New("unbalanced single quote")
		}
		args = append(args, b.String())
		i = j + 1
	}
	return args, nil
}

// Rewrite returns the file's text with the results of the records replaced by got:
// got[k] holds the new result lines of f.Records[k], or nil to keep the record as it is.
// A query or single command record without results gets a `----` section.
func (f *File) Rewrite(got [][]string) string {
	var out []string
	prev := 0
	for k := range f.Records {
		rec := &f.Records[k]
		if k >= len(got) || got[k] == nil {
			continue
		}
		if !rec.HasResults {
			continue // queries always have ----; commands without are "must succeed"
		}
		out = append(out, f.lines[prev:rec.resultStart]...)
		out = append(out, got[k]...)
		prev = rec.resultEnd
	}
	out = append(out, f.lines[prev:]...)
	return strings.Join(out, "\n")
}
