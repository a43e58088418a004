/*
 * Unit tests of storing and querying statements (xapi/statements.h,
 * xapi/query.h, xapi/refs.h) against a migrated SQLite file with two
 * institutions: chains of StatementRefs (targets stored before and after
 * the statements that target them, cycles, the depth limit, voiding,
 * erasure), stored times that grow with the store order, since and until,
 * paging, activity definitions merged over a batch, and the query plans:
 * each shape of query walks an index and sorts nothing. One fresh database
 * per test. Statements are written with ' for ".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ftw.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "store/store.h"
#include "util/alloc.h"
#include "util/json.h"
#include "util/log.h"
#include "xapi/erase.h"
#include "xapi/refs.h"
#include "xapi/statement.h"
#include "xapi/statements.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

#define A1 "{'mbox':'mailto:a1@example.org'}"
#define A2 "{'mbox':'mailto:a2@example.org'}"
#define A3 "{'mbox':'mailto:a3@example.org'}"
#define K1 "mbox:mailto:a1@example.org"
#define K2 "mbox:mailto:a2@example.org"
#define K3 "mbox:mailto:a3@example.org"
#define V1 "http://example.org/verbs/one"
#define V2 "http://example.org/verbs/two"
#define X1 "http://example.org/activities/x1"
#define X2 "http://example.org/activities/x2"
#define R1 "6a1f1c6e-59a6-4b4e-9c6b-4f0a3e5b2d11"

static char tmpdir[] = "/tmp/cc_test_xapi_query_XXXXXX";

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

static char db_path[600];

static int setup(void **state)
{
    static int n;
    char url[700];
    snprintf(db_path, sizeof(db_path), "%s/q%d.sqlite", tmpdir, ++n);
    snprintf(url, sizeof(url), "sqlite:%s", db_path);
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

/* Parses JSON written with ' for ", failing the test when it does not parse. */
static json_t *parse(const char *text)
{
    size_t n = strlen(text);
    char *s = cc_malloc(n + 1);
    assert_non_null(s);
    for (size_t i = 0; i <= n; i++)
        s[i] = text[i] == '\'' ? '"' : text[i];
    json_t *v = NULL;
    int rc = json_read(s, n, JSON_MAX_DEPTH, 0, &v);
    cc_free(s);
    if (rc)
        fail_msg("test JSON does not parse: %s", text);
    return v;
}

/* Stores the statement or batch TEXT for INST; returns the result (ids of the first in ID). */
static int store_text(struct fixture *f, int64_t inst, const char *text, char id[37])
{
    json_t *body = parse(text);
    struct xapi_problem p;
    if (xapi_statements_validate(body, XAPI_V20, &p))
        fail_msg("invalid test statement at %s (%s): %s", p.path, p.msg, text);
    json_t *list = json_is_array(body) ? json_incref(body) : json_pack("[O]", body);
    json_decref(body);
    json_t *authority = parse("{'objectType':'Agent','mbox':'mailto:lrs-client@example.org'}");
    struct xapi_writer w = {inst, 1, authority, XAPI_V20};
    json_t *ids = json_array();
    int err = xapi_statements_store(f->db, &w, list, NULL, 0, ids, &p);
    if (!err && id)
        snprintf(id, 37, "%s", json_string_value(json_array_get(ids, 0)));
    json_decref(ids);
    json_decref(list);
    json_decref(authority);
    return err;
}

/* A statement of ACTOR, VERB on activity OBJECT, with EXTRA properties (",'k':v" or ""). */
static void make(char *out, size_t size, const char *id, const char *actor, const char *verb,
                 const char *object, const char *extra)
{
    snprintf(out, size, "{'id':'%s','actor':%s,'verb':{'id':'%s'},'object':%s%s}", id, actor, verb,
             object, extra);
}

static void put(struct fixture *f, const char *id, const char *actor, const char *verb,
                const char *object, const char *extra)
{
    char text[2048];
    make(text, sizeof(text), id, actor, verb, object, extra);
    int err = store_text(f, f->inst_a, text, NULL);
    if (err)
        fail_msg("storing %s: %d", id, err);
}

/* A StatementRef object to ID. */
static const char *ref(const char *id)
{
    static char out[8][128];
    static int i;
    i = (i + 1) % 8;
    snprintf(out[i], sizeof(out[i]), "{'objectType':'StatementRef','id':'%s'}", id);
    return out[i];
}

static const char *act(const char *id)
{
    static char out[8][160];
    static int i;
    i = (i + 1) % 8;
    snprintf(out[i], sizeof(out[i]), "{'id':'%s'}", id);
    return out[i];
}

