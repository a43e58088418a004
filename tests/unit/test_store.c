/*
 * Unit tests of store/ against SQLite files in a temporary directory: one
 * fresh database per test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/store.h"
#include "util/embedded.h"
#include "util/log.h"
#include "util/timeutil.h"

static char tmpdir[] = "/tmp/cc_test_store_XXXXXX";

struct fixture {
    char path[512]; /* the database file */
    char url[520];
    struct store *db;
};

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path);
}

static int group_setup(void **state)
{
    log_set_level(LOG_LEVEL_OFF);
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int group_teardown(void **state)
{
    return nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int setup(void **state)
{
    static int n;
    struct fixture *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    snprintf(f->path, sizeof(f->path), "%s/db%d.sqlite", tmpdir, ++n);
    snprintf(f->url, sizeof(f->url), "sqlite:%s", f->path);
    if (store_open(f->url, &f->db)) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    store_close(&f->db);
    free(f);
    return 0;
}

/* The integer of a one-row, one-column query. */
static int64_t query_int(struct store *db, const char *sql)
{
    struct store_stmt *st;
    assert_int_equal(store_prepare(db, sql, &st), STORE_OK);
    assert_int_equal(store_step(st), STORE_ROW);
    int64_t v = store_col_int(st, 0);
    int end = store_step(st);
    store_finish(st);
    assert_int_equal(end, STORE_OK);
    return v;
}

static void make_table(struct store *db)
{
    assert_int_equal(store_exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE,"
                                    " n INTEGER)"),
                     STORE_OK);
}

static void insert_row(struct store *db, const char *name, int64_t n, int want)
{
    struct store_stmt *st;
    assert_int_equal(store_prepare(db, "INSERT INTO t (name, n) VALUES (?, ?)", &st), STORE_OK);
    store_bind_text(st, 1, name);
    store_bind_int(st, 2, n);
    int err = store_step(st);
    store_finish(st);
    assert_int_equal(err, want);
}

static void open_creates_file(void **state)
{
    struct fixture *f = *state;
    struct stat st;
    assert_int_equal(stat(f->path, &st), 0);
    assert_non_null(f->db);
    struct store *again;
    assert_int_equal(store_open(f->url, &again), STORE_OK);
    assert_non_null(again);
    store_close(&again);
    assert_null(again);
    store_close(&again); /* closing NULL is harmless */
}

static void open_bad_path(void **state)
{
    char url[600];
    snprintf(url, sizeof(url), "sqlite:%s/no/such/dir/db.sqlite", tmpdir);
    struct store *db = (struct store *)1;
    assert_int_equal(store_open(url, &db), STORE_CANTOPEN);
    assert_null(db);
}

static void open_unsupported_scheme(void **state)
{
    const char *urls[] = {"postgres://localhost/cc", "postgresql://x", "mysql://x", "", "sqlite",
                          "SQLITE:/tmp/x",           "file:/tmp/x"};
    for (size_t i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
        struct store *db = (struct store *)1;
        int err = store_open(urls[i], &db);
        if (err != STORE_UNSUPPORTED || db != NULL)
            fail_msg("store_open(\"%s\") = %d", urls[i], err);
    }
}

static void migrate_is_idempotent(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(store_migrate(f->db), STORE_OK);
    int64_t n = query_int(f->db, "SELECT count(*) FROM schema_migrations");
    assert_int_equal(store_migrate(f->db), STORE_OK);
    assert_int_equal(store_migrate(f->db), STORE_OK);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM schema_migrations"), n);

    /* One row per numbered migration, with its version and name. */
    assert_int_equal(n, (int64_t)schema_files_count);
    struct store_stmt *st;
    assert_int_equal(store_prepare(f->db,
                                   "SELECT version, name, applied_at FROM schema_migrations"
                                   " ORDER BY version",
                                   &st),
                     STORE_OK);
    assert_int_equal(store_step(st), STORE_ROW);
    assert_int_equal(store_col_int(st, 0), 1);
    assert_string_equal(store_col_text(st, 1), "0001_accounts.sql");
    assert_int_equal(strlen(store_col_text(st, 2)), 20);
    store_finish(st);

    /* The tables of the migration exist and are empty. */
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM users"), 0);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM enrolments"), 0);

    /* A second connection (another process starting) migrates nothing again. */
    struct store *other;
    assert_int_equal(store_open(f->url, &other), STORE_OK);
    assert_int_equal(store_migrate(other), STORE_OK);
    assert_int_equal(query_int(other, "SELECT count(*) FROM schema_migrations"), n);
    store_close(&other);
}

