/*
 * Unit tests of statement forwarding (xapi/forward.h) and of the sealing of
 * its secrets (util/seal.h): which addresses and credentials are accepted,
 * the key file, sealing round trips and tampering, the back-off, and the
 * targets table against a migrated SQLite file (sealed secret, updates that
 * clear the back-off, tenancy, the cursor kept below erased statements).
 * The delivery itself is tested end to end between two servers
 * (tests/e2e/xapi_forward.test.mjs).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"
#include "util/alloc.h"
#include "util/log.h"
#include "util/seal.h"
#include "util/secret.h"
#include "xapi/forward.h"
#include "xapi/statements.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static char tmpdir[] = "/tmp/cc_test_xapi_forward_XXXXXX";

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path);
}

static int group_setup(void **state)
{
    log_set_level(LOG_LEVEL_OFF);
    return secret_init() == 0 && mkdtemp(tmpdir) ? 0 : -1;
}

static int group_teardown(void **state)
{
    return nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ------------------------------------------------------------ addresses */

static void url_accepted(void **state)
{
    static const char *const ok[] = {
        "http://a",
        "https://lrs.example.edu/xapi/",
        "https://lrs.example.edu/xapi",
        "HTTPS://LRS.EXAMPLE.EDU/xAPI/",
        "http://10.0.0.5:8080/xapi/",
        "http://[::1]:8080/xapi/",
        "https://central.college.example.cn/lrs/data/xAPI/",
        "https://lrs.example.edu/x%20api/",
    };
    for (size_t i = 0; i < N_ELEMS(ok); i++)
        if (xapi_forward_url_check(ok[i]) != XAPI_OK)
            fail_msg("refused: %s", ok[i]);
}

static void url_refused(void **state)
{
    static const char *const bad[] = {
        "",
        "lrs.example.edu/xapi/",
        "ftp://lrs.example.edu/xapi/",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "http://",
        "https:///xapi/",
        "http//lrs.example.edu/xapi",
        "https://user:pw@lrs.example.edu/xapi/",
        "https://user@lrs.example.edu/xapi/",
        "https://lrs.example.edu/xapi/?x=1",
        "https://lrs.example.edu/xapi/?",
        "https://lrs.example.edu/xapi/#top",
        "https://lrs.example.edu/x api/",
        "https://lrs.example.edu/xapi/\n",
        "https://lrs.example.edu/\x01xapi/",
        "https://lrs.example.edu/xapi/\x7f",
        "https://lrs.例子.cn/xapi/",
        " https://lrs.example.edu/xapi/",
    };
    for (size_t i = 0; i < N_ELEMS(bad); i++)
        if (xapi_forward_url_check(bad[i]) != XAPI_ERR_INVALID)
            fail_msg("accepted: %s", bad[i]);
    assert_int_equal(xapi_forward_url_check(NULL), XAPI_ERR_INVALID);
}

static void url_length_limit(void **state)
{
    char url[XAPI_FORWARD_URL_MAX + 2];
    const char *prefix = "https://lrs.example.edu/";
    size_t n = strlen(prefix);
    memcpy(url, prefix, n);
    memset(url + n, 'a', XAPI_FORWARD_URL_MAX - n);
    url[XAPI_FORWARD_URL_MAX] = 0;
    assert_int_equal(xapi_forward_url_check(url), XAPI_OK);
    url[XAPI_FORWARD_URL_MAX] = 'a';
    url[XAPI_FORWARD_URL_MAX + 1] = 0;
    assert_int_equal(xapi_forward_url_check(url), XAPI_ERR_INVALID);
}

/* --------------------------------------------------------------- inputs */

static struct xapi_forward_input good(void)
{
    struct xapi_forward_input in = {
        "Central", "https://lrs.example.edu/xapi/", "key", "s3cret:x", XAPI_V20, -1, 0};
    return in;
}

