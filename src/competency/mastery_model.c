#include "competency/mastery_model.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "competency/mastery.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/secret.h"
#include "util/banned.h"

/* qsort, which must not be given a NULL array even with nothing to sort. */
static void sort_n(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    if (n > 1)
        qsort(base, n, size, cmp);
}

/* A pair of item indices (an association between two known items). */
struct pair {
    int a, b;
};

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_pair(const void *x, const void *y)
{
    const struct pair *a = x, *b = y;
    return a->a != b->a ? (a->a < b->a ? -1 : 1) : a->b != b->b ? (a->b < b->b ? -1 : 1) : 0;
}

static int cmp_alignment(const void *x, const void *y)
{
    const struct mastery_alignment *a = x, *b = y;
    int c = strcmp(a->activity, b->activity);
    return c ? c : a->item != b->item ? (a->item < b->item ? -1 : 1) : 0;
}

int mastery_model_find(const struct mastery_model *m, const char *id)
{
    size_t lo = 0, hi = m->nitems;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(m->items[mid].id, id);
        if (c == 0)
            return (int)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

size_t mastery_model_aligned(const struct mastery_model *m, const char *activity, size_t *n)
{
    size_t lo = 0, hi = m->naligned;
    while (lo < hi) { /* the first entry not below ACTIVITY */
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(m->aligned[mid].activity, activity) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < m->naligned && strcmp(m->aligned[end].activity, activity) == 0)
        end++;
    *n = end - lo;
    return lo;
}

static void model_free(struct mastery_model *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->nitems; i++)
        cc_free(m->items[i].id);
    for (size_t i = 0; i < m->naligned; i++)
        cc_free(m->aligned[i].activity);
    cc_free(m->items);
    cc_free(m->aligned);
    cc_free(m->links);
    cc_free(m);
}

/* A growable array of pairs. */
struct pairs {
    struct pair *v;
    size_t n, cap;
};

static int pairs_add(struct pairs *p, int a, int b)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 256;
        struct pair *v = cc_realloc(p->v, cap * sizeof(*v));
        if (!v)
            return MASTERY_ERR_NOMEM;
        p->v = v;
        p->cap = cap;
    }
    p->v[p->n++] = (struct pair){a, b};
    return MASTERY_OK;
}

