package server

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/memflux/memflux"
	"github.com/redis/go-redis/v9"
)

// step is one command of a multi-connection scenario: which connection sends it and the
// exact reply.
type step struct {
	conn int // 1 or 2
	cmd  string
	want any // as in cmdCase
}

// runSteps plays a scenario over two single-connection clients.
func runSteps(t *testing.T, addr string, proto int, steps []step) {
	t.Helper()
	ctx := context.Background()
	conns := map[int]*redis.Client{}
	for _, n := range []int{1, 2} {
		c := oneConn(addr, proto)
		defer c.Close()
		conns[n] = c
	}
	if err := conns[1].Do(ctx, "FLUSHDB").Err(); err != nil {
		t.Fatal(err)
	}
	for i, s := range steps {
		got, err := conns[s.conn].Do(ctx, split(s.cmd)...).Result()
		checkReply(t, stepName(i, s), got, err, s.want, false)
	}
}

func stepName(i int, s step) string {
	return "step " + string(rune('0'+i/10)) + string(rune('0'+i%10)) + " (conn" + string(rune('0'+s.conn)) + ") " + s.cmd
}

// TestTransactionVisibility checks SPEC §5.2 over the wire, with two connections.
func TestTransactionVisibility(t *testing.T) {
	ts := startServer(t, nil)
	scenarios := map[string][]step{
		"commit publishes": {
			{1, "SET k old", "OK"},
			{1, "RPUSH l a", int64(1)},
			{1, "BEGIN", "OK"},
			{1, "SET k new", "OK"},
			{1, "LPUSH l x y", int64(3)},
			{1, "SET created 1", "OK"},
			{1, "GET k", "new"},
			{1, "LRANGE l 0 -1", []any{"y", "x", "a"}},
			{2, "GET k", "old"},
			{2, "LLEN l", int64(1)},
			{2, "GET created", null},
			{2, "KEYS *", []any{"k", "l"}},
			{1, "COMMIT", "OK"},
			{2, "GET k", "new"},
			{2, "LLEN l", int64(3)},
			{2, "GET created", "1"},
		},
		"rollback discards": {
			{1, "SET keep 1", "OK"},
			{1, "BEGIN", "OK"},
			{1, "SET created 1", "OK"},
			{1, "DELETE keep", int64(1)},
			{1, "GET keep", null},
			{2, "GET keep", "1"},
			{1, "ROLLBACK", "OK"},
			{1, "GET created", null},
			{2, "GET created", null},
			{2, "GET keep", "1"},
			{1, "GET keep", "1"},
		},
		"snapshot is stable": {
			{1, "SET k v1", "OK"},
			{1, "BEGIN", "OK"},
			{1, "GET k", "v1"},
			{2, "SET k v2", "OK"},
			{2, "SET other x", "OK"},
			{1, "GET k", "v1"},
			{1, "GET other", null},
			{1, "COMMIT", "OK"},
			{1, "GET k", "v2"},
		},
		"failed command keeps the transaction": {
			{1, "BEGIN", "OK"},
			{1, "SET a 1", "OK"},
			{1, "LPUSH a x", wireErr("ERR WRONGTYPE Operation against a non-list value")},
			{1, "GET a", "1"},
			{1, "COMMIT", "OK"},
			{2, "GET a", "1"},
		},
		"serializable conflict aborts": {
			{1, "SET x 0", "OK"},
			{2, "BEGIN", "OK"}, // B
			{1, "BEGIN", "OK"}, // A, begun while B is active
			{2, "GET x", "0"},
			{2, "SET y 1", "OK"},
			{1, "SET x 1", "OK"},
			{1, "COMMIT", "OK"},
			{2, "COMMIT", wireErr("ERR ABORT: Serialization failure, please retry transaction")},
			{2, "GET y", null},
			{2, "GET x", "1"},
			{2, "COMMIT", wireErr("ERR No transaction in progress")},
		},
		"savepoints (SPEC 5.3 example)": {
			{1, "BEGIN", "OK"},
			{1, "SET k1 1", "OK"},
			{1, "SAVEPOINT sp1", "OK"},
			{1, "SET k2 2", "OK"},
			{1, "SAVEPOINT sp2", "OK"},
			{1, "SET k3 3", "OK"},
			{1, "ROLLBACK_TO_SAVEPOINT sp2", "OK"},
			{1, "MGET k1 k2 k3", []any{"1", "2", nil}},
			{1, "RELEASE_SAVEPOINT sp1", "OK"},
			{1, "COMMIT", "OK"},
			{2, "MGET k1 k2 k3", []any{"1", "2", nil}},
		},
		"flushdb while another connection is in a transaction": {
			{1, "SET a 1", "OK"},
			{2, "BEGIN", "OK"},
			{2, "SET b 2", "OK"},
			{1, "FLUSHDB", "OK"},
			{2, "GET a", null},
			{2, "GET b", "2"},
			{2, "COMMIT", "OK"},
			{1, "KEYS *", []any{"b"}},
		},
		"VACUUM sequence (SPEC 5.5)": {
			{1, "SET key1 value1", "OK"},
			{1, "SET key2 value2", "OK"},
			{1, "SET key1 value1_new", "OK"},
			{1, "VACUUM", "Removed 1 versions and 0 keys"},
			{1, "DELETE key2", int64(1)},
			{1, "VACUUM", "Removed 1 versions and 1 keys"},
			{1, "GET key2", null},
			{1, "SET key3 value3", "OK"},
			{2, "BEGIN", "OK"},
			{1, "SET key3 value3_new", "OK"},
			{1, "VACUUM", "Removed 0 versions and 0 keys"},
			{2, "GET key3", "value3"},
			{2, "COMMIT", "OK"},
			{1, "VACUUM", "Removed 1 versions and 0 keys"},
			{1, "GET key3", "value3_new"},
		},
	}
	for name, steps := range scenarios {
		for _, proto := range []int{2, 3} {
			t.Run(name+"/resp="+string(rune('0'+proto)), func(t *testing.T) {
				runSteps(t, ts.addr, proto, steps)
			})
		}
	}
}

