/*
 * The mastery engine: a fold over the statement log (see mastery.h and
 * docs/mastery.md). One call works through batches, each in two steps:
 *
 *   read: the statements after the cursor (store order), each parsed and
 *   turned into a fact (its learner, score and items, or the statement it
 *   voids), without holding the write lock, so the LRS keeps storing;
 *
 *   apply, in one transaction: check that the cursor and the inputs are still
 *   what the read saw; for each fact add or take away its evidence,
 *   recompute the levels it touched and their ancestors', queue the level
 *   changes; write the touched (learner, item) rows; move the cursor; commit.
 *
 * The rows a batch touches are held in memory (struct cell) while it runs and
 * stay cached for the next batch of the same call, as long as nobody else has
 * moved the cursor in between.
 */
#include "competency/mastery.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "competency/mastery_model.h"
#include "util/alloc.h"
#include "util/json.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "xapi/record.h"
#include "xapi/statement.h"
#include "xapi/validate.h"
#include "util/banned.h"

#define AGENT_KEY_MAX 600
/* The most items a statement counts for, crosswalks included. */
#define MASTERY_HITS_MAX (MASTERY_ITEMS_MAX * 2)
/* Cached cells and learners are dropped between batches beyond these counts. */
#define CELLS_KEPT    (1 << 19)
#define LEARNERS_KEPT (1 << 16)

/* One (learner, item) row while a batch works on it. */
struct cell {
    int64_t learner;
    int item;
    int exists;       /* a row is stored for it */
    int dirty;        /* changed since it was stored */
    int window_stale; /* one of w's results was voided: w must be read again */
    int64_t evidence, scored, passed, score_sum, child_sum, child_started, changed_seq;
    int own_level, level;
    int attained; /* the highest level published since the last correction */
    struct mastery_window w;
    int64_t mark; /* the statement that last touched it (a counter of the run) */
    int before;   /* its level before that statement */
};

/* Open addressing, linear probing; SLOTS is a power of two. */
struct cellmap {
    struct cell **slots;
    size_t cap, n;
};

struct learner {
    char *key;
    int64_t id;
};

struct learnermap {
    struct learner *slots;
    size_t cap, n;
};

/* An item a statement counts for, and how. */
struct hit {
    int item;
    int via; /* VIA_* */
    int via_item;
};

enum { VIA_DIRECT, VIA_ALIGNMENT, VIA_CROSSWALK };
static const char *const via_names[] = {"direct", "alignment", "crosswalk"};

/* One call of the engine. */
struct run {
    struct store *db;
    int64_t institution;
    struct mastery_model *model;
    struct cellmap cells;
    struct learnermap learners;
    struct cell **dirty;
    size_t ndirty, dirty_cap;
    struct cell **touched; /* by the current statement */
    size_t ntouched, touched_cap;
    int64_t mark;
    int64_t cursor; /* where the last committed batch left the cursor (-1: nothing cached) */
    char inputs[65];
    /* The current statement. */
    int64_t seq;
    const char *statement_id;
    const char *learner_key;
    const char *when; /* its timestamp (or stored), for the published statement */
    int64_t changes;
};

/* What one statement does, worked out before the transaction. */
enum fact_kind { FACT_NONE, FACT_EVIDENCE, FACT_VOID };

struct fact {
    int64_t seq;
    char *id;
    enum fact_kind kind;
    char *learner; /* FACT_EVIDENCE: the actor's agent key */
    int64_t at;    /* FACT_EVIDENCE: its timestamp, ms */
    char when[32]; /* its timestamp (FACT_VOID: when stored) as text */
    struct mastery_score score;
    struct hit *hits;
    int nhits;
    int64_t target; /* FACT_VOID: the seq of the statement voided (0: none stored before) */
};

/* ---- maps ------------------------------------------------------------------------------ */

static uint64_t mix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static size_t cell_slot(const struct cellmap *m, int64_t learner, int item)
{
    size_t i = (size_t)mix((uint64_t)learner * 1000003u + (uint64_t)item) & (m->cap - 1);
    while (m->slots[i] && (m->slots[i]->learner != learner || m->slots[i]->item != item))
        i = (i + 1) & (m->cap - 1);
    return i;
}

static int cellmap_grow(struct cellmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 1024;
    struct cell **old = m->slots;
    size_t old_cap = m->cap;
    if (!(m->slots = cc_calloc(cap, sizeof(*m->slots)))) {
        m->slots = old;
        return MASTERY_ERR_NOMEM;
    }
    m->cap = cap;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i])
            m->slots[cell_slot(m, old[i]->learner, old[i]->item)] = old[i];
    cc_free(old);
    return MASTERY_OK;
}

static void cellmap_clear(struct cellmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        cc_free(m->slots[i]);
    cc_free(m->slots);
    memset(m, 0, sizeof(*m));
}

static size_t learner_slot(const struct learnermap *m, const char *key)
{
    size_t i = (size_t)hash_str(key) & (m->cap - 1);
    while (m->slots[i].key && strcmp(m->slots[i].key, key) != 0)
        i = (i + 1) & (m->cap - 1);
    return i;
}

static void learnermap_clear(struct learnermap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        cc_free(m->slots[i].key);
    cc_free(m->slots);
    memset(m, 0, sizeof(*m));
}

static int learnermap_put(struct learnermap *m, const char *key, int64_t id)
{
    if ((m->n + 1) * 2 > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 256;
        struct learner *old = m->slots;
        size_t old_cap = m->cap;
        if (!(m->slots = cc_calloc(cap, sizeof(*m->slots)))) {
            m->slots = old;
            return MASTERY_ERR_NOMEM;
        }
        m->cap = cap;
        for (size_t i = 0; i < old_cap; i++)
            if (old[i].key)
                m->slots[learner_slot(m, old[i].key)] = old[i];
        cc_free(old);
    }
    struct learner *l = &m->slots[learner_slot(m, key)];
    if (!(l->key = cc_strdup(key)))
        return MASTERY_ERR_NOMEM;
    l->id = id;
    m->n++;
    return MASTERY_OK;
}

