package memflux

import "errors"

// save writes a snapshot (SAVE / BGSAVE).
func (db *DB) save(background bool) error {
	return errors.New("snapshots are not implemented yet")
}
