package sql

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/memflux/memflux/index"
	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/sql/ast"
	"github.com/memflux/memflux/sql/sem"
	"github.com/memflux/memflux/txn"
	"github.com/memflux/memflux/value"
)

var (
	indexSeed = flag.Uint64("index-seed", 0, "seed of the randomized index tests (0: time-based)")
	indexLong = flag.Bool("index-long", false, "run the randomized index tests longer")
)

// indexDB is a store with an index manager and two engines over it: one that uses the
// indexes and one that never does.
type indexDB struct {
	t     testing.TB
	m     *txn.Manager
	idx   *index.Manager
	eng   *Engine // with index paths
	plain *Engine // without
}

func newIndexDB(t testing.TB) *indexDB {
	t.Helper()
	m := txn.NewManager(mvcc.NewStore(), txn.Options{})
	idx := index.New(m, nil)
	idx.Start()
	t.Cleanup(idx.Close)
	eng := New(&Options{NoCache: true})
	eng.SetIndexes(idx)
	return &indexDB{t: t, m: m, idx: idx, eng: eng, plain: New(&Options{NoCache: true})}
}

// run executes one statement in its own committed transaction.
func (db *indexDB) run(sql string, params ...jsondoc.Value) (Result, error) {
	tx := db.m.Begin(txn.ModeSnapshot)
	res, err := db.eng.Exec(tx, sql, params...)
	if err != nil {
		tx.Rollback()
		return res, err
	}
	return res, tx.Commit()
}

func (db *indexDB) mustRun(sql string) Result {
	db.t.Helper()
	res, err := db.run(sql)
	if err != nil {
		db.t.Fatalf("%s: %v", sql, err)
	}
	return res
}

func (db *indexDB) put(tx *txn.Txn, key, doc string) {
	if doc == "" {
		tx.Delete(mvcc.Data, []byte(key))
		return
	}
	if doc == "bytes" {
		tx.Put(mvcc.Data, []byte(key), value.Bytes("raw"))
		return
	}
	canon, err := jsondoc.Normalize([]byte(doc))
	if err != nil {
		db.t.Fatalf("bad JSON %q", doc)
	}
	tx.Put(mvcc.Data, []byte(key), value.JSON(canon))
}

// explain returns the plan of a query through the indexed engine.
func (db *indexDB) explain(tx *txn.Txn, sql string, params ...jsondoc.Value) string {
	res, err := db.eng.Exec(tx, "EXPLAIN "+sql, params...)
	if err != nil {
		db.t.Fatalf("EXPLAIN %s: %v", sql, err)
	}
	return strings.Join(res.Rows, "\n")
}

// Values of the randomized tests: every kind, numeric strings, ties between 1 and 1.0,
// tiny floats (equal to 0 within the '=' tolerance) and large integers. (A float equal to
// an integer beyond 2^53 is left out: ORDER BY's comparison is not transitive for them,
// see the index package's caveats.)
var indexValues = []string{
	`null`, `true`, `false`, `0`, `-0.0`, `0.0`, `1`, `1.0`, `2`, `2.5`, `-3`, `10`, `1e-17`,
	`9007199254740993`, `9.5e15`, `12345678901234567890`,
	`"1"`, `"1.0"`, `"10"`, `"2"`, `"+2"`, `"-3"`, `"1e1"`, `"abc"`, `"ab"`, `"a"`, `""`, `"B"`,
	`"a\u0000b"`, `[1]`, `[1,2]`, `[]`, `{"x":1}`, `{}`,
}

// sqlLiterals are constants the random queries compare with.
var sqlLiterals = []string{
	"NULL", "TRUE", "FALSE", "0", "0.0", "1", "1.0", "2", "2.5", "-3", "10", "1e-17", "0.5",
	"9007199254740993", "12345678901234567890",
	"'1'", "'1.0'", "'10'", "'2'", "'abc'", "'ab'", "'a'", "''", "'B'", "'zz'",
}

func randDoc(r *rand.Rand) string {
	if r.IntN(15) == 0 {
		return "bytes" // a non-JSON value: an empty row
	}
	var members []string
	for _, f := range []string{"a", "b", "s"} {
		if r.IntN(6) == 0 {
			continue
		}
		v := indexValues[r.IntN(len(indexValues))]
		if f == "s" {
			v = indexValues[16+r.IntN(len(indexValues)-16-4)]
		}
		members = append(members, fmt.Sprintf("%q:%s", f, v))
	}
	return "{" + strings.Join(members, ",") + "}"
}

