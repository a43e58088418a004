/*
 * Unit tests of competency/ mastery: the scoring table and the level rule
 * (pure), then the engine against a migrated SQLite file with two
 * institutions, A and B, and a small pair of frameworks inserted as rows:
 *
 *   YL (elderly care)            NA (nurse aide)         crosswalk
 *   YL.1   ─ YL.1.1  ◄──exactMatchOf──►  NA.S01 (critical)
 *          └ YL.1.2  ◄──isRelatedTo───►  NA.S02
 *   YL.2   ─ YL.2.1                      NA.S03 precedes NA.S02
 *
 * College A aligns the activity HAND to NA.S01. One fresh database per test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "competency/evidence.h"
#include "competency/mastery.h"
#include "competency/mastery_model.h"
#include "competency/mastery_view.h"
#include "store/store.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/log.h"
#include "xapi/record.h"
#include "xapi/statement.h"
#include "xapi/statements.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

#define DOC_YL "10000000-0000-4000-8000-000000000001"
#define DOC_NA "10000000-0000-4000-8000-000000000002"
#define DOC_X  "10000000-0000-4000-8000-000000000003"
#define YL1    "20000000-0000-4000-8000-000000000001"
#define YL11   "20000000-0000-4000-8000-000000000011"
#define YL12   "20000000-0000-4000-8000-000000000012"
#define YL2    "20000000-0000-4000-8000-000000000002"
#define YL21   "20000000-0000-4000-8000-000000000021"
#define NAS01  "30000000-0000-4000-8000-000000000001"
#define NAS02  "30000000-0000-4000-8000-000000000002"
#define NAS03  "30000000-0000-4000-8000-000000000003"
#define HAND   "https://example.com/activities/hand-hygiene"
#define OTHER  "https://example.com/activities/unaligned"

static char tmpdir[] = "/tmp/cc_test_mastery_XXXXXX";

struct fixture {
    struct store *db;
    int64_t inst_a, inst_b;
    int n; /* statements posted, for their ids */
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
    mastery_model_cache_clear();
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

static void exec(struct store *db, const char *sql)
{
    if (store_exec(db, sql))
        fail_msg("SQL failed: %s", sql);
}

static void add_item(struct store *db, const char *doc, const char *id, int pos, const char *coding,
                     const char *en, const char *zh, int critical)
{
    char json[2048], sql[4096];
    snprintf(json, sizeof(json),
             "{\"identifier\":\"%s\",\"fullStatement\":\"%s\",\"abbreviatedStatement\":\"%s\","
             "\"humanCodingScheme\":\"%s\",\"extensions\":{\"" MASTERY_CASE_TRANSLATIONS
             "\":{\"en\":{\"fullStatement\":\"%s\",\"abbreviatedStatement\":\"%s\"},"
             "\"zh-CN\":{\"fullStatement\":\"%s\",\"abbreviatedStatement\":\"%s\"}}%s}}",
             id, en, en, coding, en, en, zh, zh,
             critical ? ",\"" MASTERY_CASE_CRITICAL "\":true" : "");
    snprintf(sql, sizeof(sql),
             "INSERT INTO case_items (identifier, document_id, position, human_coding, item_type,"
             " full_statement, search_text, json) VALUES ('%s', '%s', %d, '%s', 'Skill', '%s',"
             " '%s', '%s')",
             id, doc, pos, coding, en, en, json);
    exec(db, sql);
}

static void add_assoc(struct store *db, const char *doc, const char *type, const char *origin,
                      const char *destination, int sequence)
{
    static int n;
    char sql[1024];
    snprintf(sql, sizeof(sql),
             "INSERT INTO case_associations (identifier, document_id, type, origin, destination,"
             " sequence, json) VALUES ('40000000-0000-4000-8000-%012d', '%s', '%s', '%s', '%s',"
             " %d, '{}')",
             ++n, doc, type, origin, destination, sequence);
    exec(db, sql);
}

static void align(struct store *db, int64_t inst, const char *activity, const char *item)
{
    char sql[1024];
    snprintf(sql, sizeof(sql),
             "INSERT INTO competency_alignments (institution_id, activity, item, source,"
             " created_at) VALUES (%lld, '%s', '%s', 'admin', '2026-02-01T00:00:00Z')",
             (long long)inst, activity, item);
    exec(db, sql);
}

static void frameworks(struct store *db)
{
    exec(db,
         "INSERT INTO case_documents (identifier, uri, title, language, last_change, json,"
         " imported_at) VALUES"
         " ('" DOC_YL
         "', 'u1', '养老护理员', 'zh', '2026', '{\"extensions\":{\"" MASTERY_CASE_TRANSLATIONS
         "\":{\"en\":{\"title\":\"Elderly care worker\"},\"zh-CN\":{\"title\":\"养老护理员\"}}}}',"
         " '2026-01-01T00:00:00Z'),"
         " ('" DOC_NA "', 'u2', 'Nurse aide', 'en', '2026', '{}', '2026-01-01T00:00:00Z'),"
         " ('" DOC_X "', 'u3', 'Crosswalk', 'en', '2026', '{}', '2026-01-01T00:00:00Z')");
    add_item(db, DOC_YL, YL1, 1, "YL.1", "Daily care", "生活照护", 0);
    add_item(db, DOC_YL, YL11, 2, "YL.1.1", "Hand hygiene", "手卫生", 0);
    add_item(db, DOC_YL, YL12, 3, "YL.1.2", "Feeding", "进食照护", 0);
    add_item(db, DOC_YL, YL2, 4, "YL.2", "Safety", "安全照护", 0);
    add_item(db, DOC_YL, YL21, 5, "YL.2.1", "Fall prevention", "预防跌倒", 0);
    add_item(db, DOC_NA, NAS01, 1, "NA.S01", "Hand hygiene", "手卫生", 1);
    add_item(db, DOC_NA, NAS02, 2, "NA.S02", "Feeding a client", "协助进食", 0);
    add_item(db, DOC_NA, NAS03, 3, "NA.S03", "Positioning", "体位摆放", 0);
    add_assoc(db, DOC_YL, "isChildOf", YL1, DOC_YL, 1);
    add_assoc(db, DOC_YL, "isChildOf", YL11, YL1, 1);
    add_assoc(db, DOC_YL, "isChildOf", YL12, YL1, 2);
    add_assoc(db, DOC_YL, "isChildOf", YL2, DOC_YL, 2);
    add_assoc(db, DOC_YL, "isChildOf", YL21, YL2, 1);
    add_assoc(db, DOC_NA, "isChildOf", NAS01, DOC_NA, 1);
    add_assoc(db, DOC_NA, "isChildOf", NAS02, DOC_NA, 2);
    add_assoc(db, DOC_NA, "isChildOf", NAS03, DOC_NA, 3);
    add_assoc(db, DOC_NA, "precedes", NAS03, NAS02, 0);
    add_assoc(db, DOC_X, "exactMatchOf", NAS01, YL11, 0);
    add_assoc(db, DOC_X, "isRelatedTo", NAS02, YL12, 0);
}

