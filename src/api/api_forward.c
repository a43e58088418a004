/*
 * Statement forwarding from the platform (session auth, administrators):
 * /api/xapi/forwarding — the LRSs that receive a copy of every statement of
 * the college, and how delivery to each stands (src/xapi/forward.h).
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "xapi/forward.h"
#include "util/banned.h"

#define ADMIN HTTP_ROLE(AUTH_ROLE_ADMIN)

static json_t *text_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

/* What the delivery looks like at a glance: disabled, failing, sending or up_to_date. */
static const char *status_name(const struct xapi_forward_target *t)
{
    if (!t->enabled)
        return "disabled";
    if (t->attempts)
        return "failing";
    return t->pending ? "sending" : "up_to_date";
}

json_t *api_forward_target_json(const struct xapi_forward_target *t)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    int err = json_object_set_new(o, "id", json_integer(t->id)) ||
              json_object_set_new(o, "name", json_string(t->name)) ||
              json_object_set_new(o, "url", json_string(t->url)) ||
              json_object_set_new(o, "key", json_string(t->key)) ||
              json_object_set_new(o, "version", json_string(xapi_version_name(t->version))) ||
              json_object_set_new(o, "enabled", json_boolean(t->enabled)) ||
              json_object_set_new(o, "created_at", json_string(t->created_at)) ||
              json_object_set_new(o, "status", json_string(status_name(t))) ||
              json_object_set_new(o, "delivered", json_integer(t->delivered)) ||
              json_object_set_new(o, "pending", json_integer(t->pending)) ||
              json_object_set_new(o, "conflicts", json_integer(t->conflicts)) ||
              json_object_set_new(o, "attempts", json_integer(t->attempts)) ||
              json_object_set_new(o, "cursor", json_integer(t->last_seq)) ||
              json_object_set_new(o, "last_status",
                                  t->last_status ? json_integer(t->last_status) : json_null()) ||
              json_object_set_new(o, "last_error", text_or_null(t->last_error)) ||
              json_object_set_new(o, "last_error_at", text_or_null(t->last_error_at)) ||
              json_object_set_new(o, "last_success_at", text_or_null(t->last_success_at)) ||
              json_object_set_new(o, "next_attempt_at",
                                  t->enabled ? text_or_null(t->next_attempt_at) : json_null());
    if (err) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static int append_target(void *ctx, const struct xapi_forward_target *t)
{
    return json_array_append_new(ctx, api_forward_target_json(t)) ? XAPI_ERR_NOMEM : 0;
}

/* Replies with the target as {"target": …} and STATUS. */
static void reply_target(struct http_request *req, unsigned status,
                         const struct xapi_forward_target *t)
{
    json_t *o = api_forward_target_json(t);
    if (!o) {
        http_reply_error(req, 500, "internal", "internal", NULL);
        return;
    }
    http_reply_json(req, status, json_pack("{s:o}", "target", o));
}

static void reply_error(struct http_request *req, int err, const struct xapi_problem *p)
{
    if (err == XAPI_ERR_INVALID)
        http_reply_error(req, 422, "invalid_field", p->msg, p->path);
    else if (err == XAPI_ERR_NOT_FOUND)
        http_reply_error(req, 404, "not_found", "not_found", NULL);
    else
        http_reply_error(req, 500, "internal", "internal", NULL);
}

/*
 * Reads the settings of BODY into IN (strings point into BODY). Replies 422
 * and returns -1 when one has the wrong type; values are checked later.
 */
static int read_input(struct http_request *req, const json_t *body, int create,
                      struct xapi_forward_input *in)
{
    static const struct {
        const char *name, *msg;
    } texts[] = {{"name", "forward_name_length"},
                 {"url", "forward_url_invalid"},
                 {"key", "forward_key_invalid"},
                 {"secret", "forward_secret_invalid"}};
    const char **dst[] = {&in->name, &in->url, &in->key, &in->secret};
    memset(in, 0, sizeof(*in));
    in->enabled = -1;
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        const json_t *v = json_object_get(body, texts[i].name);
        if (!v)
            continue;
        if (!json_is_string(v)) {
            http_reply_error(req, 422, "invalid_field", texts[i].msg, texts[i].name);
            return -1;
        }
        *dst[i] = json_string_value(v);
    }
    const json_t *v = json_object_get(body, "version");
    if (v) {
        const char *s = json_string_value(v);
        in->version = !s ? 0 : !strcmp(s, "1.0.3") ? XAPI_V103 : !strcmp(s, "2.0.0") ? XAPI_V20 : 0;
        if (!in->version) {
            http_reply_error(req, 422, "invalid_field", "forward_version_invalid", "version");
            return -1;
        }
    }
    static const char *const flags[] = {"enabled", "resend"};
    for (int i = 0; i < 2; i++) {
        v = json_object_get(body, flags[i]);
        if (!v || (create && i == 1))
            continue;
        if (!json_is_boolean(v)) {
            http_reply_error(req, 422, "invalid_field", "forward_flag_invalid", flags[i]);
            return -1;
        }
        if (i == 0)
            in->enabled = json_is_true(v);
        else
            in->resend = json_is_true(v);
    }
    return 0;
}

