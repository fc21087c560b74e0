/*
 * abi_test.c exercises libmemflux.so through include/memflux.h: open, exec of every
 * response type, exec_argv, free, cursor and database close, reopen in the same process,
 * handle validation, per-thread last error and concurrent cursors. ffi's Go tests compile
 * it with cc and run it (under valgrind when present). Usage: abi_test <data dir>.
 * It prints "FAIL: ..." lines and exits 1 on any failed check.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memflux.h"

_Static_assert(sizeof(FFIResponse) == 64, "FFIResponse is 64 bytes");
_Static_assert(offsetof(FFIResponse, string_value) == 8, "string_value at 8");
_Static_assert(offsetof(FFIResponse, bytes_value) == 16, "bytes_value at 16");
_Static_assert(offsetof(FFIResponse, bytes_len) == 24, "bytes_len at 24");
_Static_assert(offsetof(FFIResponse, multi_bytes_value) == 32, "multi_bytes_value at 32");
_Static_assert(offsetof(FFIResponse, multi_bytes_lens) == 40, "multi_bytes_lens at 40");
_Static_assert(offsetof(FFIResponse, multi_bytes_count) == 48, "multi_bytes_count at 48");
_Static_assert(offsetof(FFIResponse, integer_value) == 56, "integer_value at 56");
_Static_assert(OK == 0 && SIMPLE_STRING == 1 && BYTES == 2 && MULTI_BYTES == 3 &&
                   INTEGER == 4 && NIL == 5 && ERROR == 6,
               "response type values");

static int failures;

#define CHECK(cond, ...)                                   \
    do {                                                   \
        if (!(cond)) {                                     \
            failures++;                                    \
            printf("FAIL line %d: ", __LINE__);            \
            printf(__VA_ARGS__);                           \
            printf("\n");                                  \
        }                                                  \
    } while (0)

/* unused_zero checks that the fields a response type does not use are zero. */
static void unused_zero(const char *what, const FFIResponse *r) {
    int t = r->response_type;
    CHECK(t == SIMPLE_STRING || t == ERROR || r->string_value == NULL, "%s: string_value set", what);
    CHECK(t == BYTES || (r->bytes_value == NULL && r->bytes_len == 0), "%s: bytes set", what);
    CHECK(t == MULTI_BYTES || (r->multi_bytes_value == NULL && r->multi_bytes_lens == NULL &&
                               r->multi_bytes_count == 0),
          "%s: multi set", what);
    CHECK(t == INTEGER || r->integer_value == 0, "%s: integer set", what);
}

/* expect runs cmd and checks the response type and, for strings, the text. */
static FFIResponse *run(void *db, void *cur, const char *cmd, int type) {
    FFIResponse *r = memflux_exec(db, cur, cmd);
    CHECK(r != NULL, "%s: NULL response", cmd);
    if (r == NULL) {
        exit(1);
    }
    CHECK(r->response_type == type, "%s: type %d, want %d (%s)", cmd, r->response_type, type,
          r->string_value ? r->string_value : "");
    unused_zero(cmd, r);
    return r;
}

static void expect_str(void *db, void *cur, const char *cmd, int type, const char *want) {
    FFIResponse *r = run(db, cur, cmd, type);
    CHECK(r->string_value != NULL && strcmp(r->string_value, want) == 0, "%s: got '%s', want '%s'",
          cmd, r->string_value ? r->string_value : "(null)", want);
    memflux_response_free(r);
}

static void expect_bytes(void *db, void *cur, const char *cmd, const char *want, size_t n) {
    FFIResponse *r = run(db, cur, cmd, BYTES);
    CHECK(r->bytes_len == n && (n == 0 ? r->bytes_value == NULL : memcmp(r->bytes_value, want, n) == 0),
          "%s: got %zu bytes", cmd, r->bytes_len);
    memflux_response_free(r);
}

static void expect_int(void *db, void *cur, const char *cmd, int64_t want) {
    FFIResponse *r = run(db, cur, cmd, INTEGER);
    CHECK(r->integer_value == want, "%s: got %lld, want %lld", cmd, (long long)r->integer_value,
          (long long)want);
    memflux_response_free(r);
}

