// Command memflux-server serves MemFlux over the Redis protocol. Run `memflux-server
// --help` for its flags; docs/configuration.md describes config.json.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/memflux/memflux/cmd/memflux-server/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // a second signal kills the process at once
	}()
	os.Exit(cli.Main(ctx, os.Args[1:], os.Stdout, os.Stderr))
}
