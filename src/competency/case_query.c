/*
 * Reading stored frameworks for people (competency/case.h): the list of
 * documents, a document's tree, an item with everything around it, search.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "competency/case_internal.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/banned.h"

json_t *case_ext(const json_t *obj, const char *key)
{
    return json_object_get(json_object_get(obj, "extensions"), key);
}

/* The member KEY of OBJ when it is a string, as a new JSON string; else null. */
static json_t *str_or_null(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? json_string(s) : json_null();
}

void case_set_translations(json_t *summary, const json_t *obj)
{
    json_t *tr = case_ext(obj, CASE_EXT_TRANSLATIONS);
    json_object_set(summary, "translations", json_is_object(tr) ? tr : json_null());
}

json_t *case_item_summary(const char *document, const char *json_text)
{
    json_t *item = json_loads(json_text, 0, NULL);
    if (!item)
        return NULL;
    json_t *levels = case_ext(item, CASE_EXT_LEVELS);
    json_t *s = json_pack(
        "{s:o, s:s?, s:o, s:o, s:o, s:o, s:o, s:o, s:O, s:b}", "identifier",
        str_or_null(item, "identifier"), "document", document, "human_coding",
        str_or_null(item, "humanCodingScheme"), "type", str_or_null(item, "CFItemType"),
        "full_statement", str_or_null(item, "fullStatement"), "abbreviated_statement",
        str_or_null(item, "abbreviatedStatement"), "notes", str_or_null(item, "notes"), "language",
        str_or_null(item, "language"), "levels", json_is_array(levels) ? levels : json_null(),
        "critical", json_is_true(case_ext(item, CASE_EXT_CRITICAL)));
    if (s)
        case_set_translations(s, item);
    json_decref(item);
    return s;
}

json_t *case_document_brief(const char *id, const char *json_text)
{
    json_t *doc = json_loads(json_text, 0, NULL);
    if (!doc)
        return NULL;
    json_t *b = json_pack("{s:s, s:o}", "identifier", id, "title", str_or_null(doc, "title"));
    if (b)
        case_set_translations(b, doc);
    json_decref(doc);
    return b;
}

/* ---- Documents ---- */

#define DOCUMENT_COLUMNS                                                                           \
    "d.identifier, d.json, d.last_change, d.imported_at, d.owner_institution_id, d.bundled,"       \
    " (SELECT COUNT(*) FROM case_items i WHERE i.document_id = d.identifier),"                     \
    " (SELECT COUNT(*) FROM case_associations a WHERE a.document_id = d.identifier)"

static json_t *document_row(struct store_stmt *st)
{
    json_t *doc = json_loads(store_col_text(st, 1), 0, NULL);
    if (!doc)
        return NULL;
    int64_t items = store_col_int(st, 6);
    json_t *owner =
        store_col_is_null(st, 4) ? json_null() : json_integer((json_int_t)store_col_int(st, 4));
    json_t *s = json_pack(
        "{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:s, s:s, s:b, s:o, s:I, s:I}",
        "identifier", store_col_text(st, 0), "title", str_or_null(doc, "title"), "creator",
        str_or_null(doc, "creator"), "publisher", str_or_null(doc, "publisher"), "language",
        str_or_null(doc, "language"), "version", str_or_null(doc, "version"), "adoption_status",
        str_or_null(doc, "adoptionStatus"), "description", str_or_null(doc, "description"),
        "official_source_url", str_or_null(doc, "officialSourceURL"), "last_change",
        store_col_text(st, 2), "imported_at", store_col_text(st, 3), "kind",
        items ? "framework" : "crosswalk", "bundled", (int)store_col_int(st, 5),
        "owner_institution_id", owner, "item_count", (json_int_t)items, "association_count",
        (json_int_t)store_col_int(st, 7));
    if (s)
        case_set_translations(s, doc);
    json_decref(doc);
    return s;
}

