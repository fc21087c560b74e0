// Package cli is memflux-server's command line: configuration file and flags, logging,
// the server's lifetime and a graceful stop. main.go only wires it to the process
// (arguments, standard streams, signals, exit code), so everything here runs in tests.
//
// # Configuration
//
// The configuration is read from config.json in the working directory, or from the file
// named by --config (SPEC.md §10). A missing file is created with every key at its
// default (2-space indent, documented order) and the defaults are used. A key missing
// from an existing file takes its default; invalid JSON, a value of the wrong type or
// outside its allowed set stops the server with an error naming the key; an unknown key
// is logged as a warning. Flags override the file. docs/configuration.md lists all of it.
//
// # Concurrency
//
// Main may run several times concurrently (tests do); each run has its own database and
// server.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/memflux/memflux"
	"github.com/memflux/memflux/server"
)

// DefaultConfigFile is the configuration file read from the working directory.
const DefaultConfigFile = "config.json"

// shutdownTimeout bounds how long a stop waits for in-flight commands.
const shutdownTimeout = 10 * time.Second

// Main runs memflux-server with args (without the program name) until ctx is done, which
// main.go arranges on SIGINT and SIGTERM, and returns the exit status: 0 after a clean
// stop or --help, 2 for a bad flag, 1 for any other error (logged to stderr).
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	err := Run(ctx, args, stdout, stderr)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "memflux-server: %v\nRun memflux-server --help for the flags.\n", err)
		return 2
	}
	newLogger(stderr, slog.LevelInfo).Error("memflux-server failed", "err", err)
	return 1
}

// Run is Main returning an error instead of an exit status.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl, err := parseFlags(args, stdout)
	if err != nil {
		return err
	}
	log := newLogger(stderr, fl.logLevel)
	cfg, err := loadConfig(fl.configPath, log)
	if err != nil {
		return err
	}
	if err := fl.apply(&cfg); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	if cfg.Dir != "" {
		if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
			return fmt.Errorf("create data directory: %w", err)
		}
	}
	cfg.Logger = log
	if fl.cpuProfile != "" {
		stop, err := startCPUProfile(fl.cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	return serve(ctx, cfg, fl.maxClients, log)
}

// startCPUProfile profiles the process into path until the returned function is called.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

// newLogger returns the text logger memflux-server writes to stderr.
func newLogger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

// loadConfig reads the configuration file, writing the defaults there when it is missing.
func loadConfig(path string, log *slog.Logger) (memflux.Config, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		cfg := memflux.DefaultConfig()
		if err := writeDefaultConfig(path, cfg); err != nil {
			return cfg, err
		}
		log.Info("wrote a default configuration file", "path", path)
		return cfg, nil
	}
	if err != nil {
		return memflux.Config{}, fmt.Errorf("read configuration: %w", err)
	}
	cfg, unknown, err := memflux.ParseConfig(data)
	if err == nil {
		err = checkIntegerKeys(data)
	}
	if err != nil {
		return cfg, fmt.Errorf("configuration file %s: %w", path, err)
	}
	for _, k := range unknown {
		log.Warn("unknown configuration key ignored", "path", path, "key", k)
	}
	return cfg, nil
}

// integerKeys are the configuration keys whose values must be JSON numbers.
var integerKeys = []string{"port", "wal_size_threshold_mb", "maxmemory_mb"}

// checkIntegerKeys rejects a quoted number for an integer key ("port": "8360"), which
// memflux.ParseConfig accepts because encoding/json decodes a numeric string into a
// json.Number. SPEC §10 makes it a wrong type.
func checkIntegerKeys(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return fmt.Errorf("%w: not a JSON object: %w", memflux.ErrConfig, err)
	}
	for _, k := range integerKeys {
		if v, ok := raw[k]; ok && len(v) > 0 && v[0] == '"' {
			return fmt.Errorf("%w: key %q: want an integer, got a string", memflux.ErrConfig, k)
		}
	}
	return nil
}

// writeDefaultConfig writes cfg as a new configuration file (all 16 keys, 2-space indent).
func writeDefaultConfig(path string, cfg memflux.Config) error {
	data, err := cfg.MarshalIndent()
	if err != nil {
		return err
	}
	data = append(data, '\n')
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("write default configuration: %w", err)
	}
	return nil
}

// serve opens the database, serves it until ctx is done, then stops gracefully: no new
// connections, in-flight commands finish, connections close (rolling back their
// transactions), the database closes.
func serve(ctx context.Context, cfg memflux.Config, maxClients int, log *slog.Logger) error {
	db, err := memflux.Open(cfg)
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer db.Close()
	opts := &server.Options{MaxClients: maxClients, Logger: log}
	if cfg.Encrypt {
		certFile, keyFile := inDir(cfg.Dir, cfg.CertFile), inDir(cfg.Dir, cfg.KeyFile)
		if opts.TLS, err = server.LoadOrCreateTLS(certFile, keyFile, log); err != nil {
			return err
		}
	}
	srv, err := server.New(db, opts)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port)))
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	log.Info("memflux-server listening", "addr", ln.Addr().String(), "tls", cfg.Encrypt,
		"auth", cfg.RequirePass != "", "persistence", cfg.Persistence, "version", memflux.Version)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("connections closed before their commands finished", "err", err)
	}
	<-served
	if err := db.Close(); err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	log.Info("stopped")
	return nil
}

// inDir resolves a relative file name against the data directory, as the database does.
func inDir(dir, name string) string {
	if dir == "" || filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(dir, name)
}

