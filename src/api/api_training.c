/*
 * Live training in the simulated care home (/api/training/…): the bundled
 * scenarios, assignments to classes, sessions — starting one, acting in it,
 * pausing, hints, speed, finishing — their live stream of Server-Sent Events
 * (http/sse.h, resumed with Last-Event-ID) and their results for the
 * debrief. The rules live in sim/live.h and sim/live_assign.h.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "http/sse.h"
#include "sim/catalog.h"
#include "sim/live.h"
#include "sim/live_assign.h"
#include "sim/score.h"
#include "util/alloc.h"
#include "util/banned.h"

/* The manager, or NULL after replying 503 (a server started without it: the CLI's tests). */
static struct sim_live *live_or_reply(struct http_request *req)
{
    if (req->ctx->training)
        return req->ctx->training;
    http_reply_error(req, 503, "unavailable", "training_busy", NULL);
    return NULL;
}

/* Replies for a sim_live_error with the problem's message (and its %s argument). */
static void reply_live_error(struct http_request *req, int err, const struct sim_live_problem *p)
{
    unsigned status;
    const char *code;
    switch (err) {
    case SIM_LIVE_ERR_INVALID:
        status = 422;
        code = "invalid_field";
        break;
    case SIM_LIVE_ERR_NOT_FOUND:
        status = 404;
        code = "not_found";
        break;
    case SIM_LIVE_ERR_FORBIDDEN:
        status = 403;
        code = "forbidden";
        break;
    case SIM_LIVE_ERR_CONFLICT:
        status = 409;
        code = "conflict";
        break;
    case SIM_LIVE_ERR_BUSY:
        status = 503;
        code = "unavailable";
        break;
    default:
        http_reply_error(req, 500, "internal", "internal", NULL);
        return;
    }
    char msg[1024];
    const char *text = i18n_text(p->msg ? p->msg : "bad_request", req->lang);
    if (!text)
        text = i18n_text("bad_request", req->lang);
    if (strstr(text, "%s"))
        snprintf(msg, sizeof(msg), text, p->arg);
    else
        snprintf(msg, sizeof(msg), "%s", text);
    json_t *e = http_error_object(code, msg, p->field);
    if (e && p->msg && strcmp(p->msg, "training_already_running") == 0)
        json_object_set_new(e, "session", json_string(p->arg));
    http_reply_error_object(req, status, e);
}

/* A query argument NAME as a positive id, 0 when absent, -1 after replying 400 when malformed. */
static int64_t query_id(struct http_request *req, const char *name)
{
    const char *s = http_query(req, name);
    if (!s || !*s)
        return 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*end || v <= 0 || *s == '+' || *s == ' ') {
        http_reply_error(req, 400, "bad_request", "bad_request", name);
        return -1;
    }
    return v;
}

/* ---------------------------------------------------------------- scenarios */

static json_t *text(const struct sim_text *t)
{
    return sim_text_json(t);
}

static json_t *levels_json(uint32_t levels)
{
    json_t *a = json_array();
    for (int k = 5; a && k >= 1; k--)
        if (levels & (1u << k))
            json_array_append_new(a, json_integer(k));
    return a;
}

static json_t *tags_json(const struct sim_scenario *sc)
{
    json_t *tags = json_object_get(sc->root, "tags");
    return tags ? json_deep_copy(tags) : json_array();
}

static json_t *scenario_summary(const struct sim_scenario *sc)
{
    return json_pack("{s:s, s:i, s:o, s:o, s:o, s:o, s:I, s:i}", "id", sc->id, "version",
                     sc->version, "title", text(&sc->title), "summary", text(&sc->summary),
                     "levels", levels_json(sc->levels), "tags", tags_json(sc), "duration_ms",
                     (json_int_t)sc->duration_ms, "residents", sc->nres);
}

void api_training_scenarios(struct http_request *req)
{
    json_t *list = json_array();
    for (size_t i = 0; list; i++) {
        const struct embedded_file *f = sim_catalog_scenario_at(i);
        if (!f)
            break;
        /* "/scenarios/ID.json" → ID */
        const char *base = strrchr(f->path, '/');
        char id[64];
        snprintf(id, sizeof(id), "%s", base ? base + 1 : f->path);
        char *dot = strstr(id, ".json");
        if (dot)
            *dot = 0;
        const struct sim_scenario *sc = sim_live_scenario(id);
        if (sc)
            json_array_append_new(list, scenario_summary(sc));
    }
    http_reply_json(req, 200, json_pack("{s:o}", "scenarios", list));
}

