package parser

import (
	"errors"
	"fmt"
)

// Sentinels matched with errors.Is by every *SyntaxError.
var (
	// ErrSyntax is matched by every error Parse, ParseExpr and ParseType
	// return: lexing errors, grammar errors, and the rejections below.
	ErrSyntax = errors.New("parser: syntax error")

	// ErrUnsupported is additionally matched when the input is recognisable
	// SQL the dialect does not support: an unknown statement
	// ("Unsupported SQL command: X"), an unknown type ("Unsupported data
	// type: X"), DISTINCT or complex arguments in the core aggregates, or
	// several CTEs under WITH RECURSIVE. The sql package maps it to SQLSTATE
	// 0A000 (feature_not_supported) instead of 42601.
	ErrUnsupported = errors.New("parser: unsupported feature")

	// ErrTooDeep is additionally matched when a statement nests expressions
	// or subqueries more than MaxDepth levels deep.
	ErrTooDeep = errors.New("parser: statement nested too deeply")
)

// MaxDepth bounds the nesting of a statement: every parenthesised
// expression, subquery, function call, CASE, NOT and unary minus opens one
// level. Deeper input fails with ErrTooDeep instead of exhausting the stack.
const MaxDepth = 200

// SyntaxError is the error type of the parser. Msg is the complete,
// user-facing message (the SQL command adds the "Execution Error: " prefix);
// Pos is the 0-based byte offset of the offending token in the SQL text, or
// the text's length when the input ended too early.
//
// SyntaxError values are immutable; they are safe for concurrent use.
type SyntaxError struct {
	Pos int
	Msg string

	kind error // nil, ErrUnsupported or ErrTooDeep
}

// Error returns Msg.
func (e *SyntaxError) Error() string { return e.Msg }

// Is reports whether target is ErrSyntax, or the finer sentinel of the error
// (ErrUnsupported, ErrTooDeep).
func (e *SyntaxError) Is(target error) bool {
	return target == ErrSyntax || (e.kind != nil && target == e.kind)
}

// nearLimit bounds the token text quoted in messages (an unterminated string
// literal swallows the rest of the input).
const nearLimit = 40

// errNear builds the generic message: syntax error at position N near "x".
func errNear(pos int, text string, eof bool) *SyntaxError {
	if eof {
		return &SyntaxError{Pos: pos, Msg: fmt.Sprintf("syntax error at position %d near end of input", pos)}
	}
	if len(text) > nearLimit {
		cut := nearLimit
		for cut > 0 && text[cut]&0xC0 == 0x80 { // do not split a UTF-8 sequence
			cut--
		}
		text = text[:cut] + "..."
	}
	return &SyntaxError{Pos: pos, Msg: fmt.Sprintf("syntax error at position %d near \"%s\"", pos, text)}
}

func errUnsupported(pos int, format string, args ...any) *SyntaxError {
	return &SyntaxError{Pos: pos, Msg: fmt.Sprintf(format, args...), kind: ErrUnsupported}
}
