/*
 * JSON-LD 1.1 expansion and conversion to RDF, written from the W3C "JSON-LD
 * 1.1 Processing Algorithms and API" Recommendation. Step numbers in comments
 * are that document's. What is left out is what credentials cannot reach:
 * remote documents (contexts come only from the bundle), frame expansion,
 * compaction, and the rdfDirection option (base directions are dropped when
 * converting to RDF, as they are by default).
 *
 * Memory: active contexts, term definitions and strings live in one arena per
 * call; expanded values are jansson values. Active contexts are immutable once
 * built, so deriving one copies its term table and the results of context
 * processing are cached per call (the same type-scoped context is applied to
 * every node of its type).
 */
#include "credential/jsonld.h"

#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "credential/contexts.h"
#include "util/alloc.h"
#include "util/banned.h"

/* Container mapping bits. */
enum {
    C_LIST = 1 << 0,
    C_SET = 1 << 1,
    C_GRAPH = 1 << 2,
    C_ID = 1 << 3,
    C_INDEX = 1 << 4,
    C_LANGUAGE = 1 << 5,
    C_TYPE = 1 << 6,
};

struct term_def {
    const char *iri; /* NULL: the term is defined as null */
    const char *type;
    const char *language;
    const char *direction;
    const json_t *context; /* the scoped context, when HAS_CONTEXT (may be JSON null) */
    const char *base;
    const char *index;
    const char *nest;
    unsigned container;
    unsigned has_language : 1, has_direction : 1, has_context : 1, prefix : 1, protect : 1,
        reverse : 1, from_bundle : 1;
};

/* A string-keyed open-addressing table; a NULL value marks a removed entry. */
struct smap_slot {
    const char *key;
    uint32_t hash;
    void *value;
};

struct smap {
    struct smap_slot *slots;
    size_t n_slots, n_used;
};

struct ctx {
    const char *base;
    const char *original_base;
    const char *vocab;
    const char *language;
    const char *direction;
    const struct ctx *previous;
    struct smap terms;
    int has_protected;
};

struct cache_entry {
    const struct ctx *active;
    const json_t *local;
    const char *base;
    unsigned flags;
    const struct ctx *result;
};

struct remote {
    const char *url;
    const struct remote *next;
};

/* The context definition whose terms are being created (Create Term Definition's inputs). */
struct defining {
    const json_t *local;
    struct smap *defined;
    const char *base_url;
    int protect;
    int override_protected;
    const struct remote *remotes;
    int validate;
    int from_bundle;
};

/* Values the processor owns beyond jansson's references (merged @import maps). */
struct kept {
    json_t *v;
    struct kept *next;
};

struct proc {
    struct cred_arena arena;
    struct kept *kept;
    const struct jsonld_options *opt;
    int strict;
    int max_depth;
    char *why;
    size_t values_left;
    int depth;
    struct cache_entry *cache;
    size_t cache_len, cache_cap;
    const struct ctx *initial;
    /* toRdf */
    struct rdf_dataset *ds;
    unsigned long next_bnode;
};

static const char *const keywords[] = {
    "@base",   "@container", "@context", "@direction", "@graph",     "@id",
    "@import", "@included",  "@index",   "@json",      "@language",  "@list",
    "@nest",   "@none",      "@prefix",  "@propagate", "@protected", "@reverse",
    "@set",    "@type",      "@value",   "@version",   "@vocab",
};

static int fail(struct proc *p, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct proc *p, int code, const char *fmt, ...)
{
    if (p->why && !p->why[0]) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->why, JSONLD_WHY_SIZE, fmt, ap);
        va_end(ap);
    }
    return code;
}

static int nomem(struct proc *p)
{
    if (p->arena.used + 65536 > p->arena.max)
        return fail(p, JSONLD_ERR_LIMIT, "the document needs more memory than the limit allows");
    return fail(p, JSONLD_ERR_NOMEM, "out of memory");
}

static int is_keyword(const char *s)
{
    if (!s || s[0] != '@')
        return 0;
    for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
        if (strcmp(s, keywords[i]) == 0)
            return 1;
    return 0;
}

/* "@" followed by one or more ASCII letters: reserved for future keywords. */
static int keyword_form(const char *s)
{
    if (s[0] != '@' || !s[1])
        return 0;
    for (const char *c = s + 1; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')))
            return 0;
    return 1;
}

static int is_bnode(const char *s)
{
    return s[0] == '_' && s[1] == ':';
}

/* An absolute IRI: a scheme, then ':' (the form JSON-LD processors test). */
static int is_absolute_iri(const char *s)
{
    if (!isalpha((unsigned char)s[0]))
        return 0;
    const char *c = s + 1;
    while (isalnum((unsigned char)*c) || *c == '+' || *c == '-' || *c == '.')
        c++;
    return *c == ':';
}

/* An IRI that can be written in N-Quads: absolute, and none of the characters IRIREF forbids. */
static int is_well_formed_iri(const char *s)
{
    if (!is_absolute_iri(s))
        return 0;
    for (const unsigned char *c = (const unsigned char *)s; *c; c++)
        if (*c <= 0x20 || *c == '<' || *c == '>' || *c == '"' || *c == '{' || *c == '}' ||
            *c == '|' || *c == '^' || *c == '`' || *c == '\\' || *c == 0x7f)
            return 0;
    return 1;
}

static int ends_with_gen_delim(const char *s)
{
    size_t n = strlen(s);
    return n && strchr(":/?#[]@", s[n - 1]) != NULL;
}

/* ------------------------------------------------------------------ tables */

static uint32_t str_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static struct smap_slot *smap_slot(const struct smap *m, const char *key, uint32_t h)
{
    size_t mask = m->n_slots - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        struct smap_slot *s = &m->slots[i];
        if (!s->key || (s->hash == h && strcmp(s->key, key) == 0))
            return s;
    }
}

static void *smap_get(const struct smap *m, const char *key, int *present)
{
    if (present)
        *present = 0;
    if (!m->n_slots)
        return NULL;
    struct smap_slot *s = smap_slot(m, key, str_hash(key));
    if (!s->key || !s->value)
        return NULL;
    if (present)
        *present = 1;
    return s->value;
}

static int smap_put(struct proc *p, struct smap *m, const char *key, void *value)
{
    if ((m->n_used + 1) * 4 >= m->n_slots * 3) {
        size_t n = m->n_slots ? m->n_slots * 2 : 64;
        struct smap_slot *slots = cred_arena_zalloc(&p->arena, n * sizeof(*slots));
        if (!slots)
            return nomem(p);
        struct smap old = *m;
        m->slots = slots;
        m->n_slots = n;
        for (size_t i = 0; i < old.n_slots; i++)
            if (old.slots[i].key)
                *smap_slot(m, old.slots[i].key, old.slots[i].hash) = old.slots[i];
    }
    uint32_t h = str_hash(key);
    struct smap_slot *s = smap_slot(m, key, h);
    if (!s->key) {
        s->key = key;
        s->hash = h;
        m->n_used++;
    }
    s->value = value;
    return 0;
}

static int smap_copy(struct proc *p, struct smap *dst, const struct smap *src)
{
    *dst = *src;
    if (!src->n_slots)
        return 0;
    dst->slots = cred_arena_alloc(&p->arena, src->n_slots * sizeof(*src->slots));
    if (!dst->slots)
        return nomem(p);
    memcpy(dst->slots, src->slots, src->n_slots * sizeof(*src->slots));
    return 0;
}

static const struct term_def *term_get(const struct ctx *c, const char *term)
{
    return smap_get(&c->terms, term, NULL);
}

/* ------------------------------------------------------------------ IRIs */

/* Removes dot segments (RFC 3986 5.2.4) from PATH into OUT (same size or larger). */
static void remove_dots(const char *path, char *out)
{
    char *o = out;
    const char *in = path;
    while (*in) {
        if (strncmp(in, "../", 3) == 0)
            in += 3;
        else if (strncmp(in, "./", 2) == 0)
            in += 2;
        else if (strncmp(in, "/./", 3) == 0)
            in += 2;
        else if (strcmp(in, "/.") == 0)
            in = "/";
        else if (strncmp(in, "/../", 4) == 0 || strcmp(in, "/..") == 0) {
            in = in[3] ? in + 3 : "/";
            while (o > out && *--o != '/')
                ;
            *o = 0;
        } else if (strcmp(in, ".") == 0 || strcmp(in, "..") == 0)
            in += strlen(in);
        else {
            if (*in == '/')
                *o++ = *in++;
            while (*in && *in != '/')
                *o++ = *in++;
        }
        *o = 0;
    }
    *o = 0;
}

/* Resolves REF against the absolute BASE (RFC 3986 5.2.2); NULL when memory runs out. */
static const char *resolve_iri(struct proc *p, const char *base, const char *ref)
{
    if (!base || is_absolute_iri(ref))
        return ref;
    /* Split the base into scheme ":" [//authority] path [?query]. */
    const char *colon = strchr(base, ':');
    size_t scheme_len = (size_t)(colon - base) + 1;
    const char *rest = colon + 1;
    const char *path_start = rest;
    if (rest[0] == '/' && rest[1] == '/') {
        path_start = rest + 2;
        while (*path_start && *path_start != '/' && *path_start != '?' && *path_start != '#')
            path_start++;
    }
    size_t auth_end = (size_t)(path_start - base);
    const char *path_end = path_start;
    while (*path_end && *path_end != '?' && *path_end != '#')
        path_end++;
    const char *query_end = path_end;
    while (*query_end && *query_end != '#')
        query_end++;

    size_t cap = strlen(base) + strlen(ref) + 4;
    char *merged = cred_arena_alloc(&p->arena, cap);
    char *out = cred_arena_alloc(&p->arena, cap + auth_end);
    if (!merged || !out)
        return NULL;
    if (ref[0] == '/' && ref[1] == '/') {
        snprintf(out, cap + auth_end, "%.*s%s", (int)scheme_len, base, ref);
        return out;
    }
    const char *ref_query = ref;
    while (*ref_query && *ref_query != '?' && *ref_query != '#')
        ref_query++;
    size_t ref_path_len = (size_t)(ref_query - ref);
    if (ref_path_len == 0) {
        /* Same path; the reference's query or else the base's, then the fragment. */
        if (*ref_query == '?')
            snprintf(out, cap + auth_end, "%.*s%s", (int)(path_end - base), base, ref);
        else
            snprintf(out, cap + auth_end, "%.*s%s", (int)(query_end - base), base, ref);
        return out;
    }
    if (ref[0] == '/') {
        snprintf(merged, cap, "%.*s", (int)ref_path_len, ref);
    } else {
        /* Merge: the base path up to its last '/', then the reference. */
        const char *slash = path_end;
        while (slash > path_start && slash[-1] != '/')
            slash--;
        if (slash == path_start && path_start != rest && path_start == path_end)
            snprintf(merged, cap, "/%.*s", (int)ref_path_len, ref);
        else
            snprintf(merged, cap, "%.*s%.*s", (int)(slash - path_start), path_start,
                     (int)ref_path_len, ref);
    }
    char *clean = cred_arena_alloc(&p->arena, strlen(merged) + 2);
    if (!clean)
        return NULL;
    remove_dots(merged, clean);
    snprintf(out, cap + auth_end, "%.*s%s%s", (int)auth_end, base, clean, ref_query);
    return out;
}

static int create_term(struct proc *p, struct ctx *active, const struct defining *df,
                       const char *term);

/*
 * IRI Expansion (5.2.2). DF is given during context processing (its local
 * context and defined map); *OUT is NULL when the value expands to null.
 */