static json_t *resident_json(const struct sim_scenario *sc, const struct sim_resident_spec *r)
{
    json_t *conds = json_array(), *meds = json_array(), *tasks = json_array();
    for (int c = 0; conds && c < SIM_NCONDITIONS; c++)
        if (r->conditions & (1u << c))
            json_array_append_new(conds, json_string(sim_vocab_id(SIM_VOCAB_CONDITION, c)));
    for (int m = 0; meds && m < r->nmeds; m++)
        json_array_append_new(meds, json_pack("{s:s, s:s, s:o}", "id", r->meds[m].id, "class",
                                              sim_vocab_id(SIM_VOCAB_DRUG_CLASS, r->meds[m].cls),
                                              "name", text(&r->meds[m].name)));
    for (int t = 0; tasks && t < r->ntasks; t++)
        json_array_append_new(tasks, json_pack("{s:s, s:o, s:I}", "id", r->tasks[t].id, "title",
                                               text(&r->tasks[t].title), "due_ms",
                                               (json_int_t)r->tasks[t].due_ms));
    return json_pack("{s:s, s:s, s:o, s:i, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:b, s:o, s:i,"
                     " s:{s:b, s:b, s:b, s:b}, s:o}",
                     "id", r->id, "room", r->room, "name", text(&r->name), "age", r->age, "sex",
                     r->sex ? "male" : "female", "conditions", conds, "medications", meds,
                     "allergies", text(&r->allergies), "background", text(&r->background),
                     "care_notes", text(&r->care_notes), "morse_total",
                     r->has_morse ? json_integer(r->morse_total) : json_null(), "high_fall_risk",
                     r->high_fall_risk, "wander_risk", r->wander_risk, "tasks", tasks, "spo2_scale",
                     r->spo2_scale, "devices", "wearable", r->wearable != 0, "bed_sensor",
                     r->bed_sensor != 0, "door_sensor", r->door_sensor != 0, "call_button",
                     r->call_button != 0, "signs", text(&r->signs));
}

void api_training_scenario(struct http_request *req)
{
    const struct sim_scenario *sc = sim_live_scenario(req->param[0]);
    if (!sc) {
        http_reply_error(req, 404, "not_found", "training_scenario_unknown", NULL);
        return;
    }
    json_t *o = scenario_summary(sc);
    json_t *res = json_array(), *resp = json_object();
    for (int i = 0; res && i < sc->nres; i++)
        json_array_append_new(res, resident_json(sc, &sc->res[i]));
    for (int k = 0; resp && k < SIM_NRESPONDERS; k++)
        json_object_set_new(resp, sim_vocab_id(SIM_VOCAB_RESPONDER, k),
                            sc->arrive_ms[k] >= 0 ? json_integer(sc->arrive_ms[k]) : json_null());
    if (o) {
        json_object_set_new(o, "briefing", text(&sc->briefing));
        json_object_set_new(o, "start_clock_s", json_integer(sc->start_clock_s));
        json_object_set_new(o, "walk_ms", json_integer(sc->walk_ms));
        json_object_set_new(o, "pass_percent", json_integer(sc->pass_percent));
        json_object_set_new(o, "residents", res ? res : json_array());
        json_object_set_new(o, "responders", resp ? resp : json_object());
    }
    http_reply_json(req, 200, json_pack("{s:o}", "scenario", o));
}

/* ---------------------------------------------------------------- assignments */

void api_training_assignments_list(struct http_request *req)
{
    int64_t class_id = query_id(req, "class_id");
    if (class_id < 0)
        return;
    json_t *list;
    struct sim_live_problem p = {0};
    int err = sim_live_assignments(req->db, &req->session.user, class_id, &list, &p);
    if (err)
        reply_live_error(req, err, &p);
    else
        http_reply_json(req, 200, json_pack("{s:o}", "assignments", list));
}

