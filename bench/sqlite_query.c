/*
 * The reference of the LRS query benchmark (bench/lrs.sh): the same pages as
 * GET /xapi/statements, straight from the database file, one query at a
 * time, without HTTP and JSON.
 *
 *   bench_sqlite_query DB PLAN COUNT PAGES MAX_SECONDS
 *
 * PLAN is bench/lrs_gen.c's query plan; the queries, their order and the
 * unmeasured warm-up are those of bench/lrs_load.mjs (COUNT of each kind with
 * limit 25, PAGES pages of the "pages" query, each kind stopping after
 * MAX_SECONDS). A page is complete when its rows are stepped through and each
 * statement's text copied out, as the server copies it into its reply.
 *
 * Each page is a call of xapi_statements_query() (src/xapi/query.c), the
 * function GET /xapi/statements calls, so it runs the SQL the server runs, on
 * the database as it is: the server's time less HTTP, authentication and the
 * reply.
 *
 * With BENCH_EXPLAIN set, prints each distinct SQL text and its query plan on
 * stderr.
 *
 * Prints {"kind": {"n", "p50", "p99", "max", "mean", "statements"}, ...} on
 * stdout (milliseconds).
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store.h"
#include "util/log.h"
#include "xapi/statements.h"
#include "util/banned.h"

#define MAX_QUERIES 4096
#define LIMIT       25

struct query {
    char kind[32];
    char *agent, *verb, *activity, *registration; /* NULL for none */
    int related;
};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void die(const char *what, sqlite3 *db)
{
    fprintf(stderr, "bench_sqlite_query: %s%s%s\n", what, db ? ": " : "",
            db ? sqlite3_errmsg(db) : "");
    exit(1);
}

static int explain;
static sqlite3 *raw;         /* for EXPLAIN */
static struct store *server; /* the server's connection */

/* Prints SQL and its query plan (BENCH_EXPLAIN), once per distinct text. */
static void explain_sql(const char *kind, const char *sql)
{
    static char *seen[32];
    int i;
    for (i = 0; i < 32 && seen[i]; i++)
        if (strcmp(seen[i], sql) == 0)
            return;
    if (i < 32)
        seen[i] = strdup(sql);
    char *eqp = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql);
    sqlite3_stmt *e;
    fprintf(stderr, "-- %s\n%s\n", kind, sql);
    if (sqlite3_prepare_v2(raw, eqp, -1, &e, NULL) == SQLITE_OK) {
        while (sqlite3_step(e) == SQLITE_ROW)
            fprintf(stderr, "   %d %d %s\n", sqlite3_column_int(e, 0), sqlite3_column_int(e, 1),
                    (const char *)sqlite3_column_text(e, 3));
        sqlite3_finalize(e);
    }
    sqlite3_free(eqp);
}

/* The statements query the server's connection last started (for BENCH_EXPLAIN). */
static char traced[16384];

static int trace(unsigned type, void *ctx, void *p, void *x)
{
    const char *sql = sqlite3_sql(p);
    if (sql && (strncmp(sql, "SELECT s.seq", 12) == 0 || strncmp(sql, "SELECT d.seq", 12) == 0))
        snprintf(traced, sizeof(traced), "%s", sql);
    return 0;
}

static int hook(sqlite3 *db, char **err, const void *api)
{
    sqlite3_trace_v2(db, SQLITE_TRACE_STMT, trace, NULL);
    return SQLITE_OK;
}

static char copy[1 << 16];

struct rows {
    int n;
    long long last;
};

static int take_row(void *ctx, int64_t seq, const char *json)
{
    struct rows *r = ctx;
    size_t n = strlen(json);
    memcpy(copy, json, n < sizeof(copy) ? n : sizeof(copy));
    r->n++;
    r->last = seq;
    return 0;
}

/* Runs one page as GET /xapi/statements does: xapi_statements_query(). */
static int page(const struct query *q, long long after, long long *last, int *more)
{
    struct xapi_query xq = {.agent = q->agent,
                            .verb = q->verb,
                            .activity = q->activity,
                            .registration = q->registration,
                            .related_activities = q->related,
                            .limit = LIMIT,
                            .after = after};
    struct rows r = {0, 0};
    if (xapi_statements_query(server, 1, &xq, take_row, &r, more))
        die("xapi_statements_query failed", NULL);
    if (explain && traced[0])
        explain_sql(q->kind, traced);
    *last = r.last;
    return r.n;
}

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double percentile(const double *sorted, int n, double p)
{
    if (!n)
        return 0;
    int i = (int)(p / 100 * n + 0.999999) - 1;
    return sorted[i < 0 ? 0 : i >= n ? n - 1 : i];
}

