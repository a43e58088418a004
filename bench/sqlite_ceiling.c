/*
 * The ceiling of statement ingest on this machine: SQLite alone, storing the
 * rows the LRS stores for each statement, with nothing else in the way (no
 * HTTP, no JSON parsing or validation). bench/lrs.sh sets the LRS's
 * statements/s against it.
 *
 *   bench_sqlite_ceiling DB SCHEMA_DIR BATCHES INDEX THREADS SECONDS KEY
 *
 * Creates DB from the migrations of SCHEMA_DIR (NNNN_name.sql, in order), so
 * that it has the server's tables and indexes, with the connection settings
 * of src/store/store_sqlite.c (WAL, synchronous=FULL, foreign keys on, a
 * checkpoint after a commit that leaves more than 1000 pages in the WAL).
 * Then THREADS threads, each with its own connection as the server's request
 * threads have, take the batches of BATCHES (bench/lrs_gen.c: one JSON array
 * a line) in turn for SECONDS, or until they run out, and store each in one
 * BEGIN IMMEDIATE transaction, queueing for it on a mutex: per statement the
 * xapi_statements row (the text as the LRS stores it: what the client sent
 * plus stored, authority and version) and its agent and activity rows from
 * INDEX, plus the authority's agent row (client KEY). The SQL is the LRS's
 * own (src/xapi/statements.c). Prints "STATEMENTS SECONDS" on stdout.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/banned.h"

struct statement {
    char *text; /* as stored */
    int text_len;
    const char *id, *verb, *registration;
    int nagents, nactivities;
    const char *agent[8], *activity[8];
    int agent_direct[8], activity_direct[8];
};

struct batch {
    struct statement *st;
    int n;
};

static struct batch *batches;
static size_t nbatches;
static const char *db_path;
static char authority_key[256];
static double deadline;
static atomic_size_t next_batch;
static atomic_llong stored_count;
static atomic_int failed;
/*
 * The threads queue for the write transaction on this mutex, as the server's
 * writers queue for theirs (src/xapi/statements.c), rather than on SQLite's
 * busy handler, which polls with sleeps of up to 100 ms and under load can
 * starve a thread past its busy timeout.
 */
static pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER;

static void die(const char *what)
{
    fprintf(stderr, "bench_sqlite_ceiling: %s%s%s\n", what, errno ? ": " : "",
            errno ? strerror(errno) : "");
    exit(1);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die(path);
    if (fseek(f, 0, SEEK_END))
        die(path);
    long n = ftell(f);
    rewind(f);
    char *data = malloc((size_t)n + 1);
    if (!data || fread(data, 1, (size_t)n, f) != (size_t)n)
        die(path);
    data[n] = 0;
    fclose(f);
    if (len)
        *len = (size_t)n;
    return data;
}

static void exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "bench_sqlite_ceiling: %s\n", msg ? msg : sqlite3_errmsg(db));
        exit(1);
    }
}

/* A connection as src/store/store_sqlite.c opens one. */
static sqlite3 *open_db(void)
{
    sqlite3 *db;
    if (sqlite3_open_v2(db_path, &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK)
        die("cannot open the database");
    sqlite3_busy_timeout(db, 5000);
    exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
             " PRAGMA temp_store=MEMORY;");
    return db;
}

/* Splits LINE at tabs into at most MAX fields; returns how many. */
static int split(char *line, char **field, int max)
{
    int n = 0;
    while (n < max) {
        field[n++] = line;
        char *tab = strchr(line, '\t');
        if (!tab)
            break;
        *tab = 0;
        line = tab + 1;
    }
    return n;
}

