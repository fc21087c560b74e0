package memflux_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/memflux/memflux"
	"github.com/memflux/memflux/index"
)

// sqlRows runs an SQL statement and returns its reply as text.
func sqlRows(t *testing.T, s *memflux.Session, stmt string) string {
	t.Helper()
	r, err := s.Do("SQL", stmt)
	if err != nil {
		t.Fatalf("SQL %s: %v", stmt, err)
	}
	return r.String()
}

// TestIndexesSurviveRestart: indexes of every origin come back complete after a restart —
// from the WAL alone, then from a snapshot plus the WAL — are used by the planner, keep
// enforcing uniqueness and keep being maintained.
func TestIndexesSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	db := openDir(t, dir)
	s := db.NewSession()
	for i := range 300 {
		do(t, s, "+OK", "JSON.SET", fmt.Sprintf("user:%03d", i),
			fmt.Sprintf(`{"age":%d,"email":"u%d@x","name":"n%03d","city":"c%d"}`, i%50, i, i, i%4))
	}
	do(t, s, "+OK", "IDX.CREATE", "byage", "user:*", "age")
	do(t, s, "+OK", "CREATEINDEX", "user:*", "ON", "city")
	do(t, s, "+OK", "SQL", "CREATE UNIQUE INDEX user_email ON user (email)")
	do(t, s, "+OK", "SQL", "CREATE INDEX user_lname ON user (LOWER(name))")
	if err := db.CreateIndex(context.Background(), "agecity", "user:*", nil, "age", "city"); err != nil {
		t.Fatal(err)
	}
	check := func(db *memflux.DB, phase string) {
		t.Helper()
		s := db.NewSession()
		defer s.Close()
		do(t, s, `["user:*|age" "user:*|age,city" "user:*|city" "user_email" "user_lname"]`, "IDX.LIST")
		if got := sqlRows(t, s, "SELECT name FROM user WHERE age = 7 ORDER BY name"); got != `["{\"name\":\"n007\"}" "{\"name\":\"n057\"}" "{\"name\":\"n107\"}" "{\"name\":\"n157\"}" "{\"name\":\"n207\"}" "{\"name\":\"n257\"}"]` {
			t.Errorf("%s: age = 7 -> %s", phase, got)
		}
		if plan := sqlRows(t, s, "EXPLAIN SELECT name FROM user WHERE age = 7"); !strings.Contains(plan, "IndexScan") {
			t.Errorf("%s: plan %s", phase, plan)
		}
		if plan := sqlRows(t, s, "EXPLAIN SELECT name FROM user WHERE email = 'u5@x'"); !strings.Contains(plan, "IndexScan user_email") {
			t.Errorf("%s: plan %s", phase, plan)
		}
		_, err := s.Do("SQL", "INSERT INTO user (id, email) VALUES (9999, 'u5@x')")
		if err == nil || !strings.Contains(err.Error(), "UNIQUE constraint 'user_email' failed for column 'email'") {
			t.Errorf("%s: duplicate insert: %v", phase, err)
		}
		_, err = s.Do("JSON.SET", "user:dup", `{"email":"u6@x"}`)
		if !errors.Is(err, index.ErrUnique) {
			t.Errorf("%s: duplicate JSON.SET: %v", phase, err)
		}
		err = db.View(func(tx *memflux.Tx) error {
			keys, err := tx.Lookup("user_email", "u42@x")
			if err != nil || len(keys) != 1 || keys[0] != "user:042" {
				t.Errorf("%s: Lookup = %v, %v", phase, keys, err)
			}
			keys, _ = tx.Lookup("user_lname", "n100")
			if len(keys) != 1 || keys[0] != "user:100" {
				t.Errorf("%s: expression Lookup = %v", phase, keys)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	check(db, "before restart")
	s.Close()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = openDir(t, dir) // WAL replay only
	check(db, "after WAL replay")
	s = db.NewSession()
	do(t, s, "+OK", "SAVE")
	do(t, s, "+OK", "JSON.SET", "user:300", `{"age":7,"email":"u300@x","name":"n300"}`)
	do(t, s, ":1", "DELETE", "user:300")
	do(t, s, ":1", "IDX.DROP", "user:_city")
	do(t, s, "+OK", "CREATEINDEX", "user:*", "ON", "city")
	s.Close()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = openDir(t, dir) // snapshot + WAL
	defer db.Close()
	check(db, "after snapshot and WAL")
	s = db.NewSession()
	defer s.Close()
	do(t, s, "+OK", "FLUSHDB")
	do(t, s, "[]", "IDX.LIST")
}

// TestUniqueRaceSQL: sessions racing to insert the same value through SQL: exactly one
// commits, the others fail with the UNIQUE message. Run with -race.
func TestUniqueRaceSQL(t *testing.T) {
	for _, iso := range []string{"serializable", "snapshot"} {
		t.Run(iso, func(t *testing.T) {
			cfg := memflux.DefaultConfig()
			cfg.Persistence = false
			cfg.IsolationLevel = iso
			db, err := memflux.Open(cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			s := db.NewSession()
			do(t, s, "+OK", "SQL", "CREATE UNIQUE INDEX acct_email ON acct (email)")
			s.Close()
			for round := range 10 {
				const n = 4
				var wg sync.WaitGroup
				var mu sync.Mutex
				ok := 0
				for i := range n {
					wg.Add(1)
					go func() {
						defer wg.Done()
						s := db.NewSession()
						defer s.Close()
						explicit := i%2 == 0
						if explicit {
							if _, err := s.Do("BEGIN"); err != nil {
								t.Error(err)
								return
							}
						}
						_, err := s.Do("SQL", fmt.Sprintf("INSERT INTO acct (id, email) VALUES (%d, 'r%d')", round*10+i, round))
						if err == nil && explicit {
							_, err = s.Do("COMMIT")
						}
						mu.Lock()
						defer mu.Unlock()
						switch {
						case err == nil:
							ok++
						case !explicit && !strings.HasPrefix(err.Error(), "Execution Error: "):
							t.Errorf("auto-committed insert: %v", err)
						case strings.Contains(err.Error(), "UNIQUE constraint 'acct_email' failed for column 'email'"),
							strings.Contains(err.Error(), "Serialization failure"):
						default:
							t.Errorf("insert: %v", err)
						}
					}()
				}
				wg.Wait()
				if ok != 1 {
					t.Fatalf("round %d: %d inserts committed, want 1", round, ok)
				}
			}
		})
	}
}
