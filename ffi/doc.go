// Command ffi is libmemflux.so, the embedded MemFlux database as a C library (SPEC §9).
// Build it with
//
//	go build -buildmode=c-shared -o libmemflux.so ./ffi
//
// and use it through include/memflux.h, the hand-written header that documents the ABI
// (the generated libmemflux.h declares the same functions; a test keeps them in step).
//
// # Design
//
// The exported functions (exports.go) are thin shims: they convert C arguments, recover
// panics, and copy results into malloc'ed memory (helpers.c). Everything else is plain Go
// so that tests, which cannot import "C", exercise it directly:
//
//   - handles.go: the handle table. Database and cursor handles are opaque integers shown
//     to C as void*, never Go pointers; they are validated on every call and never reused,
//     so a closed or bogus handle yields an error, not a crash.
//   - library.go: databases (memflux.DB) and cursors (memflux.Session, one transaction
//     context each). Every command goes through Session.Exec: the FFI implements none.
//   - response.go: the mapping of command replies to FFIResponse (SPEC §9.1).
//   - Command strings are split by package driver/cmdline (Rust shlex semantics, §9.2).
//
// # Concurrency
//
// Every export may be called from any thread. The handle table and each database are
// guarded by mutexes; each cursor has a mutex that serializes its commands, so distinct
// cursors run in parallel and misuse of one cursor from two threads is safe. The last error
// is thread-local (a pthread key), so memflux_last_error never reports another thread's
// failure.
package main
