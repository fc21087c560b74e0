package resp

import (
	"bytes"
	"cmp"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

var (
	seedFlag = flag.Uint64("seed", uint64(time.Now().UnixNano()), "seed for the randomized tests")
	longFlag = flag.Bool("long", false, "run the long randomized tests")
)

// TestReaderRandomPipeline encodes random commands (binary, empty and
// multi-megabyte arguments, RESP arrays and inline lines), feeds them as one
// pipeline split at random offsets, and checks that they decode to exactly
// the input.
func TestReaderRandomPipeline(t *testing.T) {
	seed := *seedFlag
	t.Logf("seed %d (replay with -seed=%d)", seed, seed)
	rounds, cmds := 4, 300
	if *longFlag {
		rounds, cmds = 40, 3000
	}
	for round := range rounds {
		rng := rand.New(rand.NewPCG(seed, uint64(round)))
		maxChunk := []int{1, 7, 512, 1 << 16}[round%4]
		// Tiny reads of a multi-megabyte stream take too long; those rounds
		// use small arguments only.
		bigArgs := maxChunk >= 512
		want, stream := randomPipeline(rng, cmds, bigArgs)
		src := &chunkReader{data: stream, rng: rng, max: maxChunk}
		r := NewReader(src, Limits{})
		for i, w := range want {
			args, err := r.ReadCommand()
			if err != nil {
				t.Fatalf("round %d (max read %d), command %d: %v", round, maxChunk, i, err)
			}
			if !equalArgs(args, w) {
				t.Fatalf("round %d (max read %d), command %d:\ngot  %.200q\nwant %.200q", round, maxChunk, i, args, w)
			}
		}
		if _, err := r.ReadCommand(); err != io.EOF {
			t.Fatalf("round %d: after the last command got %v, want EOF", round, err)
		}
	}
}

func equalArgs(got, want [][]byte) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if !bytes.Equal(got[i], want[i]) {
			return false
		}
	}
	return true
}

// randomPipeline returns n random commands and their concatenated encoding.
// Without bigArgs, arguments stay under 4 KiB.
func randomPipeline(rng *rand.Rand, n int, bigArgs bool) ([][][]byte, []byte) {
	var seed [32]byte
	for i := range seed {
		seed[i] = byte(rng.Uint32())
	}
	g := argGen{rng: rng, bytes: rand.NewChaCha8(seed), huge: 3}
	if !bigArgs {
		g.huge, g.maxMedium = 0, 4<<10
	}
	var stream []byte
	cmds := make([][][]byte, n)
	for i := range cmds {
		nargs := 1 + rng.IntN(6)
		if rng.IntN(30) == 0 {
			nargs = 50 + rng.IntN(600) // a wide command, spans buffer refills
		}
		args := make([][]byte, nargs)
		size := 0
		for j := range args {
			args[j] = g.arg()
			size += len(args[j])
		}
		cmds[i] = args
		if rng.IntN(10) == 0 {
			stream = append(stream, []string{"\r\n", "\n", " \t\r\n"}[rng.IntN(3)]...)
		}
		if size < 16<<10 && rng.IntN(3) == 0 {
			if line, ok := encodeInline(rng, args); ok {
				stream = append(stream, line...)
				continue
			}
		}
		stream = encodeArray(stream, args)
	}
	return cmds, stream
}

// argGen makes random arguments.
type argGen struct {
	rng       *rand.Rand
	bytes     *rand.ChaCha8 // fast source of payload bytes
	huge      int           // multi-megabyte arguments still allowed
	maxMedium int           // largest medium argument; 0 means 40000
}

