package sql

import (
	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/sql/exec"
	"github.com/memflux/memflux/sql/sem"
)

// This file checks the constraints of SPEC §4.15 step 4 on a new or updated
// document, in the SPEC's order: NOT NULL, CHECK, UNIQUE, FOREIGN KEY (the
// key conflict comes last, in the callers).

// checkNotNull fails when a non-nullable column (name order) is absent or
// null.
func (s *stmt) checkNotNull(ti *tableInfo, doc string) error {
	for _, col := range ti.notNull {
		if raw, ok := jsondoc.Lookup(doc, col); !ok || raw == "null" {
			return sem.Errorf(sem.ErrConstraint, "NULL value in column '%s' violates not-null constraint", col)
		}
	}
	return nil
}

// checkChecks evaluates every CHECK against {<table>: doc}: the result
// must be true; NULL fails, unlike PostgreSQL.
func (s *stmt) checkChecks(ti *tableInfo, key, doc string) error {
	if len(ti.checks) == 0 {
		return nil
	}
	// The statement's scratch frame: nothing keeps the frame or its row
	// after a check returns.
	s.chkSlot[0] = exec.Slot{Doc: doc, Key: key, Pre: len(ti.name) + 1}
	s.chkRow = exec.Row{Slots: s.chkSlot[:]}
	s.chk = exec.Frame{Row: &s.chkRow, Ctx: s.tableCtx(ti)}
	f := &s.chk
	for _, chk := range ti.checks {
		v, err := chk(f)
		if err != nil {
			return err
		}
		if !sem.IsTrue(v) {
			return errCheckFailed(ti.name)
		}
	}
	return nil
}

func errCheckFailed(table string) error {
	return sem.Errorf(sem.ErrConstraint, "CHECK constraint failed for table '%s'", table)
}

// checkRowBasics runs NOT NULL then CHECK.
func (s *stmt) checkRowBasics(ti *tableInfo, key, doc string) error {
	if err := s.checkNotNull(ti, doc); err != nil {
		return err
	}
	return s.checkChecks(ti, key, doc)
}

// uniqueRaw returns the raw value of a UNIQUE column in doc, "" when it is
// absent or null (NULLs never conflict).
func uniqueRaw(doc, col string) string {
	raw, ok := jsondoc.Lookup(doc, col)
	if !ok || raw == "null" {
		return ""
	}
	return raw
}

// uniqueConflict returns the key of another row (not self) of ti holding
// the same non-NULL value as doc in the UNIQUE column u, if any.
func (s *stmt) uniqueConflict(ti *tableInfo, u uniqueCons, self, doc string) (string, bool, error) {
	raw := uniqueRaw(doc, u.col)
	if raw == "" {
		return "", false, nil
	}
	return s.uniqueSet(ti, u.col).holder(raw, self)
}

func errUnique(u uniqueCons) error {
	return sem.Errorf(sem.ErrConstraint, "UNIQUE constraint '%s' failed for column '%s'", u.index, u.col)
}

// checkUniques fails on the first UNIQUE column whose value another row
// holds. old is the row's previous document ("" for an insert): a column
// whose value did not change is not re-checked.
func (s *stmt) checkUniques(ti *tableInfo, self, old, doc string) error {
	for _, u := range ti.uniques {
		if old != "" && uniqueRaw(old, u.col) == uniqueRaw(doc, u.col) {
			continue
		}
		if _, found, err := s.uniqueConflict(ti, u, self, doc); err != nil {
			return err
		} else if found {
			return errUnique(u)
		}
	}
	return nil
}

// checkRow runs every check of SPEC §4.15 step 4 on the new document doc
// of row key (old is its previous document, "" for an insert).
func (s *stmt) checkRow(ti *tableInfo, key, old, doc string) error {
	if ti.schema == nil {
		return nil
	}
	if err := s.checkRowBasics(ti, key, doc); err != nil {
		return err
	}
	if err := s.checkUniques(ti, key, old, doc); err != nil {
		return err
	}
	return s.checkForeignKeys(ti, old, doc)
}

func errKeyExists(key string) error {
	return sem.Errorf(sem.ErrConstraint, "PRIMARY KEY constraint failed. Key '%s' already exists.", key)
}
