package sql

import "github.com/memflux/memflux/sql/sem"

// Error is the error type of the engine; see package sem.
type Error = sem.Error

// Error kinds, matched with errors.Is.
var (
	ErrSyntax         = sem.ErrSyntax
	ErrUnsupported    = sem.ErrUnsupported
	ErrPlan           = sem.ErrPlan
	ErrDivisionByZero = sem.ErrDivisionByZero
	ErrCast           = sem.ErrCast
	ErrConstraint     = sem.ErrConstraint
	ErrExec           = sem.ErrExec
	ErrLimit          = sem.ErrLimit
	ErrInternal       = sem.ErrInternal
)