static void run_forget(struct run *r)
{
    cellmap_clear(&r->cells);
    learnermap_clear(&r->learners);
    r->ndirty = r->ntouched = 0;
    r->cursor = -1;
}

static void run_release(struct run *r)
{
    run_forget(r);
    cc_free(r->dirty);
    cc_free(r->touched);
    mastery_model_put(&r->model);
}

static int push(struct cell ***list, size_t *n, size_t *cap, struct cell *c)
{
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
        struct cell **v = cc_realloc(*list, ncap * sizeof(*v));
        if (!v)
            return MASTERY_ERR_NOMEM;
        *list = v;
        *cap = ncap;
    }
    (*list)[(*n)++] = c;
    return MASTERY_OK;
}

/* ---- small helpers ----------------------------------------------------------------------- */

/* Runs SQL that returns no rows with its NBINDS (1 or 2) integer parameters A and B. */
static int exec_ints(struct store *db, const char *sql, int nbinds, int64_t a, int64_t b)
{
    struct store_stmt *st;
    if (store_prepare(db, sql, &st))
        return MASTERY_ERR_STORE;
    store_bind_int(st, 1, a);
    if (nbinds > 1)
        store_bind_int(st, 2, b);
    int err = store_step(st);
    store_finish(st);
    return err < 0 ? MASTERY_ERR_STORE : MASTERY_OK;
}

static int query_int(struct store *db, const char *sql, int64_t a, int64_t *out)
{
    struct store_stmt *st;
    *out = 0;
    if (store_prepare(db, sql, &st))
        return MASTERY_ERR_STORE;
    if (strchr(sql, '?'))
        store_bind_int(st, 1, a);
    int rc = store_step(st);
    if (rc == STORE_ROW)
        *out = store_col_int(st, 0);
    store_finish(st);
    return rc < 0 ? MASTERY_ERR_STORE : MASTERY_OK;
}

/*
 * The newest statement stored for INSTITUTION after AFTER, else AFTER. The
 * statements are walked back from the newest by seq ("+" keeps SQLite from
 * scanning the institution's whole index instead), so the work is the part
 * of the log after AFTER: little once the engine is up to date.
 */
static int latest_seq(struct store *db, int64_t institution, int64_t after, int64_t *out)
{
    struct store_stmt *st;
    *out = after;
    if (store_prepare(db,
                      "SELECT seq FROM xapi_statements WHERE +institution_id = ? AND seq > ?"
                      " ORDER BY seq DESC LIMIT 1",
                      &st))
        return MASTERY_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_int(st, 2, after);
    int rc = store_step(st);
    if (rc == STORE_ROW)
        *out = store_col_int(st, 0);
    store_finish(st);
    return rc < 0 ? MASTERY_ERR_STORE : MASTERY_OK;
}

void mastery_user_agent_key(const char *login, char *out, size_t size)
{
    snprintf(out, size, "account:%s %s", XAPI_PLATFORM_HOMEPAGE, login);
}

void mastery_statement_id(int64_t institution, const char *learner, const char *item, int level,
                          const char *trigger, char out[37])
{
    static const unsigned char ns[16] = {0xe3, 0xe0, 0xbf, 0xa4, 0x76, 0x2e, 0x5f, 0x01,
                                         0x95, 0x20, 0x40, 0x87, 0x44, 0xbf, 0x69, 0x6a};
    char name[1024];
    int len = snprintf(name, sizeof(name), "%lld\n%s\n%s\n%d\n%s", (long long)institution, learner,
                       item, level, trigger);
    if (len < 0 || (size_t)len >= sizeof(name))
        len = (int)sizeof(name) - 1;
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    memset(d, 0, sizeof(d));
    if (ctx && EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) && EVP_DigestUpdate(ctx, ns, sizeof(ns)) &&
        EVP_DigestUpdate(ctx, name, (size_t)len))
        EVP_DigestFinal_ex(ctx, d, &dlen);
    EVP_MD_CTX_free(ctx);
    d[6] = (unsigned char)((d[6] & 0x0F) | 0x50); /* version 5 */
    d[8] = (unsigned char)((d[8] & 0x3F) | 0x80); /* RFC 4122 variant */
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", d[0],
             d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10], d[11], d[12], d[13],
             d[14], d[15]);
}

/* ---- learners ------------------------------------------------------------------------------ */

static int learner_id(struct run *r, const char *key, int64_t *id)
{
    if (r->learners.cap) {
        struct learner *l = &r->learners.slots[learner_slot(&r->learners, key)];
        if (l->key) {
            *id = l->id;
            return MASTERY_OK;
        }
    }
    struct store_stmt *st;
    if (store_prepare(
            r->db, "SELECT id FROM mastery_learners WHERE institution_id = ? AND agent = ?", &st))
        return MASTERY_ERR_STORE;
    store_bind_int(st, 1, r->institution);
    store_bind_text(st, 2, key);
    int rc = store_step(st);
    *id = rc == STORE_ROW ? store_col_int(st, 0) : 0;
    store_finish(st);
    if (rc < 0)
        return MASTERY_ERR_STORE;
    if (!*id) {
        if (store_prepare(r->db,
                          "INSERT INTO mastery_learners (institution_id, agent) VALUES (?, ?)"
                          " RETURNING id",
                          &st))
            return MASTERY_ERR_STORE;
        store_bind_int(st, 1, r->institution);
        store_bind_text(st, 2, key);
        rc = store_step(st);
        if (rc == STORE_ROW) {
            *id = store_col_int(st, 0);
            rc = store_step(st);
        }
        store_finish(st);
        if (rc < 0 || !*id)
            return MASTERY_ERR_STORE;
    }
    return learnermap_put(&r->learners, key, *id);
}

/* ---- cells ----------------------------------------------------------------------------------- */

