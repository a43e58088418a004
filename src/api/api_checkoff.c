/*
 * Skill check-offs: the checklists (/api/checkoffs), recording a result
 * (POST /api/checkoffs/{id}/results, teachers and administrators) and the
 * history (/api/checkoff-results).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "checkoff/checkoff.h"
#include "util/log.h"
#include "util/banned.h"

#define RECORDERS (HTTP_ROLE(AUTH_ROLE_ADMIN) | HTTP_ROLE(AUTH_ROLE_TEACHER))

/* The bundled checklists, or NULL after replying 500 (the server checked them at start-up). */
static const struct checkoff_catalog *catalog_or_reply(struct http_request *req)
{
    const struct checkoff_catalog *c;
    char why[512];
    if (checkoff_bundled(&c, why, sizeof(why))) {
        LOG_ERROR("checkoff: the bundled checklists are invalid: %s", why);
        http_reply_error(req, 500, "internal", "internal", NULL);
        return NULL;
    }
    return c;
}

static json_t *text_json(const struct checkoff_text *t)
{
    return json_pack("{s:s, s:s}", "en", t->en, "zh-CN", t->zh);
}

static json_t *items_json(const struct checkoff_list *l)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < l->nitems; i++)
        json_array_append_new(a, json_string(l->items[i]));
    return a;
}

/* A checklist without its steps (LIST) or with them. */
static json_t *list_json(const struct checkoff_list *l, int with_steps)
{
    json_t *o =
        json_pack("{s:s, s:I, s:o, s:o, s:s, s:o, s:s, s:I, s:I, s:i}", "id", l->id, "version",
                  (json_int_t)l->version, "title", text_json(&l->title), "description",
                  text_json(&l->description), "source", l->source, "items", items_json(l),
                  "activity", l->activity, "steps_count", (json_int_t)l->nsteps, "critical_count",
                  (json_int_t)l->ncritical, "pass_percent", CHECKOFF_PASS_PERCENT);
    if (!o || !with_steps)
        return o;
    json_t *steps = json_array();
    for (size_t i = 0; steps && i < l->nsteps; i++)
        json_array_append_new(steps, json_pack("{s:s, s:o, s:b}", "id", l->steps[i].id, "text",
                                               text_json(&l->steps[i].text), "critical",
                                               l->steps[i].critical));
    json_object_set_new(o, "steps", steps);
    return o;
}

void api_checkoffs_list(struct http_request *req)
{
    const struct checkoff_catalog *c = catalog_or_reply(req);
    if (!c)
        return;
    json_t *lists = json_array();
    for (size_t i = 0; lists && i < c->n; i++)
        json_array_append_new(lists, list_json(&c->lists[i], 0));
    http_reply_json(req, 200, json_pack("{s:o}", "checklists", lists));
}

void api_checkoffs_get(struct http_request *req)
{
    const struct checkoff_catalog *c = catalog_or_reply(req);
    if (!c)
        return;
    const struct checkoff_list *l = checkoff_find(c, req->param[0]);
    if (!l) {
        http_reply_error(req, 404, "not_found", "checkoff_unknown", NULL);
        return;
    }
    http_reply_json(req, 200, json_pack("{s:o}", "checklist", list_json(l, 1)));
}

static json_t *result_json(const struct checkoff_result *r, const struct checkoff_catalog *c)
{
    const struct checkoff_list *l = checkoff_find(c, r->checklist);
    double scaled = r->steps_total ? (double)r->steps_ticked / (double)r->steps_total : 0.0;
    return json_pack(
        "{s:s, s:{s:s, s:I, s:o}, s:{s:I, s:s, s:s}, s:{s:I, s:s, s:s}, s:b,"
        " s:{s:I, s:I, s:f}, s:{s:O, s:O, s:O}, s:s, s:s, s:s, s:s, s:s}",
        "id", r->uuid, "checklist", "id", r->checklist, "version", (json_int_t)r->version, "title",
        l ? text_json(&l->title) : json_null(), "student", "id", (json_int_t)r->student_id, "login",
        r->student_login, "name", r->student_name, "teacher", "id", (json_int_t)r->teacher_id,
        "login", r->teacher_login, "name", r->teacher_name, "passed", r->passed, "score", "raw",
        (json_int_t)r->steps_ticked, "max", (json_int_t)r->steps_total, "scaled", scaled, "steps",
        "ticked", r->ticked, "missed", r->missed, "critical_missed", r->critical_missed, "comment",
        r->comment, "started_at", r->started_at, "ended_at", r->ended_at, "recorded_at",
        r->recorded_at, "statement_id", r->uuid);
}

