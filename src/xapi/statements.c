#include "xapi/statements.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/alloc.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "xapi/refs.h"
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

/*
 * Storing a batch is done in two steps, so that the write transaction, which
 * every writer of the database waits for, holds nothing but inserts:
 *
 * 1. Before it (prepare): each statement is completed with what the LRS
 *    sets, written out as JSON text, and what it is indexed under (agents,
 *    activities, verb, registration, target) is worked out; the activity
 *    definitions of the batch are merged into one per activity and laid over
 *    the stored ones.
 * 2. In it (write): the rows go in, through statements prepared once per
 *    connection; the time the statements are stored at is taken here, so that
 *    it grows with the store order (seq), and copied into the texts.
 */

/* The longest activity definition kept (a request body is at most 1 MiB). */
#define XAPI_DEFINITION_MAX ((size_t)4 << 20)

/* "stored" (and a timestamp the LRS sets) is written as this, then overwritten in place. */
#define STORED_PLACEHOLDER "0000-00-00T00:00:00.000Z"
#define STORED_LEN         24

/* An agent or activity a statement is indexed under: a string in batch->strings. */
struct index_row {
    size_t key;
    int direct;
};

/* One statement of the batch, ready for the transaction. */
struct prepared {
    json_t *st;             /* the statement (the caller's, completed) */
    size_t text_at;         /* its JSON as stored: at batch->texts.data + TEXT_AT, NUL-ended */
    size_t len;             /* of the text */
    size_t stored_at;       /* where the value of "stored" starts in the text */
    size_t timestamp_at;    /* where the timestamp the LRS set starts, 0 when the client gave one */
    char id[40];            /* lower case */
    char target[40];        /* the statement its StatementRef object targets (lower case), or "" */
    char registration[40];  /* lower case, or "" */
    const char *verb;       /* in ST */
    int voiding;            /* the verb is voided */
    int fresh;              /* stored now (0: the same statement was stored before) */
    size_t agents, nagents; /* its rows in batch->agents */
    size_t activities, nactivities;
};

/* The definition an activity gets from the batch, laid over the stored one. */
struct definition {
    const char *id; /* in a statement of the batch */
    json_t *def;    /* the batch's definitions of it, merged in order */
    char *old;      /* the stored definition when it was read (cc_free), or NULL */
    char *merged;   /* OLD with DEF laid over it (cc_free), or NULL when that is OLD */
};

struct batch {
    struct prepared *item;
    size_t n;
    struct index_row *agents, *activities;
    size_t nagents, nactivities, cap_agents, cap_activities;
    struct buf strings; /* the rows' keys, each NUL-terminated */
    struct buf texts;   /* the statements' texts, each NUL-terminated */
    struct definition *defs;
    size_t ndefs;
    int err;
};

static void batch_release(struct batch *b)
{
    for (size_t i = 0; i < b->ndefs; i++) {
        json_decref(b->defs[i].def);
        cc_free(b->defs[i].old);
        cc_free(b->defs[i].merged);
    }
    cc_free(b->item);
    cc_free(b->agents);
    cc_free(b->activities);
    cc_free(b->defs);
    buf_release(&b->strings);
    buf_release(&b->texts);
}

static void add_row(struct batch *b, struct index_row **rows, size_t *n, size_t *cap,
                    const char *value, int direct)
{
    if (b->err || !value)
        return;
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 1024;
        struct index_row *grown = cc_realloc(*rows, c * sizeof(**rows));
        if (!grown) {
            b->err = XAPI_ERR_NOMEM;
            return;
        }
        *rows = grown;
        *cap = c;
    }
    (*rows)[*n].key = b->strings.len;
    (*rows)[*n].direct = direct;
    if (buf_add(&b->strings, value, strlen(value) + 1)) {
        b->err = XAPI_ERR_NOMEM;
        return;
    }
    (*n)++;
}