/* Ids made from a number, so that tests can name statements s1, s2... */
static const char *sid(int n)
{
    static char out[16][37];
    static int i;
    i = (i + 1) % 16;
    snprintf(out[i], sizeof(out[i]), "00000000-0000-4000-8000-%012d", n);
    return out[i];
}

/* What a query returned: the numbers of the statements (see sid), in order. */
struct got {
    int n[600];
    int count;
    int64_t last;
};

static int take(void *ctx, int64_t seq, const char *json)
{
    struct got *g = ctx;
    json_t *st = json_loads(json, 0, NULL);
    assert_non_null(st);
    const char *id = json_string_value(json_object_get(st, "id"));
    assert_non_null(id);
    assert_true(g->count < (int)N_ELEMS(g->n));
    g->n[g->count++] = atoi(id + 24);
    g->last = seq;
    json_decref(st);
    return 0;
}

static struct got run(struct fixture *f, const struct xapi_query *q, int *more)
{
    struct got g = {{0}, 0, 0};
    struct xapi_query qq = *q;
    if (!qq.limit)
        qq.limit = XAPI_QUERY_MAX;
    int m;
    assert_int_equal(xapi_statements_query(f->db, f->inst_a, &qq, take, &g, more ? more : &m),
                     XAPI_OK);
    return g;
}

/* Asserts Q returns exactly the statements WANT (numbers, newest first; 0 ends the list). */
static void expect(struct fixture *f, const struct xapi_query *q, const int *want, const char *what)
{
    struct got g = run(f, q, NULL);
    int n = 0;
    while (want[n])
        n++;
    int same = g.count == n;
    for (int i = 0; same && i < n; i++)
        same = g.n[i] == want[i];
    if (!same) {
        char list[512] = "";
        for (int i = 0; i < g.count && strlen(list) < 480; i++)
            snprintf(list + strlen(list), sizeof(list) - strlen(list), " s%d", g.n[i]);
        fail_msg("%s: got%s", what, list);
    }
}

#define EXPECT(f, q, ...) expect(f, q, (const int[]){__VA_ARGS__, 0}, #q " -> " #__VA_ARGS__)
#define EXPECT_NONE(f, q) expect(f, q, (const int[]){0}, #q " -> nothing")

/* ------------------------------------------------------------ StatementRef chains */

static void chain_matches_recursively(void **state)
{
    struct fixture *f = *state;
    put(f, sid(1), A1, V1, act(X1), ",'context':{'registration':'" R1 "'}");
    put(f, sid(2), A2, V2, ref(sid(1)), "");
    put(f, sid(3), A3, V2, ref(sid(2)), "");
    put(f, sid(4), A2, V2, act(X2), "");
    EXPECT(f, (&(struct xapi_query){.agent = K1}), 3, 2, 1);
    EXPECT(f, (&(struct xapi_query){.verb = V1}), 3, 2, 1);
    EXPECT(f, (&(struct xapi_query){.activity = X1}), 3, 2, 1);
    EXPECT(f, (&(struct xapi_query){.registration = R1}), 3, 2, 1);
    EXPECT(f, (&(struct xapi_query){.registration = "6A1F1C6E-59A6-4B4E-9C6B-4F0A3E5B2D11"}), 3, 2,
           1);
    /* s3 targets s2 (A2's own): the agent filter finds it through the chain. */
    EXPECT(f, (&(struct xapi_query){.agent = K2}), 4, 3, 2);
    EXPECT(f, (&(struct xapi_query){.verb = V2}), 4, 3, 2);
    /* All filters must hold for one statement of the chain. */
    EXPECT(f, (&(struct xapi_query){.agent = K1, .verb = V1}), 3, 2, 1);
    EXPECT(f, (&(struct xapi_query){.agent = K1, .verb = V1, .activity = X1, .registration = R1}),
           3, 2, 1);
    EXPECT(f, (&(struct xapi_query){.agent = K2, .verb = V2}), 4, 3, 2);
    EXPECT_NONE(f, (&(struct xapi_query){.agent = K3, .verb = V1}));
    EXPECT_NONE(f, (&(struct xapi_query){.agent = K1, .activity = X2}));
    EXPECT(f, (&(struct xapi_query){.agent = K3}), 3);
    EXPECT(f, (&(struct xapi_query){.agent = K3, .verb = V2}), 3);
    /* The time and order parameters apply to the targeting statement itself. */
    EXPECT(f, (&(struct xapi_query){.agent = K1, .ascending = 1}), 1, 2, 3);
    struct got all = run(f, &(struct xapi_query){.agent = K1}, NULL);
    EXPECT_NONE(f, (&(struct xapi_query){.agent = K1, .after = all.last}));
}

