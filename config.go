package memflux

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"
)

// Config configures a database and, for memflux-server, the listener. Its JSON form is the
// server's config.json and the FFI's memflux_open argument (SPEC §9.3, §10); the JSON keys
// and defaults below are that contract. Start from DefaultConfig. It is a plain value;
// Open copies it.
type Config struct {
	Host               string `json:"host"`                  // listen address (server only)
	Port               int    `json:"port"`                  // listen port (server only)
	RequirePass        string `json:"requirepass"`           // "" disables AUTH (server only)
	Persistence        bool   `json:"persistence"`           // false: no files at all
	Durability         string `json:"durability"`            // none | fsync | full
	WALFile            string `json:"wal_file"`              // primary WAL
	WALOverflowFile    string `json:"wal_overflow_file"`     // overflow WAL used during compaction
	SnapshotFile       string `json:"snapshot_file"`         // snapshot
	SnapshotTempFile   string `json:"snapshot_temp_file"`    // snapshot being written
	WALSizeThresholdMB int64  `json:"wal_size_threshold_mb"` // compaction trigger
	MaxMemoryMB        int64  `json:"maxmemory_mb"`          // 0: unlimited
	EvictionPolicy     string `json:"eviction_policy"`       // lru | lfu | lfru | arc | random | noeviction
	IsolationLevel     string `json:"isolation_level"`       // serializable | snapshot
	Encrypt            bool   `json:"encrypt"`               // TLS (server only)
	CertFile           string `json:"cert_file"`             // TLS certificate (server only)
	KeyFile            string `json:"key_file"`              // TLS key (server only)

	// Dir is the directory relative file names are resolved in ("" = working directory).
	Dir string `json:"-"`
	// VacuumInterval is the period of the background vacuum (0 = 60 s, the most frequent
	// SPEC §5.5 allows; negative disables it).
	VacuumInterval time.Duration `json:"-"`
	// Logger receives structured logs (nil = discard).
	Logger *slog.Logger `json:"-"`
}

// DefaultConfig returns the documented defaults (SPEC §10).
func DefaultConfig() Config {
	return Config{
		Host:               "127.0.0.1",
		Port:               8360,
		Persistence:        true,
		Durability:         "fsync",
		WALFile:            "memflux.wal",
		WALOverflowFile:    "memflux.wal.overflow",
		SnapshotFile:       "memflux.snapshot",
		SnapshotTempFile:   "memflux.snapshot.tmp",
		WALSizeThresholdMB: 128,
		EvictionPolicy:     "lru",
		IsolationLevel:     "serializable",
		CertFile:           "memflux.crt",
		KeyFile:            "memflux.key",
	}
}

// ParseConfig reads a JSON configuration over the defaults: missing keys keep their
// default, wrong types and values outside their allowed set are errors naming the key.
// It returns the names of keys it does not know (the server logs them as warnings).
func ParseConfig(data []byte) (cfg Config, unknown []string, err error) {
	cfg = DefaultConfig()
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return cfg, nil, fmt.Errorf("%w: not a JSON object: %w", ErrConfig, err)
	}
	known := configKeys()
	for k, v := range raw {
		dst, ok := known[k]
		if !ok {
			unknown = append(unknown, k)
			continue
		}
		if err := decodeStrict(v, dst(&cfg)); err != nil {
			return cfg, unknown, fmt.Errorf("%w: key %q: %w", ErrConfig, k, err)
		}
	}
	return cfg, unknown, cfg.Validate()
}

