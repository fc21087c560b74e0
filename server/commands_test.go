package server

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/memflux/memflux"
	"github.com/memflux/memflux/command"
	"github.com/redis/go-redis/v9"
)

// wireErr is an expected error reply, as go-redis reports it (the "ERR " prefix included).
type wireErr string

// nilReply is the expected nil reply.
type nilReply struct{}

// null is the nil reply ($-1 / _), which go-redis reports as redis.Nil.
var null = nilReply{}

// anyInt matches any integer reply.
type anyInt struct{}

// contains matches a string reply containing every listed substring.
type contains []string

// cmdCase is one command of the end-to-end table: setup commands (which must succeed),
// the command under test and its exact reply.
type cmdCase struct {
	setup []string // commands in the quoting of split
	cmd   string
	want  any // reply as go-redis decodes it under RESP2: string, int64, []any, null, wireErr…
	// want3 is the reply under RESP3 when it differs (maps, doubles).
	want3 any
	// unordered: the reply is an array whose order is unspecified (SMEMBERS, KEYS…).
	unordered bool
}

// split splits a command line at spaces; 'single quotes' group words (no escapes).
func split(s string) []any {
	var out []any
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		if s[0] == '\'' {
			end := strings.IndexByte(s[1:], '\'')
			if end < 0 {
				panic("unbalanced quote in test command: " + s)
			}
			out = append(out, s[1:1+end])
			s = s[2+end:]
			continue
		}
		end := strings.IndexByte(s, ' ')
		if end < 0 {
			end = len(s)
		}
		out = append(out, s[:end])
		s = s[end:]
	}
	return out
}