static void target_stored_after(void **state)
{
    struct fixture *f = *state;
    /* s3 targets s2 targets s1, stored in the opposite order. */
    put(f, sid(3), A3, V2, ref(sid(2)), "");
    EXPECT_NONE(f, (&(struct xapi_query){.agent = K1}));
    put(f, sid(2), A2, V2, ref(sid(1)), "");
    EXPECT(f, (&(struct xapi_query){.agent = K2}), 2, 3);
    EXPECT_NONE(f, (&(struct xapi_query){.agent = K1}));
    put(f, sid(1), A1, V1, act(X1), "");
    EXPECT(f, (&(struct xapi_query){.agent = K1}), 1, 2, 3);
    EXPECT(f, (&(struct xapi_query){.verb = V1}), 1, 2, 3);
    EXPECT(f, (&(struct xapi_query){.activity = X1, .verb = V1}), 1, 2, 3);
    /* In one batch, the targeting statement first. */
    char a[1024], b[1024], batch[2200];
    make(a, sizeof(a), sid(11), A3, V2, ref(sid(10)), "");
    make(b, sizeof(b), sid(10), A2, V1, act(X2), "");
    snprintf(batch, sizeof(batch), "[%s,%s]", a, b);
    assert_int_equal(store_text(f, f->inst_a, batch, NULL), XAPI_OK);
    EXPECT(f, (&(struct xapi_query){.activity = X2}), 10, 11);
}

static void cycle_ends(void **state)
{
    struct fixture *f = *state;
    put(f, sid(1), A1, V1, ref(sid(2)), "");
    put(f, sid(2), A2, V2, ref(sid(1)), "");
    EXPECT(f, (&(struct xapi_query){.agent = K1}), 2, 1);
    EXPECT(f, (&(struct xapi_query){.agent = K2}), 2, 1);
    /* A statement that targets itself. */
    put(f, sid(3), A3, V1, ref(sid(3)), "");
    EXPECT(f, (&(struct xapi_query){.agent = K3}), 3);
    assert_int_equal(
        query_int(f->db, "SELECT count(*) FROM xapi_statement_chain WHERE seq = member"), 0);
}

static void chain_depth_is_limited(void **state)
{
    struct fixture *f = *state;
    put(f, sid(1), A1, V1, act(X1), "");
    for (int i = 2; i <= XAPI_CHAIN_MAX + 2; i++)
        put(f, sid(i), A2, V2, ref(sid(i - 1)), "");
    /* Statement i reaches s1 through i - 1 StatementRefs. */
    struct got g = run(f, &(struct xapi_query){.agent = K1, .ascending = 1}, NULL);
    assert_int_equal(g.count, XAPI_CHAIN_MAX + 1);
    assert_int_equal(g.n[g.count - 1], XAPI_CHAIN_MAX + 1);
    assert_int_equal(query_int(f->db, "SELECT max(n) FROM (SELECT count(*) AS n FROM"
                                      " xapi_statement_chain GROUP BY seq)"),
                     XAPI_CHAIN_MAX);
}

static void voided_target_still_matches(void **state)
{
    struct fixture *f = *state;
    put(f, sid(1), A1, V1, act(X1), "");
    put(f, sid(2), A2, XAPI_VERB_VOIDED, ref(sid(1)), "");
    put(f, sid(3), A3, V2, ref(sid(1)), "");
    /* s1 is voided: not returned; the statements targeting it are, the voiding one included. */
    EXPECT(f, (&(struct xapi_query){.agent = K1}), 3, 2);
    EXPECT(f, (&(struct xapi_query){.verb = V1}), 3, 2);
    EXPECT(f, (&(struct xapi_query){.verb = XAPI_VERB_VOIDED}), 2);
    EXPECT(f, (&(struct xapi_query){0}), 3, 2);
}

static void erase_takes_the_learner_out_of_chains(void **state)
{
    struct fixture *f = *state;
    put(f, sid(1), A1, V1, act(X1), "");
    put(f, sid(2), A2, V2, ref(sid(1)), "");
    put(f, sid(3), A3, V2, ref(sid(2)), "");
    struct xapi_erase_counts c;
    assert_int_equal(xapi_erase_agent(f->db, f->inst_a, K1, 0, &c), XAPI_OK);
    assert_int_equal(c.statements, 1);
    EXPECT_NONE(f, (&(struct xapi_query){.agent = K1}));
    EXPECT_NONE(f, (&(struct xapi_query){.activity = X1}));
    EXPECT(f, (&(struct xapi_query){.agent = K2}), 3, 2);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM xapi_statement_agents"
                                      " WHERE agent = '" K1 "'"),
                     0);
    /* Erasing A2 (s2's actor) cuts s3's chain at s2. */
    assert_int_equal(xapi_erase_agent(f->db, f->inst_a, K2, 0, &c), XAPI_OK);
    assert_int_equal(c.statements, 1);
    EXPECT_NONE(f, (&(struct xapi_query){.agent = K2}));
    EXPECT(f, (&(struct xapi_query){.agent = K3}), 3);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM xapi_statement_chain"), 0);
}

