/*
 * Stand-in for the _cgo_export.h that cgo generates, so that ffi/helpers.c can be built
 * without Go and checked under valgrind on its own (TestCHelpers): the public types come
 * from include/memflux.h, the helper prototypes are those of exports.go's preamble.
 */
#include <stddef.h>
#include <stdint.h>

#include "memflux.h"

void *mf_handle_ptr(uintptr_t v);
void mf_set_last_error(const char *msg, size_t n);
const char *mf_last_error(void);
void mf_response_free(FFIResponse *r);
FFIResponse *mf_response_new(int type, int64_t integer, const char *str, size_t str_len,
                             const char *data, size_t data_len);
FFIResponse *mf_response_multi(size_t count, const char *data, const size_t *lens,
                               const unsigned char *nulls);