// randQuery returns a random query on table t whose conditions indexes can answer.
func randQuery(r *rand.Rand) string {
	lit := func() string { return sqlLiterals[r.IntN(len(sqlLiterals))] }
	ops := []string{"=", "<", "<=", ">", ">="}
	var where string
	switch r.IntN(8) {
	case 0, 1:
		where = fmt.Sprintf("a %s %s", ops[r.IntN(len(ops))], lit())
	case 2:
		where = fmt.Sprintf("a IN (%s, %s, %s)", lit(), lit(), lit())
	case 3:
		where = fmt.Sprintf("a BETWEEN %s AND %s", lit(), lit())
	case 4:
		where = fmt.Sprintf("s LIKE '%s%%'", []string{"a", "ab", "1", "", "B"}[r.IntN(5)])
	case 5:
		where = fmt.Sprintf("a = %s AND b %s %s", lit(), ops[r.IntN(len(ops))], lit())
	case 6:
		where = fmt.Sprintf("%s %s a", lit(), ops[r.IntN(len(ops))])
	default:
		where = ""
	}
	q := "SELECT _key, a, b, s FROM t"
	if where != "" {
		q += " WHERE " + where
	}
	switch r.IntN(3) {
	case 0:
		q += " ORDER BY a"
		if r.IntN(2) == 0 {
			q += ", b"
		}
		q += fmt.Sprintf(" LIMIT %d", 1+r.IntN(20))
	case 1:
		q += " ORDER BY _key"
	default:
		q += " ORDER BY s LIMIT 7"
	}
	return q
}

