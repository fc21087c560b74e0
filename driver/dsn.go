package driver

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/memflux/memflux"
)

// dsnBool and dsnInt list the options that are not strings (their JSON type).
var (
	dsnBool = map[string]bool{"persistence": true}
	dsnInt  = map[string]bool{"wal_size_threshold_mb": true, "maxmemory_mb": true}
	dsnStr  = map[string]bool{
		"durability": true, "wal_file": true, "wal_overflow_file": true, "snapshot_file": true,
		"snapshot_temp_file": true, "eviction_policy": true, "isolation_level": true,
	}
)

// ParseDSN turns a data source name into a configuration (see the package documentation
// for the syntax). The options are validated exactly like memflux_open's JSON.
func ParseDSN(dsn string) (memflux.Config, error) {
	path, query, _ := strings.Cut(dsn, "?")
	path = strings.TrimPrefix(path, "file:")
	opts := map[string]any{}
	if path == "" || path == ":memory:" {
		opts["persistence"] = false
	}
	values, err := url.ParseQuery(query)
	if err != nil {
		return memflux.Config{}, fmt.Errorf("%w: %w", ErrDSN, err)
	}
	for key, vs := range values {
		v := vs[len(vs)-1]
		switch {
		case dsnBool[key]:
			b, err := strconv.ParseBool(v)
			if err != nil {
				return memflux.Config{}, fmt.Errorf("%w: option %s: %q is not a boolean", ErrDSN, key, v)
			}
			opts[key] = b
		case dsnInt[key]:
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return memflux.Config{}, fmt.Errorf("%w: option %s: %q is not an integer", ErrDSN, key, v)
			}
			opts[key] = n
		case dsnStr[key]:
			opts[key] = v
		default:
			return memflux.Config{}, fmt.Errorf("%w: unknown option %q", ErrDSN, key)
		}
	}
	raw, err := json.Marshal(opts)
	if err != nil {
		return memflux.Config{}, fmt.Errorf("%w: %w", ErrDSN, err)
	}
	cfg, _, err := memflux.ParseConfig(raw)
	if err != nil {
		return memflux.Config{}, fmt.Errorf("%w: %w", ErrDSN, err)
	}
	if cfg.Persistence {
		if path == "" || path == ":memory:" {
			return memflux.Config{}, fmt.Errorf("%w: persistence needs a data directory", ErrDSN)
		}
		cfg.Dir = path
	}
	return cfg, nil
}