// commandCases covers every command of SPEC §2.2 and issue 3 with its exact reply.
var commandCases = []cmdCase{
	// Connection housekeeping.
	{cmd: "PING", want: "PONG"},
	{cmd: "PING anything else", want: "PONG"},
	{cmd: "ping", want: "PONG"},
	{cmd: "ECHO 'hello world'", want: "hello world"},
	{cmd: "ECHO", want: wireErr("ERR wrong number of arguments for 'echo' command")},
	{cmd: "SELECT 0", want: "OK"},
	{cmd: "SELECT 1", want: wireErr("ERR DB index is out of range")},
	{cmd: "SELECT x", want: wireErr("ERR value is not an integer or out of range")},
	{cmd: "AUTH secret", want: wireErr("ERR AUTH can only be used as the first command.")},
	{cmd: "NOSUCH a b", want: wireErr("ERR Unknown command: NOSUCH")},
	{cmd: "nosuch", want: wireErr("ERR Unknown command: NOSUCH")},
	{cmd: "DBSIZE", want: int64(0)},
	{setup: []string{"SET a 1", "SET b 2"}, cmd: "DBSIZE", want: int64(2)},
	{cmd: "DBSIZE x", want: wireErr("ERR wrong number of arguments for 'dbsize' command")},
	{cmd: "CONFIG GET save", want: []any{"save", ""}, want3: map[any]any{"save": ""}},
	{cmd: "CONFIG GET appendonly", want: []any{"appendonly", "no"}, want3: map[any]any{"appendonly": "no"}},
	{cmd: "CONFIG GET nosuchparam", want: []any{}, want3: map[any]any{}},
	{cmd: "CONFIG", want: wireErr("ERR wrong number of arguments for 'config' command")},
	{cmd: "CONFIG GET", want: wireErr("ERR wrong number of arguments for 'config|get' command")},
	{cmd: "CONFIG FOO", want: wireErr("ERR unknown subcommand 'FOO'. Try CONFIG GET.")},
	{cmd: "CONFIG RESETSTAT", want: "OK"},
	{cmd: "CLIENT SETNAME app1", want: "OK"},
	{setup: []string{"CLIENT SETNAME app1"}, cmd: "CLIENT GETNAME", want: "app1"},
	{cmd: "CLIENT SETNAME 'a b'", want: wireErr("ERR Client names cannot contain spaces, newlines or special characters.")},
	{cmd: "CLIENT SETINFO LIB-NAME mylib", want: "OK"},
	{cmd: "CLIENT SETINFO LIB-VER 1.2", want: "OK"},
	{cmd: "CLIENT SETINFO COLOR red", want: wireErr("ERR Unrecognized option 'COLOR'")},
	{cmd: "CLIENT ID", want: anyInt{}},
	{cmd: "CLIENT LIST", want: contains{"id=", "addr=127.0.0.1:", "db=0"}},
	{cmd: "CLIENT INFO", want: contains{"id=", "addr=127.0.0.1:"}},
	{cmd: "CLIENT", want: wireErr("ERR wrong number of arguments for 'client' command")},
	{cmd: "CLIENT FOO", want: wireErr("ERR unknown subcommand 'FOO'. Try CLIENT HELP.")},
	{cmd: "COMMAND COUNT", want: int64(len(command.Names()))},
	{cmd: "COMMAND FOO", want: wireErr("ERR unknown subcommand 'FOO'. Try COMMAND HELP.")},
	{cmd: "INFO", want: contains{"# Server\r\n", "redis_version:", "# Clients\r\n", "connected_clients:", "# Memory\r\n", "# Persistence\r\n", "# Stats\r\n", "total_commands_processed:", "# Keyspace\r\n"}},
	{setup: []string{"SET a 1"}, cmd: "INFO keyspace", want: "# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n"},
	{cmd: "INFO clients", want: contains{"# Clients\r\n", "connected_clients:", "maxclients:10000\r\n"}},

	// Strings.
	{cmd: "GET missing", want: null},
	{setup: []string{"SET k v"}, cmd: "GET k", want: "v"},
	{cmd: "GET", want: wireErr("ERR GET requires one argument")},
	{cmd: "GET a b", want: wireErr("ERR GET requires one argument")},
	{setup: []string{"LPUSH l a"}, cmd: "GET l", want: wireErr("ERR WRONGTYPE Operation against a list")},
	{setup: []string{"SADD s a"}, cmd: "GET s", want: wireErr("ERR WRONGTYPE Operation against a set")},
	{setup: []string{`JSON.SET doc '{"b":2,"a":1}'`}, cmd: "GET doc", want: `{"a":1,"b":2}`},
	{cmd: "SET k v", want: "OK"},
	{cmd: "SET k", want: wireErr("ERR SET requires two arguments")},
	{setup: []string{"LPUSH k a"}, cmd: "SET k v", want: "OK"},
	{setup: []string{`SET k '{"a":1}'`}, cmd: "JSON.GET k", want: wireErr("ERR WRONGTYPE Operation against a non-JSON value")},
	{setup: []string{"SET k old"}, cmd: "SET k new NX", want: null},
	{cmd: "SET k new NX", want: "OK"},
	{cmd: "SET k new XX", want: null},
	{setup: []string{"SET k old"}, cmd: "SET k new XX", want: "OK"},
	{setup: []string{"SET k old"}, cmd: "SET k new GET", want: "old"},
	{cmd: "SET k new GET", want: null},
	{cmd: "SET k v NX XX", want: wireErr("ERR syntax error")},
	{cmd: "SET k v EX", want: wireErr("ERR syntax error")},
	{cmd: "SETNX k v", want: int64(1)},
	{setup: []string{"SET k v"}, cmd: "SETNX k w", want: int64(0)},
	{cmd: "SETNX k", want: wireErr("ERR wrong number of arguments for 'setnx' command")},
	{setup: []string{"SET k old"}, cmd: "GETSET k new", want: "old"},
	{cmd: "GETSET k new", want: null},
	{setup: []string{"LPUSH k a"}, cmd: "GETSET k new", want: wireErr("ERR WRONGTYPE Operation against a key holding the wrong kind of value")},
	{setup: []string{"SET a 1", "SET c 3"}, cmd: "MGET a b c", want: []any{"1", nil, "3"}},
	{cmd: "MGET", want: wireErr("ERR wrong number of arguments for 'mget' command")},
	{cmd: "MSET a 1 b 2", want: "OK"},
	{setup: []string{"MSET a 1 b 2"}, cmd: "MGET a b", want: []any{"1", "2"}},
	{cmd: "MSET a 1 b", want: wireErr("ERR wrong number of arguments for 'mset' command")},
	{cmd: "INCR n", want: int64(1)},
	{setup: []string{"SET n 41"}, cmd: "INCR n", want: int64(42)},
	{setup: []string{"SET n 10"}, cmd: "DECR n", want: int64(9)},
	{setup: []string{"SET n 10"}, cmd: "INCRBY n 5", want: int64(15)},
	{setup: []string{"SET n 10"}, cmd: "DECRBY n 15", want: int64(-5)},
	{setup: []string{"SET n abc"}, cmd: "INCR n", want: wireErr("ERR value is not an integer or out of range")},
	{cmd: "INCRBY n x", want: wireErr("ERR value is not an integer or out of range")},
	{setup: []string{"SET n 9223372036854775807"}, cmd: "INCR n", want: wireErr("ERR increment or decrement would overflow")},
	{setup: []string{"LPUSH n a"}, cmd: "INCR n", want: wireErr("ERR WRONGTYPE Operation against a key holding the wrong kind of value")},
	{cmd: "INCR", want: wireErr("ERR wrong number of arguments for 'incr' command")},
	{setup: []string{"SET k v"}, cmd: "GETDEL k", want: "v"},
	{setup: []string{"SET k v", "GETDEL k"}, cmd: "EXISTS k", want: int64(0)},
	{cmd: "GETDEL k", want: null},
	{cmd: "MSETNX a 1 b 2", want: int64(1)},
	{setup: []string{"SET b x"}, cmd: "MSETNX a 1 b 2", want: int64(0)},
	{setup: []string{"SET b x", "MSETNX a 1 b 2"}, cmd: "MGET a b", want: []any{nil, "x"}},
	{setup: []string{"SET f 10.5"}, cmd: "INCRBYFLOAT f 0.25", want: "10.75"},
	{cmd: "INCRBYFLOAT f x", want: wireErr("ERR value is not a valid float")},
	{cmd: "APPEND k abc", want: int64(3)},
	{setup: []string{"SET k abc"}, cmd: "APPEND k def", want: int64(6)},
	{setup: []string{"SET k abcdef"}, cmd: "STRLEN k", want: int64(6)},
	{cmd: "STRLEN missing", want: int64(0)},
	{setup: []string{"SADD s a"}, cmd: "STRLEN s", want: wireErr("ERR WRONGTYPE Operation against a key holding the wrong kind of value")},

	// Keys.
	{setup: []string{"MSET a 1 b 2 c 3"}, cmd: "DELETE a b zz", want: int64(2)},
	{setup: []string{"MSET a 1 b 2 c 3"}, cmd: "DEL a b zz", want: int64(2)},
	{cmd: "DELETE", want: wireErr("ERR DELETE requires at least one argument")},
	{cmd: "DEL", want: wireErr("ERR DELETE requires at least one argument")},
	{setup: []string{"MSET a 1 b 2"}, cmd: "EXISTS a b zz a", want: int64(3)},
	{cmd: "EXISTS", want: wireErr("ERR wrong number of arguments for 'exists' command")},
	{setup: []string{"SET k v"}, cmd: "TYPE k", want: "string"},
	{setup: []string{"LPUSH k v"}, cmd: "TYPE k", want: "list"},
	{setup: []string{"SADD k v"}, cmd: "TYPE k", want: "set"},
	{setup: []string{`JSON.SET k '{}'`}, cmd: "TYPE k", want: "ReJSON-RL"},
	{cmd: "TYPE k", want: "none"},
	{setup: []string{"SET a 1"}, cmd: "RENAME a b", want: "OK"},
	{setup: []string{"SET a 1", "RENAME a b"}, cmd: "MGET a b", want: []any{nil, "1"}},
	{cmd: "RENAME a b", want: wireErr("ERR no such key")},
	{setup: []string{"SET a 1", "SET b 2"}, cmd: "RENAMENX a b", want: int64(0)},
	{setup: []string{"SET a 1"}, cmd: "RENAMENX a c", want: int64(1)},
	{cmd: "RENAME a", want: wireErr("ERR wrong number of arguments for 'rename' command")},
	{setup: []string{"MSET a1 1 a2 2 b 3 a.c 4 a+ 5"}, cmd: "KEYS a*", want: []any{"a+", "a.c", "a1", "a2"}, unordered: true},
	{setup: []string{"MSET a1 1 a2 2 b 3 a.c 4"}, cmd: "KEYS a?", want: []any{"a1", "a2"}, unordered: true},
	{setup: []string{"MSET a1 1 a2 2 b1 3"}, cmd: "KEYS [ab]1", want: []any{"a1", "b1"}, unordered: true},
	{setup: []string{"MSET a1 1 a2 2 b1 3"}, cmd: "KEYS [^a]1", want: []any{"b1"}},
	{setup: []string{"MSET abc 1 aXc 2"}, cmd: "KEYS a.c", want: []any{}},
	{setup: []string{"MSET aa 1 aaa 2"}, cmd: "KEYS a+", want: []any{}},
	{setup: []string{"MSET a* 1 ab 2"}, cmd: `KEYS a\*`, want: []any{"a*"}},
	{cmd: "KEYS", want: wireErr("ERR KEYS requires one argument")},
	{setup: []string{"MSET a 1 b 2 c 3"}, cmd: "SCAN 0", want: []any{"0", []any{"a", "b", "c"}}},
	{setup: []string{"MSET a 1 b 2 c 3"}, cmd: "SCAN 0 MATCH [ab] COUNT 100", want: []any{"0", []any{"a", "b"}}},
	{cmd: "SCAN x", want: wireErr("ERR invalid cursor")},
	{cmd: "SCAN 0 COUNT 0", want: wireErr("ERR syntax error")},
	{cmd: "SCAN", want: wireErr("ERR wrong number of arguments for 'scan' command")},

	// JSON.
	{cmd: `JSON.SET doc '{"b":2,"a":1}'`, want: "OK"},
	{setup: []string{`JSON.SET doc '{"b":2,"a":1}'`}, cmd: "JSON.GET doc", want: `{"a":1,"b":2}`},
	{setup: []string{`JSON.SET doc '{"a":1}'`, "JSON.SET doc.c.d 3"}, cmd: "JSON.GET doc", want: `{"a":1,"c":{"d":3}}`},
	{setup: []string{`JSON.SET doc '{"a":{"x":[1,2.5,true,null]}}'`}, cmd: "JSON.GET doc.a", want: `{"x":[1,2.5,true,null]}`},
	{setup: []string{`JSON.SET doc '{"s":"wal"}'`}, cmd: "JSON.GET doc.s", want: "wal"},
	{setup: []string{`JSON.SET doc '"wal"'`}, cmd: "JSON.GET doc", want: `"wal"`},
	{setup: []string{`JSON.SET doc '{"n":15.0}'`}, cmd: "JSON.GET doc.n", want: "15.0"},
	{setup: []string{`JSON.SET doc '{"a":1}'`}, cmd: `JSON.SET doc . '{"z":0}'`, want: "OK"},
	{setup: []string{`JSON.SET doc '{"a":1}'`, `JSON.SET doc b '{"c":2}'`}, cmd: "JSON.GET doc", want: `{"a":1,"b":{"c":2}}`},
	{setup: []string{`JSON.SET user:1 '{"name":"Ann"}'`}, cmd: "JSON.GET user:1.name", want: "Ann"},
	{cmd: "JSON.GET missing", want: null},
	{setup: []string{`JSON.SET doc '{"a":1}'`}, cmd: "JSON.GET doc.zz", want: null},
	{cmd: "JSON.SET doc '{bad'", want: wireErr("ERR Value is not valid JSON")},
	{cmd: "JSON.SET doc", want: wireErr("ERR JSON.SET requires 2 or 3 arguments, got 1.")},
	{cmd: "JSON.SET a b c d", want: wireErr("ERR JSON.SET requires 2 or 3 arguments, got 4.")},
	{setup: []string{`JSON.SET doc '{"a":1}'`}, cmd: "JSON.SET doc.a.b 2", want: wireErr("ERR Path creation failed: part is not an object")},
	{setup: []string{"SET k v"}, cmd: "JSON.GET k", want: wireErr("ERR WRONGTYPE Operation against a non-JSON value")},
	{setup: []string{"LPUSH k v"}, cmd: "JSON.GET k.a", want: wireErr("ERR WRONGTYPE Operation against a non-JSON value")},
	{cmd: "JSON.GET", want: wireErr("ERR JSON.GET requires a key/path")},
	{setup: []string{`JSON.SET doc '{"a":1,"b":2}'`}, cmd: "JSON.DEL doc.a", want: int64(1)},
	{setup: []string{`JSON.SET doc '{"a":1,"b":2}'`, "JSON.DEL doc.a"}, cmd: "JSON.GET doc", want: `{"b":2}`},
	{setup: []string{`JSON.SET doc '{"a":1}'`}, cmd: "JSON.DEL doc.zz", want: int64(0)},
	{setup: []string{`JSON.SET doc '{"arr":[1,2]}'`}, cmd: "JSON.DEL doc.arr.0", want: int64(0)},
	{setup: []string{`JSON.SET doc '{"a":1}'`}, cmd: "JSON.DEL doc", want: int64(1)},
	{cmd: "JSON.DEL missing", want: int64(0)},
	{setup: []string{"SADD s a"}, cmd: "JSON.DEL s", want: wireErr("ERR WRONGTYPE Operation against a non-JSON value")},
	{cmd: "JSON.DEL", want: wireErr("ERR JSON.DEL requires a key/path")},

	// Lists.
	{cmd: "LPUSH l a b", want: int64(2)},
	{setup: []string{"LPUSH l a b"}, cmd: "LRANGE l 0 -1", want: []any{"b", "a"}},
	{setup: []string{"RPUSH l a b"}, cmd: "RPUSH l c", want: int64(3)},
	{setup: []string{"RPUSH l a b", "RPUSH l c"}, cmd: "LRANGE l 0 -1", want: []any{"a", "b", "c"}},
	{setup: []string{"SET k v"}, cmd: "LPUSH k a", want: wireErr("ERR WRONGTYPE Operation against a non-list value")},
	{setup: []string{"SADD k v"}, cmd: "RPUSH k a", want: wireErr("ERR WRONGTYPE Operation against a non-list value")},
	{setup: []string{`JSON.SET k '{}'`}, cmd: "LPUSH k a", want: wireErr("ERR WRONGTYPE Operation against a non-list value")},
	{cmd: "LPUSH l", want: wireErr("ERR LPUSH requires a key and at least one value")},
	{cmd: "RPUSH l", want: wireErr("ERR RPUSH requires a key and at least one value")},
	{setup: []string{"RPUSH l a b c"}, cmd: "LPOP l", want: "a"},
	{setup: []string{"RPUSH l a b c d e"}, cmd: "RPOP l 2", want: []any{"e", "d"}},
	{setup: []string{"RPUSH l a b c"}, cmd: "LPOP l 5", want: []any{"a", "b", "c"}},
	{setup: []string{"RPUSH l a"}, cmd: "LPOP l 0", want: null},
	{cmd: "LPOP missing", want: null},
	{cmd: "RPOP missing 3", want: null},
	{setup: []string{"RPUSH l a"}, cmd: "LPOP l -1", want: wireErr("ERR Invalid count")},
	{setup: []string{"RPUSH l a"}, cmd: "RPOP l x", want: wireErr("ERR Invalid count")},
	{cmd: "LPOP", want: wireErr("ERR LPOP requires a key and an optional count")},
	{cmd: "RPOP l 1 2", want: wireErr("ERR RPOP requires a key and an optional count")},
	{setup: []string{"RPUSH l a", "LPOP l"}, cmd: "EXISTS l", want: int64(0)},
	{setup: []string{"SET k v"}, cmd: "LPOP k", want: wireErr("ERR WRONGTYPE Operation against a non-list value")},
	{setup: []string{"RPUSH l a b"}, cmd: "LLEN l", want: int64(2)},
	{cmd: "LLEN missing", want: int64(0)},
	{setup: []string{"SET k v"}, cmd: "LLEN k", want: wireErr("ERR WRONGTYPE Operation against a non-list value")},
	{setup: []string{"RPUSH l a b c d e"}, cmd: "LRANGE l 1 3", want: []any{"b", "c", "d"}},
	{setup: []string{"RPUSH l a b c d e"}, cmd: "LRANGE l -2 -1", want: []any{"d", "e"}},
	{setup: []string{"RPUSH l a b c"}, cmd: "LRANGE l -100 100", want: []any{"a", "b", "c"}},
	{setup: []string{"RPUSH l a b c"}, cmd: "LRANGE l 2 1", want: []any{}},
	{setup: []string{"RPUSH l a b c"}, cmd: "LRANGE l 5 10", want: []any{}},
	{cmd: "LRANGE missing 0 -1", want: []any{}},
	{cmd: "LRANGE l x 1", want: wireErr("ERR Invalid start index")},
	{cmd: "LRANGE l 0 y", want: wireErr("ERR Invalid stop index")},
	{cmd: "LRANGE l 0", want: wireErr("ERR LRANGE requires three arguments")},
	{setup: []string{"RPUSH l a b c"}, cmd: "LINDEX l -1", want: "c"},
	{setup: []string{"RPUSH l a b c"}, cmd: "LINDEX l 5", want: null},
	{cmd: "LINDEX l x", want: wireErr("ERR value is not an integer or out of range")},
	{setup: []string{"RPUSH l a b c"}, cmd: "LSET l 1 B", want: "OK"},
	{setup: []string{"RPUSH l a b c", "LSET l 1 B"}, cmd: "LRANGE l 0 -1", want: []any{"a", "B", "c"}},
	{setup: []string{"RPUSH l a"}, cmd: "LSET l 5 x", want: wireErr("ERR index out of range")},
	{cmd: "LSET missing 0 x", want: wireErr("ERR no such key")},
	{setup: []string{"RPUSH l a b a c a"}, cmd: "LREM l 2 a", want: int64(2)},
	{setup: []string{"RPUSH l a b a c a", "LREM l -1 a"}, cmd: "LRANGE l 0 -1", want: []any{"a", "b", "a", "c"}},
	{setup: []string{"RPUSH l a b c d"}, cmd: "LTRIM l 1 2", want: "OK"},
	{setup: []string{"RPUSH l a b c d", "LTRIM l 1 2"}, cmd: "LRANGE l 0 -1", want: []any{"b", "c"}},
	{setup: []string{"RPUSH l a b", "LTRIM l 5 10"}, cmd: "EXISTS l", want: int64(0)},

	// Sets.
	{cmd: "SADD s a b a", want: int64(2)},
	{setup: []string{"SADD s a"}, cmd: "SADD s a b", want: int64(1)},
	{setup: []string{"SET k v"}, cmd: "SADD k a", want: wireErr("ERR WRONGTYPE Operation against a non-set value")},
	{setup: []string{"LPUSH k v"}, cmd: "SADD k a", want: wireErr("ERR WRONGTYPE Operation against a non-set value")},
	{cmd: "SADD s", want: wireErr("ERR SADD requires a key and at least one member")},
	{setup: []string{"SADD s a b"}, cmd: "SREM s a zz", want: int64(1)},
	{cmd: "SREM missing a", want: int64(0)},
	{setup: []string{"SADD s a", "SREM s a"}, cmd: "EXISTS s", want: int64(0)},
	{setup: []string{"SADD s a b c"}, cmd: "SMEMBERS s", want: []any{"a", "b", "c"}, unordered: true},
	{cmd: "SMEMBERS missing", want: []any{}},
	{setup: []string{"SET k v"}, cmd: "SMEMBERS k", want: wireErr("ERR WRONGTYPE Operation against a non-set value")},
	{setup: []string{"SADD s a b c"}, cmd: "SCARD s", want: int64(3)},
	{cmd: "SCARD missing", want: int64(0)},
	{setup: []string{"SADD s a"}, cmd: "SISMEMBER s a", want: int64(1)},
	{setup: []string{"SADD s a"}, cmd: "SISMEMBER s b", want: int64(0)},
	{cmd: "SISMEMBER missing a", want: int64(0)},
	{setup: []string{"SADD s a"}, cmd: "SMISMEMBER s a b", want: []any{int64(1), int64(0)}},
	{setup: []string{"SADD s only"}, cmd: "SPOP s", want: "only"},
	{setup: []string{"SADD s only", "SPOP s"}, cmd: "EXISTS s", want: int64(0)},
	{setup: []string{"SADD s a b"}, cmd: "SPOP s 5", want: []any{"a", "b"}, unordered: true},
	{cmd: "SPOP missing", want: null},
	{cmd: "SPOP missing 2", want: []any{}},
	{setup: []string{"SADD s a"}, cmd: "SPOP s -1", want: wireErr("ERR value is out of range, must be positive")},
	{setup: []string{"SADD s only"}, cmd: "SRANDMEMBER s", want: "only"},
	{setup: []string{"SADD s a b"}, cmd: "SRANDMEMBER s 10", want: []any{"a", "b"}, unordered: true},
	{setup: []string{"SADD s a"}, cmd: "SRANDMEMBER s -3", want: []any{"a", "a", "a"}},
	{cmd: "SRANDMEMBER missing", want: null},
	{setup: []string{"SADD s1 a b c", "SADD s2 b c d"}, cmd: "SINTER s1 s2", want: []any{"b", "c"}, unordered: true},
	{setup: []string{"SADD s1 a b c", "SADD s2 b c d"}, cmd: "SUNION s1 s2", want: []any{"a", "b", "c", "d"}, unordered: true},
	{setup: []string{"SADD s1 a b c", "SADD s2 b c d"}, cmd: "SDIFF s1 s2", want: []any{"a"}},
	{setup: []string{"SADD s1 a"}, cmd: "SINTER s1 missing", want: []any{}},
	{setup: []string{"SET k v"}, cmd: "SUNION k", want: wireErr("ERR WRONGTYPE Operation against a key holding the wrong kind of value")},
	{cmd: "SDIFF", want: wireErr("ERR wrong number of arguments for 'sdiff' command")},

	// Database-wide commands.
	{setup: []string{"SET a 1"}, cmd: "FLUSHDB", want: "OK"},
	{setup: []string{"SET a 1", "FLUSHDB"}, cmd: "DBSIZE", want: int64(0)},
	{cmd: "FLUSHDB x", want: wireErr("ERR FLUSHDB takes no arguments")},
	{setup: []string{"BEGIN"}, cmd: "FLUSHDB", want: wireErr("ERR FLUSHDB cannot be run inside a transaction. Please COMMIT or ROLLBACK first.")},
	{cmd: "FLUSHALL", want: "OK"},
	{cmd: "FLUSHALL ASYNC", want: "OK"},
	{setup: []string{"BEGIN"}, cmd: "FLUSHALL", want: wireErr("ERR FLUSHDB cannot be run inside a transaction. Please COMMIT or ROLLBACK first.")},
	{setup: []string{"SET a 1"}, cmd: "WIPEDB", want: "OK"},
	{setup: []string{"SET a 1", "WIPEDB"}, cmd: "MEMUSAGE", want: int64(0)},
	{cmd: "WIPEDB now", want: wireErr("ERR WIPEDB takes no arguments")},
	{setup: []string{"BEGIN"}, cmd: "WIPEDB", want: wireErr("ERR WIPEDB cannot be run inside a transaction. Please COMMIT or ROLLBACK first.")},
	{cmd: "SAVE", want: wireErr("ERR SAVE is not supported when persistence is disabled")},
	{cmd: "SAVE now", want: wireErr("ERR SAVE takes no arguments")},
	{cmd: "BGSAVE", want: wireErr("ERR BGSAVE is not supported when persistence is disabled")},
	{setup: []string{"SET a 1"}, cmd: "MEMUSAGE", want: anyInt{}},
	{cmd: "MEMUSAGE x", want: wireErr("ERR MEMUSAGE takes no arguments")},
	{cmd: "VACUUM", want: "Removed 0 versions and 0 keys"},
	{setup: []string{"SET a 1", "SET a 2"}, cmd: "VACUUM extra args", want: "Removed 1 versions and 0 keys"},

	// Transaction control (the multi-connection rules are in txn_test.go).
	{cmd: "BEGIN", want: "OK"},
	{cmd: "BEGIN now", want: wireErr("ERR BEGIN takes no arguments")},
	{setup: []string{"BEGIN"}, cmd: "BEGIN", want: wireErr("ERR Transaction already in progress")},
	{cmd: "COMMIT", want: wireErr("ERR No transaction in progress")},
	{setup: []string{"BEGIN", "SET a 1"}, cmd: "COMMIT", want: "OK"},
	{setup: []string{"BEGIN"}, cmd: "COMMIT now", want: wireErr("ERR COMMIT takes no arguments")},
	{cmd: "ROLLBACK", want: wireErr("ERR No transaction in progress")},
	{setup: []string{"BEGIN", "SET a 1"}, cmd: "ROLLBACK", want: "OK"},
	{setup: []string{"BEGIN", "SET a 1", "ROLLBACK"}, cmd: "GET a", want: null},
	{setup: []string{"BEGIN"}, cmd: "ROLLBACK now", want: wireErr("ERR ROLLBACK takes no arguments")},
	{setup: []string{"BEGIN", "SET a 1"}, cmd: "GET a", want: "1"},
	{setup: []string{"BEGIN", "LPUSH l a b"}, cmd: "LRANGE l 0 -1", want: []any{"b", "a"}},
	{setup: []string{"MSET a 1 b 2", "BEGIN", "SET c 3"}, cmd: "DELETE a c zz", want: int64(2)},
	{cmd: "SAVEPOINT sp1", want: wireErr("ERR No transaction in progress")},
	{cmd: "ROLLBACK_TO_SAVEPOINT sp1", want: wireErr("ERR No transaction in progress")},
	{cmd: "RELEASE_SAVEPOINT sp1", want: wireErr("ERR No transaction in progress")},
	{setup: []string{"BEGIN"}, cmd: "SAVEPOINT sp1", want: "OK"},
	{setup: []string{"BEGIN"}, cmd: "SAVEPOINT", want: wireErr("ERR SAVEPOINT requires a name")},
	{setup: []string{"BEGIN", "SAVEPOINT sp1"}, cmd: "SAVEPOINT sp1", want: wireErr("ERR Savepoint 'sp1' already exists")},
	{setup: []string{"BEGIN"}, cmd: "ROLLBACK_TO_SAVEPOINT nope", want: wireErr("ERR Savepoint 'nope' not found")},
	{setup: []string{"BEGIN"}, cmd: "RELEASE_SAVEPOINT nope", want: wireErr("ERR Savepoint 'nope' not found")},
	{setup: []string{"BEGIN", "SAVEPOINT sp1", "RELEASE_SAVEPOINT sp1"}, cmd: "RELEASE_SAVEPOINT sp1", want: wireErr("ERR Savepoint 'sp1' not found")},
	{setup: []string{"BEGIN", "SET a 1", "SAVEPOINT sp", "SET a 2"}, cmd: "ROLLBACK TO SAVEPOINT sp", want: "OK"},
	{setup: []string{"BEGIN", "SET a 1", "SAVEPOINT sp", "SET a 2", "ROLLBACK TO sp"}, cmd: "GET a", want: "1"},
	{setup: []string{"BEGIN", "SAVEPOINT sp"}, cmd: "RELEASE SAVEPOINT sp", want: "OK"},
	{setup: []string{"BEGIN", "SAVEPOINT sp"}, cmd: "RELEASE sp", want: "OK"},
	{setup: []string{"BEGIN"}, cmd: "ROLLBACK TO SAVEPOINT", want: wireErr("ERR ROLLBACK TO SAVEPOINT requires a name")},
	{setup: []string{"BEGIN"}, cmd: "ROLLBACK_TO_SAVEPOINT", want: wireErr("ERR ROLLBACK TO SAVEPOINT requires a name")},
	{setup: []string{"BEGIN"}, cmd: "RELEASE SAVEPOINT", want: wireErr("ERR RELEASE SAVEPOINT requires a name")},
	{setup: []string{"BEGIN"}, cmd: "RELEASE_SAVEPOINT", want: wireErr("ERR RELEASE SAVEPOINT requires a name")},
}