static void check_fields(void **state)
{
    struct xapi_problem p;
    struct xapi_forward_input in = good();
    assert_int_equal(xapi_forward_check(&in, 1, &p), XAPI_OK);
    char name101[400], name100[400], cred257[300], cred256[300];
    for (int i = 0; i < 100; i++)
        memcpy(name100 + 3 * i, "名", 3); /* 100 characters, 300 bytes */
    name100[300] = 0;
    memcpy(name101, name100, 300);
    memcpy(name101 + 300, "名", 4); /* with its NUL */
    memset(cred256, 'k', 256);
    cred256[256] = 0;
    memset(cred257, 'k', 257);
    cred257[257] = 0;

    struct {
        const char *what;
        struct xapi_forward_input in;
        int create;
        const char *field, *msg; /* NULL: accepted */
    } rows[] = {
        {"no name", {NULL, "http://a", "k", "s", 0, -1, 0}, 1, "name", "field_required"},
        {"empty name", {"", "http://a", "k", "s", 0, -1, 0}, 1, "name", "forward_name_length"},
        {"101 characters",
         {name101, "http://a", "k", "s", 0, -1, 0},
         1,
         "name",
         "forward_name_length"},
        {"100 characters", {name100, "http://a", "k", "s", 0, -1, 0}, 1, NULL, NULL},
        {"no url", {"n", NULL, "k", "s", 0, -1, 0}, 1, "url", "field_required"},
        {"bad url", {"n", "ftp://a", "k", "s", 0, -1, 0}, 1, "url", "forward_url_invalid"},
        {"no key", {"n", "http://a", NULL, "s", 0, -1, 0}, 1, "key", "field_required"},
        {"empty key", {"n", "http://a", "", "s", 0, -1, 0}, 1, "key", "forward_key_invalid"},
        {"key with a colon",
         {"n", "http://a", "a:b", "s", 0, -1, 0},
         1,
         "key",
         "forward_key_invalid"},
        {"key with a tab",
         {"n", "http://a", "a\tb", "s", 0, -1, 0},
         1,
         "key",
         "forward_key_invalid"},
        {"key of 257", {"n", "http://a", cred257, "s", 0, -1, 0}, 1, "key", "forward_key_invalid"},
        {"key of 256", {"n", "http://a", cred256, cred256, 0, -1, 0}, 1, NULL, NULL},
        {"key not UTF-8",
         {"n", "http://a", "\xff\xfe", "s", 0, -1, 0},
         1,
         "key",
         "forward_key_invalid"},
        {"no secret", {"n", "http://a", "k", NULL, 0, -1, 0}, 1, "secret", "field_required"},
        {"secret with a newline",
         {"n", "http://a", "k", "a\nb", 0, -1, 0},
         1,
         "secret",
         "forward_secret_invalid"},
        {"secret of 257",
         {"n", "http://a", "k", cred257, 0, -1, 0},
         1,
         "secret",
         "forward_secret_invalid"},
        {"secret with a colon and Chinese",
         {"n", "http://a", "k", "密:码", 0, -1, 0},
         1,
         NULL,
         NULL},
        {"version 1.0.3", {"n", "http://a", "k", "s", XAPI_V103, -1, 0}, 1, NULL, NULL},
        {"unknown version",
         {"n", "http://a", "k", "s", (enum xapi_version)7, -1, 0},
         1,
         "version",
         "forward_version_invalid"},
        {"enabled 2", {"n", "http://a", "k", "s", 0, 2, 0}, 1, "enabled", "forward_flag_invalid"},
        {"an update may leave everything out", {NULL, NULL, NULL, NULL, 0, -1, 0}, 0, NULL, NULL},
        {"an update checks what it sets",
         {NULL, "http://a?b", NULL, NULL, 0, -1, 0},
         0,
         "url",
         "forward_url_invalid"},
    };
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        memset(&p, 0, sizeof(p));
        int err = xapi_forward_check(&rows[i].in, rows[i].create, &p);
        if (!rows[i].field) {
            if (err)
                fail_msg("%s: refused (%s: %s)", rows[i].what, p.path, p.msg);
            continue;
        }
        if (err != XAPI_ERR_INVALID)
            fail_msg("%s: accepted", rows[i].what);
        if (strcmp(p.path, rows[i].field) || strcmp(p.msg, rows[i].msg))
            fail_msg("%s: %s %s, expected %s %s", rows[i].what, p.path, p.msg, rows[i].field,
                     rows[i].msg);
    }
}