/* Reads the statements and their index rows, grouped in the batches of the batches file. */
static void load(const char *batches_path, const char *index_path, const char *stored_suffix)
{
    size_t blen, ilen;
    char *text = read_file(batches_path, &blen);
    char *index = read_file(index_path, &ilen); /* kept: the statements point into it */
    size_t nst = 0, cap = 1024;
    struct statement *all = malloc(cap * sizeof(*all));
    size_t *batch_of = malloc(cap * sizeof(*batch_of));
    size_t suffix_len = strlen(stored_suffix);
    if (!all || !batch_of)
        die("out of memory");
    for (char *line = index, *end; line < index + ilen && *line; line = end + 1) {
        end = strchr(line, '\n');
        if (!end)
            die("index: a line without an end");
        *end = 0;
        char *f[40];
        int nf = split(line, f, 40);
        if (nf < 8)
            die("index: too few fields");
        if (nst == cap) {
            cap *= 2;
            all = realloc(all, cap * sizeof(*all));
            batch_of = realloc(batch_of, cap * sizeof(*batch_of));
            if (!all || !batch_of)
                die("out of memory");
        }
        struct statement *s = &all[nst];
        memset(s, 0, sizeof(*s));
        batch_of[nst++] = strtoull(f[0], NULL, 10);
        size_t off = strtoull(f[1], NULL, 10), len = strtoull(f[2], NULL, 10);
        if (len < 2 || off + len > blen || text[off + len - 1] != '}')
            die("index: offsets do not match the batches");
        /* The text as the LRS stores it: its own properties added at the end. */
        s->text = malloc(len - 1 + suffix_len + 1);
        if (!s->text)
            die("out of memory");
        memcpy(s->text, text + off, len - 1);
        memcpy(s->text + len - 1, stored_suffix, suffix_len + 1);
        s->text_len = (int)(len - 1 + suffix_len);
        s->id = f[3];
        s->verb = f[4];
        s->registration = f[5];
        int k = 6, n = (int)strtol(f[k++], NULL, 10);
        for (int a = 0; a < n && a < 7 && k + 1 < nf; a++, k += 2) {
            s->agent_direct[s->nagents] = f[k][0] == '1';
            s->agent[s->nagents++] = f[k + 1];
        }
        n = k < nf ? (int)strtol(f[k++], NULL, 10) : 0;
        for (int a = 0; a < n && a < 8 && k + 1 < nf; a++, k += 2) {
            s->activity_direct[s->nactivities] = f[k][0] == '1';
            s->activity[s->nactivities++] = f[k + 1];
        }
        /* The authority: the LRS indexes every statement under the client that stored it. */
        s->agent_direct[s->nagents] = 0;
        s->agent[s->nagents++] = authority_key;
    }
    free(text);
    if (!nst)
        die("no statements");
    nbatches = batch_of[nst - 1] + 1;
    batches = calloc(nbatches, sizeof(*batches));
    if (!batches)
        die("out of memory");
    for (size_t i = nst; i-- > 0;) {
        batches[batch_of[i]].st = &all[i];
        batches[batch_of[i]].n++;
    }
    free(batch_of);
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench_sqlite_ceiling: %s\n", sqlite3_errmsg(db));
        exit(1);
    }
    return st;
}

