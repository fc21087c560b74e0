package evict

import "fmt"

// Policy selects which keys go first when memory must be freed. It is a plain value.
type Policy uint8

// The policies (SPEC §8 `eviction_policy`).
const (
	// LRU evicts the least recently used key, approximated Redis-style: a pool of the best
	// candidates among a few keys sampled per eviction, by a recency stamp in Chain.Access.
	LRU Policy = iota
	// LFU evicts the least frequently used key: Redis's logarithmic 8-bit counter with
	// decay, sampled like LRU.
	LFU
	// LFRU splits keys into an unprivileged partition (new keys; approximate LFU over the
	// oldest few) and a privileged one (keys read again; LRU by second chance).
	LFRU
	// ARC is the adaptive replacement cache in its clock form (CAR, Bansal & Modha 2004):
	// recency and frequency lists with ghost histories that tune their balance.
	ARC
	// Random evicts a uniformly random key.
	Random
	// NoEviction never evicts: writes that do not fit fail with ErrNoMemory.
	NoEviction
)

var policyNames = [...]string{LRU: "lru", LFU: "lfu", LFRU: "lfru", ARC: "arc", Random: "random", NoEviction: "noeviction"}

// String returns the configuration spelling of the policy.
func (p Policy) String() string {
	if int(p) < len(policyNames) {
		return policyNames[p]
	}
	return fmt.Sprintf("Policy(%d)", uint8(p))
}

// ParsePolicy returns the policy named by its configuration spelling (lowercase).
func ParsePolicy(name string) (Policy, error) {
	for p, n := range policyNames {
		if n == name {
			return Policy(p), nil
		}
	}
	return 0, fmt.Errorf("%w: %q", ErrPolicy, name)
}

// Policies lists every policy that evicts, in documentation order.
func Policies() []Policy { return []Policy{LRU, LFU, LFRU, ARC, Random} }
