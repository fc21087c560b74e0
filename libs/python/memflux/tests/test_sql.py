"""SQL through the cursor: rows as dicts, description, rowcount, parameters bound by the
engine (SQL.EXEC), errors mapped to exceptions, transactions and persistence."""

import memflux

from .helpers import DBTestCase, data_config

USERS = [
    (1, "Ann", 30, "ann@example.com"),
    (2, "O'Brien", 20, "ob@example.com"),
    (3, 'Say "hi"', 41, None),
]


class SchemalessSelectTest(DBTestCase):
    """SELECT over JSON documents written by commands (no schema, no parameters)."""

    def setUp(self):
        super().setUp()
        import json
        for id_, name, age, _ in USERS:
            self.cur.execute("JSON.SET ? ?", ("people:%d" % id_, json.dumps({"name": name, "age": age})))

    def test_rows_are_dicts(self):
        cur = self.cur.execute("SELECT * FROM people ORDER BY age")
        self.assertEqual(cur.rowcount, 3)
        self.assertEqual(cur.fetchone(), {"age": 20, "id": "2", "name": "O'Brien"})
        self.assertEqual([r["name"] for r in cur.fetchall()], ["Ann", 'Say "hi"'])
        self.assertEqual([d[0] for d in cur.description], ["age", "id", "name"])
        self.assertTrue(all(len(d) == 7 for d in cur.description))

    def test_quotes_in_sql_text(self):
        # The statement goes as one argument: SQL quoting only, no shell quoting.
        rows = self.cur.execute("SELECT name FROM people WHERE name = 'O''Brien'").fetchall()
        self.assertEqual(rows, [{"name": "O'Brien"}])
        rows = self.cur.execute("""SELECT age FROM people WHERE name = 'Say "hi"'""").fetchall()
        self.assertEqual(rows, [{"age": 41}])

    def test_sql_prefix(self):
        rows = self.cur.execute("SQL SELECT name FROM people WHERE age > 25 ORDER BY name").fetchall()
        self.assertEqual(rows, [{"name": "Ann"}, {"name": 'Say "hi"'}])

    def test_empty_result(self):
        cur = self.cur.execute("SELECT * FROM people WHERE age > 100")
        self.assertEqual(cur.fetchall(), [])
        self.assertEqual(cur.rowcount, 0)
        self.assertEqual(cur.description, ())

    def test_syntax_error(self):
        with self.assertRaises(memflux.ProgrammingError) as cm:
            self.cur.execute("SELECT FROM")
        self.assertTrue(str(cm.exception).startswith("Execution Error: "))
        self.assertEqual(self.cur.execute("PING").fetchone(), "PONG")