static void expect_nil(void *db, void *cur, const char *cmd) {
    memflux_response_free(run(db, cur, cmd, NIL));
}

static void test_types(void *db, void *cur) {
    expect_str(db, cur, "SET greeting 'hello world'", SIMPLE_STRING, "OK");
    expect_str(db, cur, "PING", SIMPLE_STRING, "PONG");
    expect_bytes(db, cur, "GET greeting", "hello world", 11);
    expect_str(db, cur, "SET quoted 'it'\"'\"'s'", SIMPLE_STRING, "OK");
    expect_bytes(db, cur, "GET quoted", "it's", 4);
    expect_str(db, cur, "SET empty ''", SIMPLE_STRING, "OK");
    expect_bytes(db, cur, "GET empty", "", 0);
    expect_int(db, cur, "LPUSH list a b ''", 3);
    expect_nil(db, cur, "GET missing");
    expect_str(db, cur, "LPUSH greeting x", ERROR, "WRONGTYPE Operation against a non-list value");
    expect_str(db, cur, "NOPE", ERROR, "Unknown command: NOPE");
    expect_str(db, cur, "SET k 'unbalanced", ERROR, "Invalid command string");
    expect_str(db, cur, "   # just a comment", ERROR, "Empty command string");
    expect_str(db, cur, "SET k \xff\xfe", ERROR, "Invalid UTF-8 in command string");
    CHECK(strcmp(memflux_last_error(), "Invalid UTF-8 in command string") == 0,
          "last error after an ERROR response: '%s'", memflux_last_error());
    expect_str(db, cur, "PING", SIMPLE_STRING, "PONG");
    CHECK(strcmp(memflux_last_error(), "") == 0, "last error not cleared by success");

    FFIResponse *r = run(db, cur, "LRANGE list 0 -1", MULTI_BYTES);
    CHECK(r->multi_bytes_count == 3, "LRANGE count %zu", r->multi_bytes_count);
    if (r->multi_bytes_count == 3) {
        CHECK(r->multi_bytes_lens[0] == 0 && r->multi_bytes_value[0] != NULL, "LRANGE item 0");
        CHECK(r->multi_bytes_lens[1] == 1 && r->multi_bytes_value[1][0] == 'b', "LRANGE item 1");
        CHECK(r->multi_bytes_lens[2] == 1 && r->multi_bytes_value[2][0] == 'a', "LRANGE item 2");
    }
    memflux_response_free(r);

    r = run(db, cur, "LRANGE nolist 0 -1", MULTI_BYTES);
    CHECK(r->multi_bytes_count == 0 && r->multi_bytes_value == NULL && r->multi_bytes_lens == NULL,
          "empty array not NULL/0");
    memflux_response_free(r);

    /* A nil element of an array is a NULL item pointer. */
    r = run(db, cur, "MGET greeting missing", MULTI_BYTES);
    CHECK(r->multi_bytes_count == 2, "MGET count %zu", r->multi_bytes_count);
    if (r->multi_bytes_count == 2) {
        CHECK(r->multi_bytes_lens[0] == 11 && memcmp(r->multi_bytes_value[0], "hello world", 11) == 0,
              "MGET item 0");
        CHECK(r->multi_bytes_value[1] == NULL && r->multi_bytes_lens[1] == 0, "MGET nil item");
    }
    memflux_response_free(r);

    /* A caller may take over a buffer by clearing its field. */
    r = run(db, cur, "GET greeting", BYTES);
    char *kept = r->bytes_value;
    r->bytes_value = NULL;
    memflux_response_free(r);
    CHECK(memcmp(kept, "hello world", 11) == 0, "kept buffer");
    free(kept);

    memflux_response_free(NULL); /* NULL-safe */
}

