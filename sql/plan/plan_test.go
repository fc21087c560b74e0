package plan

import (
	"strings"
	"testing"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/sql/ast"
	"github.com/memflux/memflux/sql/catalog"
	"github.com/memflux/memflux/sql/exec"
	"github.com/memflux/memflux/sql/parser"
	"github.com/memflux/memflux/txn"
	"github.com/memflux/memflux/value"
)

func newTx(t *testing.T, kv ...string) *txn.Txn {
	t.Helper()
	m := txn.NewManager(mvcc.NewStore(), txn.Options{})
	tx := m.Begin(txn.ModeSnapshot)
	for i := 0; i+1 < len(kv); i += 2 {
		if strings.HasPrefix(kv[i], "_internal:") {
			tx.Put(mvcc.Data, []byte(kv[i]), value.Bytes(kv[i+1]))
			continue
		}
		canon, err := jsondoc.Normalize([]byte(kv[i+1]))
		if err != nil {
			t.Fatal(err)
		}
		tx.Put(mvcc.Data, []byte(kv[i]), value.JSON(canon))
	}
	return tx
}

func planOf(t *testing.T, tx *txn.Txn, paths PathProvider, sql string) (*Plan, *catalog.Reader) {
	t.Helper()
	stmt, err := parser.Parse(sql)
	if err != nil {
		t.Fatal(err)
	}
	var cat catalog.Catalog
	r := cat.NewReader(tx)
	p := &Planner{Cat: r, Paths: paths}
	pl, err := p.PlanQuery(stmt.(*ast.Select))
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return pl, r
}

func TestExplainShapes(t *testing.T) {
	tx := newTx(t)
	defer tx.Rollback()
	tests := []struct{ sql, want string }{
		{"SELECT a FROM t WHERE a > 1 AND b = 2",
			"Project (a)\n-> Scan t\n    Filter: a > 1 AND b = 2"},
		{"SELECT t.a FROM t JOIN u ON t.id = u.tid AND u.z = 1 WHERE t.a > 1",
			"Project (t.a)\n-> HashJoin Inner (t.id = u.tid)\n  -> Scan t\n      Filter: t.a > 1\n  -> Scan u\n      Filter: u.z = 1"},
		{"SELECT t.a FROM t LEFT JOIN u ON t.id = u.tid WHERE u.z = 1",
			"Project (t.a)\n-> Filter (u.z = 1)\n  -> HashJoin Left (t.id = u.tid)\n    -> Scan t\n    -> Scan u"},
		{"SELECT t.a FROM t, u WHERE t.id = u.tid",
			"Project (t.a)\n-> HashJoin Inner (t.id = u.tid)\n  -> Scan t\n  -> Scan u"},
		{"SELECT t.a FROM t JOIN u ON t.id < u.tid",
			"Project (t.a)\n-> NestedLoopJoin Inner (t.id < u.tid)\n  -> Scan t\n  -> Scan u"},
		{"SELECT a FROM t ORDER BY a DESC LIMIT 3",
			"Limit (limit 3)\n-> Project (a)\n  -> TopN 3 (a DESC)\n    -> Scan t"},
		{"SELECT DISTINCT a FROM t ORDER BY a LIMIT 3",
			"Limit (limit 3)\n-> Distinct\n  -> Project (a)\n    -> Sort (a)\n      -> Scan t"},
		{"SELECT g, COUNT(*) FROM t GROUP BY g HAVING COUNT(*) > 1",
			"Project (g, COUNT(*))\n-> Filter (COUNT(*) > 1)\n  -> HashAggregate (keys: g; aggregates: COUNT(*))\n    -> Scan t"},
		{"SELECT a FROM t UNION ALL SELECT b FROM u",
			"UNION ALL\n-> Project (a)\n  -> Scan t\n-> Project (b)\n  -> Scan u"},
		{"SELECT s.a FROM (SELECT a FROM t) s WHERE s.a = 1",
			"Project (s.a)\n-> Subquery s\n    Filter: s.a = 1\n  -> Project (a)\n    -> Scan t"},
	}
	for _, tt := range tests {
		pl, _ := planOf(t, tx, nil, tt.sql)
		if got := strings.Join(pl.Explain(), "\n"); got != tt.want {
			t.Errorf("%s:\ngot\n%s\nwant\n%s", tt.sql, got, tt.want)
		}
	}
}

// fakePath yields the documents with the given keys.
type fakePath struct{ keys []string }

func (f *fakePath) Scan(c *exec.Ctx, fn func(key []byte, v value.Value) bool) error {
	for _, k := range f.keys {
		v := c.Tx.Get(mvcc.Data, []byte(k))
		if v.Exists() && !fn([]byte(k), v) {
			break
		}
	}
	return nil
}

func (f *fakePath) Describe() string { return "IndexScan idx_a on t" }

type fakeProvider struct {
	req  *PathRequest
	cost float64
}

func (p *fakeProvider) Paths(r *catalog.Reader, req *PathRequest) ([]Path, error) {
	p.req = req
	r.Read(mvcc.Meta, "idx:t")
	return []Path{{Access: &fakePath{keys: []string{"t:2", "t:1"}}, Cost: p.cost, Ordered: true}}, nil
}

func TestAccessPathHook(t *testing.T) {
	tx := newTx(t, "t:1", `{"a":1}`, "t:2", `{"a":2}`, "t:3", `{"a":3}`)
	defer tx.Rollback()
	prov := &fakeProvider{cost: 10}
	pl, r := planOf(t, tx, prov, "SELECT a FROM t WHERE a IN (1, 2) AND a >= $1 AND a LIKE 'x%' ORDER BY a DESC LIMIT 5")
	if got := strings.Join(pl.Explain(), "\n"); !strings.Contains(got, "IndexScan idx_a on t as t") || strings.Contains(got, "TopN") {
		t.Errorf("plan:\n%s", got)
	}
	req := prov.req
	if len(req.Preds) != 3 || req.Preds[0].Op != PredIn || len(req.Preds[0].Const) != 2 ||
		req.Preds[1].Op != PredGe || req.Preds[1].Const != nil || req.Preds[2].Op != PredLikePrefix {
		t.Errorf("preds %+v", req.Preds)
	}
	if len(req.Order) != 1 || !req.Order[0].Desc || req.Limit != 5 {
		t.Errorf("order %+v limit %d", req.Order, req.Limit)
	}
	found := false
	for _, d := range r.Deps {
		found = found || (d.Space == mvcc.Meta && d.Key == "idx:t")
	}
	if !found {
		t.Error("provider read not recorded as a dependency")
	}
	// The path's rows are re-filtered and kept in path order.
	c := exec.NewCtx(tx, []jsondoc.Value{jsondoc.Int(0)}, pl.NState, exec.Limits{})
	var rows []string
	if err := exec.Run(pl.Root, c, nil, func(r *exec.Row) error { rows = append(rows, r.Text()); return nil }); err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows, ",") != "" {
		t.Errorf("rows %v (LIKE 'x%%' matches no number)", rows)
	}
	// A path costlier than the full scan is not taken.
	prov.cost = DefaultFullScanCost * 2
	pl, _ = planOf(t, tx, prov, "SELECT a FROM t WHERE a = 1")
	if got := strings.Join(pl.Explain(), "\n"); strings.Contains(got, "IndexScan") {
		t.Errorf("expensive path taken:\n%s", got)
	}
}
