#include "competency/mastery_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "competency/evidence.h"
#include "competency/mastery.h"
#include "util/alloc.h"
#include "util/timeutil.h"
#include "xapi/statements.h"
#include "util/banned.h"

/* qsort, which must not be given a NULL array even with nothing to sort. */
static void sort_n(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    if (n > 1)
        qsort(base, n, size, cmp);
}

/* ---- texts ---------------------------------------------------------------------------------- */

const char *mastery_item_text(const json_t *obj, const char *lang, const char *field)
{
    const json_t *tr =
        json_object_get(json_object_get(obj, "extensions"), MASTERY_CASE_TRANSLATIONS);
    const char *s = json_string_value(json_object_get(json_object_get(tr, lang), field));
    if (s && *s)
        return s;
    s = json_string_value(json_object_get(obj, field));
    return s;
}

void mastery_truncate_utf8(const char *s, size_t max, char *out, size_t size)
{
    size_t n = strlen(s);
    if (size == 0)
        return;
    if (max > size - 1)
        max = size - 1;
    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--; /* do not cut a character in two */
    }
    memcpy(out, s, n);
    out[n] = 0;
}

static const char *tag(enum lang lang)
{
    return lang == LANG_ZH ? "zh-CN" : "en";
}

/* A language map of xAPI ({"en-US": …, "zh-CN": …}) in LANG: the same language, else English, else
 * any. */
static const char *pick_map(const json_t *map, enum lang lang)
{
    const char *k, *any = NULL, *en = NULL;
    json_t *v;
    json_object_foreach ((json_t *)map, k, v) {
        if (!json_is_string(v))
            continue;
        int zh = strncmp(k, "zh", 2) == 0, eng = strncmp(k, "en", 2) == 0;
        if ((lang == LANG_ZH && zh) || (lang == LANG_EN && eng))
            return json_string_value(v);
        if (eng && !en)
            en = json_string_value(v);
        if (!any)
            any = json_string_value(v);
    }
    return en ? en : any;
}

/* ---- a framework as a tree --------------------------------------------------------------------
 */

struct node {
    char *id;
    json_t *json; /* the CFItem as imported */
    char coding[64];
    char type[128];
    int position;
    int parent; /* index, -1 at the top */
    int sequence;
    int depth;
    int nchildren;
    int visited;
};

struct tree {
    char *document;
    struct node *v;
    size_t n;
    int *order; /* pre-order */
    size_t norder;
    int maxdepth;
    int *byid; /* indices sorted by id */
};

static void tree_release(struct tree *t)
{
    for (size_t i = 0; i < t->n; i++) {
        cc_free(t->v[i].id);
        json_decref(t->v[i].json);
    }
    cc_free(t->v);
    cc_free(t->order);
    cc_free(t->byid);
    cc_free(t->document);
    memset(t, 0, sizeof(*t));
}

static const struct tree *sort_tree;

static int cmp_byid(const void *a, const void *b)
{
    return strcmp(sort_tree->v[*(const int *)a].id, sort_tree->v[*(const int *)b].id);
}

