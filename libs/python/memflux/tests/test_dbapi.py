"""PEP 249 surface: module globals, connections, cursors, fetching, transactions."""

import json
import os
import threading
import unittest

import memflux
from memflux import _ffi

from .helpers import DBTestCase, data_config


class ModuleTest(unittest.TestCase):
    def test_globals(self):
        self.assertEqual(memflux.apilevel, "2.0")
        self.assertEqual(memflux.threadsafety, 2)
        self.assertEqual(memflux.paramstyle, "qmark")

    def test_exception_hierarchy(self):
        self.assertTrue(issubclass(memflux.Error, Exception))
        self.assertTrue(issubclass(memflux.Warning, Exception))
        for cls in (memflux.InterfaceError, memflux.DatabaseError):
            self.assertTrue(issubclass(cls, memflux.Error))
        for cls in (memflux.DataError, memflux.OperationalError, memflux.IntegrityError,
                    memflux.InternalError, memflux.ProgrammingError, memflux.NotSupportedError):
            self.assertTrue(issubclass(cls, memflux.DatabaseError))

    def test_connect_config_forms(self):
        for config in ({"persistence": False}, '{"persistence": false}',
                       b'{"persistence": false, "host": "ignored", "port": 1}'):
            conn = memflux.connect(config)
            self.assertEqual(conn.cursor().execute("PING").fetchone(), "PONG")
            conn.close()

    def test_connect_defaults_use_working_directory(self):
        d = tempfile_dir(self)
        old = os.getcwd()
        os.chdir(d)
        try:
            conn = memflux.connect()
            conn.cursor().execute("SET k v")
            conn.close()
        finally:
            os.chdir(old)
        self.assertTrue(os.path.exists(os.path.join(d, "memflux.wal")))

    def test_connect_errors(self):
        with self.assertRaises(memflux.OperationalError) as cm:
            memflux.connect({"persistence": False, "eviction_policy": "LRU"})
        self.assertIn("eviction_policy", str(cm.exception))
        with self.assertRaises(memflux.OperationalError):
            memflux.connect({"persistence": "yes"})
        with self.assertRaises(memflux.OperationalError):
            memflux.connect("{not json")
        with self.assertRaises(memflux.InterfaceError):
            memflux.connect({"persistence": False}, lib="/nonexistent/libmemflux.so")

    def test_find_library(self):
        self.assertEqual(_ffi.find_library("/x/lib.so"), "/x/lib.so")
        self.assertEqual(_ffi.find_library(), os.environ["MEMFLUX_LIB"])
        saved = os.environ.pop("MEMFLUX_LIB")
        try:
            pkg = os.path.dirname(os.path.abspath(_ffi.__file__))
            if not os.path.exists(os.path.join(pkg, "libmemflux.so")) and \
                    not os.path.exists(os.path.join(os.path.dirname(pkg), "libmemflux.so")):
                with self.assertRaises(memflux.InterfaceError):
                    _ffi.find_library()
        finally:
            os.environ["MEMFLUX_LIB"] = saved


def tempfile_dir(test):
    import shutil
    import tempfile
    d = tempfile.mkdtemp(prefix="memflux-py-")
    test.addCleanup(shutil.rmtree, d, True)
    return d