/* Replies for a checkoff_error with the problem's message (and its %s argument). */
static void reply_checkoff_error(struct http_request *req, int err,
                                 const struct checkoff_problem *p)
{
    unsigned status;
    const char *code;
    switch (err) {
    case CHECKOFF_ERR_INVALID:
        status = 422;
        code = "invalid_field";
        break;
    case CHECKOFF_ERR_FORBIDDEN:
        status = 403;
        code = "forbidden";
        break;
    case CHECKOFF_ERR_NOT_FOUND:
        status = 404;
        code = "not_found";
        break;
    case CHECKOFF_ERR_CONFLICT:
        status = 409;
        code = "conflict";
        break;
    default:
        http_reply_error(req, 500, "internal", "internal", NULL);
        return;
    }
    char msg[512];
    const char *text = i18n_text(p->msg ? p->msg : "bad_request", req->lang);
    if (strstr(text, "%s"))
        snprintf(msg, sizeof(msg), text, p->arg);
    else
        snprintf(msg, sizeof(msg), "%s", text);
    http_reply_error_object(req, status, http_error_object(code, msg, p->field));
}

/* A string member KEY, or NULL when absent, not a string or holding a NUL. */
static const char *string_member(const json_t *body, const char *key)
{
    const json_t *v = json_object_get(body, key);
    const char *s = json_string_value(v);
    return s && strlen(s) == json_string_length(v) ? s : NULL;
}

void api_checkoffs_record(struct http_request *req)
{
    if (http_require_role_or_reply(req, RECORDERS))
        return;
    const struct checkoff_catalog *c = catalog_or_reply(req);
    if (!c)
        return;
    json_t *body = http_json_body_or_reply(req);
    if (!body)
        return;
    struct checkoff_submission s = {0};
    struct checkoff_problem p = {0};
    const char *ticked[CHECKOFF_MAX_STEPS];
    const json_t *student = json_object_get(body, "student_id");
    const json_t *version = json_object_get(body, "version");
    const json_t *list = json_object_get(body, "ticked");
    const json_t *comment = json_object_get(body, "comment");
    s.uuid = string_member(body, "id");
    s.checklist = req->param[0];
    s.started_at = string_member(body, "started_at");
    s.ended_at = string_member(body, "ended_at");
    s.comment = string_member(body, "comment");
    int err = CHECKOFF_ERR_INVALID;
    if (!s.uuid) {
        p = (struct checkoff_problem){"id", "checkoff_id_invalid", ""};
    } else if (!json_is_integer(student) || json_integer_value(student) <= 0) {
        p = (struct checkoff_problem){"student_id", "checkoff_student_invalid", ""};
    } else if (!json_is_integer(version)) {
        p = (struct checkoff_problem){"version", "checkoff_version_invalid", ""};
    } else if (!json_is_array(list) || json_array_size(list) > CHECKOFF_MAX_STEPS) {
        p = (struct checkoff_problem){"ticked", "checkoff_ticked_invalid", ""};
    } else if (comment && !json_is_null(comment) && !s.comment) {
        p = (struct checkoff_problem){"comment", "checkoff_comment_invalid", ""};
    } else if (!s.started_at) {
        p = (struct checkoff_problem){"started_at", "checkoff_time_invalid", ""};
    } else if (!s.ended_at) {
        p = (struct checkoff_problem){"ended_at", "checkoff_time_invalid", ""};
    } else {
        err = CHECKOFF_OK;
        s.student = json_integer_value(student);
        s.version = json_integer_value(version);
        s.nticked = json_array_size(list);
        s.ticked = ticked;
        for (size_t i = 0; i < s.nticked && !err; i++) {
            const json_t *v = json_array_get(list, i);
            ticked[i] = json_string_value(v);
            if (!ticked[i] || strlen(ticked[i]) != json_string_length(v)) {
                p = (struct checkoff_problem){"ticked", "checkoff_ticked_invalid", ""};
                err = CHECKOFF_ERR_INVALID;
            }
        }
    }
    struct checkoff_result r;
    int replayed = 0;
    if (!err)
        err = checkoff_record(req->db, c, &req->session.user, &s, &r, &replayed, &p);
    if (err) {
        reply_checkoff_error(req, err, &p);
    } else {
        json_t *out = result_json(&r, c);
        checkoff_result_release(&r);
        http_reply_json(req, replayed ? 200 : 201,
                        json_pack("{s:o, s:b}", "result", out, "replayed", replayed));
    }
    json_decref(body);
}