class ParameterTest(DBTestCase):
    """Parameters bound server-side through memflux_exec_argv and SQL.EXEC."""

    def setUp(self):
        super().setUp()
        self.cur.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                         "age INTEGER CHECK (age >= 0), email TEXT UNIQUE)")
        self.cur.executemany("INSERT INTO users (id, name, age, email) VALUES (?, ?, ?, ?)", USERS)

    def test_insert_and_select(self):
        self.assertEqual(self.cur.rowcount, 3)
        cur = self.cur.execute("SELECT name, age FROM users WHERE id = ?", (2,))
        self.assertEqual(cur.fetchall(), [{"age": 20, "name": "O'Brien"}])
        cur = self.cur.execute("SELECT id FROM users WHERE name = $1", ('Say "hi"',))
        self.assertEqual(cur.fetchone(), {"id": 3})
        cur = self.cur.execute("SELECT id FROM users WHERE email IS NULL")
        self.assertEqual(cur.fetchall(), [{"id": 3}])

    def test_values_are_never_spliced(self):
        evil = "x'; DROP TABLE users; --"
        self.cur.execute("INSERT INTO users (id, name, age) VALUES (?, ?, ?)", (10, evil, 1))
        self.assertEqual(self.cur.execute("SELECT name FROM users WHERE id = ?", (10,)).fetchone(),
                         {"name": evil})
        self.assertEqual(self.cur.execute("SELECT COUNT(*) FROM users").fetchone(), {"COUNT(*)": 4})

    def test_types(self):
        self.cur.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, b BOOLEAN, f DOUBLE PRECISION, "
                         "s TEXT, n TEXT, raw BYTEA)")
        self.cur.execute("INSERT INTO t (id, b, f, s, n, raw) VALUES (?, ?, ?, ?, ?, ?)",
                         (1, True, 1.5, "é", None, b"\x00\xff\xfe"))
        row = self.cur.execute("SELECT b, f, s, n, raw FROM t WHERE id = ?", (1,)).fetchone()
        self.assertEqual(row, {"b": True, "f": 1.5, "s": "é", "n": None, "raw": "\\x00fffe"})
        with self.assertRaises(memflux.DataError):
            self.cur.execute("INSERT INTO t (id, b) VALUES (?, ?)", (2, "maybe"))
        with self.assertRaises(memflux.DataError):
            self.cur.execute("INSERT INTO t (id) VALUES (?)", ("not a number",))

    def test_binary_parameters(self):
        self.cur.execute("INSERT INTO users (id, name, age) VALUES (?, ?, ?)", (20, b"utf-8 bytes", 1))
        self.cur.execute("INSERT INTO users (id, name, age) VALUES (?, ?, ?)", (21, b"\x00\xff\xfe", 1))
        self.assertEqual(self.cur.execute("SELECT name FROM users WHERE id = ?", (20,)).fetchone(),
                         {"name": "utf-8 bytes"})
        self.assertEqual(self.cur.execute("SELECT name FROM users WHERE id = ?", (21,)).fetchone(),
                         {"name": "\\x00fffe"})

    def test_dml_rowcount(self):
        cur = self.cur.execute("UPDATE users SET age = age + 1 WHERE age < ?", (35,))
        self.assertEqual(cur.rowcount, 2)
        self.assertIsNone(cur.description)
        self.assertIsNone(cur.fetchone())
        cur = self.cur.execute("DELETE FROM users WHERE id = ?", (1,))
        self.assertEqual(cur.rowcount, 1)
        cur = self.cur.execute("DELETE FROM users WHERE id = ? RETURNING name", (2,))
        self.assertEqual(cur.fetchall(), [{"name": "O'Brien"}])

    def test_integrity_errors(self):
        cases = [
            ("INSERT INTO users (id, name, age) VALUES (?, ?, ?)", (1, "dup", 1)),
            ("INSERT INTO users (id, age) VALUES (?, ?)", (50, 1)),
            ("INSERT INTO users (id, name, age) VALUES (?, ?, ?)", (51, "neg", -1)),
            ("INSERT INTO users (id, name, age, email) VALUES (?, ?, ?, ?)", (52, "x", 1, "ann@example.com")),
        ]
        for sql, params in cases:
            with self.assertRaises(memflux.IntegrityError, msg=sql):
                self.cur.execute(sql, params)
        self.assertEqual(self.cur.execute("SELECT COUNT(*) FROM users").fetchone(), {"COUNT(*)": 3})

    def test_programming_errors(self):
        for sql, params in [("SELECT * FROM users WHERE", ()), ("SELECT nope FROM users", ()),
                            ("INSERT INTO nosuch VALUES (?)", (1,))]:
            with self.assertRaises(memflux.ProgrammingError, msg=sql):
                self.cur.execute(sql, params)

    def test_two_cursors_sql_transactions(self):
        other = self.conn.cursor()
        self.cur.execute("BEGIN")
        self.cur.execute("UPDATE users SET age = ? WHERE id = ?", (99, 1))
        self.assertEqual(other.execute("SELECT age FROM users WHERE id = ?", (1,)).fetchone(), {"age": 30})
        self.assertEqual(self.cur.execute("SELECT age FROM users WHERE id = ?", (1,)).fetchone(), {"age": 99})
        self.conn.commit()
        self.assertEqual(other.execute("SELECT age FROM users WHERE id = ?", (1,)).fetchone(), {"age": 99})


class SQLPersistenceTest(DBTestCase):
    def test_reopen_finds_table(self):
        d = self.tempdir()
        with memflux.connect(data_config(d)) as conn:
            cur = conn.cursor()
            cur.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
            cur.execute("INSERT INTO notes (id, body) VALUES (?, ?)", (1, "it's kept"))
        with memflux.connect(data_config(d)) as conn:
            cur = conn.cursor()
            self.assertEqual(cur.execute("SELECT body FROM notes WHERE id = ?", (1,)).fetchall(),
                             [{"body": "it's kept"}])
            with self.assertRaises(memflux.ProgrammingError):
                cur.execute("CREATE TABLE notes (id INTEGER)")  # the schema survived too
