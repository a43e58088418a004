/* Literacy tests: start, present, answer, stop, finish (profile + statements), lists, classes. */
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/class.h"
#include "literacy/store.h"
#include "literacy/test.h"
#include "util/alloc.h"
#include "util/log.h"
#include "util/secret.h"
#include "util/timeutil.h"
#include "util/utf8.h"
#include "xapi/record.h"
#include "xapi/statements.h"
#include "xapi/validate.h"
#include "util/banned.h"

#define LIST_MAX 500

const char *literacy_mode_name(enum literacy_mode m)
{
    return m == LITERACY_CERTIFIED ? "certified" : "practice";
}

int literacy_mode_parse(const char *s)
{
    if (s && strcmp(s, "practice") == 0)
        return LITERACY_PRACTICE;
    if (s && strcmp(s, "certified") == 0)
        return LITERACY_CERTIFIED;
    return -1;
}

void literacy_test_release(struct literacy_test *t)
{
    json_decref(t->current);
    json_decref(t->result);
    json_decref(t->passed);
    t->current = t->result = t->passed = NULL;
}

static void now_ms(char out[25])
{
    time_format_ms(time_now_ms(), out);
}

/* ---- Rows ---- */

#define TEST_COLUMNS                                                                               \
    "t.id, t.uuid, t.student_id, u.login, u.name, t.mode, t.status, t.seed, t.settings,"           \
    " t.answered, t.current_item, COALESCE(t.presented_at, ''), t.theta, t.se,"                    \
    " COALESCE(t.stop_reason, ''), COALESCE(t.ended_at, ''), t.result, t.started_at,"              \
    " COALESCE(t.finished_at, ''), t.passed"
#define TEST_FROM " FROM literacy_tests t JOIN users u ON u.id = t.student_id"

static int read_test(struct store_stmt *st, struct literacy_test *t)
{
    memset(t, 0, sizeof(*t));
    t->id = store_col_int(st, 0);
    snprintf(t->uuid, sizeof(t->uuid), "%s", store_col_text(st, 1));
    t->student_id = store_col_int(st, 2);
    snprintf(t->student_login, sizeof(t->student_login), "%s", store_col_text(st, 3));
    utf8_copy(t->student_name, sizeof(t->student_name), store_col_text(st, 4));
    t->mode =
        strcmp(store_col_text(st, 5), "certified") == 0 ? LITERACY_CERTIFIED : LITERACY_PRACTICE;
    t->finished = strcmp(store_col_text(st, 6), "finished") == 0;
    t->seed = (uint64_t)store_col_int(st, 7);
    literacy_settings_default(&t->settings);
    json_t *s = json_loads(store_col_text(st, 8), 0, NULL);
    struct literacy_problem p;
    int bad = !s || literacy_settings_read(s, &t->settings, &p);
    json_decref(s);
    t->answered = (int)store_col_int(st, 9);
    if (!store_col_is_null(st, 10) && !(t->current = json_loads(store_col_text(st, 10), 0, NULL)))
        bad = 1;
    snprintf(t->presented_at, sizeof(t->presented_at), "%s", store_col_text(st, 11));
    snprintf(t->stop_reason, sizeof(t->stop_reason), "%s", store_col_text(st, 14));
    snprintf(t->ended_at, sizeof(t->ended_at), "%s", store_col_text(st, 15));
    if (!store_col_is_null(st, 16) && !(t->result = json_loads(store_col_text(st, 16), 0, NULL)))
        bad = 1;
    snprintf(t->started_at, sizeof(t->started_at), "%s", store_col_text(st, 17));
    snprintf(t->finished_at, sizeof(t->finished_at), "%s", store_col_text(st, 18));
    if (!(t->passed = json_loads(store_col_text(st, 19), 0, NULL)) || !json_is_array(t->passed))
        bad = 1;
    if (bad) {
        literacy_test_release(t);
        return LITERACY_ERR_NOMEM;
    }
    return LITERACY_OK;
}

/* The real columns theta and se: store_col_int would truncate them, so read them as text. */
static void read_reals(struct store_stmt *st, struct literacy_test *t)
{
    t->theta = strtod(store_col_text(st, 12), NULL);
    t->se = strtod(store_col_text(st, 13), NULL);
}

/* Test UUID of INSTITUTION (and of STUDENT when non-zero) into OUT; *FOUND says whether. */
static int find_test(struct store *db, int64_t institution, const char *uuid, int64_t student,
                     struct literacy_test *out, int *found)
{
    struct store_stmt *st;
    *found = 0;
    if (store_prepare(db,
                      "SELECT " TEST_COLUMNS TEST_FROM " WHERE t.institution_id = ? AND t.uuid = ?"
                      " AND (? = 0 OR t.student_id = ?)",
                      &st))
        return LITERACY_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_text(st, 2, uuid);
    store_bind_int(st, 3, student);
    store_bind_int(st, 4, student);
    int rc = store_step(st), err = LITERACY_OK;
    if (rc == STORE_ROW) {
        err = read_test(st, out);
        if (!err)
            read_reals(st, out);
        *found = !err;
    } else if (rc < 0) {
        err = LITERACY_ERR_STORE;
    }
    store_finish(st);
    return err;
}

static int find_active(struct store *db, int64_t institution, int64_t student,
                       struct literacy_test *out, int *found)
{
    struct store_stmt *st;
    *found = 0;
    if (store_prepare(db,
                      "SELECT " TEST_COLUMNS TEST_FROM " WHERE t.institution_id = ?"
                      " AND t.student_id = ? AND t.status = 'active'",
                      &st))
        return LITERACY_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_int(st, 2, student);
    int rc = store_step(st), err = LITERACY_OK;
    if (rc == STORE_ROW) {
        err = read_test(st, out);
        if (!err)
            read_reals(st, out);
        *found = !err;
    } else if (rc < 0) {
        err = LITERACY_ERR_STORE;
    }
    store_finish(st);
    return err;
}

/* One stored answer. */
struct answer_row {
    int seq;
    char item_id[LITERACY_ID_MAX + 1];
    int64_t version;
    int competence;
    struct literacy_irt irt;
    int category, max;
    json_t *answer;
    char presented_at[25], answered_at[25];
    double theta, se;
};

static void rows_free(struct answer_row *rows, size_t n)
{
    for (size_t i = 0; rows && i < n; i++)
        json_decref(rows[i].answer);
    cc_free(rows);
}

