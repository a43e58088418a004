/*
 * One HTTP request and its response, as handlers see it. Handlers are plain
 * functions `void f(struct http_request *req)` that end by calling one of the
 * http_reply_*() functions; the *_or_reply() helpers reply themselves when
 * something is wrong and return NULL/non-zero, so the handler just returns.
 */
#ifndef CC_HTTP_REQUEST_H
#define CC_HTTP_REQUEST_H

#include <jansson.h>
#include <stdint.h>

#include "auth/session.h"
#include "util/buf.h"
#include "util/i18n.h"
#include "xapi/client.h"

struct MHD_Connection;
struct MHD_Response;
struct http_route;
struct store_pool;
struct auth_ratelimit;
struct xapi_forwarder;
struct award_worker;
struct http_sse;
struct sim_live;

/* What handlers share: set up by the server, read by handlers through req->ctx. */
struct http_context {
    struct store_pool *pool;
    struct auth_ratelimit *login_by_account;
    struct auth_ratelimit *login_by_address;
    const struct http_route *routes;
    size_t nroutes;
    const char *web_dir;            /* serve web/ from here instead of the embedded copy */
    enum xapi_version xapi_default; /* what an xAPI reply says when the request named no version */
    const unsigned char *seal_key;  /* seals stored credentials (util/seal.h); NULL: none */
    struct xapi_forwarder *forwarder; /* woken when forwarding targets change; may be NULL */
    /* Credentials: the public base URL ids and did:web derive from, the data directory. */
    const char *public_url;
    const char *data_dir;
    struct award_worker *award_worker; /* woken when rules change; may be NULL */
    struct sim_live *training;         /* the live training sessions (sim/live.h); may be NULL */
};

enum http_method {
    HTTP_GET = 1 << 0,
    HTTP_HEAD = 1 << 1,
    HTTP_POST = 1 << 2,
    HTTP_PUT = 1 << 3,
    HTTP_PATCH = 1 << 4,
    HTTP_DELETE = 1 << 5,
    HTTP_OPTIONS = 1 << 6,
    HTTP_OTHER = 1 << 7,
};

#define HTTP_MAX_PARAMS 4

struct http_request {
    /* The request. */
    struct MHD_Connection *conn;
    struct http_context *ctx;
    enum http_method method;
    const char *method_name;
    const char *path; /* decoded, without the query */
    const struct http_route *route;
    const char *param[HTTP_MAX_PARAMS]; /* path parameters, in pattern order */
    char param_buf[256];
    struct buf body;
    uint64_t body_bytes; /* received, including what was over the limit */
    int body_too_large;
    enum lang lang;
    struct store *db; /* this thread's connection; set for /api/ routes */
    struct auth_session session;
    int logged_in;
    enum xapi_version xapi_version; /* /xapi/ routes: from X-Experience-API-Version */
    struct xapi_client xapi_client; /* /xapi/ routes: the authenticated LRS client */

    /* The response being built. */
    unsigned status;
    struct buf out;
    const char *content_type;
    struct buf headers;            /* "Name\0Value\0" pairs */
    struct MHD_Response *prebuilt; /* a shared response to queue as it is */
    struct http_sse *sse;          /* an event stream to send (http/sse.h) */
    uint64_t start_ns;

    /*
     * xAPI 1.0.3's alternate request syntax: a POST whose form body carries
     * the real method's parameters, headers and content. When set, these
     * stand in for the request's own query and headers.
     */
    json_t *alt_params;
    json_t *alt_headers;
};

/* Replies with V (a reference is taken over) as JSON. */
void http_reply_json(struct http_request *req, unsigned status, json_t *v);

/*
 * A response whose bytes never change (health, fixed documents): built once on
 * first use with all its headers and then shared by every request, which makes
 * replying with it nearly free. Define one as a static of the handler's file:
 *   static struct http_constant ok = {200, "application/json", "{...}"};
 */
struct http_constant {
    unsigned status;
    const char *content_type;
    const char *body;
    struct MHD_Response *response; /* built on first use, freed by http_constants_release */
    struct http_constant *next;
};

/* Replies with C. */
void http_reply_constant(struct http_request *req, struct http_constant *c);

/* Frees the responses of every constant used so far (at server stop). */
void http_constants_release(void);

/* Replies with no body (204, 304). */
void http_reply_empty(struct http_request *req, unsigned status);

/*
 * Replies {"error":{"code","message","field"}} with the message MSG_ID of
 * util/i18n.h in the caller's language. FIELD may be NULL.
 */
void http_reply_error(struct http_request *req, unsigned status, const char *code,
                      const char *msg_id, const char *field);

/* Like http_reply_error with an error object built by the caller (a reference is taken over). */
void http_reply_error_object(struct http_request *req, unsigned status, json_t *error);

/* Builds the object of an error reply: {"code","message"[,"field"]}. */
json_t *http_error_object(const char *code, const char *message, const char *field);

/* Adds a response header (copied). */
void http_add_header(struct http_request *req, const char *name, const char *value);

/* A request header, query argument or cookie; NULL when absent. */
const char *http_header(struct http_request *req, const char *name);
const char *http_query(struct http_request *req, const char *name);
const char *http_cookie(struct http_request *req, const char *name);

/* Calls FN for each query argument (a NULL value for "?flag"); stops when FN returns non-zero. */
typedef int (*http_arg_fn)(void *ctx, const char *key, const char *value);
int http_query_foreach(struct http_request *req, http_arg_fn fn, void *ctx);

/* The client's IP address as text ("?" when unknown). */
void http_client_address(struct http_request *req, char *out, size_t size);

/* The parsed JSON object body, or NULL after replying 400/413/415. Free with json_decref. */
json_t *http_json_body_or_reply(struct http_request *req);

/* Path parameter I as a positive id, or 0 after replying 400 (not a positive integer). */
int64_t http_param_id_or_reply(struct http_request *req, int i);

/* 0 when the logged-in user has one of ROLES (a mask of 1 << enum auth_role); else replies 403. */
int http_require_role_or_reply(struct http_request *req, unsigned roles);

#define HTTP_ROLE(r) (1u << (r))

#endif