static void prepare_bind_step_columns(void **state)
{
    struct fixture *f = *state;
    make_table(f->db);
    insert_row(f->db, "王芳", 42, STORE_OK);
    assert_int_equal(store_changes(f->db), 1);
    insert_row(f->db, NULL, -7, STORE_OK); /* NULL text binds SQL NULL */
    insert_row(f->db, "big", INT64_MAX, STORE_OK);

    struct store_stmt *st;
    assert_int_equal(store_prepare(f->db, "SELECT id, name, n FROM t ORDER BY id", &st), STORE_OK);
    assert_int_equal(store_step(st), STORE_ROW);
    assert_int_equal(store_col_int(st, 0), 1);
    assert_string_equal(store_col_text(st, 1), "王芳");
    assert_false(store_col_is_null(st, 1));
    assert_int_equal(store_col_int(st, 2), 42);
    assert_int_equal(store_step(st), STORE_ROW);
    assert_true(store_col_is_null(st, 1));
    assert_string_equal(store_col_text(st, 1), ""); /* "" for NULL */
    assert_int_equal(store_col_int(st, 2), -7);
    assert_int_equal(store_step(st), STORE_ROW);
    assert_true(store_col_int(st, 2) == INT64_MAX);
    assert_int_equal(store_step(st), STORE_OK);
    store_finish(st);

    /* Text is copied at bind time. */
    char name[16];
    snprintf(name, sizeof(name), "copied");
    assert_int_equal(store_prepare(f->db, "SELECT ?", &st), STORE_OK);
    store_bind_text(st, 1, name);
    snprintf(name, sizeof(name), "changed");
    assert_int_equal(store_step(st), STORE_ROW);
    assert_string_equal(store_col_text(st, 0), "copied");
    store_finish(st);

    assert_int_equal(store_exec(f->db, "UPDATE t SET n = n + 1"), STORE_OK);
    assert_int_equal(store_changes(f->db), 3);
}

static void prepare_error(void **state)
{
    struct fixture *f = *state;
    struct store_stmt *st = (struct store_stmt *)1;
    assert_int_equal(store_prepare(f->db, "SELEKT 1", &st), STORE_ERROR);
    assert_null(st);
    st = (struct store_stmt *)1;
    assert_int_equal(store_prepare(f->db, "SELECT * FROM no_such_table", &st), STORE_ERROR);
    assert_null(st);
    assert_int_equal(store_exec(f->db, "NOT SQL"), STORE_ERROR);
}

static void statement_cache_reuse(void **state)
{
    struct fixture *f = *state;
    struct store_stmt *a, *b;
    assert_int_equal(store_prepare(f->db, "SELECT ?, ?", &a), STORE_OK);
    store_bind_int(a, 1, 1);
    store_bind_text(a, 2, "one");
    assert_int_equal(store_step(a), STORE_ROW);
    assert_int_equal(store_col_int(a, 0), 1);
    store_finish(a);

    /* The same text again (another copy of it): the cached statement, reset, bindings cleared. */
    char *copy = strdup("SELECT ?, ?");
    assert_int_equal(store_prepare(f->db, copy, &b), STORE_OK);
    free(copy);
    assert_ptr_equal(a, b);
    store_bind_int(b, 1, 2);
    assert_int_equal(store_step(b), STORE_ROW);
    assert_int_equal(store_col_int(b, 0), 2);
    assert_true(store_col_is_null(b, 1));
    assert_int_equal(store_step(b), STORE_OK);
    store_finish(b);
    store_finish(NULL); /* harmless */

    /* Finishing in the middle of the rows resets the statement. */
    make_table(f->db);
    for (int i = 0; i < 5; i++) {
        char name[8];
        snprintf(name, sizeof(name), "r%d", i);
        insert_row(f->db, name, i, STORE_OK);
    }
    for (int round = 0; round < 3; round++) {
        struct store_stmt *st;
        assert_int_equal(store_prepare(f->db, "SELECT n FROM t ORDER BY n", &st), STORE_OK);
        assert_int_equal(store_step(st), STORE_ROW);
        assert_int_equal(store_col_int(st, 0), 0);
        assert_int_equal(store_step(st), STORE_ROW);
        assert_int_equal(store_col_int(st, 0), 1);
        store_finish(st);
    }
}