static int read_rows(struct store *db, int64_t test_id, struct answer_row **out, size_t *n)
{
    struct store_stmt *st;
    *out = NULL;
    *n = 0;
    if (store_prepare(db,
                      "SELECT seq, item_id, item_version, competence, irt, category, max_category,"
                      " answer, presented_at, answered_at, theta, se FROM literacy_responses"
                      " WHERE test_id = ? ORDER BY seq",
                      &st))
        return LITERACY_ERR_STORE;
    store_bind_int(st, 1, test_id);
    size_t cap = 0;
    int rc, err = LITERACY_OK;
    while (!err && (rc = store_step(st)) == STORE_ROW) {
        if (*n == cap) {
            size_t ncap = cap ? cap * 2 : 32;
            struct answer_row *r = cc_realloc(*out, ncap * sizeof(*r));
            if (!r) {
                err = LITERACY_ERR_NOMEM;
                break;
            }
            *out = r;
            cap = ncap;
        }
        struct answer_row *r = &(*out)[*n];
        memset(r, 0, sizeof(*r));
        r->seq = (int)store_col_int(st, 0);
        snprintf(r->item_id, sizeof(r->item_id), "%s", store_col_text(st, 1));
        r->version = store_col_int(st, 2);
        r->competence = literacy_competence_index(store_col_text(st, 3));
        json_t *irt = json_loads(store_col_text(st, 4), 0, NULL);
        int bad = !irt || literacy_irt_read(irt, &r->irt) || r->competence < 0;
        json_decref(irt);
        r->category = (int)store_col_int(st, 5);
        r->max = (int)store_col_int(st, 6);
        r->answer = json_loads(store_col_text(st, 7), 0, NULL);
        snprintf(r->presented_at, sizeof(r->presented_at), "%s", store_col_text(st, 8));
        snprintf(r->answered_at, sizeof(r->answered_at), "%s", store_col_text(st, 9));
        r->theta = strtod(store_col_text(st, 10), NULL);
        r->se = strtod(store_col_text(st, 11), NULL);
        (*n)++;
        if (bad || !r->answer || r->category < 0 || r->category > r->irt.m)
            err = LITERACY_ERR_STORE;
    }
    store_finish(st);
    if (!err && rc < 0)
        err = LITERACY_ERR_STORE;
    if (err) {
        rows_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return err;
}

/* ---- The item presented ---- */

/* The presented item of snapshot SNAP ({"item", "irt"}) into IT (strings point into SNAP). */
static int snapshot_item(const json_t *snap, struct literacy_item *it)
{
    struct literacy_problem p;
    struct literacy_irt irt;
    if (!snap || literacy_item_read(json_object_get(snap, "item"), "current", it, &p) ||
        literacy_irt_read(json_object_get(snap, "irt"), &irt) || irt.m != it->irt_item.m)
        return LITERACY_ERR_STORE;
    it->irt = irt;
    return LITERACY_OK;
}

static json_t *snapshot_new(const struct literacy_item *it)
{
    return json_pack("{s:O, s:o}", "item", it->json, "irt", literacy_irt_json(&it->irt));
}

/* The seed of the option order of item number SEQ of a test. */
static uint64_t shuffle_seed(uint64_t seed, int seq)
{
    return seed ^ (0x9e3779b97f4a7c15ULL * (uint64_t)seq) ^ 0x5851f42d4c957f2dULL;
}

json_t *literacy_test_item(const struct literacy_test *t)
{
    struct literacy_item it;
    if (t->finished || !t->current || snapshot_item(t->current, &it))
        return NULL;
    json_t *o = literacy_item_present(&it, shuffle_seed(t->seed, t->answered + 1));
    if (o)
        json_object_set_new(o, "seq", json_integer(t->answered + 1));
    return o;
}

/* ---- The adaptive engine over a stored test ---- */

struct engine {
    struct literacy_bank bank;
    struct literacy_pool pool;
    struct literacy_cat cat;
    int ready;
};

static void engine_release(struct engine *e)
{
    if (e->ready)
        literacy_cat_release(&e->cat);
    literacy_pool_release(&e->pool);
    literacy_bank_release(&e->bank);
    memset(e, 0, sizeof(*e));
}

/* Loads the college's bank (before a transaction: it reads a few tables). */
static int engine_load(struct store *db, int64_t institution, struct engine *e)
{
    memset(e, 0, sizeof(*e));
    int err = literacy_bank_load(db, institution, &e->bank);
    if (!err && (err = literacy_pool_build(&e->bank, &e->pool)))
        literacy_bank_release(&e->bank);
    return err;
}

/* Replays the N answers ROWS of test T into the engine. */
static int engine_replay(struct engine *e, const struct literacy_test *t,
                         const struct answer_row *rows, size_t n)
{
    int err = literacy_cat_init(&e->cat, &e->pool, &t->settings, t->seed);
    if (err)
        return err;
    e->ready = 1;
    for (size_t i = 0; i < n; i++) {
        const struct literacy_item *it = literacy_bank_find(&e->bank, rows[i].item_id);
        if (it)
            literacy_cat_answer(&e->cat, (size_t)(it - e->bank.items), &rows[i].irt,
                                rows[i].category);
        else
            literacy_cat_answer_other(&e->cat, literacy_competences[rows[i].competence].area,
                                      rows[i].competence, &rows[i].irt, rows[i].category);
    }
    /* The items the lottery passed over stay out of this test. */
    size_t j;
    json_t *id;
    json_array_foreach (t->passed, j, id) {
        const struct literacy_item *it = literacy_bank_find(&e->bank, json_string_value(id));
        if (it)
            literacy_cat_mark(&e->cat, (size_t)(it - e->bank.items));
    }
    return LITERACY_OK;
}

/* The passed-over list of a test (PASSED, or none) with the items the engine's last choice passed
 * over. */
static char *passed_with(const json_t *passed, const struct engine *e)
{
    json_t *list = passed ? json_copy((json_t *)passed) : json_array();
    for (int i = 0; list && i < e->cat.nrejected; i++)
        json_array_append_new(list, json_string(e->bank.items[e->cat.rejected[i]].id));
    char *text = list ? json_dumps(list, JSON_COMPACT) : NULL;
    json_decref(list);
    return text;
}

/* ---- Statements ---- */

/* A name-based UUID for statement SEQ of test UUID (0: the completed test), the same every time. */
static void statement_id(const char *uuid, int seq, char out[37])
{
    char name[64], h[SECRET_SHA256_HEX_LEN + 1];
    snprintf(name, sizeof(name), "literacy:%s:%d", uuid, seq);
    secret_sha256_hex(name, strlen(name), h);
    h[12] = '5';
    h[16] = "89ab"[(h[16] >= 'a' ? h[16] - 'a' + 10 : h[16] - '0') & 3];
    snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
}

static json_t *verb(const char *id, const char *en, const char *zh)
{
    return json_pack("{s:s, s:{s:s, s:s}}", "id", id, "display", "en-US", en, "zh-CN", zh);
}

static json_t *test_activity(enum literacy_mode mode)
{
    return json_pack(
        "{s:s, s:s, s:{s:s, s:{s:s, s:s}, s:{s:s, s:s}}}", "objectType", "Activity", "id",
        mode == LITERACY_CERTIFIED ? LITERACY_ACTIVITY_TEST "certified"
                                   : LITERACY_ACTIVITY_TEST "practice",
        "definition", "type", "http://adlnet.gov/expapi/activities/assessment", "name", "en",
        mode == LITERACY_CERTIFIED ? "Digital literacy test (certified)"
                                   : "Digital literacy test (practice)",
        "zh-CN", mode == LITERACY_CERTIFIED ? "数字素养测评（正式）" : "数字素养测评（练习）",
        "description", "en", "An adaptive test of digital competence on the DigComp 2.2 framework",
        "zh-CN", "基于 DigComp 2.2 框架的数字素养自适应测评");
}

/* "a[,]b[,]c": the xAPI form of a choice or sequencing response. */
static json_t *response_text(const json_t *answer)
{
    char buf[LITERACY_MAX_CHOICES * 36];
    size_t n = 0, i;
    json_t *v;
    buf[0] = 0;
    json_array_foreach (answer, i, v)
        n += (size_t)snprintf(buf + n, n < sizeof(buf) ? sizeof(buf) - n : 0, "%s%s",
                              i ? "[,]" : "", json_string_value(v));
    return json_string(buf);
}

static json_t *item_statement(const struct literacy_test *t, const struct answer_row *r)
{
    char id[37], activity[sizeof(LITERACY_ACTIVITY_ITEM) + LITERACY_ID_MAX];
    const char *itype = "other";
    statement_id(t->uuid, r->seq, id);
    snprintf(activity, sizeof(activity), "%s%s", LITERACY_ACTIVITY_ITEM, r->item_id);
    /* The type is not stored with the answer; the answer's shape says enough for xAPI. */
    json_t *parent = json_pack("[{s:s, s:s}]", "objectType", "Activity", "id",
                               t->mode == LITERACY_CERTIFIED ? LITERACY_ACTIVITY_TEST "certified"
                                                             : LITERACY_ACTIVITY_TEST "practice");
    char en[64], zh[64];
    snprintf(en, sizeof(en), "Digital literacy item %s", r->item_id);
    snprintf(zh, sizeof(zh), "数字素养题目 %s", r->item_id);
    return json_pack(
        "{s:s, s:o, s:o, s:{s:s, s:s, s:{s:s, s:s, s:{s:s, s:s}}},"
        " s:{s:b, s:{s:i, s:i, s:i, s:f}, s:o, s:{s:f, s:f}},"
        " s:{s:s, s:s, s:{s:o}, s:{s:[s], s:s, s:I}}, s:s}",
        "id", id, "actor", xapi_user_agent(t->student_login, t->student_name), "verb",
        verb("http://adlnet.gov/expapi/verbs/answered", "answered", "作答"), "object", "objectType",
        "Activity", "id", activity, "definition", "type",
        "http://adlnet.gov/expapi/activities/cmi.interaction", "interactionType", itype, "name",
        "en", en, "zh-CN", zh, "result", "success", r->category == r->max, "score", "raw",
        r->category, "min", 0, "max", r->max, "scaled", (double)r->category / r->max, "response",
        response_text(r->answer), "extensions", LITERACY_EXT_THETA, round(r->theta * 1e6) / 1e6,
        LITERACY_EXT_SE, round(r->se * 1e6) / 1e6, "context", "registration", t->uuid, "platform",
        "CareCampus", "contextActivities", "parent", parent, "extensions", LITERACY_EXT_CFITEMS,
        literacy_competences[r->competence].cfitem, LITERACY_EXT_MODE, literacy_mode_name(t->mode),
        LITERACY_EXT_VERSION, (json_int_t)r->version, "timestamp", r->answered_at);
}

/* "PT754S" between two ISO 8601 times. */
static void duration(const char *from, const char *to, char out[32])
{
    int64_t a = 0, b = 0;
    if (time_parse_iso8601(from, &a) || time_parse_iso8601(to, &b) || b < a)
        a = b = 0;
    snprintf(out, 32, "PT%lldS", (long long)((b - a) / 1000));
}

static json_t *completed_statement(const struct literacy_test *t,
                                   const struct literacy_profile *prof, const json_t *profile)
{
    char id[37], dur[32];
    statement_id(t->uuid, 0, id);
    duration(t->started_at, t->ended_at, dur);
    json_t *items = json_array(), *levels = json_object();
    for (int k = 0; items && levels && k < LITERACY_COMPETENCES; k++) {
        if (!prof->competence[k].items)
            continue;
        json_array_append_new(items, json_string(literacy_competences[k].cfitem));
        json_object_set_new(levels, literacy_competences[k].cfitem,
                            json_integer(prof->competence[k].level));
    }
    for (int a = 0; levels && a < LITERACY_AREAS; a++)
        if (prof->area[a].items)
            json_object_set_new(levels, literacy_areas[a].cfitem,
                                json_integer(prof->area[a].level));
    int level = prof->overall.level ? prof->overall.level : 1;
    return json_pack(
        "{s:s, s:o, s:o, s:o, s:{s:b, s:{s:i, s:i, s:i, s:f}, s:s, s:{s:O, s:f, s:f}},"
        " s:{s:s, s:s, s:{s:o, s:o, s:s, s:s}}, s:s}",
        "id", id, "actor", xapi_user_agent(t->student_login, t->student_name), "verb",
        verb("http://adlnet.gov/expapi/verbs/completed", "completed", "完成"), "object",
        test_activity(t->mode), "result", "completion", 1, "score", "raw", level, "min", 1, "max",
        LITERACY_LEVELS, "scaled", (double)level / LITERACY_LEVELS, "duration", dur, "extensions",
        LITERACY_EXT_PROFILE, profile, LITERACY_EXT_THETA, round(prof->overall.theta * 1e6) / 1e6,
        LITERACY_EXT_SE, round(prof->overall.se * 1e6) / 1e6, "context", "registration", t->uuid,
        "platform", "CareCampus", "extensions", LITERACY_EXT_CFITEMS, items, LITERACY_EXT_LEVELS,
        levels, LITERACY_EXT_MODE, literacy_mode_name(t->mode), LITERACY_EXT_STOP, t->stop_reason,
        "timestamp", t->ended_at);
}

static int record(struct store *db, int64_t institution, json_t *statement)
{
    struct xapi_problem xp = {0};
    int err = statement ? xapi_record(db, institution, statement, NULL, &xp) : XAPI_ERR_NOMEM;
    if (err == XAPI_ERR_INVALID)
        LOG_ERROR("literacy: a statement is invalid at %s (%s)", xp.path, xp.msg ? xp.msg : "");
    json_decref(statement);
    return err == XAPI_ERR_NOMEM ? LITERACY_ERR_NOMEM : (err ? LITERACY_ERR_STORE : LITERACY_OK);
}

/* ---- Finishing ---- */

/*
 * Finishes test T, which has stopped (stop_reason and ended_at set): the
 * profile, the learning path, the statements, then the row. Everything is
 * computed from the stored rows, so a second attempt after a failure writes
 * the same statements (their ids are fixed) and the same result.
 */
static int complete(struct store *db, int64_t institution, struct literacy_test *t)
{
    struct answer_row *rows;
    size_t n;
    int err = read_rows(db, t->id, &rows, &n);
    if (err)
        return err;
    struct literacy_profile_response *pr = cc_calloc(n ? n : 1, sizeof(*pr));
    if (!pr) {
        rows_free(rows, n);
        return LITERACY_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++)
        pr[i] =
            (struct literacy_profile_response){rows[i].irt, rows[i].category, rows[i].competence};
    struct literacy_profile prof;
    literacy_profile_compute(pr, n, &t->settings, &prof);
    cc_free(pr);
    const struct literacy_resources *res;
    if (literacy_resources_bundled(&res, NULL, 0))
        res = NULL;
    static const struct literacy_resources none;
    char dur[32];
    duration(t->started_at, t->ended_at, dur);
    json_t *profile = literacy_profile_json(&prof);
    json_t *result =
        json_pack("{s:O, s:o, s:i, s:s, s:s, s:s, s:s, s:s, s:o}", "profile", profile, "path",
                  literacy_path(&prof, res ? res : &none), "answered", (int)n, "stop_reason",
                  t->stop_reason, "mode", literacy_mode_name(t->mode), "started_at", t->started_at,
                  "ended_at", t->ended_at, "duration", dur, "cuts",
                  json_pack("[f,f,f,f,f,f,f]", t->settings.cuts[0], t->settings.cuts[1],
                            t->settings.cuts[2], t->settings.cuts[3], t->settings.cuts[4],
                            t->settings.cuts[5], t->settings.cuts[6]));
    if (!profile || !result) {
        err = LITERACY_ERR_NOMEM;
        goto done;
    }
    for (size_t i = 0; !err && i < n; i++)
        err = record(db, institution, item_statement(t, &rows[i]));
    if (!err)
        err = record(db, institution, completed_statement(t, &prof, profile));
    if (err)
        goto done;
    char *text = json_dumps(result, JSON_COMPACT), now[25];
    if (!text) {
        err = LITERACY_ERR_NOMEM;
        goto done;
    }
    now_ms(now);
    struct store_stmt *st;
    err = LITERACY_ERR_STORE;
    if (!store_prepare(db,
                       "UPDATE literacy_tests SET status = 'finished', result = ?, finished_at = ?,"
                       " theta = ?, se = ? WHERE id = ? AND status = 'active'",
                       &st)) {
        char theta[32], se[32];
        snprintf(theta, sizeof(theta), "%.17g", prof.overall.items ? prof.overall.theta : 0.0);
        snprintf(se, sizeof(se), "%.17g", prof.overall.items ? prof.overall.se : 1.0);
        store_bind_text(st, 1, text);
        store_bind_text(st, 2, now);
        store_bind_text(st, 3, theta);
        store_bind_text(st, 4, se);
        store_bind_int(st, 5, t->id);
        if (store_step(st) == STORE_OK)
            err = LITERACY_OK;
        store_finish(st);
    }
    free(text);
done:
    json_decref(profile);
    json_decref(result);
    rows_free(rows, n);
    return err;
}

/* Reloads test T (by its uuid) after a change. */
static int reload(struct store *db, int64_t institution, struct literacy_test *t)
{
    char uuid[37];
    int found;
    snprintf(uuid, sizeof(uuid), "%s", t->uuid);
    literacy_test_release(t);
    int err = find_test(db, institution, uuid, 0, t, &found);
    return err ? err : (found ? LITERACY_OK : LITERACY_ERR_STORE);
}

/* ---- Starting ---- */

static int student_only(const struct auth_user *caller, struct literacy_problem *p)
{
    if (caller->role != AUTH_ROLE_STUDENT)
        return literacy_problem_set(p, LITERACY_ERR_FORBIDDEN, NULL, "literacy_student_only", NULL);
    return LITERACY_OK;
}

/* Binds a double as text (the store has no real binds; SQLite converts by the column type). */
static void bind_real(struct store_stmt *st, int i, double v)
{
    char s[32];
    snprintf(s, sizeof(s), "%.17g", v);
    store_bind_text(st, i, s);
}

int literacy_test_start(struct store *db, const struct auth_user *caller, enum literacy_mode mode,
                        struct literacy_test *out, int *resumed, struct literacy_problem *p)
{
    int found, err;
    struct engine e;
    memset(out, 0, sizeof(*out));
    *resumed = 0;
    if ((err = student_only(caller, p)))
        return err;
    if ((err = find_active(db, caller->institution_id, caller->id, out, &found)))
        return err;
    if (found && out->stop_reason[0]) {
        /* It stopped but was not finished (a failure in between): finish it first. */
        err = complete(db, caller->institution_id, out);
        literacy_test_release(out);
        if (err)
            return err;
        found = 0;
    }
    if (found) {
        if (out->mode == mode) {
            *resumed = 1;
            return LITERACY_OK;
        }
        enum literacy_mode other = out->mode;
        literacy_test_release(out);
        return literacy_problem_set(p, LITERACY_ERR_CONFLICT, "mode",
                                    other == LITERACY_CERTIFIED ? "literacy_test_open_certified"
                                                                : "literacy_test_open_practice",
                                    NULL);
    }
    struct literacy_settings settings;
    if ((err = literacy_settings_get(db, caller->institution_id, &settings)) ||
        (err = engine_load(db, caller->institution_id, &e)))
        return err;
    uint64_t seed;
    randombytes_buf(&seed, sizeof(seed));
    seed &= 0x7fffffffffffffffULL; /* stored as a signed 64-bit integer */
    size_t first;
    err = literacy_cat_init(&e.cat, &e.pool, &settings, seed);
    if (err)
        goto done;
    e.ready = 1;
    if (literacy_cat_next(&e.cat, &first)) {
        err = literacy_problem_set(p, LITERACY_ERR_CONFLICT, NULL, "literacy_bank_empty", NULL);
        goto done;
    }
    json_t *snap = snapshot_new(&e.bank.items[first]), *sj = literacy_settings_json(&settings);
    char *snap_text = snap ? json_dumps(snap, JSON_COMPACT) : NULL;
    char *settings_text = sj ? json_dumps(sj, JSON_COMPACT) : NULL;
    char *passed = passed_with(NULL, &e);
    json_decref(snap);
    json_decref(sj);
    char uuid[37], now[25];
    xapi_uuid(uuid);
    now_ms(now);
    struct store_stmt *st;
    err = LITERACY_ERR_NOMEM;
    if (snap_text && settings_text && passed) {
        err = LITERACY_ERR_STORE;
        if (!store_prepare(db,
                           "INSERT INTO literacy_tests (institution_id, uuid, student_id, mode,"
                           " status, seed, settings, answered, current_item, presented_at, theta,"
                           " se, started_at, passed)"
                           " VALUES (?, ?, ?, ?, 'active', ?, ?, 0, ?, ?, ?, ?, ?, ?)",
                           &st)) {
            store_bind_int(st, 1, caller->institution_id);
            store_bind_text(st, 2, uuid);
            store_bind_int(st, 3, caller->id);
            store_bind_text(st, 4, literacy_mode_name(mode));
            store_bind_int(st, 5, (int64_t)seed);
            store_bind_text(st, 6, settings_text);
            store_bind_text(st, 7, snap_text);
            store_bind_text(st, 8, now);
            bind_real(st, 9, e.cat.theta);
            bind_real(st, 10, e.cat.sd);
            store_bind_text(st, 11, now);
            store_bind_text(st, 12, passed);
            int rc = store_step(st);
            store_finish(st);
            if (rc == STORE_OK)
                err = LITERACY_OK;
            else if (rc == STORE_CONSTRAINT)
                err = LITERACY_ERR_CONFLICT; /* another request started one meanwhile */
        }
    }
    free(snap_text);
    free(settings_text);
    free(passed);
    if (err == LITERACY_ERR_CONFLICT) {
        /* The one that won is the test: resume it (or say it is of the other mode). */
        engine_release(&e);
        return literacy_test_start(db, caller, mode, out, resumed, p);
    }
    if (!err) {
        int ok;
        err = find_test(db, caller->institution_id, uuid, 0, out, &ok);
        if (!err && !ok)
            err = LITERACY_ERR_STORE;
    }
done:
    engine_release(&e);
    return err;
}

int literacy_test_current(struct store *db, const struct auth_user *caller,
                          struct literacy_test *out, int *found)
{
    int err = find_active(db, caller->institution_id, caller->id, out, found);
    if (err || !*found || !out->stop_reason[0])
        return err;
    err = complete(db, caller->institution_id, out);
    literacy_test_release(out);
    *found = 0;
    return err;
}

/* May CALLER see the tests of STUDENT (id, login)? */
static int may_see(struct store *db, const struct auth_user *caller, int64_t student,
                   const char *login, int *yes)
{
    *yes = 0;
    switch (caller->role) {
    case AUTH_ROLE_ADMIN:
        *yes = 1;
        return LITERACY_OK;
    case AUTH_ROLE_STUDENT:
        *yes = caller->id == student;
        return LITERACY_OK;
    case AUTH_ROLE_TEACHER:
        return auth_class_teaches(db, caller->institution_id, caller->id, login, yes)
                   ? LITERACY_ERR_STORE
                   : LITERACY_OK;
    default:
        return LITERACY_OK;
    }
}

int literacy_test_get(struct store *db, const struct auth_user *caller, const char *uuid,
                      struct literacy_test *out, struct literacy_problem *p)
{
    int found, yes;
    memset(out, 0, sizeof(*out));
    if (!uuid || strlen(uuid) != 36 || !xapi_uuid_valid(uuid))
        return literacy_problem_set(p, LITERACY_ERR_NOT_FOUND, "id", "literacy_test_unknown", NULL);
    int err = find_test(db, caller->institution_id, uuid, 0, out, &found);
    if (err)
        return err;
    if (found && (err = may_see(db, caller, out->student_id, out->student_login, &yes))) {
        literacy_test_release(out);
        return err;
    }
    if (!found || !yes) {
        /* Someone else's test is answered as if there were none. */
        if (found)
            literacy_test_release(out);
        return literacy_problem_set(p, LITERACY_ERR_NOT_FOUND, "id", "literacy_test_unknown", NULL);
    }
    if (!out->finished && out->stop_reason[0]) {
        if ((err = complete(db, caller->institution_id, out)) ||
            (err = reload(db, caller->institution_id, out)))
            literacy_test_release(out);
    }
    return err;
}

/* ---- Answering ---- */

static json_t *feedback_json(const struct literacy_item *it, int category)
{
    json_t *key = json_array();
    for (int i = 0; key && i < it->nkey; i++)
        json_array_append_new(key, json_string(it->choices[it->key[i]]));
    return json_pack("{s:i, s:i, s:b, s:o, s:O}", "category", category, "max", it->irt.m, "correct",
                     category == it->irt.m, "key", key, "explanation",
                     json_object_get(it->json, "feedback"));
}

static int insert_row(struct store *db, const struct literacy_test *t, int64_t institution,
                      const struct literacy_item *it, int category, const json_t *answer,
                      const char *now, double theta, double se)
{
    json_t *irt = literacy_irt_json(&it->irt);
    char *irt_text = irt ? json_dumps(irt, JSON_COMPACT) : NULL;
    char *answer_text = json_dumps(answer, JSON_COMPACT);
    json_decref(irt);
    int err = LITERACY_ERR_NOMEM;
    struct store_stmt *st;
    if (irt_text && answer_text) {
        err = LITERACY_ERR_STORE;
        if (!store_prepare(db,
                           "INSERT INTO literacy_responses (test_id, seq, institution_id,"
                           " student_id, item_id, item_version, competence, irt, category,"
                           " max_category, answer, presented_at, answered_at, theta, se)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           &st)) {
            store_bind_int(st, 1, t->id);
            store_bind_int(st, 2, t->answered + 1);
            store_bind_int(st, 3, institution);
            store_bind_int(st, 4, t->student_id);
            store_bind_text(st, 5, it->id);
            store_bind_int(st, 6, it->version);
            store_bind_text(st, 7, literacy_competences[it->competence].code);
            store_bind_text(st, 8, irt_text);
            store_bind_int(st, 9, category);
            store_bind_int(st, 10, it->irt.m);
            store_bind_text(st, 11, answer_text);
            store_bind_text(st, 12, t->presented_at[0] ? t->presented_at : now);
            store_bind_text(st, 13, now);
            bind_real(st, 14, theta);
            bind_real(st, 15, se);
            if (store_step(st) == STORE_OK)
                err = LITERACY_OK;
            store_finish(st);
        }
    }
    free(irt_text);
    free(answer_text);
    return err;
}

/* Moves test T on after its answer: the next item (NEXT, or NULL) or the stop. */
static int advance(struct store *db, const struct literacy_test *t,
                   const struct literacy_item *next, const char *passed, enum literacy_stop stop,
                   const char *now, double theta, double se)
{
    char *snap_text = NULL;
    if (next) {
        json_t *snap = snapshot_new(next);
        snap_text = snap ? json_dumps(snap, JSON_COMPACT) : NULL;
        json_decref(snap);
        if (!snap_text)
            return LITERACY_ERR_NOMEM;
    }
    struct store_stmt *st;
    int err = LITERACY_ERR_STORE;
    if (!store_prepare(db,
                       "UPDATE literacy_tests SET answered = answered + 1, current_item = ?,"
                       " presented_at = ?, theta = ?, se = ?, stop_reason = ?, ended_at = ?,"
                       " passed = ? WHERE id = ? AND answered = ? AND status = 'active'"
                       " AND stop_reason IS NULL",
                       &st)) {
        store_bind_text(st, 1, snap_text);
        store_bind_text(st, 2, next ? now : NULL);
        bind_real(st, 3, theta);
        bind_real(st, 4, se);
        store_bind_text(st, 5, next ? NULL : literacy_stop_name(stop));
        store_bind_text(st, 6, next ? NULL : now);
        store_bind_text(st, 7, passed);
        store_bind_int(st, 8, t->id);
        store_bind_int(st, 9, t->answered);
        if (store_step(st) == STORE_OK)
            err = store_changes(db) == 1 ? LITERACY_OK : LITERACY_ERR_CONFLICT;
        store_finish(st);
    }
    free(snap_text);
    return err;
}

/* The checks of an answer against the stored test T, in the order a client can fix them. */
static int check_answer(const struct literacy_test *t, int64_t seq, const char *item_id,
                        const json_t *answer, struct literacy_item *it, struct literacy_answer *a,
                        struct literacy_problem *p)
{
    char arg[24];
    snprintf(arg, sizeof(arg), "%lld", (long long)seq);
    if (t->finished || t->stop_reason[0])
        return literacy_problem_set(p, LITERACY_ERR_CONFLICT, NULL, "literacy_finished", NULL);
    if (seq >= 1 && seq <= t->answered)
        return literacy_problem_set(p, LITERACY_ERR_CONFLICT, "seq", "literacy_already_answered",
                                    arg);
    if (seq != t->answered + 1)
        return literacy_problem_set(p, LITERACY_ERR_CONFLICT, "seq", "literacy_seq_mismatch", arg);
    if (snapshot_item(t->current, it))
        return LITERACY_ERR_STORE;
    if (!item_id || strcmp(item_id, it->id) != 0)
        return literacy_problem_set(p, LITERACY_ERR_CONFLICT, "item", "literacy_not_presented",
                                    NULL);
    return literacy_answer_read(it, answer, a, p);
}

int literacy_test_answer(struct store *db, const struct auth_user *caller, const char *uuid,
                         int64_t seq, const char *item_id, const json_t *answer,
                         struct literacy_test *out, json_t **feedback, struct literacy_problem *p)
{
    struct engine e;
    struct answer_row *rows = NULL;
    size_t nrows = 0;
    int found, err;
    memset(out, 0, sizeof(*out));
    *feedback = NULL;
    if ((err = student_only(caller, p)))
        return err;
    if (!uuid || strlen(uuid) != 36 || !xapi_uuid_valid(uuid))
        return literacy_problem_set(p, LITERACY_ERR_NOT_FOUND, "id", "literacy_test_unknown", NULL);
    if ((err = engine_load(db, caller->institution_id, &e)))
        return err;
    if (store_begin(db)) {
        engine_release(&e);
        return LITERACY_ERR_STORE;
    }
    struct literacy_item it;
    struct literacy_answer a;
    if ((err = find_test(db, caller->institution_id, uuid, caller->id, out, &found)))
        goto fail;
    if (!found) {
        err = literacy_problem_set(p, LITERACY_ERR_NOT_FOUND, "id", "literacy_test_unknown", NULL);
        goto fail;
    }
    if ((err = check_answer(out, seq, item_id, answer, &it, &a, p)) ||
        (err = read_rows(db, out->id, &rows, &nrows)) ||
        (err = engine_replay(&e, out, rows, nrows)))
        goto fail;
    int category = literacy_score(&it, &a);
    const struct literacy_item *in_bank = literacy_bank_find(&e.bank, it.id);
    if (in_bank)
        literacy_cat_answer(&e.cat, (size_t)(in_bank - e.bank.items), &it.irt, category);
    else
        literacy_cat_answer_other(&e.cat, it.area, it.competence, &it.irt, category);
    enum literacy_stop stop = literacy_cat_stop(&e.cat);
    size_t next_index = 0;
    e.cat.nrejected = 0;
    if (stop == LITERACY_CONTINUE && literacy_cat_next(&e.cat, &next_index))
        stop = LITERACY_STOP_EXHAUSTED;
    char now[25];
    now_ms(now);
    json_t *answer_ids = literacy_answer_json(&it, &a);
    err = answer_ids ? insert_row(db, out, caller->institution_id, &it, category, answer_ids, now,
                                  e.cat.theta, e.cat.sd)
                     : LITERACY_ERR_NOMEM;
    json_decref(answer_ids);
    char *passed = err ? NULL : passed_with(out->passed, &e);
    if (!err && !passed)
        err = LITERACY_ERR_NOMEM;
    if (!err)
        err = advance(db, out, stop == LITERACY_CONTINUE ? &e.bank.items[next_index] : NULL, passed,
                      stop, now, e.cat.theta, e.cat.sd);
    free(passed);
    if (err == LITERACY_ERR_CONFLICT)
        literacy_problem_set(p, err, "seq", "literacy_answer_race", NULL);
    if (err || store_commit(db)) {
        err = err ? err : LITERACY_ERR_STORE;
        goto fail;
    }
    if (out->mode == LITERACY_PRACTICE)
        *feedback = feedback_json(&it, category);
    err = reload(db, caller->institution_id, out);
    if (!err && stop != LITERACY_CONTINUE) {
        /* The statements are written outside the answer's transaction (xapi_record holds its own).
         */
        if ((err = complete(db, caller->institution_id, out)))
            LOG_ERROR("literacy: test %lld stopped but could not be finished; it will be on its "
                      "next reading",
                      (long long)out->id);
        err = reload(db, caller->institution_id, out);
    }
    rows_free(rows, nrows);
    engine_release(&e);
    if (err) {
        json_decref(*feedback);
        *feedback = NULL;
        literacy_test_release(out);
    }
    return err;
fail:
    store_rollback(db);
    rows_free(rows, nrows);
    engine_release(&e);
    literacy_test_release(out);
    return err;
}

int literacy_test_finish(struct store *db, const struct auth_user *caller, const char *uuid,
                         struct literacy_test *out, struct literacy_problem *p)
{
    int found, err;
    memset(out, 0, sizeof(*out));
    if ((err = student_only(caller, p)))
        return err;
    if (!uuid || strlen(uuid) != 36 || !xapi_uuid_valid(uuid))
        return literacy_problem_set(p, LITERACY_ERR_NOT_FOUND, "id", "literacy_test_unknown", NULL);
    if (store_begin(db))
        return LITERACY_ERR_STORE;
    if ((err = find_test(db, caller->institution_id, uuid, caller->id, out, &found)))
        goto fail;
    if (!found) {
        err = literacy_problem_set(p, LITERACY_ERR_NOT_FOUND, "id", "literacy_test_unknown", NULL);
        goto fail;
    }
    if (out->finished) {
        err =
            literacy_problem_set(p, LITERACY_ERR_CONFLICT, NULL, "literacy_already_finished", NULL);
        goto fail;
    }
    if (!out->stop_reason[0]) {
        if (out->answered == 0) {
            err =
                literacy_problem_set(p, LITERACY_ERR_INVALID, NULL, "literacy_finish_empty", NULL);
            goto fail;
        }
        char now[25];
        now_ms(now);
        struct store_stmt *st;
        if (store_prepare(db,
                          "UPDATE literacy_tests SET current_item = NULL, presented_at = NULL,"
                          " stop_reason = 'student', ended_at = ? WHERE id = ?"
                          " AND status = 'active' AND stop_reason IS NULL",
                          &st)) {
            err = LITERACY_ERR_STORE;
            goto fail;
        }
        store_bind_text(st, 1, now);
        store_bind_int(st, 2, out->id);
        err = store_step(st) ? LITERACY_ERR_STORE : LITERACY_OK;
        store_finish(st);
        if (err)
            goto fail;
    }
    if (store_commit(db)) {
        err = LITERACY_ERR_STORE;
        goto fail_committed;
    }
    if ((err = reload(db, caller->institution_id, out)) ||
        (err = complete(db, caller->institution_id, out)) ||
        (err = reload(db, caller->institution_id, out)))
        goto fail_committed;
    return LITERACY_OK;
fail:
    store_rollback(db);
fail_committed:
    literacy_test_release(out);
    return err;
}

/* ---- Lists ---- */

int literacy_tests_list(struct store *db, const struct auth_user *caller,
                        const struct literacy_test_filter *f, literacy_test_fn fn, void *ctx,
                        int *more, struct literacy_problem *p)
{
    int64_t inst = caller->institution_id, student = f->student, teacher_scope = 0;
    *more = 0;
    if (f->limit < 1 || f->limit > LIST_MAX)
        return literacy_problem_set(p, LITERACY_ERR_INVALID, "limit", "bad_request", NULL);
    switch (caller->role) {
    case AUTH_ROLE_ADMIN:
        break;
    case AUTH_ROLE_STUDENT:
        if ((student && student != caller->id) || f->class_id)
            return literacy_problem_set(p, LITERACY_ERR_FORBIDDEN, "student", "literacy_own_only",
                                        NULL);
        student = caller->id;
        break;
    case AUTH_ROLE_TEACHER:
        teacher_scope = caller->id;
        if (f->class_id) {
            int err = literacy_class_check(db, caller, f->class_id, p);
            if (err)
                return err;
        }
        if (student) {
            struct auth_user u;
            int yes = 0, err = auth_user_get(db, inst, student, &u);
            if (err && err != AUTH_ERR_NOT_FOUND)
                return LITERACY_ERR_STORE;
            if (!err && auth_class_teaches(db, inst, caller->id, u.login, &yes))
                return LITERACY_ERR_STORE;
            if (!yes)
                return literacy_problem_set(p, LITERACY_ERR_FORBIDDEN, "student",
                                            "literacy_not_your_student", NULL);
        }
        break;
    default:
        return literacy_problem_set(p, LITERACY_ERR_FORBIDDEN, NULL, "forbidden", NULL);
    }
    const char *before = f->before ? f->before : "";
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT " TEST_COLUMNS TEST_FROM " WHERE t.institution_id = ?"
                      " AND (? = 0 OR t.student_id = ?)"
                      " AND (? = 0 OR t.student_id IN (SELECT e.user_id FROM enrolments e"
                      "      WHERE e.class_id = ? AND e.institution_id = ?))"
                      " AND (? = 0 OR t.student_id IN (SELECT e.user_id FROM enrolments e"
                      "      JOIN classes c ON c.id = e.class_id WHERE c.teacher_id = ?"
                      "      AND c.institution_id = ?))"
                      " AND (? < 0 OR t.mode = ?)"
                      " AND (? < 0 OR (t.status = 'finished') = (? = 1))"
                      " AND (? = '' OR (t.started_at, t.id) < (SELECT b.started_at, b.id FROM "
                      "literacy_tests b"
                      "      WHERE b.institution_id = ? AND b.uuid = ?))"
                      " ORDER BY t.started_at DESC, t.id DESC LIMIT ?",
                      &st))
        return LITERACY_ERR_STORE;
    int i = 1;
    store_bind_int(st, i++, inst);
    store_bind_int(st, i++, student);
    store_bind_int(st, i++, student);
    store_bind_int(st, i++, f->class_id);
    store_bind_int(st, i++, f->class_id);
    store_bind_int(st, i++, inst);
    store_bind_int(st, i++, teacher_scope);
    store_bind_int(st, i++, teacher_scope);
    store_bind_int(st, i++, inst);
    store_bind_int(st, i++, f->mode);
    store_bind_text(st, i++, f->mode >= 0 ? literacy_mode_name((enum literacy_mode)f->mode) : "");
    store_bind_int(st, i++, f->status);
    store_bind_int(st, i++, f->status);
    store_bind_text(st, i++, before);
    store_bind_int(st, i++, inst);
    store_bind_text(st, i++, before);
    store_bind_int(st, i++, f->limit + 1);
    int rc = STORE_OK, err = LITERACY_OK, stop = 0, n = 0;
    struct literacy_test t;
    while (!stop && !err && (rc = store_step(st)) == STORE_ROW) {
        if (n++ == f->limit) {
            *more = 1;
            break;
        }
        if ((err = read_test(st, &t)))
            break;
        read_reals(st, &t);
        json_decref(t.current);
        t.current = NULL;
        stop = fn(ctx, &t);
        literacy_test_release(&t);
    }
    store_finish(st);
    if (stop)
        return stop;
    if (err)
        return err;
    return rc < 0 ? LITERACY_ERR_STORE : LITERACY_OK;
}