/* -------------------------------------------------------------- back-off */

static void backoff_doubles_to_the_cap(void **state)
{
    int64_t expect[] = {1000,  2000,   4000,   8000,   16000, 32000,
                        64000, 128000, 256000, 300000, 300000};
    for (size_t i = 0; i < N_ELEMS(expect); i++)
        assert_int_equal(xapi_forward_backoff_ms((int64_t)i + 1, 1000, 300000), expect[i]);
    /* The first failure waits the base; nonsense is made sensible, and nothing overflows. */
    assert_int_equal(xapi_forward_backoff_ms(0, 1000, 300000), 1000);
    assert_int_equal(xapi_forward_backoff_ms(-5, 1000, 300000), 1000);
    assert_int_equal(xapi_forward_backoff_ms(1000000000, 1000, 300000), 300000);
    assert_int_equal(xapi_forward_backoff_ms(INT64_MAX, 3, INT64_MAX), INT64_MAX);
    assert_int_equal(xapi_forward_backoff_ms(3, 100, 250), 250);
    assert_int_equal(xapi_forward_backoff_ms(5, 5000, 1000), 5000); /* a cap below the base */
    assert_int_equal(xapi_forward_backoff_ms(2, 0, 10), 2);
}

/* ----------------------------------------------------------------- seal */

static void key_file_created_once(void **state)
{
    char dir[512], path[600];
    unsigned char k1[SEAL_KEY_BYTES], k2[SEAL_KEY_BYTES], zero[SEAL_KEY_BYTES] = {0};
    snprintf(dir, sizeof(dir), "%s/data-new", tmpdir);
    assert_int_equal(seal_key_load(dir, k1), SEAL_OK); /* creates the directory and the file */
    snprintf(path, sizeof(path), "%s/%s", dir, SEAL_KEY_FILE);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(st.st_size, SEAL_KEY_BYTES);
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_memory_not_equal(k1, zero, SEAL_KEY_BYTES);
    assert_int_equal(seal_key_load(dir, k2), SEAL_OK);
    assert_memory_equal(k1, k2, SEAL_KEY_BYTES);
}

static void key_file_wrong_size_refused(void **state)
{
    char dir[512], path[600];
    unsigned char k[SEAL_KEY_BYTES];
    snprintf(dir, sizeof(dir), "%s/data-short", tmpdir);
    assert_int_equal(mkdir(dir, 0700), 0);
    snprintf(path, sizeof(path), "%s/%s", dir, SEAL_KEY_FILE);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "short", 5), 5);
    close(fd);
    assert_int_equal(seal_key_load(dir, k), SEAL_ERR_IO);
    /* Not replaced: a key is never thrown away behind the administrator's back. */
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 5);
}

static void seal_round_trip(void **state)
{
    unsigned char key[SEAL_KEY_BYTES], other[SEAL_KEY_BYTES];
    for (size_t i = 0; i < SEAL_KEY_BYTES; i++) {
        key[i] = (unsigned char)(i * 7 + 1);
        other[i] = (unsigned char)(i * 7 + 2);
    }
    static const char *const plains[] = {"s", "kPskS1sG20A8m99MB9-gPfcdYl9ECPF832JwM-6NjGU",
                                         "密码:with colon", ""};
    for (size_t i = 0; i < N_ELEMS(plains); i++) {
        char *a, *b, out[300];
        assert_int_equal(seal_encrypt(key, plains[i], &a), SEAL_OK);
        assert_int_equal(seal_encrypt(key, plains[i], &b), SEAL_OK);
        assert_string_not_equal(a, b); /* a fresh nonce each time */
        if (strlen(plains[i]) > 8)     /* a short one may turn up in base64 by chance */
            assert_null(strstr(a, plains[i]));
        assert_int_equal(seal_decrypt(key, a, out, sizeof(out)), SEAL_OK);
        assert_string_equal(out, plains[i]);
        assert_int_equal(seal_decrypt(key, b, out, sizeof(out)), SEAL_OK);
        assert_string_equal(out, plains[i]);
        /* Another key opens nothing. */
        assert_int_equal(seal_decrypt(other, a, out, sizeof(out)), SEAL_ERR_INVALID);
        assert_string_equal(out, "");
        cc_free(a);
        cc_free(b);
    }
}

