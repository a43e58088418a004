/*
 * Mastery (docs/api.md, "Mastery"; the model in docs/mastery.md): a
 * learner's progress through the competency frameworks, the evidence behind
 * each level, what to practise next, and a class heatmap for teachers.
 *
 * Before answering, a read brings the institution's mastery up to date with
 * the statements stored so far (a bounded amount of work: the background
 * worker does the rest), so a learner sees the evidence they just produced.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "competency/mastery.h"
#include "competency/mastery_view.h"
#include "util/alloc.h"
#include "util/log.h"
#include "util/banned.h"

#define ADMIN   HTTP_ROLE(AUTH_ROLE_ADMIN)
#define TEACHER HTTP_ROLE(AUTH_ROLE_TEACHER)
/* The most statements a request processes before answering (the worker does the rest). */
#define READ_CATCH_UP 5000
#define ID_MAX        200 /* bytes of a framework or item identifier in a request */

/*
 * Catches the caller's institution up and returns its state:
 * {"state": "current"|"updating"|"recomputing", "seq", "latest", "progress"}.
 */
static json_t *catch_up(struct http_request *req)
{
    int64_t inst = req->session.user.institution_id;
    struct mastery_progress p;
    int err = mastery_catch_up(req->db, inst, 1000, READ_CATCH_UP, MASTERY_NO_RESET, &p);
    if (err && err != MASTERY_ERR_STALE) {
        /* A busy database is no reason to refuse a read: answer with what is there. */
        LOG_WARN("mastery: catching up for a read failed (%d)", err);
        if (mastery_status(req->db, inst, &p))
            memset(&p, 0, sizeof(p));
    }
    int recomputing = p.stale || p.seq < p.reset_seq;
    const char *state = recomputing ? "recomputing" : p.seq < p.latest ? "updating" : "current";
    double progress = 1.0;
    if (recomputing)
        progress = p.stale || !p.reset_seq ? 0.0 : (double)p.seq / (double)p.reset_seq;
    else if (p.latest)
        progress = (double)p.seq / (double)p.latest;
    return json_pack("{s:s, s:I, s:I, s:f}", "state", state, "seq", (json_int_t)p.seq, "latest",
                     (json_int_t)p.latest, "progress", progress);
}

static void reply_view_error(struct http_request *req, int err, const char *what)
{
    if (err == MASTERY_ERR_NOT_FOUND)
        http_reply_error(req, 404, "not_found", what, NULL);
    else
        http_reply_error(req, 500, "internal", "internal", NULL);
}

/* A framework or item identifier from the request: 1..ID_MAX bytes, or NULL after replying 400. */
static const char *ident_or_reply(struct http_request *req, const char *v, const char *field)
{
    size_t n = v ? strlen(v) : 0;
    if (!n || n > ID_MAX) {
        http_reply_error(req, 400, "bad_request", n ? "bad_request" : "field_required", field);
        return NULL;
    }
    return v;
}

/*
 * The student of path parameter 0 when the caller may see their mastery
 * (admins: any student of the institution; teachers: the students of their
 * classes); else replies 403 or 404 and returns -1.
 */
static int student_or_reply(struct http_request *req, struct auth_user *out)
{
    const struct auth_user *me = &req->session.user;
    if (http_require_role_or_reply(req, ADMIN | TEACHER))
        return -1;
    int64_t id = http_param_id_or_reply(req, 0);
    if (!id)
        return -1;
    int err = auth_user_get(req->db, me->institution_id, id, out);
    if (err == AUTH_ERR_NOT_FOUND || (!err && out->role != AUTH_ROLE_STUDENT)) {
        http_reply_error(req, 404, "not_found", "not_found", NULL);
        return -1;
    }
    if (err) {
        http_reply_error(req, 500, "internal", "internal", NULL);
        return -1;
    }
    if (me->role == AUTH_ROLE_TEACHER) {
        int yes = 0;
        if (auth_class_teaches(req->db, me->institution_id, me->id, out->login, &yes)) {
            http_reply_error(req, 500, "internal", "internal", NULL);
            return -1;
        }
        if (!yes) {
            http_reply_error(req, 403, "forbidden", "lrs_not_your_student", NULL);
            return -1;
        }
    }
    return 0;
}

static json_t *learner_json(const struct auth_user *u)
{
    return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)u->id, "login", u->login, "name",
                     u->name);
}

/* The progress of U: summary, or one framework with ?framework=. */
static void reply_progress(struct http_request *req, const struct auth_user *u)
{
    char key[600];
    mastery_user_agent_key(u->login, key, sizeof(key));
    const char *framework = http_query(req, "framework");
    if (framework && !ident_or_reply(req, framework, "framework"))
        return;
    json_t *status = catch_up(req), *v = NULL;
    int err = framework ? mastery_view_framework(req->db, u->institution_id, key, framework,
                                                 req->lang, &v)
                        : mastery_view_summary(req->db, u->institution_id, key, req->lang, &v);
    if (err) {
        json_decref(status);
        reply_view_error(req, err, "mastery_framework_unknown");
        return;
    }
    json_object_set_new(v, "status", status);
    json_object_set_new(v, "learner", learner_json(u));
    http_reply_json(req, 200, v);
}

