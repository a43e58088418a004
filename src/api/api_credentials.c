/*
 * Credentials over HTTP (docs/api.md "Credentials"): the issuer profile and
 * keys, achievements, awards and their revocation, a student's badges and
 * learner record, and the public side: did:web documents, status lists,
 * stored credentials by id, their QR codes, and verification of any
 * credential.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "auth/class.h"
#include "credential/achievement.h"
#include "credential/award.h"
#include "credential/award_worker.h"
#include "credential/issuer.h"
#include "credential/keystore.h"
#include "credential/messages.h"
#include "credential/qr.h"
#include "util/alloc.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/banned.h"

#define ADMIN   HTTP_ROLE(AUTH_ROLE_ADMIN)
#define TEACHER HTTP_ROLE(AUTH_ROLE_TEACHER)
#define STUDENT HTTP_ROLE(AUTH_ROLE_STUDENT)

/* The public base URL: the server's option, else this server as the request reached it. */
static const char *base_of(struct http_request *req)
{
    return req->ctx->public_url ? req->ctx->public_url : "http://localhost";
}

static struct award_context context_of(struct http_request *req)
{
    struct award_context c = {req->db, req->ctx->seal_key, req->ctx->data_dir, base_of(req)};
    return c;
}

/* Replies for a badge_error: 422 with the field, 404, 409, 500. */
static void reply_badge_error(struct http_request *req, int err, const struct badge_problem *p)
{
    switch (err) {
    case BADGE_ERR_INVALID:
        http_reply_error_object(req, 422,
                                http_error_object("invalid", credential_message(p->msg, req->lang),
                                                  p->field && *p->field ? p->field : NULL));
        return;
    case BADGE_ERR_NOT_FOUND:
        http_reply_error(req, 404, "not_found", "not_found", NULL);
        return;
    case BADGE_ERR_CONFLICT:
        http_reply_error_object(
            req, 409,
            http_error_object("conflict",
                              credential_message(p && p->msg ? p->msg : "conflict", req->lang),
                              p && p->field ? p->field : NULL));
        return;
    case BADGE_ERR_SIGN:
        http_reply_error_object(
            req, 503,
            http_error_object("sign_failed",
                              credential_message("credential_sign_failed", req->lang), NULL));
        return;
    default:
        http_reply_error(req, 500, "internal", "internal", NULL);
    }
}

/* Replies with a public JSON document (CORS open: verifiers in browsers read it). */
static void reply_public(struct http_request *req, json_t *doc, const char *type)
{
    http_reply_json(req, 200, doc);
    req->content_type = type;
    http_add_header(req, "Access-Control-Allow-Origin", "*");
    http_add_header(req, "Cache-Control", "no-cache");
}

/* ------------------------------------------------------------ public documents */

void api_did_server(struct http_request *req)
{
    json_t *doc;
    int err = issuer_server_document(req->db, base_of(req), &doc);
    if (err) {
        reply_badge_error(req, err, NULL);
        return;
    }
    reply_public(req, doc, "application/did+json");
}

void api_did_institution(struct http_request *req)
{
    int64_t id = http_param_id_or_reply(req, 0);
    if (!id)
        return;
    json_t *doc;
    int err = issuer_did_document(req->db, base_of(req), id, &doc);
    if (err) {
        reply_badge_error(req, err, NULL);
        return;
    }
    reply_public(req, doc, "application/did+json");
}

void api_status_list(struct http_request *req)
{
    int64_t inst = http_param_id_or_reply(req, 0), list = inst ? http_param_id_or_reply(req, 1) : 0;
    if (!list)
        return;
    json_t *doc;
    int err = award_status_list(req->db, inst, list, &doc);
    if (err) {
        reply_badge_error(req, err, NULL);
        return;
    }
    reply_public(req, doc, "application/vc+ld+json");
}

/* The UUID parameter I, or NULL after replying 404. */
static const char *uuid_param(struct http_request *req, int i)
{
    const char *u = req->param[i];
    size_t n = u ? strlen(u) : 0;
    for (size_t k = 0; k < n; k++)
        if (!((u[k] >= '0' && u[k] <= '9') || (u[k] >= 'a' && u[k] <= 'f') || u[k] == '-'))
            n = 0;
    if (n != 36) {
        http_reply_error(req, 404, "not_found", "not_found", NULL);
        return NULL;
    }
    return u;
}

