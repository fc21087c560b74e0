package jsondoc

import "errors"

// Errors returned by this package. Compare them with errors.Is.
//
// ErrInvalid, ErrPathNotObject and ErrMissingKey are user-visible: their texts are fixed by
// SPEC.md (§2.2, §3.1, §3.2) and reach clients verbatim, which is why they break the usual
// "lowercase, package-prefixed" rule for error strings.
var (
	// ErrInvalid is returned by Normalize and Parse for input that is not a single valid
	// JSON value under the strict rules described in the package documentation: syntax
	// errors, invalid UTF-8, lone surrogate escapes, numbers that overflow float64 and
	// nesting deeper than 512 levels. Set also returns it when doc is not well-formed
	// canonical text. It is the error of JSON.SET with a bad value.
	ErrInvalid = errors.New("Value is not valid JSON")

	// ErrPathNotObject is returned by Set when a path segment is reached where the current
	// value is neither an object nor an array holding the indexed element (for example
	// `tags.7` on a three-element array, or `age.x` where age is a number).
	//lint:ignore ST1005 the text is fixed by SPEC.md (see above)
	ErrPathNotObject = errors.New("Path creation failed: part is not an object")

	// ErrMissingKey is returned by SplitKeyPath when the key part (before the first '.') is
	// empty.
	//lint:ignore ST1005 the text is fixed by SPEC.md (see above)
	ErrMissingKey = errors.New("Invalid path: missing key")

	// ErrTooDeep is returned by Set when the document it would produce nests arrays and
	// objects deeper than the 512 levels Normalize and Parse accept.
	ErrTooDeep = errors.New("jsondoc: document nesting deeper than 512 levels")
)