static int tree_find(const struct tree *t, const char *id)
{
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(t->v[t->byid[mid]].id, id);
        if (!c)
            return t->byid[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* Siblings in order: the association's sequenceNumber, then the order in the package. */
static const struct tree *order_tree;

static int cmp_sibling(const void *a, const void *b)
{
    const struct node *x = &order_tree->v[*(const int *)a], *y = &order_tree->v[*(const int *)b];
    if (x->parent != y->parent)
        return x->parent < y->parent ? -1 : 1;
    if (x->sequence != y->sequence)
        return x->sequence < y->sequence ? -1 : 1;
    return x->position < y->position ? -1 : x->position > y->position;
}

static int visit(struct tree *t, const int *sorted, const int *first, int node, int depth)
{
    /* Iterative pre-order walk from NODE with an explicit stack. */
    int *stack = cc_malloc((t->n + 1) * sizeof(int)), *dstack = cc_malloc((t->n + 1) * sizeof(int));
    if (!stack || !dstack) {
        cc_free(stack);
        cc_free(dstack);
        return MASTERY_ERR_NOMEM;
    }
    size_t sp = 0;
    stack[sp] = node;
    dstack[sp++] = depth;
    while (sp) {
        int x = stack[--sp], d = dstack[sp];
        if (t->v[x].visited)
            continue;
        t->v[x].visited = 1;
        t->v[x].depth = d;
        if (d > t->maxdepth)
            t->maxdepth = d;
        t->order[t->norder++] = x;
        /* Children are pushed last-first so that they come out in order. */
        int start = first[x], count = t->v[x].nchildren;
        for (int k = count - 1; k >= 0; k--) {
            int c = sorted[start + k];
            if (!t->v[c].visited && sp < t->n) {
                stack[sp] = c;
                dstack[sp++] = d + 1;
            }
        }
    }
    cc_free(stack);
    cc_free(dstack);
    return MASTERY_OK;
}

static int tree_load(struct store *db, const char *document, struct tree *t)
{
    memset(t, 0, sizeof(*t));
    struct store_stmt *st;
    if (!(t->document = cc_strdup(document)))
        return MASTERY_ERR_NOMEM;
    if (store_prepare(db,
                      "SELECT identifier, position, human_coding, item_type, json FROM case_items"
                      " WHERE document_id = ? ORDER BY position",
                      &st))
        return MASTERY_ERR_STORE;
    store_bind_text(st, 1, document);
    size_t cap = 0;
    int rc, err = MASTERY_OK;
    while (!err && (rc = store_step(st)) == STORE_ROW) {
        if (t->n == cap) {
            cap = cap ? cap * 2 : 64;
            struct node *v = cc_realloc(t->v, cap * sizeof(*v));
            if (!v) {
                err = MASTERY_ERR_NOMEM;
                break;
            }
            t->v = v;
        }
        struct node *x = &t->v[t->n];
        memset(x, 0, sizeof(*x));
        x->id = cc_strdup(store_col_text(st, 0));
        x->position = (int)store_col_int(st, 1);
        snprintf(x->coding, sizeof(x->coding), "%s", store_col_text(st, 2));
        snprintf(x->type, sizeof(x->type), "%s", store_col_text(st, 3));
        x->json = json_loads(store_col_text(st, 4), 0, NULL);
        x->parent = -1;
        x->sequence = 1 << 30;
        t->n++;
        if (!x->id)
            err = MASTERY_ERR_NOMEM;
    }
    store_finish(st);
    if (!err && rc < 0)
        err = MASTERY_ERR_STORE;
    if (err)
        return err;
    if (!t->n)
        return MASTERY_ERR_NOT_FOUND;
    t->byid = cc_malloc(t->n * sizeof(int));
    t->order = cc_malloc(t->n * sizeof(int));
    int *sorted = cc_malloc(t->n * sizeof(int)), *first = cc_malloc(t->n * sizeof(int));
    if (!t->byid || !t->order || !sorted || !first) {
        err = MASTERY_ERR_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < t->n; i++)
        t->byid[i] = (int)i;
    sort_tree = t;
    sort_n(t->byid, t->n, sizeof(int), cmp_byid);
    if (store_prepare(db,
                      "SELECT a.origin, a.destination, a.sequence FROM case_associations a"
                      " JOIN case_items i ON i.identifier = a.origin"
                      " WHERE i.document_id = ? AND a.type = 'isChildOf'",
                      &st)) {
        err = MASTERY_ERR_STORE;
        goto done;
    }
    store_bind_text(st, 1, document);
    while ((rc = store_step(st)) == STORE_ROW) {
        int child = tree_find(t, store_col_text(st, 0));
        int parent = tree_find(t, store_col_text(st, 1));
        int sequence = store_col_is_null(st, 2) ? 1 << 30 : (int)store_col_int(st, 2);
        if (child < 0 || parent < 0 || child == parent)
            continue;
        /* An item with two parents is shown under the first (by sequence, then package order). */
        struct node *c = &t->v[child];
        if (c->parent < 0 || sequence < c->sequence ||
            (sequence == c->sequence && t->v[parent].position < t->v[c->parent].position)) {
            c->parent = parent;
            c->sequence = sequence;
        }
    }
    store_finish(st);
    if (rc < 0) {
        err = MASTERY_ERR_STORE;
        goto done;
    }
    for (size_t i = 0; i < t->n; i++) {
        sorted[i] = (int)i;
        if (t->v[i].parent >= 0)
            t->v[t->v[i].parent].nchildren++;
    }
    order_tree = t;
    sort_n(sorted, t->n, sizeof(int), cmp_sibling);
    /* sorted: the tops (parent -1) first, then each parent's children together. */
    for (size_t i = 0; i < t->n; i++)
        first[i] = -1;
    for (size_t i = 0; i < t->n; i++) {
        int p = t->v[sorted[i]].parent;
        if (p >= 0 && first[p] < 0)
            first[p] = (int)i;
    }
    for (size_t i = 0; i < t->n && !err; i++)
        if (t->v[sorted[i]].parent < 0)
            err = visit(t, sorted, first, sorted[i], 1);
    /* Items caught in an isChildOf cycle are reached from nowhere: list them at the top. */
    for (size_t i = 0; i < t->n && !err; i++)
        if (!t->v[sorted[i]].visited)
            err = visit(t, sorted, first, sorted[i], 1);
done:
    cc_free(sorted);
    cc_free(first);
    return err;
}

static int is_critical(const json_t *item)
{
    return json_is_true(
        json_object_get(json_object_get(item, "extensions"), MASTERY_CASE_CRITICAL));
}

static const char *short_name(const json_t *item, enum lang lang)
{
    const char *s = mastery_item_text(item, tag(lang), "abbreviatedStatement");
    if (!s || !*s)
        s = mastery_item_text(item, tag(lang), "fullStatement");
    return s ? s : "";
}

/* ---- a learner's levels -------------------------------------------------------------------------
 */

/* The learner's id (0 when the engine has never seen them). */
static int find_learner(struct store *db, int64_t institution, const char *key, int64_t *id)
{
    struct store_stmt *st;
    *id = 0;
    if (!key)
        return MASTERY_OK;
    if (store_prepare(db, "SELECT id FROM mastery_learners WHERE institution_id = ? AND agent = ?",
                      &st))
        return MASTERY_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_text(st, 2, key);
    int rc = store_step(st);
    if (rc == STORE_ROW)
        *id = store_col_int(st, 0);
    store_finish(st);
    return rc < 0 ? MASTERY_ERR_STORE : MASTERY_OK;
}

enum { L_LEVEL, L_OWN, L_EVIDENCE, L_SCORED, L_PASSED, L_SUM, L_CHILD_SUM, L_CHILD_STARTED, L_N };

/* Every level row of LEARNER: {item: [level, own, evidence, scored, passed, score_sum, …]}. */
static int load_levels(struct store *db, int64_t learner, json_t **out)
{
    *out = json_object();
    if (!*out)
        return MASTERY_ERR_NOMEM;
    if (!learner)
        return MASTERY_OK;
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT item, level, own_level, evidence, scored, passed, score_sum,"
                      " child_sum, child_started FROM mastery_levels WHERE learner_id = ?",
                      &st))
        return MASTERY_ERR_STORE;
    store_bind_int(st, 1, learner);
    int rc, err = MASTERY_OK;
    while (!err && (rc = store_step(st)) == STORE_ROW) {
        json_t *row = json_array();
        for (int i = 0; row && i < L_N; i++)
            if (json_array_append_new(row, json_integer(store_col_int(st, i + 1))))
                break;
        if (!row || json_array_size(row) != L_N ||
            json_object_set_new(*out, store_col_text(st, 0), row))
            err = MASTERY_ERR_NOMEM;
    }
    store_finish(st);
    return !err && rc < 0 ? MASTERY_ERR_STORE : err;
}