// TestCommands runs every case of commandCases through go-redis, over RESP2 and RESP3.
func TestCommands(t *testing.T) {
	ts := startServer(t, nil)
	for _, proto := range []int{2, 3} {
		t.Run(fmt.Sprintf("resp=%d", proto), func(t *testing.T) {
			rdb := oneConn(ts.addr, proto)
			defer rdb.Close()
			for i, c := range commandCases {
				t.Run(fmt.Sprintf("%03d/%s", i, c.cmd), func(t *testing.T) {
					runCase(t, rdb, proto, c)
				})
			}
		})
	}
}

// runCase resets the database, runs the setup and checks the command's reply.
func runCase(t *testing.T, rdb *redis.Client, proto int, c cmdCase) {
	t.Helper()
	ctx := context.Background()
	defer rdb.Do(ctx, "ROLLBACK") // leave no transaction open for the next case
	if err := rdb.Do(ctx, "FLUSHDB").Err(); err != nil {
		t.Fatalf("FLUSHDB: %v", err)
	}
	for _, s := range c.setup {
		if err := rdb.Do(ctx, split(s)...).Err(); err != nil && !errors.Is(err, redis.Nil) {
			t.Fatalf("setup %q: %v", s, err)
		}
	}
	got, err := rdb.Do(ctx, split(c.cmd)...).Result()
	want := c.want
	if proto == 3 && c.want3 != nil {
		want = c.want3
	}
	checkReply(t, c.cmd, got, err, want, c.unordered)
}

