/*
 * helpers_test.c checks ffi/helpers.c (response allocation and release, the thread-local
 * last error) in plain C, without the Go runtime, so that valgrind runs it with no
 * suppression at all. ffi's TestCHelpers builds it with testdata/stub/_cgo_export.h.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "_cgo_export.h"

static int failures;

#define CHECK(cond, what)                                  \
    do {                                                   \
        if (!(cond)) {                                     \
            failures++;                                    \
            printf("FAIL line %d: %s\n", __LINE__, what);  \
        }                                                  \
    } while (0)

static void *thread_errors(void *arg) {
    (void)arg;
    CHECK(strcmp(mf_last_error(), "") == 0, "a new thread starts without an error");
    mf_set_last_error("thread error", 12);
    CHECK(strcmp(mf_last_error(), "thread error") == 0, "thread error kept");
    return NULL; /* the pthread key destructor frees it */
}

int main(void) {
    FFIResponse *r = mf_response_new(SIMPLE_STRING, 0, "OK", 2, NULL, 0);
    CHECK(r && r->response_type == SIMPLE_STRING && strcmp(r->string_value, "OK") == 0, "simple");
    mf_response_free(r);

    r = mf_response_new(ERROR, 0, NULL, 0, NULL, 0);
    CHECK(r && r->string_value && r->string_value[0] == '\0', "empty error text");
    mf_response_free(r);

    r = mf_response_new(BYTES, 0, NULL, 0, "a\0b", 3);
    CHECK(r && r->bytes_len == 3 && memcmp(r->bytes_value, "a\0b", 3) == 0 && !r->string_value,
          "bytes");
    mf_response_free(r);

    r = mf_response_new(BYTES, 0, NULL, 0, NULL, 0);
    CHECK(r && r->bytes_value == NULL && r->bytes_len == 0, "empty bytes");
    mf_response_free(r);

    r = mf_response_new(INTEGER, -42, NULL, 0, NULL, 0);
    CHECK(r && r->integer_value == -42, "integer");
    mf_response_free(r);

    const size_t lens[] = {1, 0, 0, 3};
    const unsigned char nulls[] = {0, 0, 1, 0};
    r = mf_response_multi(4, "abcd", lens, nulls);
    CHECK(r && r->multi_bytes_count == 4, "multi count");
    CHECK(r->multi_bytes_value[0][0] == 'a' && r->multi_bytes_lens[0] == 1, "item 0");
    CHECK(r->multi_bytes_value[1] != NULL && r->multi_bytes_lens[1] == 0, "empty item");
    CHECK(r->multi_bytes_value[2] == NULL, "nil item");
    CHECK(memcmp(r->multi_bytes_value[3], "bcd", 3) == 0, "item 3");
    mf_response_free(r);

    r = mf_response_multi(0, NULL, NULL, NULL);
    CHECK(r && r->multi_bytes_value == NULL && r->multi_bytes_lens == NULL, "empty multi");
    mf_response_free(r);
    mf_response_free(NULL);

    CHECK(strcmp(mf_last_error(), "") == 0, "no error at first");
    mf_set_last_error("first", 5);
    mf_set_last_error("second error", 6);
    CHECK(strcmp(mf_last_error(), "second") == 0, "length honoured");
    pthread_t th;
    pthread_create(&th, NULL, thread_errors, NULL);
    pthread_join(th, NULL);
    CHECK(strcmp(mf_last_error(), "second") == 0, "other thread's error not seen");
    mf_set_last_error(NULL, 0);
    CHECK(strcmp(mf_last_error(), "") == 0, "cleared");
    CHECK(mf_handle_ptr(0x10010) == (void *)0x10010, "handle pointer");

    if (failures == 0) {
        printf("helpers_test: all checks passed\n");
    }
    return failures != 0;
}
