#include "store/store_sqlite.h"

#include <pthread.h>
#include <sqlite3.h>
#include <string.h>

#include "util/alloc.h"
#include "util/log.h"
#include "util/banned.h"

#define CACHE_SIZE 96

struct store_stmt {
    struct store *owner;
    sqlite3_stmt *st;
    char *sql; /* a copy of the text: callers may build SQL in buffers they reuse */
    int busy;  /* handed out and not yet finished */
};

/* How long a statement waits for a database another connection has locked. */
#define BUSY_TIMEOUT_MS 5000
/* Pages in the WAL past which a commit is followed by a checkpoint (SQLite's default). */
#define CHECKPOINT_PAGES 1000

struct store {
    sqlite3 *db;
    int wal_pages; /* in the WAL after this connection's last commit */
    int defer_wal; /* store_commit_later is committing: no checkpoint now */
    struct store_stmt cache[CACHE_SIZE];
    int ncache;
    struct store_stmt spare;   /* for statements that did not fit the cache */
    unsigned busy_interval_ms; /* store_busy_poll; 0: SQLite's own busy timeout */
};

static int map_error(sqlite3 *db, int rc, const char *what)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_DONE:
        return STORE_OK;
    case SQLITE_ROW:
        return STORE_ROW;
    case SQLITE_CONSTRAINT:
        return STORE_CONSTRAINT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        LOG_WARN("store: %s: database busy", what);
        return STORE_BUSY;
    case SQLITE_NOMEM:
        return STORE_NOMEM;
    case SQLITE_CANTOPEN:
        return STORE_CANTOPEN;
    default:
        LOG_ERROR("store: %s: %s", what, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        return STORE_ERROR;
    }
}

/*
 * Each connection is used by one thread at a time, so SQLite's per-connection
 * mutexes are not needed; memory statistics would take a global mutex on every
 * allocation. Both must be set before SQLite initialises, hence once, here.
 */
static void configure(void)
{
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/*
 * SQLite's automatic checkpoint, but one that store_commit_later can put
 * off: after every commit (of a transaction, or of a statement outside
 * one) that leaves the WAL past CHECKPOINT_PAGES, a PASSIVE checkpoint.
 */
static int wal_committed(void *ctx, sqlite3 *db, const char *name, int pages)
{
    struct store *s = ctx;
    s->wal_pages = pages;
    if (!s->defer_wal && pages >= CHECKPOINT_PAGES) {
        int rc = sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        if (rc != SQLITE_OK && rc != SQLITE_BUSY)
            LOG_WARN("store: checkpoint: %s", sqlite3_errmsg(db));
    }
    return SQLITE_OK;
}

int store_sqlite_open(const char *path, struct store **out)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, configure);
    *out = NULL;
    struct store *s = cc_calloc(1, sizeof(*s));
    if (!s)
        return STORE_NOMEM;
    int rc = sqlite3_open_v2(
        path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        int err = map_error(s->db, rc, "open");
        LOG_ERROR("store: cannot open the database: %s", sqlite3_errstr(rc));
        sqlite3_close(s->db);
        cc_free(s);
        return err ? err : STORE_CANTOPEN;
    }
    sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
    sqlite3_extended_result_codes(s->db, 1);
    /*
     * WAL lets readers run beside the one writer; synchronous=FULL makes a
     * commit durable before it is acknowledged; foreign keys are off by
     * default in SQLite and on in PostgreSQL, so turn them on to match.
     */
    int err = store_exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                            "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;");
    if (err) {
        store_close(&s);
        return err;
    }
    sqlite3_wal_hook(s->db, wal_committed, s);
    *out = s;
    return STORE_OK;
}

void store_close(struct store **sp)
{
    struct store *s = *sp;
    if (!s)
        return;
    for (int i = 0; i < s->ncache; i++) {
        sqlite3_finalize(s->cache[i].st);
        cc_free(s->cache[i].sql);
    }
    sqlite3_finalize(s->spare.st);
    cc_free(s->spare.sql);
    sqlite3_close(s->db);
    cc_free(s);
    *sp = NULL;
}

int store_exec(struct store *s, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK && msg)
        LOG_DEBUG("store: exec: %s", msg);
    sqlite3_free(msg);
    return map_error(s->db, rc, "exec");
}

