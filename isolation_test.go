package memflux_test

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/memflux/memflux"
)

// openDB opens an in-memory database with the given isolation level and no background
// vacuum (tests call VACUUM themselves); it is closed when the test ends.
func openDB(t testing.TB, isolation string) *memflux.DB {
	t.Helper()
	cfg := memflux.DefaultConfig()
	cfg.Persistence = false
	cfg.IsolationLevel = isolation
	cfg.VacuumInterval = -1
	db, err := memflux.Open(cfg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// render runs one command (arguments separated by single spaces) and renders its outcome
// like the golden files of package command: Reply.String() or "(error) <message>". The
// keys of KEYS and SCAN, whose order is arbitrary, are sorted.
func render(s *memflux.Session, cmd string) string {
	args := strings.Split(cmd, " ")
	r, err := s.Do(args...)
	if err != nil {
		return "(error) " + err.Error()
	}
	switch strings.ToUpper(args[0]) {
	case "KEYS":
		sortBulks(r.Elems)
	case "SCAN":
		sortBulks(r.Elems[1].Elems)
	}
	return r.String()
}

func sortBulks(rs []memflux.Reply) {
	slices.SortFunc(rs, func(a, b memflux.Reply) int { return strings.Compare(a.Str, b.Str) })
}

// step is one command of a scenario, run on session s (0 or 1), with its exact outcome.
type step struct {
	s    int
	cmd  string
	want string
}

const errAbort = "(error) ABORT: Serialization failure, please retry transaction"

// runScenario runs steps on two sessions of a fresh database.
func runScenario(t *testing.T, isolation string, steps []step) {
	t.Helper()
	db := openDB(t, isolation)
	sessions := []*memflux.Session{db.NewSession(), db.NewSession()}
	defer func() {
		for _, s := range sessions {
			s.Close()
		}
	}()
	for i, st := range steps {
		if got := render(sessions[st.s], st.cmd); got != st.want {
			t.Fatalf("step %d, session %d, %s: got %s, want %s", i, st.s+1, st.cmd, got, st.want)
		}
	}
}

// TestIsolation runs two-session scenarios through the command path (SPEC §5).
func TestIsolation(t *testing.T) {
	both := []string{"serializable", "snapshot"}
	tests := []struct {
		name       string
		isolations []string
		steps      []step
	}{
		{"no dirty reads", both, []step{
			{0, "SET k v1", "+OK"},
			{0, "RPUSH l a", ":1"},
			{0, "BEGIN", "+OK"},
			{0, "SET k v2", "+OK"},
			{0, "RPUSH l b", ":2"},
			{0, "SET new n", "+OK"},
			{1, "GET k", `"v1"`},
			{1, "LLEN l", ":1"},
			{1, "EXISTS new", ":0"},
			{1, "BEGIN", "+OK"},
			{1, "GET k", `"v1"`},
			{1, "KEYS *", `["k" "l"]`},
			{0, "COMMIT", "+OK"},
			{1, "GET k", `"v1"`}, // repeatable inside the open transaction
			{1, "COMMIT", "+OK"},
			{1, "GET k", `"v2"`},
			{1, "LRANGE l 0 -1", `["a" "b"]`},
			{1, "GET new", `"n"`},
		}},
		{"repeatable reads", both, []step{
			{0, "SET k v1", "+OK"},
			{0, "RPUSH l a", ":1"},
			{0, `JSON.SET d {"a":1}`, "+OK"},
			{1, "BEGIN", "+OK"},
			{1, "GET k", `"v1"`},
			{0, "SET k v2", "+OK"},
			{0, "RPUSH l b", ":2"},
			{0, "JSON.SET d.a 2", "+OK"},
			{0, "DEL k", ":1"},
			{1, "GET k", `"v1"`},
			{1, "LRANGE l 0 -1", `["a"]`},
			{1, "JSON.GET d.a", `"1"`},
			{1, "MGET k", `["v1"]`},
			{1, "COMMIT", "+OK"}, // read-only: never aborts
			{1, "GET k", "(nil)"},
		}},
		{"no phantoms in prefix scans", both, []step{
			{0, "SET p:1 a", "+OK"},
			{0, "SET p:2 a", "+OK"},
			{1, "BEGIN", "+OK"},
			{1, "KEYS p:*", `["p:1" "p:2"]`},
			{0, "SET p:3 a", "+OK"},
			{0, "DEL p:1", ":1"},
			{0, "SET p:0 a", "+OK"},
			{1, "KEYS p:*", `["p:1" "p:2"]`},
			{1, "SCAN 0 MATCH p:*", `["0" ["p:1" "p:2"]]`},
			{1, "EXISTS p:0 p:1 p:3", ":1"},
			{1, "COMMIT", "+OK"},
			{1, "KEYS p:*", `["p:0" "p:2" "p:3"]`},
		}},
		{"phantom write aborts a serializable scanner", []string{"serializable"}, []step{
			{0, "SET p:1 a", "+OK"},
			{1, "BEGIN", "+OK"},
			{1, "KEYS p:*", `["p:1"]`},
			{1, "SET count 1", "+OK"},
			{0, "SET p:2 a", "+OK"},
			{1, "COMMIT", errAbort},
			{1, "GET count", "(nil)"},
		}},
		{"phantom write allowed under snapshot", []string{"snapshot"}, []step{
			{0, "SET p:1 a", "+OK"},
			{1, "BEGIN", "+OK"},
			{1, "KEYS p:*", `["p:1"]`},
			{1, "SET count 1", "+OK"},
			{0, "SET p:2 a", "+OK"},
			{1, "COMMIT", "+OK"},
			{1, "GET count", `"1"`},
		}},
		{"lost update prevented between explicit transactions", both, []step{
			{0, "SET c 10", "+OK"},
			{0, "BEGIN", "+OK"},
			{1, "BEGIN", "+OK"},
			{0, "GET c", `"10"`},
			{1, "GET c", `"10"`},
			{0, "SET c 11", "+OK"},
			{1, "SET c 12", "+OK"},
			{0, "COMMIT", "+OK"},
			{1, "COMMIT", errAbort},
			{1, "GET c", `"11"`},
			{1, "COMMIT", "(error) No transaction in progress"},
		}},
		{"lost update prevented: explicit transaction vs auto-commit", both, []step{
			{0, "SET c 10", "+OK"},
			{0, "BEGIN", "+OK"},
			{0, "GET c", `"10"`},
			{1, "INCR c", ":11"},
			{0, "SET c 20", "+OK"},
			{0, "COMMIT", errAbort},
			{1, "GET c", `"11"`},
		}},
		{"lost update prevented: explicit INCR vs auto-commit INCR", both, []step{
			{0, "SET c 10", "+OK"},
			{0, "BEGIN", "+OK"},
			{0, "INCR c", ":11"},
			{1, "INCR c", ":11"},
			{0, "COMMIT", errAbort},
			{1, "GET c", `"11"`},
		}},
		{"blind writes do not conflict with reads of other keys", both, []step{
			{0, "BEGIN", "+OK"},
			{0, "SET a 1", "+OK"},
			{1, "BEGIN", "+OK"},
			{1, "SET b 1", "+OK"},
			{0, "COMMIT", "+OK"},
			{1, "COMMIT", "+OK"},
			{1, "MGET a b", `["1" "1"]`},
		}},
		{"write skew allowed under snapshot", []string{"snapshot"}, []step{
			{0, "MSET x 1 y 1", "+OK"},
			{0, "BEGIN", "+OK"},
			{1, "BEGIN", "+OK"},
			{0, "MGET x y", `["1" "1"]`},
			{1, "MGET x y", `["1" "1"]`},
			{0, "SET x 0", "+OK"},
			{1, "SET y 0", "+OK"},
			{0, "COMMIT", "+OK"},
			{1, "COMMIT", "+OK"},
			{1, "MGET x y", `["0" "0"]`},
		}},
		{"write skew aborted under serializable", []string{"serializable"}, []step{
			{0, "MSET x 1 y 1", "+OK"},
			{0, "BEGIN", "+OK"},
			{1, "BEGIN", "+OK"},
			{0, "MGET x y", `["1" "1"]`},
			{1, "MGET x y", `["1" "1"]`},
			{0, "SET x 0", "+OK"},
			{1, "SET y 0", "+OK"},
			{0, "COMMIT", "+OK"},
			{1, "COMMIT", errAbort},
			{1, "MGET x y", `["0" "1"]`},
			{1, "BEGIN", "+OK"}, // the retry sees x = 0 and leaves y alone
			{1, "MGET x y", `["0" "1"]`},
			{1, "COMMIT", "+OK"},
		}},
		{"read-only transactions never abort", both, []step{
			{0, "MSET x 1 y 1", "+OK"},
			{1, "BEGIN", "+OK"},
			{1, "MGET x y", `["1" "1"]`},
			{1, "KEYS *", `["x" "y"]`},
			{0, "BEGIN", "+OK"},
			{0, "GET x", `"1"`},
			{0, "SET x 2", "+OK"},
			{0, "SET z 2", "+OK"},
			{0, "COMMIT", "+OK"},
			{0, "SET y 3", "+OK"},
			{0, "DEL x", ":1"},
			{1, "MGET x y z", `["1" "1" (nil)]`},
			{1, "COMMIT", "+OK"},
		}},
		{"a rolled-back writer does not abort anyone", both, []step{
			{0, "SET x 1", "+OK"},
			{1, "BEGIN", "+OK"},
			{1, "GET x", `"1"`},
			{0, "BEGIN", "+OK"},
			{0, "SET x 2", "+OK"},
			{0, "ROLLBACK", "+OK"},
			{1, "SET x 3", "+OK"},
			{1, "COMMIT", "+OK"},
			{0, "GET x", `"3"`},
		}},
		{"Q7: DELETE counts what the transaction sees", both, []step{
			{0, "MSET a 1 b 1", "+OK"},
			{0, "BEGIN", "+OK"},
			{0, "DELETE a b c", ":2"},
			{0, "DELETE a", ":0"},
			{0, "SET c 1", "+OK"},
			{0, "DEL c c d", ":1"},
			{1, "EXISTS a b", ":2"},
			{1, "DEL b", ":1"},      // the other session deletes b meanwhile
			{0, "DELETE b", ":0"},   // still deleted for the transaction
			{0, "COMMIT", errAbort}, // it wrote b, which was committed after its snapshot
			{0, "EXISTS a b c", ":1"},
		}},
		{"FLUSHDB is seen by an open transaction, whose writes survive it", both, []step{
			{0, "MSET a 1 b 1", "+OK"},
			{1, "BEGIN", "+OK"},
			{1, "GET a", `"1"`},
			{1, "SET mine 1", "+OK"},
			{0, "FLUSHDB", "+OK"},
			{1, "GET a", "(nil)"},
			{1, "KEYS *", `["mine"]`},
			{1, "COMMIT", "+OK"},
			{0, "KEYS *", `["mine"]`},
		}},
		{"FLUSHDB and WIPEDB refused inside a transaction", both, []step{
			{0, "SET a 1", "+OK"},
			{0, "BEGIN", "+OK"},
			{0, "SET b 1", "+OK"},
			{0, "FLUSHDB", "(error) FLUSHDB cannot be run inside a transaction. Please COMMIT or ROLLBACK first."},
			{0, "WIPEDB", "(error) WIPEDB cannot be run inside a transaction. Please COMMIT or ROLLBACK first."},
			{0, "COMMIT", "+OK"},
			{1, "MGET a b", `["1" "1"]`},
		}},
		{"a failed command leaves the transaction open and unchanged", both, []step{
			{0, "SET s str", "+OK"},
			{0, "BEGIN", "+OK"},
			{0, "SET a 1", "+OK"},
			{0, "LPUSH s x", "(error) WRONGTYPE Operation against a non-list value"},
			{0, "JSON.SET s.a 1", "(error) WRONGTYPE Operation against a non-JSON value"},
			{0, "LPOP a x", "(error) Invalid count"},
			{0, "GET", "(error) GET requires one argument"},
			{0, "NOSUCH", "(error) Unknown command: NOSUCH"},
			{0, "BEGIN", "(error) Transaction already in progress"},
			{0, "MGET a s", `["1" "str"]`},
			{1, "GET a", "(nil)"},
			{0, "COMMIT", "+OK"},
			{1, "MGET a s", `["1" "str"]`},
		}},
		{"nested BEGIN, COMMIT and ROLLBACK without BEGIN", both, []step{
			{0, "COMMIT", "(error) No transaction in progress"},
			{0, "ROLLBACK", "(error) No transaction in progress"},
			{0, "SAVEPOINT a", "(error) No transaction in progress"},
			{0, "BEGIN", "+OK"},
			{0, "BEGIN", "(error) Transaction already in progress"},
			{0, "SET a 1", "+OK"},
			{0, "BEGIN", "(error) Transaction already in progress"},
			{0, "COMMIT", "+OK"},
			{1, "GET a", `"1"`},
		}},
		{"savepoints", both, []step{
			{0, "BEGIN", "+OK"},
			{0, "SET k1 v1", "+OK"},
			{0, "SAVEPOINT sp1", "+OK"},
			{0, "SET k2 v2", "+OK"},
			{0, "SAVEPOINT sp2", "+OK"},
			{0, "SET k3 v3", "+OK"},
			{0, "ROLLBACK_TO_SAVEPOINT sp2", "+OK"},
			{0, "MGET k1 k2 k3", `["v1" "v2" (nil)]`},
			{0, "RELEASE_SAVEPOINT sp1", "+OK"},
			{0, "RELEASE_SAVEPOINT sp1", "(error) Savepoint 'sp1' not found"},
			{0, "SAVEPOINT sp2", "(error) Savepoint 'sp2' already exists"},
			{0, "ROLLBACK TO SAVEPOINT nope", "(error) Savepoint 'nope' not found"},
			{1, "MGET k1 k2 k3", `[(nil) (nil) (nil)]`},
			{0, "COMMIT", "+OK"},
			{1, "MGET k1 k2 k3", `["v1" "v2" (nil)]`},
		}},
	}
	for _, tc := range tests {
		for _, iso := range tc.isolations {
			t.Run(tc.name+"/"+iso, func(t *testing.T) { runScenario(t, iso, tc.steps) })
		}
	}
}

// TestVacuumSequence runs the exact sequence of SPEC §5.5 on two sessions.
func TestVacuumSequence(t *testing.T) {
	runScenario(t, "serializable", []step{
		{0, "FLUSHDB", "+OK"},
		{0, "SET key1 value1", "+OK"},
		{0, "SET key2 value2", "+OK"},
		{0, "SET key1 value1_new", "+OK"},
		{0, "VACUUM", "+Removed 1 versions and 0 keys"},
		{0, "DELETE key2", ":1"},
		{0, "VACUUM", "+Removed 1 versions and 1 keys"},
		{0, "GET key2", "(nil)"},
		{0, "SET key3 value3", "+OK"},
		{1, "BEGIN", "+OK"},
		{0, "SET key3 value3_new", "+OK"},
		{0, "VACUUM", "+Removed 0 versions and 0 keys"},
		{1, "GET key3", `"value3"`},
		{1, "COMMIT", "+OK"},
		{0, "VACUUM", "+Removed 1 versions and 0 keys"},
		{0, "GET key3", `"value3_new"`},
	})
}

// TestCloseRollsBack checks that closing a session rolls back its transaction and releases
// its snapshot, so VACUUM can remove what it held.
func TestCloseRollsBack(t *testing.T) {
	db := openDB(t, "serializable")
	a, b := db.NewSession(), db.NewSession()
	defer a.Close()
	for _, st := range []struct {
		s         *memflux.Session
		cmd, want string
	}{
		{a, "SET k v1", "+OK"},
		{b, "BEGIN", "+OK"},
		{b, "GET k", `"v1"`},
		{b, "SET mine 1", "+OK"},
		{a, "SET k v2", "+OK"},
		{a, "VACUUM", "+Removed 0 versions and 0 keys"},
	} {
		if got := render(st.s, st.cmd); got != st.want {
			t.Fatalf("%s: got %s, want %s", st.cmd, got, st.want)
		}
	}
	b.Close()
	if b.InTxn() {
		t.Fatalf("session still in a transaction after Close")
	}
	for _, st := range []struct{ cmd, want string }{
		{"GET mine", "(nil)"},
		{"VACUUM", "+Removed 1 versions and 0 keys"},
	} {
		if got := render(a, st.cmd); got != st.want {
			t.Fatalf("%s: got %s, want %s", st.cmd, got, st.want)
		}
	}
}

// TestConcurrentAutoCommitIncr checks that concurrent auto-committed read-modify-write
// commands never lose an update.
func TestConcurrentAutoCommitIncr(t *testing.T) {
	for _, iso := range []string{"serializable", "snapshot"} {
		t.Run(iso, func(t *testing.T) {
			db := openDB(t, iso)
			const workers, each = 8, 500
			var wg sync.WaitGroup
			for w := 0; w < workers; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					s := db.NewSession()
					defer s.Close()
					for i := 0; i < each; i++ {
						if _, err := s.Do("INCR", "n"); err != nil {
							t.Errorf("INCR: %v", err)
							return
						}
						if _, err := s.Do("RPUSH", "l", "x"); err != nil {
							t.Errorf("RPUSH: %v", err)
							return
						}
					}
				}()
			}
			wg.Wait()
			s := db.NewSession()
			defer s.Close()
			if got, want := render(s, "GET n"), strconv.Quote(fmt.Sprint(workers*each)); got != want {
				t.Errorf("GET n = %s, want %s", got, want)
			}
			if got, want := render(s, "LLEN l"), fmt.Sprintf(":%d", workers*each); got != want {
				t.Errorf("LLEN l = %s, want %s", got, want)
			}
		})
	}
}
