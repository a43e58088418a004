/*
 * The xAPI resources under /xapi/: about, statements, activities, agents.
 * (The document resources are in api_xapi_documents.c.) Requests reach these
 * handlers with the version parsed and the LRS client authenticated.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "api/api_xapi.h"
#include "util/alloc.h"
#include "util/json.h"
#include "util/timeutil.h"
#include "xapi/attachments.h"
#include "xapi/messages.h"
#include "xapi/multipart.h"
#include "xapi/statement.h"
#include "xapi/statements.h"
#include "xapi/validate.h"
#include "util/banned.h"

#define DEFAULT_LIMIT 100

void api_xapi_reply_problem(struct http_request *req, unsigned status, const char *code,
                            const struct xapi_problem *p)
{
    char text[512], message[768];
    snprintf(text, sizeof(text), xapi_message(p->msg, req->lang), p->arg);
    if (p->path[0])
        snprintf(message, sizeof(message), "%s: %s", p->path, text);
    else
        snprintf(message, sizeof(message), "%s", text);
    http_reply_error_object(req, status,
                            http_error_object(code, message, p->path[0] ? p->path : NULL));
}

void api_xapi_reply_param(struct http_request *req, const char *msg, const char *param)
{
    struct xapi_problem p = {{0}, msg, {0}};
    snprintf(p.arg, sizeof(p.arg), "%s", param);
    api_xapi_reply_problem(req, 400, "bad_request", &p);
}

int api_xapi_scope_or_reply(struct http_request *req, unsigned want)
{
    if (xapi_scope_allows(req->xapi_client.scopes, want))
        return 0;
    http_reply_error(req, 403, "forbidden", "xapi_scope", NULL);
    return -1;
}

json_t *api_xapi_agent_param_or_reply(struct http_request *req, const char *name, int required,
                                      char *key, size_t size)
{
    const char *text = http_query(req, name);
    if (!text) {
        if (required)
            api_xapi_reply_param(req, "xapi_param_missing", name);
        return NULL;
    }
    json_t *agent;
    struct xapi_problem p;
    if (json_read(text, strlen(text), JSON_MAX_DEPTH, 1, &agent)) {
        api_xapi_reply_param(req, "xapi_param_invalid", name);
        return NULL;
    }
    if (xapi_agent_validate(agent, req->xapi_version, name, &p)) {
        json_decref(agent);
        api_xapi_reply_problem(req, 400, "bad_request", &p);
        return NULL;
    }
    if (xapi_agent_key(agent, key, size)) {
        json_decref(agent);
        api_xapi_reply_param(req, "xapi_param_invalid", name);
        return NULL;
    }
    return agent;
}

/* GET /xapi/about */
void api_xapi_about(struct http_request *req)
{
    /* Not a shared constant: the reply carries the version header of the request. */
    http_reply_json(req, 200,
                    json_pack("{s:[s,s], s:{}}", "version", "1.0.3", "2.0.0", "extensions"));
}

/* The authority of statements stored by the request's client: an Agent with an account. */
static json_t *client_authority(const struct xapi_client *c)
{
    return json_pack("{s:s, s:s, s:{s:s, s:s}}", "objectType", "Agent", "name", c->name, "account",
                     "homePage", "https://lrs.carecampus.invalid/clients", "name", c->key);
}

/*
 * Reads the statements of the request: a JSON body, or multipart/mixed with
 * the statements first and the attachments' contents after. Fills BLOBS from
 * M (which the caller releases). Replies and returns NULL on failure.
 */
