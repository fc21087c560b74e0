"""Operations per second from Python: the memflux package through libmemflux.so against
redis-py through memflux-server (issue 9). run.sh sets everything up; by hand:

    PYTHONPATH=libs/python MEMFLUX_LIB=/tmp/libmemflux.so /usr/bin/python3 \
        bench/embedded/python_bench.py --port 8360

Each workload runs for --seconds (default 2) after a warm-up and prints ops/s for both
paths and their ratio. The SQL workloads use a 10,000-row table with an index.
"""

import argparse
import statistics
import sys
import time

import memflux

ROWS = 10000


def rate(fn, seconds, start=0):
    """Run fn(i) for about `seconds`; return operations per second."""
    n, t0 = start, time.perf_counter()
    deadline = t0 + seconds
    while True:
        for _ in range(100):
            fn(n)
            n += 1
        now = time.perf_counter()
        if now >= deadline:
            return (n - start) / (now - t0)


def compare(lib_fn, net_fn, seconds, rounds=5):
    """Median ops/s of both paths, measured in alternating slices so that load changes on
    the machine hit both alike."""
    for i in range(200):  # warm-up
        lib_fn(i)
        net_fn(i)
    a, b = [], []
    for r in range(rounds):
        a.append(rate(lib_fn, seconds / rounds, r * 1000003))
        b.append(rate(net_fn, seconds / rounds, r * 1000003))
    return statistics.median(a), statistics.median(b)


def lib_kv(cur):
    cur.execute("SET ? ?", ("key:0", "v"))
    return {
        "SET (string)": lambda i: cur.execute("SET key:%d 'a small value'" % (i % 1000)),
        "SET (params)": lambda i: cur.execute("SET ? ?", ("key:%d" % (i % 1000), b"a small value")),
        "GET (params)": lambda i: cur.execute("GET ?", ("key:%d" % (i % 1000),)).fetchone(),
    }


def lib_sql(cur):
    cur.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, email TEXT, age INTEGER)")
    cur.execute("CREATE INDEX users_email ON users (email)")
    cur.execute("BEGIN")
    for i in range(ROWS):
        cur.execute("INSERT INTO users (id, name, email, age) VALUES (?, ?, ?, ?)",
                    (i, "user %d" % i, "u%d@example.com" % i, 20 + i % 50))
    cur.execute("COMMIT")

    def check(row, i):
        if row != {"age": 20 + i % 50, "name": "user %d" % i}:
            raise AssertionError(row)

    return {
        "SQL point query by id": lambda i: check(cur.execute(
            "SELECT name, age FROM users WHERE id = ?", (i % ROWS,)).fetchone(), i % ROWS),
        "SQL point query by index": lambda i: check(cur.execute(
            "SELECT name, age FROM users WHERE email = ?", ("u%d@example.com" % (i % ROWS),)).fetchone(),
            i % ROWS),
    }


def redis_kv(r):
    r.execute_command("FLUSHDB")
    return {
        "SET (string)": lambda i: r.set("key:%d" % (i % 1000), "a small value"),
        "SET (params)": lambda i: r.set("key:%d" % (i % 1000), b"a small value"),
        "GET (params)": lambda i: r.get("key:%d" % (i % 1000)),
    }


def redis_sql(r):
    r.execute_command("SQL", "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, email TEXT, age INTEGER)")
    r.execute_command("SQL", "CREATE INDEX users_email ON users (email)")
    pipe = r.pipeline(transaction=False)
    for i in range(ROWS):
        pipe.execute_command(
            "SQL", "INSERT INTO users (id, name, email, age) VALUES (%d, 'user %d', 'u%d@example.com', %d)"
            % (i, i, i, 20 + i % 50))
    pipe.execute()
    return {
        "SQL point query by id": lambda i: r.execute_command(
            "SQL", "SELECT name, age FROM users WHERE id = %d" % (i % ROWS)),
        "SQL point query by index": lambda i: r.execute_command(
            "SQL", "SELECT name, age FROM users WHERE email = 'u%d@example.com'" % (i % ROWS)),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True, help="memflux-server port on 127.0.0.1")
    ap.add_argument("--seconds", type=float, default=2.0)
    args = ap.parse_args()

    import redis  # Debian python3-redis

    conn = memflux.connect({"persistence": False})
    cur = conn.cursor()
    r = redis.Redis(host="127.0.0.1", port=args.port)
    pairs = [(lib_kv(cur), redis_kv(r))]
    try:
        pairs.append((lib_sql(cur), redis_sql(r)))
    except (memflux.Error, redis.RedisError) as e:
        print("SQL workloads not run: %s" % e)

    print("%-26s %14s %14s %8s" % ("workload", "library ops/s", "redis-py ops/s", "ratio"))
    for lib, net in pairs:
        for name in lib:
            a, b = compare(lib[name], net[name], args.seconds)
            print("%-26s %14.0f %14.0f %7.1fx" % (name, a, b, a / b))
            sys.stdout.flush()
    conn.close()


if __name__ == "__main__":
    main()