static int setup(void **state)
{
    static int n;
    char url[600];
    snprintf(url, sizeof(url), "sqlite:%s/m%d.sqlite", tmpdir, ++n);
    struct fixture *f = calloc(1, sizeof(*f));
    if (!f || store_open(url, &f->db) || store_migrate(f->db))
        return -1;
    if (store_exec(f->db, "INSERT INTO institutions (name_en, name_zh, country, created_at) VALUES"
                          " ('College A', '甲学院', 'CN', '2026-01-01T00:00:00Z'),"
                          " ('College B', '乙学院', 'US', '2026-01-01T00:00:00Z')"))
        return -1;
    f->inst_a = query_int(f->db, "SELECT id FROM institutions WHERE name_en = 'College A'");
    f->inst_b = query_int(f->db, "SELECT id FROM institutions WHERE name_en = 'College B'");
    frameworks(f->db);
    align(f->db, f->inst_a, HAND, NAS01);
    mastery_model_cache_clear();
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

/* ---- statements -------------------------------------------------------------------------------
 */

static void statement_id(int n, char out[37])
{
    snprintf(out, 37, "50000000-0000-4000-8000-%012d", n);
}

/* Stores ST (JSON text) as LRS client 7 of INST would. */
static void store_text(struct fixture *f, int64_t inst, const char *text)
{
    json_error_t e;
    json_t *st = json_loads(text, 0, &e);
    if (!st)
        fail_msg("bad test JSON (%s): %s", e.text, text);
    struct xapi_problem p = {0};
    if (xapi_statement_validate(st, XAPI_V20, &p))
        fail_msg("invalid test statement (%s at %s): %s", p.msg, p.path, text);
    json_t *list = json_pack("[o]", st), *ids = json_array();
    json_t *authority = json_pack("{s:s, s:s}", "objectType", "Agent", "mbox", "mailto:lrs@x.org");
    struct xapi_writer w = {inst, 7, authority, XAPI_V20};
    assert_int_equal(xapi_statements_store(f->db, &w, list, NULL, 0, ids, &p), XAPI_OK);
    json_decref(list);
    json_decref(ids);
    json_decref(authority);
}

/*
 * Posts statement number N (its id from N) of LOGIN: VERB (last segment of
 * an ADL verb) on ACTIVITY, naming ITEMS (a JSON array or NULL), with RESULT
 * (JSON or NULL) at minute MINUTE of 2026-03-01.
 */
static int post(struct fixture *f, int64_t inst, const char *login, const char *verb,
                const char *activity, const char *items, const char *result, int minute)
{
    char id[37], text[4096], ctx[1024] = "", res[512] = "";
    statement_id(++f->n, id);
    if (items)
        snprintf(ctx, sizeof(ctx), ",\"context\":{\"extensions\":{\"" MASTERY_EXT_CFITEMS "\":%s}}",
                 items);
    if (result)
        snprintf(res, sizeof(res), ",\"result\":%s", result);
    snprintf(text, sizeof(text),
             "{\"id\":\"%s\",\"actor\":{\"objectType\":\"Agent\",\"account\":{\"homePage\":"
             "\"" XAPI_PLATFORM_HOMEPAGE "\",\"name\":\"%s\"}},\"verb\":{\"id\":"
             "\"http://adlnet.gov/expapi/verbs/%s\"},\"object\":{\"id\":\"%s\",\"definition\":"
             "{\"name\":{\"en-US\":\"Station %d\"}}}%s%s,\"timestamp\":"
             "\"2026-03-01T%02d:%02d:00Z\"}",
             id, login, verb, activity, f->n, res, ctx, minute / 60 % 24, minute % 60);
    store_text(f, inst, text);
    return f->n;
}

static void void_statement(struct fixture *f, int64_t inst, int target)
{
    char id[37], tid[37], text[1024];
    statement_id(++f->n, id);
    statement_id(target, tid);
    snprintf(text, sizeof(text),
             "{\"id\":\"%s\",\"actor\":{\"mbox\":\"mailto:registry@x.org\"},\"verb\":{\"id\":"
             "\"" XAPI_VERB_VOIDED
             "\"},\"object\":{\"objectType\":\"StatementRef\",\"id\":\"%s\"}}",
             id, tid);
    store_text(f, inst, text);
}

static void catch_up(struct fixture *f, int64_t inst, int batch)
{
    struct mastery_progress p;
    int err = mastery_catch_up(f->db, inst, batch, 0, 0, &p);
    if (err)
        fail_msg("catch up: %d", err);
    assert_int_equal(p.seq, p.latest);
}

static int level_of(struct fixture *f, int64_t inst, const char *login, const char *item)
{
    char sql[1024];
    snprintf(sql, sizeof(sql),
             "SELECT coalesce((SELECT l.level FROM mastery_levels l JOIN mastery_learners m ON"
             " m.id = l.learner_id WHERE m.institution_id = %lld AND m.agent = "
             "'account:" XAPI_PLATFORM_HOMEPAGE " %s' AND l.item = '%s'), 0)",
             (long long)inst, login, item);
    return (int)query_int(f->db, sql);
}

/*
 * Every row of the derived state as text, in a fixed order (statements named
 * by id, not seq). WITH_PATH adds what depends on the path through the log:
 * where statements landed (seq), when a level last changed, and the highest
 * level published since the last correction.
 */
static void dump(struct store *db, int with_path, struct buf *out)
{
    buf_init(out, 1 << 24);
    const char *sql[] = {
        "SELECT m.agent, l.item, l.level, l.own_level, l.evidence, l.scored, l.passed,"
        " l.score_sum, l.child_sum, l.child_started, l.changed_seq, l.attained"
        " FROM mastery_levels l JOIN mastery_learners m ON m.id = l.learner_id"
        " ORDER BY m.institution_id, m.agent, l.item",
        "SELECT m.agent, e.item, e.at, s.id, e.score, e.passed, e.via, e.via_item, e.seq"
        " FROM mastery_evidence e JOIN mastery_learners m ON m.id = e.learner_id"
        " JOIN xapi_statements s ON s.seq = e.seq ORDER BY m.institution_id, m.agent, e.item, s.id",
    };
    const int cols[] = {12, 9}, path_from[] = {10, 8};
    for (size_t q = 0; q < N_ELEMS(sql); q++) {
        struct store_stmt *st;
        assert_int_equal(store_prepare(db, sql[q], &st), STORE_OK);
        while (store_step(st) == STORE_ROW) {
            for (int c = 0; c < cols[q]; c++) {
                if (!with_path && c >= path_from[q])
                    continue;
                assert_int_equal(buf_addf(out, "%s|", store_col_text(st, c)), 0);
            }
            assert_int_equal(buf_adds(out, "\n"), 0);
        }
        store_finish(st);
        assert_int_equal(buf_adds(out, "--\n"), 0);
    }
    /* The recency window, rebuilt or kept, must say the same. */
    struct store_stmt *st;
    assert_int_equal(store_prepare(db,
                                   "SELECT m.agent, l.item, l.recent FROM mastery_levels l JOIN"
                                   " mastery_learners m ON m.id = l.learner_id"
                                   " ORDER BY m.institution_id, m.agent, l.item",
                                   &st),
                     STORE_OK);
    while (store_step(st) == STORE_ROW) {
        /* The window names statements by seq: only the scores and passes are path-free. */
        struct mastery_window w;
        mastery_window_parse(store_col_text(st, 2), &w);
        assert_int_equal(buf_addf(out, "%s|%s|", store_col_text(st, 0), store_col_text(st, 1)), 0);
        for (int i = 0; i < w.n; i++)
            assert_int_equal(buf_addf(out, "%lld:%d:%d,", with_path ? (long long)w.r[i].seq : 0LL,
                                      w.r[i].score, w.r[i].passed),
                             0);
        assert_int_equal(buf_adds(out, "\n"), 0);
    }
    store_finish(st);
}

static void assert_same_state(struct store *a, struct store *b, int with_seq)
{
    struct buf x, y;
    dump(a, with_seq, &x);
    dump(b, with_seq, &y);
    if (strcmp(x.data, y.data) != 0)
        fail_msg("the states differ:\n%s\n=====\n%s", x.data, y.data);
    buf_release(&x);
    buf_release(&y);
}

/* ---- the scoring table ------------------------------------------------------------------------
 */

static void score_table(void **state)
{
    static const struct {
        const char *verb, *result;
        enum mastery_kind kind;
        int score, passed;
    } rows[] = {
        {"passed", NULL, MASTERY_SCORED, 1000, 1},
        {"mastered", NULL, MASTERY_SCORED, 1000, 1},
        {"failed", NULL, MASTERY_SCORED, 0, 0},
        {"completed", NULL, MASTERY_UNSCORED, 0, 0},
        {"attempted", NULL, MASTERY_UNSCORED, 0, 0},
        {"experienced", NULL, MASTERY_UNSCORED, 0, 0},
        {"answered", NULL, MASTERY_UNSCORED, 0, 0},
        {"progressed", NULL, MASTERY_UNSCORED, 0, 0},
        {"launched", NULL, MASTERY_NO_EVIDENCE, 0, 0},
        {"initialized", "{\"completion\":true}", MASTERY_NO_EVIDENCE, 0, 0},
        {"completed", "{\"completion\":true}", MASTERY_UNSCORED, 0, 0},
        {"completed", "{\"score\":{\"scaled\":0.85}}", MASTERY_SCORED, 850, 1},
        {"completed", "{\"score\":{\"scaled\":0.79}}", MASTERY_SCORED, 790, 0},
        {"completed", "{\"score\":{\"scaled\":0.8}}", MASTERY_SCORED, 800, 1},
        {"answered", "{\"score\":{\"scaled\":-0.5}}", MASTERY_SCORED, 0, 0},
        {"answered", "{\"score\":{\"scaled\":0.12345}}", MASTERY_SCORED, 123, 0},
        {"answered", "{\"score\":{\"scaled\":0.9995}}", MASTERY_SCORED, 1000, 1},
        {"scored", "{\"score\":{\"raw\":45,\"min\":0,\"max\":50}}", MASTERY_SCORED, 900, 1},
        {"scored", "{\"score\":{\"raw\":45,\"min\":40,\"max\":50}}", MASTERY_SCORED, 500, 0},
        {"scored", "{\"score\":{\"raw\":45}}", MASTERY_NO_EVIDENCE, 0, 0},
        {"answered", "{\"success\":true}", MASTERY_SCORED, 1000, 1},
        {"answered", "{\"success\":false}", MASTERY_SCORED, 0, 0},
        /* success decides passed; the score stays what it is. */
        {"passed", "{\"success\":false,\"score\":{\"scaled\":0.95}}", MASTERY_SCORED, 950, 0},
        {"failed", "{\"success\":true,\"score\":{\"scaled\":0.6}}", MASTERY_SCORED, 600, 1},
        {"passed", "{\"score\":{\"scaled\":0.5}}", MASTERY_SCORED, 500, 1},
        {"failed", "{\"score\":{\"scaled\":0.9}}", MASTERY_SCORED, 900, 0},
        {"voided", NULL, MASTERY_NO_EVIDENCE, 0, 0},
    };
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        char text[1024];
        snprintf(text, sizeof(text),
                 "{\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/%s\"}%s%s}", rows[i].verb,
                 rows[i].result ? ",\"result\":" : "", rows[i].result ? rows[i].result : "");
        json_t *st = json_loads(text, 0, NULL);
        struct mastery_score s;
        mastery_score_statement(st, &s);
        json_decref(st);
        if (s.kind != rows[i].kind || s.score != rows[i].score || s.passed != rows[i].passed)
            fail_msg("row %zu (%s): got kind %d score %d passed %d", i, text, s.kind, s.score,
                     s.passed);
    }
    /* cmi5 satisfied */
    json_t *st = json_pack("{s:{s:s}}", "verb", "id", "https://w3id.org/xapi/adl/verbs/satisfied");
    struct mastery_score s;
    mastery_score_statement(st, &s);
    json_decref(st);
    assert_int_equal(s.kind, MASTERY_SCORED);
    assert_int_equal(s.passed, 1);
}

