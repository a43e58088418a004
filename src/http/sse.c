/*
 * Event streams on libmicrohttpd (sse.h): a response with a content reader
 * that suspends its connection while the producer has nothing to send and is
 * resumed by http_sse_wake. A registry of the open streams lets one thread
 * send heartbeats and lets the server end every stream when it stops (a
 * suspended connection must be resumed before the daemon stops).
 *
 * Locks: the registry's lock is taken before a stream's; a stream's lock is
 * held across MHD_suspend_connection so that a wake can never resume a
 * connection before it was suspended. The source's fill runs with no lock of
 * ours held (the producer takes its own locks there and in its wake calls).
 */
#include "http/sse.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "http/headers.h"
#include "http/sse_server.h"
#include "util/alloc.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/banned.h"

#define READER_BLOCK 32768

struct http_sse {
    pthread_mutex_t lock;
    struct MHD_Connection *conn;
    const struct http_sse_source *src;
    void *ctx;
    int suspended;      /* the connection is suspended in the reader */
    int woken;          /* fill has something: call it on the next read */
    int heartbeat;      /* a heartbeat is due */
    int closing;        /* the server stops: end the stream */
    int ended;          /* fill asked to end: end once OUT is sent */
    int registered;     /* in the registry */
    uint64_t last_ms;   /* when the stream last sent something (monotonic) */
    struct buf pending; /* filled, not yet handed to libmicrohttpd */
    size_t sent;        /* of pending */
    struct http_sse *prev, *next;
};

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t registry_cond = PTHREAD_COND_INITIALIZER;
static struct http_sse *streams;
static size_t nstreams;
static pthread_t keeper;
static int keeper_running, keeper_stop;

static uint64_t mono_ms(void)
{
    return time_mono_ns() / 1000000u;
}

int http_sse_event(struct buf *out, const char *event, const char *id, const char *data)
{
    if (event && buf_addf(out, "event: %s\n", event))
        return -1;
    if (id && buf_addf(out, "id: %s\n", id))
        return -1;
    /* Each line of DATA is a data: line (the client joins them with newlines). */
    const char *p = data ? data : "";
    for (;;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n && p[n - 1] == '\r')
            n--;
        if (buf_adds(out, "data: ") || buf_add(out, p, n) || buf_addc(out, '\n'))
            return -1;
        if (!nl)
            break;
        p = nl + 1;
    }
    return buf_addc(out, '\n');
}

static void stream_free(struct http_sse *s)
{
    s->src->closed(s->ctx);
    buf_release(&s->pending);
    pthread_mutex_destroy(&s->lock);
    cc_free(s);
}

struct http_sse *http_reply_sse(struct http_request *req, const struct http_sse_source *source,
                                void *ctx)
{
    struct http_sse *s = cc_calloc(1, sizeof(*s));
    if (!s || pthread_mutex_init(&s->lock, NULL)) {
        cc_free(s);
        source->closed(ctx);
        http_reply_error(req, 500, "internal", "internal", NULL);
        return NULL;
    }
    s->src = source;
    s->ctx = ctx;
    s->woken = 1; /* the first read asks fill for what there is */
    s->last_ms = mono_ms();
    buf_init(&s->pending, HTTP_SSE_BUFFER_MAX);
    http_reply_empty(req, 200);
    req->content_type = "text/event-stream; charset=utf-8";
    req->sse = s;
    return s;
}

void http_sse_discard(struct http_sse *s)
{
    if (s)
        stream_free(s);
}

void http_sse_wake(struct http_sse *s)
{
    pthread_mutex_lock(&s->lock);
    s->woken = 1;
    if (s->suspended) {
        s->suspended = 0;
        MHD_resume_connection(s->conn);
    }
    pthread_mutex_unlock(&s->lock);
}

/* Hands up to MAX bytes of what is pending to libmicrohttpd; 0 when nothing is. */
static size_t take_pending(struct http_sse *s, char *buf, size_t max)
{
    size_t left = s->pending.len - s->sent;
    if (!left)
        return 0;
    size_t n = left < max ? left : max;
    memcpy(buf, s->pending.data + s->sent, n);
    s->sent += n;
    if (s->sent == s->pending.len) {
        buf_reset(&s->pending);
        s->sent = 0;
    }
    s->last_ms = mono_ms();
    return n;
}