static int64_t lv(const json_t *levels, const char *item, int field)
{
    return json_integer_value(json_array_get(json_object_get(levels, item), (size_t)field));
}

/* ---- frameworks --------------------------------------------------------------------------------
 */

static json_t *document_title(const char *json_text, const char *fallback, enum lang lang)
{
    json_t *doc = json_loads(json_text, 0, NULL);
    const char *s = mastery_item_text(doc, tag(lang), "title");
    json_t *title = json_string(s && *s ? s : fallback);
    json_decref(doc);
    return title;
}

int mastery_view_frameworks(struct store *db, enum lang lang, json_t **out)
{
    struct store_stmt *st;
    *out = json_array();
    if (!*out)
        return MASTERY_ERR_NOMEM;
    if (store_prepare(
            db,
            "SELECT d.identifier, d.title, d.json, count(i.identifier) FROM case_documents d"
            " JOIN case_items i ON i.document_id = d.identifier"
            " GROUP BY d.identifier, d.title, d.json ORDER BY d.title, d.identifier",
            &st))
        return MASTERY_ERR_STORE;
    int rc, err = MASTERY_OK;
    while (!err && (rc = store_step(st)) == STORE_ROW) {
        json_t *f = json_pack("{s:s, s:o, s:I}", "identifier", store_col_text(st, 0), "title",
                              document_title(store_col_text(st, 2), store_col_text(st, 1), lang),
                              "items", (json_int_t)store_col_int(st, 3));
        if (!f || json_array_append_new(*out, f))
            err = MASTERY_ERR_NOMEM;
    }
    store_finish(st);
    return !err && rc < 0 ? MASTERY_ERR_STORE : err;
}

/* ---- practise next -----------------------------------------------------------------------------
 */

/* Up to 3 activities aligned to ITEM, with their names: [{id, name}]. */
static json_t *activities(struct store *db, int64_t institution, const char *item, enum lang lang)
{
    json_t *list = json_array();
    struct store_stmt *st;
    if (!list || store_prepare(db,
                               "SELECT activity FROM competency_alignments WHERE institution_id = ?"
                               " AND item = ? ORDER BY activity LIMIT 3",
                               &st))
        return list;
    store_bind_int(st, 1, institution);
    store_bind_text(st, 2, item);
    json_t *ids = json_array();
    while (ids && store_step(st) == STORE_ROW)
        json_array_append_new(ids, json_string(store_col_text(st, 0)));
    store_finish(st);
    size_t i;
    json_t *v;
    json_array_foreach (ids, i, v) {
        char *def = NULL;
        const char *id = json_string_value(v), *name = NULL;
        json_t *d = NULL;
        if (!xapi_activity_get(db, institution, id, &def) && def)
            d = json_loads(def, 0, NULL);
        cc_free(def);
        name = pick_map(json_object_get(d, "name"), lang);
        json_array_append_new(list, json_pack("{s:s, s:s?}", "id", id, "name", name));
        json_decref(d);
    }
    json_decref(ids);
    return list;
}

struct candidate {
    int node;      /* index in its tree */
    int rank;      /* position in the tree's pre-order */
    int framework; /* index of the framework among those considered */
    int level, critical, blocked;
};

static int cmp_candidate(const void *x, const void *y)
{
    const struct candidate *a = x, *b = y;
    if (a->blocked != b->blocked)
        return a->blocked - b->blocked;
    if (a->critical != b->critical)
        return b->critical - a->critical;
    if (a->level != b->level)
        return b->level - a->level;
    if (a->framework != b->framework)
        return a->framework - b->framework;
    return a->rank - b->rank;
}

/* The items that must be proficient before ITEM ('precedes' associations) which LEVELS says are
 * not. */
