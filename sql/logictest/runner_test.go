package logictest

import (
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"
	"testing"

	memflux "github.com/memflux/memflux"
	"github.com/memflux/memflux/command"
)

var (
	flagRewrite = flag.Bool("rewrite", false, "rewrite the expected results of the logic test files from actual output (review the diff!)")
	flagFile    = flag.String("file", "", "run only the logic test files whose base name contains this string")
	flagLong    = flag.Bool("long", false, "run the long differential and fuzz loops")
)

// errPrefix is the prefix of every SQL error message (SPEC §4.1 step 4, Q51).
const errPrefix = "Execution Error: "

// openDB opens an in-memory database (no persistence, no background vacuum) closed at
// the end of the test.
func openDB(tb testing.TB) *memflux.DB {
	tb.Helper()
	cfg := memflux.DefaultConfig()
	cfg.Persistence = false
	cfg.VacuumInterval = -1
	db, err := memflux.Open(cfg)
	if err != nil {
		tb.Fatalf("memflux.Open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// result is one command's outcome: the reply in harness form, the Go error, and whether
// the engine panicked (a panic is always a bug: SPEC §4.1 step 4).
type result struct {
	reply Reply
	err   error
	panic string
}

// do runs one command through the session, converting a panic into a result so that one
// engine bug does not hide every later record.
func do(s *memflux.Session, args ...string) (res result) {
	defer func() {
		if p := recover(); p != nil {
			res = result{panic: fmt.Sprint(p), reply: Reply{Kind: ReplyError, Text: fmt.Sprintf("PANIC: %v", p)}}
		}
	}()
	r, err := s.Do(args...)
	if err != nil {
		return result{reply: Reply{Kind: ReplyError, Text: err.Error()}, err: err}
	}
	return result{reply: convert(r)}
}

// sqlDo runs one SQL statement as a single argument of the SQL command.
func sqlDo(s *memflux.Session, text string) result { return do(s, "SQL", text) }

// convert turns a command reply into the harness form.
func convert(r command.Reply) Reply {
	switch r.Kind {
	case command.KindOK:
		return Reply{Kind: ReplyStatus, Text: "OK"}
	case command.KindSimple:
		return Reply{Kind: ReplyStatus, Text: r.Str}
	case command.KindBulk, command.KindVerbatim:
		return Reply{Kind: ReplyBulk, Text: r.Str}
	case command.KindNil, command.KindNilArray:
		return Reply{Kind: ReplyNil}
	case command.KindInt:
		return Reply{Kind: ReplyInt, Int: r.Int}
	case command.KindDouble:
		return Reply{Kind: ReplyBulk, Text: fmt.Sprint(r.Num)}
	}
	out := Reply{Kind: ReplyArray, Elems: make([]Reply, len(r.Elems))}
	for i, e := range r.Elems {
		out.Elems[i] = convert(e)
	}
	return out
}

// describe renders a result for failure messages.
func (r result) describe() string {
	return strings.Join(FormatReply(r.reply), "\n")
}

// runner executes the records of one file against one session.
type runner struct {
	t    testing.TB
	file string
	s    *memflux.Session
}

// run executes the records and returns, per record, the lines a rewrite would record
// (nil for records without results).
func (rn *runner) run(f *File) [][]string {
	got := make([][]string, len(f.Records))
	for k := range f.Records {
		rec := &f.Records[k]
		if rec.Kind == KindHalt {
			break
		}
		got[k] = rn.record(rec)
	}
	return got
}

func (rn *runner) record(rec *Record) []string {
	switch rec.Kind {
	case KindStatement:
		rn.statement(rec)
		return nil
	case KindQuery:
		return rn.query(rec)
	default:
		return rn.commands(rec)
	}
}

// fail reports a failed record with its statement, expectation and actual outcome.
func (rn *runner) fail(rec *Record, what, want, got string) {
	rn.t.Helper()
	rn.t.Errorf("%s: %s\n  statement: %s\n  expected:\n%s\n  actual:\n%s",
		rec.Name(rn.file), what, rec.SQL, indent(want), indent(got))
}

func indent(s string) string {
	if s == "" {
		return "    (nothing)"
	}
	return "    " + strings.ReplaceAll(s, "\n", "\n    ")
}

func (rn *runner) statement(rec *Record) {
	rn.t.Helper()
	res := sqlDo(rn.s, rec.SQL)
	switch rec.Expect {
	case ExpectOK:
		if res.reply.Kind == ReplyError {
			rn.fail(rec, "statement failed", "success", res.describe())
		}
	case ExpectCount:
		if res.reply.Kind != ReplyInt || res.reply.Int != rec.Count {
			rn.fail(rec, "wrong count", fmt.Sprintf(":%d", rec.Count), res.describe())
		}
	case ExpectError:
		rn.checkError(rec, res)
	}
}

// checkError checks an expected SQL error: kind command.ErrSQL, the `Execution Error: `
// prefix, and the message matching the record's regexp.
func (rn *runner) checkError(rec *Record, res result) {
	rn.t.Helper()
	want := "(error) " + errPrefix + rec.ErrRe.String()
	switch {
	case res.panic != "":
		rn.fail(rec, "engine panicked", want, res.describe())
	case res.err == nil:
		rn.fail(rec, "statement succeeded, want an error", want, res.describe())
	case !errors.Is(res.err, command.ErrSQL):
		rn.fail(rec, "error is not command.ErrSQL", want, res.describe())
	case !strings.HasPrefix(res.err.Error(), errPrefix):
		rn.fail(rec, "error lacks the Execution Error prefix", want, res.describe())
	case !rec.ErrRe.MatchString(strings.TrimPrefix(res.err.Error(), errPrefix)):
		rn.fail(rec, "error text does not match", want, res.describe())
	}
}

func (rn *runner) query(rec *Record) []string {
	rn.t.Helper()
	res := sqlDo(rn.s, rec.SQL)
	rows, ok := Rows(res.reply)
	if !ok {
		rn.fail(rec, "query did not return rows", strings.Join(rec.Results, "\n"), res.describe())
		return nil
	}
	want := rec.Results
	if rec.Sort {
		rows = slices.Clone(rows)
		slices.Sort(rows)
		want = slices.Clone(want)
		slices.Sort(want)
	}
	if !slices.Equal(rows, want) {
		rn.fail(rec, "wrong rows", strings.Join(want, "\n"), strings.Join(rows, "\n"))
	}
	if rows == nil {
		rows = []string{}
	}
	return rows
}

func (rn *runner) commands(rec *Record) []string {
	rn.t.Helper()
	if rec.HasResults {
		res := do(rn.s, rec.Commands[0]...)
		lines := FormatReply(res.reply)
		if !slices.Equal(lines, rec.Results) {
			rn.failCommand(rec, rec.Commands[0], strings.Join(rec.Results, "\n"), strings.Join(lines, "\n"))
		}
		return lines
	}
	for _, args := range rec.Commands {
		if res := do(rn.s, args...); res.reply.Kind == ReplyError {
			rn.failCommand(rec, args, "success", res.describe())
		}
	}
	return nil
}

func (rn *runner) failCommand(rec *Record, args []string, want, got string) {
	rn.t.Helper()
	rn.t.Errorf("%s: command failed\n  command: %q\n  expected:\n%s\n  actual:\n%s",
		rec.Name(rn.file), args, indent(want), indent(got))
}
