/*
 * store: the one storage interface. A `struct store` is one database
 * connection, used by one thread at a time; `struct store_pool` hands each
 * thread its own. SQL is written once in the portable subset that SQLite and
 * PostgreSQL both accept: `?` placeholders (a PostgreSQL backend numbers
 * them), `INSERT ... RETURNING id` instead of last-insert-id, ISO-8601 text
 * timestamps or integer epoch seconds.
 *
 *   struct store_stmt *st;
 *   if ((err = store_prepare(db, "SELECT name FROM users WHERE id = ?", &st))) goto fail;
 *   store_bind_int(st, 1, id);
 *   while ((err = store_step(st)) == STORE_ROW) use(store_col_text(st, 0));
 *   store_finish(st);
 *
 * Prepared statements are cached per connection, keyed by the SQL text, so a
 * hot query is compiled once per thread.
 */
#ifndef CC_STORE_STORE_H
#define CC_STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

enum store_error {
    STORE_OK = 0,
    STORE_ROW = 1,         /* store_step: a row is ready */
    STORE_ERROR = -1,      /* any other failure; logged */
    STORE_CONSTRAINT = -2, /* a UNIQUE, CHECK or foreign-key constraint failed */
    STORE_BUSY = -3,       /* the database stayed locked past the busy timeout */
    STORE_NOMEM = -4,
    STORE_UNSUPPORTED = -5, /* a URL scheme this build has no backend for */
    STORE_CANTOPEN = -6,
};

struct store;
struct store_stmt;
struct store_pool;

/* Opens a connection to URL ("sqlite:PATH"). */
int store_open(const char *url, struct store **out) __attribute__((warn_unused_result));

/* Closes the connection and sets *S to NULL. */
void store_close(struct store **s);

/* Applies the numbered migrations of schema/ that this database has not had yet. */
int store_migrate(struct store *s) __attribute__((warn_unused_result));

/* Runs SQL that returns no rows (may hold several statements). */
int store_exec(struct store *s, const char *sql) __attribute__((warn_unused_result));

/* Prepares SQL (from the cache when it was prepared before); release with store_finish. */
int store_prepare(struct store *s, const char *sql, struct store_stmt **out)
    __attribute__((warn_unused_result));

/* Binds parameter I (from 1). Text is copied. A NULL text binds SQL NULL. */
void store_bind_int(struct store_stmt *st, int i, int64_t v);
void store_bind_text(struct store_stmt *st, int i, const char *v);
void store_bind_blob(struct store_stmt *st, int i, const void *data, size_t len);

/* Steps: STORE_ROW while rows come, STORE_OK when done, or an error. */
int store_step(struct store_stmt *st) __attribute__((warn_unused_result));

/* Column I (from 0) of the current row. Text is valid until the next step or finish. */
int64_t store_col_int(struct store_stmt *st, int i);
const char *store_col_text(struct store_stmt *st, int i); /* "" for NULL */
int store_col_is_null(struct store_stmt *st, int i);
const void *store_col_blob(struct store_stmt *st, int i, size_t *len);

/* Resets the statement and returns it to the cache. */
void store_finish(struct store_stmt *st);

/*
 * The database S is connected to, the same for every connection to it (for
 * SQLite the file's full path; "" for a temporary or in-memory database):
 * what code that coordinates the writers of one database keys on.
 */
const char *store_database(struct store *s);

/* Rows changed by the last INSERT, UPDATE or DELETE. */
int64_t store_changes(struct store *s);

/*
 * Transactions. store_begin takes the write lock at once (so two writers never
 * deadlock upgrading), store_commit makes the changes durable before it
 * returns, store_rollback undoes them.
 */
int store_begin(struct store *s) __attribute__((warn_unused_result));
int store_commit(struct store *s) __attribute__((warn_unused_result));
void store_rollback(struct store *s);

/*
 * Makes connection S wait for a database locked by another writer by trying
 * again every INTERVAL_MS milliseconds (for the usual 5 s in all), rather than
 * with the growing pauses of the default, which let a stream of fresh writers
 * starve one that has waited. For a background writer with short, regular
 * transactions that must keep up (the mastery worker).
 */
void store_busy_poll(struct store *s, unsigned interval_ms);

/*
 * Checkpoints: in WAL mode a commit appends pages to the log, and a
 * checkpoint copies them into the database file. Every commit that leaves
 * the log past 1000 pages is followed by one (what SQLite does by itself).
 * A writer that holds others up until its commit returns (a group commit's
 * leader) commits with store_commit_later, which sets *DUE instead, and
 * calls store_checkpoint (on any connection to the database) once it no
 * longer holds anyone up. A checkpoint waits for no reader or writer.
 */
int store_commit_later(struct store *s, int *due) __attribute__((warn_unused_result));
void store_checkpoint(struct store *s);

/* Opens another connection to the database S is connected to, as store_open does. */
int store_open_same(struct store *s, struct store **out) __attribute__((warn_unused_result));

/* Copies the whole database to PATH while others keep using it. */
int store_backup(struct store *s, const char *path) __attribute__((warn_unused_result));

/* A per-thread set of connections to URL. */
int store_pool_new(const char *url, struct store_pool **out) __attribute__((warn_unused_result));

/* This thread's connection, opened on first use (and closed when the thread exits). */
int store_pool_get(struct store_pool *p, struct store **out) __attribute__((warn_unused_result));

/* Closes every connection still open and frees the pool; sets *P to NULL. */
void store_pool_free(struct store_pool **p);

#endif
