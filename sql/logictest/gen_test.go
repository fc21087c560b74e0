package logictest

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// This file generates random tables and queries whose semantics coincide in MemFlux and
// SQLite, for the differential test. Every choice below avoids a known divergence:
//
//   - Types: each column holds one JSON type (or NULL): comparisons never mix numbers
//     and strings (MemFlux coerces numeric strings, SQLite applies affinities), and
//     MIN/MAX/DISTINCT never see 1 next to "1".
//   - Arithmetic: MemFlux always yields floats and errors on division by zero, SQLite
//     keeps integers and yields NULL; the generator uses + - * only and results are
//     compared numerically. SUM/AVG: floats here, integers there: numeric comparison.
//   - Floats are multiples of 0.25 so that sums are exact in any order.
//   - IN lists hold non-negative integers only, compared with integer columns: MemFlux
//     IN is type-sensitive JSON equality, SQLite's is numeric, and a negative literal is
//     unary minus, which yields a float here (SPEC §4.2, §4.12), so `d IN (-1)` never
//     matches the integer -1 in MemFlux.
//   - LIKE: SQLite runs with PRAGMA case_sensitive_like=ON; patterns have no backslash
//     (MemFlux's escape character) and strings are ASCII (LENGTH counts bytes here,
//     characters there).
//   - Logic: AND/OR/NOT only over predicates (MemFlux counts non-boolean operands as
//     FALSE, SQLite as numbers). Boolean results are compared as 1/0.
//   - NULL ordering: both put NULLs first ascending and last descending.
//   - ORDER BY ... LIMIT always ends with a unique key, so the order is total; results
//     without ORDER BY are compared as multisets.
//   - Columns in joins are always qualified (MemFlux resolves ambiguous names to the
//     alphabetically first table, SQLite rejects them); every output column is aliased
//     c0, c1, … and ORDER BY names source columns, never aliases (MemFlux evaluates
//     ORDER BY before projection).
//   - DISTINCT projections use no multiplication: MemFlux keeps -0.0 (0 * -0.5) apart
//     from 0.0, SQLite prints both as 0.0 (distinct.test pins the question).
//   - Set operations: one operator per query (SQLite gives UNION, INTERSECT and EXCEPT
//     equal precedence, PostgreSQL and MemFlux do not).
//   - GROUP BY keys and HAVING use plain columns and aggregates of the select list (SPEC
//     §4.10's group row).

// genValue is a generated cell: null, an int, a float (multiple of 0.25) or a string.
type genValue struct {
	kind byte // 'n' null, 'i' int, 'f' float, 's' string
	i    int64
	f    float64
	s    string
}

func (v genValue) sql() string {
	switch v.kind {
	case 'i':
		return strconv.FormatInt(v.i, 10)
	case 'f':
		return strconv.FormatFloat(v.f, 'f', -1, 64)
	case 's':
		return "'" + strings.ReplaceAll(v.s, "'", "''") + "'"
	}
	return "NULL"
}

