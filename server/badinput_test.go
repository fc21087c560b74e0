package server

import (
	"bufio"
	"bytes"
	"io"
	"math/rand/v2"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"
)

// storedState returns every key with its value (or type), for "nothing changed" checks.
func storedState(t *testing.T, rc *rawConn) string {
	t.Helper()
	rc.send(encodeCommand("KEYS", "*"))
	rc.c.SetReadDeadline(time.Now().Add(ioTimeout))
	_, keys, err := readReply(rc.br)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, k := range keys.elems {
		typ := rc.do("TYPE", k.str)
		val := ""
		if typ == "+string\r\n" {
			val = rc.do("GET", k.str)
		} else if typ == "+list\r\n" {
			val = rc.do("LRANGE", k.str, "0", "-1")
		}
		lines = append(lines, k.str+" "+typ+val)
	}
	sortStrings(lines)
	return strings.Join(lines, "\n")
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// seed stores a few keys that bad input must leave alone.
func seedKeys(t *testing.T, rc *rawConn) string {
	t.Helper()
	for _, cmd := range [][]string{{"SET", "k", "v"}, {"RPUSH", "l", "a", "b"}, {"SET", "n", "10"}} {
		if got := rc.do(cmd...); strings.HasPrefix(got, "-") {
			t.Fatalf("%v: %q", cmd, got)
		}
	}
	return storedState(t, rc)
}

// TestMillionArguments sends a request with a million arguments: it is decoded (the limit
// is 1<<20) and answered, and the connection continues. A request that announces a
// million arguments and then stops must not make the server allocate for all of them.
func TestMillionArguments(t *testing.T) {
	ts := startServer(t, nil)
	const n = 1_000_000

	t.Run("complete", func(t *testing.T) {
		rc := ts.dial(t)
		var b strings.Builder
		b.WriteString("*1000000\r\n$3\r\nGET\r\n")
		b.WriteString(strings.Repeat("$1\r\nx\r\n", n-1))
		go io.WriteString(rc.c, b.String()) // the server replies only once it has all of it
		rc.expect("-ERR GET requires one argument\r\n")
		if got := rc.do("PING"); got != "+PONG\r\n" {
			t.Fatalf("PING after the big request = %q", got)
		}
	})

	t.Run("announced only", func(t *testing.T) {
		watch := ts.dial(t)
		before := storedState(t, watch)
		runtime.GC()
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		rc := ts.dial(t)
		rc.send("*1000000\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n")
		rc.c.(*net.TCPConn).CloseWrite()
		rc.expectClosed()
		runtime.ReadMemStats(&m1)
		// An argument vector sized up front would be 24 MB (plus 8 MB of offsets).
		if grew := m1.TotalAlloc - m0.TotalAlloc; grew > 8<<20 {
			t.Errorf("the server allocated %d bytes for a request announcing %d arguments", grew, n)
		}
		if after := storedState(t, watch); after != before {
			t.Errorf("state changed:\n%s\nwant\n%s", after, before)
		}
	})

	t.Run("over the limit", func(t *testing.T) {
		rc := ts.dial(t)
		rc.send("*1048577\r\n")
		rc.expect("-ERR Protocol error: invalid multibulk length\r\n")
		rc.expectClosed()
	})
}

// TestTruncatedFrames sends incomplete requests and closes the write side: the server
// closes the connection without running anything.
func TestTruncatedFrames(t *testing.T) {
	ts := startServer(t, nil)
	watch := ts.dial(t)
	before := seedKeys(t, watch)
	big := "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100000\r\n" + strings.Repeat("z", 50000)
	for _, in := range []string{
		"*",
		"*3",
		"*3\r",
		"*3\r\n",
		"*3\r\n$3\r\nSET",
		"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n",
		"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5",
		"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nab",
		"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nabcde",
		"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nabcde\r",
		big,
		"SET k truncated-inline",
		"DEL k",
	} {
		rc := ts.dial(t)
		rc.send(in)
		rc.c.(*net.TCPConn).CloseWrite()
		rc.expectClosed()
	}
	if after := storedState(t, watch); after != before {
		t.Errorf("state changed:\n%s\nwant\n%s", after, before)
	}
}

// TestLongInlineLine checks the default 64 KiB inline limit.
func TestLongInlineLine(t *testing.T) {
	ts := startServer(t, nil)
	rc := ts.dial(t)
	rc.send("SET k " + strings.Repeat("a", DefaultMaxInlineLen))
	rc.expect("-ERR Protocol error: too big inline request\r\n")
	rc.expectClosed()

	ok := ts.dial(t)
	ok.send("SET k " + strings.Repeat("a", DefaultMaxInlineLen-8) + "\r\n")
	ok.expect("+OK\r\n")
}

// TestBinaryGarbage sends random bytes on fresh connections. Every connection gets
// well-formed replies (errors) and/or is closed; the server keeps serving another client
// throughout, and the stored data does not change.
func TestBinaryGarbage(t *testing.T) {
	ts := startServer(t, nil)
	watch := ts.dial(t)
	before := seedKeys(t, watch)
	seed := uint64(20240611)
	rng := rand.New(rand.NewPCG(seed, seed))
	t.Logf("seed %d", seed)
	for round := range 60 {
		garbage := make([]byte, 1+rng.IntN(4096))
		for i := range garbage {
			garbage[i] = byte(rng.UintN(256))
		}
		switch round % 3 {
		case 1: // looks like an array at first
			garbage[0] = '*'
		case 2: // an array header, then garbage
			garbage = append([]byte("*2\r\n$3\r\nGET\r\n"), garbage...)
		}
		c, err := net.Dial("tcp", ts.addr)
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			c.Write(garbage)
			c.(*net.TCPConn).CloseWrite()
		}()
		c.SetReadDeadline(time.Now().Add(ioTimeout))
		out, err := io.ReadAll(c)
		c.Close()
		if err != nil && !isConnReset(err) {
			t.Fatalf("round %d: reading replies: %v", round, err)
		}
		checkReplies(t, out)
		if got := watch.do("PING"); got != "+PONG\r\n" {
			t.Fatalf("round %d: PING on another connection = %q", round, got)
		}
	}
	if after := storedState(t, watch); after != before {
		t.Errorf("state changed:\n%s\nwant\n%s", after, before)
	}
}

// checkReplies fails unless out is a sequence of complete, well-formed replies.
func checkReplies(t testing.TB, out []byte) {
	t.Helper()
	br := bufio.NewReader(bytes.NewReader(out))
	for {
		if _, err := br.Peek(1); err == io.EOF {
			return
		}
		if _, _, err := readReply(br); err != nil {
			t.Fatalf("malformed reply stream %q: %v", trunc(string(out)), err)
		}
	}
}

// TestProtocolErrorWithPendingInput sends a framing error followed by more input than the
// server will read: the error reply must still arrive intact (the server half-closes and
// drains instead of resetting the connection), then the connection ends.
func TestProtocolErrorWithPendingInput(t *testing.T) {
	ts := startServer(t, nil)
	rc := ts.dial(t)
	junk := strings.Repeat("x", 256<<10)
	go io.WriteString(rc.c, "*1\r\n:1\r\n"+junk)
	rc.expect("-ERR Invalid command format: expected bulk string specifier ('$')\r\n")
	rc.c.SetReadDeadline(time.Now().Add(ioTimeout))
	if n, err := io.Copy(io.Discard, rc.br); n != 0 || (err != nil && !isConnReset(err)) {
		t.Fatalf("after the error: %d more bytes, err %v", n, err)
	}
}
