package sql

import (
	"github.com/memflux/memflux/sql/ast"
	"github.com/memflux/memflux/sql/catalog"
	"github.com/memflux/memflux/sql/plan"
	"github.com/memflux/memflux/sql/sem"
)

// This file dispatches the DDL statements (SPEC §4.14) and runs the small
// ones: views and schemas. DDL is transactional (issue 6): its catalog
// writes go through the statement's transaction like any other write.

// execDDL runs a DDL statement; it replies +OK.
func (e *Engine) execDDL(s *stmt, st ast.Statement) (Result, error) {
	var err error
	switch st := st.(type) {
	case *ast.CreateTable:
		err = s.createTable(st)
	case *ast.DropTable:
		err = s.dropTable(st)
	case *ast.AlterTable:
		err = s.alterTable(st)
	case *ast.CreateView:
		err = s.createView(st)
	case *ast.DropView:
		err = s.dropView(st)
	case *ast.CreateSchema:
		err = s.createSchema(st)
	default:
		err = sem.Errorf(sem.ErrUnsupported, "%s statements are not supported yet", statementName(st))
	}
	if err != nil {
		return Result{}, err
	}
	return Result{Kind: ResultOK}, nil
}

// createView runs CREATE VIEW: the name must be free among views and
// tables, and the query must plan.
func (s *stmt) createView(cv *ast.CreateView) error {
	name := cv.Name.FullName()
	if v, _ := s.cat.View(name); v != nil || s.tableExists(name) {
		return sem.Errorf(sem.ErrPlan, "View or table with name '%s' already exists", name)
	}
	if cv.Name.Schema != "" && !s.cat.SchemaExists(cv.Name.Schema) {
		return sem.Errorf(sem.ErrPlan, "Schema '%s' does not exist", cv.Name.Schema)
	}
	p := &plan.Planner{Cat: s.cat}
	if _, err := p.PlanQuery(cv.Query); err != nil {
		return err
	}
	text := cv.Text
	if text == "" {
		text = ast.SQL(cv.Query)
	}
	catalog.PutView(s.tx, name, catalog.EncodeView(name, cv.Columns, text))
	return nil
}

// dropView runs DROP VIEW [IF EXISTS].
func (s *stmt) dropView(dv *ast.DropView) error {
	name := dv.Name.FullName()
	if !catalog.DeleteView(s.tx, name) && !dv.IfExists {
		return sem.Errorf(sem.ErrPlan, "View '%s' does not exist", name)
	}
	return nil
}

// createSchema runs CREATE SCHEMA [IF NOT EXISTS].
func (s *stmt) createSchema(cs *ast.CreateSchema) error {
	if s.cat.SchemaExists(cs.Name) {
		if cs.IfNotExists {
			return nil
		}
		return sem.Errorf(sem.ErrPlan, "Schema '%s' already exists", cs.Name)
	}
	catalog.PutSchemaName(s.tx, cs.Name)
	return nil
}