int store_prepare(struct store *s, const char *sql, struct store_stmt **out)
{
    *out = NULL;
    for (int i = 0; i < s->ncache; i++) {
        struct store_stmt *c = &s->cache[i];
        if (!c->busy && strcmp(c->sql, sql) == 0) {
            c->busy = 1;
            *out = c;
            return STORE_OK;
        }
    }
    if (s->ncache == CACHE_SIZE && s->spare.busy) {
        LOG_ERROR("store: too many statements open at once");
        return STORE_ERROR;
    }
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    if (rc != SQLITE_OK)
        return map_error(s->db, rc, "prepare");
    char *copy = cc_strdup(sql);
    if (!copy) {
        sqlite3_finalize(st);
        return STORE_NOMEM;
    }
    /* The cache keeps the first CACHE_SIZE statements; any later one shares the spare slot. */
    struct store_stmt *c = s->ncache < CACHE_SIZE ? &s->cache[s->ncache++] : &s->spare;
    sqlite3_finalize(c->st);
    cc_free(c->sql);
    c->owner = s;
    c->st = st;
    c->sql = copy;
    c->busy = 1;
    *out = c;
    return STORE_OK;
}

void store_bind_int(struct store_stmt *st, int i, int64_t v)
{
    sqlite3_bind_int64(st->st, i, v);
}

void store_bind_text(struct store_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st->st, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st->st, i);
}

void store_bind_blob(struct store_stmt *st, int i, const void *data, size_t len)
{
    sqlite3_bind_blob64(st->st, i, data, len, SQLITE_TRANSIENT);
}

const void *store_col_blob(struct store_stmt *st, int i, size_t *len)
{
    const void *p = sqlite3_column_blob(st->st, i);
    *len = (size_t)sqlite3_column_bytes(st->st, i);
    return p ? p : "";
}

int store_step(struct store_stmt *st)
{
    int rc = sqlite3_step(st->st);
    return map_error(st->owner->db, rc, "step");
}

int64_t store_col_int(struct store_stmt *st, int i)
{
    return sqlite3_column_int64(st->st, i);
}

const char *store_col_text(struct store_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st->st, i);
    return t ? (const char *)t : "";
}

int store_col_is_null(struct store_stmt *st, int i)
{
    return sqlite3_column_type(st->st, i) == SQLITE_NULL;
}

void store_finish(struct store_stmt *st)
{
    if (!st)
        return;
    sqlite3_reset(st->st);
    sqlite3_clear_bindings(st->st);
    st->busy = 0;
}

const char *store_database(struct store *s)
{
    const char *name = sqlite3_db_filename(s->db, "main");
    return name ? name : "";
}

int64_t store_changes(struct store *s)
{
    return sqlite3_changes64(s->db);
}

int store_begin(struct store *s)
{
    return store_exec(s, "BEGIN IMMEDIATE");
}

int store_commit(struct store *s)
{
    int err = store_exec(s, "COMMIT");
    if (err)
        store_rollback(s);
    return err;
}

int store_commit_later(struct store *s, int *due)
{
    s->wal_pages = 0;
    s->defer_wal = 1;
    int err = store_commit(s);
    s->defer_wal = 0;
    *due = !err && s->wal_pages >= CHECKPOINT_PAGES;
    return err;
}

void store_checkpoint(struct store *s)
{
    /* PASSIVE: copies what it can without waiting; a failure only leaves the log longer. */
    int rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY)
        LOG_WARN("store: checkpoint: %s", sqlite3_errmsg(s->db));
}

int store_open_same(struct store *s, struct store **out)
{
    const char *path = sqlite3_db_filename(s->db, "main");
    *out = NULL;
    if (!path || !path[0])
        return STORE_UNSUPPORTED; /* a temporary or in-memory database: no other connection */
    return store_sqlite_open(path, out);
}

void store_rollback(struct store *s)
{
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

static int busy_poll(void *ctx, int count)
{
    const struct store *s = ctx;
    if ((long)count * (long)s->busy_interval_ms >= BUSY_TIMEOUT_MS)
        return 0;
    sqlite3_sleep((int)s->busy_interval_ms);
    return 1;
}

void store_busy_poll(struct store *s, unsigned interval_ms)
{
    s->busy_interval_ms = interval_ms ? interval_ms : 1;
    sqlite3_busy_handler(s->db, busy_poll, s);
}

int store_backup(struct store *s, const char *path)
{
    sqlite3 *dst;
    int rc = sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        sqlite3_close(dst);
        LOG_ERROR("store: cannot create the backup file: %s", sqlite3_errstr(rc));
        return STORE_CANTOPEN;
    }
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", s->db, "main");
    if (!b) {
        int err = map_error(dst, sqlite3_errcode(dst), "backup");
        sqlite3_close(dst);
        return err ? err : STORE_ERROR;
    }
    /* Copy in steps so writers are held up only briefly; retry while they hold the lock. */
    do {
        rc = sqlite3_backup_step(b, 256);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
            sqlite3_sleep(20);
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    sqlite3_backup_finish(b);
    int err = map_error(dst, rc, "backup");
    sqlite3_close(dst);
    return err;
}
