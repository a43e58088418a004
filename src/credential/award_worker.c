#include "credential/award_worker.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/alloc.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "xapi/record.h"
#include "util/banned.h"

/* ------------------------------------------------------------ reading the log */

/* The student of INSTITUTION whose platform account is ACTOR, or 0. */
static int64_t learner_of(struct store *db, int64_t institution, const json_t *actor)
{
    const json_t *acct = json_object_get(actor, "account");
    const char *home = json_string_value(json_object_get(acct, "homePage"));
    const char *login = json_string_value(json_object_get(acct, "name"));
    if (!home || !login || strcmp(home, XAPI_PLATFORM_HOMEPAGE) != 0)
        return 0;
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT id FROM users WHERE institution_id = ? AND login = ?"
                      " AND role = 'student'",
                      &st))
        return -1;
    store_bind_int(st, 1, institution);
    store_bind_text(st, 2, login);
    int rc = store_step(st);
    int64_t id = rc == STORE_ROW ? store_col_int(st, 0) : rc < 0 ? -1 : 0;
    store_finish(st);
    return id;
}

/* The CFItem identifier at the end of an IRI .../CFItems/<uuid>, or NULL. */
static const char *item_of(const char *iri)
{
    size_t n = strlen(AWARD_ITEM_IRI);
    return iri && strncmp(iri, AWARD_ITEM_IRI, n) == 0 && strlen(iri + n) == 36 ? iri + n : NULL;
}

int award_forget_erased(struct store *db, int64_t institution)
{
    struct store_stmt *st;
    if (store_prepare(
            db,
            "DELETE FROM badge_attainments WHERE institution_id = ? AND NOT EXISTS"
            " (SELECT 1 FROM xapi_statements s WHERE s.institution_id ="
            " badge_attainments.institution_id AND s.id = badge_attainments.statement_id)",
            &st))
        return -1;
    store_bind_int(st, 1, institution);
    int rc = store_step(st);
    store_finish(st);
    return rc == STORE_OK ? 0 : -1;
}