static void seal_tampering_detected(void **state)
{
    unsigned char key[SEAL_KEY_BYTES];
    memset(key, 0x42, sizeof(key));
    char *sealed, out[64];
    assert_int_equal(seal_encrypt(key, "the central server's secret", &sealed), SEAL_OK);
    size_t n = strlen(sealed);
    /* Every character changed in turn: each change is caught (or is not base64 at all). */
    for (size_t i = 0; i < n; i++) {
        char saved = sealed[i];
        sealed[i] = saved == 'A' ? 'B' : 'A';
        if (seal_decrypt(key, sealed, out, sizeof(out)) != SEAL_ERR_INVALID)
            fail_msg("a change at %zu went unnoticed", i);
        sealed[i] = saved;
    }
    assert_int_equal(seal_decrypt(key, sealed, out, sizeof(out)), SEAL_OK);
    /* Too small a buffer, cut short, not base64, empty. */
    assert_int_equal(seal_decrypt(key, sealed, out, 10), SEAL_ERR_INVALID);
    sealed[n / 2] = 0;
    assert_int_equal(seal_decrypt(key, sealed, out, sizeof(out)), SEAL_ERR_INVALID);
    assert_int_equal(seal_decrypt(key, "not base64 !!", out, sizeof(out)), SEAL_ERR_INVALID);
    assert_int_equal(seal_decrypt(key, "", out, sizeof(out)), SEAL_ERR_INVALID);
    cc_free(sealed);
}

/* ---------------------------------------------------------- the table */

struct fixture {
    struct store *db;
    int64_t inst_a, inst_b;
    unsigned char key[SEAL_KEY_BYTES];
};

static int64_t query_int(struct store *db, const char *sql)
{
    struct store_stmt *st;
    assert_int_equal(store_prepare(db, sql, &st), STORE_OK);
    assert_int_equal(store_step(st), STORE_ROW);
    int64_t v = store_col_int(st, 0);
    store_finish(st);
    return v;
}

static int setup(void **state)
{
    static int n;
    char url[600];
    snprintf(url, sizeof(url), "sqlite:%s/fwd%d.sqlite", tmpdir, ++n);
    struct fixture *f = calloc(1, sizeof(*f));
    if (!f || store_open(url, &f->db) || store_migrate(f->db))
        return -1;
    if (store_exec(f->db, "INSERT INTO institutions (name_en, name_zh, country, created_at) VALUES"
                          " ('College A', '甲学院', 'CN', '2026-01-01T00:00:00Z'),"
                          " ('College B', '乙学院', 'US', '2026-01-01T00:00:00Z')"))
        return -1;
    f->inst_a = query_int(f->db, "SELECT id FROM institutions WHERE name_en = 'College A'");
    f->inst_b = query_int(f->db, "SELECT id FROM institutions WHERE name_en = 'College B'");
    memset(f->key, 0x5a, sizeof(f->key));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    store_close(&f->db);
    free(f);
    return 0;
}

/* The sealed secret of target ID, opened with KEY. */
static void stored_secret(struct fixture *f, int64_t id, char *out, size_t size)
{
    struct store_stmt *st;
    assert_int_equal(
        store_prepare(f->db, "SELECT secret_sealed FROM xapi_forward_targets WHERE id = ?", &st),
        STORE_OK);
    store_bind_int(st, 1, id);
    assert_int_equal(store_step(st), STORE_ROW);
    assert_null(strstr(store_col_text(st, 0), "s3cret"));
    assert_int_equal(seal_decrypt(f->key, store_col_text(st, 0), out, size), SEAL_OK);
    store_finish(st);
}

