/*
 * The digital-literacy test (/api/literacy/…): tests for students (start,
 * resume, answer, finish, result), class profiles and item statistics for
 * teachers, and for administrators the settings, the item bank (list,
 * preview, import, export, retire, restore) and calibration runs.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "literacy/messages.h"
#include "literacy/store.h"
#include "literacy/test.h"
#include "util/alloc.h"
#include "util/log.h"
#include "util/banned.h"

#define ADMIN  HTTP_ROLE(AUTH_ROLE_ADMIN)
#define STAFF  (HTTP_ROLE(AUTH_ROLE_ADMIN) | HTTP_ROLE(AUTH_ROLE_TEACHER))
#define TAKERS HTTP_ROLE(AUTH_ROLE_STUDENT)

/* Replies for a literacy_error with the problem's message (and its %s argument). */
static void reply_literacy_error(struct http_request *req, int err,
                                 const struct literacy_problem *p)
{
    unsigned status;
    const char *code;
    switch (err) {
    case LITERACY_ERR_INVALID:
        status = 422;
        code = "invalid_field";
        break;
    case LITERACY_ERR_FORBIDDEN:
        status = 403;
        code = "forbidden";
        break;
    case LITERACY_ERR_NOT_FOUND:
        status = 404;
        code = "not_found";
        break;
    case LITERACY_ERR_CONFLICT:
        status = 409;
        code = "conflict";
        break;
    default:
        http_reply_error(req, 500, "internal", "internal", NULL);
        return;
    }
    char msg[768];
    const char *text = literacy_message(p && p->msg ? p->msg : "bad_request", req->lang);
    if (strstr(text, "%s"))
        snprintf(msg, sizeof(msg), text, p ? p->arg : "");
    else
        snprintf(msg, sizeof(msg), "%s", text);
    const char *field = p && p->where[0] && !strchr(p->where, ' ') ? p->where : NULL;
    http_reply_error_object(req, status, http_error_object(code, msg, field));
}

static json_t *num(double v)
{
    return isfinite(v) ? json_real(round(v * 10000) / 10000) : json_null();
}

static json_t *text_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

/* A test as the API shows it; theta only to staff or once the test is over. */
static json_t *test_json(const struct literacy_test *t, const struct auth_user *viewer)
{
    int staff = viewer->role != AUTH_ROLE_STUDENT;
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:i, s:{s:I, s:s, s:s}, s:s, s:o, s:o, s:o,"
        " s:{s:i, s:i, s:i, s:o, s:f}}",
        "id", t->uuid, "mode", literacy_mode_name(t->mode), "status",
        t->finished ? "finished" : "active", "answered", t->answered, "student", "id",
        (json_int_t)t->student_id, "login", t->student_login, "name", t->student_name, "started_at",
        t->started_at, "ended_at", text_or_null(t->ended_at), "finished_at",
        text_or_null(t->finished_at), "stop_reason", text_or_null(t->stop_reason), "progress",
        "answered", t->answered, "min_items", t->settings.min_items, "max_items",
        t->settings.max_items, "se", num(t->se), "se_target", t->settings.se_target);
    if (o && (staff || t->finished))
        json_object_set_new(o, "theta", num(t->theta));
    const json_t *overall = json_object_get(json_object_get(t->result, "profile"), "overall");
    if (o && overall)
        json_object_set_new(o, "level", json_incref(json_object_get(overall, "level")));
    return o;
}

/* {"test", "item", "result"} of T for CALLER: the item to its student while it runs. */
static json_t *test_view(const struct literacy_test *t, const struct auth_user *caller)
{
    json_t *item = !t->finished && caller->id == t->student_id ? literacy_test_item(t) : NULL;
    return json_pack("{s:o, s:o, s:O}", "test", test_json(t, caller), "item",
                     item ? item : json_null(), "result", t->result ? t->result : json_null());
}

/* ---- Tests ---- */

