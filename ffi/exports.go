package main

/*
#include <stddef.h>
#include <stdint.h>

enum { OK = 0, SIMPLE_STRING = 1, BYTES = 2, MULTI_BYTES = 3, INTEGER = 4, NIL = 5, ERROR = 6 };

typedef struct {
    int       response_type;
    char     *string_value;
    char     *bytes_value;
    size_t    bytes_len;
    char    **multi_bytes_value;
    size_t   *multi_bytes_lens;
    size_t    multi_bytes_count;
    int64_t   integer_value;
} FFIResponse;

// Internal helpers (helpers.c), hidden from the library's exported symbols.
#define MF_HIDDEN __attribute__((visibility("hidden")))
MF_HIDDEN void *mf_handle_ptr(uintptr_t v);
MF_HIDDEN void mf_set_last_error(const char *msg, size_t n);
MF_HIDDEN const char *mf_last_error(void);
MF_HIDDEN void mf_response_free(FFIResponse *r);
MF_HIDDEN FFIResponse *mf_response_new(int type, int64_t integer, const char *str, size_t str_len,
                                       const char *data, size_t data_len);
MF_HIDDEN FFIResponse *mf_response_multi(size_t count, const char *data, const size_t *lens,
                                         const unsigned char *nulls);
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// Compile-time checks that the Go mirror of the ABI matches the C declarations: the
// response type values, the 64-byte struct with its field offsets, and size_t == uint64
// (response.lens is passed to C as size_t*).
var (
	_ = [1]struct{}{}[C.OK-respOK]
	_ = [1]struct{}{}[C.SIMPLE_STRING-respSimple]
	_ = [1]struct{}{}[C.BYTES-respBytes]
	_ = [1]struct{}{}[C.MULTI_BYTES-respMulti]
	_ = [1]struct{}{}[C.INTEGER-respInt]
	_ = [1]struct{}{}[C.NIL-respNil]
	_ = [1]struct{}{}[C.ERROR-respError]
	_ = [1]struct{}{}[unsafe.Sizeof(C.FFIResponse{})-64]
	_ = [1]struct{}{}[unsafe.Offsetof(C.FFIResponse{}.string_value)-8]
	_ = [1]struct{}{}[unsafe.Offsetof(C.FFIResponse{}.bytes_value)-16]
	_ = [1]struct{}{}[unsafe.Offsetof(C.FFIResponse{}.bytes_len)-24]
	_ = [1]struct{}{}[unsafe.Offsetof(C.FFIResponse{}.multi_bytes_value)-32]
	_ = [1]struct{}{}[unsafe.Offsetof(C.FFIResponse{}.multi_bytes_lens)-40]
	_ = [1]struct{}{}[unsafe.Offsetof(C.FFIResponse{}.multi_bytes_count)-48]
	_ = [1]struct{}{}[unsafe.Offsetof(C.FFIResponse{}.integer_value)-56]
	_ = [1]struct{}{}[unsafe.Sizeof(C.size_t(0))-8]
)

//export memflux_open
func memflux_open(config_json *C.char) (db unsafe.Pointer) {
	defer recoverTo(func(err error) { db = nil; setLastError(err) })
	var config []byte
	if config_json != nil {
		config = cBytes(config_json)
	}
	h, err := openDatabase(config)
	if err != nil {
		setLastError(err)
		return nil
	}
	setLastError(nil)
	return C.mf_handle_ptr(C.uintptr_t(h))
}

//export memflux_close
func memflux_close(db unsafe.Pointer) {
	defer recoverTo(setLastError)
	if db == nil {
		return
	}
	setLastError(closeDatabase(uintptr(db)))
}

//export memflux_cursor_open
func memflux_cursor_open(db unsafe.Pointer) (cursor unsafe.Pointer) {
	defer recoverTo(func(err error) { cursor = nil; setLastError(err) })
	if db == nil {
		setLastError(errBadDatabase)
		return nil
	}
	h, err := openCursor(uintptr(db))
	if err != nil {
		setLastError(err)
		return nil
	}
	setLastError(nil)
	return C.mf_handle_ptr(C.uintptr_t(h))
}

//export memflux_cursor_close
func memflux_cursor_close(cursor unsafe.Pointer) {
	defer recoverTo(setLastError)
	if cursor != nil {
		closeCursor(uintptr(cursor))
	}
}

//export memflux_exec
func memflux_exec(db, cursor unsafe.Pointer, command *C.char) (resp *C.FFIResponse) {
	defer recoverTo(func(err error) { resp = errorResponse(err) })
	c, out := lockCursor(db, cursor)
	if c == nil {
		return out
	}
	defer c.mu.Unlock()
	if command == nil {
		return toC(c.failLocked(errEmptyCommand))
	}
	return toC(c.execStringLocked(cBytes(command)))
}

//export memflux_exec_argv
func memflux_exec_argv(db, cursor unsafe.Pointer, argc C.int, argv **C.char, lens *C.size_t) (resp *C.FFIResponse) {
	defer recoverTo(func(err error) { resp = errorResponse(err) })
	c, out := lockCursor(db, cursor)
	if c == nil {
		return out
	}
	defer c.mu.Unlock()
	args, ok := c.copyArgsLocked(int(argc), argv, lens)
	if !ok {
		return toC(c.failLocked(errBadArgv))
	}
	return toC(c.runLocked(args))
}

// lockCursor validates the handles of an exec call and returns their cursor with its
// mutex held; the caller unlocks it. When the handles are bad it returns a nil cursor and
// the result the export must return: NULL for a NULL handle (with the last error set), an
// ERROR response for an unknown one.
func lockCursor(dbp, cp unsafe.Pointer) (*cursor, *C.FFIResponse) {
	if dbp == nil || cp == nil {
		setLastError(nullHandle(dbp))
		return nil, nil
	}
	c, err := lookupCursor(uintptr(dbp), uintptr(cp))
	if err != nil {
		return nil, errorResponse(err)
	}
	c.mu.Lock()
	return c, nil
}

//export memflux_response_free
func memflux_response_free(r *C.FFIResponse) {
	defer recoverTo(setLastError)
	C.mf_response_free(r)
}

//export memflux_last_error
func memflux_last_error() *C.char {
	return C.mf_last_error()
}

// copyArgsLocked copies memflux_exec_argv's arguments into the cursor's scratch buffer. It
// reports false for a negative argc, a NULL argv with argc > 0, or a NULL argument with
// a non-zero length. With lens NULL every argument is NUL-terminated.
// REQUIRES: c.mu held.
func (c *cursor) copyArgsLocked(argc int, argv **C.char, lens *C.size_t) ([][]byte, bool) {
	if argc < 0 || (argc > 0 && argv == nil) {
		return nil, false
	}
	if argc == 0 {
		return nil, true
	}
	ptrs := unsafe.Slice(argv, argc)
	sizes := c.argSizesLocked(argc)
	total := 0
	for i, p := range ptrs {
		switch {
		case lens != nil:
			sizes[i] = int(unsafe.Slice(lens, argc)[i])
		case p != nil:
			sizes[i] = cLen(p)
		}
		if p == nil && sizes[i] != 0 || sizes[i] < 0 {
			return nil, false
		}
		total += sizes[i]
	}
	buf, args := c.argBufferLocked(total, argc)
	off := 0
	for i, p := range ptrs {
		n := sizes[i]
		if n > 0 {
			copy(buf[off:off+n], unsafe.Slice((*byte)(unsafe.Pointer(p)), n))
		}
		args = append(args, buf[off:off+n:off+n])
		off += n
	}
	c.args = args
	return args, true
}

// toC copies a response into a malloc'ed FFIResponse. It returns NULL, with the last
// error set, only when malloc fails.
func toC(r *response) *C.FFIResponse {
	var out *C.FFIResponse
	if r.typ == respMulti {
		var nulls *C.uchar
		if len(r.nulls) > 0 {
			nulls = (*C.uchar)(unsafe.Pointer(&r.nulls[0]))
		}
		out = C.mf_response_multi(C.size_t(r.count), bytePtr(r.data),
			(*C.size_t)(unsafe.Pointer(unsafe.SliceData(r.lens))), nulls)
	} else {
		out = C.mf_response_new(C.int(r.typ), C.int64_t(r.integer),
			(*C.char)(unsafe.Pointer(unsafe.StringData(r.str))), C.size_t(len(r.str)),
			bytePtr(r.data), C.size_t(len(r.data)))
	}
	switch {
	case out == nil:
		setLastError(errOutOfMemory)
	case r.typ == respError:
		setLastErrorText(r.str)
	default:
		setLastError(nil)
	}
	return out
}

// errorResponse returns a malloc'ed ERROR response for err.
func errorResponse(err error) *C.FFIResponse {
	var r response
	r.setError(err.Error())
	return toC(&r)
}

// nullHandle names the NULL handle of a memflux_exec call.
func nullHandle(db unsafe.Pointer) error {
	if db == nil {
		return errBadDatabase
	}
	return errBadCursor
}

// setLastError records err as the calling thread's last error; nil clears it.
func setLastError(err error) {
	if err == nil {
		C.mf_set_last_error(nil, 0)
		return
	}
	setLastErrorText(err.Error())
}

// setLastErrorText records msg as the calling thread's last error.
func setLastErrorText(msg string) {
	C.mf_set_last_error((*C.char)(unsafe.Pointer(unsafe.StringData(msg))), C.size_t(len(msg)))
}

// recoverTo turns a panic into an error passed to report, so that no panic crosses into C
// (it would abort the host process). It must be called directly by defer.
func recoverTo(report func(error)) {
	if p := recover(); p != nil {
		//lint:ignore ST1005 the text reaches C callers verbatim, like the other ABI errors
		report(fmt.Errorf("Internal error: %v", p))
	}
}

// cBytes returns the bytes of a NUL-terminated C string, without copying.
func cBytes(s *C.char) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(s)), cLen(s))
}

// cLen is strlen without a cgo call.
func cLen(s *C.char) int {
	n := 0
	for p := unsafe.Pointer(s); *(*byte)(unsafe.Add(p, n)) != 0; n++ {
	}
	return n
}

// bytePtr returns a C pointer to b's first byte, or NULL when b is empty.
func bytePtr(b []byte) *C.char {
	if len(b) == 0 {
		return nil
	}
	return (*C.char)(unsafe.Pointer(&b[0]))
}