static void statements_open_at_once(void **state)
{
    struct fixture *f = *state;
    make_table(f->db);
    insert_row(f->db, "a", 1, STORE_OK);
    insert_row(f->db, "b", 2, STORE_OK);

    /* The same SQL twice, nested: two independent statements. */
    const char *sql = "SELECT n FROM t ORDER BY n";
    struct store_stmt *outer, *inner;
    assert_int_equal(store_prepare(f->db, sql, &outer), STORE_OK);
    assert_int_equal(store_prepare(f->db, sql, &inner), STORE_OK);
    assert_ptr_not_equal(outer, inner);
    int64_t sum = 0;
    while (store_step(outer) == STORE_ROW) {
        int64_t o = store_col_int(outer, 0);
        while (store_step(inner) == STORE_ROW)
            sum += o * 10 + store_col_int(inner, 0);
        store_finish(inner);
        assert_int_equal(store_prepare(f->db, sql, &inner), STORE_OK);
    }
    store_finish(inner);
    store_finish(outer);
    assert_int_equal(sum, 11 + 12 + 21 + 22);

    /* Two different statements open at once. */
    struct store_stmt *q1, *q2;
    assert_int_equal(store_prepare(f->db, "SELECT name FROM t WHERE n = ?", &q1), STORE_OK);
    assert_int_equal(store_prepare(f->db, "SELECT count(*) FROM t WHERE n >= ?", &q2), STORE_OK);
    store_bind_int(q1, 1, 2);
    store_bind_int(q2, 1, 1);
    assert_int_equal(store_step(q1), STORE_ROW);
    assert_int_equal(store_step(q2), STORE_ROW);
    assert_string_equal(store_col_text(q1, 0), "b");
    assert_int_equal(store_col_int(q2, 0), 2);
    store_finish(q1);
    store_finish(q2);
}

/*
 * The cache is keyed by the SQL text, not by where the caller kept it: SQL
 * built in a reused buffer must not get the statement of the buffer's
 * earlier contents.
 */
static void statement_cache_keys_on_text(void **state)
{
    struct fixture *f = *state;
    char sql[64];
    struct store_stmt *st;
    snprintf(sql, sizeof(sql), "SELECT %d", 1);
    assert_int_equal(store_prepare(f->db, sql, &st), STORE_OK);
    assert_int_equal(store_step(st), STORE_ROW);
    assert_int_equal(store_col_int(st, 0), 1);
    store_finish(st);

    snprintf(sql, sizeof(sql), "SELECT %d", 2);
    assert_int_equal(store_prepare(f->db, sql, &st), STORE_OK);
    assert_int_equal(store_step(st), STORE_ROW);
    int64_t got = store_col_int(st, 0);
    store_finish(st);
    assert_int_equal(got, 2);
}

/*
 * More distinct statements than the cache holds all work, and closing the
 * connection afterwards releases everything. When the last connection of a
 * WAL database really closes, SQLite checkpoints and removes the -wal file;
 * an unfinalised statement makes sqlite3_close fail and leaves it (and leaks
 * the connection). Run in a child so that such a leak does not fail every
 * other test of this program under ASan.
 */
