package jsondoc

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var (
	longFlag = flag.Bool("long", false, "run the randomized tests for many more iterations")
	seedFlag = flag.Uint64("seed", 0, "seed for the randomized tests (0: time-based)")
)

// testSeed returns the seed for a randomized test and logs it so failures replay with
// -seed.
func testSeed(t testing.TB) uint64 {
	t.Helper()
	seed := *seedFlag
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (replay with -seed=%d)", seed, seed)
	return seed
}

// iterations scales a randomized test's loop count under -long.
func iterations(n int) int {
	if *longFlag {
		return n * 100
	}
	return n
}

// gen generates random Values and random JSON spellings of them.
type gen struct{ rng *rand.Rand }

var genNames = []string{"", "a", "b", "ab", "B", "id", "name", "é", "\n", "\"", "\\", "a\"b", "\x00", "😀", "z", "a.b"}

func (g gen) str() string {
	if g.rng.IntN(3) == 0 {
		return genNames[g.rng.IntN(len(genNames))]
	}
	pool := []rune{'a', 'b', 'z', ' ', '"', '\\', '/', '\n', '\t', '\x00', '\x1f', '\x7f', 'é', '€', '😀', '\u2028', '\ufffd'}
	var sb strings.Builder
	for n := g.rng.IntN(8); n > 0; n-- {
		sb.WriteRune(pool[g.rng.IntN(len(pool))])
	}
	return sb.String()
}

func (g gen) float() float64 {
	switch g.rng.IntN(6) {
	case 0:
		return float64(g.rng.IntN(2000)-1000) / 8
	case 1:
		return math.Copysign(0, -1)
	case 2:
		return (g.rng.Float64() - 0.5) * math.Pow(10, float64(g.rng.IntN(40)-20))
	default:
		for {
			f := math.Float64frombits(g.rng.Uint64())
			if !math.IsNaN(f) && !math.IsInf(f, 0) {
				return f
			}
		}
	}
}

func (g gen) value(depth int) Value {
	n := 8
	if depth > 4 {
		n = 6 // scalars only
	}
	switch g.rng.IntN(n) {
	case 0:
		return Null()
	case 1:
		return Bool(g.rng.IntN(2) == 0)
	case 2:
		switch g.rng.IntN(4) {
		case 0:
			return Int(int64(g.rng.Uint64()))
		case 1:
			return Uint(g.rng.Uint64() | 1<<63)
		default:
			return Int(int64(g.rng.IntN(2001) - 1000))
		}
	case 3:
		return Float(g.float())
	case 4, 5:
		return String(g.str())
	case 6:
		elems := make([]Value, g.rng.IntN(5))
		for i := range elems {
			elems[i] = g.value(depth + 1)
		}
		return Array(elems)
	default:
		ms := make([]Member, g.rng.IntN(6))
		for i := range ms {
			ms[i] = Member{g.str(), g.value(depth + 1)}
		}
		return Object(ms)
	}
}

// spell writes v as valid but non-canonical JSON text: random whitespace, shuffled
// members with earlier duplicates, gratuitous escapes and alternative number spellings.
func (g gen) spell(buf []byte, v Value) []byte {
	buf = g.space(buf)
	switch v.Kind() {
	case KindFloat:
		f, _ := v.AsFloat()
		switch g.rng.IntN(4) {
		case 0:
			buf = strconv.AppendFloat(buf, f, 'e', -1, 64)
		case 1:
			buf = strconv.AppendFloat(buf, f, 'E', 17, 64)
		case 2:
			s := strconv.FormatFloat(f, 'f', -1, 64)
			if !strings.Contains(s, ".") {
				s += ".000"
			}
			buf = append(buf, s...)
		default:
			buf = v.Append(buf)
		}
	case KindString:
		s, _ := v.Str()
		buf = g.quote(buf, s)
	case KindArray:
		buf = append(buf, '[')
		for i, e := range v.Elems() {
			if i > 0 {
				buf = append(g.space(buf), ',')
			}
			buf = g.spell(buf, e)
		}
		buf = append(g.space(buf), ']')
	case KindObject:
		ms := slices.Clone(v.Members())
		g.rng.Shuffle(len(ms), func(i, j int) { ms[i], ms[j] = ms[j], ms[i] })
		buf = append(buf, '{')
		first := true
		for _, m := range ms {
			if g.rng.IntN(4) == 0 { // an earlier duplicate that must lose
				if !first {
					buf = append(buf, ',')
				}
				first = false
				buf = g.quote(buf, m.Name)
				buf = append(buf, ':')
				buf = g.spell(buf, g.value(5))
			}
			if !first {
				buf = append(g.space(buf), ',')
			}
			first = false
			buf = g.quote(g.space(buf), m.Name)
			buf = append(g.space(buf), ':')
			buf = g.spell(buf, m.Value)
		}
		buf = append(g.space(buf), '}')
	default:
		buf = v.Append(buf)
	}
	return g.space(buf)
}

