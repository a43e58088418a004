#include "http/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "auth/ratelimit.h"
#include "http/headers.h"
#include "http/sse_server.h"
#include "http/static.h"
#include "util/alloc.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/banned.h"

struct http_server {
    struct MHD_Daemon *daemon;
    struct http_context ctx;
    atomic_int in_flight;
    uint16_t port;
};

#define CSP                                                                                        \
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "              \
    "connect-src 'self'; font-src 'self'; object-src 'none'; frame-ancestors 'none'; "             \
    "base-uri 'none'; form-action 'self'"

void http_security_headers(struct MHD_Response *r, int api)
{
    MHD_add_response_header(r, "Content-Security-Policy", CSP);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
    if (api)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
}

static enum http_method parse_method(const char *m)
{
    static const struct {
        const char *name;
        enum http_method method;
    } methods[] = {{"GET", HTTP_GET},        {"HEAD", HTTP_HEAD},   {"POST", HTTP_POST},
                   {"PUT", HTTP_PUT},        {"PATCH", HTTP_PATCH}, {"DELETE", HTTP_DELETE},
                   {"OPTIONS", HTTP_OPTIONS}};
    for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
        if (strcmp(m, methods[i].name) == 0)
            return methods[i].method;
    return HTTP_OTHER;
}

static int is_xapi(const char *path)
{
    return strncmp(path, "/xapi/", 6) == 0 || strcmp(path, "/xapi") == 0;
}

/*
 * /api/ (the app), /xapi/ (the LRS), /ims/ (1EdTech services such as the CASE
 * provider), and the public documents of credentials: did:web documents
 * (/.well-known/did.json, /institutions/ID/did.json) and status lists
 * (/credentials/status/...).
 */
static int is_api(const char *path)
{
    return strncmp(path, "/api/", 5) == 0 || strcmp(path, "/api") == 0 || is_xapi(path) ||
           strncmp(path, "/ims/", 5) == 0 || strcmp(path, "/.well-known/did.json") == 0 ||
           strncmp(path, "/institutions/", 14) == 0 || strncmp(path, "/credentials/", 13) == 0;
}

static void allow_header(struct http_request *req, unsigned allowed)
{
    static const char *const names[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"};
    char list[64] = "";
    size_t n = 0;
    for (int i = 0; i < 6; i++)
        if (allowed & (1u << i))
            n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", n ? ", " : "", names[i]);
    http_add_header(req, "Allow", list);
}

/* Looks up the session cookie; sets req->session and the caller's language. */
static int resolve_session(struct http_request *req)
{
    const char *token = http_cookie(req, "cc_session");
    if (!token)
        return 0;
    int err = auth_session_resolve(req->db, token, &req->session);
    if (err == AUTH_ERR_NOT_FOUND)
        return 0;
    if (err)
        return -1;
    req->logged_in = 1;
    int lang = lang_parse(req->session.user.lang);
    if (lang >= 0)
        req->lang = (enum lang)lang;
    return 0;
}

/* The headers the alternate syntax may carry in its form (xAPI 1.0.3, 1.3 "Alternate Request
 * Syntax"). */
static int is_alt_header(const char *name)
{
    static const char *const names[] = {
        "Authorization", "X-Experience-API-Version", "Content-Type", "Content-Length", "If-Match",
        "If-None-Match", "Accept-Language"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcasecmp(name, names[i]) == 0)
            return 1;
    return 0;
}

/*
 * Turns a POST /xapi/…?method=M with a form body into the request it stands
 * for: method M, the form's parameters as the query, its headers as headers
 * and its "content" as the body. Returns 0, or -1 after replying.
 */
static int xapi_alternate(struct http_request *req)
{
    const char *method = MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, "method");
    const char *ct = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, "Content-Type");
    unsigned nargs =
        (unsigned)MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, NULL, NULL);
    enum http_method m = parse_method(method);
    if (nargs != 1 || !(m & (HTTP_GET | HTTP_PUT | HTTP_POST | HTTP_DELETE | HTTP_HEAD)) || !ct ||
        strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0) {
        http_reply_error(req, 400, "bad_request", "bad_request", "method");
        return -1;
    }
    req->alt_params = json_object();
    req->alt_headers = json_object();
    struct buf content;
    buf_init(&content, HTTP_LARGE_MAX);
    /* Form fields: name=value pairs joined by '&', '+' for space, %XX escapes. */
    for (char *f = req->body.data, *end = f + req->body.len; f < end;) {
        char *amp = memchr(f, '&', (size_t)(end - f));
        if (!amp)
            amp = end;
        *amp = 0;
        char *eq = strchr(f, '=');
        if (eq) {
            *eq = 0;
            for (char *c = eq + 1; *c; c++)
                if (*c == '+')
                    *c = ' ';
            http_url_decode(f);
            http_url_decode(eq + 1);
            if (strcmp(f, "content") == 0) {
                if (buf_adds(&content, eq + 1))
                    break;
            } else {
                json_object_set_new(is_alt_header(f) ? req->alt_headers : req->alt_params, f,
                                    json_string(eq + 1));
            }
        }
        f = amp + 1;
    }
    /* The content is JSON unless the form says otherwise. */
    if (!json_object_get(req->alt_headers, "Content-Type"))
        json_object_set_new(req->alt_headers, "Content-Type", json_string("application/json"));
    buf_release(&req->body);
    req->body = content;
    req->method = m;
    req->method_name = method;
    unsigned allowed;
    req->route = http_route_match(req->ctx->routes, req->ctx->nroutes, m, req->path, req->param,
                                  req->param_buf, sizeof(req->param_buf), &allowed);
    if (!req->route) {
        http_reply_error(req, 405, "method_not_allowed", "method_not_allowed", NULL);
        return -1;
    }
    return 0;
}