void api_literacy_start(struct http_request *req)
{
    if (http_require_role_or_reply(req, TAKERS))
        return;
    json_t *body = http_json_body_or_reply(req);
    if (!body)
        return;
    int mode = literacy_mode_parse(json_string_value(json_object_get(body, "mode")));
    json_decref(body);
    struct literacy_problem p = {0};
    if (mode < 0) {
        literacy_problem_set(&p, LITERACY_ERR_INVALID, "mode", "literacy_mode_invalid", NULL);
        reply_literacy_error(req, LITERACY_ERR_INVALID, &p);
        return;
    }
    struct literacy_test t;
    int resumed = 0;
    int err = literacy_test_start(req->db, &req->session.user, (enum literacy_mode)mode, &t,
                                  &resumed, &p);
    if (err) {
        reply_literacy_error(req, err, &p);
        return;
    }
    json_t *out = test_view(&t, &req->session.user);
    json_object_set_new(out, "resumed", json_boolean(resumed));
    literacy_test_release(&t);
    http_reply_json(req, resumed ? 200 : 201, out);
}

void api_literacy_current(struct http_request *req)
{
    if (http_require_role_or_reply(req, TAKERS))
        return;
    struct literacy_test t;
    int found = 0;
    if (literacy_test_current(req->db, &req->session.user, &t, &found)) {
        http_reply_error(req, 500, "internal", "internal", NULL);
        return;
    }
    if (!found) {
        http_reply_json(req, 200, json_pack("{s:n, s:n, s:n}", "test", "item", "result"));
        return;
    }
    json_t *out = test_view(&t, &req->session.user);
    literacy_test_release(&t);
    http_reply_json(req, 200, out);
}

void api_literacy_get(struct http_request *req)
{
    struct literacy_test t;
    struct literacy_problem p = {0};
    int err = literacy_test_get(req->db, &req->session.user, req->param[0], &t, &p);
    if (err) {
        reply_literacy_error(req, err, &p);
        return;
    }
    json_t *out = test_view(&t, &req->session.user);
    literacy_test_release(&t);
    http_reply_json(req, 200, out);
}

void api_literacy_result(struct http_request *req)
{
    struct literacy_test t;
    struct literacy_problem p = {0};
    int err = literacy_test_get(req->db, &req->session.user, req->param[0], &t, &p);
    if (err) {
        reply_literacy_error(req, err, &p);
        return;
    }
    if (!t.finished) {
        literacy_test_release(&t);
        literacy_problem_set(&p, LITERACY_ERR_CONFLICT, NULL, "literacy_not_finished", NULL);
        reply_literacy_error(req, LITERACY_ERR_CONFLICT, &p);
        return;
    }
    json_t *out =
        json_pack("{s:o, s:O}", "test", test_json(&t, &req->session.user), "result", t.result);
    literacy_test_release(&t);
    http_reply_json(req, 200, out);
}

void api_literacy_answer(struct http_request *req)
{
    if (http_require_role_or_reply(req, TAKERS))
        return;
    json_t *body = http_json_body_or_reply(req);
    if (!body)
        return;
    const json_t *seq = json_object_get(body, "seq"), *item = json_object_get(body, "item");
    struct literacy_problem p = {0};
    if (!json_is_integer(seq) || !json_is_string(item) ||
        strlen(json_string_value(item)) != json_string_length(item) ||
        !json_object_get(body, "answer")) {
        json_decref(body);
        literacy_problem_set(&p, LITERACY_ERR_INVALID, !json_is_integer(seq) ? "seq" : "answer",
                             "literacy_answer_body", NULL);
        reply_literacy_error(req, LITERACY_ERR_INVALID, &p);
        return;
    }
    struct literacy_test t;
    json_t *feedback = NULL;
    int err = literacy_test_answer(req->db, &req->session.user, req->param[0],
                                   json_integer_value(seq), json_string_value(item),
                                   json_object_get(body, "answer"), &t, &feedback, &p);
    json_decref(body);
    if (err) {
        reply_literacy_error(req, err, &p);
        return;
    }
    json_t *out = test_view(&t, &req->session.user);
    json_object_set_new(out, "feedback", feedback ? feedback : json_null());
    literacy_test_release(&t);
    http_reply_json(req, 200, out);
}