static int cell_get(struct run *r, int64_t learner, int item, struct cell **out)
{
    if ((r->cells.n + 1) * 2 > r->cells.cap && cellmap_grow(&r->cells))
        return MASTERY_ERR_NOMEM;
    size_t slot = cell_slot(&r->cells, learner, item);
    if (r->cells.slots[slot]) {
        *out = r->cells.slots[slot];
        return MASTERY_OK;
    }
    struct cell *c = cc_calloc(1, sizeof(*c));
    if (!c)
        return MASTERY_ERR_NOMEM;
    c->learner = learner;
    c->item = item;
    struct store_stmt *st;
    if (store_prepare(r->db,
                      "SELECT level, own_level, evidence, scored, passed, score_sum, recent,"
                      " child_sum, child_started, changed_seq, attained FROM mastery_levels"
                      " WHERE learner_id = ? AND item = ?",
                      &st)) {
        cc_free(c);
        return MASTERY_ERR_STORE;
    }
    store_bind_int(st, 1, learner);
    store_bind_text(st, 2, r->model->items[item].id);
    int rc = store_step(st);
    if (rc == STORE_ROW) {
        c->exists = 1;
        c->level = (int)store_col_int(st, 0);
        c->own_level = (int)store_col_int(st, 1);
        c->evidence = store_col_int(st, 2);
        c->scored = store_col_int(st, 3);
        c->passed = store_col_int(st, 4);
        c->score_sum = store_col_int(st, 5);
        mastery_window_parse(store_col_text(st, 6), &c->w);
        c->child_sum = store_col_int(st, 7);
        c->child_started = store_col_int(st, 8);
        c->changed_seq = store_col_int(st, 9);
        c->attained = (int)store_col_int(st, 10);
    }
    store_finish(st);
    if (rc < 0) {
        cc_free(c);
        return MASTERY_ERR_STORE;
    }
    r->cells.slots[slot] = c;
    r->cells.n++;
    *out = c;
    return MASTERY_OK;
}

/*
 * Reads C's newest scored results again from the evidence rows (after one of
 * them was voided), finding the learner's statements through the LRS's index
 * of statements by agent.
 */
static int cell_window(struct run *r, struct cell *c)
{
    if (!c->window_stale)
        return MASTERY_OK;
    memset(&c->w, 0, sizeof(c->w));
    c->window_stale = 0;
    if (!c->scored)
        return MASTERY_OK;
    struct store_stmt *st;
    if (store_prepare(r->db,
                      "SELECT e.at, e.seq, e.score, e.passed FROM xapi_statement_agents a"
                      " JOIN mastery_evidence e ON e.seq = a.seq AND e.item = ?"
                      " WHERE a.agent = ? AND a.institution_id = ? AND a.direct = 1"
                      " AND e.score IS NOT NULL ORDER BY e.at DESC, e.seq DESC LIMIT 3",
                      &st))
        return MASTERY_ERR_STORE;
    store_bind_text(st, 1, r->model->items[c->item].id);
    store_bind_text(st, 2, r->learner_key);
    store_bind_int(st, 3, r->institution);
    int rc;
    while ((rc = store_step(st)) == STORE_ROW && c->w.n < MASTERY_WINDOW) {
        struct mastery_result *x = &c->w.r[c->w.n++];
        x->at = store_col_int(st, 0);
        x->seq = store_col_int(st, 1);
        x->score = (int)store_col_int(st, 2);
        x->passed = (int)store_col_int(st, 3);
    }
    store_finish(st);
    if (rc < 0) {
        c->window_stale = 1;
        return MASTERY_ERR_STORE;
    }
    return MASTERY_OK;
}

static int mark_dirty(struct run *r, struct cell *c)
{
    if (c->dirty)
        return MASTERY_OK;
    c->dirty = 1;
    return push(&r->dirty, &r->ndirty, &r->dirty_cap, c);
}

/* Remembers C's level before the current statement changed anything. */
static int touch(struct run *r, struct cell *c)
{
    if (c->mark == r->mark)
        return MASTERY_OK;
    c->mark = r->mark;
    c->before = c->level;
    return push(&r->touched, &r->ntouched, &r->touched_cap, c);
}

/*
 * Recomputes C's level from its own level and its children's; when it moved,
 * passes the change on to its parents (each parent's children sums move by
 * the difference), DEPTH levels up so far.
 */
static int settle(struct run *r, struct cell *c, int depth)
{
    const struct mastery_model_item *it = &r->model->items[c->item];
    int level = mastery_combined_level(
        c->own_level, mastery_rollup_level(c->child_sum, c->child_started, it->nchildren));
    if (level == c->level)
        return MASTERY_OK;
    int old = c->level, err;
    c->level = level;
    if ((err = mark_dirty(r, c)))
        return err;
    if (depth >= MASTERY_DEPTH_MAX)
        return MASTERY_OK;
    for (int i = 0; i < it->nparents; i++) {
        struct cell *p;
        if ((err = cell_get(r, c->learner, r->model->links[it->parents + i], &p)) ||
            (err = touch(r, p)) || (err = mark_dirty(r, p)))
            return err;
        p->child_sum += level - old;
        p->child_started += (level > 0) - (old > 0);
        if ((err = settle(r, p, depth + 1)))
            return err;
    }
    return MASTERY_OK;
}

/* C's own evidence changed: its own level, then the rest. */
static int reassess(struct run *r, struct cell *c)
{
    int err = cell_window(r, c);
    if (err)
        return err;
    c->own_level = mastery_own_level(c->evidence, c->passed, &c->w);
    if ((err = mark_dirty(r, c)))
        return err;
    return settle(r, c, 0);
}

