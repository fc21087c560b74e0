package server

import (
	"bytes"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// scriptConn is a net.Conn whose input is a fixed byte string, delivered in reads of at
// most chunk bytes, and whose output is collected.
type scriptConn struct {
	in    []byte
	chunk int
	out   bytes.Buffer
}

func (c *scriptConn) Read(p []byte) (int, error) {
	if len(c.in) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), c.chunk)], c.in)
	c.in = c.in[n:]
	return n, nil
}

func (c *scriptConn) Write(p []byte) (int, error)        { return c.out.Write(p) }
func (c *scriptConn) Close() error                       { return nil }
func (c *scriptConn) LocalAddr() net.Addr                { return scriptAddr{} }
func (c *scriptConn) RemoteAddr() net.Addr               { return scriptAddr{} }
func (c *scriptConn) SetDeadline(t time.Time) error      { return nil }
func (c *scriptConn) SetReadDeadline(t time.Time) error  { return nil }
func (c *scriptConn) SetWriteDeadline(t time.Time) error { return nil }

type scriptAddr struct{}

func (scriptAddr) Network() string { return "script" }
func (scriptAddr) String() string  { return "script" }

// FuzzServer feeds arbitrary bytes, split into reads of varying size, to a connection
// handler. Whatever the input, the handler must not panic or hang, must answer with a
// well-formed stream of RESP replies, and must leave no transaction open when the
// connection ends. The seed corpus (every transcript input plus testdata/fuzz/FuzzServer)
// runs under plain go test.
func FuzzServer(f *testing.F) {
	for _, in := range transcriptInputs(f) {
		f.Add(in, uint8(0))
		f.Add(in, uint8(3))
	}
	f.Add([]byte("*1\r\n$4\r\nPING\r\nPING\r\n"), uint8(1))
	ts := startServer(f, nil)
	f.Fuzz(func(t *testing.T, in []byte, split uint8) {
		s := ts.db.NewSession()
		defer s.Close()
		if _, err := s.Do("FLUSHDB"); err != nil { // every input starts from an empty database
			t.Fatal(err)
		}
		sc := &scriptConn{in: in, chunk: 1 + int(split)*97%4096}
		c := newConn(ts.srv, sc)
		if !ts.srv.track(c) {
			t.Fatal("server closed")
		}
		c.serve() // returns at the end of the input
		checkReplies(t, sc.out.Bytes())

		r, err := s.Do("INFO", "stats")
		if err != nil || !strings.Contains(r.Str, "open_transactions:0\r\n") {
			t.Fatalf("a transaction outlived its connection: %v %v", r, err)
		}
	})
}

// transcriptInputs returns the input of every "send" in testdata/transcripts, so the fuzz
// corpus starts from the protocol cases the golden tests pin.
func transcriptInputs(t testing.TB) [][]byte {
	files, err := filepath.Glob("testdata/transcripts/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no transcripts: %v", err)
	}
	var out [][]byte
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		blocks := strings.Split(string(data), "\nsend")
		for _, b := range blocks[1:] {
			_, rest, ok := strings.Cut(b, "\n")
			in, _, ok2 := strings.Cut(rest, "----")
			if !ok || !ok2 {
				continue
			}
			raw, err := unescape(strings.TrimSuffix(in, "\n"))
			if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			out = append(out, raw)
		}
	}
	return out
}