void api_literacy_finish(struct http_request *req)
{
    if (http_require_role_or_reply(req, TAKERS))
        return;
    struct literacy_test t;
    struct literacy_problem p = {0};
    int err = literacy_test_finish(req->db, &req->session.user, req->param[0], &t, &p);
    if (err) {
        reply_literacy_error(req, err, &p);
        return;
    }
    json_t *out = test_view(&t, &req->session.user);
    literacy_test_release(&t);
    http_reply_json(req, 200, out);
}

struct list_ctx {
    json_t *list;
    const struct auth_user *viewer;
    char last[37];
};

static int append_test(void *ctx, const struct literacy_test *t)
{
    struct list_ctx *x = ctx;
    snprintf(x->last, sizeof(x->last), "%s", t->uuid);
    return json_array_append_new(x->list, test_json(t, x->viewer)) ? LITERACY_ERR_NOMEM : 0;
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

void api_literacy_list(struct http_request *req)
{
    struct literacy_test_filter f = {.mode = -1, .status = -1, .limit = 50};
    const char *student = http_query(req, "student"), *mode = http_query(req, "mode"),
               *status = http_query(req, "status"), *limit = http_query(req, "limit");
    f.before = http_query(req, "before");
    if (student && strcmp(student, "me") == 0)
        f.student = req->session.user.id;
    else if (id_param(req, "student", &f.student))
        return;
    if (id_param(req, "class", &f.class_id))
        return;
    if (mode && *mode && (f.mode = literacy_mode_parse(mode)) < 0) {
        http_reply_error(req, 400, "bad_request", "bad_request", "mode");
        return;
    }
    if (status && *status) {
        if (strcmp(status, "active") == 0)
            f.status = 0;
        else if (strcmp(status, "finished") == 0)
            f.status = 1;
        else {
            http_reply_error(req, 400, "bad_request", "bad_request", "status");
            return;
        }
    }
    if (limit) {
        char *end;
        long n = strtol(limit, &end, 10);
        if (!*limit || *end || n < 1 || n > 500) {
            http_reply_error(req, 400, "bad_request", "bad_request", "limit");
            return;
        }
        f.limit = (int)n;
    }
    if (f.before && strlen(f.before) > 36) {
        http_reply_error(req, 400, "bad_request", "bad_request", "before");
        return;
    }
    struct list_ctx x = {json_array(), &req->session.user, ""};
    struct literacy_problem p = {0};
    int more = 0;
    int err = x.list
                  ? literacy_tests_list(req->db, &req->session.user, &f, append_test, &x, &more, &p)
                  : LITERACY_ERR_NOMEM;
    if (err) {
        json_decref(x.list);
        reply_literacy_error(req, err, &p);
        return;
    }
    json_t *out = json_pack("{s:o, s:b}", "tests", x.list, "more", more);
    if (more)
        json_object_set_new(out, "before", json_string(x.last));
    http_reply_json(req, 200, out);
}

/* ---- Classes ---- */

void api_literacy_class_profile(struct http_request *req)
{
    if (http_require_role_or_reply(req, STAFF))
        return;
    int64_t id = http_param_id_or_reply(req, 0);
    if (!id)
        return;
    json_t *out;
    struct literacy_problem p = {0};
    int err = literacy_class_profile(req->db, &req->session.user, id, &out, &p);
    if (err)
        reply_literacy_error(req, err, &p);
    else
        http_reply_json(req, 200, out);
}

static json_t *item_summary(const struct literacy_item *it, const struct literacy_usage *u,
                            int64_t tests)
{
    json_t *o = json_pack(
        "{s:s, s:I, s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:{s:s, s:s}, s:o, s:o, s:b, s:b, s:b,"
        " s:o}",
        "id", it->id, "version", (json_int_t)it->version, "competence",
        literacy_competences[it->competence].code, "area", literacy_areas[it->area - 1].code,
        "level", it->level, "type", literacy_type_name(it->type), "scoring",
        it->partial ? "partial" : "dichotomous", "cn_literacy", it->cn_literacy, "context",
        it->context, "stem", "en", it->stem.en, "zh-CN", it->stem.zh, "irt",
        literacy_irt_json(&it->irt), "irt_item", literacy_irt_json(&it->irt_item), "retired",
        (it->flags & LITERACY_ITEM_RETIRED) != 0, "imported",
        (it->flags & LITERACY_ITEM_IMPORTED) != 0, "calibrated",
        (it->flags & LITERACY_ITEM_CALIBRATED) != 0, "exposure_k",
        it->exposure_k > 0 && it->exposure_k < 1 ? num(it->exposure_k) : json_real(1.0));
    if (o && u)
        json_object_set_new(
            o, "usage",
            json_pack("{s:I, s:o, s:o}", "administered", (json_int_t)u->administered, "exposure",
                      tests ? num((double)u->administered / (double)tests) : json_null(), "mean",
                      u->max ? num((double)u->score / (double)u->max) : json_null()));
    return o;
}

/* The college's bank, or NULL after replying 500. */
static int bank_or_reply(struct http_request *req, struct literacy_bank *b)
{
    if (literacy_bank_load(req->db, req->session.user.institution_id, b)) {
        http_reply_error(req, 500, "internal", "internal", NULL);
        return -1;
    }
    return 0;
}

void api_literacy_class_items(struct http_request *req)
{
    if (http_require_role_or_reply(req, STAFF))
        return;
    int64_t id = http_param_id_or_reply(req, 0);
    if (!id)
        return;
    struct literacy_problem p = {0};
    int err = literacy_class_check(req->db, &req->session.user, id, &p);
    if (err) {
        reply_literacy_error(req, err, &p);
        return;
    }
    struct literacy_bank b;
    if (bank_or_reply(req, &b))
        return;
    struct literacy_usage *u = cc_calloc(b.n ? b.n : 1, sizeof(*u));
    int64_t tests = 0;
    if (!u || literacy_usage(req->db, req->session.user.institution_id, id, &b, u, &tests)) {
        cc_free(u);
        literacy_bank_release(&b);
        http_reply_error(req, 500, "internal", "internal", NULL);
        return;
    }
    int64_t cs[LITERACY_COMPETENCES][3] = {{0}};
    json_t *items = json_array(), *comps = json_array();
    for (size_t i = 0; i < b.n; i++) {
        if (!u[i].administered)
            continue;
        int k = b.items[i].competence;
        cs[k][0] += u[i].administered;
        cs[k][1] += u[i].score;
        cs[k][2] += u[i].max;
        json_array_append_new(items, item_summary(&b.items[i], &u[i], tests));
    }
    for (int k = 0; k < LITERACY_COMPETENCES; k++)
        json_array_append_new(
            comps,
            json_pack("{s:s, s:s, s:{s:s, s:s}, s:I, s:o}", "code", literacy_competences[k].code,
                      "area", literacy_areas[literacy_competences[k].area - 1].code, "name", "en",
                      literacy_competences[k].en, "zh-CN", literacy_competences[k].zh,
                      "administered", (json_int_t)cs[k][0], "mean",
                      cs[k][2] ? num((double)cs[k][1] / (double)cs[k][2]) : json_null()));
    cc_free(u);
    literacy_bank_release(&b);
    http_reply_json(req, 200,
                    json_pack("{s:I, s:o, s:o}", "tests", (json_int_t)tests, "competences", comps,
                              "items", items));
}

/* ---- Settings ---- */

void api_literacy_settings_get(struct http_request *req)
{
    if (http_require_role_or_reply(req, STAFF))
        return;
    struct literacy_settings s;
    if (literacy_settings_get(req->db, req->session.user.institution_id, &s)) {
        http_reply_error(req, 500, "internal", "internal", NULL);
        return;
    }
    struct literacy_settings d;
    literacy_settings_default(&d);
    http_reply_json(req, 200,
                    json_pack("{s:o, s:o}", "settings", literacy_settings_json(&s), "defaults",
                              literacy_settings_json(&d)));
}

void api_literacy_settings_put(struct http_request *req)
{
    if (http_require_role_or_reply(req, ADMIN))
        return;
    json_t *body = http_json_body_or_reply(req);
    if (!body)
        return;
    struct literacy_settings s;
    struct literacy_problem p = {0};
    int err = literacy_settings_put(req->db, req->session.user.institution_id, req->session.user.id,
                                    body, &s, &p);
    json_decref(body);
    if (err)
        reply_literacy_error(req, err, &p);
    else
        http_reply_json(req, 200, json_pack("{s:o}", "settings", literacy_settings_json(&s)));
}

#define EXPOSURE_TESTS  2000 /* simulated tests a round, by default */
#define EXPOSURE_ROUNDS 8

void api_literacy_exposure(struct http_request *req)
{
    if (http_require_role_or_reply(req, ADMIN))
        return;
    json_t *body = http_json_body_or_reply(req);
    if (!body)
        return;
    const json_t *r = json_object_get(body, "max_exposure"),
                 *tests = json_object_get(body, "tests");
    struct literacy_problem p = {0};
    const char *key;
    json_t *v;
    int bad = !json_is_number(r);
    json_object_foreach (body, key, v)
        bad |= strcmp(key, "max_exposure") && strcmp(key, "tests");
    if (tests && (!json_is_integer(tests) || json_integer_value(tests) < 100 ||
                  json_integer_value(tests) > 20000))
        bad = 1;
    double target = json_number_value(r);
    size_t n = tests ? (size_t)json_integer_value(tests) : EXPOSURE_TESTS;
    json_decref(body);
    if (bad) {
        literacy_problem_set(&p, LITERACY_ERR_INVALID, "max_exposure", "literacy_exposure_body",
                             NULL);
        reply_literacy_error(req, LITERACY_ERR_INVALID, &p);
        return;
    }
    struct literacy_exposure_report rep;
    int err = literacy_exposure_store(req->db, req->session.user.institution_id,
                                      req->session.user.id, target, n, EXPOSURE_ROUNDS, &rep, &p);
    if (err) {
        reply_literacy_error(req, err, &p);
        return;
    }
    struct literacy_settings s;
    if (literacy_settings_get(req->db, req->session.user.institution_id, &s)) {
        http_reply_error(req, 500, "internal", "internal", NULL);
        return;
    }
    http_reply_json(req, 200,
                    json_pack("{s:{s:f, s:f, s:f, s:I, s:i, s:I}, s:o}", "report", "target",
                              rep.target, "before", rep.before, "after", rep.after, "limited",
                              (json_int_t)rep.limited, "rounds", rep.rounds, "tests",
                              (json_int_t)rep.n, "settings", literacy_settings_json(&s)));
}

/* ---- The bank ---- */

/* Does item IT pass the list filters of the query? */
static int item_matches(struct http_request *req, const struct literacy_item *it)
{
    const char *area = http_query(req, "area"), *comp = http_query(req, "competence"),
               *type = http_query(req, "type"), *level = http_query(req, "level"),
               *status = http_query(req, "status"), *q = http_query(req, "q");
    if (area && *area && strcmp(area, literacy_areas[it->area - 1].code) != 0)
        return 0;
    if (comp && *comp && strcmp(comp, literacy_competences[it->competence].code) != 0)
        return 0;
    if (type && *type && strcmp(type, literacy_type_name(it->type)) != 0)
        return 0;
    if (level && *level && strtol(level, NULL, 10) != it->level)
        return 0;
    if (status && strcmp(status, "retired") == 0 && !(it->flags & LITERACY_ITEM_RETIRED))
        return 0;
    if (status && strcmp(status, "active") == 0 && (it->flags & LITERACY_ITEM_RETIRED))
        return 0;
    if (q && *q && !strstr(it->id, q) && !strcasestr(it->stem.en, q) && !strstr(it->stem.zh, q))
        return 0;
    return 1;
}

void api_literacy_items(struct http_request *req)
{
    if (http_require_role_or_reply(req, STAFF))
        return;
    const char *q = http_query(req, "q");
    if (q && strlen(q) > 200) {
        http_reply_error(req, 400, "bad_request", "bad_request", "q");
        return;
    }
    struct literacy_bank b;
    if (bank_or_reply(req, &b))
        return;
    struct literacy_usage *u = cc_calloc(b.n ? b.n : 1, sizeof(*u));
    int64_t tests = 0;
    if (!u || literacy_usage(req->db, req->session.user.institution_id, 0, &b, u, &tests)) {
        cc_free(u);
        literacy_bank_release(&b);
        http_reply_error(req, 500, "internal", "internal", NULL);
        return;
    }
    json_t *items = json_array();
    size_t retired = 0;
    for (size_t i = 0; i < b.n; i++) {
        retired += (b.items[i].flags & LITERACY_ITEM_RETIRED) != 0;
        if (item_matches(req, &b.items[i]))
            json_array_append_new(items, item_summary(&b.items[i], &u[i], tests));
    }
    json_t *out = json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total", (json_int_t)b.n,
                            "retired", (json_int_t)retired, "tests", (json_int_t)tests);
    cc_free(u);
    literacy_bank_release(&b);
    http_reply_json(req, 200, out);
}

