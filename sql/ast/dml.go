package ast

// Insert is INSERT INTO table [(cols)] (VALUES … | query) [ON CONFLICT …]
// [RETURNING …]. Exactly one of Values and Query is set.
type Insert struct {
	Table      *TableName // Alias set only for INSERT INTO t AS a
	Columns    []string   // nil: the schema's column order
	Values     [][]Expr
	Query      *Select
	OnConflict *OnConflict
	Returning  []SelectItem // nil: no RETURNING clause
	Pos        int
}

// OnConflict is ON CONFLICT [(cols)] DO NOTHING | DO UPDATE SET … [WHERE …].
type OnConflict struct {
	Columns  []string // nil: no conflict target
	DoUpdate bool     // false: DO NOTHING
	Set      []Assignment
	Where    Expr
	Pos      int
}

// Assignment is col = value in SET lists.
type Assignment struct {
	Column string
	Value  Expr
	Pos    int
}

// Update is UPDATE table SET … [FROM …] [WHERE …] [RETURNING …].
type Update struct {
	Table     *TableName
	Set       []Assignment
	From      []TableExpr
	Where     Expr
	Returning []SelectItem
	Pos       int
}

// Delete is DELETE FROM table [USING …] [WHERE …] [RETURNING …].
type Delete struct {
	Table     *TableName
	Using     []TableExpr
	Where     Expr
	Returning []SelectItem
	Pos       int
}

func (*Insert) node()     {}
func (*OnConflict) node() {}
func (*Update) node()     {}
func (*Delete) node()     {}

func (*Insert) stmtNode() {}
func (*Update) stmtNode() {}
func (*Delete) stmtNode() {}
