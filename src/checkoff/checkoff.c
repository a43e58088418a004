/* Recording check-offs (row + xAPI statement, idempotent by the client's UUID) and their history.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/class.h"
#include "checkoff/checkoff.h"
#include "util/alloc.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/utf8.h"
#include "xapi/record.h"
#include "xapi/validate.h"
#include "util/banned.h"

/* An end time this far past the server's clock is a wrong device clock, not a check-off. */
#define FUTURE_SLACK_MS (24LL * 3600 * 1000)

static int problem(struct checkoff_problem *p, int err, const char *field, const char *msg,
                   const char *arg)
{
    p->field = field;
    p->msg = msg;
    snprintf(p->arg, sizeof(p->arg), "%s", arg ? arg : "");
    return err;
}

void checkoff_result_release(struct checkoff_result *r)
{
    json_decref(r->ticked);
    json_decref(r->missed);
    json_decref(r->critical_missed);
    cc_free(r->comment);
    r->ticked = r->missed = r->critical_missed = NULL;
    r->comment = NULL;
}

/* ---- The statement ---- */

/* The category activity of a checklist source: known sources by slug, others percent-encoded. */
static json_t *source_activity(const char *source)
{
    static const struct {
        const char *source, *slug, *en, *zh;
    } known[] = {
        {"NNAAP", "nnaap", "NNAAP nurse aide skills evaluation", "美国护理助理（NNAAP）技能考核"},
        {"养老护理员", "elderly-care-worker",
         "National occupational skill standard for elderly care workers",
         "养老护理员国家职业技能标准"},
    };
    char iri[sizeof(CHECKOFF_SOURCE_PREFIX) + 3 * 100 * 4 + 1];
    size_t n = (size_t)snprintf(iri, sizeof(iri), "%s", CHECKOFF_SOURCE_PREFIX);
    const char *en = source, *zh = source;
    size_t k = 0;
    for (; k < sizeof(known) / sizeof(known[0]); k++)
        if (strcmp(source, known[k].source) == 0)
            break;
    if (k < sizeof(known) / sizeof(known[0])) {
        snprintf(iri + n, sizeof(iri) - n, "%s", known[k].slug);
        en = known[k].en;
        zh = known[k].zh;
    } else {
        /* Unreserved characters as they are, everything else (UTF-8 bytes too) as %XX. */
        for (const unsigned char *c = (const unsigned char *)source; *c && n + 4 < sizeof(iri);
             c++) {
            if (isalnum(*c) || *c == '-' || *c == '.' || *c == '_' || *c == '~')
                iri[n++] = (char)tolower(*c);
            else
                n += (size_t)snprintf(iri + n, sizeof(iri) - n, "%%%02X", *c);
        }
        iri[n] = 0;
    }
    return json_pack("{s:s, s:s, s:{s:{s:s, s:s}}}", "objectType", "Activity", "id", iri,
                     "definition", "name", "en", en, "zh-CN", zh);
}

/* "PT754S" for the seconds between two ISO 8601 UTC times (0 when either is unreadable). */
static void duration(const char *from, const char *to, char out[32])
{
    int64_t a = 0, b = 0;
    if (time_parse_iso8601(from, &a) || time_parse_iso8601(to, &b) || b < a)
        a = b = 0;
    snprintf(out, 32, "PT%lldS", (long long)((b - a) / 1000));
}