void api_literacy_item(struct http_request *req)
{
    if (http_require_role_or_reply(req, STAFF))
        return;
    struct literacy_bank b;
    if (bank_or_reply(req, &b))
        return;
    const struct literacy_item *it = literacy_bank_find(&b, req->param[0]);
    if (!it) {
        literacy_bank_release(&b);
        struct literacy_problem p;
        literacy_problem_set(&p, LITERACY_ERR_NOT_FOUND, "id", "literacy_item_unknown", NULL);
        reply_literacy_error(req, LITERACY_ERR_NOT_FOUND, &p);
        return;
    }
    json_t *out = json_pack("{s:o, s:o}", "summary", item_summary(it, NULL, 0), "presented",
                            literacy_item_present(it, 0));
    /* The key and the explanation are the administrators' (certified tests depend on them). */
    if (out && req->session.user.role == AUTH_ROLE_ADMIN)
        json_object_set(out, "item", it->json);
    literacy_bank_release(&b);
    http_reply_json(req, 200, out);
}

void api_literacy_export(struct http_request *req)
{
    if (http_require_role_or_reply(req, ADMIN))
        return;
    struct literacy_bank b;
    if (bank_or_reply(req, &b))
        return;
    json_t *doc = literacy_bank_export(&b);
    literacy_bank_release(&b);
    http_add_header(req, "Content-Disposition",
                    "attachment; filename=\"carecampus-literacy-bank.json\"");
    http_reply_json(req, 200, doc);
}