static void report(const char *kind, double *t, int n, long long statements, int first)
{
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += t[i];
    qsort(t, (size_t)n, sizeof(*t), by_double);
    printf("%s\"%s\":{\"n\":%d,\"p50\":%.4f,\"p99\":%.4f,\"max\":%.4f,\"mean\":%.4f,"
           "\"statements\":%lld}",
           first ? "" : ",", kind, n, percentile(t, n, 50), percentile(t, n, 99),
           n ? t[n - 1] : 0.0, n ? sum / n : 0.0, statements);
}

static char *field(char **line)
{
    char *f = *line, *tab = strchr(f, '\t');
    if (tab) {
        *tab = 0;
        *line = tab + 1;
    } else {
        *line = f + strlen(f);
    }
    return strcmp(f, "-") == 0 ? NULL : f;
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: bench_sqlite_query DB PLAN COUNT PAGES MAX_SECONDS\n");
        return 2;
    }
    int count = (int)strtol(argv[3], NULL, 10), pages = (int)strtol(argv[4], NULL, 10);
    double max_ms = strtod(argv[5], NULL) * 1000;
    explain = getenv("BENCH_EXPLAIN") != NULL;
    if (count < 1 || count > MAX_QUERIES || pages < 0 || pages > 100000)
        die("COUNT is 1 to 4096 and PAGES 0 to 100000", NULL);

    static struct query plan[5 * MAX_QUERIES + 1];
    int nplan = 0;
    FILE *f = fopen(argv[2], "r");
    if (!f)
        die("cannot open the plan", NULL);
    char line[4096];
    while (nplan < (int)(sizeof(plan) / sizeof(plan[0])) && fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = 0;
        char *p = line;
        struct query *q = &plan[nplan++];
        snprintf(q->kind, sizeof(q->kind), "%s", field(&p));
        field(&p); /* the agent's JSON: the HTTP side's */
        char *v;
        q->agent = (v = field(&p)) ? strdup(v) : NULL;
        q->verb = (v = field(&p)) ? strdup(v) : NULL;
        q->activity = (v = field(&p)) ? strdup(v) : NULL;
        q->registration = (v = field(&p)) ? strdup(v) : NULL;
        q->related = (v = field(&p)) && v[0] == '1';
    }
    fclose(f);

    log_set_level(LOG_LEVEL_WARN);
    char url[4200];
    snprintf(url, sizeof(url), "sqlite:%s", argv[1]);
    if (explain)
        sqlite3_auto_extension((void (*)(void))hook);
    if (store_open(url, &server))
        die("cannot open the database", NULL);
    sqlite3_reset_auto_extension();
    if (explain && sqlite3_open_v2(argv[1], &raw, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        die("cannot open the database", raw);

    static double t[MAX_QUERIES + 100000];
    const char *kinds[] = {"agent", "verb+activity", "registration", "related"};
    int first = 1;
    long long last;
    int more;
    printf("{");
    for (int k = 0; k < 4; k++) {
        struct query *list[MAX_QUERIES];
        int n = 0;
        for (int i = 0; i < nplan && n < count; i++)
            if (strcmp(plan[i].kind, kinds[k]) == 0)
                list[n++] = &plan[i];
        for (int i = n > 2 ? n - 2 : 0; i < n; i++) { /* warm-up, as the HTTP side does */
            double t0 = now_ms();
            page(list[i], 0, &last, &more);
            if (now_ms() - t0 > 1000)
                break;
        }
        int done = 0;
        long long statements = 0;
        double deadline = now_ms() + max_ms;
        for (int i = 0; i < n; i++) {
            double t0 = now_ms();
            statements += page(list[i], 0, &last, &more);
            t[done++] = now_ms() - t0;
            if (now_ms() > deadline)
                break;
        }
        report(kinds[k], t, done, statements, first);
        first = 0;
    }
    for (int i = 0; i < nplan && pages; i++) {
        if (strcmp(plan[i].kind, "pages") != 0)
            continue;
        long long after = 0, statements = 0;
        int done = 0;
        double deadline = now_ms() + max_ms;
        do {
            double t0 = now_ms();
            statements += page(&plan[i], after, &last, &more);
            t[done++] = now_ms() - t0;
            after = last;
        } while (more && done < pages && now_ms() < deadline);
        report("pages", t, done, statements, 0);
        break;
    }
    printf("}\n");
    store_close(&server);
    sqlite3_close(raw);
    return 0;
}