/*
 * xAPI routes: the version header and the LRS client's Basic credentials.
 * Returns 0 to go on, or -1 after replying.
 */
static int xapi_gate(struct http_request *req)
{
    unsigned flags = req->route->flags;
    const char *v = http_header(req, "X-Experience-API-Version");
    req->xapi_version = xapi_version_parse(v);
    if (flags & HTTP_XAPI_OPEN)
        return 0;
    if (!v) {
        req->xapi_version = req->ctx->xapi_default;
        http_reply_error(req, 400, "bad_request", "xapi_version_missing", NULL);
        return -1;
    }
    if (!req->xapi_version) {
        req->xapi_version = req->ctx->xapi_default;
        http_reply_error(req, 400, "bad_request", "xapi_version_unsupported", NULL);
        return -1;
    }
    const char *auth = http_header(req, "Authorization");
    char decoded[256];
    size_t len = 0;
    int ok =
        auth && strncasecmp(auth, "Basic ", 6) == 0 &&
        sodium_base642bin((unsigned char *)decoded, sizeof(decoded) - 1, auth + 6, strlen(auth + 6),
                          " ", &len, NULL, sodium_base64_VARIANT_ORIGINAL) == 0;
    char *colon = ok ? memchr(decoded, ':', len) : NULL;
    if (colon) {
        decoded[len] = 0;
        *colon = 0;
        int err = xapi_client_authenticate(req->db, decoded, colon + 1, &req->xapi_client);
        if (err == XAPI_ERR_STORE) {
            http_reply_error(req, 500, "internal", "internal", NULL);
            return -1;
        }
        ok = err == XAPI_OK;
    } else {
        ok = 0;
    }
    sodium_memzero(decoded, sizeof(decoded));
    if (!ok) {
        http_add_header(req, "WWW-Authenticate", "Basic realm=\"CareCampus LRS\"");
        http_reply_error(req, 401, "unauthenticated", "xapi_auth_required", NULL);
        return -1;
    }
    return 0;
}

static int changes_state(enum http_method m)
{
    return m & (HTTP_POST | HTTP_PUT | HTTP_PATCH | HTTP_DELETE);
}

static void dispatch_api(struct http_request *req)
{
    struct http_context *ctx = req->ctx;
    if (!req->route) {
        unsigned allowed;
        char scratch[256];
        const char *params[HTTP_MAX_PARAMS];
        http_route_match(ctx->routes, ctx->nroutes, req->method, req->path, params, scratch,
                         sizeof(scratch), &allowed);
        if (allowed) {
            allow_header(req, allowed);
            http_reply_error(req, 405, "method_not_allowed", "method_not_allowed", NULL);
        } else {
            http_reply_error(req, 404, "not_found", "not_found", NULL);
        }
        return;
    }
    if (req->body_too_large) {
        http_reply_error(req, 413, "payload_too_large", "payload_too_large", NULL);
        return;
    }
    unsigned flags = req->route->flags;
    if (flags & (HTTP_XAPI | HTTP_XAPI_OPEN)) {
        if (store_pool_get(ctx->pool, &req->db)) {
            http_reply_error(req, 500, "internal", "internal", NULL);
            return;
        }
        int alternate = req->method == HTTP_POST &&
                        MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, "method");
        if (alternate && xapi_alternate(req))
            return;
        if (xapi_gate(req) == 0) {
            if (alternate && req->xapi_version != XAPI_V103)
                http_reply_error(req, 400, "bad_request", "xapi_alternate_syntax", "method");
            else
                req->route->handler(req);
        }
        store_rollback(req->db);
        return;
    }
    if (!(flags & HTTP_NO_SESSION)) {
        if (store_pool_get(ctx->pool, &req->db) || resolve_session(req)) {
            http_reply_error(req, 500, "internal", "internal", NULL);
            return;
        }
    }
    if (!(flags & HTTP_PUBLIC) && !req->logged_in) {
        http_reply_error(req, 401, "unauthenticated", "unauthenticated", NULL);
        return;
    }
    if (req->logged_in && changes_state(req->method) && !(flags & HTTP_NO_CSRF)) {
        const char *token = http_header(req, "X-CSRF-Token");
        if (!token || !secret_equal(token, req->session.csrf)) {
            http_reply_error(req, 403, "csrf_failed", "csrf_failed", NULL);
            return;
        }
    }
    req->route->handler(req);
    if (req->db)
        store_rollback(req->db); /* a handler that failed midway never leaves a transaction open */
}

