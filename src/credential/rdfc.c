/*
 * RDFC-1.0, written from the W3C Recommendation "RDF Dataset
 * Canonicalization" (section 4). Step numbers in comments are its own.
 *
 * Blank nodes are numbered 0..n-1 once (a hash table from label to number);
 * identifier issuers are short lists of (blank node, issued number) in issue
 * order, copied by value, which is what the permutations need.
 */
#include "credential/rdfc.h"

#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/banned.h"

#define HASH_HEX 65

struct issuer {
    int *nodes; /* the blank nodes issued, in order; node i got number i */
    size_t len, cap;
};

struct canon {
    const struct rdf_dataset *d;
    size_t n_nodes;
    const char **labels; /* node -> its label */
    size_t *slots;       /* label hash table: node + 1, 0 empty */
    size_t n_slots;
    int *qnodes;          /* per quad: the nodes of s, o, g (-1 when not a blank node) */
    size_t **node_quads;  /* node -> the quads it appears in */
    size_t *n_node_quads; /* node -> how many */
    char (*first)[HASH_HEX];
    int *canon_id; /* node -> canonical number, -1 while none */
    int next_canon;
    size_t work, max_work;
    /* relabelling during serialisation */
    int ref;   /* the reference node of a first-degree hash, or -1 */
    int final; /* use canonical labels */
    char tmp_label[24];
};

static uint32_t label_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* The number of blank node LABEL, or -1. */
static int node_of(const struct canon *c, const char *label)
{
    size_t mask = c->n_slots - 1;
    for (size_t i = label_hash(label) & mask; c->slots[i]; i = (i + 1) & mask)
        if (strcmp(c->labels[c->slots[i] - 1], label) == 0)
            return (int)(c->slots[i] - 1);
    return -1;
}

static int add_node(struct canon *c, const char *label)
{
    size_t mask = c->n_slots - 1;
    size_t i = label_hash(label) & mask;
    for (; c->slots[i]; i = (i + 1) & mask)
        if (strcmp(c->labels[c->slots[i] - 1], label) == 0)
            return (int)(c->slots[i] - 1);
    c->labels[c->n_nodes] = label;
    c->slots[i] = ++c->n_nodes;
    return (int)(c->n_nodes - 1);
}

static void hash_hex(const void *data, size_t len, char out[HASH_HEX])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, data, len);
    sodium_bin2hex(out, HASH_HEX, h, sizeof(h));
}

static const char *relabel(void *arg, const char *label)
{
    struct canon *c = arg;
    int n = node_of(c, label);
    if (c->final) {
        snprintf(c->tmp_label, sizeof(c->tmp_label), "c14n%d", c->canon_id[n]);
        return c->tmp_label;
    }
    return n == c->ref ? "a" : "z";
}

