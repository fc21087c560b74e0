package resp

import (
	"bytes"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"
)

func TestWriterGolden(t *testing.T) {
	tests := []struct {
		name  string
		write func(w *Writer)
		resp2 string
		resp3 string
	}{
		{"simple", func(w *Writer) { w.Simple("OK") }, "+OK\r\n", "+OK\r\n"},
		{"simple CRLF", func(w *Writer) { w.Simple("a\r\nb") }, "+a  b\r\n", "+a  b\r\n"},
		{"error", func(w *Writer) { w.Error("Invalid password") }, "-ERR Invalid password\r\n", "-ERR Invalid password\r\n"},
		{"error wrongtype", func(w *Writer) { w.Error("WRONGTYPE Operation against a list") },
			"-ERR WRONGTYPE Operation against a list\r\n", "-ERR WRONGTYPE Operation against a list\r\n"},
		{"error LF", func(w *Writer) { w.Error("bad\nthing") }, "-ERR bad thing\r\n", "-ERR bad thing\r\n"},
		{"int", func(w *Writer) { w.Int(42) }, ":42\r\n", ":42\r\n"},
		{"int min", func(w *Writer) { w.Int(math.MinInt64) }, ":-9223372036854775808\r\n", ":-9223372036854775808\r\n"},
		{"bulk", func(w *Writer) { w.Bulk([]byte("a\r\nb")) }, "$4\r\na\r\nb\r\n", "$4\r\na\r\nb\r\n"},
		{"bulk empty", func(w *Writer) { w.Bulk(nil) }, "$0\r\n\r\n", "$0\r\n\r\n"},
		{"bulk string", func(w *Writer) { w.BulkString("héllo") }, "$6\r\nhéllo\r\n", "$6\r\nhéllo\r\n"},
		{"nil", func(w *Writer) { w.Nil() }, "$-1\r\n", "_\r\n"},
		{"nil array", func(w *Writer) { w.NilArray() }, "*-1\r\n", "_\r\n"},
		{"array", func(w *Writer) { w.ArrayHeader(2); w.BulkString("a"); w.Int(1) }, "*2\r\n$1\r\na\r\n:1\r\n", "*2\r\n$1\r\na\r\n:1\r\n"},
		{"empty array", func(w *Writer) { w.ArrayHeader(0) }, "*0\r\n", "*0\r\n"},
		{"map", func(w *Writer) { w.MapHeader(1); w.BulkString("k"); w.BulkString("v") }, "*2\r\n$1\r\nk\r\n$1\r\nv\r\n", "%1\r\n$1\r\nk\r\n$1\r\nv\r\n"},
		{"set", func(w *Writer) { w.SetHeader(1); w.BulkString("m") }, "*1\r\n$1\r\nm\r\n", "~1\r\n$1\r\nm\r\n"},
		{"double", func(w *Writer) { w.Double(1.5) }, "$3\r\n1.5\r\n", ",1.5\r\n"},
		{"double integral", func(w *Writer) { w.Double(1e6) }, "$7\r\n1000000\r\n", ",1000000\r\n"},
		{"double 1e16", func(w *Writer) { w.Double(1e16) }, "$17\r\n10000000000000000\r\n", ",10000000000000000\r\n"},
		{"double 1e17", func(w *Writer) { w.Double(1e17) }, "$18\r\n100000000000000000\r\n", ",100000000000000000\r\n"},
		{"double 1e19", func(w *Writer) { w.Double(1e19) }, "$5\r\n1e+19\r\n", ",1e+19\r\n"},
		{"double 1.5e300", func(w *Writer) { w.Double(1.5e300) }, "$8\r\n1.5e+300\r\n", ",1.5e+300\r\n"},
		{"double -0", func(w *Writer) { w.Double(math.Copysign(0, -1)) }, "$2\r\n-0\r\n", ",-0\r\n"},
		{"double 123.456", func(w *Writer) { w.Double(123.456) }, "$7\r\n123.456\r\n", ",123.456\r\n"},
		{"double small", func(w *Writer) { w.Double(0.0001) }, "$6\r\n0.0001\r\n", ",0.0001\r\n"},
		{"double tiny", func(w *Writer) { w.Double(0.00001) }, "$5\r\n1e-05\r\n", ",1e-05\r\n"},
		{"double third", func(w *Writer) { w.Double(1.0 / 3) }, "$18\r\n0.3333333333333333\r\n", ",0.3333333333333333\r\n"},
		{"double negative", func(w *Writer) { w.Double(-2.25) }, "$5\r\n-2.25\r\n", ",-2.25\r\n"},
		{"double zero", func(w *Writer) { w.Double(0) }, "$1\r\n0\r\n", ",0\r\n"},
		{"double inf", func(w *Writer) { w.Double(math.Inf(1)) }, "$3\r\ninf\r\n", ",inf\r\n"},
		{"double -inf", func(w *Writer) { w.Double(math.Inf(-1)) }, "$4\r\n-inf\r\n", ",-inf\r\n"},
		{"double nan", func(w *Writer) { w.Double(math.NaN()) }, "$3\r\nnan\r\n", ",nan\r\n"},
		{"bool true", func(w *Writer) { w.Bool(true) }, ":1\r\n", "#t\r\n"},
		{"bool false", func(w *Writer) { w.Bool(false) }, ":0\r\n", "#f\r\n"},
		{"verbatim", func(w *Writer) { w.Verbatim("txt", "hi\nthere") }, "$8\r\nhi\nthere\r\n", "=12\r\ntxt:hi\nthere\r\n"},
		{"verbatim bad format", func(w *Writer) { w.Verbatim("markdown", "x") }, "$1\r\nx\r\n", "=5\r\ntxt:x\r\n"},
	}
	for _, tt := range tests {
		for _, proto := range []int{2, 3} {
			t.Run(tt.name+"/resp"+strconv.Itoa(proto), func(t *testing.T) {
				var out bytes.Buffer
				w := NewWriter(&out)
				w.SetProtocol(proto)
				tt.write(w)
				want := tt.resp2
				if proto == 3 {
					want = tt.resp3
				}
				if w.Buffered() != len(want) {
					t.Errorf("Buffered() = %d before Flush, want %d", w.Buffered(), len(want))
				}
				if err := w.Flush(); err != nil {
					t.Fatal(err)
				}
				if out.String() != want {
					t.Errorf("got %q, want %q", out.String(), want)
				}
				if w.Buffered() != 0 {
					t.Errorf("Buffered() = %d after Flush, want 0", w.Buffered())
				}
			})
		}
	}
}