/* ---- the level rule ---------------------------------------------------------------------------
 */

static struct mastery_window window(int n, const int *scores, const int *passed)
{
    struct mastery_window w = {0};
    for (int i = 0; i < n; i++) { /* given oldest first */
        struct mastery_result r = {1000 + i, i + 1, scores[i], passed[i]};
        mastery_window_add(&w, &r);
    }
    return w;
}

static void level_rule(void **state)
{
    static const struct {
        int64_t evidence, passed;
        int n, scores[5], ok[5];
        int level;
    } rows[] = {
        {0, 0, 0, {0}, {0}, 0},
        {1, 0, 0, {0}, {0}, 1},                                     /* completed only */
        {1, 0, 1, {300}, {0}, 1},                                   /* one poor result */
        {1, 0, 1, {500}, {0}, 2},                                   /* mean 50% */
        {1, 1, 1, {400}, {1}, 2},                                   /* one pass */
        {2, 2, 2, {800, 800}, {1, 1}, 3},                           /* proficient */
        {2, 2, 2, {700, 790}, {1, 1}, 2},                           /* mean below 75% */
        {3, 2, 3, {800, 800, 700}, {1, 1, 0}, 2},                   /* the latest failed */
        {3, 3, 3, {900, 900, 900}, {1, 1, 1}, 4},                   /* mastered */
        {3, 3, 3, {900, 900, 890}, {1, 1, 1}, 3},                   /* mean 89.7% */
        {5, 4, 5, {0, 1000, 1000, 1000, 1000}, {0, 1, 1, 1, 1}, 4}, /* an early failure is old */
        {5, 4, 5, {1000, 1000, 0, 1000, 1000}, {1, 1, 0, 1, 1}, 2}, /* within the last three */
        {4, 2, 2, {1000, 1000}, {1, 1}, 3}, /* unscored evidence is not in the window */
    };
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        struct mastery_window w = window(rows[i].n, rows[i].scores, rows[i].ok);
        int level = mastery_own_level(rows[i].evidence, rows[i].passed, &w);
        if (level != rows[i].level)
            fail_msg("row %zu: level %d, expected %d", i, level, rows[i].level);
    }
    assert_int_equal(mastery_rollup_level(0, 0, 3), 0);
    assert_int_equal(mastery_rollup_level(1, 1, 3), 1); /* begun: at least 1 */
    assert_int_equal(mastery_rollup_level(8, 2, 3), 2);
    assert_int_equal(mastery_rollup_level(9, 3, 3), 3);
    assert_int_equal(mastery_rollup_level(12, 3, 3), 4);
    assert_int_equal(mastery_combined_level(1, 3), 3);
    assert_int_equal(mastery_combined_level(4, 2), 4);
}

