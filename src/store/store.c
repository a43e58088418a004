#include "store/store.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_sqlite.h"
#include "util/alloc.h"
#include "util/embedded.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/banned.h"

int store_open(const char *url, struct store **out)
{
    *out = NULL;
    if (strncmp(url, "sqlite:", 7) == 0)
        return store_sqlite_open(url + 7, out);
    LOG_ERROR("store: unsupported database url scheme");
    return STORE_UNSUPPORTED;
}

/* "0003_classes.sql" → 3; 0 when the name has no number. */
static long migration_version(const char *path)
{
    const char *name = strrchr(path, '/');
    name = name ? name + 1 : path;
    char *end;
    long v = strtol(name, &end, 10);
    return end != name && *end == '_' ? v : 0;
}

static int applied(struct store *s, long version, int *yes)
{
    struct store_stmt *st;
    int err = store_prepare(s, "SELECT 1 FROM schema_migrations WHERE version = ?", &st);
    if (err)
        return err;
    store_bind_int(st, 1, version);
    err = store_step(st);
    *yes = err == STORE_ROW;
    store_finish(st);
    return err < 0 ? err : STORE_OK;
}

int store_migrate(struct store *s)
{
    int err = store_exec(s, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                            " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                            " applied_at TEXT NOT NULL)");
    if (err)
        return err;
    const struct embedded_file *f = NULL;
    for (size_t i = 0; i < schema_files_count; i++) {
        f = &schema_files[i];
        long version = migration_version(f->path);
        if (version <= 0)
            continue;
        int yes;
        if ((err = store_begin(s)))
            return err;
        /* Checked inside the transaction: two processes starting at once apply it once. */
        if ((err = applied(s, version, &yes)))
            goto fail;
        if (yes) {
            store_rollback(s);
            continue;
        }
        if ((err = store_exec(s, (const char *)f->data)))
            goto fail;
        struct store_stmt *st;
        if ((err = store_prepare(s,
                                 "INSERT INTO schema_migrations (version, name, applied_at)"
                                 " VALUES (?, ?, ?)",
                                 &st)))
            goto fail;
        char now[21];
        time_iso8601(time_now(), now);
        store_bind_int(st, 1, version);
        store_bind_text(st, 2, f->path + 1);
        store_bind_text(st, 3, now);
        err = store_step(st);
        store_finish(st);
        if (err)
            goto fail;
        if ((err = store_commit(s)))
            return err;
        LOG_INFO("store: applied migration %s", f->path + 1);
    }
    return STORE_OK;
fail:
    LOG_ERROR("store: migration %s failed", f ? f->path + 1 : "?");
    store_rollback(s);
    return err;
}

struct pool_entry {
    struct store *conn;
    struct pool_entry *next;
};

struct store_pool {
    char *url;
    pthread_key_t key;
    pthread_mutex_t lock;
    struct pool_entry *all;
};

/* Runs when a thread that used the pool exits: its connection goes with it. */
static void pool_thread_exit(void *arg)
{
    struct pool_entry *e = arg;
    /* The pool outlives its threads; the entry is unlinked under the lock in store_pool_free. */
    store_close(&e->conn);
}

int store_pool_new(const char *url, struct store_pool **out)
{
    *out = NULL;
    struct store_pool *p = cc_calloc(1, sizeof(*p));
    if (!p || !(p->url = cc_strdup(url))) {
        cc_free(p);
        return STORE_NOMEM;
    }
    if (pthread_key_create(&p->key, pool_thread_exit)) {
        cc_free(p->url);
        cc_free(p);
        return STORE_ERROR;
    }
    pthread_mutex_init(&p->lock, NULL);
    *out = p;
    return STORE_OK;
}

int store_pool_get(struct store_pool *p, struct store **out)
{
    struct pool_entry *e = pthread_getspecific(p->key);
    if (e && e->conn) {
        *out = e->conn;
        return STORE_OK;
    }
    *out = NULL;
    if (!e) {
        e = cc_calloc(1, sizeof(*e));
        if (!e)
            return STORE_NOMEM;
        pthread_mutex_lock(&p->lock);
        e->next = p->all;
        p->all = e;
        pthread_mutex_unlock(&p->lock);
        pthread_setspecific(p->key, e);
    }
    int err = store_open(p->url, &e->conn);
    if (err)
        return err;
    *out = e->conn;
    return STORE_OK;
}

void store_pool_free(struct store_pool **pp)
{
    struct store_pool *p = *pp;
    if (!p)
        return;
    pthread_key_delete(p->key);
    for (struct pool_entry *e = p->all, *next; e; e = next) {
        next = e->next;
        store_close(&e->conn);
        cc_free(e);
    }
    pthread_mutex_destroy(&p->lock);
    cc_free(p->url);
    cc_free(p);
    *pp = NULL;
}