static int cmp_lines(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Writes the quads QS (N of them) relabelled, sorted, into OUT. */
static int serialize_sorted(struct canon *c, const size_t *qs, size_t n, struct buf *out)
{
    int err = 0;
    struct buf all;
    buf_init(&all, out->max);
    size_t *offs = cc_malloc((n ? n : 1) * sizeof(*offs));
    char **lines = cc_malloc((n ? n : 1) * sizeof(*lines));
    if (!offs || !lines) {
        err = RDFC_ERR_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        offs[i] = all.len;
        if ((err = rdf_quad_write(&c->d->quads[qs[i]], &all, relabel, c)) ||
            (err = buf_addc(&all, 0))) {
            err = err == BUF_TOO_BIG ? RDFC_ERR_LIMIT : RDFC_ERR_NOMEM;
            goto done;
        }
    }
    for (size_t i = 0; i < n; i++)
        lines[i] = all.data + offs[i];
    qsort(lines, n, sizeof(*lines), cmp_lines);
    for (size_t i = 0; i < n; i++) {
        /* A dataset is a set: in the final form (where blank nodes have unique labels) a line
         * equal to the one before is the same quad again. In a first-degree hash two quads
         * may read alike (_:z for different nodes) and both count. */
        if (c->final && i && strcmp(lines[i], lines[i - 1]) == 0)
            continue;
        if (buf_adds(out, lines[i])) {
            err = RDFC_ERR_LIMIT;
            goto done;
        }
    }
done:
    cc_free(offs);
    cc_free(lines);
    buf_release(&all);
    return err;
}

/* Hash First Degree Quads (4.6). */
static int hash_first_degree(struct canon *c, int node)
{
    struct buf b;
    buf_init(&b, (size_t)1 << 30);
    c->ref = node;
    int err = serialize_sorted(c, c->node_quads[node], c->n_node_quads[node], &b);
    if (!err)
        hash_hex(b.data, b.len, c->first[node]);
    buf_release(&b);
    return err;
}

static int issuer_find(const struct issuer *is, int node)
{
    for (size_t i = 0; i < is->len; i++)
        if (is->nodes[i] == node)
            return (int)i;
    return -1;
}

static int issuer_issue(struct issuer *is, int node)
{
    int have = issuer_find(is, node);
    if (have >= 0)
        return have;
    if (is->len == is->cap) {
        size_t cap = is->cap ? is->cap * 2 : 8;
        int *n = cc_realloc(is->nodes, cap * sizeof(*n));
        if (!n)
            return -1;
        is->nodes = n;
        is->cap = cap;
    }
    is->nodes[is->len] = node;
    return (int)is->len++;
}

static int issuer_copy(struct issuer *dst, const struct issuer *src)
{
    dst->len = dst->cap = 0;
    dst->nodes = NULL;
    if (!src->len)
        return 0;
    dst->nodes = cc_malloc(src->len * sizeof(*dst->nodes));
    if (!dst->nodes)
        return -1;
    memcpy(dst->nodes, src->nodes, src->len * sizeof(*dst->nodes));
    dst->len = dst->cap = src->len;
    return 0;
}

static void issuer_release(struct issuer *is)
{
    cc_free(is->nodes);
    is->nodes = NULL;
    is->len = is->cap = 0;
}

/* Hash Related Blank Node (4.7). */
static void hash_related(struct canon *c, int related, const struct rdf_quad *q, char position,
                         const struct issuer *is, char out[HASH_HEX])
{
    struct buf b;
    buf_init(&b, (size_t)1 << 30);
    int err = 0;
    if (position != 'g')
        err = buf_addf(&b, "%c<%s>", position, q->p.value);
    else
        err = buf_addc(&b, position);
    int issued = issuer_find(is, related);
    if (!err && c->canon_id[related] >= 0)
        err = buf_addf(&b, "_:c14n%d", c->canon_id[related]);
    else if (!err && issued >= 0)
        err = buf_addf(&b, "_:b%d", issued);
    else if (!err)
        err = buf_adds(&b, c->first[related]);
    if (err) {
        /* Only an allocation can fail here; a hash of nothing keeps the run going and the
         * caller's work limit ends it. */
        memset(out, '0', HASH_HEX - 1);
        out[HASH_HEX - 1] = 0;
    } else {
        hash_hex(b.data, b.len, out);
    }
    buf_release(&b);
}

struct related {
    char hash[HASH_HEX];
    int node;
};

static int cmp_related(const void *a, const void *b)
{
    return strcmp(((const struct related *)a)->hash, ((const struct related *)b)->hash);
}

/* The next permutation of A in lexicographic order of the values; 0 after the last. */
static int next_permutation(int *a, size_t n)
{
    if (n < 2)
        return 0;
    size_t i = n - 1;
    while (i > 0 && a[i - 1] >= a[i])
        i--;
    if (i == 0)
        return 0;
    size_t j = n - 1;
    while (a[j] <= a[i - 1])
        j--;
    int t = a[i - 1];
    a[i - 1] = a[j];
    a[j] = t;
    for (size_t l = i, r = n - 1; l < r; l++, r--) {
        t = a[l];
        a[l] = a[r];
        a[r] = t;
    }
    return 1;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return x < y ? -1 : x > y;
}

/* A is longer than or as long as B and sorts after it: no permutation starting so can win. */
static int worse(const struct buf *path, const struct buf *chosen, int have_chosen)
{
    return have_chosen && path->len >= chosen->len && strcmp(path->data, chosen->data) > 0;
}

/*
 * Hash N-Degree Quads (4.8): the hash of NODE given ISSUER into OUT, and
 * ISSUER replaced by the issuer of the chosen path.
 */
static int hash_n_degree(struct canon *c, int node, struct issuer *issuer, char out[HASH_HEX])
{
    if (++c->work > c->max_work)
        return RDFC_ERR_TOO_COMPLEX;
    int err = 0;
    /* 1-3 */
    size_t nq = c->n_node_quads[node];
    struct related *rel = cc_malloc((nq * 3 + 1) * sizeof(*rel));
    struct buf data, path, chosen;
    buf_init(&data, (size_t)1 << 30);
    buf_init(&path, (size_t)1 << 30);
    buf_init(&chosen, (size_t)1 << 30);
    struct issuer chosen_issuer = {0}, copy = {0};
    int *perm = NULL, *recursion = NULL;
    if (!rel) {
        err = RDFC_ERR_NOMEM;
        goto done;
    }
    size_t n_rel = 0;
    for (size_t i = 0; i < nq; i++) {
        size_t qi = c->node_quads[node][i];
        const struct rdf_quad *q = &c->d->quads[qi];
        static const char pos[3] = {'s', 'o', 'g'};
        for (int k = 0; k < 3; k++) {
            int other = c->qnodes[qi * 3 + k];
            if (other < 0 || other == node)
                continue;
            hash_related(c, other, q, pos[k], issuer, rel[n_rel].hash);
            rel[n_rel++].node = other;
        }
    }
    qsort(rel, n_rel, sizeof(*rel), cmp_related);
    perm = cc_malloc((n_rel + 1) * sizeof(*perm));
    recursion = cc_malloc((n_rel + 1) * sizeof(*recursion));
    if (!perm || !recursion) {
        err = RDFC_ERR_NOMEM;
        goto done;
    }
    /* 5: each group of related nodes sharing a hash, in hash order. */
    for (size_t g = 0; g < n_rel;) {
        size_t ge = g;
        while (ge < n_rel && strcmp(rel[ge].hash, rel[g].hash) == 0)
            ge++;
        if ((err = buf_adds(&data, rel[g].hash))) {
            err = RDFC_ERR_NOMEM;
            goto done;
        }
        size_t m = ge - g;
        for (size_t i = 0; i < m; i++)
            perm[i] = rel[g + i].node;
        qsort(perm, m, sizeof(*perm), cmp_int);
        int have_chosen = 0;
        buf_reset(&chosen);
        do {
            if (++c->work > c->max_work) {
                err = RDFC_ERR_TOO_COMPLEX;
                goto done;
            }
            issuer_release(&copy);
            if (issuer_copy(&copy, issuer)) {
                err = RDFC_ERR_NOMEM;
                goto done;
            }
            buf_reset(&path);
            size_t n_rec = 0;
            int skip = 0;
            for (size_t i = 0; i < m && !skip; i++) {
                int r = perm[i];
                if (c->canon_id[r] >= 0) {
                    err = buf_addf(&path, "_:c14n%d", c->canon_id[r]);
                } else {
                    if (issuer_find(&copy, r) < 0)
                        recursion[n_rec++] = r;
                    int id = issuer_issue(&copy, r);
                    err = id < 0 ? BUF_NOMEM : buf_addf(&path, "_:b%d", id);
                }
                if (err) {
                    err = RDFC_ERR_NOMEM;
                    goto done;
                }
                skip = worse(&path, &chosen, have_chosen);
            }
            for (size_t i = 0; i < n_rec && !skip; i++) {
                char h[HASH_HEX];
                struct issuer sub;
                if (issuer_copy(&sub, &copy)) {
                    err = RDFC_ERR_NOMEM;
                    goto done;
                }
                if ((err = hash_n_degree(c, recursion[i], &sub, h))) {
                    issuer_release(&sub);
                    goto done;
                }
                int id = issuer_issue(&copy, recursion[i]);
                if (id < 0 || buf_addf(&path, "_:b%d<%s>", id, h)) {
                    issuer_release(&sub);
                    err = RDFC_ERR_NOMEM;
                    goto done;
                }
                issuer_release(&copy);
                copy = sub;
                skip = worse(&path, &chosen, have_chosen);
            }
            if (skip)
                continue;
            if (!have_chosen || strcmp(path.data, chosen.data) < 0) {
                buf_reset(&chosen);
                if (buf_add(&chosen, path.data, path.len)) {
                    err = RDFC_ERR_NOMEM;
                    goto done;
                }
                have_chosen = 1;
                issuer_release(&chosen_issuer);
                chosen_issuer = copy;
                copy = (struct issuer){0};
            }
        } while (next_permutation(perm, m));
        if (buf_add(&data, chosen.data, chosen.len)) {
            err = RDFC_ERR_NOMEM;
            goto done;
        }
        issuer_release(issuer);
        *issuer = chosen_issuer;
        chosen_issuer = (struct issuer){0};
        g = ge;
    }
    hash_hex(data.data, data.len, out);
done:
    cc_free(rel);
    cc_free(perm);
    cc_free(recursion);
    issuer_release(&copy);
    issuer_release(&chosen_issuer);
    buf_release(&data);
    buf_release(&path);
    buf_release(&chosen);
    return err;
}

struct ndeg_result {
    char hash[HASH_HEX];
    struct issuer issuer;
    size_t seq;
};

/* By hash; ties (automorphic nodes, which give the same output either way) in node order. */
static int cmp_ndeg(const void *a, const void *b)
{
    const struct ndeg_result *x = a, *y = b;
    int c = strcmp(x->hash, y->hash);
    return c ? c : (x->seq < y->seq ? -1 : x->seq > y->seq);
}

static int cmp_first(const void *a, const void *b, void *arg)
{
    const struct canon *c = arg;
    int x = *(const int *)a, y = *(const int *)b;
    int r = strcmp(c->first[x], c->first[y]);
    return r ? r : (x < y ? -1 : x > y);
}

static int cmp_quad_index(const void *a, const void *b, void *arg)
{
    const struct rdf_dataset *d = arg;
    return rdf_quad_compare(&d->quads[*(const size_t *)a], &d->quads[*(const size_t *)b]);
}

int rdfc_canonize(const struct rdf_dataset *d, size_t max_work, struct buf *out)
{
    int err = 0;
    struct canon c;
    memset(&c, 0, sizeof(c));
    c.d = d;
    c.max_work = max_work ? max_work : RDFC_DEFAULT_MAX_WORK;
    c.ref = -1;
    size_t max_nodes = d->len * 3 + 1;
    c.n_slots = 16;
    while (c.n_slots < max_nodes * 2)
        c.n_slots *= 2;
    c.labels = cc_malloc(max_nodes * sizeof(*c.labels));
    c.slots = cc_calloc(c.n_slots, sizeof(*c.slots));
    c.qnodes = cc_malloc((d->len * 3 + 1) * sizeof(*c.qnodes));
    int *order = NULL;
    size_t *all = NULL, *fill = NULL, *sorted = NULL;
    char *dup = NULL;
    struct ndeg_result *results = NULL;
    size_t n_results = 0;
    if (!c.labels || !c.slots || !c.qnodes) {
        err = RDFC_ERR_NOMEM;
        goto done;
    }
    /* The input is a set: a quad given twice counts once (in every hash, not only in the
     * output), so repeats are marked and left out from here on. */
    dup = cc_calloc(d->len + 1, 1);
    sorted = cc_malloc((d->len + 1) * sizeof(*sorted));
    if (!dup || !sorted) {
        err = RDFC_ERR_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < d->len; i++)
        sorted[i] = i;
    qsort_r(sorted, d->len, sizeof(*sorted), cmp_quad_index, (void *)d);
    for (size_t i = 1; i < d->len; i++)
        if (rdf_quad_compare(&d->quads[sorted[i]], &d->quads[sorted[i - 1]]) == 0)
            dup[sorted[i]] = 1;
    /* 2: the quads of each blank node. */
    for (size_t i = 0; i < d->len; i++) {
        const struct rdf_term *t[3] = {&d->quads[i].s, &d->quads[i].o, &d->quads[i].g};
        for (int k = 0; k < 3; k++)
            c.qnodes[i * 3 + k] =
                t[k]->kind == RDF_BLANK && !dup[i] ? add_node(&c, t[k]->value) : -1;
    }
    size_t n = c.n_nodes;
    c.n_node_quads = cc_calloc(n + 1, sizeof(*c.n_node_quads));
    c.node_quads = cc_calloc(n + 1, sizeof(*c.node_quads));
    c.first = cc_malloc((n + 1) * sizeof(*c.first));
    c.canon_id = cc_malloc((n + 1) * sizeof(*c.canon_id));
    order = cc_malloc((n + 1) * sizeof(*order));
    fill = cc_calloc(n + 1, sizeof(*fill));
    all = cc_malloc((d->len * 3 + 1) * sizeof(*all));
    results = cc_calloc(n + 1, sizeof(*results));
    if (!c.n_node_quads || !c.node_quads || !c.first || !c.canon_id || !order || !fill || !all ||
        !results) {
        err = RDFC_ERR_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < d->len; i++)
        for (int k = 0; k < 3; k++) {
            int b = c.qnodes[i * 3 + k];
            /* A quad counts once for a node even when the node fills two of its places. */
            if (b >= 0 && !(k > 0 && c.qnodes[i * 3] == b) && !(k == 2 && c.qnodes[i * 3 + 1] == b))
                c.n_node_quads[b]++;
        }
    size_t off = 0;
    for (size_t b = 0; b < n; b++) {
        c.node_quads[b] = all + off;
        off += c.n_node_quads[b];
        c.canon_id[b] = -1;
    }
    for (size_t i = 0; i < d->len; i++)
        for (int k = 0; k < 3; k++) {
            int b = c.qnodes[i * 3 + k];
            if (b >= 0 && !(k > 0 && c.qnodes[i * 3] == b) && !(k == 2 && c.qnodes[i * 3 + 1] == b))
                c.node_quads[b][fill[b]++] = i;
        }
    /* 3 */
    for (size_t b = 0; b < n; b++) {
        if ((err = hash_first_degree(&c, (int)b)))
            goto done;
        order[b] = (int)b;
    }
    c.ref = -1;
    qsort_r(order, n, sizeof(*order), cmp_first, &c);
    /* 4: nodes whose first-degree hash is unique get their canonical label in hash order. */
    for (size_t i = 0; i < n; i++) {
        int unique = (i == 0 || strcmp(c.first[order[i]], c.first[order[i - 1]]) != 0) &&
                     (i + 1 == n || strcmp(c.first[order[i]], c.first[order[i + 1]]) != 0);
        if (unique)
            c.canon_id[order[i]] = c.next_canon++;
    }
    /* 5: the groups that share a hash, in hash order. */
    for (size_t i = 0; i < n;) {
        size_t e = i;
        while (e < n && strcmp(c.first[order[e]], c.first[order[i]]) == 0)
            e++;
        if (e - i == 1) {
            i = e;
            continue;
        }
        n_results = 0;
        for (size_t j = i; j < e; j++) {
            int b = order[j];
            if (c.canon_id[b] >= 0)
                continue;
            struct ndeg_result *r = &results[n_results];
            memset(r, 0, sizeof(*r));
            r->seq = n_results;
            if (issuer_issue(&r->issuer, b) < 0) {
                err = RDFC_ERR_NOMEM;
                goto done;
            }
            n_results++;
            if ((err = hash_n_degree(&c, b, &r->issuer, r->hash)))
                goto done;
        }
        qsort(results, n_results, sizeof(*results), cmp_ndeg);
        for (size_t r = 0; r < n_results; r++) {
            for (size_t k = 0; k < results[r].issuer.len; k++) {
                int b = results[r].issuer.nodes[k];
                if (c.canon_id[b] < 0)
                    c.canon_id[b] = c.next_canon++;
            }
            issuer_release(&results[r].issuer);
        }
        n_results = 0;
        i = e;
    }
    /* 6-7 */
    c.final = 1;
    size_t n_out = 0;
    for (size_t i = 0; i < d->len; i++)
        if (!dup[i])
            all[n_out++] = i;
    err = serialize_sorted(&c, all, n_out, out);
done:
    for (size_t r = 0; results && r < n_results; r++)
        issuer_release(&results[r].issuer);
    cc_free(results);
    cc_free(c.labels);
    cc_free(c.slots);
    cc_free(c.qnodes);
    cc_free(c.n_node_quads);
    cc_free(c.node_quads);
    cc_free(c.first);
    cc_free(c.canon_id);
    cc_free(order);
    cc_free(fill);
    cc_free(all);
    cc_free(sorted);
    cc_free(dup);
    return err;
}