static int expand_iri(struct proc *p, struct ctx *active, const char *value, int doc_relative,
                      int vocab, const struct defining *df, const char **out)
{
    *out = value;
    /* 1-2 */
    if (is_keyword(value))
        return 0;
    if (keyword_form(value)) {
        *out = NULL;
        return 0;
    }
    /* 3 */
    int err;
    if (df && json_object_get(df->local, value) &&
        (intptr_t)smap_get(df->defined, value, NULL) != 2) {
        if ((err = create_term(p, active, df, value)))
            return err;
    }
    /* 4-5 */
    int present;
    const struct term_def *d = smap_get(&active->terms, value, &present);
    if (present && d->iri && is_keyword(d->iri)) {
        *out = d->iri;
        return 0;
    }
    if (vocab && present) {
        *out = d->iri;
        return 0;
    }
    /* 6 */
    const char *colon = value[0] ? strchr(value + 1, ':') : NULL;
    if (colon) {
        size_t plen = (size_t)(colon - value);
        const char *suffix = colon + 1;
        if ((plen == 1 && value[0] == '_') || (suffix[0] == '/' && suffix[1] == '/'))
            return 0;
        char *prefix = cred_arena_strndup(&p->arena, value, plen);
        if (!prefix)
            return nomem(p);
        if (df && json_object_get(df->local, prefix) &&
            (intptr_t)smap_get(df->defined, prefix, NULL) != 2) {
            if ((err = create_term(p, active, df, prefix)))
                return err;
        }
        const struct term_def *pd = term_get(active, prefix);
        if (pd && pd->iri && pd->prefix) {
            *out = cred_arena_concat(&p->arena, pd->iri, suffix);
            return *out ? 0 : nomem(p);
        }
        if (is_absolute_iri(value))
            return 0;
    }
    /* 7 */
    if (vocab && active->vocab) {
        *out = cred_arena_concat(&p->arena, active->vocab, value);
        return *out ? 0 : nomem(p);
    }
    /* 8 */
    if (doc_relative && active->base) {
        *out = resolve_iri(p, active->base, value);
        return *out ? 0 : nomem(p);
    }
    return 0;
}

/* ------------------------------------------------------------------ contexts */

/* Takes V (its reference) into the processor's keeping until proc_release; -1 when out of memory.
 */
static int keep_value(struct proc *p, json_t *v)
{
    struct kept *k = cred_arena_alloc(&p->arena, sizeof(*k));
    if (!k) {
        json_decref(v);
        return -1;
    }
    k->v = v;
    k->next = p->kept;
    p->kept = k;
    return 0;
}

static int ctx_process(struct proc *p, const struct ctx *active, const json_t *local,
                       const char *base_url, int override_protected, int propagate, int validate,
                       const struct remote *remotes, int from_bundle, const struct ctx **out);

static struct ctx *ctx_copy(struct proc *p, const struct ctx *c)
{
    struct ctx *n = cred_arena_alloc(&p->arena, sizeof(*n));
    if (!n)
        return NULL;
    *n = *c;
    if (smap_copy(p, &n->terms, &c->terms))
        return NULL;
    return n;
}

static int def_equal(const struct term_def *a, const struct term_def *b)
{
#define SAME_STR(x, y) ((x) == (y) || ((x) && (y) && strcmp((x), (y)) == 0))
    if (!SAME_STR(a->iri, b->iri) || !SAME_STR(a->type, b->type) || !SAME_STR(a->index, b->index) ||
        !SAME_STR(a->nest, b->nest))
        return 0;
    if (a->container != b->container || a->prefix != b->prefix || a->reverse != b->reverse)
        return 0;
    if (a->has_language != b->has_language || !SAME_STR(a->language, b->language))
        return 0;
    if (a->has_direction != b->has_direction || !SAME_STR(a->direction, b->direction))
        return 0;
    if (a->has_context != b->has_context)
        return 0;
    if (a->has_context && a->context != b->context && !json_equal(a->context, b->context))
        return 0;
    return 1;
#undef SAME_STR
}

static int parse_container(struct proc *p, const json_t *v, unsigned *out)
{
    *out = 0;
    const json_t *one[1] = {v};
    size_t n = 1;
    const json_t *const *items = one;
    const json_t **arr = NULL;
    if (json_is_array(v)) {
        n = json_array_size(v);
        arr = cred_arena_alloc(&p->arena, (n ? n : 1) * sizeof(*arr));
        if (!arr)
            return nomem(p);
        for (size_t i = 0; i < n; i++)
            arr[i] = json_array_get(v, i);
        items = arr;
    }
    static const struct {
        const char *name;
        unsigned bit;
    } names[] = {{"@list", C_LIST},   {"@set", C_SET},           {"@graph", C_GRAPH}, {"@id", C_ID},
                 {"@index", C_INDEX}, {"@language", C_LANGUAGE}, {"@type", C_TYPE}};
    for (size_t i = 0; i < n; i++) {
        const char *s = json_string_value(items[i]);
        unsigned bit = 0;
        for (size_t k = 0; s && k < sizeof(names) / sizeof(names[0]); k++)
            if (strcmp(s, names[k].name) == 0)
                bit = names[k].bit;
        if (!bit || (*out & bit))
            return fail(p, JSONLD_ERR_SYNTAX, "invalid container mapping");
        *out |= bit;
    }
    unsigned c = *out;
    int ok;
    if (json_is_string(v))
        ok = 1;
    else if (c & C_LIST)
        ok = c == C_LIST;
    else if (c & C_GRAPH)
        ok = (c & ~(C_GRAPH | C_ID | C_INDEX | C_SET)) == 0 && !((c & C_ID) && (c & C_INDEX));
    else
        ok = __builtin_popcount(c & ~C_SET) <= 1;
    if (!ok || n == 0)
        return fail(p, JSONLD_ERR_SYNTAX, "invalid container mapping");
    return 0;
}

