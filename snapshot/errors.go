package snapshot

import "errors"

// Errors returned by Load.
var (
	// ErrCorrupt marks a snapshot file that fails verification; the error names the file
	// and the byte offset. Load installs nothing from such a file.
	ErrCorrupt = errors.New("snapshot: corrupt")
)