static void other_institution_is_not_a_target(void **state)
{
    struct fixture *f = *state;
    char text[1024];
    make(text, sizeof(text), sid(1), A1, V1, act(X1), "");
    assert_int_equal(store_text(f, f->inst_b, text, NULL), XAPI_OK);
    put(f, sid(2), A2, V2, ref(sid(1)), "");
    EXPECT_NONE(f, (&(struct xapi_query){.agent = K1}));
    EXPECT(f, (&(struct xapi_query){0}), 2);
}

/* The migration builds the chains of statements stored before it as storing does. */
static void migration_builds_the_same_chains(void **state)
{
    struct fixture *f = *state;
    put(f, sid(3), A3, V2, ref(sid(2)), "");
    put(f, sid(1), A1, V1, act(X1), ",'context':{'registration':'" R1 "'}");
    put(f, sid(2), A2, V2, ref(sid(1)), "");
    put(f, sid(4), A1, V1, ref(sid(5)), "");
    put(f, sid(5), A2, V2, ref(sid(4)), "");
    const char *snapshot =
        "SELECT group_concat(r, ';') FROM (SELECT 'c' || seq || '-' || member || verb ||"
        " ifnull(registration, '') AS r FROM xapi_statement_chain UNION ALL SELECT 'a' || seq ||"
        " agent || direct FROM xapi_statement_agents UNION ALL SELECT 'v' || seq || activity ||"
        " direct FROM xapi_statement_activities ORDER BY 1)";
    struct store_stmt *st;
    assert_int_equal(store_prepare(f->db, snapshot, &st), STORE_OK);
    assert_int_equal(store_step(st), STORE_ROW);
    char *before = strdup(store_col_text(st, 0));
    store_finish(st);
    /* Undo the chains, then run the migration's statements again. */
    assert_int_equal(store_exec(f->db, "DELETE FROM xapi_statement_chain;"
                                       " DELETE FROM xapi_statement_agents WHERE direct >= 2;"
                                       " DELETE FROM xapi_statement_activities WHERE direct >= 2;"
                                       " DELETE FROM schema_migrations WHERE version = 4;"
                                       " DROP TABLE xapi_statement_chain;"
                                       " DROP INDEX xapi_statements_by_institution;"),
                     STORE_OK);
    assert_int_equal(store_migrate(f->db), STORE_OK);
    assert_int_equal(store_prepare(f->db, snapshot, &st), STORE_OK);
    assert_int_equal(store_step(st), STORE_ROW);
    assert_string_equal(store_col_text(st, 0), before);
    store_finish(st);
    free(before);
}

/* ------------------------------------------------------------ storing */

static void stored_grows_with_the_store_order(void **state)
{
    struct fixture *f = *state;
    put(f, sid(1), A1, V1, act(X1), "");
    /* As if the clock had gone back: the last statement is stored in the future. */
    assert_int_equal(
        store_exec(f->db, "UPDATE xapi_statements SET stored = '2999-01-01T00:00:00.000Z'"),
        STORE_OK);
    put(f, sid(2), A1, V1, act(X1), "");
    struct store_stmt *st;
    assert_int_equal(store_prepare(f->db,
                                   "SELECT stored, statement FROM xapi_statements"
                                   " ORDER BY seq DESC LIMIT 1",
                                   &st),
                     STORE_OK);
    assert_int_equal(store_step(st), STORE_ROW);
    assert_string_equal(store_col_text(st, 0), "2999-01-01T00:00:00.000Z");
    json_t *s = json_loads(store_col_text(st, 1), 0, NULL);
    store_finish(st);
    assert_non_null(s);
    /* The text has the same time, as stored and as the timestamp the client did not give. */
    assert_string_equal(json_string_value(json_object_get(s, "stored")),
                        "2999-01-01T00:00:00.000Z");
    assert_string_equal(json_string_value(json_object_get(s, "timestamp")),
                        "2999-01-01T00:00:00.000Z");
    json_decref(s);
}