/* Stores N statements for INSTITUTION (each its own transaction, as clients do). */
static void store_statements(struct fixture *f, int64_t institution, int n)
{
    for (int i = 0; i < n; i++) {
        json_t *list = json_pack("[{s:{s:s}, s:{s:s}, s:{s:s}}]", "actor", "mbox",
                                 "mailto:learner@example.org", "verb", "id",
                                 "http://example.org/verbs/practised", "object", "id",
                                 "http://example.org/activities/a");
        json_t *ids = json_array();
        struct xapi_writer w = {institution, 0, NULL, XAPI_V20};
        struct xapi_problem p;
        assert_int_equal(xapi_statements_store(f->db, &w, list, NULL, 0, ids, &p), XAPI_OK);
        json_decref(list);
        json_decref(ids);
    }
}

static void create_get_list(void **state)
{
    struct fixture *f = *state;
    struct xapi_forward_input in = good();
    struct xapi_forward_target t, got;
    struct xapi_problem p;
    store_statements(f, f->inst_a, 3);
    store_statements(f, f->inst_b, 2);
    assert_int_equal(xapi_forward_create(f->db, f->key, f->inst_a, &in, &t, &p), XAPI_OK);
    assert_true(t.id > 0);
    assert_int_equal(t.institution_id, f->inst_a);
    assert_string_equal(t.name, "Central");
    assert_string_equal(t.url, "https://lrs.example.edu/xapi/");
    assert_string_equal(t.key, "key");
    assert_int_equal(t.version, XAPI_V20);
    assert_true(t.enabled);
    assert_int_equal(t.last_seq, 0);
    assert_int_equal(t.pending, 3); /* its own institution's statements only, from the first */
    assert_int_equal(t.attempts, 0);
    assert_string_equal(t.last_error, "");
    assert_string_equal(t.last_success_at, "");
    assert_true(strlen(t.next_attempt_at) == 24);
    char secret[300];
    stored_secret(f, t.id, secret, sizeof(secret));
    assert_string_equal(secret, "s3cret:x");

    in.name = "Regional";
    in.version = XAPI_V103;
    in.enabled = 0;
    struct xapi_forward_target t2;
    assert_int_equal(xapi_forward_create(f->db, f->key, f->inst_a, &in, &t2, &p), XAPI_OK);
    assert_int_equal(t2.version, XAPI_V103);
    assert_false(t2.enabled);

    assert_int_equal(xapi_forward_get(f->db, f->inst_a, t.id, &got), XAPI_OK);
    assert_string_equal(got.name, "Central");
    /* Tenancy: the other institution sees nothing. */
    assert_int_equal(xapi_forward_get(f->db, f->inst_b, t.id, &got), XAPI_ERR_NOT_FOUND);
    assert_int_equal(xapi_forward_update(f->db, f->key, f->inst_b, t.id, &in, &got, &p),
                     XAPI_ERR_NOT_FOUND);
    assert_int_equal(xapi_forward_retry(f->db, f->inst_b, t.id), XAPI_ERR_NOT_FOUND);
    assert_int_equal(xapi_forward_delete(f->db, f->inst_b, t.id), XAPI_ERR_NOT_FOUND);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM xapi_forward_targets"), 2);

    /* A bad input stores nothing. */
    in.url = "https://x/?q";
    assert_int_equal(xapi_forward_create(f->db, f->key, f->inst_a, &in, &t2, &p), XAPI_ERR_INVALID);
    assert_string_equal(p.path, "url");
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM xapi_forward_targets"), 2);
}

static int count_target(void *ctx, const struct xapi_forward_target *t)
{
    int *n = ctx;
    (*n)++;
    return *n == 2 ? 99 : 0; /* stops at the second */
}