int case_document_list(struct store *db, json_t **out)
{
    *out = NULL;
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT " DOCUMENT_COLUMNS " FROM case_documents d"
                      " ORDER BY (SELECT COUNT(*) FROM case_items i"
                      " WHERE i.document_id = d.identifier) = 0, d.title, d.identifier",
                      &st))
        return CASE_ERR_STORE;
    json_t *list = json_array();
    int err;
    while ((err = store_step(st)) == STORE_ROW) {
        json_t *d = document_row(st);
        if (!d || json_array_append_new(list, d)) {
            err = CASE_ERR_NOMEM;
            break;
        }
    }
    store_finish(st);
    if (err) {
        json_decref(list);
        return err == CASE_ERR_NOMEM ? err : CASE_ERR_STORE;
    }
    *out = list;
    return CASE_OK;
}

int case_document_get(struct store *db, const char *id, json_t **out)
{
    *out = NULL;
    struct store_stmt *st;
    if (store_prepare(
            db, "SELECT " DOCUMENT_COLUMNS " FROM case_documents d WHERE d.identifier = ?", &st))
        return CASE_ERR_STORE;
    store_bind_text(st, 1, id);
    int err = store_step(st);
    if (err == STORE_ROW)
        *out = document_row(st);
    store_finish(st);
    if (err < 0)
        return CASE_ERR_STORE;
    if (err != STORE_ROW)
        return CASE_ERR_NOT_FOUND;
    return *out ? CASE_OK : CASE_ERR_NOMEM;
}

/* ---- The tree ---- */

struct edge {
    size_t child, parent; /* parent n stands for the document */
    int has_seq;
    int64_t seq;
    size_t position; /* of the association */
};

static int edge_order(const void *a, const void *b)
{
    const struct edge *x = a, *y = b;
    if (x->parent != y->parent)
        return x->parent < y->parent ? -1 : 1;
    if (x->has_seq != y->has_seq)
        return x->has_seq ? -1 : 1; /* numbered siblings first */
    if (x->has_seq && x->seq != y->seq)
        return x->seq < y->seq ? -1 : 1;
    /* Items are numbered in package order, so the child's number is its position. */
    if (x->child != y->child)
        return x->child < y->child ? -1 : 1;
    return x->position < y->position ? -1 : x->position > y->position;
}

struct tree {
    size_t n;
    char **ids;
    json_t **summary;
    struct edge *edges;
    size_t nedges;
    size_t *first; /* [n + 2]: the edges of parent p are first[p] .. first[p + 1] - 1 */
};

static void tree_release(struct tree *t)
{
    for (size_t i = 0; i < t->n; i++) {
        cc_free(t->ids ? t->ids[i] : NULL);
        json_decref(t->summary ? t->summary[i] : NULL);
    }
    cc_free(t->ids);
    cc_free(t->summary);
    cc_free(t->edges);
    cc_free(t->first);
}

static int tree_load(struct store *db, const char *doc, struct tree *t, struct case_idset *index)
{
    struct store_stmt *st;
    int err, prev;
    if (store_prepare(db, "SELECT COUNT(*) FROM case_items WHERE document_id = ?", &st))
        return CASE_ERR_STORE;
    store_bind_text(st, 1, doc);
    err = store_step(st);
    size_t n = err == STORE_ROW ? (size_t)store_col_int(st, 0) : 0;
    store_finish(st);
    if (err < 0)
        return CASE_ERR_STORE;
    t->ids = cc_calloc(n + 1, sizeof(*t->ids));
    t->summary = cc_calloc(n + 1, sizeof(*t->summary));
    if (!t->ids || !t->summary)
        return CASE_ERR_NOMEM;
    if (store_prepare(db,
                      "SELECT identifier, json FROM case_items WHERE document_id = ?"
                      " ORDER BY position",
                      &st))
        return CASE_ERR_STORE;
    store_bind_text(st, 1, doc);
    while (t->n < n && (err = store_step(st)) == STORE_ROW) {
        size_t i = t->n++;
        if (!(t->ids[i] = cc_strdup(store_col_text(st, 0))) ||
            !(t->summary[i] = case_item_summary(doc, store_col_text(st, 1))) ||
            case_idset_put(index, t->ids[i], (int)i, &prev)) {
            err = CASE_ERR_NOMEM;
            break;
        }
    }
    store_finish(st);
    if (err < 0)
        return err == CASE_ERR_NOMEM ? err : CASE_ERR_STORE;
    if (store_prepare(db,
                      "SELECT origin, destination, sequence, position FROM case_associations"
                      " WHERE document_id = ? AND type = 'isChildOf' ORDER BY position",
                      &st))
        return CASE_ERR_STORE;
    store_bind_text(st, 1, doc);
    size_t cap = 0;
    while ((err = store_step(st)) == STORE_ROW) {
        int child = case_idset_get(index, store_col_text(st, 0));
        int parent = case_idset_get(index, store_col_text(st, 1));
        if (child < 0 || (parent < 0 && strcmp(store_col_text(st, 1), doc) != 0))
            continue;
        if (t->nedges == cap) {
            cap = cap ? cap * 2 : 64;
            struct edge *e = cc_realloc(t->edges, cap * sizeof(*e));
            if (!e) {
                err = CASE_ERR_NOMEM;
                break;
            }
            t->edges = e;
        }
        struct edge *e = &t->edges[t->nedges++];
        e->child = (size_t)child;
        e->parent = parent < 0 ? t->n : (size_t)parent;
        e->has_seq = !store_col_is_null(st, 2);
        e->seq = store_col_int(st, 2);
        e->position = (size_t)store_col_int(st, 3);
    }
    store_finish(st);
    if (err < 0)
        return err == CASE_ERR_NOMEM ? err : CASE_ERR_STORE;
    return CASE_OK;
}