// checkReply compares a go-redis result with an expected reply.
func checkReply(t *testing.T, cmd string, got any, err error, want any, unordered bool) {
	t.Helper()
	switch w := want.(type) {
	case wireErr:
		if err == nil || err.Error() != string(w) {
			t.Fatalf("%s: got (%#v, %v), want error %q", cmd, got, err, w)
		}
		return
	case nilReply:
		if !errors.Is(err, redis.Nil) {
			t.Fatalf("%s: got (%#v, %v), want nil reply", cmd, got, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("%s: unexpected error %v (want %#v)", cmd, err, want)
	}
	switch w := want.(type) {
	case anyInt:
		if _, ok := got.(int64); !ok {
			t.Fatalf("%s: got %#v, want an integer", cmd, got)
		}
		return
	case contains:
		s, ok := got.(string)
		if !ok {
			t.Fatalf("%s: got %#v, want a string", cmd, got)
		}
		for _, sub := range w {
			if !strings.Contains(s, sub) {
				t.Fatalf("%s: reply %q does not contain %q", cmd, s, sub)
			}
		}
		return
	}
	if unordered {
		got, want = sortedStrings(got), sortedStrings(want)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: got %#v, want %#v", cmd, got, want)
	}
}

// sortedStrings sorts an array of strings so that unordered replies compare equal.
func sortedStrings(v any) any {
	arr, ok := v.([]any)
	if !ok {
		return v
	}
	out := append([]any(nil), arr...)
	sort.Slice(out, func(i, j int) bool { return fmt.Sprint(out[i]) < fmt.Sprint(out[j]) })
	return out
}

// TestSaveWithPersistence checks SAVE and BGSAVE on a persistent database (SPEC §2.2, §7):
// the snapshot file exists once SAVE has replied.
func TestSaveWithPersistence(t *testing.T) {
	var dir string
	ts := startServer(t, func(cfg *memflux.Config, _ *Options) {
		cfg.Persistence = true
		dir = cfg.Dir
	})
	rc := ts.dial(t)
	for _, c := range []struct {
		cmd  []string
		want string
	}{
		{[]string{"SET", "k", "v"}, "+OK\r\n"},
		{[]string{"SAVE"}, "+OK\r\n"},
		{[]string{"SAVE", "now"}, "-ERR SAVE takes no arguments\r\n"},
		{[]string{"BGSAVE"}, "+Background saving started\r\n"},
	} {
		if got := rc.do(c.cmd...); got != c.want {
			t.Fatalf("%v = %q, want %q", c.cmd, got, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "memflux.snapshot")); err != nil {
		t.Fatalf("no snapshot file after SAVE: %v", err)
	}
}