/* Create Term Definition (4.2.2). */
static int create_term(struct proc *p, struct ctx *active, const struct defining *df,
                       const char *term)
{
    int err;
    const json_t *local = df->local;
    struct smap *defined = df->defined;
    const int from_bundle = df->from_bundle;
    /* 1 */
    intptr_t state = (intptr_t)smap_get(defined, term, NULL);
    if (state == 2)
        return 0;
    if (state == 1)
        return fail(p, JSONLD_ERR_SYNTAX, "cyclic IRI mapping at term \"%s\"", term);
    /* 2 */
    if (!term[0])
        return fail(p, JSONLD_ERR_SYNTAX, "invalid term definition: an empty term");
    if ((err = smap_put(p, defined, term, (void *)(intptr_t)1)))
        return err;
    /* 3 */
    const json_t *value = json_object_get(local, term);
    /* 4-5 */
    if (strcmp(term, "@type") == 0) {
        const char *k;
        const json_t *v;
        int ok = json_is_object(value) && json_object_size(value) > 0;
        json_object_foreach ((json_t *)value, k, v) {
            if (strcmp(k, "@container") == 0)
                ok = ok && json_is_string(v) && strcmp(json_string_value(v), "@set") == 0;
            else if (strcmp(k, "@protected") != 0)
                ok = 0;
        }
        if (!ok)
            return fail(p, JSONLD_ERR_SYNTAX, "keyword redefinition of @type");
        /* Only compaction uses it; nothing to record for expansion. */
        return smap_put(p, defined, term, (void *)(intptr_t)2);
    }
    if (is_keyword(term))
        return fail(p, JSONLD_ERR_SYNTAX, "keyword redefinition of %s", term);
    if (keyword_form(term))
        return smap_put(p, defined, term, (void *)(intptr_t)2);
    /* 6 */
    int had_previous;
    const struct term_def *previous = smap_get(&active->terms, term, &had_previous);
    if (had_previous && (err = smap_put(p, &active->terms, term, NULL)))
        return err;
    /* 7-9: null and a string stand for {"@id": value}. */
    int simple = json_is_string(value);
    if (!json_is_null(value) && !json_is_string(value) && !json_is_object(value))
        return fail(p, JSONLD_ERR_SYNTAX, "invalid term definition of \"%s\"", term);
    /* 10 */
    struct term_def *def = cred_arena_zalloc(&p->arena, sizeof(*def));
    if (!def)
        return nomem(p);
    def->protect = df->protect ? 1 : 0;
    def->from_bundle = from_bundle ? 1 : 0;
    const json_t *id_v = NULL, *type_v = NULL, *reverse_v = NULL, *container_v = NULL,
                 *context_v = NULL, *index_v = NULL, *lang_v = NULL, *dir_v = NULL, *nest_v = NULL,
                 *prefix_v = NULL;
    int has_id = 0, has_context = 0, has_lang = 0, has_dir = 0;
    if (json_is_object(value)) {
        const char *k;
        const json_t *v;
        json_object_foreach ((json_t *)value, k, v) {
            if (strcmp(k, "@id") == 0) {
                id_v = v;
                has_id = 1;
            } else if (strcmp(k, "@type") == 0)
                type_v = v;
            else if (strcmp(k, "@reverse") == 0)
                reverse_v = v;
            else if (strcmp(k, "@container") == 0)
                container_v = v;
            else if (strcmp(k, "@context") == 0) {
                context_v = v;
                has_context = 1;
            } else if (strcmp(k, "@index") == 0)
                index_v = v;
            else if (strcmp(k, "@language") == 0) {
                lang_v = v;
                has_lang = 1;
            } else if (strcmp(k, "@direction") == 0) {
                dir_v = v;
                has_dir = 1;
            } else if (strcmp(k, "@nest") == 0)
                nest_v = v;
            else if (strcmp(k, "@prefix") == 0)
                prefix_v = v;
            else if (strcmp(k, "@protected") == 0) {
                /* 11 */
                if (!json_is_boolean(v))
                    return fail(p, JSONLD_ERR_SYNTAX, "invalid @protected value");
                def->protect = json_is_true(v);
            } else {
                /* 26 */
                return fail(p, JSONLD_ERR_SYNTAX, "invalid term definition of \"%s\" (%s)", term,
                            k);
            }
        }
    } else {
        id_v = value;
        has_id = 1;
    }
    /* 12 */
    if (type_v) {
        if (!json_is_string(type_v))
            return fail(p, JSONLD_ERR_SYNTAX, "invalid type mapping of \"%s\"", term);
        const char *t;
        if ((err = expand_iri(p, active, json_string_value(type_v), 0, 1, df, &t)))
            return err;
        if (!t || !(strcmp(t, "@id") == 0 || strcmp(t, "@json") == 0 || strcmp(t, "@none") == 0 ||
                    strcmp(t, "@vocab") == 0 || (!is_keyword(t) && is_absolute_iri(t))))
            return fail(p, JSONLD_ERR_SYNTAX, "invalid type mapping of \"%s\"", term);
        def->type = t;
    }
    /* 13 */
    if (reverse_v) {
        if (has_id || nest_v)
            return fail(p, JSONLD_ERR_SYNTAX, "invalid reverse property \"%s\"", term);
        if (!json_is_string(reverse_v))
            return fail(p, JSONLD_ERR_SYNTAX, "invalid IRI mapping of \"%s\"", term);
        const char *r = json_string_value(reverse_v);
        if (keyword_form(r))
            return smap_put(p, defined, term, (void *)(intptr_t)2);
        if ((err = expand_iri(p, active, r, 0, 1, df, &def->iri)))
            return err;
        if (!def->iri || (!is_absolute_iri(def->iri) && !is_bnode(def->iri)))
            return fail(p, JSONLD_ERR_SYNTAX, "invalid IRI mapping of \"%s\"", term);
        if (container_v) {
            if (!json_is_null(container_v)) {
                if ((err = parse_container(p, container_v, &def->container)))
                    return err;
                if (def->container & ~(C_SET | C_INDEX))
                    return fail(p, JSONLD_ERR_SYNTAX, "invalid reverse property \"%s\"", term);
            }
        }
        def->reverse = 1;
        if ((err = smap_put(p, &active->terms, term, def)))
            return err;
        if (def->protect)
            active->has_protected = 1;
        return smap_put(p, defined, term, (void *)(intptr_t)2);
    }
    /* 14-18 */
    const char *colon = strchr(term + 1, ':');
    if (has_id && !(json_is_string(id_v) && strcmp(json_string_value(id_v), term) == 0)) {
        if (json_is_null(id_v)) {
            def->iri = NULL; /* 14.1: kept to detect redefinitions, never used to expand */
        } else {
            if (!json_is_string(id_v))
                return fail(p, JSONLD_ERR_SYNTAX, "invalid IRI mapping of \"%s\"", term);
            const char *id = json_string_value(id_v);
            if (!is_keyword(id) && keyword_form(id))
                return smap_put(p, defined, term, (void *)(intptr_t)2);
            if ((err = expand_iri(p, active, id, 0, 1, df, &def->iri)))
                return err;
            if (!def->iri ||
                !(is_keyword(def->iri) || is_absolute_iri(def->iri) || is_bnode(def->iri)))
                return fail(p, JSONLD_ERR_SYNTAX, "invalid IRI mapping of \"%s\"", term);
            if (strcmp(def->iri, "@context") == 0)
                return fail(p, JSONLD_ERR_SYNTAX, "invalid keyword alias \"%s\"", term);
            size_t tl = strlen(term);
            if ((tl > 2 && memchr(term + 1, ':', tl - 2)) || strchr(term, '/')) {
                if ((err = smap_put(p, defined, term, (void *)(intptr_t)2)))
                    return err;
                const char *again;
                if ((err = expand_iri(p, active, term, 0, 1, df, &again)))
                    return err;
                if (!again || strcmp(again, def->iri) != 0)
                    return fail(p, JSONLD_ERR_SYNTAX, "invalid IRI mapping of \"%s\"", term);
            }
            if (!strchr(term, ':') && !strchr(term, '/') && simple &&
                (ends_with_gen_delim(def->iri) || is_bnode(def->iri)))
                def->prefix = 1;
        }
    } else if (colon) {
        /* 15 */
        size_t plen = (size_t)(colon - term);
        char *prefix = cred_arena_strndup(&p->arena, term, plen);
        if (!prefix)
            return nomem(p);
        if (json_object_get(local, prefix) && (err = create_term(p, active, df, prefix)))
            return err;
        const struct term_def *pd = term_get(active, prefix);
        if (pd && pd->iri)
            def->iri = cred_arena_concat(&p->arena, pd->iri, colon + 1);
        else
            def->iri = term;
        if (!def->iri)
            return nomem(p);
    } else if (strchr(term, '/')) {
        /* 16 */
        if ((err = expand_iri(p, active, term, 1, 0, NULL, &def->iri)))
            return err;
        if (!def->iri || !is_absolute_iri(def->iri))
            return fail(p, JSONLD_ERR_SYNTAX, "invalid IRI mapping of \"%s\"", term);
    } else if (strcmp(term, "@type") == 0) {
        def->iri = "@type";
    } else if (active->vocab) {
        /* 18 */
        def->iri = cred_arena_concat(&p->arena, active->vocab, term);
        if (!def->iri)
            return nomem(p);
    } else {
        return fail(p, JSONLD_ERR_SYNTAX, "invalid IRI mapping: \"%s\" has no IRI", term);
    }
    /* 19 */
    if (container_v) {
        if ((err = parse_container(p, container_v, &def->container)))
            return err;
        if (def->container & C_TYPE) {
            if (!def->type)
                def->type = "@id";
            if (strcmp(def->type, "@id") != 0 && strcmp(def->type, "@vocab") != 0)
                return fail(p, JSONLD_ERR_SYNTAX, "invalid type mapping of \"%s\"", term);
        }
    }
    /* 20 */
    if (index_v) {
        if (!(def->container & C_INDEX) || !json_is_string(index_v))
            return fail(p, JSONLD_ERR_SYNTAX, "invalid term definition of \"%s\" (@index)", term);
        const char *ix;
        if ((err = expand_iri(p, active, json_string_value(index_v), 0, 1, df, &ix)))
            return err;
        if (!ix || !is_absolute_iri(ix))
            return fail(p, JSONLD_ERR_SYNTAX, "invalid term definition of \"%s\" (@index)", term);
        def->index = json_string_value(index_v);
    }
    /* 21 */
    if (has_context) {
        /* Bundled contexts are known to be valid (a unit test processes every scoped context
         * of every one of them), so the costly early check runs only for the document's own. */
        if (df->validate && !from_bundle) {
            const struct ctx *ignored;
            if ((err = ctx_process(p, active, context_v, df->base_url, 1, 1, 0, df->remotes,
                                   from_bundle, &ignored)))
                return err == JSONLD_ERR_NOMEM || err == JSONLD_ERR_LIMIT
                           ? err
                           : fail(p, JSONLD_ERR_SYNTAX, "invalid scoped context of \"%s\"", term);
        }
        def->context = context_v;
        def->has_context = 1;
        def->base = df->base_url;
    }
    /* 22-23 */
    if (has_lang && !type_v) {
        if (!json_is_null(lang_v) && !json_is_string(lang_v))
            return fail(p, JSONLD_ERR_SYNTAX, "invalid language mapping of \"%s\"", term);
        def->has_language = 1;
        if (json_is_string(lang_v)) {
            char *l = cred_arena_strdup(&p->arena, json_string_value(lang_v));
            if (!l)
                return nomem(p);
            for (char *c = l; *c; c++)
                *c = (char)tolower((unsigned char)*c);
            def->language = l;
        }
    }
    if (has_dir && !type_v) {
        const char *d = json_string_value(dir_v);
        if (!json_is_null(dir_v) && !(d && (strcmp(d, "ltr") == 0 || strcmp(d, "rtl") == 0)))
            return fail(p, JSONLD_ERR_SYNTAX, "invalid base direction of \"%s\"", term);
        def->has_direction = 1;
        def->direction = d;
    }
    /* 24 */
    if (nest_v) {
        const char *n = json_string_value(nest_v);
        if (!n || (is_keyword(n) && strcmp(n, "@nest") != 0))
            return fail(p, JSONLD_ERR_SYNTAX, "invalid @nest value of \"%s\"", term);
        def->nest = n;
    }
    /* 25 */
    if (prefix_v) {
        if (strchr(term, ':') || strchr(term, '/'))
            return fail(p, JSONLD_ERR_SYNTAX, "invalid term definition of \"%s\" (@prefix)", term);
        if (!json_is_boolean(prefix_v))
            return fail(p, JSONLD_ERR_SYNTAX, "invalid @prefix value of \"%s\"", term);
        def->prefix = json_is_true(prefix_v);
        if (def->prefix && def->iri && is_keyword(def->iri))
            return fail(p, JSONLD_ERR_SYNTAX, "invalid term definition of \"%s\" (@prefix)", term);
    }
    /* 27 */
    if (!df->override_protected && had_previous && previous && previous->protect) {
        if (!def_equal(def, previous))
            return fail(p, JSONLD_ERR_PROTECTED, "protected term redefinition: \"%s\"", term);
        def = (struct term_def *)previous;
    }
    /* 28 */
    if ((err = smap_put(p, &active->terms, term, def)))
        return err;
    if (def->protect)
        active->has_protected = 1;
    return smap_put(p, defined, term, (void *)(intptr_t)2);
}

static const struct ctx *cache_find(struct proc *p, const struct ctx *active, const json_t *local,
                                    const char *base, unsigned flags)
{
    for (size_t i = p->cache_len; i-- > 0;) {
        const struct cache_entry *e = &p->cache[i];
        if (e->active == active && e->local == local && e->base == base && e->flags == flags)
            return e->result;
    }
    return NULL;
}

static void cache_add(struct proc *p, const struct ctx *active, const json_t *local,
                      const char *base, unsigned flags, const struct ctx *result)
{
    if (p->cache_len == p->cache_cap) {
        if (p->cache_cap >= 4096)
            return; /* a cache, not a requirement */
        size_t cap = p->cache_cap ? p->cache_cap * 2 : 32;
        struct cache_entry *n = cred_arena_alloc(&p->arena, cap * sizeof(*n));
        if (!n)
            return;
        if (p->cache_len)
            memcpy(n, p->cache, p->cache_len * sizeof(*n));
        p->cache = n;
        p->cache_cap = cap;
    }
    p->cache[p->cache_len++] = (struct cache_entry){active, local, base, flags, result};
}