/* Writes the changed cells. A cell back at nothing (no evidence, no child begun) has no row. */
static int flush(struct run *r)
{
    int err = MASTERY_OK;
    for (size_t i = 0; !err && i < r->ndirty; i++) {
        struct cell *c = r->dirty[i];
        const char *item = r->model->items[c->item].id;
        struct store_stmt *st;
        c->dirty = 0;
        if (!c->evidence && !c->child_started && !c->child_sum && !c->attained) {
            if (!c->exists)
                continue;
            if (store_prepare(r->db, "DELETE FROM mastery_levels WHERE learner_id = ? AND item = ?",
                              &st)) {
                err = MASTERY_ERR_STORE;
                break;
            }
            store_bind_int(st, 1, c->learner);
            store_bind_text(st, 2, item);
            err = store_step(st) < 0 ? MASTERY_ERR_STORE : MASTERY_OK;
            store_finish(st);
            c->exists = 0;
            continue;
        }
        if (store_prepare(r->db,
                          "INSERT INTO mastery_levels (learner_id, item, institution_id, level,"
                          " own_level, evidence, scored, passed, score_sum, recent, child_sum,"
                          " child_started, changed_seq, attained)"
                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                          " ON CONFLICT (learner_id, item) DO UPDATE SET level = excluded.level,"
                          " own_level = excluded.own_level, evidence = excluded.evidence,"
                          " scored = excluded.scored, passed = excluded.passed,"
                          " score_sum = excluded.score_sum, recent = excluded.recent,"
                          " child_sum = excluded.child_sum,"
                          " child_started = excluded.child_started,"
                          " changed_seq = excluded.changed_seq, attained = excluded.attained",
                          &st)) {
            err = MASTERY_ERR_STORE;
            break;
        }
        char recent[MASTERY_WINDOW_TEXT];
        mastery_window_format(&c->w, recent, sizeof(recent));
        store_bind_int(st, 1, c->learner);
        store_bind_text(st, 2, item);
        store_bind_int(st, 3, r->institution);
        store_bind_int(st, 4, c->level);
        store_bind_int(st, 5, c->own_level);
        store_bind_int(st, 6, c->evidence);
        store_bind_int(st, 7, c->scored);
        store_bind_int(st, 8, c->passed);
        store_bind_int(st, 9, c->score_sum);
        store_bind_text(st, 10, recent);
        store_bind_int(st, 11, c->child_sum);
        store_bind_int(st, 12, c->child_started);
        store_bind_int(st, 13, c->changed_seq);
        store_bind_int(st, 14, c->attained);
        err = store_step(st) < 0 ? MASTERY_ERR_STORE : MASTERY_OK;
        store_finish(st);
        c->exists = 1;
    }
    r->ndirty = 0;
    return err;
}

/* ---- reading: statements into facts --------------------------------------------------------- */

struct hits {
    const struct mastery_model *model;
    struct hit v[MASTERY_HITS_MAX];
    int n;
};

static int hits_has(const struct hits *h, int item)
{
    for (int i = 0; i < h->n; i++)
        if (h->v[i].item == item)
            return 1;
    return 0;
}

static int add_direct(void *ctx, const char *id)
{
    struct hits *h = ctx;
    int item = mastery_model_find(h->model, id);
    if (item >= 0 && !hits_has(h, item) && h->n < MASTERY_ITEMS_MAX)
        h->v[h->n++] = (struct hit){item, VIA_DIRECT, -1};
    return 0;
}

/* Is the statement one this engine published (by the platform, about a CFItem)? */
static int is_own(const json_t *st, int by_platform)
{
    if (!by_platform)
        return 0;
    const char *verb = json_string_value(json_object_get(json_object_get(st, "verb"), "id"));
    const char *object = json_string_value(json_object_get(json_object_get(st, "object"), "id"));
    return verb && object &&
           (strcmp(verb, MASTERY_VERB_ATTAINED) == 0 || strcmp(verb, MASTERY_VERB_MASTERED) == 0) &&
           strncmp(object, MASTERY_ITEM_IRI, strlen(MASTERY_ITEM_IRI)) == 0;
}

/* Could the statement count at all? Spares parsing the ones that cannot. */
static int might_count(const struct mastery_model *m, const char *text)
{
    if (!m->nitems)
        return 0;
    return m->naligned || strstr(text, "carecampus.org/xapi/extensions/cfitems") ||
           strstr(text, MASTERY_ITEM_IRI);
}

/* Parses the value V spans into OBJ[KEY]; 0, or -1 when it does not parse (out of memory). */
static int set_span(json_t *obj, const char *key, const struct json_span *v)
{
    if (!v->p)
        return 0;
    json_t *j = json_loadb(v->p, v->len, JSON_DECODE_ANY, NULL);
    return j && !json_object_set_new(obj, key, j) ? 0 : -1;
}

/*
 * The parts of statement TEXT the engine reads, as an object of the same
 * shape: actor, verb.id (VERB), object.objectType and .id, result,
 * context.extensions, timestamp and stored. Parsing only these (jansson, on
 * their spans) costs a fraction of the whole; a statement whose keys hold
 * escapes is parsed whole. NULL only when out of memory: stored statements
 * are JSON the LRS wrote.
 */
static json_t *slim_statement(const char *text, const char *verb)
{
    static const char *const top[] = {"actor",  "result", "timestamp",
                                      "stored", "object", "context"};
    static const char *const in_object[] = {"objectType", "id"};
    static const char *const in_context[] = {"extensions"};
    struct json_span v[6], o[2], c[1];
    if (json_member_spans(text, strlen(text), top, 6, v) ||
        (v[4].p && json_member_spans(v[4].p, v[4].len, in_object, 2, o)) ||
        (v[5].p && json_member_spans(v[5].p, v[5].len, in_context, 1, c))) {
        json_error_t e;
        json_t *whole = json_loads(text, 0, &e);
        /* Not JSON after all (it cannot be): an empty statement counts for nothing. */
        return whole || json_error_code(&e) == json_error_out_of_memory ? whole : json_object();
    }
    json_t *st = json_pack("{s:{s:s}}", "verb", "id", verb), *obj = NULL, *ctx = NULL;
    int bad = !st;
    for (int i = 0; !bad && i < 4; i++)
        bad = set_span(st, top[i], &v[i]);
    if (!bad && v[4].p)
        bad = !(obj = json_object()) || json_object_set_new(st, "object", obj) ||
              set_span(obj, "objectType", &o[0]) || set_span(obj, "id", &o[1]);
    if (!bad && v[5].p && c[0].p)
        bad = !(ctx = json_object()) || json_object_set_new(st, "context", ctx) ||
              set_span(ctx, "extensions", &c[0]);
    if (bad) {
        json_decref(st);
        return NULL;
    }
    return st;
}

static void fact_release(struct fact *f)
{
    cc_free(f->id);
    cc_free(f->learner);
    cc_free(f->hits);
    memset(f, 0, sizeof(*f));
}