static int blockers(struct store *db, const char *item, const json_t *levels, json_t **out)
{
    struct store_stmt *st;
    *out = json_array();
    if (!*out)
        return MASTERY_ERR_NOMEM;
    if (store_prepare(db,
                      "SELECT a.origin, i.human_coding FROM case_associations a"
                      " LEFT JOIN case_items i ON i.identifier = a.origin"
                      " WHERE a.destination = ? AND a.type = 'precedes' ORDER BY a.origin",
                      &st))
        return MASTERY_ERR_STORE;
    store_bind_text(st, 1, item);
    int rc;
    while ((rc = store_step(st)) == STORE_ROW) {
        const char *origin = store_col_text(st, 0);
        if (lv(levels, origin, L_LEVEL) < MASTERY_PROFICIENT)
            json_array_append_new(*out, json_pack("{s:s, s:s}", "identifier", origin, "coding",
                                                  store_col_text(st, 1)));
    }
    store_finish(st);
    return rc < 0 ? MASTERY_ERR_STORE : MASTERY_OK;
}

/*
 * What to practise next among the leaves (items without children) of the
 * frameworks TREES below proficient, in the frameworks the learner has begun:
 * not blocked by an unmet prerequisite first, then critical ones, then the
 * nearest to the next level (the highest level), then in framework order.
 */
static int practise_next(struct store *db, int64_t institution, struct tree *trees, size_t ntrees,
                         const json_t *titles, const json_t *levels, enum lang lang, json_t **out)
{
    *out = json_array();
    if (!*out)
        return MASTERY_ERR_NOMEM;
    size_t total = 0;
    for (size_t f = 0; f < ntrees; f++)
        total += trees[f].n;
    struct candidate *c = total ? cc_malloc(total * sizeof(*c)) : NULL;
    if (total && !c)
        return MASTERY_ERR_NOMEM;
    size_t n = 0;
    int err = MASTERY_OK;
    for (size_t f = 0; f < ntrees; f++) {
        struct tree *t = &trees[f];
        int begun = 0;
        for (size_t i = 0; i < t->n && !begun; i++)
            begun = lv(levels, t->v[i].id, L_LEVEL) > 0;
        if (!begun)
            continue;
        for (size_t k = 0; k < t->norder; k++) {
            const struct node *x = &t->v[t->order[k]];
            int level = (int)lv(levels, x->id, L_LEVEL);
            if (x->nchildren || level >= MASTERY_PROFICIENT)
                continue;
            json_t *b = NULL;
            if ((err = blockers(db, x->id, levels, &b))) {
                json_decref(b);
                break;
            }
            c[n++] = (struct candidate){
                t->order[k], (int)k, (int)f, level, is_critical(x->json), json_array_size(b) > 0};
            json_decref(b);
        }
    }
    if (!err)
        sort_n(c, n, sizeof(*c), cmp_candidate);
    for (size_t i = 0; !err && i < n && i < MASTERY_PRACTISE_MAX; i++) {
        const struct tree *t = &trees[c[i].framework];
        const struct node *x = &t->v[c[i].node];
        json_t *b = NULL;
        if ((err = blockers(db, x->id, levels, &b))) {
            json_decref(b);
            break;
        }
        const char *reason = c[i].blocked                       ? "prerequisite"
                             : c[i].critical                    ? "critical"
                             : c[i].level >= MASTERY_DEVELOPING ? "almost"
                             : c[i].level == MASTERY_BEGINNING  ? "continue"
                                                                : "start";
        json_t *e = json_pack("{s:s, s:{s:s, s:O?}, s:s, s:s, s:i, s:b, s:s, s:o, s:o}",
                              "identifier", x->id, "framework", "identifier", t->document, "title",
                              json_object_get(titles, t->document), "coding", x->coding, "name",
                              short_name(x->json, lang), "level", c[i].level, "critical",
                              c[i].critical, "reason", reason, "blocked_by", b, "activities",
                              activities(db, institution, x->id, lang));
        if (!e || json_array_append_new(*out, e))
            err = MASTERY_ERR_NOMEM;
    }
    cc_free(c);
    return err;
}

/* The trees of every framework whose items LEVELS has a row for (the learner's), and their titles.
 */
static int begun_trees(struct store *db, int64_t learner, enum lang lang, struct tree **out,
                       size_t *n, json_t *titles)
{
    *out = NULL;
    *n = 0;
    if (!learner)
        return MASTERY_OK;
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT DISTINCT d.identifier, d.title, d.json FROM mastery_levels l"
                      " JOIN case_items i ON i.identifier = l.item"
                      " JOIN case_documents d ON d.identifier = i.document_id"
                      " WHERE l.learner_id = ? ORDER BY d.title, d.identifier",
                      &st))
        return MASTERY_ERR_STORE;
    store_bind_int(st, 1, learner);
    json_t *docs = json_array();
    int rc, err = docs ? MASTERY_OK : MASTERY_ERR_NOMEM;
    while (!err && (rc = store_step(st)) == STORE_ROW) {
        json_array_append_new(docs, json_string(store_col_text(st, 0)));
        json_object_set_new(titles, store_col_text(st, 0),
                            document_title(store_col_text(st, 2), store_col_text(st, 1), lang));
    }
    store_finish(st);
    if (!err && rc < 0)
        err = MASTERY_ERR_STORE;
    size_t count = json_array_size(docs);
    if (!err && count && !(*out = cc_calloc(count, sizeof(**out))))
        err = MASTERY_ERR_NOMEM;
    for (size_t i = 0; !err && i < count; i++) {
        err = tree_load(db, json_string_value(json_array_get(docs, i)), &(*out)[*n]);
        (*n)++;
    }
    json_decref(docs);
    return err;
}