static int uf_find(int *parent, int x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

/* The summary of the tables that tells, cheaply, whether the model may be out of date. */
static int probe(struct store *db, int64_t institution, char out[256])
{
    struct store_stmt *st;
    if (store_prepare(
            db,
            "SELECT (SELECT count(*) FROM case_items), (SELECT count(*) FROM"
            " case_associations), (SELECT count(*) FROM case_documents),"
            " (SELECT max(imported_at) FROM case_documents),"
            " (SELECT count(*) FROM competency_alignments WHERE institution_id = ?),"
            " (SELECT max(created_at) FROM competency_alignments WHERE institution_id = ?),"
            " (SELECT sum(length(activity) + length(item)) FROM competency_alignments"
            " WHERE institution_id = ?)",
            &st))
        return MASTERY_ERR_STORE;
    for (int i = 1; i <= 3; i++)
        store_bind_int(st, i, institution);
    int rc = store_step(st);
    if (rc == STORE_ROW)
        snprintf(out, 256, "%lld %lld %lld %.40s %lld %.40s %lld", (long long)store_col_int(st, 0),
                 (long long)store_col_int(st, 1), (long long)store_col_int(st, 2),
                 store_col_text(st, 3), (long long)store_col_int(st, 4), store_col_text(st, 5),
                 (long long)store_col_int(st, 6));
    store_finish(st);
    return rc == STORE_ROW ? MASTERY_OK : MASTERY_ERR_STORE;
}

/* Reads the item identifiers; sorted. */
static int load_items(struct store *db, struct mastery_model *m)
{
    struct store_stmt *st;
    if (store_prepare(db, "SELECT identifier FROM case_items", &st))
        return MASTERY_ERR_STORE;
    size_t cap = 0;
    char **ids = NULL;
    int rc, err = MASTERY_OK;
    while ((rc = store_step(st)) == STORE_ROW) {
        if (m->nitems == cap) {
            cap = cap ? cap * 2 : 256;
            char **v = cc_realloc(ids, cap * sizeof(*v));
            if (!v) {
                err = MASTERY_ERR_NOMEM;
                break;
            }
            ids = v;
        }
        if (!(ids[m->nitems] = cc_strdup(store_col_text(st, 0)))) {
            err = MASTERY_ERR_NOMEM;
            break;
        }
        m->nitems++;
    }
    store_finish(st);
    if (!err && rc < 0)
        err = MASTERY_ERR_STORE;
    if (!err && m->nitems)
        m->items = cc_calloc(m->nitems, sizeof(*m->items));
    if (!err && m->nitems && !m->items)
        err = MASTERY_ERR_NOMEM;
    if (err) {
        for (size_t i = 0; i < m->nitems; i++)
            cc_free(ids[i]);
        cc_free(ids);
        m->nitems = 0;
        return err;
    }
    sort_n(ids, m->nitems, sizeof(*ids), cmp_str);
    /* The same identifier twice cannot come from a primary key; keep the list strictly sorted. */
    for (size_t i = 0; i < m->nitems; i++)
        m->items[i].id = ids[i];
    cc_free(ids);
    return MASTERY_OK;
}

/* Reads the isChildOf (child, parent) and exactMatchOf pairs between known items; sorted. */
static int load_associations(struct store *db, struct mastery_model *m, struct pairs *tree,
                             struct pairs *exact)
{
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT type, origin, destination FROM case_associations"
                      " WHERE type IN ('isChildOf', 'exactMatchOf')",
                      &st))
        return MASTERY_ERR_STORE;
    int rc, err = MASTERY_OK;
    while (!err && (rc = store_step(st)) == STORE_ROW) {
        int child = strcmp(store_col_text(st, 0), "isChildOf") == 0;
        int a = mastery_model_find(m, store_col_text(st, 1));
        int b = mastery_model_find(m, store_col_text(st, 2));
        if (a < 0 || b < 0 || a == b)
            continue; /* a top-level item's parent is its document; or an unknown item */
        err = pairs_add(child ? tree : exact, a, b);
    }
    store_finish(st);
    if (!err && rc < 0)
        err = MASTERY_ERR_STORE;
    if (err)
        return err;
    /* Crosswalks go both ways: keep each pair once, smaller index first. */
    for (size_t i = 0; i < exact->n; i++)
        if (exact->v[i].a > exact->v[i].b)
            exact->v[i] = (struct pair){exact->v[i].b, exact->v[i].a};
    sort_n(tree->v, tree->n, sizeof(*tree->v), cmp_pair);
    sort_n(exact->v, exact->n, sizeof(*exact->v), cmp_pair);
    return MASTERY_OK;
}

static void dedupe(struct pairs *p)
{
    size_t out = 0;
    for (size_t i = 0; i < p->n; i++)
        if (!out || cmp_pair(&p->v[out - 1], &p->v[i]))
            p->v[out++] = p->v[i];
    p->n = out;
}

static int load_alignments(struct store *db, struct mastery_model *m)
{
    struct store_stmt *st;
    if (store_prepare(
            db, "SELECT activity, item FROM competency_alignments WHERE institution_id = ?", &st))
        return MASTERY_ERR_STORE;
    store_bind_int(st, 1, m->institution);
    size_t cap = 0;
    int rc, err = MASTERY_OK;
    while (!err && (rc = store_step(st)) == STORE_ROW) {
        int item = mastery_model_find(m, store_col_text(st, 1));
        if (item < 0)
            continue;
        if (m->naligned == cap) {
            cap = cap ? cap * 2 : 256;
            struct mastery_alignment *v = cc_realloc(m->aligned, cap * sizeof(*v));
            if (!v) {
                err = MASTERY_ERR_NOMEM;
                break;
            }
            m->aligned = v;
        }
        if (!(m->aligned[m->naligned].activity = cc_strdup(store_col_text(st, 0)))) {
            err = MASTERY_ERR_NOMEM;
            break;
        }
        m->aligned[m->naligned++].item = item;
    }
    store_finish(st);
    if (!err && rc < 0)
        err = MASTERY_ERR_STORE;
    if (!err)
        sort_n(m->aligned, m->naligned, sizeof(*m->aligned), cmp_alignment);
    return err;
}

