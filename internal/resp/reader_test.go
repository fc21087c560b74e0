package resp

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
)

// chunkReader returns its data in reads of random size between 1 and max
// bytes, like a network connection delivering a stream in pieces.
type chunkReader struct {
	data []byte
	rng  *rand.Rand
	max  int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	n := min(len(p), len(c.data), 1+c.rng.IntN(c.max))
	copy(p, c.data[:n])
	c.data = c.data[n:]
	return n, nil
}

// splits are the ways every golden input is fed to the Reader; the outcome
// must not depend on them.
var splits = []struct {
	name string
	max  int // largest read; 0 means the whole input in one read
}{
	{"whole", 0},
	{"bytewise", 1},
	{"chunks", 7},
}

// newTestReader returns a Reader over input, split as described by max.
func newTestReader(input string, lim Limits, max int, seed uint64) *Reader {
	if max == 0 {
		return NewReader(strings.NewReader(input), lim)
	}
	return NewReader(&chunkReader{data: []byte(input), rng: rand.New(rand.NewPCG(seed, 0)), max: max}, lim)
}

// transcript decodes requests until an error that ends the stream and
// renders each event: a request as its quoted arguments, an error as its kind
// and text.
func transcript(r *Reader) []string {
	var out []string
	for range 10000 {
		args, err := r.ReadCommand()
		if err == nil {
			out = append(out, renderArgs(args))
			continue
		}
		out = append(out, renderErr(err))
		var re *RequestError
		if !errors.As(err, &re) {
			return out
		}
	}
	return append(out, "too many events")
}