static void trees_free(struct tree *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        tree_release(&t[i]);
    cc_free(t);
}

int mastery_view_summary(struct store *db, int64_t institution, const char *learner, enum lang lang,
                         json_t **out)
{
    int64_t id;
    json_t *frameworks = NULL, *levels = NULL, *titles = json_object(), *next = NULL;
    struct tree *trees = NULL;
    size_t ntrees = 0;
    *out = NULL;
    int err = titles ? MASTERY_OK : MASTERY_ERR_NOMEM;
    err = err ? err : find_learner(db, institution, learner, &id);
    err = err ? err : mastery_view_frameworks(db, lang, &frameworks);
    err = err ? err : load_levels(db, id, &levels);
    if (!err && id) {
        /* Counts of the learner's levels per framework. */
        struct store_stmt *st;
        if (store_prepare(db,
                          "SELECT i.document_id, l.level, count(*) FROM mastery_levels l"
                          " JOIN case_items i ON i.identifier = l.item WHERE l.learner_id = ?"
                          " GROUP BY i.document_id, l.level",
                          &st)) {
            err = MASTERY_ERR_STORE;
        } else {
            store_bind_int(st, 1, id);
            int rc;
            while ((rc = store_step(st)) == STORE_ROW) {
                size_t i;
                json_t *f;
                json_array_foreach (frameworks, i, f) {
                    if (strcmp(json_string_value(json_object_get(f, "identifier")),
                               store_col_text(st, 0)) != 0)
                        continue;
                    int level = (int)store_col_int(st, 1);
                    json_int_t count = (json_int_t)store_col_int(st, 2);
                    const char *keys[] = {"started", "proficient", "mastered"};
                    int min[] = {1, MASTERY_PROFICIENT, MASTERY_MASTERED};
                    for (int k = 0; k < 3; k++)
                        if (level >= min[k])
                            json_object_set_new(
                                f, keys[k],
                                json_integer(json_integer_value(json_object_get(f, keys[k])) +
                                             count));
                }
            }
            store_finish(st);
            if (rc < 0)
                err = MASTERY_ERR_STORE;
        }
    }
    size_t i;
    json_t *f;
    json_array_foreach (frameworks, i, f) {
        const char *keys[] = {"started", "proficient", "mastered"};
        for (int k = 0; k < 3; k++)
            if (!json_object_get(f, keys[k]))
                json_object_set_new(f, keys[k], json_integer(0));
    }
    err = err ? err : begun_trees(db, id, lang, &trees, &ntrees, titles);
    err = err ? err : practise_next(db, institution, trees, ntrees, titles, levels, lang, &next);
    if (!err && !(*out = json_pack("{s:O, s:O}", "frameworks", frameworks, "practise_next", next)))
        err = MASTERY_ERR_NOMEM;
    trees_free(trees, ntrees);
    json_decref(frameworks);
    json_decref(levels);
    json_decref(titles);
    json_decref(next);
    return err;
}

static json_t *node_json(const struct tree *t, const struct node *x, const json_t *levels,
                         enum lang lang)
{
    const char *statement = mastery_item_text(x->json, tag(lang), "fullStatement");
    return json_pack("{s:s, s:s?, s:i, s:s, s:s, s:s, s:s, s:b, s:I, s:I, s:I, s:I, s:i, s:I}",
                     "identifier", x->id, "parent", x->parent >= 0 ? t->v[x->parent].id : NULL,
                     "depth", x->depth, "coding", x->coding, "name", short_name(x->json, lang),
                     "statement", statement ? statement : "", "type", x->type, "critical",
                     is_critical(x->json), "level", (json_int_t)lv(levels, x->id, L_LEVEL),
                     "own_level", (json_int_t)lv(levels, x->id, L_OWN), "evidence",
                     (json_int_t)lv(levels, x->id, L_EVIDENCE), "passed",
                     (json_int_t)lv(levels, x->id, L_PASSED), "children", x->nchildren,
                     "children_started", (json_int_t)lv(levels, x->id, L_CHILD_STARTED));
}

/* The title of DOCUMENT in LANG (a new reference), or NULL when there is no such document. */
static json_t *title_of(struct store *db, const char *document, enum lang lang)
{
    struct store_stmt *st;
    json_t *title = NULL;
    if (store_prepare(db, "SELECT title, json FROM case_documents WHERE identifier = ?", &st))
        return NULL;
    store_bind_text(st, 1, document);
    if (store_step(st) == STORE_ROW)
        title = document_title(store_col_text(st, 1), store_col_text(st, 0), lang);
    store_finish(st);
    return title;
}