static json_t *read_statements(struct http_request *req, struct multipart *m,
                               struct xapi_blob *blobs, size_t *nblobs, struct xapi_problem *p)
{
    const char *ct = http_header(req, "Content-Type");
    const char *data = req->body.data;
    size_t len = req->body.len;
    char boundary[80];
    *nblobs = 0;
    int multipart = multipart_boundary(ct, boundary, sizeof(boundary)) == 0;
    if (multipart) {
        const char *part_ct;
        if (multipart_parse(data, len, boundary, m) ||
            !(part_ct = multipart_header(&m->part[0], "Content-Type")) ||
            strncasecmp(part_ct, "application/json", 16) != 0) {
            http_reply_error(req, 400, "bad_request", "xapi_multipart", NULL);
            return NULL;
        }
        data = m->part[0].content;
        len = m->part[0].len;
    } else if (!ct || strncasecmp(ct, "application/json", 16) != 0) {
        http_reply_error(req, 400, "bad_request", "unsupported_media_type", NULL);
        return NULL;
    }
    json_t *body;
    int rc = json_read(data, len, JSON_MAX_DEPTH, 0, &body);
    if (rc) {
        http_reply_error(req, 400, rc == JSON_READ_TOO_DEEP ? "json_too_deep" : "bad_json",
                         rc == JSON_READ_TOO_DEEP ? "json_too_deep" : "bad_json", NULL);
        return NULL;
    }
    if (xapi_statements_validate(body, req->xapi_version, p)) {
        json_decref(body);
        api_xapi_reply_problem(req, 400, "bad_request", p);
        return NULL;
    }
    json_t *list = json_is_array(body) ? json_incref(body) : json_pack("[O]", body);
    json_decref(body);
    int err = multipart ? xapi_attachments_check(list, m, blobs, nblobs, p)
                        : xapi_attachments_need_none(list, p);
    if (err) {
        json_decref(list);
        api_xapi_reply_problem(req, 400, "bad_request", p);
        return NULL;
    }
    return list;
}

/* Reads, validates and stores the statements; PUT_ID (PUT) must match. Replies on failure. */
static json_t *store_body(struct http_request *req, const char *put_id)
{
    struct xapi_problem p = {{0}, NULL, {0}};
    struct multipart m = {0};
    struct xapi_blob blobs[MULTIPART_MAX_PARTS];
    size_t nblobs;
    json_t *list = read_statements(req, &m, blobs, &nblobs, &p);
    if (!list) {
        multipart_release(&m);
        return NULL;
    }
    if (put_id) {
        json_t *st = json_array_get(list, 0);
        const char *id = json_string_value(json_object_get(st, "id"));
        if (json_array_size(list) != 1 || (id && strcasecmp(id, put_id) != 0)) {
            json_decref(list);
            multipart_release(&m);
            snprintf(p.path, sizeof(p.path), "id");
            p.msg = "xapi_put_id_mismatch";
            api_xapi_reply_problem(req, 400, "bad_request", &p);
            return NULL;
        }
        json_object_set_new(st, "id", json_string(put_id));
    }
    json_t *authority = client_authority(&req->xapi_client);
    struct xapi_writer w = {req->xapi_client.institution_id, req->xapi_client.id, authority,
                            req->xapi_version};
    json_t *ids = json_array();
    int err = xapi_statements_store(req->db, &w, list, blobs, nblobs, ids, &p);
    json_decref(authority);
    json_decref(list);
    multipart_release(&m);
    if (!err)
        return ids;
    json_decref(ids);
    if (err == XAPI_ERR_CONFLICT)
        api_xapi_reply_problem(req, 409, "conflict", &p);
    else if (err == XAPI_ERR_INVALID)
        api_xapi_reply_problem(req, 400, "bad_request", &p);
    else
        http_reply_error(req, 500, "internal", "internal", NULL);
    return NULL;
}

/* PUT /xapi/statements?statementId=… */
void api_xapi_statements_put(struct http_request *req)
{
    if (api_xapi_scope_or_reply(req, XAPI_SCOPE_STATEMENTS_WRITE))
        return;
    const char *id = http_query(req, "statementId");
    if (!id) {
        api_xapi_reply_param(req, "xapi_param_missing", "statementId");
        return;
    }
    if (!xapi_uuid_valid(id)) {
        api_xapi_reply_param(req, "xapi_param_invalid", "statementId");
        return;
    }
    json_t *ids = store_body(req, id);
    if (!ids)
        return;
    json_decref(ids);
    http_reply_empty(req, 204);
}

/* POST /xapi/statements */
void api_xapi_statements_post(struct http_request *req)
{
    if (api_xapi_scope_or_reply(req, XAPI_SCOPE_STATEMENTS_WRITE))
        return;
    if (http_query(req, "statementId")) {
        api_xapi_reply_param(req, "xapi_param_unknown", "statementId");
        return;
    }
    json_t *ids = store_body(req, NULL);
    if (ids)
        http_reply_json(req, 200, ids);
}

enum format { FORMAT_EXACT, FORMAT_IDS, FORMAT_CANONICAL };