// arg returns an empty, short, medium or huge argument of random bytes,
// sometimes restricted to a text alphabet heavy in quotes and blanks.
func (g *argGen) arg() []byte {
	var n int
	switch k := g.rng.IntN(100); {
	case k < 10:
		n = 0
	case k < 80:
		n = 1 + g.rng.IntN(40)
	case k < 99:
		n = 100 + g.rng.IntN(cmp.Or(g.maxMedium, 40000))
	case g.huge > 0:
		g.huge--
		n = 1<<20 + g.rng.IntN(3<<20)
	default:
		n = 1 + g.rng.IntN(40)
	}
	b := make([]byte, n)
	g.bytes.Read(b)
	if g.rng.IntN(2) == 0 {
		const alphabet = " abc\"'\\xyz019\t"
		for i, c := range b {
			b[i] = alphabet[int(c)%len(alphabet)]
		}
	}
	return b
}

// encodeArray appends args as a RESP array of bulk strings.
func encodeArray(dst []byte, args [][]byte) []byte {
	dst = fmt.Appendf(dst, "*%d\r\n", len(args))
	for _, a := range args {
		dst = fmt.Appendf(dst, "$%d\r\n", len(a))
		dst = append(dst, a...)
		dst = append(dst, '\r', '\n')
	}
	return dst
}

// encodeInline renders args as a Redis inline line, choosing at random among
// the forms that represent each argument exactly. It reports false when the
// line would be too long.
func encodeInline(rng *rand.Rand, args [][]byte) ([]byte, bool) {
	var line []byte
	for i, a := range args {
		if i > 0 || rng.IntN(4) == 0 {
			line = append(line, []string{" ", "\t", "  ", " \t "}[rng.IntN(4)]...)
		}
		switch {
		case bareOK(a, i == 0) && rng.IntN(2) == 0:
			line = append(line, a...)
		case singleOK(a) && rng.IntN(2) == 0:
			line = append(line, '\'')
			line = append(line, bytes.ReplaceAll(a, []byte("'"), []byte(`\'`))...)
			line = append(line, '\'')
		default:
			line = appendDoubleQuoted(line, a, rng)
		}
	}
	if len(line) > DefaultMaxInlineLen-2 {
		return nil, false
	}
	return append(line, []string{"\r\n", "\n"}[rng.IntN(2)]...), true
}

// bareOK reports whether a can be written unquoted.
func bareOK(a []byte, first bool) bool {
	if len(a) == 0 || (first && a[0] == '*') {
		return false
	}
	return !bytes.ContainsAny(a, " \t\r\n\v\f\"'\x00")
}

// singleOK reports whether a can be written in single quotes: no NUL or LF
// (they end the line) and no backslash (a backslash before an escaped or
// closing quote would be read as an escape).
func singleOK(a []byte) bool {
	return !bytes.ContainsAny(a, "\\\x00\n")
}

// appendDoubleQuoted appends a in double quotes, escaping what must be and,
// at random, other bytes too.
func appendDoubleQuoted(line, a []byte, rng *rand.Rand) []byte {
	line = append(line, '"')
	for _, c := range a {
		switch {
		case c == '"' || c == '\\':
			line = append(line, '\\', c)
		case c == '\n':
			line = append(line, `\n`...)
		case c == 0 || c >= 0x7f || rng.IntN(20) == 0:
			line = fmt.Appendf(line, `\x%02x`, c)
		default:
			line = append(line, c)
		}
	}
	return append(line, '"')
}

func TestEncodeInlineSelfCheck(t *testing.T) {
	// The generator's quoting must be right for the random test to mean
	// anything; check it on a few hand-written cases.
	rng := rand.New(rand.NewPCG(1, 1))
	args := [][]byte{[]byte("*x"), {}, []byte("a'b\\c\"d\x00\n\xff")}
	for range 50 {
		line, ok := encodeInline(rng, args)
		if !ok {
			t.Fatal("line unexpectedly too long")
		}
		got, err := NewReader(strings.NewReader(string(line)), Limits{}).ReadCommand()
		if err != nil || !equalArgs(got, args) {
			t.Fatalf("line %q: got %q, %v; want %q", line, got, err, args)
		}
	}
}
