package wal

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"time"
)

// Durability says when an appended record counts as durable, i.e. when Wait
// returns for it. It is a plain value.
type Durability uint8

const (
	// None never syncs on its own; only Close (and compaction) sync. A
	// process crash loses nothing (the data is in the page cache), an OS crash
	// or power failure can lose everything since the last Close.
	None Durability = iota
	// Fsync acknowledges once the record is in the mapping and syncs in the
	// background at least every SyncInterval while there is unsynced data. A
	// power failure can lose up to SyncInterval of acknowledged records.
	Fsync
	// Full acknowledges only after an fdatasync that covers the record.
	// Concurrent committers share one sync (group commit).
	Full
)

// String returns "none", "fsync" or "full".
func (d Durability) String() string {
	switch d {
	case None:
		return "none"
	case Fsync:
		return "fsync"
	case Full:
		return "full"
	default:
		return fmt.Sprintf("Durability(%d)", uint8(d))
	}
}

// ParseDurability parses the configuration names "none", "fsync" and "full".
func ParseDurability(s string) (Durability, error) {
	switch s {
	case "none":
		return None, nil
	case "fsync":
		return Fsync, nil
	case "full":
		return Full, nil
	}
	return None, fmt.Errorf("%w: %q", ErrUnknownDurability, s)
}

// Defaults applied by Options.EnsureDefaults (SPEC §7, §10).
const (
	DefaultPrimaryPath  = "memflux.wal"
	DefaultOverflowPath = "memflux.wal.overflow"
	DefaultSyncInterval = time.Second
)

// Options configures Open. The zero value is usable: both files in the
// working directory, durability None. It is a plain value; Open copies it.
type Options struct {
	// PrimaryPath is the primary log file; "" means DefaultPrimaryPath.
	PrimaryPath string
	// OverflowPath is the file appends go to while a compaction runs; ""
	// means DefaultOverflowPath when PrimaryPath is also empty, else
	// PrimaryPath + ".overflow".
	OverflowPath string
	// Durability decides when Wait returns. The zero value is None.
	Durability Durability
	// SyncInterval is the longest time unsynced data stays unsynced under
	// Fsync (and, as a backstop, under Full). Zero means DefaultSyncInterval.
	// None ignores it.
	SyncInterval time.Duration
	// Logger receives recovery warnings; nil discards them.
	Logger *slog.Logger
}

// EnsureDefaults fills the zero fields with their defaults and returns o.
func (o *Options) EnsureDefaults() *Options {
	if o.OverflowPath == "" {
		if o.PrimaryPath == "" {
			o.OverflowPath = DefaultOverflowPath
		} else {
			o.OverflowPath = o.PrimaryPath + ".overflow"
		}
	}
	if o.PrimaryPath == "" {
		o.PrimaryPath = DefaultPrimaryPath
	}
	if o.SyncInterval == 0 {
		o.SyncInterval = DefaultSyncInterval
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// Validate reports a configuration Open cannot use. Call it after
// EnsureDefaults.
func (o *Options) Validate() error {
	switch {
	case o.Durability > Full:
		return fmt.Errorf("%w: durability %d: %w", ErrInvalidOptions, o.Durability, ErrUnknownDurability)
	case o.PrimaryPath == "" || o.OverflowPath == "":
		return fmt.Errorf("%w: empty file path", ErrInvalidOptions)
	case filepath.Clean(o.PrimaryPath) == filepath.Clean(o.OverflowPath):
		return fmt.Errorf("%w: primary and overflow are both %q", ErrInvalidOptions, o.PrimaryPath)
	case o.SyncInterval < 0:
		return fmt.Errorf("%w: negative sync interval %v", ErrInvalidOptions, o.SyncInterval)
	}
	return nil
}
