package resp

import (
	"bytes"
	"io"
	"math"
	"strconv"
	"strings"
)

// Writer buffer tuning.
const (
	writerBufSize = 16 << 10 // initial reply buffer
	flushAt       = 64 << 10 // buffered replies beyond this are written out early
	directBulkLen = 32 << 10 // bulk payloads at least this long bypass the buffer
)

// Writer encodes replies in RESP2 (the default) or RESP3. Replies are
// appended to an internal buffer that is written to the underlying writer by
// Flush, or early once it grows past 64 KiB. Write errors are sticky: the
// first one is kept, later output is discarded, and Flush returns it.
//
// Methods that have no RESP2 counterpart degrade as Redis does: maps become
// flat arrays of 2n elements, sets arrays, doubles and verbatim strings bulk
// strings, booleans the integers 1 and 0.
//
// A Writer is not safe for concurrent use; use one per connection.
type Writer struct {
	w     io.Writer
	buf   []byte
	proto int
	err   error
}

// NewWriter returns a RESP2 Writer over w.
func NewWriter(w io.Writer) *Writer {
	return &Writer{w: w, buf: make([]byte, 0, writerBufSize), proto: 2}
}

// SetProtocol selects the reply protocol: 3 for RESP3, anything else RESP2.
func (w *Writer) SetProtocol(v int) {
	if v == 3 {
		w.proto = 3
	} else {
		w.proto = 2
	}
}

// Protocol returns the selected reply protocol, 2 or 3.
func (w *Writer) Protocol() int { return w.proto }

// Buffered returns the number of bytes waiting for Flush.
func (w *Writer) Buffered() int { return len(w.buf) }

// Flush writes the buffered replies to the underlying writer. It returns the
// first write error the Writer has met, now or earlier.
func (w *Writer) Flush() error {
	w.write(w.buf)
	w.buf = w.buf[:0]
	return w.err
}

// write writes p to the underlying writer unless an error is pending.
func (w *Writer) write(p []byte) {
	if w.err != nil || len(p) == 0 {
		return
	}
	n, err := w.w.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	w.err = err
}

// maybeFlush writes the buffer out once it holds more than flushAt bytes, so
// a huge reply does not pile up in memory.
func (w *Writer) maybeFlush() {
	if len(w.buf) > flushAt {
		w.write(w.buf)
		w.buf = w.buf[:0]
	}
}

// Simple writes a simple string "+s\r\n". CR and LF in s, which would break
// the framing, are written as spaces.
func (w *Writer) Simple(s string) {
	w.buf = append(w.buf, '+')
	w.buf = appendLine(w.buf, s)
	w.buf = append(w.buf, '\r', '\n')
	w.maybeFlush()
}

// Error writes the error "-ERR msg\r\n". The ERR prefix is always added
// (SPEC.md §1.2), so a type error reads "-ERR WRONGTYPE ...". CR and LF in
// msg are written as spaces.
func (w *Writer) Error(msg string) {
	w.buf = append(w.buf, "-ERR "...)
	w.buf = appendLine(w.buf, msg)
	w.buf = append(w.buf, '\r', '\n')
	w.maybeFlush()
}

// Int writes the integer ":n\r\n".
func (w *Writer) Int(n int64) {
	w.header(':', n)
	w.maybeFlush()
}

// Bulk writes the bulk string "$len\r\nb\r\n". A nil b is an empty string,
// not a nil reply.
func (w *Writer) Bulk(b []byte) {
	w.header('$', int64(len(b)))
	if len(b) >= directBulkLen && w.err == nil {
		w.write(w.buf)
		w.buf = w.buf[:0]
		w.write(b)
	} else {
		w.buf = append(w.buf, b...)
	}
	w.buf = append(w.buf, '\r', '\n')
	w.maybeFlush()
}

// BulkString writes s as a bulk string.
func (w *Writer) BulkString(s string) {
	w.header('$', int64(len(s)))
	w.buf = append(w.buf, s...)
	w.buf = append(w.buf, '\r', '\n')
	w.maybeFlush()
}

// Nil writes the null reply: "$-1\r\n" in RESP2, "_\r\n" in RESP3.
func (w *Writer) Nil() {
	if w.proto == 3 {
		w.buf = append(w.buf, '_', '\r', '\n')
	} else {
		w.buf = append(w.buf, "$-1\r\n"...)
	}
	w.maybeFlush()
}

// NilArray writes the null array: "*-1\r\n" in RESP2, "_\r\n" in RESP3.
func (w *Writer) NilArray() {
	if w.proto == 3 {
		w.buf = append(w.buf, '_', '\r', '\n')
	} else {
		w.buf = append(w.buf, "*-1\r\n"...)
	}
	w.maybeFlush()
}

