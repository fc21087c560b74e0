package sql

import (
	"testing"
)

// fixture loads the data most query tests use: schemaless users and
// departments, sales, and a schema table p.
func fixture(t testing.TB) *testDB {
	db := newTestDB(t)
	db.put(
		"user:1", `{"name":"Alice","age":30,"dept_id":1,"email":"alice@example.com"}`,
		"user:2", `{"name":"Bob","age":25,"dept_id":1}`,
		"user:3", `{"name":"Carol","age":35,"dept_id":2}`,
		"user:4", `{"name":"Dave","age":null}`,
		"dept:1", `{"dept_name":"Eng"}`,
		"dept:2", `{"dept_name":"Ops"}`,
		"dept:3", `{"dept_name":"Empty"}`,
		"sales:1", `{"product":"apple","quantity":5,"city":"Paris"}`,
		"sales:2", `{"product":"apple","quantity":13,"city":"Rome"}`,
		"sales:3", `{"product":"pear","quantity":4,"city":"Paris"}`,
		"sales:4", `{"product":"plum","quantity":9,"city":"Oslo"}`,
		"loc:1", `{"city":"Paris","country":"FR"}`,
		"loc:2", `{"city":"Rome","country":"IT"}`,
		"p:1", `{"id":1,"name":"x","score":10}`,
		"p:2", `{"id":2,"name":"y","score":"9"}`,
		"p:3", `{"id":3,"name":"z","score":100}`,
		"_internal:schemas:p", `{"table_name":"p","columns":{"id":{"type":"INTEGER","nullable":false,"default":null},"name":{"type":"TEXT","nullable":true,"default":null},"score":{"type":"INTEGER","nullable":true,"default":null}},"column_order":["id","name","score"],"constraints":[]}`,
	)
	return db
}