/* Context Processing (4.1.2). */
static int ctx_process(struct proc *p, const struct ctx *active, const json_t *local,
                       const char *base_url, int override_protected, int propagate, int validate,
                       const struct remote *remotes, int from_bundle, const struct ctx **out)
{
    unsigned flags = (override_protected ? 1 : 0) | (propagate ? 2 : 0) | (validate ? 4 : 0) |
                     (from_bundle ? 8 : 0);
    const struct ctx *cached = cache_find(p, active, local, base_url, flags);
    if (cached) {
        *out = cached;
        return 0;
    }
    if (++p->depth > p->max_depth) {
        p->depth--;
        return fail(p, JSONLD_ERR_LIMIT, "contexts nest too deeply");
    }
    int err = 0;
    /* 1 */
    struct ctx *result = ctx_copy(p, active);
    if (!result) {
        err = nomem(p);
        goto done;
    }
    /* 2 */
    if (json_is_object(local) && json_object_get(local, "@propagate")) {
        const json_t *v = json_object_get(local, "@propagate");
        if (!json_is_boolean(v)) {
            err = fail(p, JSONLD_ERR_SYNTAX, "invalid @propagate value");
            goto done;
        }
        propagate = json_is_true(v);
    }
    /* 3 */
    if (!propagate && !result->previous)
        result->previous = active;
    /* 4-5 */
    size_t n = json_is_array(local) ? json_array_size(local) : 1;
    for (size_t i = 0; i < n; i++) {
        const json_t *item = json_is_array(local) ? json_array_get(local, i) : local;
        if (json_is_null(item)) {
            /* 5.1 */
            if (!override_protected && result->has_protected) {
                err = fail(p, JSONLD_ERR_PROTECTED,
                           "invalid context nullification: the context has protected terms");
                goto done;
            }
            const struct ctx *prev = result;
            result = ctx_copy(p, p->initial);
            if (!result) {
                err = nomem(p);
                goto done;
            }
            result->base = result->original_base = active->original_base;
            if (!propagate)
                result->previous = prev;
            continue;
        }
        if (json_is_string(item)) {
            /* 5.2 */
            const char *url = json_string_value(item);
            if (active->base && !is_absolute_iri(url))
                url = resolve_iri(p, active->base, url);
            if (!url) {
                err = nomem(p);
                goto done;
            }
            int seen = 0, count = 0;
            for (const struct remote *r = remotes; r; r = r->next, count++)
                if (strcmp(r->url, url) == 0)
                    seen = 1;
            if (!validate && seen)
                continue;
            if (count >= 32) {
                err = fail(p, JSONLD_ERR_LIMIT, "context overflow: more than 32 nested contexts");
                goto done;
            }
            const json_t *doc = jsonld_context_document(url);
            if (!doc) {
                err = fail(p, JSONLD_ERR_NOT_BUNDLED, "context not bundled: %s", url);
                goto done;
            }
            /* From here on the URL is the table's own string, which lives as long as the
             * process: term definitions keep it as their base, and may outlive the document. */
            url = embedded_find(jsonld_bundled_contexts, jsonld_bundled_contexts_count, url)->path;
            const json_t *loaded = json_object_get(doc, "@context");
            if (!loaded) {
                err = fail(p, JSONLD_ERR_SYNTAX, "invalid remote context: %s", url);
                goto done;
            }
            struct remote *r = cred_arena_alloc(&p->arena, sizeof(*r));
            if (!r) {
                err = nomem(p);
                goto done;
            }
            r->url = url;
            r->next = remotes;
            remotes = r;
            const struct ctx *next;
            if ((err = ctx_process(p, result, loaded, url, override_protected, 1, validate, r, 1,
                                   &next)))
                goto done;
            result = (struct ctx *)next;
            /* RESULT may be a cached, shared context now: copy before changing it again. */
            if (i + 1 < n) {
                result = ctx_copy(p, next);
                if (!result) {
                    err = nomem(p);
                    goto done;
                }
            }
            continue;
        }
        /* 5.3 */
        if (!json_is_object(item)) {
            err = fail(p, JSONLD_ERR_SYNTAX, "invalid local context");
            goto done;
        }
        const json_t *def = item;
        json_t *merged = NULL;
        /* 5.5 */
        const json_t *version = json_object_get(def, "@version");
        if (version && !(json_is_number(version) && json_number_value(version) == 1.1)) {
            err = fail(p, JSONLD_ERR_SYNTAX, "invalid @version value");
            goto done;
        }
        /* 5.6 */
        const json_t *import = json_object_get(def, "@import");
        if (import) {
            if (!json_is_string(import)) {
                err = fail(p, JSONLD_ERR_SYNTAX, "invalid @import value");
                goto done;
            }
            const json_t *doc = jsonld_context_document(json_string_value(import));
            if (!doc) {
                err = fail(p, JSONLD_ERR_NOT_BUNDLED, "context not bundled: %s",
                           json_string_value(import));
                goto done;
            }
            const json_t *ic = json_object_get(doc, "@context");
            if (!json_is_object(ic) || json_object_get(ic, "@import")) {
                err = fail(p, JSONLD_ERR_SYNTAX, "invalid remote context in @import");
                goto done;
            }
            /* The merged map must live as long as the processor: term definitions point into
             * it. */
            merged = json_deep_copy(ic);
            if (!merged || json_object_update(merged, (json_t *)def) || keep_value(p, merged)) {
                err = nomem(p);
                goto done;
            }
            def = merged;
        }
        /* 5.7 */
        const json_t *base = json_object_get(def, "@base");
        if (base && !remotes) {
            if (json_is_null(base)) {
                result->base = NULL;
            } else if (json_is_string(base) && is_absolute_iri(json_string_value(base))) {
                result->base = json_string_value(base);
            } else if (json_is_string(base) && result->base) {
                result->base = resolve_iri(p, result->base, json_string_value(base));
                if (!result->base) {
                    err = nomem(p);
                    goto done;
                }
            } else {
                err = fail(p, JSONLD_ERR_SYNTAX, "invalid base IRI");
                goto done;
            }
        }
        /* 5.8 */
        const json_t *vocab = json_object_get(def, "@vocab");
        if (vocab) {
            if (json_is_null(vocab)) {
                result->vocab = NULL;
            } else if (json_is_string(vocab)) {
                const char *v;
                if ((err = expand_iri(p, result, json_string_value(vocab), 1, 1, NULL, &v)))
                    goto done;
                if (!v || (!is_absolute_iri(v) && !is_bnode(v))) {
                    err = fail(p, JSONLD_ERR_SYNTAX, "invalid vocab mapping");
                    goto done;
                }
                result->vocab = v;
            } else {
                err = fail(p, JSONLD_ERR_SYNTAX, "invalid vocab mapping");
                goto done;
            }
        }
        /* 5.9 */
        const json_t *lang = json_object_get(def, "@language");
        if (lang) {
            if (json_is_null(lang)) {
                result->language = NULL;
            } else if (json_is_string(lang)) {
                char *l = cred_arena_strdup(&p->arena, json_string_value(lang));
                if (!l) {
                    err = nomem(p);
                    goto done;
                }
                for (char *c = l; *c; c++)
                    *c = (char)tolower((unsigned char)*c);
                result->language = l;
            } else {
                err = fail(p, JSONLD_ERR_SYNTAX, "invalid default language");
                goto done;
            }
        }
        /* 5.10 */
        const json_t *dir = json_object_get(def, "@direction");
        if (dir) {
            const char *d = json_string_value(dir);
            if (json_is_null(dir))
                result->direction = NULL;
            else if (d && (strcmp(d, "ltr") == 0 || strcmp(d, "rtl") == 0))
                result->direction = d;
            else {
                err = fail(p, JSONLD_ERR_SYNTAX, "invalid base direction");
                goto done;
            }
        }
        /* 5.11 */
        const json_t *prop = json_object_get(def, "@propagate");
        if (prop && !json_is_boolean(prop)) {
            err = fail(p, JSONLD_ERR_SYNTAX, "invalid @propagate value");
            goto done;
        }
        /* 5.12-13 */
        const json_t *protect = json_object_get(def, "@protected");
        if (protect && !json_is_boolean(protect)) {
            err = fail(p, JSONLD_ERR_SYNTAX, "invalid @protected value");
            goto done;
        }
        struct smap defined = {0};
        struct defining df = {
            def,     &defined, base_url,   json_is_true(protect), override_protected,
            remotes, validate, from_bundle};
        const char *key;
        const json_t *value;
        json_object_foreach ((json_t *)def, key, value) {
            if (strcmp(key, "@base") == 0 || strcmp(key, "@direction") == 0 ||
                strcmp(key, "@import") == 0 || strcmp(key, "@language") == 0 ||
                strcmp(key, "@propagate") == 0 || strcmp(key, "@protected") == 0 ||
                strcmp(key, "@version") == 0 || strcmp(key, "@vocab") == 0)
                continue;
            if ((err = create_term(p, result, &df, key)))
                goto done;
        }
    }
    *out = result;
    cache_add(p, active, local, base_url, flags, result);
done:
    p->depth--;
    return err;
}

/*
 * Process-wide: the active contexts made from a list of bundled context URLs
 * alone (what nearly every credential's @context is), built once in an arena
 * that is never freed and shared read-only, so that a credential does not
 * process the VC and Open Badges contexts again each time.
 */
#define GLOBAL_CONTEXTS 32

static pthread_mutex_t global_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cred_arena global_arena = {NULL, 0, 8u << 20};
static struct {
    const char *key;
    const struct ctx *ctx;
} global_ctx[GLOBAL_CONTEXTS];
static size_t global_len;

/* The URLs of LOCAL joined by newlines into KEY when it is one bundled URL or a list of them. */
static int bundled_key(const json_t *local, char *key, size_t size)
{
    size_t n = json_is_array(local) ? json_array_size(local) : 1, used = 0;
    if (!n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        const char *url =
            json_string_value(json_is_array(local) ? json_array_get(local, i) : local);
        if (!url || !jsonld_context_document(url))
            return 0;
        size_t len = strlen(url);
        if (used + len + 2 > size)
            return 0;
        memcpy(key + used, url, len);
        used += len;
        key[used++] = '\n';
    }
    key[used] = 0;
    return 1;
}

static const struct ctx *global_find(const char *key)
{
    const struct ctx *found = NULL;
    pthread_mutex_lock(&global_lock);
    for (size_t i = 0; i < global_len && !found; i++)
        if (strcmp(global_ctx[i].key, key) == 0)
            found = global_ctx[i].ctx;
    pthread_mutex_unlock(&global_lock);
    return found;
}

/* Step 9 for a document's own top-level @context. */
static int ctx_process_document(struct proc *p, const json_t *local, const char *base_url,
                                const struct ctx **out)
{
    char key[2048];
    if (!bundled_key(local, key, sizeof(key)))
        return ctx_process(p, p->initial, local, base_url, 0, 1, 1, NULL, 0, out);
    const struct ctx *found = global_find(key);
    if (found) {
        *out = found;
        return 0;
    }
    int err = ctx_process(p, p->initial, local, base_url, 0, 1, 1, NULL, 0, out);
    if (err)
        return err;
    /* It worked: build the shared copy, in the global arena, from nothing the document owns. */
    pthread_mutex_lock(&global_lock);
    int present = 0;
    for (size_t i = 0; i < global_len; i++)
        present |= strcmp(global_ctx[i].key, key) == 0;
    if (!present && global_len < GLOBAL_CONTEXTS) {
        struct proc g;
        memset(&g, 0, sizeof(g));
        g.arena = global_arena;
        g.max_depth = p->max_depth;
        g.values_left = p->values_left;
        json_t *urls = json_array();
        for (const char *k = key, *nl; urls && (nl = strchr(k, '\n')); k = nl + 1) {
            const struct embedded_file *f =
                embedded_find(jsonld_bundled_contexts, jsonld_bundled_contexts_count,
                              cred_arena_strndup(&g.arena, k, (size_t)(nl - k)) ?: "");
            if (!f || json_array_append_new(urls, json_string(f->path))) {
                json_decref(urls);
                urls = NULL;
            }
        }
        struct ctx *initial = cred_arena_zalloc(&g.arena, sizeof(*initial));
        const char *k = cred_arena_strdup(&g.arena, key);
        const struct ctx *shared;
        g.initial = initial;
        if (urls && initial && k &&
            ctx_process(&g, initial, urls, NULL, 0, 1, 1, NULL, 0, &shared) == 0) {
            global_ctx[global_len].key = k;
            global_ctx[global_len].ctx = shared;
            global_len++;
        }
        json_decref(urls);
        global_arena = g.arena;
    }
    pthread_mutex_unlock(&global_lock);
    return 0;
}

/* ------------------------------------------------------------------ expansion */

static int count_value(struct proc *p)
{
    if (p->values_left == 0)
        return fail(p, JSONLD_ERR_LIMIT, "the document expands to too many values");
    p->values_left--;
    return 0;
}

static json_t *as_array(json_t *v)
{
    if (json_is_array(v))
        return v;
    json_t *a = json_array();
    if (a && v)
        json_array_append_new(a, v);
    else
        json_decref(v);
    return a;
}

/* The "add value" helper (5.x): appends VALUE (stolen) to OBJ[KEY], which is always an array. */
static int add_value(struct proc *p, json_t *obj, const char *key, json_t *value)
{
    json_t *arr = json_object_get(obj, key);
    if (!arr) {
        arr = json_array();
        if (!arr || json_object_set_new(obj, key, arr)) {
            json_decref(value);
            return nomem(p);
        }
    } else if (!json_is_array(arr)) {
        json_t *a = json_array();
        if (!a || json_array_append(a, arr) || json_object_set_new(obj, key, a)) {
            json_decref(a);
            json_decref(value);
            return nomem(p);
        }
        arr = a;
    }
    int err = 0;
    if (json_is_array(value)) {
        if (json_array_extend(arr, value))
            err = nomem(p);
        json_decref(value);
    } else if (json_array_append_new(arr, value)) {
        err = nomem(p);
    }
    return err;
}

static int is_value_object(const json_t *v)
{
    return json_is_object(v) && json_object_get(v, "@value");
}

static int is_list_object(const json_t *v)
{
    return json_is_object(v) && json_object_get(v, "@list");
}

static int is_graph_object(const json_t *v)
{
    if (!json_is_object(v) || !json_object_get(v, "@graph"))
        return 0;
    const char *k;
    const json_t *x;
    json_object_foreach ((json_t *)v, k, x)
        if (strcmp(k, "@graph") && strcmp(k, "@id") && strcmp(k, "@index") && strcmp(k, "@context"))
            return 0;
    return 1;
}

/* Value Expansion (5.3.2). */
static int expand_value(struct proc *p, const struct ctx *active, const char *prop,
                        const json_t *value, json_t **out)
{
    int err;
    *out = NULL;
    if ((err = count_value(p)))
        return err;
    const struct term_def *d = prop ? term_get(active, prop) : NULL;
    const char *type = d ? d->type : NULL;
    if (type && json_is_string(value) &&
        (strcmp(type, "@id") == 0 || strcmp(type, "@vocab") == 0)) {
        const char *iri;
        if ((err = expand_iri(p, (struct ctx *)active, json_string_value(value), 1,
                              strcmp(type, "@vocab") == 0, NULL, &iri)))
            return err;
        if (iri && p->strict && !is_absolute_iri(iri) && !is_bnode(iri))
            return fail(p, JSONLD_ERR_UNDEFINED, "relative IRI \"%s\"", iri);
        *out = json_pack("{s:s?}", "@id", iri);
        return *out ? 0 : nomem(p);
    }
    json_t *r = json_object();
    if (!r || json_object_set(r, "@value", (json_t *)value))
        goto oom;
    if (type && strcmp(type, "@id") && strcmp(type, "@vocab") && strcmp(type, "@none")) {
        if (json_object_set_new(r, "@type", json_string(type)))
            goto oom;
    } else if (json_is_string(value)) {
        const char *lang = d && d->has_language ? d->language : active->language;
        const char *dir = d && d->has_direction ? d->direction : active->direction;
        if (lang && json_object_set_new(r, "@language", json_string(lang)))
            goto oom;
        if (dir && json_object_set_new(r, "@direction", json_string(dir)))
            goto oom;
    }
    *out = r;
    return 0;
oom:
    json_decref(r);
    return nomem(p);
}

