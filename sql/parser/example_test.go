package parser_test

import (
	"errors"
	"fmt"

	"github.com/memflux/memflux/sql/ast"
	"github.com/memflux/memflux/sql/parser"
)

func ExampleParse() {
	stmt, err := parser.Parse("SELECT name, COUNT(*), age + 1 AS next FROM users u WHERE u.age > 30 GROUP BY name")
	if err != nil {
		panic(err)
	}
	fmt.Println(ast.Dump(stmt))
	// Output column names follow SPEC §4.8.
	for _, it := range stmt.(*ast.Select).Body.(*ast.SelectCore).Items {
		fmt.Println(it.OutputName())
	}
	// Output:
	// (SELECT (name (COUNT *) (AS (+ age 1) next)) (FROM (AS users u)) (WHERE (> u.age 30)) (GROUP-BY name))
	// name
	// COUNT(*)
	// next
}

func ExampleParse_error() {
	_, err := parser.Parse("SELECT a FROM t WHERE a = = 1")
	var se *parser.SyntaxError
	if errors.As(err, &se) {
		fmt.Println(se.Pos, errors.Is(err, parser.ErrSyntax))
	}
	fmt.Println(err)
	// Output:
	// 26 true
	// syntax error at position 26 near "="
}

func ExampleParseExpr() {
	e, err := parser.ParseExpr("price * -qty <> 0 AND name IS NOT NULL")
	if err != nil {
		panic(err)
	}
	fmt.Println(e)
	fmt.Println(ast.Dump(e))
	// Output:
	// price * 0 - qty != 0 AND IS_NOT_NULL(name)
	// (AND (!= (* price (NEG qty)) 0) (IS-NOT-NULL name))
}
