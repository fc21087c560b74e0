package funcs

import (
	"strconv"
	"strings"
	"time"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/sql/sem"
)

func init() {
	register(
		&Scalar{Name: "NOW", MaxArgs: 0, Stable: true, Fn: fnNow},
		&Scalar{Name: "CURRENT_TIMESTAMP", MaxArgs: 0, Stable: true, Fn: fnNow},
		&Scalar{Name: "LOCALTIMESTAMP", MaxArgs: 0, Stable: true, Fn: fnLayout("2006-01-02 15:04:05.000000")},
		&Scalar{Name: "CURRENT_DATE", MaxArgs: 0, Stable: true, Fn: fnLayout("2006-01-02")},
		&Scalar{Name: "CURRENT_TIME", MaxArgs: 0, Stable: true, Fn: fnLayout("15:04:05.000000+00:00")},
		&Scalar{Name: "DATE_PART", MinArgs: 2, MaxArgs: 2, Fn: fnDatePart},
		&Scalar{Name: "EXTRACT", MinArgs: 2, MaxArgs: 2, Fn: fnDatePart},
		&Scalar{Name: "DATE_TRUNC", MinArgs: 2, MaxArgs: 2, Fn: fnDateTrunc},
		&Scalar{Name: "TO_CHAR", MinArgs: 2, MaxArgs: 2, Fn: fnToChar},
	)
}

// NowLayout is how NOW() renders the transaction start (SPEC §4.17): RFC
// 3339 in UTC, nine fraction digits, a numeric +00:00 offset.
const NowLayout = "2006-01-02T15:04:05.000000000+00:00"

func fnNow(c Context, _ []jsondoc.Value) (jsondoc.Value, error) {
	return jsondoc.String(c.Now().UTC().Format(NowLayout)), nil
}

func fnLayout(layout string) func(Context, []jsondoc.Value) (jsondoc.Value, error) {
	return func(c Context, _ []jsondoc.Value) (jsondoc.Value, error) {
		return jsondoc.String(c.Now().UTC().Format(layout)), nil
	}
}

// timeArg parses a timestamp argument; ok is false for NULL and texts that
// are not timestamps (the functions then return NULL).
func timeArg(v jsondoc.Value) (time.Time, bool) {
	s, ok := v.Str()
	if !ok {
		return time.Time{}, false
	}
	return sem.ParseTime(s)
}