static int step_done(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    while (rc == SQLITE_ROW)
        rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static void index_row(sqlite3_stmt *st, int64_t seq, const char *value, int direct)
{
    sqlite3_bind_int64(st, 1, seq);
    sqlite3_bind_int64(st, 2, 1);
    sqlite3_bind_text(st, 3, value, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, direct);
    if (step_done(st))
        atomic_store(&failed, 1);
}

static void *writer(void *arg)
{
    (void)arg;
    sqlite3 *db = open_db();
    /* The LRS's SQL, word for word (src/xapi/statements.c). */
    sqlite3_stmt *ins =
        prepare(db, "INSERT INTO xapi_statements (institution_id, id, verb, target, registration,"
                    " stored, client_id, statement) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (institution_id, id) DO NOTHING RETURNING seq");
    sqlite3_stmt *agent = prepare(db, "INSERT INTO xapi_statement_agents (seq, institution_id,"
                                      " agent, direct) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING");
    sqlite3_stmt *activity =
        prepare(db, "INSERT INTO xapi_statement_activities (seq, institution_id, activity,"
                    " direct) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING");
    const char *stored = "2026-11-29T12:00:00.000Z";
    while (!atomic_load(&failed) && now() < deadline) {
        size_t b = atomic_fetch_add(&next_batch, 1);
        if (b >= nbatches)
            break;
        pthread_mutex_lock(&write_lock);
        exec(db, "BEGIN IMMEDIATE");
        for (int i = 0; i < batches[b].n; i++) {
            const struct statement *s = &batches[b].st[i];
            sqlite3_bind_int64(ins, 1, 1);
            sqlite3_bind_text(ins, 2, s->id, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 3, s->verb, -1, SQLITE_STATIC);
            sqlite3_bind_null(ins, 4);
            sqlite3_bind_text(ins, 5, s->registration, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 6, stored, -1, SQLITE_STATIC);
            sqlite3_bind_int64(ins, 7, 1);
            sqlite3_bind_text(ins, 8, s->text, s->text_len, SQLITE_STATIC);
            if (sqlite3_step(ins) != SQLITE_ROW) {
                fprintf(stderr, "bench_sqlite_ceiling: insert: %s\n", sqlite3_errmsg(db));
                exit(1);
            }
            int64_t seq = sqlite3_column_int64(ins, 0);
            if (step_done(ins))
                atomic_store(&failed, 1);
            for (int a = 0; a < s->nagents; a++)
                index_row(agent, seq, s->agent[a], s->agent_direct[a]);
            for (int a = 0; a < s->nactivities; a++)
                index_row(activity, seq, s->activity[a], s->activity_direct[a]);
        }
        exec(db, "COMMIT");
        pthread_mutex_unlock(&write_lock);
        atomic_fetch_add(&stored_count, batches[b].n);
    }
    sqlite3_finalize(ins);
    sqlite3_finalize(agent);
    sqlite3_finalize(activity);
    sqlite3_close(db);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 8) {
        fprintf(stderr, "usage: bench_sqlite_ceiling DB SCHEMA_DIR BATCHES INDEX THREADS SECONDS"
                        " KEY\n");
        return 2;
    }
    db_path = argv[1];
    int threads = (int)strtol(argv[5], NULL, 10);
    double seconds = strtod(argv[6], NULL);
    if (threads < 1 || threads > 64 || !(seconds > 0))
        die("THREADS is 1 to 64 and SECONDS more than 0");
    snprintf(authority_key, sizeof(authority_key),
             "account:https://lrs.carecampus.invalid/clients %s", argv[7]);
    char suffix[512];
    snprintf(suffix, sizeof(suffix),
             ",\"stored\":\"2026-11-29T12:00:00.000Z\",\"authority\":{\"objectType\":\"Agent\","
             "\"name\":\"bench\",\"account\":{\"homePage\":\"https://lrs.carecampus.invalid/"
             "clients\",\"name\":\"%s\"}},\"version\":\"2.0.0\"}",
             argv[7]);
    /* As the server configures SQLite (src/store/store_sqlite.c). */
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);

    sqlite3 *db = open_db();
    char path[4096];
    struct dirent **names;
    int nnames = scandir(argv[2], &names, NULL, alphasort);
    if (nnames < 0)
        die(argv[2]);
    for (int i = 0; i < nnames; i++) {
        const char *name = names[i]->d_name;
        size_t len = strlen(name);
        if (len > 9 && name[4] == '_' && strspn(name, "0123456789") == 4 &&
            strcmp(name + len - 4, ".sql") == 0) {
            snprintf(path, sizeof(path), "%s/%s", argv[2], name);
            char *sql = read_file(path, NULL);
            exec(db, sql);
            free(sql);
        }
        free(names[i]);
    }
    free(names);
    exec(db, "INSERT INTO institutions (id, name_en, name_zh, country, created_at)"
             " VALUES (1, 'Bench', '基准', 'CN', '2026-11-29T12:00:00Z')");
    sqlite3_close(db);
    load(argv[3], argv[4], suffix);

    pthread_t t[64];
    double start = now();
    deadline = start + seconds;
    for (int i = 0; i < threads; i++)
        if (pthread_create(&t[i], NULL, writer, NULL))
            die("cannot start a thread");
    for (int i = 0; i < threads; i++)
        pthread_join(t[i], NULL);
    double elapsed = now() - start;
    if (atomic_load(&failed))
        die("a write failed");
    printf("%lld %.3f\n", (long long)atomic_load(&stored_count), elapsed);
    return 0;
}
