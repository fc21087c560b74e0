package plan

import (
	"sort"
	"strings"

	"github.com/memflux/memflux/sql/ast"
	"github.com/memflux/memflux/sql/catalog"
	"github.com/memflux/memflux/sql/funcs"
	"github.com/memflux/memflux/sql/sem"
)

// vmap is the validation map of a block (SPEC §4.6): the FROM and JOIN
// tables that have a schema, by alias or name.
type vmap map[string]*catalog.Schema

// blockMap builds the validation map of a block. Inside a subquery
// expression only the block's tables whose name is a key of the enclosing
// block's map take part.
func (p *Planner) blockMap(sources []*source) vmap {
	m := vmap{}
	for _, s := range sources {
		if s.kind != srcBase || s.schema == nil {
			continue
		}
		if p.inSubExpr {
			if _, ok := p.outerMap[s.table]; !ok {
				continue
			}
		}
		m[s.ref] = s.schema
	}
	return m
}

// quoteList renders names the way the original printed them: ["a", "b"].
func quoteList(names []string) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, n := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(`"` + n + `"`)
	}
	b.WriteByte(']')
	return b.String()
}

// validateCore checks a block against its map: the select list, WHERE,
// GROUP BY, ORDER BY and every JOIN condition (HAVING is not validated),
// then the GROUP BY rule.
func (p *Planner) validateCore(core *ast.SelectCore, m vmap, order []ast.OrderItem, isAgg bool) error {
	check := func(e ast.Expr) error { return validateExpr(e, m) }
	for _, it := range core.Items {
		if isStar(it.Expr) {
			continue
		}
		if err := check(it.Expr); err != nil {
			return err
		}
	}
	if err := check(core.Where); err != nil {
		return err
	}
	for _, g := range core.GroupBy {
		if err := check(g); err != nil {
			return err
		}
	}
	for _, o := range order {
		if _, ok := ordinal(o.Expr); ok {
			continue
		}
		if err := check(o.Expr); err != nil {
			return err
		}
	}
	if err := validateJoins(core.From, m); err != nil {
		return err
	}
	if isAgg {
		return checkGroupBy(core)
	}
	return nil
}

func validateJoins(te ast.TableExpr, m vmap) error {
	j, ok := te.(*ast.Join)
	if !ok {
		return nil
	}
	if err := validateJoins(j.Left, m); err != nil {
		return err
	}
	if err := validateJoins(j.Right, m); err != nil {
		return err
	}
	return validateExpr(j.On, m)
}

// validateExpr checks the column references and function names of e (not
// descending into subqueries, which are validated when planned).
func validateExpr(e ast.Expr, m vmap) error {
	var err error
	walkNoSub(e, func(x ast.Expr) bool {
		if err != nil {
			return false
		}
		switch x := x.(type) {
		case *ast.ColumnRef:
			err = validateColumn(x, m)
		case *ast.FuncCall:
			if !funcs.Exists(x.Name) {
				err = sem.Errorf(sem.ErrPlan, "Function '%s' not found", x.Name)
			}
		}
		return err == nil
	})
	return err
}

func validateColumn(ref *ast.ColumnRef, m vmap) error {
	if len(m) == 0 {
		return nil
	}
	if ref.Qualifier != "" {
		if s, ok := m[ref.Qualifier]; ok {
			if _, has := s.Column(ref.Name); !has {
				return sem.Errorf(sem.ErrPlan, "Column '%s' does not exist in table '%s'", ref.Name, ref.Qualifier)
			}
		}
		return nil
	}
	var in []string
	for name, s := range m {
		if _, has := s.Column(ref.Name); has {
			in = append(in, name)
		}
	}
	switch len(in) {
	case 1:
		return nil
	case 0:
		all := make([]string, 0, len(m))
		for name := range m {
			all = append(all, name)
		}
		sort.Strings(all)
		return sem.Errorf(sem.ErrPlan, "Column '%s' not found in any of the tables with schemas: %s", ref.Name, quoteList(all))
	}
	sort.Strings(in)
	return sem.Errorf(sem.ErrPlan, "Column '%s' is ambiguous and exists in tables: %s", ref.Name, quoteList(in))
}

// checkGroupBy enforces that every plain column of the select list appears
// as a plain column in GROUP BY (SPEC §4.6).
func checkGroupBy(core *ast.SelectCore) error {
	for _, it := range core.Items {
		ref, ok := it.Expr.(*ast.ColumnRef)
		if !ok {
			continue
		}
		found := false
		for _, g := range core.GroupBy {
			if gr, ok := g.(*ast.ColumnRef); ok && sameColumn(gr, ref) {
				found = true
				break
			}
			if k, ok := ordinal(g); ok && k >= 1 && k <= len(core.Items) && core.Items[k-1].Expr == it.Expr {
				found = true
				break
			}
		}
		if !found {
			return sem.Errorf(sem.ErrPlan, "Column '%s' must appear in the GROUP BY clause or be used in an aggregate function", ref.String())
		}
	}
	return nil
}
