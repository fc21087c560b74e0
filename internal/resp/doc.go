// Package resp is the RESP wire codec of the MemFlux server: a Reader that
// decodes client requests and a Writer that encodes replies in RESP2 or RESP3
// (SPEC.md §1, §12).
//
// # Requests
//
// Two request forms are accepted, as in Redis:
//
//   - An array of bulk strings: "*<n>\r\n" then n times "$<len>\r\n<len
//     bytes>\r\n". Header lines are read up to '\n'; the integer after '*' or
//     '$' is trimmed of ASCII blanks (so "\r\n" and a bare "\n" both end a
//     header) and parsed with an optional sign. The payload must be followed
//     by exactly "\r\n". Arguments are binary-safe.
//   - An inline command: a line that does not start with '*'. The trailing
//     "\n" or "\r\n" is removed and the rest is split into arguments exactly
//     as Redis's sdssplitargs does: blanks separate arguments, "double
//     quotes" take the escapes \" \\ \n \r \t \b \a \xHH, 'single quotes'
//     are literal except \', and a closing quote must be followed by a blank
//     or the end of the line. A NUL byte ends the line as it ends Redis's C
//     string. A blank line is no request and is skipped.
//
// ReadCommand returns one request at a time; a pipelining server keeps
// calling it while Reader.Buffered is positive and flushes its replies once
// per batch.
//
// # Memory and aliasing
//
// In the common case decoding allocates nothing: the argument vector is
// reused and arguments shorter than 16 KiB alias the Reader's buffer, inline
// arguments included (they are unescaped in place). The slices returned by
// ReadCommand are therefore valid only until the next ReadCommand call. Longer
// payloads are read into a slice of their own.
//
// No allocation is sized by an untrusted number: the argument vector grows as
// arguments arrive, and a long payload starts with a 64 KiB slice that doubles
// as data arrives, so "*1000000000" or "$500000000" followed by nothing costs
// almost nothing.
//
// # Limits
//
// Limits caps the array count (MaxArgs, default 1<<20), the bulk length
// (MaxBulkLen, default 512 MiB) and the length of an inline line or of a
// header line (MaxInlineLen, default 64 KiB, counted without the '\n'). The
// line limit is checked as soon as that many bytes are buffered, so the
// outcome never depends on how the input was split into reads.
//
// # Errors
//
// Every error caused by the input is typed; the server writes its Error()
// text after "-ERR " (Writer.Error) and then:
//
//   - *RequestError: keeps the connection, the stream is still in sync.
//     "*0" gives "Command name not provided"; an inline line with bad quotes
//     gives "Protocol error: unbalanced quotes in request".
//   - *ProtocolError: closes the connection. An array element not starting
//     with '$' gives "Invalid command format: expected bulk string specifier
//     ('$')"; a bad or over-limit array count "Protocol error: invalid
//     multibulk length"; a bad or over-limit bulk length "Protocol error:
//     invalid bulk length"; an over-long inline line "Protocol error: too big
//     inline request"; an over-long header line "Protocol error: too big mbulk
//     count string" or "... bulk count string"; a payload without its "\r\n"
//     "Protocol error: bulk string not terminated by CRLF". A ProtocolError is
//     sticky: the Reader returns it from then on.
//
// Both wrap a sentinel from errors.go for errors.Is. io.EOF means the stream
// ended cleanly between requests, io.ErrUnexpectedEOF that it ended inside
// one; other errors come from the underlying io.Reader.
//
// # Replies
//
// Writer appends replies to a buffer and writes them on Flush. SetProtocol(3)
// switches a connection to RESP3 after HELLO 3; RESP3-only types fall back to
// their RESP2 forms otherwise (map → flat array, set → array, double and
// verbatim → bulk string, boolean → integer, null → "$-1"/"*-1"). Errors always
// carry the "ERR " prefix (SPEC.md §1.2). Reply encoding does not allocate in
// steady state.
//
// # Concurrency
//
// Neither Reader nor Writer is safe for concurrent use; a connection owns one
// of each.
package resp