int mastery_view_framework(struct store *db, int64_t institution, const char *learner,
                           const char *document, enum lang lang, json_t **out)
{
    int64_t id;
    struct tree t = {0};
    json_t *levels = NULL, *items = json_array(), *titles = json_object(), *next = NULL;
    *out = NULL;
    int err = items && titles ? MASTERY_OK : MASTERY_ERR_NOMEM;
    err = err ? err : find_learner(db, institution, learner, &id);
    err = err ? err : load_levels(db, id, &levels);
    err = err ? err : tree_load(db, document, &t);
    if (err)
        goto done;
    json_t *title = title_of(db, document, lang);
    json_object_set_new(titles, document, title ? title : json_string(document));
    for (size_t k = 0; !err && k < t.norder; k++)
        if (json_array_append_new(items, node_json(&t, &t.v[t.order[k]], levels, lang)))
            err = MASTERY_ERR_NOMEM;
    err = err ? err : practise_next(db, institution, &t, 1, titles, levels, lang, &next);
    if (!err && !(*out = json_pack("{s:{s:s, s:O, s:i, s:O}, s:O}", "framework", "identifier",
                                   document, "title", json_object_get(titles, document), "depth",
                                   t.maxdepth, "items", items, "practise_next", next)))
        err = MASTERY_ERR_NOMEM;
done:
    tree_release(&t);
    json_decref(levels);
    json_decref(items);
    json_decref(titles);
    json_decref(next);
    return err;
}

/* ---- one item
 * ------------------------------------------------------------------------------------- */

/* {identifier, coding, name, framework: {identifier, title}} of ITEM, with its level; NULL when
 * unknown. */
static json_t *item_ref(struct store *db, const char *item, const json_t *levels, enum lang lang)
{
    struct store_stmt *st;
    json_t *ref = NULL;
    if (store_prepare(
            db,
            "SELECT i.human_coding, i.json, d.identifier, d.title, d.json FROM case_items i"
            " JOIN case_documents d ON d.identifier = i.document_id"
            " WHERE i.identifier = ?",
            &st))
        return NULL;
    store_bind_text(st, 1, item);
    if (store_step(st) == STORE_ROW) {
        json_t *j = json_loads(store_col_text(st, 1), 0, NULL);
        ref = json_pack("{s:s, s:s, s:s, s:{s:s, s:o}, s:I}", "identifier", item, "coding",
                        store_col_text(st, 0), "name", short_name(j, lang), "framework",
                        "identifier", store_col_text(st, 2), "title",
                        document_title(store_col_text(st, 4), store_col_text(st, 3), lang), "level",
                        (json_int_t)lv(levels, item, L_LEVEL));
        json_decref(j);
    }
    store_finish(st);
    return ref;
}

/*
 * The newest evidence of LEARNER (an agent key) in ITEM, found through the
 * LRS's index of statements by agent (the learner is the statements' actor).
 */
static int evidence_list(struct store *db, int64_t institution, const char *learner,
                         const char *item, const json_t *levels, enum lang lang, json_t *list)
{
    struct store_stmt *st;
    if (!learner)
        return MASTERY_OK;
    if (store_prepare(db,
                      "SELECT e.at, e.score, e.passed, e.via, e.via_item, s.id, s.statement"
                      " FROM xapi_statement_agents a"
                      " JOIN mastery_evidence e ON e.seq = a.seq AND e.item = ?"
                      " JOIN xapi_statements s ON s.seq = e.seq"
                      " WHERE a.agent = ? AND a.institution_id = ? AND a.direct = 1"
                      " ORDER BY e.at DESC, e.seq DESC LIMIT ?",
                      &st))
        return MASTERY_ERR_STORE;
    store_bind_text(st, 1, item);
    store_bind_text(st, 2, learner);
    store_bind_int(st, 3, institution);
    store_bind_int(st, 4, MASTERY_EVIDENCE_MAX);
    json_t *rows = json_array();
    int rc, err = rows ? MASTERY_OK : MASTERY_ERR_NOMEM;
    while (!err && (rc = store_step(st)) == STORE_ROW) {
        json_t *s = json_loads(store_col_text(st, 6), 0, NULL);
        const json_t *verb = json_object_get(s, "verb"), *object = json_object_get(s, "object");
        char at[32];
        time_format_ms(store_col_int(st, 0), at);
        json_t *score = store_col_is_null(st, 1) ? json_null()
                                                 : json_real((double)store_col_int(st, 1) / 1000.0);
        json_t *row = json_pack(
            "{s:s, s:s, s:{s:s?, s:s?}, s:{s:s?, s:s?}, s:o, s:b, s:s, s:s?}", "statement_id",
            store_col_text(st, 5), "at", at, "verb", "id",
            json_string_value(json_object_get(verb, "id")), "display",
            pick_map(json_object_get(verb, "display"), lang), "activity", "id",
            json_string_value(json_object_get(object, "id")), "name",
            pick_map(json_object_get(json_object_get(object, "definition"), "name"), lang), "score",
            score, "passed", (int)store_col_int(st, 2), "via", store_col_text(st, 3), "via_item",
            store_col_is_null(st, 4) ? NULL : store_col_text(st, 4));
        json_decref(s);
        if (!row || json_array_append_new(rows, row))
            err = MASTERY_ERR_NOMEM;
    }
    store_finish(st);
    if (!err && rc < 0)
        err = MASTERY_ERR_STORE;
    /* The item a crosswalk came from, named. */
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row) {
        const char *from = json_string_value(json_object_get(row, "via_item"));
        if (from) {
            json_t *ref = item_ref(db, from, levels, lang);
            json_object_set_new(row, "via_item",
                                ref ? ref : json_pack("{s:s}", "identifier", from));
        }
    }
    if (!err)
        json_array_extend(list, rows);
    json_decref(rows);
    return err;
}