static int expand(struct proc *p, const struct ctx *active, const char *prop, const json_t *elem,
                  const char *base_url, int from_map, json_t **out);

/* The key expanded as a property (vocab), with the active context; NULL when it expands to null. */
static int expand_key(struct proc *p, const struct ctx *active, const char *key, const char **out)
{
    return expand_iri(p, (struct ctx *)active, key, 0, 1, NULL, out);
}

static int lang_map(struct proc *p, const struct ctx *active, const char *key, const json_t *value,
                    json_t **out)
{
    const struct term_def *d = term_get(active, key);
    const char *dir = active->direction;
    if (d && d->has_direction)
        dir = d->direction;
    json_t *res = json_array();
    if (!res)
        return nomem(p);
    const char *lang;
    const json_t *lv;
    json_object_foreach ((json_t *)value, lang, lv) {
        size_t n = json_is_array(lv) ? json_array_size(lv) : 1;
        const char *exp;
        int err = expand_key(p, active, lang, &exp);
        if (err) {
            json_decref(res);
            return err;
        }
        for (size_t i = 0; i < n; i++) {
            const json_t *item = json_is_array(lv) ? json_array_get(lv, i) : lv;
            if (json_is_null(item))
                continue;
            if (!json_is_string(item)) {
                json_decref(res);
                return fail(p, JSONLD_ERR_SYNTAX, "invalid language map value");
            }
            if ((err = count_value(p))) {
                json_decref(res);
                return err;
            }
            json_t *v = json_pack("{s:O}", "@value", item);
            if (!v) {
                json_decref(res);
                return nomem(p);
            }
            if (strcmp(lang, "@none") && !(exp && strcmp(exp, "@none") == 0)) {
                char *l = cred_arena_strdup(&p->arena, lang);
                if (!l) {
                    json_decref(v);
                    json_decref(res);
                    return nomem(p);
                }
                for (char *c = l; *c; c++)
                    *c = (char)tolower((unsigned char)*c);
                json_object_set_new(v, "@language", json_string(l));
            }
            if (dir)
                json_object_set_new(v, "@direction", json_string(dir));
            json_array_append_new(res, v);
        }
    }
    *out = res;
    return 0;
}

static int index_map(struct proc *p, const struct ctx *active, const char *key, const json_t *value,
                     unsigned container, const char *base_url, json_t **out)
{
    int err = 0;
    const struct term_def *d = term_get(active, key);
    const char *index_key = d && d->index ? d->index : "@index";
    json_t *res = json_array();
    if (!res)
        return nomem(p);
    const char *index;
    const json_t *iv;
    json_object_foreach ((json_t *)value, index, iv) {
        const struct ctx *map_ctx = active;
        if (container & (C_ID | C_TYPE))
            map_ctx = active->previous ? active->previous : active;
        const struct term_def *id = term_get(map_ctx, index);
        if ((container & C_TYPE) && id && id->has_context) {
            if ((err = ctx_process(p, map_ctx, id->context, id->base, 0, 1, 1, NULL,
                                   id->from_bundle, &map_ctx)))
                goto out;
        } else if (!(container & (C_ID | C_TYPE))) {
            map_ctx = active;
        }
        const char *exp_index;
        if ((err = expand_key(p, active, index, &exp_index)))
            goto out;
        json_t *items;
        json_t *wrapped = json_is_array(iv) ? json_incref((json_t *)iv) : json_pack("[O]", iv);
        if (!wrapped) {
            err = nomem(p);
            goto out;
        }
        err = expand(p, map_ctx, key, wrapped, base_url, 1, &items);
        json_decref(wrapped);
        if (err)
            goto out;
        items = as_array(items);
        if (!items) {
            err = nomem(p);
            goto out;
        }
        size_t i;
        json_t *item;
        json_array_foreach (items, i, item) {
            if ((container & C_GRAPH) && !is_graph_object(item)) {
                json_t *g = json_pack("{s:[O]}", "@graph", item);
                if (!g) {
                    json_decref(items);
                    err = nomem(p);
                    goto out;
                }
                json_array_set_new(items, i, g);
                item = g;
            }
            int none = exp_index && strcmp(exp_index, "@none") == 0;
            if ((container & C_INDEX) && strcmp(index_key, "@index") && !none) {
                json_t *re;
                json_t *idx = json_string(index);
                err = idx ? expand_value(p, active, index_key, idx, &re) : nomem(p);
                json_decref(idx);
                if (err) {
                    json_decref(items);
                    goto out;
                }
                const char *eik;
                if ((err = expand_key(p, active, index_key, &eik))) {
                    json_decref(re);
                    json_decref(items);
                    goto out;
                }
                if (!eik) {
                    json_decref(re);
                    json_decref(items);
                    err = fail(p, JSONLD_ERR_SYNTAX, "invalid index mapping");
                    goto out;
                }
                json_t *vals = json_pack("[o]", re);
                json_t *old = json_object_get(item, eik);
                if (!vals || (old && json_array_extend(vals, as_array(json_incref(old))))) {
                    json_decref(vals);
                    json_decref(items);
                    err = nomem(p);
                    goto out;
                }
                json_object_set_new(item, eik, vals);
                if (is_value_object(item) && json_object_size(item) > 1) {
                    json_decref(items);
                    err = fail(p, JSONLD_ERR_SYNTAX, "invalid value object in an index map");
                    goto out;
                }
            } else if ((container & C_INDEX) && !json_object_get(item, "@index") && !none) {
                json_object_set_new(item, "@index", json_string(index));
            } else if ((container & C_ID) && !json_object_get(item, "@id") && !none) {
                const char *idv;
                if ((err = expand_iri(p, (struct ctx *)active, index, 1, 0, NULL, &idv))) {
                    json_decref(items);
                    goto out;
                }
                json_object_set_new(item, "@id", idv ? json_string(idv) : json_null());
            } else if ((container & C_TYPE) && !none) {
                json_t *types = json_pack("[s?]", exp_index);
                json_t *old = json_object_get(item, "@type");
                if (!types || (old && json_array_extend(types, as_array(json_incref(old))))) {
                    json_decref(types);
                    json_decref(items);
                    err = nomem(p);
                    goto out;
                }
                json_object_set_new(item, "@type", types);
            }
        }
        if (json_array_extend(res, items))
            err = nomem(p);
        json_decref(items);
        if (err)
            goto out;
    }
out:
    if (err) {
        json_decref(res);
        return err;
    }
    *out = res;
    return 0;
}

struct entries {
    const struct ctx *active;
    const struct ctx *type_scoped;
    const char *prop;
    const char *input_type;
    const char *base_url;
    json_t *result;
};

static int expand_entries(struct proc *p, struct entries *e, const json_t *elem);

