/*
 * Exporting stored frameworks (competency/case.h): the whole package, and
 * the objects of the CASE 1.1 provider API with the links CASE asks for
 * outside a package (CFPackageURI, CFDocumentURI).
 */
#include <stdio.h>
#include <string.h>

#include "competency/case_internal.h"
#include "util/banned.h"

/* Appends to LIST the stored JSON of every row of ST (column COL). */
static int append_rows(struct store_stmt *st, int col, json_t *list)
{
    int err;
    while ((err = store_step(st)) == STORE_ROW) {
        json_t *v = json_loads(store_col_text(st, col), 0, NULL);
        if (!v || json_array_append_new(list, v)) {
            store_finish(st);
            return CASE_ERR_NOMEM;
        }
    }
    store_finish(st);
    return err < 0 ? CASE_ERR_STORE : CASE_OK;
}

/* The rows of SQL (one ? bound to ID, then KIND when not NULL) into a new array *OUT. */
static int rows(struct store *db, const char *sql, const char *id, const char *kind, json_t **out)
{
    *out = json_array();
    struct store_stmt *st;
    if (!*out)
        return CASE_ERR_NOMEM;
    if (store_prepare(db, sql, &st))
        return CASE_ERR_STORE;
    store_bind_text(st, 1, id);
    if (kind)
        store_bind_text(st, 2, kind);
    return append_rows(st, 0, *out);
}

/* The kinds of CFDefinitions, in the order of the CASE 1.1 binding. */
static const char *const definition_kinds[] = {"CFConcepts", "CFSubjects", "CFLicenses",
                                               "CFItemTypes", "CFAssociationGroupings"};

int case_package_export(struct store *db, const char *id, json_t **out)
{
    *out = NULL;
    if (!case_uuid_valid(id))
        return CASE_ERR_NOT_FOUND;
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT json, package_extensions, definitions_extensions FROM case_documents"
                      " WHERE identifier = ?",
                      &st))
        return CASE_ERR_STORE;
    store_bind_text(st, 1, id);
    int err = store_step(st);
    json_t *doc = NULL, *ext = NULL, *defext = NULL;
    if (err == STORE_ROW) {
        doc = json_loads(store_col_text(st, 0), 0, NULL);
        if (!store_col_is_null(st, 1))
            ext = json_loads(store_col_text(st, 1), 0, NULL);
        if (!store_col_is_null(st, 2))
            defext = json_loads(store_col_text(st, 2), 0, NULL);
    }
    store_finish(st);
    if (err != STORE_ROW) {
        json_decref(doc);
        json_decref(ext);
        json_decref(defext);
        return err < 0 ? CASE_ERR_STORE : CASE_ERR_NOT_FOUND;
    }
    json_t *pkg = json_object(), *items = NULL, *assocs = NULL, *defs = json_object(),
           *rubrics = NULL;
    err = CASE_ERR_NOMEM;
    if (!pkg || !doc || !defs || json_object_set(pkg, "CFDocument", doc))
        goto fail;
    if ((err = rows(db, "SELECT json FROM case_items WHERE document_id = ? ORDER BY position", id,
                    NULL, &items)) ||
        (err =
             rows(db, "SELECT json FROM case_associations WHERE document_id = ? ORDER BY position",
                  id, NULL, &assocs)))
        goto fail;
    err = CASE_ERR_NOMEM;
    if (json_object_set(pkg, "CFItems", items) || json_object_set(pkg, "CFAssociations", assocs))
        goto fail;
    for (size_t k = 0; k < sizeof(definition_kinds) / sizeof(definition_kinds[0]); k++) {
        json_t *list;
        err = rows(db,
                   "SELECT json FROM case_definitions WHERE document_id = ? AND kind = ?"
                   " ORDER BY position",
                   id, definition_kinds[k], &list);
        if (!err && json_array_size(list) && json_object_set(defs, definition_kinds[k], list))
            err = CASE_ERR_NOMEM;
        json_decref(list);
        if (err)
            goto fail;
    }
    err = CASE_ERR_NOMEM;
    if (defext && json_object_set(defs, "extensions", defext))
        goto fail;
    if (json_object_size(defs) && json_object_set(pkg, "CFDefinitions", defs))
        goto fail;
    if ((err = rows(db, "SELECT json FROM case_rubrics WHERE document_id = ? ORDER BY position", id,
                    NULL, &rubrics)))
        goto fail;
    err = CASE_ERR_NOMEM;
    if (json_array_size(rubrics) && json_object_set(pkg, "CFRubrics", rubrics))
        goto fail;
    if (ext && json_object_set(pkg, "extensions", ext))
        goto fail;
    *out = pkg;
    pkg = NULL;
    err = CASE_OK;
fail:
    json_decref(pkg);
    json_decref(doc);
    json_decref(ext);
    json_decref(defext);
    json_decref(items);
    json_decref(assocs);
    json_decref(defs);
    json_decref(rubrics);
    return err;
}

/* ---- The provider ---- */

/* OBJ[KEY] = {title, identifier, uri}, unless OBJ has one already and not FORCE. */
static int set_link(json_t *obj, const char *key, const char *title, const char *id,
                    const char *uri, int force)
{
    if (!force && json_object_get(obj, key))
        return CASE_OK;
    json_t *link = json_pack("{s:s, s:s, s:s}", "title", title, "identifier", id, "uri", uri);
    return link && !json_object_set_new(obj, key, link) ? CASE_OK : CASE_ERR_NOMEM;
}

