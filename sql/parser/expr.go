package parser

import (
	"strconv"
	"strings"

	"github.com/memflux/memflux/sql/ast"
)

// Expression grammar (SPEC §4.3), lowest precedence first:
//
//	expr       = and { OR and }
//	and        = not { AND not }
//	not        = NOT not | comparison
//	comparison = concat [ IS [NOT] NULL | [NOT] BETWEEN concat AND concat
//	           | [NOT] IN ( query | expr {, expr} ) | [NOT] (LIKE|ILIKE) concat [ESCAPE concat]
//	           | cmpop (ANY|SOME|ALL) ( query ) | cmpop concat ]
//	concat     = additive { || additive }
//	additive   = mult { (+|-) mult }
//	mult       = unary { (*|/|%) unary }
//	unary      = - unary | postfix
//	postfix    = primary { :: type }

// expr parses a full expression; it is the entry point that opens one
// nesting level.
func (p *parser) expr() (ast.Expr, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	return p.orExpr()
}

// exprList parses expr {, expr}.
func (p *parser) exprList() ([]ast.Expr, error) {
	var list []ast.Expr
	for {
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		list = append(list, e)
		if !p.acceptPunct(",") {
			return list, nil
		}
	}
}

// parenExpr parses ( expr ).
func (p *parser) parenExpr() (ast.Expr, error) {
	if err := p.expectPunct("("); err != nil {
		return nil, err
	}
	e, err := p.expr()
	if err != nil {
		return nil, err
	}
	return e, p.expectPunct(")")
}

func (p *parser) orExpr() (ast.Expr, error) {
	left, err := p.andExpr()
	if err != nil {
		return nil, err
	}
	for p.isKw("OR") {
		pos := p.advance().pos
		right, err := p.andExpr()
		if err != nil {
			return nil, err
		}
		left = &ast.Logical{Op: ast.LogicOr, L: left, R: right, Pos: pos}
	}
	return left, nil
}

func (p *parser) andExpr() (ast.Expr, error) {
	left, err := p.notExpr()
	if err != nil {
		return nil, err
	}
	for p.isKw("AND") {
		pos := p.advance().pos
		right, err := p.notExpr()
		if err != nil {
			return nil, err
		}
		left = &ast.Logical{Op: ast.LogicAnd, L: left, R: right, Pos: pos}
	}
	return left, nil
}

func (p *parser) notExpr() (ast.Expr, error) {
	if !p.isKw("NOT") {
		return p.comparison()
	}
	pos := p.advance().pos
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	x, err := p.notExpr()
	if err != nil {
		return nil, err
	}
	return &ast.Not{X: x, Pos: pos}, nil
}

// compareOps maps comparison symbols to operators; <> is !=.
var compareOps = map[string]ast.CompareOp{
	"=": ast.CmpEq, "!=": ast.CmpNe, "<>": ast.CmpNe,
	"<": ast.CmpLt, "<=": ast.CmpLe, ">": ast.CmpGt, ">=": ast.CmpGe,
}

func isPredicateKw(kw string) bool {
	return kw == "BETWEEN" || kw == "IN" || kw == "LIKE" || kw == "ILIKE"
}

// atComparison reports whether the current token starts a comparison suffix.
func (p *parser) atComparison() bool {
	t := p.tok()
	if t.kind == tkPunct {
		_, ok := compareOps[t.text]
		return ok
	}
	return t.kw == "IS" || isPredicateKw(t.kw) || (t.kw == "NOT" && isPredicateKw(p.peek(1).kw))
}

