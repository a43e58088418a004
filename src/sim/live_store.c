/* The rows of live training sessions, who may see them, and their xAPI statements. */
#include "sim/live_store.h"

#include <stdio.h>
#include <string.h>

#include "auth/class.h"
#include "sim/vocab.h"
#include "util/alloc.h"
#include "util/log.h"
#include "util/secret.h"
#include "util/timeutil.h"
#include "util/utf8.h"
#include "xapi/record.h"
#include "util/banned.h"

#define EXT                "https://carecampus.org/xapi/extensions/"
#define VERB_INTERACTED    "http://adlnet.gov/expapi/verbs/interacted"
#define VERB_PASSED        "http://adlnet.gov/expapi/verbs/passed"
#define VERB_FAILED        "http://adlnet.gov/expapi/verbs/failed"
#define TYPE_SIMULATION    "http://adlnet.gov/expapi/activities/simulation"
#define TYPE_INTERACTION   "http://adlnet.gov/expapi/activities/interaction"
#define MODE_PREFIX        "https://carecampus.org/xapi/activities/training-modes/"
#define ASSIGNMENT_PREFIX  "https://carecampus.org/xapi/activities/training-assignments/"
#define STATEMENT_ID_SPACE "carecampus-training-statement"

int live_problem(struct sim_live_problem *p, int err, const char *field, const char *msg,
                 const char *arg)
{
    /* A copy: the field's name may be a key of the request's JSON, freed before the reply. */
    snprintf(p->field_buf, sizeof(p->field_buf), "%s", field ? field : "");
    p->field = field ? p->field_buf : NULL;
    p->msg = msg;
    snprintf(p->arg, sizeof(p->arg), "%s", arg ? arg : "");
    return err;
}

const char *sim_live_mode_id(int mode)
{
    return mode == SIM_LIVE_ASSESSMENT ? "assessment" : "practice";
}

const char *sim_live_status_id(int status)
{
    return status == SIM_LIVE_ENDED ? "ended" : status == SIM_LIVE_PAUSED ? "paused" : "running";
}

int sim_live_mode_parse(const char *s)
{
    if (s && strcmp(s, "practice") == 0)
        return SIM_LIVE_PRACTICE;
    if (s && strcmp(s, "assessment") == 0)
        return SIM_LIVE_ASSESSMENT;
    return -1;
}

static int status_parse(const char *s)
{
    return strcmp(s, "ended") == 0    ? SIM_LIVE_ENDED
           : strcmp(s, "paused") == 0 ? SIM_LIVE_PAUSED
                                      : 0;
}

/* ---------------------------------------------------------------- rows */

void live_row_read(struct store_stmt *st, struct live_row *r)
{
    memset(r, 0, sizeof(*r));
    r->id = store_col_int(st, 0);
    r->institution = store_col_int(st, 1);
    r->user = store_col_int(st, 2);
    r->assignment = store_col_is_null(st, 3) ? 0 : store_col_int(st, 3);
    snprintf(r->uuid, sizeof(r->uuid), "%s", store_col_text(st, 4));
    snprintf(r->scenario, sizeof(r->scenario), "%s", store_col_text(st, 5));
    r->version = (int)store_col_int(st, 6);
    r->mode = sim_live_mode_parse(store_col_text(st, 7)) == SIM_LIVE_ASSESSMENT;
    r->status = status_parse(store_col_text(st, 8));
    r->speed = (int)store_col_int(st, 9);
    r->seed = store_col_int(st, 10);
    r->sim_ms = store_col_int(st, 11);
    r->active_ms = store_col_int(st, 12);
    r->interruptions = (int)store_col_int(st, 13);
    r->pauses = (int)store_col_int(st, 14);
    r->hints = (int)store_col_int(st, 15);
    r->actions = (int)store_col_int(st, 16);
    r->alerts_open = (int)store_col_int(st, 17);
    r->score = store_col_is_null(st, 18) ? -1 : (int)store_col_int(st, 18);
    r->passed = store_col_is_null(st, 19) ? -1 : (int)store_col_int(st, 19);
    r->critical = (int)store_col_int(st, 20);
    r->statements = (int)store_col_int(st, 21);
    snprintf(r->started_at, sizeof(r->started_at), "%s", store_col_text(st, 22));
    snprintf(r->updated_at, sizeof(r->updated_at), "%s", store_col_text(st, 23));
    snprintf(r->ended_at, sizeof(r->ended_at), "%s", store_col_text(st, 24));
    utf8_copy(r->login, sizeof(r->login), store_col_text(st, 25));
    utf8_copy(r->name, sizeof(r->name), store_col_text(st, 26));
}