/* Appends item I, as a child of PARENT at DEPTH, to LIST. */
static int emit(json_t *list, const struct tree *t, size_t i, const char *parent, size_t depth,
                int has_children, int repeat)
{
    json_t *row = json_copy(t->summary[i]);
    if (!row)
        return CASE_ERR_NOMEM;
    json_object_set_new(row, "depth", json_integer((json_int_t)depth));
    json_object_set_new(row, "parent", parent ? json_string(parent) : json_null());
    json_object_set_new(row, "has_children", json_boolean(has_children));
    if (repeat)
        json_object_set_new(row, "repeat", json_true());
    return json_array_append_new(list, row) ? CASE_ERR_NOMEM : CASE_OK;
}

static int item_with_document(struct store *db, const char *id, json_t **out);
static int document_brief(struct store *db, const char *id, json_t **out);

/* One end of an association: {"identifier", "title", "item": summary or null, "document"}. */
static int link_end(struct store *db, const json_t *node, json_t **out)
{
    *out = NULL;
    const char *id = json_string_value(json_object_get(node, "identifier"));
    const char *title = json_string_value(json_object_get(node, "title"));
    json_t *item = NULL, *doc = NULL;
    int err = id ? item_with_document(db, id, &item) : CASE_OK;
    if (!err && item) {
        doc = json_incref(json_object_get(item, "document"));
        json_object_del(item, "document");
    } else if (!err && id) {
        err = document_brief(db, id, &doc);
    }
    if (err) {
        json_decref(item);
        json_decref(doc);
        return err;
    }
    *out = json_pack("{s:s?, s:s?, s:o, s:o}", "identifier", id, "title", title, "item",
                     item ? item : json_null(), "document", doc ? doc : json_null());
    return *out ? CASE_OK : CASE_ERR_NOMEM;
}

/*
 * The associations of a crosswalk (a document without items), each end
 * resolved to the stored item and its framework when there is one.
 */
static int crosswalk_links(struct store *db, const char *doc, json_t *list)
{
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT identifier, type, json FROM case_associations WHERE document_id = ?"
                      " AND type <> 'isChildOf' ORDER BY position",
                      &st))
        return CASE_ERR_STORE;
    store_bind_text(st, 1, doc);
    int err;
    while ((err = store_step(st)) == STORE_ROW) {
        json_t *a = json_loads(store_col_text(st, 2), 0, NULL), *from = NULL, *to = NULL;
        if (!a) {
            err = CASE_ERR_NOMEM;
            break;
        }
        if (!(err = link_end(db, json_object_get(a, "originNodeURI"), &from)))
            err = link_end(db, json_object_get(a, "destinationNodeURI"), &to);
        json_t *row = err ? NULL
                          : json_pack("{s:s, s:s, s:o, s:o, s:o}", "identifier",
                                      store_col_text(st, 0), "type", store_col_text(st, 1), "notes",
                                      str_or_null(a, "notes"), "origin", from, "destination", to);
        if (!err && row)
            case_set_translations(row, a);
        else if (!err)
            err = CASE_ERR_NOMEM;
        else {
            json_decref(from);
            json_decref(to);
        }
        json_decref(a);
        if (err || json_array_append_new(list, row)) {
            err = err ? err : CASE_ERR_NOMEM;
            break;
        }
    }
    store_finish(st);
    if (err == CASE_ERR_NOMEM || err == CASE_ERR_STORE)
        return err;
    return err < 0 ? CASE_ERR_STORE : CASE_OK;
}

