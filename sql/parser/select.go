package parser

import (
	"strconv"

	"github.com/memflux/memflux/sql/ast"
)

// errSetOperandClause is the fixed message for ORDER BY/LIMIT/OFFSET on a
// set-operation operand other than the first, or in two places (SPEC §4.3).
const errSetOperandClause = "ORDER BY, LIMIT, or OFFSET clause is not allowed on a query that is an operand of a set operator"

// selectStmt parses a query used as a statement.
func (p *parser) selectStmt() (ast.Statement, error) {
	s, err := p.query()
	if err != nil {
		return nil, err
	}
	return s, nil
}

// query parses [WITH …] body [ORDER BY …] [LIMIT n] [OFFSET n].
func (p *parser) query() (*ast.Select, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	s := &ast.Select{Pos: p.tok().pos}
	if p.isKw("WITH") {
		w, err := p.with()
		if err != nil {
			return nil, err
		}
		s.With = w
	}
	qs := queryState{sel: s}
	body, err := p.setExpr(&qs)
	if err != nil {
		return nil, err
	}
	s.Body = body
	return s, nil
}

// queryState tracks where the statement-level clauses were written while
// the set-operation operands are parsed.
type queryState struct {
	sel      *ast.Select
	hasTail  bool // ORDER BY/LIMIT/OFFSET already parsed
	operands int  // operands parsed so far
}

// setExpr parses operands joined by UNION and EXCEPT (left-associative), each
// operand being an INTERSECT chain, which binds tighter.
func (p *parser) setExpr(qs *queryState) (ast.QueryExpr, error) {
	left, err := p.intersectChain(qs)
	if err != nil {
		return nil, err
	}
	for p.isKw("UNION") || p.isKw("EXCEPT") {
		op := &ast.SetOp{Op: ast.Union, Pos: p.tok().pos}
		if p.advance().kw == "EXCEPT" {
			op.Op = ast.Except
		}
		op.All = p.setQuantifier()
		right, err := p.intersectChain(qs)
		if err != nil {
			return nil, err
		}
		op.Left, op.Right = left, right
		left = op
	}
	return left, nil
}

func (p *parser) intersectChain(qs *queryState) (ast.QueryExpr, error) {
	left, err := p.operand(qs)
	if err != nil {
		return nil, err
	}
	for p.isKw("INTERSECT") {
		op := &ast.SetOp{Op: ast.Intersect, Pos: p.advance().pos}
		op.All = p.setQuantifier()
		right, err := p.operand(qs)
		if err != nil {
			return nil, err
		}
		op.Left, op.Right = left, right
		left = op
	}
	return left, nil
}

// setQuantifier consumes ALL or DISTINCT after a set operator.
func (p *parser) setQuantifier() bool {
	if p.acceptKw("ALL") {
		return true
	}
	p.acceptKw("DISTINCT")
	return false
}

func (p *parser) isSetOp() bool {
	return p.isKw("UNION") || p.isKw("INTERSECT") || p.isKw("EXCEPT")
}

func (p *parser) isTailClause() bool {
	return p.isKw("ORDER") || p.isKw("LIMIT") || p.isKw("OFFSET")
}

// operand parses one SELECT core plus any ORDER BY/LIMIT/OFFSET following
// it. Those clauses belong to the whole statement; they may follow the first
// operand (the original's form) or the last one, but not both and nowhere
// else.
func (p *parser) operand(qs *queryState) (ast.QueryExpr, error) {
	core, err := p.selectCore()
	if err != nil {
		return nil, err
	}
	qs.operands++
	if !p.isTailClause() {
		return core, nil
	}
	pos := p.tok().pos
	if qs.hasTail {
		return nil, &SyntaxError{Pos: pos, Msg: errSetOperandClause}
	}
	if err := p.tail(qs.sel); err != nil {
		return nil, err
	}
	qs.hasTail = true
	if qs.operands > 1 && p.isSetOp() {
		return nil, &SyntaxError{Pos: pos, Msg: errSetOperandClause}
	}
	return core, nil
}

// tail parses [ORDER BY …] then LIMIT and OFFSET in either order.
func (p *parser) tail(s *ast.Select) error {
	if p.acceptKw("ORDER") {
		items, err := p.orderBy()
		if err != nil {
			return err
		}
		s.OrderBy = items
	}
	for {
		switch {
		case s.Limit == nil && p.isKw("LIMIT"):
			p.advance()
			if p.acceptKw("ALL") {
				continue
			}
			e, err := p.count()
			if err != nil {
				return err
			}
			s.Limit = e
		case s.Offset == nil && p.isKw("OFFSET"):
			p.advance()
			e, err := p.count()
			if err != nil {
				return err
			}
			s.Offset = e
		default:
			return nil
		}
	}
}