/* The newest scored results (as the level rule sees them): [{score, passed, at}]. */
static json_t *recent(struct store *db, int64_t learner, const char *item)
{
    json_t *list = json_array();
    struct store_stmt *st;
    if (!list || !learner ||
        store_prepare(db, "SELECT recent FROM mastery_levels WHERE learner_id = ? AND item = ?",
                      &st))
        return list;
    store_bind_int(st, 1, learner);
    store_bind_text(st, 2, item);
    struct mastery_window w = {0};
    if (store_step(st) == STORE_ROW)
        mastery_window_parse(store_col_text(st, 0), &w);
    store_finish(st);
    for (int i = 0; i < w.n; i++) {
        char at[32];
        time_format_ms(w.r[i].at, at);
        json_array_append_new(list,
                              json_pack("{s:f, s:b, s:s}", "score", (double)w.r[i].score / 1000.0,
                                        "passed", w.r[i].passed, "at", at));
    }
    return list;
}

/* The items related to ITEM by a crosswalk, either way: [{…item_ref, relation}]. */
static int related(struct store *db, const char *item, const json_t *levels, enum lang lang,
                   json_t *list)
{
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT type, CASE WHEN origin = ?1 THEN destination ELSE origin END"
                      " FROM case_associations WHERE (origin = ?1 OR destination = ?1)"
                      " AND type IN ('exactMatchOf', 'isRelatedTo') ORDER BY type, 2",
                      &st))
        return MASTERY_ERR_STORE;
    store_bind_text(st, 1, item);
    json_t *pairs = json_array();
    int rc;
    while (pairs && (rc = store_step(st)) == STORE_ROW)
        json_array_append_new(pairs,
                              json_pack("[s, s]", store_col_text(st, 0), store_col_text(st, 1)));
    store_finish(st);
    size_t i;
    json_t *p;
    json_array_foreach (pairs, i, p) {
        json_t *ref = item_ref(db, json_string_value(json_array_get(p, 1)), levels, lang);
        if (!ref)
            continue; /* a crosswalk into a framework not imported here */
        json_object_set_new(ref, "relation", json_copy(json_array_get(p, 0)));
        json_array_append_new(list, ref);
    }
    json_decref(pairs);
    return MASTERY_OK;
}

static int children(struct store *db, const char *item, const json_t *levels, enum lang lang,
                    json_t *list)
{
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT a.origin FROM case_associations a"
                      " JOIN case_items i ON i.identifier = a.origin"
                      " WHERE a.destination = ? AND a.type = 'isChildOf'"
                      " ORDER BY coalesce(a.sequence, 1073741824), i.position",
                      &st))
        return MASTERY_ERR_STORE;
    store_bind_text(st, 1, item);
    json_t *ids = json_array();
    int rc;
    while (ids && (rc = store_step(st)) == STORE_ROW)
        json_array_append_new(ids, json_string(store_col_text(st, 0)));
    store_finish(st);
    size_t i;
    json_t *v;
    json_array_foreach (ids, i, v) {
        json_t *ref = item_ref(db, json_string_value(v), levels, lang);
        if (ref)
            json_array_append_new(list, ref);
    }
    json_decref(ids);
    return MASTERY_OK;
}

int mastery_view_item(struct store *db, int64_t institution, const char *learner, const char *item,
                      enum lang lang, json_t **out)
{
    int64_t id;
    json_t *levels = NULL, *ev = json_array(), *kids = json_array(), *rel = json_array();
    json_t *ref = NULL, *full = NULL;
    *out = NULL;
    int err = ev && kids && rel ? MASTERY_OK : MASTERY_ERR_NOMEM;
    err = err ? err : find_learner(db, institution, learner, &id);
    err = err ? err : load_levels(db, id, &levels);
    if (!err && !(ref = item_ref(db, item, levels, lang)))
        err = MASTERY_ERR_NOT_FOUND;
    err = err ? err : evidence_list(db, institution, id ? learner : NULL, item, levels, lang, ev);
    err = err ? err : children(db, item, levels, lang, kids);
    err = err ? err : related(db, item, levels, lang, rel);
    if (!err) {
        struct store_stmt *st;
        if (!store_prepare(db, "SELECT json, item_type FROM case_items WHERE identifier = ?",
                           &st)) {
            store_bind_text(st, 1, item);
            if (store_step(st) == STORE_ROW) {
                json_t *j = json_loads(store_col_text(st, 0), 0, NULL);
                const char *s = mastery_item_text(j, tag(lang), "fullStatement");
                full = json_pack("{s:s, s:s, s:b}", "statement", s ? s : "", "type",
                                 store_col_text(st, 1), "critical", is_critical(j));
                json_decref(j);
            }
            store_finish(st);
        }
        if (full)
            json_object_update(ref, full);
    }
    if (!err) {
        int64_t n = lv(levels, item, L_EVIDENCE), nchildren = (int64_t)json_array_size(kids);
        int64_t sum = lv(levels, item, L_CHILD_SUM), started = lv(levels, item, L_CHILD_STARTED);
        int64_t total = n;
        json_t *explanation =
            json_pack("{s:I, s:I, s:I, s:o, s:I, s:I, s:I, s:I, s:I}", "evidence", (json_int_t)n,
                      "scored", (json_int_t)lv(levels, item, L_SCORED), "passed",
                      (json_int_t)lv(levels, item, L_PASSED), "recent", recent(db, id, item),
                      "own_level", (json_int_t)lv(levels, item, L_OWN), "rollup_level",
                      (json_int_t)mastery_rollup_level(sum, started, nchildren), "children",
                      (json_int_t)nchildren, "children_started", (json_int_t)started,
                      "children_sum", (json_int_t)sum);
        *out =
            json_pack("{s:O, s:o, s:O, s:I, s:O, s:O, s:o}", "item", ref, "explanation",
                      explanation, "evidence", ev, "evidence_total", (json_int_t)total, "children",
                      kids, "related", rel, "activities", activities(db, institution, item, lang));
        if (!*out)
            err = MASTERY_ERR_NOMEM;
    }
    json_decref(full);
    json_decref(ref);
    json_decref(levels);
    json_decref(ev);
    json_decref(kids);
    json_decref(rel);
    return err;
}

