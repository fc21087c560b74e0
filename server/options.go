package server

import (
	"crypto/tls"
	"fmt"
	"log/slog"
)

// Defaults applied by Options.EnsureDefaults to zero fields.
const (
	// DefaultAddr is where ListenAndServe listens when Options.Addr is empty.
	DefaultAddr = "127.0.0.1:8360"
	// DefaultMaxClients bounds simultaneous connections.
	DefaultMaxClients = 10000
	// DefaultMaxBulkLen is the largest accepted argument (512 MiB).
	DefaultMaxBulkLen = 512 << 20
	// DefaultMaxArgs is the largest accepted number of arguments in one request.
	DefaultMaxArgs = 1 << 20
	// DefaultMaxInlineLen is the longest accepted inline command line (64 KiB).
	DefaultMaxInlineLen = 64 << 10
)

// Options configures a Server. The zero value (or a nil *Options) means the defaults; every
// zero field means its default. It is a plain value; New copies it.
type Options struct {
	// Addr is the TCP address ListenAndServe listens on (default "127.0.0.1:8360").
	Addr string
	// TLS, when non-nil, makes every connection speak TLS (see LoadOrCreateTLS).
	TLS *tls.Config
	// MaxClients bounds the number of simultaneous connections (default 10000); the
	// connection over the limit gets "-ERR max number of clients reached" and is closed.
	MaxClients int
	// MaxBulkLen is the largest accepted bulk string, in bytes (default 512 MiB).
	MaxBulkLen int64
	// MaxArgs is the largest accepted number of arguments of one request (default 1<<20).
	MaxArgs int
	// MaxInlineLen is the longest accepted inline command, and RESP header line, in bytes
	// (default 64 KiB).
	MaxInlineLen int
	// Logger receives connection errors and recovered panics (default: discard).
	Logger *slog.Logger
}

// EnsureDefaults fills the zero fields of o with their defaults and returns o.
func (o *Options) EnsureDefaults() *Options {
	if o.Addr == "" {
		o.Addr = DefaultAddr
	}
	if o.MaxClients == 0 {
		o.MaxClients = DefaultMaxClients
	}
	if o.MaxBulkLen == 0 {
		o.MaxBulkLen = DefaultMaxBulkLen
	}
	if o.MaxArgs == 0 {
		o.MaxArgs = DefaultMaxArgs
	}
	if o.MaxInlineLen == 0 {
		o.MaxInlineLen = DefaultMaxInlineLen
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// Validate reports a negative limit as an error wrapping ErrOptions.
func (o *Options) Validate() error {
	switch {
	case o.MaxClients < 0:
		return fmt.Errorf("%w: MaxClients %d is negative", ErrOptions, o.MaxClients)
	case o.MaxBulkLen < 0:
		return fmt.Errorf("%w: MaxBulkLen %d is negative", ErrOptions, o.MaxBulkLen)
	case o.MaxArgs < 0:
		return fmt.Errorf("%w: MaxArgs %d is negative", ErrOptions, o.MaxArgs)
	case o.MaxInlineLen < 0:
		return fmt.Errorf("%w: MaxInlineLen %d is negative", ErrOptions, o.MaxInlineLen)
	}
	return nil
}