// comparison parses concat with at most one comparison suffix; a second one
// (a = b = c) is a syntax error at its operator.
func (p *parser) comparison() (ast.Expr, error) {
	left, err := p.concat()
	if err != nil {
		return nil, err
	}
	if !p.atComparison() {
		return left, nil
	}
	t := p.tok()
	var e ast.Expr
	switch {
	case t.kind == tkPunct:
		e, err = p.compareRHS(left, compareOps[t.text])
	case t.kw == "IS":
		p.advance()
		not := p.acceptKw("NOT")
		if !p.acceptKw("NULL") {
			return nil, p.errHere()
		}
		e = &ast.IsNull{X: left, Not: not, Pos: t.pos}
	case t.kw == "NOT":
		p.advance()
		var inner ast.Expr
		if inner, err = p.predicate(left); err == nil {
			e = &ast.Not{X: inner, Pos: t.pos}
		}
	default:
		e, err = p.predicate(left)
	}
	if err != nil {
		return nil, err
	}
	if p.atComparison() {
		return nil, p.errHere()
	}
	return e, nil
}

// compareRHS parses the operator and right side of a comparison, including
// op ANY|SOME|ALL (query).
func (p *parser) compareRHS(left ast.Expr, op ast.CompareOp) (ast.Expr, error) {
	pos := p.advance().pos
	if t := p.tok(); (t.kw == "ANY" || t.kw == "SOME" || t.kw == "ALL") && p.peek(1).kind == tkPunct && p.peek(1).text == "(" {
		p.advance()
		q, err := p.parenQuery()
		if err != nil {
			return nil, err
		}
		return &ast.AnyAll{Op: op, All: t.kw == "ALL", X: left, Query: q, Pos: pos}, nil
	}
	right, err := p.concat()
	if err != nil {
		return nil, err
	}
	return &ast.Comparison{Op: op, L: left, R: right, Pos: pos}, nil
}

// predicate parses BETWEEN, IN, LIKE or ILIKE with left as the operand.
func (p *parser) predicate(left ast.Expr) (ast.Expr, error) {
	t := p.advance()
	switch t.kw {
	case "BETWEEN":
		lo, err := p.concat()
		if err != nil {
			return nil, err
		}
		if err := p.expectKw("AND"); err != nil {
			return nil, err
		}
		hi, err := p.concat()
		if err != nil {
			return nil, err
		}
		return &ast.Between{X: left, Lo: lo, Hi: hi, Pos: t.pos}, nil
	case "IN":
		if err := p.expectPunct("("); err != nil {
			return nil, err
		}
		in := &ast.In{X: left, Pos: t.pos}
		var err error
		if p.isSelectStart() {
			in.Query, err = p.query()
		} else {
			in.List, err = p.exprList()
		}
		if err != nil {
			return nil, err
		}
		return in, p.expectPunct(")")
	default: // LIKE, ILIKE
		pat, err := p.concat()
		if err != nil {
			return nil, err
		}
		l := &ast.Like{X: left, Pattern: pat, Insensitive: t.kw == "ILIKE", Pos: t.pos}
		if p.acceptKw("ESCAPE") {
			if l.Escape, err = p.concat(); err != nil {
				return nil, err
			}
		}
		return l, nil
	}
}

func (p *parser) concat() (ast.Expr, error) {
	left, err := p.additive()
	if err != nil {
		return nil, err
	}
	for p.isPunct("||") {
		pos := p.advance().pos
		right, err := p.additive()
		if err != nil {
			return nil, err
		}
		left = &ast.Binary{Op: ast.OpConcat, L: left, R: right, Pos: pos}
	}
	return left, nil
}

func (p *parser) additive() (ast.Expr, error) {
	left, err := p.multiplicative()
	if err != nil {
		return nil, err
	}
	for {
		op := ast.OpAdd
		switch {
		case p.isPunct("+"):
		case p.isPunct("-"):
			op = ast.OpSub
		default:
			return left, nil
		}
		pos := p.advance().pos
		right, err := p.multiplicative()
		if err != nil {
			return nil, err
		}
		left = &ast.Binary{Op: op, L: left, R: right, Pos: pos}
	}
}

func (p *parser) multiplicative() (ast.Expr, error) {
	left, err := p.unary()
	if err != nil {
		return nil, err
	}
	for {
		var op ast.BinaryOp
		switch {
		case p.isPunct("*"):
			op = ast.OpMul
		case p.isPunct("/"):
			op = ast.OpDiv
		case p.isPunct("%"):
			op = ast.OpMod
		default:
			return left, nil
		}
		pos := p.advance().pos
		right, err := p.unary()
		if err != nil {
			return nil, err
		}
		left = &ast.Binary{Op: op, L: left, R: right, Pos: pos}
	}
}

