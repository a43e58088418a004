/*
 * Loads the data set of the LRS query benchmark (bench/lrs.sh) through the
 * LRS's own code path, without HTTP: statements 0 .. N-1 of SEED
 * (bench/lrs_data.h; one in 1,000 a voiding statement) are parsed
 * (json_read), validated (xapi_statements_validate) and stored
 * (xapi_statements_store) BATCH at a time, as client KEY of the database's
 * first institution, just as POST /xapi/statements stores them: through
 * the LRS's group commit, durable, on the connection it keeps for writing.
 *
 *   bench_lrs_fill DB_PATH KEY SEED N BATCH
 *
 * Prints "STATEMENTS SECONDS" on stdout.
 */
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lrs_data.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/log.h"
#include "xapi/statement.h"
#include "xapi/statements.h"
#include "util/banned.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(const char *what)
{
    fprintf(stderr, "bench_lrs_fill: %s\n", what);
    return 1;
}

/*
 * Two threads: this one stores batch after batch, in order, while a second
 * makes, parses and validates the batches ahead of it (the part of a POST
 * that runs outside the write transaction).
 */
#define AHEAD 4

struct pipe {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    json_t *slot[AHEAD];
    uint64_t made, taken; /* batches handed over and taken */
    uint64_t seed, n, batch;
    int failed;
};

static void *maker(void *arg)
{
    struct pipe *p = arg;
    static char text[LRS_DATA_MAX];
    struct buf body;
    buf_init(&body, 64u << 20);
    for (uint64_t done = 0; done < p->n;) {
        uint64_t count = p->n - done < p->batch ? p->n - done : p->batch;
        buf_reset(&body);
        int err = buf_addc(&body, '[');
        for (uint64_t i = 0; i < count && !err; i++) {
            size_t len = lrs_data_statement(p->seed, done + i, 1, text, NULL);
            err = (i && buf_addc(&body, ',')) || buf_add(&body, text, len);
        }
        json_t *list = NULL;
        struct xapi_problem pr = {{0}, NULL, {0}};
        if (err || buf_addc(&body, ']') ||
            json_read(body.data, body.len, JSON_MAX_DEPTH, 0, &list)) {
            fprintf(stderr, "bench_lrs_fill: cannot make batch %llu\n",
                    (unsigned long long)(done / p->batch));
            list = NULL;
        } else if (xapi_statements_validate(list, XAPI_V20, &pr)) {
            fprintf(stderr, "bench_lrs_fill: invalid statement at %s (%s)\n", pr.path,
                    pr.msg ? pr.msg : "?");
            json_decref(list);
            list = NULL;
        }
        pthread_mutex_lock(&p->lock);
        while (p->made - p->taken == AHEAD && !p->failed)
            pthread_cond_wait(&p->changed, &p->lock);
        if (!list)
            p->failed = 1;
        if (p->failed) {
            pthread_mutex_unlock(&p->lock);
            json_decref(list);
            break;
        }
        p->slot[p->made++ % AHEAD] = list;
        pthread_cond_broadcast(&p->changed);
        pthread_mutex_unlock(&p->lock);
        done += count;
    }
    buf_release(&body);
    pthread_mutex_lock(&p->lock);
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

/* The next batch from the maker, or NULL when it failed. */
static json_t *take(struct pipe *p)
{
    pthread_mutex_lock(&p->lock);
    while (p->made == p->taken && !p->failed)
        pthread_cond_wait(&p->changed, &p->lock);
    json_t *list = p->made > p->taken ? p->slot[p->taken++ % AHEAD] : NULL;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
    return list;
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: bench_lrs_fill DB_PATH KEY SEED N BATCH\n");
        return 2;
    }
    const char *key = argv[2];
    uint64_t seed = strtoull(argv[3], NULL, 10), n = strtoull(argv[4], NULL, 10);
    uint64_t batch = strtoull(argv[5], NULL, 10);
    if (!batch || batch > 10000)
        return fail("BATCH is 1 to 10000");
    log_set_level(LOG_LEVEL_WARN);

    char url[4200];
    snprintf(url, sizeof(url), "sqlite:%s", argv[1]);
    struct store *db;
    if (store_open(url, &db) || store_migrate(db))
        return fail("cannot open the database");

    struct store_stmt *st;
    int64_t institution = 0, client = 0;
    char name[256] = "";
    if (store_prepare(db, "SELECT id, institution_id, name FROM xapi_clients WHERE key = ?", &st))
        return fail("cannot look the client up");
    store_bind_text(st, 1, key);
    if (store_step(st) == STORE_ROW) {
        client = store_col_int(st, 0);
        institution = store_col_int(st, 1);
        snprintf(name, sizeof(name), "%s", store_col_text(st, 2));
    }
    store_finish(st);
    if (!client)
        return fail("no such client");
    /* The authority POST /xapi/statements sets (src/api/api_xapi.c, client_authority). */
    json_t *authority =
        json_pack("{s:s, s:s, s:{s:s, s:s}}", "objectType", "Agent", "name", name, "account",
                  "homePage", "https://lrs.carecampus.invalid/clients", "name", key);
    struct xapi_writer w = {institution, client, authority, XAPI_V20};

    struct pipe p = {.seed = seed, .n = n, .batch = batch};
    pthread_mutex_init(&p.lock, NULL);
    pthread_cond_init(&p.changed, NULL);
    pthread_t thread;
    if (pthread_create(&thread, NULL, maker, &p))
        return fail("cannot start a thread");
    double start = now(), last = start;
    uint64_t done = 0;
    int err = 0;
    while (done < n) {
        json_t *list = take(&p), *ids = json_array();
        struct xapi_problem pr = {{0}, NULL, {0}};
        if (!list || !ids || xapi_statements_store(db, &w, list, NULL, 0, ids, &pr)) {
            json_decref(list);
            json_decref(ids);
            err = 1;
            break;
        }
        done += json_array_size(list);
        json_decref(list);
        json_decref(ids);
        if (now() - last > 30) {
            last = now();
            fprintf(stderr, "bench_lrs_fill: %llu statements, %.0f/s\n", (unsigned long long)done,
                    (double)done / (last - start));
        }
    }
    double elapsed = now() - start;
    pthread_mutex_lock(&p.lock);
    p.failed |= err;
    pthread_cond_broadcast(&p.changed);
    pthread_mutex_unlock(&p.lock);
    pthread_join(thread, NULL);
    while (p.made > p.taken)
        json_decref(p.slot[p.taken++ % AHEAD]);
    json_decref(authority);
    if (err)
        return fail("storing a batch failed");
    if (store_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)"))
        return fail("checkpoint failed");
    store_close(&db);
    printf("%llu %.3f\n", (unsigned long long)done, elapsed);
    return 0;
}
