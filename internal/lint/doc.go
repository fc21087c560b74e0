// Package lint holds repository rules written as tests: the layering of DESIGN.md and
// the ban on raw sync/atomic functions (STYLE.md items 2 and 17).
package lint