static void window_keeps_newest(void **state)
{
    struct mastery_window w = {0};
    struct mastery_result r[] = {
        {50, 5, 100, 0}, {10, 9, 200, 0}, {50, 3, 300, 0}, {70, 1, 400, 0}, {5, 20, 500, 0}};
    for (size_t i = 0; i < N_ELEMS(r); i++)
        mastery_window_add(&w, &r[i]);
    assert_int_equal(w.n, 3);
    assert_int_equal(w.r[0].score, 400); /* at 70 */
    assert_int_equal(w.r[1].score, 100); /* at 50, seq 5 */
    assert_int_equal(w.r[2].score, 300); /* at 50, seq 3 */
    assert_true(mastery_window_has(&w, 50, 3));
    assert_false(mastery_window_has(&w, 10, 9));
}

static int collect(void *ctx, const char *item)
{
    struct buf *b = ctx;
    return buf_addf(b, "%s;", item);
}

static void statement_items(void **state)
{
    json_t *st = json_loads(
        "{\"object\":{\"id\":\"" MASTERY_ITEM_IRI "30000000-0000-4000-8000-00000000000A\"},"
        "\"context\":{\"extensions\":{\"" MASTERY_EXT_CFITEMS "\":[\"" YL11 "\", 7, \"nope\","
        " \"20000000-0000-4000-8000-00000000001F\"]}}}",
        0, NULL);
    struct buf b;
    buf_init(&b, 4096);
    assert_int_equal(mastery_statement_items(st, collect, &b), 0);
    assert_string_equal(b.data, YL11 ";20000000-0000-4000-8000-00000000001f;"
                                     "30000000-0000-4000-8000-00000000000a;");
    buf_release(&b);
    json_decref(st);
    assert_true(mastery_is_uuid(YL11));
    assert_false(mastery_is_uuid("20000000-0000-4000-8000-00000000001F"));
    assert_false(mastery_is_uuid("20000000x0000-4000-8000-000000000011"));
}

static void statement_ids_are_v5(void **state)
{
    char a[37], b[37], c[37];
    mastery_statement_id(1, "account:x y", YL11, 3, "t", a);
    mastery_statement_id(1, "account:x y", YL11, 3, "t", b);
    mastery_statement_id(1, "account:x y", YL11, 4, "t", c);
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
    assert_int_equal(a[14], '5');
    assert_true(a[19] == '8' || a[19] == '9' || a[19] == 'a' || a[19] == 'b');
    /* The namespace is uuid5(URL, "https://carecampus.org/xapi/mastery"); checked with Python's
     * uuid. */
    mastery_statement_id(1, "account:x y", "item", 3, "trig", a);
    assert_string_equal(a, "8d2d2ada-5af7-546d-bcc9-367bbe20c70d");
}

/* ---- the engine --------------------------------------------------------------------------------
 */

static void levels_from_evidence(void **state)
{
    struct fixture *f = *state;
    const char *items = "[\"" YL11 "\"]";
    post(f, f->inst_a, "li.na", "completed", OTHER, items, NULL, 1);
    catch_up(f, f->inst_a, 100);
    assert_int_equal(level_of(f, f->inst_a, "li.na", YL11), 1);
    post(f, f->inst_a, "li.na", "passed", OTHER, items, "{\"score\":{\"scaled\":0.9}}", 2);
    catch_up(f, f->inst_a, 100);
    assert_int_equal(level_of(f, f->inst_a, "li.na", YL11), 2);
    post(f, f->inst_a, "li.na", "passed", OTHER, items, "{\"score\":{\"scaled\":0.95}}", 3);
    catch_up(f, f->inst_a, 100);
    assert_int_equal(level_of(f, f->inst_a, "li.na", YL11), 3);
    post(f, f->inst_a, "li.na", "passed", OTHER, items, "{\"score\":{\"scaled\":1.0}}", 4);
    catch_up(f, f->inst_a, 100);
    assert_int_equal(level_of(f, f->inst_a, "li.na", YL11), 4);
    /* The parent: children 4 and 0, mean 2. The crosswalk: NA.S01 the same as YL.1.1. */
    assert_int_equal(level_of(f, f->inst_a, "li.na", YL1), 2);
    assert_int_equal(level_of(f, f->inst_a, "li.na", NAS01), 4);
    assert_int_equal(level_of(f, f->inst_a, "li.na", YL12), 0);
    assert_int_equal(level_of(f, f->inst_a, "li.na", NAS02), 0); /* isRelatedTo: not evidence */
    assert_int_equal(
        query_int(f->db,
                  "SELECT count(*) FROM mastery_evidence WHERE via = 'crosswalk' AND item = '" NAS01
                  "' AND via_item = '" YL11 "'"),
        4);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM mastery_evidence WHERE via = 'direct'"),
                     4);
    /* One failure in the last three takes mastered (and proficient) away. */
    post(f, f->inst_a, "li.na", "failed", OTHER, items, NULL, 5);
    catch_up(f, f->inst_a, 100);
    assert_int_equal(level_of(f, f->inst_a, "li.na", YL11), 2);
    assert_int_equal(level_of(f, f->inst_a, "li.na", YL1), 1);
}

static void alignment_and_crosswalk(void **state)
{
    struct fixture *f = *state;
    for (int i = 0; i < 3; i++)
        post(f, f->inst_a, "wang.fang", "passed", HAND, NULL, "{\"success\":true}", i);
    catch_up(f, f->inst_a, 2);
    assert_int_equal(level_of(f, f->inst_a, "wang.fang", NAS01), 4);
    assert_int_equal(level_of(f, f->inst_a, "wang.fang", YL11), 4);
    assert_int_equal(level_of(f, f->inst_a, "wang.fang", YL1), 2);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM mastery_evidence WHERE item = '" NAS01
                                      "' AND via = 'alignment'"),
                     3);
    /* An activity named by the extension and aligned counts once, as named. */
    post(f, f->inst_a, "wang.fang", "passed", HAND, "[\"" NAS01 "\"]", NULL, 10);
    catch_up(f, f->inst_a, 2);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM mastery_evidence WHERE item = '" NAS01
                                      "' AND via = 'direct'"),
                     1);
    /* The object may be the CFItem itself. */
    post(f, f->inst_a, "wang.fang", "passed", MASTERY_ITEM_IRI YL21, NULL, NULL, 11);
    catch_up(f, f->inst_a, 2);
    assert_int_equal(level_of(f, f->inst_a, "wang.fang", YL21), 2);
    assert_int_equal(level_of(f, f->inst_a, "wang.fang", YL2), 2);
    /* College B has no alignment for HAND; nor do unknown items count. */
    post(f, f->inst_b, "wang.fang", "passed", HAND, "[\"60000000-0000-4000-8000-000000000000\"]",
         NULL, 12);
    catch_up(f, f->inst_b, 2);
    assert_int_equal(level_of(f, f->inst_b, "wang.fang", NAS01), 0);
    assert_int_equal(
        query_int(f->db, "SELECT count(*) FROM mastery_learners WHERE institution_id = 2"), 0);
}