// count parses the operand of LIMIT/OFFSET: an unsigned integer or a
// placeholder.
func (p *parser) count() (ast.Expr, error) {
	t := p.tok()
	switch t.kind {
	case tkPlaceholder:
		p.advance()
		return &ast.Placeholder{N: t.n, Pos: t.pos}, nil
	case tkNumber:
		if n, err := strconv.ParseInt(t.text, 10, 64); err == nil {
			p.advance()
			return &ast.Literal{Kind: ast.LitInt, Int: n, Pos: t.pos}, nil
		}
	}
	return nil, p.errHere()
}

// orderBy parses BY item {, item} (ORDER already consumed).
func (p *parser) orderBy() ([]ast.OrderItem, error) {
	if err := p.expectKw("BY"); err != nil {
		return nil, err
	}
	var items []ast.OrderItem
	for {
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		it := ast.OrderItem{Expr: e}
		if p.acceptKw("DESC") {
			it.Desc = true
		} else {
			p.acceptKw("ASC")
		}
		if p.acceptKw("NULLS") {
			switch {
			case p.acceptKw("FIRST"):
				it.Nulls = ast.NullsFirst
			case p.acceptKw("LAST"):
				it.Nulls = ast.NullsLast
			default:
				return nil, p.errHere()
			}
		}
		items = append(items, it)
		if !p.acceptPunct(",") {
			return items, nil
		}
	}
}

// with parses WITH [RECURSIVE] cte {, cte}.
func (p *parser) with() (*ast.With, error) {
	w := &ast.With{Pos: p.advance().pos}
	w.Recursive = p.acceptKw("RECURSIVE")
	for {
		if w.Recursive && len(w.CTEs) == 1 {
			return nil, errUnsupported(p.tok().pos, "Only one CTE is supported in a RECURSIVE WITH clause for now.")
		}
		name, pos, err := p.ident()
		if err != nil {
			return nil, err
		}
		cte := &ast.CTE{Name: name, Pos: pos}
		if p.isPunct("(") {
			if cte.Columns, err = p.identList(); err != nil {
				return nil, err
			}
		}
		if err := p.expectKw("AS"); err != nil {
			return nil, err
		}
		if cte.Query, err = p.parenQuery(); err != nil {
			return nil, err
		}
		w.CTEs = append(w.CTEs, cte)
		if !p.acceptPunct(",") {
			return w, nil
		}
	}
}

// parenQuery parses ( query ).
func (p *parser) parenQuery() (*ast.Select, error) {
	if err := p.expectPunct("("); err != nil {
		return nil, err
	}
	if !p.isSelectStart() {
		return nil, p.errHere()
	}
	q, err := p.query()
	if err != nil {
		return nil, err
	}
	return q, p.expectPunct(")")
}