static int add_attainment(struct store *db, int64_t institution, const char *sid, const char *item,
                          int64_t user, int64_t seq, int level)
{
    struct store_stmt *st;
    if (store_prepare(db,
                      "INSERT INTO badge_attainments (institution_id, statement_id, item, user_id,"
                      " seq, level) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                      &st))
        return BADGE_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_text(st, 2, sid);
    store_bind_text(st, 3, item);
    store_bind_int(st, 4, user);
    store_bind_int(st, 5, seq);
    store_bind_int(st, 6, level);
    int rc = store_step(st);
    store_finish(st);
    return rc ? BADGE_ERR_STORE : BADGE_OK;
}

/*
 * Reads one attainment statement S (seq SEQ): its learner, items and level
 * into badge_attainments; the learner is added to TOUCHED.
 */
static int read_attainment(struct store *db, int64_t institution, int64_t seq, const char *sid,
                           const char *verb, const json_t *s, json_t *touched)
{
    int64_t user = learner_of(db, institution, json_object_get(s, "actor"));
    if (user < 0)
        return BADGE_ERR_STORE;
    if (!user)
        return BADGE_OK; /* not one of this college's students: nobody to award */
    const json_t *lv = json_object_get(json_object_get(json_object_get(s, "result"), "extensions"),
                                       AWARD_EXT_LEVEL);
    int level = json_is_integer(lv) ? (int)json_integer_value(lv) : 0;
    if (!level && strcmp(verb, AWARD_VERB_MASTERED) == 0)
        level = BADGE_LEVEL_MASTERED;
    if (level < 0 || level > BADGE_LEVEL_MASTERED || (!level && !json_is_integer(lv)))
        return BADGE_OK;
    const json_t *obj = json_object_get(s, "object");
    const char *item = item_of(json_string_value(json_object_get(obj, "id")));
    int err = BADGE_OK;
    if (item) {
        err = add_attainment(db, institution, sid, item, user, seq, level);
    } else {
        /* An attainment of an activity: the items its context names. */
        const json_t *items = json_object_get(
            json_object_get(json_object_get(s, "context"), "extensions"), AWARD_EXT_CFITEMS);
        size_t i;
        const json_t *v;
        json_array_foreach (items, i, v) {
            const char *id = json_string_value(v);
            if (!id || strlen(id) != 36 || i >= 50)
                continue;
            if ((err = add_attainment(db, institution, sid, id, user, seq, level)))
                break;
        }
    }
    char key[32];
    snprintf(key, sizeof(key), "%" PRId64, user);
    if (!err && json_object_set_new(touched, key, json_true()))
        err = BADGE_ERR_NOMEM;
    return err;
}

static int void_attainment(struct store *db, int64_t institution, const char *target)
{
    struct store_stmt *st;
    if (store_prepare(db,
                      "UPDATE badge_attainments SET voided = 1 WHERE institution_id = ?"
                      " AND statement_id = ?",
                      &st))
        return BADGE_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_text(st, 2, target);
    int rc = store_step(st);
    store_finish(st);
    return rc ? BADGE_ERR_STORE : BADGE_OK;
}

/* ------------------------------------------------------------ rules */

/* 1 when USER's latest levels satisfy the rule of ACHIEVEMENT at LEVEL, 0 not, <0 error. */
static int satisfied(struct store *db, int64_t institution, int64_t achievement, int64_t user,
                     int64_t level)
{
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT count(*), sum(CASE WHEN coalesce((SELECT b.level FROM"
                      " badge_attainments b WHERE b.institution_id = ? AND b.user_id = ?"
                      " AND b.item = r.item AND b.voided = 0 ORDER BY b.seq DESC LIMIT 1), 0) < ?"
                      " THEN 1 ELSE 0 END) FROM achievement_rule_items r"
                      " WHERE r.achievement_id = ?",
                      &st))
        return BADGE_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_int(st, 2, user);
    store_bind_int(st, 3, level);
    store_bind_int(st, 4, achievement);
    int rc = store_step(st), yes = 0;
    if (rc == STORE_ROW)
        yes = store_col_int(st, 0) > 0 && store_col_int(st, 1) == 0;
    store_finish(st);
    return rc == STORE_ROW ? yes : BADGE_ERR_STORE;
}

/* 1 when USER holds a valid or a revoked award of ACHIEVEMENT (no automatic award then). */
static int blocked(struct store *db, int64_t achievement, int64_t user)
{
    char now[21];
    time_iso8601(time_now(), now);
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT 1 FROM badge_awards WHERE achievement_id = ? AND user_id = ?"
                      " AND (revoked_at IS NOT NULL OR valid_until IS NULL OR valid_until > ?)"
                      " LIMIT 1",
                      &st))
        return BADGE_ERR_STORE;
    store_bind_int(st, 1, achievement);
    store_bind_int(st, 2, user);
    store_bind_text(st, 3, now);
    int rc = store_step(st);
    store_finish(st);
    return rc < 0 ? BADGE_ERR_STORE : rc == STORE_ROW;
}

/* The statements that put USER at their levels in the items of ACHIEVEMENT: the evidence. */
static json_t *evidence_of(struct store *db, int64_t institution, int64_t achievement, int64_t user)
{
    json_t *ev = json_array();
    struct store_stmt *st;
    if (!ev || store_prepare(db,
                             "SELECT (SELECT b.statement_id FROM badge_attainments b"
                             " WHERE b.institution_id = ? AND b.user_id = ? AND b.item = r.item"
                             " AND b.voided = 0 ORDER BY b.seq DESC LIMIT 1)"
                             " FROM achievement_rule_items r WHERE r.achievement_id = ?"
                             " ORDER BY r.item LIMIT 20",
                             &st))
        return ev;
    store_bind_int(st, 1, institution);
    store_bind_int(st, 2, user);
    store_bind_int(st, 3, achievement);
    while (store_step(st) == STORE_ROW) {
        const char *sid = store_col_text(st, 0);
        int seen = 0;
        size_t i;
        json_t *v;
        json_array_foreach (ev, i, v)
            if (strcmp(json_string_value(json_object_get(v, "statement")), sid) == 0)
                seen = 1;
        if (*sid && !seen)
            json_array_append_new(ev, json_pack("{s:s}", "statement", sid));
    }
    store_finish(st);
    return ev;
}

/* Issues ACHIEVEMENT (rule at LEVEL) to USER when earned and not blocked; *ISSUED counts. */
static int consider(const struct award_context *ctx, int64_t institution, int64_t achievement,
                    int64_t level, int64_t user, int64_t *issued)
{
    int ok = satisfied(ctx->db, institution, achievement, user, level);
    if (ok <= 0)
        return ok;
    int b = blocked(ctx->db, achievement, user);
    if (b)
        return b < 0 ? b : BADGE_OK;
    json_t *ev = evidence_of(ctx->db, institution, achievement, user);
    struct award_request req = {
        .achievement = achievement, .user = user, .source = "rule", .evidence = ev};
    struct badge_problem p = {0};
    int err = award_issue(ctx, institution, &req, 1, NULL, &p);
    json_decref(ev);
    if (err == BADGE_ERR_INVALID) {
        /* Nothing to retry: say why and go on (a learner no longer a student...). */
        LOG_WARN("credential: achievement %" PRId64 " not awarded to user %" PRId64 ": %s (%s)",
                 achievement, user, p.msg ? p.msg : "?", p.field ? p.field : "");
        return BADGE_OK;
    }
    if (!err)
        (*issued)++;
    return err;
}

/* The rules the items of USER's new attainments take part in, applied to USER. */
static int apply_rules(const struct award_context *ctx, int64_t institution, int64_t user,
                       int64_t from_seq, int64_t *issued)
{
    struct store_stmt *st;
    if (store_prepare(ctx->db,
                      "SELECT DISTINCT a.id, a.rule_level FROM achievements a"
                      " JOIN achievement_rule_items r ON r.achievement_id = a.id"
                      " WHERE a.institution_id = ? AND a.archived = 0 AND a.rule_level IS NOT NULL"
                      " AND r.item IN (SELECT b.item FROM badge_attainments b"
                      " WHERE b.institution_id = ? AND b.user_id = ? AND b.seq > ?)"
                      " ORDER BY a.id",
                      &st))
        return BADGE_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_int(st, 2, institution);
    store_bind_int(st, 3, user);
    store_bind_int(st, 4, from_seq);
    int64_t ids[256], levels[256];
    size_t n = 0;
    while (n < 256 && store_step(st) == STORE_ROW) {
        ids[n] = store_col_int(st, 0);
        levels[n++] = store_col_int(st, 1);
    }
    store_finish(st);
    int err = BADGE_OK;
    for (size_t i = 0; i < n && !err; i++)
        err = consider(ctx, institution, ids[i], levels[i], user, issued);
    return err;
}

/* Achievements whose rule changed: every learner with attainments in their items. */
static int apply_changed_rules(const struct award_context *ctx, int64_t institution,
                               int64_t *issued)
{
    struct store_stmt *st;
    if (store_prepare(ctx->db,
                      "SELECT id, rule_level FROM achievements WHERE institution_id = ?"
                      " AND rule_dirty = 1 ORDER BY id LIMIT 16",
                      &st))
        return BADGE_ERR_STORE;
    store_bind_int(st, 1, institution);
    int64_t ids[16], levels[16];
    size_t n = 0;
    while (n < 16 && store_step(st) == STORE_ROW) {
        ids[n] = store_col_int(st, 0);
        levels[n++] = store_col_is_null(st, 1) ? 0 : store_col_int(st, 1);
    }
    store_finish(st);
    int err = BADGE_OK;
    for (size_t i = 0; i < n && !err; i++) {
        if (levels[i]) {
            if (store_prepare(ctx->db,
                              "SELECT DISTINCT b.user_id FROM badge_attainments b"
                              " JOIN achievement_rule_items r ON r.item = b.item"
                              " WHERE r.achievement_id = ? AND b.institution_id = ?"
                              " ORDER BY b.user_id",
                              &st))
                return BADGE_ERR_STORE;
            store_bind_int(st, 1, ids[i]);
            store_bind_int(st, 2, institution);
            json_t *users = json_array();
            while (store_step(st) == STORE_ROW)
                json_array_append_new(users, json_integer(store_col_int(st, 0)));
            store_finish(st);
            size_t k;
            json_t *u;
            json_array_foreach (users, k, u) {
                if ((err = consider(ctx, institution, ids[i], levels[i], json_integer_value(u),
                                    issued)))
                    break;
            }
            json_decref(users);
        }
        if (!err &&
            !store_prepare(ctx->db, "UPDATE achievements SET rule_dirty = 0 WHERE id = ?", &st)) {
            store_bind_int(st, 1, ids[i]);
            if (store_step(st))
                err = BADGE_ERR_STORE;
            store_finish(st);
        }
    }
    return err;
}

/* ------------------------------------------------------------ one step */

/* The cursor of INSTITUTION; reset to 0 when the statement it names is gone (erased). */
static int cursor_get(struct store *db, int64_t institution, int64_t *seq)
{
    struct store_stmt *st;
    *seq = 0;
    if (store_prepare(db,
                      "SELECT c.seq, c.statement_id, (SELECT s.id FROM xapi_statements s"
                      " WHERE s.seq = c.seq AND s.institution_id = c.institution_id)"
                      " FROM badge_cursors c WHERE c.institution_id = ?",
                      &st))
        return BADGE_ERR_STORE;
    store_bind_int(st, 1, institution);
    int rc = store_step(st);
    if (rc == STORE_ROW) {
        if (strcmp(store_col_text(st, 1), store_col_text(st, 2)) == 0)
            *seq = store_col_int(st, 0);
        else
            LOG_INFO("credential: statements of institution %" PRId64
                     " were erased; the award worker reads the log again",
                     institution);
    }
    store_finish(st);
    return rc < 0 ? BADGE_ERR_STORE : BADGE_OK;
}

static int cursor_set(struct store *db, int64_t institution, int64_t seq, const char *id)
{
    struct store_stmt *st;
    if (store_prepare(db,
                      "INSERT INTO badge_cursors (institution_id, seq, statement_id)"
                      " VALUES (?, ?, ?) ON CONFLICT (institution_id) DO UPDATE"
                      " SET seq = excluded.seq, statement_id = excluded.statement_id",
                      &st))
        return BADGE_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_int(st, 2, seq);
    store_bind_text(st, 3, id);
    int rc = store_step(st);
    store_finish(st);
    return rc ? BADGE_ERR_STORE : BADGE_OK;
}

int award_worker_step(const struct award_context *ctx, int64_t institution, int max, int64_t *read,
                      int64_t *issued)
{
    struct store *db = ctx->db;
    int64_t nread = 0, nissued = 0, cursor;
    if (read)
        *read = 0;
    if (issued)
        *issued = 0;
    if (max < 1 || max > 10000)
        max = AWARD_WORKER_BATCH;
    int err = cursor_get(db, institution, &cursor);
    if (err)
        return err;
    /*
     * Read outside the write lock: the rows, then one transaction for the lot.
     * Attainments count only when the platform stored them (no LRS client:
     * the mastery engine through xapi_record), or any client with
     * statements/write could award itself a badge; voids come from anyone.
     */
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT seq, id, verb, voided, target, statement FROM xapi_statements"
                      " WHERE institution_id = ?1 AND seq > ?2 AND verb IN (?3, ?4, ?5)"
                      " AND (client_id IS NULL OR verb = ?5) ORDER BY seq LIMIT ?6",
                      &st))
        return BADGE_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_int(st, 2, cursor);
    store_bind_text(st, 3, AWARD_VERB_ATTAINED);
    store_bind_text(st, 4, AWARD_VERB_MASTERED);
    store_bind_text(st, 5, AWARD_VERB_VOIDED);
    store_bind_int(st, 6, max);
    json_t *rows = json_array();
    int rc;
    while (rows && (rc = store_step(st)) == STORE_ROW)
        json_array_append_new(rows, json_pack("[I,s,s,i,s,s]", (json_int_t)store_col_int(st, 0),
                                              store_col_text(st, 1), store_col_text(st, 2),
                                              (int)store_col_int(st, 3), store_col_text(st, 4),
                                              store_col_text(st, 5)));
    store_finish(st);
    if (!rows || rc < 0) {
        json_decref(rows);
        return rows ? BADGE_ERR_STORE : BADGE_ERR_NOMEM;
    }
    json_t *touched = json_object();
    if (!touched || store_begin(db)) {
        json_decref(rows);
        json_decref(touched);
        return touched ? BADGE_ERR_STORE : BADGE_ERR_NOMEM;
    }
    size_t i;
    json_t *r;
    json_array_foreach (rows, i, r) {
        int64_t seq = json_integer_value(json_array_get(r, 0));
        const char *sid = json_string_value(json_array_get(r, 1));
        const char *verb = json_string_value(json_array_get(r, 2));
        if (strcmp(verb, AWARD_VERB_VOIDED) == 0) {
            err = void_attainment(db, institution, json_string_value(json_array_get(r, 4)));
        } else if (!json_integer_value(json_array_get(r, 3))) {
            json_t *s = json_loads(json_string_value(json_array_get(r, 5)), 0, NULL);
            err =
                s ? read_attainment(db, institution, seq, sid, verb, s, touched) : BADGE_ERR_NOMEM;
            json_decref(s);
        }
        if (err)
            break;
        nread++;
    }
    const char *key;
    json_t *v;
    json_object_foreach (touched, key, v) {
        if (err)
            break;
        int64_t user = 0;
        for (const char *c = key; *c; c++)
            user = user * 10 + (*c - '0');
        err = apply_rules(ctx, institution, user, cursor, &nissued);
    }
    if (!err)
        err = apply_changed_rules(ctx, institution, &nissued);
    size_t n = json_array_size(rows);
    if (!err && n)
        err = cursor_set(db, institution,
                         json_integer_value(json_array_get(json_array_get(rows, n - 1), 0)),
                         json_string_value(json_array_get(json_array_get(rows, n - 1), 1)));
    json_decref(rows);
    json_decref(touched);
    if (err || store_commit(db)) {
        store_rollback(db);
        return err ? err : BADGE_ERR_STORE;
    }
    if (nissued && award_record_pending(db, institution, 500))
        LOG_WARN("credential: earned statements of institution %" PRId64 " wait to be recorded",
                 institution);
    if (read)
        *read = nread;
    if (issued)
        *issued = nissued;
    return BADGE_OK;
}

