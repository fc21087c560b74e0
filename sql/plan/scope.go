package plan

import (
	"slices"

	"github.com/memflux/memflux/sql/ast"
	"github.com/memflux/memflux/sql/catalog"
	"github.com/memflux/memflux/sql/exec"
)

// sourceKind tells how a FROM item's rows appear in the row object R of
// SPEC §4.4/§4.9.
type sourceKind uint8

const (
	// srcBase: a base table, {alias: document}.
	srcBase sourceKind = iota
	// srcWrapped: a derived table, an aliased view or CTE, a recursive
	// reference: {alias: row}.
	srcWrapped
	// srcFlat: an unaliased view or CTE: its columns are members of R.
	srcFlat
)

// source is one FROM item of a query block.
type source struct {
	ref    string // the name expressions use: alias, else table/view/CTE name
	kind   sourceKind
	table  string // base tables: the table name (the key prefix)
	alias  bool   // written with an alias
	schema *catalog.Schema
	// cols are the static output columns of derived/flat sources; nil when
	// they are dynamic (SELECT * over a schemaless table).
	cols     []string
	slot     int
	nullable bool       // on the NULL-supplying side of an outer join
	scan     *exec.Scan // base tables: the scan, for pushdown and NeedKey
	derived  *exec.Derived
	node     exec.Node
}

func (s *source) hasCol(name string) (known, has bool) {
	if s.cols == nil {
		return false, false
	}
	return true, slices.Contains(s.cols, name)
}

// aggCtx is the row shape after aggregation: group keys then aggregates.
type aggCtx struct {
	base     *scope // the block's FROM scope
	keys     []ast.Expr
	keyTexts []string
	aggTexts []string
}

// scope is the name environment of one query block at one stage: the FROM
// sources (before aggregation), the group row (after), or the output row
// of a set operation. Each scope is one frame level at run time.
type scope struct {
	parent  *scope
	sources []*source
	alpha   []*source // sources sorted by ref name (stable)
	agg     *aggCtx
	// output: rows are rendered output objects in slot 0 (set-operation
	// ORDER BY, DISTINCT ON).
	output bool
	// collect, when set, accumulates the slots of this scope that compiled
	// expressions read (pushdown and join-key analysis).
	collect *uint64
	// env is the CTE environment of the block (subqueries see it).
	env *cteEnv
	// vm is the block's validation map (SPEC §4.6).
	vm vmap
}

func newScope(parent *scope, sources []*source) *scope {
	s := &scope{parent: parent, sources: sources}
	s.alpha = slices.Clone(sources)
	slices.SortStableFunc(s.alpha, func(a, b *source) int {
		switch {
		case a.ref < b.ref:
			return -1
		case a.ref > b.ref:
			return 1
		}
		return 0
	})
	return s
}

// depth counts the scopes above s.
func (s *scope) depth() int {
	d := 0
	for p := s.parent; p != nil; p = p.parent {
		d++
	}
	return d
}

func (s *scope) mark(slot int) {
	if s.collect != nil && slot >= 0 && slot < 64 {
		*s.collect |= 1 << uint(slot)
	}
}

func (s *scope) markKey(src *source) {
	if src.scan != nil {
		src.scan.NeedKey = true
	}
}

func (s *scope) byRef(name string) *source {
	// The last source with the name wins, as later members of R overwrite
	// earlier ones.
	for i := len(s.sources) - 1; i >= 0; i-- {
		if s.sources[i].ref == name {
			return s.sources[i]
		}
	}
	return nil
}

