/*
 * Importing a checked CASE package (competency/case.h): the checks that need
 * the database (owners, identifiers of other frameworks, associations that
 * point nowhere) and the writing, in one transaction.
 */
#include <stdio.h>
#include <string.h>

#include "competency/case_internal.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/timeutil.h"
#include "util/utf8.h"
#include "util/banned.h"

/* ---- Checks against what is stored ---- */

/*
 * The title of a framework other than DOC that holds identifier ID, as an
 * object of TABLE (case_items, case_associations, case_rubrics) or as its
 * document: *TITLE is a copy (cc_free), NULL when no other framework has it.
 */
static int owner_of(struct store *db, const char *table, const char *id, const char *doc,
                    char **title)
{
    *title = NULL;
    char sql[360];
    snprintf(sql, sizeof(sql),
             "SELECT d.identifier, d.title, 0 FROM %s x JOIN case_documents d"
             " ON d.identifier = x.document_id WHERE x.identifier = ?"
             " UNION ALL SELECT identifier, title, 1 FROM case_documents WHERE identifier = ?",
             table);
    struct store_stmt *st;
    if (store_prepare(db, sql, &st))
        return CASE_ERR_STORE;
    store_bind_text(st, 1, id);
    store_bind_text(st, 2, id);
    int err;
    while ((err = store_step(st)) == STORE_ROW) {
        /* An object of DOC itself, or DOC found as the document it is, is no conflict. */
        const char *other = store_col_text(st, 0);
        if (doc && strcmp(other, doc) == 0)
            continue;
        if (!*title && !(*title = cc_strdup(store_col_text(st, 1)))) {
            store_finish(st);
            return CASE_ERR_NOMEM;
        }
    }
    store_finish(st);
    return err < 0 ? CASE_ERR_STORE : CASE_OK;
}

/* Reports an identifier at PATH that another framework holds. */
static int check_free(struct store *db, struct case_report *r, const char *table, const char *id,
                      const char *doc, const char *path)
{
    char *title;
    int err = owner_of(db, table, id, doc, &title);
    if (err)
        return err;
    if (title)
        case_report_add(r, 0, path, "case_id_taken", title);
    cc_free(title);
    return CASE_OK;
}

/* Is ID stored as an item or a document? Answers are remembered in SEEN (1 yes, 0 no). */
static int stored_node(struct store *db, struct case_idset *seen, const char *id, int *yes)
{
    int v = case_idset_get(seen, id);
    if (v >= 0) {
        *yes = v;
        return CASE_OK;
    }
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT 1 FROM case_items WHERE identifier = ?"
                      " UNION ALL SELECT 1 FROM case_documents WHERE identifier = ?",
                      &st))
        return CASE_ERR_STORE;
    store_bind_text(st, 1, id);
    store_bind_text(st, 2, id);
    int err = store_step(st);
    store_finish(st);
    if (err < 0)
        return CASE_ERR_STORE;
    *yes = err == STORE_ROW;
    int prev;
    return case_idset_put(seen, id, *yes, &prev);
}