/* Step 13.4: a key that expands to a keyword. */
static int expand_keyword(struct proc *p, struct entries *e, const char *key, const char *kw,
                          const json_t *value, json_t *nests)
{
    int err = 0;
    json_t *result = e->result;
    const struct ctx *active = e->active;
    json_t *ev = NULL;
    /* 13.4.1-2 */
    if (e->prop && strcmp(e->prop, "@reverse") == 0)
        return fail(p, JSONLD_ERR_SYNTAX, "invalid reverse property map");
    if (json_object_get(result, kw) && strcmp(kw, "@included") && strcmp(kw, "@type"))
        return fail(p, JSONLD_ERR_SYNTAX, "colliding keywords: %s", kw);
    if (strcmp(kw, "@id") == 0) {
        if (!json_is_string(value))
            return fail(p, JSONLD_ERR_SYNTAX, "invalid @id value");
        const char *id;
        if ((err = expand_iri(p, (struct ctx *)active, json_string_value(value), 1, 0, NULL, &id)))
            return err;
        if (id && p->strict && !is_absolute_iri(id) && !is_bnode(id))
            return fail(p, JSONLD_ERR_UNDEFINED, "relative @id reference \"%s\"", id);
        ev = id ? json_string(id) : json_null();
    } else if (strcmp(kw, "@type") == 0) {
        size_t n = json_is_array(value) ? json_array_size(value) : 1;
        if (!json_is_string(value) && !json_is_array(value))
            return fail(p, JSONLD_ERR_SYNTAX, "invalid type value");
        ev = json_array();
        if (!ev)
            return nomem(p);
        for (size_t i = 0; i < n; i++) {
            const json_t *t = json_is_array(value) ? json_array_get(value, i) : value;
            if (!json_is_string(t)) {
                json_decref(ev);
                return fail(p, JSONLD_ERR_SYNTAX, "invalid type value");
            }
            const char *iri;
            if ((err = expand_iri(p, (struct ctx *)e->type_scoped, json_string_value(t), 1, 1, NULL,
                                  &iri))) {
                json_decref(ev);
                return err;
            }
            if (p->strict && (!iri || (!is_absolute_iri(iri) && !is_bnode(iri)))) {
                json_decref(ev);
                return fail(p, JSONLD_ERR_UNDEFINED, "type \"%s\" is not defined by the contexts",
                            json_string_value(t));
            }
            if (iri)
                json_array_append_new(ev, json_string(iri));
        }
        json_t *old = json_object_get(result, "@type");
        if (old) {
            json_t *merged = as_array(json_incref(old));
            if (!merged || json_array_extend(merged, ev)) {
                json_decref(merged);
                json_decref(ev);
                return nomem(p);
            }
            json_decref(ev);
            ev = merged;
        }
    } else if (strcmp(kw, "@graph") == 0) {
        if ((err = expand(p, active, "@graph", value, e->base_url, 0, &ev)))
            return err;
        ev = as_array(ev);
        if (!ev)
            return nomem(p);
    } else if (strcmp(kw, "@included") == 0) {
        if ((err = expand(p, active, NULL, value, e->base_url, 0, &ev)))
            return err;
        ev = as_array(ev);
        if (!ev)
            return nomem(p);
        size_t i;
        json_t *item;
        json_array_foreach (ev, i, item) {
            if (!json_is_object(item) || is_value_object(item) || is_list_object(item)) {
                json_decref(ev);
                return fail(p, JSONLD_ERR_SYNTAX, "invalid @included value");
            }
        }
        json_t *old = json_object_get(result, "@included");
        if (old) {
            json_t *merged = json_deep_copy(old);
            if (!merged || json_array_extend(merged, ev)) {
                json_decref(merged);
                json_decref(ev);
                return nomem(p);
            }
            json_decref(ev);
            ev = merged;
        }
    } else if (strcmp(kw, "@value") == 0) {
        if (e->input_type && strcmp(e->input_type, "@json") == 0) {
            ev = json_incref((json_t *)value);
        } else if (json_is_object(value) || json_is_array(value)) {
            return fail(p, JSONLD_ERR_SYNTAX, "invalid value object value");
        } else {
            ev = json_incref((json_t *)value);
        }
        if (json_is_null(value)) {
            json_decref(ev);
            return json_object_set_new(result, "@value", json_null()) ? nomem(p) : 0;
        }
    } else if (strcmp(kw, "@language") == 0) {
        if (!json_is_string(value))
            return fail(p, JSONLD_ERR_SYNTAX, "invalid language-tagged string");
        char *l = cred_arena_strdup(&p->arena, json_string_value(value));
        if (!l)
            return nomem(p);
        for (char *c = l; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        ev = json_string(l);
    } else if (strcmp(kw, "@direction") == 0) {
        const char *d = json_string_value(value);
        if (!d || (strcmp(d, "ltr") && strcmp(d, "rtl")))
            return fail(p, JSONLD_ERR_SYNTAX, "invalid base direction");
        ev = json_incref((json_t *)value);
    } else if (strcmp(kw, "@index") == 0) {
        if (!json_is_string(value))
            return fail(p, JSONLD_ERR_SYNTAX, "invalid @index value");
        ev = json_incref((json_t *)value);
    } else if (strcmp(kw, "@list") == 0) {
        if (!e->prop || strcmp(e->prop, "@graph") == 0)
            return 0;
        if ((err = expand(p, active, e->prop, value, e->base_url, 0, &ev)))
            return err;
        ev = as_array(ev);
        if (!ev)
            return nomem(p);
    } else if (strcmp(kw, "@set") == 0) {
        if ((err = expand(p, active, e->prop, value, e->base_url, 0, &ev)))
            return err;
    } else if (strcmp(kw, "@reverse") == 0) {
        if (!json_is_object(value))
            return fail(p, JSONLD_ERR_SYNTAX, "invalid @reverse value");
        if ((err = expand(p, active, "@reverse", value, e->base_url, 0, &ev)))
            return err;
        if (!ev)
            return 0;
        const char *rk;
        json_t *rv;
        json_t *rr = json_object_get(ev, "@reverse");
        if (rr) {
            json_object_foreach (rr, rk, rv) {
                if ((err = add_value(p, result, rk, json_incref(rv)))) {
                    json_decref(ev);
                    return err;
                }
            }
        }
        json_object_foreach (ev, rk, rv) {
            if (strcmp(rk, "@reverse") == 0)
                continue;
            json_t *map = json_object_get(result, "@reverse");
            if (!map) {
                map = json_object();
                if (!map || json_object_set_new(result, "@reverse", map)) {
                    json_decref(ev);
                    return nomem(p);
                }
            }
            size_t i;
            json_t *item;
            json_array_foreach (rv, i, item) {
                if (is_value_object(item) || is_list_object(item)) {
                    json_decref(ev);
                    return fail(p, JSONLD_ERR_SYNTAX, "invalid reverse property value");
                }
                if ((err = add_value(p, map, rk, json_incref(item)))) {
                    json_decref(ev);
                    return err;
                }
            }
        }
        json_decref(ev);
        return 0;
    } else if (strcmp(kw, "@nest") == 0) {
        return json_array_append_new(nests, json_string(key)) ? nomem(p) : 0;
    } else {
        /* @context was skipped by the caller; the others (@base, @vocab…) have no meaning here. */
        return 0;
    }
    if (!ev)
        return nomem(p);
    /* 13.4.16 */
    return json_object_set_new(result, kw, ev) ? nomem(p) : 0;
}

/* Steps 13 and 14 for the entries of ELEM. */
static int expand_entries(struct proc *p, struct entries *e, const json_t *elem)
{
    int err = 0;
    json_t *nests = json_array();
    if (!nests)
        return nomem(p);
    const struct ctx *active = e->active;
    const char *key;
    const json_t *value;
    json_object_foreach ((json_t *)elem, key, value) {
        /* 13.1-3 */
        if (strcmp(key, "@context") == 0)
            continue;
        const char *prop;
        if ((err = expand_key(p, active, key, &prop)))
            goto out;
        if (!prop || (!strchr(prop, ':') && !is_keyword(prop))) {
            if (p->strict) {
                err = fail(p, JSONLD_ERR_UNDEFINED,
                           "property \"%s\" is not defined by the contexts", key);
                goto out;
            }
            continue;
        }
        /* 13.4 */
        if (is_keyword(prop)) {
            if ((err = expand_keyword(p, e, key, prop, value, nests)))
                goto out;
            continue;
        }
        if (p->strict && !is_absolute_iri(prop) && !is_bnode(prop)) {
            err = fail(p, JSONLD_ERR_UNDEFINED, "property \"%s\" is not an absolute IRI", key);
            goto out;
        }
        /* 13.5 */
        const struct term_def *d = term_get(active, key);
        unsigned container = d ? d->container : 0;
        json_t *ev = NULL;
        if (d && d->type && strcmp(d->type, "@json") == 0) {
            /* 13.6 */
            ev = json_pack("{s:O,s:s}", "@value", value, "@type", "@json");
            if (!ev) {
                err = nomem(p);
                goto out;
            }
        } else if ((container & C_LANGUAGE) && json_is_object(value)) {
            if ((err = lang_map(p, active, key, value, &ev)))
                goto out;
        } else if ((container & (C_INDEX | C_TYPE | C_ID)) && json_is_object(value)) {
            if ((err = index_map(p, active, key, value, container, e->base_url, &ev)))
                goto out;
        } else {
            /* 13.9 */
            if ((err = expand(p, active, key, value, e->base_url, 0, &ev)))
                goto out;
        }
        /* 13.10 */
        if (!ev)
            continue;
        /* 13.11 */
        if ((container & C_LIST) && !is_list_object(ev)) {
            json_t *l = json_pack("{s:o}", "@list", as_array(ev));
            if (!l) {
                err = nomem(p);
                goto out;
            }
            ev = l;
        }
        /* 13.12 */
        if ((container & C_GRAPH) && !(container & (C_ID | C_INDEX))) {
            ev = as_array(ev);
            if (!ev) {
                err = nomem(p);
                goto out;
            }
            size_t i;
            json_t *item;
            json_array_foreach (ev, i, item) {
                json_t *g = json_pack("{s:o}", "@graph", as_array(json_incref(item)));
                if (!g || json_array_set_new(ev, i, g)) {
                    json_decref(ev);
                    err = nomem(p);
                    goto out;
                }
            }
        }
        /* 13.13-14 */
        if (d && d->reverse) {
            json_t *map = json_object_get(e->result, "@reverse");
            if (!map) {
                map = json_object();
                if (!map || json_object_set_new(e->result, "@reverse", map)) {
                    json_decref(ev);
                    err = nomem(p);
                    goto out;
                }
            }
            ev = as_array(ev);
            if (!ev) {
                err = nomem(p);
                goto out;
            }
            size_t i;
            json_t *item;
            json_array_foreach (ev, i, item) {
                if (is_value_object(item) || is_list_object(item)) {
                    json_decref(ev);
                    err = fail(p, JSONLD_ERR_SYNTAX, "invalid reverse property value");
                    goto out;
                }
            }
            if ((err = add_value(p, map, prop, ev)))
                goto out;
        } else if ((err = add_value(p, e->result, prop, ev))) {
            goto out;
        }
    }
    /* 14 */
    size_t i;
    json_t *nk;
    json_array_foreach (nests, i, nk) {
        const json_t *nv = json_object_get(elem, json_string_value(nk));
        size_t n = json_is_array(nv) ? json_array_size(nv) : 1;
        for (size_t j = 0; j < n; j++) {
            const json_t *nested = json_is_array(nv) ? json_array_get(nv, j) : nv;
            if (!json_is_object(nested)) {
                err = fail(p, JSONLD_ERR_SYNTAX, "invalid @nest value");
                goto out;
            }
            const char *k2;
            const json_t *v2;
            json_object_foreach ((json_t *)nested, k2, v2) {
                const char *x;
                if ((err = expand_key(p, active, k2, &x)))
                    goto out;
                if (x && strcmp(x, "@value") == 0) {
                    err = fail(p, JSONLD_ERR_SYNTAX, "invalid @nest value");
                    goto out;
                }
            }
            if ((err = expand_entries(p, e, nested)))
                goto out;
        }
    }
out:
    json_decref(nests);
    return err;
}

static int cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Expansion (5.1.2). *OUT is NULL for a null result. */
static int expand_map(struct proc *p, const struct ctx *active, const char *prop,
                      const json_t *elem, const char *base_url, int from_map,
                      const struct term_def *prop_def, json_t **out)
{
    int err;
    /* 7 */
    if (active->previous && !from_map) {
        int revert = 1;
        const char *k;
        const json_t *v;
        size_t n = 0;
        const char *only = NULL;
        json_object_foreach ((json_t *)elem, k, v) {
            const char *x;
            if ((err = expand_key(p, active, k, &x)))
                return err;
            if (x && strcmp(x, "@value") == 0)
                revert = 0;
            only = x;
            n++;
        }
        if (n == 1 && only && strcmp(only, "@id") == 0)
            revert = 0;
        if (revert)
            active = active->previous;
    }
    /* 8 */
    if (prop_def && prop_def->has_context) {
        if ((err = ctx_process(p, active, prop_def->context, prop_def->base, 1, 1, 1, NULL,
                               prop_def->from_bundle, &active)))
            return err;
    }
    /* 9 */
    const json_t *local = json_object_get(elem, "@context");
    err = 0;
    if (local && active == p->initial)
        err = ctx_process_document(p, local, base_url, &active);
    else if (local)
        err = ctx_process(p, active, local, base_url, 0, 1, 1, NULL, 0, &active);
    if (err)
        return err;
    /* 10 */
    const struct ctx *type_scoped = active;
    /* 11-12: the keys that expand to @type, in order, and their values in order. */
    const char *type_keys[8];
    size_t n_type_keys = 0;
    const char *k;
    const json_t *v;
    json_object_foreach ((json_t *)elem, k, v) {
        const char *x;
        if ((err = expand_key(p, active, k, &x)))
            return err;
        if (x && strcmp(x, "@type") == 0) {
            if (n_type_keys == 8)
                return fail(p, JSONLD_ERR_SYNTAX, "too many keys for @type");
            type_keys[n_type_keys++] = k;
        }
    }
    qsort(type_keys, n_type_keys, sizeof(type_keys[0]), cmp_cstr);
    const char *input_type = NULL;
    for (size_t i = 0; i < n_type_keys; i++) {
        const json_t *tv = json_object_get(elem, type_keys[i]);
        size_t n = json_is_array(tv) ? json_array_size(tv) : 1;
        if (n > 256)
            return fail(p, JSONLD_ERR_LIMIT, "too many types");
        const char *terms[256];
        size_t nt = 0;
        for (size_t j = 0; j < n; j++) {
            const json_t *t = json_is_array(tv) ? json_array_get(tv, j) : tv;
            if (json_is_string(t))
                terms[nt++] = json_string_value(t);
        }
        qsort(terms, nt, sizeof(terms[0]), cmp_cstr);
        for (size_t j = 0; j < nt; j++) {
            const struct term_def *td = term_get(type_scoped, terms[j]);
            if (td && td->has_context &&
                (err = ctx_process(p, active, td->context, td->base, 0, 0, 1, NULL, td->from_bundle,
                                   &active)))
                return err;
        }
    }
    if (n_type_keys) {
        /* The first key (in order) that expands to @type; the last of its values. */
        const json_t *tv = json_object_get(elem, type_keys[0]);
        const json_t *last = json_is_array(tv) ? json_array_get(tv, json_array_size(tv) - 1) : tv;
        if (json_is_string(last) &&
            (err = expand_iri(p, (struct ctx *)active, json_string_value(last), 0, 1, NULL,
                              &input_type)))
            return err;
    }
    /* 12-14 */
    json_t *result = json_object();
    if (!result)
        return nomem(p);
    struct entries e = {active, type_scoped, prop, input_type, base_url, result};
    if ((err = expand_entries(p, &e, elem)))
        goto fail;
    /* 15 */
    json_t *value = json_object_get(result, "@value");
    if (value) {
        const json_t *type = json_object_get(result, "@type");
        json_object_foreach (result, k, v) {
            if (strcmp(k, "@direction") && strcmp(k, "@index") && strcmp(k, "@language") &&
                strcmp(k, "@type") && strcmp(k, "@value")) {
                err = fail(p, JSONLD_ERR_SYNTAX, "invalid value object (%s)", k);
                goto fail;
            }
        }
        if (type &&
            (json_object_get(result, "@language") || json_object_get(result, "@direction"))) {
            err = fail(p, JSONLD_ERR_SYNTAX, "invalid value object (@type with @language)");
            goto fail;
        }
        /* @type was made an array by the keyword step; a value object has one. */
        if (json_is_array(type)) {
            if (json_array_size(type) != 1) {
                err = fail(p, JSONLD_ERR_SYNTAX, "invalid typed value");
                goto fail;
            }
            json_object_set(result, "@type", json_array_get(type, 0));
            type = json_object_get(result, "@type");
        }
        const char *ts = json_string_value(type);
        if (ts && strcmp(ts, "@json") == 0) {
            /* 15.2: any value */
        } else if (json_is_null(value) || (json_is_array(value) && !json_array_size(value))) {
            json_decref(result);
            *out = NULL;
            return 0;
        } else if (!json_is_string(value) && json_object_get(result, "@language")) {
            err = fail(p, JSONLD_ERR_SYNTAX, "invalid language-tagged value");
            goto fail;
        } else if (type && (!ts || is_bnode(ts) || !is_absolute_iri(ts))) {
            err = fail(p, p->strict ? JSONLD_ERR_UNDEFINED : JSONLD_ERR_SYNTAX,
                       "invalid typed value");
            goto fail;
        }
    } else if (json_object_get(result, "@type")) {
        /* 16: already an array */
    } else if (json_object_get(result, "@set") || json_object_get(result, "@list")) {
        /* 17 */
        size_t n = json_object_size(result);
        if (n > 2 || (n == 2 && !json_object_get(result, "@index"))) {
            err = fail(p, JSONLD_ERR_SYNTAX, "invalid set or list object");
            goto fail;
        }
        json_t *set = json_object_get(result, "@set");
        if (set) {
            json_incref(set);
            json_decref(result);
            result = set;
        }
    }
    /* 18 */
    if (json_is_object(result) && json_object_size(result) == 1 &&
        json_object_get(result, "@language")) {
        json_decref(result);
        *out = NULL;
        return 0;
    }
    /* 19 */
    if (!prop || strcmp(prop, "@graph") == 0) {
        if (json_is_object(result) &&
            (json_object_size(result) == 0 || json_object_get(result, "@value") ||
             json_object_get(result, "@list") ||
             (json_object_size(result) == 1 && json_object_get(result, "@id")))) {
            json_decref(result);
            *out = NULL;
            return 0;
        }
    }
    *out = result;
    return 0;
fail:
    json_decref(result);
    return err;
}

static int expand(struct proc *p, const struct ctx *active, const char *prop, const json_t *elem,
                  const char *base_url, int from_map, json_t **out)
{
    int err;
    *out = NULL;
    /* 1 */
    if (!elem || json_is_null(elem))
        return 0;
    if (++p->depth > p->max_depth) {
        p->depth--;
        return fail(p, JSONLD_ERR_LIMIT, "the document nests too deeply");
    }
    /* 3 */
    const struct term_def *prop_def = prop ? term_get(active, prop) : NULL;
    if (json_is_array(elem)) {
        /* 5 */
        json_t *result = json_array();
        if (!result) {
            err = nomem(p);
            goto done;
        }
        size_t i;
        json_t *item;
        json_array_foreach ((json_t *)elem, i, item) {
            json_t *ei;
            if ((err = expand(p, active, prop, item, base_url, from_map, &ei))) {
                json_decref(result);
                goto done;
            }
            if (prop_def && (prop_def->container & C_LIST) && json_is_array(ei)) {
                json_t *l = json_pack("{s:o}", "@list", ei);
                if (!l) {
                    json_decref(result);
                    err = nomem(p);
                    goto done;
                }
                ei = l;
            }
            if (!ei)
                continue;
            if (json_is_array(ei)) {
                if (json_array_extend(result, ei))
                    err = nomem(p);
                json_decref(ei);
            } else if (json_array_append_new(result, ei)) {
                err = nomem(p);
            }
            if (err) {
                json_decref(result);
                goto done;
            }
        }
        *out = result;
        err = 0;
        goto done;
    }
    if (!json_is_object(elem)) {
        /* 4 */
        if (!prop || strcmp(prop, "@graph") == 0) {
            err = 0;
            goto done;
        }
        if (prop_def && prop_def->has_context &&
            (err = ctx_process(p, active, prop_def->context, prop_def->base, 1, 1, 1, NULL,
                               prop_def->from_bundle, &active)))
            goto done;
        err = expand_value(p, active, prop, elem, out);
        goto done;
    }
    err = expand_map(p, active, prop, elem, base_url, from_map, prop_def, out);
done:
    p->depth--;
    return err;
}

/* ------------------------------------------------------------------ setup */

static void proc_init(struct proc *p, const struct jsonld_options *opt, char *why)
{
    memset(p, 0, sizeof(*p));
    p->opt = opt;
    p->strict = opt && opt->strict;
    p->why = why;
    if (why)
        why[0] = 0;
    p->max_depth = opt && opt->max_depth ? opt->max_depth : 64;
    p->values_left = opt && opt->max_values ? opt->max_values : 200000;
    cred_arena_init(&p->arena, opt && opt->max_bytes ? opt->max_bytes : 16u << 20);
}

static void proc_release(struct proc *p)
{
    for (struct kept *k = p->kept; k; k = k->next)
        json_decref(k->v);
    cred_arena_release(&p->arena);
}

static int run_expand(struct proc *p, const json_t *doc, json_t **out)
{
    *out = NULL;
    struct ctx *initial = cred_arena_zalloc(&p->arena, sizeof(*initial));
    if (!initial)
        return nomem(p);
    p->initial = initial;
    json_t *r;
    int err = expand(p, initial, NULL, doc, NULL, 0, &r);
    if (err)
        return err;
    /* The API's final step: a lone @graph is unwrapped; the result is always an array. */
    if (json_is_object(r) && json_object_size(r) == 1 && json_object_get(r, "@graph")) {
        json_t *g = json_incref(json_object_get(r, "@graph"));
        json_decref(r);
        r = g;
    }
    if (!r)
        r = json_array();
    r = as_array(r);
    if (!r)
        return nomem(p);
    *out = r;
    return 0;
}

int jsonld_expand(const json_t *doc, const struct jsonld_options *opt, json_t **out, char *why)
{
    struct proc p;
    proc_init(&p, opt, why);
    int err = run_expand(&p, doc, out);
    proc_release(&p);
    return err;
}

/* ------------------------------------------------------------------ numbers and JSON */

void jsonld_number_lexical(double v, int as_double, char out[32])
{
    if (!as_double && v == floor(v) && fabs(v) < 1e21) {
        snprintf(out, 32, "%.0f", v);
        if (strcmp(out, "-0") == 0)
            snprintf(out, 32, "0");
        return;
    }
    if (v == 0) {
        snprintf(out, 32, "0.0E0");
        return;
    }
    /* %.15E gives d.dddddddddddddddE±xx; trim the mantissa's trailing zeros (keeping one
     * digit after the point) and write the exponent without sign padding. */
    char tmp[40];
    snprintf(tmp, sizeof(tmp), "%.15E", v);
    char *e = strchr(tmp, 'E');
    if (!e) {
        snprintf(out, 32, "%.20s", tmp); /* inf or nan: JSON has neither */
        return;
    }
    *e = 0;
    char *m_end = e - 1;
    while (m_end > tmp && *m_end == '0' && m_end[-1] != '.')
        *m_end-- = 0;
    long exp = strtol(e + 1, NULL, 10);
    snprintf(out, 32, "%.20sE%ld", tmp, exp);
}

/* ECMAScript Number::toString for a finite double (what JCS requires). */
static void es_number(double v, char out[40])
{
    if (v == 0) {
        snprintf(out, 40, "0");
        return;
    }
    /* The shortest digits that round-trip. */
    char digits[32];
    int exp10 = 0, nd = 0;
    for (int prec = 1; prec <= 17; prec++) {
        char tmp[40];
        snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, fabs(v));
        if (strtod(tmp, NULL) == fabs(v) || prec == 17) {
            char *e = strchr(tmp, 'e');
            exp10 = (int)strtol(e + 1, NULL, 10);
            nd = 0;
            for (char *c = tmp; c < e; c++)
                if (*c >= '0' && *c <= '9')
                    digits[nd++] = *c;
            while (nd > 1 && digits[nd - 1] == '0')
                nd--;
            digits[nd] = 0;
            break;
        }
    }
    /* ES: n = exp10 + 1 (the position of the decimal point), k = nd. */
    int k = nd, n = exp10 + 1;
    char *o = out;
    if (v < 0)
        *o++ = '-';
    if (k <= n && n <= 21) {
        memcpy(o, digits, (size_t)k);
        o += k;
        for (int i = 0; i < n - k; i++)
            *o++ = '0';
    } else if (0 < n && n <= 21) {
        memcpy(o, digits, (size_t)n);
        o += n;
        *o++ = '.';
        memcpy(o, digits + n, (size_t)(k - n));
        o += k - n;
    } else if (-6 < n && n <= 0) {
        *o++ = '0';
        *o++ = '.';
        for (int i = 0; i < -n; i++)
            *o++ = '0';
        memcpy(o, digits, (size_t)k);
        o += k;
    } else {
        *o++ = digits[0];
        if (k > 1) {
            *o++ = '.';
            memcpy(o, digits + 1, (size_t)(k - 1));
            o += k - 1;
        }
        o += snprintf(o, 12, "e%c%d", n - 1 >= 0 ? '+' : '-', abs(n - 1));
    }
    *o = 0;
}

