package server

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

var (
	long     = flag.Bool("long", false, "run the long randomized and soak tests")
	seedFlag = flag.Uint64("seed", 0, "seed for the randomized tests (0: time-based)")
)

// testSeed returns the seed of a randomized test and logs it.
func testSeed(t testing.TB) uint64 {
	s := *seedFlag
	if s == 0 {
		s = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (rerun with -seed %d)", s, s)
	return s
}

// TestPipeline10000 sends 10,000 commands in one go-redis pipeline and checks every reply.
func TestPipeline10000(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	for _, proto := range []int{2, 3} {
		t.Run("resp="+strconv.Itoa(proto), func(t *testing.T) {
			rdb := oneConn(ts.addr, proto)
			defer rdb.Close()
			if err := rdb.FlushDB(ctx).Err(); err != nil {
				t.Fatal(err)
			}
			const n = 10000
			pipe := rdb.Pipeline()
			for i := range n {
				switch i % 4 {
				case 0:
					pipe.Set(ctx, "key:"+strconv.Itoa(i), "value:"+strconv.Itoa(i), 0)
				case 1:
					pipe.Get(ctx, "key:"+strconv.Itoa(i-1))
				case 2:
					pipe.Incr(ctx, "counter")
				case 3:
					pipe.RPush(ctx, "list", i)
				}
			}
			cmds, err := pipe.Exec(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(cmds) != n {
				t.Fatalf("%d replies, want %d", len(cmds), n)
			}
			for i, c := range cmds {
				var got, want any
				switch i % 4 {
				case 0:
					got, want = c.(*redis.StatusCmd).Val(), "OK"
				case 1:
					got, want = c.(*redis.StringCmd).Val(), "value:"+strconv.Itoa(i-1)
				case 2:
					got, want = c.(*redis.IntCmd).Val(), int64(i/4+1)
				case 3:
					got, want = c.(*redis.IntCmd).Val(), int64(i/4+1)
				}
				if got != want || c.Err() != nil {
					t.Fatalf("reply %d (%v) = %v (err %v), want %v", i, c.Args(), got, c.Err(), want)
				}
			}
			if size := rdb.DBSize(ctx).Val(); size != n/4+2 {
				t.Fatalf("DBSIZE = %d, want %d", size, n/4+2)
			}
		})
	}
}

// randomCommand returns a deterministic command over a small key space, encoded as a RESP
// array or, sometimes, inline.
func randomCommand(rng *rand.Rand) string {
	key := "k" + strconv.Itoa(rng.IntN(5))
	val := strconv.Itoa(rng.IntN(100))
	var args []string
	switch rng.IntN(12) {
	case 0:
		args = []string{"SET", key, val}
	case 1:
		args = []string{"GET", key}
	case 2:
		args = []string{"INCR", key}
	case 3:
		args = []string{"LPUSH", key, val, val + "x"}
	case 4:
		args = []string{"LRANGE", key, "0", "-1"}
	case 5:
		args = []string{"DEL", key}
	case 6:
		args = []string{"SADD", key, val}
	case 7:
		args = []string{"SCARD", key}
	case 8:
		args = []string{"APPEND", key, strings.Repeat("v", rng.IntN(40))}
	case 9:
		args = []string{"EXISTS", key, "k1", "k2"}
	case 10:
		args = []string{"MGET", key, "k0"}
	case 11:
		args = []string{"TYPE", key}
	}
	if rng.IntN(4) == 0 {
		return strings.Join(args, " ") + "\r\n"
	}
	return encodeCommand(args...)
}

// TestRandomPipelines sends random command sequences pipelined and split at random byte
// offsets into separate writes, and checks that the replies are byte-identical to those
// of the same commands sent one at a time.
func TestRandomPipelines(t *testing.T) {
	ts := startServer(t, nil)
	rng := rand.New(rand.NewPCG(testSeed(t), 1))
	rounds, size := 20, 300
	if *long {
		rounds, size = 200, 2000
	}
	for round := range rounds {
		cmds := make([]string, 1+rng.IntN(size))
		for i := range cmds {
			cmds[i] = randomCommand(rng)
		}

		// The reference: one command at a time.
		ref := ts.dial(t)
		ref.do("FLUSHDB")
		var want strings.Builder
		for _, c := range cmds {
			ref.send(c)
			want.WriteString(ref.reply())
		}
		ref.c.Close()

		// The same commands in one stream, split at random offsets.
		rc := ts.dial(t)
		rc.do("FLUSHDB")
		stream := strings.Join(cmds, "")
		var chunks []string // split points and pauses are drawn here, not in the writer
		var pauses []bool
		for rest := stream; rest != ""; {
			n := min(len(rest), 1+rng.IntN(64))
			if rng.IntN(3) == 0 {
				n = min(len(rest), 1+rng.IntN(4096))
			}
			chunks, pauses = append(chunks, rest[:n]), append(pauses, rng.IntN(8) == 0)
			rest = rest[n:]
		}
		written := make(chan struct{})
		go func() {
			defer close(written)
			for i, chunk := range chunks {
				io.WriteString(rc.c, chunk)
				if pauses[i] {
					time.Sleep(time.Millisecond)
				}
			}
		}()
		var got strings.Builder
		for range cmds {
			got.WriteString(rc.reply())
		}
		<-written
		rc.c.Close()
		if got.String() != want.String() {
			t.Fatalf("round %d: pipelined replies differ from sequential ones\n got %q\nwant %q",
				round, trunc(got.String()), trunc(want.String()))
		}
	}
}

// countingConn counts the writes made to a connection.
type countingConn struct {
	net.Conn
	writes atomic.Int64
}

func (c *countingConn) Write(p []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(p)
}

// TestPipelineFlushesOncePerBatch checks that a batch of pipelined commands that arrives in
// one read is answered with one write, and that the command counter of INFO follows.
func TestPipelineFlushesOncePerBatch(t *testing.T) {
	ts := startServer(t, nil)
	client, srvSide := net.Pipe()
	defer client.Close()
	counted := &countingConn{Conn: srvSide}
	if !ts.srv.serveConn(counted) {
		t.Fatal("serveConn refused the connection")
	}
	var batch strings.Builder
	const n = 200
	for i := range n {
		batch.WriteString(encodeCommand("SET", fmt.Sprint("k", i), "v"))
	}
	go io.WriteString(client, batch.String()) // net.Pipe delivers it in one read
	rc := &rawConn{t: t, c: client, br: bufio.NewReader(client)}
	for range n {
		rc.expect("+OK\r\n")
	}
	if w := counted.writes.Load(); w != 1 {
		t.Errorf("%d writes for one batch of %d commands, want 1", w, n)
	}
	info := rc.do("INFO", "stats")
	if !strings.Contains(info, "total_commands_processed:200\r\n") {
		t.Fatalf("INFO stats after 200 commands: %q", info)
	}
}