func TestWriterProtocol(t *testing.T) {
	w := NewWriter(&bytes.Buffer{})
	for _, tt := range []struct{ set, want int }{{0, 2}, {3, 3}, {2, 2}, {4, 2}} {
		w.SetProtocol(tt.set)
		if got := w.Protocol(); got != tt.want {
			t.Errorf("SetProtocol(%d): Protocol() = %d, want %d", tt.set, got, tt.want)
		}
	}
}

func TestWriterLargeReplies(t *testing.T) {
	// A big bulk bypasses the buffer and many small replies flush early;
	// the byte stream must be the same as if everything were buffered.
	big := bytes.Repeat([]byte("0123456789"), 100000)
	var out bytes.Buffer
	w := NewWriter(&out)
	var want strings.Builder
	for i := range 20000 {
		w.Int(int64(i))
		want.WriteString(":" + strconv.Itoa(i) + "\r\n")
		if i%5000 == 0 {
			w.Bulk(big)
			want.WriteString("$1000000\r\n" + string(big) + "\r\n")
		}
		if w.Buffered() > flushAt {
			t.Fatalf("Buffered() = %d, want at most %d", w.Buffered(), flushAt)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if out.String() != want.String() {
		t.Fatal("output differs from the expected byte stream")
	}
}

// errWriter fails every write after the first n bytes.
type errWriter struct {
	n   int
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if len(p) <= e.n {
		e.n -= len(p)
		return len(p), nil
	}
	n := e.n
	e.n = 0
	return n, e.err
}

// shortWriter writes less than asked without an error, which io.Writer forbids.
type shortWriter struct{}

func (shortWriter) Write(p []byte) (int, error) { return len(p) / 2, nil }

func TestWriterErrorsAreSticky(t *testing.T) {
	boom := errors.New("boom")
	w := NewWriter(&errWriter{n: 3, err: boom})
	w.Simple("OK")
	if err := w.Flush(); !errors.Is(err, boom) {
		t.Fatalf("first Flush: got %v, want %v", err, boom)
	}
	w.Simple("OK")
	w.Bulk(make([]byte, 1<<20))
	if err := w.Flush(); !errors.Is(err, boom) {
		t.Fatalf("second Flush: got %v, want %v", err, boom)
	}
	if w.Buffered() != 0 {
		t.Errorf("Buffered() = %d after a failed Flush, want 0", w.Buffered())
	}

	w = NewWriter(shortWriter{})
	w.Simple("OK")
	if err := w.Flush(); !errors.Is(err, io.ErrShortWrite) {
		t.Fatalf("short write: got %v, want %v", err, io.ErrShortWrite)
	}
}

func TestWriterNoAllocs(t *testing.T) {
	w := NewWriter(discard{})
	w.SetProtocol(3)
	val := []byte("value")
	allocs := testing.AllocsPerRun(100, func() {
		for range 16 {
			w.Simple("OK")
			w.Bulk(val)
			w.Int(7)
			w.Nil()
			w.Double(3.25)
			w.MapHeader(1)
			w.BulkString("k")
			w.Bool(true)
			w.Error("WRONGTYPE Operation against a key holding the wrong kind of value")
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per batch, want 0", allocs)
	}
}

// discard is io.Discard without the io import's ReaderFrom fast paths.
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