/* A string member KEY of BODY: NULL when absent or null; *BAD when present and not a string. */
static const char *opt_string(const json_t *body, const char *key, int *bad)
{
    const json_t *v = json_object_get(body, key);
    if (!v || json_is_null(v))
        return NULL;
    const char *s = json_string_value(v);
    if (!s || strlen(s) != json_string_length(v))
        *bad = 1;
    return s;
}

void api_training_assignments_create(struct http_request *req)
{
    json_t *body = http_json_body_or_reply(req);
    if (!body)
        return;
    struct sim_live_assignment_new in = {0};
    struct sim_live_problem p = {0};
    int bad = 0;
    const json_t *cls = json_object_get(body, "class_id"), *att = json_object_get(body, "attempts");
    in.class_id = json_is_integer(cls) ? json_integer_value(cls) : 0;
    in.scenario = opt_string(body, "scenario", &bad);
    in.mode = opt_string(body, "mode", &bad);
    in.attempts = -1;
    int err = 0;
    if (!json_is_integer(cls) || in.class_id <= 0) {
        err = SIM_LIVE_ERR_INVALID;
        p = (struct sim_live_problem){"class_id", "training_class_unknown", "", ""};
    } else if (bad) {
        err = SIM_LIVE_ERR_INVALID;
        p = (struct sim_live_problem){"scenario", "training_scenario_unknown", "", ""};
    } else if (att && !json_is_null(att) &&
               (!json_is_integer(att) || json_integer_value(att) < 0 ||
                json_integer_value(att) > SIM_LIVE_MAX_ATTEMPTS)) {
        err = SIM_LIVE_ERR_INVALID;
        p = (struct sim_live_problem){"attempts", "training_attempts_invalid", "", ""};
    } else {
        if (json_is_integer(att))
            in.attempts = (int)json_integer_value(att);
        int tbad = 0;
        in.opens_at = opt_string(body, "opens_at", &tbad);
        if (tbad) {
            err = SIM_LIVE_ERR_INVALID;
            p = (struct sim_live_problem){"opens_at", "training_time_invalid", "", ""};
        }
        in.due_at = opt_string(body, "due_at", &tbad);
        if (!err && tbad) {
            err = SIM_LIVE_ERR_INVALID;
            p = (struct sim_live_problem){"due_at", "training_time_invalid", "", ""};
        }
    }
    json_t *a = NULL;
    if (!err)
        err = sim_live_assignment_create(req->db, &req->session.user, &in, &a, &p);
    json_decref(body);
    if (err)
        reply_live_error(req, err, &p);
    else
        http_reply_json(req, 201, json_pack("{s:o}", "assignment", a));
}

void api_training_assignments_get(struct http_request *req)
{
    int64_t id = http_param_id_or_reply(req, 0);
    if (!id)
        return;
    json_t *a;
    struct sim_live_problem p = {0};
    int err = sim_live_assignment_get(req->db, &req->session.user, id, &a, &p);
    if (err)
        reply_live_error(req, err, &p);
    else
        http_reply_json(req, 200, json_pack("{s:o}", "assignment", a));
}

void api_training_assignments_delete(struct http_request *req)
{
    int64_t id = http_param_id_or_reply(req, 0);
    if (!id)
        return;
    struct sim_live_problem p = {0};
    int err = sim_live_assignment_delete(req->db, &req->session.user, id, &p);
    if (err)
        reply_live_error(req, err, &p);
    else
        http_reply_empty(req, 204);
}

/* ---------------------------------------------------------------- sessions */

void api_training_sessions_list(struct http_request *req)
{
    struct sim_live *l = live_or_reply(req);
    int64_t class_id = l ? query_id(req, "class_id") : -1;
    if (class_id < 0)
        return;
    const char *active = http_query(req, "active");
    json_t *list;
    struct sim_live_problem p = {0};
    int err = sim_live_list(l, req->db, &req->session.user, class_id,
                            active && strcmp(active, "1") == 0, &list, &p);
    if (err)
        reply_live_error(req, err, &p);
    else
        http_reply_json(req, 200, json_pack("{s:o}", "sessions", list));
}

