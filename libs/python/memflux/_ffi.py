"""ctypes bindings of libmemflux.so (include/memflux.h, SPEC §9.1)."""

import ctypes
import os
import threading

from . import _text
from .errors import InterfaceError, OperationalError, error_class

# FFIResponseType values.
OK, SIMPLE_STRING, BYTES, MULTI_BYTES, INTEGER, NIL, ERROR = range(7)

LIBRARY_NAME = "libmemflux.so"


class FFIResponse(ctypes.Structure):
    """The 64-byte response struct."""

    _fields_ = [
        ("response_type", ctypes.c_int),
        ("string_value", ctypes.c_char_p),
        ("bytes_value", ctypes.POINTER(ctypes.c_char)),
        ("bytes_len", ctypes.c_size_t),
        ("multi_bytes_value", ctypes.POINTER(ctypes.POINTER(ctypes.c_char))),
        ("multi_bytes_lens", ctypes.POINTER(ctypes.c_size_t)),
        ("multi_bytes_count", ctypes.c_size_t),
        ("integer_value", ctypes.c_int64),
    ]


assert ctypes.sizeof(FFIResponse) == 64


def find_library(lib=None):
    """Locate libmemflux.so: lib if given, else $MEMFLUX_LIB, else next to the package
    (in the package directory or its parent)."""
    if lib:
        return os.fspath(lib)
    env = os.environ.get("MEMFLUX_LIB")
    if env:
        return env
    here = os.path.dirname(os.path.abspath(__file__))
    for d in (here, os.path.dirname(here)):
        path = os.path.join(d, LIBRARY_NAME)
        if os.path.exists(path):
            return path
    raise InterfaceError(
        "cannot find %s: pass lib=..., set MEMFLUX_LIB, or put it next to the memflux package"
        % LIBRARY_NAME)


_array_type_cache = {}


def _array_types(n):
    """The ctypes array types for n arguments (creating a type is slow: cache them)."""
    t = _array_type_cache.get(n)
    if t is None:
        t = (ctypes.c_char_p * n, ctypes.c_size_t * n)
        if n <= 64:
            _array_type_cache[n] = t
    return t


_loaded = {}
_loaded_lock = threading.Lock()


def load(lib=None):
    """Return the Library for a path, loading it once per process."""
    path = os.path.realpath(find_library(lib))
    with _loaded_lock:
        if path not in _loaded:
            try:
                _loaded[path] = Library(ctypes.CDLL(path))
            except OSError as e:
                raise InterfaceError("cannot load %s: %s" % (path, e)) from e
        return _loaded[path]


class Reply:
    """A decoded response: type and value.

    value is: SIMPLE_STRING -> str; BYTES -> bytes; MULTI_BYTES -> list of bytes (None for a
    nil element); INTEGER -> int; NIL -> None.
    """

    __slots__ = ("type", "value")

    def __init__(self, type_, value):
        self.type = type_
        self.value = value

    def decoded(self):
        """The value with BYTES items JSON-decoded when they parse (SPEC §9.4)."""
        if self.type == BYTES:
            return _text.decode(self.value)
        if self.type == MULTI_BYTES:
            return [None if v is None else _text.decode(v) for v in self.value]
        return self.value


class Library:
    """The functions of one loaded libmemflux.so. Safe for concurrent use."""

    def __init__(self, dll):
        self._dll = dll
        vp, rp = ctypes.c_void_p, ctypes.POINTER(FFIResponse)
        self._sig("memflux_open", vp, ctypes.c_char_p)
        self._sig("memflux_close", None, vp)
        self._sig("memflux_cursor_open", vp, vp)
        self._sig("memflux_cursor_close", None, vp)
        self._sig("memflux_exec", rp, vp, vp, ctypes.c_char_p)
        self._sig("memflux_exec_argv", rp, vp, vp, ctypes.c_int,
                  ctypes.POINTER(ctypes.c_char_p), ctypes.POINTER(ctypes.c_size_t))
        self._sig("memflux_response_free", None, rp)
        self._sig("memflux_last_error", ctypes.c_char_p)

    def _sig(self, name, restype, *argtypes):
        f = getattr(self._dll, name)
        f.restype = restype
        f.argtypes = argtypes
        setattr(self, name, f)

    def last_error(self):
        msg = self.memflux_last_error()
        return msg.decode("utf-8", "replace") if msg else ""

    def open(self, config_json):
        db = self.memflux_open(config_json.encode("utf-8"))
        if not db:
            raise OperationalError(self.last_error() or "memflux_open failed")
        return db

    def close(self, db):
        self.memflux_close(db)
        err = self.last_error()
        if err:
            raise OperationalError(err)

    def cursor_open(self, db):
        cur = self.memflux_cursor_open(db)
        if not cur:
            raise InterfaceError(self.last_error() or "memflux_cursor_open failed")
        return cur

    def cursor_close(self, cur):
        self.memflux_cursor_close(cur)

    def exec(self, db, cur, command):
        """Run a command string through memflux_exec."""
        return self._reply(self.memflux_exec(db, cur, command.encode("utf-8")))

    def exec_argv(self, db, cur, args):
        """Run an argument vector (a list of bytes) through memflux_exec_argv."""
        n = len(args)
        argv_t, lens_t = _array_types(n)
        argv = argv_t(*args)
        lens = lens_t(*map(len, args))
        return self._reply(self.memflux_exec_argv(db, cur, n, argv, lens))

    def _reply(self, r):
        """Decode a response, free it, and raise the mapped exception for ERROR."""
        if not r:
            raise InterfaceError(self.last_error() or "memflux: NULL response")
        try:
            return _decode(r.contents)
        finally:
            self.memflux_response_free(r)


def _decode(resp):
    t = resp.response_type
    if t == ERROR:
        msg = (resp.string_value or b"").decode("utf-8", "replace")
        raise error_class(msg)(msg)
    if t in (OK, SIMPLE_STRING):
        return Reply(SIMPLE_STRING, (resp.string_value or b"").decode("utf-8", "replace"))
    if t == BYTES:
        if not resp.bytes_value:
            return Reply(BYTES, b"")
        return Reply(BYTES, ctypes.string_at(resp.bytes_value, resp.bytes_len))
    if t == MULTI_BYTES:
        n = resp.multi_bytes_count
        if not n or not resp.multi_bytes_value or not resp.multi_bytes_lens:
            return Reply(MULTI_BYTES, [])
        items, lens = resp.multi_bytes_value, resp.multi_bytes_lens
        out = []
        for i in range(n):
            p = items[i]
            out.append(ctypes.string_at(p, lens[i]) if p else None)
        return Reply(MULTI_BYTES, out)
    if t == INTEGER:
        return Reply(INTEGER, resp.integer_value)
    return Reply(NIL, None)