static json_t *report_json(const struct literacy_report *r, enum lang lang)
{
    json_t *list = json_array();
    for (size_t i = 0; list && i < r->n; i++) {
        char msg[768];
        struct literacy_problem p = r->list[i];
        p.where[0] = 0;
        literacy_problem_format(&p, lang, msg, sizeof(msg));
        json_array_append_new(list,
                              json_pack("{s:s, s:s, s:s}", "where", r->list[i].where, "message",
                                        msg, "code", r->list[i].msg ? r->list[i].msg : ""));
    }
    return json_pack("{s:o, s:I}", "problems", list, "total", (json_int_t)r->total);
}

void api_literacy_import(struct http_request *req)
{
    if (http_require_role_or_reply(req, ADMIN))
        return;
    json_t *probe = http_json_body_or_reply(req); /* the content type, size and depth checks */
    if (!probe)
        return;
    json_decref(probe);
    const char *check = http_query(req, "check");
    struct literacy_import *r = cc_calloc(1, sizeof(*r));
    int err =
        r ? literacy_bank_import(req->db, req->session.user.institution_id, req->session.user.id,
                                 req->body.data, req->body.len, check && strcmp(check, "0") != 0, r)
          : LITERACY_ERR_NOMEM;
    if (err == LITERACY_ERR_INVALID) {
        char count[24], msg[512];
        snprintf(count, sizeof(count), "%zu", r->report.total);
        snprintf(msg, sizeof(msg), literacy_message("literacy_import_invalid", req->lang), count);
        http_reply_json(req, 422,
                        json_pack("{s:o, s:o}", "error",
                                  http_error_object("invalid_bank", msg, NULL), "report",
                                  report_json(&r->report, req->lang)));
    } else if (err) {
        http_reply_error(req, 500, "internal", "internal", NULL);
    } else {
        int checked = check && strcmp(check, "0") != 0;
        http_reply_json(req, !checked && r->added ? 201 : 200,
                        json_pack("{s:{s:I, s:I, s:I, s:I, s:b}}", "report", "added",
                                  (json_int_t)r->added, "updated", (json_int_t)r->updated,
                                  "unchanged", (json_int_t)r->unchanged, "state",
                                  (json_int_t)r->state, "checked", checked));
    }
    cc_free(r);
}