func (g gen) space(buf []byte) []byte {
	if g.rng.IntN(4) != 0 {
		return buf
	}
	ws := " \t\r\n"
	for n := g.rng.IntN(3) + 1; n > 0; n-- {
		buf = append(buf, ws[g.rng.IntN(len(ws))])
	}
	return buf
}

// quote writes s as a string literal, escaping a random selection of characters.
func (g gen) quote(buf []byte, s string) []byte {
	buf = append(buf, '"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\' || r < 0x20 || g.rng.IntN(5) == 0:
			if r == '/' && g.rng.IntN(2) == 0 {
				buf = append(buf, `\/`...)
				continue
			}
			if r >= 0x10000 {
				hi, lo := 0xD800+(r-0x10000)>>10, 0xDC00+(r-0x10000)&0x3FF
				buf = fmt.Appendf(buf, `\u%04X\u%04x`, hi, lo)
				continue
			}
			buf = fmt.Appendf(buf, `\u%04x`, r)
		default:
			buf = utf8.AppendRune(buf, r)
		}
	}
	return append(buf, '"')
}

// TestPropertyRoundTrip: for random Values, Parse(Append(v)) equals v, Append is a fixed
// point of Normalize, and a random non-canonical spelling of v normalizes to Append(v).
func TestPropertyRoundTrip(t *testing.T) {
	g := gen{rand.New(rand.NewPCG(testSeed(t), 2))}
	for i := 0; i < iterations(20000); i++ {
		v := g.value(0)
		text := v.String()
		back, err := Parse(text)
		if err != nil || !Equal(back, v) {
			t.Fatalf("Parse(%s) = %v, %v; want %v", text, back, err, v)
		}
		if d := Decode(text); !Equal(d, v) {
			t.Fatalf("Decode(%s) = %v", text, d)
		}
		norm, err := Normalize([]byte(text))
		if err != nil || norm != text {
			t.Fatalf("Normalize(%s) = %s, %v; want it unchanged", text, norm, err)
		}
		spelled := g.spell(nil, v)
		norm, err = Normalize(spelled)
		if err != nil || norm != text {
			t.Fatalf("Normalize(%s) = %s, %v; want %s", spelled, norm, err, text)
		}
		back, err = Parse(string(spelled))
		if err != nil || !Equal(back, v) {
			t.Fatalf("Parse(%s) = %v, %v; want %v", spelled, back, err, v)
		}
		if ref := refCanonical(t, spelled); ref != text {
			t.Fatalf("encoding/json oracle gives %s for %s, want %s", ref, spelled, text)
		}
		if v.Kind() == KindObject {
			for _, m := range v.Members() {
				raw, ok := Lookup(text, m.Name)
				if !ok || !Equal(Decode(raw), m.Value) {
					t.Fatalf("Lookup(%s, %q) = %s, %v", text, m.Name, raw, ok)
				}
			}
		}
	}
}

// refCanonical is an independent oracle for the canonical form: encoding/json decodes
// (duplicate keys: last wins) and a deliberately naive encoder renders.
func refCanonical(t *testing.T, in []byte) string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(in))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("encoding/json rejects %q: %v", in, err)
	}
	var sb strings.Builder
	refEncode(&sb, v)
	return sb.String()
}

func refEncode(sb *strings.Builder, v any) {
	switch v := v.(type) {
	case nil:
		sb.WriteString("null")
	case bool:
		sb.WriteString(strconv.FormatBool(v))
	case string:
		refQuote(sb, v)
	case json.Number:
		sb.WriteString(refNumber(string(v)))
	case []any:
		sb.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				sb.WriteByte(',')
			}
			refEncode(sb, e)
		}
		sb.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		sb.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				sb.WriteByte(',')
			}
			refQuote(sb, k)
			sb.WriteByte(':')
			refEncode(sb, v[k])
		}
		sb.WriteByte('}')
	}
}

