package resp_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/memflux/memflux/internal/resp"
)

// A minimal request loop: decode every buffered request, reply, and flush
// once per batch.
func Example() {
	in := strings.NewReader("*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\nPING\r\n*0\r\n")
	r := resp.NewReader(in, resp.Limits{})
	var out bytes.Buffer // stands for the connection
	w := resp.NewWriter(&out)
	defer func() { fmt.Print(strings.ReplaceAll(out.String(), "\r\n", "\n")) }()
	for {
		args, err := r.ReadCommand()
		var reqErr *resp.RequestError
		switch {
		case errors.As(err, &reqErr):
			w.Error(reqErr.Msg) // the stream is still in sync
			continue
		case err != nil:
			w.Flush()
			return // io.EOF, a *resp.ProtocolError (reply, then close) or an I/O error
		}
		switch strings.ToUpper(string(args[0])) {
		case "ECHO":
			w.Bulk(args[1]) // args alias the reader's buffer until the next ReadCommand
		case "PING":
			w.Simple("PONG")
		}
		if r.Buffered() == 0 {
			w.Flush()
		}
	}
	// Output:
	// $5
	// hello
	// +PONG
	// -ERR Command name not provided
}

func ExampleReader_ReadCommand() {
	r := resp.NewReader(strings.NewReader("set \"a b\" 'it\\'s'\r\n*1\r\n:1\r\n"), resp.Limits{})
	args, _ := r.ReadCommand()
	fmt.Printf("%q\n", args)
	_, err := r.ReadCommand()
	var protoErr *resp.ProtocolError
	fmt.Println(errors.As(err, &protoErr), err)
	// Output:
	// ["set" "a b" "it's"]
	// true Invalid command format: expected bulk string specifier ('$')
}

func ExampleWriter_SetProtocol() {
	var out bytes.Buffer
	w := resp.NewWriter(&out)
	for _, proto := range []int{2, 3} {
		w.SetProtocol(proto)
		w.MapHeader(1)
		w.BulkString("proto")
		w.Int(int64(proto))
		w.Nil()
	}
	w.Flush()
	fmt.Println(strings.ReplaceAll(out.String(), "\r\n", " "))
	// Output:
	// *2 $5 proto :2 $-1 %1 $5 proto :3 _
}
