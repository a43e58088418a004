/*
 * The reference of the LRS query benchmark (bench/lrs.sh): the same pages as
 * GET /xapi/statements, straight from the database file, one query at a
 * time, without HTTP and JSON.
 *
 *   bench_sqlite_query DB PLAN COUNT PAGES MAX_SECONDS SHAPE
 *
 * PLAN is bench/lrs_gen.c's query plan; the queries, their order and the
 * unmeasured warm-up are those of bench/lrs_load.mjs (COUNT of each kind with
 * limit 25, PAGES pages of the "pages" query, each kind stopping after
 * MAX_SECONDS). A page is complete when its rows are stepped through and each
 * statement's text copied out, as the server copies it into its reply.
 *
 * SHAPE "server" calls xapi_statements_query() (src/xapi/statements.c), the
 * function GET /xapi/statements calls, so it runs whatever SQL the server
 * runs, on the database as it is. SHAPE "indexed" runs the same page as a
 * compound query in which each part walks an index in seq order and stops at
 * the limit: the statements that match themselves (driven by the agent,
 * registration, activity or verb index) UNION the StatementRefs whose target
 * matches, ORDER BY seq DESC LIMIT n. For the second part it first adds the
 * index it needs to DB (so give it a copy): bench_refs_by_seq ON
 * xapi_statements (institution_id, seq) WHERE target IS NOT NULL.
 *
 * With BENCH_EXPLAIN set, prints each distinct SQL text and its query plan on
 * stderr.
 *
 * Prints {"kind": {"n", "p50", "p99", "max", "mean", "statements"}, ...} on
 * stdout (milliseconds).
 */
#include <sqlite3.h>
#include <stdarg.h>
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

/* SQL text builder (bounded; the queries are short). */
struct sql {
    char text[8192];
    size_t len;
};