/* The item types document DOC defines: title -> translations (or null). */
static int item_types(struct store *db, const char *doc, json_t *map)
{
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT title, json FROM case_definitions WHERE document_id = ?"
                      " AND kind = 'CFItemTypes' ORDER BY position",
                      &st))
        return CASE_ERR_STORE;
    store_bind_text(st, 1, doc);
    int err;
    while ((err = store_step(st)) == STORE_ROW) {
        json_t *t = json_loads(store_col_text(st, 1), 0, NULL);
        json_t *tr = case_ext(t, CASE_EXT_TRANSLATIONS);
        if (!store_col_is_null(st, 0))
            json_object_set(map, store_col_text(st, 0), json_is_object(tr) ? tr : json_null());
        json_decref(t);
    }
    store_finish(st);
    return err < 0 ? CASE_ERR_STORE : CASE_OK;
}

int case_tree(struct store *db, const char *id, json_t **out)
{
    *out = NULL;
    json_t *doc;
    int err = case_document_get(db, id, &doc);
    if (err)
        return err;
    struct tree t = {0};
    struct case_idset index;
    case_idset_init(&index, 0);
    json_t *list = json_array();
    unsigned char *expanded = NULL, *has_parent = NULL;
    size_t *stack = NULL, *next = NULL, *depth_of = NULL;
    if ((err = tree_load(db, id, &t, &index)))
        goto done;
    size_t n = t.n;
    err = CASE_ERR_NOMEM;
    t.first = cc_calloc(n + 3, sizeof(*t.first));
    expanded = cc_calloc(n + 1, 1);
    has_parent = cc_calloc(n + 1, 1);
    /* The stack holds edges being walked; at most one per item is expanded, plus the root. */
    stack = cc_calloc(n + 2, sizeof(*stack));
    next = cc_calloc(n + 2, sizeof(*next));
    depth_of = cc_calloc(n + 2, sizeof(*depth_of));
    if (!t.first || !expanded || !has_parent || !stack || !next || !depth_of || !list)
        goto done;
    if (t.nedges)
        qsort(t.edges, t.nedges, sizeof(*t.edges), edge_order);
    for (size_t e = 0; e < t.nedges; e++) {
        t.first[t.edges[e].parent + 1]++;
        has_parent[t.edges[e].child] = 1;
    }
    for (size_t p = 0; p <= n; p++)
        t.first[p + 1] += t.first[p];

    /*
     * Depth-first from the document, iteratively: node n is the document, the
     * stack holds nodes whose children are being listed. An item reached a
     * second time (several parents) is listed without its children.
     */
    err = CASE_OK;
    size_t top = 0;
    stack[top] = n;
    next[top] = t.first[n];
    depth_of[top] = 0;
    top++;
    while (top && !err) {
        size_t v = stack[top - 1];
        if (next[top - 1] == t.first[v + 1]) {
            top--;
            continue;
        }
        size_t c = t.edges[next[top - 1]++].child;
        int kids = t.first[c + 1] > t.first[c];
        int repeat = expanded[c];
        err = emit(list, &t, c, v == n ? NULL : t.ids[v], depth_of[top - 1], kids, repeat);
        if (!repeat && kids) {
            expanded[c] = 1;
            stack[top] = c;
            next[top] = t.first[c];
            depth_of[top] = depth_of[top - 1] + 1;
            top++;
        }
        expanded[c] = 1;
    }
    /* Items that are nobody's child: at the top, in package order (with their own subtrees). */
    for (size_t i = 0; i < n && !err; i++) {
        if (has_parent[i] || expanded[i])
            continue;
        err = emit(list, &t, i, NULL, 0, t.first[i + 1] > t.first[i], 0);
        expanded[i] = 1;
        top = 0;
        stack[top] = i;
        next[top] = t.first[i];
        depth_of[top] = 1;
        top++;
        while (top && !err) {
            size_t v = stack[top - 1];
            if (next[top - 1] == t.first[v + 1]) {
                top--;
                continue;
            }
            size_t c = t.edges[next[top - 1]++].child;
            int kids = t.first[c + 1] > t.first[c];
            int repeat = expanded[c];
            err = emit(list, &t, c, t.ids[v], depth_of[top - 1], kids, repeat);
            if (!repeat && kids) {
                stack[top] = c;
                next[top] = t.first[c];
                depth_of[top] = depth_of[top - 1] + 1;
                top++;
            }
            expanded[c] = 1;
        }
    }
    if (!err) {
        json_t *types = json_object(), *links = n ? NULL : json_array();
        if (!types || (!n && !links))
            err = CASE_ERR_NOMEM;
        if (!err)
            err = item_types(db, id, types);
        if (!err && links)
            err = crosswalk_links(db, id, links);
        if (!err && !(*out = json_pack("{s:O, s:O, s:O}", "document", doc, "items", list,
                                       "item_types", types)))
            err = CASE_ERR_NOMEM;
        if (!err && links && json_object_set(*out, "associations", links))
            err = CASE_ERR_NOMEM;
        json_decref(types);
        json_decref(links);
    }
done:
    json_decref(doc);
    json_decref(list);
    tree_release(&t);
    case_idset_release(&index);
    cc_free(expanded);
    cc_free(has_parent);
    cc_free(stack);
    cc_free(next);
    cc_free(depth_of);
    return err;
}