// rfc3339Arg parses an RFC 3339 timestamp argument (DATE_PART's rule: any
// other text reads as NULL).
func rfc3339Arg(v jsondoc.Value) (time.Time, bool) {
	s, ok := v.Str()
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

// fnDatePart is DATE_PART(part, ts) and EXTRACT(part FROM ts): integer
// fields of an RFC 3339 timestamp; dow counts Sunday=1 … Saturday=7 (SPEC
// §4.17).
func fnDatePart(_ Context, args []jsondoc.Value) (jsondoc.Value, error) {
	part, ok := args[0].Str()
	if !ok {
		if args[0].IsNull() {
			return jsondoc.Null(), nil
		}
		return jsondoc.Null(), sem.Errorf(sem.ErrExec, "Unsupported date part: %s", args[0].String())
	}
	t, ok := rfc3339Arg(args[1])
	var n int64
	switch strings.ToLower(part) {
	case "year":
		n = int64(t.Year())
	case "month":
		n = int64(t.Month())
	case "day":
		n = int64(t.Day())
	case "hour":
		n = int64(t.Hour())
	case "minute":
		n = int64(t.Minute())
	case "second":
		n = int64(t.Second())
	case "dow":
		n = int64(t.Weekday()) + 1
	case "doy":
		n = int64(t.YearDay())
	case "quarter":
		n = int64(t.Month()-1)/3 + 1
	case "week":
		_, w := t.ISOWeek()
		n = int64(w)
	case "epoch":
		n = t.Unix()
	case "millisecond", "milliseconds":
		n = int64(t.Second())*1000 + int64(t.Nanosecond()/1e6)
	case "microsecond", "microseconds":
		n = int64(t.Second())*1e6 + int64(t.Nanosecond()/1e3)
	default:
		return jsondoc.Null(), sem.Errorf(sem.ErrExec, "Unsupported date part: %s", part)
	}
	if !ok {
		return jsondoc.Null(), nil
	}
	return jsondoc.Int(n), nil
}

// fnDateTrunc is DATE_TRUNC(field, ts): ts truncated to the field, rendered
// in the shape of the input (RFC 3339 stays RFC 3339, else
// "YYYY-MM-DD HH:MM:SS").
func fnDateTrunc(_ Context, args []jsondoc.Value) (jsondoc.Value, error) {
	field, ok := args[0].Str()
	if !ok {
		return jsondoc.Null(), nil
	}
	t, ok := timeArg(args[1])
	if !ok {
		return jsondoc.Null(), nil
	}
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	loc := t.Location()
	switch strings.ToLower(field) {
	case "microseconds", "microsecond":
		t = t.Truncate(time.Microsecond)
	case "milliseconds", "millisecond":
		t = t.Truncate(time.Millisecond)
	case "second":
		t = time.Date(y, mo, d, h, mi, s, 0, loc)
	case "minute":
		t = time.Date(y, mo, d, h, mi, 0, 0, loc)
	case "hour":
		t = time.Date(y, mo, d, h, 0, 0, 0, loc)
	case "day":
		t = time.Date(y, mo, d, 0, 0, 0, 0, loc)
	case "week":
		wd := (int(t.Weekday()) + 6) % 7 // Monday = 0
		t = time.Date(y, mo, d-wd, 0, 0, 0, 0, loc)
	case "month":
		t = time.Date(y, mo, 1, 0, 0, 0, 0, loc)
	case "quarter":
		t = time.Date(y, ((mo-1)/3)*3+1, 1, 0, 0, 0, 0, loc)
	case "year":
		t = time.Date(y, 1, 1, 0, 0, 0, 0, loc)
	case "decade":
		t = time.Date(y-y%10, 1, 1, 0, 0, 0, 0, loc)
	case "century":
		t = time.Date((y-1)/100*100+1, 1, 1, 0, 0, 0, 0, loc)
	default:
		return jsondoc.Null(), sem.Errorf(sem.ErrExec, "Unsupported date part: %s", field)
	}
	src, _ := args[1].Str()
	if strings.ContainsAny(src, "T") && (strings.HasSuffix(src, "Z") || strings.Count(src, "-") > 2 || strings.Contains(src, "+")) {
		return jsondoc.String(t.Format(time.RFC3339Nano)), nil
	}
	return jsondoc.String(t.Format("2006-01-02 15:04:05")), nil
}

// toCharPatterns maps PostgreSQL template patterns to renderers, longest
// first so that "HH24" wins over "HH".
var toCharPatterns = []struct {
	pat string
	fn  func(t time.Time) string
}{
	{"YYYY", func(t time.Time) string { return pad(t.Year(), 4) }},
	{"MONTH", func(t time.Time) string { return strings.ToUpper(t.Month().String()) }},
	{"Month", func(t time.Time) string { return t.Month().String() }},
	{"month", func(t time.Time) string { return strings.ToLower(t.Month().String()) }},
	{"HH24", func(t time.Time) string { return pad(t.Hour(), 2) }},
	{"HH12", func(t time.Time) string { return pad(hour12(t), 2) }},
	{"DDD", func(t time.Time) string { return pad(t.YearDay(), 3) }},
	{"DAY", func(t time.Time) string { return strings.ToUpper(t.Weekday().String()) }},
	{"Day", func(t time.Time) string { return t.Weekday().String() }},
	{"day", func(t time.Time) string { return strings.ToLower(t.Weekday().String()) }},
	{"MON", func(t time.Time) string { return strings.ToUpper(t.Month().String()[:3]) }},
	{"Mon", func(t time.Time) string { return t.Month().String()[:3] }},
	{"mon", func(t time.Time) string { return strings.ToLower(t.Month().String()[:3]) }},
	{"DY", func(t time.Time) string { return strings.ToUpper(t.Weekday().String()[:3]) }},
	{"Dy", func(t time.Time) string { return t.Weekday().String()[:3] }},
	{"dy", func(t time.Time) string { return strings.ToLower(t.Weekday().String()[:3]) }},
	{"YY", func(t time.Time) string { return pad(t.Year()%100, 2) }},
	{"MM", func(t time.Time) string { return pad(int(t.Month()), 2) }},
	{"DD", func(t time.Time) string { return pad(t.Day(), 2) }},
	{"HH", func(t time.Time) string { return pad(hour12(t), 2) }},
	{"MI", func(t time.Time) string { return pad(t.Minute(), 2) }},
	{"SS", func(t time.Time) string { return pad(t.Second(), 2) }},
	{"MS", func(t time.Time) string { return pad(t.Nanosecond()/1e6, 3) }},
	{"US", func(t time.Time) string { return pad(t.Nanosecond()/1e3, 6) }},
	{"AM", ampm("AM", "PM")}, {"PM", ampm("AM", "PM")},
	{"am", ampm("am", "pm")}, {"pm", ampm("am", "pm")},
	{"Q", func(t time.Time) string { return strconv.Itoa(int(t.Month()-1)/3 + 1) }},
	{"D", func(t time.Time) string { return strconv.Itoa(int(t.Weekday()) + 1) }},
}

func pad(n, width int) string {
	s := strconv.Itoa(n)
	for len(s) < width {
		s = "0" + s
	}
	return s
}

func hour12(t time.Time) int {
	h := t.Hour() % 12
	if h == 0 {
		h = 12
	}
	return h
}

func ampm(am, pm string) func(time.Time) string {
	return func(t time.Time) string {
		if t.Hour() < 12 {
			return am
		}
		return pm
	}
}

// fnToChar is TO_CHAR(ts, format) for timestamps with the common
// PostgreSQL template patterns; text inside double quotes is copied.
func fnToChar(_ Context, args []jsondoc.Value) (jsondoc.Value, error) {
	t, ok := timeArg(args[0])
	if !ok {
		return jsondoc.Null(), nil
	}
	format, ok := args[1].Str()
	if !ok {
		return jsondoc.Null(), nil
	}
	var b strings.Builder
	for i := 0; i < len(format); {
		if format[i] == '"' {
			j := strings.IndexByte(format[i+1:], '"')
			if j < 0 {
				b.WriteString(format[i+1:])
				break
			}
			b.WriteString(format[i+1 : i+1+j])
			i += j + 2
			continue
		}
		matched := false
		for _, p := range toCharPatterns {
			if strings.HasPrefix(format[i:], p.pat) {
				b.WriteString(p.fn(t))
				i += len(p.pat)
				matched = true
				break
			}
		}
		if !matched {
			b.WriteByte(format[i])
			i++
		}
	}
	return jsondoc.String(b.String()), nil
}