static void more_statements_than_the_cache(void **state)
{
    char path[600], url[610], wal[620];
    snprintf(path, sizeof(path), "%s/overflow.sqlite", tmpdir);
    snprintf(url, sizeof(url), "sqlite:%s", path);
    snprintf(wal, sizeof(wal), "%s-wal", path);
    static const int counts[] = {50, 300};
    static const char sql_early[] = "SELECT 5 + 1";
    for (size_t k = 0; k < sizeof(counts) / sizeof(counts[0]); k++) {
        int count = counts[k];
        unlink(path);
        unlink(wal);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            /* No cmocka assertions in the child: it reports through its exit status. */
            struct store *db;
            if (store_open(url, &db) || store_exec(db, "CREATE TABLE x (a INTEGER)"))
                _exit(2);
            for (int i = 0; i < count; i++) {
                static char sql[300][32];
                snprintf(sql[i], sizeof(sql[i]), "SELECT %d + 1", i);
                struct store_stmt *st;
                if (store_prepare(db, sql[i], &st))
                    _exit(3);
                int ok = store_step(st) == STORE_ROW && store_col_int(st, 0) == i + 1;
                store_finish(st);
                if (!ok)
                    _exit(4);
            }
            /* An early one again, after the cache filled up. */
            struct store_stmt *st;
            if (store_prepare(db, sql_early, &st))
                _exit(5);
            int ok = store_step(st) == STORE_ROW && store_col_int(st, 0) == 6;
            store_finish(st);
            if (!ok)
                _exit(6);
            store_close(&db);
            _exit(0);
        }
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
        struct stat st;
        if (stat(wal, &st) == 0)
            fail_msg("after %d statements, store_close left the connection open", count);
    }
}

static void unique_violation_is_constraint(void **state)
{
    struct fixture *f = *state;
    make_table(f->db);
    insert_row(f->db, "same", 1, STORE_OK);
    insert_row(f->db, "same", 2, STORE_CONSTRAINT);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM t"), 1);
    /* The connection and the cached INSERT still work afterwards. */
    insert_row(f->db, "other", 3, STORE_OK);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM t"), 2);

    /* CHECK and foreign-key constraints too (foreign keys are on, as in PostgreSQL). */
    assert_int_equal(store_migrate(f->db), STORE_OK);
    assert_int_equal(store_exec(f->db, "INSERT INTO institutions (name_en, name_zh, country,"
                                       " created_at) VALUES ('a', 'b', 'CHN', 'x')"),
                     STORE_CONSTRAINT);
    assert_int_equal(store_exec(f->db, "INSERT INTO users (institution_id, login, name, role,"
                                       " password_hash, created_at)"
                                       " VALUES (999, 'x', 'x', 'student', 'h', 'x')"),
                     STORE_CONSTRAINT);
}

static void rollback_leaves_nothing(void **state)
{
    struct fixture *f = *state;
    make_table(f->db);
    assert_int_equal(store_begin(f->db), STORE_OK);
    insert_row(f->db, "a", 1, STORE_OK);
    insert_row(f->db, "b", 2, STORE_OK);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM t"), 2);
    store_rollback(f->db);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM t"), 0);
    store_rollback(f->db); /* outside a transaction: harmless */

    /* A fresh transaction can start after a rollback. */
    assert_int_equal(store_begin(f->db), STORE_OK);
    insert_row(f->db, "c", 3, STORE_OK);
    store_rollback(f->db);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM t"), 0);
}

static void commit_persists(void **state)
{
    struct fixture *f = *state;
    make_table(f->db);
    assert_int_equal(store_begin(f->db), STORE_OK);
    insert_row(f->db, "a", 1, STORE_OK);
    insert_row(f->db, "b", 2, STORE_OK);

    /* Another connection sees nothing before the commit. */
    struct store *other;
    assert_int_equal(store_open(f->url, &other), STORE_OK);
    assert_int_equal(query_int(other, "SELECT count(*) FROM t"), 0);
    assert_int_equal(store_commit(f->db), STORE_OK);
    assert_int_equal(query_int(other, "SELECT count(*) FROM t"), 2);
    store_close(&other);

    /* And after reopening. */
    store_close(&f->db);
    assert_int_equal(store_open(f->url, &f->db), STORE_OK);
    assert_int_equal(query_int(f->db, "SELECT sum(n) FROM t"), 3);
}

static void commit_without_begin_fails(void **state)
{
    struct fixture *f = *state;
    assert_int_not_equal(store_commit(f->db), STORE_OK);
}