/* Compares two UTF-8 keys by their UTF-16 code units (RFC 8785 3.2.3). */
static int cmp_utf16(const char *a, const char *b)
{
    for (;;) {
        unsigned char ca = (unsigned char)*a, cb = (unsigned char)*b;
        if (!ca || !cb)
            return ca ? 1 : cb ? -1 : 0;
        /* Below U+E000 and at U+10000 and above the orders agree except that a supplementary
         * character (4-byte UTF-8, surrogates D800-DBFF in UTF-16) sorts before U+E000-U+FFFF. */
        if (ca != cb) {
            int sa = ca >= 0xF0, sb = cb >= 0xF0;
            int ea = ca == 0xEE || ca == 0xEF, eb = cb == 0xEE || cb == 0xEF;
            if (sa && eb)
                return -1;
            if (ea && sb)
                return 1;
            return ca < cb ? -1 : 1;
        }
        a++;
        b++;
    }
}

static int cmp_keys(const void *x, const void *y)
{
    return cmp_utf16(*(const char *const *)x, *(const char *const *)y);
}

int jsonld_jcs_write(const json_t *v, struct buf *out)
{
    int err = 0;
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        size_t n = json_object_size(v), i = 0;
        const char **keys = cc_malloc((n ? n : 1) * sizeof(*keys));
        if (!keys)
            return BUF_NOMEM;
        const char *k;
        const json_t *x;
        json_object_foreach ((json_t *)v, k, x)
            keys[i++] = k;
        qsort(keys, n, sizeof(*keys), cmp_keys);
        err = buf_addc(out, '{');
        for (i = 0; !err && i < n; i++) {
            json_t *ks = json_string(keys[i]);
            if (!ks) {
                err = BUF_NOMEM;
                break;
            }
            if (i)
                err = buf_addc(out, ',');
            if (!err)
                err = jsonld_jcs_write(ks, out);
            json_decref(ks);
            if (!err)
                err = buf_addc(out, ':');
            if (!err)
                err = jsonld_jcs_write(json_object_get(v, keys[i]), out);
        }
        cc_free(keys);
        if (!err)
            err = buf_addc(out, '}');
        return err;
    }
    case JSON_ARRAY: {
        err = buf_addc(out, '[');
        for (size_t i = 0; !err && i < json_array_size(v); i++) {
            if (i)
                err = buf_addc(out, ',');
            if (!err)
                err = jsonld_jcs_write(json_array_get(v, i), out);
        }
        return err ? err : buf_addc(out, ']');
    }
    case JSON_STRING: {
        /* Quote, backslash and control characters escaped (\b \t \n \f \r, else \u00xx). */
        const char *s = json_string_value(v);
        size_t n = json_string_length(v);
        err = buf_addc(out, '"');
        for (size_t i = 0; !err && i < n; i++) {
            unsigned char c = (unsigned char)s[i];
            if (c == '"')
                err = buf_adds(out, "\\\"");
            else if (c == '\\')
                err = buf_adds(out, "\\\\");
            else if (c == '\b')
                err = buf_adds(out, "\\b");
            else if (c == '\t')
                err = buf_adds(out, "\\t");
            else if (c == '\n')
                err = buf_adds(out, "\\n");
            else if (c == '\f')
                err = buf_adds(out, "\\f");
            else if (c == '\r')
                err = buf_adds(out, "\\r");
            else if (c < 0x20)
                err = buf_addf(out, "\\u%04x", c);
            else
                err = buf_addc(out, (char)c);
        }
        return err ? err : buf_addc(out, '"');
    }
    case JSON_INTEGER:
    case JSON_REAL: {
        char num[40];
        es_number(json_number_value(v), num);
        return buf_adds(out, num);
    }
    case JSON_TRUE:
        return buf_adds(out, "true");
    case JSON_FALSE:
        return buf_adds(out, "false");
    case JSON_NULL:
        return buf_adds(out, "null");
    }
    return 0;
}