static ssize_t reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct http_sse *s = cls;
    pthread_mutex_lock(&s->lock);
    size_t n = take_pending(s, buf, max);
    if (n || s->ended || s->closing) {
        pthread_mutex_unlock(&s->lock);
        return n ? (ssize_t)n : MHD_CONTENT_READER_END_OF_STREAM;
    }
    int woken = s->woken;
    s->woken = 0;
    pthread_mutex_unlock(&s->lock);

    int rc = woken ? s->src->fill(s->ctx, &s->pending) : 0;

    pthread_mutex_lock(&s->lock);
    if (rc < 0) {
        pthread_mutex_unlock(&s->lock);
        LOG_WARN("http: an event stream ends: its source failed");
        return MHD_CONTENT_READER_END_WITH_ERROR;
    }
    if (rc > 0)
        s->ended = 1;
    if (s->pending.len == 0 && s->heartbeat && !s->ended && buf_adds(&s->pending, ": \n\n"))
        s->ended = 1;
    s->heartbeat = 0;
    n = take_pending(s, buf, max);
    if (n || s->ended || s->closing) {
        pthread_mutex_unlock(&s->lock);
        return n ? (ssize_t)n : MHD_CONTENT_READER_END_OF_STREAM;
    }
    if (!s->woken) {
        /* Nothing to send: out of the event loop until a wake or a heartbeat. */
        s->suspended = 1;
        MHD_suspend_connection(s->conn);
    }
    pthread_mutex_unlock(&s->lock);
    return 0;
}

/* Called once libmicrohttpd is done with the response: the client left or the stream ended. */
static void reader_free(void *cls)
{
    struct http_sse *s = cls;
    pthread_mutex_lock(&registry_lock);
    if (s->registered) {
        if (s->prev)
            s->prev->next = s->next;
        else
            streams = s->next;
        if (s->next)
            s->next->prev = s->prev;
        nstreams--;
    }
    pthread_mutex_unlock(&registry_lock);
    stream_free(s);
}

struct MHD_Response *http_sse_response(struct http_sse *s, struct MHD_Connection *conn)
{
    struct MHD_Response *r =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, READER_BLOCK, reader, s, reader_free);
    if (!r) {
        stream_free(s);
        return NULL;
    }
    s->conn = conn;
    http_security_headers(r, 1);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream; charset=utf-8");
    /* A proxy in front (nginx) must pass events on as they come. */
    MHD_add_response_header(r, "X-Accel-Buffering", "no");
    pthread_mutex_lock(&registry_lock);
    s->registered = 1;
    s->next = streams;
    if (streams)
        streams->prev = s;
    streams = s;
    nstreams++;
    pthread_mutex_unlock(&registry_lock);
    return r;
}

size_t http_sse_count(void)
{
    pthread_mutex_lock(&registry_lock);
    size_t n = nstreams;
    pthread_mutex_unlock(&registry_lock);
    return n;
}

/* Marks a heartbeat due on every stream quiet for long enough, and wakes it. */
static void heartbeats(void)
{
    uint64_t now = mono_ms();
    for (struct http_sse *s = streams; s; s = s->next) {
        pthread_mutex_lock(&s->lock);
        if (now - s->last_ms >= HTTP_SSE_HEARTBEAT_MS && !s->heartbeat) {
            s->heartbeat = 1;
            if (s->suspended) {
                s->suspended = 0;
                MHD_resume_connection(s->conn);
            }
        }
        pthread_mutex_unlock(&s->lock);
    }
}

static void *keeper_main(void *arg)
{
    pthread_mutex_lock(&registry_lock);
    while (!keeper_stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 1;
        pthread_cond_timedwait(&registry_cond, &registry_lock, &until);
        if (!keeper_stop)
            heartbeats();
    }
    pthread_mutex_unlock(&registry_lock);
    return NULL;
}

int http_sse_start(void)
{
    pthread_mutex_lock(&registry_lock);
    int rc = 0;
    if (!keeper_running) {
        keeper_stop = 0;
        rc = pthread_create(&keeper, NULL, keeper_main, NULL) ? -1 : 0;
        keeper_running = rc == 0;
    }
    pthread_mutex_unlock(&registry_lock);
    return rc;
}

void http_sse_shutdown(void)
{
    pthread_mutex_lock(&registry_lock);
    for (struct http_sse *s = streams; s; s = s->next) {
        pthread_mutex_lock(&s->lock);
        s->closing = 1;
        if (s->suspended) {
            s->suspended = 0;
            MHD_resume_connection(s->conn);
        }
        pthread_mutex_unlock(&s->lock);
    }
    pthread_mutex_unlock(&registry_lock);
}

void http_sse_stop(void)
{
    pthread_mutex_lock(&registry_lock);
    int running = keeper_running;
    keeper_stop = 1;
    keeper_running = 0;
    pthread_cond_broadcast(&registry_cond);
    pthread_mutex_unlock(&registry_lock);
    if (running)
        pthread_join(keeper, NULL);
}
