package parser

import (
	"strconv"
	"strings"

	"github.com/memflux/memflux/sql/ast"
)

// Type-modifier bounds, as in PostgreSQL.
const (
	maxNumericPrecision = 1000
	maxCharLength       = 10485760
)

// simpleTypes are the type names that take no modifiers, with their aliases.
var simpleTypes = map[string]ast.BaseType{
	"SMALLINT": ast.TypeSmallInt, "INT2": ast.TypeSmallInt,
	"INTEGER": ast.TypeInteger, "INT": ast.TypeInteger, "INT4": ast.TypeInteger,
	"BIGINT": ast.TypeBigInt, "INT8": ast.TypeBigInt,
	"REAL": ast.TypeReal, "FLOAT4": ast.TypeReal,
	"FLOAT8":  ast.TypeDouble,
	"TEXT":    ast.TypeText,
	"BYTEA":   ast.TypeBytea,
	"JSONB":   ast.TypeJSONB,
	"UUID":    ast.TypeUUID,
	"BOOLEAN": ast.TypeBoolean, "BOOL": ast.TypeBoolean,
	"TIMESTAMPTZ": ast.TypeTimestampTZ,
	"DATE":        ast.TypeDate,
	"TIME":        ast.TypeTime,
}

// typeName parses a type (SPEC §4.13) with an optional [] suffix. Unknown
// names fail with "Unsupported data type: NAME".
func (p *parser) typeName() (ast.Type, error) {
	t := p.tok()
	if t.kind != tkWord {
		return ast.Type{}, p.errHere()
	}
	name := strings.ToUpper(t.text)
	p.advance()
	var typ ast.Type
	var err error
	if base, ok := simpleTypes[name]; ok {
		typ.Base = base
	} else {
		switch name {
		case "NUMERIC", "DECIMAL":
			typ.Base = ast.TypeNumeric
			typ.Params, err = p.numericParams()
		case "VARCHAR":
			typ.Base = ast.TypeVarchar
			typ.Params, err = p.lengthParam()
		case "CHAR", "CHARACTER":
			typ.Base = ast.TypeChar
			if name == "CHARACTER" && p.acceptWord("VARYING") {
				typ.Base = ast.TypeVarchar
			}
			typ.Params, err = p.lengthParam()
			if typ.Base == ast.TypeChar && typ.Params == nil {
				typ.Params = []int{1} // CHAR means CHAR(1)
			}
		case "DOUBLE":
			typ.Base = ast.TypeDouble
			if !p.acceptWord("PRECISION") {
				return ast.Type{}, p.errExpected("PRECISION")
			}
		case "TIMESTAMP":
			typ.Base = ast.TypeTimestamp
			err = p.timeZoneSuffix(&typ)
		default:
			return ast.Type{}, errUnsupported(t.pos, "Unsupported data type: %s", name)
		}
		if err != nil {
			return ast.Type{}, err
		}
	}
	if p.acceptPunct("[") {
		if err := p.expectPunct("]"); err != nil {
			return ast.Type{}, err
		}
		typ.Array = true
	}
	return typ, nil
}

// acceptWord consumes the current token if it is the given (non-keyword)
// word, case-insensitively.
func (p *parser) acceptWord(w string) bool {
	if t := p.tok(); t.kind == tkWord && strings.EqualFold(t.text, w) {
		p.advance()
		return true
	}
	return false
}

// timeZoneSuffix parses TIMESTAMP WITH TIME ZONE (→ TIMESTAMPTZ) and
// TIMESTAMP WITHOUT TIME ZONE.
func (p *parser) timeZoneSuffix(typ *ast.Type) error {
	with := p.isKw("WITH")
	next := p.peek(1)
	if !(with || (p.tok().kind == tkWord && strings.EqualFold(p.tok().text, "WITHOUT"))) ||
		next.kind != tkWord || !strings.EqualFold(next.text, "TIME") {
		return nil
	}
	p.advance()
	p.advance()
	if !p.acceptWord("ZONE") {
		return p.errExpected("ZONE")
	}
	if with {
		typ.Base = ast.TypeTimestampTZ
	}
	return nil
}

// typeParam parses one unsigned integer modifier within [lo, hi].
func (p *parser) typeParam(lo, hi int) (int, error) {
	t := p.tok()
	if t.kind == tkNumber {
		if n, err := strconv.Atoi(t.text); err == nil && n >= lo && n <= hi {
			p.advance()
			return n, nil
		}
	}
	return 0, p.errHere()
}

// numericParams parses [(p [, s])] with 1 ≤ p ≤ 1000 and 0 ≤ s ≤ p.
func (p *parser) numericParams() ([]int, error) {
	if !p.acceptPunct("(") {
		return nil, nil
	}
	prec, err := p.typeParam(1, maxNumericPrecision)
	if err != nil {
		return nil, err
	}
	params := []int{prec}
	if p.acceptPunct(",") {
		scale, err := p.typeParam(0, prec)
		if err != nil {
			return nil, err
		}
		params = append(params, scale)
	}
	return params, p.expectPunct(")")
}

// lengthParam parses [(n)] with 1 ≤ n ≤ 10485760.
func (p *parser) lengthParam() ([]int, error) {
	if !p.acceptPunct("(") {
		return nil, nil
	}
	n, err := p.typeParam(1, maxCharLength)
	if err != nil {
		return nil, err
	}
	return []int{n}, p.expectPunct(")")
}