/* Keeps only what identifies an Agent or Group (ids format). */
static json_t *agent_ids(const json_t *agent)
{
    static const char *const ifis[] = {"mbox", "mbox_sha1sum", "openid", "account"};
    json_t *out = json_object();
    json_t *type = json_object_get(agent, "objectType");
    if (type)
        json_object_set(out, "objectType", type);
    for (int i = 0; i < 4; i++) {
        json_t *v = json_object_get(agent, ifis[i]);
        if (v)
            json_object_set(out, ifis[i], v);
    }
    json_t *members = json_object_get(agent, "member");
    if (members && json_object_size(out) <= 1) { /* an anonymous group: its members identify it */
        json_t *list = json_array();
        size_t i;
        json_t *m;
        json_array_foreach (members, i, m)
            json_array_append_new(list, agent_ids(m));
        json_object_set_new(out, "member", list);
    }
    return out;
}

/* Applies the ids format to OBJECT (a statement's object: activity, agent, ref, sub). */
static void object_ids(json_t *st, const char *key);

static void statement_ids(json_t *st)
{
    json_t *v;
    if ((v = json_object_get(st, "actor")))
        json_object_set_new(st, "actor", agent_ids(v));
    if ((v = json_object_get(st, "authority")))
        json_object_set_new(st, "authority", agent_ids(v));
    if ((v = json_object_get(st, "verb")))
        json_object_set_new(st, "verb", json_pack("{s:O}", "id", json_object_get(v, "id")));
    object_ids(st, "object");
    json_t *ctx = json_object_get(st, "context");
    if (ctx) {
        if ((v = json_object_get(ctx, "instructor")))
            json_object_set_new(ctx, "instructor", agent_ids(v));
        if ((v = json_object_get(ctx, "team")))
            json_object_set_new(ctx, "team", agent_ids(v));
        json_t *ca = json_object_get(ctx, "contextActivities"), *list;
        const char *k;
        json_object_foreach (ca, k, list) {
            size_t i;
            json_t *a;
            json_array_foreach (list, i, a)
                json_array_set_new(list, i, json_pack("{s:O}", "id", json_object_get(a, "id")));
        }
    }
}

static void object_ids(json_t *st, const char *key)
{
    json_t *o = json_object_get(st, key);
    const char *type = json_string_value(json_object_get(o, "objectType"));
    if (!o)
        return;
    if (!type || strcmp(type, "Activity") == 0)
        json_object_set_new(st, key, json_pack("{s:O}", "id", json_object_get(o, "id")));
    else if (strcmp(type, "Agent") == 0 || strcmp(type, "Group") == 0)
        json_object_set_new(st, key, agent_ids(o));
    else if (strcmp(type, "SubStatement") == 0)
        statement_ids(o);
}

/* The Accept-Language tags in order of preference (q-values honoured, at most 8). */
struct languages {
    char tag[8][36];
    int n;
};

static void parse_languages(const char *h, struct languages *l)
{
    double q[8];
    l->n = 0;
    while (h && *h && l->n < 8) {
        while (*h == ' ' || *h == ',')
            h++;
        size_t len = strcspn(h, ";,");
        if (!len)
            break;
        double quality = 1;
        const char *semi = h + len;
        if (*semi == ';') {
            const char *qp = strstr(semi, "q=");
            if (qp && qp < semi + strcspn(semi, ","))
                quality = strtod(qp + 2, NULL);
        }
        int i = l->n;
        while (i > 0 && q[i - 1] < quality) { /* stable insertion by q */
            memcpy(l->tag[i], l->tag[i - 1], sizeof(l->tag[i]));
            q[i] = q[i - 1];
            i--;
        }
        snprintf(l->tag[i], sizeof(l->tag[i]), "%.*s", (int)(len < 35 ? len : 35), h);
        char *sp = strchr(l->tag[i], ' ');
        if (sp)
            *sp = 0;
        q[i] = quality;
        l->n++;
        h += len;
        h += strcspn(h, ",");
    }
}

/* Reduces a language map to the one entry the caller prefers. */
static void pick_language(json_t *map, const struct languages *l)
{
    if (!json_is_object(map) || json_object_size(map) <= 1)
        return;
    const char *best = NULL, *k;
    json_t *v;
    for (int i = 0; i < l->n && !best; i++) {
        size_t tl = strlen(l->tag[i]);
        json_object_foreach (map, k, v) {
            if (strcasecmp(k, l->tag[i]) == 0 ||
                (strncasecmp(k, l->tag[i], tl) == 0 && k[tl] == '-') ||
                strcmp(l->tag[i], "*") == 0) {
                best = k;
                break;
            }
        }
    }
    json_t *keep = NULL;
    char *chosen = NULL;
    if (!best) {
        void *it = json_object_iter(map);
        best = json_object_iter_key(it);
    }
    chosen = cc_strdup(best);
    keep = json_incref(json_object_get(map, best));
    json_object_clear(map);
    if (chosen && keep)
        json_object_set(map, chosen, keep);
    json_decref(keep);
    cc_free(chosen);
}