/* Builds the parents and exactMatchOf classes of every item into m->links. */
static int build_links(struct mastery_model *m, const struct pairs *tree, const struct pairs *exact)
{
    int *parent = m->nitems ? cc_malloc(m->nitems * sizeof(int)) : NULL;
    int *size = m->nitems ? cc_calloc(m->nitems, sizeof(int)) : NULL;
    struct pair *order = m->nitems ? cc_malloc(m->nitems * sizeof(*order)) : NULL;
    int err = MASTERY_ERR_NOMEM;
    if (m->nitems && (!parent || !size || !order))
        goto done;
    for (size_t i = 0; i < m->nitems; i++)
        parent[i] = (int)i;
    for (size_t i = 0; i < exact->n; i++) {
        int a = uf_find(parent, exact->v[i].a), b = uf_find(parent, exact->v[i].b);
        if (a != b)
            parent[a > b ? a : b] =
                a < b ? a : b; /* the smaller index is the root: deterministic */
    }
    for (size_t i = 0; i < m->nitems; i++)
        size[uf_find(parent, (int)i)]++;
    size_t total = tree->n;
    for (size_t i = 0; i < m->nitems; i++) {
        int s = size[uf_find(parent, (int)i)];
        total += (size_t)(s > MASTERY_CLASS_MAX ? MASTERY_CLASS_MAX : s) - 1;
    }
    if (total && !(m->links = cc_malloc(total * sizeof(int))))
        goto done;
    /* tree is sorted by child: each item's parents are one run. */
    size_t t = 0;
    for (size_t i = 0; i < m->nitems; i++) {
        struct mastery_model_item *it = &m->items[i];
        it->parents = (int)m->nlinks;
        while (t < tree->n && tree->v[t].a == (int)i) {
            m->links[m->nlinks++] = tree->v[t].b;
            it->nparents++;
            t++;
        }
    }
    for (size_t i = 0; i < tree->n; i++)
        m->items[tree->v[i].b].nchildren++;
    /* The members of each class together, in ascending order: sorted by (root, index). */
    for (size_t i = 0; i < m->nitems; i++)
        order[i] = (struct pair){uf_find(parent, (int)i), (int)i};
    sort_n(order, m->nitems, sizeof(*order), cmp_pair);
    for (size_t start = 0, end; start < m->nitems; start = end) {
        for (end = start; end < m->nitems && order[end].a == order[start].a; end++)
            ;
        size_t last = end - start > MASTERY_CLASS_MAX ? start + MASTERY_CLASS_MAX : end;
        for (size_t k = start; k < last; k++) {
            struct mastery_model_item *it = &m->items[order[k].b];
            it->equiv = (int)m->nlinks;
            for (size_t j = start; j < last && end - start > 1; j++) {
                if (j != k) {
                    m->links[m->nlinks++] = order[j].b;
                    it->nequiv++;
                }
            }
        }
    }
    err = MASTERY_OK;
done:
    cc_free(parent);
    cc_free(size);
    cc_free(order);
    return err;
}