static void test_argv(void *db, void *cur) {
    const char value[] = {'a', '\0', 'b', '\'', '"', '\xff'};
    const char *argv[] = {"SET", "bin key", value};
    size_t lens[] = {3, 7, sizeof value};
    FFIResponse *r = memflux_exec_argv(db, cur, 3, argv, lens);
    CHECK(r && r->response_type == SIMPLE_STRING && strcmp(r->string_value, "OK") == 0, "argv SET");
    memflux_response_free(r);

    const char *get[] = {"GET", "bin key"};
    r = memflux_exec_argv(db, cur, 2, get, NULL); /* NUL-terminated arguments */
    CHECK(r && r->response_type == BYTES && r->bytes_len == sizeof value &&
              memcmp(r->bytes_value, value, sizeof value) == 0,
          "argv GET binary");
    memflux_response_free(r);

    r = memflux_exec_argv(db, cur, 0, NULL, NULL);
    CHECK(r && r->response_type == ERROR, "argc 0 must be an ERROR");
    memflux_response_free(r);

    r = memflux_exec_argv(db, cur, 2, NULL, NULL);
    CHECK(r && r->response_type == ERROR && strcmp(r->string_value, "Invalid argument vector") == 0,
          "NULL argv");
    memflux_response_free(r);

    const char *nullarg[] = {"GET", NULL};
    size_t nulllens[] = {3, 5};
    r = memflux_exec_argv(db, cur, 2, nullarg, nulllens);
    CHECK(r && r->response_type == ERROR, "NULL argument with a length");
    memflux_response_free(r);
}

static void test_handles(void *db, void *cur) {
    CHECK(memflux_exec(NULL, cur, "PING") == NULL, "NULL db must give NULL");
    CHECK(memflux_exec(db, NULL, "PING") == NULL, "NULL cursor must give NULL");
    CHECK(memflux_exec_argv(NULL, cur, 0, NULL, NULL) == NULL, "argv: NULL db must give NULL");
    CHECK(memflux_cursor_open(NULL) == NULL, "cursor_open(NULL)");

    void *bogus = (void *)(uintptr_t)0xdead0;
    FFIResponse *r = memflux_exec(bogus, cur, "PING");
    CHECK(r && r->response_type == ERROR && strcmp(r->string_value, "Invalid database handle") == 0,
          "bogus db");
    memflux_response_free(r);
    r = memflux_exec(db, bogus, "PING");
    CHECK(r && r->response_type == ERROR && strcmp(r->string_value, "Invalid cursor handle") == 0,
          "bogus cursor");
    memflux_response_free(r);
    r = memflux_exec(db, db, "PING");
    CHECK(r && r->response_type == ERROR, "db handle used as cursor");
    memflux_response_free(r);
    CHECK(memflux_cursor_open(bogus) == NULL && strlen(memflux_last_error()) > 0,
          "cursor_open(bogus) must fail with a reason");
    memflux_cursor_close(bogus); /* ignored */
    memflux_close(bogus);        /* ignored */
    memflux_cursor_close(NULL);
    memflux_close(NULL);
}

static void test_transactions(void *db) {
    void *c1 = memflux_cursor_open(db), *c2 = memflux_cursor_open(db);
    CHECK(c1 && c2 && c1 != c2, "two cursors");
    expect_str(db, c1, "BEGIN", SIMPLE_STRING, "OK");
    expect_str(db, c1, "SET txkey in-txn", SIMPLE_STRING, "OK");
    expect_bytes(db, c1, "GET txkey", "in-txn", 6);
    expect_nil(db, c2, "GET txkey"); /* not committed */
    memflux_cursor_close(c1);        /* rolls back */
    expect_nil(db, c2, "GET txkey");
    FFIResponse *r = memflux_exec(db, c1, "PING");
    CHECK(r && r->response_type == ERROR, "closed cursor must give ERROR");
    memflux_response_free(r);
    expect_str(db, c2, "BEGIN", SIMPLE_STRING, "OK");
    expect_str(db, c2, "SET txkey committed", SIMPLE_STRING, "OK");
    expect_str(db, c2, "COMMIT", SIMPLE_STRING, "OK");
    memflux_cursor_close(c2);
}

struct worker {
    void *db;
    int id;
    int bad;
};