/* ---- One item ---- */

/* The item ID as a summary with its document's brief, or *OUT NULL when it is not stored. */
static int item_with_document(struct store *db, const char *id, json_t **out)
{
    *out = NULL;
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT i.document_id, i.json, d.json FROM case_items i"
                      " JOIN case_documents d ON d.identifier = i.document_id"
                      " WHERE i.identifier = ?",
                      &st))
        return CASE_ERR_STORE;
    store_bind_text(st, 1, id);
    int err = store_step(st);
    if (err == STORE_ROW) {
        *out = case_item_summary(store_col_text(st, 0), store_col_text(st, 1));
        json_t *brief = case_document_brief(store_col_text(st, 0), store_col_text(st, 2));
        if (!*out || !brief || json_object_set_new(*out, "document", json_incref(brief))) {
            json_decref(*out);
            *out = NULL;
            err = CASE_ERR_NOMEM;
        }
        json_decref(brief);
    }
    store_finish(st);
    if (err == CASE_ERR_NOMEM)
        return err;
    return err < 0 ? CASE_ERR_STORE : CASE_OK;
}

/* The brief of document ID, or *OUT NULL when it is not stored. */
static int document_brief(struct store *db, const char *id, json_t **out)
{
    *out = NULL;
    struct store_stmt *st;
    if (store_prepare(db, "SELECT json FROM case_documents WHERE identifier = ?", &st))
        return CASE_ERR_STORE;
    store_bind_text(st, 1, id);
    int err = store_step(st);
    if (err == STORE_ROW && !(*out = case_document_brief(id, store_col_text(st, 0))))
        err = CASE_ERR_NOMEM;
    store_finish(st);
    if (err == CASE_ERR_NOMEM)
        return err;
    return err < 0 ? CASE_ERR_STORE : CASE_OK;
}

#define PATH_MAX_DEPTH 64