/* ---- Classes ---- */

int literacy_class_check(struct store *db, const struct auth_user *caller, int64_t class_id,
                         struct literacy_problem *p)
{
    if (caller->role != AUTH_ROLE_ADMIN && caller->role != AUTH_ROLE_TEACHER)
        return literacy_problem_set(p, LITERACY_ERR_FORBIDDEN, NULL, "forbidden", NULL);
    struct auth_class cls;
    int err = auth_class_get(db, caller->institution_id, class_id, &cls);
    if (err == AUTH_ERR_NOT_FOUND)
        return literacy_problem_set(p, LITERACY_ERR_NOT_FOUND, "class", "not_found", NULL);
    if (err)
        return LITERACY_ERR_STORE;
    if (caller->role == AUTH_ROLE_TEACHER && cls.teacher_id != caller->id)
        return literacy_problem_set(p, LITERACY_ERR_FORBIDDEN, "class", "literacy_not_your_class",
                                    NULL);
    return LITERACY_OK;
}

static int collect_student(void *ctx, const struct auth_user *u)
{
    return json_array_append_new(ctx, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)u->id, "login",
                                                u->login, "name", u->name))
               ? LITERACY_ERR_NOMEM
               : 0;
}

/* The latest finished test of STUDENT (certified first) into *OUT (a new object, or null). */
static int latest_result(struct store *db, int64_t institution, int64_t student, json_t **out)
{
    struct store_stmt *st;
    *out = json_null();
    if (store_prepare(db,
                      "SELECT uuid, mode, finished_at, result FROM literacy_tests"
                      " WHERE institution_id = ? AND student_id = ? AND status = 'finished'"
                      " ORDER BY CASE mode WHEN 'certified' THEN 0 ELSE 1 END, finished_at DESC,"
                      " id DESC LIMIT 1",
                      &st))
        return LITERACY_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_int(st, 2, student);
    int rc = store_step(st), err = rc < 0 ? LITERACY_ERR_STORE : LITERACY_OK;
    if (rc == STORE_ROW) {
        json_t *result = json_loads(store_col_text(st, 3), 0, NULL);
        if (!result)
            err = LITERACY_ERR_NOMEM;
        else
            *out = json_pack("{s:s, s:s, s:s, s:O}", "id", store_col_text(st, 0), "mode",
                             store_col_text(st, 1), "finished_at", store_col_text(st, 2), "profile",
                             json_object_get(result, "profile"));
        json_decref(result);
        if (!*out)
            err = LITERACY_ERR_NOMEM;
    }
    store_finish(st);
    return err;
}

