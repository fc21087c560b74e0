"""Client-side text handling: the tokenizer port, SQL detection, parameter encoding,
error classification."""

import datetime
import decimal
import shlex
import unittest

import memflux
from memflux import _text
from memflux.errors import error_class

from .helpers import DBTestCase


class SplitTest(unittest.TestCase):
    CASES = [
        ("SET k v", [b"SET", b"k", b"v"]),
        ("  GET\t\tk \n", [b"GET", b"k"]),
        ("SET k v\r", [b"SET", b"k", b"v\r"]),
        ("SET k 'a \"b\" \\n'", [b"SET", b"k", b'a "b" \\n']),
        ('"\\$ \\` \\" \\\\ \\n"', [b'$ ` " \\ \\n']),
        ("a\\ b c\\\nd", [b"a b", b"cd"]),
        ("a'b'\"c\"", [b"abc"]),
        ("SET k v # comment\n# more", [b"SET", b"k", b"v"]),
        ("k#1", [b"k#1"]),
        ("", []),
    ]

    def test_cases(self):
        for s, want in self.CASES:
            self.assertEqual([w for w, _ in _text.split(s)], want, s)

    def test_errors(self):
        for s in ("'a", '"a', "a\\", '"a\\'):
            with self.assertRaises(_text.SplitError, msg=s):
                _text.split(s)

    def test_shlex_join_round_trip(self):
        words = ["SET", "it's", 'a "b"', "", "x\ny", "\\", "#", "é"]
        got = [w.decode() for w, _ in _text.split(shlex.join(words))]
        self.assertEqual(got, words)

    def test_quoted_flag(self):
        self.assertEqual([q for _, q in _text.split("? '?' \\? \"?\"")], [False, True, True, True])


class SplitMatchesLibraryTest(DBTestCase):
    """The Python port splits exactly like memflux_exec."""

    def test_same_words(self):
        for s in ["a 'b c' \"d\\\"e\" f\\ g", "x\r y", "'it'\"'\"'s'", "a\\\nb", "k # c"]:
            self.cur.execute("DEL l")
            self.cur.execute("RPUSH l " + s)
            lib = self.cur.execute("LRANGE l 0 -1").fetchall()
            port = [w for w, _ in _text.split(s)]
            self.assertEqual([x if isinstance(x, bytes) else str(x).encode() for x in lib], port, s)


class ClassifyTest(unittest.TestCase):
    def test_classify(self):
        cases = [
            ("SELECT * FROM t", ("sql", "SELECT * FROM t")),
            ("  select 1 from t", ("sql", "select 1 from t")),
            ("WITH x AS (SELECT 1 FROM t) SELECT * FROM x", ("sql", None)),
            ("INSERT INTO t (a) VALUES (1)", ("sql", None)),
            ("DELETE FROM t WHERE a = 1", ("sql", None)),
            ("delete\tfrom t", ("sql", None)),
            ("DELETE key1 key2", ("command", None)),
            ("SQL SELECT * FROM t WHERE a = 'x y'", ("sql", "SELECT * FROM t WHERE a = 'x y'")),
            ("sql\tCREATE TABLE t (a INT)", ("sql", "CREATE TABLE t (a INT)")),
            ("SQLX foo", ("command", None)),
            ("(SELECT 1 FROM t)", ("sql", None)),
            ("BEGIN", ("command", None)),
            ("SET k v", ("command", None)),
            ("", ("command", None)),
        ]
        for op, (kind, text) in cases:
            got = _text.classify(op)
            self.assertEqual(got[0], kind, op)
            if text is not None:
                self.assertEqual(got[1], text, op)


class ParamTest(unittest.TestCase):
    def test_json_param(self):
        cases = [
            (None, b"null"), (True, b"true"), (False, b"false"), (42, b"42"), (-1, b"-1"),
            (1.5, b"1.5"), (2.0, b"2.0"), ("it's", b'"it\'s"'), ('say "hi"', b'"say \\"hi\\""'),
            ("é", '"é"'.encode()), (b"abc", b'"abc"'), (b"\x00\xff", b'"\\\\x00ff"'),
            (decimal.Decimal("1.10"), b"1.10"), (datetime.date(2024, 1, 2), b'"2024-01-02"'),
        ]
        for value, want in cases:
            self.assertEqual(_text.json_param(value), want, value)
        with self.assertRaises(memflux.DataError):
            _text.json_param(float("nan"))
        with self.assertRaises(memflux.ProgrammingError):
            _text.json_param(object())

    def test_command_argv(self):
        self.assertEqual(_text.command_argv("SET ? '?'", [b"\x00"]), [b"SET", b"\x00", b"?"])
        with self.assertRaises(memflux.ProgrammingError):
            _text.command_argv("SET ? ?", [1])
        with self.assertRaises(memflux.ProgrammingError):
            _text.command_argv("SET 'x ?", [1])


class ErrorClassTest(unittest.TestCase):
    def test_mapping(self):
        cases = [
            ("Execution Error: NULL value in column 'name' violates not-null constraint",
             memflux.IntegrityError),
            ("Execution Error: CHECK constraint failed for table 't'", memflux.IntegrityError),
            ("Execution Error: UNIQUE constraint 'unique_t_a' failed for column 'a'",
             memflux.IntegrityError),
            ("Execution Error: PRIMARY KEY constraint failed. Key 't:1' already exists.",
             memflux.IntegrityError),
            ("Execution Error: Insert or update on table 'c' violates foreign key constraint. "
             "A matching key was not found in table 'p'.", memflux.IntegrityError),
            ("Execution Error: Failed to create unique index: duplicate", memflux.IntegrityError),
            ("Execution Error: there is no unique or exclusion constraint matching the ON "
             "CONFLICT specification", memflux.ProgrammingError),
            ("Execution Error: Expected 'FROM', found end of input", memflux.ProgrammingError),
            ("Execution Error: Table 'x' does not exist", memflux.ProgrammingError),
            ("Execution Error: Division by zero", memflux.DataError),
            ("ABORT: Serialization failure, please retry transaction", memflux.OperationalError),
            ("OOM: No more keys to evict, but still not enough memory", memflux.OperationalError),
            ("WRONGTYPE Operation against a list", memflux.ProgrammingError),
            ("Unknown command: FOO", memflux.ProgrammingError),
            ("Invalid cursor handle", memflux.InterfaceError),
            ("Internal error: boom", memflux.InternalError),
        ]
        for msg, cls in cases:
            self.assertIs(error_class(msg), cls, msg)


if __name__ == "__main__":
    unittest.main()
