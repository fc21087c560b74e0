package resp

import (
	"bytes"
	"io"
	"math"
)

// Default limits, applied to zero (or negative) Limits fields.
const (
	DefaultMaxBulkLen   = 512 << 20 // 512 MiB per argument
	DefaultMaxArgs      = 1 << 20   // arguments per request
	DefaultMaxInlineLen = 64 << 10  // bytes per inline line and per header line
)

// Buffer tuning. The reader keeps one growable buffer per connection; small
// arguments alias it, big ones get their own allocation.
const (
	defaultBufSize = 16 << 10 // initial buffer, enough for a deep pipeline of small commands
	maxKeptBufSize = 1 << 20  // an idle buffer larger than this is dropped
	minReadSpace   = 4 << 10  // compact or grow before reading into less than this
	bigBulkLen     = 16 << 10 // payloads at least this long get a fresh slice
	bigBulkChunk   = 64 << 10 // first allocation of a big payload; doubles as data arrives
	maxKeptArgs    = 1 << 12  // an idle args vector with a larger capacity is dropped
	maxEmptyReads  = 100      // consecutive (0, nil) reads before io.ErrNoProgress
)

// Limits bounds what a single request may make the Reader buffer. Zero or
// negative fields mean the defaults. It is a plain value; NewReader copies it.
type Limits struct {
	// MaxBulkLen is the largest accepted bulk-string length (default 512 MiB).
	MaxBulkLen int64
	// MaxArgs is the largest accepted array count (default 1<<20).
	MaxArgs int
	// MaxInlineLen is the longest accepted inline line, and header line, in
	// bytes excluding the '\n' (default 64 KiB).
	MaxInlineLen int
}

// withDefaults returns l with zero and negative fields replaced by defaults.
func (l Limits) withDefaults() Limits {
	if l.MaxBulkLen <= 0 {
		l.MaxBulkLen = DefaultMaxBulkLen
	}
	// len+2 must fit in an int (matters on 32-bit platforms only).
	l.MaxBulkLen = min(l.MaxBulkLen, int64(math.MaxInt-2))
	if l.MaxArgs <= 0 {
		l.MaxArgs = DefaultMaxArgs
	}
	if l.MaxInlineLen <= 0 {
		l.MaxInlineLen = DefaultMaxInlineLen
	}
	return l
}

// Reader decodes client requests (RESP arrays of bulk strings and inline
// commands) from an io.Reader. It buffers internally and reads from the
// underlying reader only when a request is incomplete.
//
// A Reader is not safe for concurrent use; use one per connection.
type Reader struct {
	rd  io.Reader
	lim Limits

	// buf[r:w] holds the bytes read but not yet decoded. buf[start:r] holds
	// the part of the current request decoded so far; aliased arguments point
	// into it, so it moves only together with them (see makeRoom).
	buf      []byte
	r, w     int
	start    int
	args     [][]byte
	offs     []int // offs[i] is args[i]'s offset from start, or -1 if args[i] does not alias buf
	ownArgs  bool  // some of args have their own allocation; reset drops them for the GC
	readErr  error // error returned by rd alongside data, delivered on the next fill
	protoErr error // sticky *ProtocolError: once set, the stream is dead
}

// NewReader returns a Reader decoding requests from rd with the given limits;
// zero Limits fields mean the defaults.
func NewReader(rd io.Reader, lim Limits) *Reader {
	return &Reader{
		rd:   rd,
		lim:  lim.withDefaults(),
		buf:  make([]byte, defaultBufSize),
		args: make([][]byte, 0, 16),
		offs: make([]int, 0, 16),
	}
}

// Buffered returns the number of bytes read from the underlying reader but not
// yet decoded. A server that pipelines keeps calling ReadCommand while
// Buffered is positive and flushes its replies once it drops to zero. The
// count may include the start of an incomplete request, in which case the next
// ReadCommand waits for the rest before the replies are flushed; clients send
// a request whole without waiting for replies, so this costs no round trip.
func (r *Reader) Buffered() int { return r.w - r.r }

// ReadCommand decodes the next request and returns its arguments, the
// command name first. Empty inline lines are skipped.
//
// The returned slices may alias the Reader's buffer: they are valid only
// until the next ReadCommand call, and a caller that keeps an argument must
// copy it.
//
// Errors: io.EOF when the stream ends cleanly between requests;
// io.ErrUnexpectedEOF when it ends inside one; *RequestError for a bad request
// after which decoding may continue; *ProtocolError for input that breaks
// the framing (it is sticky); otherwise the underlying reader's error.
func (r *Reader) ReadCommand() ([][]byte, error) {
	if r.protoErr != nil {
		return nil, r.protoErr
	}
	for {
		r.reset()
		if r.r == r.w {
			if err := r.fill(); err != nil {
				return nil, err // io.EOF here is a clean end
			}
		}
		var err error
		if r.buf[r.r] == '*' {
			err = r.readMultibulk()
		} else {
			err = r.readInline()
		}
		if err != nil {
			return nil, err
		}
		if len(r.args) > 0 {
			return r.args, nil
		}
		// An empty inline line: no request, read the next one.
	}
}