static void groups_and_nothing(void **state)
{
    struct fixture *f = *state;
    store_text(f, f->inst_a,
               "{\"actor\":{\"objectType\":\"Group\",\"mbox\":\"mailto:team@x.org\"},\"verb\":"
               "{\"id\":\"http://adlnet.gov/expapi/verbs/passed\"},\"object\":{\"id\":\"" HAND
               "\"}}");
    post(f, f->inst_a, "li.na", "launched", HAND, NULL, NULL, 1);
    post(f, f->inst_a, "li.na", "passed", OTHER, NULL, NULL, 2);
    catch_up(f, f->inst_a, 10);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM mastery_evidence"), 0);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM mastery_levels"), 0);
}

static void voiding_is_exact(void **state)
{
    struct fixture *f = *state;
    const char *items = "[\"" YL11 "\"]";
    int s1 = post(f, f->inst_a, "li.na", "passed", HAND, items, "{\"score\":{\"scaled\":0.9}}", 1);
    int s2 = post(f, f->inst_a, "li.na", "failed", HAND, items, "{\"score\":{\"scaled\":0.2}}", 2);
    post(f, f->inst_a, "li.na", "passed", HAND, items, "{\"score\":{\"scaled\":0.95}}", 3);
    post(f, f->inst_a, "li.na", "passed", OTHER, "[\"" YL12 "\"]", NULL, 4);
    catch_up(f, f->inst_a, 100);
    assert_int_equal(level_of(f, f->inst_a, "li.na", YL11), 2);
    void_statement(f, f->inst_a, s2);
    catch_up(f, f->inst_a, 100);
    assert_int_equal(level_of(f, f->inst_a, "li.na", YL11), 3);

    /* The same statements without s2, in a database of their own: the same state. */
    char url[600];
    static int n;
    snprintf(url, sizeof(url), "sqlite:%s/void%d.sqlite", tmpdir, ++n);
    struct fixture g = {0};
    assert_int_equal(store_open(url, &g.db), STORE_OK);
    assert_int_equal(store_migrate(g.db), STORE_OK);
    exec(g.db, "INSERT INTO institutions (name_en, name_zh, country, created_at) VALUES"
               " ('College A', '甲学院', 'CN', '2026-01-01T00:00:00Z')");
    frameworks(g.db);
    align(g.db, 1, HAND, NAS01);
    g.inst_a = 1;
    post(&g, 1, "li.na", "passed", HAND, items, "{\"score\":{\"scaled\":0.9}}", 1);
    g.n++; /* s2 never posted */
    post(&g, 1, "li.na", "passed", HAND, items, "{\"score\":{\"scaled\":0.95}}", 3);
    post(&g, 1, "li.na", "passed", OTHER, "[\"" YL12 "\"]", NULL, 4);
    catch_up(&g, 1, 100);
    assert_same_state(f->db, g.db, 0);
    store_close(&g.db);

    /* Voiding what made a level takes it away again; voiding twice changes nothing. */
    void_statement(f, f->inst_a, s1);
    catch_up(f, f->inst_a, 100);
    assert_int_equal(level_of(f, f->inst_a, "li.na", YL11), 2);
    assert_int_equal(
        query_int(f->db, "SELECT count(*) FROM mastery_evidence WHERE item = '" YL11 "'"), 1);
}

static void voiding_a_window_member_brings_back_older(void **state)
{
    struct fixture *f = *state;
    const char *items = "[\"" YL21 "\"]";
    post(f, f->inst_a, "li.na", "passed", OTHER, items, "{\"score\":{\"scaled\":1}}", 1);
    post(f, f->inst_a, "li.na", "passed", OTHER, items, "{\"score\":{\"scaled\":1}}", 2);
    post(f, f->inst_a, "li.na", "passed", OTHER, items, "{\"score\":{\"scaled\":1}}", 3);
    int bad = post(f, f->inst_a, "li.na", "failed", OTHER, items, NULL, 4);
    catch_up(f, f->inst_a, 100);
    assert_int_equal(level_of(f, f->inst_a, "li.na", YL21), 2);
    void_statement(f, f->inst_a, bad);
    catch_up(f, f->inst_a, 100);
    assert_int_equal(level_of(f, f->inst_a, "li.na", YL21), 4);
    /* The same within one batch, where the newest results are held in memory. */
    items = "[\"" YL11 "\"]";
    post(f, f->inst_a, "li.na", "passed", OTHER, items, "{\"score\":{\"scaled\":1}}", 11);
    post(f, f->inst_a, "li.na", "passed", OTHER, items, "{\"score\":{\"scaled\":1}}", 12);
    post(f, f->inst_a, "li.na", "passed", OTHER, items, "{\"score\":{\"scaled\":1}}", 13);
    bad = post(f, f->inst_a, "li.na", "failed", OTHER, items, NULL, 14);
    void_statement(f, f->inst_a, bad);
    catch_up(f, f->inst_a, 100);
    assert_int_equal(level_of(f, f->inst_a, "li.na", YL11), 4);
}

static void recency_by_timestamp(void **state)
{
    struct fixture *f = *state;
    const char *items = "[\"" YL21 "\"]";
    for (int i = 0; i < 3; i++)
        post(f, f->inst_a, "li.na", "passed", OTHER, items, "{\"score\":{\"scaled\":1}}", 100 + i);
    /* A failure from before them, synchronised late, is not among the most recent. */
    post(f, f->inst_a, "li.na", "failed", OTHER, items, NULL, 5);
    catch_up(f, f->inst_a, 1);
    assert_int_equal(level_of(f, f->inst_a, "li.na", YL21), 4);
}

