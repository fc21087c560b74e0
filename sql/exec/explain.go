package exec

import (
	"fmt"
	"strings"
)

// Explainer collects the lines of EXPLAIN: one line per operator, children
// indented by two spaces and introduced by "-> ", as PostgreSQL does.
type Explainer struct {
	lines []string
	depth int
}

// Line adds a line for the current operator.
func (e *Explainer) Line(format string, args ...any) {
	text := fmt.Sprintf(format, args...)
	if e.depth > 0 {
		text = strings.Repeat("  ", e.depth-1) + "-> " + text
	}
	e.lines = append(e.lines, text)
}

// Detail adds an indented detail line (a filter, a sort key) of the current
// operator.
func (e *Explainer) Detail(format string, args ...any) {
	text := fmt.Sprintf(format, args...)
	e.lines = append(e.lines, strings.Repeat("  ", e.depth+1)+text)
}

// Child explains an input of the current operator.
func (e *Explainer) Child(n Node) {
	if n == nil {
		return
	}
	e.depth++
	n.Explain(e)
	e.depth--
}

// Lines returns the collected lines.
func (e *Explainer) Lines() []string { return e.lines }

// Explain returns the EXPLAIN lines of a plan.
func Explain(n Node) []string {
	var e Explainer
	n.Explain(&e)
	return e.Lines()
}
