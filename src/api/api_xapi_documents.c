/*
 * The xAPI document resources: /xapi/activities/state,
 * /xapi/activities/profile and /xapi/agents/profile. One set of handlers
 * serves the three, told apart by a descriptor of each resource.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "api/api_xapi.h"
#include "util/alloc.h"
#include "util/timeutil.h"
#include "xapi/document.h"
#include "xapi/validate.h"
#include "util/banned.h"

struct resource {
    enum xapi_doc_kind kind;
    const char *id_param; /* stateId or profileId */
    unsigned scope;
    const char *const *params; /* every parameter the resource takes */
};

static const char *const state_params[] = {"activityId", "agent", "registration",
                                           "stateId",    "since", NULL};
static const char *const activity_params[] = {"activityId", "profileId", "since", NULL};
static const char *const agent_params[] = {"agent", "profileId", "since", NULL};

static const struct resource state = {XAPI_DOC_STATE, "stateId", XAPI_SCOPE_STATE, state_params};
static const struct resource activity_profile = {XAPI_DOC_ACTIVITY_PROFILE, "profileId",
                                                 XAPI_SCOPE_PROFILE, activity_params};
static const struct resource agent_profile = {XAPI_DOC_AGENT_PROFILE, "profileId",
                                              XAPI_SCOPE_PROFILE, agent_params};

struct param_check {
    const char *const *allowed;
    const char *unknown;
};

static int check_param(void *ctx, const char *key, const char *value)
{
    struct param_check *c = ctx;
    for (int i = 0; c->allowed[i]; i++)
        if (strcmp(key, c->allowed[i]) == 0)
            return 0;
    c->unknown = key;
    return 1;
}

/* The request's document key; 0, or -1 after replying. AGENT_KEY holds the agent's key. */
static int read_key(struct http_request *req, const struct resource *r, struct xapi_doc_key *k,
                    char *agent_key, size_t size)
{
    struct param_check check = {r->params, NULL};
    if (http_query_foreach(req, check_param, &check)) {
        api_xapi_reply_param(req, "xapi_param_unknown", check.unknown);
        return -1;
    }
    memset(k, 0, sizeof(*k));
    k->institution = req->xapi_client.institution_id;
    k->kind = r->kind;
    if (r->kind != XAPI_DOC_AGENT_PROFILE) {
        k->activity_id = http_query(req, "activityId");
        if (!k->activity_id) {
            api_xapi_reply_param(req, "xapi_param_missing", "activityId");
            return -1;
        }
        if (!xapi_iri_valid(k->activity_id)) {
            api_xapi_reply_param(req, "xapi_param_invalid", "activityId");
            return -1;
        }
    }
    if (r->kind != XAPI_DOC_ACTIVITY_PROFILE) {
        json_t *agent = api_xapi_agent_param_or_reply(req, "agent", 1, agent_key, size);
        if (!agent)
            return -1;
        json_decref(agent);
        k->agent_key = agent_key;
    }
    if (r->kind == XAPI_DOC_STATE) {
        k->registration = http_query(req, "registration");
        if (k->registration && !xapi_uuid_valid(k->registration)) {
            api_xapi_reply_param(req, "xapi_param_invalid", "registration");
            return -1;
        }
    }
    k->doc_id = http_query(req, r->id_param);
    return 0;
}

static void reply_doc_error(struct http_request *req, int err)
{
    static const unsigned status[] = {[-XAPI_ERR_INVALID] = 400,
                                      [-XAPI_ERR_NOT_FOUND] = 404,
                                      [-XAPI_ERR_CONFLICT] = 409,
                                      [-XAPI_ERR_PRECONDITION] = 412};
    static const char *const code[] = {[-XAPI_ERR_INVALID] = "bad_request",
                                       [-XAPI_ERR_NOT_FOUND] = "not_found",
                                       [-XAPI_ERR_CONFLICT] = "conflict",
                                       [-XAPI_ERR_PRECONDITION] = "precondition_failed"};
    const char *msg = xapi_doc_message(err);
    if (err < 0 && -err < (int)(sizeof(status) / sizeof(status[0])) && status[-err])
        http_reply_error(req, status[-err], code[-err], msg ? msg : "not_found", NULL);
    else
        http_reply_error(req, 500, "internal", "internal", NULL);
}

static void write_doc(struct http_request *req, const struct resource *r, int merge)
{
    char agent_key[600];
    struct xapi_doc_key k;
    if (api_xapi_scope_or_reply(req, r->scope) ||
        read_key(req, r, &k, agent_key, sizeof(agent_key)))
        return;
    if (!k.doc_id) {
        api_xapi_reply_param(req, "xapi_param_missing", r->id_param);
        return;
    }
    if (http_query(req, "since")) {
        api_xapi_reply_param(req, "xapi_param_unknown", "since");
        return;
    }
    struct xapi_doc_conditions c = {http_header(req, "If-Match"), http_header(req, "If-None-Match"),
                                    !merge && xapi_doc_needs_condition(r->kind, req->xapi_version)};
    /*
     * xAPI 1.0.3 asks a profile PUT to carry If-Match or If-None-Match even
     * for a new document (400); over an existing one it is a 409 as in 2.0.
     */
    if (!merge && r->kind != XAPI_DOC_STATE && req->xapi_version == XAPI_V103 && !c.if_match &&
        !c.if_none_match) {
        struct xapi_doc d;
        int found = xapi_doc_get(req->db, &k, &d);
        xapi_doc_release(&d);
        if (found == XAPI_ERR_NOT_FOUND) {
            http_reply_error(req, 400, "bad_request", "xapi_doc_condition_required", NULL);
            return;
        }
    }
    int err = xapi_doc_put(req->db, &k, req->body.data, req->body.len,
                           http_header(req, "Content-Type"), &c, merge);
    if (err)
        reply_doc_error(req, err);
    else
        http_reply_empty(req, 204);
}