static int check_stored(struct store *db, const struct case_pkg *p, int64_t owner,
                        struct case_report *r)
{
    char path[96];
    int err = CASE_OK;
    if (p->doc_id) {
        struct store_stmt *st;
        if (store_prepare(db,
                          "SELECT owner_institution_id, bundled FROM case_documents"
                          " WHERE identifier = ?",
                          &st))
            return CASE_ERR_STORE;
        store_bind_text(st, 1, p->doc_id);
        err = store_step(st);
        int exists = err == STORE_ROW, bundled = 0;
        int64_t stored_owner = 0;
        if (exists) {
            stored_owner = store_col_is_null(st, 0) ? 0 : store_col_int(st, 0);
            bundled = (int)store_col_int(st, 1);
        }
        store_finish(st);
        if (err < 0)
            return CASE_ERR_STORE;
        r->created = !exists;
        if (exists && stored_owner != owner)
            case_report_add(r, 0, "CFDocument.identifier",
                            bundled ? "case_document_bundled" : "case_document_not_yours", NULL);
        if ((err = check_free(db, r, "case_items", p->doc_id, p->doc_id, "CFDocument.identifier")))
            return err;
    }
    for (size_t i = 0; i < p->nitems; i++) {
        if (!p->item_id[i])
            continue;
        snprintf(path, sizeof(path), "CFItems[%zu].identifier", i);
        if ((err = check_free(db, r, "case_items", p->item_id[i], p->doc_id, path)))
            return err;
    }
    struct case_idset seen;
    case_idset_init(&seen, 1);
    for (size_t i = 0; !err && i < p->nassocs; i++) {
        const struct case_assoc *x = &p->assoc[i];
        if (x->id) {
            snprintf(path, sizeof(path), "CFAssociations[%zu].identifier", i);
            if ((err = check_free(db, r, "case_associations", x->id, p->doc_id, path)))
                break;
        }
        if (!x->type || strcmp(x->type, "isChildOf") == 0)
            continue; /* the tree was checked with the package */
        const char *ends[2] = {x->origin, x->dest};
        static const char *const keys[2] = {"originNodeURI", "destinationNodeURI"};
        for (int e = 0; e < 2 && !err; e++) {
            int yes;
            if (!ends[e] || case_idset_get(&p->ids, ends[e]) >= 0)
                continue;
            if ((err = stored_node(db, &seen, ends[e], &yes)))
                break;
            if (!yes) {
                snprintf(path, sizeof(path), "CFAssociations[%zu].%s.identifier", i, keys[e]);
                case_report_add(r, 1, path, "case_endpoint_unknown", ends[e]);
            }
        }
    }
    case_idset_release(&seen);
    for (size_t i = 0; !err && i < p->nrubrics; i++) {
        const char *id =
            json_string_value(json_object_get(json_array_get(p->rubrics, i), "identifier"));
        if (!case_uuid_valid(id))
            continue;
        snprintf(path, sizeof(path), "CFRubrics[%zu].identifier", i);
        err = check_free(db, r, "case_rubrics", id, p->doc_id, path);
    }
    return err;
}

/* ---- Writing ---- */

