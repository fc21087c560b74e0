package server

import "errors"

// Lifecycle errors.
var (
	// ErrServerClosed is returned by Serve and ListenAndServe after Shutdown or Close.
	ErrServerClosed = errors.New("server: closed")
)

// Configuration errors.
var (
	// ErrOptions marks an invalid Options value; the message names the field.
	ErrOptions = errors.New("server: invalid options")
)

// TLS errors.
var (
	// ErrTLS marks a failure to load or generate the TLS certificate and key.
	ErrTLS = errors.New("server: tls")
)

// Reply texts the server itself produces (the command layer produces all others).
const (
	// msgMaxClients is sent to a connection refused by Options.MaxClients.
	msgMaxClients = "max number of clients reached"
	// msgPanic is sent when a command panicked; %s is the command name.
	msgPanic = "internal error while executing '%s' (see the server log)"
)
