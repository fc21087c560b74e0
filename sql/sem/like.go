package sem

import (
	"strings"
	"unicode/utf8"

	"github.com/memflux/memflux/jsondoc"
)

// LikePattern is a compiled LIKE/ILIKE pattern: '%' matches any run of
// characters, '_' exactly one, the escape character (backslash by default)
// makes the next character literal, everything else matches itself. Matching
// is on whole strings and character (rune) based; ILIKE folds case.
// A LikePattern is immutable and safe for concurrent use.
type LikePattern struct {
	parts       []likePart
	insensitive bool
	// Fast paths for the common shapes: exact, prefix%, %suffix, %infix%.
	shape   likeShape
	literal string
}

type likeShape uint8

const (
	shapeGeneral likeShape = iota
	shapeExact
	shapePrefix
	shapeSuffix
	shapeContains
	shapeAll
)

// likePart is one element: a literal run, '_' (one) or '%' (any).
type likePart struct {
	kind byte // 'l' literal, '_' one character, '%' any run
	lit  string
}

// CompileLike compiles pattern. escape is the escape character (0 for none;
// LIKE uses '\\' by default).
func CompileLike(pattern string, insensitive bool, escape rune) *LikePattern {
	if insensitive {
		pattern = strings.ToLower(pattern)
	}
	p := &LikePattern{insensitive: insensitive}
	var lit []byte
	flush := func() {
		if len(lit) > 0 {
			p.parts = append(p.parts, likePart{kind: 'l', lit: string(lit)})
			lit = lit[:0]
		}
	}
	for i := 0; i < len(pattern); {
		r, size := utf8.DecodeRuneInString(pattern[i:])
		switch {
		case escape != 0 && r == escape:
			i += size
			if i < len(pattern) {
				r2, s2 := utf8.DecodeRuneInString(pattern[i:])
				lit = utf8.AppendRune(lit, r2)
				i += s2
			}
			continue
		case r == '%':
			flush()
			if n := len(p.parts); n == 0 || p.parts[n-1].kind != '%' {
				p.parts = append(p.parts, likePart{kind: '%'})
			}
		case r == '_':
			flush()
			p.parts = append(p.parts, likePart{kind: '_'})
		default:
			lit = append(lit, pattern[i:i+size]...)
		}
		i += size
	}
	flush()
	p.classify()
	return p
}

func (p *LikePattern) classify() {
	ps := p.parts
	switch {
	case len(ps) == 0:
		p.shape, p.literal = shapeExact, ""
	case len(ps) == 1 && ps[0].kind == 'l':
		p.shape, p.literal = shapeExact, ps[0].lit
	case len(ps) == 1 && ps[0].kind == '%':
		p.shape = shapeAll
	case len(ps) == 2 && ps[0].kind == 'l' && ps[1].kind == '%':
		p.shape, p.literal = shapePrefix, ps[0].lit
	case len(ps) == 2 && ps[0].kind == '%' && ps[1].kind == 'l':
		p.shape, p.literal = shapeSuffix, ps[1].lit
	case len(ps) == 3 && ps[0].kind == '%' && ps[1].kind == 'l' && ps[2].kind == '%':
		p.shape, p.literal = shapeContains, ps[1].lit
	}
}

// Prefix returns the literal prefix every match starts with and whether the
// pattern is exactly "prefix%" (index scans use it).
func (p *LikePattern) Prefix() (prefix string, exact bool) {
	if len(p.parts) > 0 && p.parts[0].kind == 'l' {
		prefix = p.parts[0].lit
	}
	return prefix, p.shape == shapePrefix && !p.insensitive
}

// Match reports whether s matches the whole pattern.
func (p *LikePattern) Match(s string) bool {
	if p.insensitive {
		s = strings.ToLower(s)
	}
	switch p.shape {
	case shapeExact:
		return s == p.literal
	case shapeAll:
		return true
	case shapePrefix:
		return strings.HasPrefix(s, p.literal)
	case shapeSuffix:
		return strings.HasSuffix(s, p.literal)
	case shapeContains:
		return strings.Contains(s, p.literal)
	}
	return matchParts(p.parts, s)
}

// matchParts matches with backtracking limited to the last '%' seen, which
// is linear for patterns without '_' runs and never exponential.
func matchParts(parts []likePart, s string) bool {
	pi, si := 0, 0
	starPi, starSi := -1, 0
	for {
		if pi < len(parts) {
			part := parts[pi]
			switch part.kind {
			case '%':
				starPi, starSi = pi, si
				pi++
				continue
			case '_':
				if si < len(s) {
					_, size := utf8.DecodeRuneInString(s[si:])
					si += size
					pi++
					continue
				}
			case 'l':
				if strings.HasPrefix(s[si:], part.lit) {
					si += len(part.lit)
					pi++
					continue
				}
			}
		} else if si == len(s) {
			return true
		}
		// Mismatch: let the last % absorb one more character.
		if starPi < 0 || starSi >= len(s) {
			return false
		}
		_, size := utf8.DecodeRuneInString(s[starSi:])
		starSi += size
		pi, si = starPi+1, starSi
	}
}

// Like evaluates x LIKE pattern with a pattern known only at run time: NULL
// on either side is UNKNOWN, a non-string x is FALSE, a non-string pattern is
// an error.
func Like(x, pattern jsondoc.Value, insensitive bool, escape rune) (Tri, error) {
	if x.IsNull() || pattern.IsNull() {
		return Unknown, nil
	}
	ps, ok := pattern.Str()
	if !ok {
		return False, errLikePattern
	}
	s, ok := x.Str()
	if !ok {
		return False, nil
	}
	return boolTri(CompileLike(ps, insensitive, escape).Match(s)), nil
}

// LikeCompiled evaluates x LIKE p for a compiled pattern.
func LikeCompiled(x jsondoc.Value, p *LikePattern) Tri {
	if x.IsNull() {
		return Unknown
	}
	s, ok := x.Str()
	if !ok {
		return False
	}
	return boolTri(p.Match(s))
}
