"""PEP 249 Connection."""

import json
import threading

from . import _ffi
from .cursor import Cursor
from .errors import InterfaceError, OperationalError


def connect(config=None, lib=None, autocommit=True):
    """Open an embedded MemFlux database and return a Connection.

    config: the memflux_open configuration (SPEC §9.3) as a dict, a JSON string, or None
        for the defaults (persistence on, files memflux.wal and memflux.snapshot in the
        working directory). Example: {"persistence": False} for a purely in-memory database,
        {"wal_file": "/data/app.wal", "wal_overflow_file": "/data/app.wal.overflow",
        "snapshot_file": "/data/app.snapshot", "snapshot_temp_file": "/data/app.snapshot.tmp"}
        for one on disk.
    lib: the path of libmemflux.so; by default $MEMFLUX_LIB, else the library next to the
        package.
    autocommit: True (the default) runs every statement as its own transaction unless the
        cursor issued BEGIN; False opens a transaction on each cursor before its first
        statement, ended by Connection.commit() or rollback().
    """
    if config is None:
        text = "{}"
    elif isinstance(config, (str, bytes)):
        text = config.decode("utf-8") if isinstance(config, bytes) else config
    else:
        text = json.dumps(config)
    return Connection(_ffi.load(lib), text, autocommit)


class Connection:
    """An open database. Safe to share between threads (threadsafety 2): give each thread
    its own cursor. Each cursor is a session with its own transaction."""

    def __init__(self, library, config_json, autocommit=True):
        self._lib = library
        self._db = library.open(config_json)
        self._lock = threading.Lock()  # protects _cursors and _db
        self._cursors = set()
        self.autocommit = autocommit

    @property
    def closed(self):
        return self._db is None

    def _handle(self):
        db = self._db
        if db is None:
            raise InterfaceError("connection is closed")
        return db

    def cursor(self):
        """Open a cursor: a session with its own transaction context."""
        with self._lock:
            handle = self._lib.cursor_open(self._handle())
            cur = Cursor(self, handle)
            self._cursors.add(cur)
            return cur

    def _forget(self, cur):
        with self._lock:
            self._cursors.discard(cur)

    def _open_cursors(self):
        with self._lock:
            self._handle()
            return list(self._cursors)

    def commit(self):
        """Commit the open transaction of every cursor of this connection."""
        for cur in self._open_cursors():
            cur._end_transaction("COMMIT")

    def rollback(self):
        """Roll back the open transaction of every cursor of this connection."""
        for cur in self._open_cursors():
            cur._end_transaction("ROLLBACK")

    def close(self):
        """Close every cursor (rolling back open transactions) and the database, which
        flushes and releases its files. Closing twice is allowed."""
        with self._lock:
            db, self._db = self._db, None
            cursors, self._cursors = self._cursors, set()
        if db is None:
            return
        for cur in cursors:
            cur._detach()
        self._lib.close(db)  # closes the C cursors too

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        """Commit (or roll back when the block raised), then close."""
        try:
            if not self.closed:
                if exc_type is None:
                    self.commit()
                else:
                    self.rollback()
        except OperationalError:
            if exc_type is None:
                raise
        finally:
            self.close()
        return False
