package cmdline

import "strings"

// Quote returns s quoted so that Split reads it back as one word, exactly as Python's
// shlex.quote does: unchanged when it consists only of safe characters, otherwise
// wrapped in single quotes with each embedded single quote written as '"'"'.
func Quote(s string) string {
	if s == "" {
		return "''"
	}
	if isSafe(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}

// Join quotes each word and joins them with spaces, like Python's shlex.join.
func Join(words []string) string {
	var b strings.Builder
	for i, w := range words {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(Quote(w))
	}
	return b.String()
}

// isSafe reports whether s needs no quoting: Python's shlex.quote leaves strings made of
// ASCII letters, digits and @%+=:,./- alone.
func isSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("@%+=:,./-_", c) >= 0:
		default:
			return false
		}
	}
	return true
}