void api_public_credential(struct http_request *req)
{
    const char *uuid = uuid_param(req, 0);
    if (!uuid)
        return;
    json_t *cred;
    int err = award_credential_by_uuid(req->db, uuid, &cred, NULL);
    if (err) {
        reply_badge_error(req, err, NULL);
        return;
    }
    reply_public(req, cred, "application/vc+ld+json");
}

void api_public_credential_qr(struct http_request *req)
{
    const char *uuid = uuid_param(req, 0);
    if (!uuid)
        return;
    json_t *cred;
    int err = award_credential_by_uuid(req->db, uuid, &cred, NULL);
    json_decref(cred);
    if (err) {
        reply_badge_error(req, err, NULL);
        return;
    }
    char url[ISSUER_BASE_MAX + 64];
    snprintf(url, sizeof(url), "%s/verify/%s", base_of(req), uuid);
    char *svg = qr_svg(url);
    if (!svg) {
        http_reply_error(req, 500, "internal", "internal", NULL);
        return;
    }
    http_reply_empty(req, 200);
    req->content_type = "image/svg+xml";
    if (buf_adds(&req->out, svg))
        http_reply_error(req, 500, "internal", "internal", NULL);
    cc_free(svg);
}

/* Verifies DATA with this server's resolver and replies {"report", "credential"}. */
static void verify_and_reply(struct http_request *req, const char *data, size_t len)
{
    struct resolver r;
    struct issuer_lookup l;
    resolver_init(&r);
    issuer_resolver_init(&r, &l, req->db, base_of(req));
    struct cred_report report;
    /* A credential that does not verify is an answer too: the report says why. */
    if (cred_verify(data, len, &r, time_now_ms(), &report) == CRED_ERR_NOMEM)
        LOG_WARN("credential: out of memory while verifying");
    json_t *rep = cred_report_json(&report);
    json_t *explain = report.credential ? award_explain(req->db, report.credential) : NULL;
    cred_report_release(&report);
    resolver_release(&r);
    if (!rep) {
        json_decref(explain);
        http_reply_error(req, 500, "internal", "internal", NULL);
        return;
    }
    http_reply_json(
        req, 200,
        json_pack("{s:o,s:o}", "report", rep, "credential", explain ? explain : json_null()));
}

void api_verify_post(struct http_request *req)
{
    /* The body as it came: a JSON credential or a compact VC-JWT. */
    size_t len = req->body.len;
    const char *data = req->body.data ? req->body.data : "";
    while (len && (*data == ' ' || *data == '\n' || *data == '\r' || *data == '\t')) {
        data++;
        len--;
    }
    if (!len) {
        http_reply_error_object(
            req, 400,
            http_error_object("bad_request", credential_message("verify_body", req->lang), NULL));
        return;
    }
    verify_and_reply(req, data, len);
}

void api_verify_stored(struct http_request *req)
{
    const char *uuid = uuid_param(req, 0);
    if (!uuid)
        return;
    json_t *cred;
    int err = award_credential_by_uuid(req->db, uuid, &cred, NULL);
    if (err) {
        reply_badge_error(req, err, NULL);
        return;
    }
    char *text = json_dumps(cred, JSON_COMPACT);
    json_decref(cred);
    if (!text) {
        http_reply_error(req, 500, "internal", "internal", NULL);
        return;
    }
    verify_and_reply(req, text, strlen(text));
    free(text);
}

/* ------------------------------------------------------------ issuer */

struct key_list {
    json_t *keys;
    const char *did;
};

static int append_key(void *ctx, const struct keystore_key *k)
{
    struct key_list *l = ctx;
    char id[RESOLVER_ID_MAX + 32];
    snprintf(id, sizeof(id), "%.480s#key-%d", l->did, k->number);
    return json_array_append_new(l->keys,
                                 json_pack("{s:i,s:s,s:s,s:s,s:s?,s:b}", "number", k->number, "id",
                                           id, "publicKeyMultibase", k->public_key, "active_from",
                                           k->active_from, "active_until",
                                           k->active_until[0] ? k->active_until : NULL, "current",
                                           !k->active_until[0]))
               ? 1
               : 0;
}