class CursorTest(DBTestCase):
    def test_execute_returns_cursor(self):
        self.assertIs(self.cur.execute("PING"), self.cur)

    def test_string_commands(self):
        cur = self.cur
        self.assertEqual(cur.execute("SET greeting 'hello world'").fetchone(), "OK")
        self.assertEqual(cur.execute("GET greeting").fetchone(), b"hello world")
        self.assertEqual(cur.execute("SET n 41").fetchone(), "OK")
        self.assertEqual(cur.execute("INCR n").fetchone(), 42)
        # SPEC §9.4: BYTES are JSON-decoded when they parse.
        self.assertEqual(cur.execute("GET n").fetchone(), 42)
        self.assertEqual(cur.result, 42)
        self.assertIsNone(cur.execute("GET missing").fetchone())
        self.assertEqual(cur.fetchall(), [])
        self.assertIsNone(cur.result)

    def test_arrays(self):
        cur = self.cur
        cur.execute("LPUSH letters a b c")
        self.assertEqual(cur.fetchone(), 3)
        cur.execute("LRANGE letters 0 -1")
        self.assertEqual(cur.rowcount, 3)
        self.assertEqual(cur.fetchone(), b"c")
        self.assertEqual(cur.fetchmany(1), [b"b"])
        self.assertEqual(cur.fetchall(), [b"a"])
        self.assertIsNone(cur.fetchone())
        self.assertEqual(cur.fetchall(), [])
        cur.execute("LRANGE letters 0 -1")
        cur.arraysize = 2
        self.assertEqual(cur.fetchmany(), [b"c", b"b"])
        self.assertEqual(list(cur), [b"a"])
        cur.execute("LRANGE nothing 0 -1")
        self.assertEqual(cur.fetchall(), [])
        self.assertEqual(cur.rowcount, 0)

    def test_nil_elements(self):
        self.cur.execute("SET a 1")
        self.assertEqual(self.cur.execute("MGET a missing").fetchall(), [1, None])

    def test_json_documents(self):
        cur = self.cur
        cur.execute("""JSON.SET user:1 '{"name": "Ann", "tags": ["a", "b"]}'""")
        self.assertEqual(cur.execute("JSON.GET user:1").fetchone(),
                         {"name": "Ann", "tags": ["a", "b"]})
        # A string addressed by a path comes back raw (SPEC §3.4), so it stays bytes.
        self.assertEqual(cur.execute("JSON.GET user:1.name").fetchone(), b"Ann")

    def test_shell_quoting(self):
        cur = self.cur
        import shlex
        for value in ["it's", 'say "hi"', "back\\slash", "tab\there", "new\nline", "$HOME",
                      "# not a comment", "", "  spaces  ", "é ü"]:
            cur.execute(shlex.join(["SET", "k", value]))
            self.assertEqual(cur.execute("GET k").fetchone(), value.encode(), value)

    def test_command_parameters_binary_safe(self):
        cur = self.cur
        values = [b"\x00\xff\x01binary", "it's \"quoted\"", b"", "$1 ? #", 7, 2.5, True]
        for v in values:
            cur.execute("SET ? ?", ("key", v))
            got = cur.execute("GET key").result
            want = v
            if isinstance(v, str):
                want = v.encode()
            elif isinstance(v, bool):
                want = 1
            self.assertEqual(got, want, v)
        # A quoted ? is a literal word, not a placeholder.
        cur.execute("SET '?' ?", (b"question",))
        self.assertEqual(cur.execute("GET ?", ("?",)).fetchone(), b"question")
        with self.assertRaises(memflux.ProgrammingError):
            cur.execute("SET ? ?", ("only one",))
        with self.assertRaises(memflux.ProgrammingError):
            cur.execute("SET k ?", (None,))

    def test_description_for_commands(self):
        self.cur.execute("PING")
        self.assertIsNone(self.cur.description)
        self.assertEqual(self.cur.rowcount, -1)

    def test_executemany(self):
        self.cur.executemany("SET ? ?", [("a", "1"), ("b", "2"), ("c", "3")])
        self.assertEqual(self.cur.execute("MGET a b c").fetchall(), [1, 2, 3])

    def test_misc_methods(self):
        self.cur.setinputsizes([1])
        self.cur.setoutputsize(10)
        self.assertIsNone(self.cur.nextset())
        self.assertIs(self.cur.connection, self.conn)
        with self.assertRaises(memflux.NotSupportedError):
            self.cur.callproc("p")

    def test_closed_cursor(self):
        self.cur.close()
        self.cur.close()  # twice is fine
        self.assertTrue(self.cur.closed)
        with self.assertRaises(memflux.InterfaceError):
            self.cur.execute("PING")
        with self.assertRaises(memflux.InterfaceError):
            self.cur.fetchone()

    def test_context_managers(self):
        with self.conn.cursor() as cur:
            cur.execute("SET k v")
        self.assertTrue(cur.closed)
        d = tempfile_dir(self)
        with memflux.connect(data_config(d)) as conn:
            conn.cursor().execute("SET k v")
        self.assertTrue(conn.closed)
        with self.assertRaises(memflux.InterfaceError):
            conn.cursor()
        with memflux.connect(data_config(d)) as conn:
            self.assertEqual(conn.cursor().execute("GET k").fetchone(), b"v")

    def test_context_manager_rolls_back_on_error(self):
        d = tempfile_dir(self)
        with self.assertRaises(RuntimeError):
            with memflux.connect(data_config(d)) as conn:
                cur = conn.cursor()
                cur.execute("BEGIN")
                cur.execute("SET k v")
                raise RuntimeError("boom")
        with memflux.connect(data_config(d)) as conn:
            self.assertIsNone(conn.cursor().execute("GET k").fetchone())

    def test_invalid_command_strings(self):
        cases = {
            "SET k 'unbalanced": "Invalid command string",
            "   # only a comment": "Empty command string",
            "": "Empty command string",
            "NOSUCH x": "Unknown command: NOSUCH",
        }
        for cmd, msg in cases.items():
            with self.assertRaises(memflux.ProgrammingError) as cm:
                self.cur.execute(cmd)
            self.assertEqual(str(cm.exception), msg)

    def test_error_mapping(self):
        cur = self.cur
        cur.execute("SET s text")
        cases = [
            ("LPUSH s x", memflux.ProgrammingError, "WRONGTYPE Operation against a non-list value"),
            ("INCR s", memflux.DataError, "value is not an integer or out of range"),
            ("COMMIT", memflux.OperationalError, "No transaction in progress"),
            ("SAVE", memflux.NotSupportedError, "SAVE is not supported when persistence is disabled"),
        ]
        for cmd, cls, msg in cases:
            with self.assertRaises(cls) as cm:
                cur.execute(cmd)
            self.assertEqual(str(cm.exception), msg, cmd)
        # The failing command left the cursor usable.
        self.assertEqual(cur.execute("PING").fetchone(), "PONG")


