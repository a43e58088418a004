/*
 * Unit tests of xapi/document: the State, Activity Profile and Agent Profile
 * documents, against a migrated SQLite file with two institutions, A and B.
 * One fresh database per test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ftw.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"
#include "util/alloc.h"
#include "util/log.h"
#include "xapi/document.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

#define ACTIVITY "http://example.com/activities/ward-round"
#define AGENT    "mbox:mailto:li.lei@example.com"
#define AGENT2   "mbox:mailto:han.meimei@example.com"
#define REG      "ec531277-b57b-4c15-8d91-d292c5b2b8f7"

static char tmpdir[] = "/tmp/cc_test_xapi_document_XXXXXX";

struct fixture {
    struct store *db;
    int64_t inst_a, inst_b;
};

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path);
}

static int group_setup(void **state)
{
    log_set_level(LOG_LEVEL_OFF);
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int group_teardown(void **state)
{
    return nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

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
    snprintf(url, sizeof(url), "sqlite:%s/doc%d.sqlite", tmpdir, ++n);
    struct fixture *f = calloc(1, sizeof(*f));
    if (!f || store_open(url, &f->db) || store_migrate(f->db))
        return -1;
    if (store_exec(f->db, "INSERT INTO institutions (name_en, name_zh, country, created_at) VALUES"
                          " ('College A', '甲学院', 'CN', '2026-01-01T00:00:00Z'),"
                          " ('College B', '乙学院', 'US', '2026-01-01T00:00:00Z')"))
        return -1;
    f->inst_a = query_int(f->db, "SELECT id FROM institutions WHERE name_en = 'College A'");
    f->inst_b = query_int(f->db, "SELECT id FROM institutions WHERE name_en = 'College B'");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    cc_alloc_fail_after(0);
    store_close(&f->db);
    free(f);
    return 0;
}

static struct xapi_doc_key state_key(int64_t inst, const char *agent, const char *registration,
                                     const char *id)
{
    struct xapi_doc_key k = {inst, XAPI_DOC_STATE, ACTIVITY, agent, registration, id};
    return k;
}

static struct xapi_doc_key activity_profile_key(int64_t inst, const char *id)
{
    struct xapi_doc_key k = {inst, XAPI_DOC_ACTIVITY_PROFILE, ACTIVITY, NULL, NULL, id};
    return k;
}

static struct xapi_doc_key agent_profile_key(int64_t inst, const char *agent, const char *id)
{
    struct xapi_doc_key k = {inst, XAPI_DOC_AGENT_PROFILE, NULL, agent, NULL, id};
    return k;
}

/* PUT (or with MERGE, POST) of the string BODY. */
static int put(struct fixture *f, const struct xapi_doc_key *k, const char *body, const char *type,
               const struct xapi_doc_conditions *c, int merge)
{
    return xapi_doc_put(f->db, k, body, strlen(body), type, c, merge);
}

static void put_json(struct fixture *f, const struct xapi_doc_key *k, const char *body)
{
    assert_int_equal(put(f, k, body, "application/json", NULL, 0), XAPI_OK);
}

/* Asserts that the document K names holds exactly BODY. */
static void assert_body(struct fixture *f, const struct xapi_doc_key *k, const char *body)
{
    struct xapi_doc d;
    int err = xapi_doc_get(f->db, k, &d);
    if (err)
        fail_msg("get %s: %d, expected \"%s\"", k->doc_id, err, body);
    assert_int_equal(d.len, strlen(body));
    assert_memory_equal(d.content, body, d.len);
    xapi_doc_release(&d);
}

static void assert_missing(struct fixture *f, const struct xapi_doc_key *k)
{
    struct xapi_doc d;
    assert_int_equal(xapi_doc_get(f->db, k, &d), XAPI_ERR_NOT_FOUND);
    assert_null(d.content);
    xapi_doc_release(&d);
}

/* The ETag of the document K names, in ETAG. */
static void get_etag(struct fixture *f, const struct xapi_doc_key *k, char etag[XAPI_DOC_ETAG_SIZE])
{
    struct xapi_doc d;
    assert_int_equal(xapi_doc_get(f->db, k, &d), XAPI_OK);
    memcpy(etag, d.etag, XAPI_DOC_ETAG_SIZE);
    xapi_doc_release(&d);
}