func refQuote(sb *strings.Builder, s string) {
	short := map[rune]string{'"': `\"`, '\\': `\\`, '\b': `\b`, '\f': `\f`, '\n': `\n`, '\r': `\r`, '\t': `\t`}
	sb.WriteByte('"')
	for _, r := range s {
		if e, ok := short[r]; ok {
			sb.WriteString(e)
		} else if r < 0x20 {
			fmt.Fprintf(sb, `\u%04x`, r)
		} else {
			sb.WriteRune(r)
		}
	}
	sb.WriteByte('"')
}

// refNumber renders a JSON number literal: integers in the int64/uint64 range verbatim
// (decided with math/big), everything else as a float laid out by the ryu rules.
func refNumber(lit string) string {
	if !strings.ContainsAny(lit, ".eE") && lit != "-0" {
		n, _ := new(big.Int).SetString(lit, 10)
		if n.IsInt64() || n.IsUint64() {
			return n.String()
		}
	}
	f, _ := strconv.ParseFloat(lit, 64)
	sign := ""
	if math.Signbit(f) {
		sign, f = "-", -f
	}
	mant, expText, _ := strings.Cut(strconv.FormatFloat(f, 'e', -1, 64), "e")
	digits := strings.Replace(mant, ".", "", 1)
	exp, _ := strconv.Atoi(expText)
	n := len(digits)
	k := exp - n + 1
	kk := n + k
	switch {
	case k >= 0 && kk <= 16:
		return sign + digits + strings.Repeat("0", k) + ".0"
	case kk > 0 && kk <= 16:
		return sign + digits[:kk] + "." + digits[kk:]
	case kk > -5 && kk <= 0:
		return sign + "0." + strings.Repeat("0", -kk) + digits
	case n == 1:
		return sign + digits + "e" + strconv.Itoa(kk-1)
	default:
		return sign + digits[:1] + "." + digits[1:] + "e" + strconv.Itoa(kk-1)
	}
}

// TestPropertyValidAgreement compares Normalize's acceptance with encoding/json's
// json.Valid on random valid documents and random mutations of them. They must agree
// except for the documented differences (see explainDisagreement).
func TestPropertyValidAgreement(t *testing.T) {
	g := gen{rand.New(rand.NewPCG(testSeed(t), 3))}
	accepted, rejected := 0, 0
	for i := 0; i < iterations(50000); i++ {
		in := g.spell(nil, g.value(0))
		for m := g.rng.IntN(4); m > 0; m-- {
			in = g.mutate(in)
		}
		got, err := Normalize(in)
		_, perr := Parse(string(in))
		if (err == nil) != (perr == nil) {
			t.Fatalf("Normalize and Parse disagree on %q: %v vs %v", in, err, perr)
		}
		if err == nil {
			accepted++
			if again, err := Normalize([]byte(got)); err != nil || again != got {
				t.Fatalf("Normalize(%q) = %q is not a fixed point", in, got)
			}
		} else {
			rejected++
		}
		if valid := json.Valid(in); valid != (err == nil) {
			if why := explainDisagreement(in); !valid || why == "" {
				t.Fatalf("json.Valid(%q) = %v but Normalize error = %v", in, valid, err)
			}
		}
	}
	t.Logf("accepted %d, rejected %d", accepted, rejected)
	if accepted == 0 || rejected == 0 {
		t.Fatalf("mutation mix is degenerate: accepted %d, rejected %d", accepted, rejected)
	}
}

// hasLoneSurrogate reports whether in contains a \u escape of a surrogate that is not
// part of a high-low pair. Backslashes only occur inside strings, so a flat scan over
// escape sequences is enough.
func hasLoneSurrogate(in []byte) bool {
	escapeAt := func(i int) (rune, bool) { // the \uXXXX escape at in[i], if any
		if i+6 > len(in) || in[i] != '\\' || in[i+1] != 'u' {
			return 0, false
		}
		r, err := strconv.ParseUint(string(in[i+2:i+6]), 16, 32)
		return rune(r), err == nil
	}
	for i := 0; i < len(in); i++ {
		if in[i] != '\\' {
			continue
		}
		r, ok := escapeAt(i)
		switch {
		case !ok:
			i++ // skip the escaped byte
		case r >= 0xDC00 && r < 0xE000:
			return true
		case r >= 0xD800 && r < 0xDC00:
			r2, ok := escapeAt(i + 6)
			if !ok || r2 < 0xDC00 || r2 >= 0xE000 {
				return true
			}
			i += 11
		default:
			i += 5
		}
	}
	return false
}