/* What statement TEXT with VERB (stored by the platform when BY_PLATFORM) is evidence of, into F.
 */
static int read_evidence(const struct mastery_model *m, const char *text, const char *verb,
                         int by_platform, struct fact *f)
{
    /* The engine's own statements are skipped; attained is this engine's verb alone. */
    if (!might_count(m, text) || (by_platform && strcmp(verb, MASTERY_VERB_ATTAINED) == 0))
        return MASTERY_OK;
    json_t *st = slim_statement(text, verb);
    if (!st)
        return MASTERY_ERR_NOMEM;
    int err = MASTERY_OK;
    char key[AGENT_KEY_MAX];
    const json_t *actor = json_object_get(st, "actor");
    const char *atype = json_string_value(json_object_get(actor, "objectType"));
    const json_t *object = json_object_get(st, "object");
    const char *otype = json_string_value(json_object_get(object, "objectType"));
    const char *activity = json_string_value(json_object_get(object, "id"));
    /* Agents only: a Group's result says nothing certain about each member. */
    if ((atype && strcmp(atype, "Agent") != 0) || (otype && strcmp(otype, "Activity") != 0) ||
        !activity || is_own(st, by_platform) || xapi_agent_key(actor, key, sizeof(key)))
        goto done;
    mastery_score_statement(st, &f->score);
    if (f->score.kind == MASTERY_NO_EVIDENCE)
        goto done;
    struct hits h = {.model = m};
    (void)mastery_statement_items(st, add_direct, &h);
    size_t n, first = mastery_model_aligned(m, activity, &n);
    for (size_t i = 0; i < n && h.n < MASTERY_ITEMS_MAX; i++) {
        int item = m->aligned[first + i].item;
        if (!hits_has(&h, item))
            h.v[h.n++] = (struct hit){item, VIA_ALIGNMENT, -1};
    }
    /* Crosswalks: the exactMatchOf equivalents of what the statement counts for, once each. */
    int named = h.n;
    for (int i = 0; i < named; i++) {
        const struct mastery_model_item *it = &m->items[h.v[i].item];
        for (int k = 0; k < it->nequiv && h.n < MASTERY_HITS_MAX; k++) {
            int eq = m->links[it->equiv + k];
            if (!hits_has(&h, eq))
                h.v[h.n++] = (struct hit){eq, VIA_CROSSWALK, h.v[i].item};
        }
    }
    if (!h.n)
        goto done;
    const char *ts = json_string_value(json_object_get(st, "timestamp"));
    if (!ts || time_parse_iso8601(ts, &f->at)) {
        ts = json_string_value(json_object_get(st, "stored"));
        if (!ts || time_parse_iso8601(ts, &f->at))
            f->at = 0;
    }
    time_format_ms(f->at, f->when);
    f->hits = cc_malloc((size_t)h.n * sizeof(*f->hits));
    f->learner = cc_strdup(key);
    if (!f->hits || !f->learner) {
        err = MASTERY_ERR_NOMEM;
        goto done;
    }
    memcpy(f->hits, h.v, (size_t)h.n * sizeof(*f->hits));
    f->nhits = h.n;
    f->kind = FACT_EVIDENCE;
done:
    json_decref(st);
    return err;
}

/* The seq of statement ID of INSTITUTION stored before SEQ (0: none). */
static int void_target(struct store *db, int64_t institution, const char *id, int64_t seq,
                       int64_t *target)
{
    struct store_stmt *st;
    *target = 0;
    if (!id)
        return MASTERY_OK;
    if (store_prepare(db, "SELECT seq FROM xapi_statements WHERE institution_id = ? AND id = ?",
                      &st))
        return MASTERY_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_text(st, 2, id);
    int rc = store_step(st);
    if (rc == STORE_ROW && store_col_int(st, 0) < seq)
        *target = store_col_int(st, 0); /* one stored later was never counted: nothing to undo */
    store_finish(st);
    return rc < 0 ? MASTERY_ERR_STORE : MASTERY_OK;
}

/*
 * Reads up to BATCH statements after CURSOR into *FACTS (*N of them). Every
 * statement up to the newest stored when the read began is taken into
 * account, so *NEXT is where the cursor goes: the last one read, or, when
 * the batch is not full, that newest one (the rest belongs to others).
 */
static int read_batch(struct run *r, int64_t cursor, int batch, struct fact **facts, int *n,
                      int64_t *next)
{
    struct store *db = r->db;
    int64_t newest = 0;
    *facts = NULL;
    *n = 0;
    *next = cursor;
    /* Statements are stored one writer at a time, so all up to the newest are there to read. */
    int err = query_int(db, "SELECT max(seq) FROM xapi_statements", 0, &newest);
    if (err)
        return err;
    if (newest <= cursor)
        return MASTERY_OK;
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT seq, id, verb, target, client_id IS NULL, stored, statement"
                      " FROM xapi_statements WHERE +institution_id = ? AND seq > ? AND seq <= ?"
                      " ORDER BY seq LIMIT ?",
                      &st))
        return MASTERY_ERR_STORE;
    store_bind_int(st, 1, r->institution);
    store_bind_int(st, 2, cursor);
    store_bind_int(st, 3, newest);
    store_bind_int(st, 4, batch);
    struct fact *v = cc_calloc((size_t)batch, sizeof(*v));
    int rc, count = 0;
    if (!v)
        err = MASTERY_ERR_NOMEM;
    char(*targets)[40] = v ? cc_calloc((size_t)batch, 40) : NULL;
    if (v && !targets)
        err = MASTERY_ERR_NOMEM;
    while (!err && (rc = store_step(st)) == STORE_ROW) {
        struct fact *f = &v[count++];
        f->seq = store_col_int(st, 0);
        if (!(f->id = cc_strdup(store_col_text(st, 1)))) {
            err = MASTERY_ERR_NOMEM;
            break;
        }
        if (strcmp(store_col_text(st, 2), XAPI_VERB_VOIDED) == 0) {
            f->kind = FACT_VOID;
            snprintf(f->when, sizeof(f->when), "%s", store_col_text(st, 5));
            if (!store_col_is_null(st, 3))
                snprintf(targets[count - 1], 40, "%s", store_col_text(st, 3));
        } else {
            err = read_evidence(r->model, store_col_text(st, 6), store_col_text(st, 2),
                                (int)store_col_int(st, 4), f);
        }
    }
    store_finish(st);
    if (!err && rc < 0)
        err = MASTERY_ERR_STORE;
    for (int i = 0; !err && i < count; i++)
        if (v[i].kind == FACT_VOID)
            err = void_target(db, r->institution, targets[i][0] ? targets[i] : NULL, v[i].seq,
                              &v[i].target);
    cc_free(targets);
    if (err) {
        for (int i = 0; i < count; i++)
            fact_release(&v[i]);
        cc_free(v);
        return err;
    }
    *facts = v;
    *n = count;
    *next = count == batch ? v[count - 1].seq : newest;
    return MASTERY_OK;
}

