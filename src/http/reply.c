/* The reply and lookup helpers of http/request.h. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/request.h"
#include "http/router.h"
#include "http/headers.h"
#include "util/json.h"
#include "util/log.h"
#include "util/banned.h"

void http_reply_json(struct http_request *req, unsigned status, json_t *v)
{
    buf_reset(&req->out);
    if (!v || json_write(v, &req->out)) {
        LOG_ERROR("http: cannot serialise a reply");
        buf_release(&req->out);
        status = 500;
        if (buf_adds(&req->out, "{\"error\":{\"code\":\"internal\",\"message\":\"\"}}"))
            buf_release(&req->out);
    }
    json_decref(v);
    req->status = status;
    req->content_type = "application/json; charset=utf-8";
}

void http_reply_empty(struct http_request *req, unsigned status)
{
    buf_release(&req->out);
    req->status = status;
    req->content_type = NULL;
}

json_t *http_error_object(const char *code, const char *message, const char *field)
{
    json_t *e = json_pack("{s:s, s:s}", "code", code, "message", message);
    if (e && field)
        json_object_set_new(e, "field", json_string(field));
    return e;
}

void http_reply_error_object(struct http_request *req, unsigned status, json_t *error)
{
    http_reply_json(req, status, json_pack("{s:o}", "error", error));
}

void http_reply_error(struct http_request *req, unsigned status, const char *code,
                      const char *msg_id, const char *field)
{
    http_reply_error_object(req, status,
                            http_error_object(code, i18n_text(msg_id, req->lang), field));
}

void http_add_header(struct http_request *req, const char *name, const char *value)
{
    if (buf_add(&req->headers, name, strlen(name) + 1) ||
        buf_add(&req->headers, value, strlen(value) + 1))
        LOG_ERROR("http: response headers too large");
}

/* A member of OBJ whose name equals NAME ignoring case (header names are case-insensitive). */
static const char *get_ci(const json_t *obj, const char *name)
{
    const char *k;
    json_t *v;
    json_object_foreach ((json_t *)obj, k, v)
        if (strcasecmp(k, name) == 0)
            return json_string_value(v);
    return NULL;
}

const char *http_header(struct http_request *req, const char *name)
{
    if (req->alt_headers) {
        const char *v = get_ci(req->alt_headers, name);
        /* The outer request's Content-Type is the form's own, never the content's. */
        if (v || strcasecmp(name, "Content-Type") == 0)
            return v;
    }
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

struct arg_find {
    const char *name, *value;
    int found;
};

static enum MHD_Result find_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *value)
{
    struct arg_find *f = cls;
    if (strcmp(key, f->name) != 0)
        return MHD_YES;
    f->value = value ? value : "";
    f->found = 1;
    return MHD_NO;
}

const char *http_query(struct http_request *req, const char *name)
{
    if (req->alt_params)
        return json_string_value(json_object_get(req->alt_params, name));
    /* Parameter names are case-sensitive (libmicrohttpd's own lookup is not). */
    struct arg_find f = {name, NULL, 0};
    MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, find_arg, &f);
    return f.value;
}

const char *http_cookie(struct http_request *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

struct arg_walk {
    http_arg_fn fn;
    void *ctx;
    int stopped;
};

static enum MHD_Result each_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *value)
{
    struct arg_walk *w = cls;
    w->stopped = w->fn(w->ctx, key, value);
    return w->stopped ? MHD_NO : MHD_YES;
}

int http_query_foreach(struct http_request *req, http_arg_fn fn, void *ctx)
{
    if (req->alt_params) {
        const char *k;
        json_t *v;
        json_object_foreach (req->alt_params, k, v) {
            int stop = fn(ctx, k, json_string_value(v));
            if (stop)
                return stop;
        }
        return 0;
    }
    struct arg_walk w = {fn, ctx, 0};
    MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, each_arg, &w);
    return w.stopped;
}

void http_client_address(struct http_request *req, char *out, size_t size)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, size, "?");
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)size);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, (socklen_t)size);
}

/* Does the Content-Type header name TYPE (ignoring parameters and case)? */
static int content_type_is(struct http_request *req, const char *type)
{
    const char *ct = http_header(req, MHD_HTTP_HEADER_CONTENT_TYPE);
    size_t n = strlen(type);
    return ct && strncasecmp(ct, type, n) == 0 && (ct[n] == 0 || ct[n] == ';' || ct[n] == ' ');
}

json_t *http_json_body_or_reply(struct http_request *req)
{
    if (!content_type_is(req, "application/json")) {
        http_reply_error(req, 415, "unsupported_media_type", "unsupported_media_type", NULL);
        return NULL;
    }
    json_t *v;
    int err = json_read(req->body.data, req->body.len, JSON_MAX_DEPTH, 1, &v);
    if (err == JSON_READ_TOO_DEEP) {
        http_reply_error(req, 400, "json_too_deep", "json_too_deep", NULL);
        return NULL;
    }
    if (err) {
        http_reply_error(req, 400, "bad_json", "bad_json", NULL);
        return NULL;
    }
    return v;
}

int64_t http_param_id_or_reply(struct http_request *req, int i)
{
    const char *s = req->param[i];
    char *end;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || *end || v <= 0 || *s == '+' || *s == '-' || *s == ' ') {
        http_reply_error(req, 400, "bad_request", "bad_request", NULL);
        return 0;
    }
    return v;
}

int http_require_role_or_reply(struct http_request *req, unsigned roles)
{
    if (req->logged_in && (roles & HTTP_ROLE(req->session.user.role)))
        return 0;
    http_reply_error(req, 403, "forbidden", "forbidden", NULL);
    return -1;
}

static pthread_mutex_t constants_lock = PTHREAD_MUTEX_INITIALIZER;
static struct http_constant *constants;

void http_reply_constant(struct http_request *req, struct http_constant *c)
{
    struct MHD_Response *r = __atomic_load_n(&c->response, __ATOMIC_ACQUIRE);
    if (!r) {
        pthread_mutex_lock(&constants_lock);
        if (!(r = c->response)) {
            r = MHD_create_response_from_buffer(strlen(c->body), (void *)c->body,
                                                MHD_RESPMEM_PERSISTENT);
            if (r) {
                http_security_headers(r, strncmp(req->path, "/api/", 5) == 0);
                MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, c->content_type);
                c->next = constants;
                constants = c;
                __atomic_store_n(&c->response, r, __ATOMIC_RELEASE);
            }
        }
        pthread_mutex_unlock(&constants_lock);
        if (!r) {
            http_reply_error(req, 500, "internal", "internal", NULL);
            return;
        }
    }
    req->status = c->status;
    req->prebuilt = r;
}

void http_constants_release(void)
{
    pthread_mutex_lock(&constants_lock);
    for (struct http_constant *c = constants; c; c = c->next) {
        MHD_destroy_response(c->response);
        c->response = NULL;
    }
    constants = NULL;
    pthread_mutex_unlock(&constants_lock);
}