func (v genValue) json() string {
	switch v.kind {
	case 'i':
		return strconv.FormatInt(v.i, 10)
	case 'f':
		s := strconv.FormatFloat(v.f, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	case 's':
		return strconv.Quote(v.s)
	}
	return "null"
}

// genColumn describes a column of a generated table.
type genColumn struct {
	name string
	kind byte // 'i', 'f' or 's'
}

// genTable is a generated table: rows of values in column order, column 0 is id.
type genTable struct {
	name string
	cols []genColumn
	rows [][]genValue
	// missing[r][c] is true when MemFlux's document omits a NULL member instead of
	// storing null (both read as NULL).
	missing [][]bool
}

var genStrings = []string{"", "a", "b", "ab", "ba", "abc", "B", "x y", "bb", "a_b"}

func genCell(r *rand.Rand, kind byte) genValue {
	if r.IntN(7) == 0 {
		return genValue{kind: 'n'}
	}
	switch kind {
	case 'i':
		return genValue{kind: 'i', i: int64(r.IntN(12) - 3)}
	case 'f':
		return genValue{kind: 'f', f: float64(r.IntN(40)-10) / 4}
	}
	return genValue{kind: 's', s: genStrings[r.IntN(len(genStrings))]}
}

func genTables(r *rand.Rand) []*genTable {
	t1 := &genTable{name: "t1", cols: []genColumn{{"id", 'i'}, {"a", 'i'}, {"b", 'f'}, {"c", 's'}, {"d", 'i'}}}
	t2 := &genTable{name: "t2", cols: []genColumn{{"id", 'i'}, {"x", 'i'}, {"y", 's'}, {"z", 'f'}}}
	for _, t := range []*genTable{t1, t2} {
		n := 10 + r.IntN(30)
		for id := 1; id <= n; id++ {
			row := []genValue{{kind: 'i', i: int64(id)}}
			miss := []bool{false}
			for _, c := range t.cols[1:] {
				v := genCell(r, c.kind)
				row = append(row, v)
				miss = append(miss, v.kind == 'n' && r.IntN(2) == 0)
			}
			t.rows = append(t.rows, row)
			t.missing = append(t.missing, miss)
		}
	}
	return []*genTable{t1, t2}
}

// doc renders row i as a MemFlux JSON document.
func (t *genTable) doc(i int) string {
	var b strings.Builder
	b.WriteByte('{')
	first := true
	for c, col := range t.cols {
		if t.missing[i][c] {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		fmt.Fprintf(&b, "%q:%s", col.name, t.rows[i][c].json())
	}
	b.WriteByte('}')
	return b.String()
}

// sqliteDDL returns the statements that create and fill the table in SQLite.
func (t *genTable) sqliteDDL() string {
	var b strings.Builder
	types := map[byte]string{'i': "INTEGER", 'f': "REAL", 's': "TEXT"}
	fmt.Fprintf(&b, "CREATE TABLE %s (", t.name)
	for i, c := range t.cols {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %s", c.name, types[c.kind])
	}
	b.WriteString(");\n")
	for _, row := range t.rows {
		fmt.Fprintf(&b, "INSERT INTO %s VALUES (", t.name)
		for i, v := range row {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(v.sql())
		}
		b.WriteString(");\n")
	}
	return b.String()
}

// genQuery is one generated query and whether its result order is defined.
type genQuery struct {
	sql     string
	ordered bool
}

// queryGen generates queries over t1 and t2.
type queryGen struct {
	r *rand.Rand
	// noMul keeps * out of numeric expressions: 0 * -0.5 is -0.0, which MemFlux's DISTINCT
	// tells apart from 0.0 (JSON texts "-0.0" and "0.0") while SQLite normalizes it to 0.
	noMul bool
}

func (g *queryGen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }

func (g *queryGen) intLit() string { return strconv.Itoa(g.r.IntN(14) - 4) }

func (g *queryGen) numLit() string {
	if g.r.IntN(2) == 0 {
		return g.intLit()
	}
	return strconv.FormatFloat(float64(g.r.IntN(40)-10)/4, 'f', -1, 64)
}

func (g *queryGen) strLit() string {
	return "'" + genStrings[g.r.IntN(len(genStrings))] + "'"
}

func (g *queryGen) cmpOp() string { return g.pick("=", "!=", "<>", "<", "<=", ">", ">=") }

// colsOf returns the columns of a table of the given kind, qualified with q when q is
// not empty.
func colsOf(t string, kind byte, q string) []string {
	all := map[string][]genColumn{
		"t1": {{"id", 'i'}, {"a", 'i'}, {"b", 'f'}, {"c", 's'}, {"d", 'i'}},
		"t2": {{"id", 'i'}, {"x", 'i'}, {"y", 's'}, {"z", 'f'}},
	}
	var out []string
	for _, c := range all[t] {
		if c.kind == kind || (kind == 'n' && c.kind != 's') {
			if q != "" {
				out = append(out, q+"."+c.name)
			} else {
				out = append(out, c.name)
			}
		}
	}
	return out
}

// scope is the set of tables a predicate may reference, with their qualifiers.
type scope []struct{ table, q string }

func (g *queryGen) col(sc scope, kind byte) string {
	s := sc[g.r.IntN(len(sc))]
	cols := colsOf(s.table, kind, s.q)
	return cols[g.r.IntN(len(cols))]
}

// numExpr is a numeric operand: a column, or a small + - * expression over columns.
func (g *queryGen) numExpr(sc scope) string {
	switch g.r.IntN(6) {
	case 0:
		op := g.pick("+", "-", "*")
		if g.noMul {
			op = g.pick("+", "-")
		}
		return g.col(sc, 'n') + " " + op + " " + g.col(sc, 'n')
	case 1:
		return g.col(sc, 'i') + " " + g.pick("+", "-") + " " + g.intLit()
	}
	return g.col(sc, 'n')
}

// pred generates a predicate of at most depth levels of AND/OR/NOT.
func (g *queryGen) pred(sc scope, depth int) string {
	if depth > 0 && g.r.IntN(3) == 0 {
		switch g.r.IntN(3) {
		case 0:
			return "(" + g.pred(sc, depth-1) + " AND " + g.pred(sc, depth-1) + ")"
		case 1:
			return "(" + g.pred(sc, depth-1) + " OR " + g.pred(sc, depth-1) + ")"
		default:
			return "NOT (" + g.pred(sc, depth-1) + ")"
		}
	}
	switch g.r.IntN(10) {
	case 0, 1:
		return g.numExpr(sc) + " " + g.cmpOp() + " " + g.numLit()
	case 2:
		return g.col(sc, 'n') + " " + g.cmpOp() + " " + g.col(sc, 'n')
	case 3:
		return g.col(sc, 's') + " " + g.cmpOp() + " " + g.strLit()
	case 4:
		return g.col(sc, g.pick("i", "f", "s")[0]) + g.pick(" IS NULL", " IS NOT NULL")
	case 5:
		lo := g.r.IntN(10) - 4
		return fmt.Sprintf("%s %sBETWEEN %d AND %d", g.col(sc, 'n'), g.pick("", "NOT "), lo, lo+g.r.IntN(6))
	case 6:
		var items []string
		for n := 1 + g.r.IntN(4); n > 0; n-- {
			if g.r.IntN(8) == 0 {
				items = append(items, "NULL")
			} else {
				items = append(items, strconv.Itoa(g.r.IntN(10)))
			}
		}
		return g.col(sc, 'i') + g.pick(" IN (", " NOT IN (") + strings.Join(items, ", ") + ")"
	case 7:
		return g.col(sc, 's') + g.pick(" LIKE ", " NOT LIKE ") + g.pick("'a%'", "'%b'", "'_b%'", "'%'", "'a_'", "'%a%'", "'B'")
	case 8:
		return g.col(sc, 's') + g.pick(" IN ('a', 'b')", " NOT IN ('ab', 'x y')", " BETWEEN 'a' AND 'b'")
	}
	return g.col(sc, 'n') + " " + g.cmpOp() + " " + g.numExpr(sc)
}

// projection generates n aliased select items.
func (g *queryGen) projection(sc scope, n int) []string {
	var items []string
	for i := 0; i < n; i++ {
		var e string
		switch g.r.IntN(9) {
		case 0:
			e = g.numExpr(sc)
		case 1:
			e = g.col(sc, 's') + " || " + g.pick("'x'", g.col(sc, 's'), g.col(sc, 'i'))
		case 2:
			e = "CASE WHEN " + g.pred(sc, 1) + " THEN " + g.col(sc, 'i') + " ELSE " + g.col(sc, 'i') + " END"
		case 3:
			e = "COALESCE(" + g.col(sc, 'i') + ", " + g.col(sc, 'i') + ")"
		case 4:
			e = g.pick("LOWER(", "UPPER(", "LENGTH(") + g.col(sc, 's') + ")"
		case 5:
			e = g.pred(sc, 0)
		case 6:
			e = "ABS(" + g.col(sc, 'n') + ")"
		default:
			e = g.col(sc, g.pick("i", "f", "s")[0])
		}
		items = append(items, fmt.Sprintf("%s AS c%d", e, i))
	}
	return items
}

var single = scope{{"t1", ""}}

// next returns a random query.
func (g *queryGen) next() genQuery {
	switch g.r.IntN(9) {
	case 0, 1:
		return g.filter()
	case 2:
		return g.join()
	case 3, 4:
		return g.groupBy()
	case 5:
		return g.orderLimit()
	case 6:
		return g.subquery()
	case 7:
		return g.setOp()
	}
	return g.joinGroup()
}

func (g *queryGen) filter() genQuery {
	tbl := g.pick("t1", "t2")
	sc := scope{{tbl, ""}}
	distinct := g.r.IntN(3) == 0
	g.noMul = distinct
	q := "SELECT " + strings.Join(g.projection(sc, 1+g.r.IntN(3)), ", ") + " FROM " + tbl
	g.noMul = false
	if g.r.IntN(6) > 0 {
		q += " WHERE " + g.pred(sc, 3)
	}
	if distinct {
		q = "SELECT DISTINCT " + strings.TrimPrefix(q, "SELECT ")
	}
	return genQuery{sql: q}
}

func (g *queryGen) join() genQuery {
	kind := g.pick("JOIN", "INNER JOIN", "LEFT JOIN", "LEFT OUTER JOIN", "RIGHT JOIN", "FULL JOIN", "CROSS JOIN")
	sc := scope{{"t1", "p"}, {"t2", "q"}}
	q := "SELECT " + strings.Join(g.projection(sc, 1+g.r.IntN(3)), ", ") + ", p.id AS pid, q.id AS qid FROM t1 p " + kind + " t2 q"
	if kind != "CROSS JOIN" {
		on := g.pick("p.a = q.x", "p.d = q.x", "p.b = q.x", "p.c = q.y", "p.b = q.z", "p.a < q.x")
		if g.r.IntN(3) == 0 {
			on += " AND " + g.pred(sc, 1)
		}
		q += " ON " + on
	}
	if g.r.IntN(2) == 0 {
		q += " WHERE " + g.pred(sc, 2)
	}
	return genQuery{sql: q}
}

func (g *queryGen) aggregates(sc scope, col func(kind byte) string) []string {
	var items []string
	for n := 1 + g.r.IntN(4); n > 0; n-- {
		switch g.r.IntN(6) {
		case 0:
			items = append(items, "COUNT(*)")
		case 1:
			items = append(items, "COUNT("+col(g.pick("i", "f", "s")[0])+")")
		case 2:
			items = append(items, "SUM("+col(g.pick("i", "f")[0])+")")
		case 3:
			items = append(items, "AVG("+col(g.pick("i", "f")[0])+")")
		case 4:
			items = append(items, g.pick("MIN(", "MAX(")+col(g.pick("i", "f", "s")[0])+")")
		default:
			items = append(items, "COUNT(DISTINCT "+col(g.pick("i", "s")[0])+")")
		}
	}
	return items
}

func (g *queryGen) groupBy() genQuery {
	sc := single
	aggs := g.aggregates(sc, func(k byte) string { return g.col(sc, k) })
	key := ""
	if g.r.IntN(4) > 0 {
		key = g.pick("a", "c", "d")
	}
	// HAVING filters on an aggregate of the select list (SPEC §4.10's group row), and a
	// numeric one: MIN/MAX of strings against a number compare differently (false here,
	// strings sort after numbers in SQLite).
	having := key != "" && g.r.IntN(3) == 0
	if having {
		aggs = append(aggs, "COUNT(*)")
	}
	var sel []string
	if key != "" {
		sel = append(sel, key+" AS k")
	}
	for i, a := range aggs {
		sel = append(sel, fmt.Sprintf("%s AS c%d", a, i))
	}
	q := "SELECT " + strings.Join(sel, ", ") + " FROM t1"
	if g.r.IntN(2) == 0 {
		q += " WHERE " + g.pred(sc, 2)
	}
	if key == "" {
		return genQuery{sql: q}
	}
	q += " GROUP BY " + key
	if having {
		q += " HAVING COUNT(*) " + g.cmpOp() + " " + strconv.Itoa(g.r.IntN(4))
	}
	if g.r.IntN(2) == 0 {
		return genQuery{sql: q + " ORDER BY " + key + g.pick("", " DESC"), ordered: true}
	}
	return genQuery{sql: q}
}

func (g *queryGen) orderLimit() genQuery {
	tbl, sc := "t1", single
	if g.r.IntN(3) == 0 {
		tbl, sc = "t2", scope{{"t2", ""}}
	}
	items := g.projection(sc, 1+g.r.IntN(3))
	items = append(items, "id AS cid")
	q := "SELECT " + strings.Join(items, ", ") + " FROM " + tbl
	if g.r.IntN(2) == 0 {
		q += " WHERE " + g.pred(sc, 2)
	}
	var keys []string
	for n := 1 + g.r.IntN(2); n > 0; n-- {
		k := g.col(sc, g.pick("i", "f", "s")[0])
		if g.r.IntN(4) == 0 {
			k = g.numExpr(sc)
		}
		keys = append(keys, k+g.pick("", " ASC", " DESC"))
	}
	keys = append(keys, "id"+g.pick("", " DESC"))
	q += " ORDER BY " + strings.Join(keys, ", ")
	q += fmt.Sprintf(" LIMIT %d", g.r.IntN(12))
	if g.r.IntN(2) == 0 {
		q += fmt.Sprintf(" OFFSET %d", g.r.IntN(8))
	}
	return genQuery{sql: q, ordered: true}
}

func (g *queryGen) subquery() genQuery {
	outer := scope{{"t1", "p"}}
	inner := scope{{"t2", "q"}}
	var where string
	switch g.r.IntN(4) {
	case 0:
		// The guard keeps NULL out of an empty IN (subquery): SQLite (and PostgreSQL) say
		// FALSE there, SPEC §4.12's literal rule says NULL (logic test subqueries.test
		// pins the PostgreSQL reading).
		where = "p.a IS NOT NULL AND p.a" + g.pick(" IN ", " NOT IN ") + "(SELECT q.x FROM t2 q WHERE " + g.pred(inner, 1) + ")"
	case 1:
		where = g.pick("", "NOT ") + "EXISTS (SELECT 1 FROM t2 q WHERE q.x = p.a AND " + g.pred(inner, 1) + ")"
	case 2:
		where = "p.d " + g.cmpOp() + " (SELECT COUNT(*) FROM t2 q WHERE q.x = p.a)"
	default:
		where = "p.a " + g.cmpOp() + " (SELECT MAX(q.x) FROM t2 q WHERE " + g.pred(inner, 1) + ")"
	}
	sel := strings.Join(g.projection(outer, 1+g.r.IntN(2)), ", ")
	if g.r.IntN(2) == 0 {
		sel += ", (SELECT COUNT(*) FROM t2 q WHERE q.y = p.c) AS n"
	}
	return genQuery{sql: "SELECT " + sel + ", p.id AS pid FROM t1 p WHERE " + where}
}

func (g *queryGen) setOp() genQuery {
	op := g.pick("UNION", "UNION ALL", "INTERSECT", "EXCEPT")
	left := "SELECT " + g.pick("a", "d") + " AS c0 FROM t1 WHERE " + g.pred(single, 1)
	right := "SELECT x FROM t2 WHERE " + g.pred(scope{{"t2", ""}}, 1)
	if g.r.IntN(2) == 0 {
		left = "SELECT c AS c0 FROM t1 WHERE " + g.pred(single, 1)
		right = "SELECT y FROM t2 WHERE " + g.pred(scope{{"t2", ""}}, 1)
	}
	return genQuery{sql: left + " " + op + " " + right}
}

func (g *queryGen) joinGroup() genQuery {
	sc := scope{{"t1", "p"}, {"t2", "q"}}
	key := g.pick("p.c", "p.a", "q.y", "q.x")
	aggs := g.aggregates(sc, func(k byte) string { return g.col(sc, k) })
	sel := []string{key + " AS k"}
	for i, a := range aggs {
		sel = append(sel, fmt.Sprintf("%s AS c%d", a, i))
	}
	q := "SELECT " + strings.Join(sel, ", ") + " FROM t1 p " + g.pick("JOIN", "LEFT JOIN") + " t2 q ON " + g.pick("p.a = q.x", "p.c = q.y", "p.b = q.z") + " GROUP BY " + key
	return genQuery{sql: q}
}
