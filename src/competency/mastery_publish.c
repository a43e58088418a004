/*
 * Publishing level changes: the rows the engine queued in mastery_outbox
 * become xAPI statements, recorded through xapi_record_many() (the platform
 * as authority), oldest first. A statement's id is a UUID v5 of what it says,
 * so one already stored (an earlier run, or a recomputation that found the
 * same change again) is skipped; a row is removed once its statement is
 * stored, so a crash in between publishes it again, and the LRS keeps it once.
 */
#include <stdio.h>
#include <string.h>

#include "competency/mastery.h"
#include "competency/mastery_view.h"
#include "util/alloc.h"
#include "util/log.h"
#include "xapi/record.h"
#include "util/banned.h"

#define PUBLISH_NAME_MAX 240 /* bytes of an item's name in a statement */

/* The Agent of an agent key (xapi_agent_key): the inverse of that function. */
static json_t *agent_of_key(const char *key)
{
    static const char *const simple[] = {"mbox", "mbox_sha1sum", "openid"};
    for (size_t i = 0; i < sizeof(simple) / sizeof(simple[0]); i++) {
        size_t n = strlen(simple[i]);
        if (strncmp(key, simple[i], n) == 0 && key[n] == ':')
            return json_pack("{s:s, s:s}", "objectType", "Agent", simple[i], key + n + 1);
    }
    if (strncmp(key, "account:", 8) == 0) {
        const char *home = key + 8, *space = strchr(home, ' ');
        if (space)
            return json_pack("{s:s, s:{s:s%, s:s}}", "objectType", "Agent", "account", "homePage",
                             home, (size_t)(space - home), "name", space + 1);
    }
    return NULL;
}

/* The actor of a published statement: the learner, with their name when a platform user. */
static json_t *actor(struct store *db, int64_t institution, const char *key)
{
    json_t *a = agent_of_key(key);
    const char *prefix = "account:" XAPI_PLATFORM_HOMEPAGE " ";
    if (!a || strncmp(key, prefix, strlen(prefix)) != 0)
        return a;
    struct store_stmt *st;
    if (store_prepare(db, "SELECT name FROM users WHERE institution_id = ? AND login = ?", &st))
        return a;
    store_bind_int(st, 1, institution);
    store_bind_text(st, 2, key + strlen(prefix));
    if (store_step(st) == STORE_ROW)
        json_object_set_new(a, "name", json_string(store_col_text(st, 0)));
    store_finish(st);
    return a;
}

/* {"en": …, "zh-CN": …}: the item's coding and short name in each language. */
static json_t *item_name(struct store *db, const char *item)
{
    json_t *name = json_object();
    struct store_stmt *st;
    if (!name ||
        store_prepare(db, "SELECT human_coding, json FROM case_items WHERE identifier = ?", &st))
        return name;
    store_bind_text(st, 1, item);
    json_t *doc = NULL;
    char coding[128] = "";
    if (store_step(st) == STORE_ROW) {
        snprintf(coding, sizeof(coding), "%s", store_col_text(st, 0));
        doc = json_loads(store_col_text(st, 1), 0, NULL);
    }
    store_finish(st);
    static const char *const langs[] = {"en", "zh-CN"};
    for (size_t i = 0; i < 2; i++) {
        char text[PUBLISH_NAME_MAX + 8];
        const char *s = mastery_item_text(doc, langs[i], "abbreviatedStatement");
        if (!s || !*s)
            s = mastery_item_text(doc, langs[i], "fullStatement");
        if (!s || !*s)
            s = item;
        mastery_truncate_utf8(s, PUBLISH_NAME_MAX, text, sizeof(text));
        char both[PUBLISH_NAME_MAX + 140];
        if (*coding)
            snprintf(both, sizeof(both), "%s %s", coding, text);
        else
            snprintf(both, sizeof(both), "%s", text);
        json_object_set_new(name, langs[i], json_string(both));
    }
    json_decref(doc);
    return name;
}

/* The statement of one queued change (a new reference; NULL when out of memory). */
static json_t *change_statement(const char *id, json_t *who, json_t *name, const char *item,
                                int level, int previous, const char *trigger, const char *at)
{
    char iri[128];
    snprintf(iri, sizeof(iri), "%s%s", MASTERY_ITEM_IRI, item);
    int mastered = level == MASTERY_MASTERED;
    return json_pack("{s:s, s:o, s:{s:s, s:{s:s, s:s}}, s:{s:s, s:s, s:{s:s, s:o}},"
                     " s:{s:b, s:{s:i, s:i}}, s:{s:s, s:{s:s, s:s}, s:{s:[s]}}, s:s}",
                     "id", id, "actor", who, "verb", "id",
                     mastered ? MASTERY_VERB_MASTERED : MASTERY_VERB_ATTAINED, "display", "en-US",
                     mastered ? "mastered" : "attained", "zh-CN", mastered ? "掌握了" : "达到了",
                     "object", "objectType", "Activity", "id", iri, "definition", "type",
                     "http://adlnet.gov/expapi/activities/objective", "name", name, "result",
                     "success", level >= MASTERY_PROFICIENT, "extensions", MASTERY_EXT_LEVEL, level,
                     MASTERY_EXT_PREVIOUS, previous, "context", "platform", "CareCampus",
                     "statement", "objectType", "StatementRef", "id", trigger, "extensions",
                     MASTERY_EXT_CFITEMS, item, "timestamp", at);
}

static int stored_already(struct store *db, int64_t institution, const char *id, int *yes)
{
    struct store_stmt *st;
    *yes = 0;
    if (store_prepare(db, "SELECT 1 FROM xapi_statements WHERE institution_id = ? AND id = ?", &st))
        return MASTERY_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_text(st, 2, id);
    int rc = store_step(st);
    *yes = rc == STORE_ROW;
    store_finish(st);
    return rc < 0 ? MASTERY_ERR_STORE : MASTERY_OK;
}