int live_row_get(struct store *db, int64_t institution, const char *uuid, struct live_row *out)
{
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT " LIVE_ROW_COLUMNS " FROM training_sessions t JOIN users u"
                      " ON u.id = t.user_id WHERE t.institution_id = ? AND t.uuid = ?",
                      &st))
        return SIM_LIVE_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_text(st, 2, uuid);
    int rc = store_step(st), err = SIM_LIVE_ERR_NOT_FOUND;
    if (rc == STORE_ROW) {
        live_row_read(st, out);
        err = SIM_LIVE_OK;
    } else if (rc < 0) {
        err = SIM_LIVE_ERR_STORE;
    }
    store_finish(st);
    return err;
}

int live_row_may_see(struct store *db, const struct auth_user *caller, const struct live_row *row,
                     int *trainee)
{
    *trainee = 0;
    if (caller->institution_id != row->institution)
        return SIM_LIVE_ERR_NOT_FOUND;
    if (caller->id == row->user) {
        *trainee = 1;
        return SIM_LIVE_OK;
    }
    if (caller->role == AUTH_ROLE_ADMIN)
        return SIM_LIVE_OK;
    int yes = 0;
    if (caller->role == AUTH_ROLE_TEACHER &&
        auth_class_teaches(db, caller->institution_id, caller->id, row->login, &yes))
        return SIM_LIVE_ERR_STORE;
    return yes ? SIM_LIVE_OK : SIM_LIVE_ERR_FORBIDDEN;
}

int live_row_insert(struct store *db, struct live_row *row)
{
    char now[25];
    time_format_ms(time_now_ms(), now);
    snprintf(row->started_at, sizeof(row->started_at), "%s", now);
    snprintf(row->updated_at, sizeof(row->updated_at), "%s", now);
    struct store_stmt *st;
    if (store_prepare(db,
                      "INSERT INTO training_sessions (institution_id, uuid, user_id, assignment_id,"
                      " scenario, scenario_version, mode, seed, status, speed, sim_ms, active_ms,"
                      " started_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?)"
                      " RETURNING id",
                      &st))
        return SIM_LIVE_ERR_STORE;
    store_bind_int(st, 1, row->institution);
    store_bind_text(st, 2, row->uuid);
    store_bind_int(st, 3, row->user);
    if (row->assignment)
        store_bind_int(st, 4, row->assignment);
    else
        store_bind_text(st, 4, NULL);
    store_bind_text(st, 5, row->scenario);
    store_bind_int(st, 6, row->version);
    store_bind_text(st, 7, sim_live_mode_id(row->mode));
    store_bind_int(st, 8, row->seed);
    store_bind_text(st, 9, sim_live_status_id(row->status));
    store_bind_int(st, 10, row->speed);
    store_bind_text(st, 11, now);
    store_bind_text(st, 12, now);
    int rc = store_step(st);
    if (rc == STORE_ROW) {
        row->id = store_col_int(st, 0);
        rc = store_step(st);
    }
    store_finish(st);
    return rc == STORE_OK ? SIM_LIVE_OK : SIM_LIVE_ERR_STORE;
}

int live_row_save(struct store *db, const struct live_row *row)
{
    char now[25];
    time_format_ms(time_now_ms(), now);
    struct store_stmt *st;
    if (store_prepare(db,
                      "UPDATE training_sessions SET status = ?, speed = ?, sim_ms = ?,"
                      " active_ms = ?, interruptions = ?, pauses = ?, hints = ?, actions = ?,"
                      " alerts_open = ?, score_percent = ?, critical_errors = ?, updated_at = ?"
                      " WHERE id = ? AND status <> 'ended'",
                      &st))
        return SIM_LIVE_ERR_STORE;
    store_bind_text(st, 1, sim_live_status_id(row->status));
    store_bind_int(st, 2, row->speed);
    store_bind_int(st, 3, row->sim_ms);
    store_bind_int(st, 4, row->active_ms);
    store_bind_int(st, 5, row->interruptions);
    store_bind_int(st, 6, row->pauses);
    store_bind_int(st, 7, row->hints);
    store_bind_int(st, 8, row->actions);
    store_bind_int(st, 9, row->alerts_open);
    if (row->score >= 0)
        store_bind_int(st, 10, row->score);
    else
        store_bind_text(st, 10, NULL);
    store_bind_int(st, 11, row->critical);
    store_bind_text(st, 12, now);
    store_bind_int(st, 13, row->id);
    int rc = store_step(st);
    store_finish(st);
    return rc == STORE_OK ? SIM_LIVE_OK : SIM_LIVE_ERR_STORE;
}