static void reply_item(struct http_request *req, const struct auth_user *u, const char *item)
{
    char key[600];
    if (!ident_or_reply(req, item, "item"))
        return;
    mastery_user_agent_key(u->login, key, sizeof(key));
    json_t *status = catch_up(req), *v = NULL;
    int err = mastery_view_item(req->db, u->institution_id, key, item, req->lang, &v);
    if (err) {
        json_decref(status);
        reply_view_error(req, err, "mastery_item_unknown");
        return;
    }
    json_object_set_new(v, "status", status);
    json_object_set_new(v, "learner", learner_json(u));
    http_reply_json(req, 200, v);
}

static void reply_statement(struct http_request *req, const struct auth_user *u, const char *id)
{
    char key[600], *text = NULL;
    mastery_user_agent_key(u->login, key, sizeof(key));
    int err = mastery_view_statement(req->db, u->institution_id, key, id, &text);
    json_t *st = text ? json_loads(text, 0, NULL) : NULL;
    cc_free(text);
    if (err || !st) {
        json_decref(st);
        reply_view_error(req, err ? err : MASTERY_ERR_NOMEM, "not_found");
        return;
    }
    http_reply_json(req, 200, json_pack("{s:o}", "statement", st));
}

void api_mastery_me(struct http_request *req)
{
    reply_progress(req, &req->session.user);
}

void api_mastery_me_item(struct http_request *req)
{
    reply_item(req, &req->session.user, req->param[0]);
}

void api_mastery_me_statement(struct http_request *req)
{
    reply_statement(req, &req->session.user, req->param[0]);
}

void api_mastery_student(struct http_request *req)
{
    struct auth_user u;
    if (student_or_reply(req, &u) == 0)
        reply_progress(req, &u);
}

void api_mastery_student_item(struct http_request *req)
{
    struct auth_user u;
    if (student_or_reply(req, &u) == 0)
        reply_item(req, &u, req->param[1]);
}

void api_mastery_student_statement(struct http_request *req)
{
    struct auth_user u;
    if (student_or_reply(req, &u) == 0)
        reply_statement(req, &u, req->param[1]);
}

void api_mastery_frameworks(struct http_request *req)
{
    json_t *list = NULL;
    if (mastery_view_frameworks(req->db, req->lang, &list)) {
        json_decref(list);
        http_reply_error(req, 500, "internal", "internal", NULL);
        return;
    }
    http_reply_json(req, 200, json_pack("{s:o}", "frameworks", list));
}

void api_mastery_status(struct http_request *req)
{
    if (http_require_role_or_reply(req, ADMIN))
        return;
    struct mastery_progress p;
    if (mastery_status(req->db, req->session.user.institution_id, &p)) {
        http_reply_error(req, 500, "internal", "internal", NULL);
        return;
    }
    http_reply_json(req, 200,
                    json_pack("{s:I, s:I, s:I, s:i, s:b}", "seq", (json_int_t)p.seq, "latest",
                              (json_int_t)p.latest, "reset_seq", (json_int_t)p.reset_seq, "pending",
                              p.pending, "stale", p.stale));
}

static int append_student(void *ctx, const struct auth_user *u)
{
    return json_array_append_new(ctx, learner_json(u)) ? -1 : 0;
}

/* GET /api/classes/:id/mastery?framework=…&depth=N: the class's students × the items at depth N. */
void api_classes_mastery(struct http_request *req)
{
    const struct auth_user *me = &req->session.user;
    if (http_require_role_or_reply(req, ADMIN | TEACHER))
        return;
    int64_t id = http_param_id_or_reply(req, 0);
    if (!id)
        return;
    struct auth_class c;
    int err = auth_class_get(req->db, me->institution_id, id, &c);
    if (err) {
        api_reply_auth_error(req, err, NULL);
        return;
    }
    if (me->role == AUTH_ROLE_TEACHER && c.teacher_id != me->id) {
        http_reply_error(req, 403, "forbidden", "forbidden", NULL);
        return;
    }
    const char *framework = ident_or_reply(req, http_query(req, "framework"), "framework");
    if (!framework)
        return;
    const char *d = http_query(req, "depth");
    char *end = NULL;
    long depth = d ? strtol(d, &end, 10) : 1;
    if (d && (!*d || *end || depth < 1 || depth > 32)) {
        http_reply_error(req, 400, "bad_request", "mastery_depth_invalid", "depth");
        return;
    }
    json_t *students = json_array(), *status = NULL, *v = NULL;
    if (!students ||
        auth_class_students(req->db, me->institution_id, id, append_student, students)) {
        json_decref(students);
        http_reply_error(req, 500, "internal", "internal", NULL);
        return;
    }
    status = catch_up(req);
    err = mastery_view_heatmap(req->db, me->institution_id, students, framework, (int)depth,
                               req->lang, &v);
    json_decref(students);
    if (err) {
        json_decref(status);
        reply_view_error(req, err, "mastery_framework_unknown");
        return;
    }
    json_object_set_new(v, "status", status);
    json_object_set_new(v, "class", api_class_json(&c));
    http_reply_json(req, 200, v);
}
