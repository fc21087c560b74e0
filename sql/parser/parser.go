package parser

import (
	"fmt"
	"strings"

	"github.com/memflux/memflux/sql/ast"
)

// Parse parses exactly one SQL statement. Tokens after the end of the
// statement are an error, so several statements in one text are rejected
// (';' is whitespace, SPEC §4.2).
//
// Every error is a *SyntaxError matching ErrSyntax. Parse is safe for
// concurrent use; the returned tree is owned by the caller and, once no
// longer mutated, may be shared between goroutines (the plan cache does).
func Parse(sql string) (ast.Statement, error) {
	p, err := newParser(sql)
	if err != nil {
		return nil, err
	}
	if p.tok().kind == tkEOF {
		return nil, &SyntaxError{Pos: 0, Msg: "Empty SQL query"}
	}
	stmt, err := p.statement()
	if err != nil {
		return nil, err
	}
	if err := p.expectEnd(); err != nil {
		return nil, err
	}
	return stmt, nil
}

// ParseExpr parses a standalone expression, as stored for DEFAULT and CHECK
// constraints. Placeholders are numbered as in a statement.
func ParseExpr(sql string) (ast.Expr, error) {
	p, err := newParser(sql)
	if err != nil {
		return nil, err
	}
	e, err := p.expr()
	if err != nil {
		return nil, err
	}
	if err := p.expectEnd(); err != nil {
		return nil, err
	}
	return e, nil
}

// ParseType parses a type name ("integer", "NUMERIC(10, 2)", "text[]"), as
// stored in schema JSON, into its canonical form.
func ParseType(sql string) (ast.Type, error) {
	p, err := newParser(sql)
	if err != nil {
		return ast.Type{}, err
	}
	t, err := p.typeName()
	if err != nil {
		return ast.Type{}, err
	}
	if err := p.expectEnd(); err != nil {
		return ast.Type{}, err
	}
	return t, nil
}

// parser is a recursive-descent parser over a token slice. It is single-use
// and not safe for concurrent use.
type parser struct {
	sql     string
	toks    []token // ends with tkEOF
	i       int     // index of the current token
	prevEnd int     // end offset of the last consumed token
	depth   int     // current nesting, bounded by MaxDepth
}

func newParser(sql string) (*parser, error) {
	toks, err := lex(sql)
	if err != nil {
		return nil, err
	}
	return &parser{sql: sql, toks: toks}, nil
}

// tok returns the current token (tkEOF at the end).
func (p *parser) tok() *token { return &p.toks[p.i] }

// peek returns the token k positions ahead of the current one.
func (p *parser) peek(k int) *token {
	if j := p.i + k; j < len(p.toks) {
		return &p.toks[j]
	}
	return &p.toks[len(p.toks)-1]
}

// advance consumes and returns the current token; it never moves past EOF.
func (p *parser) advance() *token {
	t := &p.toks[p.i]
	if t.kind != tkEOF {
		p.i++
		p.prevEnd = t.end
	}
	return t
}

func (p *parser) isKw(kw string) bool { return p.toks[p.i].kw == kw }

func (p *parser) acceptKw(kw string) bool {
	if p.isKw(kw) {
		p.advance()
		return true
	}
	return false
}

func (p *parser) expectKw(kw string) error {
	if !p.acceptKw(kw) {
		return p.errExpected(kw)
	}
	return nil
}

func (p *parser) isPunct(s string) bool {
	t := &p.toks[p.i]
	return t.kind == tkPunct && t.text == s
}

func (p *parser) acceptPunct(s string) bool {
	if p.isPunct(s) {
		p.advance()
		return true
	}
	return false
}

func (p *parser) expectPunct(s string) error {
	if !p.acceptPunct(s) {
		return p.errExpected(s)
	}
	return nil
}

// isSelectStart reports whether the current token begins a query.
func (p *parser) isSelectStart() bool { return p.isKw("SELECT") || p.isKw("WITH") }

