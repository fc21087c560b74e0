package sql

import (
	"sync"
	"testing"
)

// TestConcurrentCachedPlans runs the same cached statements from several
// goroutines (each with its own transaction): plans are shared and must be
// reentrant. Run under -race.
func TestConcurrentCachedPlans(t *testing.T) {
	db := fixture(t)
	queries := []string{
		"SELECT name FROM user WHERE age > 26 ORDER BY name",
		"SELECT product, SUM(quantity) FROM sales GROUP BY product ORDER BY product",
		"SELECT u.name, d.dept_name FROM user u JOIN dept d ON u.dept_id = d.id ORDER BY u.name",
		"SELECT name FROM user WHERE age > (SELECT AVG(age) FROM user)",
		"WITH RECURSIVE c (n) AS (SELECT 1 FROM dept WHERE id = '1' UNION ALL SELECT n + 1 FROM c WHERE n < 20) SELECT COUNT(*) FROM c",
	}
	want := make([]string, len(queries))
	for i, q := range queries {
		want[i] = db.rows(q)
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := 0; round < 50; round++ {
				for i, q := range queries {
					res, err := db.exec(q)
					if err != nil {
						t.Error(err)
						return
					}
					if got := joinRows(res.Rows); got != want[i] {
						t.Errorf("%s: got %s, want %s", q, got, want[i])
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}

func joinRows(rows []string) string {
	out := ""
	for i, r := range rows {
		if i > 0 {
			out += "\n"
		}
		out += r
	}
	return out
}
