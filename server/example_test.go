package server_test

import (
	"bufio"
	"context"
	"fmt"
	"log"
	"net"

	"github.com/memflux/memflux"
	"github.com/memflux/memflux/server"
)

// Serve an in-memory database on a free loopback port, talk to it, and stop it.
func Example() {
	cfg := memflux.DefaultConfig()
	cfg.Persistence = false
	db, err := memflux.Open(cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	srv, err := server.New(db, nil) // nil: default options
	if err != nil {
		log.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go srv.Serve(ln)

	// Any Redis client works; here, the raw protocol with an inline command and an array.
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	fmt.Fprint(c, "SET greeting \"hello world\"\r\n*2\r\n$3\r\nGET\r\n$8\r\ngreeting\r\n")
	r := bufio.NewReader(c)
	for range 3 {
		line, _ := r.ReadString('\n')
		fmt.Printf("%q\n", line)
	}

	if err := srv.Shutdown(context.Background()); err != nil {
		log.Fatal(err)
	}
	// Output:
	// "+OK\r\n"
	// "$11\r\n"
	// "hello world\r\n"
}