static void index_agent(struct batch *b, const json_t *agent, int direct)
{
    char key[600];
    if (json_is_object(agent) && xapi_agent_key(agent, key, sizeof(key)) == 0)
        add_row(b, &b->agents, &b->nagents, &b->cap_agents, key, direct);
}

static void index_activity(struct batch *b, const json_t *activity, int direct)
{
    add_row(b, &b->activities, &b->nactivities, &b->cap_activities,
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
static void index_context(struct batch *b, const json_t *ctx)
{
    if (!json_is_object(ctx))
        return;
    index_agent(b, json_object_get(ctx, "instructor"), 0);
    index_agent(b, json_object_get(ctx, "team"), 0);
    const json_t *list;
    size_t i;
    json_t *v;
    json_array_foreach (json_object_get(ctx, "contextAgents"), i, v)
        index_agent(b, json_object_get(v, "agent"), 0);
    json_array_foreach (json_object_get(ctx, "contextGroups"), i, v)
        index_agent(b, json_object_get(v, "group"), 0);
    const json_t *ca = json_object_get(ctx, "contextActivities");
    const char *key;
    json_object_foreach ((json_t *)ca, key, list) {
        if (json_is_object(list)) {
            index_activity(b, list, 0);
            continue;
        }
        json_array_foreach (list, i, v)
            index_activity(b, v, 0);
    }
}

/*
 * What statement ST is indexed under: direct = 1 for the actor and the object
 * (what `agent` and `activity` match), 0 for the others (authority,
 * instructor, team, context, the inside of a SubStatement, which SUB marks).
 */
static void index_statement(struct batch *b, const json_t *st, int sub)
{
    int direct = !sub;
    index_agent(b, json_object_get(st, "actor"), direct);
    const json_t *object = json_object_get(st, "object");
    const char *type = json_string_value(json_object_get(object, "objectType"));
    if (is_agent(object))
        index_agent(b, object, direct);
    else if (is_activity(object))
        index_activity(b, object, direct);
    else if (!sub && type && strcmp(type, "SubStatement") == 0)
        index_statement(b, object, 1);
    if (!sub)
        index_agent(b, json_object_get(st, "authority"), 0);
    index_context(b, json_object_get(st, "context"));
}

/*
 * Lays definition DEF over INTO: what the Activities resource returns is all
 * that is known of an activity, so language maps and extensions are merged
 * key by key and the other properties replaced.
 */
static int merge_definition(json_t *into, const json_t *def)
{
    const char *k;
    json_t *v;
    json_object_foreach ((json_t *)def, k, v) {
        json_t *prev = json_object_get(into, k);
        int err;
        if ((!strcmp(k, "name") || !strcmp(k, "description") || !strcmp(k, "extensions")) &&
            json_is_object(prev) && json_is_object(v))
            err = json_object_update(prev, v);
        else
            err = json_object_set_new(into, k, json_deep_copy(v));
        if (err)
            return XAPI_ERR_NOMEM;
    }
    return XAPI_OK;
}

/* Adds the definition of OBJECT (an activity with one) to the batch's. */
static int collect_definition(struct batch *b, const json_t *object)
{
    const json_t *def = json_object_get(object, "definition");
    const char *id = json_string_value(json_object_get(object, "id"));
    if (!is_activity(object) || !id || !json_is_object(def))
        return XAPI_OK;
    size_t i = 0;
    while (i < b->ndefs && strcmp(b->defs[i].id, id) != 0)
        i++;
    if (i == b->ndefs) {
        /* At most one per statement: room for all was made with the batch. */
        b->defs[i] = (struct definition){id, json_object(), NULL, NULL};
        b->ndefs++;
        if (!b->defs[i].def)
            return XAPI_ERR_NOMEM;
    }
    return merge_definition(b->defs[i].def, def);
}

/* OLD (a stored definition, or NULL) with D's definition laid over it, into D->merged. */
static int merge_over(struct definition *d, const char *old)
{
    json_t *merged = old ? json_loads(old, 0, NULL) : NULL;
    if (!json_is_object(merged)) {
        json_decref(merged);
        merged = json_object();
    }
    int err = merged ? merge_definition(merged, d->def) : XAPI_ERR_NOMEM;
    cc_free(d->merged);
    d->merged = NULL;
    if (!err) {
        struct buf text;
        buf_init(&text, XAPI_DEFINITION_MAX);
        if (json_write(merged, &text)) {
            err = XAPI_ERR_NOMEM;
        } else if (!old || strcmp(old, text.data) != 0) {
            d->merged = buf_detach(&text, NULL); /* something new: to be written */
            if (!d->merged)
                err = XAPI_ERR_NOMEM;
        }
        buf_release(&text);
    }
    json_decref(merged);
    return err;
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

/*
 * Fills the properties the LRS sets: id, authority, version, and timestamp
 * (when the client gave none) and stored as placeholders, last, so that the
 * text ends with them and they can be written in place once the time is
 * known. *OWN_TIMESTAMP says whether the client gave a timestamp.
 */
static int complete(json_t *st, const struct xapi_writer *w, int *own_timestamp)
{
    if (!json_object_get(st, "id")) {
        char id[37];
        xapi_uuid(id);
        if (json_object_set_new(st, "id", json_string(id)))
            return XAPI_ERR_NOMEM;
    }
    if ((w->authority && json_object_set(st, "authority", (json_t *)w->authority)) ||
        (!json_object_get(st, "version") &&
         json_object_set_new(st, "version",
                             json_string(w->version == XAPI_V103 ? "1.0.0" : "2.0.0"))))
        return XAPI_ERR_NOMEM;
    const json_t *ts = json_object_get(st, "timestamp");
    *own_timestamp = ts && !json_is_null(ts);
    if (!*own_timestamp) {
        json_object_del(st, "timestamp");
        if (json_object_set_new(st, "timestamp", json_string(STORED_PLACEHOLDER)))
            return XAPI_ERR_NOMEM;
    }
    json_object_del(st, "stored");
    if (json_object_set_new(st, "stored", json_string(STORED_PLACEHOLDER)))
        return XAPI_ERR_NOMEM;
    return XAPI_OK;
}

/* Finds the placeholders at the end of P's text T (see complete). */
static int locate_placeholders(struct prepared *p, const char *t, int own_timestamp)
{
    static const char stored_key[] = "\"stored\":\"", ts_key[] = "\"timestamp\":\"";
    size_t sk = sizeof(stored_key) - 1, tk = sizeof(ts_key) - 1;
    if (p->len < sk + STORED_LEN + 2 + tk + STORED_LEN + 2)
        return XAPI_ERR_STORE;
    p->stored_at = p->len - 2 - STORED_LEN;
    if (memcmp(t + p->stored_at - sk, stored_key, sk) ||
        memcmp(t + p->stored_at, STORED_PLACEHOLDER, STORED_LEN))
        return XAPI_ERR_STORE;
    p->timestamp_at = 0;
    if (own_timestamp)
        return XAPI_OK;
    /* ..."timestamp":"<placeholder>","stored":"<placeholder>"} */
    p->timestamp_at = p->stored_at - sk - 2 - STORED_LEN;
    if (memcmp(t + p->timestamp_at - tk, ts_key, tk) ||
        memcmp(t + p->timestamp_at, STORED_PLACEHOLDER, STORED_LEN))
        return XAPI_ERR_STORE;
    return XAPI_OK;
}

/* Step 1 for statement I of the batch. */
static int prepare_one(struct batch *b, const struct xapi_writer *w, size_t i, json_t *st)
{
    struct prepared *p = &b->item[i];
    int own_timestamp;
    p->st = st;
    int err = normalise_context(st);
    if (!err)
        err = complete(st, w, &own_timestamp);
    if (err)
        return err;
    const json_t *object = json_object_get(st, "object");
    const char *otype = json_string_value(json_object_get(object, "objectType"));
    char lower[37];
    snprintf(p->id, sizeof(p->id), "%s",
             lowercase(json_string_value(json_object_get(st, "id")), lower));
    if (otype && strcmp(otype, "StatementRef") == 0)
        snprintf(p->target, sizeof(p->target), "%s",
                 lowercase(json_string_value(json_object_get(object, "id")), lower));
    const char *reg =
        json_string_value(json_object_get(json_object_get(st, "context"), "registration"));
    if (reg)
        snprintf(p->registration, sizeof(p->registration), "%s", lowercase(reg, lower));
    p->verb = json_string_value(json_object_get(json_object_get(st, "verb"), "id"));
    p->voiding = strcmp(p->verb, XAPI_VERB_VOIDED) == 0;
    p->agents = b->nagents;
    p->activities = b->nactivities;
    index_statement(b, st, 0);
    if (b->err)
        return b->err;
    p->nagents = b->nagents - p->agents;
    p->nactivities = b->nactivities - p->activities;
    if ((err = collect_definition(b, object)))
        return err;
    p->text_at = b->texts.len;
    if (json_write(st, &b->texts) || buf_addc(&b->texts, 0))
        return XAPI_ERR_NOMEM;
    p->len = b->texts.len - 1 - p->text_at;
    if (locate_placeholders(p, b->texts.data + p->text_at, own_timestamp)) {
        LOG_ERROR("xapi: the stored text does not end with stored");
        return XAPI_ERR_STORE;
    }
    return XAPI_OK;
}

/* The stored definition of activity ID into *OUT (NULL when none). */
static int definition_text(struct store *db, int64_t institution, const char *id, char **out)
{
    int err = xapi_activity_get(db, institution, id, out);
    return err == XAPI_ERR_NOT_FOUND ? XAPI_OK : err;
}

static int prepare(struct store *db, const struct xapi_writer *w, json_t *statements,
                   struct batch *b)
{
    size_t n = json_array_size(statements), i;
    json_t *st;
    buf_init(&b->strings, (size_t)64 << 20);
    buf_init(&b->texts, (size_t)256 << 20);
    b->item = cc_calloc(n ? n : 1, sizeof(*b->item));
    b->defs = cc_calloc(n ? n : 1, sizeof(*b->defs));
    if (!b->item || !b->defs)
        return XAPI_ERR_NOMEM;
    json_array_foreach (statements, i, st) {
        b->n = i + 1;
        int err = prepare_one(b, w, i, st);
        if (err)
            return err;
    }
    /*
     * Read outside the transaction, merged, and read again inside it: when
     * nobody changed the definition in between (nearly always), the merge
     * done here stands.
     */
    for (i = 0; i < b->ndefs; i++) {
        int err = definition_text(db, w->institution, b->defs[i].id, &b->defs[i].old);
        if (!err)
            err = merge_over(&b->defs[i], b->defs[i].old);
        if (err)
            return err;
    }
    return XAPI_OK;
}

/* ----------------------------------------------------------------- writing */

/*
 * Is the new statement the same as the one stored with its id? Compares what
 * the client sent, leaving out what the LRS sets itself (and the timestamp
 * when the client gave none: the LRS set that too).
 */
static int same_statement(const json_t *incoming, const char *stored_text, int own_timestamp)
{
    json_t *stored = json_loads(stored_text, 0, NULL);
    if (!stored)
        return 0;
    int same = 1;
    const char *key;
    json_t *v;
    json_object_foreach ((json_t *)incoming, key, v) {
        if (!strcmp(key, "stored") || !strcmp(key, "authority") || !strcmp(key, "version") ||
            (!own_timestamp && !strcmp(key, "timestamp")))
            continue;
        json_t *was = json_object_get(stored, key);
        /* The same instant written another way, and the verb's display, are not differences. */
        if (!strcmp(key, "timestamp") && json_is_string(v) && json_is_string(was)) {
            int64_t a, c;
            if (!time_parse_iso8601(json_string_value(v), &a) &&
                !time_parse_iso8601(json_string_value(was), &c) && a == c)
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

/* The stored JSON of ID (any voided state) into *TEXT, and its verb into VERB; NULL when absent. */
static int lookup(struct store *db, int64_t institution, const char *id, char **text,
                  char verb[512])
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
        snprintf(verb, 512, "%s", store_col_text(st, 1));
    }
    store_finish(st);
    if (err < 0)
        return XAPI_ERR_STORE;
    return err == STORE_ROW && !*text ? XAPI_ERR_NOMEM : XAPI_OK;
}

/*
 * The time the batch is stored at: now, or the last statement's stored time
 * when the clock is behind it, so that stored never goes down in store order
 * and since/until can be answered with seq bounds (xapi/query.c).
 */
static int stored_time(struct store *db, char now[32])
{
    struct store_stmt *st;
    xapi_now(now);
    if (store_prepare(db, "SELECT stored FROM xapi_statements ORDER BY seq DESC LIMIT 1", &st))
        return XAPI_ERR_STORE;
    int err = store_step(st);
    if (err == STORE_ROW && strcmp(store_col_text(st, 0), now) > 0)
        snprintf(now, 32, "%s", store_col_text(st, 0));
    store_finish(st);
    return err < 0 ? XAPI_ERR_STORE : XAPI_OK;
}

/* Inserts P's row (its TEXT); *SEQ is 0 when a statement with its id is stored already. */
static int insert(struct store *db, const struct xapi_writer *w, const struct prepared *p,
                  const char *text, const char *now, int64_t *seq)
{
    struct store_stmt *s;
    *seq = 0;
    if (store_prepare(db,
                      "INSERT INTO xapi_statements (institution_id, id, verb, target, registration,"
                      " stored, client_id, statement) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                      " ON CONFLICT (institution_id, id) DO NOTHING RETURNING seq",
                      &s))
        return XAPI_ERR_STORE;
    store_bind_int(s, 1, w->institution);
    store_bind_text(s, 2, p->id);
    store_bind_text(s, 3, p->verb);
    store_bind_text(s, 4, p->target[0] ? p->target : NULL);
    store_bind_text(s, 5, p->registration[0] ? p->registration : NULL);
    store_bind_text(s, 6, now);
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
    store_finish(s);
    return rc ? XAPI_ERR_STORE : XAPI_OK;
}

static int insert_rows(struct store *db, const char *sql, int64_t institution, int64_t seq,
                       const struct batch *b, const struct index_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct store_stmt *st;
        if (store_prepare(db, sql, &st))
            return XAPI_ERR_STORE;
        store_bind_int(st, 1, seq);
        store_bind_int(st, 2, institution);
        store_bind_text(st, 3, b->strings.data + rows[i].key);
        store_bind_int(st, 4, rows[i].direct);
        int err = store_step(st);
        store_finish(st);
        if (err)
            return XAPI_ERR_STORE;
    }
    return XAPI_OK;
}

static int void_target(struct store *db, int64_t institution, const char *target)
{
    struct store_stmt *st;
    if (store_prepare(db,
                      "UPDATE xapi_statements SET voided = 1 WHERE institution_id = ? AND id = ?"
                      " AND verb <> '" XAPI_VERB_VOIDED "'",
                      &st))
        return XAPI_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_text(st, 2, target);
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

/* Writes statement I of the batch (nothing when the same statement was stored before). */
static int write_one(struct store *db, const struct xapi_writer *w, const struct batch *b, size_t i,
                     const char *now, struct xapi_problem *problem)
{
    struct prepared *p = &b->item[i];
    char path[40];
    char *text = b->texts.data + p->text_at;
    memcpy(text + p->stored_at, now, STORED_LEN);
    if (p->timestamp_at)
        memcpy(text + p->timestamp_at, now, STORED_LEN);
    int64_t seq;
    int err = insert(db, w, p, text, now, &seq);
    if (err)
        return err;
    p->fresh = seq != 0;
    if (!seq) {
        /* Its id is taken: by this same statement (nothing to do) or another (a conflict). */
        char *existing, verb[512];
        if ((err = lookup(db, w->institution, p->id, &existing, verb)))
            return err;
        int same = existing && same_statement(p->st, existing, !p->timestamp_at);
        cc_free(existing);
        if (same)
            return XAPI_OK;
        snprintf(path, sizeof(path), b->n > 1 ? "[%zu].id" : "id", i);
        set_problem(problem, path, "xapi_statement_conflict", NULL);
        return XAPI_ERR_CONFLICT;
    }
    if (p->voiding) {
        char *existing, verb[512] = "";
        if ((err = lookup(db, w->institution, p->target, &existing, verb)))
            return err;
        cc_free(existing);
        if (strcmp(verb, XAPI_VERB_VOIDED) == 0) {
            snprintf(path, sizeof(path), b->n > 1 ? "[%zu].object.id" : "object.id", i);
            set_problem(problem, path, "xapi_void_voiding", NULL);
            return XAPI_ERR_INVALID;
        }
        if ((err = void_target(db, w->institution, p->target)))
            return err;
    }
    err = insert_rows(db,
                      "INSERT INTO xapi_statement_agents (seq, institution_id, agent, direct)"
                      " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                      w->institution, seq, b, b->agents + p->agents, p->nagents);
    if (!err)
        err = insert_rows(db,
                          "INSERT INTO xapi_statement_activities (seq, institution_id, activity,"
                          " direct) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                          w->institution, seq, b, b->activities + p->activities, p->nactivities);
    if (!err && p->target[0])
        err = xapi_refs_link(db, w->institution, seq, p->target, 1);
    if (!err)
        err = xapi_refs_arrived(db, w->institution, p->id);
    return err;
}

/* Writes the definitions of the batch that change what is stored. */
static int write_definitions(struct store *db, int64_t institution, struct batch *b)
{
    for (size_t i = 0; i < b->ndefs; i++) {
        struct definition *d = &b->defs[i];
        char *now = NULL;
        int err = definition_text(db, institution, d->id, &now);
        /* Changed since it was read: merge again, over what is there now. */
        if (!err && ((now == NULL) != (d->old == NULL) || (now && strcmp(now, d->old) != 0)))
            err = merge_over(d, now);
        cc_free(now);
        if (err)
            return err;
        if (!d->merged)
            continue;
        struct store_stmt *st;
        if (store_prepare(
                db,
                "INSERT INTO xapi_activities (institution_id, id, definition) VALUES (?, ?, ?)"
                " ON CONFLICT (institution_id, id) DO UPDATE SET definition = excluded.definition",
                &st))
            return XAPI_ERR_STORE;
        store_bind_int(st, 1, institution);
        store_bind_text(st, 2, d->id);
        store_bind_text(st, 3, d->merged);
        err = store_step(st);
        store_finish(st);
        if (err)
            return XAPI_ERR_STORE;
    }
    return XAPI_OK;
}

/* ------------------------------------------------------------ group commit */

/*
 * A batch waiting for the write transaction. Writers of one database queue
 * their batches; the first to find no transaction running becomes the leader
 * and writes every queued batch (up to GROUP_MAX statements) in one
 * transaction, each batch inside a savepoint of its own so that it still
 * succeeds or fails alone; after the commit each waiting writer learns its
 * result. One commit (one fsync) then serves several requests, and the
 * waiting writers sleep on a condition variable rather than polling SQLite's
 * lock. A batch is acknowledged only after the commit that wrote it.
 */
struct job {
    const struct xapi_writer *w;
    struct batch *b;
    const struct xapi_blob *blobs;
    size_t nblobs;
    json_t *ids;
    struct xapi_problem *p;
    char now[32]; /* the stored time it got */
    int err;
    int done;
    struct job *next;
};

#define GROUP_MAX      1000 /* statements a group transaction takes at most (a batch more is alone) */
#define GROUPS         8    /* databases written at once with group commit (more write alone) */
#define GROUP_NAME_MAX 1024

struct group {
    char name[GROUP_NAME_MAX]; /* the database (store_database); "" before first use */
    pthread_cond_t finished;   /* a leader has finished */
    int ready;                 /* FINISHED is set up */
    struct store *conn;        /* the leaders' connection (its pages stay cached), or NULL */
    struct job *head, **tail;  /* the queue */
    int leading;               /* a leader is writing */
};

/* One lock for the groups and their queues: it is held only to look up and to queue. */
static struct group groups[GROUPS];
static pthread_mutex_t groups_lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * The group of database NAME, under groups_lock: its own, or a slot no writer
 * uses any more (no leader, nothing queued). NULL when every slot is busy
 * with another database: the batch is written alone.
 */
static struct group *group_of(const char *name)
{
    struct group *idle = NULL;
    for (int i = 0; i < GROUPS; i++) {
        struct group *g = &groups[i];
        if (strcmp(g->name, name) == 0)
            return g;
        if (!idle && !g->leading && !g->head)
            idle = g;
    }
    if (idle) {
        if (!idle->ready) {
            pthread_cond_init(&idle->finished, NULL);
            idle->ready = 1;
        }
        /* Nobody leads, so nobody uses its connection: it goes with the database it was for. */
        if (strcmp(idle->name, name) != 0)
            store_close(&idle->conn);
        snprintf(idle->name, sizeof(idle->name), "%s", name);
        idle->tail = &idle->head;
    }
    return idle;
}

/* Writes job J inside the caller's transaction. */
static int write_job(struct store *db, struct job *j, const char *now)
{
    int err = xapi_attachments_store(db, j->w->institution, j->blobs, j->nblobs);
    for (size_t i = 0; !err && i < j->b->n; i++) {
        err = write_one(db, j->w, j->b, i, now, j->p);
        if (!err && json_array_append(j->ids, json_object_get(j->b->item[i].st, "id")))
            err = XAPI_ERR_NOMEM;
    }
    if (!err)
        err = write_definitions(db, j->w->institution, j->b);
    return err;
}

/*
 * Writes the jobs of the list FIRST in one transaction on DB and sets each
 * one's result; *CHECKPOINT says whether a checkpoint is due after it.
 */
static void write_group(struct store *db, struct job *first, int *checkpoint)
{
    int alone = first->next == NULL, err = XAPI_OK;
    char now[32] = "";
    if (store_begin(db))
        err = XAPI_ERR_STORE;
    else
        err = stored_time(db, now);
    for (struct job *j = first; j; j = j->next) {
        snprintf(j->now, sizeof(j->now), "%s", now);
        if (err) {
            j->err = err;
            continue;
        }
        /* A batch that fails is undone alone; when it is alone, by the rollback below. */
        if (!alone && store_exec(db, "SAVEPOINT batch")) {
            err = j->err = XAPI_ERR_STORE;
            continue;
        }
        j->err = write_job(db, j, now);
        if (j->err && !alone && store_exec(db, "ROLLBACK TO SAVEPOINT batch"))
            err = XAPI_ERR_STORE;
        if (!alone && !err && store_exec(db, "RELEASE SAVEPOINT batch"))
            err = XAPI_ERR_STORE;
        if (j->err && alone)
            err = j->err;
    }
    /* The checkpoint, if one is due, waits until the others are let go (write_grouped). */
    if (err) {
        store_rollback(db);
    } else if (store_commit_later(db, checkpoint)) {
        err = XAPI_ERR_STORE;
    }
    /* Nothing is stored: every batch that had succeeded fails with the transaction. */
    for (struct job *j = first; err && j; j = j->next)
        if (!j->err)
            j->err = err == XAPI_ERR_STORE || err == XAPI_ERR_NOMEM ? err : XAPI_ERR_STORE;
}

/* Has job J written with others' (as their leader, or by one) and returns its result. */
static int write_grouped(struct store *db, struct job *j)
{
    const char *name = store_database(db);
    struct group *g = NULL;
    int checkpoint = 0;
    pthread_mutex_lock(&groups_lock);
    if (name[0] && strlen(name) < GROUP_NAME_MAX)
        g = group_of(name);
    if (!g) {
        pthread_mutex_unlock(&groups_lock);
        write_group(db, j, &checkpoint);
        if (checkpoint)
            store_checkpoint(db);
        return j->err;
    }
    j->next = NULL;
    *g->tail = j;
    g->tail = &j->next;
    while (!j->done) {
        if (g->leading) {
            pthread_cond_wait(&g->finished, &groups_lock);
            continue;
        }
        /* Lead: take the queued jobs, the oldest first. */
        g->leading = 1;
        struct job *first = g->head, *last = first;
        size_t n = first->b->n;
        while (last->next && n + last->next->b->n <= GROUP_MAX) {
            last = last->next;
            n += last->b->n;
        }
        g->head = last->next;
        if (!g->head)
            g->tail = &g->head;
        last->next = NULL;
        pthread_mutex_unlock(&groups_lock);
        /*
         * On the group's own connection, which only leaders use, one at a
         * time: no other connection's commits empty its page cache, so the
         * pages of the indexes a transaction changes are at hand. (Should it
         * not open, on this request's.)
         */
        if (!g->conn && store_open_same(db, &g->conn))
            g->conn = NULL;
        write_group(g->conn ? g->conn : db, first, &checkpoint);
        pthread_mutex_lock(&groups_lock);
        for (struct job *x = first, *next; x; x = next) {
            next = x->next;
            x->done = 1;
        }
        g->leading = 0;
        pthread_cond_broadcast(&g->finished);
        /* The next leader can write meanwhile: a checkpoint does not stop writers. */
        if (checkpoint) {
            pthread_mutex_unlock(&groups_lock);
            store_checkpoint(db);
            checkpoint = 0;
            pthread_mutex_lock(&groups_lock);
        }
    }
    pthread_mutex_unlock(&groups_lock);
    return j->err;
}

int xapi_statements_store(struct store *db, const struct xapi_writer *w, json_t *statements,
                          const struct xapi_blob *blobs, size_t nblobs, json_t *ids,
                          struct xapi_problem *p)
{
    size_t n = json_array_size(statements), i;
    /* A batch that repeats an id is refused whole. */
    for (i = 0; i < n; i++) {
        const char *a = json_string_value(json_object_get(json_array_get(statements, i), "id"));
        for (size_t j = 0; a && j < i; j++) {
            const char *c = json_string_value(json_object_get(json_array_get(statements, j), "id"));
            if (c && strcasecmp(a, c) == 0) {
                char path[32];
                snprintf(path, sizeof(path), "[%zu].id", i);
                set_problem(p, path, "xapi_statement_conflict", NULL);
                return XAPI_ERR_INVALID;
            }
        }
    }
    struct batch b = {0};
    int err = prepare(db, w, statements, &b);
    if (!err) {
        struct job j = {w, &b, blobs, nblobs, ids, p, "", 0, 0, NULL};
        err = write_grouped(db, &j);
        /* The caller's statements as stored (the placeholders' values). */
        for (i = 0; !err && i < b.n; i++) {
            json_t *st = b.item[i].st;
            if (!b.item[i].fresh)
                continue;
            /* Left as the placeholder if this fails: the ids are what callers read. */
            if ((b.item[i].timestamp_at &&
                 json_object_set_new(st, "timestamp", json_string(j.now))) ||
                json_object_set_new(st, "stored", json_string(j.now)))
                break;
        }
    }
    if (err)
        json_array_clear(ids);
    batch_release(&b);
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