class TransactionTest(DBTestCase):
    def test_two_cursors_separate_transactions(self):
        c1, c2 = self.cur, self.conn.cursor()
        c1.execute("BEGIN")
        c1.execute("SET k one")
        c2.execute("BEGIN")
        c2.execute("SET other two")
        self.assertEqual(c1.execute("GET k").fetchone(), b"one")
        self.assertIsNone(c2.execute("GET k").fetchone())  # not committed
        self.assertIsNone(c1.execute("GET other").fetchone())
        c1.execute("COMMIT")
        c2.execute("ROLLBACK")
        self.assertEqual(c2.execute("GET k").fetchone(), b"one")
        self.assertIsNone(c1.execute("GET other").fetchone())

    def test_commit_and_rollback_methods(self):
        c1, c2 = self.cur, self.conn.cursor()
        c1.execute("BEGIN")
        c1.execute("SET a 1")
        c2.execute("BEGIN")
        c2.execute("SET b 2")
        self.conn.commit()  # commits both cursors' transactions
        self.assertEqual(c1.execute("MGET a b").fetchall(), [1, 2])
        c1.execute("BEGIN")
        c1.execute("SET a 3")
        self.conn.rollback()
        self.assertEqual(c2.execute("GET a").fetchone(), 1)
        self.conn.commit()  # nothing open: a no-op

    def test_autocommit_off(self):
        conn = memflux.connect({"persistence": False}, autocommit=False)
        self.addCleanup(conn.close)
        writer, reader = conn.cursor(), conn.cursor()
        writer.execute("SET k v")
        self.assertIsNone(reader.execute("GET k").fetchone())
        conn.commit()
        self.assertEqual(reader.execute("GET k").fetchone(), b"v")
        writer.execute("SET k w")
        conn.rollback()
        self.assertEqual(writer.execute("GET k").fetchone(), b"v")
        conn.commit()

    def test_cursor_close_rolls_back(self):
        c2 = self.conn.cursor()
        c2.execute("BEGIN")
        c2.execute("SET k v")
        c2.close()
        self.assertIsNone(self.cur.execute("GET k").fetchone())

    def test_close_with_open_cursors(self):
        conn = memflux.connect({"persistence": False})
        cursors = [conn.cursor() for _ in range(3)]
        for c in cursors:
            c.execute("BEGIN")
        conn.close()
        conn.close()
        for c in cursors:
            self.assertTrue(c.closed)
            c.close()

    def test_threads_with_own_cursors(self):
        errors = []

        def work(n):
            try:
                cur = self.conn.cursor()
                for i in range(100):
                    cur.execute("SET ? ?", ("t%d" % n, str(i)))
                    if cur.execute("GET ?", ("t%d" % n,)).fetchone() != i:
                        errors.append((n, i))
                cur.close()
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(e)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])