char *case_lower(const char *s)
{
    char *out = cc_strdup(s);
    for (char *c = out; c && *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    return out;
}

/* Appends the string V (when it is one) and a line break to B. */
static int add_text(struct buf *b, const json_t *v)
{
    const char *s = json_string_value(v);
    if (!s || !*s)
        return 0;
    return buf_adds(b, s) || buf_addc(b, '\n');
}

/* What the search looks in: the statements, codes, labels and keywords, in every language. */
static int search_text(const json_t *item, struct buf *b)
{
    static const char *const keys[] = {"humanCodingScheme", "fullStatement", "abbreviatedStatement",
                                       "alternativeLabel", "notes"};
    buf_reset(b);
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (add_text(b, json_object_get(item, keys[i])))
            return CASE_ERR_NOMEM;
    size_t i;
    const json_t *v;
    json_array_foreach (json_object_get(item, "conceptKeywords"), i, v)
        if (add_text(b, v))
            return CASE_ERR_NOMEM;
    const char *lang, *k;
    const json_t *texts;
    json_object_foreach (case_ext(item, CASE_EXT_TRANSLATIONS), lang, texts)
        json_object_foreach ((json_t *)texts, k, v)
            if (add_text(b, v))
                return CASE_ERR_NOMEM;
    for (char *c = b->data; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    return CASE_OK;
}

/* V as compact JSON into B (emptied first). */
static int dump(const json_t *v, struct buf *b)
{
    buf_reset(b);
    return json_write(v, b) ? CASE_ERR_NOMEM : CASE_OK;
}

/* The identifiers that TABLE holds for document DOC, into OUT (which copies them). */
static int stored_ids(struct store *db, const char *table, const char *doc, struct case_idset *out)
{
    char sql[128];
    snprintf(sql, sizeof(sql), "SELECT identifier FROM %s WHERE document_id = ?", table);
    struct store_stmt *st;
    if (store_prepare(db, sql, &st))
        return CASE_ERR_STORE;
    store_bind_text(st, 1, doc);
    int err, prev;
    while ((err = store_step(st)) == STORE_ROW)
        if (case_idset_put(out, store_col_text(st, 0), 1, &prev)) {
            store_finish(st);
            return CASE_ERR_NOMEM;
        }
    store_finish(st);
    return err < 0 ? CASE_ERR_STORE : CASE_OK;
}

static int exec_id(struct store *db, const char *sql, const char *id)
{
    struct store_stmt *st;
    if (store_prepare(db, sql, &st))
        return CASE_ERR_STORE;
    store_bind_text(st, 1, id);
    int err = store_step(st);
    store_finish(st);
    return err ? CASE_ERR_STORE : CASE_OK;
}

/* Removes the objects of OLD that the package no longer has (KEEP), counting them. */
static int remove_stale(struct store *db, const struct case_idset *old,
                        const struct case_idset *keep, int items, size_t *removed)
{
    for (size_t i = 0; i < old->cap; i++) {
        const char *id = old->keys[i];
        if (!id || case_idset_get(keep, id) >= 0)
            continue;
        int err;
        if (items) {
            /* Alignments point at items by identifier: they go with the item. */
            if ((err = exec_id(db, "DELETE FROM competency_alignments WHERE item = ?", id)) ||
                (err = exec_id(db, "DELETE FROM case_items WHERE identifier = ?", id)))
                return err;
        } else if ((err = exec_id(db, "DELETE FROM case_associations WHERE identifier = ?", id))) {
            return err;
        }
        (*removed)++;
    }
    return CASE_OK;
}

static int write_document(struct store *db, const struct case_pkg *p, int64_t owner, unsigned flags,
                          struct buf *b)
{
    struct buf ext, defext;
    buf_init(&ext, CASE_MAX_BYTES);
    buf_init(&defext, CASE_MAX_BYTES);
    const json_t *de = json_object_get(p->defs, "extensions");
    int err = CASE_ERR_NOMEM;
    if (dump(p->doc, b) || (p->extensions && json_write(p->extensions, &ext)) ||
        (de && json_write(de, &defext)))
        goto done;
    char now[21];
    time_iso8601(time_now(), now);
    struct store_stmt *st;
    err = CASE_ERR_STORE;
    if (store_prepare(db,
                      "INSERT INTO case_documents (identifier, owner_institution_id, uri, title,"
                      " language, last_change, json, imported_at, package_extensions,"
                      " definitions_extensions, bundled) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                      " ON CONFLICT (identifier) DO UPDATE SET uri = excluded.uri,"
                      " title = excluded.title, language = excluded.language,"
                      " last_change = excluded.last_change, json = excluded.json,"
                      " imported_at = excluded.imported_at,"
                      " package_extensions = excluded.package_extensions,"
                      " definitions_extensions = excluded.definitions_extensions,"
                      " bundled = excluded.bundled",
                      &st))
        goto done;
    store_bind_text(st, 1, p->doc_id);
    if (owner)
        store_bind_int(st, 2, owner);
    else
        store_bind_text(st, 2, NULL);
    store_bind_text(st, 3, json_string_value(json_object_get(p->doc, "uri")));
    store_bind_text(st, 4, json_string_value(json_object_get(p->doc, "title")));
    store_bind_text(st, 5, json_string_value(json_object_get(p->doc, "language")));
    store_bind_text(st, 6, json_string_value(json_object_get(p->doc, "lastChangeDateTime")));
    store_bind_text(st, 7, b->data);
    store_bind_text(st, 8, now);
    store_bind_text(st, 9, p->extensions ? ext.data : NULL);
    store_bind_text(st, 10, de ? defext.data : NULL);
    store_bind_int(st, 11, (flags & CASE_IMPORT_BUNDLED) != 0);
    err = store_step(st) ? CASE_ERR_STORE : CASE_OK;
    store_finish(st);
done:
    buf_release(&ext);
    buf_release(&defext);
    return err;
}

static int write_items(struct store *db, const struct case_pkg *p, struct buf *b,
                       struct case_report *r)
{
    struct case_idset old;
    case_idset_init(&old, 1);
    struct buf text;
    buf_init(&text, CASE_MAX_BYTES);
    int err = stored_ids(db, "case_items", p->doc_id, &old);
    for (size_t i = 0; !err && i < p->nitems; i++) {
        const json_t *item = json_array_get(p->items, i);
        if ((err = dump(item, b)) || (err = search_text(item, &text)))
            break;
        struct store_stmt *st;
        if (store_prepare(db,
                          "INSERT INTO case_items (identifier, document_id, position, human_coding,"
                          " item_type, full_statement, search_text, json)"
                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (identifier) DO UPDATE SET"
                          " document_id = excluded.document_id, position = excluded.position,"
                          " human_coding = excluded.human_coding, item_type = excluded.item_type,"
                          " full_statement = excluded.full_statement,"
                          " search_text = excluded.search_text, json = excluded.json",
                          &st)) {
            err = CASE_ERR_STORE;
            break;
        }
        store_bind_text(st, 1, p->item_id[i]);
        store_bind_text(st, 2, p->doc_id);
        store_bind_int(st, 3, (int64_t)i);
        store_bind_text(st, 4, json_string_value(json_object_get(item, "humanCodingScheme")));
        store_bind_text(st, 5, json_string_value(json_object_get(item, "CFItemType")));
        store_bind_text(st, 6, json_string_value(json_object_get(item, "fullStatement")));
        store_bind_text(st, 7, text.data);
        store_bind_text(st, 8, b->data);
        err = store_step(st) ? CASE_ERR_STORE : CASE_OK;
        store_finish(st);
        if (case_idset_get(&old, p->item_id[i]) >= 0)
            r->item_changes.updated++;
        else
            r->item_changes.created++;
    }
    if (!err)
        err = remove_stale(db, &old, &p->item_index, 1, &r->item_changes.removed);
    case_idset_release(&old);
    buf_release(&text);
    return err;
}

static int write_associations(struct store *db, const struct case_pkg *p, struct buf *b,
                              struct case_report *r)
{
    struct case_idset old, keep;
    case_idset_init(&old, 1);
    case_idset_init(&keep, 0);
    int err = stored_ids(db, "case_associations", p->doc_id, &old), prev;
    for (size_t i = 0; !err && i < p->nassocs; i++) {
        const struct case_assoc *x = &p->assoc[i];
        if ((err = dump(json_array_get(p->assocs, i), b)) ||
            (err = case_idset_put(&keep, x->id, 1, &prev)))
            break;
        struct store_stmt *st;
        if (store_prepare(
                db,
                "INSERT INTO case_associations (identifier, document_id, type, origin,"
                " destination, sequence, json, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (identifier) DO UPDATE SET document_id = excluded.document_id,"
                " type = excluded.type, origin = excluded.origin,"
                " destination = excluded.destination, sequence = excluded.sequence,"
                " json = excluded.json, position = excluded.position",
                &st)) {
            err = CASE_ERR_STORE;
            break;
        }
        store_bind_text(st, 1, x->id);
        store_bind_text(st, 2, p->doc_id);
        store_bind_text(st, 3, x->type);
        store_bind_text(st, 4, x->origin);
        store_bind_text(st, 5, x->dest);
        if (x->has_seq)
            store_bind_int(st, 6, x->seq);
        else
            store_bind_text(st, 6, NULL);
        store_bind_text(st, 7, b->data);
        store_bind_int(st, 8, (int64_t)i);
        err = store_step(st) ? CASE_ERR_STORE : CASE_OK;
        store_finish(st);
        if (case_idset_get(&old, x->id) >= 0)
            r->association_changes.updated++;
        else
            r->association_changes.created++;
    }
    if (!err)
        err = remove_stale(db, &old, &keep, 0, &r->association_changes.removed);
    case_idset_release(&old);
    case_idset_release(&keep);
    return err;
}

/* Definitions and rubrics belong to their document alone: written afresh. */
static int write_definitions(struct store *db, const struct case_pkg *p, struct buf *b)
{
    int err = exec_id(db, "DELETE FROM case_definitions WHERE document_id = ?", p->doc_id);
    if (!err)
        err = exec_id(db, "DELETE FROM case_rubrics WHERE document_id = ?", p->doc_id);
    const char *kind;
    json_t *list;
    json_object_foreach (p->defs, kind, list) {
        if (err || !json_is_array(list))
            continue;
        size_t i;
        json_t *d;
        json_array_foreach (list, i, d) {
            struct store_stmt *st;
            if ((err = dump(d, b)))
                break;
            if (store_prepare(db,
                              "INSERT INTO case_definitions (identifier, kind, document_id, title,"
                              " json, position) VALUES (?, ?, ?, ?, ?, ?)",
                              &st)) {
                err = CASE_ERR_STORE;
                break;
            }
            store_bind_text(st, 1, json_string_value(json_object_get(d, "identifier")));
            store_bind_text(st, 2, kind);
            store_bind_text(st, 3, p->doc_id);
            store_bind_text(st, 4, json_string_value(json_object_get(d, "title")));
            store_bind_text(st, 5, b->data);
            store_bind_int(st, 6, (int64_t)i);
            err = store_step(st) ? CASE_ERR_STORE : CASE_OK;
            store_finish(st);
            if (err)
                break;
        }
    }
    for (size_t i = 0; !err && i < p->nrubrics; i++) {
        const json_t *rubric = json_array_get(p->rubrics, i);
        struct store_stmt *st;
        if ((err = dump(rubric, b)))
            break;
        if (store_prepare(
                db,
                "INSERT INTO case_rubrics (identifier, document_id, position, title, json)"
                " VALUES (?, ?, ?, ?, ?)",
                &st))
            return CASE_ERR_STORE;
        store_bind_text(st, 1, json_string_value(json_object_get(rubric, "identifier")));
        store_bind_text(st, 2, p->doc_id);
        store_bind_int(st, 3, (int64_t)i);
        store_bind_text(st, 4, json_string_value(json_object_get(rubric, "title")));
        store_bind_text(st, 5, b->data);
        err = store_step(st) ? CASE_ERR_STORE : CASE_OK;
        store_finish(st);
    }
    return err;
}

static int write_package(struct store *db, const struct case_pkg *p, int64_t owner, unsigned flags,
                         struct case_report *r)
{
    struct buf b;
    buf_init(&b, CASE_MAX_BYTES);
    int err = write_document(db, p, owner, flags, &b);
    if (!err)
        err = write_items(db, p, &b, r);
    if (!err)
        err = write_associations(db, p, &b, r);
    if (!err)
        err = write_definitions(db, p, &b);
    buf_release(&b);
    return err;
}

int case_package_import(struct store *db, const char *data, size_t len, int64_t owner,
                        unsigned flags, struct case_report *r)
{
    struct case_pkg p;
    int began = 0;
    int err = case_pkg_parse(data, len, &p, r);
    if (err)
        goto done;
    if (p.doc_id)
        utf8_copy(r->document, sizeof(r->document), p.doc_id);
    const char *title = json_string_value(json_object_get(p.doc, "title"));
    if (title && !(r->title = cc_strdup(title))) {
        err = CASE_ERR_NOMEM;
        goto done;
    }
    r->items = p.nitems;
    r->associations = p.nassocs;
    r->rubrics = p.nrubrics;
    const char *kind;
    json_t *list;
    json_object_foreach (p.defs, kind, list)
        r->definitions += json_is_array(list) ? json_array_size(list) : 0;
    if (flags & CASE_IMPORT_BUNDLED)
        owner = 0;
    if (!(flags & CASE_IMPORT_CHECK)) {
        /* The checks and the writing see the same database: no one slips in between. */
        if (store_begin(db)) {
            err = CASE_ERR_STORE;
            goto done;
        }
        began = 1;
    }
    if ((err = check_stored(db, &p, owner, r)))
        goto done;
    if (r->nomem) {
        err = CASE_ERR_NOMEM;
        goto done;
    }
    if (r->total_errors) {
        err = CASE_ERR_INVALID;
        goto done;
    }
    if (flags & CASE_IMPORT_CHECK)
        goto done;
    if ((err = write_package(db, &p, owner, flags, r)))
        goto done;
    if (store_commit(db)) {
        err = CASE_ERR_STORE;
        began = 0;
        goto done;
    }
    began = 0;
    r->imported = 1;
done:
    if (began)
        store_rollback(db);
    if (!err && r->total_errors)
        err = CASE_ERR_INVALID;
    if (err && err != CASE_ERR_INVALID) {
        /* Nothing was written: the counts of changes would mislead. */
        memset(&r->item_changes, 0, sizeof(r->item_changes));
        memset(&r->association_changes, 0, sizeof(r->association_changes));
    }
    case_pkg_release(&p);
    return err;
}

int case_document_remove(struct store *db, const char *id, int64_t owner)
{
    if (!case_uuid_valid(id))
        return CASE_ERR_NOT_FOUND;
    if (store_begin(db))
        return CASE_ERR_STORE;
    struct store_stmt *st;
    int err = CASE_ERR_STORE;
    if (store_prepare(
            db, "SELECT owner_institution_id, bundled FROM case_documents WHERE identifier = ?",
            &st))
        goto fail;
    store_bind_text(st, 1, id);
    int rc = store_step(st);
    int64_t stored_owner = rc == STORE_ROW && !store_col_is_null(st, 0) ? store_col_int(st, 0) : 0;
    int bundled = rc == STORE_ROW && store_col_int(st, 1);
    store_finish(st);
    if (rc < 0)
        goto fail;
    if (rc != STORE_ROW) {
        err = CASE_ERR_NOT_FOUND;
        goto fail;
    }
    if (bundled || stored_owner != owner) {
        err = bundled ? CASE_ERR_BUNDLED : CASE_ERR_FORBIDDEN;
        goto fail;
    }
    if ((err = exec_id(db,
                       "DELETE FROM competency_alignments WHERE item IN"
                       " (SELECT identifier FROM case_items WHERE document_id = ?)",
                       id)) ||
        (err = exec_id(db, "DELETE FROM case_documents WHERE identifier = ?", id)))
        goto fail;
    if (store_commit(db))
        return CASE_ERR_STORE;
    return CASE_OK;
fail:
    store_rollback(db);
    return err;
}
