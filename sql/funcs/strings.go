package funcs

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/sql/sem"
)

func init() {
	register(
		&Scalar{Name: "LOWER", MinArgs: 1, MaxArgs: 1, Fn: strFn(strings.ToLower)},
		&Scalar{Name: "UPPER", MinArgs: 1, MaxArgs: 1, Fn: strFn(strings.ToUpper)},
		&Scalar{Name: "TRIM", MinArgs: 1, MaxArgs: 1, Fn: strFn(strings.TrimSpace)},
		&Scalar{Name: "LTRIM", MinArgs: 1, MaxArgs: 1, Fn: strFn(func(s string) string { return strings.TrimLeftFunc(s, unicode.IsSpace) })},
		&Scalar{Name: "RTRIM", MinArgs: 1, MaxArgs: 1, Fn: strFn(func(s string) string { return strings.TrimRightFunc(s, unicode.IsSpace) })},
		&Scalar{Name: "REVERSE", MinArgs: 1, MaxArgs: 1, Fn: strFn(reverse)},
		&Scalar{Name: "LENGTH", MinArgs: 1, MaxArgs: 1, Fn: fnLength},
		&Scalar{Name: "CHAR_LENGTH", MinArgs: 1, MaxArgs: 1, Fn: fnCharLength},
		&Scalar{Name: "SUBSTRING", MinArgs: 2, MaxArgs: 3, Fn: fnSubstring},
		&Scalar{Name: "SUBSTR", MinArgs: 2, MaxArgs: 3, Fn: fnSubstring},
		&Scalar{Name: "CONCAT", MinArgs: 0, MaxArgs: -1, Fn: fnConcat},
		&Scalar{Name: "REPLACE", MinArgs: 3, MaxArgs: 3, Fn: fnReplace},
		&Scalar{Name: "POSITION", MinArgs: 2, MaxArgs: 2, Fn: fnPosition},
		&Scalar{Name: "STRPOS", MinArgs: 2, MaxArgs: 2, Fn: fnStrpos},
		&Scalar{Name: "LEFT", MinArgs: 2, MaxArgs: 2, Fn: fnLeft},
		&Scalar{Name: "RIGHT", MinArgs: 2, MaxArgs: 2, Fn: fnRight},
		&Scalar{Name: "LPAD", MinArgs: 2, MaxArgs: 3, Fn: fnPad(true)},
		&Scalar{Name: "RPAD", MinArgs: 2, MaxArgs: 3, Fn: fnPad(false)},
		&Scalar{Name: "SPLIT_PART", MinArgs: 3, MaxArgs: 3, Fn: fnSplitPart},
	)
}

// strFn lifts a string mapping: non-strings (and NULL) give NULL.
func strFn(f func(string) string) func(Context, []jsondoc.Value) (jsondoc.Value, error) {
	return func(_ Context, args []jsondoc.Value) (jsondoc.Value, error) {
		s, ok := args[0].Str()
		if !ok {
			return jsondoc.Null(), nil
		}
		return jsondoc.String(f(s)), nil
	}
}

func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

func fnLength(_ Context, args []jsondoc.Value) (jsondoc.Value, error) {
	s, ok := args[0].Str()
	if !ok {
		return jsondoc.Null(), nil
	}
	return jsondoc.Int(int64(len(s))), nil
}

func fnCharLength(_ Context, args []jsondoc.Value) (jsondoc.Value, error) {
	s, ok := args[0].Str()
	if !ok {
		return jsondoc.Null(), nil
	}
	return jsondoc.Int(int64(utf8.RuneCountInString(s))), nil
}

// intArg returns args[i] as an integer (floats truncated). null reports a
// NULL argument; a non-number is an error naming the function.
func intArg(name string, v jsondoc.Value) (n int64, null bool, err error) {
	if v.IsNull() {
		return 0, true, nil
	}
	if i, ok := v.AsInt(); ok {
		return i, false, nil
	}
	f, ok := v.AsFloat()
	if !ok {
		return 0, false, sem.Errorf(sem.ErrExec, "Function %s expects a number, got %s", name, v.String())
	}
	if f > 1<<53 {
		f = 1 << 53
	} else if f < -(1 << 53) {
		f = -(1 << 53)
	}
	return int64(f), false, nil
}