json_t *checkoff_statement(const struct checkoff_list *l, const struct checkoff_result *r)
{
    json_t *items = json_array();
    for (size_t i = 0; items && i < l->nitems; i++)
        if (json_array_append_new(items, json_string(l->items[i]))) {
            json_decref(items);
            items = NULL;
        }
    char dur[32];
    duration(r->started_at, r->ended_at, dur);
    double scaled = r->steps_total ? (double)r->steps_ticked / (double)r->steps_total : 0.0;
    json_t *result =
        json_pack("{s:b, s:b, s:{s:I, s:I, s:I, s:f}, s:s, s:{s:O, s:O, s:O}}", "success",
                  r->passed, "completion", 1, "score", "raw", (json_int_t)r->steps_ticked, "min",
                  (json_int_t)0, "max", (json_int_t)r->steps_total, "scaled", scaled, "duration",
                  dur, "extensions", CHECKOFF_EXT_TICKED, r->ticked, CHECKOFF_EXT_MISSED, r->missed,
                  CHECKOFF_EXT_CRITICAL, r->critical_missed);
    if (result && r->comment && *r->comment)
        json_object_set_new(result, "response", json_string(r->comment));
    return json_pack(
        "{s:s, s:o, s:{s:s, s:{s:s, s:s}}, s:{s:s, s:s, s:{s:{s:s, s:s}, s:{s:s, s:s}, s:s}},"
        " s:o, s:{s:o, s:s, s:{s:[o]}, s:{s:o, s:I}}, s:s}",
        "id", r->uuid, "actor", xapi_user_agent(r->student_login, r->student_name), "verb", "id",
        r->passed ? CHECKOFF_VERB_PASSED : CHECKOFF_VERB_FAILED, "display", "en-US",
        r->passed ? "passed" : "failed", "zh-CN", r->passed ? "通过" : "未通过", "object",
        "objectType", "Activity", "id", l->activity, "definition", "name", "en", l->title.en,
        "zh-CN", l->title.zh, "description", "en", l->description.en, "zh-CN", l->description.zh,
        "type", CHECKOFF_ACTIVITY_TYPE, "result", result, "context", "instructor",
        xapi_user_agent(r->teacher_login, r->teacher_name), "platform", "CareCampus",
        "contextActivities", "category", source_activity(l->source), "extensions",
        CHECKOFF_EXT_CFITEMS, items, CHECKOFF_EXT_VERSION, (json_int_t)l->version, "timestamp",
        r->ended_at);
}

/* ---- Rows ---- */

#define RESULT_COLUMNS                                                                             \
    "r.uuid, r.checklist, r.version, r.student_id, s.login, s.name, r.teacher_id, t.login,"        \
    " t.name, r.passed, r.steps_total, r.steps_ticked, r.ticked, r.missed, r.critical_missed,"     \
    " r.comment, r.started_at, r.ended_at, r.recorded_at, r.id"
#define RESULT_FROM                                                                                \
    " FROM checkoff_results r JOIN users s ON s.id = r.student_id"                                 \
    " JOIN users t ON t.id = r.teacher_id"

static int read_result(struct store_stmt *st, struct checkoff_result *r)
{
    memset(r, 0, sizeof(*r));
    snprintf(r->uuid, sizeof(r->uuid), "%s", store_col_text(st, 0));
    snprintf(r->checklist, sizeof(r->checklist), "%s", store_col_text(st, 1));
    r->version = store_col_int(st, 2);
    r->student_id = store_col_int(st, 3);
    snprintf(r->student_login, sizeof(r->student_login), "%s", store_col_text(st, 4));
    utf8_copy(r->student_name, sizeof(r->student_name), store_col_text(st, 5));
    r->teacher_id = store_col_int(st, 6);
    snprintf(r->teacher_login, sizeof(r->teacher_login), "%s", store_col_text(st, 7));
    utf8_copy(r->teacher_name, sizeof(r->teacher_name), store_col_text(st, 8));
    r->passed = store_col_int(st, 9) != 0;
    r->steps_total = store_col_int(st, 10);
    r->steps_ticked = store_col_int(st, 11);
    r->ticked = json_loads(store_col_text(st, 12), 0, NULL);
    r->missed = json_loads(store_col_text(st, 13), 0, NULL);
    r->critical_missed = json_loads(store_col_text(st, 14), 0, NULL);
    r->comment = cc_strdup(store_col_text(st, 15));
    snprintf(r->started_at, sizeof(r->started_at), "%s", store_col_text(st, 16));
    snprintf(r->ended_at, sizeof(r->ended_at), "%s", store_col_text(st, 17));
    snprintf(r->recorded_at, sizeof(r->recorded_at), "%s", store_col_text(st, 18));
    if (!json_is_array(r->ticked) || !json_is_array(r->missed) ||
        !json_is_array(r->critical_missed) || !r->comment) {
        checkoff_result_release(r);
        return CHECKOFF_ERR_NOMEM;
    }
    return CHECKOFF_OK;
}

