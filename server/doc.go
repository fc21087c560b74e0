// Package server is the MemFlux network server: the Redis protocol (RESP2, and RESP3 after
// HELLO 3) over TCP or TLS, in front of a memflux.DB (SPEC.md §1, §12).
//
// # Basics
//
// Open a database, create a Server over it and hand it a listener:
//
//	db, err := memflux.Open(cfg)
//	...
//	srv, err := server.New(db, &server.Options{Logger: logger})
//	...
//	ln, err := net.Listen("tcp", "127.0.0.1:8360")
//	...
//	go srv.Serve(ln)
//	...
//	err = srv.Shutdown(ctx) // stop accepting, finish in-flight commands, close connections
//	db.Close()
//
// Every accepted connection gets one goroutine and one memflux.Session, so it has its own
// transaction (BEGIN … COMMIT), protocol version and authentication state. The session is
// closed, and its open transaction rolled back, when the connection ends for any reason.
//
// # Requests and replies
//
// Requests are decoded by internal/resp: RESP arrays of bulk strings and Redis-style inline
// commands. Pipelining: every complete request already received is executed in order and its
// reply appended to the connection's write buffer, which is flushed once, when no further
// request is buffered (and always before the server blocks reading more input), so a batch
// of N pipelined commands costs one write.
//
// Replies are the command layer's command.Reply values, mapped to RESP in exactly one place
// (encode.go), in RESP2 or RESP3 according to the session's protocol. Every error is sent
// as "-ERR <message>": the "ERR " prefix is always added (SPEC.md §1.2), so type errors read
// "-ERR WRONGTYPE …".
//
// # Bad input and limits
//
// A malformed request that leaves the stream in sync ("*0", unbalanced quotes in an inline
// command) gets an error reply and the connection continues. Input that breaks the framing
// (a wrong type byte, a negative, non-numeric or over-limit length, a payload without its
// CRLF, an over-long inline line) gets an error reply and the connection is closed. Limits
// default to 512 MiB per argument, 1M arguments per request and 64 KiB per inline line;
// nothing is allocated up front from a length the client sent. A panic inside a command is
// recovered, logged with the command name, answered with an error reply, and the
// connection keeps serving. Connections beyond Options.MaxClients get
// "-ERR max number of clients reached" and are closed.
//
// # Concurrency
//
// A Server is safe for concurrent use. Shutdown stops every goroutine the server started
// before it returns.
package server