// resolve compiles a column reference to its candidate places and the path
// into the found value (SPEC §4.5).
func (s *scope) resolve(ref *ast.ColumnRef) ([]exec.Candidate, []string) {
	var cands []exec.Candidate
	if ref.Qualifier == "" {
		// The innermost scope with a source that may hold the name binds it
		// (as PostgreSQL binds names): a schemaless document without the
		// member reads NULL rather than reaching the enclosing query.
		for sc, up := s, 0; sc != nil; sc, up = sc.parent, up+1 {
			before := len(cands)
			cands, _ = sc.unqualified(ref.Name, up, cands)
			if len(cands) > before && !sc.output {
				break
			}
		}
		return cands, nil
	}
	literal := ref.Qualifier + "." + ref.Name
	for sc, up := s, 0; sc != nil; sc, up = sc.parent, up+1 {
		var final bool
		cands, final = sc.literalFlat(literal, up, cands)
		if final {
			return cands, ref.Path
		}
		if sc.agg != nil {
			if k := sc.aggKey(ref); k >= 0 {
				return append(cands, exec.Candidate{Up: up, Slot: -1, Val: k}), ref.Path
			}
			continue
		}
		if src := sc.byRef(ref.Qualifier); src != nil {
			sc.mark(src.slot)
			if ref.Name == "id" || ref.Name == "_key" {
				sc.markKey(src)
			}
			return append(cands, exec.Candidate{Up: up, Slot: src.slot, Name: ref.Name, Base: src.kind == srcBase}), ref.Path
		}
	}
	// The qualifier names no source: a nested JSON path from column
	// Qualifier (address.city).
	base := &ast.ColumnRef{Name: ref.Qualifier, Pos: ref.Pos}
	cands, _ = s.resolve(base)
	return cands, append([]string{ref.Name}, ref.Path...)
}

// literalFlat adds the flat sources that may hold a member literally named
// name (a CTE column called "s.product"). final is true when one of them
// always has it.
func (s *scope) literalFlat(name string, up int, cands []exec.Candidate) ([]exec.Candidate, bool) {
	if s.output {
		return append(cands, exec.Candidate{Up: up, Slot: 0, Name: name}), false
	}
	for i := len(s.sources) - 1; i >= 0; i-- {
		src := s.sources[i]
		if src.kind != srcFlat {
			continue
		}
		known, has := src.hasCol(name)
		if known && !has {
			continue
		}
		s.mark(src.slot)
		cands = append(cands, exec.Candidate{Up: up, Slot: src.slot, Name: name})
		if known && !src.nullable {
			return cands, true
		}
	}
	return cands, false
}

// unqualified adds the candidates of scope s for an unqualified name. final
// is true when a candidate always holds the name, so outer scopes cannot be
// reached.
func (s *scope) unqualified(name string, up int, cands []exec.Candidate) ([]exec.Candidate, bool) {
	if s.agg != nil {
		if k := s.aggKey(&ast.ColumnRef{Name: name}); k >= 0 {
			return append(cands, exec.Candidate{Up: up, Slot: -1, Val: k}), true
		}
		return cands, false
	}
	if s.output {
		return append(cands, exec.Candidate{Up: up, Slot: 0, Name: name}), false
	}
	cands, final := s.literalFlat(name, up, cands)
	if final {
		return cands, true
	}
	if src := s.byRef(name); src != nil {
		s.mark(src.slot)
		s.markKey(src)
		cands = append(cands, exec.Candidate{Up: up, Slot: src.slot, Base: src.kind == srcBase})
		if !src.nullable {
			return cands, true
		}
	}
	for _, src := range s.alpha {
		if src.kind == srcFlat {
			continue
		}
		always := false
		switch src.kind {
		case srcBase:
			if name == "id" || name == "_key" {
				s.markKey(src)
				always = true
			} else if src.schema != nil {
				_, always = src.schema.Column(name)
			}
		case srcWrapped:
			known, has := src.hasCol(name)
			if known && !has {
				continue
			}
			always = known
		}
		s.mark(src.slot)
		cands = append(cands, exec.Candidate{Up: up, Slot: src.slot, Name: name, Base: src.kind == srcBase})
		if always && !src.nullable {
			return cands, true
		}
	}
	return cands, false
}

// aggKey returns the group-key index a column reference matches in an
// aggregate scope, or -1. A reference matches a GROUP BY column with the
// same name when the qualifiers agree or one of them is absent.
func (s *scope) aggKey(ref *ast.ColumnRef) int {
	for i, k := range s.agg.keys {
		if kc, ok := k.(*ast.ColumnRef); ok && sameColumn(kc, ref) {
			return i
		}
	}
	return -1
}

func sameColumn(a, b *ast.ColumnRef) bool {
	if a.Name != b.Name || !slices.Equal(a.Path, b.Path) {
		return false
	}
	return a.Qualifier == b.Qualifier || a.Qualifier == "" || b.Qualifier == ""
}
