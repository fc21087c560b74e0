/*
 * memflux.h — the C ABI of libmemflux.so, the embedded MemFlux database.
 *
 * This header is the contract of SPEC.md §9 (x86-64 Linux). It is byte-compatible with the
 * original MemFlux library: the same function names, struct layout and enum values, so
 * existing programs and wrappers keep working. Two functions are added:
 * memflux_exec_argv (binary-safe argument vectors) and memflux_last_error.
 *
 * Build the library with:
 *     go build -buildmode=c-shared -o libmemflux.so ./ffi
 * and link a program with:
 *     cc -I include prog.c -L . -lmemflux -Wl,-rpath,'$ORIGIN'
 *
 * Threads: every function may be called from any thread. A database handle may be shared
 * by threads; a cursor is a session with its own transaction, so give each thread its own
 * cursor (calls on one cursor from several threads are serialized, never corrupted).
 *
 * Handles are opaque tokens, never pointers into memory you may read. They are validated:
 * passing a closed or unknown handle returns NULL or an ERROR response, it never crashes.
 * Handle values are never reused within a process.
 */
#ifndef MEMFLUX_H
#define MEMFLUX_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* FFIResponseType: the value of FFIResponse.response_type (a C int). */
enum {
    OK = 0,            /* never produced: success is SIMPLE_STRING "OK" (clients treat both alike) */
    SIMPLE_STRING = 1, /* string_value: status text such as "OK" or "PONG" */
    BYTES = 2,         /* bytes_value / bytes_len: a binary-safe string */
    MULTI_BYTES = 3,   /* multi_bytes_value / multi_bytes_lens / multi_bytes_count */
    INTEGER = 4,       /* integer_value */
    NIL = 5,           /* no value (missing key, nil array) */
    ERROR = 6          /* string_value: the message, without any "ERR " prefix */
};

/*
 * FFIResponse is the result of one command, 64 bytes. Fields the response type does not use
 * are zero / NULL.
 *
 * Replies map to types as follows: OK -> SIMPLE_STRING "OK"; status -> SIMPLE_STRING; bulk
 * string, verbatim text and float -> BYTES (a float as its decimal text); integer ->
 * INTEGER; nil and nil array -> NIL; array -> MULTI_BYTES; map -> MULTI_BYTES of alternating
 * keys and values; error -> ERROR.
 *
 * MULTI_BYTES items: a bulk, status or verbatim element is its bytes, an integer or float
 * element its decimal text, a nil element a NULL item pointer with length 0 (an empty
 * string is a non-NULL pointer with length 0), and a nested array or map a JSON text (an
 * array, or an object when every key is a string; bytes that are not UTF-8 are replaced by
 * U+FFFD there). Both array pointers are NULL when the count is 0.
 *
 * Ownership: the struct and every buffer it points to are allocated with malloc by the
 * library, each separately. Release all of them with exactly one memflux_response_free.
 * To keep a buffer, copy it, or take it over by setting its field to NULL before
 * memflux_response_free and free() it yourself later.
 */
typedef struct {
    int       response_type;      /* offset 0 (4 bytes + 4 padding) */
    char     *string_value;       /* 8  : NUL-terminated, SIMPLE_STRING and ERROR       */
    char     *bytes_value;        /* 16 : BYTES payload; NULL when the length is 0       */
    size_t    bytes_len;          /* 24 */
    char    **multi_bytes_value;  /* 32 : MULTI_BYTES item pointers; NULL when count 0   */
    size_t   *multi_bytes_lens;   /* 40 : parallel item lengths;    NULL when count 0   */
    size_t    multi_bytes_count;  /* 48 */
    int64_t   integer_value;      /* 56 : INTEGER */
} FFIResponse;                    /* 64 bytes */

/*
 * memflux_open opens a database configured by a JSON object (SPEC §9.3): persistence,
 * wal_file, wal_overflow_file, snapshot_file, snapshot_temp_file, wal_size_threshold_mb,
 * maxmemory_mb, eviction_policy, isolation_level, durability. Missing keys take their
 * defaults (persistence on, files in the working directory); unknown keys are ignored, so a
 * server config.json can be passed as is. NULL or "" means "{}". On persistence it loads the
 * snapshot and replays the WAL. Returns NULL on any failure (invalid JSON, a wrong type, a
 * bad enum spelling such as "LRU", an I/O error, WAL files that a database of this process
 * already has open); memflux_last_error then says why.
 */
void *memflux_open(const char *config_json);

/*
 * memflux_close closes every cursor still open on db (rolling back their transactions),
 * flushes and closes the files, and invalidates db. After it, memflux_open may open the same
 * files again in the same process. NULL-safe; an unknown handle is ignored. If flushing
 * fails, memflux_last_error says why.
 */
void memflux_close(void *db);

/*
 * memflux_cursor_open opens a cursor: a session with its own transaction context
 * (BEGIN ... COMMIT). Returns NULL if db is NULL, closed or unknown (memflux_last_error
 * says which).
 */
void *memflux_cursor_open(void *db);

/* memflux_cursor_close rolls back the cursor's open transaction and frees it. NULL-safe. */
void memflux_cursor_close(void *cursor);

/*
 * memflux_exec runs one command written as a string. The string must be UTF-8 (else ERROR
 * "Invalid UTF-8 in command string"); it is split into words with POSIX shell rules (Rust
 * shlex semantics, SPEC §9.2: 'single' and "double" quotes, backslash escapes, # comments;
 * only space, tab and LF separate words). Unbalanced quotes -> ERROR "Invalid command string";
 * no words -> ERROR "Empty command string". The first word is the command name (any case).
 *
 * Returns NULL only if db or cursor is NULL (or if the response cannot be allocated;
 * memflux_last_error then says "Out of memory"). A closed or unknown handle, or a cursor of
 * another database, gives an ERROR response. Free the result with memflux_response_free.
 */
FFIResponse *memflux_exec(void *db, void *cursor, const char *command);

/*
 * memflux_exec_argv runs one command given as an argument vector, with no quoting or
 * splitting: argv[0] is the command name, argv[i] points to lens[i] bytes (binary-safe, NUL
 * bytes allowed). If lens is NULL every argv[i] is a NUL-terminated string. argv[i] may be
 * NULL only when lens[i] is 0. Prefer it to memflux_exec in new code: values never need
 * quoting. SQL with parameters: argv = {"SQL.EXEC", "SELECT * FROM t WHERE a = $1", "42"},
 * each parameter being a JSON text. Returns NULL only if db or cursor is NULL.
 */
FFIResponse *memflux_exec_argv(void *db, void *cursor, int argc, const char **argv,
                               const size_t *lens);

/* memflux_response_free frees the struct and all buffers it owns. NULL-safe. */
void memflux_response_free(FFIResponse *r);

/*
 * memflux_last_error returns the reason for the calling thread's last failure: a
 * memflux_open or memflux_cursor_open that returned NULL, a memflux_exec(_argv) that
 * returned NULL or an ERROR response, or a memflux_close that could not flush. Those calls
 * reset it to "" when they succeed. The error is kept per thread, so threads never see each
 * other's. The string is owned by the library and stays valid until the thread's next call
 * of one of those functions; it is never NULL.
 */
const char *memflux_last_error(void);

#ifdef __cplusplus
}
#endif

#endif /* MEMFLUX_H */