static void backup_copies_rows(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(store_migrate(f->db), STORE_OK);
    make_table(f->db);
    for (int i = 0; i < 500; i++) {
        char name[16];
        snprintf(name, sizeof(name), "n%d", i);
        insert_row(f->db, name, i, STORE_OK);
    }
    char path[600], url[610];
    snprintf(path, sizeof(path), "%s/backup.sqlite", tmpdir);
    unlink(path);
    assert_int_equal(store_backup(f->db, path), STORE_OK);

    /* The source keeps working. */
    insert_row(f->db, "after", 1000, STORE_OK);

    struct store *copy;
    snprintf(url, sizeof(url), "sqlite:%s", path);
    assert_int_equal(store_open(url, &copy), STORE_OK);
    assert_int_equal(query_int(copy, "SELECT count(*) FROM t"), 500);
    assert_int_equal(query_int(copy, "SELECT sum(n) FROM t"), 499 * 500 / 2);
    assert_int_equal(query_int(copy, "SELECT count(*) FROM t WHERE name = 'n123' AND n = 123"), 1);
    assert_int_equal(query_int(copy, "SELECT count(*) FROM schema_migrations"),
                     (int64_t)schema_files_count);
    assert_int_equal(store_migrate(copy), STORE_OK);
    store_close(&copy);

    /* A backup over an existing file replaces it. */
    assert_int_equal(store_backup(f->db, path), STORE_OK);
    assert_int_equal(store_open(url, &copy), STORE_OK);
    assert_int_equal(query_int(copy, "SELECT count(*) FROM t"), 501);
    store_close(&copy);
}

static void backup_to_bad_path(void **state)
{
    struct fixture *f = *state;
    char path[600];
    snprintf(path, sizeof(path), "%s/no/such/dir/backup.sqlite", tmpdir);
    assert_int_not_equal(store_backup(f->db, path), STORE_OK);
}

/* ---------------------------------------------------------------- pool */

struct pool_thread {
    struct store_pool *pool;
    pthread_barrier_t *barrier;
    struct store *first, *second;
    int err, ok;
};

static void *pool_worker(void *arg)
{
    struct pool_thread *t = arg;
    t->err = store_pool_get(t->pool, &t->first);
    if (!t->err)
        t->err = store_pool_get(t->pool, &t->second);
    /* The connection works on this thread. */
    if (!t->err) {
        struct store_stmt *st;
        if (store_prepare(t->first, "SELECT count(*) FROM t", &st) == STORE_OK) {
            t->ok = store_step(st) == STORE_ROW && store_col_int(st, 0) == 1;
            store_finish(st);
        }
    }
    /* Both threads hold their connections here, so the addresses can be compared. */
    pthread_barrier_wait(t->barrier);
    pthread_barrier_wait(t->barrier);
    return NULL;
}

static void pool_gives_each_thread_its_connection(void **state)
{
    struct fixture *f = *state;
    make_table(f->db);
    insert_row(f->db, "x", 1, STORE_OK);

    struct store_pool *pool;
    assert_int_equal(store_pool_new(f->url, &pool), STORE_OK);
    pthread_barrier_t barrier;
    pthread_barrier_init(&barrier, NULL, 3);
    struct pool_thread t[2] = {{pool, &barrier, NULL, NULL, -1, 0},
                               {pool, &barrier, NULL, NULL, -1, 0}};
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&th[i], NULL, pool_worker, &t[i]), 0);
    pthread_barrier_wait(&barrier);

    struct store *mine, *mine2;
    int err = store_pool_get(pool, &mine);
    int err2 = store_pool_get(pool, &mine2);

    pthread_barrier_wait(&barrier);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&barrier);

    for (int i = 0; i < 2; i++) {
        assert_int_equal(t[i].err, STORE_OK);
        assert_non_null(t[i].first);
        assert_ptr_equal(t[i].first, t[i].second); /* the same thread gets the same one */
        assert_true(t[i].ok);
    }
    assert_ptr_not_equal(t[0].first, t[1].first);
    assert_int_equal(err, STORE_OK);
    assert_int_equal(err2, STORE_OK);
    assert_ptr_equal(mine, mine2);
    assert_ptr_not_equal(mine, t[0].first);
    assert_ptr_not_equal(mine, t[1].first);
    assert_int_equal(query_int(mine, "SELECT count(*) FROM t"), 1);
    assert_ptr_not_equal(mine, f->db);

    store_pool_free(&pool);
    assert_null(pool);
    store_pool_free(&pool); /* NULL is harmless */
}

static void pool_bad_url(void **state)
{
    struct store_pool *pool;
    assert_int_equal(store_pool_new("nosql://x", &pool), STORE_OK);
    struct store *db = (struct store *)1;
    assert_int_equal(store_pool_get(pool, &db), STORE_UNSUPPORTED);
    assert_null(db);
    store_pool_free(&pool);
}