struct results_ctx {
    json_t *list;
    const struct checkoff_catalog *catalog;
    char last[37];
};

static int append_result(void *ctx, const struct checkoff_result *r)
{
    struct results_ctx *x = ctx;
    snprintf(x->last, sizeof(x->last), "%s", r->uuid);
    return json_array_append_new(x->list, result_json(r, x->catalog)) ? CHECKOFF_ERR_NOMEM : 0;
}

/* Query parameter NAME as a positive id into *OUT (0 when absent); -1 after replying 400. */
static int id_param(struct http_request *req, const char *name, int64_t *out)
{
    const char *v = http_query(req, name);
    char *end;
    *out = 0;
    if (!v || !*v)
        return 0;
    long long n = strtoll(v, &end, 10);
    if (*end || n <= 0) {
        http_reply_error(req, 400, "bad_request", "bad_request", name);
        return -1;
    }
    *out = n;
    return 0;
}

void api_checkoff_results(struct http_request *req)
{
    const struct checkoff_catalog *c = catalog_or_reply(req);
    if (!c)
        return;
    struct checkoff_filter f = {0};
    const char *student = http_query(req, "student"), *limit = http_query(req, "limit");
    f.checklist = http_query(req, "checklist");
    f.before = http_query(req, "before");
    f.limit = 100;
    if (student && strcmp(student, "me") == 0)
        f.student = req->session.user.id;
    else if (id_param(req, "student", &f.student))
        return;
    if (id_param(req, "class", &f.class_id))
        return;
    if (limit) {
        char *end;
        long n = strtol(limit, &end, 10);
        if (!*limit || *end || n < 1 || n > CHECKOFF_RESULTS_MAX) {
            http_reply_error(req, 400, "bad_request", "bad_request", "limit");
            return;
        }
        f.limit = (int)n;
    }
    if ((f.checklist && strlen(f.checklist) > CHECKOFF_ID_MAX) ||
        (f.before && strlen(f.before) > 36)) {
        http_reply_error(req, 400, "bad_request", "bad_request",
                         f.before && strlen(f.before) > 36 ? "before" : "checklist");
        return;
    }
    struct results_ctx x = {json_array(), c, ""};
    struct checkoff_problem p = {0};
    int more = 0;
    int err = x.list
                  ? checkoff_results(req->db, &req->session.user, &f, append_result, &x, &more, &p)
                  : CHECKOFF_ERR_NOMEM;
    if (err) {
        json_decref(x.list);
        if (err == CHECKOFF_ERR_INVALID)
            http_reply_error(req, 400, "bad_request", "bad_request", p.field);
        else
            reply_checkoff_error(req, err, &p);
        return;
    }
    json_t *reply = json_pack("{s:o, s:b}", "results", x.list, "more", more);
    if (more)
        json_object_set_new(reply, "before", json_string(x.last));
    http_reply_json(req, 200, reply);
}