static void list_in_order_and_stops(void **state)
{
    struct fixture *f = *state;
    struct xapi_forward_input in = good();
    struct xapi_forward_target t;
    struct xapi_problem p;
    for (int i = 0; i < 3; i++)
        assert_int_equal(xapi_forward_create(f->db, f->key, f->inst_a, &in, &t, &p), XAPI_OK);
    assert_int_equal(xapi_forward_create(f->db, f->key, f->inst_b, &in, &t, &p), XAPI_OK);
    int n = 0;
    assert_int_equal(xapi_forward_list(f->db, f->inst_a, count_target, &n), 99);
    assert_int_equal(n, 2);
}

static void update_clears_back_off(void **state)
{
    struct fixture *f = *state;
    struct xapi_forward_input in = good();
    struct xapi_forward_target t, u;
    struct xapi_problem p;
    store_statements(f, f->inst_a, 4);
    assert_int_equal(xapi_forward_create(f->db, f->key, f->inst_a, &in, &t, &p), XAPI_OK);
    /* As the forwarder leaves it after three failures and some delivery. */
    assert_int_equal(store_exec(f->db, "UPDATE xapi_forward_targets SET attempts = 3, last_seq = 2,"
                                       " next_attempt_at = '2999-01-01T00:00:00.000Z'"),
                     STORE_OK);

    /* A new name changes nothing about delivery. */
    struct xapi_forward_input name = {"Renamed", NULL, NULL, NULL, 0, -1, 0};
    assert_int_equal(xapi_forward_update(f->db, f->key, f->inst_a, t.id, &name, &u, &p), XAPI_OK);
    assert_string_equal(u.name, "Renamed");
    assert_string_equal(u.url, t.url);
    assert_int_equal(u.attempts, 3);
    assert_string_equal(u.next_attempt_at, "2999-01-01T00:00:00.000Z");
    assert_int_equal(u.pending, 2);

    /* A new secret: sealed, and tried at once. */
    struct xapi_forward_input secret = {NULL, NULL, NULL, "an0ther", 0, -1, 0};
    assert_int_equal(xapi_forward_update(f->db, f->key, f->inst_a, t.id, &secret, &u, &p), XAPI_OK);
    assert_int_equal(u.attempts, 0);
    assert_true(strcmp(u.next_attempt_at, "2999") < 0);
    assert_int_equal(u.last_seq, 2);
    char s[300];
    stored_secret(f, t.id, s, sizeof(s));
    assert_string_equal(s, "an0ther");

    /* Disable, then resend: the cursor goes back to the start. */
    struct xapi_forward_input off = {NULL, NULL, NULL, NULL, 0, 0, 0};
    assert_int_equal(xapi_forward_update(f->db, f->key, f->inst_a, t.id, &off, &u, &p), XAPI_OK);
    assert_false(u.enabled);
    struct xapi_forward_input resend = {NULL, NULL, NULL, NULL, XAPI_V103, 1, 1};
    assert_int_equal(xapi_forward_update(f->db, f->key, f->inst_a, t.id, &resend, &u, &p), XAPI_OK);
    assert_true(u.enabled);
    assert_int_equal(u.version, XAPI_V103);
    assert_int_equal(u.last_seq, 0);
    assert_int_equal(u.pending, 4);

    /* Invalid: nothing changes. */
    struct xapi_forward_input bad = {"Changed", "gopher://x", NULL, NULL, 0, -1, 0};
    assert_int_equal(xapi_forward_update(f->db, f->key, f->inst_a, t.id, &bad, &u, &p),
                     XAPI_ERR_INVALID);
    assert_int_equal(xapi_forward_get(f->db, f->inst_a, t.id, &u), XAPI_OK);
    assert_string_equal(u.name, "Renamed");
    assert_int_equal(xapi_forward_update(f->db, f->key, f->inst_a, 999, &name, &u, &p),
                     XAPI_ERR_NOT_FOUND);
}