class PersistenceTest(unittest.TestCase):
    def test_reopen_in_same_process(self):
        d = tempfile_dir(self)
        conn = memflux.connect(data_config(d))
        cur = conn.cursor()
        cur.execute("SET key_in_wal wal_value")
        cur.execute("""JSON.SET user:wal '{"name": "wal"}'""")
        cur.execute("SET ? ?", ("binary", b"\x00\x01\xff"))
        conn.close()
        conn = memflux.connect(data_config(d))
        cur = conn.cursor()
        self.assertEqual(cur.execute("GET key_in_wal").fetchone(), b"wal_value")
        self.assertEqual(cur.execute("JSON.GET user:wal.name").fetchone(), b"wal")
        self.assertEqual(cur.execute("GET binary").fetchone(), b"\x00\x01\xff")
        cur.execute("SAVE")
        cur.execute("DELETE key_in_wal")
        conn.close()
        conn = memflux.connect(json.dumps(data_config(d)))
        cur = conn.cursor()
        self.assertIsNone(cur.execute("GET key_in_wal").fetchone())
        self.assertEqual(cur.execute("GET binary").fetchone(), b"\x00\x01\xff")
        conn.close()

    def test_spec_recovery_example(self):
        """SPEC §7: data in the snapshot and in the WAL after it survive close + open."""
        import time
        d = tempfile_dir(self)
        config = dict(data_config(d), wal_size_threshold_mb=1, durability="fsync")
        conn = memflux.connect(config)
        cur = conn.cursor()
        cur.execute("SET key_in_snapshot snap_value")
        cur.execute("""JSON.SET user:snapshot '{"name": "snap"}'""")
        big = b"x" * (256 * 1024)
        for i in range(8):  # 2 MiB: past the 1 MiB threshold, so a snapshot is taken
            cur.execute("SET ? ?", ("big:%d" % i, big))
        deadline = time.time() + 10
        while not os.path.exists(config["snapshot_file"]) and time.time() < deadline:
            time.sleep(0.05)
        self.assertTrue(os.path.exists(config["snapshot_file"]), "no snapshot within 10 s")
        cur.execute("SET key_in_wal wal_value")
        cur.execute("""JSON.SET user:wal '{"name": "wal"}'""")
        self.assertEqual(cur.execute("DELETE key_in_snapshot").fetchone(), 1)
        conn.close()

        conn = memflux.connect(config)
        cur = conn.cursor()
        self.assertEqual(cur.execute("GET key_in_wal").fetchone(), b"wal_value")
        self.assertEqual(cur.execute("JSON.GET user:wal.name").fetchone(), b"wal")
        self.assertEqual(cur.execute("JSON.GET user:snapshot.name").fetchone(), b"snap")
        self.assertIsNone(cur.execute("GET key_in_snapshot").fetchone())
        self.assertEqual(len(cur.execute("GET big:7").fetchone()), len(big))
        conn.close()


if __name__ == "__main__":
    unittest.main()