// flags holds the command line; it is a plain value owned by one Run.
type flags struct {
	fs         *flag.FlagSet
	configPath string
	logLevel   slog.Level
	maxClients int

	host, requirePass, dir                string
	durability, evictionPolicy, isolation string
	certFile, keyFile                     string
	port                                  int
	maxMemoryMB                           int64
	persistence, encrypt                  bool
	set                                   map[string]bool // flags given explicitly
	logLevelName                          string
	cpuProfile                            string
}

// parseFlags parses args. --help prints the usage to stdout and returns flag.ErrHelp;
// mistakes return an error wrapping errUsage.
func parseFlags(args []string, stdout io.Writer) (*flags, error) {
	fl := &flags{fs: flag.NewFlagSet("memflux-server", flag.ContinueOnError)}
	fs := fl.fs
	fs.SetOutput(io.Discard)
	def := memflux.DefaultConfig()
	fs.StringVar(&fl.configPath, "config", DefaultConfigFile, "configuration file (created with the defaults if missing)")
	fs.StringVar(&fl.host, "host", def.Host, "listen address (config key host)")
	fs.IntVar(&fl.port, "port", def.Port, "listen port, 0 for any free port (config key port)")
	fs.StringVar(&fl.dir, "dir", "", "directory of the data files: WAL, snapshot, TLS certificate and key (default: working directory)")
	fs.StringVar(&fl.requirePass, "requirepass", def.RequirePass, "password clients must AUTH with; empty disables AUTH (config key requirepass)")
	fs.StringVar(&fl.durability, "durability", def.Durability, "none, fsync or full (config key durability)")
	fs.BoolVar(&fl.persistence, "persistence", def.Persistence, "write the WAL and snapshots; --persistence=false keeps everything in memory only (config key persistence)")
	fs.Int64Var(&fl.maxMemoryMB, "maxmemory-mb", def.MaxMemoryMB, "memory limit in MiB, 0 for none (config key maxmemory_mb)")
	fs.StringVar(&fl.evictionPolicy, "eviction-policy", def.EvictionPolicy, "lru, lfu, lfru, arc, random or noeviction (config key eviction_policy)")
	fs.StringVar(&fl.isolation, "isolation", def.IsolationLevel, "serializable or snapshot (config key isolation_level)")
	fs.BoolVar(&fl.encrypt, "encrypt", def.Encrypt, "serve TLS (config key encrypt)")
	fs.StringVar(&fl.certFile, "cert-file", def.CertFile, "TLS certificate, generated if missing (config key cert_file)")
	fs.StringVar(&fl.keyFile, "key-file", def.KeyFile, "TLS private key, generated if missing (config key key_file)")
	fs.IntVar(&fl.maxClients, "maxclients", server.DefaultMaxClients, "maximum number of simultaneous connections")
	fs.StringVar(&fl.logLevelName, "log-level", "info", "debug, info, warn or error")
	fs.StringVar(&fl.cpuProfile, "cpuprofile", "", "write a CPU profile of the whole run to this file (go tool pprof reads it)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fl.usage(stdout)
			return nil, err
		}
		return nil, fmt.Errorf("%w: %w", errUsage, err)
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	if err := fl.logLevel.UnmarshalText([]byte(fl.logLevelName)); err != nil {
		return nil, fmt.Errorf("%w: --log-level: %w", errUsage, err)
	}
	fl.set = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { fl.set[f.Name] = true })
	return fl, nil
}

// apply overrides cfg with the flags given on the command line.
func (fl *flags) apply(cfg *memflux.Config) error {
	if fl.maxClients < 0 {
		return fmt.Errorf("%w: --maxclients must not be negative", errUsage)
	}
	overrides := map[string]func(){
		"host":            func() { cfg.Host = fl.host },
		"port":            func() { cfg.Port = fl.port },
		"dir":             func() { cfg.Dir = fl.dir },
		"requirepass":     func() { cfg.RequirePass = fl.requirePass },
		"durability":      func() { cfg.Durability = fl.durability },
		"persistence":     func() { cfg.Persistence = fl.persistence },
		"maxmemory-mb":    func() { cfg.MaxMemoryMB = fl.maxMemoryMB },
		"eviction-policy": func() { cfg.EvictionPolicy = fl.evictionPolicy },
		"isolation":       func() { cfg.IsolationLevel = fl.isolation },
		"encrypt":         func() { cfg.Encrypt = fl.encrypt },
		"cert-file":       func() { cfg.CertFile = fl.certFile },
		"key-file":        func() { cfg.KeyFile = fl.keyFile },
	}
	for name, set := range overrides {
		if fl.set[name] {
			set()
		}
	}
	return nil
}

// usage prints the help text.
func (fl *flags) usage(w io.Writer) {
	var b strings.Builder
	b.WriteString("Usage: memflux-server [flags]\n\n")
	b.WriteString("Serves MemFlux over the Redis protocol (RESP2/RESP3). The configuration is read from\n")
	b.WriteString("config.json in the working directory (written with the defaults if missing); flags\n")
	b.WriteString("override it. SIGINT or SIGTERM stops the server gracefully.\n\nFlags:\n")
	fl.fs.VisitAll(func(f *flag.Flag) {
		arg, help := flag.UnquoteUsage(f)
		fmt.Fprintf(&b, "  --%s", f.Name)
		if arg != "" {
			fmt.Fprintf(&b, " %s", arg)
		}
		fmt.Fprintf(&b, "\n        %s", help)
		switch {
		case f.DefValue == "" || f.DefValue == "false":
		case arg == "string":
			fmt.Fprintf(&b, " (default %q)", f.DefValue)
		default:
			fmt.Fprintf(&b, " (default %s)", f.DefValue)
		}
		b.WriteString("\n")
	})
	io.WriteString(w, b.String())
}
