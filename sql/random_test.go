package sql

import (
	"flag"
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"
)

var (
	seedFlag = flag.Int64("seed", 0, "seed for randomized tests (0: time-based)")
	long     = flag.Bool("long", false, "run long randomized loops")
)

// randValue returns a JSON member (or nothing) for random tables.
func randValue(r *rand.Rand) string {
	switch r.Intn(8) {
	case 0:
		return ""
	case 1:
		return "null"
	case 2:
		return fmt.Sprintf(`"%d"`, r.Intn(4))
	case 3:
		return fmt.Sprintf("%d.0", r.Intn(4))
	}
	return fmt.Sprint(r.Intn(4))
}

func randTable(db *testDB, r *rand.Rand, name string) {
	n := r.Intn(25)
	var kv []string
	for i := 0; i < n; i++ {
		members := []string{fmt.Sprintf(`"k":%d`, i)}
		for _, col := range []string{"x", "y"} {
			if v := randValue(r); v != "" {
				members = append(members, fmt.Sprintf(`"%s":%s`, col, v))
			}
		}
		kv = append(kv, fmt.Sprintf("%s:%03d", name, i), "{"+strings.Join(members, ",")+"}")
	}
	db.put(kv...)
}

// TestRandomEquivalences checks plans that must agree: hash joins against
// nested loops (an OR FALSE hides the equality), TopN against a full sort,
// pushed-down filters against filters above the join.
func TestRandomEquivalences(t *testing.T) {
	seed := *seedFlag
	if seed == 0 {
		seed = time.Now().UnixNano()
	}
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewSource(seed))
	rounds := 40
	if *long {
		rounds = 2000
	}
	for round := 0; round < rounds; round++ {
		db := newTestDB(t)
		randTable(db, r, "a")
		randTable(db, r, "b")
		for _, kind := range []string{"JOIN", "LEFT JOIN", "RIGHT JOIN", "FULL JOIN"} {
			hash := fmt.Sprintf("SELECT a.k, b.k FROM a %s b ON a.x = b.y", kind)
			loop := fmt.Sprintf("SELECT a.k, b.k FROM a %s b ON a.x = b.y OR 1 = 0", kind)
			if h, l := db.rows(hash), db.rows(loop); h != l {
				t.Fatalf("seed %d: %s\n%s\nvs nested loop\n%s", seed, hash, h, l)
			}
		}
		pushed := db.rows("SELECT a.k, b.k FROM a JOIN b ON a.x = b.y WHERE a.y > 1 AND b.x <= 2")
		above := db.rows("SELECT a.k, b.k FROM a JOIN b ON a.x = b.y WHERE (a.y > 1 AND b.x <= 2) OR 1 = 0")
		if pushed != above {
			t.Fatalf("seed %d: pushdown differs:\n%s\nvs\n%s", seed, pushed, above)
		}
		for _, order := range []string{"x, k", "x DESC, y, k DESC", "y DESC NULLS FIRST, k"} {
			full := strings.Split(db.rows("SELECT k, x, y FROM a ORDER BY "+order), "\n")
			top := db.rows("SELECT k, x, y FROM a ORDER BY " + order + " LIMIT 5 OFFSET 2")
			want := ""
			if len(full) > 2 && full[0] != "" {
				want = strings.Join(full[2:min(len(full), 7)], "\n")
			}
			if top != want {
				t.Fatalf("seed %d: ORDER BY %s LIMIT 5 OFFSET 2:\n%s\nwant\n%s", seed, order, top, want)
			}
		}
		cnt := db.rows("SELECT x, COUNT(*) AS n FROM a GROUP BY x ORDER BY n, x")
		dis := db.rows("SELECT x, COUNT(*) AS n FROM (SELECT x FROM a) s GROUP BY x ORDER BY n, x")
		if cnt != dis {
			t.Fatalf("seed %d: group by via derived table differs:\n%s\nvs\n%s", seed, cnt, dis)
		}
	}
}
