package parser

import "testing"

var benchQueries = []struct{ name, sql string }{
	{"join3-groupby", `SELECT u.name, d.name AS dept, COUNT(*) AS orders, SUM(o.amount)
		FROM users u JOIN orders o ON o.user_id = u.id
		LEFT JOIN departments d ON d.id = u.dept_id
		WHERE o.amount > 10 AND u.active = TRUE AND d.name LIKE 'Eng%'
		GROUP BY u.name, d.name HAVING COUNT(*) > 2
		ORDER BY orders DESC LIMIT 10`},
	{"point-select", `SELECT id, name FROM users WHERE id = $1`},
	{"insert-3rows", `INSERT INTO users (id, name, age) VALUES (1, 'Alice', 30), (2, 'Bob', 25), (3, 'Carol', 41)`},
}

func BenchmarkParse(b *testing.B) {
	for _, q := range benchQueries {
		b.Run("query="+q.name, func(b *testing.B) {
			if _, err := Parse(q.sql); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.SetBytes(int64(len(q.sql)))
			b.ResetTimer()
			for b.Loop() {
				if _, err := Parse(q.sql); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkLex(b *testing.B) {
	sql := benchQueries[0].sql
	b.ReportAllocs()
	b.SetBytes(int64(len(sql)))
	for b.Loop() {
		if _, err := lex(sql); err != nil {
			b.Fatal(err)
		}
	}
}
