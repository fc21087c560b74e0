// Package parser turns MemFlux SQL text into the typed tree of package
// sql/ast. It is the front end of the SQL engine: the binder, planner and
// executor consume its output.
//
// # Basics
//
//	stmt, err := parser.Parse("SELECT name FROM users WHERE age > $1")
//	expr, err := parser.ParseExpr("age >= 0")          // stored CHECK/DEFAULT
//	typ, err := parser.ParseType("NUMERIC(10, 2)")     // stored column types
//
// Parse accepts exactly one statement; anything after it is an error. The
// dialect is SPEC.md §4 extended toward PostgreSQL (placeholders, ::
// casts, DISTINCT ON, FULL JOIN, ANY/ALL, CREATE/DROP INDEX, ON CONFLICT,
// RETURNING, EXPLAIN). The parser is a hand-written recursive descent over
// a token slice; every function is safe for concurrent use.
//
// # Lexical structure (SPEC §4.2)
//
// Separators are space, tab, CR, LF and ';'. Single-character tokens are
// = , ( ) > < ! [ ] + - * / %; two-character tokens >= <= != <> || and ::
// (|| and :: even inside a word). '.' is a token unless glued to a
// digits-only word (25.7). A single quote starts a string literal even
// mid-word; a doubled quote inside it stands for one quote, and backslashes
// are literal. '-' is always an
// operator. Everything else accumulates into words: double quotes and single
// ':' or '|' are ordinary characters (user:1 is one word). A word that is
// exactly ? or $<digits> is a placeholder (? are numbered from 1 left to
// right; the two styles cannot be mixed); a word shaped like a number
// (digits [. digits] [e digits]) is a number. Keywords are
// case-insensitive; identifiers keep their case. Reserved keywords (see
// keywords.go) cannot be column, table or implicit alias names.
//
// # Grammar
//
// EBNF-ish; [x] optional, {x} repeated, | alternatives, quoted text literal.
//
//	statement   = query | insert | update | delete | create_table | drop_table
//	            | alter_table | truncate | create_view | drop_view
//	            | create_schema | create_index | drop_index | txn | explain .
//
//	query       = [ "WITH" ["RECURSIVE"] cte {"," cte} ] set_expr
//	              [ "ORDER" "BY" order_item {"," order_item} ]
//	              { "LIMIT" (count | "ALL") | "OFFSET" count } .   (each at most once, any order)
//	cte         = ident [ "(" ident {"," ident} ")" ] "AS" "(" query ")" .
//	set_expr    = intersect { ("UNION" | "EXCEPT") ["ALL" | "DISTINCT"] intersect } .
//	intersect   = select_core { "INTERSECT" ["ALL" | "DISTINCT"] select_core } .
//	select_core = "SELECT" [ "DISTINCT" [ "ON" "(" expr {"," expr} ")" ] | "ALL" ] select_list
//	              "FROM" from [ "WHERE" expr ] [ "GROUP" "BY" expr {"," expr} ] [ "HAVING" expr ] .
//	select_list = "*" | item { "," item } .
//	item        = ident "." "*" | expr [ "AS" word | ident ] .
//	order_item  = expr [ "ASC" | "DESC" ] [ "NULLS" ("FIRST" | "LAST") ] .
//	count       = unsigned_integer | placeholder .
//	from        = joined { "," joined } .                   (a comma is a CROSS JOIN)
//	joined      = table_ref { join } .
//	join        = ( ["INNER"] | ("LEFT" | "RIGHT" | "FULL") ["OUTER"] ) "JOIN" table_ref "ON" expr
//	            | "CROSS" "JOIN" table_ref .
//	table_ref   = table_name [ "AS" ident | ident ] | "(" query ")" [ "AS" ] ident .
//	table_name  = ident [ "." ident ] .
//
//	insert      = "INSERT" "INTO" table_name [ "AS" ident ] [ "(" ident {"," ident} ")" ]
//	              ( "VALUES" row {"," row} | query ) [ on_conflict ] [ "RETURNING" select_list ] .
//	row         = "(" expr {"," expr} ")" .
//	on_conflict = "ON" "CONFLICT" [ "(" ident {"," ident} ")" ] "DO"
//	              ( "NOTHING" | "UPDATE" "SET" assignments [ "WHERE" expr ] ) .
//	assignments = ident "=" expr { "," ident "=" expr } .
//	update      = "UPDATE" table_name [ ["AS"] ident ] "SET" assignments
//	              [ "FROM" joined {"," joined} ] [ "WHERE" expr ] [ "RETURNING" select_list ] .
//	delete      = "DELETE" "FROM" table_name [ ["AS"] ident ]
//	              [ "USING" joined {"," joined} ] [ "WHERE" expr ] [ "RETURNING" select_list ] .
//
//	create_table = "CREATE" "TABLE" [ "IF" "NOT" "EXISTS" ] table_name
//	              "(" element {"," element} ")" .
//	element     = column_def | table_constraint .
//	column_def  = ident type { [ "CONSTRAINT" ident ] column_constraint } .
//	column_constraint = "NOT" "NULL" | "NULL" | "DEFAULT" expr | "PRIMARY" "KEY" | "UNIQUE"
//	            | "CHECK" "(" expr ")" | "REFERENCES" references .
//	table_constraint = [ "CONSTRAINT" ident ] ( "PRIMARY" "KEY" idents | "UNIQUE" idents
//	            | "CHECK" "(" expr ")" | "FOREIGN" "KEY" idents "REFERENCES" references ) .
//	references  = table_name [ idents ] { "ON" ("DELETE" | "UPDATE") action } .
//	action      = "CASCADE" | "RESTRICT" | "NO" "ACTION" | "SET" "NULL" | "SET" "DEFAULT" .
//	idents      = "(" ident {"," ident} ")" .
//	drop_table  = "DROP" "TABLE" [ "IF" "EXISTS" ] table_name .
//	alter_table = "ALTER" "TABLE" table_name
//	              ( "ADD" table_constraint
//	              | "ADD" ["COLUMN"] [ "IF" "NOT" "EXISTS" ] column_def
//	              | "DROP" "CONSTRAINT" [ "IF" "EXISTS" ] ident
//	              | "DROP" ["COLUMN"] [ "IF" "EXISTS" ] ident
//	              | "RENAME" "TO" ident
//	              | "RENAME" ["COLUMN"] ident "TO" ident
//	              | "ALTER" ["COLUMN"] ident ( "SET" "DEFAULT" expr | "DROP" "DEFAULT"
//	                  | "SET" "NOT" "NULL" | "DROP" "NOT" "NULL" | ["SET" "DATA"] "TYPE" type ) ) .
//	truncate    = "TRUNCATE" ["TABLE"] table_name .
//	create_view = "CREATE" "VIEW" table_name [ idents ] "AS" query .
//	drop_view   = "DROP" "VIEW" [ "IF" "EXISTS" ] table_name .
//	create_schema = "CREATE" "SCHEMA" [ "IF" "NOT" "EXISTS" ] ident .
//	create_index = "CREATE" ["UNIQUE"] "INDEX" [ "IF" "NOT" "EXISTS" ] ident
//	              "ON" table_name "(" expr {"," expr} ")" .
//	drop_index  = "DROP" "INDEX" [ "IF" "EXISTS" ] ident .
//
//	txn         = ("BEGIN" | "COMMIT" | "END") ["TRANSACTION" | "WORK"] | "START" "TRANSACTION"
//	            | "ROLLBACK" ["TRANSACTION" | "WORK"] [ "TO" ["SAVEPOINT"] ident ]
//	            | "SAVEPOINT" ident | "RELEASE" ["SAVEPOINT"] ident .
//	explain     = "EXPLAIN" ( query | insert | update | delete ) .
//
//	type        = base [ "[" "]" ] .
//	base        = "SMALLINT" | "INTEGER" | "INT" | "BIGINT" | "REAL" | "DOUBLE" "PRECISION"
//	            | ("NUMERIC" | "DECIMAL") [ "(" p ["," s] ")" ] | "TEXT"
//	            | ("VARCHAR" | "CHARACTER" "VARYING" | "CHAR" | "CHARACTER") [ "(" n ")" ]
//	            | "BYTEA" | "JSONB" | "UUID" | "BOOLEAN" | "BOOL"
//	            | "TIMESTAMP" [ ("WITH" | "WITHOUT") "TIME" "ZONE" ] | "TIMESTAMPTZ" | "DATE" | "TIME"
//	            | "INT2" | "INT4" | "INT8" | "FLOAT4" | "FLOAT8" .
//
// Expressions, lowest precedence first (SPEC §4.3 plus % and ::):
//
//	expr        = and { "OR" and } .
//	and         = not { "AND" not } .
//	not         = "NOT" not | comparison .
//	comparison  = concat [ "IS" ["NOT"] "NULL"
//	            | ["NOT"] "BETWEEN" concat "AND" concat
//	            | ["NOT"] "IN" "(" ( query | expr {"," expr} ) ")"
//	            | ["NOT"] ("LIKE" | "ILIKE") concat [ "ESCAPE" concat ]
//	            | cmp_op ("ANY" | "SOME" | "ALL") "(" query ")"
//	            | cmp_op concat ] .                      (at most one per level: a = b = c is an error)
//	cmp_op      = "=" | "!=" | "<>" | "<" | "<=" | ">" | ">=" .
//	concat      = additive { "||" additive } .
//	additive    = mult { ("+" | "-") mult } .
//	mult        = unary { ("*" | "/" | "%") unary } .
//	unary       = "-" unary | postfix .
//	postfix     = primary { "::" type } .
//	primary     = number | string | placeholder | "NULL" | "TRUE" | "FALSE"
//	            | "(" expr ")" | "(" query ")"
//	            | "CASE" "WHEN" expr "THEN" expr { "WHEN" expr "THEN" expr } [ "ELSE" expr ] "END"
//	            | "CAST" "(" expr "AS" type ")" | "EXISTS" "(" query ")"
//	            | "ARRAY" "[" [ expr {"," expr} ] "]"
//	            | ("DATE" | "TIME" | "TIMESTAMP" | "TIMESTAMPTZ") string
//	            | "CURRENT_DATE" | "CURRENT_TIME" | "CURRENT_TIMESTAMP" | "LOCALTIMESTAMP"
//	            | call | ident { "." word } .
//	call        = name "(" [ ["DISTINCT" | "ALL"] ( "*" | expr {"," expr} )
//	              [ "ORDER" "BY" order_item {"," order_item} ] ] ")"
//	            | "EXTRACT" "(" word "FROM" expr ")" | "POSITION" "(" concat "IN" concat ")"
//	            | "SUBSTRING" "(" expr [ "FROM" expr ] [ "FOR" expr ] ")" .
//
// COUNT, SUM, AVG, MIN and MAX take * or one (possibly qualified) column,
// and only COUNT takes DISTINCT (SPEC §4.3). Simple CASE, IS [NOT]
// TRUE/FALSE and IS [NOT] DISTINCT FROM are not supported.
//
// # Errors
//
// Every error is a *SyntaxError{Pos, Msg} matching ErrSyntax; Msg is the
// user-facing text (the SQL command adds "Execution Error: "). Texts:
// "Empty SQL query"; "Expected 'X', found 'tok'" / "found end of input" when
// one keyword or symbol is required; "Unexpected token 'tok' after end of
// statement"; the fixed texts of SPEC §4.3 (subquery alias, DISTINCT only
// with COUNT, complex aggregate arguments, INSERT column/value mismatch,
// ORDER BY/LIMIT/OFFSET on a set operand, "Unsupported data type: X",
// "Unsupported SQL command: X", one CTE under RECURSIVE) and of SPEC §5.3
// (savepoint statements without a name); otherwise "syntax error at
// position N near "tok"" (or "near end of input"). Unsupported-feature
// errors also match ErrUnsupported; nesting deeper than MaxDepth matches
// ErrTooDeep.
//
// # Caveats
//
// Expr.String follows SPEC §4.8 and prints no parentheses, so it names
// columns but is not SQL; ast.SQL renders SQL that parses back to the same
// tree, and ast.Dump shows the tree. Parenthesised set
// operands, JOIN … USING, NATURAL joins, window functions and quoted
// identifiers are not part of the dialect.
package parser