int live_row_end(struct store *db, struct live_row *row, const char *result, int *changed)
{
    char now[25];
    time_format_ms(time_now_ms(), now);
    *changed = 0;
    struct store_stmt *st;
    if (store_prepare(
            db,
            "UPDATE training_sessions SET status = 'ended', speed = ?, sim_ms = ?,"
            " active_ms = ?, interruptions = ?, pauses = ?, hints = ?, actions = ?,"
            " alerts_open = ?, score_percent = ?, passed = ?, critical_errors = ?,"
            " updated_at = ?, ended_at = ?, result = ? WHERE id = ? AND status <> 'ended'",
            &st))
        return SIM_LIVE_ERR_STORE;
    store_bind_int(st, 1, row->speed);
    store_bind_int(st, 2, row->sim_ms);
    store_bind_int(st, 3, row->active_ms);
    store_bind_int(st, 4, row->interruptions);
    store_bind_int(st, 5, row->pauses);
    store_bind_int(st, 6, row->hints);
    store_bind_int(st, 7, row->actions);
    store_bind_int(st, 8, row->alerts_open);
    store_bind_int(st, 9, row->score);
    store_bind_int(st, 10, row->passed);
    store_bind_int(st, 11, row->critical);
    store_bind_text(st, 12, now);
    store_bind_text(st, 13, now);
    store_bind_text(st, 14, result);
    store_bind_int(st, 15, row->id);
    int rc = store_step(st);
    store_finish(st);
    if (rc != STORE_OK)
        return SIM_LIVE_ERR_STORE;
    *changed = store_changes(db) > 0;
    if (*changed) {
        row->status = SIM_LIVE_ENDED;
        snprintf(row->ended_at, sizeof(row->ended_at), "%s", now);
        snprintf(row->updated_at, sizeof(row->updated_at), "%s", now);
    }
    return SIM_LIVE_OK;
}

static json_t *str_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

static json_t *int_or_null(int v)
{
    return v >= 0 ? json_integer(v) : json_null();
}

json_t *live_row_json(const struct live_row *r)
{
    const struct sim_scenario *sc = sim_live_scenario(r->scenario);
    json_t *title =
        sc ? json_pack("{s:s, s:s}", "en", sc->title.en, "zh-CN", sc->title.zh) : json_null();
    return json_pack(
        "{s:s, s:{s:s, s:i, s:o}, s:{s:I, s:s, s:s}, s:o, s:s, s:s, s:i, s:I, s:I,"
        " s:I, s:i, s:i, s:i, s:i, s:i, s:o, s:o, s:i, s:s, s:s, s:o}",
        "id", r->uuid, "scenario", "id", r->scenario, "version", r->version, "title", title,
        "student", "id", (json_int_t)r->user, "login", r->login, "name", r->name, "assignment_id",
        r->assignment ? json_integer(r->assignment) : json_null(), "mode",
        sim_live_mode_id(r->mode), "status", sim_live_status_id(r->status), "speed", r->speed,
        "sim_ms", (json_int_t)r->sim_ms, "duration_ms", (json_int_t)(sc ? sc->duration_ms : 0),
        "active_ms", (json_int_t)r->active_ms, "interruptions", r->interruptions, "pauses",
        r->pauses, "hints", r->hints, "actions", r->actions, "alerts_open", r->alerts_open,
        "score_percent", int_or_null(r->score), "passed",
        r->passed < 0 ? json_null() : json_boolean(r->passed), "critical_errors", r->critical,
        "started_at", r->started_at, "updated_at", r->updated_at, "ended_at",
        str_or_null(r->ended_at));
}

/* ---------------------------------------------------------------- the log */

int live_log_add(struct store *db, int64_t session, int n, const char *kind, int64_t sim_ms,
                 const char *at, const char *body)
{
    struct store_stmt *st;
    if (store_prepare(db,
                      "INSERT INTO training_log (session_id, n, kind, sim_ms, at, body)"
                      " VALUES (?, ?, ?, ?, ?, ?)",
                      &st))
        return SIM_LIVE_ERR_STORE;
    store_bind_int(st, 1, session);
    store_bind_int(st, 2, n);
    store_bind_text(st, 3, kind);
    store_bind_int(st, 4, sim_ms);
    store_bind_text(st, 5, at);
    store_bind_text(st, 6, body);
    int rc = store_step(st);
    store_finish(st);
    return rc == STORE_OK ? SIM_LIVE_OK : SIM_LIVE_ERR_STORE;
}