func renderArgs(args [][]byte) string {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = fmt.Sprintf("%q", a)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func renderErr(err error) string {
	var re *RequestError
	var pe *ProtocolError
	switch {
	case errors.As(err, &re):
		return "request error: " + re.Msg
	case errors.As(err, &pe):
		return "protocol error: " + pe.Msg
	case err == io.EOF:
		return "EOF"
	case err == io.ErrUnexpectedEOF:
		return "unexpected EOF"
	}
	return "error: " + err.Error()
}

const (
	evEOF         = "EOF"
	evUnexpected  = "unexpected EOF"
	evNoCommand   = "request error: Command name not provided"
	evUnbalanced  = "request error: Protocol error: unbalanced quotes in request"
	evExpectedBlk = "protocol error: Invalid command format: expected bulk string specifier ('$')"
	evBadMulti    = "protocol error: Protocol error: invalid multibulk length"
	evBadBulk     = "protocol error: Protocol error: invalid bulk length"
	evInlineBig   = "protocol error: Protocol error: too big inline request"
	evMultiBig    = "protocol error: Protocol error: too big mbulk count string"
	evBulkBig     = "protocol error: Protocol error: too big bulk count string"
	evNoCRLF      = "protocol error: Protocol error: bulk string not terminated by CRLF"
)

func TestReaderGolden(t *testing.T) {
	small := Limits{MaxBulkLen: 10, MaxArgs: 3, MaxInlineLen: 16}
	tests := []struct {
		name  string
		lim   Limits
		input string
		want  []string
	}{
		// Arrays of bulk strings.
		{"ping", Limits{}, "*1\r\n$4\r\nPING\r\n", []string{`["PING"]`, evEOF}},
		{"set", Limits{}, "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$0\r\n\r\n", []string{`["SET" "a" ""]`, evEOF}},
		{"binary payload", Limits{}, "*2\r\n$4\r\nECHO\r\n$6\r\n\r\n\x00\xff*$\r\n", []string{`["ECHO" "\r\n\x00\xff*$"]`, evEOF}},
		{"bare LF headers", Limits{}, "*2\n$3\nGET\r\n$1\nk\r\n", []string{`["GET" "k"]`, evEOF}},
		{"blanks in headers", Limits{}, "* 2 \r\n$ 3\t\r\nGET\r\n$+1\r\nk\r\n", []string{`["GET" "k"]`, evEOF}},
		{"leading zeros", Limits{}, "*01\r\n$0004\r\nPING\r\n", []string{`["PING"]`, evEOF}},
		{"pipeline", Limits{}, "*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\nPING\r\n*1\r\n$4\r\nQUIT\r\n",
			[]string{`["PING"]`, `["GET" "k"]`, `["PING"]`, `["QUIT"]`, evEOF}},
		{"empty array then more", Limits{}, "*0\r\n*1\r\n$4\r\nPING\r\n", []string{evNoCommand, `["PING"]`, evEOF}},
		{"at the limits", small, "*3\r\n$10\r\n0123456789\r\n$0\r\n\r\n$1\r\nx\r\n", []string{`["0123456789" "" "x"]`, evEOF}},

		// Inline commands.
		{"inline crlf", Limits{}, "PING\r\n", []string{`["PING"]`, evEOF}},
		{"inline lf", Limits{}, "PING\n", []string{`["PING"]`, evEOF}},
		{"inline blanks", Limits{}, "  set\tk \t v  \r\n", []string{`["set" "k" "v"]`, evEOF}},
		{"inline quotes", Limits{}, "set \"a b\" 'c d'\r\n", []string{`["set" "a b" "c d"]`, evEOF}},
		{"inline hex", Limits{}, "get \"\\x41\\x6a\\x6A\"\r\n", []string{`["get" "Ajj"]`, evEOF}},
		{"inline single escape", Limits{}, "echo 'it\\'s'\r\n", []string{`["echo" "it's"]`, evEOF}},
		{"inline single literal", Limits{}, "echo 'a\\nb\\\\c'\r\n", []string{`["echo" "a\\nb\\\\c"]`, evEOF}},
		{"inline single backslash before close", Limits{}, "echo 'a\\\\'\r\n", []string{evUnbalanced, evEOF}},
		{"inline double escapes", Limits{}, "echo \"\\n\\r\\t\\b\\a\\\\\\\"\\q\"\r\n", []string{`["echo" "\n\r\t\b\a\\\"q"]`, evEOF}},
		{"inline bad hex", Limits{}, "echo \"\\x4\" \"\\xZZ\"\r\n", []string{`["echo" "x4" "xZZ"]`, evEOF}},
		{"inline quote mid-argument", Limits{}, "echo ab\"c d\"\r\n", []string{`["echo" "abc d"]`, evEOF}},
		{"inline empty quotes", Limits{}, "echo \"\" ''\r\n", []string{`["echo" "" ""]`, evEOF}},
		{"inline quote then tab", Limits{}, "echo \"a\"\tb\r\n", []string{`["echo" "a" "b"]`, evEOF}},
		{"inline quote then CR", Limits{}, "echo \"a\"\r\r\n", []string{`["echo" "a"]`, evEOF}},
		{"inline vtab", Limits{}, "\va\vb c\r\n", []string{`["a\vb" "c"]`, evEOF}},
		{"inline NUL ends line", Limits{}, "echo a\x00b c\r\nPING\r\n", []string{`["echo" "a"]`, `["PING"]`, evEOF}},
		{"inline empty lines", Limits{}, "\r\n\n  \t\r\nPING\r\n\r\n", []string{`["PING"]`, evEOF}},
		{"inline only empty lines", Limits{}, "\r\n\r\n", []string{evEOF}},
		{"unbalanced after closing quote", Limits{}, "\"a\"b\r\nPING\r\n", []string{evUnbalanced, `["PING"]`, evEOF}},
		{"unbalanced single after close", Limits{}, "a'b'c\r\n", []string{evUnbalanced, evEOF}},
		{"unbalanced open double", Limits{}, "echo \"abc\r\n", []string{evUnbalanced, evEOF}},
		{"unbalanced escaped close", Limits{}, "echo \"abc\\\"\r\n", []string{evUnbalanced, evEOF}},
		{"unbalanced trailing backslash", Limits{}, "echo \"abc\\\r\n", []string{evUnbalanced, evEOF}},
		{"unbalanced open single", Limits{}, "echo 'abc\r\n", []string{evUnbalanced, evEOF}},
		{"unbalanced NUL in quotes", Limits{}, "echo \"a\x00\"\r\n", []string{evUnbalanced, evEOF}},
		{"inline at limit", small, "0123456789abcdef\r\nPING\n", []string{evInlineBig}},
		{"inline at limit lf", small, "0123456789abcdef\nPING\n", []string{`["0123456789abcdef"]`, `["PING"]`, evEOF}},
		{"inline over limit", small, "0123456789abcdefg\n", []string{evInlineBig}},
		{"inline over limit no newline", small, "0123456789abcdefghijklmn", []string{evInlineBig}},

		// Bad arrays.
		{"multibulk -1", Limits{}, "*-1\r\n", []string{evBadMulti}},
		{"multibulk -5", Limits{}, "*-5\r\n", []string{evBadMulti}},
		{"multibulk abc", Limits{}, "*abc\r\n", []string{evBadMulti}},
		{"multibulk empty", Limits{}, "*\r\n", []string{evBadMulti}},
		{"multibulk sign only", Limits{}, "*-\r\n", []string{evBadMulti}},
		{"multibulk trailing junk", Limits{}, "*1x\r\n$4\r\nPING\r\n", []string{evBadMulti}},
		{"multibulk overflow", Limits{}, "*99999999999999999999999\r\n", []string{evBadMulti}},
		{"multibulk over default limit", Limits{}, "*2000000\r\n", []string{evBadMulti}},
		{"multibulk over limit", small, "*4\r\n$1\r\na\r\n", []string{evBadMulti}},
		{"multibulk header too long", small, "*00000000000000001\r\n", []string{evMultiBig}},

		// Bad bulk strings.
		{"bulk -1", Limits{}, "*1\r\n$-1\r\n", []string{evBadBulk}},
		{"bulk -2", Limits{}, "*1\r\n$-2\r\n", []string{evBadBulk}},
		{"bulk abc", Limits{}, "*1\r\n$abc\r\n", []string{evBadBulk}},
		{"bulk empty", Limits{}, "*1\r\n$\r\nPING\r\n", []string{evBadBulk}},
		{"bulk over default limit", Limits{}, "*1\r\n$99999999999999\r\n", []string{evBadBulk}},
		{"bulk just over default limit", Limits{}, "*1\r\n$536870913\r\n", []string{evBadBulk}},
		{"bulk overflow", Limits{}, "*1\r\n$99999999999999999999999\r\n", []string{evBadBulk}},
		{"bulk over limit", small, "*1\r\n$11\r\n0123456789a\r\n", []string{evBadBulk}},
		{"bulk header too long", small, "*1\r\n$00000000000000004\r\nPING\r\n", []string{evBulkBig}},
		{"integer instead of bulk", Limits{}, "*1\r\n:1\r\n", []string{evExpectedBlk}},
		{"plain line instead of bulk", Limits{}, "*2\r\n$3\r\nGET\r\nk\r\n", []string{evExpectedBlk}},
		{"garbage without newline", Limits{}, "*1\r\nxyz", []string{evExpectedBlk}},
		{"payload too long", Limits{}, "*1\r\n$3\r\nGETxx\r\n", []string{evNoCRLF}},
		{"payload LF only", Limits{}, "*1\r\n$3\r\nGET\nX", []string{evNoCRLF}},
		{"payload CR only", Limits{}, "*1\r\n$3\r\nGET\rX", []string{evNoCRLF}},

		// Truncated frames.
		{"truncated count", Limits{}, "*1", []string{evUnexpected}},
		{"truncated count line", Limits{}, "*1\r", []string{evUnexpected}},
		{"truncated before bulk", Limits{}, "*2\r\n$3\r\nGET\r\n", []string{evUnexpected}},
		{"truncated bulk header", Limits{}, "*1\r\n$4", []string{evUnexpected}},
		{"truncated payload", Limits{}, "*1\r\n$4\r\nPI", []string{evUnexpected}},
		{"truncated CRLF", Limits{}, "*1\r\n$4\r\nPING\r", []string{evUnexpected}},
		{"truncated inline", Limits{}, "PING", []string{evUnexpected}},
		{"truncated after request", Limits{}, "PING\r\n*1\r\n", []string{`["PING"]`, evUnexpected}},
	}
	for _, tt := range tests {
		for _, sp := range splits {
			t.Run(tt.name+"/"+sp.name, func(t *testing.T) {
				got := transcript(newTestReader(tt.input, tt.lim, sp.max, 1))
				if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
					t.Errorf("input %q:\ngot  %q\nwant %q", tt.input, got, tt.want)
				}
			})
		}
	}
}