func (p *parser) unary() (ast.Expr, error) {
	if !p.isPunct("-") {
		return p.postfix()
	}
	pos := p.advance().pos
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	x, err := p.unary()
	if err != nil {
		return nil, err
	}
	return &ast.Unary{Op: ast.UnaryNeg, X: x, Pos: pos}, nil
}

// postfix parses a primary followed by any number of ::type casts.
func (p *parser) postfix() (ast.Expr, error) {
	x, err := p.primary()
	if err != nil {
		return nil, err
	}
	for p.isPunct("::") {
		pos := p.advance().pos
		typ, err := p.typeName()
		if err != nil {
			return nil, err
		}
		x = &ast.Cast{X: x, Type: typ, Pos: pos}
	}
	return x, nil
}

// niladic are the SQL-standard functions written without parentheses.
var niladic = map[string]bool{
	"CURRENT_DATE": true, "CURRENT_TIME": true, "CURRENT_TIMESTAMP": true, "LOCALTIMESTAMP": true,
}

// typedLiteralTypes may prefix a string literal: DATE '2024-01-01'.
var typedLiteralTypes = []string{"DATE", "TIME", "TIMESTAMP", "TIMESTAMPTZ"}

func (p *parser) primary() (ast.Expr, error) {
	t := p.tok()
	switch t.kind {
	case tkNumber:
		p.advance()
		return numberLiteral(t)
	case tkString:
		p.advance()
		return &ast.Literal{Kind: ast.LitString, Str: t.str, Pos: t.pos}, nil
	case tkPlaceholder:
		p.advance()
		return &ast.Placeholder{N: t.n, Pos: t.pos}, nil
	case tkPunct:
		if t.text == "(" {
			return p.parenthesised()
		}
		return nil, p.errHere()
	case tkEOF:
		return nil, p.errHere()
	}
	// A word.
	switch t.kw {
	case "NULL":
		p.advance()
		return &ast.Literal{Kind: ast.LitNull, Pos: t.pos}, nil
	case "TRUE", "FALSE":
		p.advance()
		return &ast.Literal{Kind: ast.LitBool, Bool: t.kw == "TRUE", Pos: t.pos}, nil
	case "CASE":
		return p.caseExpr()
	case "CAST":
		return p.castExpr()
	case "EXISTS":
		p.advance()
		q, err := p.parenQuery()
		if err != nil {
			return nil, err
		}
		return &ast.Exists{Query: q, Pos: t.pos}, nil
	case "ARRAY":
		return p.arrayLit()
	}
	if niladic[t.kw] {
		p.advance()
		return &ast.FuncCall{Name: t.kw, NoParens: true, Pos: t.pos}, nil
	}
	next := p.peek(1)
	if next.kind == tkPunct && next.text == "(" && (!t.reserved || t.kw == "LEFT" || t.kw == "RIGHT") {
		return p.funcCall()
	}
	if t.reserved {
		return nil, p.errHere()
	}
	if next.kind == tkString {
		for _, name := range typedLiteralTypes {
			if strings.EqualFold(t.text, name) {
				return p.typedLiteral()
			}
		}
	}
	return p.columnRef()
}

// numberLiteral converts a number token: an integer when written without
// fraction or exponent and within int64, else a float.
func numberLiteral(t *token) (ast.Expr, error) {
	if !strings.ContainsAny(t.text, ".eE") {
		if n, err := strconv.ParseInt(t.text, 10, 64); err == nil {
			return &ast.Literal{Kind: ast.LitInt, Int: n, Pos: t.pos}, nil
		}
	}
	f, err := strconv.ParseFloat(t.text, 64)
	if err != nil { // out of range: 1e999
		return nil, errNear(t.pos, t.text, false)
	}
	return &ast.Literal{Kind: ast.LitFloat, Float: f, Pos: t.pos}, nil
}