/* Ancestors of ID by isChildOf (the first parent at each step), the root first. */
static int parent_path(struct store *db, const char *id, const char *doc, json_t *path)
{
    char cur[CASE_MAX_CODE + 1];
    snprintf(cur, sizeof(cur), "%s", id);
    for (int depth = 0; depth < PATH_MAX_DEPTH; depth++) {
        struct store_stmt *st;
        if (store_prepare(db,
                          "SELECT destination FROM case_associations WHERE origin = ?"
                          " AND type = 'isChildOf' AND document_id = ? ORDER BY position LIMIT 1",
                          &st))
            return CASE_ERR_STORE;
        store_bind_text(st, 1, cur);
        store_bind_text(st, 2, doc);
        int err = store_step(st);
        char parent[CASE_MAX_CODE + 1] = "";
        if (err == STORE_ROW)
            snprintf(parent, sizeof(parent), "%s", store_col_text(st, 0));
        store_finish(st);
        if (err < 0)
            return CASE_ERR_STORE;
        if (!parent[0] || strcmp(parent, doc) == 0)
            return CASE_OK;
        json_t *item;
        if ((err = item_with_document(db, parent, &item)))
            return err;
        if (!item)
            return CASE_OK;
        json_object_del(item, "document");
        if (json_array_insert_new(path, 0, item))
            return CASE_ERR_NOMEM;
        snprintf(cur, sizeof(cur), "%s", parent);
    }
    return CASE_OK;
}

static int children(struct store *db, const char *id, const char *doc, json_t *list)
{
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT i.json FROM case_associations a JOIN case_items i"
                      " ON i.identifier = a.origin WHERE a.destination = ? AND a.type = 'isChildOf'"
                      " AND a.document_id = ?"
                      " ORDER BY a.sequence IS NULL, a.sequence, i.position",
                      &st))
        return CASE_ERR_STORE;
    store_bind_text(st, 1, id);
    store_bind_text(st, 2, doc);
    int err;
    while ((err = store_step(st)) == STORE_ROW) {
        json_t *c = case_item_summary(doc, store_col_text(st, 0));
        if (!c || json_array_append_new(list, c)) {
            err = CASE_ERR_NOMEM;
            break;
        }
    }
    store_finish(st);
    if (err == CASE_ERR_NOMEM)
        return err;
    return err < 0 ? CASE_ERR_STORE : CASE_OK;
}

/* One association of the item for the detail view. */
static int association_row(struct store *db, const char *item, struct store_stmt *st, json_t **out)
{
    *out = NULL;
    const char *origin = store_col_text(st, 2), *dest = store_col_text(st, 3);
    int out_dir = strcmp(origin, item) == 0;
    json_t *a = json_loads(store_col_text(st, 5), 0, NULL);
    if (!a)
        return CASE_ERR_NOMEM;
    const char *other = out_dir ? dest : origin;
    const char *title = json_string_value(json_object_get(
        json_object_get(a, out_dir ? "destinationNodeURI" : "originNodeURI"), "title"));
    json_t *other_item = NULL, *other_doc = NULL, *source = NULL;
    int err = item_with_document(db, other, &other_item);
    if (!err && other_item) {
        other_doc = json_incref(json_object_get(other_item, "document"));
        json_object_del(other_item, "document");
    } else if (!err) {
        err = document_brief(db, other, &other_doc);
    }
    if (!err)
        err = document_brief(db, store_col_text(st, 6), &source);
    if (!err) {
        const json_t *seq = json_object_get(a, "sequenceNumber");
        *out = json_pack("{s:s, s:s, s:s, s:O, s:o, s:o, s:{s:s, s:o, s:o, s:o}}", "identifier",
                         store_col_text(st, 0), "type", store_col_text(st, 1), "direction",
                         out_dir ? "out" : "in", "sequence", seq ? seq : json_null(), "notes",
                         str_or_null(a, "notes"), "source", source ? source : json_null(), "other",
                         "identifier", other, "title", title ? json_string(title) : json_null(),
                         "item", other_item ? other_item : json_null(), "document",
                         other_doc ? other_doc : json_null());
        source = other_item = other_doc = NULL;
        if (*out)
            case_set_translations(*out, a);
        else
            err = CASE_ERR_NOMEM;
    }
    json_decref(other_item);
    json_decref(other_doc);
    json_decref(source);
    json_decref(a);
    return err;
}