int live_log_mark(struct store *db, int64_t session, int n)
{
    struct store_stmt *st;
    if (store_prepare(db, "UPDATE training_log SET xapi = 1 WHERE session_id = ? AND n = ?", &st))
        return SIM_LIVE_ERR_STORE;
    store_bind_int(st, 1, session);
    store_bind_int(st, 2, n);
    int rc = store_step(st);
    store_finish(st);
    return rc == STORE_OK ? SIM_LIVE_OK : SIM_LIVE_ERR_STORE;
}

int live_log_read(struct store *db, int64_t session, live_log_fn fn, void *ctx)
{
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT n, kind, sim_ms, at, body, xapi FROM training_log"
                      " WHERE session_id = ? ORDER BY n",
                      &st))
        return SIM_LIVE_ERR_STORE;
    store_bind_int(st, 1, session);
    int rc, err = SIM_LIVE_OK;
    while ((rc = store_step(st)) == STORE_ROW) {
        struct live_log_entry e = {(int)store_col_int(st, 0), store_col_text(st, 1),
                                   store_col_int(st, 2),      store_col_text(st, 3),
                                   store_col_text(st, 4),     (int)store_col_int(st, 5)};
        if ((err = fn(ctx, &e)))
            break;
    }
    if (rc < 0)
        err = SIM_LIVE_ERR_STORE;
    store_finish(st);
    return err;
}

/* ---------------------------------------------------------------- statements */

/*
 * A statement id made from the session's UUID and what the statement is
 * about (a log entry, the completion): the same statement stored again (a
 * retry, the catch-up at the end) is the same statement.
 */
static void statement_id(const char *session, const char *what, char out[37])
{
    char in[160], hex[SECRET_SHA256_HEX_LEN + 1];
    int n = snprintf(in, sizeof(in), "%s/%s/%s", STATEMENT_ID_SPACE, session, what);
    secret_sha256_hex(in, (size_t)n, hex);
    /* Version 5-style (name-based, SHA) layout: the version nibble 5, the RFC 4122 variant. */
    static const char variant[] = "89ab";
    snprintf(out, 37, "%.8s-%.4s-5%.3s-%c%.3s-%.12s", hex, hex + 8, hex + 13,
             variant[(hex[16] >= 'a' ? hex[16] - 'a' + 10 : hex[16] - '0') & 3], hex + 17,
             hex + 20);
}

/* The action types' names for the activity definitions. */
static const struct {
    const char *en, *zh;
} action_names[SIM_NACTIONS] = {
    [SIM_ACTION_ACKNOWLEDGE] = {"Acknowledge an alert", "确认告警"},
    [SIM_ACTION_DISMISS] = {"Dismiss an alert", "关闭告警"},
    [SIM_ACTION_GO_TO_ROOM] = {"Go to the resident", "前往房间"},
    [SIM_ACTION_REVIEW_DATA] = {"Review the dashboard data", "查看监测数据"},
    [SIM_ACTION_OBSERVE] = {"Observe the resident", "观察老人"},
    [SIM_ACTION_MEASURE] = {"Measure a vital sign", "测量生命体征"},
    [SIM_ACTION_SCORE_NEWS2] = {"Score NEWS2", "计算 NEWS2 评分"},
    [SIM_ACTION_APPLY_OXYGEN] = {"Apply oxygen", "给氧"},
    [SIM_ACTION_ADJUST_OXYGEN] = {"Adjust oxygen", "调整氧流量"},
    [SIM_ACTION_STOP_OXYGEN] = {"Stop oxygen", "停止给氧"},
    [SIM_ACTION_GIVE_FLUIDS] = {"Give fluids by mouth", "口服补液"},
    [SIM_ACTION_GIVE_GLUCOSE] = {"Give glucose", "补充葡萄糖"},
    [SIM_ACTION_GIVE_MEDICATION] = {"Give a medicine", "给药"},
    [SIM_ACTION_REPOSITION] = {"Reposition", "变换体位"},
    [SIM_ACTION_SIT_UP] = {"Sit up", "扶坐起"},
    [SIM_ACTION_ASSIST_TO_BED] = {"Assist back to bed", "协助回床"},
    [SIM_ACTION_STAY_WITH] = {"Stay with the resident", "陪伴老人"},
    [SIM_ACTION_GUIDE_BACK] = {"Guide back to the room", "引导回房间"},
    [SIM_ACTION_STOP_FEEDING] = {"Stop feeding", "停止进食"},
    [SIM_ACTION_BACK_BLOWS] = {"Back blows", "背部叩击"},
    [SIM_ACTION_ABDOMINAL_THRUSTS] = {"Abdominal thrusts", "腹部冲击"},
    [SIM_ACTION_COMFORT] = {"Comfort care", "舒适照护"},
    [SIM_ACTION_CHECK_DEVICE] = {"Check a device", "检查设备"},
    [SIM_ACTION_REFIT_DEVICE] = {"Refit a device", "重新佩戴设备"},
    [SIM_ACTION_REPLACE_BATTERY] = {"Replace a battery", "更换电池"},
    [SIM_ACTION_RESTART_DEVICE] = {"Restart a device", "重启设备"},
    [SIM_ACTION_CALL] = {"Call for help (SBAR)", "呼叫求助（SBAR）"},
    [SIM_ACTION_DOCUMENT] = {"Document", "记录"},
    [SIM_ACTION_HAND_HYGIENE] = {"Hand hygiene", "手卫生"},
};

