#include "xapi/statements.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "util/alloc.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/timeutil.h"
#include "xapi/validate.h"
#include "util/banned.h"

/* A UUID in lower case (ids and registrations are compared as UUIDs, whatever their case). */
static const char *lowercase(const char *uuid, char out[37])
{
    size_t i = 0;
    if (!uuid)
        return NULL;
    for (; uuid[i] && i < 36; i++)
        out[i] = (char)(uuid[i] >= 'A' && uuid[i] <= 'F' ? uuid[i] + 32 : uuid[i]);
    out[i] = 0;
    return uuid[i] ? uuid : out; /* not a UUID: left as it is */
}

void xapi_now(char out[32])
{
    time_format_ms(time_now_ms(), out);
}

void xapi_uuid(char out[37])
{
    unsigned char b[16];
    randombytes_buf(b, sizeof(b));
    b[6] = (unsigned char)((b[6] & 0x0F) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3F) | 0x80); /* RFC 4122 variant */
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}

/* What a statement is indexed under: agents and activities, direct or related. */
struct index {
    struct store *db;
    int64_t institution, seq;
    int err;
};

static void index_row(struct index *ix, const char *sql, const char *value, int direct)
{
    struct store_stmt *st;
    if (ix->err || !value)
        return;
    if (store_prepare(ix->db, sql, &st)) {
        ix->err = XAPI_ERR_STORE;
        return;
    }
    store_bind_int(st, 1, ix->seq);
    store_bind_int(st, 2, ix->institution);
    store_bind_text(st, 3, value);
    store_bind_int(st, 4, direct);
    if (store_step(st))
        ix->err = XAPI_ERR_STORE;
    store_finish(st);
}

