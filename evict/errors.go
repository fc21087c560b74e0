package evict

import "errors"

// Errors of Admit and Trim. The front doors render them as SPEC §8's OOM messages.
var (
	// ErrItemTooLarge: a single write needs more memory than the whole limit, so no amount
	// of eviction can make it fit ("OOM: The item is larger than the maxmemory limit").
	ErrItemTooLarge = errors.New("evict: item larger than the memory limit")
	// ErrNoMemory: the write does not fit and nothing (more) may be evicted — every
	// evictable key is gone, or the policy is noeviction ("OOM: No more keys to evict, but
	// still not enough memory").
	ErrNoMemory = errors.New("evict: no more keys to evict")
)

// Errors of configuration.
var (
	// ErrPolicy: an eviction policy name that is not one of ParsePolicy's.
	ErrPolicy = errors.New("evict: unknown eviction policy")
)