// errExpected reports a missing keyword or symbol:
// Expected 'FROM', found 'x' / found end of input.
func (p *parser) errExpected(what string) error {
	t := p.tok()
	found := "end of input"
	if t.kind != tkEOF {
		found = "'" + t.text + "'"
	}
	return &SyntaxError{Pos: t.pos, Msg: fmt.Sprintf("Expected '%s', found %s", what, found)}
}

// errHere reports the current token as the offending one.
func (p *parser) errHere() error { return p.errAt(p.tok()) }

func (p *parser) errAt(t *token) error { return errNear(t.pos, t.text, t.kind == tkEOF) }

func (p *parser) expectEnd() error {
	t := p.tok()
	if t.kind == tkEOF {
		return nil
	}
	return &SyntaxError{Pos: t.pos, Msg: fmt.Sprintf("Unexpected token '%s' after end of statement", t.text)}
}

// enter opens one nesting level; every successful enter is paired with a
// deferred leave.
func (p *parser) enter() error {
	if p.depth >= MaxDepth {
		pos := p.tok().pos
		return &SyntaxError{
			Pos:  pos,
			Msg:  fmt.Sprintf("statement nested too deeply at position %d (the limit is %d levels)", pos, MaxDepth),
			kind: ErrTooDeep,
		}
	}
	p.depth++
	return nil
}

func (p *parser) leave() { p.depth-- }

// ident consumes an identifier: a word that is not a reserved keyword.
func (p *parser) ident() (string, int, error) {
	t := p.tok()
	if t.kind != tkWord || t.reserved {
		return "", 0, p.errHere()
	}
	p.advance()
	return t.text, t.pos, nil
}

// label consumes any word, reserved or not (after AS, or after a dot).
func (p *parser) label() (string, error) {
	t := p.tok()
	if t.kind != tkWord {
		return "", p.errHere()
	}
	p.advance()
	return t.text, nil
}

// identList parses ( ident {, ident} ); the list may not be empty.
func (p *parser) identList() ([]string, error) {
	if err := p.expectPunct("("); err != nil {
		return nil, err
	}
	var list []string
	for {
		name, _, err := p.ident()
		if err != nil {
			return nil, err
		}
		list = append(list, name)
		if !p.acceptPunct(",") {
			break
		}
	}
	return list, p.expectPunct(")")
}

// tableName parses name[.name].
func (p *parser) tableName() (*ast.TableName, error) {
	name, pos, err := p.ident()
	if err != nil {
		return nil, err
	}
	t := &ast.TableName{Name: name, Pos: pos}
	if p.acceptPunct(".") {
		if t.Name, _, err = p.ident(); err != nil {
			return nil, err
		}
		t.Schema = name
	}
	return t, nil
}

// statement dispatches on the first word (SPEC §4.3).
func (p *parser) statement() (ast.Statement, error) {
	t := p.tok()
	switch t.kw {
	case "SELECT", "WITH":
		return p.selectStmt()
	case "INSERT":
		return p.insert()
	case "UPDATE":
		return p.update()
	case "DELETE":
		return p.delete()
	case "CREATE":
		return p.create()
	case "DROP":
		return p.drop()
	case "ALTER":
		return p.alterTable()
	case "TRUNCATE":
		return p.truncate()
	case "BEGIN", "START", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE":
		return p.txnStmt()
	case "EXPLAIN":
		return p.explain()
	}
	return nil, errUnsupported(t.pos, "Unsupported SQL command: %s", strings.ToUpper(t.text))
}

func (p *parser) explain() (ast.Statement, error) {
	pos := p.advance().pos
	switch p.tok().kw {
	case "SELECT", "WITH", "INSERT", "UPDATE", "DELETE":
	default:
		return nil, p.errHere()
	}
	stmt, err := p.statement()
	if err != nil {
		return nil, err
	}
	return &ast.Explain{Stmt: stmt, Pos: pos}, nil
}