static void published_and_skipped(void **state)
{
    struct fixture *f = *state;
    const char *items = "[\"" YL21 "\"]";
    int last = 0;
    for (int i = 0; i < 3; i++)
        last = post(f, f->inst_a, "li.na", "passed", OTHER, items, "{\"score\":{\"scaled\":1}}", i);
    catch_up(f, f->inst_a, 100);
    /* YL.2.1 and its parent YL.2 each attain 2, 3 and 4. */
    int64_t queued = query_int(f->db, "SELECT count(*) FROM mastery_outbox");
    assert_int_equal(queued, 6);
    int64_t handled = 0, published = 0;
    assert_int_equal(mastery_publish(f->db, f->inst_a, 1000, &handled, &published), MASTERY_OK);
    assert_int_equal(handled, queued);
    assert_int_equal(published, queued);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM mastery_outbox"), 0);
    /* The last one: mastered, about the CFItem, pointing at the statement that did it. */
    char tid[37];
    statement_id(last, tid);
    struct store_stmt *st;
    assert_int_equal(
        store_prepare(f->db,
                      "SELECT statement FROM xapi_statements WHERE verb = '" MASTERY_VERB_MASTERED
                      "' ORDER BY seq LIMIT 1",
                      &st),
        STORE_OK);
    assert_int_equal(store_step(st), STORE_ROW);
    json_t *s = json_loads(store_col_text(st, 0), 0, NULL);
    store_finish(st);
    assert_string_equal(json_string_value(json_object_get(json_object_get(s, "object"), "id")),
                        MASTERY_ITEM_IRI YL21);
    assert_string_equal(
        json_string_value(json_object_get(
            json_object_get(json_object_get(json_object_get(s, "object"), "definition"), "name"),
            "zh-CN")),
        "YL.2.1 预防跌倒");
    assert_int_equal(
        json_integer_value(json_object_get(
            json_object_get(json_object_get(s, "result"), "extensions"), MASTERY_EXT_LEVEL)),
        4);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(json_object_get(s, "context"), "statement"), "id")),
                        tid);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(json_object_get(s, "actor"), "account"), "name")),
                        "li.na");
    json_decref(s);
    /* Reading the published statements adds no evidence and changes no level. */
    struct buf before, after;
    dump(f->db, 1, &before);
    catch_up(f, f->inst_a, 100);
    dump(f->db, 1, &after);
    assert_string_equal(before.data, after.data);
    buf_release(&before);
    buf_release(&after);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM mastery_outbox"), 0);
    /* A rebuild finds the same changes and publishes nothing new. */
    struct mastery_progress p;
    assert_int_equal(mastery_rebuild(f->db, f->inst_a, 7, &p), MASTERY_OK);
    assert_int_equal(p.changes, queued);
    assert_int_equal(mastery_publish(f->db, f->inst_a, 1000, &handled, &published), MASTERY_OK);
    assert_int_equal(handled, queued);
    assert_int_equal(published, 0);
}

static int64_t queued(struct fixture *f, const char *item, int level, int previous)
{
    char sql[512];
    snprintf(
        sql, sizeof(sql),
        "SELECT count(*) FROM mastery_outbox WHERE item = '%s' AND level = %d AND previous = %d",
        item, level, previous);
    return query_int(f->db, sql);
}

static void attainments_and_corrections(void **state)
{
    struct fixture *f = *state;
    const char *items = "[\"" YL21 "\"]";
    int s1 = post(f, f->inst_a, "li.na", "passed", OTHER, items, NULL, 1);
    post(f, f->inst_a, "li.na", "passed", OTHER, items, NULL, 2);
    post(f, f->inst_a, "li.na", "passed", OTHER, items, NULL, 3);
    catch_up(f, f->inst_a, 100);
    assert_int_equal(queued(f, YL21, 2, 0) + queued(f, YL21, 3, 2) + queued(f, YL21, 4, 3), 3);
    assert_int_equal(queued(f, YL2, 4, 3), 1);
    /* A failure lowers the level shown; what was attained is not taken back. */
    post(f, f->inst_a, "li.na", "failed", OTHER, items, NULL, 4);
    catch_up(f, f->inst_a, 100);
    assert_int_equal(level_of(f, f->inst_a, "li.na", YL21), 2);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM mastery_outbox"), 6);
    /* Voiding the first pass leaves 2 passes and a failure: the mastery rested on it. The level
       stays 2, but the attainment of 4 no longer stands: a correction, for the parent too. */
    void_statement(f, f->inst_a, s1);
    catch_up(f, f->inst_a, 100);
    assert_int_equal(level_of(f, f->inst_a, "li.na", YL21), 2);
    assert_int_equal(queued(f, YL21, 2, 4), 1);
    assert_int_equal(queued(f, YL2, 2, 4), 1);
    /* Attained again: published again. */
    for (int i = 0; i < 3; i++)
        post(f, f->inst_a, "li.na", "passed", OTHER, items, NULL, 10 + i);
    catch_up(f, f->inst_a, 100);
    assert_int_equal(level_of(f, f->inst_a, "li.na", YL21), 4);
    assert_int_equal(queued(f, YL21, 4, 2), 1);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM mastery_outbox"), 10);
}

/* A deterministic stream of statements, voids among them; posted and processed in pieces. */
static void random_stream(struct fixture *f, uint64_t seed, int n, int catch_every, int batch)
{
    static const char *const logins[] = {"a.one", "b.two", "c.three"};
    static const char *const items[] = {"[\"" YL11 "\"]", "[\"" YL12 "\"]", "[\"" YL21 "\"]",
                                        "[\"" NAS02 "\",\"" YL12 "\"]", NULL};
    static const char *const verbs[] = {"passed", "failed", "completed", "answered"};
    uint64_t x = seed;
    int posted[1024], nposted = 0;
    assert_true(n <= (int)N_ELEMS(posted));
    for (int i = 0; i < n; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        unsigned r = (unsigned)(x >> 33);
        if (r % 9 == 0 && nposted) {
            /* A voiding statement can void anything but another voiding statement. */
            unsigned back = r / 9 % 2 ? (unsigned)nposted : (nposted < 4 ? (unsigned)nposted : 4);
            void_statement(f, f->inst_a, posted[nposted - 1 - (int)(r / 18 % back)]);
        } else {
            char result[128];
            snprintf(result, sizeof(result), "{\"score\":{\"scaled\":0.%02u}}", r / 7 % 100);
            const char *it = items[r / 11 % N_ELEMS(items)];
            posted[nposted++] =
                post(f, f->inst_a, logins[r / 13 % 3], verbs[r / 17 % 4], it ? OTHER : HAND, it,
                     r / 19 % 3 ? result : NULL, (int)(r / 23 % 600));
        }
        if (catch_every && (i + 1) % catch_every == 0)
            catch_up(f, f->inst_a, batch);
    }
}

static void rebuild_equals_incremental(void **state)
{
    struct fixture *f = *state;
    random_stream(f, 42, 300, 3, 2);
    catch_up(f, f->inst_a, 1);
    assert_true(query_int(f->db, "SELECT count(*) FROM mastery_evidence") > 100);
    assert_true(query_int(f->db, "SELECT count(*) FROM xapi_statements WHERE voided = 1") > 10);
    struct buf incremental;
    dump(f->db, 1, &incremental);
    int batches[] = {MASTERY_BATCH_MAX, 1, 5, 64};
    for (size_t i = 0; i < N_ELEMS(batches); i++) {
        struct mastery_progress p;
        assert_int_equal(mastery_rebuild(f->db, f->inst_a, batches[i], &p), MASTERY_OK);
        assert_int_equal(p.seq, p.latest);
        struct buf rebuilt;
        dump(f->db, 1, &rebuilt);
        if (strcmp(incremental.data, rebuilt.data) != 0)
            fail_msg("rebuild in batches of %d differs:\n%s\n=====\n%s", batches[i],
                     incremental.data, rebuilt.data);
        buf_release(&rebuilt);
    }
    buf_release(&incremental);
}

