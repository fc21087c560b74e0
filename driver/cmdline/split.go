package cmdline

// Splitter splits command strings, reusing its buffers between calls so that a hot path
// (one Splitter per cursor or connection) does not allocate. It is not safe for concurrent
// use.
type Splitter struct {
	buf    []byte   // the bytes of every word of the last Split, back to back
	words  [][]byte // the words of the last Split, sub-slices of buf
	quoted []bool   // whether word i contained any quoting or escaping
	ends   []int    // end offset in buf of word i (words are rebuilt from it)
}

// Split splits s into words. The returned slices are valid until the next call.
func (sp *Splitter) Split(s []byte) ([][]byte, error) {
	sp.buf = sp.buf[:0]
	sp.ends = sp.ends[:0]
	sp.quoted = sp.quoted[:0]
	i := 0
	for {
		var ok bool
		i, ok = skipBlanks(s, i)
		if !ok {
			break
		}
		var quoted bool
		var err error
		i, quoted, err = sp.word(s, i)
		if err != nil {
			sp.words = sp.words[:0]
			return nil, err
		}
		sp.ends = append(sp.ends, len(sp.buf))
		sp.quoted = append(sp.quoted, quoted)
	}
	// Slice the words only now: appending to buf may have moved it.
	sp.words = sp.words[:0]
	start := 0
	for _, end := range sp.ends {
		sp.words = append(sp.words, sp.buf[start:end:end])
		start = end
	}
	return sp.words, nil
}

// Quoted reports whether word i of the last Split used quotes or backslashes, so that a
// caller substituting placeholders can tell a bare ? from a quoted '?'.
func (sp *Splitter) Quoted(i int) bool { return sp.quoted[i] }

// Split splits s into words (see the package documentation for the rules).
func Split(s string) ([]string, error) {
	var sp Splitter
	words, err := sp.Split([]byte(s))
	if err != nil {
		return nil, err
	}
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = string(w)
	}
	return out, nil
}

// skipBlanks skips separators and comments from s[i:]. It returns the index of the first
// byte of the next word, and false when no word is left.
func skipBlanks(s []byte, i int) (int, bool) {
	for i < len(s) {
		switch s[i] {
		case ' ', '\t', '\n':
			i++
		case '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		default:
			return i, true
		}
	}
	return i, false
}

// word appends the word starting at s[i] to sp.buf and returns the index after the
// separator that ended it.
func (sp *Splitter) word(s []byte, i int) (next int, quoted bool, err error) {
	for i < len(s) {
		c := s[i]
		i++
		switch c {
		case ' ', '\t', '\n':
			return i, quoted, nil
		case '\'':
			quoted = true
			if i, err = sp.single(s, i); err != nil {
				return i, quoted, err
			}
		case '"':
			quoted = true
			if i, err = sp.double(s, i); err != nil {
				return i, quoted, err
			}
		case '\\':
			quoted = true
			if i == len(s) {
				return i, quoted, ErrSyntax
			}
			if s[i] != '\n' {
				sp.buf = append(sp.buf, s[i])
			}
			i++
		default:
			sp.buf = append(sp.buf, c)
		}
	}
	return i, quoted, nil
}

// single appends the contents of a single-quoted part whose opening quote precedes s[i].
func (sp *Splitter) single(s []byte, i int) (int, error) {
	for i < len(s) {
		c := s[i]
		i++
		if c == '\'' {
			return i, nil
		}
		sp.buf = append(sp.buf, c)
	}
	return i, ErrSyntax
}

// double appends the contents of a double-quoted part whose opening quote precedes s[i].
func (sp *Splitter) double(s []byte, i int) (int, error) {
	for i < len(s) {
		c := s[i]
		i++
		switch c {
		case '"':
			return i, nil
		case '\\':
			if i == len(s) {
				return i, ErrSyntax
			}
			switch e := s[i]; e {
			case '$', '`', '"', '\\':
				sp.buf = append(sp.buf, e)
			case '\n':
				// backslash-newline: a line continuation, nothing is kept
			default:
				sp.buf = append(sp.buf, '\\', e)
			}
			i++
		default:
			sp.buf = append(sp.buf, c)
		}
	}
	return i, ErrSyntax
}