static void timestamp_given_is_kept(void **state)
{
    struct fixture *f = *state;
    /* A client's stored is replaced; its timestamp kept; a null timestamp (2.0) set to stored. */
    put(f, sid(1), A1, V1, act(X1),
        ",'timestamp':'2020-01-01T00:00:00+08:00','stored':'2001-01-01T00:00:00Z'");
    put(f, sid(2), A1, V1, act(X1), ",'timestamp':null");
    struct store_stmt *st;
    assert_int_equal(
        store_prepare(f->db, "SELECT stored, statement FROM xapi_statements ORDER BY seq", &st),
        STORE_OK);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(store_step(st), STORE_ROW);
        json_t *s = json_loads(store_col_text(st, 1), 0, NULL);
        assert_non_null(s);
        assert_string_equal(json_string_value(json_object_get(s, "stored")), store_col_text(st, 0));
        assert_string_equal(json_string_value(json_object_get(s, "timestamp")),
                            i ? store_col_text(st, 0) : "2020-01-01T00:00:00+08:00");
        assert_int_equal(json_object_size(json_object_get(s, "authority")), 2);
        assert_string_equal(json_string_value(json_object_get(s, "version")), "2.0.0");
        json_decref(s);
    }
    store_finish(st);
}

static void same_statement_again_is_accepted(void **state)
{
    struct fixture *f = *state;
    char text[1024], other[1024], batch[2200];
    make(text, sizeof(text), sid(1), A1, V1, act(X1), "");
    assert_int_equal(store_text(f, f->inst_a, text, NULL), XAPI_OK);
    /* Again, without a timestamp (the LRS set one the first time): the same statement. */
    assert_int_equal(store_text(f, f->inst_a, text, NULL), XAPI_OK);
    /* Another statement with its id: a conflict, and nothing of the batch is stored. */
    make(other, sizeof(other), sid(1), A2, V1, act(X1), "");
    make(text, sizeof(text), sid(2), A1, V1, act(X1), "");
    snprintf(batch, sizeof(batch), "[%s,%s]", text, other);
    assert_int_equal(store_text(f, f->inst_a, batch, NULL), XAPI_ERR_CONFLICT);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM xapi_statements"), 1);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM xapi_statement_agents"), 2);
}

static void definitions_merge_over_a_batch(void **state)
{
    struct fixture *f = *state;
    char a[1024], b[1024], batch[2200];
    make(a, sizeof(a), sid(1), A1, V1,
         "{'id':'" X1 "','definition':{'name':{'en-US':'Bed bath'},'type':'http://t/1'}}", "");
    make(b, sizeof(b), sid(2), A1, V1,
         "{'id':'" X1 "','definition':{'name':{'zh-CN':'床上擦浴'},'type':'http://t/2'}}", "");
    snprintf(batch, sizeof(batch), "[%s,%s]", a, b);
    assert_int_equal(store_text(f, f->inst_a, batch, NULL), XAPI_OK);
    char *def;
    assert_int_equal(xapi_activity_get(f->db, f->inst_a, X1, &def), XAPI_OK);
    assert_string_equal(def, "{\"name\":{\"en-US\":\"Bed bath\",\"zh-CN\":\"床上擦浴\"},"
                             "\"type\":\"http://t/2\"}");
    cc_free(def);
    put(f, sid(3), A1, V1, "{'id':'" X1 "','definition':{'description':{'en-US':'Whole body'}}}",
        "");
    assert_int_equal(xapi_activity_get(f->db, f->inst_a, X1, &def), XAPI_OK);
    assert_string_equal(def, "{\"name\":{\"en-US\":\"Bed bath\",\"zh-CN\":\"床上擦浴\"},"
                             "\"type\":\"http://t/2\",\"description\":{\"en-US\":\"Whole body\"}}");
    cc_free(def);
    /* The other college knows nothing of it. */
    assert_int_equal(xapi_activity_get(f->db, f->inst_b, X1, &def), XAPI_ERR_NOT_FOUND);
}

static void failed_allocation_stores_nothing(void **state)
{
    struct fixture *f = *state;
    char a[1024], b[1024], batch[2200];
    make(a, sizeof(a), sid(1), A1, V1, act(X1), "");
    make(b, sizeof(b), sid(2), A2, V2, ref(sid(1)), "");
    snprintf(batch, sizeof(batch), "[%s,%s]", a, b);
    json_t *list = parse(batch);
    json_t *authority = parse("{'objectType':'Agent','mbox':'mailto:lrs-client@example.org'}");
    struct xapi_writer w = {f->inst_a, 1, authority, XAPI_V20};
    int err = -1, failures = 0;
    /* Fail the Nth allocation, for each N, until storing succeeds: each failure stores nothing. */
    for (long n = 1; n < 400 && err; n++) {
        json_t *copy = json_deep_copy(list), *ids = json_array();
        struct xapi_problem p;
        cc_alloc_fail_after(n);
        err = xapi_statements_store(f->db, &w, copy, NULL, 0, ids, &p);
        cc_alloc_fail_after(0);
        if (err) {
            assert_true(err == XAPI_ERR_NOMEM || err == XAPI_ERR_STORE);
            assert_int_equal(json_array_size(ids), 0);
            assert_int_equal(query_int(f->db, "SELECT count(*) FROM xapi_statements"), 0);
            failures++;
        }
        json_decref(copy);
        json_decref(ids);
    }
    json_decref(list);
    json_decref(authority);
    assert_int_equal(err, XAPI_OK);
    assert_true(failures >= 2);
    EXPECT(f, (&(struct xapi_query){.agent = K1}), 2, 1);
}

