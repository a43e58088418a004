/*
 * Internal to http/: what server.c needs of the event streams of sse.h — the
 * libmicrohttpd response of a stream, and the streams' life with the server
 * (the heartbeat thread; ending every stream when the server stops).
 */
#ifndef CC_HTTP_SSE_SERVER_H
#define CC_HTTP_SSE_SERVER_H

struct MHD_Connection;
struct MHD_Response;
struct http_sse;

/*
 * The response that sends stream S on CONN (chunked, of unknown length). On
 * success the response owns S; NULL when it cannot be made (S is then
 * discarded: its source is told it closed).
 */
struct MHD_Response *http_sse_response(struct http_sse *s, struct MHD_Connection *conn);

/* Drops a stream that never became a response (its source is told it closed). */
void http_sse_discard(struct http_sse *s);

/* Starts the heartbeat thread (once per server). Returns 0 or -1. */
int http_sse_start(void) __attribute__((warn_unused_result));

/* Ends every open stream (the server is stopping): each sends what it has and closes. */
void http_sse_shutdown(void);

/* Stops the heartbeat thread. */
void http_sse_stop(void);

#endif
