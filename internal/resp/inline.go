package resp

import "bytes"

// splitInline splits the inline line buf[s:e] (line end already removed) into
// args exactly as Redis's sdssplitargs does:
//
//   - arguments are separated by blanks (isspace: ' ', \t, \n, \v, \f, \r);
//     an unquoted argument ends at ' ', \t, \n or \r;
//   - "double quotes" take the escapes \xHH, \n, \r, \t, \b, \a, and \<c>
//     for any other c (so \" and \\);
//   - 'single quotes' are literal except \';
//   - quotes may start in the middle of an argument (ab"cd" is abcd), but a
//     closing quote must be followed by a blank or the end of the line;
//   - a NUL byte ends the line, as it ends the C string Redis splits.
//
// Unescaping never produces more bytes than it consumes, so the arguments are
// written in place over the line (the write index never passes the read
// index) and alias the buffer: no allocation.
func (r *Reader) splitInline(s, e int) error {
	b := r.buf
	if i := bytes.IndexByte(b[s:e], 0); i >= 0 {
		e = s + i
	}
	p := s
	for {
		for p < e && isSpace(b[p]) {
			p++
		}
		if p == e {
			return nil
		}
		w, next, err := inlineArg(b, p, e)
		if err != nil {
			return err
		}
		r.args = append(r.args, b[p:w:w])
		p = next
	}
}

// inlineArg unescapes in place the inline argument that starts at b[p] (not a
// blank) in the line b[:e]. The argument is left in b[p:w]; next is the
// offset after it.
func inlineArg(b []byte, p, e int) (w, next int, err error) {
	w = p
	inDouble, inSingle := false, false
	for done := false; !done; {
		switch {
		case inDouble:
			switch {
			case p == e:
				return 0, 0, unbalancedQuotes()
			case b[p] == '\\' && p+3 < e && b[p+1] == 'x' && isHex(b[p+2]) && isHex(b[p+3]):
				b[w] = unhex(b[p+2])<<4 | unhex(b[p+3])
				w++
				p += 3
			case b[p] == '\\' && p+1 < e:
				p++
				b[w] = unescape(b[p])
				w++
			case b[p] == '"':
				if done, err = closeQuote(b, p, e); err != nil {
					return 0, 0, err
				}
			default:
				b[w] = b[p]
				w++
			}
		case inSingle:
			switch {
			case p == e:
				return 0, 0, unbalancedQuotes()
			case b[p] == '\\' && p+1 < e && b[p+1] == '\'':
				p++
				b[w] = '\''
				w++
			case b[p] == '\'':
				if done, err = closeQuote(b, p, e); err != nil {
					return 0, 0, err
				}
			default:
				b[w] = b[p]
				w++
			}
		default:
			switch {
			case p == e, b[p] == ' ', b[p] == '\n', b[p] == '\r', b[p] == '\t':
				done = true
			case b[p] == '"':
				inDouble = true
			case b[p] == '\'':
				inSingle = true
			default:
				b[w] = b[p]
				w++
			}
		}
		if p < e {
			p++
		}
	}
	return w, p, nil
}

// closeQuote checks the closing quote at b[p] of the line b[:e]: it must be
// followed by a blank or the end of the line, or the request has unbalanced
// quotes. It returns true (the argument is done) or that error.
func closeQuote(b []byte, p, e int) (bool, error) {
	if p+1 < e && !isSpace(b[p+1]) {
		return false, unbalancedQuotes()
	}
	return true, nil
}

// unbalancedQuotes returns the request error for a bad inline quote. The
// line has been consumed, so the stream stays in sync.
func unbalancedQuotes() error {
	return &RequestError{Msg: msgUnbalancedQuotes, Err: ErrUnbalancedQuotes}
}

// unescape maps the character after a backslash inside double quotes.
func unescape(c byte) byte {
	switch c {
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	case 'b':
		return '\b'
	case 'a':
		return '\a'
	}
	return c
}

// isSpace reports whether c is a C isspace character in the "C" locale.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// isHex reports whether c is an ASCII hexadecimal digit.
func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// unhex returns the value of the hexadecimal digit c.
func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}