// TestIndexDifferential: random queries return the same rows with and without index
// scans, over random data changed by committed and pending writes (SPEC §6: indexes never
// change results).
func TestIndexDifferential(t *testing.T) {
	seed := *indexSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (replay with -index-seed %d)", seed, seed)
	r := rand.New(rand.NewPCG(seed, 7))
	db := newIndexDB(t)
	forceIndexPaths = true
	defer func() { forceIndexPaths = false }()
	tx := db.m.Begin(txn.ModeSnapshot)
	for i := range 120 {
		db.put(tx, fmt.Sprintf("t:%03d", i), randDoc(r))
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	db.mustRun("CREATE INDEX ia ON t (a)")
	db.mustRun("CREATE INDEX iab ON t (a, b)")
	db.mustRun("CREATE INDEX i_s ON t (s)")
	rounds := 30
	if *indexLong {
		rounds = 300
	}
	used := 0
	for round := range rounds {
		// Committed changes.
		tx := db.m.Begin(txn.ModeSnapshot)
		for range 10 {
			db.put(tx, fmt.Sprintf("t:%03d", r.IntN(140)), randDocOrDelete(r))
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		// Queries in a transaction with pending writes half of the time.
		tx = db.m.Begin(txn.ModeSnapshot)
		if round%2 == 1 {
			for range 5 {
				db.put(tx, fmt.Sprintf("t:%03d", r.IntN(140)), randDocOrDelete(r))
			}
		}
		for range 20 {
			q := randQuery(r)
			got, gerr := db.eng.Exec(tx, q)
			want, werr := db.plain.Exec(tx, q)
			if (gerr == nil) != (werr == nil) || (gerr != nil && gerr.Error() != werr.Error()) {
				t.Fatalf("seed %d round %d: %s\nerror with index: %v\nwithout: %v", seed, round, q, gerr, werr)
			}
			if !slices.Equal(got.Rows, want.Rows) {
				t.Fatalf("seed %d round %d: %s\nwith index:\n%s\nwithout:\n%s\nplan:\n%s", seed, round, q,
					strings.Join(got.Rows, "\n"), strings.Join(want.Rows, "\n"), db.explain(tx, q))
			}
			if strings.Contains(db.explain(tx, q), "IndexScan") {
				used++
			}
		}
		tx.Rollback()
		// UPDATE and DELETE find their rows through the index too.
		for range 3 {
			q := randQuery(r)
			where := ""
			if i := strings.Index(q, " WHERE "); i >= 0 {
				where = q[i:]
				if j := strings.Index(where, " ORDER BY"); j >= 0 {
					where = where[:j]
				}
			}
			stmt := "UPDATE t SET b = 'updated'" + where + " RETURNING *"
			if r.IntN(2) == 0 {
				stmt = "DELETE FROM t" + where + " RETURNING *"
			}
			var outs [2]string
			for i, eng := range []*Engine{db.eng, db.plain} {
				tx := db.m.Begin(txn.ModeSnapshot)
				res, err := eng.Exec(tx, stmt)
				outs[i] = fmt.Sprint(res.Rows, err)
				tx.Rollback()
			}
			if outs[0] != outs[1] {
				t.Fatalf("seed %d round %d: %s\nwith index: %s\nwithout: %s", seed, round, stmt, outs[0], outs[1])
			}
		}
	}
	if used == 0 {
		t.Fatal("no query used an index")
	}
	t.Logf("%d of %d queries used an index", used, rounds*20)
}

func randDocOrDelete(r *rand.Rand) string {
	if r.IntN(5) == 0 {
		return ""
	}
	return randDoc(r)
}

// TestIndexCollation: an ascending index scan yields SPEC §4.11's ORDER BY order
// (sem.OrderCompare with NULLs first), rows with equal values by key.
func TestIndexCollation(t *testing.T) {
	db := newIndexDB(t)
	tx := db.m.Begin(txn.ModeSnapshot)
	for i, v := range indexValues {
		for j := range 2 {
			db.put(tx, fmt.Sprintf("c:%02d%d", len(indexValues)-i, j), fmt.Sprintf(`{"v":%s}`, v))
		}
	}
	db.put(tx, "c:999", `{}`)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	db.mustRun("CREATE INDEX iv ON c (v)")
	tx = db.m.Begin(txn.ModeSnapshot)
	defer tx.Rollback()
	def, err := db.idx.Get(tx, "iv")
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		key string
		v   jsondoc.Value
	}
	var got []row
	err = db.idx.Scan(tx, def, index.FullBounds(def), index.ScanOptions{Ordered: true}, func(k []byte, v value.Value) bool {
		raw, ok := jsondoc.Lookup(v.Str(), "v")
		val := jsondoc.Null()
		if ok {
			val = jsondoc.Decode(raw)
		}
		got = append(got, row{string(k), val})
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2*len(indexValues)+1 {
		t.Fatalf("%d rows, want %d", len(got), 2*len(indexValues)+1)
	}
	want := slices.Clone(got)
	slices.SortStableFunc(want, func(a, b row) int {
		if c := sem.OrderCompareNulls(a.v, b.v, false, false, uint8(ast.NullsDefault)); c != 0 {
			return c
		}
		return strings.Compare(a.key, b.key)
	})
	for i := range got {
		if got[i].key != want[i].key {
			t.Fatalf("position %d: index order %s (%s), ORDER BY order %s (%s)", i, got[i].key, got[i].v.String(), want[i].key, want[i].v.String())
		}
	}
}

// TestIndexExplain: with enough rows the planner picks the index for selective
// conditions and ORDER BY … LIMIT, and the full scan otherwise.
func TestIndexExplain(t *testing.T) {
	db := newIndexDB(t)
	tx := db.m.Begin(txn.ModeSnapshot)
	for i := range 2000 {
		db.put(tx, fmt.Sprintf("u:%04d", i), fmt.Sprintf(`{"age":%d,"city":"c%d","name":"n%04d"}`, i%100, i%3, i))
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	db.mustRun("CREATE INDEX u_age ON u (age)")
	db.mustRun("CREATE INDEX u_city ON u (city)")
	db.mustRun("CREATE INDEX u_name ON u (name)")
	cases := []struct {
		sql  string
		want string // substring of the plan; "Scan u" for a full scan
	}{
		{"SELECT name FROM u WHERE age = 42", "IndexScan u_age (age = 42)"},
		{"SELECT name FROM u WHERE age IN (1, 2)", "IndexScan u_age (age IN (1, 2))"},
		{"SELECT name FROM u WHERE age BETWEEN 10 AND 11", "IndexScan u_age"},
		{"SELECT name FROM u WHERE name LIKE 'n001%'", "IndexScan u_name (name LIKE \\\"n001%\\\")"},
		{"SELECT name FROM u ORDER BY name LIMIT 5", "IndexScan u_name ordered"},
		{"SELECT name FROM u WHERE age = $1", "IndexScan u_age"},
		{"SELECT name FROM u WHERE city = 'c1'", "Scan u"},        // a third of the rows
		{"SELECT name FROM u WHERE age > 5", "Scan u"},            // most rows
		{"SELECT name FROM u ORDER BY name DESC LIMIT 5", "TopN"}, // no reverse scans
	}
	tx = db.m.Begin(txn.ModeSnapshot)
	defer tx.Rollback()
	// Let the statistics pass run so that parameter estimates use distinct counts.
	for _, n := range []string{"u_age", "u_city", "u_name"} {
		def, _ := db.idx.Get(tx, n)
		db.idx.Stats(def.ID)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := db.idx.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		plan := db.explain(tx, c.sql, jsondoc.Int(42))
		if !strings.Contains(plan, c.want) || (c.want == "Scan u" && strings.Contains(plan, "IndexScan")) {
			t.Errorf("%s:\n%s\nwant %q", c.sql, plan, c.want)
		}
	}
	res, err := db.eng.Exec(tx, "SELECT name FROM u WHERE age = $1 ORDER BY name LIMIT 2", jsondoc.Int(42))
	if err != nil || strings.Join(res.Rows, ",") != `{"name":"n0042"},{"name":"n0142"}` {
		t.Errorf("parameter query: %v %v", res.Rows, err)
	}
}

// TestIndexLogicFiles: in every index_*.test logic file, the queries that run once the
// indexes are created (up to the next statement or command) also run, with the same
// expected rows, before any index exists: the files show that indexes do not change
// results.
func TestIndexLogicFiles(t *testing.T) {
	files, err := filepath.Glob("testdata/logic/index_*.test")
	if err != nil || len(files) == 0 {
		t.Fatalf("no index logic files: %v", err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		before := map[string]bool{}
		state := 0 // 0: before the index, 1: creating it, 2: comparing, 3: done
		compared := 0
		for _, rec := range strings.Split(string(data), "\n\n") {
			rec = strings.TrimSpace(stripComments(rec))
			isQuery := strings.HasPrefix(rec, "query")
			switch {
			case strings.Contains(rec, "CREATE INDEX") || strings.Contains(rec, "CREATE UNIQUE INDEX") || strings.Contains(rec, "IDX.CREATE"):
				if state == 0 {
					state = 1
				}
				continue
			case !isQuery && rec != "" && state == 2:
				state = 3
			case isQuery && state == 1:
				state = 2
			}
			if !isQuery || strings.Contains(rec, "EXPLAIN") {
				continue
			}
			switch state {
			case 0:
				before[rec] = true
			case 2:
				compared++
				if !before[rec] {
					t.Errorf("%s: query not also run (with the same rows) before the index:\n%s", f, rec)
				}
			}
		}
		if compared == 0 {
			t.Errorf("%s compares no query", f)
		}
	}
}

func stripComments(rec string) string {
	var out []string
	for _, l := range strings.Split(rec, "\n") {
		if !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestIndexNumericOrder: ORDER BY a column of numeric schema type sorts numeric strings as
// numbers (SPEC §4.11); the index serves it while the column holds no strings and sorts
// its candidates otherwise — same rows either way, with and without an alias.
func TestIndexNumericOrder(t *testing.T) {
	db := newIndexDB(t)
	db.mustRun("CREATE TABLE nums (id INTEGER PRIMARY KEY, v INTEGER)")
	for i := range 50 {
		db.mustRun(fmt.Sprintf("INSERT INTO nums (id, v) VALUES (%d, %d)", i, (i*37)%50))
	}
	db.mustRun("CREATE INDEX nums_v ON nums (v)")
	forceIndexPaths = true
	defer func() { forceIndexPaths = false }()
	queries := []string{
		"SELECT id, v FROM nums ORDER BY v LIMIT 7",
		"SELECT n.id, n.v FROM nums n ORDER BY v LIMIT 7",
		"SELECT id, v FROM nums WHERE v > 20 ORDER BY v LIMIT 7",
	}
	check := func(phase string) {
		tx := db.m.Begin(txn.ModeSnapshot)
		defer tx.Rollback()
		for _, q := range queries {
			got, err := db.eng.Exec(tx, q)
			want, werr := db.plain.Exec(tx, q)
			if err != nil || werr != nil || !slices.Equal(got.Rows, want.Rows) {
				t.Errorf("%s: %s\nwith index: %v %v\nwithout: %v %v", phase, q, got.Rows, err, want.Rows, werr)
			}
			if plan := db.explain(tx, q); !strings.Contains(plan, "ordered") {
				t.Errorf("%s: %s: index order not used:\n%s", phase, q, plan)
			}
		}
	}
	check("numbers only")
	tx := db.m.Begin(txn.ModeSnapshot)
	db.put(tx, "nums:s1", `{"id":"s1","v":"30"}`)
	db.put(tx, "nums:s2", `{"id":"s2","v":"5"}`)
	db.put(tx, "nums:s3", `{"id":"s3","v":"abc"}`)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	check("with strings")
}