static void reply_issuer(struct http_request *req, unsigned status)
{
    int64_t inst = req->session.user.institution_id;
    struct issuer_profile p;
    struct cred_signer s;
    char why[CRED_WHY_SIZE];
    /* The current key exists from here on (made on first look). */
    if (issuer_profile_get(req->db, inst, &p) ||
        issuer_signer(req->db, req->ctx->seal_key, req->ctx->data_dir, base_of(req), inst, &s,
                      why)) {
        http_reply_error(req, 500, "internal", "internal", NULL);
        return;
    }
    cred_signer_clear(&s);
    char web[RESOLVER_ID_MAX], doc_url[ISSUER_BASE_MAX + 64];
    issuer_did(base_of(req), inst, "web", web);
    snprintf(doc_url, sizeof(doc_url), "%s/institutions/%" PRId64 "/did.json", base_of(req), inst);
    struct key_list l = {json_array(), web};
    if (!l.keys || keystore_list(req->db, inst, append_key, &l)) {
        json_decref(l.keys);
        http_reply_error(req, 500, "internal", "internal", NULL);
        return;
    }
    char status_url[ISSUER_URL_MAX + 1];
    issuer_status_url(base_of(req), inst, 1, status_url);
    http_reply_json(req, status,
                    json_pack("{s:{s:{s:s,s:s},s:s,s:s,s:s,s:s,s:s},s:s,s:s,s:s,s:o,s:s}", "issuer",
                              "name", "en", p.name_en, "zh-CN", p.name_zh, "url", p.url, "image",
                              p.image, "email", p.email, "did_method", p.did_method, "updated_at",
                              p.updated_at, "issuer_id", s.issuer, "did_web", web, "did_document",
                              doc_url, "keys", l.keys, "public_url", base_of(req)));
}

static void issuer_patch(struct http_request *req)
{
    if (http_require_role_or_reply(req, ADMIN))
        return;
    json_t *b = http_json_body_or_reply(req);
    if (!b)
        return;
    const json_t *name = json_object_get(b, "name");
    struct issuer_input in = {json_string_value(json_object_get(name, "en")),
                              json_string_value(json_object_get(name, "zh-CN")),
                              json_string_value(json_object_get(b, "url")),
                              json_string_value(json_object_get(b, "image")),
                              json_string_value(json_object_get(b, "email")),
                              json_string_value(json_object_get(b, "did_method"))};
    struct issuer_profile p;
    struct badge_problem prob = {0};
    int err = issuer_profile_set(req->db, req->session.user.institution_id, &in, &p, &prob);
    json_decref(b);
    if (err) {
        reply_badge_error(req, err, &prob);
        return;
    }
    reply_issuer(req, 200);
}

void api_issuer_route(struct http_request *req)
{
    if (req->method == HTTP_PATCH) {
        issuer_patch(req);
        return;
    }
    if (http_require_role_or_reply(req, ADMIN | TEACHER))
        return;
    reply_issuer(req, 200);
}

void api_issuer_rotate(struct http_request *req)
{
    if (http_require_role_or_reply(req, ADMIN))
        return;
    int64_t inst = req->session.user.institution_id;
    struct cred_signer s;
    char why[CRED_WHY_SIZE];
    int number;
    /* A key to rotate from: made first when there is none. */
    if (issuer_signer(req->db, req->ctx->seal_key, req->ctx->data_dir, base_of(req), inst, &s,
                      why) ||
        keystore_rotate(req->db, req->ctx->seal_key, inst, &number, why)) {
        LOG_WARN("credential: institution %" PRId64 " cannot rotate its key: %s", inst, why);
        http_reply_error(req, 500, "internal", "internal", NULL);
        return;
    }
    cred_signer_clear(&s);
    char detail[64], now[21];
    snprintf(detail, sizeof(detail), "{\"key\":%d}", number);
    time_iso8601(time_now(), now);
    struct store_stmt *st;
    if (!store_prepare(req->db,
                       "INSERT INTO audit_log (institution_id, at, actor_user_id, action, detail)"
                       " VALUES (?, ?, ?, 'credential.rotate_key', ?)",
                       &st)) {
        store_bind_int(st, 1, inst);
        store_bind_text(st, 2, now);
        store_bind_int(st, 3, req->session.user.id);
        store_bind_text(st, 4, detail);
        if (store_step(st))
            LOG_WARN("credential: the key rotation of institution %" PRId64
                     " is not in the audit log",
                     inst);
        store_finish(st);
    }
    /* Lists signed by a did:key need a list of the new key's DID before its first badge. */
    struct award_context c = context_of(req);
    if (award_status_ready(&c, inst))
        LOG_WARN("credential: institution %" PRId64 " has no status list for its new key yet",
                 inst);
    reply_issuer(req, 201);
}

/* ------------------------------------------------------------ achievements */