static void add(struct sql *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(struct sql *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(s->text + s->len, sizeof(s->text) - s->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(s->text) - s->len) {
        fprintf(stderr, "bench_sqlite_query: SQL too long\n");
        exit(1);
    }
    s->len += (size_t)n;
}

/*
 * The indexed shape. The first part is driven by the most selective index the
 * filters allow (agent, then registration, then activity, then verb); the
 * other filters are checked on its rows. Binds: institution, [after], the
 * driver's value, the other filters (verb, registration, agent, activity
 * order), then the second part: institution, [after], the filters, the limit.
 */
static void indexed_part1(struct sql *s, const struct query *q, int after)
{
    if (q->agent) {
        add(s, "SELECT d.seq, s.statement FROM xapi_statement_agents d"
               " JOIN xapi_statements s ON s.seq = d.seq"
               " WHERE d.institution_id = ?1 AND d.agent = ?3 AND d.direct = 1");
    } else if (q->registration) {
        add(s, "SELECT s.seq, s.statement FROM xapi_statements s WHERE s.institution_id = ?1"
               " AND s.registration = ?3");
    } else if (q->activity) {
        add(s,
            "SELECT d.seq, s.statement FROM xapi_statement_activities d"
            " JOIN xapi_statements s ON s.seq = d.seq"
            " WHERE d.institution_id = ?1 AND d.activity = ?3%s",
            q->related ? "" : " AND d.direct = 1");
    } else {
        add(s, "SELECT s.seq, s.statement FROM xapi_statements s WHERE s.institution_id = ?1"
               " AND s.verb = ?3");
    }
    add(s, " AND s.voided = 0");
    if (after)
        add(s, " AND s.seq < ?2");
    /* The filters the driver does not cover, on the statement itself. */
    if (q->verb && (q->agent || q->registration || q->activity))
        add(s, " AND s.verb = ?4");
    if (q->registration && q->agent)
        add(s, " AND s.registration = ?5");
    if (q->activity && (q->agent || q->registration))
        add(s,
            " AND EXISTS (SELECT 1 FROM xapi_statement_activities c WHERE c.activity = ?6"
            " AND c.institution_id = s.institution_id AND c.seq = s.seq%s)",
            q->related ? "" : " AND c.direct = 1");
}

static void indexed_sql(struct sql *s, const struct query *q, int after)
{
    indexed_part1(s, q, after);
    /* StatementRefs whose target matches: few, found through the target index. */
    add(s, " UNION SELECT s.seq, s.statement FROM xapi_statements s"
           " JOIN xapi_statements t ON t.institution_id = s.institution_id AND t.id = s.target"
           " WHERE s.institution_id = ?1 AND s.target IS NOT NULL AND s.voided = 0");
    if (after)
        add(s, " AND s.seq < ?2");
    if (q->verb)
        add(s, " AND t.verb = ?4");
    if (q->registration)
        add(s, " AND t.registration = ?5");
    if (q->agent)
        add(s, " AND EXISTS (SELECT 1 FROM xapi_statement_agents a WHERE a.agent = ?7"
               " AND a.institution_id = t.institution_id AND a.seq = t.seq AND a.direct = 1)");
    if (q->activity)
        add(s,
            " AND EXISTS (SELECT 1 FROM xapi_statement_activities c WHERE c.activity = ?6"
            " AND c.institution_id = t.institution_id AND c.seq = t.seq%s)",
            q->related ? "" : " AND c.direct = 1");
    add(s, " ORDER BY 1 DESC LIMIT ?8");
}

static void indexed_bind(sqlite3_stmt *st, const struct query *q, long long after)
{
    const char *driver = q->agent          ? q->agent
                         : q->registration ? q->registration
                         : q->activity     ? q->activity
                                           : q->verb;
    sqlite3_bind_int64(st, 1, 1);
    if (after)
        sqlite3_bind_int64(st, 2, after);
    sqlite3_bind_text(st, 3, driver, -1, SQLITE_STATIC);
    if (q->verb)
        sqlite3_bind_text(st, 4, q->verb, -1, SQLITE_STATIC);
    if (q->registration)
        sqlite3_bind_text(st, 5, q->registration, -1, SQLITE_STATIC);
    if (q->activity)
        sqlite3_bind_text(st, 6, q->activity, -1, SQLITE_STATIC);
    if (q->agent)
        sqlite3_bind_text(st, 7, q->agent, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 8, LIMIT + 1);
}

static int indexed;
static int explain;
static sqlite3 *raw;         /* the indexed shape; EXPLAIN for both */
static struct store *server; /* the server shape */

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
    fprintf(stderr, "-- %s %s\n%s\n", kind, indexed ? "indexed" : "server", sql);
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

/* Runs one page of the indexed shape; returns its rows (up to LIMIT), *LAST the last seq. */
static int page_indexed(const struct query *q, long long after, long long *last, int *more)
{
    struct sql s = {{0}, 0};
    indexed_sql(&s, q, after != 0);
    /* Prepared once per SQL text and kept, as the server's statement cache does. */
    static struct {
        char *sql;
        sqlite3_stmt *st;
    } cache[16];
    sqlite3_stmt *st = NULL;
    for (int i = 0; i < 16 && cache[i].sql; i++)
        if (strcmp(cache[i].sql, s.text) == 0)
            st = cache[i].st;
    if (!st) {
        if (sqlite3_prepare_v3(raw, s.text, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
            die(s.text, raw);
        for (int i = 0; i < 16; i++)
            if (!cache[i].sql) {
                cache[i].sql = strdup(s.text);
                cache[i].st = st;
                break;
            }
        if (explain)
            explain_sql(q->kind, s.text);
    }
    indexed_bind(st, q, after);
    int rows = 0, rc;
    *more = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (rows == LIMIT) {
            *more = 1;
            break;
        }
        rows++;
        *last = sqlite3_column_int64(st, 0);
        const unsigned char *text = sqlite3_column_text(st, 1);
        int n = sqlite3_column_bytes(st, 1);
        memcpy(copy, text, n < (int)sizeof(copy) ? (size_t)n : sizeof(copy));
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        die("step", raw);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rows;
}

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
static int page_server(const struct query *q, long long after, long long *last, int *more)
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

static int page(const struct query *q, long long after, long long *last, int *more)
{
    return indexed ? page_indexed(q, after, last, more) : page_server(q, after, last, more);
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
    if (argc != 7) {
        fprintf(stderr,
                "usage: bench_sqlite_query DB PLAN COUNT PAGES MAX_SECONDS server|indexed\n");
        return 2;
    }
    int count = (int)strtol(argv[3], NULL, 10), pages = (int)strtol(argv[4], NULL, 10);
    double max_ms = strtod(argv[5], NULL) * 1000;
    indexed = strcmp(argv[6], "indexed") == 0;
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
    if (!indexed) {
        char url[4200];
        snprintf(url, sizeof(url), "sqlite:%s", argv[1]);
        if (explain)
            sqlite3_auto_extension((void (*)(void))hook);
        if (store_open(url, &server))
            die("cannot open the database", NULL);
        sqlite3_reset_auto_extension();
    }
    if ((indexed || explain) &&
        sqlite3_open_v2(argv[1], &raw, indexed ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY,
                        NULL) != SQLITE_OK)
        die("cannot open the database", raw);
    if (raw)
        sqlite3_busy_timeout(raw, 5000);
    if (indexed && sqlite3_exec(raw,
                                "CREATE INDEX IF NOT EXISTS bench_refs_by_seq ON xapi_statements"
                                " (institution_id, seq) WHERE target IS NOT NULL",
                                NULL, NULL, NULL) != SQLITE_OK)
        die("cannot add the index of StatementRefs", raw);

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
