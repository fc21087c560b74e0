package driver

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/memflux/memflux"
)

// registry shares one memflux.DB between every opener of the same data directory in the
// process: two memflux.DBs on the same files would corrupt them. It is safe for concurrent
// use.
type registry struct {
	// mu protects open.
	mu   sync.Mutex
	open map[string]*sharedDB // by absolute data directory
}

// sharedDB is a reference-counted database; registry.mu guards refs.
type sharedDB struct {
	db   *memflux.DB
	cfg  memflux.Config
	refs int
}

// dbs is the process-wide registry.
var dbs registry

// acquire opens the database of cfg, or takes another reference to it when its directory
// is already open. In-memory databases are never shared. The returned release function
// drops the reference and closes the database with the last one.
func (r *registry) acquire(cfg memflux.Config) (*memflux.DB, func() error, error) {
	if !cfg.Persistence {
		db, err := memflux.Open(cfg)
		if err != nil {
			return nil, nil, err
		}
		return db, db.Close, nil
	}
	dir, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, nil, err
	}
	cfg.Dir = dir
	r.mu.Lock()
	defer r.mu.Unlock()
	if s, ok := r.open[dir]; ok {
		if s.cfg != cfg {
			return nil, nil, fmt.Errorf("%w: %s", ErrConfigMismatch, dir)
		}
		s.refs++
		return s.db, r.releaser(dir, s), nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, nil, err
	}
	db, err := memflux.Open(cfg)
	if err != nil {
		return nil, nil, err
	}
	if r.open == nil {
		r.open = make(map[string]*sharedDB)
	}
	s := &sharedDB{db: db, cfg: cfg, refs: 1}
	r.open[dir] = s
	return db, r.releaser(dir, s), nil
}

// releaser returns a function that drops one reference to s, once.
func (r *registry) releaser(dir string, s *sharedDB) func() error {
	var once sync.Once
	return func() error {
		var err error
		once.Do(func() {
			r.mu.Lock()
			defer r.mu.Unlock()
			s.refs--
			if s.refs > 0 {
				return
			}
			delete(r.open, dir)
			err = s.db.Close()
		})
		return err
	}
}
