/*
 * Server-Sent Events (text/event-stream): a reply that stays open and sends
 * events as a producer has them — the live training sessions' snapshots and
 * event logs.
 *
 * A handler replies with http_reply_sse(req, &source, ctx): the server then
 * holds the connection and calls source->fill(ctx, out) whenever the stream
 * can take more after the producer called http_sse_wake() (from any thread).
 * fill appends whole events (http_sse_event) to OUT, or nothing; while it has
 * nothing the connection is suspended, costing no thread and no polling. The
 * server sends a comment line as a heartbeat on a stream quiet for
 * HTTP_SSE_HEARTBEAT_MS, so proxies keep it open and a client that has gone
 * is noticed (its socket fails). When the client goes, or the server stops,
 * or fill asks to end, source->closed(ctx) is called once; after it returns
 * the stream is freed, so the producer forgets it there (under its own lock,
 * the same one it holds when it calls http_sse_wake).
 *
 * Handlers never see libmicrohttpd: this header is the contract; sse.c and
 * server.c implement it.
 */
#ifndef CC_HTTP_SSE_H
#define CC_HTTP_SSE_H

#include <stddef.h>

#include "http/request.h"
#include "util/buf.h"

#define HTTP_SSE_HEARTBEAT_MS 15000
#define HTTP_SSE_BUFFER_MAX   (8u << 20) /* what one fill may append */

struct http_sse;

struct http_sse_source {
    /*
     * Appends what the stream has to send now to OUT (nothing when there is
     * nothing new). Called on a server thread, never twice at once for one
     * stream. Returns 0 to go on, 1 to end the stream once OUT is sent, -1 to
     * end it at once (out of memory).
     */
    int (*fill)(void *ctx, struct buf *out);
    /* The stream is over: release CTX. Called once, on a server thread. */
    void (*closed)(void *ctx);
};

/*
 * Replies to REQ with an event stream fed by SOURCE with CTX, and returns the
 * stream (for http_sse_wake). SOURCE->closed(CTX) is called once whatever
 * happens, even when the reply cannot be sent; when this returns NULL (out
 * of memory) it has been called already and the reply is a 500.
 */
struct http_sse *http_reply_sse(struct http_request *req, const struct http_sse_source *source,
                                void *ctx);

/* Tells stream S that fill has something to send (any thread; cheap when it is busy). */
void http_sse_wake(struct http_sse *s);

/*
 * Appends one event to OUT: "event: EVENT", "id: ID" (either may be NULL),
 * a "data:" line for each line of DATA, and the blank line that ends it.
 */
int http_sse_event(struct buf *out, const char *event, const char *id, const char *data)
    __attribute__((warn_unused_result));

/* The number of event streams open now (for the health of the server and the tests). */
size_t http_sse_count(void);

#endif