/* The stored check-off UUID of INSTITUTION into OUT; *FOUND says whether there is one. */
static int find_result(struct store *db, int64_t institution, const char *uuid,
                       struct checkoff_result *out, int *found)
{
    struct store_stmt *st;
    *found = 0;
    if (store_prepare(
            db, "SELECT " RESULT_COLUMNS RESULT_FROM " WHERE r.institution_id = ? AND r.uuid = ?",
            &st))
        return CHECKOFF_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_text(st, 2, uuid);
    int rc = store_step(st), err = CHECKOFF_OK;
    if (rc == STORE_ROW) {
        err = read_result(st, out);
        *found = !err;
    } else if (rc < 0) {
        err = CHECKOFF_ERR_STORE;
    }
    store_finish(st);
    return err;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Do the step ids of the JSON array A and of the N strings B hold the same set? */
static int same_steps(const json_t *a, const char *const *b, size_t n)
{
    if (json_array_size(a) != n)
        return 0;
    if (n == 0)
        return 1;
    const char **x = cc_calloc(n, sizeof(*x)), **y = cc_calloc(n, sizeof(*y));
    int same = x && y;
    for (size_t i = 0; same && i < n; i++) {
        x[i] = json_string_value(json_array_get(a, i));
        y[i] = b[i];
        same = x[i] && y[i];
    }
    if (same) {
        qsort(x, n, sizeof(*x), cmp_str);
        qsort(y, n, sizeof(*y), cmp_str);
        for (size_t i = 0; same && i < n; i++)
            same = strcmp(x[i], y[i]) == 0;
    }
    cc_free(x);
    cc_free(y);
    return same;
}

/* Is the stored R the check-off S (by CALLER, normalised times and comment)? */
static int same_checkoff(const struct checkoff_result *r, const struct auth_user *caller,
                         const struct checkoff_submission *s, const char *started,
                         const char *ended, const char *comment)
{
    return r->teacher_id == caller->id && r->student_id == s->student &&
           strcmp(r->checklist, s->checklist ? s->checklist : "") == 0 &&
           r->version == s->version && strcmp(r->started_at, started) == 0 &&
           strcmp(r->ended_at, ended) == 0 && strcmp(r->comment, comment) == 0 &&
           same_steps(r->ticked, s->ticked, s->nticked);
}

static int insert_result(struct store *db, int64_t institution, const struct checkoff_result *r,
                         int *inserted)
{
    char *ticked = json_dumps(r->ticked, JSON_COMPACT);
    char *missed = json_dumps(r->missed, JSON_COMPACT);
    char *critical = json_dumps(r->critical_missed, JSON_COMPACT);
    int err = CHECKOFF_ERR_NOMEM;
    struct store_stmt *st;
    *inserted = 0;
    if (!ticked || !missed || !critical)
        goto done;
    err = CHECKOFF_ERR_STORE;
    if (store_prepare(db,
                      "INSERT INTO checkoff_results (institution_id, uuid, checklist, version,"
                      " student_id, teacher_id, passed, steps_total, steps_ticked, ticked, missed,"
                      " critical_missed, comment, started_at, ended_at, recorded_at)"
                      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                      " ON CONFLICT DO NOTHING",
                      &st))
        goto done;
    store_bind_int(st, 1, institution);
    store_bind_text(st, 2, r->uuid);
    store_bind_text(st, 3, r->checklist);
    store_bind_int(st, 4, r->version);
    store_bind_int(st, 5, r->student_id);
    store_bind_int(st, 6, r->teacher_id);
    store_bind_int(st, 7, r->passed);
    store_bind_int(st, 8, r->steps_total);
    store_bind_int(st, 9, r->steps_ticked);
    store_bind_text(st, 10, ticked);
    store_bind_text(st, 11, missed);
    store_bind_text(st, 12, critical);
    store_bind_text(st, 13, r->comment);
    store_bind_text(st, 14, r->started_at);
    store_bind_text(st, 15, r->ended_at);
    store_bind_text(st, 16, r->recorded_at);
    if (store_step(st) == STORE_OK) {
        err = CHECKOFF_OK;
        *inserted = store_changes(db) > 0;
    }
    store_finish(st);
done:
    cc_free(ticked);
    cc_free(missed);
    cc_free(critical);
    return err;
}

/* ---- Recording ---- */

/* Parses an ISO 8601 time into OUT as UTC with milliseconds; -1 when it is not one. */
static int normalise_time(const char *s, char out[25], int64_t *ms)
{
    if (!s || strlen(s) > 64 || time_parse_iso8601(s, ms))
        return -1;
    time_format_ms(*ms, out);
    return 0;
}

/* Text without control characters other than tab and line ends. */
static int comment_ok(const char *s)
{
    if (!utf8_valid(s, strlen(s)))
        return 0;
    for (const unsigned char *c = (const unsigned char *)s; *c; c++)
        if ((*c < 0x20 && *c != '\t' && *c != '\n' && *c != '\r') || *c == 0x7f)
            return 0;
    return 1;
}

/* Checks what does not depend on the checklist; fills the normalised uuid, times and comment. */
static int check_submission(const struct checkoff_submission *s, char uuid[37], char started[25],
                            char ended[25], const char **comment, struct checkoff_problem *p)
{
    if (!s->uuid || strlen(s->uuid) != 36 || !xapi_uuid_valid(s->uuid))
        return problem(p, CHECKOFF_ERR_INVALID, "id", "checkoff_id_invalid", NULL);
    for (int i = 0; i < 36; i++)
        uuid[i] = (char)tolower((unsigned char)s->uuid[i]);
    uuid[36] = 0;
    int64_t a, b;
    if (normalise_time(s->started_at, started, &a))
        return problem(p, CHECKOFF_ERR_INVALID, "started_at", "checkoff_time_invalid", NULL);
    if (normalise_time(s->ended_at, ended, &b))
        return problem(p, CHECKOFF_ERR_INVALID, "ended_at", "checkoff_time_invalid", NULL);
    if (b < a)
        return problem(p, CHECKOFF_ERR_INVALID, "ended_at", "checkoff_time_order", NULL);
    if (b - a > CHECKOFF_MAX_SECONDS * 1000LL)
        return problem(p, CHECKOFF_ERR_INVALID, "ended_at", "checkoff_too_long", NULL);
    if (b > time_now_ms() + FUTURE_SLACK_MS)
        return problem(p, CHECKOFF_ERR_INVALID, "ended_at", "checkoff_time_future", NULL);
    *comment = s->comment ? s->comment : "";
    if (!comment_ok(*comment))
        return problem(p, CHECKOFF_ERR_INVALID, "comment", "checkoff_comment_invalid", NULL);
    if (utf8_length(*comment) > CHECKOFF_COMMENT_MAX)
        return problem(p, CHECKOFF_ERR_INVALID, "comment", "checkoff_comment_length", NULL);
    if (s->nticked > CHECKOFF_MAX_STEPS || (s->nticked && !s->ticked))
        return problem(p, CHECKOFF_ERR_INVALID, "ticked", "checkoff_ticked_invalid", NULL);
    for (size_t i = 0; i < s->nticked; i++)
        if (!s->ticked[i])
            return problem(p, CHECKOFF_ERR_INVALID, "ticked", "checkoff_ticked_invalid", NULL);
    return CHECKOFF_OK;
}

/* The student of S if CALLER may record a check-off for them. */
static int check_student(struct store *db, const struct auth_user *caller, int64_t id,
                         struct auth_user *student, struct checkoff_problem *p)
{
    int err = auth_user_get(db, caller->institution_id, id, student);
    if (err && err != AUTH_ERR_NOT_FOUND)
        return CHECKOFF_ERR_STORE;
    int is_student = !err && student->role == AUTH_ROLE_STUDENT;
    if (caller->role == AUTH_ROLE_ADMIN)
        return is_student ? CHECKOFF_OK
                          : problem(p, CHECKOFF_ERR_INVALID, "student_id",
                                    "checkoff_student_invalid", NULL);
    int yes = 0;
    if (is_student &&
        auth_class_teaches(db, caller->institution_id, caller->id, student->login, &yes))
        return CHECKOFF_ERR_STORE;
    /* Someone who is not a student, or not in the caller's classes, gets the same answer. */
    return yes ? CHECKOFF_OK
               : problem(p, CHECKOFF_ERR_FORBIDDEN, "student_id", "checkoff_not_your_student",
                         NULL);
}

/* Fills R from the checklist, the ticks and the people. */
static int build_result(struct checkoff_result *r, const struct checkoff_list *l,
                        const unsigned char *ticked, const char *uuid,
                        const struct auth_user *student, const struct auth_user *teacher,
                        const char *started, const char *ended, const char *comment)
{
    struct checkoff_outcome o;
    checkoff_outcome(l, ticked, &o);
    memset(r, 0, sizeof(*r));
    snprintf(r->uuid, sizeof(r->uuid), "%s", uuid);
    snprintf(r->checklist, sizeof(r->checklist), "%s", l->id);
    r->version = l->version;
    r->student_id = student->id;
    snprintf(r->student_login, sizeof(r->student_login), "%s", student->login);
    snprintf(r->student_name, sizeof(r->student_name), "%s", student->name);
    r->teacher_id = teacher->id;
    snprintf(r->teacher_login, sizeof(r->teacher_login), "%s", teacher->login);
    snprintf(r->teacher_name, sizeof(r->teacher_name), "%s", teacher->name);
    r->passed = o.passed;
    r->steps_total = (int64_t)o.total;
    r->steps_ticked = (int64_t)o.ticked;
    r->ticked = json_array();
    r->missed = json_array();
    r->critical_missed = json_array();
    r->comment = cc_strdup(comment);
    snprintf(r->started_at, sizeof(r->started_at), "%s", started);
    snprintf(r->ended_at, sizeof(r->ended_at), "%s", ended);
    time_format_ms(time_now_ms(), r->recorded_at);
    int err = !r->ticked || !r->missed || !r->critical_missed || !r->comment;
    for (size_t i = 0; !err && i < l->nsteps; i++) {
        json_t *id = json_string(l->steps[i].id);
        err = json_array_append(ticked[i] ? r->ticked : r->missed, id) ||
              (!ticked[i] && l->steps[i].critical && json_array_append(r->critical_missed, id));
        json_decref(id);
    }
    if (err) {
        checkoff_result_release(r);
        return CHECKOFF_ERR_NOMEM;
    }
    return CHECKOFF_OK;
}

/* After an INSERT that changed nothing: someone stored UUID meanwhile. The same, or a conflict? */
static int settle_race(struct store *db, const struct auth_user *caller,
                       const struct checkoff_submission *s, const char *uuid, const char *started,
                       const char *ended, const char *comment, struct checkoff_result *out,
                       int *replayed, struct checkoff_problem *p)
{
    int found, err = find_result(db, caller->institution_id, uuid, out, &found);
    if (err)
        return err;
    if (!found)
        return CHECKOFF_ERR_STORE;
    if (same_checkoff(out, caller, s, started, ended, comment)) {
        *replayed = 1;
        return CHECKOFF_OK;
    }
    checkoff_result_release(out);
    return problem(p, CHECKOFF_ERR_CONFLICT, "id", "checkoff_id_conflict", NULL);
}

int checkoff_record(struct store *db, const struct checkoff_catalog *c,
                    const struct auth_user *caller, const struct checkoff_submission *s,
                    struct checkoff_result *out, int *replayed, struct checkoff_problem *p)
{
    char uuid[37], started[25], ended[25];
    const char *comment;
    unsigned char ticked[CHECKOFF_MAX_STEPS] = {0};
    struct auth_user student;
    int found, err;
    memset(out, 0, sizeof(*out));
    *replayed = 0;
    if (caller->role != AUTH_ROLE_TEACHER && caller->role != AUTH_ROLE_ADMIN)
        return problem(p, CHECKOFF_ERR_FORBIDDEN, NULL, "forbidden", NULL);
    if ((err = check_submission(s, uuid, started, ended, &comment, p)))
        return err;