// runeSlice returns s[from:to] counted in characters, clamped.
func runeSlice(s string, from, to int64) string {
	if from < 0 {
		from = 0
	}
	if to <= from {
		return ""
	}
	i, k := 0, int64(0)
	start := -1
	for i < len(s) {
		if k == from {
			start = i
		}
		if k == to {
			break
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		k++
	}
	if start < 0 {
		if k == from {
			start = i
		} else {
			return ""
		}
	}
	return s[start:i]
}

func fnSubstring(_ Context, args []jsondoc.Value) (jsondoc.Value, error) {
	start, null, err := intArg("SUBSTRING", args[1])
	if err != nil || null {
		return jsondoc.Null(), err
	}
	length := int64(-1)
	if len(args) == 3 {
		var n int64
		n, null, err = intArg("SUBSTRING", args[2])
		if err != nil || null {
			return jsondoc.Null(), err
		}
		if n < 0 {
			return jsondoc.Null(), sem.NewError(sem.ErrExec, "negative substring length not allowed")
		}
		length = n
	}
	s, ok := args[0].Str()
	if !ok {
		return jsondoc.Null(), nil
	}
	if start < 1 {
		start = 1
	}
	end := int64(1 << 62)
	if length >= 0 {
		end = start - 1 + length
	}
	return jsondoc.String(runeSlice(s, start-1, end)), nil
}

func fnConcat(_ Context, args []jsondoc.Value) (jsondoc.Value, error) {
	var b []byte
	for _, a := range args {
		if a.IsNull() {
			continue
		}
		b = append(b, sem.Text(a)...)
	}
	return jsondoc.String(string(b)), nil
}

// texts returns the text of every argument, or ok false if one is NULL.
func texts(args []jsondoc.Value) ([]string, bool) {
	out := make([]string, len(args))
	for i, a := range args {
		if a.IsNull() {
			return nil, false
		}
		out[i] = sem.Text(a)
	}
	return out, true
}

func fnReplace(_ Context, args []jsondoc.Value) (jsondoc.Value, error) {
	t, ok := texts(args)
	if !ok {
		return jsondoc.Null(), nil
	}
	if t[1] == "" {
		return jsondoc.String(t[0]), nil
	}
	return jsondoc.String(strings.ReplaceAll(t[0], t[1], t[2])), nil
}

// fnPosition is POSITION(sub IN s): the 1-based character position of sub
// in s, 0 when absent.
func fnPosition(_ Context, args []jsondoc.Value) (jsondoc.Value, error) {
	t, ok := texts(args)
	if !ok {
		return jsondoc.Null(), nil
	}
	return position(t[0], t[1]), nil
}

// fnStrpos is STRPOS(s, sub).
func fnStrpos(_ Context, args []jsondoc.Value) (jsondoc.Value, error) {
	t, ok := texts(args)
	if !ok {
		return jsondoc.Null(), nil
	}
	return position(t[1], t[0]), nil
}

func position(sub, s string) jsondoc.Value {
	i := strings.Index(s, sub)
	if i < 0 {
		return jsondoc.Int(0)
	}
	return jsondoc.Int(int64(utf8.RuneCountInString(s[:i]) + 1))
}

func fnLeft(_ Context, args []jsondoc.Value) (jsondoc.Value, error) {
	n, null, err := intArg("LEFT", args[1])
	if err != nil || null || args[0].IsNull() {
		return jsondoc.Null(), err
	}
	s := sem.Text(args[0])
	if n < 0 {
		n = int64(utf8.RuneCountInString(s)) + n
	}
	return jsondoc.String(runeSlice(s, 0, n)), nil
}

func fnRight(_ Context, args []jsondoc.Value) (jsondoc.Value, error) {
	n, null, err := intArg("RIGHT", args[1])
	if err != nil || null || args[0].IsNull() {
		return jsondoc.Null(), err
	}
	s := sem.Text(args[0])
	count := int64(utf8.RuneCountInString(s))
	from := count - n
	if n < 0 {
		from = -n
	}
	return jsondoc.String(runeSlice(s, from, count)), nil
}

// maxPad bounds LPAD/RPAD results so a query cannot allocate unbounded
// memory with one call.
const maxPad = 10 << 20

func fnPad(left bool) func(Context, []jsondoc.Value) (jsondoc.Value, error) {
	name := "RPAD"
	if left {
		name = "LPAD"
	}
	return func(_ Context, args []jsondoc.Value) (jsondoc.Value, error) {
		n, null, err := intArg(name, args[1])
		if err != nil || null || args[0].IsNull() {
			return jsondoc.Null(), err
		}
		if n > maxPad {
			return jsondoc.Null(), sem.Errorf(sem.ErrLimit, "%s length %d exceeds the limit of %d", name, n, maxPad)
		}
		fill := " "
		if len(args) == 3 {
			if args[2].IsNull() {
				return jsondoc.Null(), nil
			}
			fill = sem.Text(args[2])
		}
		s := sem.Text(args[0])
		count := int64(utf8.RuneCountInString(s))
		if n <= 0 {
			return jsondoc.String(""), nil
		}
		if count >= n {
			return jsondoc.String(runeSlice(s, 0, n)), nil
		}
		if fill == "" {
			return jsondoc.String(s), nil
		}
		need := n - count
		var pad []rune
		fr := []rune(fill)
		for int64(len(pad)) < need {
			pad = append(pad, fr[int64(len(pad))%int64(len(fr))])
		}
		if left {
			return jsondoc.String(string(pad) + s), nil
		}
		return jsondoc.String(s + string(pad)), nil
	}
}

func fnSplitPart(_ Context, args []jsondoc.Value) (jsondoc.Value, error) {
	n, null, err := intArg("SPLIT_PART", args[2])
	if err != nil || null || args[0].IsNull() || args[1].IsNull() {
		return jsondoc.Null(), err
	}
	if n == 0 {
		return jsondoc.Null(), sem.NewError(sem.ErrExec, "field position must not be zero")
	}
	s, delim := sem.Text(args[0]), sem.Text(args[1])
	var parts []string
	if delim == "" {
		parts = []string{s}
	} else {
		parts = strings.Split(s, delim)
	}
	if n < 0 {
		n = int64(len(parts)) + n + 1
	}
	if n < 1 || n > int64(len(parts)) {
		return jsondoc.String(""), nil
	}
	return jsondoc.String(parts[n-1]), nil
}
