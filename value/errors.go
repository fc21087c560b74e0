package value

import "errors"

// Decoding errors.
var (
	// ErrCorrupt is returned, wrapped with the detail, by Decode for input
	// that is not the encoding of a value: truncated, an unknown kind, a
	// malformed or oversized length, an empty list or set, or a set with a
	// repeated member. Test for it with errors.Is.
	ErrCorrupt = errors.New("value: corrupt encoding")
)