// TestSnapshotIsolationDoesNotAbort checks that isolation_level "snapshot" disables the
// serializable check of SPEC §5.2.
func TestSnapshotIsolationDoesNotAbort(t *testing.T) {
	ts := startServer(t, func(cfg *memflux.Config, _ *Options) { cfg.IsolationLevel = "snapshot" })
	runSteps(t, ts.addr, 2, []step{
		{1, "SET x 0", "OK"},
		{2, "BEGIN", "OK"},
		{1, "BEGIN", "OK"},
		{2, "GET x", "0"},
		{2, "SET y 1", "OK"},
		{1, "SET x 1", "OK"},
		{1, "COMMIT", "OK"},
		{2, "COMMIT", "OK"},
		{1, "GET y", "1"},
	})
}

// TestDisconnectMidTransaction checks that a connection closed inside a transaction leaves
// no trace: its writes never become visible and it does not hold back VACUUM's horizon
// (SPEC §1.1, §5.2, Q55, Q66).
func TestDisconnectMidTransaction(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	rdb := oneConn(ts.addr, 3)
	defer rdb.Close()
	if err := rdb.Do(ctx, "SET", "x", "1").Err(); err != nil {
		t.Fatal(err)
	}

	for _, how := range []string{"clean close", "mid-request"} {
		t.Run(how, func(t *testing.T) {
			rc := ts.dial(t)
			rc.send(encodeCommand("BEGIN") + encodeCommand("SET", "ghost", "1") + encodeCommand("LPUSH", "x2", "a") + encodeCommand("DELETE", "x"))
			rc.expect("+OK\r\n")
			rc.expect("+OK\r\n")
			rc.expect(":1\r\n")
			rc.expect(":1\r\n")
			if how == "mid-request" {
				rc.send("*3\r\n$3\r\nSET\r\n$5\r\nghost\r\n$10\r\nhalf") // truncated
			}
			rc.c.Close()

			waitFor(t, "the transaction to be rolled back", func() bool {
				info, err := rdb.Do(ctx, "INFO", "stats").Text()
				return err == nil && strings.Contains(info, "open_transactions:0\r\n")
			})
			for _, c := range []cmdCase{
				{cmd: "GET ghost", want: null},
				{cmd: "EXISTS x2", want: int64(0)},
				{cmd: "GET x", want: "1"},
			} {
				got, err := rdb.Do(ctx, split(c.cmd)...).Result()
				checkReply(t, c.cmd, got, err, c.want, false)
			}
			// Had the transaction stayed active, it would hold the VACUUM horizon below
			// this overwrite and the dead version could not be removed.
			if err := rdb.Do(ctx, "SET", "x", "1").Err(); err != nil {
				t.Fatal(err)
			}
			got, err := rdb.Do(ctx, "VACUUM").Result()
			checkReply(t, "VACUUM", got, err, "Removed 1 versions and 0 keys", false)
		})
	}
}

// TestConnectionsAreIndependent runs many connections at once, each in its own
// transaction, and checks that every committed counter is exact.
func TestConnectionsAreIndependent(t *testing.T) {
	ts := startServer(t, func(cfg *memflux.Config, _ *Options) { cfg.IsolationLevel = "snapshot" })
	ctx := context.Background()
	const clients, rounds = 8, 50
	errc := make(chan error, clients)
	for i := range clients {
		go func() {
			rdb := oneConn(ts.addr, 3)
			defer rdb.Close()
			key := "c" + string(rune('a'+i))
			for range rounds {
				cmds, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
					p.Do(ctx, "BEGIN")
					p.Do(ctx, "INCR", key)
					p.Do(ctx, "RPUSH", key+":log", "x")
					p.Do(ctx, "COMMIT")
					return nil
				})
				if err != nil {
					errc <- err
					return
				}
				for _, c := range cmds {
					if c.Err() != nil {
						errc <- c.Err()
						return
					}
				}
			}
			errc <- nil
		}()
	}
	for range clients {
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
	}
	rdb := redis.NewClient(&redis.Options{Addr: ts.addr})
	defer rdb.Close()
	for i := range clients {
		key := "c" + string(rune('a'+i))
		n, err := rdb.Do(ctx, "GET", key).Int()
		if err != nil || n != rounds {
			t.Errorf("GET %s = %d, %v; want %d", key, n, err, rounds)
		}
		if l, err := rdb.Do(ctx, "LLEN", key+":log").Int(); err != nil || l != rounds {
			t.Errorf("LLEN %s:log = %d, %v; want %d", key, l, err, rounds)
		}
	}
	if err := rdb.Do(ctx, "GET", "none").Err(); !errors.Is(err, redis.Nil) {
		t.Fatalf("GET none: %v", err)
	}
}