static enum MHD_Result queue(struct http_request *req)
{
    struct MHD_Response *r = req->prebuilt;
    int api = is_api(req->path);
    if (req->sse) {
        /* An event stream: the response owns it from here. */
        r = http_sse_response(req->sse, req->conn);
        req->sse = NULL;
        if (!r)
            return MHD_NO;
    } else if (!r) {
        size_t len;
        char *body = buf_detach(&req->out, &len);
        if (!body)
            return MHD_NO;
        r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
        if (!r) {
            cc_free(body);
            return MHD_NO;
        }
        http_security_headers(r, api);
        if (req->content_type)
            MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, req->content_type);
    }
    if (is_xapi(req->path) && !req->prebuilt)
        MHD_add_response_header(
            r, "X-Experience-API-Version",
            xapi_version_name(req->xapi_version ? req->xapi_version : req->ctx->xapi_default));
    for (const char *h = req->headers.data; h < req->headers.data + req->headers.len;) {
        const char *v = h + strlen(h) + 1;
        MHD_add_response_header(r, h, v);
        h = v + strlen(v) + 1;
    }
    enum MHD_Result ok = MHD_queue_response(req->conn, req->status ? req->status : 500, r);
    if (!req->prebuilt)
        MHD_destroy_response(r);
    return ok;
}

static void request_free(struct http_request *req)
{
    http_sse_discard(req->sse); /* a stream never sent */
    json_decref(req->alt_params);
    json_decref(req->alt_headers);
    buf_release(&req->body);
    buf_release(&req->out);
    buf_release(&req->headers);
    cc_free(req);
}

#define HEADERS_MAX (16 * 1024)

static enum MHD_Result add_header_size(void *cls, enum MHD_ValueKind kind, const char *key,
                                       const char *value)
{
    size_t *total = cls;
    *total += strlen(key) + (value ? strlen(value) : 0) + 4; /* ": " and CRLF */
    return MHD_YES;
}