/* Canonical format: every language map (display, name, description) down to one language. */
static void canonical(json_t *v, const struct languages *l)
{
    const char *k;
    json_t *child;
    if (json_is_array(v)) {
        size_t i;
        json_array_foreach (v, i, child)
            canonical(child, l);
        return;
    }
    if (!json_is_object(v))
        return;
    json_object_foreach (v, k, child) {
        if (!strcmp(k, "extensions"))
            continue;
        if (!strcmp(k, "display") || !strcmp(k, "name") || !strcmp(k, "description")) {
            if (json_is_object(child))
                pick_language(child, l);
            continue;
        }
        canonical(child, l);
    }
}

/* Appends statement TEXT to OUT in FORMAT. */
static int append_formatted(struct buf *out, const char *text, enum format f,
                            const struct languages *l)
{
    if (f == FORMAT_EXACT)
        return buf_adds(out, text);
    json_t *st = json_loads(text, 0, NULL);
    if (!st)
        return -1;
    if (f == FORMAT_IDS)
        statement_ids(st);
    else
        canonical(st, l);
    int err = json_write(st, out);
    json_decref(st);
    return err;
}

struct page {
    struct buf *out;
    enum format format;
    const struct languages *langs;
    int64_t last_seq;
    int count;
    int err;
};

static int page_add(void *ctx, int64_t seq, const char *json)
{
    struct page *p = ctx;
    if ((p->count++ && buf_addc(p->out, ',')) ||
        append_formatted(p->out, json, p->format, p->langs)) {
        p->err = 1;
        return 1;
    }
    p->last_seq = seq;
    return 0;
}

/* The parameters GET /xapi/statements takes; anything else is a 400. */
static const char *const get_params[] = {
    "statementId",        "voidedStatementId", "agent", "verb",  "activity", "registration",
    "related_activities", "related_agents",    "since", "until", "limit",    "format",
    "attachments",        "ascending",         "more",  NULL};

static int check_param(void *ctx, const char *key, const char *value)
{
    for (int i = 0; get_params[i]; i++)
        if (strcmp(key, get_params[i]) == 0)
            return 0;
    *(const char **)ctx = key;
    return 1;
}

/* "true"/"false" into *OUT; -1 for anything else. */
static int parse_bool(const char *s, int *out)
{
    if (!s)
        return 0;
    if (!strcmp(s, "true"))
        *out = 1;
    else if (!strcmp(s, "false"))
        *out = 0;
    else
        return -1;
    return 0;
}

/* A timestamp parameter as a UTC millisecond string; replies 400 and returns -1 when bad. */
static int time_param(struct http_request *req, const char *name, char out[32], const char **set)
{
    const char *v = http_query(req, name);
    int64_t ms;
    *set = NULL;
    if (!v)
        return 0;
    if (time_parse_iso8601(v, &ms)) {
        api_xapi_reply_param(req, "xapi_param_invalid", name);
        return -1;
    }
    time_format_ms(ms, out);
    *set = out;
    return 0;
}

/* The cursor of a "more" link: the query and where the page ended, as base64url JSON. */
static int more_link(struct buf *out, const struct xapi_query *q, enum format f, int attachments,
                     int64_t after)
{
    json_t *o = json_pack("{s:I, s:i, s:i, s:i, s:i, s:i, s:b}", "after", (json_int_t)after,
                          "limit", q->limit, "asc", q->ascending, "ra", q->related_agents, "rac",
                          q->related_activities, "f", (int)f, "att", attachments);
    if (q->agent)
        json_object_set_new(o, "agent", json_string(q->agent));
    if (q->verb)
        json_object_set_new(o, "verb", json_string(q->verb));
    if (q->activity)
        json_object_set_new(o, "activity", json_string(q->activity));
    if (q->registration)
        json_object_set_new(o, "reg", json_string(q->registration));
    if (q->since)
        json_object_set_new(o, "since", json_string(q->since));
    if (q->until)
        json_object_set_new(o, "until", json_string(q->until));
    char *text = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (!text)
        return -1;
    size_t n = strlen(text),
           cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *enc = cc_malloc(cap);
    int err = -1;
    if (enc) {
        secret_base64url((const unsigned char *)text, n, enc, cap);
        err = buf_addf(out, "/xapi/statements?more=%s", enc);
    }
    cc_free(enc);
    free(text);
    return err;
}