/* Adds LEVEL (1..8) and THETA to the running sums of one summary entry. */
struct summary {
    double theta;
    int n, levels[LITERACY_LEVELS + 1];
};

static void summary_add(struct summary *s, const json_t *entry)
{
    int level = (int)json_integer_value(json_object_get(entry, "level"));
    const json_t *theta = json_object_get(entry, "theta");
    if (level < 1 || level > LITERACY_LEVELS || !json_is_number(theta))
        return;
    s->n++;
    s->theta += json_number_value(theta);
    s->levels[level]++;
}

static json_t *summary_json(const struct summary *s, const struct literacy_digcomp *d,
                            const double *cuts)
{
    json_t *levels = json_array();
    for (int l = 1; levels && l <= LITERACY_LEVELS; l++)
        json_array_append_new(levels, json_integer(s->levels[l]));
    double mean = s->n ? s->theta / s->n : NAN;
    json_t *o = json_pack("{s:i, s:o, s:i, s:o}", "assessed", s->n, "mean_theta",
                          s->n ? json_real(round(mean * 10000) / 10000) : json_null(), "mean_level",
                          s->n ? literacy_level(cuts, mean) : 0, "levels", levels);
    if (o && d) {
        json_object_set_new(o, "code", json_string(d->code));
        json_object_set_new(o, "name", json_pack("{s:s, s:s}", "en", d->en, "zh-CN", d->zh));
        if (strlen(d->code) > 4)
            json_object_set_new(o, "area", json_string(literacy_areas[d->area - 1].code));
    }
    return o;
}

