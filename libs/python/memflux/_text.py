"""Client-side text handling: command splitting, SQL detection and parameter encoding.

Values are never spliced into command or SQL text: SQL parameters travel as separate
arguments of the ``SQL.EXEC`` command (each a JSON text), and command parameters replace
bare ``?`` words of the split command.
"""

import datetime
import decimal
import functools
import json
import math

from .errors import DataError, ProgrammingError

# First words that make an operation an SQL statement (the parser's statement keywords,
# SPEC §4.3). BEGIN, COMMIT, ROLLBACK, SAVEPOINT and RELEASE are commands too, with the same
# effect, so they go the command way; DELETE is SQL only when FROM follows.
SQL_WORDS = frozenset(
    ["SELECT", "WITH", "INSERT", "UPDATE", "CREATE", "DROP", "ALTER", "TRUNCATE", "EXPLAIN",
     "START", "END"])

_BLANKS = " \t\n"


class SplitError(ValueError):
    """Unbalanced quotes or a trailing backslash."""


def split(s):
    """Split a command string exactly as memflux_exec does (Rust shlex rules, SPEC §9.2).

    Returns a list of (word, quoted) pairs, word being bytes and quoted telling whether
    the word used any quoting or escaping.
    """
    data = s.encode("utf-8") if isinstance(s, str) else bytes(s)
    words, i, n = [], 0, len(data)
    while True:
        while i < n:  # skip separators and comments
            c = data[i]
            if c in b" \t\n":
                i += 1
            elif c == 0x23:  # '#'
                while i < n and data[i] != 0x0A:
                    i += 1
            else:
                break
        if i >= n:
            return words
        word, quoted = bytearray(), False
        while i < n:
            c = data[i]
            i += 1
            if c in b" \t\n":
                break
            if c == 0x27:  # single quote
                quoted = True
                end = data.find(b"'", i)
                if end < 0:
                    raise SplitError("unbalanced single quote")
                word += data[i:end]
                i = end + 1
            elif c == 0x22:  # double quote
                quoted = True
                i = _double(data, i, word)
            elif c == 0x5C:  # backslash
                quoted = True
                if i >= n:
                    raise SplitError("trailing backslash")
                if data[i] != 0x0A:
                    word.append(data[i])
                i += 1
            else:
                word.append(c)
        words.append((bytes(word), quoted))


def _double(data, i, word):
    """Append a double-quoted part starting after its quote; return the index after it."""
    n = len(data)
    while i < n:
        c = data[i]
        i += 1
        if c == 0x22:
            return i
        if c == 0x5C:
            if i >= n:
                break
            e = data[i]
            i += 1
            if e in b'$`"\\':
                word.append(e)
            elif e != 0x0A:
                word += bytes([0x5C, e])
        else:
            word.append(c)
    raise SplitError("unbalanced double quote")


@functools.lru_cache(maxsize=512)
def first_words(operation, count=2):
    """The first ``count`` whitespace-separated words of operation, upper-cased (a tuple)."""
    return tuple(w.upper() for w in operation.split(None, count)[:count])


@functools.lru_cache(maxsize=512)
def classify(operation):
    """Classify an operation: ("sql", text) for SQL (text without a leading SQL word),
    or ("command", operation)."""
    stripped = operation.lstrip(_BLANKS)
    if stripped.startswith("("):
        return "sql", stripped
    words = first_words(stripped)
    if not words:
        return "command", operation
    if words[0] == "SQL":
        rest = stripped[3:]
        if rest[:1] in ("", " ", "\t", "\n", "\r"):
            return "sql", rest.lstrip(_BLANKS + "\r")
    if words[0] in SQL_WORDS or (words[0] == "DELETE" and words[1:] == ("FROM",)):
        return "sql", stripped
    return "command", operation


def json_param(value):
    """Encode one SQL parameter as the JSON text SQL.EXEC expects."""
    if value is None:
        return b"null"
    if value is True:
        return b"true"
    if value is False:
        return b"false"
    if isinstance(value, int):
        return str(value).encode()
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise DataError("%r cannot be an SQL parameter" % value)
        return json.dumps(value).encode()
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            raise DataError("%s cannot be an SQL parameter" % value)
        return str(value).encode()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).encode("utf-8")
    if isinstance(value, (bytes, bytearray, memoryview)):
        raw = bytes(value)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = "\\x" + raw.hex()
        return json.dumps(text, ensure_ascii=False).encode("utf-8")
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return json.dumps(value.isoformat()).encode()
    raise ProgrammingError("unsupported parameter type %s" % type(value).__name__)


def arg_param(value):
    """Encode one command parameter as the raw bytes of its argument."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, bool):
        return b"1" if value else b"0"
    if isinstance(value, (int, decimal.Decimal)):
        return str(value).encode()
    if isinstance(value, float):
        return repr(value).encode()
    if value is None:
        raise ProgrammingError("None cannot be a command argument")
    raise ProgrammingError("unsupported parameter type %s" % type(value).__name__)


@functools.lru_cache(maxsize=512)
def _template(operation):
    """The words of a command and the positions of its bare ``?`` placeholders."""
    try:
        words = split(operation)
    except SplitError as e:
        raise ProgrammingError("Invalid command string") from e
    marks = tuple(i for i, (w, q) in enumerate(words) if w == b"?" and not q)
    return tuple(w for w, _ in words), marks


def command_argv(operation, params):
    """Split a command and replace each bare ``?`` word by the next parameter."""
    words, marks = _template(operation)
    if len(marks) != len(params):
        raise ProgrammingError(
            "the command has %d placeholders but %d parameters were given" % (len(marks), len(params)))
    argv = list(words)
    for i, p in zip(marks, params):
        argv[i] = arg_param(p)
    return argv


# Bytes a JSON text can start with (after optional whitespace): anything else is not JSON,
# which saves a failing json.loads on most plain values.
_JSON_START = frozenset(b'{["-0123456789tfnNI \t\r\n')


def decode(item):
    """Decode a BYTES item as SPEC §9.4 says: JSON when it parses, else the raw bytes."""
    if not item or item[0] not in _JSON_START:
        return item
    try:
        return json.loads(item.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return item