/* Replies 201 with session UUID (or the error of getting it). */
static void reply_session(struct http_request *req, struct sim_live *l, const char *uuid,
                          unsigned status)
{
    json_t *s;
    struct sim_live_problem p = {0};
    int err = sim_live_get(l, req->db, &req->session.user, uuid, &s, &p);
    if (err)
        reply_live_error(req, err, &p);
    else
        http_reply_json(req, status, json_pack("{s:o}", "session", s));
}

void api_training_sessions_create(struct http_request *req)
{
    struct sim_live *l = live_or_reply(req);
    json_t *body = l ? http_json_body_or_reply(req) : NULL;
    if (!body)
        return;
    struct sim_live_new in = {0};
    struct sim_live_problem p = {0};
    const json_t *a = json_object_get(body, "assignment_id"), *sp = json_object_get(body, "speed");
    int bad = 0, err = 0;
    in.scenario = opt_string(body, "scenario", &bad);
    if (a && !json_is_null(a) && (!json_is_integer(a) || json_integer_value(a) <= 0)) {
        err = SIM_LIVE_ERR_NOT_FOUND;
        p = (struct sim_live_problem){"assignment_id", "training_assignment_unknown", "", ""};
    } else if (bad || (!a && !in.scenario)) {
        err = SIM_LIVE_ERR_INVALID;
        p = (struct sim_live_problem){"scenario", "training_scenario_unknown", "", ""};
    } else if (sp && !json_is_null(sp) &&
               (!json_is_integer(sp) || json_integer_value(sp) < 1 ||
                json_integer_value(sp) > SIM_LIVE_MAX_SPEED)) {
        err = SIM_LIVE_ERR_INVALID;
        p = (struct sim_live_problem){"speed", "training_speed", "", ""};
    }
    in.assignment = json_is_integer(a) ? json_integer_value(a) : 0;
    in.speed = json_is_integer(sp) ? (int)json_integer_value(sp) : 0;
    char uuid[37];
    if (!err)
        err = sim_live_create(l, req->db, &req->session.user, &in, uuid, &p);
    json_decref(body);
    if (err)
        reply_live_error(req, err, &p);
    else
        reply_session(req, l, uuid, 201);
}

void api_training_sessions_get(struct http_request *req)
{
    struct sim_live *l = live_or_reply(req);
    if (l)
        reply_session(req, l, req->param[0], 200);
}

void api_training_sessions_patch(struct http_request *req)
{
    struct sim_live *l = live_or_reply(req);
    json_t *body = l ? http_json_body_or_reply(req) : NULL;
    if (!body)
        return;
    const json_t *pv = json_object_get(body, "paused"), *sv = json_object_get(body, "speed");
    struct sim_live_problem p = {0};
    int err = 0;
    if (pv && !json_is_boolean(pv)) {
        err = SIM_LIVE_ERR_INVALID;
        p = (struct sim_live_problem){"paused", "bad_request", "", ""};
    } else if (sv && (!json_is_integer(sv) || json_integer_value(sv) < 1 ||
                      json_integer_value(sv) > SIM_LIVE_MAX_SPEED)) {
        err = SIM_LIVE_ERR_INVALID;
        p = (struct sim_live_problem){"speed", "training_speed", "", ""};
    }
    int paused = pv ? json_is_true(pv) : -1, speed = sv ? (int)json_integer_value(sv) : 0;
    json_decref(body);
    if (!err)
        err = sim_live_control(l, req->db, &req->session.user, req->param[0], paused, speed, &p);
    if (err)
        reply_live_error(req, err, &p);
    else
        reply_session(req, l, req->param[0], 200);
}

void api_training_sessions_act(struct http_request *req)
{
    struct sim_live *l = live_or_reply(req);
    json_t *body = l ? http_json_body_or_reply(req) : NULL;
    if (!body)
        return;
    json_t *logged;
    struct sim_live_problem p = {0};
    int err = sim_live_act(l, req->db, &req->session.user, req->param[0], body, &logged, &p);
    json_decref(body);
    if (err)
        reply_live_error(req, err, &p);
    else
        http_reply_json(req, 201, json_pack("{s:o}", "action", logged));
}