var queryTests = []struct {
	sql, want string
}{
	// Scans, the implicit id, unknown columns.
	{"SELECT name FROM user WHERE age > 26", `{"name":"Alice"}
{"name":"Carol"}`},
	{"SELECT id FROM user WHERE name='Alice'", `{"id":"1"}`},
	{"SELECT id, name FROM p WHERE id = '2'", `{"id":2,"name":"y"}`},
	{"SELECT nosuchcol FROM user WHERE id = 1", `{"nosuchcol":null}`},
	{"SELECT * FROM dept WHERE id = 3", `{"dept_name":"Empty","id":"3"}`},
	{"SELECT _key FROM dept WHERE id = 3", `{"_key":"dept:3"}`},
	{"SELECT id FROM nosuchtable", ``},
	{"SELECT 1 FROM dept WHERE id = '1'", `{"1":1}`},
	{"SELECT 'lit', 2.5, NULL, TRUE FROM dept WHERE id = '1'", `{"\"lit\"":"lit","2.5":2.5,"null":null,"true":true}`},
	{"SELECT user.name FROM user WHERE user.age = 25", `{"user.name":"Bob"}`},
	{"SELECT u.name AS n FROM user u WHERE u.age < 26", `{"n":"Bob"}`},
	// Arithmetic and concatenation.
	{"SELECT age + 5, age * 2, -age, age / 2 FROM user WHERE id = '2'", `{"0 - age":-25.0,"age * 2":50.0,"age + 5":30.0,"age / 2":12.5}`},
	{"SELECT name || '-' || age AS x, 'id-' || 1 AS y FROM user WHERE id = '1'", `{"x":"Alice-30","y":"id-1"}`},
	{"SELECT age + 'x' AS a, name || NULL AS b FROM user WHERE id = '1'", `{"a":null,"b":null}`},
	// Comparisons and three-valued logic.
	{"SELECT name FROM user WHERE age = '30'", `{"name":"Alice"}`},
	{"SELECT name FROM user WHERE id = 3", `{"name":"Carol"}`},
	{"SELECT name FROM user WHERE age != 30 ORDER BY name", `{"name":"Bob"}
{"name":"Carol"}`},
	{"SELECT name FROM user WHERE NOT age = 30 ORDER BY name", `{"name":"Bob"}
{"name":"Carol"}`},
	{"SELECT name FROM user WHERE age <> 30 OR age IS NULL ORDER BY name", `{"name":"Bob"}
{"name":"Carol"}
{"name":"Dave"}`},
	{"SELECT name FROM user WHERE age IS NULL", `{"name":"Dave"}`},
	{"SELECT name FROM user WHERE email IS NOT NULL", `{"name":"Alice"}`},
	{"SELECT name FROM user WHERE age BETWEEN 25 AND 30 ORDER BY name", `{"name":"Alice"}
{"name":"Bob"}`},
	{"SELECT name FROM user WHERE age NOT BETWEEN 25 AND 30", `{"name":"Carol"}`},
	{"SELECT name FROM user WHERE age IN (25, 35) ORDER BY name", `{"name":"Bob"}
{"name":"Carol"}`},
	{"SELECT name FROM user WHERE age NOT IN (25, NULL)", ``},
	{"SELECT name FROM user WHERE age IN ('25')", ``},
	{"SELECT name FROM user WHERE name LIKE 'A%'", `{"name":"Alice"}`},
	{"SELECT name FROM user WHERE name ILIKE '%o%' ORDER BY name", `{"name":"Bob"}
{"name":"Carol"}`},
	{"SELECT name FROM user WHERE name LIKE 'B_b'", `{"name":"Bob"}`},
	{"SELECT name FROM user WHERE name NOT LIKE '%a%' ORDER BY name", `{"name":"Alice"}
{"name":"Bob"}`},
	{"SELECT name FROM user WHERE 'C' > name ORDER BY name", `{"name":"Alice"}
{"name":"Bob"}`},
	{"SELECT NULL = NULL AS a, 1 = 1.0 AS b, '10' > '9' AS c, 'a' < 'b' AS d, 1 < 'x' AS e, 1 != 'x' AS f FROM dept WHERE id = '1'",
		`{"a":null,"b":true,"c":true,"d":true,"e":false,"f":true}`},
	{"SELECT TRUE AND NULL AS a, FALSE AND NULL AS b, TRUE OR NULL AS c, NOT NULL AS d FROM dept WHERE id = '1'",
		`{"a":null,"b":false,"c":true,"d":null}`},
	{"SELECT CASE WHEN age > 28 THEN 'old' WHEN age > 20 THEN 'young' ELSE 'unknown' END AS c FROM user ORDER BY name", `{"c":"old"}
{"c":"young"}
{"c":"old"}
{"c":"unknown"}`},
	// Functions.
	{"SELECT LOWER(name), UPPER(name), LENGTH(name), SUBSTRING(name, 2, 3) FROM user WHERE id = '1'",
		`{"LENGTH(name)":5,"LOWER(name)":"alice","SUBSTRING(name, 2, 3)":"lic","UPPER(name)":"ALICE"}`},
	{"SELECT ABS(-10.5) AS a, CEIL(-10.5) AS b, FLOOR(15.2) AS c, ROUND(2.5) AS d, ROUND(-2.5) AS e FROM dept WHERE id = '1'",
		`{"a":10.5,"b":-10.0,"c":15.0,"d":3.0,"e":-3.0}`},
	{"SELECT COALESCE(email, name) AS c FROM user ORDER BY name", `{"c":"alice@example.com"}
{"c":"Bob"}
{"c":"Carol"}
{"c":"Dave"}`},
	{"SELECT CAST(age AS TEXT) AS t, CAST('42' AS INTEGER) AS i FROM user WHERE id = '1'", `{"i":42,"t":"30"}`},
	{"SELECT age::text AS t FROM user WHERE id = '1'", `{"t":"30"}`},
	// ORDER BY, LIMIT, OFFSET.
	{"SELECT name FROM user ORDER BY age", `{"name":"Dave"}
{"name":"Bob"}
{"name":"Alice"}
{"name":"Carol"}`},
	{"SELECT name FROM user ORDER BY age DESC", `{"name":"Carol"}
{"name":"Alice"}
{"name":"Bob"}
{"name":"Dave"}`},
	{"SELECT name FROM user ORDER BY age DESC LIMIT 2", `{"name":"Carol"}
{"name":"Alice"}`},
	{"SELECT name FROM user ORDER BY age DESC LIMIT 2 OFFSET 1", `{"name":"Alice"}
{"name":"Bob"}`},
	{"SELECT name FROM user ORDER BY name LIMIT 0", ``},
	{"SELECT name FROM user ORDER BY age * -1 DESC, name ASC", `{"name":"Bob"}
{"name":"Alice"}
{"name":"Carol"}
{"name":"Dave"}`},
	{"SELECT name, score FROM p ORDER BY score", `{"name":"y","score":"9"}
{"name":"x","score":10}
{"name":"z","score":100}`},
	{"SELECT name FROM user ORDER BY 1 DESC LIMIT 1", `{"name":"Dave"}`},
	// Aggregates.
	{"SELECT COUNT(*), SUM(age), AVG(age), MIN(age), MAX(age) FROM user", `{"AVG(age)":30.0,"COUNT(*)":4,"MAX(age)":35,"MIN(age)":25,"SUM(age)":90.0}`},
	{"SELECT COUNT(age), COUNT(DISTINCT dept_id), COUNT(email) FROM user", `{"COUNT(DISTINCT dept_id)":2,"COUNT(age)":3,"COUNT(email)":1}`},
	{"SELECT COUNT(*) FROM user WHERE age > 100", `{"COUNT(*)":0}`},
	{"SELECT SUM(age), MIN(age) FROM user WHERE age > 100", `{"MIN(age)":null,"SUM(age)":null}`},
	{"SELECT COUNT(*) FROM user WHERE age > 100 HAVING COUNT(*) > 0", ``},
	{"SELECT product, SUM(quantity) AS total_quantity FROM sales GROUP BY product HAVING SUM(quantity) > 10", `{"product":"apple","total_quantity":18.0}`},
	{"SELECT product, COUNT(*) FROM sales GROUP BY product ORDER BY COUNT(*) DESC, product", `{"COUNT(*)":2,"product":"apple"}
{"COUNT(*)":1,"product":"pear"}
{"COUNT(*)":1,"product":"plum"}`},
	{"SELECT MIN(name), MAX(name) FROM user", `{"MAX(name)":"Dave","MIN(name)":"Alice"}`},
	{"SELECT STRING_AGG(name, ',' ORDER BY name DESC) AS s FROM user", `{"s":"Dave,Carol,Bob,Alice"}`},
	{"SELECT ARRAY_AGG(quantity ORDER BY quantity) AS a FROM sales", `{"a":[4,5,9,13]}`},
	{"SELECT LOWER(product) AS p, COUNT(*) AS n FROM sales GROUP BY LOWER(product) ORDER BY p", `{"n":2,"p":"apple"}
{"n":1,"p":"pear"}
{"n":1,"p":"plum"}`},
	// DISTINCT.
	{"SELECT DISTINCT product FROM sales", `{"product":"apple"}
{"product":"pear"}
{"product":"plum"}`},
	{"SELECT DISTINCT ON (product) product, quantity FROM sales ORDER BY product, quantity DESC", `{"product":"apple","quantity":13}
{"product":"pear","quantity":4}
{"product":"plum","quantity":9}`},
	// Joins.
	{"SELECT u.name, d.dept_name FROM user u JOIN dept d ON u.dept_id = d.id ORDER BY u.name", `{"d.dept_name":"Eng","u.name":"Alice"}
{"d.dept_name":"Eng","u.name":"Bob"}
{"d.dept_name":"Ops","u.name":"Carol"}`},
	{"SELECT u.name, d.dept_name FROM user u LEFT JOIN dept d ON u.dept_id = d.id", `{"d.dept_name":"Eng","u.name":"Alice"}
{"d.dept_name":"Eng","u.name":"Bob"}
{"d.dept_name":"Ops","u.name":"Carol"}
{"d.dept_name":null,"u.name":"Dave"}`},
	{"SELECT u.name, d.dept_name FROM user u RIGHT JOIN dept d ON u.dept_id = d.id", `{"d.dept_name":"Eng","u.name":"Alice"}
{"d.dept_name":"Eng","u.name":"Bob"}
{"d.dept_name":"Ops","u.name":"Carol"}
{"d.dept_name":"Empty","u.name":null}`},
	{"SELECT COUNT(*) FROM user u FULL JOIN dept d ON u.dept_id = d.id", `{"COUNT(*)":5}`},
	{"SELECT COUNT(*) FROM user CROSS JOIN dept", `{"COUNT(*)":12}`},
	{"SELECT COUNT(*) FROM user u, dept d WHERE u.dept_id = d.id", `{"COUNT(*)":3}`},
	{"SELECT u.name FROM user u JOIN dept d ON u.dept_id = d.id AND d.dept_name = 'Ops'", `{"u.name":"Carol"}`},
	{"SELECT u.name, d.dept_name FROM user u LEFT JOIN dept d ON u.dept_id = d.id AND d.dept_name = 'Ops' WHERE u.age > 26", `{"d.dept_name":null,"u.name":"Alice"}
{"d.dept_name":"Ops","u.name":"Carol"}`},
	{"SELECT u.name FROM user u JOIN dept d ON u.dept_id < d.id WHERE d.id = '2'", `{"u.name":"Alice"}
{"u.name":"Bob"}`},
	{"SELECT * FROM user u JOIN dept d ON u.dept_id = d.id WHERE u.id = '3'", `{"age":35,"d.id":"2","dept_id":2,"dept_name":"Ops","name":"Carol","u.id":"3"}`},
	// Derived tables, CTEs.
	{"SELECT s.product, s.total_quantity FROM (SELECT product, SUM(quantity) as total_quantity FROM sales GROUP BY product) AS s WHERE s.total_quantity > 8", `{"s.product":"apple","s.total_quantity":18.0}
{"s.product":"plum","s.total_quantity":9.0}`},
	{"SELECT s.n FROM (SELECT name AS n FROM user WHERE id = '1') s", `{"s.n":"Alice"}`},
	{"WITH big AS (SELECT product, quantity FROM sales WHERE quantity > 5) SELECT product FROM big ORDER BY quantity", `{"product":"plum"}
{"product":"apple"}`},
	{"WITH a AS (SELECT quantity AS q FROM sales), b AS (SELECT q FROM a WHERE q > 8) SELECT COUNT(*) FROM b", `{"COUNT(*)":2}`},
	{"WITH t AS (SELECT product FROM sales WHERE id = '4') SELECT x.product FROM t x", `{"x.product":"plum"}`},
	{"WITH user AS (SELECT 'shadow' AS name FROM dept WHERE id = '1') SELECT name FROM user", `{"name":"shadow"}`},
	{"WITH RECURSIVE c (n) AS (SELECT 1 FROM dept WHERE id = '1' UNION ALL SELECT n + 1 FROM c WHERE n < 3) SELECT n FROM c", `{"n":1}
{"n":2.0}
{"n":3.0}`},
	// Subqueries.
	{"SELECT name FROM user WHERE age > (SELECT AVG(age) FROM user)", `{"name":"Carol"}`},
	// IN compares exactly as JSON: the key-derived id "1" is not 1.
	{"SELECT name FROM user WHERE dept_id IN (SELECT id FROM dept WHERE dept_name = 'Eng') ORDER BY name", ``},
	{"SELECT name FROM user WHERE dept_id = ANY (SELECT id FROM dept WHERE dept_name = 'Eng') ORDER BY name", `{"name":"Alice"}
{"name":"Bob"}`},
	{"SELECT s.product FROM sales s WHERE EXISTS (SELECT 1 FROM loc l WHERE l.city = s.city) ORDER BY s.quantity", `{"s.product":"pear"}
{"s.product":"apple"}
{"s.product":"apple"}`},
	{"SELECT product, (SELECT country FROM loc WHERE city = sales.city) AS c FROM sales WHERE id = '2'", `{"c":"IT","product":"apple"}`},
	{"SELECT product FROM sales WHERE quantity > ALL (SELECT quantity FROM sales WHERE city = 'Paris') ORDER BY product", `{"product":"apple"}
{"product":"plum"}`},
	{"SELECT product FROM sales WHERE quantity = ANY (SELECT age - 21 FROM user) ", `{"product":"pear"}
{"product":"plum"}`},
	{"SELECT name FROM user WHERE NOT EXISTS (SELECT 1 FROM dept WHERE dept.id = user.dept_id)", `{"name":"Dave"}`},
	// Set operations.
	{"SELECT product FROM sales WHERE city = 'Paris' UNION SELECT product FROM sales WHERE quantity > 8", `{"product":"apple"}
{"product":"pear"}
{"product":"plum"}`},
	{"SELECT product FROM sales WHERE city = 'Paris' UNION ALL SELECT city FROM sales WHERE id = '4'", `{"product":"apple"}
{"product":"pear"}
{"product":"Oslo"}`},
	{"SELECT product FROM sales INTERSECT SELECT product FROM sales WHERE city = 'Rome'", `{"product":"apple"}`},
	{"SELECT product FROM sales EXCEPT SELECT product FROM sales WHERE city = 'Paris'", `{"product":"plum"}`},
	{"SELECT product FROM sales UNION SELECT city FROM sales ORDER BY product DESC LIMIT 2", `{"product":"plum"}
{"product":"pear"}`},
	// Views.
	{"SELECT name FROM v_old ORDER BY name", `{"name":"Alice"}
{"name":"Carol"}`},
	{"SELECT w.name FROM v_old w WHERE w.age > 32", `{"w.name":"Carol"}`},
	// Nested JSON paths.
	{"SELECT address.city FROM nested", `{"address.city":"Oslo"}`},
	{"SELECT n.address.city AS c FROM nested n", `{"c":"Oslo"}`},
	// Parameters.
	{"SELECT name FROM user WHERE age = 30", `{"name":"Alice"}`},
}

func TestQueries(t *testing.T) {
	db := fixture(t)
	db.put("_internal:views:v_old", `{"name":"v_old","columns":[],"query":"SELECT name, age FROM user WHERE age > 28"}`,
		"nested:1", `{"address":{"city":"Oslo","zip":"0150"}}`)
	for _, tt := range queryTests {
		t.Run(tt.sql, func(t *testing.T) {
			if got := db.rows(tt.sql); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}