/* Decodes a "more" cursor into Q (strings point into *HOLD, which the caller frees). */
static int decode_more(const char *token, struct xapi_query *q, enum format *f, int *attachments,
                       json_t **hold)
{
    size_t n = strlen(token), len;
    unsigned char *raw = cc_malloc(n + 1);
    *hold = NULL;
    if (!raw || sodium_base642bin(raw, n, token, n, NULL, &len, NULL,
                                  sodium_base64_VARIANT_URLSAFE_NO_PADDING)) {
        cc_free(raw);
        return -1;
    }
    json_t *o = json_loadb((const char *)raw, len, 0, NULL);
    cc_free(raw);
    if (!json_is_object(o)) {
        json_decref(o);
        return -1;
    }
    q->after = json_integer_value(json_object_get(o, "after"));
    q->limit = (int)json_integer_value(json_object_get(o, "limit"));
    q->ascending = (int)json_integer_value(json_object_get(o, "asc"));
    q->related_agents = (int)json_integer_value(json_object_get(o, "ra"));
    q->related_activities = (int)json_integer_value(json_object_get(o, "rac"));
    *f = (enum format)json_integer_value(json_object_get(o, "f"));
    *attachments = json_is_true(json_object_get(o, "att"));
    q->agent = json_get_str(o, "agent");
    q->verb = json_get_str(o, "verb");
    q->activity = json_get_str(o, "activity");
    q->registration = json_get_str(o, "reg");
    q->since = json_get_str(o, "since");
    q->until = json_get_str(o, "until");
    *hold = o;
    if (q->limit < 1 || q->limit > XAPI_QUERY_MAX || q->after < 0 || *f > FORMAT_CANONICAL)
        return -1;
    return 0;
}

/*
 * attachments=true: turns the JSON reply in req->out into multipart/mixed,
 * the JSON first and then each attachment's content once. SINGLE: the reply
 * is one statement rather than a StatementResult.
 */
static int wrap_attachments(struct http_request *req, int single)
{
    json_t *reply = json_loadb(req->out.data, req->out.len, 0, NULL);
    if (!reply)
        return -1;
    json_t *list =
        single ? json_pack("[O]", reply) : json_incref(json_object_get(reply, "statements"));
    char boundary[40], token[SECRET_TOKEN_LEN + 1];
    secret_token(token);
    snprintf(boundary, sizeof(boundary), "cc-%.32s", token);
    struct buf out;
    buf_init(&out, HTTP_LARGE_MAX * 4);
    int err = buf_addf(&out, "--%s\r\nContent-Type: application/json\r\n\r\n", boundary) ||
              buf_add(&out, req->out.data, req->out.len) ||
              xapi_attachments_write_parts(req->db, req->xapi_client.institution_id, list, boundary,
                                           &out) ||
              buf_addf(&out, "\r\n--%s--\r\n", boundary);
    json_decref(list);
    json_decref(reply);
    if (err) {
        buf_release(&out);
        return -1;
    }
    buf_release(&req->out);
    req->out = out;
    char ct[80];
    snprintf(ct, sizeof(ct), "multipart/mixed; boundary=%s", boundary);
    http_add_header(req, "Content-Type", ct);
    req->content_type = NULL;
    return 0;
}

/* The client whose statements alone this request may read (statements/read/mine), or 0. */
static int64_t mine_only(const struct http_request *req)
{
    return xapi_scope_allows(req->xapi_client.scopes, XAPI_SCOPE_STATEMENTS_READ)
               ? 0
               : req->xapi_client.id;
}

