// Package cmdline splits MemFlux command strings into argument vectors, the way
// memflux_exec in the C library (SPEC §9.2) and the database/sql driver do.
//
// # Rules
//
// The rules are those of POSIX shell words as implemented by Rust's shlex crate, which the
// original library used:
//
//   - only space, tab and LF separate words; CR is an ordinary character;
//   - single quotes are literal up to the next single quote;
//   - inside double quotes a backslash escapes only $, backquote, ", \ and newline (a
//     backslash-newline pair disappears); any other backslash pair is kept as both
//     characters;
//   - outside quotes a backslash makes the next character literal, and a backslash-newline
//     pair disappears (line continuation); a trailing backslash is an error;
//   - a # where a word would start begins a comment that runs to the end of the line;
//   - quoted and unquoted parts next to each other form one word (a'b'"c" is abc).
//
// Unbalanced quotes and a trailing backslash are errors (ErrSyntax). The output of
// Python's shlex.join / shlex.quote (single-quote wrapping with the '"'"' idiom) splits
// back into the original words.
//
// # Concurrency
//
// Split is safe for concurrent use. A Splitter is not: it reuses its buffers, so give each
// goroutine its own.
package cmdline