func TestReaderErrorTypes(t *testing.T) {
	small := Limits{MaxBulkLen: 10, MaxArgs: 3, MaxInlineLen: 16}
	tests := []struct {
		input    string
		lim      Limits
		sentinel error
		request  bool // a *RequestError rather than a *ProtocolError
	}{
		{"*0\r\n", Limits{}, ErrNoCommand, true},
		{"\"a\"b\r\n", Limits{}, ErrUnbalancedQuotes, true},
		{"*1\r\n+OK\r\n", Limits{}, ErrExpectedBulk, false},
		{"*-5\r\n", Limits{}, ErrInvalidMultibulkLength, false},
		{"*abc\r\n", Limits{}, ErrInvalidMultibulkLength, false},
		{"*2000000\r\n", Limits{}, ErrTooManyArgs, false},
		{"*1\r\n$-2\r\n", Limits{}, ErrInvalidBulkLength, false},
		{"*1\r\n$99999999999999\r\n", Limits{}, ErrBulkTooLong, false},
		{"0123456789abcdefg\r\n", small, ErrInlineTooLong, false},
		{"*000000000000000001\r\n", small, ErrHeaderTooLong, false},
		{"*1\r\n$000000000000000001\r\n", small, ErrHeaderTooLong, false},
		{"*1\r\n$1\r\nab\r\n", Limits{}, ErrMissingCRLF, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.input), func(t *testing.T) {
			r := NewReader(strings.NewReader(tt.input), tt.lim)
			_, err := r.ReadCommand()
			if !errors.Is(err, tt.sentinel) {
				t.Fatalf("got %v, want an error wrapping %v", err, tt.sentinel)
			}
			var re *RequestError
			var pe *ProtocolError
			if got := errors.As(err, &re); got != tt.request {
				t.Errorf("got *RequestError %v, want %v", got, tt.request)
			}
			if got := errors.As(err, &pe); got == tt.request {
				t.Errorf("got *ProtocolError %v, want %v", got, !tt.request)
			}
			if pe != nil {
				// Sticky: the stream is dead.
				if _, err2 := r.ReadCommand(); err2 != err {
					t.Errorf("second ReadCommand: got %v, want the same %v", err2, err)
				}
			}
		})
	}
}

