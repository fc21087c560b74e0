// helpers.c: the C side of libmemflux.so that Go cannot do without a cgo call per
// buffer: building FFIResponse structs in malloc'ed memory in one call, freeing them, the
// thread-local last error, and turning handle integers into void*. None of these symbols
// is exported from the shared library (hidden visibility).

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "_cgo_export.h"

void *mf_handle_ptr(uintptr_t v) { return (void *)v; }

/* ---- last error: one malloc'ed string per thread, freed when the thread exits ---- */

static pthread_key_t mf_err_key;
static pthread_once_t mf_err_once = PTHREAD_ONCE_INIT;
static int mf_err_ok;

static void mf_err_init(void) { mf_err_ok = pthread_key_create(&mf_err_key, free) == 0; }

void mf_set_last_error(const char *msg, size_t n) {
    pthread_once(&mf_err_once, mf_err_init);
    if (!mf_err_ok) {
        return;
    }
    char *old = pthread_getspecific(mf_err_key);
    if (old == NULL && msg == NULL) {
        return;
    }
    char *s = NULL;
    if (msg != NULL) {
        s = malloc(n + 1);
        if (s != NULL) {
            memcpy(s, msg, n);
            s[n] = '\0';
        }
    }
    pthread_setspecific(mf_err_key, s);
    free(old);
}

const char *mf_last_error(void) {
    pthread_once(&mf_err_once, mf_err_init);
    const char *s = mf_err_ok ? pthread_getspecific(mf_err_key) : NULL;
    return s != NULL ? s : "";
}

/* ---- responses: the struct and every buffer are separate malloc blocks ---- */

void mf_response_free(FFIResponse *r) {
    if (r == NULL) {
        return;
    }
    free(r->string_value);
    free(r->bytes_value);
    if (r->multi_bytes_value != NULL) {
        for (size_t i = 0; i < r->multi_bytes_count; i++) {
            free(r->multi_bytes_value[i]);
        }
    }
    free(r->multi_bytes_value);
    free(r->multi_bytes_lens);
    free(r);
}

FFIResponse *mf_response_new(int type, int64_t integer, const char *str, size_t str_len,
                             const char *data, size_t data_len) {
    FFIResponse *r = calloc(1, sizeof *r);
    if (r == NULL) {
        return NULL;
    }
    r->response_type = type;
    r->integer_value = integer;
    if (type == SIMPLE_STRING || type == ERROR) {
        r->string_value = malloc(str_len + 1);
        if (r->string_value == NULL) {
            free(r);
            return NULL;
        }
        if (str_len > 0) {
            memcpy(r->string_value, str, str_len);
        }
        r->string_value[str_len] = '\0';
    }
    if (type == BYTES && data_len > 0) {
        r->bytes_value = malloc(data_len);
        if (r->bytes_value == NULL) {
            free(r);
            return NULL;
        }
        memcpy(r->bytes_value, data, data_len);
        r->bytes_len = data_len;
    }
    return r;
}

FFIResponse *mf_response_multi(size_t count, const char *data, const size_t *lens,
                               const unsigned char *nulls) {
    FFIResponse *r = calloc(1, sizeof *r);
    if (r == NULL) {
        return NULL;
    }
    r->response_type = MULTI_BYTES;
    if (count == 0) {
        return r;
    }
    r->multi_bytes_value = calloc(count, sizeof(char *));
    r->multi_bytes_lens = malloc(count * sizeof(size_t));
    if (r->multi_bytes_value == NULL || r->multi_bytes_lens == NULL) {
        mf_response_free(r);
        return NULL;
    }
    r->multi_bytes_count = count;
    size_t off = 0;
    for (size_t i = 0; i < count; i++) {
        r->multi_bytes_lens[i] = lens[i];
        if (nulls != NULL && nulls[i]) {
            continue; /* a nil element: NULL pointer, length 0 */
        }
        /* malloc(1) for an empty item keeps it distinct from a nil one */
        char *item = malloc(lens[i] > 0 ? lens[i] : 1);
        if (item == NULL) {
            mf_response_free(r);
            return NULL;
        }
        if (lens[i] > 0) {
            memcpy(item, data + off, lens[i]);
        }
        r->multi_bytes_value[i] = item;
        off += lens[i];
    }
    return r;
}
