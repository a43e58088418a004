/*
 * The worker of `carecampus serve`: one thread that keeps every institution's
 * mastery up with its statement log and publishes the level changes. It
 * wakes every interval, works while there is work (a bounded slice per
 * institution so none waits long behind another), and stops between two
 * batches when asked.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "competency/mastery.h"
#include "competency/mastery_model.h"
#include "util/alloc.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/banned.h"

#define WORKER_BATCH     1000  /* statements a transaction */
#define WORKER_SLICE     20000 /* statements an institution gets before the next one's turn */
#define WORKER_PUBLISH   500   /* attainments a publishing transaction */
#define WORKER_PUBLISHES 4     /* publishing transactions an institution gets in a round */
#define WORKER_RELOAD_MS 60000 /* the models are reloaded this often whatever the probe says */

struct mastery_worker {
    struct store_pool *pool;
    unsigned interval_ms;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int stop;
    int64_t statements, busy_ns;
};

static int stopping(struct mastery_worker *w)
{
    pthread_mutex_lock(&w->lock);
    int stop = w->stop;
    pthread_mutex_unlock(&w->lock);
    return stop;
}

/* The institutions' ids, ascending (at most CAP). */
static size_t institutions(struct store *db, int64_t *ids, size_t cap)
{
    struct store_stmt *st;
    size_t n = 0;
    if (store_prepare(db, "SELECT id FROM institutions ORDER BY id", &st))
        return 0;
    while (n < cap && store_step(st) == STORE_ROW)
        ids[n++] = store_col_int(st, 0);
    store_finish(st);
    return n;
}

/* One round over every institution; returns 1 when work is left for the next round at once. */
static int round_once(struct mastery_worker *w, struct store *db, int reload)
{
    int64_t ids[1024];
    size_t n = institutions(db, ids, sizeof(ids) / sizeof(ids[0]));
    int more = 0;
    for (size_t i = 0; i < n && !stopping(w); i++) {
        if (reload) {
            struct mastery_model *m = NULL;
            if (mastery_model_get(db, ids[i], 1, &m) == MASTERY_OK)
                mastery_model_put(&m);
        }
        uint64_t t0 = time_mono_ns();
        struct mastery_progress p;
        int err = mastery_catch_up(db, ids[i], WORKER_BATCH, WORKER_SLICE, 0, &p);
        if (err && err != MASTERY_ERR_STORE)
            LOG_WARN("mastery: institution %lld: catching up failed (%d)", (long long)ids[i], err);
        else if (err)
            LOG_WARN("mastery: institution %lld: the database is busy; trying again",
                     (long long)ids[i]);
        int64_t published = 0;
        int rounds = 0;
        /* Levels first: publishing (the LRS storing statements) waits for the next round. */
        for (; rounds < WORKER_PUBLISHES && !stopping(w); rounds++) {
            int64_t done = 0, handled = 0;
            if (mastery_publish(db, ids[i], WORKER_PUBLISH, &handled, &done) || !handled)
                break;
            published += done;
        }
        pthread_mutex_lock(&w->lock);
        w->statements += p.processed;
        if (p.processed || published)
            w->busy_ns += (int64_t)(time_mono_ns() - t0);
        pthread_mutex_unlock(&w->lock);
        if (!err && (p.processed >= WORKER_SLICE || rounds == WORKER_PUBLISHES))
            more = 1;
    }
    return more;
}

static void *worker_main(void *arg)
{
    struct mastery_worker *w = arg;
    struct store *db;
    if (store_pool_get(w->pool, &db)) {
        LOG_ERROR("mastery: the worker cannot open the database; mastery is not kept up");
        return NULL;
    }
    /*
     * Each round needs the write lock once or twice, briefly. Under a steady
     * stream of statements the LRS's writers hold it most of the time; with
     * the default growing pauses the worker, having waited once, would wait
     * ever longer while each new request went first.
     */
    store_busy_poll(db, 2);
    uint64_t last_reload = time_mono_ns();
    while (!stopping(w)) {
        uint64_t now = time_mono_ns();
        int reload = now - last_reload >= (uint64_t)WORKER_RELOAD_MS * 1000000u;
        if (reload)
            last_reload = now;
        if (round_once(w, db, reload))
            continue;
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += w->interval_ms / 1000;
        until.tv_nsec += (long)(w->interval_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_mutex_lock(&w->lock);
        while (!w->stop && pthread_cond_timedwait(&w->wake, &w->lock, &until) != ETIMEDOUT)
            ;
        pthread_mutex_unlock(&w->lock);
    }
    return NULL;
}

int mastery_worker_start(struct store_pool *pool, unsigned interval_ms, struct mastery_worker **out)
{
    struct mastery_worker *w = cc_calloc(1, sizeof(*w));
    *out = NULL;
    if (!w)
        return MASTERY_ERR_NOMEM;
    w->pool = pool;
    w->interval_ms = interval_ms ? interval_ms : 200;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->wake, NULL);
    if (pthread_create(&w->thread, NULL, worker_main, w)) {
        pthread_mutex_destroy(&w->lock);
        pthread_cond_destroy(&w->wake);
        cc_free(w);
        return MASTERY_ERR_NOMEM;
    }
    *out = w;
    return MASTERY_OK;
}

void mastery_worker_stats(struct mastery_worker *w, int64_t *statements, int64_t *busy_ms)
{
    pthread_mutex_lock(&w->lock);
    *statements = w->statements;
    *busy_ms = w->busy_ns / 1000000;
    pthread_mutex_unlock(&w->lock);
}

void mastery_worker_stop(struct mastery_worker **wp)
{
    struct mastery_worker *w = *wp;
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->stop = 1;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->wake);
    cc_free(w);
    *wp = NULL;
}