/* ------------------------------------------------------------------ to RDF */

static const char *new_bnode(struct proc *p)
{
    char tmp[24];
    snprintf(tmp, sizeof(tmp), "b%lu", p->next_bnode++);
    return cred_arena_strdup(&p->ds->arena, tmp);
}

/* The term of an @id (or @type, or graph name): NULL when not well-formed (skipped). */
static int id_term(struct proc *p, const char *id, struct rdf_term *t, const char *what)
{
    memset(t, 0, sizeof(*t));
    if (is_bnode(id)) {
        t->kind = RDF_BLANK;
        /* The document's own labels get an "x" so they never meet the generated b0, b1… */
        t->value = cred_arena_concat(&p->ds->arena, "x", id + 2);
        return t->value ? 0 : nomem(p);
    }
    if (!is_well_formed_iri(id)) {
        if (p->strict)
            return fail(p, JSONLD_ERR_UNDEFINED, "%s \"%s\" is not an absolute IRI", what, id);
        t->kind = RDF_DEFAULT_GRAPH; /* marks "skip" */
        return 0;
    }
    t->kind = RDF_IRI;
    t->value = cred_arena_strdup(&p->ds->arena, id);
    return t->value ? 0 : nomem(p);
}

static int emit(struct proc *p, const struct rdf_term *s, const char *pred,
                const struct rdf_term *o, const struct rdf_term *g)
{
    if (s->kind == RDF_DEFAULT_GRAPH || o->kind == RDF_DEFAULT_GRAPH)
        return 0;
    struct rdf_quad q = {*s, {RDF_IRI, pred, NULL, NULL}, *o, *g};
    int err = rdf_dataset_add(p->ds, &q);
    if (err == RDF_ERR_LIMIT)
        return fail(p, JSONLD_ERR_LIMIT, "the document has more than %zu statements",
                    p->ds->max_quads);
    return err ? nomem(p) : 0;
}

static int rdf_node(struct proc *p, const json_t *node, const struct rdf_term *graph,
                    struct rdf_term *id_out);

static int rdf_object(struct proc *p, const json_t *item, const struct rdf_term *graph,
                      struct rdf_term *o);

/* List Conversion (7.4.2). */
static int rdf_list(struct proc *p, const json_t *list, const struct rdf_term *graph,
                    struct rdf_term *o)
{
    memset(o, 0, sizeof(*o));
    size_t n = json_array_size(list);
    if (n == 0) {
        o->kind = RDF_IRI;
        o->value = RDF_NIL;
        return 0;
    }
    struct rdf_term head = {RDF_BLANK, new_bnode(p), NULL, NULL};
    if (!head.value)
        return nomem(p);
    struct rdf_term cur = head;
    int err;
    for (size_t i = 0; i < n; i++) {
        struct rdf_term item;
        if ((err = rdf_object(p, json_array_get(list, i), graph, &item)))
            return err;
        if ((err = emit(p, &cur, RDF_FIRST, &item, graph)))
            return err;
        struct rdf_term next = {RDF_IRI, RDF_NIL, NULL, NULL};
        if (i + 1 < n) {
            next.kind = RDF_BLANK;
            next.value = new_bnode(p);
            if (!next.value)
                return nomem(p);
        }
        if ((err = emit(p, &cur, RDF_REST, &next, graph)))
            return err;
        cur = next;
    }
    *o = head;
    return 0;
}

/* Object to RDF Conversion (7.3.2); o->kind RDF_DEFAULT_GRAPH means "nothing". */
static int rdf_object(struct proc *p, const json_t *item, struct rdf_term const *graph,
                      struct rdf_term *o)
{
    memset(o, 0, sizeof(*o));
    if (is_list_object(item))
        return rdf_list(p, json_object_get(item, "@list"), graph, o);
    if (!is_value_object(item))
        return rdf_node(p, item, graph, o);
    const json_t *value = json_object_get(item, "@value");
    const char *type = json_string_value(json_object_get(item, "@type"));
    const char *lang = json_string_value(json_object_get(item, "@language"));
    struct cred_arena *a = &p->ds->arena;
    if (type && strcmp(type, "@json") && !is_well_formed_iri(type)) {
        if (p->strict)
            return fail(p, JSONLD_ERR_UNDEFINED, "datatype \"%s\" is not an absolute IRI", type);
        return 0;
    }
    if (lang) {
        /* BCP 47 shape: letters, digits and hyphens, starting with a letter. */
        int ok = isalpha((unsigned char)lang[0]);
        for (const char *c = lang; ok && *c; c++)
            ok = isalnum((unsigned char)*c) || *c == '-';
        if (!ok) {
            if (p->strict)
                return fail(p, JSONLD_ERR_UNDEFINED, "language tag \"%s\" is not well-formed",
                            lang);
            return 0;
        }
    }
    o->kind = RDF_LITERAL;
    if (type && strcmp(type, "@json") == 0) {
        struct buf b;
        buf_init(&b, 4u << 20);
        if (jsonld_jcs_write(value, &b)) {
            buf_release(&b);
            return nomem(p);
        }
        o->value = cred_arena_strndup(a, b.data, b.len);
        buf_release(&b);
        o->datatype = RDF_JSON;
    } else if (json_is_boolean(value)) {
        o->value = json_is_true(value) ? "true" : "false";
        o->datatype = type ? type : XSD_BOOLEAN;
    } else if (json_is_number(value)) {
        double d = json_number_value(value);
        int as_double = (type && strcmp(type, XSD_DOUBLE) == 0) || d != floor(d) || fabs(d) >= 1e21;
        char num[32];
        if (json_is_integer(value) && !as_double)
            snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(value));
        else
            jsonld_number_lexical(d, as_double, num);
        o->value = cred_arena_strdup(a, num);
        o->datatype = type ? type : as_double ? XSD_DOUBLE : XSD_INTEGER;
    } else if (json_is_string(value)) {
        o->value = cred_arena_strndup(a, json_string_value(value), json_string_length(value));
        if (memchr(json_string_value(value), 0, json_string_length(value)))
            return fail(p, JSONLD_ERR_SYNTAX, "a string with a NUL character");
        o->datatype = type;
        if (!type && lang)
            o->language = cred_arena_strdup(a, lang);
    } else {
        return fail(p, JSONLD_ERR_SYNTAX, "invalid value object value");
    }
    if (!o->value || (lang && !type && !o->language))
        return nomem(p);
    /* The expanded document goes before the dataset: keep a copy of its datatype. */
    if (type && o->datatype == type && !(o->datatype = cred_arena_strdup(a, type)))
        return nomem(p);
    return 0;
}

/* A node object (or graph object): its statements, and its term in *ID_OUT. */
static int rdf_node(struct proc *p, const json_t *node, const struct rdf_term *graph,
                    struct rdf_term *id_out)
{
    int err;
    memset(id_out, 0, sizeof(*id_out));
    if (!json_is_object(node))
        return fail(p, JSONLD_ERR_SYNTAX, "expected a node object");
    if (++p->depth > p->max_depth) {
        p->depth--;
        return fail(p, JSONLD_ERR_LIMIT, "the document nests too deeply");
    }
    struct rdf_term id;
    const json_t *idv = json_object_get(node, "@id");
    if (json_is_string(idv)) {
        if ((err = id_term(p, json_string_value(idv), &id, "@id")))
            goto done;
    } else if (json_is_null(idv)) {
        /* An @id that expanded to null: the node cannot be named. */
        id.kind = RDF_DEFAULT_GRAPH;
    } else {
        id = (struct rdf_term){RDF_BLANK, new_bnode(p), NULL, NULL};
        if (!id.value) {
            err = nomem(p);
            goto done;
        }
    }
    *id_out = id;
    /* Types. */
    const json_t *types = json_object_get(node, "@type");
    size_t i;
    const json_t *t;
    json_array_foreach (types, i, t) {
        struct rdf_term tt;
        if ((err = id_term(p, json_string_value(t), &tt, "@type")))
            goto done;
        if ((err = emit(p, &id, RDF_TYPE, &tt, graph)))
            goto done;
    }
    const char *k;
    const json_t *v;
    json_object_foreach ((json_t *)node, k, v) {
        if (strcmp(k, "@graph") == 0) {
            /* The named graph of this node. */
            if (id.kind == RDF_DEFAULT_GRAPH)
                continue;
            size_t j;
            const json_t *item;
            json_array_foreach (v, j, item) {
                struct rdf_term ignored;
                if (is_value_object(item) || is_list_object(item))
                    continue;
                if ((err = rdf_node(p, item, &id, &ignored)))
                    goto done;
            }
            continue;
        }
        if (strcmp(k, "@included") == 0) {
            size_t j;
            const json_t *item;
            json_array_foreach (v, j, item) {
                struct rdf_term ignored;
                if ((err = rdf_node(p, item, graph, &ignored)))
                    goto done;
            }
            continue;
        }
        if (strcmp(k, "@reverse") == 0) {
            const char *rk;
            const json_t *rv;
            json_object_foreach ((json_t *)v, rk, rv) {
                struct rdf_term pt;
                if ((err = id_term(p, rk, &pt, "property")))
                    goto done;
                size_t j;
                const json_t *item;
                json_array_foreach (rv, j, item) {
                    struct rdf_term s;
                    if ((err = rdf_node(p, item, graph, &s)))
                        goto done;
                    if (pt.kind == RDF_IRI && (err = emit(p, &s, pt.value, &id, graph)))
                        goto done;
                }
            }
            continue;
        }
        if (k[0] == '@')
            continue;
        /* A property: blank node properties make generalized RDF, which is not produced. */
        struct rdf_term pt;
        if (is_bnode(k)) {
            if (p->strict) {
                err = fail(p, JSONLD_ERR_UNDEFINED, "property \"%s\" is a blank node", k);
                goto done;
            }
            pt.kind = RDF_DEFAULT_GRAPH;
        } else if ((err = id_term(p, k, &pt, "property"))) {
            goto done;
        }
        size_t j;
        const json_t *item;
        json_array_foreach (v, j, item) {
            struct rdf_term o;
            if ((err = rdf_object(p, item, graph, &o)))
                goto done;
            if (pt.kind == RDF_IRI && (err = emit(p, &id, pt.value, &o, graph)))
                goto done;
        }
    }
    err = 0;
done:
    p->depth--;
    return err;
}

int jsonld_to_rdf(const json_t *doc, const struct jsonld_options *opt, struct rdf_dataset *out,
                  char *why)
{
    struct proc p;
    proc_init(&p, opt, why);
    p.ds = out;
    json_t *expanded = NULL;
    int err = run_expand(&p, doc, &expanded);
    if (!err) {
        struct rdf_term dflt = {RDF_DEFAULT_GRAPH, NULL, NULL, NULL};
        size_t i;
        const json_t *node;
        json_array_foreach (expanded, i, node) {
            struct rdf_term ignored;
            if ((err = rdf_node(&p, node, &dflt, &ignored)))
                break;
        }
    }
    json_decref(expanded);
    proc_release(&p);
    if (!err)
        rdf_dataset_dedupe(out);
    return err;
}