/* GET /xapi/statements?statementId= or voidedStatementId=: one statement. */
static void get_one(struct http_request *req, const char *id, int voided, enum format f,
                    const struct languages *langs, int attachments)
{
    static const char *const allowed[] = {"statementId", "voidedStatementId", "format",
                                          "attachments", NULL};
    for (int i = 0; get_params[i]; i++) {
        int ok = 0;
        for (int j = 0; allowed[j]; j++)
            ok |= !strcmp(get_params[i], allowed[j]);
        if (!ok && http_query(req, get_params[i])) {
            api_xapi_reply_param(req, "xapi_param_unknown", get_params[i]);
            return;
        }
    }
    if (http_query(req, "statementId") && http_query(req, "voidedStatementId")) {
        api_xapi_reply_param(req, "xapi_param_unknown", "voidedStatementId");
        return;
    }
    if (!xapi_uuid_valid(id)) {
        api_xapi_reply_param(req, "xapi_param_invalid",
                             voided ? "voidedStatementId" : "statementId");
        return;
    }
    char *text;
    int err = xapi_statement_get(req->db, req->xapi_client.institution_id, id, voided,
                                 mine_only(req), &text);
    if (err == XAPI_ERR_NOT_FOUND) {
        http_reply_error(req, 404, "not_found", "not_found", NULL);
        return;
    }
    if (err) {
        http_reply_error(req, 500, "internal", "internal", NULL);
        return;
    }
    http_reply_empty(req, 200);
    if (append_formatted(&req->out, text, f, langs)) {
        cc_free(text);
        http_reply_error(req, 500, "internal", "internal", NULL);
        return;
    }
    json_t *st = json_loads(text, 0, NULL);
    const char *stored = json_get_str(st, "stored");
    int64_t ms;
    if (stored && time_parse_iso8601(stored, &ms) == 0) {
        char lm[64];
        time_t t = (time_t)(ms / 1000);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(lm, sizeof(lm), "%a, %d %b %Y %H:%M:%S GMT", &tm);
        http_add_header(req, "Last-Modified", lm);
    }
    json_decref(st);
    cc_free(text);
    req->content_type = "application/json; charset=utf-8";
    if (attachments && wrap_attachments(req, 1))
        http_reply_error(req, 500, "internal", "internal", NULL);
}

/* GET /xapi/statements */
void api_xapi_statements_get(struct http_request *req)
{
    char now[32];
    xapi_now(now);
    http_add_header(req, "X-Experience-API-Consistent-Through", now);
    if (api_xapi_scope_or_reply(req, XAPI_SCOPE_STATEMENTS_READ | XAPI_SCOPE_STATEMENTS_READ_MINE))
        return;
    const char *unknown = NULL;
    if (http_query_foreach(req, check_param, &unknown)) {
        api_xapi_reply_param(req, "xapi_param_unknown", unknown);
        return;
    }
    struct languages langs;
    parse_languages(http_header(req, "Accept-Language"), &langs);
    enum format f = FORMAT_EXACT;
    const char *fmt = http_query(req, "format");
    if (fmt) {
        if (!strcmp(fmt, "ids"))
            f = FORMAT_IDS;
        else if (!strcmp(fmt, "canonical"))
            f = FORMAT_CANONICAL;
        else if (strcmp(fmt, "exact")) {
            api_xapi_reply_param(req, "xapi_param_invalid", "format");
            return;
        }
    }
    int attachments = 0;
    if (parse_bool(http_query(req, "attachments"), &attachments)) {
        api_xapi_reply_param(req, "xapi_param_invalid", "attachments");
        return;
    }
    const char *id = http_query(req, "statementId"), *vid = http_query(req, "voidedStatementId");
    if (id || vid) {
        get_one(req, id ? id : vid, !id, f, &langs, attachments);
        return;
    }

    struct xapi_query q = {0};
    json_t *hold = NULL, *agent = NULL;
    char agent_key[600], since[32], until[32];
    const char *more = http_query(req, "more");
    if (more) {
        if (decode_more(more, &q, &f, &attachments, &hold)) {
            json_decref(hold);
            api_xapi_reply_param(req, "xapi_param_invalid", "more");
            return;
        }
    } else {
        if (http_query(req, "agent") &&
            !(agent = api_xapi_agent_param_or_reply(req, "agent", 0, agent_key, sizeof(agent_key))))
            return;
        json_decref(agent);
        q.agent = agent ? agent_key : NULL;
        q.verb = http_query(req, "verb");
        q.activity = http_query(req, "activity");
        q.registration = http_query(req, "registration");
        if (q.verb && !xapi_iri_valid(q.verb)) {
            api_xapi_reply_param(req, "xapi_param_invalid", "verb");
            return;
        }
        if (q.activity && !xapi_iri_valid(q.activity)) {
            api_xapi_reply_param(req, "xapi_param_invalid", "activity");
            return;
        }
        if (q.registration && !xapi_uuid_valid(q.registration)) {
            api_xapi_reply_param(req, "xapi_param_invalid", "registration");
            return;
        }
        if (parse_bool(http_query(req, "related_agents"), &q.related_agents)) {
            api_xapi_reply_param(req, "xapi_param_invalid", "related_agents");
            return;
        }
        if (parse_bool(http_query(req, "related_activities"), &q.related_activities)) {
            api_xapi_reply_param(req, "xapi_param_invalid", "related_activities");
            return;
        }
        if (parse_bool(http_query(req, "ascending"), &q.ascending)) {
            api_xapi_reply_param(req, "xapi_param_invalid", "ascending");
            return;
        }
        if (time_param(req, "since", since, &q.since) || time_param(req, "until", until, &q.until))
            return;
        const char *limit = http_query(req, "limit");
        q.limit = DEFAULT_LIMIT;
        if (limit) {
            char *end;
            long v = strtol(limit, &end, 10);
            if (!*limit || *end || v < 0) {
                api_xapi_reply_param(req, "xapi_param_invalid", "limit");
                return;
            }
            q.limit = v == 0 || v > XAPI_QUERY_MAX ? XAPI_QUERY_MAX : (int)v;
        }
    }

    q.client_id = mine_only(req);
    http_reply_empty(req, 200);
    struct page page = {&req->out, f, &langs, 0, 0, 0};
    int has_more = 0;
    int err = buf_adds(&req->out, "{\"statements\":[");
    if (!err)
        err = xapi_statements_query(req->db, req->xapi_client.institution_id, &q, page_add, &page,
                                    &has_more);
    err = err || page.err || buf_adds(&req->out, "],\"more\":\"");
    if (!err && has_more)
        err = more_link(&req->out, &q, f, attachments, page.last_seq);
    err = err || buf_adds(&req->out, "\"}");
    json_decref(hold);
    if (err) {
        http_reply_error(req, 500, "internal", "internal", NULL);
        return;
    }
    req->content_type = "application/json; charset=utf-8";
    if (attachments && wrap_attachments(req, 0))
        http_reply_error(req, 500, "internal", "internal", NULL);
}