static int add_id(void *ctx, const char *id)
{
    return json_array_append_new(ctx, json_string(id)) ? XAPI_ERR_NOMEM : 0;
}

static void http_date(const char *iso, char out[64])
{
    int64_t ms = 0;
    out[0] = 0;
    if (time_parse_iso8601(iso, &ms))
        return;
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 64, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

static void get_doc(struct http_request *req, const struct resource *r)
{
    char agent_key[600];
    struct xapi_doc_key k;
    if (api_xapi_scope_or_reply(req, r->scope | XAPI_SCOPE_ALL_READ) ||
        read_key(req, r, &k, agent_key, sizeof(agent_key)))
        return;
    if (!k.doc_id) {
        json_t *ids = json_array();
        char latest[XAPI_DOC_TIME_SIZE], date[64];
        int err = xapi_doc_list(req->db, &k, http_query(req, "since"), add_id, ids, latest);
        if (err) {
            json_decref(ids);
            if (err == XAPI_ERR_INVALID)
                api_xapi_reply_param(req, "xapi_param_invalid", "since");
            else
                reply_doc_error(req, err);
            return;
        }
        /* Last-Modified: when the most recently modified of the listed documents was. */
        http_date(latest, date);
        http_reply_json(req, 200, ids);
        if (date[0])
            http_add_header(req, "Last-Modified", date);
        return;
    }
    if (http_query(req, "since")) {
        api_xapi_reply_param(req, "xapi_param_unknown", "since");
        return;
    }
    struct xapi_doc d;
    int err = xapi_doc_get(req->db, &k, &d);
    if (err) {
        xapi_doc_release(&d);
        reply_doc_error(req, err);
        return;
    }
    char etag[XAPI_DOC_ETAG_SIZE + 2], date[64];
    snprintf(etag, sizeof(etag), "\"%s\"", d.etag);
    http_date(d.updated, date);
    http_reply_empty(req, 200);
    if (buf_add(&req->out, d.content, d.len)) {
        xapi_doc_release(&d);
        http_reply_error(req, 500, "internal", "internal", NULL);
        return;
    }
    /* The content type outlives D: keep a copy in the header list, then point at it. */
    http_add_header(req, "Content-Type", d.content_type);
    http_add_header(req, "ETag", etag);
    if (date[0])
        http_add_header(req, "Last-Modified", date);
    xapi_doc_release(&d);
}

static void delete_doc(struct http_request *req, const struct resource *r)
{
    char agent_key[600];
    struct xapi_doc_key k;
    if (api_xapi_scope_or_reply(req, r->scope) ||
        read_key(req, r, &k, agent_key, sizeof(agent_key)))
        return;
    if (!k.doc_id && r->kind != XAPI_DOC_STATE) {
        api_xapi_reply_param(req, "xapi_param_missing", r->id_param);
        return;
    }
    if (http_query(req, "since")) {
        api_xapi_reply_param(req, "xapi_param_unknown", "since");
        return;
    }
    struct xapi_doc_conditions c = {http_header(req, "If-Match"), http_header(req, "If-None-Match"),
                                    0};
    int err = xapi_doc_delete(req->db, &k, &c);
    if (err && err != XAPI_ERR_NOT_FOUND)
        reply_doc_error(req, err);
    else
        http_reply_empty(req, 204);
}

void api_xapi_state_put(struct http_request *req)
{
    write_doc(req, &state, 0);
}

void api_xapi_state_post(struct http_request *req)
{
    write_doc(req, &state, 1);
}

void api_xapi_state_get(struct http_request *req)
{
    get_doc(req, &state);
}

void api_xapi_state_delete(struct http_request *req)
{
    delete_doc(req, &state);
}

void api_xapi_activity_profile_put(struct http_request *req)
{
    write_doc(req, &activity_profile, 0);
}

void api_xapi_activity_profile_post(struct http_request *req)
{
    write_doc(req, &activity_profile, 1);
}

void api_xapi_activity_profile_get(struct http_request *req)
{
    get_doc(req, &activity_profile);
}

void api_xapi_activity_profile_delete(struct http_request *req)
{
    delete_doc(req, &activity_profile);
}

void api_xapi_agent_profile_put(struct http_request *req)
{
    write_doc(req, &agent_profile, 0);
}

void api_xapi_agent_profile_post(struct http_request *req)
{
    write_doc(req, &agent_profile, 1);
}

void api_xapi_agent_profile_get(struct http_request *req)
{
    get_doc(req, &agent_profile);
}

void api_xapi_agent_profile_delete(struct http_request *req)
{
    delete_doc(req, &agent_profile);
}