/* ------------------------------------------------------------ group commit */

struct writer_arg {
    int n;   /* which writer: its statements are sid(100 * n + i) */
    int bad; /* its batch reuses the id of a statement stored before, with other content */
    int err;
};

static int writers_ready;

static void *writer(void *arg)
{
    struct writer_arg *a = arg;
    char url[700], batch[8192] = "[";
    snprintf(url, sizeof(url), "sqlite:%s", db_path);
    struct store *db;
    if (store_open(url, &db)) {
        a->err = -100;
        return NULL;
    }
    /* Not sid() and ref(): their buffers are shared; each thread makes its own text. */
    for (int i = 0; i < 5; i++) {
        char id[40], object[160], one[1024];
        snprintf(id, sizeof(id), "00000000-0000-4000-8000-%012d",
                 a->bad && i == 4 ? 1 : 100 * a->n + i);
        if (i)
            snprintf(object, sizeof(object),
                     "{'objectType':'StatementRef','id':'00000000-0000-4000-8000-%012d'}",
                     100 * a->n + i - 1);
        else
            snprintf(object, sizeof(object), "{'id':'" X2 "'}");
        make(one, sizeof(one), id, A2, V2, object, "");
        for (char *c = one; *c; c++)
            if (*c == '\'')
                *c = '"';
        snprintf(batch + strlen(batch), sizeof(batch) - strlen(batch), "%s%s", i ? "," : "", one);
    }
    /* Queued before the database is let go (see concurrent_batches_commit_together). */
    __atomic_add_fetch(&writers_ready, 1, __ATOMIC_SEQ_CST);
    snprintf(batch + strlen(batch), sizeof(batch) - strlen(batch), "]");
    json_t *list = NULL, *ids = json_array();
    json_t *authority = json_pack("{s:s, s:s}", "objectType", "Agent", "mbox", "mailto:c@x.org");
    struct xapi_problem p;
    if (json_read(batch, strlen(batch), JSON_MAX_DEPTH, 0, &list) ||
        xapi_statements_validate(list, XAPI_V20, &p)) {
        a->err = -101;
    } else {
        struct xapi_writer w = {1, 1, authority, XAPI_V20};
        a->err = xapi_statements_store(db, &w, list, NULL, 0, ids, &p);
        if (!a->err && json_array_size(ids) != 5)
            a->err = -102;
        if (a->err && json_array_size(ids) != 0)
            a->err = -103;
    }
    json_decref(list);
    json_decref(ids);
    json_decref(authority);
    store_close(&db);
    return NULL;
}

/*
 * Writers that arrive while the database is locked queue; the next leader
 * writes them in one transaction, each batch in a savepoint: the one with a
 * conflict fails alone and the others are stored whole.
 */
static void concurrent_batches_commit_together(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(f->inst_a, 1);
    put(f, sid(1), A1, V1, act(X1), "");
    char url[700];
    snprintf(url, sizeof(url), "sqlite:%s", db_path);
    struct store *locker;
    assert_int_equal(store_open(url, &locker), STORE_OK);
    assert_int_equal(store_begin(locker), STORE_OK);
    enum { WRITERS = 6 };
    writers_ready = 0;
    pthread_t t[WRITERS];
    struct writer_arg a[WRITERS];
    for (int i = 0; i < WRITERS; i++) {
        a[i] = (struct writer_arg){i + 1, i == 3, 0};
        assert_int_equal(pthread_create(&t[i], NULL, writer, &a[i]), 0);
    }
    /*
     * Let the database go once every writer is about to store (and a moment
     * more to reach the queue): the first becomes the leader, blocked on the
     * lock, and the others queue behind it.
     */
    struct timespec pause = {0, 10 * 1000 * 1000};
    for (int waited = 0;
         __atomic_load_n(&writers_ready, __ATOMIC_SEQ_CST) < WRITERS && waited < 1000; waited++)
        nanosleep(&pause, NULL);
    pause.tv_nsec = 300 * 1000 * 1000;
    nanosleep(&pause, NULL);
    assert_int_equal(store_commit(locker), STORE_OK);
    store_close(&locker);
    for (int i = 0; i < WRITERS; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    for (int i = 0; i < WRITERS; i++)
        if (a[i].err != (i == 3 ? XAPI_ERR_CONFLICT : XAPI_OK))
            fail_msg("writer %d: %d", i, a[i].err);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM xapi_statements"),
                     1 + 5 * (WRITERS - 1));
    /* Nothing of the failed batch, not even its chain rows; the others' chains whole. */
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM xapi_statements"
                                      " WHERE id LIKE '00000000-0000-4000-8000-0000000004%'"),
                     0);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM xapi_statement_chain"),
                     (WRITERS - 1) * (1 + 2 + 3 + 4));
    EXPECT(f, (&(struct xapi_query){.agent = K1}), 1);
    struct got g = run(f, &(struct xapi_query){.activity = X2}, NULL);
    assert_int_equal(g.count, 5 * (WRITERS - 1));
    /* The first writer's batch alone, then the others together: one stored time a transaction. */
    assert_true(query_int(f->db, "SELECT count(DISTINCT stored) FROM xapi_statements"
                                 " WHERE id <> '00000000-0000-4000-8000-000000000001'") <= 2);
    /* Stored never less than an earlier statement's. */
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM xapi_statements a"
                                      " JOIN xapi_statements b ON b.seq > a.seq"
                                      " WHERE b.stored < a.stored"),
                     0);
}