void api_achievements_list(struct http_request *req)
{
    if (http_require_role_or_reply(req, ADMIN | TEACHER))
        return;
    const char *a = http_query(req, "archived");
    json_t *list;
    int err = achievement_list(req->db, req->session.user.institution_id, a && strcmp(a, "1") == 0,
                               &list);
    if (err) {
        reply_badge_error(req, err, NULL);
        return;
    }
    http_reply_json(req, 200, json_pack("{s:o}", "achievements", list));
}

void api_achievements_create(struct http_request *req)
{
    if (http_require_role_or_reply(req, ADMIN | TEACHER))
        return;
    json_t *b = http_json_body_or_reply(req);
    if (!b)
        return;
    json_t *out;
    struct badge_problem p = {0};
    int err = achievement_create(req->db, req->session.user.institution_id, req->session.user.id, b,
                                 &out, &p);
    json_decref(b);
    if (err) {
        reply_badge_error(req, err, &p);
        return;
    }
    award_worker_wake(req->ctx->award_worker);
    http_reply_json(req, 201, json_pack("{s:o}", "achievement", out));
}

void api_achievements_generate(struct http_request *req)
{
    if (http_require_role_or_reply(req, ADMIN | TEACHER))
        return;
    json_t *b = http_json_body_or_reply(req);
    if (!b)
        return;
    const json_t *level = json_object_get(b, "level");
    json_t *out = NULL;
    struct badge_problem p = {0};
    int err =
        achievement_generate(req->db, req->session.user.institution_id, req->session.user.id,
                             json_string_value(json_object_get(b, "item")),
                             json_is_integer(level) ? (int)json_integer_value(level) : 0, &out, &p);
    json_decref(b);
    if (err == BADGE_ERR_CONFLICT) {
        json_t *e = http_error_object("conflict",
                                      credential_message("achievement_exists", req->lang), "item");
        json_object_set_new(e, "achievement", out);
        http_reply_error_object(req, 409, e);
        return;
    }
    if (err) {
        reply_badge_error(req, err, &p);
        return;
    }
    award_worker_wake(req->ctx->award_worker);
    http_reply_json(req, 201, json_pack("{s:o}", "achievement", out));
}

void api_achievements_get(struct http_request *req)
{
    if (http_require_role_or_reply(req, ADMIN | TEACHER))
        return;
    int64_t id = http_param_id_or_reply(req, 0);
    if (!id)
        return;
    json_t *out;
    int err = achievement_get(req->db, req->session.user.institution_id, id, &out);
    if (err) {
        reply_badge_error(req, err, NULL);
        return;
    }
    http_reply_json(req, 200, json_pack("{s:o}", "achievement", out));
}

void api_achievements_update(struct http_request *req)
{
    if (http_require_role_or_reply(req, ADMIN | TEACHER))
        return;
    int64_t id = http_param_id_or_reply(req, 0);
    if (!id)
        return;
    json_t *b = http_json_body_or_reply(req);
    if (!b)
        return;
    int64_t inst = req->session.user.institution_id;
    int err = BADGE_OK;
    const json_t *archived = json_object_get(b, "archived");
    if (json_is_boolean(archived))
        err = achievement_archive(req->db, inst, id, json_is_true(archived));
    json_t *out = NULL;
    struct badge_problem p = {0};
    if (!err) {
        json_object_del(b, "archived");
        err = achievement_update(req->db, inst, id, b, &out, &p);
    }
    json_decref(b);
    if (err) {
        reply_badge_error(req, err, &p);
        return;
    }
    award_worker_wake(req->ctx->award_worker);
    http_reply_json(req, 200, json_pack("{s:o}", "achievement", out));
}

/* ------------------------------------------------------------ awards */

/* 0 when the caller may award to or see the learner LOGIN (admin: anyone; teacher: their classes).
 */
static int may_teach(struct http_request *req, int64_t user, int *yes)
{
    *yes = 1;
    if (req->session.user.role == AUTH_ROLE_ADMIN)
        return 0;
    struct auth_user u;
    int err = auth_user_get(req->db, req->session.user.institution_id, user, &u);
    if (err == AUTH_ERR_NOT_FOUND) {
        *yes = 1; /* award_issue says it is no student of the college */
        return 0;
    }
    if (err)
        return err;
    return auth_class_teaches(req->db, req->session.user.institution_id, req->session.user.id,
                              u.login, yes);
}