    /*
     * A check-off sent again (the page retrying after a lost answer, or the
     * outbox of an offline tablet) is answered from what was stored, before
     * the checklist is looked at: it may have changed since, and the answer
     * must not.
     */
    if ((err = find_result(db, caller->institution_id, uuid, out, &found)))
        return err;
    if (found) {
        if (same_checkoff(out, caller, s, started, ended, comment)) {
            *replayed = 1;
            return CHECKOFF_OK;
        }
        checkoff_result_release(out);
        return problem(p, CHECKOFF_ERR_CONFLICT, "id", "checkoff_id_conflict", NULL);
    }

    const struct checkoff_list *l = checkoff_find(c, s->checklist);
    if (!l)
        return problem(p, CHECKOFF_ERR_NOT_FOUND, "checklist", "checkoff_unknown", NULL);
    if (s->version != l->version)
        return problem(p, CHECKOFF_ERR_CONFLICT, "version", "checkoff_version_changed", NULL);
    for (size_t i = 0; i < s->nticked; i++) {
        int k = checkoff_step_index(l, s->ticked[i]);
        if (k < 0)
            return problem(p, CHECKOFF_ERR_INVALID, "ticked", "checkoff_step_unknown",
                           s->ticked[i]);
        if (ticked[k])
            return problem(p, CHECKOFF_ERR_INVALID, "ticked", "checkoff_step_twice", s->ticked[i]);
        ticked[k] = 1;
    }
    if ((err = check_student(db, caller, s->student, &student, p)))
        return err;
    if ((err = build_result(out, l, ticked, uuid, &student, caller, started, ended, comment)))
        return err;