static void sha1_hex(const void *p, size_t n, char out[41])
{
    unsigned char md[SHA_DIGEST_LENGTH];
    SHA1(p, n, md);
    for (int i = 0; i < SHA_DIGEST_LENGTH; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

struct ids {
    int n;
    char id[16][64];
};

static int collect(void *ctx, const char *id)
{
    struct ids *s = ctx;
    if (s->n < 16)
        snprintf(s->id[s->n++], 64, "%s", id);
    return 0;
}

/* Lists the set K names (updated after SINCE) and asserts the ids are exactly the N of WANT. */
static void assert_list(struct fixture *f, const struct xapi_doc_key *k, const char *since,
                        const char *const *want, int n)
{
    struct ids got = {0};
    int err = xapi_doc_list(f->db, k, since, collect, &got, NULL);
    if (err)
        fail_msg("list since %s: %d", since ? since : "-", err);
    if (got.n != n)
        fail_msg("list since %s: %d ids, expected %d", since ? since : "-", got.n, n);
    for (int i = 0; i < n; i++)
        assert_string_equal(got.id[i], want[i]);
}

/* The wall clock now, to the millisecond, as `updated` is stored. */
static void utc_now(char out[XAPI_DOC_TIME_SIZE])
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    time_t t = ts.tv_sec;
    struct tm tm;
    gmtime_r(&t, &tm);
    char secs[32];
    strftime(secs, sizeof(secs), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, XAPI_DOC_TIME_SIZE, "%.19s.%03dZ", secs, (int)(ts.tv_nsec / 1000000));
}

static void put_get_round_trip(void **state)
{
    struct fixture *f = *state;
    struct xapi_doc_key k = state_key(f->inst_a, AGENT, NULL, "bookmark");
    const char *body = "{\"page\": 12, \"note\": \"伤口护理\"}";
    char before[XAPI_DOC_TIME_SIZE], after[XAPI_DOC_TIME_SIZE];
    utc_now(before);
    assert_int_equal(put(f, &k, body, "application/json", NULL, 0), XAPI_OK);
    utc_now(after);
    struct xapi_doc d;
    assert_int_equal(xapi_doc_get(f->db, &k, &d), XAPI_OK);
    assert_int_equal(d.len, strlen(body));
    assert_string_equal(d.content, body); /* stored as sent, byte for byte, NUL-terminated */
    assert_string_equal(d.content_type, "application/json");
    /* Now, in UTC with milliseconds ("2026-11-29T12:00:00.000Z"). */
    assert_int_equal(strlen(d.updated), 24);
    assert_true(d.updated[10] == 'T' && d.updated[19] == '.' && d.updated[23] == 'Z');
    assert_true(strcmp(d.updated, before) >= 0 && strcmp(d.updated, after) <= 0);
    xapi_doc_release(&d);
    assert_null(d.content);

    /* The other two kinds too. */
    struct xapi_doc_key ap = activity_profile_key(f->inst_a, "scoring");
    struct xapi_doc_key gp = agent_profile_key(f->inst_a, AGENT, "preferences");
    assert_int_equal(put(f, &ap, "plain text", "text/plain", NULL, 0), XAPI_OK);
    assert_int_equal(put(f, &gp, "{}", "application/json", NULL, 0), XAPI_OK);
    assert_body(f, &ap, "plain text");
    assert_body(f, &gp, "{}");
    assert_missing(
        f, &(struct xapi_doc_key){f->inst_a, XAPI_DOC_STATE, ACTIVITY, AGENT, NULL, "other"});
}

static void put_get_binary(void **state)
{
    struct fixture *f = *state;
    struct xapi_doc_key k = state_key(f->inst_a, AGENT, NULL, "photo");
    unsigned char bin[300];
    for (size_t i = 0; i < sizeof(bin); i++)
        bin[i] = (unsigned char)(i * 7 + 3); /* every byte value, NULs and invalid UTF-8 too */
    bin[0] = 0;
    assert_int_equal(xapi_doc_put(f->db, &k, bin, sizeof(bin), NULL, NULL, 0), XAPI_OK);
    struct xapi_doc d;
    assert_int_equal(xapi_doc_get(f->db, &k, &d), XAPI_OK);
    assert_int_equal(d.len, sizeof(bin));
    assert_memory_equal(d.content, bin, sizeof(bin));
    assert_int_equal(d.content[d.len], 0);
    assert_string_equal(d.content_type, "application/octet-stream"); /* none given */
    xapi_doc_release(&d);

    /* An empty document is a document. */
    struct xapi_doc_key e = state_key(f->inst_a, AGENT, NULL, "empty");
    assert_int_equal(xapi_doc_put(f->db, &e, NULL, 0, "text/plain", NULL, 0), XAPI_OK);
    assert_int_equal(xapi_doc_get(f->db, &e, &d), XAPI_OK);
    assert_int_equal(d.len, 0);
    assert_string_equal(d.content, "");
    assert_string_equal(d.etag, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    xapi_doc_release(&d);
}

static void etag_is_sha1_of_content(void **state)
{
    struct fixture *f = *state;
    struct xapi_doc_key k = activity_profile_key(f->inst_a, "abc");
    assert_int_equal(put(f, &k, "abc", "text/plain", NULL, 0), XAPI_OK);
    char etag[XAPI_DOC_ETAG_SIZE];
    get_etag(f, &k, etag);
    /* The FIPS 180 test vector: SHA-1("abc"), in lower-case hex. */
    assert_string_equal(etag, "a9993e364706816aba3e25717850c26c9cd0d89d");

    /* A replaced document gets the ETag of its new content. */
    const char *body = "{\"score\":0.75}";
    struct xapi_doc_conditions c = {.if_match = etag};
    assert_int_equal(put(f, &k, body, "application/json", &c, 0), XAPI_OK);
    char want[41];
    sha1_hex(body, strlen(body), want);
    get_etag(f, &k, etag);
    assert_string_equal(etag, want);
}

static void put_replaces(void **state)
{
    struct fixture *f = *state;
    struct xapi_doc_key k = state_key(f->inst_a, AGENT, NULL, "progress");
    put_json(f, &k, "{\"a\":1,\"b\":2}");
    assert_int_equal(put(f, &k, "{\"c\":3}", "application/json", NULL, 0), XAPI_OK);
    assert_body(f, &k, "{\"c\":3}"); /* replaced, not merged */
    assert_int_equal(put(f, &k, "done", "text/plain", NULL, 0), XAPI_OK);
    struct xapi_doc d;
    assert_int_equal(xapi_doc_get(f->db, &k, &d), XAPI_OK);
    assert_string_equal(d.content, "done");
    assert_string_equal(d.content_type, "text/plain");
    xapi_doc_release(&d);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM xapi_documents"), 1);
}

static void merge_objects_one_level(void **state)
{
    struct fixture *f = *state;
    struct xapi_doc_key k = state_key(f->inst_a, AGENT, NULL, "answers");
    put_json(f, &k, "{\"a\": 1, \"b\": {\"x\": 1, \"z\": 0}, \"d\": [1]}");
    assert_int_equal(put(f, &k, "{\"b\": {\"y\": 2}, \"c\": 3, \"a\": \"one\"}",
                         "application/json; charset=utf-8", NULL, 1),
                     XAPI_OK);
    /* Top-level members of the new overwrite the old whole ("b" loses x and z); the rest stay. */
    const char *merged = "{\"a\":\"one\",\"b\":{\"y\":2},\"d\":[1],\"c\":3}";
    assert_body(f, &k, merged);
    struct xapi_doc d;
    assert_int_equal(xapi_doc_get(f->db, &k, &d), XAPI_OK);
    assert_string_equal(d.content_type, "application/json");
    char want[41];
    sha1_hex(merged, strlen(merged), want);
    assert_string_equal(d.etag, want); /* the ETag of what is stored now */
    xapi_doc_release(&d);

    /* The media type is case-insensitive. */
    assert_int_equal(put(f, &k, "{\"e\":true}", "Application/JSON", NULL, 1), XAPI_OK);
    assert_body(f, &k, "{\"a\":\"one\",\"b\":{\"y\":2},\"d\":[1],\"c\":3,\"e\":true}");
}

static void merge_on_absent_creates(void **state)
{
    struct fixture *f = *state;
    struct xapi_doc_key k = agent_profile_key(f->inst_a, AGENT, "settings");
    const char *body = "{ \"lang\" : \"zh-CN\" }";
    assert_int_equal(put(f, &k, body, "application/json", NULL, 1), XAPI_OK);
    assert_body(f, &k, body); /* stored as it came, not re-serialised */
}

static void merge_posted_not_object_is_invalid(void **state)
{
    struct fixture *f = *state;
    struct xapi_doc_key k = state_key(f->inst_a, AGENT, NULL, "answers");
    const char *orig = "{\"a\":1}";
    put_json(f, &k, orig);
    char etag[XAPI_DOC_ETAG_SIZE];
    get_etag(f, &k, etag);
    static const struct {
        const char *body, *type;
    } bad[] = {
        {"abcdefg", "not/json"},
        {"abc", "application/x-www-form-urlencoded"},
        {"{\"b\":2}", "text/plain"},    /* an object, but not said to be JSON */
        {"{\"b\":2}", NULL},            /* no content type at all */
        {"[1, 2]", "application/json"}, /* JSON, not an object */
        {"\"abc\"", "application/json"},
        {"{\"b\":2}{", "application/json"},        /* not JSON */
        {"{\"b\":2,\"b\":3}", "application/json"}, /* duplicate keys */
        {"", "application/json"},
        {"{\"b\":2}", "application/jsonp"},
    };
    for (size_t i = 0; i < N_ELEMS(bad); i++) {
        int err = put(f, &k, bad[i].body, bad[i].type, NULL, 1);
        if (err != XAPI_ERR_INVALID)
            fail_msg("posting %s as %s: %d", bad[i].body, bad[i].type ? bad[i].type : "-", err);
    }
    assert_string_equal(xapi_doc_message(XAPI_ERR_INVALID), "xapi_doc_not_json");
    assert_body(f, &k, orig);
    char now[XAPI_DOC_ETAG_SIZE];
    get_etag(f, &k, now);
    assert_string_equal(now, etag);

    /* Not even created when nothing is stored. */
    struct xapi_doc_key absent = state_key(f->inst_a, AGENT, NULL, "absent");
    assert_int_equal(put(f, &absent, "[1]", "application/json", NULL, 1), XAPI_ERR_INVALID);
    assert_missing(f, &absent);
}

static void merge_stored_not_object_is_invalid(void **state)
{
    struct fixture *f = *state;
    struct xapi_doc_key k = state_key(f->inst_a, AGENT, NULL, "raw");
    assert_int_equal(put(f, &k, "/ asdf / undefined", "application/octet-stream", NULL, 0),
                     XAPI_OK);
    assert_int_equal(put(f, &k, "{\"a\":1}", "application/json", NULL, 1), XAPI_ERR_INVALID);
    assert_body(f, &k, "/ asdf / undefined");

    /* An object stored under another content type is not a JSON document. */
    struct xapi_doc_key t = state_key(f->inst_a, AGENT, NULL, "text");
    assert_int_equal(put(f, &t, "{\"a\":1}", "text/plain", NULL, 0), XAPI_OK);
    assert_int_equal(put(f, &t, "{\"b\":2}", "application/json", NULL, 1), XAPI_ERR_INVALID);
    assert_body(f, &t, "{\"a\":1}");

    /* Nor is a JSON array. */
    struct xapi_doc_key a = state_key(f->inst_a, AGENT, NULL, "array");
    put_json(f, &a, "[1,2]");
    assert_int_equal(put(f, &a, "{\"b\":2}", "application/json", NULL, 1), XAPI_ERR_INVALID);
    assert_body(f, &a, "[1,2]");
}

static void if_match(void **state)
{
    struct fixture *f = *state;
    struct xapi_doc_key k = agent_profile_key(f->inst_a, AGENT, "p");
    put_json(f, &k, "{\"v\":1}");
    char etag[XAPI_DOC_ETAG_SIZE], quoted[64], upper[64], listed[128];
    get_etag(f, &k, etag);
    snprintf(quoted, sizeof(quoted), "\"%s\"", etag);
    snprintf(listed, sizeof(listed), "\"1111111111111111111111111111111111111111\", \"%s\"", etag);
    for (size_t i = 0; i <= strlen(etag); i++)
        upper[i] = (char)(etag[i] >= 'a' && etag[i] <= 'f' ? etag[i] - 32 : etag[i]);

    /* Wrong: 412, and the document stays. */
    const char *wrong[] = {"\"1111111111111111111111111111111111111111\"", "\"1234\"", "1234", "",
                           "W/\"x\""};
    for (size_t i = 0; i < N_ELEMS(wrong); i++) {
        struct xapi_doc_conditions c = {.if_match = wrong[i], .require_condition = 1};
        assert_int_equal(put(f, &k, "{\"v\":2}", "application/json", &c, 0), XAPI_ERR_PRECONDITION);
        assert_int_equal(put(f, &k, "{\"v\":2}", "application/json", &c, 1),
                         XAPI_ERR_PRECONDITION); /* POST honours it too */
    }
    assert_string_equal(xapi_doc_message(XAPI_ERR_PRECONDITION), "xapi_precondition_failed");
    assert_body(f, &k, "{\"v\":1}");

    /* A weak tag never matches If-Match (strong comparison). */
    char weak[80];
    snprintf(weak, sizeof(weak), "W/%s", quoted);
    struct xapi_doc_conditions cw = {.if_match = weak};
    assert_int_equal(put(f, &k, "{\"v\":2}", "application/json", &cw, 0), XAPI_ERR_PRECONDITION);

    /* Right, quoted or bare, in either case, in a list, or "*": 204. */
    const char *right[] = {quoted, etag, upper, listed, "*"};
    for (size_t i = 0; i < N_ELEMS(right); i++) {
        get_etag(f, &k, etag);
        snprintf(quoted, sizeof(quoted), "\"%s\"", etag);
        snprintf(listed, sizeof(listed), "\"1111111111111111111111111111111111111111\", \"%s\"",
                 etag);
        for (size_t j = 0; j <= strlen(etag); j++)
            upper[j] = (char)(etag[j] >= 'a' && etag[j] <= 'f' ? etag[j] - 32 : etag[j]);
        char body[32];
        snprintf(body, sizeof(body), "{\"v\":%zu}", 10 + i);
        struct xapi_doc_conditions c = {.if_match = right[i], .require_condition = 1};
        int err = put(f, &k, body, "application/json", &c, 0);
        if (err)
            fail_msg("If-Match: %s: %d", right[i], err);
        assert_body(f, &k, body);
    }

    /* The right tag on a POST merges. */
    get_etag(f, &k, etag);
    struct xapi_doc_conditions cm = {.if_match = etag};
    assert_int_equal(put(f, &k, "{\"w\":1}", "application/json", &cm, 1), XAPI_OK);
    assert_body(f, &k, "{\"v\":14,\"w\":1}");
}

static void if_match_on_missing_document(void **state)
{
    struct fixture *f = *state;
    struct xapi_doc_key k = activity_profile_key(f->inst_a, "missing");
    const char *tags[] = {"*", "\"a9993e364706816aba3e25717850c26c9cd0d89d\""};
    for (size_t i = 0; i < N_ELEMS(tags); i++) {
        struct xapi_doc_conditions c = {.if_match = tags[i]};
        assert_int_equal(put(f, &k, "{}", "application/json", &c, 0), XAPI_ERR_PRECONDITION);
        assert_int_equal(put(f, &k, "{}", "application/json", &c, 1), XAPI_ERR_PRECONDITION);
        assert_missing(f, &k);
    }
}

static void if_none_match(void **state)
{
    struct fixture *f = *state;
    struct xapi_doc_key k = activity_profile_key(f->inst_a, "new");
    struct xapi_doc_conditions star = {.if_none_match = "*", .require_condition = 1};
    /* Absent: created. */
    assert_int_equal(put(f, &k, "{\"v\":1}", "application/json", &star, 0), XAPI_OK);
    assert_body(f, &k, "{\"v\":1}");
    /* Present: 412, unchanged; POST too. */
    assert_int_equal(put(f, &k, "{\"v\":2}", "application/json", &star, 0), XAPI_ERR_PRECONDITION);
    assert_int_equal(put(f, &k, "{\"v\":2}", "application/json", &star, 1), XAPI_ERR_PRECONDITION);
    assert_body(f, &k, "{\"v\":1}");

    /* With tags: fails only when the stored one is listed (weakly compared). */
    char etag[XAPI_DOC_ETAG_SIZE], weak[64];
    get_etag(f, &k, etag);
    snprintf(weak, sizeof(weak), "W/\"%s\"", etag);
    struct xapi_doc_conditions same = {.if_none_match = weak, .require_condition = 1};
    assert_int_equal(put(f, &k, "{\"v\":3}", "application/json", &same, 0), XAPI_ERR_PRECONDITION);
    assert_body(f, &k, "{\"v\":1}");
    struct xapi_doc_conditions other = {.if_none_match = "\"1234\"", .require_condition = 1};
    assert_int_equal(put(f, &k, "{\"v\":3}", "application/json", &other, 0), XAPI_OK);
    assert_body(f, &k, "{\"v\":3}");
}

static void profile_put_without_condition_conflicts(void **state)
{
    struct fixture *f = *state;
    struct xapi_doc_key keys[] = {activity_profile_key(f->inst_a, "x"),
                                  agent_profile_key(f->inst_a, AGENT, "x")};
    for (size_t i = 0; i < N_ELEMS(keys); i++) {
        struct xapi_doc_conditions none = {.require_condition =
                                               xapi_doc_needs_condition(keys[i].kind, XAPI_V103)};
        assert_int_equal(none.require_condition, 1);
        /* Absent: a PUT without headers creates. */
        assert_int_equal(put(f, &keys[i], "{\"v\":1}", "application/json", &none, 0), XAPI_OK);
        /* Present: 409, unchanged. */
        assert_int_equal(put(f, &keys[i], "{\"v\":2}", "application/json", &none, 0),
                         XAPI_ERR_CONFLICT);
        assert_body(f, &keys[i], "{\"v\":1}");
        /* POST needs no header: it merges. */
        assert_int_equal(put(f, &keys[i], "{\"w\":2}", "application/json", &none, 1), XAPI_OK);
        assert_body(f, &keys[i], "{\"v\":1,\"w\":2}");
        /* With the right If-Match the PUT replaces. */
        char etag[XAPI_DOC_ETAG_SIZE];
        get_etag(f, &keys[i], etag);
        struct xapi_doc_conditions c = {.if_match = etag, .require_condition = 1};
        assert_int_equal(put(f, &keys[i], "{\"v\":3}", "application/json", &c, 0), XAPI_OK);
        assert_body(f, &keys[i], "{\"v\":3}");
    }
    assert_string_equal(xapi_doc_message(XAPI_ERR_CONFLICT), "xapi_doc_exists");
}

static void state_put_without_condition_allowed(void **state)
{
    struct fixture *f = *state;
    struct xapi_doc_key k = state_key(f->inst_a, AGENT, NULL, "s");
    struct xapi_doc_conditions c = {.require_condition =
                                        xapi_doc_needs_condition(XAPI_DOC_STATE, XAPI_V103)};
    assert_int_equal(c.require_condition, 0);
    assert_int_equal(put(f, &k, "{\"v\":1}", "application/json", &c, 0), XAPI_OK);
    assert_int_equal(put(f, &k, "{\"v\":2}", "application/json", &c, 0), XAPI_OK);
    assert_body(f, &k, "{\"v\":2}");
    assert_int_equal(put(f, &k, "{\"v\":3}", "application/json", NULL, 0), XAPI_OK);
    assert_body(f, &k, "{\"v\":3}");

    /* xAPI 2.0 puts the state resource under ETag concurrency too (its suite expects 409). */
    struct xapi_doc_conditions c2 = {.require_condition =
                                         xapi_doc_needs_condition(XAPI_DOC_STATE, XAPI_V20)};
    assert_int_equal(c2.require_condition, 1);
    assert_int_equal(put(f, &k, "{\"v\":4}", "application/json", &c2, 0), XAPI_ERR_CONFLICT);
    assert_body(f, &k, "{\"v\":3}");
    assert_true(xapi_doc_needs_condition(XAPI_DOC_ACTIVITY_PROFILE, XAPI_V20));
    assert_true(xapi_doc_needs_condition(XAPI_DOC_AGENT_PROFILE, XAPI_V20));
}

static void key_fields_are_distinct(void **state)
{
    struct fixture *f = *state;
    struct xapi_doc_key none = state_key(f->inst_a, AGENT, NULL, "s");
    struct xapi_doc_key reg = state_key(f->inst_a, AGENT, REG, "s");
    put_json(f, &none, "{\"r\":\"none\"}");
    assert_missing(f, &reg);
    put_json(f, &reg, "{\"r\":\"reg\"}");
    assert_body(f, &none, "{\"r\":\"none\"}");
    assert_body(f, &reg, "{\"r\":\"reg\"}");

    /* A registration is a UUID: its case does not make another key. */
    struct xapi_doc_key upper =
        state_key(f->inst_a, AGENT, "EC531277-B57B-4C15-8D91-D292C5B2B8F7", "s");
    assert_body(f, &upper, "{\"r\":\"reg\"}");

    /* Another agent, activity or kind with the same id is another document. */
    struct xapi_doc_key agent2 = state_key(f->inst_a, AGENT2, NULL, "s");
    assert_missing(f, &agent2);
    struct xapi_doc_key act2 = none;
    act2.activity_id = "http://example.com/activities/other";
    assert_missing(f, &act2);
    struct xapi_doc_key ap = activity_profile_key(f->inst_a, "s");
    assert_missing(f, &ap);
    struct xapi_doc_key gp = agent_profile_key(f->inst_a, AGENT, "s");
    assert_missing(f, &gp);

    /* Fields a kind does not use are ignored. */
    put_json(f, &ap, "{\"ap\":1}");
    struct xapi_doc_key ap_extra = ap;
    ap_extra.agent_key = AGENT2;
    ap_extra.registration = REG;
    assert_body(f, &ap_extra, "{\"ap\":1}");
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM xapi_documents"), 3);
}

static void list_ids_sorted(void **state)
{
    struct fixture *f = *state;
    const char *ids[] = {"b", "a", "c-2", "c-10"};
    for (size_t i = 0; i < N_ELEMS(ids); i++) {
        struct xapi_doc_key k = state_key(f->inst_a, AGENT, NULL, ids[i]);
        put_json(f, &k, "{}");
    }
    /* Documents of other sets are not listed. */
    struct xapi_doc_key other[] = {
        state_key(f->inst_a, AGENT, REG, "r"), state_key(f->inst_a, AGENT2, NULL, "g"),
        activity_profile_key(f->inst_a, "ap"), agent_profile_key(f->inst_a, AGENT, "gp"),
        state_key(f->inst_b, AGENT, NULL, "z")};
    for (size_t i = 0; i < N_ELEMS(other); i++)
        put_json(f, &other[i], "{}");
    struct xapi_doc_key set = state_key(f->inst_a, AGENT, NULL, NULL);
    const char *want[] = {"a", "b", "c-10", "c-2"};
    assert_list(f, &set, NULL, want, 4);
    struct xapi_doc_key reg = state_key(f->inst_a, AGENT, REG, NULL);
    assert_list(f, &reg, NULL, (const char *[]){"r"}, 1);
    struct xapi_doc_key ap = activity_profile_key(f->inst_a, NULL);
    assert_list(f, &ap, NULL, (const char *[]){"ap"}, 1);
    struct xapi_doc_key gp = agent_profile_key(f->inst_a, AGENT, NULL);
    assert_list(f, &gp, NULL, (const char *[]){"gp"}, 1);
    struct xapi_doc_key empty = agent_profile_key(f->inst_a, AGENT2, NULL);
    assert_list(f, &empty, NULL, NULL, 0);
}

static int stop_at_first(void *ctx, const char *id)
{
    (*(int *)ctx)++;
    return 7;
}

static void list_callback_stops(void **state)
{
    struct fixture *f = *state;
    put_json(
        f, &(struct xapi_doc_key){f->inst_a, XAPI_DOC_ACTIVITY_PROFILE, ACTIVITY, NULL, NULL, "a"},
        "{}");
    put_json(
        f, &(struct xapi_doc_key){f->inst_a, XAPI_DOC_ACTIVITY_PROFILE, ACTIVITY, NULL, NULL, "b"},
        "{}");
    int calls = 0;
    struct xapi_doc_key set = activity_profile_key(f->inst_a, NULL);
    assert_int_equal(xapi_doc_list(f->db, &set, NULL, stop_at_first, &calls, NULL), 7);
    assert_int_equal(calls, 1);
}

static void set_updated(struct fixture *f, const char *id, const char *updated)
{
    char sql[256];
    snprintf(sql, sizeof(sql), "UPDATE xapi_documents SET updated = '%s' WHERE doc_id = '%s'",
             updated, id);
    assert_int_equal(store_exec(f->db, sql), STORE_OK);
}

static void list_since(void **state)
{
    struct fixture *f = *state;
    const char *ids[] = {"a", "b", "c"};
    for (size_t i = 0; i < N_ELEMS(ids); i++)
        put_json(
            f, &(struct xapi_doc_key){f->inst_a, XAPI_DOC_AGENT_PROFILE, NULL, AGENT, NULL, ids[i]},
            "{}");
    set_updated(f, "a", "2026-01-01T10:00:00.000Z");
    set_updated(f, "b", "2026-01-01T10:00:00.500Z");
    set_updated(f, "c", "2026-01-01T11:00:00.000Z");
    struct xapi_doc_key set = agent_profile_key(f->inst_a, AGENT, NULL);
    const char *abc[] = {"a", "b", "c"}, *bc[] = {"b", "c"}, *c[] = {"c"};
    struct {
        const char *since;
        const char *const *want;
        int n;
    } cases[] = {
        {NULL, abc, 3},
        {"2026-01-01T09:59:59.999Z", abc, 3},
        {"2026-01-01T10:00:00Z", bc, 2}, /* exclusive: a was updated at that instant */
        {"2026-01-01T10:00:00.000Z", bc, 2},
        {"2026-01-01T18:00:00+08:00", bc, 2},      /* = 10:00Z */
        {"2026-01-01T18:00:00.4999+08:00", bc, 2}, /* past the millisecond: dropped */
        {"2026-01-01T18:00:00.5+08:00", c, 1},     /* = b's instant */
        {"2026-01-01T05:00:00-05:00", bc, 2},
        {"2026-01-01T10:30:00+0000", c, 1},
        {"2026-01-01T02:00:00-08", bc, 2},
        /* As text these sort after every document (and before, below); as instants they do not. */
        {"2026-01-01T12:00:00+08:00", abc, 3},  /* = 04:00Z */
        {"2026-01-01T09:00:00-02:00", NULL, 0}, /* = 11:00Z: c is not after it */
        {"2025-12-31T22:30:00-12:00", c, 1},    /* the day before there, 10:30Z here */
    };
    for (size_t i = 0; i < N_ELEMS(cases); i++)
        assert_list(f, &set, cases[i].since, cases[i].want, cases[i].n);

    const char *bad[] = {"not a timestamp", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z",
                         "2026-01-01", ""};
    for (size_t i = 0; i < N_ELEMS(bad); i++) {
        struct ids got = {0};
        assert_int_equal(xapi_doc_list(f->db, &set, bad[i], collect, &got, NULL), XAPI_ERR_INVALID);
        assert_int_equal(got.n, 0);
    }
}

/* The Last-Modified of a list: the newest of the listed documents, whatever their ids. */
static void list_latest(void **state)
{
    struct fixture *f = *state;
    const char *ids[] = {"a", "b", "c"};
    for (size_t i = 0; i < N_ELEMS(ids); i++)
        put_json(
            f, &(struct xapi_doc_key){f->inst_a, XAPI_DOC_AGENT_PROFILE, NULL, AGENT, NULL, ids[i]},
            "{}");
    /* Another learner's newer document is not in the list. */
    put_json(f, &(struct xapi_doc_key){f->inst_a, XAPI_DOC_AGENT_PROFILE, NULL, AGENT2, NULL, "z"},
             "{}");
    set_updated(f, "a", "2026-01-01T11:00:00.000Z");
    set_updated(f, "b", "2026-01-01T10:00:00.000Z");
    set_updated(f, "c", "2026-01-01T10:30:00.000Z");
    set_updated(f, "z", "2026-01-02T00:00:00.000Z");
    struct xapi_doc_key set = agent_profile_key(f->inst_a, AGENT, NULL);
    static const struct {
        const char *since, *latest;
    } cases[] = {
        {NULL, "2026-01-01T11:00:00.000Z"},
        {"2026-01-01T10:45:00Z", "2026-01-01T11:00:00.000Z"},
        {"2026-01-01T11:00:00Z", ""}, /* nothing listed: no time */
    };
    for (size_t i = 0; i < N_ELEMS(cases); i++) {
        struct ids got = {0};
        char latest[XAPI_DOC_TIME_SIZE] = "x";
        assert_int_equal(xapi_doc_list(f->db, &set, cases[i].since, collect, &got, latest),
                         XAPI_OK);
        assert_string_equal(latest, cases[i].latest);
    }
    set_updated(f, "b", "2026-01-01T12:00:00.000Z");
    struct ids got = {0};
    char latest[XAPI_DOC_TIME_SIZE];
    assert_int_equal(xapi_doc_list(f->db, &set, NULL, collect, &got, latest), XAPI_OK);
    assert_string_equal(latest, "2026-01-01T12:00:00.000Z");
}

static void since_parse_normalises(void **state)
{
    static const struct {
        const char *in, *out;
    } good[] = {
        {"2026-11-29T20:00:00.5+08:00", "2026-11-29T12:00:00.500Z"},
        {"2026-11-29T12:00:00Z", "2026-11-29T12:00:00.000Z"},
        {"2026-11-29t12:00:00z", "2026-11-29T12:00:00.000Z"},
        {"2026-11-29T12:00:00", "2026-11-29T12:00:00.000Z"}, /* no offset: UTC */
        {"2026-11-29T12:00:00.123456789Z", "2026-11-29T12:00:00.123Z"},
        {"2026-11-29T12:00:00,25Z", "2026-11-29T12:00:00.250Z"},
        {"2026-11-29T12:00:00-00:00", "2026-11-29T12:00:00.000Z"},
        {"2026-11-29T12:00:00+0530", "2026-11-29T06:30:00.000Z"},
        {"2026-11-29T12:00:00-07", "2026-11-29T19:00:00.000Z"},
        {"2026-01-01T00:30:00+01:00", "2025-12-31T23:30:00.000Z"}, /* into the year before */
        {"2024-02-29T23:00:00-02:00", "2024-03-01T01:00:00.000Z"}, /* a leap day, then March */
        {"2000-02-29T00:00:00Z", "2000-02-29T00:00:00.000Z"},
        {"1969-12-31T23:59:59.999Z", "1969-12-31T23:59:59.999Z"},  /* before the epoch */
        {"2016-12-31T23:59:60Z", "2016-12-31T23:59:59.999Z"},      /* a leap second */
        {"0000-01-01T00:00:00+01:00", "0000-01-01T00:00:00.000Z"}, /* clamped to the range */
        {"9999-12-31T23:00:00-02:00", "9999-12-31T23:59:59.999Z"},
    };
    for (size_t i = 0; i < N_ELEMS(good); i++) {
        char out[XAPI_DOC_TIME_SIZE] = "";
        int err = xapi_doc_since_parse(good[i].in, out);
        if (err || strcmp(out, good[i].out) != 0)
            fail_msg("%s: %d \"%s\", expected \"%s\"", good[i].in, err, out, good[i].out);
    }
    static const char *const bad[] = {
        "",
        "2026-11-29",
        "2026-11-29 12:00:00Z",
        "2026-11-29T12:00Z",
        "2026-11-29T12:00:00.Z",
        "2026-11-29T24:00:00Z",
        "2026-11-29T12:60:00Z",
        "2026-11-29T12:00:61Z",
        "2026-11-31T12:00:00Z",
        "2026-02-29T12:00:00Z",
        "1900-02-29T12:00:00Z",
        "2026-00-10T12:00:00Z",
        "2026-11-00T12:00:00Z",
        "2026-11-29T12:00:00+8:00",
        "2026-11-29T12:00:00+08:",
        "2026-11-29T12:00:00+08:0",
        "2026-11-29T12:00:00+24:00",
        "2026-11-29T12:00:00+08:60",
        "2026-11-29T12:00:00Zjunk",
        "2026-11-29T12:00:00Z ",
        "+2026-11-29T12:00:00Z",
        "20261129T120000Z",
    };
    for (size_t i = 0; i < N_ELEMS(bad); i++) {
        char out[XAPI_DOC_TIME_SIZE];
        if (xapi_doc_since_parse(bad[i], out) != XAPI_ERR_INVALID)
            fail_msg("accepted \"%s\"", bad[i]);
    }
    char out[XAPI_DOC_TIME_SIZE];
    assert_int_equal(xapi_doc_since_parse(NULL, out), XAPI_ERR_INVALID);
}

static void delete_one(void **state)
{
    struct fixture *f = *state;
    struct xapi_doc_key k = state_key(f->inst_a, AGENT, NULL, "a");
    struct xapi_doc_key keep = state_key(f->inst_a, AGENT, NULL, "b");
    put_json(f, &k, "{\"v\":1}");
    put_json(f, &keep, "{\"v\":2}");

    /* If-Match wrong (or on a missing document): 412, nothing deleted. */
    struct xapi_doc_conditions wrong = {.if_match = "\"1234\""};
    assert_int_equal(xapi_doc_delete(f->db, &k, &wrong), XAPI_ERR_PRECONDITION);
    assert_body(f, &k, "{\"v\":1}");
    struct xapi_doc_conditions star = {.if_none_match = "*"};
    assert_int_equal(xapi_doc_delete(f->db, &k, &star), XAPI_ERR_PRECONDITION);
    assert_body(f, &k, "{\"v\":1}");

    /* If-Match right: deleted, and only that one. */
    char etag[XAPI_DOC_ETAG_SIZE];
    get_etag(f, &k, etag);
    struct xapi_doc_conditions right = {.if_match = etag};
    assert_int_equal(xapi_doc_delete(f->db, &k, &right), XAPI_OK);
    assert_missing(f, &k);
    assert_body(f, &keep, "{\"v\":2}");
    assert_int_equal(xapi_doc_delete(f->db, &k, &right), XAPI_ERR_PRECONDITION);
    assert_int_equal(xapi_doc_delete(f->db, &k, NULL), XAPI_ERR_NOT_FOUND);

    /* Without conditions. */
    assert_int_equal(xapi_doc_delete(f->db, &keep, NULL), XAPI_OK);
    assert_missing(f, &keep);

    /* Profiles too; a profile set cannot be deleted whole. */
    struct xapi_doc_key ap = activity_profile_key(f->inst_a, "p");
    put_json(f, &ap, "{}");
    struct xapi_doc_key ap_set = activity_profile_key(f->inst_a, NULL);
    assert_int_equal(xapi_doc_delete(f->db, &ap_set, NULL), XAPI_ERR_INVALID);
    assert_body(f, &ap, "{}");
    assert_int_equal(xapi_doc_delete(f->db, &ap, &(struct xapi_doc_conditions){0}), XAPI_OK);
    assert_missing(f, &ap);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM xapi_documents"), 0);
}

static void delete_state_set(void **state)
{
    struct fixture *f = *state;
    const char *ids[] = {"a", "b", "c"};
    for (size_t i = 0; i < N_ELEMS(ids); i++) {
        struct xapi_doc_key k = state_key(f->inst_a, AGENT, NULL, ids[i]);
        put_json(f, &k, "{}");
    }
    struct xapi_doc_key with_reg = state_key(f->inst_a, AGENT, REG, "a");
    struct xapi_doc_key agent2 = state_key(f->inst_a, AGENT2, NULL, "a");
    struct xapi_doc_key ap = activity_profile_key(f->inst_a, "a");
    struct xapi_doc_key gp = agent_profile_key(f->inst_a, AGENT, "a");
    struct xapi_doc_key other_inst = state_key(f->inst_b, AGENT, NULL, "a");
    put_json(f, &with_reg, "{\"reg\":1}");
    put_json(f, &agent2, "{}");
    put_json(f, &ap, "{}");
    put_json(f, &gp, "{}");
    put_json(f, &other_inst, "{}");

    struct xapi_doc_key set = state_key(f->inst_a, AGENT, NULL, NULL);
    assert_int_equal(xapi_doc_delete(f->db, &set, NULL), XAPI_OK);
    assert_list(f, &set, NULL, NULL, 0);
    /* The states with a registration are another set; the rest is untouched. */
    assert_body(f, &with_reg, "{\"reg\":1}");
    assert_body(f, &agent2, "{}");
    assert_body(f, &ap, "{}");
    assert_body(f, &gp, "{}");
    assert_body(f, &other_inst, "{}");
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM xapi_documents"), 5);

    struct xapi_doc_key reg_set = state_key(f->inst_a, AGENT, REG, NULL);
    assert_int_equal(xapi_doc_delete(f->db, &reg_set, NULL), XAPI_OK);
    assert_missing(f, &with_reg);
    /* An empty set deletes nothing and is no error. */
    assert_int_equal(xapi_doc_delete(f->db, &reg_set, NULL), XAPI_OK);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM xapi_documents"), 4);
}

static void erase_agent(void **state)
{
    struct fixture *f = *state;
    struct xapi_doc_key gone[] = {state_key(f->inst_a, AGENT, NULL, "s"),
                                  state_key(f->inst_a, AGENT, REG, "s"),
                                  agent_profile_key(f->inst_a, AGENT, "p")};
    struct xapi_doc_key kept[] = {
        state_key(f->inst_a, AGENT2, NULL, "s"), agent_profile_key(f->inst_a, AGENT2, "p"),
        activity_profile_key(f->inst_a, "p"), state_key(f->inst_b, AGENT, NULL, "s"),
        agent_profile_key(f->inst_b, AGENT, "p")};
    for (size_t i = 0; i < N_ELEMS(gone); i++)
        put_json(f, &gone[i], "{}");
    for (size_t i = 0; i < N_ELEMS(kept); i++)
        put_json(f, &kept[i], "{\"kept\":true}");
    assert_int_equal(xapi_doc_erase_agent(f->db, f->inst_a, AGENT), XAPI_OK);
    for (size_t i = 0; i < N_ELEMS(gone); i++)
        assert_missing(f, &gone[i]);
    for (size_t i = 0; i < N_ELEMS(kept); i++)
        assert_body(f, &kept[i], "{\"kept\":true}");
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM xapi_documents"), N_ELEMS(kept));
    /* Erasing a learner with no documents is no error. */
    assert_int_equal(xapi_doc_erase_agent(f->db, f->inst_a, AGENT), XAPI_OK);
}

static void tenancy(void **state)
{
    struct fixture *f = *state;
    struct xapi_doc_key a[] = {state_key(f->inst_a, AGENT, NULL, "s"),
                               activity_profile_key(f->inst_a, "p"),
                               agent_profile_key(f->inst_a, AGENT, "p")};
    for (size_t i = 0; i < N_ELEMS(a); i++) {
        put_json(f, &a[i], "{\"college\":\"A\"}");
        struct xapi_doc_key b = a[i];
        b.institution = f->inst_b;
        char etag[XAPI_DOC_ETAG_SIZE];
        get_etag(f, &a[i], etag);

        /* B does not see A's document: not by get, list, If-Match or If-None-Match. */
        assert_missing(f, &b);
        struct xapi_doc_key b_set = b;
        b_set.doc_id = NULL;
        assert_list(f, &b_set, NULL, NULL, 0);
        struct xapi_doc_conditions match = {.if_match = etag, .require_condition = 1};
        assert_int_equal(put(f, &b, "{\"college\":\"B\"}", "application/json", &match, 0),
                         XAPI_ERR_PRECONDITION);
        assert_int_equal(xapi_doc_delete(f->db, &b, &match), XAPI_ERR_PRECONDITION);
        assert_int_equal(xapi_doc_delete(f->db, &b, NULL), XAPI_ERR_NOT_FOUND);
        if (b.kind == XAPI_DOC_STATE)
            assert_int_equal(xapi_doc_delete(f->db, &b_set, NULL), XAPI_OK);

        /* B's own document under the same key is B's, created without a conflict... */
        struct xapi_doc_conditions none_match = {.if_none_match = "*", .require_condition = 1};
        assert_int_equal(put(f, &b, "{\"college\":\"B\"}", "application/json", &none_match, 0),
                         XAPI_OK);
        /* ...and merging into it does not reach A's. */
        assert_int_equal(put(f, &b, "{\"more\":1}", "application/json", NULL, 1), XAPI_OK);
        assert_body(f, &b, "{\"college\":\"B\",\"more\":1}");
        assert_body(f, &a[i], "{\"college\":\"A\"}");

        /* Deleting B's leaves A's. */
        assert_int_equal(xapi_doc_delete(f->db, &b, NULL), XAPI_OK);
        assert_body(f, &a[i], "{\"college\":\"A\"}");
    }
    assert_int_equal(xapi_doc_erase_agent(f->db, f->inst_b, AGENT), XAPI_OK);
    for (size_t i = 0; i < N_ELEMS(a); i++)
        assert_body(f, &a[i], "{\"college\":\"A\"}");
}

static void failed_store_write_leaves_document(void **state)
{
    struct fixture *f = *state;
    struct xapi_doc_key k = state_key(f->inst_a, AGENT, NULL, "s");
    put_json(f, &k, "{\"v\":1}");
    char etag[XAPI_DOC_ETAG_SIZE], now[XAPI_DOC_ETAG_SIZE];
    get_etag(f, &k, etag);
    /* Make every change of a stored document fail in the database. */
    assert_int_equal(store_exec(f->db, "CREATE TRIGGER no_update BEFORE UPDATE ON xapi_documents"
                                       " BEGIN SELECT RAISE(ABORT, 'refused'); END"),
                     STORE_OK);
    assert_int_equal(put(f, &k, "{\"v\":2}", "application/json", NULL, 0), XAPI_ERR_STORE);
    assert_int_equal(put(f, &k, "{\"w\":2}", "application/json", NULL, 1), XAPI_ERR_STORE);
    struct xapi_doc_conditions c = {.if_match = etag};
    assert_int_equal(put(f, &k, "{\"v\":3}", "application/json", &c, 0), XAPI_ERR_STORE);
    assert_body(f, &k, "{\"v\":1}");
    get_etag(f, &k, now);
    assert_string_equal(now, etag);
    /* No transaction is left open: the next write works. */
    assert_int_equal(store_exec(f->db, "DROP TRIGGER no_update"), STORE_OK);
    assert_int_equal(put(f, &k, "{\"w\":2}", "application/json", &c, 1), XAPI_OK);
    assert_body(f, &k, "{\"v\":1,\"w\":2}");
}

static void failed_allocation_leaves_document(void **state)
{
    struct fixture *f = *state;
    struct xapi_doc_key k = agent_profile_key(f->inst_a, AGENT, "p");
    put_json(f, &k, "{\"v\":1,\"list\":[1,2,3]}");
    /* Fail the Nth allocation of a merge, for each N, until one succeeds: each failure leaves
     * the document as it was. */
    int failures = 0, err = -1;
    for (long n = 1; n < 100 && err; n++) {
        cc_alloc_fail_after(n);
        err = put(f, &k, "{\"w\":2}", "application/json", NULL, 1);
        cc_alloc_fail_after(0);
        if (err) {
            assert_true(err == XAPI_ERR_NOMEM || err == XAPI_ERR_STORE);
            assert_body(f, &k, "{\"v\":1,\"list\":[1,2,3]}");
            failures++;
        }
    }
    assert_int_equal(err, XAPI_OK);
    assert_true(failures >= 2);
    assert_body(f, &k, "{\"v\":1,\"list\":[1,2,3],\"w\":2}");

    /* Reading fails cleanly too. */
    struct xapi_doc d;
    cc_alloc_fail_after(1);
    err = xapi_doc_get(f->db, &k, &d);
    cc_alloc_fail_after(0);
    assert_int_equal(err, XAPI_ERR_NOMEM);
    assert_null(d.content);
    assert_null(d.content_type);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(put_get_round_trip),
        T(put_get_binary),
        T(etag_is_sha1_of_content),
        T(put_replaces),
        T(merge_objects_one_level),
        T(merge_on_absent_creates),
        T(merge_posted_not_object_is_invalid),
        T(merge_stored_not_object_is_invalid),
        T(if_match),
        T(if_match_on_missing_document),
        T(if_none_match),
        T(profile_put_without_condition_conflicts),
        T(state_put_without_condition_allowed),
        T(key_fields_are_distinct),
        T(list_ids_sorted),
        T(list_callback_stops),
        T(list_since),
        T(list_latest),
        cmocka_unit_test(since_parse_normalises),
        T(delete_one),
        T(delete_state_set),
        T(erase_agent),
        T(tenancy),
        T(failed_store_write_leaves_document),
        T(failed_allocation_leaves_document),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
