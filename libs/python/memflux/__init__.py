"""memflux: the embedded MemFlux database for Python, a PEP 249 (DB-API 2.0) module.

    import memflux

    with memflux.connect({"persistence": False}) as conn:
        cur = conn.cursor()
        cur.execute("SET greeting 'hello world'")
        cur.execute("GET greeting")
        print(cur.fetchone())                      # b'hello world'
        cur.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
        cur.execute("INSERT INTO users (id, name) VALUES (?, ?)", (1, "O'Brien"))
        cur.execute("SELECT * FROM users WHERE id = ?", (1,))
        print(cur.fetchall())                      # [{'id': 1, 'name': "O'Brien"}]

The module talks to libmemflux.so through ctypes (standard library only). It finds the
library through connect(lib=...), $MEMFLUX_LIB, or next to the package.
"""

from .connection import Connection, connect
from .cursor import Cursor
from .errors import (DatabaseError, DataError, Error, IntegrityError, InterfaceError,
                     InternalError, NotSupportedError, OperationalError, ProgrammingError,
                     Warning)

apilevel = "2.0"
threadsafety = 2  # threads may share the module and connections, not cursors
paramstyle = "qmark"  # ? placeholders; $1, $2 ... work as well in SQL

__all__ = [
    "connect", "Connection", "Cursor", "apilevel", "threadsafety", "paramstyle",
    "Warning", "Error", "InterfaceError", "DatabaseError", "DataError", "OperationalError",
    "IntegrityError", "InternalError", "ProgrammingError", "NotSupportedError",
]