int mastery_view_statement(struct store *db, int64_t institution, const char *learner,
                           const char *id, char **json)
{
    struct store_stmt *st;
    char lower[37];
    size_t i = 0;
    *json = NULL;
    for (; id[i] && i < 36; i++)
        lower[i] = (char)(id[i] >= 'A' && id[i] <= 'F' ? id[i] + 32 : id[i]);
    lower[i] = 0;
    if (id[i] || !learner)
        return MASTERY_ERR_NOT_FOUND;
    if (store_prepare(db,
                      "SELECT s.statement FROM xapi_statements s"
                      " WHERE s.institution_id = ? AND s.id = ? AND EXISTS (SELECT 1 FROM"
                      " mastery_evidence e JOIN mastery_learners l ON l.id = e.learner_id"
                      " WHERE e.seq = s.seq AND l.institution_id = ? AND l.agent = ?)",
                      &st))
        return MASTERY_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_text(st, 2, lower);
    store_bind_int(st, 3, institution);
    store_bind_text(st, 4, learner);
    int rc = store_step(st);
    if (rc == STORE_ROW && !(*json = cc_strdup(store_col_text(st, 0))))
        rc = STORE_NOMEM;
    store_finish(st);
    if (rc < 0)
        return rc == STORE_NOMEM ? MASTERY_ERR_NOMEM : MASTERY_ERR_STORE;
    return rc == STORE_ROW ? MASTERY_OK : MASTERY_ERR_NOT_FOUND;
}

/* ---- heatmap
 * --------------------------------------------------------------------------------------- */

int mastery_view_heatmap(struct store *db, int64_t institution, const json_t *students,
                         const char *document, int depth, enum lang lang, json_t **out)
{
    struct tree t;
    *out = NULL;
    int err = tree_load(db, document, &t);
    if (err) {
        tree_release(&t);
        return err;
    }
    if (depth < 1)
        depth = 1;
    if (depth > t.maxdepth)
        depth = t.maxdepth;
    json_t *columns = json_array(), *rows = json_array();
    json_t *title = title_of(db, document, lang);
    if (!columns || !rows)
        err = MASTERY_ERR_NOMEM;
    for (size_t k = 0; !err && k < t.norder; k++) {
        const struct node *x = &t.v[t.order[k]];
        if (x->depth != depth)
            continue;
        const char *statement = mastery_item_text(x->json, tag(lang), "fullStatement");
        if (json_array_append_new(
                columns, json_pack("{s:s, s:s, s:s, s:s, s:b}", "identifier", x->id, "coding",
                                   x->coding, "name", short_name(x->json, lang), "statement",
                                   statement ? statement : "", "critical", is_critical(x->json))))
            err = MASTERY_ERR_NOMEM;
    }
    size_t i;
    json_t *s;
    json_array_foreach (students, i, s) {
        if (err)
            break;
        char key[600];
        int64_t id;
        json_t *levels = NULL, *cells = json_array();
        mastery_user_agent_key(json_string_value(json_object_get(s, "login")), key, sizeof(key));
        err = cells ? MASTERY_OK : MASTERY_ERR_NOMEM;
        err = err ? err : find_learner(db, institution, key, &id);
        err = err ? err : load_levels(db, id, &levels);
        size_t c;
        json_t *col;
        json_array_foreach (columns, c, col) {
            if (err)
                break;
            const char *item = json_string_value(json_object_get(col, "identifier"));
            if (json_array_append_new(cells, json_integer(lv(levels, item, L_LEVEL))))
                err = MASTERY_ERR_NOMEM;
        }
        if (!err &&
            json_array_append_new(rows, json_pack("{s:O, s:O}", "student", s, "levels", cells)))
            err = MASTERY_ERR_NOMEM;
        json_decref(levels);
        json_decref(cells);
    }
    if (!err &&
        !(*out = json_pack("{s:{s:s, s:o, s:i}, s:i, s:O, s:O}", "framework", "identifier",
                           document, "title", title ? title : json_string(document), "depth",
                           t.maxdepth, "depth", depth, "columns", columns, "rows", rows)))
        err = MASTERY_ERR_NOMEM;
    else if (err)
        json_decref(title);
    json_decref(columns);
    json_decref(rows);
    tree_release(&t);
    return err;
}
