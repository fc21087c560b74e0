package ast

// Begin is BEGIN [TRANSACTION | WORK] or START TRANSACTION.
type Begin struct{ Pos int }

// Commit is COMMIT [TRANSACTION | WORK] or END [TRANSACTION | WORK].
type Commit struct{ Pos int }

// Rollback is ROLLBACK [TRANSACTION | WORK] (the whole transaction).
type Rollback struct{ Pos int }

// Savepoint is SAVEPOINT name.
type Savepoint struct {
	Name string
	Pos  int
}

// RollbackTo is ROLLBACK [TRANSACTION | WORK] TO [SAVEPOINT] name.
type RollbackTo struct {
	Name string
	Pos  int
}

// Release is RELEASE [SAVEPOINT] name.
type Release struct {
	Name string
	Pos  int
}

// Explain is EXPLAIN statement (SELECT, INSERT, UPDATE or DELETE).
type Explain struct {
	Stmt Statement
	Pos  int
}

func (*Begin) node()      {}
func (*Commit) node()     {}
func (*Rollback) node()   {}
func (*Savepoint) node()  {}
func (*RollbackTo) node() {}
func (*Release) node()    {}
func (*Explain) node()    {}

func (*Begin) stmtNode()      {}
func (*Commit) stmtNode()     {}
func (*Rollback) stmtNode()   {}
func (*Savepoint) stmtNode()  {}
func (*RollbackTo) stmtNode() {}
func (*Release) stmtNode()    {}
func (*Explain) stmtNode()    {}