void api_awards_list(struct http_request *req)
{
    if (http_require_role_or_reply(req, ADMIN | TEACHER))
        return;
    const char *a = http_query(req, "achievement"), *u = http_query(req, "user");
    int64_t ach = a ? strtoll(a, NULL, 10) : 0, user = u ? strtoll(u, NULL, 10) : 0;
    if (req->param[0] && !(ach = http_param_id_or_reply(req, 0)))
        return;
    json_t *list;
    int err = award_list(req->db, req->session.user.institution_id, base_of(req), ach > 0 ? ach : 0,
                         user > 0 ? user : 0, &list);
    if (err) {
        reply_badge_error(req, err, NULL);
        return;
    }
    http_reply_json(req, 200, json_pack("{s:o}", "awards", list));
}

void api_awards_create(struct http_request *req)
{
    if (http_require_role_or_reply(req, ADMIN | TEACHER))
        return;
    int64_t ach = http_param_id_or_reply(req, 0);
    if (!ach)
        return;
    json_t *b = http_json_body_or_reply(req);
    if (!b)
        return;
    int64_t inst = req->session.user.institution_id;
    struct award_context c = context_of(req);
    struct award_request r = {.achievement = ach,
                              .awarded_by = req->session.user.id,
                              .source = "manual",
                              .evidence = json_object_get(b, "evidence"),
                              .narrative = json_string_value(json_object_get(b, "narrative"))};
    struct badge_problem p = {0};
    const json_t *class_id = json_object_get(b, "class_id");
    const json_t *user = json_object_get(b, "user_id");
    int err;
    if (json_is_integer(class_id)) {
        struct auth_class cl;
        err = auth_class_get(req->db, inst, json_integer_value(class_id), &cl);
        if (!err && req->session.user.role != AUTH_ROLE_ADMIN &&
            cl.teacher_id != req->session.user.id) {
            json_decref(b);
            http_reply_error(req, 403, "forbidden", "forbidden", NULL);
            return;
        }
        int64_t issued = 0, skipped = 0;
        err = award_bulk(&c, inst, json_integer_value(class_id), &r, &issued, &skipped, &p);
        json_decref(b);
        if (err) {
            reply_badge_error(req, err, &p);
            return;
        }
        http_reply_json(
            req, 201,
            json_pack("{s:I,s:I}", "issued", (json_int_t)issued, "skipped", (json_int_t)skipped));
        return;
    }
    if (!json_is_integer(user)) {
        json_decref(b);
        http_reply_error_object(req, 422,
                                http_error_object("invalid",
                                                  credential_message("field_required", req->lang),
                                                  "user_id"));
        return;
    }
    r.user = json_integer_value(user);
    int yes = 0;
    if ((err = may_teach(req, r.user, &yes)) || !yes) {
        json_decref(b);
        if (err)
            http_reply_error(req, 500, "internal", "internal", NULL);
        else
            http_reply_error(req, 403, "forbidden", "forbidden", NULL);
        return;
    }
    int64_t id = 0;
    err = award_issue(&c, inst, &r, 0, &id, &p);
    json_decref(b);
    if (err) {
        reply_badge_error(req, err, &p);
        return;
    }
    json_t *out;
    if ((err = award_get(req->db, inst, base_of(req), id, &out))) {
        reply_badge_error(req, err, NULL);
        return;
    }
    http_reply_json(req, 201, json_pack("{s:o}", "award", out));
}

void api_awards_get(struct http_request *req)
{
    if (http_require_role_or_reply(req, ADMIN | TEACHER))
        return;
    int64_t id = http_param_id_or_reply(req, 0);
    if (!id)
        return;
    json_t *out;
    int err = award_get(req->db, req->session.user.institution_id, base_of(req), id, &out);
    if (err) {
        reply_badge_error(req, err, NULL);
        return;
    }
    http_reply_json(req, 200, json_pack("{s:o}", "award", out));
}

static void revoke(struct http_request *req, int on)
{
    if (http_require_role_or_reply(req, ADMIN))
        return;
    int64_t id = http_param_id_or_reply(req, 0);
    if (!id)
        return;
    json_t *b = http_json_body_or_reply(req);
    if (!b)
        return;
    struct award_context c = context_of(req);
    struct badge_problem p = {0};
    int64_t inst = req->session.user.institution_id;
    int err = award_revoke(&c, inst, id, req->session.user.id,
                           json_string_value(json_object_get(b, "reason")), on, &p);
    json_decref(b);
    json_t *out;
    if (!err)
        err = award_get(req->db, inst, base_of(req), id, &out);
    if (err) {
        reply_badge_error(req, err, &p);
        return;
    }
    http_reply_json(req, 200, json_pack("{s:o}", "award", out));
}

