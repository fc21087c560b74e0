package driver

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"sync"

	"github.com/memflux/memflux"
)

func init() {
	sql.Register("memflux", Driver{})
}

// Driver is the database/sql driver. It is safe for concurrent use.
type Driver struct{}

var (
	_ driver.Driver        = Driver{}
	_ driver.DriverContext = Driver{}
)

// Open opens one connection on its own reference to the database named by dsn; closing
// the connection drops the reference. database/sql does not call it (it uses
// OpenConnector), so with ":memory:" each such connection has a database of its own.
func (Driver) Open(dsn string) (driver.Conn, error) {
	c, err := Driver{}.OpenConnector(dsn)
	if err != nil {
		return nil, err
	}
	dc, err := c.Connect(context.Background())
	if err != nil {
		c.(*Connector).Close()
		return nil, err
	}
	dc.(*conn).release = c.(*Connector).Close
	return dc, nil
}

// OpenConnector opens (or shares) the database named by dsn. sql.Open calls it once per
// sql.DB, and sql.DB.Close closes the connector.
func (Driver) OpenConnector(dsn string) (driver.Connector, error) {
	cfg, err := ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	db, release, err := dbs.acquire(cfg)
	if err != nil {
		return nil, err
	}
	return &Connector{db: db, release: release}, nil
}

// Connector makes connections (sessions) on one memflux.DB. It is safe for concurrent
// use.
type Connector struct {
	db      *memflux.DB
	release func() error // nil when the caller owns db
	cols    columnCache
	once    sync.Once
}

var _ driver.Connector = (*Connector)(nil)

// NewConnector returns a connector on a database the caller opened and will close:
// sql.OpenDB(driver.NewConnector(db)). Closing the sql.DB does not close db.
func NewConnector(db *memflux.DB) *Connector {
	return &Connector{db: db}
}

// Connect opens a connection: a new session on the database.
func (c *Connector) Connect(ctx context.Context) (driver.Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return &conn{db: c.db, s: c.db.NewSession(), cols: &c.cols}, nil
}

// Driver returns the memflux driver.
func (c *Connector) Driver() driver.Driver { return Driver{} }

// Close drops the connector's reference to the database (database/sql calls it from
// sql.DB.Close). It does nothing for a connector made by NewConnector.
func (c *Connector) Close() error {
	var err error
	c.once.Do(func() {
		if c.release != nil {
			err = c.release()
		}
	})
	return err
}