// reset prepares the Reader for a new request, dropping the aliases of the
// previous one.
func (r *Reader) reset() {
	if cap(r.args) > maxKeptArgs {
		r.args = make([][]byte, 0, 16)
		r.offs = make([]int, 0, 16)
	}
	if r.ownArgs {
		clear(r.args) // let the GC have the big payloads
		r.ownArgs = false
	}
	r.args = r.args[:0]
	r.offs = r.offs[:0]
	if r.r == r.w {
		r.r, r.w = 0, 0
		if len(r.buf) > maxKeptBufSize {
			r.buf = make([]byte, defaultBufSize)
		}
	}
	r.start = r.r
}

// readMultibulk decodes "*<n>\r\n" followed by n bulk strings.
func (r *Reader) readMultibulk() error {
	n, ok := r.fastHeader()
	if !ok {
		s, e, err := r.readLine(msgMultibulkHeaderBig)
		if err != nil {
			return err
		}
		n, ok = parseLen(r.buf[s+1 : e])
	}
	switch {
	case !ok || n < 0:
		return r.protocolError(msgInvalidMultibulk, ErrInvalidMultibulkLength)
	case n > int64(r.lim.MaxArgs):
		return r.protocolError(msgInvalidMultibulk, ErrTooManyArgs)
	case n == 0:
		return &RequestError{Msg: msgNoCommand, Err: ErrNoCommand}
	}
	for range n {
		if err := r.readBulk(); err != nil {
			return err
		}
	}
	return nil
}

// readBulk decodes one "$<len>\r\n<payload>\r\n" and appends it to args.
func (r *Reader) readBulk() error {
	if r.r == r.w {
		if err := r.more(); err != nil {
			return err
		}
	}
	// Checked before the line is complete so garbage fails fast.
	if r.buf[r.r] != '$' {
		return r.protocolError(msgExpectedBulk, ErrExpectedBulk)
	}
	var n int64
	if ln, ok := r.fastHeader(); ok {
		n = ln
	} else {
		s, e, err := r.readLine(msgBulkHeaderBig)
		if err != nil {
			return err
		}
		var ok bool
		n, ok = parseLen(r.buf[s+1 : e])
		if !ok || n < 0 {
			return r.protocolError(msgInvalidBulk, ErrInvalidBulkLength)
		}
	}
	if n > r.lim.MaxBulkLen {
		return r.protocolError(msgInvalidBulk, ErrBulkTooLong)
	}
	if n >= bigBulkLen {
		return r.readBigBulk(int(n))
	}
	ln := int(n)
	for r.w-r.r < ln+2 {
		if err := r.more(); err != nil {
			return err
		}
	}
	p := r.r
	if r.buf[p+ln] != '\r' || r.buf[p+ln+1] != '\n' {
		return r.protocolError(msgMissingCRLF, ErrMissingCRLF)
	}
	r.args = append(r.args, r.buf[p:p+ln:p+ln])
	r.offs = append(r.offs, p-r.start)
	r.r = p + ln + 2
	return nil
}

// fastHeader parses the common "*<digits>\r\n" or "$<digits>\r\n" header
// (the type byte is not checked) when it is fully buffered, and consumes it.
// It reports false, consuming nothing, for anything else (more than 18
// digits, blanks, a sign, a bare '\n' or an incomplete line), which the
// general path then handles with the same result.
func (r *Reader) fastHeader() (int64, bool) {
	b := r.buf[r.r+1 : r.w]
	var n int64
	// At most 18 digits, so n cannot overflow; longer headers take the
	// general path.
	for i := 0; i < len(b) && i <= 18; i++ {
		c := b[i]
		if c >= '0' && c <= '9' && i < 18 {
			n = n*10 + int64(c-'0')
			continue
		}
		// The line is '$', i digits and '\r'; it must respect the limit too.
		if c == '\r' && i > 0 && i+1 < len(b) && b[i+1] == '\n' && i+2 <= r.lim.MaxInlineLen {
			r.r += 1 + i + 2
			return n, true
		}
		return 0, false
	}
	return 0, false
}

// readBigBulk reads a payload of n bytes (n >= bigBulkLen) into its own
// slice, which grows as data arrives so that an untrusted length never causes
// a large allocation up front.
func (r *Reader) readBigBulk(n int) error {
	buffered := min(n, r.w-r.r)
	dst := make([]byte, buffered, min(n, max(buffered, bigBulkChunk)))
	copy(dst, r.buf[r.r:r.r+buffered])
	r.r += buffered
	for len(dst) < n {
		if len(dst) == cap(dst) {
			grown := make([]byte, len(dst), min(n, 2*cap(dst)))
			copy(grown, dst)
			dst = grown
		}
		// The buffer is empty here: read straight into the payload.
		m, err := r.readDirect(dst[len(dst):cap(dst)])
		dst = dst[:len(dst)+m]
		if err != nil {
			return err
		}
	}
	for r.w-r.r < 2 {
		if err := r.more(); err != nil {
			return err
		}
	}
	if r.buf[r.r] != '\r' || r.buf[r.r+1] != '\n' {
		return r.protocolError(msgMissingCRLF, ErrMissingCRLF)
	}
	r.r += 2
	r.args = append(r.args, dst)
	r.offs = append(r.offs, -1)
	r.ownArgs = true
	return nil
}