    /*
     * The statement first, then the row. xapi_record() holds its own
     * transaction, so the two cannot share one; in this order a failure
     * between them leaves a statement without a row, and the retry that
     * follows (the page keeps the check-off until it gets an answer) finds
     * the identical statement already stored and adds the row.
     */
    if ((err = checkoff_align_list(db, l, caller->institution_id)))
        goto fail;
    json_t *statement = checkoff_statement(l, out);
    struct xapi_problem xp = {0};
    int xerr =
        statement ? xapi_record(db, caller->institution_id, statement, NULL, &xp) : XAPI_ERR_NOMEM;
    json_decref(statement);
    if (xerr == XAPI_ERR_CONFLICT) {
        err = problem(p, CHECKOFF_ERR_CONFLICT, "id", "checkoff_id_conflict", NULL);
        goto fail;
    }
    if (xerr) {
        if (xerr == XAPI_ERR_INVALID)
            LOG_ERROR("checkoff: the statement of checklist %s is invalid at %s (%s)", l->id,
                      xp.path, xp.msg ? xp.msg : "");
        err = xerr == XAPI_ERR_NOMEM ? CHECKOFF_ERR_NOMEM : CHECKOFF_ERR_STORE;
        goto fail;
    }
    int inserted;
    if ((err = insert_result(db, caller->institution_id, out, &inserted)))
        goto fail;
    if (!inserted) {
        checkoff_result_release(out);
        return settle_race(db, caller, s, uuid, started, ended, comment, out, replayed, p);
    }
    return CHECKOFF_OK;
fail:
    checkoff_result_release(out);
    return err;
}

/* ---- History ---- */

int checkoff_results(struct store *db, const struct auth_user *caller,
                     const struct checkoff_filter *f, checkoff_result_fn fn, void *ctx, int *more,
                     struct checkoff_problem *p)
{
    int64_t inst = caller->institution_id, student = f->student, teacher_scope = 0;
    *more = 0;
    if (f->limit < 1 || f->limit > CHECKOFF_RESULTS_MAX)
        return problem(p, CHECKOFF_ERR_INVALID, "limit", "bad_request", NULL);
    switch (caller->role) {
    case AUTH_ROLE_ADMIN:
        break;
    case AUTH_ROLE_STUDENT:
        if ((student && student != caller->id) || f->class_id)
            return problem(p, CHECKOFF_ERR_FORBIDDEN, "student", "checkoff_own_only", NULL);
        student = caller->id;
        break;
    case AUTH_ROLE_TEACHER:
        teacher_scope = caller->id;
        if (f->class_id) {
            struct auth_class cls;
            int err = auth_class_get(db, inst, f->class_id, &cls);
            if (err == AUTH_ERR_NOT_FOUND)
                return problem(p, CHECKOFF_ERR_NOT_FOUND, "class", "not_found", NULL);
            if (err)
                return CHECKOFF_ERR_STORE;
            if (cls.teacher_id != caller->id)
                return problem(p, CHECKOFF_ERR_FORBIDDEN, "class", "checkoff_not_your_class", NULL);
        }
        if (student) {
            struct auth_user u;
            int yes = 0, err = auth_user_get(db, inst, student, &u);
            if (err && err != AUTH_ERR_NOT_FOUND)
                return CHECKOFF_ERR_STORE;
            if (!err && auth_class_teaches(db, inst, caller->id, u.login, &yes))
                return CHECKOFF_ERR_STORE;
            if (!yes)
                return problem(p, CHECKOFF_ERR_FORBIDDEN, "student", "checkoff_not_your_student",
                               NULL);
        }
        break;
    default:
        return problem(p, CHECKOFF_ERR_FORBIDDEN, NULL, "forbidden", NULL);
    }
    const char *checklist = f->checklist ? f->checklist : "";
    const char *before = f->before ? f->before : "";
    struct store_stmt *st;
    if (store_prepare(
            db,
            "SELECT " RESULT_COLUMNS RESULT_FROM " WHERE r.institution_id = ?"
            " AND (? = 0 OR r.student_id = ?)"
            " AND (? = 0 OR r.student_id IN (SELECT e.user_id FROM enrolments e"
            "      WHERE e.class_id = ? AND e.institution_id = ?))"
            " AND (? = 0 OR r.student_id IN (SELECT e.user_id FROM enrolments e"
            "      JOIN classes c ON c.id = e.class_id WHERE c.teacher_id = ?"
            "      AND c.institution_id = ?))"
            " AND (? = '' OR r.checklist = ?)"
            " AND (? = '' OR (r.ended_at, r.id) < (SELECT b.ended_at, b.id FROM checkoff_results b"
            "      WHERE b.institution_id = ? AND b.uuid = ?))"
            " ORDER BY r.ended_at DESC, r.id DESC LIMIT ?",
            &st))
        return CHECKOFF_ERR_STORE;
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
    store_bind_text(st, i++, checklist);
    store_bind_text(st, i++, checklist);
    store_bind_text(st, i++, before);
    store_bind_int(st, i++, inst);
    store_bind_text(st, i++, before);
    store_bind_int(st, i++, f->limit + 1);
    int rc = STORE_OK, err = CHECKOFF_OK, stop = 0, n = 0;
    struct checkoff_result r;
    while (!stop && !err && (rc = store_step(st)) == STORE_ROW) {
        if (n++ == f->limit) {
            *more = 1;
            break;
        }
        if ((err = read_result(st, &r)))
            break;
        stop = fn(ctx, &r);
        checkoff_result_release(&r);
    }
    store_finish(st);
    if (stop)
        return stop;
    if (err)
        return err;
    return rc < 0 ? CHECKOFF_ERR_STORE : CHECKOFF_OK;
}
