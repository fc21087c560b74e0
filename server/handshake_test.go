package server

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/memflux/memflux/command"
)

// TestHello checks HELLO under both protocols: the reply is a map in RESP3 and a flat
// array in RESP2, and HELLO switches the connection's protocol for its own reply too.
func TestHello(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	helloFields := func(proto int64, id int64) []any {
		return []any{"server", "redis", "version", command.Version, "proto", proto, "id", id,
			"mode", "standalone", "role", "master", "modules", []any{}}
	}
	t.Run("resp=2", func(t *testing.T) {
		rdb := oneConn(ts.addr, 2)
		defer rdb.Close()
		id, err := rdb.Do(ctx, "CLIENT", "ID").Int64()
		if err != nil {
			t.Fatal(err)
		}
		got, err := rdb.Do(ctx, "HELLO", "2").Result()
		checkReply(t, "HELLO 2", got, err, helloFields(2, id), false)
		got, err = rdb.Do(ctx, "HELLO").Result()
		checkReply(t, "HELLO", got, err, helloFields(2, id), false)
	})
	t.Run("resp=3", func(t *testing.T) {
		rdb := oneConn(ts.addr, 3)
		defer rdb.Close()
		id, err := rdb.Do(ctx, "CLIENT", "ID").Int64()
		if err != nil {
			t.Fatal(err)
		}
		got, err := rdb.Do(ctx, "HELLO", "3", "SETNAME", "tool").Result()
		want := map[any]any{}
		f := helloFields(3, id)
		for i := 0; i < len(f); i += 2 {
			want[f[i]] = f[i+1]
		}
		checkReply(t, "HELLO 3", got, err, want, false)
		got, err = rdb.Do(ctx, "CLIENT", "GETNAME").Result()
		checkReply(t, "CLIENT GETNAME", got, err, "tool", false)
	})
	t.Run("errors", func(t *testing.T) {
		rdb := oneConn(ts.addr, 2)
		defer rdb.Close()
		for _, c := range []cmdCase{
			{cmd: "HELLO 4", want: wireErr("ERR NOPROTO unsupported protocol version")},
			{cmd: "HELLO x", want: wireErr("ERR Protocol version is not an integer or out of range")},
			{cmd: "HELLO 3 AUTH user", want: wireErr("ERR syntax error")},
			{cmd: "HELLO 3 BOGUS", want: wireErr("ERR syntax error")},
		} {
			got, err := rdb.Do(ctx, split(c.cmd)...).Result()
			checkReply(t, c.cmd, got, err, c.want, false)
		}
	})
}

// TestHelloSwitchesFraming checks byte-exact framing before and after HELLO 3.
func TestHelloSwitchesFraming(t *testing.T) {
	ts := startServer(t, nil)
	rc := ts.dial(t)
	if got := rc.do("GET", "missing"); got != "$-1\r\n" {
		t.Fatalf("RESP2 nil = %q", got)
	}
	hello := rc.do("HELLO", "3")
	if !strings.HasPrefix(hello, "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n") {
		t.Fatalf("HELLO 3 reply = %q, want a RESP3 map", hello)
	}
	for _, c := range []struct {
		cmd  []string
		want string
	}{
		{[]string{"GET", "missing"}, "_\r\n"},
		{[]string{"CONFIG", "GET", "save"}, "%1\r\n$4\r\nsave\r\n$0\r\n\r\n"},
		{[]string{"INFO", "persistence"}, "=63\r\ntxt:# Persistence\r\npersistence:0\r\ndurability:fsync\r\nloading:0\r\n\r\n"},
		{[]string{"SET", "k", "v"}, "+OK\r\n"},
		{[]string{"NOPE"}, "-ERR Unknown command: NOPE\r\n"},
	} {
		if got := rc.do(c.cmd...); got != c.want {
			t.Errorf("%v under RESP3 = %q, want %q", c.cmd, got, c.want)
		}
	}
	if got := rc.do("HELLO", "2"); !strings.HasPrefix(got, "*14\r\n") {
		t.Fatalf("HELLO 2 reply = %q, want a flat array", got)
	}
	if got := rc.do("GET", "missing"); got != "$-1\r\n" {
		t.Fatalf("nil after HELLO 2 = %q", got)
	}
}

