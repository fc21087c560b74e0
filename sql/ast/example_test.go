package ast_test

import (
	"fmt"

	"github.com/memflux/memflux/sql/ast"
)

func Example() {
	// (price + 1) * qty > $1, built by hand.
	e := &ast.Comparison{
		Op: ast.CmpGt,
		L: &ast.Binary{Op: ast.OpMul,
			L: &ast.Binary{Op: ast.OpAdd, L: &ast.ColumnRef{Name: "price"}, R: &ast.Literal{Kind: ast.LitInt, Int: 1}},
			R: &ast.ColumnRef{Name: "qty"}},
		R: &ast.Placeholder{N: 1},
	}
	fmt.Println(e.String()) // the output-column name of SPEC §4.8
	fmt.Println(ast.SQL(e)) // SQL that parses back to the same tree
	fmt.Println(ast.Dump(e))
	fmt.Println(ast.MaxPlaceholder(e))
	// Output:
	// price + 1 * qty > $1
	// (price + 1) * qty > $1
	// (> (* (+ price 1) qty) $1)
	// 1
}

func ExampleInspect() {
	e := &ast.Logical{Op: ast.LogicAnd,
		L: &ast.IsNull{X: &ast.ColumnRef{Qualifier: "u", Name: "email"}},
		R: &ast.FuncCall{Name: "LOWER", Args: []ast.Expr{&ast.ColumnRef{Name: "name"}}}}
	ast.Inspect(e, func(n ast.Node) bool {
		if c, ok := n.(*ast.ColumnRef); ok {
			fmt.Println(c)
		}
		return true
	})
	// Output:
	// u.email
	// name
}

func ExampleType_String() {
	t := ast.Type{Base: ast.TypeNumeric, Params: []int{10, 2}, Array: true}
	fmt.Println(t)
	// Output: NUMERIC(10, 2)[]
}