// readDirect reads from the underlying reader into p, bypassing the buffer.
// It returns a non-nil error only when it read nothing; io.EOF becomes
// io.ErrUnexpectedEOF because a request is in progress.
func (r *Reader) readDirect(p []byte) (int, error) {
	if err := r.takeReadErr(); err != nil {
		return 0, unexpected(err)
	}
	for range maxEmptyReads {
		n, err := r.rd.Read(p)
		if n < 0 || n > len(p) {
			return 0, errInvalidRead
		}
		if n > 0 {
			r.readErr = err
			return n, nil
		}
		if err != nil {
			return 0, unexpected(err)
		}
	}
	return 0, io.ErrNoProgress
}

// readInline decodes one inline line. An empty line leaves args empty.
func (r *Reader) readInline() error {
	s, e, err := r.readLine(msgInlineTooLong)
	if err != nil {
		return err
	}
	if e > s && r.buf[e-1] == '\r' {
		e--
	}
	return r.splitInline(s, e)
}

// readLine finds the next '\n' and consumes the line. It returns the line's
// bounds in buf, excluding the '\n'. A line longer than MaxInlineLen is a
// protocol error with message tooBig, detected as soon as that many bytes are
// buffered, so the result does not depend on how reads are split.
func (r *Reader) readLine(tooBig string) (s, e int, err error) {
	scanned := 0
	for {
		if i := bytes.IndexByte(r.buf[r.r+scanned:r.w], '\n'); i >= 0 {
			scanned += i
			if scanned > r.lim.MaxInlineLen {
				return 0, 0, r.lineTooLong(tooBig)
			}
			s, e = r.r, r.r+scanned
			r.r = e + 1
			return s, e, nil
		}
		scanned = r.w - r.r
		if scanned > r.lim.MaxInlineLen {
			return 0, 0, r.lineTooLong(tooBig)
		}
		if err := r.more(); err != nil {
			return 0, 0, err
		}
	}
}

// lineTooLong returns the protocol error for an over-long line.
func (r *Reader) lineTooLong(msg string) error {
	if msg == msgInlineTooLong {
		return r.protocolError(msg, ErrInlineTooLong)
	}
	return r.protocolError(msg, ErrHeaderTooLong)
}

// protocolError records and returns a sticky *ProtocolError.
func (r *Reader) protocolError(msg string, sentinel error) error {
	r.protoErr = &ProtocolError{Msg: msg, Err: sentinel}
	return r.protoErr
}

// more reads more data in the middle of a request: io.EOF there means the
// request was truncated.
func (r *Reader) more() error {
	return unexpected(r.fill())
}

// unexpected maps io.EOF to io.ErrUnexpectedEOF.
func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// takeReadErr returns and clears the error the underlying reader returned
// together with the last data.
func (r *Reader) takeReadErr() error {
	err := r.readErr
	r.readErr = nil
	return err
}

// fill reads at least one byte into buf[w:], making room first if needed. It
// returns an error only when nothing was read.
func (r *Reader) fill() error {
	if err := r.takeReadErr(); err != nil {
		return err
	}
	if len(r.buf)-r.w < minReadSpace {
		r.makeRoom()
	}
	for range maxEmptyReads {
		n, err := r.rd.Read(r.buf[r.w:])
		if n < 0 || n > len(r.buf)-r.w {
			return errInvalidRead
		}
		r.w += n
		if n > 0 {
			r.readErr = err
			return nil
		}
		if err != nil {
			return err
		}
	}
	return io.ErrNoProgress
}

// makeRoom moves the current request (buf[start:w]) to the front of the
// buffer, into a larger buffer if it fills more than half of this one, and
// re-points the arguments that alias it.
func (r *Reader) makeRoom() {
	live := r.w - r.start
	dst := r.buf
	if live > len(r.buf)/2 {
		dst = make([]byte, max(2*len(r.buf), live+minReadSpace))
	}
	copy(dst, r.buf[r.start:r.w])
	shift := r.start
	r.buf = dst
	r.start = 0
	r.r -= shift
	r.w -= shift
	for i, off := range r.offs {
		if off >= 0 {
			n := len(r.args[i])
			r.args[i] = r.buf[off : off+n : off+n]
		}
	}
}

// parseLen parses the integer of a '*' or '$' header: ASCII blanks around it
// are trimmed, an optional sign is allowed, and anything else (including an
// overflow) reports false.
func parseLen(b []byte) (int64, bool) {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		b = b[1:]
	}
	if len(b) == 0 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		if n > (math.MaxInt64-9)/10 {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}