/* The size of the request line and headers as sent, near enough. */
static size_t headers_size(struct MHD_Connection *conn, const char *url)
{
    size_t total = strlen(url) + 16;
    MHD_get_connection_values(conn, MHD_HEADER_KIND, add_header_size, &total);
    return total;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
    struct http_server *srv = cls;
    struct http_request *req = *con_cls;

    if (!req) {
        req = cc_calloc(1, sizeof(*req));
        if (!req)
            return MHD_NO;
        req->start_ns = time_mono_ns();
        req->conn = conn;
        req->ctx = &srv->ctx;
        req->method_name = method;
        req->method = parse_method(method);
        req->path = url;
        req->lang =
            lang_from_accept(MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept-Language"));
        unsigned allowed;
        if (is_api(url))
            req->route =
                http_route_match(srv->ctx.routes, srv->ctx.nroutes, req->method, url, req->param,
                                 req->param_buf, sizeof(req->param_buf), &allowed);
        size_t max = http_route_body_max(req->route);
        buf_init(&req->body, max);
        /* A reply may be as large as the largest body it gives back (a 32 MiB CASE package). */
        buf_init(&req->out, 48u << 20);
        buf_init(&req->headers, 4096);
        *con_cls = req;
        atomic_fetch_add(&srv->in_flight, 1);

        /*
         * libmicrohttpd refuses headers that do not fit its per-connection
         * memory (32 KiB) with 431 itself; the documented limit is 16 KiB.
         */
        if (headers_size(conn, url) > HEADERS_MAX) {
            http_reply_empty(req, 431);
            req->body_too_large = 1;
            return queue(req);
        }
        /* A declared length over the limit is refused before the body is read. */
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        if (cl && strtoull(cl, NULL, 10) > (max ? max : HTTP_JSON_MAX)) {
            req->body_too_large = 1;
            http_reply_error(req, 413, "payload_too_large", "payload_too_large", NULL);
            return queue(req);
        }
        return MHD_YES;
    }

    if (*upload_size) {
        req->body_bytes += *upload_size;
        if (!req->body_too_large && buf_add(&req->body, upload_data, *upload_size))
            req->body_too_large = 1;
        *upload_size = 0;
        /* Reading on long past the limit only wastes time: drop the connection. */
        if (req->body_too_large && !req->status && req->body_bytes > 4 * (uint64_t)HTTP_CSV_MAX) {
            http_reply_error(req, 413, "payload_too_large", "payload_too_large", NULL);
            return queue(req);
        }
        return MHD_YES;
    }

    if (req->status)
        return MHD_YES; /* already answered */
    if (is_api(req->path)) {
        dispatch_api(req);
    } else if (req->method & (HTTP_GET | HTTP_HEAD)) {
        http_static_serve(req, srv->ctx.web_dir);
    } else {
        http_add_header(req, "Allow", "GET, HEAD");
        http_reply_error(req, 405, "method_not_allowed", "method_not_allowed", NULL);
    }
    return queue(req);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct http_server *srv = cls;
    struct http_request *req = *con_cls;
    if (!req)
        return;
    double ms = (double)(time_mono_ns() - req->start_ns) / 1e6;
    /* The path only: query strings may carry search terms typed by people. */
    LOG_INFO("%s %s %u %.1fms%s", req->method_name, req->path, req->status, ms,
             toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (aborted)");
    request_free(req);
    *con_cls = NULL;
    atomic_fetch_sub(&srv->in_flight, 1);
}

static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
    return http_url_decode(s);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    char line[512];
    vsnprintf(line, sizeof(line), fmt, ap);
    line[strcspn(line, "\n")] = 0;
    LOG_WARN("http: %s", line);
}

int http_server_start(const struct http_server_options *o, struct http_server **out)
{
    *out = NULL;
    struct http_server *s = cc_calloc(1, sizeof(*s));
    if (!s)
        return -1;
    s->ctx.pool = o->pool;
    s->ctx.routes = o->routes;
    s->ctx.nroutes = o->nroutes;
    s->ctx.web_dir = o->web_dir;
    s->ctx.xapi_default = o->xapi_default ? o->xapi_default : XAPI_V20;
    s->ctx.seal_key = o->seal_key;
    s->ctx.forwarder = o->forwarder;
    s->ctx.public_url = o->public_url;
    s->ctx.data_dir = o->data_dir;
    s->ctx.award_worker = o->award_worker;
    s->ctx.training = o->training;
    s->ctx.login_by_account = auth_ratelimit_new(5, 15 * 60);
    s->ctx.login_by_address = auth_ratelimit_new(20, 15 * 60);
    if (!s->ctx.login_by_account || !s->ctx.login_by_address || http_static_init() ||
        http_sse_start())
        goto fail;

    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof(ss));
    /* Suspend and resume: event streams wait for their producer without a thread or polling. */
    unsigned flags =
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
    struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, o->address, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(o->port);
    } else if (inet_pton(AF_INET6, o->address, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(o->port);
        flags |= MHD_USE_IPv6;
    } else {
        LOG_ERROR("http: not an IP address: %s", o->address);
        goto fail;
    }
    unsigned threads = o->threads;
    if (!threads) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n > 2 ? (unsigned)n * 2 : 4;
    }
    s->daemon = MHD_start_daemon(
        flags, o->port, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
        MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)(32 * 1024), MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
        MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL, MHD_OPTION_LISTEN_BACKLOG_SIZE,
        (unsigned)1024, MHD_OPTION_END);
    if (!s->daemon) {
        LOG_ERROR("http: cannot listen on %s port %u", o->address, o->port);
        goto fail;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : o->port;
    *out = s;
    return 0;
fail:
    auth_ratelimit_free(&s->ctx.login_by_account);
    auth_ratelimit_free(&s->ctx.login_by_address);
    http_static_release();
    http_sse_stop();
    cc_free(s);
    return -1;
}

uint16_t http_server_port(const struct http_server *s)
{
    return s->port;
}

void http_server_stop(struct http_server **sp, unsigned grace_ms)
{
    struct http_server *s = *sp;
    if (!s)
        return;
    MHD_socket fd = MHD_quiesce_daemon(s->daemon);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    /* Event streams never finish by themselves; suspended ones must be resumed before the stop. */
    http_sse_shutdown();
    for (unsigned waited = 0; atomic_load(&s->in_flight) > 0 && waited < grace_ms; waited += 10)
        usleep(10 * 1000);
    int left = atomic_load(&s->in_flight);
    if (left)
        LOG_WARN("http: stopping with %d requests unfinished", left);
    MHD_stop_daemon(s->daemon);
    http_sse_stop();
    http_constants_release();
    auth_ratelimit_free(&s->ctx.login_by_account);
    auth_ratelimit_free(&s->ctx.login_by_address);
    http_static_release();
    cc_free(s);
    *sp = NULL;
}