void api_training_sessions_hint(struct http_request *req)
{
    struct sim_live *l = live_or_reply(req);
    if (!l)
        return;
    json_t *hint;
    struct sim_live_problem p = {0};
    int err = sim_live_hint(l, req->db, &req->session.user, req->param[0], &hint, &p);
    if (err)
        reply_live_error(req, err, &p);
    else
        http_reply_json(req, 200, json_pack("{s:o}", "hint", hint));
}

void api_training_sessions_finish(struct http_request *req)
{
    struct sim_live *l = live_or_reply(req);
    if (!l)
        return;
    struct sim_live_problem p = {0};
    int err = sim_live_finish(l, req->db, &req->session.user, req->param[0], &p);
    if (err)
        reply_live_error(req, err, &p);
    else
        reply_session(req, l, req->param[0], 200);
}

void api_training_sessions_result(struct http_request *req)
{
    struct sim_live *l = live_or_reply(req);
    if (!l)
        return;
    json_t *result;
    struct sim_live_problem p = {0};
    int err = sim_live_result(l, req->db, &req->session.user, req->param[0], &result, &p);
    if (err)
        reply_live_error(req, err, &p);
    else
        http_reply_json(req, 200, json_pack("{s:o}", "result", result));
}

void api_training_stats(struct http_request *req)
{
    struct sim_live *l = live_or_reply(req);
    if (!l || http_require_role_or_reply(req, HTTP_ROLE(AUTH_ROLE_ADMIN)))
        return;
    json_t *s = sim_live_stats(l);
    if (s)
        json_object_set_new(s, "event_streams", json_integer((json_int_t)http_sse_count()));
    http_reply_json(req, 200, json_pack("{s:o}", "training", s));
}

/* ---------------------------------------------------------------- the event stream */

struct stream_ctx {
    struct sim_live_stream *st;
    _Atomic(struct http_sse *) sse; /* set once the reply is made; a wake before finds NULL */
};

static void stream_wake(void *arg)
{
    struct stream_ctx *c = arg;
    struct http_sse *s = atomic_load(&c->sse);
    if (s)
        http_sse_wake(s);
}

static int stream_emit(void *ctx, const char *event, const char *id, const char *data)
{
    return http_sse_event(ctx, event, id, data);
}

static int stream_fill(void *ctx, struct buf *out)
{
    struct stream_ctx *c = ctx;
    int more = 0;
    int rc = sim_live_stream_next(c->st, stream_emit, out, &more);
    if (more && rc == 0)
        stream_wake(c); /* what did not fit comes on the next read */
    return rc;
}

static void stream_closed(void *ctx)
{
    struct stream_ctx *c = ctx;
    sim_live_detach(c->st);
    cc_free(c);
}

static const struct http_sse_source stream_source = {stream_fill, stream_closed};

/* The last event a reconnecting page saw: Last-Event-ID (EventSource sends it), or ?last_event_id.
 */
static int last_event_id(struct http_request *req, int64_t *out)
{
    const char *s = http_header(req, "Last-Event-ID");
    if (!s || !*s)
        s = http_query(req, "last_event_id");
    *out = -1;
    if (!s || !*s)
        return 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*end || v < 0 || *s == '+' || *s == ' ' || strlen(s) > 18)
        return -1;
    *out = v;
    return 0;
}

void api_training_sessions_events(struct http_request *req)
{
    struct sim_live *l = live_or_reply(req);
    if (!l)
        return;
    int64_t last;
    if (last_event_id(req, &last)) {
        http_reply_error(req, 400, "bad_request", "bad_request", "Last-Event-ID");
        return;
    }
    struct stream_ctx *c = cc_calloc(1, sizeof(*c));
    if (!c) {
        http_reply_error(req, 500, "internal", "internal", NULL);
        return;
    }
    struct sim_live_problem p = {0};
    int err = sim_live_attach(l, req->db, &req->session.user, req->param[0], last, stream_wake, c,
                              &c->st, &p);
    if (err) {
        cc_free(c);
        reply_live_error(req, err, &p);
        return;
    }
    /* The database connection is not needed while the stream is open: give the transaction back. */
    store_rollback(req->db);
    struct http_sse *s = http_reply_sse(req, &stream_source, c);
    if (s)
        atomic_store(&c->sse, s);
}