// parenthesised parses ( query ) as a scalar subquery or ( expr ).
func (p *parser) parenthesised() (ast.Expr, error) {
	pos := p.advance().pos
	if p.isSelectStart() {
		q, err := p.query()
		if err != nil {
			return nil, err
		}
		return &ast.Subquery{Query: q, Pos: pos}, p.expectPunct(")")
	}
	e, err := p.expr()
	if err != nil {
		return nil, err
	}
	return e, p.expectPunct(")")
}

// columnRef parses name {. label}. A dot must be followed by a word; q.* is
// handled by the select list and is an error here.
func (p *parser) columnRef() (ast.Expr, error) {
	t := p.advance()
	c := &ast.ColumnRef{Name: t.text, Pos: t.pos}
	for first := true; p.isPunct("."); first = false {
		p.advance()
		part, err := p.label()
		if err != nil {
			return nil, err
		}
		if first {
			c.Qualifier, c.Name = c.Name, part
		} else {
			c.Path = append(c.Path, part)
		}
	}
	return c, nil
}

func (p *parser) caseExpr() (ast.Expr, error) {
	pos := p.advance().pos
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	if !p.isKw("WHEN") { // simple CASE x WHEN … is not supported
		return nil, p.errExpected("WHEN")
	}
	c := &ast.Case{Pos: pos}
	for p.acceptKw("WHEN") {
		cond, err := p.expr()
		if err != nil {
			return nil, err
		}
		if err := p.expectKw("THEN"); err != nil {
			return nil, err
		}
		res, err := p.expr()
		if err != nil {
			return nil, err
		}
		c.Whens = append(c.Whens, ast.When{Cond: cond, Result: res})
	}
	if p.acceptKw("ELSE") {
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		c.Else = e
	}
	return c, p.expectKw("END")
}

func (p *parser) castExpr() (ast.Expr, error) {
	pos := p.advance().pos
	if err := p.expectPunct("("); err != nil {
		return nil, err
	}
	x, err := p.expr()
	if err != nil {
		return nil, err
	}
	if err := p.expectKw("AS"); err != nil {
		return nil, err
	}
	typ, err := p.typeName()
	if err != nil {
		return nil, err
	}
	return &ast.Cast{X: x, Type: typ, Pos: pos}, p.expectPunct(")")
}

// typedLiteral parses DATE|TIME|TIMESTAMP|TIMESTAMPTZ 'text' as a cast of
// the string.
func (p *parser) typedLiteral() (ast.Expr, error) {
	pos := p.tok().pos
	typ, err := p.typeName()
	if err != nil {
		return nil, err
	}
	s := p.tok()
	if s.kind != tkString {
		return nil, p.errHere()
	}
	p.advance()
	lit := &ast.Literal{Kind: ast.LitString, Str: s.str, Pos: s.pos}
	return &ast.Cast{X: lit, Type: typ, Pos: pos}, nil
}

func (p *parser) arrayLit() (ast.Expr, error) {
	pos := p.advance().pos
	if err := p.expectPunct("["); err != nil {
		return nil, err
	}
	a := &ast.ArrayLit{Pos: pos}
	if p.acceptPunct("]") {
		return a, nil
	}
	elems, err := p.exprList()
	if err != nil {
		return nil, err
	}
	a.Elems = elems
	return a, p.expectPunct("]")
}

// coreAggregates are the aggregates restricted by SPEC §4.3 to * or a
// single column argument.
var coreAggregates = map[string]bool{"COUNT": true, "SUM": true, "AVG": true, "MIN": true, "MAX": true}

