"""Shared test helpers."""

import os
import shutil
import tempfile
import unittest

import memflux


def data_config(directory):
    """A persistent configuration with every file in directory."""
    return {
        "wal_file": os.path.join(directory, "memflux.wal"),
        "wal_overflow_file": os.path.join(directory, "memflux.wal.overflow"),
        "snapshot_file": os.path.join(directory, "memflux.snapshot"),
        "snapshot_temp_file": os.path.join(directory, "memflux.snapshot.tmp"),
        "durability": "full",
    }


class DBTestCase(unittest.TestCase):
    """Opens an in-memory database (self.conn) and a cursor (self.cur) per test."""

    def setUp(self):
        self.conn = memflux.connect({"persistence": False})
        self.cur = self.conn.cursor()

    def tearDown(self):
        self.conn.close()

    def tempdir(self):
        d = tempfile.mkdtemp(prefix="memflux-py-")
        self.addCleanup(shutil.rmtree, d, True)
        return d
