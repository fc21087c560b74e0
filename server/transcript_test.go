package server

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"
	"github.com/memflux/memflux"
	"github.com/memflux/memflux/internal/resp"
)

// TestTranscripts replays the golden transcripts in testdata/transcripts: bytes sent on a
// raw socket and the exact bytes the server answers. Regenerate with
// `go test ./server -run TestTranscripts -rewrite` and review the diff.
//
// Directives:
//
//	server [requirepass=…] [maxbulklen=N] [maxargs=N] [maxinlinelen=N]
//	    start a fresh server (empty database) for the rest of the file
//	send [conn=NAME]
//	    send the input (escaped: \r \n \t \\ \xHH; line breaks in the file are ignored)
//	    on connection NAME (default "a", dialled on first use) and print every reply; the
//	    number of replies is the number of requests in the input, and "<closed>" is
//	    printed when the server then closes the connection (protocol error, QUIT)
//	close [conn=NAME]
//	    close the client side of a connection
func TestTranscripts(t *testing.T) {
	datadriven.Walk(t, "testdata/transcripts", func(t *testing.T, path string) {
		tr := &transcript{t: t}
		defer tr.closeAll()
		datadriven.RunTest(t, path, tr.run)
	})
}

// transcript is the state of one transcript file.
type transcript struct {
	t      *testing.T
	ts     *testServer
	limits resp.Limits
	conns  map[string]*rawConn
}

func (tr *transcript) run(t *testing.T, d *datadriven.TestData) string {
	switch d.Cmd {
	case "server":
		tr.closeAll()
		tr.limits = resp.Limits{}
		pass := ""
		for _, a := range d.CmdArgs {
			switch a.Key {
			case "requirepass":
				pass = a.Vals[0]
			case "maxbulklen":
				tr.limits.MaxBulkLen = int64(atoi(t, a.Vals[0]))
			case "maxargs":
				tr.limits.MaxArgs = atoi(t, a.Vals[0])
			case "maxinlinelen":
				tr.limits.MaxInlineLen = atoi(t, a.Vals[0])
			default:
				t.Fatalf("%s: unknown server argument %s", d.Pos, a.Key)
			}
		}
		lim := tr.limits
		tr.ts = startServer(t, func(cfg *memflux.Config, o *Options) {
			cfg.RequirePass = pass
			o.MaxBulkLen, o.MaxArgs, o.MaxInlineLen = lim.MaxBulkLen, lim.MaxArgs, lim.MaxInlineLen
		})
		return "ok"
	case "send":
		rc := tr.conn(t, d)
		in, err := unescape(d.Input)
		if err != nil {
			t.Fatalf("%s: %v", d.Pos, err)
		}
		replies, closes := countRequests(in, tr.limits)
		rc.send(string(in))
		var out bytes.Buffer
		for range replies {
			out.WriteString(rc.reply())
		}
		s := render(out.Bytes())
		if closes {
			rc.expectClosed()
			s += "<closed>\n"
		}
		return s
	case "close":
		name := connName(d)
		if rc, ok := tr.conns[name]; ok {
			rc.c.Close()
			delete(tr.conns, name)
		}
		return "ok"
	}
	t.Fatalf("%s: unknown directive %s", d.Pos, d.Cmd)
	return ""
}

// conn returns the connection named by the directive, dialling it on first use.
func (tr *transcript) conn(t *testing.T, d *datadriven.TestData) *rawConn {
	if tr.ts == nil {
		tr.run(t, &datadriven.TestData{Cmd: "server"})
	}
	if tr.conns == nil {
		tr.conns = map[string]*rawConn{}
	}
	name := connName(d)
	rc, ok := tr.conns[name]
	if !ok {
		rc = tr.ts.dial(t)
		tr.conns[name] = rc
	}
	rc.t = t
	return rc
}

func (tr *transcript) closeAll() {
	for name, rc := range tr.conns {
		rc.c.Close()
		delete(tr.conns, name)
	}
}

func connName(d *datadriven.TestData) string {
	for _, a := range d.CmdArgs {
		if a.Key == "conn" && len(a.Vals) == 1 {
			return a.Vals[0]
		}
	}
	return "a"
}

func atoi(t *testing.T, s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("bad number %q", s)
	}
	return n
}

// countRequests decodes in exactly as the server will and returns how many replies it
// produces and whether the server then closes the connection (a protocol error or QUIT).
// A truncated request at the end produces nothing.
func countRequests(in []byte, lim resp.Limits) (replies int, closes bool) {
	r := resp.NewReader(bytes.NewReader(in), lim)
	for {
		args, err := r.ReadCommand()
		var reqErr *resp.RequestError
		var protoErr *resp.ProtocolError
		switch {
		case errors.As(err, &reqErr):
			replies++
			continue
		case errors.As(err, &protoErr):
			return replies + 1, true
		case err != nil:
			return replies, false
		}
		replies++
		if strings.EqualFold(string(args[0]), "QUIT") {
			return replies, true
		}
	}
}

// unescape decodes transcript input: line breaks are dropped, and \r \n \t \\ \xHH are
// escapes.
func unescape(s string) ([]byte, error) {
	var out []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\n':
			continue
		case c != '\\':
			out = append(out, c)
			continue
		case i+1 >= len(s):
			return nil, fmt.Errorf("dangling backslash")
		}
		i++
		switch s[i] {
		case 'r':
			out = append(out, '\r')
		case 'n':
			out = append(out, '\n')
		case 't':
			out = append(out, '\t')
		case '\\':
			out = append(out, '\\')
		case 'x':
			if i+2 >= len(s) {
				return nil, fmt.Errorf("short \\x escape")
			}
			b, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
			if err != nil {
				return nil, fmt.Errorf("bad \\x escape %q", s[i-1:i+3])
			}
			out = append(out, byte(b))
			i += 2
		default:
			return nil, fmt.Errorf("unknown escape \\%c", s[i])
		}
	}
	return out, nil
}

// render prints reply bytes with the escapes unescape reads, one line per "\n".
func render(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		switch {
		case c == '\r':
			sb.WriteString(`\r`)
		case c == '\n':
			sb.WriteString("\\n\n")
		case c == '\t':
			sb.WriteString(`\t`)
		case c == '\\':
			sb.WriteString(`\\`)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&sb, `\x%02x`, c)
		default:
			sb.WriteByte(c)
		}
	}
	s := sb.String()
	if s != "" && !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return s
}

// TestTranscriptEscapes checks the transcript codec itself.
func TestTranscriptEscapes(t *testing.T) {
	raw := []byte("+OK\r\n$3\r\na\x00\\\r\n\t\xff")
	back, err := unescape(render(raw))
	if err != nil || !bytes.Equal(back, raw) {
		t.Fatalf("unescape(render(x)) = %q, %v; want %q", back, err, raw)
	}
	for _, bad := range []string{`\`, `\x4`, `\xzz`, `\q`} {
		if _, err := unescape(bad); err == nil {
			t.Errorf("unescape(%q) succeeded", bad)
		}
	}
	if n, closes := countRequests([]byte("PING\r\n\r\n*0\r\n*1\r\n:1\r\nPING\r\n"), resp.Limits{}); n != 3 || !closes {
		t.Errorf("countRequests = %d, %v; want 3, true", n, closes)
	}
}