// ArrayHeader starts an array of n elements, which the caller writes next.
func (w *Writer) ArrayHeader(n int) {
	w.header('*', int64(n))
}

// MapHeader starts a map of n key/value pairs: "%n" in RESP3, an array of 2n
// elements in RESP2. The caller writes key, value, key, value, ...
func (w *Writer) MapHeader(n int) {
	if w.proto == 3 {
		w.header('%', int64(n))
	} else {
		w.header('*', 2*int64(n))
	}
}

// SetHeader starts a set of n elements: "~n" in RESP3, "*n" in RESP2.
func (w *Writer) SetHeader(n int) {
	if w.proto == 3 {
		w.header('~', int64(n))
	} else {
		w.header('*', int64(n))
	}
}

// Double writes f: ",f\r\n" in RESP3, a bulk string in RESP2. It is
// formatted like Redis (%.17g with the shortest round-tripping digits;
// inf, -inf and nan for the special values).
func (w *Writer) Double(f float64) {
	var tmp [40]byte
	num := AppendDouble(tmp[:0], f)
	if w.proto == 3 {
		w.buf = append(w.buf, ',')
	} else {
		w.header('$', int64(len(num)))
	}
	w.buf = append(w.buf, num...)
	w.buf = append(w.buf, '\r', '\n')
	w.maybeFlush()
}

// Bool writes b: "#t\r\n"/"#f\r\n" in RESP3, ":1\r\n"/":0\r\n" in RESP2.
func (w *Writer) Bool(b bool) {
	switch {
	case w.proto == 3 && b:
		w.buf = append(w.buf, "#t\r\n"...)
	case w.proto == 3:
		w.buf = append(w.buf, "#f\r\n"...)
	case b:
		w.buf = append(w.buf, ":1\r\n"...)
	default:
		w.buf = append(w.buf, ":0\r\n"...)
	}
	w.maybeFlush()
}

// Verbatim writes the verbatim string s of the given three-letter format
// ("txt" or "mkd"): "=len\r\nfmt:s\r\n" in RESP3, s as a bulk string in
// RESP2. A format that is not three bytes long is replaced by "txt".
func (w *Writer) Verbatim(format, s string) {
	if w.proto != 3 {
		w.BulkString(s)
		return
	}
	if len(format) != 3 {
		format = "txt"
	}
	w.header('=', int64(len(s)+4))
	w.buf = append(w.buf, format...)
	w.buf = append(w.buf, ':')
	w.buf = append(w.buf, s...)
	w.buf = append(w.buf, '\r', '\n')
	w.maybeFlush()
}

// header appends "<kind><n>\r\n".
func (w *Writer) header(kind byte, n int64) {
	w.buf = append(w.buf, kind)
	w.buf = strconv.AppendInt(w.buf, n, 10)
	w.buf = append(w.buf, '\r', '\n')
}

// appendLine appends s with CR and LF replaced by spaces.
func appendLine(b []byte, s string) []byte {
	if strings.IndexByte(s, '\r') < 0 && strings.IndexByte(s, '\n') < 0 {
		return append(b, s...)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\r' || c == '\n' {
			c = ' '
		}
		b = append(b, c)
	}
	return b
}

// AppendDouble appends f formatted as Redis's d2string does: inf, -inf and
// nan; integral values up to 2^62 in magnitude as integers (-0 included);
// others like C's %.17g but with the shortest digits that round-trip, that is
// plain notation for decimal exponents in [-4, 17) and scientific otherwise.
// It is the text of a double reply in RESP2 (a bulk string) and RESP3, and of
// a double in the C library's responses.
func AppendDouble(b []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(b, "inf"...)
	case math.IsInf(f, -1):
		return append(b, "-inf"...)
	case math.IsNaN(f):
		return append(b, "nan"...)
	case f == 0 && math.Signbit(f):
		return append(b, "-0"...)
	case f == math.Trunc(f) && math.Abs(f) <= 1<<62:
		return strconv.AppendInt(b, int64(f), 10)
	}
	var tmp [32]byte
	sci := strconv.AppendFloat(tmp[:0], f, 'e', -1, 64)
	exp := 0 // 'e' format always ends in e+dd or e-ddd
	if i := bytes.LastIndexByte(sci, 'e'); i >= 0 {
		for _, c := range sci[i+2:] {
			exp = exp*10 + int(c-'0')
		}
		if sci[i+1] == '-' {
			exp = -exp
		}
	}
	if exp < -4 || exp >= 17 {
		return append(b, sci...)
	}
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}
