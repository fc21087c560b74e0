package resp

import "errors"

// Sentinels for request decoding. Every error the Reader produces because of
// bad input is a *RequestError or a *ProtocolError that wraps exactly one of
// these, so callers branch with errors.Is and render the typed error's Msg.

// Request errors: the offending request was consumed whole, the stream is
// still in sync and the connection may keep going.
var (
	// ErrNoCommand is wrapped when a request is the empty array "*0".
	ErrNoCommand = errors.New("resp: command name not provided")
	// ErrUnbalancedQuotes is wrapped when an inline request has an unclosed
	// quote or a closing quote that is not followed by a blank.
	ErrUnbalancedQuotes = errors.New("resp: unbalanced quotes in inline request")
)

// Protocol errors: the stream can no longer be trusted; the server replies
// and closes the connection.
var (
	// ErrExpectedBulk is wrapped when an array element does not start with '$'.
	ErrExpectedBulk = errors.New("resp: expected bulk string specifier")
	// ErrInvalidMultibulkLength is wrapped when the count after '*' is not a
	// non-negative integer.
	ErrInvalidMultibulkLength = errors.New("resp: invalid multibulk length")
	// ErrTooManyArgs is wrapped when the count after '*' exceeds
	// Limits.MaxArgs.
	ErrTooManyArgs = errors.New("resp: too many arguments")
	// ErrInvalidBulkLength is wrapped when the length after '$' is not a
	// non-negative integer.
	ErrInvalidBulkLength = errors.New("resp: invalid bulk length")
	// ErrBulkTooLong is wrapped when the length after '$' exceeds
	// Limits.MaxBulkLen.
	ErrBulkTooLong = errors.New("resp: bulk length over limit")
	// ErrInlineTooLong is wrapped when an inline request line is longer than
	// Limits.MaxInlineLen.
	ErrInlineTooLong = errors.New("resp: inline request too long")
	// ErrHeaderTooLong is wrapped when a '*' or '$' header line is longer
	// than Limits.MaxInlineLen.
	ErrHeaderTooLong = errors.New("resp: header line too long")
	// ErrMissingCRLF is wrapped when a bulk payload is not followed by "\r\n".
	ErrMissingCRLF = errors.New("resp: bulk payload not terminated by CRLF")
)

// errInvalidRead is returned by ReadCommand when the underlying io.Reader
// returns an impossible count (negative, or more than the buffer it was
// given). It is a bug in that reader, not bad input.
var errInvalidRead = errors.New("resp: underlying reader returned an invalid count")

// Reply texts. They are what the server sends after "-ERR " and are part of
// the observable contract (SPEC.md §1.1, issue 3); tests pin them exactly.
const (
	msgNoCommand          = "Command name not provided"
	msgUnbalancedQuotes   = "Protocol error: unbalanced quotes in request"
	msgExpectedBulk       = "Invalid command format: expected bulk string specifier ('$')"
	msgInvalidMultibulk   = "Protocol error: invalid multibulk length"
	msgInvalidBulk        = "Protocol error: invalid bulk length"
	msgInlineTooLong      = "Protocol error: too big inline request"
	msgMultibulkHeaderBig = "Protocol error: too big mbulk count string"
	msgBulkHeaderBig      = "Protocol error: too big bulk count string"
	msgMissingCRLF        = "Protocol error: bulk string not terminated by CRLF"
)

// RequestError reports a malformed request after which the stream is still in
// sync: the server replies with Msg and keeps the connection. The next
// ReadCommand call decodes the following request. It is a plain value.
type RequestError struct {
	// Msg is the reply text, without the "ERR " prefix.
	Msg string
	// Err is one of the request-error sentinels of this package.
	Err error
}

// Error returns Msg, the text to send to the client.
func (e *RequestError) Error() string { return e.Msg }

// Unwrap returns the sentinel, for errors.Is.
func (e *RequestError) Unwrap() error { return e.Err }

// ProtocolError reports input after which the stream can no longer be
// trusted: the server replies with Msg and closes the connection. The Reader
// is dead afterwards; every later ReadCommand call returns the same error. It
// is a plain value.
type ProtocolError struct {
	// Msg is the reply text, without the "ERR " prefix.
	Msg string
	// Err is one of the protocol-error sentinels of this package.
	Err error
}

// Error returns Msg, the text to send to the client.
func (e *ProtocolError) Error() string { return e.Msg }

// Unwrap returns the sentinel, for errors.Is.
func (e *ProtocolError) Unwrap() error { return e.Err }