/* GET /xapi/activities?activityId= */
/* Reading activities and agents: any scope but writing statements alone. */
#define READ_SCOPES                                                                                \
    (XAPI_SCOPE_STATEMENTS_READ | XAPI_SCOPE_STATEMENTS_READ_MINE | XAPI_SCOPE_ALL_READ |          \
     XAPI_SCOPE_DEFINE | XAPI_SCOPE_PROFILE | XAPI_SCOPE_STATE)

void api_xapi_activities_get(struct http_request *req)
{
    if (api_xapi_scope_or_reply(req, READ_SCOPES))
        return;
    const char *id = http_query(req, "activityId");
    if (!id) {
        api_xapi_reply_param(req, "xapi_param_missing", "activityId");
        return;
    }
    if (!xapi_iri_valid(id)) {
        api_xapi_reply_param(req, "xapi_param_invalid", "activityId");
        return;
    }
    char *def = NULL;
    int err = xapi_activity_get(req->db, req->xapi_client.institution_id, id, &def);
    if (err && err != XAPI_ERR_NOT_FOUND) {
        http_reply_error(req, 500, "internal", "internal", NULL);
        return;
    }
    json_t *activity = json_pack("{s:s, s:s}", "objectType", "Activity", "id", id);
    json_t *d = def ? json_loads(def, 0, NULL) : NULL;
    if (d)
        json_object_set_new(activity, "definition", d);
    cc_free(def);
    http_reply_json(req, 200, activity);
}

/* GET /xapi/agents?agent=: the Person object of an agent (everything known of its identity). */
void api_xapi_agents_get(struct http_request *req)
{
    if (api_xapi_scope_or_reply(req, READ_SCOPES))
        return;
    char key[600];
    json_t *agent = api_xapi_agent_param_or_reply(req, "agent", 1, key, sizeof(key));
    if (!agent)
        return;
    json_t *person = json_pack("{s:s}", "objectType", "Person");
    static const char *const props[] = {"name", "mbox", "mbox_sha1sum", "openid", "account"};
    for (int i = 0; i < 5; i++) {
        json_t *v = json_object_get(agent, props[i]);
        if (v)
            json_object_set_new(person, props[i], json_pack("[O]", v));
    }
    json_decref(agent);
    http_reply_json(req, 200, person);
}