static void retire(struct http_request *req, int retired)
{
    if (http_require_role_or_reply(req, ADMIN))
        return;
    struct literacy_problem p = {0};
    int err =
        literacy_item_retire(req->db, req->session.user.institution_id, req->param[0], retired, &p);
    if (err) {
        reply_literacy_error(req, err, &p);
        return;
    }
    struct literacy_bank b;
    if (bank_or_reply(req, &b))
        return;
    const struct literacy_item *it = literacy_bank_find(&b, req->param[0]);
    json_t *out = json_pack("{s:o}", "item", it ? item_summary(it, NULL, 0) : json_null());
    literacy_bank_release(&b);
    http_reply_json(req, 200, out);
}

void api_literacy_retire(struct http_request *req)
{
    retire(req, 1);
}

void api_literacy_restore(struct http_request *req)
{
    retire(req, 0);
}

/* ---- Calibration ---- */

static json_t *calibration_json(const struct literacy_calibration *c)
{
    json_t *o = json_pack("{s:I, s:s, s:o, s:I, s:I, s:I}", "id", (json_int_t)c->id, "created_at",
                          c->created_at, "applied_at", text_or_null(c->applied_at), "persons",
                          (json_int_t)c->persons, "responses", (json_int_t)c->responses,
                          "estimated", (json_int_t)c->estimated);
    if (o && c->report)
        json_object_set(o, "report", c->report);
    return o;
}