/* The SHA-256 of what the model holds, in a canonical text form. */
static int model_hash(struct mastery_model *m, const struct pairs *tree, const struct pairs *exact)
{
    struct buf b;
    buf_init(&b, (size_t)1 << 30);
    int err = 0;
    for (size_t i = 0; !err && i < m->nitems; i++)
        err = buf_addf(&b, "i %s\n", m->items[i].id);
    for (size_t i = 0; !err && i < tree->n; i++)
        err = buf_addf(&b, "c %s %s\n", m->items[tree->v[i].a].id, m->items[tree->v[i].b].id);
    for (size_t i = 0; !err && i < exact->n; i++)
        err = buf_addf(&b, "x %s %s\n", m->items[exact->v[i].a].id, m->items[exact->v[i].b].id);
    for (size_t i = 0; !err && i < m->naligned; i++)
        err = buf_addf(&b, "a %s %s\n", m->aligned[i].activity, m->items[m->aligned[i].item].id);
    if (err)
        return MASTERY_ERR_NOMEM;
    secret_sha256_hex(b.data, b.len, m->inputs);
    buf_release(&b);
    return MASTERY_OK;
}

static int model_load(struct store *db, int64_t institution, const char *probed,
                      struct mastery_model **out)
{
    struct mastery_model *m = cc_calloc(1, sizeof(*m));
    struct pairs tree = {0}, exact = {0};
    if (!m)
        return MASTERY_ERR_NOMEM;
    m->institution = institution;
    snprintf(m->probe, sizeof(m->probe), "%s", probed);
    int err = load_items(db, m);
    err = err ? err : load_associations(db, m, &tree, &exact);
    if (!err) {
        dedupe(&tree);
        dedupe(&exact);
    }
    err = err ? err : load_alignments(db, m);
    if (!err) { /* an alignment given twice is one */
        size_t out_n = 0;
        for (size_t i = 0; i < m->naligned; i++) {
            if (out_n && !cmp_alignment(&m->aligned[out_n - 1], &m->aligned[i])) {
                cc_free(m->aligned[i].activity);
                continue;
            }
            m->aligned[out_n++] = m->aligned[i];
        }
        m->naligned = out_n;
    }
    err = err ? err : build_links(m, &tree, &exact);
    err = err ? err : model_hash(m, &tree, &exact);
    cc_free(tree.v);
    cc_free(exact.v);
    if (err) {
        model_free(m);
        return err;
    }
    m->refs = 1;
    *out = m;
    return MASTERY_OK;
}

/* The process's models, one per institution, each with a reference held by the cache. */
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct mastery_model *cache[64];

static void unref_locked(struct mastery_model *m)
{
    if (m && --m->refs == 0)
        model_free(m);
}

int mastery_model_get(struct store *db, int64_t institution, int force, struct mastery_model **out)
{
    char probed[256];
    *out = NULL;
    int err = probe(db, institution, probed);
    if (err)
        return err;
    size_t slot = (size_t)institution % (sizeof(cache) / sizeof(cache[0]));
    pthread_mutex_lock(&cache_lock);
    struct mastery_model *m = cache[slot];
    if (!force && m && m->institution == institution && strcmp(m->probe, probed) == 0) {
        m->refs++;
        *out = m;
    }
    pthread_mutex_unlock(&cache_lock);
    if (*out)
        return MASTERY_OK;
    if ((err = model_load(db, institution, probed, &m)))
        return err;
    pthread_mutex_lock(&cache_lock);
    unref_locked(cache[slot]);
    cache[slot] = m;
    m->refs++;
    pthread_mutex_unlock(&cache_lock);
    *out = m;
    return MASTERY_OK;
}

void mastery_model_put(struct mastery_model **mp)
{
    if (!*mp)
        return;
    pthread_mutex_lock(&cache_lock);
    unref_locked(*mp);
    pthread_mutex_unlock(&cache_lock);
    *mp = NULL;
}

void mastery_model_cache_clear(void)
{
    pthread_mutex_lock(&cache_lock);
    for (size_t i = 0; i < sizeof(cache) / sizeof(cache[0]); i++) {
        unref_locked(cache[i]);
        cache[i] = NULL;
    }
    pthread_mutex_unlock(&cache_lock);
}