static void *work(void *arg) {
    struct worker *w = arg;
    void *cur = memflux_cursor_open(w->db);
    if (cur == NULL) {
        w->bad++;
        return NULL;
    }
    char cmd[64], want[32];
    for (int i = 0; i < 200; i++) {
        snprintf(want, sizeof want, "w%d-%d", w->id, i);
        snprintf(cmd, sizeof cmd, "SET key%d %s", w->id, want);
        FFIResponse *r = memflux_exec(w->db, cur, cmd);
        w->bad += r == NULL || r->response_type != SIMPLE_STRING;
        memflux_response_free(r);
        snprintf(cmd, sizeof cmd, "GET key%d", w->id);
        r = memflux_exec(w->db, cur, cmd);
        w->bad += r == NULL || r->response_type != BYTES || r->bytes_len != strlen(want) ||
                  memcmp(r->bytes_value, want, r->bytes_len) != 0;
        memflux_response_free(r);
    }
    /* The last error is per thread: a failure here is not seen by other threads. */
    if (w->id == 0) {
        w->bad += memflux_open("{\"durability\": \"sometimes\"}") != NULL;
        w->bad += strstr(memflux_last_error(), "durability") == NULL;
    }
    memflux_cursor_close(cur);
    return NULL;
}

static void test_threads(void *db) {
    enum { N = 4 };
    pthread_t th[N];
    struct worker w[N];
    for (int i = 0; i < N; i++) {
        w[i] = (struct worker){db, i, 0};
        pthread_create(&th[i], NULL, work, &w[i]);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        CHECK(w[i].bad == 0, "thread %d: %d bad replies", i, w[i].bad);
    }
    CHECK(strcmp(memflux_last_error(), "") == 0, "another thread's error leaked: '%s'",
          memflux_last_error());
}

static void *open_db(const char *dir) {
    char config[1024];
    snprintf(config, sizeof config,
             "{\"wal_file\": \"%s/memflux.wal\", \"wal_overflow_file\": \"%s/memflux.wal.overflow\", "
             "\"snapshot_file\": \"%s/memflux.snapshot\", "
             "\"snapshot_temp_file\": \"%s/memflux.snapshot.tmp\", \"host\": \"ignored\", "
             "\"port\": 1, \"durability\": \"full\"}",
             dir, dir, dir, dir);
    void *db = memflux_open(config);
    CHECK(db != NULL, "open %s: %s", dir, memflux_last_error());
    return db;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s <data dir>\n", argv[0]);
        return 2;
    }
    CHECK(memflux_open("{\"eviction_policy\": \"LRU\"}") == NULL, "bad enum must fail");
    CHECK(strstr(memflux_last_error(), "eviction_policy") != NULL, "last error '%s'",
          memflux_last_error());
    CHECK(memflux_open("{\"persistence\": \"yes\"}") == NULL, "wrong type must fail");
    CHECK(memflux_open("not json") == NULL, "invalid JSON must fail");

    void *db = open_db(argv[1]);
    if (db == NULL) {
        return 1;
    }
    CHECK(strcmp(memflux_last_error(), "") == 0, "successful open leaves no error");
    void *cur = memflux_cursor_open(db);
    test_types(db, cur);
    test_argv(db, cur);
    test_handles(db, cur);
    test_transactions(db);
    test_threads(db);

    /* Close with a cursor still open (in a transaction), then reopen the same files in
     * this process and find the committed data (SPEC §7). */
    void *open_cur = memflux_cursor_open(db);
    expect_str(db, open_cur, "BEGIN", SIMPLE_STRING, "OK");
    expect_str(db, open_cur, "SET uncommitted x", SIMPLE_STRING, "OK");
    memflux_close(db);
    FFIResponse *r = memflux_exec(db, cur, "PING");
    CHECK(r && r->response_type == ERROR, "closed db must give ERROR");
    memflux_response_free(r);

    db = open_db(argv[1]);
    if (db == NULL) {
        return 1;
    }
    cur = memflux_cursor_open(db);
    expect_bytes(db, cur, "GET greeting", "hello world", 11);
    expect_bytes(db, cur, "GET txkey", "committed", 9);
    expect_nil(db, cur, "GET uncommitted");
    expect_str(db, cur, "SAVE", SIMPLE_STRING, "OK");
    memflux_cursor_close(cur);
    memflux_close(db);

    db = open_db(argv[1]);
    cur = memflux_cursor_open(db);
    expect_bytes(db, cur, "GET greeting", "hello world", 11);
    memflux_close(db); /* closes cur too */

    if (failures == 0) {
        printf("abi_test: all checks passed\n");
    }
    return failures == 0 ? 0 : 1;
}