/* ------------------------------------------------------------ since, until, paging */

static void since_and_until(void **state)
{
    struct fixture *f = *state;
    for (int i = 1; i <= 6; i++)
        put(f, sid(i), i % 2 ? A1 : A2, V1, act(X1), "");
    /* Stored times as they would be: growing with seq, two statements a batch. */
    assert_int_equal(store_exec(f->db, "UPDATE xapi_statements SET stored ="
                                       " '2026-01-01T10:00:0' || ((seq + 1) / 2) || '.000Z'"),
                     STORE_OK);
    EXPECT(f, (&(struct xapi_query){.since = "2026-01-01T10:00:01.000Z"}), 6, 5, 4, 3);
    EXPECT(f, (&(struct xapi_query){.until = "2026-01-01T10:00:02.000Z"}), 4, 3, 2, 1);
    EXPECT(f,
           (&(struct xapi_query){.since = "2026-01-01T10:00:01.000Z",
                                 .until = "2026-01-01T10:00:02.000Z"}),
           4, 3);
    EXPECT(f,
           (&(struct xapi_query){.agent = K1,
                                 .since = "2026-01-01T10:00:01.000Z",
                                 .until = "2026-01-01T10:00:03.000Z"}),
           5, 3);
    EXPECT_NONE(f, (&(struct xapi_query){.since = "2026-01-01T10:00:03.000Z"}));
    EXPECT_NONE(f, (&(struct xapi_query){.until = "2026-01-01T09:00:00.000Z"}));
    EXPECT_NONE(f, (&(struct xapi_query){.since = "2026-01-01T10:00:02.000Z",
                                         .until = "2026-01-01T10:00:01.000Z"}));
    EXPECT(f, (&(struct xapi_query){.verb = V1, .since = "2026-01-01T10:00:02.500Z"}), 6, 5);
}

static void paging_counts_a_statement_once(void **state)
{
    struct fixture *f = *state;
    /* Each statement is A1's twice over: as actor and through the statement it targets. */
    put(f, sid(1), A1, V1, act(X1), "");
    for (int i = 2; i <= 40; i++)
        put(f, sid(i), A1, V1, ref(sid(i - 1)), ",'context':{'instructor':" A1 "}");
    for (int asc = 0; asc < 2; asc++) {
        for (int related = 0; related < 2; related++) {
            struct xapi_query q = {
                .agent = K1, .related_agents = related, .ascending = asc, .limit = 7};
            int seen[41] = {0}, pages = 0, total = 0, more;
            do {
                struct got g = run(f, &q, &more);
                for (int i = 0; i < g.count; i++) {
                    assert_int_equal(seen[g.n[i]]++, 0);
                    if (i)
                        assert_true(asc ? g.n[i] > g.n[i - 1] : g.n[i] < g.n[i - 1]);
                }
                total += g.count;
                assert_true(g.count == 7 || !more);
                q.after = g.last;
                pages++;
            } while (more && pages < 20);
            assert_int_equal(total, 40);
            assert_int_equal(pages, 6);
        }
    }
}