// configKeys maps each JSON key to the field it sets.
func configKeys() map[string]func(*Config) any {
	return map[string]func(*Config) any{
		"host":                  func(c *Config) any { return &c.Host },
		"port":                  func(c *Config) any { return &c.Port },
		"requirepass":           func(c *Config) any { return &c.RequirePass },
		"persistence":           func(c *Config) any { return &c.Persistence },
		"durability":            func(c *Config) any { return &c.Durability },
		"wal_file":              func(c *Config) any { return &c.WALFile },
		"wal_overflow_file":     func(c *Config) any { return &c.WALOverflowFile },
		"snapshot_file":         func(c *Config) any { return &c.SnapshotFile },
		"snapshot_temp_file":    func(c *Config) any { return &c.SnapshotTempFile },
		"wal_size_threshold_mb": func(c *Config) any { return &c.WALSizeThresholdMB },
		"maxmemory_mb":          func(c *Config) any { return &c.MaxMemoryMB },
		"eviction_policy":       func(c *Config) any { return &c.EvictionPolicy },
		"isolation_level":       func(c *Config) any { return &c.IsolationLevel },
		"encrypt":               func(c *Config) any { return &c.Encrypt },
		"cert_file":             func(c *Config) any { return &c.CertFile },
		"key_file":              func(c *Config) any { return &c.KeyFile },
	}
}

// decodeStrict decodes one value, refusing type mismatches (a number for a string, a
// float or string for an integer…).
func decodeStrict(raw json.RawMessage, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	switch d := dst.(type) {
	case *int, *int64:
		if t := bytes.TrimSpace(raw); len(t) == 0 || t[0] == '"' {
			return fmt.Errorf("want an integer")
		}
		var n json.Number
		if err := dec.Decode(&n); err != nil {
			return fmt.Errorf("want an integer")
		}
		i, err := n.Int64()
		if err != nil {
			return fmt.Errorf("want an integer, got %s", n)
		}
		if p, ok := d.(*int); ok {
			*p = int(i)
		} else {
			*d.(*int64) = i
		}
		return nil
	}
	if err := dec.Decode(dst); err != nil {
		switch dst.(type) {
		case *string:
			return fmt.Errorf("want a string")
		case *bool:
			return fmt.Errorf("want true or false")
		}
		return err
	}
	return nil
}

// Validate checks every enumerated and numeric setting.
func (c *Config) Validate() error {
	bad := func(key, val string, allowed string) error {
		return fmt.Errorf("%w: key %q: %q is not one of %s", ErrConfig, key, val, allowed)
	}
	switch c.Durability {
	case "none", "fsync", "full":
	default:
		return bad("durability", c.Durability, "none, fsync, full")
	}
	switch c.EvictionPolicy {
	case "lru", "lfu", "lfru", "arc", "random", "noeviction":
	default:
		return bad("eviction_policy", c.EvictionPolicy, "lru, lfu, lfru, arc, random, noeviction")
	}
	switch c.IsolationLevel {
	case "serializable", "snapshot":
	default:
		return bad("isolation_level", c.IsolationLevel, "serializable, snapshot")
	}
	if c.Port < 0 || c.Port > 65535 {
		return fmt.Errorf("%w: key \"port\": %d is out of range", ErrConfig, c.Port)
	}
	if c.WALSizeThresholdMB < 0 {
		return fmt.Errorf("%w: key \"wal_size_threshold_mb\": must not be negative", ErrConfig)
	}
	if c.MaxMemoryMB < 0 {
		return fmt.Errorf("%w: key \"maxmemory_mb\": must not be negative", ErrConfig)
	}
	if c.Persistence && (c.WALFile == "" || c.SnapshotFile == "" || c.SnapshotTempFile == "") {
		return fmt.Errorf("%w: wal_file, snapshot_file and snapshot_temp_file must be set when persistence is on", ErrConfig)
	}
	return nil
}

// MarshalIndent renders the configuration as the server writes a default config.json:
// the 16 keys in the documented order, 2-space indent.
func (c Config) MarshalIndent() ([]byte, error) {
	return json.MarshalIndent(c, "", "  ")
}

// path resolves a configured file name against Dir.
func (c *Config) path(name string) string {
	if name == "" || filepath.IsAbs(name) || c.Dir == "" {
		return name
	}
	return filepath.Join(c.Dir, name)
}
