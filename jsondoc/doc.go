// Package jsondoc stores, reads and edits JSON documents as canonical compact text.
//
// MemFlux keeps every JSON document as a Go string holding its canonical text (defined
// below), so that returning a whole document (JSON.GET, GET) costs nothing, equal
// documents are equal strings, and the SQL engine can pull single fields straight out of
// the text without decoding the rest.
//
// # Canonical form
//
// The canonical text of a value is exactly what Rust's serde_json prints for it (the
// original MemFlux was written against serde_json; SPEC.md §3.3):
//
//   - Compact: no whitespace anywhere outside strings.
//   - Object members are sorted by key, byte-wise ascending on the decoded (UTF-8) key,
//     at every level. When the input repeats a key, the last occurrence wins.
//   - Integers, written without fraction or exponent, stay integers when they fit int64
//     or uint64 (-9223372036854775808 … 18446744073709551615) and are printed in plain
//     decimal. Larger magnitudes become float64. The literal -0 is the float -0.0.
//   - Every other number (with a fraction or exponent) is a float64, printed in the
//     shortest form that reads back to the same float64, laid out as described below.
//   - Strings escape '"' as \", '\' as \\, and control characters below 0x20 as \b \f \n
//     \r \t or \u00XX (lowercase hex). Everything else, including '/', DEL and all
//     non-ASCII text, is written as raw UTF-8 ("é", not "\u00e9").
//
// Floats are laid out like the ryu crate (which serde_json uses) does it. With the
// shortest round-trip digits d (n of them) and the decimal exponent k such that
// value = d × 10^k, and kk = n + k, the first matching rule applies:
//
//	0 <= k and kk <= 16   digits, k zeros, ".0"           1e3 → 1000.0, 15 → 15.0
//	0 < kk <= 16          digits with "." inserted         20.5, 123.45
//	-5 < kk <= 0          "0.", -kk zeros, digits          0.001234, 0.00001
//	n == 1                d "e" kk-1                       1e20, 1e16, 1e-7
//	otherwise             d[0] "." d[1:] "e" kk-1          1.5e-7, 1.234e33
//
// Negative numbers get a leading "-" (-0.5, -0.0). NaN and ±Inf cannot be written in
// JSON: FormatFloat renders them as null and Float returns Null for them. Input numbers
// that overflow float64 (1e400) are rejected, as serde_json does; numbers that underflow
// become 0.0.
//
// # Input rules
//
// Normalize and Parse accept exactly one RFC 8259 value surrounded by optional whitespace
// (space, tab, CR, LF): no comments, trailing commas, NaN/Infinity, leading zeros, '+'
// signs or single quotes, and nothing after the value. Strings must be valid UTF-8;
// \uXXXX escapes are decoded, surrogate pairs combined, and lone surrogates rejected.
// Arrays and objects may nest at most 512 levels deep; deeper input is an error, never a
// stack overflow. Compared with encoding/json's json.Valid the documented differences
// are: invalid UTF-8, lone surrogate escapes, float64 overflow and nesting beyond 512
// are rejected here and accepted there. Duplicate keys are accepted by both (last wins).
//
// # API families
//
//   - Normalize validates and canonicalizes input text in a single pass without building
//     a tree (JSON.SET).
//   - Value is an immutable tree for the SQL engine, built with the constructors (Null,
//     Bool, Int, Uint, Float, String, Array, Object), by Parse from any text, or by Decode
//     from canonical text. Value.Append writes canonical text; Equal is JSON equality.
//   - Lookup, LookupPath, Get, Unquote and Decode read fields of canonical text without
//     decoding the rest of the document (the SQL scan path).
//   - SplitKeyPath, Set and Delete implement JSON.SET / JSON.GET / JSON.DEL paths
//     (SPEC.md §3.1, §3.2) by splicing canonical text.
//   - Quote, FormatFloat and ParseNumber are the string and number helpers shared with
//     the SQL engine.
//
// # Allocation
//
// Normalize allocates only its result string (scratch buffers come from a sync.Pool).
// Lookup, LookupPath, Get and Unquote of a string without escapes never allocate: they
// return substrings of their input. Set and Delete allocate the new document once.
// Parse allocates one slice per non-empty array or object and one string per string
// literal that contains escapes; strings without escapes are substrings of the input
// text, so a Value keeps its source text alive.
//
// # Concurrency
//
// Every function in the package is safe for concurrent use. Value is immutable and may be
// shared freely between goroutines.
package jsondoc