static void index_agent(struct index *ix, const json_t *agent, int direct)
{
    char key[600];
    if (json_is_object(agent) && xapi_agent_key(agent, key, sizeof(key)) == 0)
        index_row(ix,
                  "INSERT INTO xapi_statement_agents (seq, institution_id, agent, direct)"
                  " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                  key, direct);
}

static void index_activity(struct index *ix, const json_t *activity, int direct)
{
    index_row(ix,
              "INSERT INTO xapi_statement_activities (seq, institution_id, activity, direct)"
              " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
              json_string_value(json_object_get(activity, "id")), direct);
}

static int is_activity(const json_t *object)
{
    const char *type = json_string_value(json_object_get(object, "objectType"));
    return !type || strcmp(type, "Activity") == 0;
}

static int is_agent(const json_t *object)
{
    const char *type = json_string_value(json_object_get(object, "objectType"));
    return type && (strcmp(type, "Agent") == 0 || strcmp(type, "Group") == 0);
}

/* Indexes the context of a statement or SubStatement: all related. */
static void index_context(struct index *ix, const json_t *ctx)
{
    if (!json_is_object(ctx))
        return;
    index_agent(ix, json_object_get(ctx, "instructor"), 0);
    index_agent(ix, json_object_get(ctx, "team"), 0);
    const json_t *list;
    size_t i;
    json_t *v;
    json_array_foreach (json_object_get(ctx, "contextAgents"), i, v)
        index_agent(ix, json_object_get(v, "agent"), 0);
    json_array_foreach (json_object_get(ctx, "contextGroups"), i, v)
        index_agent(ix, json_object_get(v, "group"), 0);
    const json_t *ca = json_object_get(ctx, "contextActivities");
    const char *key;
    json_object_foreach ((json_t *)ca, key, list) {
        if (json_is_object(list)) {
            index_activity(ix, list, 0);
            continue;
        }
        json_array_foreach (list, i, v)
            index_activity(ix, v, 0);
    }
}

/* Indexes statement ST (or, with SUB, a SubStatement: everything in it is related). */
static void index_statement(struct index *ix, const json_t *st, int sub)
{
    int direct = !sub;
    index_agent(ix, json_object_get(st, "actor"), direct);
    const json_t *object = json_object_get(st, "object");
    const char *type = json_string_value(json_object_get(object, "objectType"));
    if (is_agent(object))
        index_agent(ix, object, direct);
    else if (is_activity(object))
        index_activity(ix, object, direct);
    else if (!sub && type && strcmp(type, "SubStatement") == 0)
        index_statement(ix, object, 1);
    if (!sub)
        index_agent(ix, json_object_get(st, "authority"), 0);
    index_context(ix, json_object_get(st, "context"));
}

/* Keeps the newest definition of each activity a statement mentions as its object. */
static int remember_definition(struct store *db, int64_t institution, const json_t *object)
{
    const json_t *def = json_object_get(object, "definition");
    const char *id = json_string_value(json_object_get(object, "id"));
    if (!is_activity(object) || !id || !json_is_object(def))
        return XAPI_OK;
    /*
     * The Activities resource returns all that is known of an activity: the
     * new definition is laid over the stored one, language maps merged.
     */
    char *old = NULL;
    int err = xapi_activity_get(db, institution, id, &old);
    if (err && err != XAPI_ERR_NOT_FOUND)
        return err;
    json_t *merged = old ? json_loads(old, 0, NULL) : NULL;
    cc_free(old);
    if (!json_is_object(merged)) {
        json_decref(merged);
        merged = json_object();
    }
    const char *k;
    json_t *v;
    json_object_foreach ((json_t *)def, k, v) {
        json_t *prev = json_object_get(merged, k);
        if ((!strcmp(k, "name") || !strcmp(k, "description") || !strcmp(k, "extensions")) &&
            json_is_object(prev) && json_is_object(v))
            json_object_update(prev, v);
        else
            json_object_set(merged, k, v);
    }
    char *text = json_dumps(merged, JSON_COMPACT);
    json_decref(merged);
    if (!text)
        return XAPI_ERR_NOMEM;
    struct store_stmt *st;
    err = XAPI_ERR_STORE;
    if (!store_prepare(
            db,
            "INSERT INTO xapi_activities (institution_id, id, definition) VALUES (?, ?, ?)"
            " ON CONFLICT (institution_id, id) DO UPDATE SET definition = excluded.definition",
            &st)) {
        store_bind_int(st, 1, institution);
        store_bind_text(st, 2, id);
        store_bind_text(st, 3, text);
        err = store_step(st) ? XAPI_ERR_STORE : XAPI_OK;
        store_finish(st);
    }
    free(text);
    return err;
}

/*
 * Is the new statement the same as the one stored with its id? Compares what
 * the client sent, leaving out what the LRS sets itself.
 */
static int same_statement(const json_t *incoming, const char *stored_text)
{
    json_t *stored = json_loads(stored_text, 0, NULL);
    if (!stored)
        return 0;
    int same = 1;
    const char *key;
    json_t *v;
    json_object_foreach ((json_t *)incoming, key, v) {
        if (!strcmp(key, "stored") || !strcmp(key, "authority") || !strcmp(key, "version"))
            continue;
        json_t *was = json_object_get(stored, key);
        /* The same instant written another way, and the verb's display, are not differences. */
        if (!strcmp(key, "timestamp") && json_is_string(v) && json_is_string(was)) {
            int64_t a, b;
            if (!time_parse_iso8601(json_string_value(v), &a) &&
                !time_parse_iso8601(json_string_value(was), &b) && a == b)
                continue;
        }
        if (!strcmp(key, "verb") &&
            json_equal(json_object_get(v, "id"), json_object_get(was, "id")))
            continue;
        if (!json_equal(v, was)) {
            same = 0;
            break;
        }
    }
    json_decref(stored);
    return same;
}

/* The stored JSON of ID (any voided state) into *TEXT, or NULL when absent. */
static int lookup(struct store *db, int64_t institution, const char *id, char **text,
                  const char **verb_out, char verb[512])
{
    struct store_stmt *st;
    *text = NULL;
    if (store_prepare(
            db, "SELECT statement, verb FROM xapi_statements WHERE institution_id = ? AND id = ?",
            &st))
        return XAPI_ERR_STORE;
    char lower[37];
    store_bind_int(st, 1, institution);
    store_bind_text(st, 2, lowercase(id, lower));
    int err = store_step(st);
    if (err == STORE_ROW) {
        *text = cc_strdup(store_col_text(st, 0));
        if (verb) {
            snprintf(verb, 512, "%s", store_col_text(st, 1));
            *verb_out = verb;
        }
    }
    store_finish(st);
    if (err < 0)
        return XAPI_ERR_STORE;
    return err == STORE_ROW && !*text ? XAPI_ERR_NOMEM : XAPI_OK;
}

/* contextActivities values stored as arrays, as the spec asks, even when one object was sent. */
static int normalise_context(json_t *st)
{
    json_t *ca = json_object_get(json_object_get(st, "context"), "contextActivities"), *v;
    const char *key;
    json_object_foreach (ca, key, v) {
        if (json_is_object(v) && json_object_set_new(ca, key, json_pack("[O]", v)))
            return XAPI_ERR_NOMEM;
    }
    json_t *object = json_object_get(st, "object");
    const char *type = json_string_value(json_object_get(object, "objectType"));
    if (type && strcmp(type, "SubStatement") == 0)
        return normalise_context(object);
    return XAPI_OK;
}

/* Fills the properties the LRS sets: id, timestamp, stored, authority, version. */
static int complete(json_t *st, const struct xapi_writer *w, const char *now)
{
    if (normalise_context(st))
        return XAPI_ERR_NOMEM;
    if (!json_object_get(st, "id")) {
        char id[37];
        xapi_uuid(id);
        if (json_object_set_new(st, "id", json_string(id)))
            return XAPI_ERR_NOMEM;
    }
    if (json_object_set_new(st, "stored", json_string(now)) ||
        (json_is_null(json_object_get(st, "timestamp")) || !json_object_get(st, "timestamp")
             ? json_object_set_new(st, "timestamp", json_string(now))
             : 0) ||
        (w->authority && json_object_set(st, "authority", (json_t *)w->authority)) ||
        (!json_object_get(st, "version") &&
         json_object_set_new(st, "version",
                             json_string(w->version == XAPI_V103 ? "1.0.0" : "2.0.0"))))
        return XAPI_ERR_NOMEM;
    return XAPI_OK;
}

static int insert(struct store *db, const struct xapi_writer *w, const json_t *st, int64_t *seq)
{
    const json_t *object = json_object_get(st, "object");
    const char *otype = json_string_value(json_object_get(object, "objectType"));
    const char *target = otype && strcmp(otype, "StatementRef") == 0
                             ? json_string_value(json_object_get(object, "id"))
                             : NULL;
    const json_t *ctx = json_object_get(st, "context");
    char *text = json_dumps(st, JSON_COMPACT);
    if (!text)
        return XAPI_ERR_NOMEM;
    struct store_stmt *s;
    int err = XAPI_ERR_STORE;
    if (!store_prepare(
            db,
            "INSERT INTO xapi_statements (institution_id, id, verb, target, registration,"
            " stored, client_id, statement) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq",
            &s)) {
        char lid[37], ltarget[37], lreg[37];
        store_bind_int(s, 1, w->institution);
        store_bind_text(s, 2, lowercase(json_string_value(json_object_get(st, "id")), lid));
        store_bind_text(s, 3,
                        json_string_value(json_object_get(json_object_get(st, "verb"), "id")));
        store_bind_text(s, 4, lowercase(target, ltarget));
        store_bind_text(s, 5,
                        lowercase(json_string_value(json_object_get(ctx, "registration")), lreg));
        store_bind_text(s, 6, json_string_value(json_object_get(st, "stored")));
        if (w->client_id)
            store_bind_int(s, 7, w->client_id);
        else
            store_bind_text(s, 7, NULL);
        store_bind_text(s, 8, text);
        int rc = store_step(s);
        if (rc == STORE_ROW) {
            *seq = store_col_int(s, 0);
            rc = store_step(s);
        }
        err = rc == STORE_CONSTRAINT ? XAPI_ERR_CONFLICT : rc ? XAPI_ERR_STORE : XAPI_OK;
        store_finish(s);
    }
    free(text);
    return err;
}

static int void_target(struct store *db, int64_t institution, const char *target)
{
    struct store_stmt *st;
    if (store_prepare(db,
                      "UPDATE xapi_statements SET voided = 1 WHERE institution_id = ? AND id = ?"
                      " AND verb <> '" XAPI_VERB_VOIDED "'",
                      &st))
        return XAPI_ERR_STORE;
    char lower[37];
    store_bind_int(st, 1, institution);
    store_bind_text(st, 2, lowercase(target, lower));
    int err = store_step(st);
    store_finish(st);
    return err ? XAPI_ERR_STORE : XAPI_OK;
}

static void set_problem(struct xapi_problem *p, const char *path, const char *msg, const char *arg)
{
    snprintf(p->path, sizeof(p->path), "%s", path);
    p->msg = msg;
    snprintf(p->arg, sizeof(p->arg), "%s", arg ? arg : "");
}

int xapi_statements_store(struct store *db, const struct xapi_writer *w, json_t *statements,
                          const struct xapi_blob *blobs, size_t nblobs, json_t *ids,
                          struct xapi_problem *p)
{
    char now[32];
    xapi_now(now);
    size_t n = json_array_size(statements), i;
    json_t *st;
    /* A batch that repeats an id is refused whole. */
    for (i = 0; i < n; i++) {
        const char *a = json_string_value(json_object_get(json_array_get(statements, i), "id"));
        for (size_t j = 0; a && j < i; j++) {
            const char *b = json_string_value(json_object_get(json_array_get(statements, j), "id"));
            if (b && strcasecmp(a, b) == 0) {
                char path[32];
                snprintf(path, sizeof(path), "[%zu].id", i);
                set_problem(p, path, "xapi_statement_conflict", NULL);
                return XAPI_ERR_INVALID;
            }
        }
    }
    if (store_begin(db))
        return XAPI_ERR_STORE;
    int err = xapi_attachments_store(db, w->institution, blobs, nblobs);
    if (err)
        goto fail;
    json_array_foreach (statements, i, st) {
        const char *id = json_string_value(json_object_get(st, "id"));
        /* Stored with contextActivities as arrays: compare and store the same way. */
        if (normalise_context(st)) {
            err = XAPI_ERR_NOMEM;
            goto fail;
        }
        if (id) {
            char *existing;
            if ((err = lookup(db, w->institution, id, &existing, NULL, NULL)))
                goto fail;
            if (existing) {
                int same = same_statement(st, existing);
                cc_free(existing);
                if (!same) {
                    char path[32];
                    snprintf(path, sizeof(path), n > 1 ? "[%zu].id" : "id", i);
                    set_problem(p, path, "xapi_statement_conflict", NULL);
                    err = XAPI_ERR_CONFLICT;
                    goto fail;
                }
                if (json_array_append_new(ids, json_string(id))) {
                    err = XAPI_ERR_NOMEM;
                    goto fail;
                }
                continue; /* already stored, the same: nothing to do */
            }
        }
        if ((err = complete(st, w, now)))
            goto fail;
        const json_t *verb = json_object_get(st, "verb");
        const json_t *object = json_object_get(st, "object");
        if (strcmp(json_string_value(json_object_get(verb, "id")), XAPI_VERB_VOIDED) == 0) {
            const char *target = json_string_value(json_object_get(object, "id"));
            char *existing, vbuf[512];
            const char *tverb = NULL;
            if ((err = lookup(db, w->institution, target, &existing, &tverb, vbuf)))
                goto fail;
            cc_free(existing);
            if (tverb && strcmp(tverb, XAPI_VERB_VOIDED) == 0) {
                char path[40];
                snprintf(path, sizeof(path), n > 1 ? "[%zu].object.id" : "object.id", i);
                set_problem(p, path, "xapi_void_voiding", NULL);
                err = XAPI_ERR_INVALID;
                goto fail;
            }
            if ((err = void_target(db, w->institution, target)))
                goto fail;
        }
        int64_t seq = 0;
        if ((err = insert(db, w, st, &seq)) ||
            (err = remember_definition(db, w->institution, object)))
            goto fail;
        struct index ix = {db, w->institution, seq, 0};
        index_statement(&ix, st, 0);
        if ((err = ix.err))
            goto fail;
        if (json_array_append(ids, json_object_get(st, "id"))) {
            err = XAPI_ERR_NOMEM;
            goto fail;
        }
    }
    if (store_commit(db))
        return XAPI_ERR_STORE;
    return XAPI_OK;
fail:
    store_rollback(db);
    json_array_clear(ids);
    return err;
}

int xapi_statement_get(struct store *db, int64_t institution, const char *id, int voided,
                       int64_t client_id, char **json)
{
    struct store_stmt *st;
    char lower[37];
    *json = NULL;
    if (store_prepare(db,
                      "SELECT statement FROM xapi_statements WHERE institution_id = ? AND id = ?"
                      " AND voided = ? AND (? = 0 OR client_id = ?)",
                      &st))
        return XAPI_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_text(st, 2, lowercase(id, lower));
    store_bind_int(st, 3, voided);
    store_bind_int(st, 4, client_id);
    store_bind_int(st, 5, client_id);
    int err = store_step(st);
    if (err == STORE_ROW)
        *json = cc_strdup(store_col_text(st, 0));
    store_finish(st);
    if (err < 0)
        return XAPI_ERR_STORE;
    if (err != STORE_ROW)
        return XAPI_ERR_NOT_FOUND;
    return *json ? XAPI_OK : XAPI_ERR_NOMEM;
}

/*
 * Appends the conditions on statement x of "x matches the agent, verb,
 * activity and registration filters of Q". The agent and activity filters
 * are IN sets over their index tables, so SQLite starts from the index
 * rather than scanning statements. bind_match() binds in the same order.
 */
static int add_match(struct buf *sql, const struct xapi_query *q)
{
    int err = 0;
    if (q->verb)
        err = buf_adds(sql, " AND x.verb = ?");
    if (q->registration)
        err = err ? err : buf_adds(sql, " AND x.registration = ?");
    if (q->agent)
        err = err ? err
                  : buf_addf(sql,
                             " AND x.seq IN (SELECT a.seq FROM xapi_statement_agents a"
                             " WHERE a.agent = ? AND a.institution_id = ?%s)",
                             q->related_agents ? "" : " AND a.direct = 1");
    if (q->activity)
        err = err ? err
                  : buf_addf(sql,
                             " AND x.seq IN (SELECT c.seq FROM xapi_statement_activities c"
                             " WHERE c.activity = ? AND c.institution_id = ?%s)",
                             q->related_activities ? "" : " AND c.direct = 1");
    return err;
}

static int bind_match(struct store_stmt *st, int i, int64_t institution, const struct xapi_query *q)
{
    char reg[37];
    if (q->verb)
        store_bind_text(st, i++, q->verb);
    if (q->registration)
        store_bind_text(st, i++, lowercase(q->registration, reg));
    if (q->agent) {
        store_bind_text(st, i++, q->agent);
        store_bind_int(st, i++, institution);
    }
    if (q->activity) {
        store_bind_text(st, i++, q->activity);
        store_bind_int(st, i++, institution);
    }
    return i;
}

int xapi_statements_query(struct store *db, int64_t institution, const struct xapi_query *q,
                          xapi_statement_fn fn, void *ctx, int *more)
{
    int filtered = q->verb || q->registration || q->agent || q->activity;
    struct buf sql;
    buf_init(&sql, 8192);
    int err = 0;
    if (filtered) {
        /*
         * m: the statements that match the filters. A statement is returned
         * when it is one of them, or targets one (a StatementRef), as the
         * spec asks; both are index lookups from m.
         */
        /*
         * With an agent or activity set, statements are found by rowid from
         * it ("+" keeps SQLite from scanning the institution's index instead).
         */
        err = buf_addf(&sql,
                       "WITH m(seq, id) AS (SELECT x.seq, x.id FROM xapi_statements x"
                       " WHERE %sx.institution_id = ?",
                       q->agent || q->activity ? "+" : "");
        err = err ? err : add_match(&sql, q);
        err = err ? err : buf_adds(&sql, ") ");
    }
    err = err ? err
              : buf_adds(&sql, "SELECT s.seq, s.statement FROM xapi_statements s"
                               " WHERE s.institution_id = ? AND s.voided = 0");
    if (q->since)
        err = err ? err : buf_adds(&sql, " AND s.stored > ?");
    if (q->until)
        err = err ? err : buf_adds(&sql, " AND s.stored <= ?");
    if (q->after)
        err = err ? err : buf_addf(&sql, " AND s.seq %s ?", q->ascending ? ">" : "<");
    if (q->client_id)
        err = err ? err : buf_adds(&sql, " AND s.client_id = ?");
    if (filtered)
        err = err ? err
                  : buf_adds(&sql, " AND s.seq IN (SELECT seq FROM m UNION ALL SELECT r.seq FROM"
                                   " xapi_statements r WHERE r.institution_id = ?"
                                   " AND r.target IN (SELECT id FROM m))");
    err = err ? err : buf_addf(&sql, " ORDER BY s.seq %s LIMIT ?", q->ascending ? "ASC" : "DESC");
    if (err) {
        buf_release(&sql);
        return XAPI_ERR_NOMEM;
    }
    struct store_stmt *st;
    if (store_prepare(db, sql.data, &st)) {
        buf_release(&sql);
        return XAPI_ERR_STORE;
    }
    buf_release(&sql);
    int i = 1;
    if (filtered) {
        store_bind_int(st, i++, institution);
        i = bind_match(st, i, institution, q);
    }
    store_bind_int(st, i++, institution);
    if (q->since)
        store_bind_text(st, i++, q->since);
    if (q->until)
        store_bind_text(st, i++, q->until);
    if (q->after)
        store_bind_int(st, i++, q->after);
    if (q->client_id)
        store_bind_int(st, i++, q->client_id);
    if (filtered)
        store_bind_int(st, i++, institution);
    store_bind_int(st, i, q->limit + 1);
    int rc, count = 0, stop = 0;
    *more = 0;
    while (!stop && (rc = store_step(st)) == STORE_ROW) {
        if (count++ == q->limit) {
            *more = 1;
            break;
        }
        stop = fn(ctx, store_col_int(st, 0), store_col_text(st, 1));
    }
    store_finish(st);
    if (stop)
        return stop;
    return rc < 0 ? XAPI_ERR_STORE : XAPI_OK;
}

int xapi_activity_get(struct store *db, int64_t institution, const char *id, char **json)
{
    struct store_stmt *st;
    *json = NULL;
    if (store_prepare(
            db, "SELECT definition FROM xapi_activities WHERE institution_id = ? AND id = ?", &st))
        return XAPI_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_text(st, 2, id);
    int err = store_step(st);
    if (err == STORE_ROW)
        *json = cc_strdup(store_col_text(st, 0));
    store_finish(st);
    if (err < 0)
        return XAPI_ERR_STORE;
    if (err != STORE_ROW)
        return XAPI_ERR_NOT_FOUND;
    return *json ? XAPI_OK : XAPI_ERR_NOMEM;
}