void api_literacy_calibrate(struct http_request *req)
{
    if (http_require_role_or_reply(req, ADMIN))
        return;
    json_t *body = http_json_body_or_reply(req);
    if (!body)
        return;
    struct literacy_calib_options o;
    literacy_calib_options_default(&o);
    const json_t *minr = json_object_get(body, "min_responses"),
                 *cycles = json_object_get(body, "max_cycles"),
                 *priors = json_object_get(body, "priors"), *link = json_object_get(body, "link");
    const char *key;
    json_t *v;
    int bad = 0;
    json_object_foreach (body, key, v)
        bad |= strcmp(key, "min_responses") && strcmp(key, "max_cycles") && strcmp(key, "priors") &&
               strcmp(key, "link");
    if (minr && (!json_is_integer(minr) || json_integer_value(minr) < 10 ||
                 json_integer_value(minr) > 100000))
        bad = 1;
    if (cycles && (!json_is_integer(cycles) || json_integer_value(cycles) < 1 ||
                   json_integer_value(cycles) > 5000))
        bad = 1;
    if ((priors && !json_is_boolean(priors)) || (link && !json_is_boolean(link)))
        bad = 1;
    struct literacy_problem p = {0};
    if (bad) {
        json_decref(body);
        literacy_problem_set(&p, LITERACY_ERR_INVALID, "", "literacy_calibration_options", NULL);
        reply_literacy_error(req, LITERACY_ERR_INVALID, &p);
        return;
    }
    if (minr)
        o.min_responses = (size_t)json_integer_value(minr);
    if (cycles)
        o.max_cycles = (int)json_integer_value(cycles);
    if (priors)
        o.priors = json_is_true(priors);
    if (link)
        o.link = json_is_true(link);
    json_decref(body);
    int64_t id = 0;
    json_t *report = NULL;
    int err = literacy_calibration_run(req->db, req->session.user.institution_id,
                                       req->session.user.id, &o, &id, &report, &p);
    json_decref(report);
    if (err) {
        reply_literacy_error(req, err, &p);
        return;
    }
    struct literacy_calibration c;
    if (literacy_calibration_get(req->db, req->session.user.institution_id, id, &c)) {
        http_reply_error(req, 500, "internal", "internal", NULL);
        return;
    }
    http_reply_json(req, 201, json_pack("{s:o}", "calibration", calibration_json(&c)));
    literacy_calibration_release(&c);
}