/* ---- applying facts ----------------------------------------------------------------------------
 */

/*
 * Notes the level changes of the current statement and queues those to be
 * published: an attainment (developing or better, and above any level
 * published for the cell since its last correction) and, when the statement
 * is a voiding one, a correction (the level fell below the one published:
 * what was attained no longer stands). A level that falls because of newer
 * results is shown, not published: what was attained was attained; and
 * beginning is no attainment (the evidence itself says as much).
 */
static int emit_changes(struct run *r, int voiding)
{
    int err = MASTERY_OK;
    for (size_t i = 0; !err && i < r->ntouched; i++) {
        struct cell *c = r->touched[i];
        if (c->level != c->before) {
            c->changed_seq = r->seq;
            if ((err = mark_dirty(r, c)))
                break;
        }
        int previous = c->attained;
        if (!((c->level > c->attained && c->level >= MASTERY_DEVELOPING) ||
              (voiding && c->level < c->attained)))
            continue;
        c->attained = c->level;
        if ((err = mark_dirty(r, c)))
            break;
        const char *item = r->model->items[c->item].id;
        char id[37];
        mastery_statement_id(r->institution, r->learner_key, item, c->level, r->statement_id, id);
        struct store_stmt *st;
        if (store_prepare(r->db,
                          "INSERT INTO mastery_outbox (institution_id, statement_id, learner_id,"
                          " item, level, previous, trigger_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                          &st)) {
            err = MASTERY_ERR_STORE;
            break;
        }
        store_bind_int(st, 1, r->institution);
        store_bind_text(st, 2, id);
        store_bind_int(st, 3, c->learner);
        store_bind_text(st, 4, item);
        store_bind_int(st, 5, c->level);
        store_bind_int(st, 6, previous);
        store_bind_text(st, 7, r->statement_id);
        store_bind_text(st, 8, r->when);
        err = store_step(st) < 0 ? MASTERY_ERR_STORE : MASTERY_OK;
        store_finish(st);
        r->changes++;
    }
    r->ntouched = 0;
    return err;
}

/* Adds one evidence row of the current statement and what it adds to its cell. */
static int add_evidence(struct run *r, int64_t learner, const struct hit *h, const struct fact *f)
{
    struct cell *c;
    int err;
    if ((err = cell_get(r, learner, h->item, &c)) || (err = touch(r, c)) ||
        (err = cell_window(r, c)))
        return err;
    struct store_stmt *st;
    if (store_prepare(r->db,
                      "INSERT INTO mastery_evidence (seq, item, learner_id, institution_id, at,"
                      " score, passed, via, via_item) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      &st))
        return MASTERY_ERR_STORE;
    store_bind_int(st, 1, r->seq);
    store_bind_text(st, 2, r->model->items[h->item].id);
    store_bind_int(st, 3, learner);
    store_bind_int(st, 4, r->institution);
    store_bind_int(st, 5, f->at);
    if (f->score.kind == MASTERY_SCORED)
        store_bind_int(st, 6, f->score.score);
    else
        store_bind_text(st, 6, NULL);
    store_bind_int(st, 7, f->score.passed);
    store_bind_text(st, 8, via_names[h->via]);
    store_bind_text(st, 9, h->via_item >= 0 ? r->model->items[h->via_item].id : NULL);
    err = store_step(st) < 0 ? MASTERY_ERR_STORE : MASTERY_OK;
    store_finish(st);
    if (err)
        return err;
    c->evidence++;
    if (f->score.kind == MASTERY_SCORED) {
        c->scored++;
        c->passed += f->score.passed;
        c->score_sum += f->score.score;
        struct mastery_result res = {f->at, r->seq, f->score.score, f->score.passed};
        mastery_window_add(&c->w, &res);
    }
    return reassess(r, c);
}

static int apply_evidence(struct run *r, const struct fact *f)
{
    int64_t learner;
    int err = learner_id(r, f->learner, &learner);
    for (int i = 0; !err && i < f->nhits; i++)
        err = add_evidence(r, learner, &f->hits[i], f);
    return err;
}

/*
 * Touches the ancestors of C (without changing them), so that a voiding
 * statement checks every level an attainment of theirs may have rested on.
 */
static int touch_ancestors(struct run *r, const struct cell *c, int depth)
{
    const struct mastery_model_item *it = &r->model->items[c->item];
    int err = MASTERY_OK;
    for (int i = 0; !err && depth < MASTERY_DEPTH_MAX && i < it->nparents; i++) {
        struct cell *p;
        if ((err = cell_get(r, c->learner, r->model->links[it->parents + i], &p)) ||
            (err = touch(r, p)))
            break;
        err = touch_ancestors(r, p, depth + 1);
    }
    return err;
}

/* The evidence rows of a voided statement, read before any is deleted. */
struct voided {
    int64_t learner, at;
    int item, scored, score, passed;
};

static int apply_void(struct run *r, const struct fact *f, char *key, size_t key_size)
{
    struct store_stmt *st;
    if (!f->target)
        return MASTERY_OK;
    struct voided v[MASTERY_HITS_MAX];
    int n = 0, rc;
    if (store_prepare(r->db,
                      "SELECT learner_id, item, at, score IS NOT NULL, score, passed"
                      " FROM mastery_evidence WHERE seq = ?",
                      &st))
        return MASTERY_ERR_STORE;
    store_bind_int(st, 1, f->target);
    while ((rc = store_step(st)) == STORE_ROW) {
        int item = mastery_model_find(r->model, store_col_text(st, 1));
        if (item < 0 || n == MASTERY_HITS_MAX)
            continue; /* cannot be: the rows were made with this model */
        v[n++] = (struct voided){
            store_col_int(st, 0),      store_col_int(st, 2),      item,
            (int)store_col_int(st, 3), (int)store_col_int(st, 4), (int)store_col_int(st, 5)};
    }
    store_finish(st);
    if (rc < 0)
        return MASTERY_ERR_STORE;
    if (!n)
        return MASTERY_OK;
    /* All rows of one statement are its actor's. */
    if (store_prepare(r->db, "SELECT agent FROM mastery_learners WHERE id = ?", &st))
        return MASTERY_ERR_STORE;
    store_bind_int(st, 1, v[0].learner);
    rc = store_step(st);
    if (rc == STORE_ROW)
        snprintf(key, key_size, "%s", store_col_text(st, 0));
    store_finish(st);
    if (rc != STORE_ROW)
        return MASTERY_ERR_STORE;
    r->learner_key = key;
    int err = exec_ints(r->db, "DELETE FROM mastery_evidence WHERE seq = ?", 1, f->target, 0);
    for (int i = 0; !err && i < n; i++) {
        struct cell *c;
        if ((err = cell_get(r, v[i].learner, v[i].item, &c)) || (err = touch(r, c)))
            break;
        c->evidence--;
        if (v[i].scored) {
            c->scored--;
            c->passed -= v[i].passed;
            c->score_sum -= v[i].score;
            if (mastery_window_has(&c->w, v[i].at, f->target))
                c->window_stale = 1; /* the next newest comes from the rows left */
        }
        err = reassess(r, c);
        err = err ? err : touch_ancestors(r, c, 0);
    }
    return err;
}

static int apply(struct run *r, const struct fact *f)
{
    char key[AGENT_KEY_MAX];
    r->seq = f->seq;
    r->statement_id = f->id;
    r->when = f->when;
    r->learner_key = f->learner;
    r->mark++;
    int err = MASTERY_OK;
    if (f->kind == FACT_EVIDENCE)
        err = apply_evidence(r, f);
    else if (f->kind == FACT_VOID)
        err = apply_void(r, f, key, sizeof(key));
    err = err ? err : emit_changes(r, f->kind == FACT_VOID);
    r->learner_key = NULL;
    return err;
}

/* ---- batches ------------------------------------------------------------------------------------
 */

/* Clears INSTITUTION's derived state and sets its cursor back to the start, for INPUTS. */
static int reset_state(struct store *db, int64_t institution, const char *inputs)
{
    static const char *const clear[] = {
        "DELETE FROM mastery_evidence WHERE institution_id = ?",
        "DELETE FROM mastery_levels WHERE learner_id IN"
        " (SELECT id FROM mastery_learners WHERE institution_id = ?)",
    };
    int err = MASTERY_OK;
    for (size_t i = 0; !err && i < sizeof(clear) / sizeof(clear[0]); i++)
        err = exec_ints(db, clear[i], 1, institution, 0);
    int64_t latest = 0;
    err = err ? err : latest_seq(db, institution, 0, &latest);
    char now[21];
    time_iso8601(time_now(), now);
    struct store_stmt *st;
    if (!err && store_prepare(db,
                              "INSERT INTO mastery_cursors (institution_id, seq, inputs, reset_seq,"
                              " reset_at) VALUES (?, 0, ?, ?, ?) ON CONFLICT (institution_id)"
                              " DO UPDATE SET seq = 0, inputs = excluded.inputs,"
                              " reset_seq = excluded.reset_seq, reset_at = excluded.reset_at",
                              &st))
        err = MASTERY_ERR_STORE;
    if (!err) {
        store_bind_int(st, 1, institution);
        store_bind_text(st, 2, inputs);
        store_bind_int(st, 3, latest);
        store_bind_text(st, 4, now);
        err = store_step(st) < 0 ? MASTERY_ERR_STORE : MASTERY_OK;
        store_finish(st);
    }
    return err;
}

/* The cursor row: seq and inputs (FOUND: there is one). */
static int read_cursor(struct store *db, int64_t institution, int64_t *seq, char inputs[65],
                       int *found)
{
    struct store_stmt *st;
    if (store_prepare(db, "SELECT seq, inputs FROM mastery_cursors WHERE institution_id = ?", &st))
        return MASTERY_ERR_STORE;
    store_bind_int(st, 1, institution);
    int rc = store_step(st);
    *found = rc == STORE_ROW;
    *seq = 0;
    inputs[0] = 0;
    if (rc == STORE_ROW) {
        *seq = store_col_int(st, 0);
        snprintf(inputs, 65, "%s", store_col_text(st, 1));
    }
    store_finish(st);
    return rc < 0 ? MASTERY_ERR_STORE : MASTERY_OK;
}

/* Starts the state again from the first statement, for the model's inputs. */
static int reset(struct run *r, int found, const char *inputs)
{
    run_forget(r);
    if (found && *inputs)
        LOG_INFO("mastery: institution %lld: frameworks or alignments changed; recomputing",
                 (long long)r->institution);
    if (store_begin(r->db))
        return MASTERY_ERR_STORE;
    int err = reset_state(r->db, r->institution, r->model->inputs);
    if (err) {
        store_rollback(r->db);
        return err;
    }
    if (store_commit(r->db))
        return MASTERY_ERR_STORE;
    r->cursor = 0;
    return MASTERY_OK;
}

/*
 * One batch: up to BATCH statements after the cursor. *DONE is set when the
 * log is finished; *STALE when the inputs changed and FLAGS forbid a reset.
 */
static int batch_once(struct run *r, int batch, unsigned flags, int64_t *processed, int *done,
                      int *stale)
{
    struct store *db = r->db;
    *done = 0;
    *stale = 0;
    int64_t cursor, next;
    char inputs[65];
    int found, err = read_cursor(db, r->institution, &cursor, inputs, &found);
    if (err)
        return err;
    if (!found || strcmp(inputs, r->model->inputs) != 0) {
        /* The state was computed from other inputs (or never): start again from the first. */
        if (flags & MASTERY_NO_RESET) {
            run_forget(r);
            *stale = *done = 1;
            return MASTERY_OK;
        }
        return reset(r, found, inputs);
    }
    struct fact *facts;
    int n;
    if ((err = read_batch(r, cursor, batch, &facts, &n, &next)))
        return err;
    if (next == cursor) {
        *done = 1;
        return MASTERY_OK;
    }
    if (store_begin(db)) {
        err = MASTERY_ERR_STORE;
        goto out;
    }
    /* Under the write lock: is the state still the one the facts were read for? */
    int64_t now_cursor;
    char now_inputs[65];
    if ((err = read_cursor(db, r->institution, &now_cursor, now_inputs, &found)))
        goto fail;
    if (!found || now_cursor != cursor || strcmp(now_inputs, inputs) != 0) {
        store_rollback(db); /* someone else went on in between: read again */
        run_forget(r);
        goto out;
    }
    if (cursor != r->cursor)
        run_forget(r); /* what is cached may be old */
    for (int i = 0; !err && i < n; i++)
        err = apply(r, &facts[i]);
    if (err || (err = flush(r)) ||
        (err = exec_ints(db, "UPDATE mastery_cursors SET seq = ? WHERE institution_id = ?", 2, next,
                         r->institution)))
        goto fail;
    if (store_commit(db)) {
        err = MASTERY_ERR_STORE;
        run_forget(r); /* the cells hold what was rolled back */
        goto out;
    }
    r->cursor = next;
    *processed += n;
    *done = n < batch;
    if (r->cells.n > CELLS_KEPT || r->learners.n > LEARNERS_KEPT)
        run_forget(r);
    goto out;
fail:
    store_rollback(db);
    run_forget(r);
out:
    for (int i = 0; i < n; i++)
        fact_release(&facts[i]);
    cc_free(facts);
    return err;
}

static int pending_count(struct store *db, int64_t institution, int *out)
{
    int64_t n;
    int err = query_int(db, "SELECT count(*) FROM mastery_outbox WHERE institution_id = ?",
                        institution, &n);
    *out = (int)(n > 1000000000 ? 1000000000 : n);
    return err;
}

int mastery_status(struct store *db, int64_t institution, struct mastery_progress *out)
{
    memset(out, 0, sizeof(*out));
    struct store_stmt *st;
    if (store_prepare(
            db, "SELECT seq, reset_seq, inputs FROM mastery_cursors WHERE institution_id = ?", &st))
        return MASTERY_ERR_STORE;
    store_bind_int(st, 1, institution);
    int rc = store_step(st);
    char inputs[65] = "";
    if (rc == STORE_ROW) {
        out->seq = store_col_int(st, 0);
        out->reset_seq = store_col_int(st, 1);
        snprintf(inputs, sizeof(inputs), "%s", store_col_text(st, 2));
    }
    store_finish(st);
    if (rc < 0)
        return MASTERY_ERR_STORE;
    int err = latest_seq(db, institution, out->seq, &out->latest);
    err = err ? err : pending_count(db, institution, &out->pending);
    struct mastery_model *m = NULL;
    err = err ? err : mastery_model_get(db, institution, 0, &m);
    if (!err)
        out->stale = rc != STORE_ROW ? out->latest > 0 : strcmp(inputs, m->inputs) != 0;
    mastery_model_put(&m);
    if (out->seq > out->latest)
        out->seq = out->latest; /* the cursor skips past other institutions' statements */
    return err;
}

int mastery_catch_up(struct store *db, int64_t institution, int batch, int64_t max, unsigned flags,
                     struct mastery_progress *progress)
{
    struct run r = {.db = db, .institution = institution, .cursor = -1};
    if (batch < 1)
        batch = 1;
    if (batch > MASTERY_BATCH_MAX)
        batch = MASTERY_BATCH_MAX;
    int err = mastery_model_get(db, institution, 0, &r.model);
    int64_t processed = 0;
    int done = 0, stale = 0;
    while (!err && !done && (!max || processed < max)) {
        int64_t room = max ? max - processed : batch;
        err = batch_once(&r, room < batch ? (int)room : batch, flags, &processed, &done, &stale);
    }
    int64_t changes = r.changes;
    run_release(&r);
    if (progress) {
        int serr = mastery_status(db, institution, progress);
        err = err ? err : serr;
        progress->processed = processed;
        progress->changes = changes;
        progress->stale = progress->stale || stale;
    }
    if (!err && stale)
        return MASTERY_ERR_STALE;
    return err;
}

int mastery_invalidate(struct store *db, int64_t institution)
{
    return exec_ints(db, "UPDATE mastery_cursors SET inputs = '' WHERE institution_id = ?", 1,
                     institution, 0);
}

int mastery_rebuild(struct store *db, int64_t institution, int batch,
                    struct mastery_progress *progress)
{
    int err = mastery_invalidate(db, institution);
    return err ? err : mastery_catch_up(db, institution, batch, 0, 0, progress);
}

int mastery_forget_learner(struct store *db, int64_t institution, const char *agent_key)
{
    if (store_begin(db))
        return MASTERY_ERR_STORE;
    struct store_stmt *st;
    int err = MASTERY_ERR_STORE;
    if (!store_prepare(db, "DELETE FROM mastery_learners WHERE institution_id = ? AND agent = ?",
                       &st)) {
        store_bind_int(st, 1, institution);
        store_bind_text(st, 2, agent_key);
        err = store_step(st) < 0 ? MASTERY_ERR_STORE : MASTERY_OK;
        store_finish(st);
    }
    err = err ? err : mastery_invalidate(db, institution);
    if (err) {
        store_rollback(db);
        return err;
    }
    return store_commit(db) ? MASTERY_ERR_STORE : MASTERY_OK;
}
