"""PEP 249 exceptions and the mapping from MemFlux error messages to them.

The library reports errors as exact message texts (SPEC.md); ``error_class`` picks the
DB-API exception for a message so that callers can catch, for example, IntegrityError for
every constraint violation.
"""


class Warning(Exception):  # noqa: A001 - the name is mandated by PEP 249
    """Important warnings (PEP 249). MemFlux raises none today."""


class Error(Exception):
    """Base class of every MemFlux error."""


class InterfaceError(Error):
    """Misuse of the interface: closed connection or cursor, bad library, bad handle."""


class DatabaseError(Error):
    """An error reported by the database."""


class DataError(DatabaseError):
    """Bad data: not an integer, invalid JSON, division by zero, a failed cast."""


class OperationalError(DatabaseError):
    """The operation could not run now: serialization failure (retry), out of memory,
    no transaction in progress, the database could not be opened."""


class IntegrityError(DatabaseError):
    """A constraint was violated: NOT NULL, CHECK, UNIQUE, FOREIGN KEY, duplicate key."""


class InternalError(DatabaseError):
    """The library failed internally (a recovered panic)."""


class ProgrammingError(DatabaseError):
    """A mistake in the command or statement: syntax, unknown command, table or column,
    wrong number of arguments or parameters, wrong type of key."""


class NotSupportedError(DatabaseError):
    """The operation is not supported in this configuration."""


_DATA_ERRORS = (
    "value is not an integer",
    "value is not a valid float",
    "Value is not valid JSON",
    "Invalid count",
    "Division by zero",
    "Cannot cast",
    "invalid input syntax",
    "out of range",
    "Value too long",
    "invalid digit",
)

_OPERATIONAL_ERRORS = (
    "ABORT:",
    "OOM:",
    "No transaction in progress",
    "Transaction already in progress",
    "cannot be run inside a transaction",
)


def error_class(message):
    """Return the exception class for a MemFlux error message."""
    if message.startswith(("Invalid cursor handle", "Invalid database handle")):
        return InterfaceError
    if message.startswith("Internal error"):
        return InternalError
    if message.startswith(_OPERATIONAL_ERRORS) or "Serialization failure" in message:
        return OperationalError
    if "is not supported" in message:
        return NotSupportedError
    sql = message.startswith("Execution Error: ")
    text = message[len("Execution Error: "):] if sql else message
    if sql and _is_integrity(text):
        return IntegrityError
    if any(s in text for s in _DATA_ERRORS):
        return DataError
    return ProgrammingError


def _is_integrity(text):
    """Whether an SQL error text reports a constraint violation (SPEC §4.15)."""
    if "no unique or exclusion constraint" in text or text.startswith("Constraint '"):
        return False  # a mistake in the statement, not a violation
    lowered = text.lower()
    return "constraint" in lowered or "failed to create unique index" in lowered