static void retry_and_delete(void **state)
{
    struct fixture *f = *state;
    struct xapi_forward_input in = good();
    struct xapi_forward_target t, u;
    struct xapi_problem p;
    assert_int_equal(xapi_forward_create(f->db, f->key, f->inst_a, &in, &t, &p), XAPI_OK);
    assert_int_equal(store_exec(f->db, "UPDATE xapi_forward_targets SET attempts = 5,"
                                       " next_attempt_at = '2999-01-01T00:00:00.000Z'"),
                     STORE_OK);
    assert_int_equal(xapi_forward_retry(f->db, f->inst_a, t.id), XAPI_OK);
    assert_int_equal(xapi_forward_get(f->db, f->inst_a, t.id, &u), XAPI_OK);
    assert_true(strcmp(u.next_attempt_at, "2999") < 0);
    assert_int_equal(u.attempts, 5); /* the back-off goes on from where it was */
    assert_int_equal(xapi_forward_delete(f->db, f->inst_a, t.id), XAPI_OK);
    assert_int_equal(xapi_forward_get(f->db, f->inst_a, t.id, &u), XAPI_ERR_NOT_FOUND);
    assert_int_equal(xapi_forward_delete(f->db, f->inst_a, t.id), XAPI_ERR_NOT_FOUND);
    assert_int_equal(xapi_forward_retry(f->db, f->inst_a, t.id), XAPI_ERR_NOT_FOUND);
}

static void clamp_keeps_cursor_below_the_newest(void **state)
{
    struct fixture *f = *state;
    struct xapi_forward_input in = good();
    struct xapi_forward_target t, u;
    struct xapi_problem p;
    store_statements(f, f->inst_a, 5);
    int64_t max = query_int(f->db, "SELECT max(seq) FROM xapi_statements");
    assert_int_equal(xapi_forward_create(f->db, f->key, f->inst_a, &in, &t, &p), XAPI_OK);
    char sql[200];
    snprintf(sql, sizeof(sql), "UPDATE xapi_forward_targets SET last_seq = %lld", (long long)max);
    assert_int_equal(store_exec(f->db, sql), STORE_OK);
    /* Nothing erased at the top: the cursor stays. */
    assert_int_equal(store_exec(f->db, "DELETE FROM xapi_statements WHERE seq = 1"), STORE_OK);
    assert_int_equal(xapi_forward_clamp(f->db), XAPI_OK);
    assert_int_equal(xapi_forward_get(f->db, f->inst_a, t.id, &u), XAPI_OK);
    assert_int_equal(u.last_seq, max);
    /* The two newest erased: the cursor comes down with them, and the next statement is pending. */
    snprintf(sql, sizeof(sql), "DELETE FROM xapi_statements WHERE seq >= %lld", (long long)max - 1);
    assert_int_equal(store_exec(f->db, sql), STORE_OK);
    assert_int_equal(xapi_forward_clamp(f->db), XAPI_OK);
    assert_int_equal(xapi_forward_get(f->db, f->inst_a, t.id, &u), XAPI_OK);
    assert_int_equal(u.last_seq, max - 2);
    store_statements(f, f->inst_a, 1);
    assert_int_equal(query_int(f->db, "SELECT max(seq) FROM xapi_statements"), max - 1);
    assert_int_equal(xapi_forward_get(f->db, f->inst_a, t.id, &u), XAPI_OK);
    assert_int_equal(u.pending, 1);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(url_accepted),
        cmocka_unit_test(url_refused),
        cmocka_unit_test(url_length_limit),
        cmocka_unit_test(check_fields),
        cmocka_unit_test(backoff_doubles_to_the_cap),
        cmocka_unit_test(key_file_created_once),
        cmocka_unit_test(key_file_wrong_size_refused),
        cmocka_unit_test(seal_round_trip),
        cmocka_unit_test(seal_tampering_detected),
        T(create_get_list),
        T(list_in_order_and_stops),
        T(update_clears_back_off),
        T(retry_and_delete),
        T(clamp_keeps_cursor_below_the_newest),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