static int associations(struct store *db, const char *id, json_t *list)
{
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT identifier, type, origin, destination, sequence, json, document_id"
                      " FROM case_associations WHERE (origin = ? OR destination = ?)"
                      " AND type <> 'isChildOf' ORDER BY type, document_id, position",
                      &st))
        return CASE_ERR_STORE;
    store_bind_text(st, 1, id);
    store_bind_text(st, 2, id);
    int err;
    while ((err = store_step(st)) == STORE_ROW) {
        json_t *a;
        if ((err = association_row(db, id, st, &a)))
            break;
        if (json_array_append_new(list, a)) {
            err = CASE_ERR_NOMEM;
            break;
        }
    }
    store_finish(st);
    if (err == CASE_ERR_NOMEM || err == CASE_ERR_STORE)
        return err;
    return err < 0 ? CASE_ERR_STORE : CASE_OK;
}

static int alignments(struct store *db, int64_t institution, const char *id, json_t *list)
{
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT al.activity, al.source, al.created_at, xa.definition"
                      " FROM competency_alignments al LEFT JOIN xapi_activities xa"
                      " ON xa.institution_id = al.institution_id AND xa.id = al.activity"
                      " WHERE al.institution_id = ? AND al.item = ?"
                      " ORDER BY al.created_at, al.activity",
                      &st))
        return CASE_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_text(st, 2, id);
    int err;
    while ((err = store_step(st)) == STORE_ROW) {
        json_t *def = store_col_is_null(st, 3) ? NULL : json_loads(store_col_text(st, 3), 0, NULL);
        json_t *name = json_object_get(def, "name");
        json_t *a = json_pack("{s:s, s:O, s:s, s:s}", "activity", store_col_text(st, 0), "name",
                              json_is_object(name) ? name : json_null(), "source",
                              store_col_text(st, 1), "created_at", store_col_text(st, 2));
        json_decref(def);
        if (!a || json_array_append_new(list, a)) {
            err = CASE_ERR_NOMEM;
            break;
        }
    }
    store_finish(st);
    if (err == CASE_ERR_NOMEM)
        return err;
    return err < 0 ? CASE_ERR_STORE : CASE_OK;
}

int case_item_detail(struct store *db, int64_t institution, const char *id, json_t **out)
{
    *out = NULL;
    if (!case_uuid_valid(id))
        return CASE_ERR_NOT_FOUND;
    json_t *item;
    int err = item_with_document(db, id, &item);
    if (err)
        return err;
    if (!item)
        return CASE_ERR_NOT_FOUND;
    char doc[64];
    const char *doc_id =
        json_string_value(json_object_get(json_object_get(item, "document"), "identifier"));
    snprintf(doc, sizeof(doc), "%s", doc_id ? doc_id : "");
    json_t *document = NULL;
    if ((err = case_document_get(db, doc, &document)))
        goto fail;
    json_object_del(item, "document");
    json_t *path = json_array(), *kids = json_array(), *assoc = json_array(),
           *aligned = json_array();
    if (!(err = parent_path(db, id, doc, path)) && !(err = children(db, id, doc, kids)) &&
        !(err = associations(db, id, assoc)) && !(err = alignments(db, institution, id, aligned))) {
        *out =
            json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "item", item, "document", document, "path",
                      path, "children", kids, "associations", assoc, "alignments", aligned);
        return *out ? CASE_OK : CASE_ERR_NOMEM;
    }
    json_decref(path);
    json_decref(kids);
    json_decref(assoc);
    json_decref(aligned);
fail:
    json_decref(document);
    json_decref(item);
    return err;
}

int case_item_exists(struct store *db, const char *id, int *exists)
{
    *exists = 0;
    if (!case_uuid_valid(id))
        return CASE_OK;
    struct store_stmt *st;
    if (store_prepare(db, "SELECT 1 FROM case_items WHERE identifier = ?", &st))
        return CASE_ERR_STORE;
    store_bind_text(st, 1, id);
    int err = store_step(st);
    store_finish(st);
    *exists = err == STORE_ROW;
    return err < 0 ? CASE_ERR_STORE : CASE_OK;
}

/* ---- Search ---- */