void api_awards_revoke(struct http_request *req)
{
    revoke(req, 1);
}

void api_awards_unrevoke(struct http_request *req)
{
    revoke(req, 0);
}

void api_awards_recertify(struct http_request *req)
{
    if (http_require_role_or_reply(req, ADMIN | TEACHER))
        return;
    int64_t id = http_param_id_or_reply(req, 0);
    if (!id)
        return;
    int64_t inst = req->session.user.institution_id;
    json_t *old;
    int err = award_get(req->db, inst, base_of(req), id, &old);
    if (err) {
        reply_badge_error(req, err, NULL);
        return;
    }
    int yes = 0;
    err = may_teach(req, json_integer_value(json_object_get(json_object_get(old, "user"), "id")),
                    &yes);
    json_decref(old);
    if (err || !yes) {
        if (err)
            http_reply_error(req, 500, "internal", "internal", NULL);
        else
            http_reply_error(req, 403, "forbidden", "forbidden", NULL);
        return;
    }
    struct award_context c = context_of(req);
    struct badge_problem p = {0};
    int64_t new_id = 0;
    err = award_recertify(&c, inst, id, req->session.user.id, &new_id, &p);
    json_t *out;
    if (!err)
        err = award_get(req->db, inst, base_of(req), new_id, &out);
    if (err) {
        reply_badge_error(req, err, &p);
        return;
    }
    http_reply_json(req, 201, json_pack("{s:o}", "award", out));
}

/* ------------------------------------------------------------ a student's own */

/* The caller's awards, each with its credential and achievement image. */
static json_t *my_badges(struct http_request *req, int *err)
{
    int64_t inst = req->session.user.institution_id;
    json_t *list;
    *err = award_list(req->db, inst, base_of(req), 0, req->session.user.id, &list);
    if (*err)
        return NULL;
    size_t i;
    json_t *a;
    json_array_foreach (list, i, a) {
        json_t *full;
        if (award_get(req->db, inst, base_of(req), json_integer_value(json_object_get(a, "id")),
                      &full) == BADGE_OK) {
            json_t *cred = json_object_get(full, "credential");
            json_object_set(a, "credential", cred);
            json_object_set(
                a, "image",
                json_object_get(
                    json_object_get(
                        json_object_get(json_object_get(cred, "credentialSubject"), "achievement"),
                        "image"),
                    "id"));
            json_decref(full);
        }
    }
    return list;
}

void api_me_badges(struct http_request *req)
{
    int err;
    json_t *list = my_badges(req, &err);
    if (!list) {
        reply_badge_error(req, err, NULL);
        return;
    }
    http_reply_json(req, 200, json_pack("{s:o}", "badges", list));
}

void api_me_clr(struct http_request *req)
{
    if (http_require_role_or_reply(req, STUDENT))
        return;
    struct award_context c = context_of(req);
    json_t *out;
    int err = award_clr(&c, req->session.user.institution_id, req->session.user.id, &out, NULL);
    if (err) {
        reply_badge_error(req, err, NULL);
        return;
    }
    http_reply_json(req, 200, out);
    req->content_type = "application/vc+ld+json";
    http_add_header(req, "Content-Disposition", "attachment; filename=\"learner-record.json\"");
}

void api_me_transcript(struct http_request *req)
{
    if (http_require_role_or_reply(req, STUDENT))
        return;
    struct award_context c = context_of(req);
    int64_t inst = req->session.user.institution_id;
    json_t *clr;
    char uuid[37] = "";
    int err = award_clr(&c, inst, req->session.user.id, &clr, uuid);
    json_decref(clr);
    struct issuer_profile p;
    if (!err)
        err = issuer_profile_get(req->db, inst, &p);
    json_t *list = err ? NULL : my_badges(req, &err);
    if (err) {
        reply_badge_error(req, err, NULL);
        return;
    }
    char url[ISSUER_BASE_MAX + 64];
    snprintf(url, sizeof(url), "%s/verify/%s", base_of(req), uuid);
    char *svg = qr_svg(url);
    char issued[21];
    time_iso8601(time_now(), issued);
    http_reply_json(req, 200,
                    json_pack("{s:{s:s,s:s},s:{s:s,s:s},s:s,s:s,s:s,s:s?,s:o}", "student", "name",
                              req->session.user.name, "login", req->session.user.login, "issuer",
                              "en", p.name_en, "zh-CN", p.name_zh, "record", uuid, "verify_url",
                              url, "printed_at", issued, "qr_svg", svg, "badges", list));
    cc_free(svg);
}