// failReader returns data, then err forever.
type failReader struct {
	data     []byte
	err      error
	withData bool // return err together with the last data
}

func (f *failReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	if len(f.data) == 0 && f.withData {
		return n, f.err
	}
	return n, nil
}

// zeroReader returns (0, nil) forever.
type zeroReader struct{}

func (zeroReader) Read([]byte) (int, error) { return 0, nil }

func TestReaderUnderlyingErrors(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name string
		rd   io.Reader
		want []string
	}{
		{"between requests", &failReader{data: []byte("PING\r\n"), err: boom}, []string{`["PING"]`, "error: boom"}},
		{"mid request", &failReader{data: []byte("*1\r\n$4\r\nPI"), err: boom}, []string{"error: boom"}},
		{"mid big payload", &failReader{data: []byte("*1\r\n$100000\r\nabc"), err: boom}, []string{"error: boom"}},
		{"with data", &failReader{data: []byte("PING\r\n"), err: boom, withData: true}, []string{`["PING"]`, "error: boom"}},
		{"EOF with data", &failReader{data: []byte("PING\r\n"), err: io.EOF, withData: true}, []string{`["PING"]`, evEOF}},
		{"EOF with partial data", &failReader{data: []byte("PI"), err: io.EOF, withData: true}, []string{evUnexpected}},
		{"EOF with partial big payload", &failReader{data: []byte("*1\r\n$100000\r\nabc"), err: io.EOF, withData: true}, []string{evUnexpected}},
		{"no progress", zeroReader{}, []string{"error: " + io.ErrNoProgress.Error()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := transcript(NewReader(tt.rd, Limits{}))
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// heapAllocated returns the bytes allocated by f.
func heapAllocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestReaderAdversarial(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  string
	}{
		{"huge count, no data", "*1000000\r\n", evUnexpected},
		{"huge count, few args", "*1000000\r\n$1\r\na\r\n$1\r\nb\r\n", evUnexpected},
		{"billion count", "*1000000000\r\n", evBadMulti},
		{"huge bulk, little data", "*1\r\n$500000000\r\n" + strings.Repeat("x", 100), evUnexpected},
		{"max bulk, some data", "*1\r\n$536870912\r\n" + strings.Repeat("x", 200000), evUnexpected},
		{"long garbage line", strings.Repeat("\x00\xfe\"", 100000), evInlineBig},
		{"long header", "*1" + strings.Repeat("0", 100000) + "\r\n", evMultiBig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			n := heapAllocated(func() {
				got = transcript(NewReader(strings.NewReader(tt.input), Limits{}))
			})
			if len(got) != 1 || got[0] != tt.want {
				t.Errorf("got %q, want [%q]", got, tt.want)
			}
			// The input itself is at most ~300 KB; anything sized by the
			// announced length would be hundreds of megabytes.
			if n > 8<<20 {
				t.Errorf("allocated %d bytes, want < 8 MiB", n)
			}
		})
	}
}

func TestReaderBinaryGarbage(t *testing.T) {
	rng := rand.New(rand.NewPCG(*seedFlag, 2))
	for i := range 2000 {
		n := rng.IntN(256)
		b := make([]byte, n)
		for j := range b {
			b[j] = byte(rng.Uint32())
		}
		if i%2 == 0 && n > 0 {
			b[0] = '*' // exercise the array path too
		}
		lim := Limits{MaxBulkLen: 1 << 10, MaxArgs: 64, MaxInlineLen: 128}
		whole := transcript(NewReader(strings.NewReader(string(b)), lim))
		split := transcript(newTestReader(string(b), lim, 3, uint64(i)))
		if strings.Join(whole, "\n") != strings.Join(split, "\n") {
			t.Fatalf("input %q: whole read gives %q, split reads give %q", b, whole, split)
		}
	}
}

// TestReaderNoAllocs pins the zero-allocation steady state of the common
// case: pipelined SET/GET arrays, and inline commands.
func TestReaderNoAllocs(t *testing.T) {
	for _, batch := range []string{setPipeline(16), getPipeline(16), strings.Repeat("SET key:000000 \"value\"\r\n", 16)} {
		r := NewReader(&loopReader{batch: []byte(batch)}, Limits{})
		allocs := testing.AllocsPerRun(100, func() {
			for range 16 {
				if _, err := r.ReadCommand(); err != nil {
					t.Fatal(err)
				}
			}
		})
		if allocs != 0 {
			t.Errorf("batch %.40q...: %v allocations per 16 commands, want 0", batch, allocs)
		}
	}
}

// loopReader returns its batch on every Read, like a client that sends the
// same pipeline after each reply.
type loopReader struct {
	batch []byte
	off   int
}

func (l *loopReader) Read(p []byte) (int, error) {
	n := copy(p, l.batch[l.off:])
	l.off = (l.off + n) % len(l.batch)
	return n, nil
}

// setPipeline returns n RESP-encoded "SET key:%06d value" commands.
func setPipeline(n int) string {
	var sb strings.Builder
	for i := range n {
		fmt.Fprintf(&sb, "*3\r\n$3\r\nSET\r\n$10\r\nkey:%06d\r\n$5\r\nvalue\r\n", i)
	}
	return sb.String()
}

// getPipeline returns n RESP-encoded "GET key:%06d" commands.
func getPipeline(n int) string {
	var sb strings.Builder
	for i := range n {
		fmt.Fprintf(&sb, "*2\r\n$3\r\nGET\r\n$10\r\nkey:%06d\r\n", i)
	}
	return sb.String()
}
