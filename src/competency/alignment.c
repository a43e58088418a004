/* Alignments of activities to framework items (competency/alignment.h). */
#include "competency/alignment.h"

#include <stdio.h>
#include <string.h>

#include "competency/case_internal.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/timeutil.h"
#include "xapi/validate.h"
#include "util/banned.h"

int competency_activity_valid(const char *activity)
{
    return activity && strlen(activity) <= ALIGNMENT_ACTIVITY_MAX && xapi_iri_valid(activity);
}

int competency_alignment_add(struct store *db, int64_t institution, const char *activity,
                             const char *item, const char *source, int *created)
{
    *created = 0;
    if (!competency_activity_valid(activity) || !source ||
        (strcmp(source, "content") != 0 && strcmp(source, "admin") != 0))
        return CASE_ERR_INVALID;
    int exists, err = case_item_exists(db, item, &exists);
    if (err)
        return err;
    if (!exists)
        return CASE_ERR_NOT_FOUND;
    char now[21];
    time_iso8601(time_now(), now);
    struct store_stmt *st;
    if (store_prepare(db,
                      "INSERT INTO competency_alignments (institution_id, activity, item, source,"
                      " created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                      &st))
        return CASE_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_text(st, 2, activity);
    store_bind_text(st, 3, item);
    store_bind_text(st, 4, source);
    store_bind_text(st, 5, now);
    err = store_step(st);
    store_finish(st);
    if (err)
        return CASE_ERR_STORE;
    *created = store_changes(db) > 0;
    return CASE_OK;
}

int competency_alignment_remove(struct store *db, int64_t institution, const char *activity,
                                const char *item)
{
    struct store_stmt *st;
    if (store_prepare(db,
                      "DELETE FROM competency_alignments WHERE institution_id = ? AND activity = ?"
                      " AND item = ?",
                      &st))
        return CASE_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_text(st, 2, activity);
    store_bind_text(st, 3, item);
    int err = store_step(st);
    store_finish(st);
    if (err)
        return CASE_ERR_STORE;
    return store_changes(db) ? CASE_OK : CASE_ERR_NOT_FOUND;
}

/* The name of an activity from its stored definition (a language map), or null. */
static json_t *activity_name(struct store_stmt *st, int col, const char *key)
{
    if (store_col_is_null(st, col))
        return json_null();
    json_t *def = json_loads(store_col_text(st, col), 0, NULL);
    json_t *v = json_object_get(def, key);
    json_t *out = json_is_object(v) || json_is_string(v) ? json_incref(v) : json_null();
    json_decref(def);
    return out;
}

int competency_alignment_list(struct store *db, int64_t institution, const char *activity,
                              const char *item, json_t **out)
{
    *out = NULL;
    struct store_stmt *st;
    if (store_prepare(db,
                      activity ? "SELECT al.activity, al.item, al.source, al.created_at,"
                                 " xa.definition, i.document_id, i.json, d.json"
                                 " FROM competency_alignments al"
                                 " LEFT JOIN xapi_activities xa ON xa.institution_id ="
                                 " al.institution_id AND xa.id = al.activity"
                                 " LEFT JOIN case_items i ON i.identifier = al.item"
                                 " LEFT JOIN case_documents d ON d.identifier = i.document_id"
                                 " WHERE al.institution_id = ? AND al.activity = ?"
                                 " ORDER BY al.created_at DESC, al.item LIMIT ?"
                               : "SELECT al.activity, al.item, al.source, al.created_at,"
                                 " xa.definition, i.document_id, i.json, d.json"
                                 " FROM competency_alignments al"
                                 " LEFT JOIN xapi_activities xa ON xa.institution_id ="
                                 " al.institution_id AND xa.id = al.activity"
                                 " LEFT JOIN case_items i ON i.identifier = al.item"
                                 " LEFT JOIN case_documents d ON d.identifier = i.document_id"
                                 " WHERE al.institution_id = ? AND al.item = ?"
                                 " ORDER BY al.created_at DESC, al.activity LIMIT ?",
                      &st))
        return CASE_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_text(st, 2, activity ? activity : item);
    store_bind_int(st, 3, ALIGNMENT_LIST_MAX);
    json_t *list = json_array();
    int err;
    while ((err = store_step(st)) == STORE_ROW) {
        json_t *summary = json_null();
        if (!store_col_is_null(st, 6)) {
            summary = case_item_summary(store_col_text(st, 5), store_col_text(st, 6));
            json_t *brief = case_document_brief(store_col_text(st, 5), store_col_text(st, 7));
            if (!summary || !brief || json_object_set(summary, "document", brief)) {
                json_decref(summary);
                json_decref(brief);
                err = CASE_ERR_NOMEM;
                break;
            }
            json_decref(brief);
        }
        json_t *a = json_pack("{s:s, s:s, s:o, s:s, s:s, s:o}", "activity", store_col_text(st, 0),
                              "item_id", store_col_text(st, 1), "name",
                              activity_name(st, 4, "name"), "source", store_col_text(st, 2),
                              "created_at", store_col_text(st, 3), "item", summary);
        if (!a || json_array_append_new(list, a)) {
            err = CASE_ERR_NOMEM;
            break;
        }
    }
    store_finish(st);
    if (err || !list) {
        json_decref(list);
        return err == CASE_ERR_NOMEM || !list ? CASE_ERR_NOMEM : CASE_ERR_STORE;
    }
    *out = list;
    return CASE_OK;
}

/*
 * Most recent first: by the last statement about the activity (the LRS's
 * index of statement activities has (activity, institution_id, seq) as its
 * key, so the maximum is one index look-up), with how many alignments it has.
 */
#define ACTIVITY_COLUMNS                                                                           \
    "SELECT a.id, a.definition, (SELECT COUNT(*) FROM competency_alignments al"                    \
    " WHERE al.institution_id = a.institution_id AND al.activity = a.id),"                         \
    " (SELECT MAX(s.seq) FROM xapi_statement_activities s WHERE s.activity = a.id"                 \
    " AND s.institution_id = a.institution_id) AS last"                                            \
    " FROM xapi_activities a WHERE a.institution_id = ?"

int competency_activity_list(struct store *db, int64_t institution, const char *q, size_t limit,
                             json_t **out)
{
    *out = NULL;
    if (!limit || limit > ACTIVITY_SEARCH_MAX)
        limit = ACTIVITY_SEARCH_MAX;
    struct buf pattern;
    buf_init(&pattern, 1024);
    int have_q = q && *q;
    if (have_q) {
        /* '%q%', lower-cased, LIKE's wildcards escaped: matched against the IRI and the definition.
         */
        int bad = buf_addc(&pattern, '%');
        for (const char *c = q; !bad && *c; c++) {
            char ch = *c >= 'A' && *c <= 'Z' ? (char)(*c - 'A' + 'a') : *c;
            if (ch == '%' || ch == '_' || ch == '\\')
                bad = buf_addc(&pattern, '\\');
            bad = bad || buf_addc(&pattern, ch);
        }
        if (bad || buf_addc(&pattern, '%')) {
            buf_release(&pattern);
            return CASE_ERR_INVALID;
        }
    }
    struct store_stmt *st;
    if (store_prepare(db,
                      have_q ? "SELECT * FROM (" ACTIVITY_COLUMNS
                               " AND (lower(a.id) LIKE ? ESCAPE '\\'"
                               " OR lower(a.definition) LIKE ? ESCAPE '\\')) x"
                               " ORDER BY last IS NULL, last DESC, id LIMIT ?"
                             : "SELECT * FROM (" ACTIVITY_COLUMNS ") x"
                               " ORDER BY last IS NULL, last DESC, id LIMIT ?",
                      &st)) {
        buf_release(&pattern);
        return CASE_ERR_STORE;
    }
    int k = 1;
    store_bind_int(st, k++, institution);
    if (have_q) {
        store_bind_text(st, k++, pattern.data);
        store_bind_text(st, k++, pattern.data);
    }
    store_bind_int(st, k, (int64_t)limit);
    json_t *list = json_array();
    int err;
    while ((err = store_step(st)) == STORE_ROW) {
        json_t *def = json_loads(store_col_text(st, 1), 0, NULL);
        json_t *name = json_object_get(def, "name"), *desc = json_object_get(def, "description");
        json_t *type = json_object_get(def, "type");
        json_t *a = json_pack("{s:s, s:O, s:O, s:O, s:I}", "id", store_col_text(st, 0), "name",
                              json_is_object(name) ? name : json_null(), "description",
                              json_is_object(desc) ? desc : json_null(), "type",
                              json_is_string(type) ? type : json_null(), "alignment_count",
                              (json_int_t)store_col_int(st, 2));
        json_decref(def);
        if (!a || json_array_append_new(list, a)) {
            err = CASE_ERR_NOMEM;
            break;
        }
    }
    store_finish(st);
    buf_release(&pattern);
    if (err || !list) {
        json_decref(list);
        return err == CASE_ERR_NOMEM || !list ? CASE_ERR_NOMEM : CASE_ERR_STORE;
    }
    *out = list;
    return CASE_OK;
}