static void mine_and_tenancy(void **state)
{
    struct fixture *f = *state;
    put(f, sid(1), A1, V1, act(X1), "");
    char text[1024];
    make(text, sizeof(text), sid(2), A1, V1, act(X1), "");
    assert_int_equal(store_text(f, f->inst_b, text, NULL), XAPI_OK);
    EXPECT(f, (&(struct xapi_query){0}), 1);
    EXPECT(f, (&(struct xapi_query){.agent = K1}), 1);
    EXPECT(f, (&(struct xapi_query){.client_id = 1}), 1);
    EXPECT_NONE(f, (&(struct xapi_query){.client_id = 2}));
}

/* ------------------------------------------------------------ query plans */

static char traced[32][4096];
static int ntraced;

static int trace(unsigned type, void *ctx, void *p, void *x)
{
    const char *sql = sqlite3_sql(p);
    if (sql && ntraced < (int)N_ELEMS(traced) &&
        (strncmp(sql, "SELECT s.seq", 12) == 0 || strncmp(sql, "SELECT d.seq", 12) == 0 ||
         strstr(sql, "ORDER BY stored")))
        snprintf(traced[ntraced++], sizeof(traced[0]), "%s", sql);
    return 0;
}

static int hook(sqlite3 *db, char **err, const void *api)
{
    sqlite3_trace_v2(db, SQLITE_TRACE_STMT, trace, NULL);
    return SQLITE_OK;
}

/*
 * Every shape of query: each part walks an index (no SCAN of a table, no
 * automatic index) in the order of the page (no TEMP B-TREE to sort).
 */
static void plans_walk_indexes(void **state)
{
    struct fixture *f = *state;
    put(f, sid(1), A1, V1, act(X1), ",'context':{'registration':'" R1 "'}");
    put(f, sid(2), A2, V2, ref(sid(1)), "");
    char url[700];
    snprintf(url, sizeof(url), "sqlite:%s", db_path);
    struct store *db;
    sqlite3_auto_extension((void (*)(void))hook);
    assert_int_equal(store_open(url, &db), STORE_OK);
    sqlite3_reset_auto_extension();
    sqlite3 *raw;
    assert_int_equal(sqlite3_open_v2(db_path, &raw, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    const char *agents[] = {NULL, K1}, *verbs[] = {NULL, V1}, *activities[] = {NULL, X1},
               *registrations[] = {NULL, R1};
    int shapes = 0;
    for (int m = 0; m < 16 * 16; m++) {
        struct xapi_query q = {.agent = agents[m & 1],
                               .verb = verbs[(m >> 1) & 1],
                               .activity = activities[(m >> 2) & 1],
                               .registration = registrations[(m >> 3) & 1],
                               .related_agents = (m >> 4) & 1,
                               .related_activities = (m >> 4) & 1,
                               .ascending = (m >> 5) & 1,
                               .after = (m >> 6) & 1 ? 1000 : 0,
                               .since = (m >> 7) & 1 ? "2000-01-01T00:00:00.000Z" : NULL,
                               .until = (m >> 7) & 1 ? "2999-01-01T00:00:00.000Z" : NULL,
                               .client_id = (m >> 6) & 1,
                               .limit = 10};
        struct got g = {{0}, 0, 0};
        int more;
        ntraced = 0;
        assert_int_equal(xapi_statements_query(db, f->inst_a, &q, take, &g, &more), XAPI_OK);
        assert_true(ntraced >= 1);
        for (int t = 0; t < ntraced; t++) {
            char *eqp = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", traced[t]);
            sqlite3_stmt *e;
            assert_int_equal(sqlite3_prepare_v2(raw, eqp, -1, &e, NULL), SQLITE_OK);
            sqlite3_free(eqp);
            while (sqlite3_step(e) == SQLITE_ROW) {
                const char *detail = (const char *)sqlite3_column_text(e, 3);
                if (strncmp(detail, "SCAN ", 5) == 0 || strstr(detail, "TEMP B-TREE") ||
                    strstr(detail, "AUTOMATIC"))
                    fail_msg("query %d: %s\n  in %s", m, detail, traced[t]);
            }
            sqlite3_finalize(e);
            shapes++;
        }
    }
    assert_true(shapes >= 256);
    sqlite3_close(raw);
    store_close(&db);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(chain_matches_recursively),
        T(target_stored_after),
        T(cycle_ends),
        T(chain_depth_is_limited),
        T(voided_target_still_matches),
        T(erase_takes_the_learner_out_of_chains),
        T(other_institution_is_not_a_target),
        T(migration_builds_the_same_chains),
        T(stored_grows_with_the_store_order),
        T(timestamp_given_is_kept),
        T(same_statement_again_is_accepted),
        T(definitions_merge_over_a_batch),
        T(failed_allocation_stores_nothing),
        T(concurrent_batches_commit_together),
        T(since_and_until),
        T(paging_counts_a_statement_once),
        T(mine_and_tenancy),
        T(plans_walk_indexes),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