static void batch_split_does_not_matter(void **state)
{
    struct fixture *f = *state;
    random_stream(f, 7, 200, 0, 0);
    catch_up(f, f->inst_a, 1);
    char url[600];
    static int n;
    snprintf(url, sizeof(url), "sqlite:%s/split%d.sqlite", tmpdir, ++n);
    struct fixture g = {0};
    assert_int_equal(store_open(url, &g.db), STORE_OK);
    assert_int_equal(store_migrate(g.db), STORE_OK);
    exec(g.db, "INSERT INTO institutions (name_en, name_zh, country, created_at) VALUES"
               " ('College A', '甲学院', 'CN', '2026-01-01T00:00:00Z'),"
               " ('College B', '乙学院', 'US', '2026-01-01T00:00:00Z')");
    frameworks(g.db);
    align(g.db, 1, HAND, NAS01);
    g.inst_a = 1;
    mastery_model_cache_clear();
    random_stream(&g, 7, 200, 13, 4); /* the same statements, caught up every 13 in batches of 4 */
    catch_up(&g, 1, 3);
    assert_same_state(f->db, g.db, 1);
    store_close(&g.db);
    mastery_model_cache_clear();
}

static void inputs_change_recomputes(void **state)
{
    struct fixture *f = *state;
    const char *other2 = "https://example.com/activities/feeding";
    post(f, f->inst_a, "li.na", "passed", other2, NULL, NULL, 1);
    post(f, f->inst_a, "li.na", "passed", other2, NULL, NULL, 2);
    catch_up(f, f->inst_a, 100);
    assert_int_equal(level_of(f, f->inst_a, "li.na", NAS02), 0);
    /* An admin aligns the activity: the old statements count now. */
    align(f->db, f->inst_a, other2, NAS02);
    struct mastery_progress p;
    assert_int_equal(mastery_catch_up(f->db, f->inst_a, 100, 0, MASTERY_NO_RESET, &p),
                     MASTERY_ERR_STALE);
    assert_true(p.stale);
    assert_int_equal(level_of(f, f->inst_a, "li.na", NAS02), 0);
    catch_up(f, f->inst_a, 100);
    assert_int_equal(level_of(f, f->inst_a, "li.na", NAS02), 3);
    assert_int_equal(mastery_status(f->db, f->inst_a, &p), MASTERY_OK);
    assert_false(p.stale);
    /* A framework's items change: the same. */
    exec(f->db, "DELETE FROM case_associations WHERE type = 'exactMatchOf'");
    post(f, f->inst_a, "li.na", "passed", HAND, NULL, NULL, 3);
    catch_up(f, f->inst_a, 100);
    assert_int_equal(level_of(f, f->inst_a, "li.na", NAS01), 2);
    assert_int_equal(level_of(f, f->inst_a, "li.na", YL11), 0);
}

static void forget_learner(void **state)
{
    struct fixture *f = *state;
    post(f, f->inst_a, "li.na", "passed", HAND, NULL, NULL, 1);
    post(f, f->inst_a, "wang.fang", "passed", HAND, NULL, NULL, 2);
    catch_up(f, f->inst_a, 100);
    assert_int_equal(
        mastery_forget_learner(f->db, f->inst_a, "account:" XAPI_PLATFORM_HOMEPAGE " li.na"),
        MASTERY_OK);
    assert_int_equal(
        query_int(f->db, "SELECT count(*) FROM mastery_learners WHERE agent LIKE '%li.na'"), 0);
    struct mastery_progress p;
    assert_int_equal(mastery_status(f->db, f->inst_a, &p), MASTERY_OK);
    assert_true(p.stale);
    assert_int_equal(level_of(f, f->inst_a, "wang.fang", NAS01), 2);
}

static void tenancy(void **state)
{
    struct fixture *f = *state;
    align(f->db, f->inst_b, HAND, YL21);
    post(f, f->inst_a, "li.na", "passed", HAND, NULL, NULL, 1);
    post(f, f->inst_b, "li.na", "failed", HAND, NULL, NULL, 2);
    catch_up(f, f->inst_a, 100);
    catch_up(f, f->inst_b, 100);
    assert_int_equal(level_of(f, f->inst_a, "li.na", NAS01), 2);
    assert_int_equal(level_of(f, f->inst_a, "li.na", YL21), 0);
    assert_int_equal(level_of(f, f->inst_b, "li.na", YL21), 1);
    assert_int_equal(level_of(f, f->inst_b, "li.na", NAS01), 0);
    /* Voiding in B with A's statement id does nothing to A. */
    char text[1024];
    snprintf(text, sizeof(text),
             "{\"actor\":{\"mbox\":\"mailto:r@x.org\"},\"verb\":{\"id\":\"" XAPI_VERB_VOIDED
             "\"},\"object\":{\"objectType\":\"StatementRef\",\"id\":"
             "\"50000000-0000-4000-8000-000000000001\"}}");
    store_text(f, f->inst_b, text);
    catch_up(f, f->inst_b, 100);
    catch_up(f, f->inst_a, 100);
    assert_int_equal(level_of(f, f->inst_a, "li.na", NAS01), 2);
    char *json = NULL;
    assert_int_equal(mastery_view_statement(f->db, f->inst_b,
                                            "account:" XAPI_PLATFORM_HOMEPAGE " li.na",
                                            "50000000-0000-4000-8000-000000000001", &json),
                     MASTERY_ERR_NOT_FOUND);
    assert_int_equal(mastery_view_statement(f->db, f->inst_a,
                                            "account:" XAPI_PLATFORM_HOMEPAGE " li.na",
                                            "50000000-0000-4000-8000-000000000001", &json),
                     MASTERY_OK);
    cc_free(json);
}

/* ---- views
 * ---------------------------------------------------------------------------------------- */