int literacy_class_profile(struct store *db, const struct auth_user *caller, int64_t class_id,
                           json_t **out, struct literacy_problem *p)
{
    *out = NULL;
    int err = literacy_class_check(db, caller, class_id, p);
    if (err)
        return err;
    struct literacy_settings s;
    if ((err = literacy_settings_get(db, caller->institution_id, &s)))
        return err;
    json_t *students = json_array();
    if (!students)
        return LITERACY_ERR_NOMEM;
    if (auth_class_students(db, caller->institution_id, class_id, collect_student, students)) {
        json_decref(students);
        return LITERACY_ERR_STORE;
    }
    struct summary overall = {0}, areas[LITERACY_AREAS] = {{0}},
                   comps[LITERACY_COMPETENCES] = {{0}};
    size_t i;
    json_t *student;
    json_array_foreach (students, i, student) {
        json_t *latest;
        if ((err = latest_result(db, caller->institution_id,
                                 json_integer_value(json_object_get(student, "id")), &latest)))
            break;
        json_object_set_new(student, "test", latest);
        const json_t *prof = json_object_get(latest, "profile");
        if (!prof)
            continue;
        summary_add(&overall, json_object_get(prof, "overall"));
        for (int a = 0; a < LITERACY_AREAS; a++)
            summary_add(&areas[a], json_array_get(json_object_get(prof, "areas"), (size_t)a));
        for (int k = 0; k < LITERACY_COMPETENCES; k++)
            summary_add(&comps[k], json_array_get(json_object_get(prof, "competences"), (size_t)k));
    }
    if (err) {
        json_decref(students);
        return err;
    }
    json_t *al = json_array(), *cl = json_array();
    for (int a = 0; al && a < LITERACY_AREAS; a++)
        json_array_append_new(al, summary_json(&areas[a], &literacy_areas[a], s.cuts));
    for (int k = 0; cl && k < LITERACY_COMPETENCES; k++)
        json_array_append_new(cl, summary_json(&comps[k], &literacy_competences[k], s.cuts));
    *out = json_pack("{s:o, s:{s:o, s:o, s:o}}", "students", students, "summary", "overall",
                     summary_json(&overall, NULL, s.cuts), "areas", al, "competences", cl);
    return *out ? LITERACY_OK : LITERACY_ERR_NOMEM;
}