/* Records LIST; when the batch is refused, each on its own, dropping (and logging) the bad ones. */
static int record(struct store *db, int64_t institution, json_t *list, int64_t *stored)
{
    struct xapi_problem p;
    int err = xapi_record_many(db, institution, list, &p);
    if (!err) {
        *stored += (int64_t)json_array_size(list);
        return MASTERY_OK;
    }
    if (err == XAPI_ERR_STORE || err == XAPI_ERR_NOMEM)
        return err == XAPI_ERR_STORE ? MASTERY_ERR_STORE : MASTERY_ERR_NOMEM;
    size_t i;
    json_t *one;
    json_array_foreach (list, i, one) {
        json_t *single = json_pack("[O]", one);
        if (!single)
            return MASTERY_ERR_NOMEM;
        err = xapi_record_many(db, institution, single, &p);
        json_decref(single);
        if (err == XAPI_ERR_STORE || err == XAPI_ERR_NOMEM)
            return err == XAPI_ERR_STORE ? MASTERY_ERR_STORE : MASTERY_ERR_NOMEM;
        if (err)
            LOG_WARN("mastery: a level change of institution %lld cannot be published (%s at %s)",
                     (long long)institution, p.msg ? p.msg : "?", p.path);
        else
            (*stored)++;
    }
    return MASTERY_OK;
}

int mastery_publish(struct store *db, int64_t institution, int max, int64_t *handled,
                    int64_t *published)
{
    int64_t stored = 0, last = 0, rows_done = 0;
    if (published)
        *published = 0;
    if (handled)
        *handled = 0;
    if (max < 1 || max > 10000)
        max = max < 1 ? 1 : 10000;
    json_t *list = json_array();
    struct store_stmt *st;
    if (!list)
        return MASTERY_ERR_NOMEM;
    if (store_prepare(db,
                      "SELECT o.id, o.statement_id, l.agent, o.item, o.level, o.previous,"
                      " o.trigger_id, o.at FROM mastery_outbox o"
                      " JOIN mastery_learners l ON l.id = o.learner_id"
                      " WHERE o.institution_id = ? ORDER BY o.id LIMIT ?",
                      &st)) {
        json_decref(list);
        return MASTERY_ERR_STORE;
    }
    store_bind_int(st, 1, institution);
    store_bind_int(st, 2, max);
    /* Read the rows first: recording needs the connection for its own transaction. */
    json_t *rows = json_array(), *actors = json_object(), *names = json_object();
    int rc, err = rows && actors && names ? MASTERY_OK : MASTERY_ERR_NOMEM;
    while (!err && (rc = store_step(st)) == STORE_ROW) {
        json_t *row = json_pack("[I, s, s, s, I, I, s, s]", (json_int_t)store_col_int(st, 0),
                                store_col_text(st, 1), store_col_text(st, 2), store_col_text(st, 3),
                                (json_int_t)store_col_int(st, 4), (json_int_t)store_col_int(st, 5),
                                store_col_text(st, 6), store_col_text(st, 7));
        if (!row || json_array_append_new(rows, row))
            err = MASTERY_ERR_NOMEM;
    }
    store_finish(st);
    if (!err && rc < 0)
        err = MASTERY_ERR_STORE;
    size_t i;
    json_t *row;
    rows_done = (int64_t)json_array_size(rows);
    json_array_foreach (rows, i, row) {
        if (err)
            break;
        const char *id = json_string_value(json_array_get(row, 1));
        int yes = 0;
        /* Two changes of one batch may be the same statement (a level left and reached again). */
        for (size_t k = 0; k < json_array_size(list) && !yes; k++)
            yes =
                strcmp(json_string_value(json_object_get(json_array_get(list, k), "id")), id) == 0;
        if (!yes && (err = stored_already(db, institution, id, &yes)))
            break;
        last = json_integer_value(json_array_get(row, 0));
        if (yes)
            continue;
        /* One batch names few learners and items: look each up once. */
        const char *key = json_string_value(json_array_get(row, 2));
        const char *item = json_string_value(json_array_get(row, 3));
        json_t *who = json_object_get(actors, key), *name = json_object_get(names, item);
        if (!who && (who = actor(db, institution, key)))
            json_object_set_new(actors, key, who);
        if (!name && (name = item_name(db, item)))
            json_object_set_new(names, item, name);
        if (!who || !name) { /* cannot be: keys are made from agents */
            LOG_WARN("mastery: a learner of institution %lld has no agent", (long long)institution);
            continue;
        }
        json_t *s = change_statement(id, json_deep_copy(who), json_deep_copy(name), item,
                                     (int)json_integer_value(json_array_get(row, 4)),
                                     (int)json_integer_value(json_array_get(row, 5)),
                                     json_string_value(json_array_get(row, 6)),
                                     json_string_value(json_array_get(row, 7)));
        if (!s || json_array_append_new(list, s))
            err = MASTERY_ERR_NOMEM;
    }
    json_decref(rows);
    json_decref(actors);
    json_decref(names);
    if (!err && json_array_size(list))
        err = record(db, institution, list, &stored);
    json_decref(list);
    if (!err && last) {
        if (store_prepare(db, "DELETE FROM mastery_outbox WHERE institution_id = ? AND id <= ?",
                          &st))
            return MASTERY_ERR_STORE;
        store_bind_int(st, 1, institution);
        store_bind_int(st, 2, last);
        err = store_step(st) < 0 ? MASTERY_ERR_STORE : MASTERY_OK;
        store_finish(st);
    }
    if (published)
        *published = stored;
    if (handled && !err)
        *handled = rows_done;
    return err;
}