func TestHasLoneSurrogate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{`"\ud83d\ude00"`, false},
		{`"\ud83d"`, true},
		{`"\ude00"`, true},
		{`"\\ud83d\ude00"`, true}, // escaped backslash, then a lone low surrogate
		{`"\\ude00"`, false},
		{`"\u0041\ud83d\ude00x"`, false},
		{`"\ud83d\u0041"`, true},
	} {
		if got := hasLoneSurrogate([]byte(tc.in)); got != tc.want {
			t.Errorf("hasLoneSurrogate(%s) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// explainDisagreement names the documented reason why input accepted by json.Valid is
// rejected by Normalize, or returns "".
func explainDisagreement(in []byte) string {
	switch {
	case !utf8.Valid(in):
		return "invalid UTF-8"
	case hasLoneSurrogate(in):
		return "lone surrogate escape"
	case nesting(in) > maxDepth:
		return "nesting"
	}
	var v any
	var ute *json.UnmarshalTypeError
	if err := json.Unmarshal(in, &v); errors.As(err, &ute) && strings.HasPrefix(ute.Value, "number") {
		return "float64 overflow"
	}
	return ""
}

// nesting returns the maximum bracket depth of in outside strings.
func nesting(in []byte) int {
	depth, deepest, inString := 0, 0, false
	for i := 0; i < len(in); i++ {
		c := in[i]
		switch {
		case inString && c == '\\':
			i++
		case c == '"':
			inString = !inString
		case inString:
		case c == '[' || c == '{':
			depth++
			deepest = max(deepest, depth)
		case c == ']' || c == '}':
			depth--
		}
	}
	return deepest
}

// mutate applies one random edit that often breaks the text: delete, insert or replace
// a byte, or duplicate a slice.
func (g gen) mutate(in []byte) []byte {
	interesting := []byte("{}[],:\"\\ 0123456789-+.eEtrufalsn\x00\x01\x7f\xc3\xa9\xff\xed")
	pick := func() byte {
		if g.rng.IntN(4) == 0 {
			return byte(g.rng.IntN(256))
		}
		return interesting[g.rng.IntN(len(interesting))]
	}
	out := slices.Clone(in)
	if len(out) == 0 {
		return append(out, pick())
	}
	i := g.rng.IntN(len(out))
	switch g.rng.IntN(4) {
	case 0:
		return slices.Delete(out, i, i+1)
	case 1:
		return slices.Insert(out, i, pick())
	case 2:
		out[i] = pick()
		return out
	default:
		j := i + g.rng.IntN(len(out)-i)
		return slices.Insert(out, j, out[i:j]...)
	}
}

// TestPropertySetDelete compares Set and Delete on canonical text with the same edits
// on Value trees (a straightforward model of SPEC §3.2).
func TestPropertySetDelete(t *testing.T) {
	g := gen{rand.New(rand.NewPCG(testSeed(t), 4))}
	var outcomes [4]int // set ok, set error, delete ok, delete refused
	for i := 0; i < iterations(20000); i++ {
		v := g.value(0)
		if g.rng.IntN(3) > 0 {
			v = Object([]Member{{"a", v}, {g.str(), g.value(1)}, {"b", g.value(0)}})
		}
		doc := v.String()
		path := g.path(v)
		val := g.value(3)

		got, err := Set(doc, true, path, val.String())
		want, werr := modelSet(v, path, val)
		if !errors.Is(err, werr) {
			t.Fatalf("Set(%s, %q) error %v, model %v", doc, path, err, werr)
		}
		if err == nil && got != want.String() {
			t.Fatalf("Set(%s, %q, %s) = %s, model %s", doc, path, val, got, want)
		}
		outcomes[boolIndex(err != nil)]++

		got, ok := Delete(doc, path)
		want, wok := modelDelete(v, path)
		if ok != wok || (ok && got != want.String()) || (!ok && got != doc) {
			t.Fatalf("Delete(%s, %q) = %s, %v; model %s, %v", doc, path, got, ok, want, wok)
		}
		outcomes[2+boolIndex(!ok)]++
	}
	t.Logf("set ok %d, set error %d, delete ok %d, delete refused %d", outcomes[0], outcomes[1], outcomes[2], outcomes[3])
	for _, n := range outcomes {
		if n == 0 {
			t.Fatalf("an outcome never happened: %v", outcomes)
		}
	}
}

func boolIndex(b bool) int {
	if b {
		return 1
	}
	return 0
}

// path picks a random path through v, mostly along existing members and elements.
func (g gen) path(v Value) []string {
	var path []string
	for n := g.rng.IntN(4); n > 0; n-- {
		switch {
		case v.Kind() == KindObject && v.Len() > 0 && g.rng.IntN(4) > 0:
			m := v.Members()[g.rng.IntN(v.Len())]
			path, v = append(path, m.Name), m.Value
		case v.Kind() == KindArray && g.rng.IntN(4) > 0:
			i := g.rng.IntN(v.Len() + 2)
			path, v = append(path, strconv.Itoa(i)), v.Index(i)
		default:
			path, v = append(path, g.str()), Null()
		}
	}
	return path
}

func modelSet(v Value, path []string, val Value) (Value, error) {
	if len(path) == 0 {
		return val, nil
	}
	seg, rest := path[0], path[1:]
	switch v.Kind() {
	case KindObject:
		child, ok := v.Member(seg)
		if !ok {
			child = Object(nil)
		}
		nc, err := modelSet(child, rest, val)
		if err != nil {
			return Value{}, err
		}
		ms := append(slices.Clone(v.Members()), Member{seg, nc})
		return Object(ms), nil
	case KindArray:
		i, err := strconv.Atoi(seg)
		if err != nil || i < 0 || i >= v.Len() || seg[0] == '+' || seg[0] == '-' {
			return Value{}, ErrPathNotObject
		}
		nc, err := modelSet(v.Index(i), rest, val)
		if err != nil {
			return Value{}, err
		}
		elems := slices.Clone(v.Elems())
		elems[i] = nc
		return Array(elems), nil
	}
	return Value{}, ErrPathNotObject
}

func modelDelete(v Value, path []string) (Value, bool) {
	if len(path) == 0 {
		return v, false
	}
	seg, rest := path[0], path[1:]
	switch v.Kind() {
	case KindObject:
		child, ok := v.Member(seg)
		if !ok {
			return v, false
		}
		ms := slices.Clone(v.Members())
		if len(rest) == 0 {
			ms = slices.DeleteFunc(ms, func(m Member) bool { return m.Name == seg })
			return Object(ms), true
		}
		nc, ok := modelDelete(child, rest)
		if !ok {
			return v, false
		}
		ms = append(ms, Member{seg, nc})
		return Object(ms), true
	case KindArray:
		i, err := strconv.Atoi(seg)
		if err != nil || i < 0 || i >= v.Len() || len(rest) == 0 || seg[0] == '+' {
			return v, false
		}
		nc, ok := modelDelete(v.Index(i), rest)
		if !ok {
			return v, false
		}
		elems := slices.Clone(v.Elems())
		elems[i] = nc
		return Array(elems), true
	}
	return v, false
}

// TestConcurrentUse runs every entry point from several goroutines at once; under -race
// it checks that the pooled scratch state is never shared.
func TestConcurrentUse(t *testing.T) {
	docs := []string{benchDocClient, lookupDoc, `{"b":[1,{"d":2,"c":1}],"a":"\u00e9"}`, `[1,2`}
	done := make(chan error)
	for w := 0; w < 4; w++ {
		go func() {
			var err error
			defer func() { done <- err }()
			for i := 0; i < 300; i++ {
				in := docs[(i+w)%len(docs)]
				n1, e1 := Normalize([]byte(in))
				v, e2 := Parse(in)
				if (e1 == nil) != (e2 == nil) || (e1 == nil && n1 != v.String()) {
					err = fmt.Errorf("Normalize/Parse disagree on %q: %q %v / %v %v", in, n1, e1, v, e2)
					return
				}
				if e1 == nil {
					if _, e := Set(n1, true, []string{"x", "y"}, `1`); e != nil {
						err = e
						return
					}
					Lookup(n1, "a")
				}
			}
		}()
	}
	for w := 0; w < 4; w++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