static json_t *scenario_activity(const struct sim_scenario *sc)
{
    char iri[160];
    snprintf(iri, sizeof(iri), "%s%s", SIM_LIVE_ACTIVITY_PREFIX, sc->id);
    return json_pack("{s:s, s:s, s:{s:{s:s, s:s}, s:{s:s, s:s}, s:s}}", "objectType", "Activity",
                     "id", iri, "definition", "name", "en", sc->title.en, "zh-CN", sc->title.zh,
                     "description", "en", sc->summary.en, "zh-CN", sc->summary.zh, "type",
                     TYPE_SIMULATION);
}

/* The context every statement of the session has. */
static json_t *context(const struct sim_scenario *sc, const struct live_row *row, json_t *cfitems)
{
    char mode[120], assignment[160];
    snprintf(mode, sizeof(mode), "%s%s", MODE_PREFIX, sim_live_mode_id(row->mode));
    json_t *ca = json_pack("{s:[o], s:[{s:s, s:s}]}", "parent", scenario_activity(sc), "category",
                           "objectType", "Activity", "id", mode);
    if (ca && row->assignment) {
        snprintf(assignment, sizeof(assignment), "%s%lld", ASSIGNMENT_PREFIX,
                 (long long)row->assignment);
        json_object_set_new(ca, "grouping",
                            json_pack("[{s:s, s:s}]", "objectType", "Activity", "id", assignment));
    }
    return json_pack("{s:s, s:s, s:o, s:{s:o, s:i, s:s}}", "registration", row->uuid, "platform",
                     "CareCampus", "contextActivities", ca, "extensions", SIM_LIVE_EXT_CFITEMS,
                     cfitems ? cfitems : json_array(), EXT "scenario-version", row->version,
                     EXT "training-mode", sim_live_mode_id(row->mode));
}

json_t *live_action_statement(const struct sim_scenario *sc, const struct live_row *row, int n,
                              const char *at, const json_t *logged, json_t *cfitems)
{
    const char *type = json_string_value(json_object_get(logged, "type"));
    const char *outcome = json_string_value(json_object_get(logged, "outcome"));
    int t = type ? sim_vocab_find(SIM_VOCAB_ACTION, type) : -1;
    if (t < 0 || !outcome) {
        json_decref(cfitems);
        return NULL;
    }
    char id[37], what[32], iri[200];
    snprintf(what, sizeof(what), "log/%d", n);
    statement_id(row->uuid, what, id);
    snprintf(iri, sizeof(iri), "%s%s/actions/%s", SIM_LIVE_ACTIVITY_PREFIX, sc->id, type);
    json_t *items = cfitems ? cfitems : json_array();
    return json_pack(
        "{s:s, s:o, s:{s:s, s:{s:s, s:s}}, s:{s:s, s:s, s:{s:{s:s, s:s}, s:s}},"
        " s:{s:b, s:s, s:{s:O, s:O}}, s:o, s:s}",
        "id", id, "actor", xapi_user_agent(row->login, row->name), "verb", "id", VERB_INTERACTED,
        "display", "en-US", "interacted", "zh-CN", "操作", "object", "objectType", "Activity", "id",
        iri, "definition", "name", "en", action_names[t].en, "zh-CN", action_names[t].zh, "type",
        TYPE_INTERACTION, "result", "success", strcmp(outcome, "ok") == 0, "response", outcome,
        "extensions", EXT "sim-action", logged, EXT "sim-time-ms", json_object_get(logged, "t_ms"),
        "context", context(sc, row, items), "timestamp", at);
}