// TestCommandIntrospection checks the replies redis-cli and client libraries read at
// startup.
func TestCommandIntrospection(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	for _, proto := range []int{2, 3} {
		t.Run(fmt.Sprintf("resp=%d", proto), func(t *testing.T) {
			rdb := oneConn(ts.addr, proto)
			defer rdb.Close()
			all, err := rdb.Do(ctx, "COMMAND").Slice()
			if err != nil {
				t.Fatal(err)
			}
			if len(all) != len(command.Names()) {
				t.Fatalf("COMMAND returned %d entries, want %d", len(all), len(command.Names()))
			}
			names := map[string]bool{}
			for _, e := range all {
				entry, ok := e.([]any)
				if !ok || len(entry) != 10 {
					t.Fatalf("COMMAND entry %#v is not a 10-element array", e)
				}
				names[entry[0].(string)] = true
			}
			for _, n := range command.Names() {
				if !names[strings.ToLower(n)] {
					t.Errorf("COMMAND lacks %s", n)
				}
			}
			info, err := rdb.Do(ctx, "COMMAND", "INFO", "get", "nosuch").Slice()
			if err != nil || len(info) != 2 || info[1] != nil {
				t.Fatalf("COMMAND INFO get nosuch = %#v, %v", info, err)
			}
			list, err := rdb.Do(ctx, "COMMAND", "LIST").StringSlice()
			if err != nil || len(list) != len(command.Names()) {
				t.Fatalf("COMMAND LIST = %d names, %v", len(list), err)
			}
			docs, err := rdb.Do(ctx, "COMMAND", "DOCS", "get").Result()
			if err != nil {
				t.Fatal(err)
			}
			summary := command.Lookup("GET").Summary
			switch d := docs.(type) {
			case []any: // RESP2: name, then the flat doc map
				if len(d) != 2 || d[0] != "get" || !containsValue(d[1], summary) {
					t.Fatalf("COMMAND DOCS get = %#v", d)
				}
			case map[any]any: // RESP3
				if !containsValue(d["get"], summary) {
					t.Fatalf("COMMAND DOCS get = %#v", d)
				}
			default:
				t.Fatalf("COMMAND DOCS get = %#v", docs)
			}
		})
	}
}

// containsValue reports whether a decoded array or map holds s.
func containsValue(v any, s string) bool {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if e == s {
				return true
			}
		}
	case map[any]any:
		for _, e := range x {
			if e == s {
				return true
			}
		}
	}
	return false
}

// TestQuit checks that QUIT is answered and then closes the connection.
func TestQuit(t *testing.T) {
	ts := startServer(t, nil)
	rc := ts.dial(t)
	rc.send(encodeCommand("SET", "k", "v") + encodeCommand("QUIT") + encodeCommand("SET", "k", "after-quit"))
	rc.expect("+OK\r\n")
	rc.expect("+OK\r\n")
	rc.expectClosed()
	other := ts.dial(t)
	if got := other.do("GET", "k"); got != "$1\r\nv\r\n" {
		t.Fatalf("GET k = %q: a command pipelined after QUIT ran", got)
	}
}

// TestLaterCommands covers the commands of SPEC §2.2 that other packages add to the
// command table (SQL, indexes). Until a command is registered, the server must answer it
// as an unknown command; once it is, it must answer as SPEC.md says.
func TestLaterCommands(t *testing.T) {
	ts := startServer(t, nil)
	rdb := oneConn(ts.addr, 2)
	defer rdb.Close()
	groups := map[string][]cmdCase{
		"SQL": {
			{cmd: "SQL", want: wireErr("ERR Execution Error: Empty SQL query")},
			{setup: []string{`JSON.SET user:1 '{"name":"Ann","age":30}'`}, cmd: "SQL SELECT name FROM user", want: []any{`{"name":"Ann"}`}},
			{cmd: "SQL SELECT name FROM nosuchtable", want: []any{}},
			{cmd: "SQL SELEKT", want: contains{}}, // checked below: an Execution Error
		},
		"IDX.CREATE": {
			{cmd: "IDX.CREATE byage user:* age", want: "OK"},
			{cmd: "IDX.CREATE byage user: age", want: wireErr("ERR Key prefix must end with '*'")},
			{cmd: "IDX.CREATE byage", want: wireErr("ERR IDX.CREATE requires an index name, a key prefix, and a JSON path")},
			{setup: []string{"IDX.CREATE byage user:* age"}, cmd: "IDX.CREATE other user:* age", want: wireErr("ERR Index on this prefix and path already exists")},
			{setup: []string{"IDX.CREATE byage user:* age"}, cmd: "IDX.CREATE byage user:* name", want: wireErr("ERR Index 'byage' already exists")},
		},
		"IDX.DROP": {
			{setup: []string{"IDX.CREATE byage user:* age"}, cmd: "IDX.DROP byage", want: int64(1)},
			{cmd: "IDX.DROP nosuch", want: int64(0)},
		},
		"IDX.LIST": {
			{setup: []string{"IDX.CREATE byage user:* age"}, cmd: "IDX.LIST", want: []any{"user:*|age"}},
			{cmd: "IDX.LIST x", want: wireErr("ERR IDX.LIST takes no arguments")},
		},
		"CREATEINDEX": {
			{cmd: "CREATEINDEX user:* on age", want: "OK"},
			{setup: []string{"CREATEINDEX idx_mgmt_test:* ON city"}, cmd: "IDX.DROP idx_mgmt_test:_city", want: int64(1)},
			{cmd: "CREATEINDEX user:* age", want: wireErr("ERR Usage: CREATEINDEX <key-prefix> ON <json-path>")},
		},
	}
	for name, cases := range groups {
		t.Run(name, func(t *testing.T) {
			if command.Lookup(name) == nil {
				got, err := rdb.Do(context.Background(), split(name+" x")...).Result()
				checkReply(t, name, got, err, wireErr("ERR Unknown command: "+name), false)
				return
			}
			for _, c := range cases {
				if _, ok := c.want.(contains); ok {
					err := rdb.Do(context.Background(), split(c.cmd)...).Err()
					if err == nil || !strings.HasPrefix(err.Error(), "ERR Execution Error: ") {
						t.Errorf("%s: got %v, want an Execution Error", c.cmd, err)
					}
					continue
				}
				runCase(t, rdb, 2, c)
			}
		})
	}
}