static void views(void **state)
{
    struct fixture *f = *state;
    const char *key = "account:" XAPI_PLATFORM_HOMEPAGE " li.na";
    post(f, f->inst_a, "li.na", "passed", HAND, NULL, "{\"score\":{\"scaled\":0.9}}", 1);
    post(f, f->inst_a, "li.na", "failed", OTHER, "[\"" YL21 "\"]", NULL, 2);
    post(f, f->inst_a, "li.na", "completed", OTHER, "[\"" NAS02 "\"]", NULL, 3);
    catch_up(f, f->inst_a, 100);

    json_t *v = NULL;
    assert_int_equal(mastery_view_summary(f->db, f->inst_a, key, LANG_EN, &v), MASTERY_OK);
    json_t *fws = json_object_get(v, "frameworks");
    assert_int_equal(json_array_size(fws), 2); /* the crosswalk has no items */
    json_t *next = json_object_get(v, "practise_next");
    assert_true(json_array_size(next) >= 3);
    /* The critical NA.S01 first; NA.S02 waits for NA.S03 (precedes) and comes last. */
    assert_string_equal(json_string_value(json_object_get(json_array_get(next, 0), "coding")),
                        "NA.S01");
    assert_string_equal(json_string_value(json_object_get(json_array_get(next, 0), "reason")),
                        "critical");
    json_t *lastn = json_array_get(next, json_array_size(next) - 1);
    assert_string_equal(json_string_value(json_object_get(lastn, "coding")), "NA.S02");
    assert_string_equal(json_string_value(json_object_get(lastn, "reason")), "prerequisite");
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(lastn, "blocked_by"), 0), "coding")),
                        "NA.S03");
    assert_string_equal(
        json_string_value(json_object_get(
            json_array_get(json_object_get(json_array_get(next, 0), "activities"), 0), "id")),
        HAND);
    json_decref(v);

    assert_int_equal(mastery_view_framework(f->db, f->inst_a, key, DOC_YL, LANG_ZH, &v),
                     MASTERY_OK);
    json_t *fw = json_object_get(v, "framework");
    assert_string_equal(json_string_value(json_object_get(fw, "title")), "养老护理员");
    assert_int_equal(json_integer_value(json_object_get(fw, "depth")), 2);
    json_t *items = json_object_get(fw, "items");
    assert_int_equal(json_array_size(items), 5);
    const char *order[] = {"YL.1", "YL.1.1", "YL.1.2", "YL.2", "YL.2.1"};
    int levels[] = {1, 2, 0, 1, 1};
    for (size_t i = 0; i < 5; i++) {
        json_t *it = json_array_get(items, i);
        assert_string_equal(json_string_value(json_object_get(it, "coding")), order[i]);
        assert_int_equal(json_integer_value(json_object_get(it, "level")), levels[i]);
    }
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 1), "name")),
                        "手卫生");
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 1), "parent")),
                        YL1);
    json_decref(v);
    assert_int_equal(mastery_view_framework(f->db, f->inst_a, key, "nope", LANG_ZH, &v),
                     MASTERY_ERR_NOT_FOUND);

    assert_int_equal(mastery_view_item(f->db, f->inst_a, key, YL11, LANG_EN, &v), MASTERY_OK);
    json_t *ev = json_object_get(v, "evidence");
    assert_int_equal(json_array_size(ev), 1);
    json_t *e0 = json_array_get(ev, 0);
    assert_string_equal(json_string_value(json_object_get(e0, "via")), "crosswalk");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(e0, "via_item"), "coding")), "NA.S01");
    assert_string_equal(json_string_value(json_object_get(json_object_get(e0, "activity"), "name")),
                        "Station 1");
    assert_true(json_real_value(json_object_get(e0, "score")) > 0.89);
    json_t *rel = json_object_get(v, "related");
    assert_int_equal(json_array_size(rel), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(rel, 0), "relation")),
                        "exactMatchOf");
    json_t *ex = json_object_get(v, "explanation");
    assert_int_equal(json_integer_value(json_object_get(ex, "passed")), 1);
    assert_int_equal(json_array_size(json_object_get(ex, "recent")), 1);
    json_decref(v);
    assert_int_equal(mastery_view_item(f->db, f->inst_a, key, YL1, LANG_EN, &v), MASTERY_OK);
    assert_int_equal(json_array_size(json_object_get(v, "children")), 2);
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(v, "explanation"), "rollup_level")), 1);
    json_decref(v);
    assert_int_equal(mastery_view_item(f->db, f->inst_a, key, "x", LANG_EN, &v),
                     MASTERY_ERR_NOT_FOUND);

    json_t *students = json_pack("[{s:i, s:s, s:s}, {s:i, s:s, s:s}]", "id", 5, "login", "li.na",
                                 "name", "Li Na", "id", 6, "login", "nobody", "name", "No Body");
    assert_int_equal(mastery_view_heatmap(f->db, f->inst_a, students, DOC_YL, 2, LANG_EN, &v),
                     MASTERY_OK);
    assert_int_equal(json_array_size(json_object_get(v, "columns")), 3);
    json_t *row0 = json_object_get(json_array_get(json_object_get(v, "rows"), 0), "levels");
    assert_int_equal(json_integer_value(json_array_get(row0, 0)), 2); /* YL.1.1 */
    assert_int_equal(json_integer_value(json_array_get(row0, 2)), 1); /* YL.2.1 */
    json_t *row1 = json_object_get(json_array_get(json_object_get(v, "rows"), 1), "levels");
    assert_int_equal(json_integer_value(json_array_get(row1, 0)), 0);
    json_decref(v);
    assert_int_equal(mastery_view_heatmap(f->db, f->inst_a, students, DOC_YL, 9, LANG_EN, &v),
                     MASTERY_OK);
    assert_int_equal(json_integer_value(json_object_get(v, "depth")), 2);
    json_decref(v);
    json_decref(students);
}

static void model_bounds(void **state)
{
    struct fixture *f = *state;
    struct mastery_model *m = NULL;
    assert_int_equal(mastery_model_get(f->db, f->inst_a, 0, &m), MASTERY_OK);
    assert_int_equal(m->nitems, 8);
    int yl11 = mastery_model_find(m, YL11), yl1 = mastery_model_find(m, YL1);
    assert_true(yl11 >= 0);
    assert_int_equal(m->items[yl11].nparents, 1);
    assert_int_equal(m->links[m->items[yl11].parents], yl1);
    assert_int_equal(m->items[yl1].nchildren, 2);
    assert_int_equal(m->items[yl11].nequiv, 1);
    assert_int_equal(mastery_model_find(m, "nope"), -1);
    size_t n, first = mastery_model_aligned(m, HAND, &n);
    assert_int_equal(n, 1);
    assert_int_equal(m->aligned[first].item, mastery_model_find(m, NAS01));
    char inputs[65];
    snprintf(inputs, sizeof(inputs), "%s", m->inputs);
    struct mastery_model *again = NULL;
    assert_int_equal(mastery_model_get(f->db, f->inst_a, 0, &again), MASTERY_OK);
    assert_ptr_equal(again, m); /* cached */
    mastery_model_put(&again);
    mastery_model_put(&m);
    /* Institution B: the same frameworks, other alignments, other inputs. */
    assert_int_equal(mastery_model_get(f->db, f->inst_b, 0, &m), MASTERY_OK);
    assert_string_not_equal(m->inputs, inputs);
    assert_int_equal(m->naligned, 0);
    mastery_model_put(&m);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(score_table),
        cmocka_unit_test(level_rule),
        cmocka_unit_test(window_keeps_newest),
        cmocka_unit_test(statement_items),
        cmocka_unit_test(statement_ids_are_v5),
        T(model_bounds),
        T(levels_from_evidence),
        T(alignment_and_crosswalk),
        T(groups_and_nothing),
        T(voiding_is_exact),
        T(voiding_a_window_member_brings_back_older),
        T(recency_by_timestamp),
        T(published_and_skipped),
        T(attainments_and_corrections),
        T(rebuild_equals_incremental),
        T(batch_split_does_not_matter),
        T(inputs_change_recomputes),
        T(forget_learner),
        T(tenancy),
        T(views),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