/* "PT12.345S" for MS milliseconds. */
static void iso_duration(int64_t ms, char out[40])
{
    snprintf(out, 40, "PT%lld.%03lldS", (long long)(ms / 1000), (long long)(ms % 1000));
}

json_t *live_completed_statement(const struct sim_scenario *sc, const struct live_row *row,
                                 const json_t *result)
{
    const json_t *score = json_object_get(result, "score");
    int passed = json_is_true(json_object_get(score, "passed"));
    json_int_t earned = json_integer_value(json_object_get(score, "earned"));
    json_int_t possible = json_integer_value(json_object_get(score, "possible"));
    json_t *cf = json_array(), *comp = json_array();
    const json_t *c = json_object_get(score, "competencies");
    size_t i;
    json_t *v;
    json_array_foreach (c, i, v) {
        json_array_append(cf, json_object_get(v, "cfitem"));
        json_array_append_new(comp, json_pack("{s:O, s:O, s:O, s:O}", "cfitem",
                                              json_object_get(v, "cfitem"), "earned",
                                              json_object_get(v, "earned"), "possible",
                                              json_object_get(v, "possible"), "percent",
                                              json_object_get(v, "percent")));
    }
    char id[37], dur[40];
    statement_id(row->uuid, "completed", id);
    iso_duration(row->active_ms, dur);
    double scaled = possible > 0 ? (double)earned / (double)possible : 0.0;
    return json_pack(
        "{s:s, s:o, s:{s:s, s:{s:s, s:s}}, s:o, s:{s:b, s:b, s:{s:I, s:I, s:I, s:f}, s:s,"
        " s:{s:o, s:O, s:O, s:O}}, s:o, s:s}",
        "id", id, "actor", xapi_user_agent(row->login, row->name), "verb", "id",
        passed ? VERB_PASSED : VERB_FAILED, "display", "en-US", passed ? "passed" : "failed",
        "zh-CN", passed ? "通过" : "未通过", "object", scenario_activity(sc), "result", "success",
        passed, "completion", 1, "score", "raw", earned, "min", (json_int_t)0, "max", possible,
        "scaled", scaled, "duration", dur, "extensions", EXT "competency-results", comp,
        EXT "critical-errors", json_object_get(score, "critical_errors"), EXT "timeliness",
        json_object_get(score, "timeliness"), EXT "sim-ended-ms",
        json_object_get(result, "ended_ms"), "context", context(sc, row, cf), "timestamp",
        row->ended_at);
}

int live_record(struct store *db, const struct live_row *row, const json_t *statement)
{
    struct xapi_problem xp = {0};
    int err = xapi_record(db, row->institution, statement, NULL, &xp);
    if (err == XAPI_ERR_INVALID)
        LOG_ERROR("training: a statement of session %s is invalid at %s (%s)", row->uuid, xp.path,
                  xp.msg ? xp.msg : "");
    return err ? SIM_LIVE_ERR_STORE : SIM_LIVE_OK;
}

int live_align(struct store *db, const struct sim_scenario *sc, int64_t institution)
{
    char iri[160], now[21];
    snprintf(iri, sizeof(iri), "%s%s", SIM_LIVE_ACTIVITY_PREFIX, sc->id);
    time_iso8601(time_now(), now);
    for (int r = 0; r < sc->nrubric; r++)
        for (int k = 0; k < sc->rubric[r].ncf; k++) {
            struct store_stmt *st;
            if (store_prepare(db,
                              "INSERT INTO competency_alignments"
                              " (institution_id, activity, item, source, created_at)"
                              " VALUES (?, ?, ?, 'content', ?) ON CONFLICT DO NOTHING",
                              &st))
                return SIM_LIVE_ERR_STORE;
            store_bind_int(st, 1, institution);
            store_bind_text(st, 2, iri);
            store_bind_text(st, 3, sc->rubric[r].cfitem[k]);
            store_bind_text(st, 4, now);
            int rc = store_step(st);
            store_finish(st);
            if (rc != STORE_OK)
                return SIM_LIVE_ERR_STORE;
        }
    return SIM_LIVE_OK;
}