/* A CFDocument with its CFPackageURI under BASE. */
static int provider_doc(const char *id, const char *json_text, const char *base, json_t **out)
{
    *out = json_loads(json_text, 0, NULL);
    if (!*out)
        return CASE_ERR_NOMEM;
    char uri[CASE_MAX_URI + 64];
    snprintf(uri, sizeof(uri), "%s/CFPackages/%s", base, id);
    const char *title = json_string_value(json_object_get(*out, "title"));
    /* Whatever link the imported document carried, the package is to be had here. */
    int err = set_link(*out, "CFPackageURI", title ? title : "", id, uri, 1);
    if (err) {
        json_decref(*out);
        *out = NULL;
    }
    return err;
}

int case_provider_documents(struct store *db, enum case_sort sort, int descending, size_t limit,
                            size_t offset, const char *base, json_t **out, int64_t *total)
{
    *out = NULL;
    *total = 0;
    static const char *const columns[] = {"title", "identifier", "last_change"};
    struct store_stmt *st;
    if (store_prepare(db, "SELECT COUNT(*) FROM case_documents", &st))
        return CASE_ERR_STORE;
    int err = store_step(st);
    if (err == STORE_ROW)
        *total = store_col_int(st, 0);
    store_finish(st);
    if (err < 0)
        return CASE_ERR_STORE;
    char sql[200];
    snprintf(sql, sizeof(sql),
             "SELECT identifier, json FROM case_documents ORDER BY %s %s, identifier %s"
             " LIMIT ? OFFSET ?",
             columns[sort], descending ? "DESC" : "ASC", descending ? "DESC" : "ASC");
    if (store_prepare(db, sql, &st))
        return CASE_ERR_STORE;
    store_bind_int(st, 1, (int64_t)limit);
    store_bind_int(st, 2, (int64_t)offset);
    json_t *list = json_array();
    while ((err = store_step(st)) == STORE_ROW) {
        json_t *d;
        if ((err = provider_doc(store_col_text(st, 0), store_col_text(st, 1), base, &d)) ||
            json_array_append_new(list, d)) {
            err = CASE_ERR_NOMEM;
            break;
        }
    }
    store_finish(st);
    if (err || !list) {
        json_decref(list);
        return err == CASE_ERR_NOMEM || !list ? CASE_ERR_NOMEM : CASE_ERR_STORE;
    }
    *out = json_pack("{s:o}", "CFDocuments", list);
    return *out ? CASE_OK : CASE_ERR_NOMEM;
}

int case_provider_document(struct store *db, const char *id, const char *base, json_t **out)
{
    *out = NULL;
    if (!case_uuid_valid(id))
        return CASE_ERR_NOT_FOUND;
    struct store_stmt *st;
    if (store_prepare(db, "SELECT json FROM case_documents WHERE identifier = ?", &st))
        return CASE_ERR_STORE;
    store_bind_text(st, 1, id);
    int err = store_step(st);
    if (err == STORE_ROW)
        err = provider_doc(id, store_col_text(st, 0), base, out);
    else if (err == STORE_OK)
        err = CASE_ERR_NOT_FOUND;
    else
        err = CASE_ERR_STORE;
    store_finish(st);
    return err;
}

/*
 * The object of TABLE with identifier ID (stored JSON), with the
 * CFDocumentURI of the document that holds it.
 */
static int with_document(struct store *db, const char *table, const char *id, json_t **out)
{
    *out = NULL;
    if (!case_uuid_valid(id))
        return CASE_ERR_NOT_FOUND;
    char sql[256];
    snprintf(sql, sizeof(sql),
             "SELECT x.json, d.identifier, d.title, d.uri FROM %s x JOIN case_documents d"
             " ON d.identifier = x.document_id WHERE x.identifier = ?",
             table);
    struct store_stmt *st;
    if (store_prepare(db, sql, &st))
        return CASE_ERR_STORE;
    store_bind_text(st, 1, id);
    int err = store_step(st);
    if (err == STORE_ROW) {
        *out = json_loads(store_col_text(st, 0), 0, NULL);
        err = *out ? set_link(*out, "CFDocumentURI", store_col_text(st, 2), store_col_text(st, 1),
                              store_col_text(st, 3), 0)
                   : CASE_ERR_NOMEM;
    } else {
        err = err == STORE_OK ? CASE_ERR_NOT_FOUND : CASE_ERR_STORE;
    }
    store_finish(st);
    if (err) {
        json_decref(*out);
        *out = NULL;
    }
    return err;
}

int case_provider_item(struct store *db, const char *id, json_t **out)
{
    return with_document(db, "case_items", id, out);
}

int case_provider_association(struct store *db, const char *id, json_t **out)
{
    return with_document(db, "case_associations", id, out);
}

int case_provider_item_associations(struct store *db, const char *id, json_t **out)
{
    json_t *item;
    int err = with_document(db, "case_items", id, &item);
    if (err)
        return err;
    json_t *list = json_array();
    struct store_stmt *st;
    if (!list) {
        err = CASE_ERR_NOMEM;
    } else if (store_prepare(
                   db,
                   "SELECT json FROM case_associations WHERE origin = ? OR destination = ?"
                   " ORDER BY document_id, position",
                   &st)) {
        err = CASE_ERR_STORE;
    } else {
        store_bind_text(st, 1, id);
        store_bind_text(st, 2, id);
        err = append_rows(st, 0, list);
    }
    if (!err && !(*out = json_pack("{s:O, s:O}", "CFItem", item, "CFAssociations", list)))
        err = CASE_ERR_NOMEM;
    json_decref(item);
    json_decref(list);
    return err;
}