// selectCore parses SELECT [DISTINCT [ON (…)]] list FROM … [WHERE]
// [GROUP BY] [HAVING].
func (p *parser) selectCore() (*ast.SelectCore, error) {
	t := p.tok()
	if err := p.expectKw("SELECT"); err != nil {
		return nil, err
	}
	c := &ast.SelectCore{Pos: t.pos}
	if p.acceptKw("DISTINCT") {
		if p.acceptKw("ON") {
			if err := p.expectPunct("("); err != nil {
				return nil, err
			}
			list, err := p.exprList()
			if err != nil {
				return nil, err
			}
			if err := p.expectPunct(")"); err != nil {
				return nil, err
			}
			c.DistinctOn = list
		} else {
			c.Distinct = true
		}
	} else {
		p.acceptKw("ALL")
	}
	items, err := p.selectList()
	if err != nil {
		return nil, err
	}
	c.Items = items
	if err := p.expectKw("FROM"); err != nil {
		return nil, err
	}
	if c.From, err = p.fromClause(); err != nil {
		return nil, err
	}
	if p.acceptKw("WHERE") {
		if c.Where, err = p.expr(); err != nil {
			return nil, err
		}
	}
	if p.acceptKw("GROUP") {
		if err := p.expectKw("BY"); err != nil {
			return nil, err
		}
		if c.GroupBy, err = p.exprList(); err != nil {
			return nil, err
		}
	}
	if p.acceptKw("HAVING") {
		if c.Having, err = p.expr(); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// selectList parses * | item {, item}; also used for RETURNING. A bare * is
// only allowed as the sole item (SPEC §4.3).
func (p *parser) selectList() ([]ast.SelectItem, error) {
	if t := p.tok(); t.kind == tkPunct && t.text == "*" {
		p.advance()
		return []ast.SelectItem{{Expr: &ast.Star{Pos: t.pos}, Pos: t.pos}}, nil
	}
	var items []ast.SelectItem
	for {
		it, err := p.selectItem()
		if err != nil {
			return nil, err
		}
		items = append(items, it)
		if !p.acceptPunct(",") {
			return items, nil
		}
	}
}

// selectItem parses q.* or expr [[AS] alias].
func (p *parser) selectItem() (ast.SelectItem, error) {
	t := p.tok()
	it := ast.SelectItem{Pos: t.pos}
	if t.kind == tkWord && !t.reserved && p.peek(1).kind == tkPunct && p.peek(1).text == "." &&
		p.peek(2).kind == tkPunct && p.peek(2).text == "*" {
		p.advance()
		p.advance()
		p.advance()
		it.Expr = &ast.QualifiedStar{Qualifier: t.text, Pos: t.pos}
		return it, nil
	}
	e, err := p.expr()
	if err != nil {
		return it, err
	}
	it.Expr = e
	if p.acceptKw("AS") {
		if it.Alias, err = p.label(); err != nil {
			return it, err
		}
	} else if a := p.tok(); a.kind == tkWord && !a.reserved {
		p.advance()
		it.Alias = a.text
	}
	return it, nil
}

// fromClause parses a table reference followed by joins; a comma is a
// CROSS JOIN.
func (p *parser) fromClause() (ast.TableExpr, error) {
	left, err := p.joinedTable()
	if err != nil {
		return nil, err
	}
	for p.isPunct(",") {
		pos := p.advance().pos
		right, err := p.joinedTable()
		if err != nil {
			return nil, err
		}
		left = &ast.Join{Kind: ast.JoinCross, Left: left, Right: right, Pos: pos}
	}
	return left, nil
}

// tableList parses joined-table {, joined-table} (UPDATE … FROM,
// DELETE … USING).
func (p *parser) tableList() ([]ast.TableExpr, error) {
	var list []ast.TableExpr
	for {
		t, err := p.joinedTable()
		if err != nil {
			return nil, err
		}
		list = append(list, t)
		if !p.acceptPunct(",") {
			return list, nil
		}
	}
}

// joinedTable parses table_ref { join }.
func (p *parser) joinedTable() (ast.TableExpr, error) {
	left, err := p.tableRef()
	if err != nil {
		return nil, err
	}
	for {
		t := p.tok()
		kind := ast.JoinInner
		switch t.kw {
		case "JOIN":
		case "INNER":
			p.advance()
		case "LEFT":
			kind = ast.JoinLeft
		case "RIGHT":
			kind = ast.JoinRight
		case "FULL":
			kind = ast.JoinFull
		case "CROSS":
			kind = ast.JoinCross
			p.advance()
		default:
			return left, nil
		}
		if kind == ast.JoinLeft || kind == ast.JoinRight || kind == ast.JoinFull {
			p.advance()
			p.acceptKw("OUTER")
		}
		if err := p.expectKw("JOIN"); err != nil {
			return nil, err
		}
		right, err := p.tableRef()
		if err != nil {
			return nil, err
		}
		j := &ast.Join{Kind: kind, Left: left, Right: right, Pos: t.pos}
		if kind != ast.JoinCross {
			if err := p.expectKw("ON"); err != nil {
				return nil, err
			}
			if j.On, err = p.expr(); err != nil {
				return nil, err
			}
		}
		left = j
	}
}

// tableRef parses name[.name] [[AS] alias] | ( query ) [AS] alias.
func (p *parser) tableRef() (ast.TableExpr, error) {
	if p.isPunct("(") {
		pos := p.tok().pos
		q, err := p.parenQuery()
		if err != nil {
			return nil, err
		}
		alias, err := p.alias()
		if err != nil {
			return nil, err
		}
		if alias == "" {
			return nil, &SyntaxError{Pos: p.tok().pos, Msg: "Subquery in FROM clause must have an alias"}
		}
		return &ast.DerivedTable{Query: q, Alias: alias, Pos: pos}, nil
	}
	t, err := p.tableName()
	if err != nil {
		return nil, err
	}
	if t.Alias, err = p.alias(); err != nil {
		return nil, err
	}
	return t, nil
}

// alias parses [AS ident | ident]; it returns "" when there is none. An
// implicit alias is any non-reserved word, so WHERE, JOIN, ON, SET, USING …
// end the table reference instead.
func (p *parser) alias() (string, error) {
	if p.acceptKw("AS") {
		name, _, err := p.ident()
		return name, err
	}
	if t := p.tok(); t.kind == tkWord && !t.reserved {
		p.advance()
		return t.text, nil
	}
	return "", nil
}
