"""PEP 249 Cursor."""

import threading

from . import _ffi, _text
from .errors import InterfaceError, OperationalError, ProgrammingError

_TXN_WORDS = frozenset(["BEGIN", "COMMIT", "ROLLBACK", "START", "END"])


class Cursor:
    """A cursor: one session of the database, with its own transaction (BEGIN ... COMMIT).

    execute() takes SQL statements (SELECT, INSERT, ... or "SQL <statement>") and
    Redis-style commands ("SET k v", "LRANGE l 0 -1") alike:

    - SQL rows come back as dicts; DML sets rowcount; parameters are bound server-side
      through SQL.EXEC (qmark ? or $1 placeholders), never spliced into the text.
    - A command without parameters is a string split like a shell command line (SPEC §9.2);
      with parameters, each bare ? word is replaced by one parameter, binary-safe.
    - A command's reply is decoded as SPEC §9.4 says (JSON when it parses, else bytes) and
      is available as ``result``; arrays give one row per element, other replies one row.

    A cursor is safe to use from several threads, but its statements run one at a time.
    """

    arraysize = 1

    def __init__(self, connection, handle):
        self._conn = connection
        self._handle = handle
        self._lock = threading.Lock()  # protects _handle, _in_txn and the result state
        self._in_txn = False
        self._reset()

    # ---- PEP 249 attributes ----

    @property
    def connection(self):
        return self._conn

    @property
    def closed(self):
        return self._handle is None

    def _reset(self):
        self.description = None
        self.rowcount = -1
        self.result = None
        self.lastrowid = None
        self._rows = []
        self._pos = 0

    # ---- execution ----

    def execute(self, operation, parameters=None):
        """Run one SQL statement or command; return the cursor."""
        if not isinstance(operation, str):
            raise ProgrammingError("operation must be a str")
        if parameters is not None and not isinstance(parameters, (list, tuple)):
            if isinstance(parameters, dict):
                raise ProgrammingError("named parameters are not supported; use ? or $1")
            parameters = list(parameters)
        kind, text = _text.classify(operation)
        with self._lock:
            db, cur = self._handles()
            lib = self._conn._lib
            self._reset()
            self._track_transaction(kind, text, lib, db, cur)
            if kind == "sql":
                reply = self._exec_sql(lib, db, cur, text, parameters)
            elif parameters:
                reply = lib.exec_argv(db, cur, _text.command_argv(text, parameters))
            else:
                reply = lib.exec(db, cur, text)
            self._set_result(reply, kind == "sql")
        return self

    def executemany(self, operation, seq_of_parameters):
        """Run operation once per parameter sequence; rowcount is the total of DML counts."""
        total = -1
        for params in seq_of_parameters:
            self.execute(operation, params)
            if self.rowcount >= 0:
                total = max(total, 0) + self.rowcount
        self.rowcount = total
        return self

    def _exec_sql(self, lib, db, cur, text, parameters):
        if parameters:
            args = [b"SQL.EXEC", text.encode("utf-8")]
            args += [_text.json_param(p) for p in parameters]
            return lib.exec_argv(db, cur, args)
        return lib.exec_argv(db, cur, [b"SQL", text.encode("utf-8")])

    def _track_transaction(self, kind, text, lib, db, cur):
        """Keep _in_txn in step with BEGIN/COMMIT/ROLLBACK and, when autocommit is off,
        open a transaction before the first other statement."""
        words = _text.first_words(text)
        first = words[0] if words else ""
        if first in _TXN_WORDS:
            ends = first in ("COMMIT", "END") or (first == "ROLLBACK" and words[1:] != ("TO",))
            self._in_txn = not ends
            return
        if not self._conn.autocommit and not self._in_txn:
            try:
                lib.exec(db, cur, "BEGIN")
            except OperationalError:
                pass  # already in one (opened by a command we did not recognize)
            self._in_txn = True

    def _end_transaction(self, word):
        """COMMIT or ROLLBACK the cursor's transaction, if one is open."""
        with self._lock:
            if self._handle is None:
                return
            db, cur = self._handles()
            self._in_txn = False
            try:
                self._conn._lib.exec(db, cur, word)
            except OperationalError as e:
                if "No transaction in progress" not in str(e):
                    raise

    def _set_result(self, reply, sql):
        value = reply.decoded()
        self.result = value
        if reply.type == _ffi.MULTI_BYTES:
            self._rows = value
            self.rowcount = len(value)
            if sql:
                self.description = _describe(value)
        elif reply.type == _ffi.INTEGER and sql:
            self.rowcount = value  # rows affected by DML
        elif reply.type == _ffi.NIL or (sql and reply.type == _ffi.SIMPLE_STRING):
            pass  # no rows
        else:
            self._rows = [value]

    # ---- fetching ----

    def fetchone(self):
        self._check()
        if self._pos >= len(self._rows):
            return None
        row = self._rows[self._pos]
        self._pos += 1
        return row

    def fetchmany(self, size=None):
        self._check()
        n = self.arraysize if size is None else size
        rows = self._rows[self._pos:self._pos + n]
        self._pos += len(rows)
        return rows

    def fetchall(self):
        self._check()
        rows = self._rows[self._pos:]
        self._pos = len(self._rows)
        return rows

    def __iter__(self):
        while True:
            row = self.fetchone()
            if row is None and self._pos >= len(self._rows):
                return
            yield row

    def setinputsizes(self, sizes):
        """Accepted and ignored (PEP 249)."""

    def setoutputsize(self, size, column=None):
        """Accepted and ignored (PEP 249)."""

    def nextset(self):
        """MemFlux statements return one result set."""
        return None

    def callproc(self, procname, parameters=None):
        from .errors import NotSupportedError
        raise NotSupportedError("MemFlux has no stored procedures")

    # ---- closing ----

    def close(self):
        """Close the cursor, rolling back its open transaction. Closing twice is allowed."""
        with self._lock:
            handle, self._handle = self._handle, None
        if handle is None:
            return
        self._conn._forget(self)
        if not self._conn.closed:
            self._conn._lib.cursor_close(handle)

    def _detach(self):
        """Called by Connection.close, which closes the C cursors itself."""
        with self._lock:
            self._handle = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        self.close()
        return False

    def _check(self):
        if self._handle is None:
            raise InterfaceError("cursor is closed")

    def _handles(self):
        """The (database, cursor) handles. REQUIRES: self._lock held."""
        self._check()
        return self._conn._handle(), self._handle


def _describe(rows):
    """PEP 249 description for SQL rows: one 7-tuple per column name, in order of first
    appearance (rows are JSON objects with sorted members, SPEC §3.3)."""
    names = {}
    for row in rows:
        if not isinstance(row, dict):
            return None
        for k in row:
            names.setdefault(k, None)
    return tuple((name, None, None, None, None, None, None) for name in names)
