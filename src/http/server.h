/*
 * The HTTP server: libmicrohttpd with an internal thread pool on epoll. Each
 * worker thread has its own database connection (from the store pool). Stop
 * is graceful: no new connections, in-flight requests finish (up to a limit).
 */
#ifndef CC_HTTP_SERVER_H
#define CC_HTTP_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "http/router.h"
#include "store/store.h"

struct http_server_options {
    const char *address; /* "127.0.0.1", "0.0.0.0", "::1" */
    uint16_t port;
    unsigned threads;    /* 0: twice the number of processors, at least 4 */
    const char *web_dir; /* NULL: the embedded UI */
    struct store_pool *pool;
    const struct http_route *routes;
    size_t nroutes;
    enum xapi_version xapi_default;   /* 0: 2.0 */
    const unsigned char *seal_key;    /* for handlers that store credentials (util/seal.h) */
    struct xapi_forwarder *forwarder; /* statement forwarding, woken by its handlers; may be NULL */
    const char *public_url; /* the base of credential ids and did:web (serve --public-url) */
    const char *data_dir;   /* the data directory */
    struct award_worker *award_worker; /* badges by rule, woken by its handlers; may be NULL */
    struct sim_live *training;         /* live training sessions (sim/live.h); may be NULL */
};

struct http_server;

/* Starts serving; returns 0, or -1 with the reason logged. */
int http_server_start(const struct http_server_options *o, struct http_server **out)
    __attribute__((warn_unused_result));

/* The port the server listens on. */
uint16_t http_server_port(const struct http_server *s);

/*
 * Stops accepting, ends the event streams (http/sse.h), lets in-flight
 * requests finish for up to GRACE_MS, then
 * closes everything and frees the server; sets *S to NULL.
 */
void http_server_stop(struct http_server **s, unsigned grace_ms);

#endif