static int append_calibration(void *ctx, const struct literacy_calibration *c)
{
    return json_array_append_new(ctx, calibration_json(c)) ? LITERACY_ERR_NOMEM : 0;
}

void api_literacy_calibrations(struct http_request *req)
{
    if (http_require_role_or_reply(req, ADMIN))
        return;
    json_t *list = json_array();
    if (!list || literacy_calibrations_list(req->db, req->session.user.institution_id,
                                            append_calibration, list)) {
        json_decref(list);
        http_reply_error(req, 500, "internal", "internal", NULL);
        return;
    }
    http_reply_json(req, 200, json_pack("{s:o}", "calibrations", list));
}

void api_literacy_calibration(struct http_request *req)
{
    if (http_require_role_or_reply(req, ADMIN))
        return;
    int64_t id = http_param_id_or_reply(req, 0);
    if (!id)
        return;
    struct literacy_calibration c;
    int err = literacy_calibration_get(req->db, req->session.user.institution_id, id, &c);
    if (err) {
        struct literacy_problem p;
        literacy_problem_set(&p, err, "id", "literacy_calibration_unknown", NULL);
        reply_literacy_error(req, err, &p);
        return;
    }
    http_reply_json(req, 200, json_pack("{s:o}", "calibration", calibration_json(&c)));
    literacy_calibration_release(&c);
}

void api_literacy_calibration_apply(struct http_request *req)
{
    if (http_require_role_or_reply(req, ADMIN))
        return;
    int64_t id = http_param_id_or_reply(req, 0);
    if (!id)
        return;
    size_t updated = 0;
    struct literacy_problem p = {0};
    int err = literacy_calibration_apply(req->db, req->session.user.institution_id,
                                         req->session.user.id, id, &updated, &p);
    if (err) {
        reply_literacy_error(req, err, &p);
        return;
    }
    struct literacy_calibration c;
    if (literacy_calibration_get(req->db, req->session.user.institution_id, id, &c)) {
        http_reply_error(req, 500, "internal", "internal", NULL);
        return;
    }
    json_t *out = calibration_json(&c);
    literacy_calibration_release(&c);
    json_object_del(out, "report");
    http_reply_json(req, 200,
                    json_pack("{s:o, s:I}", "calibration", out, "updated", (json_int_t)updated));
}