/* '%term%' with LIKE's wildcards escaped, into OUT. */
static int like_pattern(const char *term, size_t n, struct buf *out)
{
    if (buf_addc(out, '%'))
        return CASE_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        char c = term[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if ((c == '%' || c == '_' || c == '\\') && buf_addc(out, '\\'))
            return CASE_ERR_NOMEM;
        if (buf_addc(out, c))
            return CASE_ERR_NOMEM;
    }
    return buf_addc(out, '%') || buf_addc(out, 0) ? CASE_ERR_NOMEM : CASE_OK;
}

/* Is S at a white space character (ASCII, or the ideographic space U+3000)? Its length. */
static size_t space_at(const char *s)
{
    if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        return 1;
    /* Byte by byte, so that a string ending early is never read past its end. */
    return (unsigned char)s[0] == 0xe3 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0x80
               ? 3
               : 0;
}

int case_search(struct store *db, const char *q, const char *document, size_t limit, json_t **out)
{
    *out = NULL;
    if (limit > CASE_SEARCH_MAX || !limit)
        limit = CASE_SEARCH_MAX;
    /* Each word becomes a LIKE pattern; the patterns are NUL-separated in PATTERNS. */
    struct buf patterns;
    buf_init(&patterns, 4 * CASE_SEARCH_QUERY_MAX + 64);
    size_t nterms = 0;
    char whole[CASE_SEARCH_QUERY_MAX + 1] = "";
    int err = CASE_OK;
    for (const char *s = q ? q : ""; *s && nterms < CASE_SEARCH_TERMS_MAX;) {
        size_t sp = space_at(s);
        if (sp) {
            s += sp;
            continue;
        }
        size_t n = 0;
        while (s[n] && !space_at(s + n))
            n++;
        if (!nterms && n < sizeof(whole))
            snprintf(whole, sizeof(whole), "%.*s", (int)n, s);
        if ((err = like_pattern(s, n, &patterns)))
            break;
        nterms++;
        s += n;
    }
    json_t *list = json_array();
    if (err || !nterms || !list) {
        buf_release(&patterns);
        if (!list || err) {
            json_decref(list);
            return CASE_ERR_NOMEM;
        }
        *out = list;
        return CASE_OK;
    }
    char *low = case_lower(whole);
    struct buf sql;
    buf_init(&sql, 4096);
    err = buf_adds(&sql, "SELECT i.identifier, i.document_id, i.json, d.json FROM case_items i"
                         " JOIN case_documents d ON d.identifier = i.document_id WHERE 1 = 1");
    for (size_t t = 0; !err && t < nterms; t++)
        err = buf_adds(&sql, " AND i.search_text LIKE ? ESCAPE '\\'");
    if (!err && document)
        err = buf_adds(&sql, " AND i.document_id = ?");
    if (!err)
        err = buf_adds(&sql, " ORDER BY CASE WHEN lower(i.human_coding) = ? THEN 0"
                             " ELSE 1 END, d.title, i.position LIMIT ?");
    struct store_stmt *st = NULL;
    if (err || !low) {
        err = CASE_ERR_NOMEM;
    } else if (store_prepare(db, sql.data, &st)) {
        err = CASE_ERR_STORE;
    } else {
        int k = 1;
        for (const char *p = patterns.data; p < patterns.data + patterns.len; p += strlen(p) + 1)
            store_bind_text(st, k++, p);
        if (document)
            store_bind_text(st, k++, document);
        store_bind_text(st, k++, low);
        store_bind_int(st, k, (int64_t)limit);
        while ((err = store_step(st)) == STORE_ROW) {
            json_t *item = case_item_summary(store_col_text(st, 1), store_col_text(st, 2));
            json_t *brief = case_document_brief(store_col_text(st, 1), store_col_text(st, 3));
            int bad = !item || !brief || json_object_set(item, "document", brief) ||
                      json_array_append(list, item);
            json_decref(item);
            json_decref(brief);
            if (bad) {
                err = CASE_ERR_NOMEM;
                break;
            }
        }
        store_finish(st);
        if (err < 0 && err != CASE_ERR_NOMEM)
            err = CASE_ERR_STORE;
    }
    cc_free(low);
    buf_release(&sql);
    buf_release(&patterns);
    if (err) {
        json_decref(list);
        return err;
    }
    *out = list;
    return CASE_OK;
}