/* ------------------------------------------------------------ the thread */

struct award_worker {
    struct award_worker_options o;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int stop, wake;
};

static int stopping(struct award_worker *w)
{
    pthread_mutex_lock(&w->lock);
    int s = w->stop;
    pthread_mutex_unlock(&w->lock);
    return s;
}

static void *worker_main(void *arg)
{
    struct award_worker *w = arg;
    struct store *db = NULL;
    int warned = 0, ready = 0;
    while (!stopping(w)) {
        int more = 0;
        if (!db && store_pool_get(w->o.pool, &db)) {
            db = NULL;
            if (!warned++)
                LOG_ERROR("credential: the award worker cannot open the database; retrying");
        }
        if (db) {
            struct award_context ctx = {db, w->o.seal_key, w->o.dir, w->o.base};
            int64_t ids[1024];
            size_t n = 0;
            struct store_stmt *st;
            if (!store_prepare(db, "SELECT id FROM institutions ORDER BY id", &st)) {
                while (n < 1024 && store_step(st) == STORE_ROW)
                    ids[n++] = store_col_int(st, 0);
                store_finish(st);
            }
            for (size_t i = 0; i < n && !stopping(w); i++) {
                /* Every institution's status list answers before its first badge. */
                if (!ready && award_status_ready(&ctx, ids[i]))
                    LOG_WARN("credential: institution %" PRId64 " has no signed status list yet",
                             ids[i]);
                int64_t read = 0, issued = 0;
                int err = award_worker_step(&ctx, ids[i], AWARD_WORKER_BATCH, &read, &issued);
                if (err)
                    LOG_WARN("credential: the award worker failed for institution %" PRId64
                             " (%d); trying again",
                             ids[i], err);
                else if (read >= AWARD_WORKER_BATCH)
                    more = 1;
                if (issued)
                    LOG_INFO("credential: %" PRId64
                             " badges awarded by rule in institution %" PRId64,
                             issued, ids[i]);
            }
            ready = 1;
        }
        pthread_mutex_lock(&w->lock);
        if (!more && !w->wake && !w->stop) {
            struct timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            int64_t ns = (int64_t)ts.tv_nsec + (w->o.interval_ms % 1000) * 1000000;
            ts.tv_sec += (time_t)(w->o.interval_ms / 1000 + ns / 1000000000);
            ts.tv_nsec = (long)(ns % 1000000000);
            pthread_cond_timedwait(&w->cond, &w->lock, &ts);
        }
        w->wake = 0;
        pthread_mutex_unlock(&w->lock);
    }
    return NULL;
}

int award_worker_start(const struct award_worker_options *o, struct award_worker **out)
{
    *out = NULL;
    struct award_worker *w = cc_calloc(1, sizeof(*w));
    if (!w)
        return BADGE_ERR_NOMEM;
    w->o = *o;
    if (w->o.interval_ms < 1)
        w->o.interval_ms = 500;
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->cond, &attr);
    pthread_condattr_destroy(&attr);
    if (pthread_create(&w->thread, NULL, worker_main, w)) {
        pthread_cond_destroy(&w->cond);
        pthread_mutex_destroy(&w->lock);
        cc_free(w);
        return BADGE_ERR_NOMEM;
    }
    *out = w;
    return BADGE_OK;
}

void award_worker_wake(struct award_worker *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->wake = 1;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
}

void award_worker_stop(struct award_worker **wp)
{
    struct award_worker *w = *wp;
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->stop = 1;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->lock);
    cc_free(w);
    *wp = NULL;
}
