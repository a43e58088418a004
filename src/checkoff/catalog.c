/* The checklists: reading and validating the bundled content, the outcome rule, alignments. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkoff/checkoff.h"
#include "util/alloc.h"
#include "util/timeutil.h"
#include "util/utf8.h"
#include "xapi/validate.h"
#include "util/banned.h"

#define TITLE_MAX       200  /* characters */
#define DESCRIPTION_MAX 2000 /* characters */
#define STEP_TEXT_MAX   1000 /* characters */
#define SOURCE_MAX      100  /* characters */
#define VERSION_MAX     1000000

/* Says what is wrong with FILE into WHY; returns CHECKOFF_ERR_INVALID. */
__attribute__((format(printf, 4, 5))) static int bad(char *why, size_t size, const char *file,
                                                     const char *fmt, ...)
{
    int n = snprintf(why, size, "%s: ", file);
    if (n >= 0 && (size_t)n < size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why + n, size - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return CHECKOFF_ERR_INVALID;
}

/* 1..CHECKOFF_ID_MAX of a-z, 0-9 and '-', not starting with '-'. */
static int id_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > CHECKOFF_ID_MAX || s[0] == '-')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return 0;
    return 1;
}

/* A UUID written in lower case, as CASE identifiers are in this project. */
static int lower_uuid_ok(const char *s)
{
    if (strlen(s) != 36 || !xapi_uuid_valid(s))
        return 0;
    for (const char *c = s; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            return 0;
    return 1;
}

/* Fails when OBJ has a key that is not in ALLOWED (NULL-terminated). */
static int keys_only(const json_t *obj, const char *const *allowed, const char *file,
                     const char *where, char *why, size_t size)
{
    const char *key;
    json_t *v;
    json_object_foreach ((json_t *)obj, key, v) {
        int known = 0;
        for (const char *const *a = allowed; *a && !known; a++)
            known = strcmp(key, *a) == 0;
        if (!known)
            return bad(why, size, file, "%s%shas an unknown member \"%.40s\"", where,
                       *where ? ": " : "", key);
    }
    return CHECKOFF_OK;
}

/* Reads {"en": …, "zh-CN": …} at WHERE, each 1..MAX characters without control characters. */
static int read_text(const json_t *v, size_t max, const char *file, const char *where,
                     struct checkoff_text *out, char *why, size_t size)
{
    static const char *const keys[] = {"en", "zh-CN", NULL};
    if (!json_is_object(v))
        return bad(why, size, file, "%s must be an object {\"en\": …, \"zh-CN\": …}", where);
    int err = keys_only(v, keys, file, where, why, size);
    if (err)
        return err;
    const char *texts[2];
    for (int i = 0; i < 2; i++) {
        const json_t *t = json_object_get(v, keys[i]);
        texts[i] = json_string_value(t);
        if (!texts[i] || !*texts[i])
            return bad(why, size, file, "%s: the %s text is missing or empty", where, keys[i]);
        if (strlen(texts[i]) != json_string_length(t) || !auth_name_ok(texts[i], max))
            return bad(why, size, file,
                       "%s: the %s text is longer than %zu characters or has control characters",
                       where, keys[i], max);
    }
    out->en = texts[0];
    out->zh = texts[1];
    return CHECKOFF_OK;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The CFItem identifiers of the bundled CASE packages, sorted, pointing into DOCS. */
struct item_set {
    json_t *docs; /* array of the parsed packages */
    const char **ids;
    size_t n, cap;
};

static void item_set_release(struct item_set *s)
{
    json_decref(s->docs);
    cc_free(s->ids);
    memset(s, 0, sizeof(*s));
}

static int item_set_build(const struct embedded_file *files, size_t n, struct item_set *s,
                          char *why, size_t size)
{
    memset(s, 0, sizeof(*s));
    if (!(s->docs = json_array()))
        return CHECKOFF_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        const char *path = files[i].path;
        size_t len = strlen(path);
        if (strncmp(path, "/frameworks/", 12) != 0 || len < 5 || strcmp(path + len - 5, ".json"))
            continue;
        json_error_t e;
        json_t *doc = json_loadb((const char *)files[i].data, files[i].size, 0, &e);
        if (!doc)
            return bad(why, size, path + 1, "not valid JSON (line %d: %s)", e.line, e.text);
        if (json_array_append_new(s->docs, doc))
            return CHECKOFF_ERR_NOMEM;
        size_t j;
        json_t *item;
        json_array_foreach (json_object_get(doc, "CFItems"), j, item) {
            const char *id = json_string_value(json_object_get(item, "identifier"));
            if (!id)
                continue;
            if (s->n == s->cap) {
                size_t cap = s->cap ? s->cap * 2 : 256;
                const char **ids = cc_realloc(s->ids, cap * sizeof(*ids));
                if (!ids)
                    return CHECKOFF_ERR_NOMEM;
                s->ids = ids;
                s->cap = cap;
            }
            s->ids[s->n++] = id;
        }
    }
    if (s->n > 1)
        qsort(s->ids, s->n, sizeof(*s->ids), cmp_str);
    return CHECKOFF_OK;
}

/* Are there frameworks at all, and is ID an item of one? */
static int item_known(const struct item_set *s, const char *id)
{
    return bsearch(&id, s->ids, s->n, sizeof(*s->ids), cmp_str) != NULL;
}

static int read_steps(struct checkoff_list *l, const json_t *steps, const char *file, char *why,
                      size_t size)
{
    static const char *const keys[] = {"id", "text", "critical", NULL};
    size_t n = json_array_size(steps);
    if (!json_is_array(steps) || n == 0 || n > CHECKOFF_MAX_STEPS)
        return bad(why, size, file, "steps must be a list of 1 to %d steps", CHECKOFF_MAX_STEPS);
    if (!(l->steps = cc_calloc(n, sizeof(*l->steps))))
        return CHECKOFF_ERR_NOMEM;
    l->nsteps = n;
    for (size_t i = 0; i < n; i++) {
        const json_t *s = json_array_get(steps, i);
        char where[32];
        snprintf(where, sizeof(where), "steps[%zu]", i);
        if (!json_is_object(s))
            return bad(why, size, file, "%s must be an object", where);
        int err = keys_only(s, keys, file, where, why, size);
        if (err)
            return err;
        struct checkoff_step *st = &l->steps[i];
        st->id = json_string_value(json_object_get(s, "id"));
        if (!st->id || !id_ok(st->id))
            return bad(why, size, file, "%s.id must be 1 to %d of a-z, 0-9 and -", where,
                       CHECKOFF_ID_MAX);
        for (size_t j = 0; j < i; j++)
            if (strcmp(l->steps[j].id, st->id) == 0)
                return bad(why, size, file, "%s.id \"%s\" is used twice", where, st->id);
        char twhere[40];
        snprintf(twhere, sizeof(twhere), "%s.text", where);
        if ((err = read_text(json_object_get(s, "text"), STEP_TEXT_MAX, file, twhere, &st->text,
                             why, size)))
            return err;
        const json_t *critical = json_object_get(s, "critical");
        if (!json_is_boolean(critical))
            return bad(why, size, file, "%s.critical must be true or false", where);
        st->critical = json_is_true(critical);
        l->ncritical += (size_t)st->critical;
    }
    if (l->ncritical == 0)
        return bad(why, size, file, "no step is marked critical; mark at least one");
    return CHECKOFF_OK;
}

static int read_items(struct checkoff_list *l, const json_t *items, const struct item_set *known,
                      const char *file, char *why, size_t size)
{
    size_t n = json_array_size(items);
    if (!json_is_array(items) || n == 0 || n > CHECKOFF_MAX_ITEMS)
        return bad(why, size, file, "items must be a list of 1 to %d CFItem identifiers",
                   CHECKOFF_MAX_ITEMS);
    if (!(l->items = cc_calloc(n, sizeof(*l->items))))
        return CHECKOFF_ERR_NOMEM;
    l->nitems = n;
    for (size_t i = 0; i < n; i++) {
        const char *id = json_string_value(json_array_get(items, i));
        if (!id || !lower_uuid_ok(id))
            return bad(why, size, file,
                       "items[%zu] must be a CFItem identifier (a lower-case UUID)", i);
        for (size_t j = 0; j < i; j++)
            if (strcmp(l->items[j], id) == 0)
                return bad(why, size, file, "items[%zu] \"%s\" is listed twice", i, id);
        if (known->n && !item_known(known, id))
            return bad(why, size, file,
                       "items[%zu] \"%s\" is not an item of any bundled framework "
                       "(content/frameworks/)",
                       i, id);
        l->items[i] = id;
    }
    return CHECKOFF_OK;
}

/* Reads and checks the checklist of FILE (a path like "checkoffs/x.json") from DOC into L. */
static int read_list(struct checkoff_list *l, json_t *doc, const char *file, const char *name,
                     const struct item_set *known, char *why, size_t size)
{
    static const char *const keys[] = {"id",     "version", "title", "description",
                                       "source", "items",   "steps", NULL};
    l->json = doc;
    if (!json_is_object(doc))
        return bad(why, size, file, "the file must hold one JSON object");
    int err = keys_only(doc, keys, file, "", why, size);
    if (err)
        return err;
    l->id = json_string_value(json_object_get(doc, "id"));
    if (!l->id || !id_ok(l->id))
        return bad(why, size, file, "id must be 1 to %d of a-z, 0-9 and -", CHECKOFF_ID_MAX);
    if (strcmp(l->id, name) != 0)
        return bad(why, size, file, "id \"%s\" must be the file's name (\"%s\")", l->id, name);
    const json_t *version = json_object_get(doc, "version");
    if (!json_is_integer(version) || json_integer_value(version) < 1 ||
        json_integer_value(version) > VERSION_MAX)
        return bad(why, size, file, "version must be a whole number from 1 to %d", VERSION_MAX);
    l->version = json_integer_value(version);
    if ((err = read_text(json_object_get(doc, "title"), TITLE_MAX, file, "title", &l->title, why,
                         size)) ||
        (err = read_text(json_object_get(doc, "description"), DESCRIPTION_MAX, file, "description",
                         &l->description, why, size)))
        return err;
    const json_t *source = json_object_get(doc, "source");
    l->source = json_string_value(source);
    if (!l->source || strlen(l->source) != json_string_length(source) ||
        !auth_name_ok(l->source, SOURCE_MAX))
        return bad(why, size, file, "source must be a name of 1 to %d characters", SOURCE_MAX);
    if ((err = read_items(l, json_object_get(doc, "items"), known, file, why, size)) ||
        (err = read_steps(l, json_object_get(doc, "steps"), file, why, size)))
        return err;
    snprintf(l->activity, sizeof(l->activity), "%s%s", CHECKOFF_ACTIVITY_PREFIX, l->id);
    return CHECKOFF_OK;
}

static void list_release(struct checkoff_list *l)
{
    cc_free(l->steps);
    cc_free(l->items);
    json_decref(l->json);
    memset(l, 0, sizeof(*l));
}

void checkoff_catalog_free(struct checkoff_catalog **c)
{
    if (!*c)
        return;
    for (size_t i = 0; i < (*c)->n; i++)
        list_release(&(*c)->lists[i]);
    cc_free((*c)->lists);
    cc_free(*c);
    *c = NULL;
}

static int cmp_list(const void *a, const void *b)
{
    return strcmp(((const struct checkoff_list *)a)->id, ((const struct checkoff_list *)b)->id);
}

int checkoff_catalog_build(const struct embedded_file *files, size_t n,
                           struct checkoff_catalog **out, char *why, size_t why_size)
{
    struct item_set known;
    *out = NULL;
    snprintf(why, why_size, "out of memory");
    int err = item_set_build(files, n, &known, why, why_size);
    struct checkoff_catalog *c = cc_calloc(1, sizeof(*c));
    if (err || !c)
        goto fail;
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += strncmp(files[i].path, "/checkoffs/", 11) == 0;
    if (count > CHECKOFF_MAX_LISTS) {
        err = bad(why, why_size, "checkoffs/", "more than %d checklists", CHECKOFF_MAX_LISTS);
        goto fail;
    }
    if (count && !(c->lists = cc_calloc(count, sizeof(*c->lists)))) {
        err = CHECKOFF_ERR_NOMEM;
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        const char *path = files[i].path;
        size_t len = strlen(path);
        if (strncmp(path, "/checkoffs/", 11) != 0)
            continue;
        if (len < 5 || strcmp(path + len - 5, ".json") != 0)
            continue; /* a README or notes beside the checklists */
        const char *file = path + 1, *name = path + 11;
        size_t name_len = len - 11 - 5;
        char base[CHECKOFF_ID_MAX + 2];
        if (strchr(name, '/')) {
            err = bad(why, why_size, file, "checklists must be files directly in checkoffs/");
            goto fail;
        }
        if (name_len == 0 || name_len > CHECKOFF_ID_MAX) {
            err = bad(why, why_size, file,
                      "the file name must be the checklist's id (1 to %d of "
                      "a-z, 0-9 and -) and .json",
                      CHECKOFF_ID_MAX);
            goto fail;
        }
        snprintf(base, sizeof(base), "%.*s", (int)name_len, name);
        json_error_t e;
        json_t *doc =
            json_loadb((const char *)files[i].data, files[i].size, JSON_REJECT_DUPLICATES, &e);
        if (!doc) {
            err = bad(why, why_size, file, "not valid JSON (line %d, column %d: %s)", e.line,
                      e.column, e.text);
            goto fail;
        }
        struct checkoff_list *l = &c->lists[c->n++];
        if ((err = read_list(l, doc, file, base, &known, why, why_size)))
            goto fail;
    }
    if (c->n > 1)
        qsort(c->lists, c->n, sizeof(*c->lists), cmp_list);
    item_set_release(&known);
    *out = c;
    why[0] = 0;
    return CHECKOFF_OK;
fail:
    item_set_release(&known);
    checkoff_catalog_free(&c);
    return err ? err : CHECKOFF_ERR_NOMEM;
}

static pthread_once_t bundled_once = PTHREAD_ONCE_INIT;
static struct checkoff_catalog *bundled;
static int bundled_err;
static char bundled_why[512];

static void bundled_load(void)
{
    bundled_err = checkoff_catalog_build(content_files, content_files_count, &bundled, bundled_why,
                                         sizeof(bundled_why));
}

int checkoff_bundled(const struct checkoff_catalog **out, char *why, size_t why_size)
{
    pthread_once(&bundled_once, bundled_load);
    *out = bundled;
    if (bundled_err && why)
        snprintf(why, why_size, "%s", bundled_why);
    return bundled_err;
}

const struct checkoff_list *checkoff_find(const struct checkoff_catalog *c, const char *id)
{
    size_t lo = 0, hi = c ? c->n : 0;
    while (id && lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int d = strcmp(id, c->lists[mid].id);
        if (d == 0)
            return &c->lists[mid];
        if (d < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

int checkoff_step_index(const struct checkoff_list *l, const char *id)
{
    for (size_t i = 0; id && i < l->nsteps; i++)
        if (strcmp(l->steps[i].id, id) == 0)
            return (int)i;
    return -1;
}

void checkoff_outcome(const struct checkoff_list *l, const unsigned char *ticked,
                      struct checkoff_outcome *o)
{
    memset(o, 0, sizeof(*o));
    o->total = l->nsteps;
    for (size_t i = 0; i < l->nsteps; i++) {
        o->ticked += ticked[i] != 0;
        if (l->steps[i].critical) {
            o->critical_total++;
            o->critical_missed += ticked[i] == 0;
        }
    }
    /* Integer arithmetic: ticked/total >= PASS_PERCENT/100 without rounding. */
    o->passed = o->critical_missed == 0 && o->total > 0 &&
                o->ticked * 100 >= o->total * CHECKOFF_PASS_PERCENT;
}

/* ---- Alignments ---- */

static int align_one(struct store *db, const struct checkoff_list *l, int64_t inst, const char *now)
{
    for (size_t j = 0; j < l->nitems; j++) {
        struct store_stmt *st;
        if (store_prepare(db,
                          "INSERT INTO competency_alignments"
                          " (institution_id, activity, item, source, created_at)"
                          " VALUES (?, ?, ?, 'content', ?) ON CONFLICT DO NOTHING",
                          &st))
            return CHECKOFF_ERR_STORE;
        store_bind_int(st, 1, inst);
        store_bind_text(st, 2, l->activity);
        store_bind_text(st, 3, l->items[j]);
        store_bind_text(st, 4, now);
        int err = store_step(st);
        store_finish(st);
        if (err)
            return CHECKOFF_ERR_STORE;
    }
    return CHECKOFF_OK;
}

static int align_institution(struct store *db, const struct checkoff_catalog *c, int64_t inst,
                             const char *now)
{
    int err = CHECKOFF_OK;
    for (size_t i = 0; !err && i < c->n; i++)
        err = align_one(db, &c->lists[i], inst, now);
    return err;
}

int checkoff_align_list(struct store *db, const struct checkoff_list *l, int64_t institution)
{
    char now[21];
    time_iso8601(time_now(), now);
    if (store_begin(db))
        return CHECKOFF_ERR_STORE;
    int err = align_one(db, l, institution, now);
    if (err) {
        store_rollback(db);
        return err;
    }
    return store_commit(db) ? CHECKOFF_ERR_STORE : CHECKOFF_OK;
}

/* Is ITEM an item of the checklist whose activity is ACTIVITY? */
static int still_aligned(const struct checkoff_catalog *c, const char *activity, const char *item)
{
    const struct checkoff_list *l = checkoff_find(c, activity + strlen(CHECKOFF_ACTIVITY_PREFIX));
    for (size_t i = 0; l && i < l->nitems; i++)
        if (strcmp(l->items[i], item) == 0)
            return 1;
    return 0;
}

/* Deletes the 'content' alignments of check-off activities that C no longer has. */
static int remove_stale(struct store *db, const struct checkoff_catalog *c, int64_t institution)
{
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT institution_id, activity, item FROM competency_alignments"
                      " WHERE source = 'content' AND substr(activity, 1, ?) = ?"
                      " AND (? = 0 OR institution_id = ?)",
                      &st))
        return CHECKOFF_ERR_STORE;
    store_bind_int(st, 1, (int64_t)strlen(CHECKOFF_ACTIVITY_PREFIX));
    store_bind_text(st, 2, CHECKOFF_ACTIVITY_PREFIX);
    store_bind_int(st, 3, institution);
    store_bind_int(st, 4, institution);
    json_t *stale = json_array();
    int err = stale ? CHECKOFF_OK : CHECKOFF_ERR_NOMEM, rc = STORE_OK;
    while (!err && (rc = store_step(st)) == STORE_ROW) {
        const char *activity = store_col_text(st, 1), *item = store_col_text(st, 2);
        if (!still_aligned(c, activity, item) &&
            json_array_append_new(
                stale, json_pack("[I, s, s]", (json_int_t)store_col_int(st, 0), activity, item)))
            err = CHECKOFF_ERR_NOMEM;
    }
    store_finish(st);
    if (!err && rc < 0)
        err = CHECKOFF_ERR_STORE;
    size_t i;
    json_t *row;
    json_array_foreach (stale, i, row) {
        if (err)
            break;
        if (store_prepare(db,
                          "DELETE FROM competency_alignments WHERE institution_id = ?"
                          " AND activity = ? AND item = ? AND source = 'content'",
                          &st)) {
            err = CHECKOFF_ERR_STORE;
            break;
        }
        store_bind_int(st, 1, json_integer_value(json_array_get(row, 0)));
        store_bind_text(st, 2, json_string_value(json_array_get(row, 1)));
        store_bind_text(st, 3, json_string_value(json_array_get(row, 2)));
        if (store_step(st))
            err = CHECKOFF_ERR_STORE;
        store_finish(st);
    }
    json_decref(stale);
    return err;
}

int checkoff_align(struct store *db, const struct checkoff_catalog *c, int64_t institution)
{
    char now[21];
    time_iso8601(time_now(), now);
    json_t *ids = json_array();
    if (!ids)
        return CHECKOFF_ERR_NOMEM;
    int err = CHECKOFF_OK, rc = STORE_OK;
    struct store_stmt *st;
    if (institution) {
        if (json_array_append_new(ids, json_integer(institution)))
            err = CHECKOFF_ERR_NOMEM;
    } else if (store_prepare(db, "SELECT id FROM institutions ORDER BY id", &st)) {
        err = CHECKOFF_ERR_STORE;
    } else {
        while ((rc = store_step(st)) == STORE_ROW)
            if (json_array_append_new(ids, json_integer(store_col_int(st, 0))))
                err = CHECKOFF_ERR_NOMEM;
        store_finish(st);
        if (rc < 0)
            err = CHECKOFF_ERR_STORE;
    }
    if (err || store_begin(db)) {
        json_decref(ids);
        return err ? err : CHECKOFF_ERR_STORE;
    }
    size_t i;
    json_t *id;
    json_array_foreach (ids, i, id)
        if (!err)
            err = align_institution(db, c, json_integer_value(id), now);
    if (!err)
        err = remove_stale(db, c, institution);
    json_decref(ids);
    if (err) {
        store_rollback(db);
        return err;
    }
    return store_commit(db) ? CHECKOFF_ERR_STORE : CHECKOFF_OK;
}