static off_t file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_size : -1;
}

/* Commits about 8 MB (2000 pages) in one transaction, with store_commit or store_commit_later. */
static void write_pages(struct fixture *f, int later)
{
    assert_int_equal(store_begin(f->db), STORE_OK);
    for (int i = 0; i < 200; i++) {
        struct store_stmt *st;
        assert_int_equal(store_prepare(f->db, "INSERT INTO big (b) VALUES (zeroblob(40000))", &st),
                         STORE_OK);
        assert_int_equal(store_step(st), STORE_OK);
        store_finish(st);
    }
    int due = 0;
    assert_int_equal(later ? store_commit_later(f->db, &due) : store_commit(f->db), STORE_OK);
    assert_int_equal(due, later);
}

/* store_commit copies a long WAL into the file; store_commit_later leaves that to store_checkpoint.
 */
static void checkpoint_now_or_later(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(store_exec(f->db, "CREATE TABLE big (b BLOB)"), STORE_OK);
    off_t empty = file_size(f->path);
    write_pages(f, 1);
    assert_int_equal(file_size(f->path), empty); /* all of it still in the WAL */
    /* Any connection to the database can checkpoint it. */
    struct store *other;
    assert_int_equal(store_open_same(f->db, &other), STORE_OK);
    store_checkpoint(other);
    store_close(&other);
    off_t after = file_size(f->path);
    assert_true(after > empty + 7000000);
    write_pages(f, 0);
    off_t again = file_size(f->path);
    assert_true(again > after + 7000000);
    /* A statement outside a transaction commits by itself, and is followed by one too. */
    assert_int_equal(store_exec(f->db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1"
                                       " FROM n WHERE i < 200) INSERT INTO big SELECT"
                                       " zeroblob(40000) FROM n"),
                     STORE_OK);
    assert_true(file_size(f->path) > again + 7000000);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM big"), 600);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

struct holder {
    const char *url;
    pthread_barrier_t *barrier;
};

/* Takes the write lock, lets the test go on, and keeps the lock 150 ms. */
static void *hold_lock(void *arg)
{
    struct holder *h = arg;
    struct store *db;
    if (store_open(h->url, &db))
        return NULL;
    int ok = store_begin(db) == STORE_OK;
    pthread_barrier_wait(h->barrier);
    if (ok) {
        struct timespec ts = {0, 150 * 1000000L};
        nanosleep(&ts, NULL);
        if (store_commit(db))
            store_rollback(db);
    }
    store_close(&db);
    return NULL;
}

static void busy_poll_waits_for_the_lock(void **state)
{
    struct fixture *f = *state;
    pthread_barrier_t barrier;
    pthread_barrier_init(&barrier, NULL, 2);
    struct holder h = {f->url, &barrier};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, hold_lock, &h), 0);
    pthread_barrier_wait(&barrier);
    store_busy_poll(f->db, 2);
    uint64_t t0 = time_mono_ns();
    /* Locked by the other connection: polled until it lets go, then ours. */
    assert_int_equal(store_begin(f->db), STORE_OK);
    uint64_t waited_ms = (time_mono_ns() - t0) / 1000000;
    assert_true(waited_ms >= 100);
    assert_int_equal(store_exec(f->db, "CREATE TABLE polled (x INTEGER)"), STORE_OK);
    assert_int_equal(store_commit(f->db), STORE_OK);
    pthread_join(th, NULL);
    pthread_barrier_destroy(&barrier);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(busy_poll_waits_for_the_lock),
        T(open_creates_file),
        cmocka_unit_test(open_bad_path),
        cmocka_unit_test(open_unsupported_scheme),
        T(migrate_is_idempotent),
        T(prepare_bind_step_columns),
        T(prepare_error),
        T(statement_cache_reuse),
        T(statements_open_at_once),
        T(statement_cache_keys_on_text),
        cmocka_unit_test(more_statements_than_the_cache),
        T(unique_violation_is_constraint),
        T(rollback_leaves_nothing),
        T(commit_persists),
        T(commit_without_begin_fails),
        T(checkpoint_now_or_later),
        T(backup_copies_rows),
        T(backup_to_bad_path),
        T(pool_gives_each_thread_its_connection),
        cmocka_unit_test(pool_bad_url),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
