package parser

import "github.com/memflux/memflux/sql/ast"

// txnStmt parses the transaction statements of SPEC §5.2–5.3:
// BEGIN [TRANSACTION|WORK], START TRANSACTION, COMMIT|END [TRANSACTION|WORK],
// ROLLBACK [TRANSACTION|WORK] [TO [SAVEPOINT] name], SAVEPOINT name,
// RELEASE [SAVEPOINT] name.
func (p *parser) txnStmt() (ast.Statement, error) {
	t := p.advance()
	switch t.kw {
	case "BEGIN":
		p.txnNoise()
		return &ast.Begin{Pos: t.pos}, nil
	case "START":
		if err := p.expectKw("TRANSACTION"); err != nil {
			return nil, err
		}
		return &ast.Begin{Pos: t.pos}, nil
	case "COMMIT", "END":
		p.txnNoise()
		return &ast.Commit{Pos: t.pos}, nil
	case "ROLLBACK":
		p.txnNoise()
		if !p.acceptKw("TO") {
			return &ast.Rollback{Pos: t.pos}, nil
		}
		p.acceptKw("SAVEPOINT")
		name, err := p.savepointName("ROLLBACK TO SAVEPOINT requires a name")
		if err != nil {
			return nil, err
		}
		return &ast.RollbackTo{Name: name, Pos: t.pos}, nil
	case "SAVEPOINT":
		name, err := p.savepointName("SAVEPOINT requires a name")
		if err != nil {
			return nil, err
		}
		return &ast.Savepoint{Name: name, Pos: t.pos}, nil
	default: // RELEASE
		p.acceptKw("SAVEPOINT")
		name, err := p.savepointName("RELEASE SAVEPOINT requires a name")
		if err != nil {
			return nil, err
		}
		return &ast.Release{Name: name, Pos: t.pos}, nil
	}
}

// txnNoise consumes the optional TRANSACTION or WORK.
func (p *parser) txnNoise() {
	if !p.acceptKw("TRANSACTION") {
		p.acceptKw("WORK")
	}
}

// savepointName parses the name of a savepoint statement; a missing name is
// the arity error of SPEC §5.3.
func (p *parser) savepointName(missing string) (string, error) {
	if t := p.tok(); t.kind == tkEOF {
		return "", &SyntaxError{Pos: t.pos, Msg: missing}
	}
	name, _, err := p.ident()
	return name, err
}