// funcCall parses NAME ( [DISTINCT] (* | args) [ORDER BY …] ), plus the
// special argument syntaxes EXTRACT(f FROM x), POSITION(a IN b) and
// SUBSTRING(s FROM i [FOR n]).
func (p *parser) funcCall() (ast.Expr, error) {
	t := p.advance()
	p.advance() // (
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	name := t.kw
	if name == "" {
		name = strings.ToUpper(t.text)
	}
	fc := &ast.FuncCall{Name: name, Pos: t.pos}
	if p.acceptPunct(")") {
		return fc, checkAggregate(fc)
	}
	if p.acceptKw("DISTINCT") {
		fc.Distinct = true
	} else {
		p.acceptKw("ALL")
	}
	if !fc.Distinct && p.isPunct("*") {
		p.advance()
		fc.Star = true
	} else if err := p.funcArgs(fc); err != nil {
		return nil, err
	}
	if p.acceptKw("ORDER") {
		items, err := p.orderBy()
		if err != nil {
			return nil, err
		}
		fc.OrderBy = items
	}
	if err := p.expectPunct(")"); err != nil {
		return nil, err
	}
	return fc, checkAggregate(fc)
}

// funcArgs parses the argument list of fc, handling the keyword-separated
// forms of EXTRACT, POSITION and SUBSTRING.
func (p *parser) funcArgs(fc *ast.FuncCall) error {
	var first ast.Expr
	var err error
	if fc.Name == "POSITION" && !fc.Distinct {
		// POSITION(a IN b): the first operand stops before IN.
		if first, err = p.concat(); err != nil {
			return err
		}
		if p.acceptKw("IN") {
			second, err := p.concat()
			if err != nil {
				return err
			}
			fc.Args = []ast.Expr{first, second}
			return nil
		}
	} else if first, err = p.expr(); err != nil {
		return err
	}
	switch {
	case fc.Name == "EXTRACT" && p.isKw("FROM"):
		field, ok := extractField(first)
		if !ok {
			return p.errHere()
		}
		p.advance()
		src, err := p.expr()
		if err != nil {
			return err
		}
		fc.Args = []ast.Expr{field, src}
		return nil
	case fc.Name == "SUBSTRING" && (p.isKw("FROM") || p.isKw("FOR")):
		return p.substringArgs(fc, first)
	}
	fc.Args = []ast.Expr{first}
	for p.acceptPunct(",") {
		e, err := p.expr()
		if err != nil {
			return err
		}
		fc.Args = append(fc.Args, e)
	}
	return nil
}

// extractField turns the field of EXTRACT(field FROM x) into a string
// literal: a bare word (YEAR) or a string ('year').
func extractField(e ast.Expr) (ast.Expr, bool) {
	switch e := e.(type) {
	case *ast.ColumnRef:
		if e.Qualifier == "" && len(e.Path) == 0 {
			return &ast.Literal{Kind: ast.LitString, Str: e.Name, Pos: e.Pos}, true
		}
	case *ast.Literal:
		if e.Kind == ast.LitString {
			return e, true
		}
	}
	return nil, false
}

// substringArgs parses FROM start [FOR len] | FOR len after the string
// operand; SUBSTRING(s FOR n) means SUBSTRING(s, 1, n).
func (p *parser) substringArgs(fc *ast.FuncCall, s ast.Expr) error {
	fc.Args = []ast.Expr{s}
	if p.isKw("FROM") {
		p.advance()
		start, err := p.expr()
		if err != nil {
			return err
		}
		fc.Args = append(fc.Args, start)
	} else {
		fc.Args = append(fc.Args, &ast.Literal{Kind: ast.LitInt, Int: 1, Pos: p.tok().pos})
	}
	if p.acceptKw("FOR") {
		n, err := p.expr()
		if err != nil {
			return err
		}
		fc.Args = append(fc.Args, n)
	}
	return nil
}

// checkAggregate applies the SPEC §4.3 restrictions on COUNT, SUM, AVG, MIN
// and MAX: DISTINCT only with COUNT; the argument is * or one (possibly
// qualified) column.
func checkAggregate(fc *ast.FuncCall) error {
	if !coreAggregates[fc.Name] {
		return nil
	}
	if fc.Distinct && fc.Name != "COUNT" {
		return errUnsupported(fc.Pos, "DISTINCT is currently only supported with COUNT")
	}
	if fc.Star {
		return nil
	}
	if len(fc.Args) == 1 {
		if _, ok := fc.Args[0].(*ast.ColumnRef); ok {
			return nil
		}
	}
	return errUnsupported(fc.Pos, "Complex expressions in aggregate functions not yet supported")
}
