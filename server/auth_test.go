package server

import (
	"context"
	"strings"
	"testing"

	"github.com/memflux/memflux"
	"github.com/redis/go-redis/v9"
)

const testPassword = "s3cret"

func startAuthServer(t *testing.T) *testServer {
	return startServer(t, func(cfg *memflux.Config, _ *Options) { cfg.RequirePass = testPassword })
}

// TestAuthWire checks SPEC §1.4 byte for byte: NOAUTH before AUTH, the exact failures,
// HELLO … AUTH, and AUTH after authentication.
func TestAuthWire(t *testing.T) {
	ts := startAuthServer(t)
	type exchange struct{ send, want string }
	noauth := "-ERR NOAUTH Authentication required.\r\n"
	invalid := "-ERR Invalid password\r\n"
	cases := map[string][]exchange{
		"auth then commands": {
			{encodeCommand("GET", "k"), noauth},
			{encodeCommand("get", "k"), noauth},
			{encodeCommand("PING"), noauth},
			{encodeCommand("NOSUCHCOMMAND"), noauth},
			{encodeCommand("SET", "k", "v"), noauth},
			{encodeCommand("AUTH", "wrong"), invalid},
			{encodeCommand("AUTH"), invalid},
			{encodeCommand("AUTH", "default", testPassword), invalid},
			{encodeCommand("AUTH", testPassword), "+OK\r\n"},
			{encodeCommand("GET", "k"), "$-1\r\n"},
			{encodeCommand("SET", "k", "v"), "+OK\r\n"},
			{encodeCommand("AUTH", testPassword), "-ERR AUTH can only be used as the first command.\r\n"},
			{encodeCommand("auth", "wrong"), "-ERR AUTH can only be used as the first command.\r\n"},
		},
		"inline auth": {
			{"GET k\r\n", noauth},
			{"AUTH " + testPassword + "\r\n", "+OK\r\n"},
			{"PING\r\n", "+PONG\r\n"},
		},
		"hello auth resp2": {
			{encodeCommand("HELLO", "2"), noauth},
			{encodeCommand("HELLO", "2", "AUTH", "default", "wrong"), invalid},
			{encodeCommand("HELLO", "2", "AUTH", "anyuser", testPassword), "*14\r\n$6\r\nserver\r\n$5\r\nredis\r\n"},
			{encodeCommand("PING"), "+PONG\r\n"},
		},
		"hello auth resp3": {
			{encodeCommand("HELLO", "3", "AUTH", "default", testPassword), "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n"},
			{encodeCommand("GET", "missing"), "_\r\n"},
			{encodeCommand("AUTH", testPassword), "-ERR AUTH can only be used as the first command.\r\n"},
		},
	}
	for name, exchanges := range cases {
		t.Run(name, func(t *testing.T) {
			rc := ts.dial(t)
			for _, ex := range exchanges {
				rc.send(ex.send)
				got := rc.reply()
				if strings.HasSuffix(ex.want, "redis\r\n") { // HELLO: check the head of the map
					if !strings.HasPrefix(got, ex.want) {
						t.Fatalf("%q: got %q, want prefix %q", ex.send, got, ex.want)
					}
					continue
				}
				if got != ex.want {
					t.Fatalf("%q: got %q, want %q", ex.send, got, ex.want)
				}
			}
		})
	}
	t.Run("quit before auth", func(t *testing.T) {
		rc := ts.dial(t)
		rc.send(encodeCommand("QUIT"))
		rc.expect("+OK\r\n")
		rc.expectClosed()
	})
}

// TestAuthGoRedis checks that a Redis client library authenticates with requirepass over
// both protocols, and that a client without the password gets NOAUTH.
func TestAuthGoRedis(t *testing.T) {
	ts := startAuthServer(t)
	ctx := context.Background()
	for _, proto := range []int{2, 3} {
		rdb := redis.NewClient(&redis.Options{Addr: ts.addr, Protocol: proto, Password: testPassword})
		if err := rdb.Set(ctx, "k", "v", 0).Err(); err != nil {
			t.Fatalf("resp=%d: SET with the password: %v", proto, err)
		}
		if v, err := rdb.Get(ctx, "k").Result(); err != nil || v != "v" {
			t.Fatalf("resp=%d: GET = %q, %v", proto, v, err)
		}
		rdb.Close()

		anon := redis.NewClient(&redis.Options{Addr: ts.addr, Protocol: proto, MaxRetries: -1})
		err := anon.Get(ctx, "k").Err()
		if err == nil || err.Error() != "ERR NOAUTH Authentication required." {
			t.Fatalf("resp=%d: GET without password: %v, want NOAUTH", proto, err)
		}
		anon.Close()

		wrong := redis.NewClient(&redis.Options{Addr: ts.addr, Protocol: proto, Password: "nope", MaxRetries: -1})
		err = wrong.Get(ctx, "k").Err()
		if err == nil || !strings.Contains(err.Error(), "ERR Invalid password") {
			t.Fatalf("resp=%d: GET with a wrong password: %v, want Invalid password", proto, err)
		}
		wrong.Close()
	}
}