/* GET /api/xapi/forwarding */
void api_xapi_forwarding_list(struct http_request *req)
{
    if (http_require_role_or_reply(req, ADMIN))
        return;
    json_t *list = json_array();
    if (!list ||
        xapi_forward_list(req->db, req->session.user.institution_id, append_target, list)) {
        json_decref(list);
        http_reply_error(req, 500, "internal", "internal", NULL);
        return;
    }
    http_reply_json(req, 200, json_pack("{s:o}", "targets", list));
}

/* POST /api/xapi/forwarding */
void api_xapi_forwarding_create(struct http_request *req)
{
    if (http_require_role_or_reply(req, ADMIN))
        return;
    json_t *body = http_json_body_or_reply(req);
    if (!body)
        return;
    struct xapi_forward_input in;
    if (read_input(req, body, 1, &in) == 0) {
        struct xapi_forward_target t;
        struct xapi_problem p = {{0}, NULL, {0}};
        int err = req->ctx->seal_key
                      ? xapi_forward_create(req->db, req->ctx->seal_key,
                                            req->session.user.institution_id, &in, &t, &p)
                      : XAPI_ERR_STORE;
        if (err) {
            reply_error(req, err, &p);
        } else {
            xapi_forwarder_wake(req->ctx->forwarder);
            reply_target(req, 201, &t);
        }
    }
    json_decref(body);
}

/* GET /api/xapi/forwarding/{id} */
void api_xapi_forwarding_get(struct http_request *req)
{
    if (http_require_role_or_reply(req, ADMIN))
        return;
    int64_t id = http_param_id_or_reply(req, 0);
    if (!id)
        return;
    struct xapi_forward_target t;
    int err = xapi_forward_get(req->db, req->session.user.institution_id, id, &t);
    if (err)
        reply_error(req, err, NULL);
    else
        reply_target(req, 200, &t);
}

/* PATCH or PUT /api/xapi/forwarding/{id}: the fields given change, the others stay. */
void api_xapi_forwarding_update(struct http_request *req)
{
    if (http_require_role_or_reply(req, ADMIN))
        return;
    int64_t id = http_param_id_or_reply(req, 0);
    if (!id)
        return;
    json_t *body = http_json_body_or_reply(req);
    if (!body)
        return;
    struct xapi_forward_input in;
    if (read_input(req, body, 0, &in) == 0) {
        struct xapi_forward_target t;
        struct xapi_problem p = {{0}, NULL, {0}};
        int err = req->ctx->seal_key
                      ? xapi_forward_update(req->db, req->ctx->seal_key,
                                            req->session.user.institution_id, id, &in, &t, &p)
                      : XAPI_ERR_STORE;
        if (err) {
            reply_error(req, err, &p);
        } else {
            xapi_forwarder_wake(req->ctx->forwarder);
            reply_target(req, 200, &t);
        }
    }
    json_decref(body);
}

/* DELETE /api/xapi/forwarding/{id} */
void api_xapi_forwarding_delete(struct http_request *req)
{
    if (http_require_role_or_reply(req, ADMIN))
        return;
    int64_t id = http_param_id_or_reply(req, 0);
    if (!id)
        return;
    int err = xapi_forward_delete(req->db, req->session.user.institution_id, id);
    if (err)
        reply_error(req, err, NULL);
    else
        http_reply_empty(req, 204);
}

/* POST /api/xapi/forwarding/{id}/retry: try now rather than when the back-off ends. */
void api_xapi_forwarding_retry(struct http_request *req)
{
    if (http_require_role_or_reply(req, ADMIN))
        return;
    int64_t id = http_param_id_or_reply(req, 0);
    if (!id)
        return;
    struct xapi_forward_target t;
    int64_t inst = req->session.user.institution_id;
    int err = xapi_forward_retry(req->db, inst, id);
    if (!err)
        err = xapi_forward_get(req->db, inst, id, &t);
    if (err) {
        reply_error(req, err, NULL);
        return;
    }
    xapi_forwarder_wake(req->ctx->forwarder);
    reply_target(req, 200, &t);
}
