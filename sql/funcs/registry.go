package funcs

import (
	"fmt"
	"time"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/sql/sem"
)

// Context is what functions need from the running statement.
type Context interface {
	// Now is the start time of the current transaction (NOW()).
	Now() time.Time
}

// Scalar describes one scalar function.
type Scalar struct {
	Name    string
	MinArgs int
	MaxArgs int // -1: variadic
	// Stable functions (NOW and friends) depend on the transaction and are
	// never folded at plan time.
	Stable bool
	Fn     func(c Context, args []jsondoc.Value) (jsondoc.Value, error)
}

// scalars is the registry, filled by init functions and read-only after.
var scalars = map[string]*Scalar{}

func register(fs ...*Scalar) {
	for _, f := range fs {
		if _, dup := scalars[f.Name]; dup {
			panic("funcs: " + f.Name + " registered twice")
		}
		scalars[f.Name] = f
	}
}

// Lookup returns the scalar function with the given upper-case name.
func Lookup(name string) (*Scalar, bool) {
	f, ok := scalars[name]
	return f, ok
}

// aggregates names the aggregate functions.
var aggregates = map[string]bool{
	"COUNT": true, "SUM": true, "AVG": true, "MIN": true, "MAX": true,
	"STRING_AGG": true, "ARRAY_AGG": true,
}

// IsAggregate reports whether name (upper case) is an aggregate function.
func IsAggregate(name string) bool { return aggregates[name] }

// Exists reports whether name (upper case) is a known function: scalar,
// aggregate, or one of the internal names of SPEC §4.17.
func Exists(name string) bool {
	_, ok := scalars[name]
	return ok || aggregates[name]
}

// CheckArity returns the error for a call of f with n arguments, or nil.
func (f *Scalar) CheckArity(n int) error {
	if n >= f.MinArgs && (f.MaxArgs < 0 || n <= f.MaxArgs) {
		return nil
	}
	var want string
	switch {
	case f.MaxArgs < 0:
		want = fmt.Sprintf("at least %d %s", f.MinArgs, plural(f.MinArgs))
	case f.MinArgs == f.MaxArgs:
		want = fmt.Sprintf("exactly %d %s", f.MinArgs, plural(f.MinArgs))
	default:
		want = fmt.Sprintf("%d to %d arguments", f.MinArgs, f.MaxArgs)
	}
	return sem.Errorf(sem.ErrPlan, "Function '%s' takes %s, got %d", f.Name, want, n)
}

func plural(n int) string {
	if n == 1 {
		return "argument"
	}
	return "arguments"
}

// CheckAggregateArity validates the argument count of an aggregate call.
func CheckAggregateArity(name string, n int, star bool) error {
	switch name {
	case "COUNT":
		if star || n == 1 {
			return nil
		}
	case "STRING_AGG":
		if n == 2 {
			return nil
		}
	default:
		if n == 1 {
			return nil
		}
	}
	return sem.Errorf(sem.ErrPlan, "Wrong number of arguments for aggregate function %s", name)
}
