/* A college's bank, settings, usage statistics and calibration runs, in the database. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "literacy/store.h"
#include "util/alloc.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/banned.h"

static void now_ms(char out[25])
{
    time_format_ms(time_now_ms(), out);
}

/* Binds a user id, or NULL for 0 (the command line acts as no one). */
static void bind_user(struct store_stmt *st, int i, int64_t by)
{
    if (by)
        store_bind_int(st, i, by);
    else
        store_bind_text(st, i, NULL);
}

/* ---- The bank ---- */

/* Bundled items first, then imported ones, for each id. */
static int cmp_id_source(const void *a, const void *b)
{
    const struct literacy_item *x = a, *y = b;
    int d = strcmp(x->id, y->id);
    if (d)
        return d;
    return (int)(x->flags & LITERACY_ITEM_IMPORTED) - (int)(y->flags & LITERACY_ITEM_IMPORTED);
}

/* Sorts B by id and keeps, for an id held twice, the imported item. */
static void settle(struct literacy_bank *b)
{
    if (b->n > 1)
        qsort(b->items, b->n, sizeof(*b->items), cmp_id_source);
    size_t w = 0;
    for (size_t i = 0; i < b->n; i++) {
        if (w > 0 && strcmp(b->items[w - 1].id, b->items[i].id) == 0)
            w--;
        b->items[w++] = b->items[i];
    }
    b->n = w;
}

static int load_imported(struct store *db, int64_t institution, struct literacy_bank *b)
{
    struct store_stmt *st;
    if (store_prepare(db, "SELECT id, item FROM literacy_items WHERE institution_id = ?", &st))
        return LITERACY_ERR_STORE;
    store_bind_int(st, 1, institution);
    int rc, err = LITERACY_OK;
    while (!err && (rc = store_step(st)) == STORE_ROW) {
        json_t *doc = json_loads(store_col_text(st, 1), JSON_REJECT_DUPLICATES, NULL);
        struct literacy_item it;
        struct literacy_problem p;
        if (!doc || json_array_append_new(b->docs, doc)) {
            err = LITERACY_ERR_NOMEM;
            break;
        }
        if (literacy_item_read(doc, "imported", &it, &p)) {
            /* Checked at import; a later, stricter check may refuse it: leave it out and say so. */
            LOG_WARN("literacy: imported item %s is no longer valid (%s: %s)",
                     store_col_text(st, 0), p.where, p.msg);
            continue;
        }
        it.flags |= LITERACY_ITEM_IMPORTED;
        err = literacy_bank_add(b, &it);
    }
    store_finish(st);
    if (!err && rc < 0)
        err = LITERACY_ERR_STORE;
    return err;
}

static int apply_state(struct store *db, int64_t institution, struct literacy_bank *b)
{
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT id, retired, irt, irt_version, exposure_k FROM literacy_item_state"
                      " WHERE institution_id = ?",
                      &st))
        return LITERACY_ERR_STORE;
    store_bind_int(st, 1, institution);
    int rc;
    while ((rc = store_step(st)) == STORE_ROW) {
        struct literacy_item *it =
            (struct literacy_item *)literacy_bank_find(b, store_col_text(st, 0));
        if (!it)
            continue;
        if (store_col_int(st, 1))
            it->flags |= LITERACY_ITEM_RETIRED;
        if (!store_col_is_null(st, 4))
            it->exposure_k = strtod(store_col_text(st, 4), NULL);
        if (store_col_is_null(st, 2) || store_col_int(st, 3) != it->version)
            continue;
        json_t *v = json_loads(store_col_text(st, 2), 0, NULL);
        struct literacy_irt irt;
        if (v && !literacy_irt_read(v, &irt) && irt.model == it->irt_item.model &&
            irt.m == it->irt_item.m) {
            it->irt = irt;
            it->flags |= LITERACY_ITEM_CALIBRATED;
        }
        json_decref(v);
    }
    store_finish(st);
    return rc < 0 ? LITERACY_ERR_STORE : LITERACY_OK;
}

int literacy_bank_load(struct store *db, int64_t institution, struct literacy_bank *out)
{
    const struct literacy_bank *bundled;
    literacy_bank_init(out);
    if (literacy_bundled(&bundled, NULL, 0))
        return LITERACY_ERR_STORE;
    int err = (out->docs = json_array()) ? LITERACY_OK : LITERACY_ERR_NOMEM;
    for (size_t i = 0; !err && i < bundled->n; i++)
        err = literacy_bank_add(out, &bundled->items[i]);
    if (!err)
        err = load_imported(db, institution, out);
    if (!err)
        settle(out);
    if (!err)
        err = apply_state(db, institution, out);
    if (err)
        literacy_bank_release(out);
    return err;
}

/* ---- Settings ---- */

int literacy_settings_get(struct store *db, int64_t institution, struct literacy_settings *out)
{
    struct store_stmt *st;
    literacy_settings_default(out);
    if (store_prepare(db, "SELECT settings FROM literacy_settings WHERE institution_id = ?", &st))
        return LITERACY_ERR_STORE;
    store_bind_int(st, 1, institution);
    int rc = store_step(st), err = rc < 0 ? LITERACY_ERR_STORE : LITERACY_OK;
    if (rc == STORE_ROW) {
        json_t *v = json_loads(store_col_text(st, 0), 0, NULL);
        struct literacy_problem p;
        struct literacy_settings s = *out;
        if (v && !literacy_settings_read(v, &s, &p))
            *out = s;
        else
            LOG_WARN("literacy: the stored settings of institution %lld are unreadable; "
                     "using the defaults",
                     (long long)institution);
        json_decref(v);
    }
    store_finish(st);
    return err;
}

int literacy_settings_put(struct store *db, int64_t institution, int64_t by, const json_t *v,
                          struct literacy_settings *out, struct literacy_problem *p)
{
    int err = literacy_settings_get(db, institution, out);
    if (err || (err = literacy_settings_read(v, out, p)))
        return err;
    json_t *j = literacy_settings_json(out);
    char *text = j ? json_dumps(j, JSON_COMPACT) : NULL, now[25];
    json_decref(j);
    if (!text)
        return LITERACY_ERR_NOMEM;
    now_ms(now);
    struct store_stmt *st;
    err = LITERACY_ERR_STORE;
    if (!store_prepare(db,
                       "INSERT INTO literacy_settings (institution_id, settings, updated_at,"
                       " updated_by) VALUES (?, ?, ?, ?) ON CONFLICT (institution_id) DO UPDATE"
                       " SET settings = excluded.settings, updated_at = excluded.updated_at,"
                       " updated_by = excluded.updated_by",
                       &st)) {
        store_bind_int(st, 1, institution);
        store_bind_text(st, 2, text);
        store_bind_text(st, 3, now);
        bind_user(st, 4, by);
        if (store_step(st) == STORE_OK)
            err = LITERACY_OK;
        store_finish(st);
    }
    free(text);
    return err;
}

/* ---- Import and export ---- */

/* Checks the "state" member of an import against the bank the college would have (MERGED). */
static int read_state(const json_t *state, const struct literacy_bank *merged,
                      struct literacy_report *r)
{
    static const char *const keys[] = {"retired", "irt", NULL};
    struct literacy_problem p;
    if (!json_is_object(state)) {
        literacy_problem_set(&p, LITERACY_ERR_INVALID, "state", "lit_state", NULL);
        literacy_report_add(r, &p);
        return LITERACY_ERR_INVALID;
    }
    const char *id;
    json_t *v;
    int err = LITERACY_OK;
    json_object_foreach ((json_t *)state, id, v) {
        char where[64];
        snprintf(where, sizeof(where), "state.%.40s", id);
        const struct literacy_item *it = literacy_bank_find(merged, id);
        const json_t *retired = json_object_get(v, "retired"), *irt = json_object_get(v, "irt");
        struct literacy_irt parsed;
        const char *msg = NULL;
        if (!it)
            msg = "lit_state_unknown";
        else if (!json_is_object(v) || json_object_size(v) == 0)
            msg = "lit_state";
        else if (retired && !json_is_boolean(retired))
            msg = "lit_state";
        else if (irt && (literacy_irt_read(irt, &parsed) || parsed.model != it->irt_item.model ||
                         parsed.m != it->irt_item.m))
            msg = "lit_state_irt";
        if (!msg) {
            const char *key;
            json_t *x;
            json_object_foreach (v, key, x)
                if (strcmp(key, "retired") != 0 && strcmp(key, "irt") != 0)
                    msg = "lit_state";
        }
        (void)keys;
        if (msg) {
            literacy_problem_set(&p, LITERACY_ERR_INVALID, where, msg, NULL);
            literacy_report_add(r, &p);
            err = LITERACY_ERR_INVALID;
        }
    }
    return err;
}

static int store_item(struct store *db, int64_t institution, int64_t by,
                      const struct literacy_item *it, const char *now)
{
    char *text = json_dumps(it->json, JSON_COMPACT);
    if (!text)
        return LITERACY_ERR_NOMEM;
    struct store_stmt *st;
    int err = LITERACY_ERR_STORE;
    if (!store_prepare(db,
                       "INSERT INTO literacy_items (institution_id, id, version, item, imported_at,"
                       " imported_by) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (institution_id, id)"
                       " DO UPDATE SET version = excluded.version, item = excluded.item,"
                       " imported_at = excluded.imported_at, imported_by = excluded.imported_by",
                       &st)) {
        store_bind_int(st, 1, institution);
        store_bind_text(st, 2, it->id);
        store_bind_int(st, 3, it->version);
        store_bind_text(st, 4, text);
        store_bind_text(st, 5, now);
        bind_user(st, 6, by);
        if (store_step(st) == STORE_OK)
            err = LITERACY_OK;
        store_finish(st);
    }
    free(text);
    return err;
}

/* Upserts the state row of ID: RETIRED (-1 keeps it) and IRT (NULL keeps it) for VERSION. */
static int store_state(struct store *db, int64_t institution, const char *id, int retired,
                       const json_t *irt, int64_t version, int64_t calibration, const char *now)
{
    char *text = irt ? json_dumps(irt, JSON_COMPACT) : NULL;
    if (irt && !text)
        return LITERACY_ERR_NOMEM;
    struct store_stmt *st;
    int err = LITERACY_ERR_STORE;
    if (!store_prepare(
            db,
            "INSERT INTO literacy_item_state (institution_id, id, retired, irt, irt_version,"
            " calibration_id, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (institution_id, id) DO UPDATE SET"
            " retired = CASE WHEN ? < 0 THEN literacy_item_state.retired ELSE excluded.retired END,"
            " irt = CASE WHEN ? THEN excluded.irt ELSE literacy_item_state.irt END,"
            " irt_version = CASE WHEN ? THEN excluded.irt_version"
            "   ELSE literacy_item_state.irt_version END,"
            " calibration_id = CASE WHEN ? THEN excluded.calibration_id"
            "   ELSE literacy_item_state.calibration_id END,"
            " updated_at = excluded.updated_at",
            &st)) {
        int i = 1;
        store_bind_int(st, i++, institution);
        store_bind_text(st, i++, id);
        store_bind_int(st, i++, retired > 0);
        store_bind_text(st, i++, text);
        if (irt)
            store_bind_int(st, i++, version);
        else
            store_bind_text(st, i++, NULL);
        if (calibration)
            store_bind_int(st, i++, calibration);
        else
            store_bind_text(st, i++, NULL);
        store_bind_text(st, i++, now);
        store_bind_int(st, i++, retired);
        store_bind_int(st, i++, irt != NULL);
        store_bind_int(st, i++, irt != NULL);
        store_bind_int(st, i++, irt != NULL);
        if (store_step(st) == STORE_OK)
            err = LITERACY_OK;
        store_finish(st);
    }
    free(text);
    return err;
}

/*
 * Are A and B the same item? As json_equal, except that numbers are equal by
 * value: 3 and 3.0 are one threshold, whichever tool wrote the file.
 */
static int same_json(const json_t *a, const json_t *b)
{
    if (json_is_number(a) && json_is_number(b))
        return json_number_value(a) == json_number_value(b);
    if (json_typeof(a) != json_typeof(b))
        return 0;
    if (json_is_array(a)) {
        if (json_array_size(a) != json_array_size(b))
            return 0;
        for (size_t i = 0; i < json_array_size(a); i++)
            if (!same_json(json_array_get(a, i), json_array_get(b, i)))
                return 0;
        return 1;
    }
    if (json_is_object(a)) {
        const char *key;
        json_t *v;
        if (json_object_size(a) != json_object_size(b))
            return 0;
        json_object_foreach ((json_t *)a, key, v) {
            const json_t *w = json_object_get(b, key);
            if (!w || !same_json(v, w))
                return 0;
        }
        return 1;
    }
    return json_equal(a, b);
}

int literacy_bank_import(struct store *db, int64_t institution, int64_t by, const char *data,
                         size_t len, int check_only, struct literacy_import *out)
{
    struct literacy_bank incoming, current, merged;
    struct literacy_problem p;
    memset(out, 0, sizeof(*out));
    literacy_bank_init(&incoming);
    literacy_bank_init(&merged);
    int err = literacy_bank_load(db, institution, &current);
    if (err)
        return err;
    json_error_t e;
    json_t *doc = json_loadb(data, len, JSON_REJECT_DUPLICATES, &e);
    if (!doc) {
        char arg[sizeof(p.arg)];
        snprintf(arg, sizeof(arg), "line %d, column %d: %.60s", e.line, e.column, e.text);
        literacy_problem_set(&p, LITERACY_ERR_INVALID, "", "lit_bad_json", arg);
        literacy_report_add(&out->report, &p);
        err = LITERACY_ERR_INVALID;
        goto done;
    }
    const json_t *state = json_object_get(doc, "state");
    err = literacy_bank_read_json(&incoming, doc, "", 1, &out->report);
    if (err && err != LITERACY_ERR_INVALID)
        goto done;
    if (literacy_bank_finish(&incoming, &out->report))
        err = LITERACY_ERR_INVALID;
    /* Each incoming item against the college's: new, the same, newer, or a problem. */
    unsigned char *kind = cc_calloc(incoming.n ? incoming.n : 1, 1); /* 1 add, 2 update */
    if (!kind) {
        err = LITERACY_ERR_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < incoming.n; i++) {
        const struct literacy_item *it = &incoming.items[i],
                                   *old = literacy_bank_find(&current, it->id);
        if (!old) {
            kind[i] = 1;
            out->added++;
        } else if (same_json(old->json, it->json)) {
            out->unchanged++;
        } else if (it->version > old->version) {
            kind[i] = 2;
            out->updated++;
        } else {
            char arg[24];
            snprintf(arg, sizeof(arg), "%lld", (long long)old->version);
            literacy_problem_set(&p, LITERACY_ERR_INVALID, it->id, "lit_version_not_newer", arg);
            literacy_report_add(&out->report, &p);
            err = LITERACY_ERR_INVALID;
        }
    }
    /* The bank as it would be, for the state's checks. */
    int merr = (merged.docs = json_array()) ? LITERACY_OK : LITERACY_ERR_NOMEM;
    for (size_t i = 0; !merr && i < current.n; i++)
        merr = literacy_bank_add(&merged, &current.items[i]);
    for (size_t i = 0; !merr && i < incoming.n; i++) {
        struct literacy_item it = incoming.items[i];
        it.flags |= LITERACY_ITEM_IMPORTED;
        merr = literacy_bank_add(&merged, &it);
    }
    if (!merr)
        settle(&merged);
    if (merr) {
        cc_free(kind);
        err = merr;
        goto done;
    }
    if (state && read_state(state, &merged, &out->report))
        err = LITERACY_ERR_INVALID;
    out->state = state ? json_object_size(state) : 0;
    if (err || check_only) {
        cc_free(kind);
        goto done;
    }
    char now[25];
    now_ms(now);
    if (store_begin(db)) {
        cc_free(kind);
        err = LITERACY_ERR_STORE;
        goto done;
    }
    for (size_t i = 0; !err && i < incoming.n; i++)
        if (kind[i])
            err = store_item(db, institution, by, &incoming.items[i], now);
    const char *id;
    json_t *v;
    json_object_foreach ((json_t *)state, id, v) {
        if (err)
            break;
        const struct literacy_item *it = literacy_bank_find(&merged, id);
        const json_t *retired = json_object_get(v, "retired");
        err = store_state(db, institution, id, retired ? json_is_true(retired) : -1,
                          json_object_get(v, "irt"), it->version, 0, now);
    }
    cc_free(kind);
    if (err) {
        store_rollback(db);
        goto done;
    }
    err = store_commit(db) ? LITERACY_ERR_STORE : LITERACY_OK;
done:
    literacy_bank_release(&incoming);
    literacy_bank_release(&current);
    literacy_bank_release(&merged);
    return err;
}

json_t *literacy_bank_export(const struct literacy_bank *b)
{
    json_t *items = json_array(), *state = json_object();
    for (size_t i = 0; items && state && i < b->n; i++) {
        const struct literacy_item *it = &b->items[i];
        json_array_append(items, it->json);
        if (!(it->flags & (LITERACY_ITEM_RETIRED | LITERACY_ITEM_CALIBRATED)))
            continue;
        json_t *s = json_object();
        if (it->flags & LITERACY_ITEM_RETIRED)
            json_object_set_new(s, "retired", json_true());
        if (it->flags & LITERACY_ITEM_CALIBRATED)
            json_object_set_new(s, "irt", literacy_irt_json(&it->irt));
        json_object_set_new(state, it->id, s);
    }
    return json_pack("{s:o, s:o}", "items", items, "state", state);
}

int literacy_item_retire(struct store *db, int64_t institution, const char *id, int retired,
                         struct literacy_problem *p)
{
    struct literacy_bank b;
    int err = literacy_bank_load(db, institution, &b);
    if (err)
        return err;
    const struct literacy_item *it = literacy_bank_find(&b, id);
    if (!it) {
        literacy_bank_release(&b);
        return literacy_problem_set(p, LITERACY_ERR_NOT_FOUND, "id", "literacy_item_unknown", NULL);
    }
    char now[25];
    now_ms(now);
    err = store_state(db, institution, it->id, retired ? 1 : 0, NULL, it->version, 0, now);
    literacy_bank_release(&b);
    return err;
}

/* ---- Exposure control ---- */

int literacy_exposure_store(struct store *db, int64_t institution, int64_t by, double max_exposure,
                            size_t n, int rounds, struct literacy_exposure_report *out,
                            struct literacy_problem *p)
{
    struct literacy_settings s;
    struct literacy_bank b;
    struct literacy_pool pool = {0};
    memset(out, 0, sizeof(*out));
    if (!(max_exposure == 0 || (max_exposure >= 0.05 && max_exposure <= 1)))
        return literacy_problem_set(p, LITERACY_ERR_INVALID, "max_exposure",
                                    "literacy_settings_max_exposure", NULL);
    int err = literacy_settings_get(db, institution, &s);
    if (err || (err = literacy_bank_load(db, institution, &b)))
        return err;
    s.max_exposure = max_exposure;
    if (max_exposure > 0 && (!(err = literacy_pool_build(&b, &pool))))
        err = literacy_exposure_tune(&pool, &s, n, rounds, 0x5eed0000ULL + (uint64_t)institution,
                                     out);
    json_t *sj = err ? NULL : literacy_settings_json(&s);
    char *settings = sj ? json_dumps(sj, JSON_COMPACT) : NULL, now[25];
    json_decref(sj);
    if (!err && !settings)
        err = LITERACY_ERR_NOMEM;
    if (err || store_begin(db)) {
        err = err ? err : LITERACY_ERR_STORE;
        goto done;
    }
    now_ms(now);
    struct store_stmt *st;
    for (size_t i = 0; !err && i < b.n; i++) {
        if (store_prepare(db,
                          "INSERT INTO literacy_item_state (institution_id, id, retired,"
                          " exposure_k, updated_at) VALUES (?, ?, 0, ?, ?)"
                          " ON CONFLICT (institution_id, id) DO UPDATE SET"
                          " exposure_k = excluded.exposure_k, updated_at = excluded.updated_at",
                          &st)) {
            err = LITERACY_ERR_STORE;
            break;
        }
        char k[32];
        double v = pool.items ? pool.items[i].k : 1.0;
        snprintf(k, sizeof(k), "%.17g", v);
        store_bind_int(st, 1, institution);
        store_bind_text(st, 2, b.items[i].id);
        store_bind_text(st, 3, v < 1.0 ? k : NULL);
        store_bind_text(st, 4, now);
        if (store_step(st))
            err = LITERACY_ERR_STORE;
        store_finish(st);
    }
    if (!err && store_prepare(db,
                              "INSERT INTO literacy_settings (institution_id, settings, updated_at,"
                              " updated_by) VALUES (?, ?, ?, ?) ON CONFLICT (institution_id) DO"
                              " UPDATE SET settings = excluded.settings,"
                              " updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                              &st))
        err = LITERACY_ERR_STORE;
    else if (!err) {
        store_bind_int(st, 1, institution);
        store_bind_text(st, 2, settings);
        store_bind_text(st, 3, now);
        bind_user(st, 4, by);
        if (store_step(st))
            err = LITERACY_ERR_STORE;
        store_finish(st);
    }
    if (err)
        store_rollback(db);
    else if (store_commit(db))
        err = LITERACY_ERR_STORE;
done:
    free(settings);
    literacy_pool_release(&pool);
    literacy_bank_release(&b);
    return err;
}

/* ---- Usage ---- */

int literacy_usage(struct store *db, int64_t institution, int64_t class_id,
                   const struct literacy_bank *b, struct literacy_usage *usage, int64_t *tests)
{
    memset(usage, 0, b->n * sizeof(*usage));
    *tests = 0;
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT item_id, COUNT(*), SUM(category), SUM(max_category)"
                      " FROM literacy_responses WHERE institution_id = ?"
                      " AND (? = 0 OR student_id IN (SELECT user_id FROM enrolments"
                      "      WHERE class_id = ? AND institution_id = ?))"
                      " GROUP BY item_id",
                      &st))
        return LITERACY_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_int(st, 2, class_id);
    store_bind_int(st, 3, class_id);
    store_bind_int(st, 4, institution);
    int rc;
    while ((rc = store_step(st)) == STORE_ROW) {
        const struct literacy_item *it = literacy_bank_find(b, store_col_text(st, 0));
        if (!it)
            continue;
        struct literacy_usage *u = &usage[it - b->items];
        u->administered = store_col_int(st, 1);
        u->score = store_col_int(st, 2);
        u->max = store_col_int(st, 3);
    }
    store_finish(st);
    if (rc < 0)
        return LITERACY_ERR_STORE;
    if (store_prepare(db,
                      "SELECT COUNT(*) FROM literacy_tests WHERE institution_id = ?"
                      " AND (? = 0 OR student_id IN (SELECT user_id FROM enrolments"
                      "      WHERE class_id = ? AND institution_id = ?))",
                      &st))
        return LITERACY_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_int(st, 2, class_id);
    store_bind_int(st, 3, class_id);
    store_bind_int(st, 4, institution);
    rc = store_step(st);
    if (rc == STORE_ROW)
        *tests = store_col_int(st, 0);
    store_finish(st);
    return rc == STORE_ROW ? LITERACY_OK : LITERACY_ERR_STORE;
}

/* ---- Calibration ---- */

static json_t *num(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

json_t *literacy_calibration_report(const struct literacy_calib_options *o,
                                    const struct literacy_calib_result *r,
                                    const struct literacy_calib_item *items, const char *const *ids,
                                    const int64_t *versions, size_t nitems)
{
    json_t *list = json_array();
    for (size_t i = 0; list && i < nitems; i++) {
        const struct literacy_calib_item *ci = &items[i];
        if (ci->n == 0)
            continue;
        json_t *flags = json_array(), *se = json_null();
        if (!ci->estimated)
            json_array_append_new(flags, json_string("few_responses"));
        if (ci->estimated) {
            json_t *seb = json_array();
            for (int j = 0; seb && j < ci->est.m; j++)
                json_array_append_new(seb, num(ci->se_b[j]));
            se = json_pack("{s:o, s:o}", "a", num(ci->se_a), "b", seb);
            double change = fabs(ci->est.a - ci->start.a);
            for (int j = 0; j < ci->est.m; j++)
                change = fmax(change, fabs(ci->est.b[j] - ci->start.b[j]));
            if (change > 0.5)
                json_array_append_new(flags, json_string("large_change"));
            if (ci->est.a < 0.5)
                json_array_append_new(flags, json_string("low_discrimination"));
        }
        if (isfinite(ci->p) && ci->p < 0.01)
            json_array_append_new(flags, json_string("misfit"));
        json_array_append_new(
            list,
            json_pack("{s:s, s:I, s:I, s:b, s:o, s:o, s:o, s:{s:i, s:i, s:o, s:o, s:o, s:o,"
                      " s:o}, s:o}",
                      "id", ids[i], "version", (json_int_t)versions[i], "n", (json_int_t)ci->n,
                      "estimated", ci->estimated, "old", literacy_irt_json(&ci->start), "new",
                      literacy_irt_json(&ci->est), "se", se, "fit", "groups", ci->groups, "df",
                      ci->df, "q1", num(ci->q1), "p", num(ci->p), "infit", num(ci->infit), "outfit",
                      num(ci->outfit), "mean", num(ci->mean), "flags", flags));
    }
    json_t *link =
        r->linked ? json_pack("{s:f, s:f}", "a", r->link_a, "b", r->link_b) : json_null();
    return json_pack("{s:{s:i, s:f, s:I, s:b, s:b}, s:{s:i, s:b, s:o, s:I, s:I, s:I, s:o},"
                     " s:o}",
                     "options", "max_cycles", o->max_cycles, "tolerance", o->tolerance,
                     "min_responses", (json_int_t)o->min_responses, "priors", o->priors, "link",
                     o->link, "result", "cycles", r->cycles, "converged", r->converged, "loglik",
                     num(r->loglik), "persons", (json_int_t)r->persons, "responses",
                     (json_int_t)r->responses, "estimated", (json_int_t)r->estimated, "link", link,
                     "items", list);
}

/* The college's answers to the items of B as calibration data (persons = tests). */
static int gather(struct store *db, int64_t institution, const struct literacy_bank *b,
                  struct literacy_calib_response **out, size_t *n, size_t *persons)
{
    struct store_stmt *st;
    *out = NULL;
    *n = *persons = 0;
    if (store_prepare(db,
                      "SELECT test_id, item_id, item_version, category FROM literacy_responses"
                      " WHERE institution_id = ? ORDER BY test_id, seq",
                      &st))
        return LITERACY_ERR_STORE;
    store_bind_int(st, 1, institution);
    size_t cap = 0;
    int64_t last = -1;
    int rc, err = LITERACY_OK;
    while (!err && (rc = store_step(st)) == STORE_ROW) {
        const struct literacy_item *it = literacy_bank_find(b, store_col_text(st, 1));
        int64_t test = store_col_int(st, 0);
        int k = (int)store_col_int(st, 3);
        if (!it || it->version != store_col_int(st, 2) || k < 0 || k > it->irt.m)
            continue;
        if (test != last) {
            (*persons)++;
            last = test;
        }
        if (*n == cap) {
            size_t ncap = cap ? cap * 2 : 1024;
            struct literacy_calib_response *r = cc_realloc(*out, ncap * sizeof(*r));
            if (!r) {
                err = LITERACY_ERR_NOMEM;
                break;
            }
            *out = r;
            cap = ncap;
        }
        (*out)[(*n)++] = (struct literacy_calib_response){(uint32_t)(*persons - 1),
                                                          (uint32_t)(it - b->items), k};
    }
    store_finish(st);
    if (!err && rc < 0)
        err = LITERACY_ERR_STORE;
    return err;
}

int literacy_calibration_run(struct store *db, int64_t institution, int64_t by,
                             const struct literacy_calib_options *o, int64_t *id, json_t **report,
                             struct literacy_problem *p)
{
    struct literacy_bank b;
    struct literacy_calib_response *r = NULL;
    struct literacy_calib_item *items = NULL;
    const char **ids = NULL;
    int64_t *versions = NULL;
    size_t n = 0, persons = 0;
    *report = NULL;
    int err = literacy_bank_load(db, institution, &b);
    if (err)
        return err;
    if ((err = gather(db, institution, &b, &r, &n, &persons)))
        goto done;
    items = cc_calloc(b.n ? b.n : 1, sizeof(*items));
    ids = cc_calloc(b.n ? b.n : 1, sizeof(*ids));
    versions = cc_calloc(b.n ? b.n : 1, sizeof(*versions));
    if (!items || !ids || !versions) {
        err = LITERACY_ERR_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < b.n; i++) {
        items[i].start = b.items[i].irt;
        ids[i] = b.items[i].id;
        versions[i] = b.items[i].version;
    }
    struct literacy_calib_result res;
    if ((err = literacy_calibrate(r, n, persons, items, b.n, o, &res)))
        goto done;
    if (res.estimated == 0) {
        char arg[24];
        snprintf(arg, sizeof(arg), "%zu", o->min_responses);
        err =
            literacy_problem_set(p, LITERACY_ERR_INVALID, "", "literacy_calibration_no_data", arg);
        goto done;
    }
    *report = literacy_calibration_report(o, &res, items, ids, versions, b.n);
    char *text = *report ? json_dumps(*report, JSON_COMPACT) : NULL, now[25];
    if (!text) {
        err = LITERACY_ERR_NOMEM;
        goto done;
    }
    now_ms(now);
    struct store_stmt *st;
    err = LITERACY_ERR_STORE;
    if (!store_prepare(db,
                       "INSERT INTO literacy_calibrations (institution_id, created_at, created_by,"
                       " persons, responses, estimated, report) VALUES (?, ?, ?, ?, ?, ?, ?)"
                       " RETURNING id",
                       &st)) {
        store_bind_int(st, 1, institution);
        store_bind_text(st, 2, now);
        bind_user(st, 3, by);
        store_bind_int(st, 4, (int64_t)res.persons);
        store_bind_int(st, 5, (int64_t)res.responses);
        store_bind_int(st, 6, (int64_t)res.estimated);
        store_bind_text(st, 7, text);
        if (store_step(st) == STORE_ROW) {
            *id = store_col_int(st, 0);
            err = LITERACY_OK;
        }
        store_finish(st);
    }
    free(text);
done:
    if (err) {
        json_decref(*report);
        *report = NULL;
    }
    literacy_bank_release(&b);
    cc_free(r);
    cc_free(items);
    cc_free(ids);
    cc_free(versions);
    return err;
}

void literacy_calibration_release(struct literacy_calibration *c)
{
    json_decref(c->report);
    c->report = NULL;
}

#define CALIBRATION_COLUMNS                                                                        \
    "id, created_at, COALESCE(applied_at, ''), persons, responses, estimated"

static void read_calibration(struct store_stmt *st, struct literacy_calibration *c)
{
    memset(c, 0, sizeof(*c));
    c->id = store_col_int(st, 0);
    snprintf(c->created_at, sizeof(c->created_at), "%s", store_col_text(st, 1));
    snprintf(c->applied_at, sizeof(c->applied_at), "%s", store_col_text(st, 2));
    c->persons = store_col_int(st, 3);
    c->responses = store_col_int(st, 4);
    c->estimated = store_col_int(st, 5);
}

int literacy_calibration_get(struct store *db, int64_t institution, int64_t id,
                             struct literacy_calibration *out)
{
    struct store_stmt *st;
    memset(out, 0, sizeof(*out));
    if (store_prepare(db,
                      "SELECT " CALIBRATION_COLUMNS ", report FROM literacy_calibrations"
                      " WHERE institution_id = ? AND id = ?",
                      &st))
        return LITERACY_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_int(st, 2, id);
    int rc = store_step(st), err = LITERACY_ERR_NOT_FOUND;
    if (rc == STORE_ROW) {
        read_calibration(st, out);
        out->report = json_loads(store_col_text(st, 6), 0, NULL);
        err = out->report ? LITERACY_OK : LITERACY_ERR_NOMEM;
    } else if (rc < 0) {
        err = LITERACY_ERR_STORE;
    }
    store_finish(st);
    return err;
}

int literacy_calibrations_list(struct store *db, int64_t institution, literacy_calibration_fn fn,
                               void *ctx)
{
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT " CALIBRATION_COLUMNS " FROM literacy_calibrations"
                      " WHERE institution_id = ? ORDER BY id DESC LIMIT 100",
                      &st))
        return LITERACY_ERR_STORE;
    store_bind_int(st, 1, institution);
    int rc, stop = 0;
    struct literacy_calibration c;
    while (!stop && (rc = store_step(st)) == STORE_ROW) {
        read_calibration(st, &c);
        stop = fn(ctx, &c);
    }
    store_finish(st);
    if (stop)
        return stop;
    return rc < 0 ? LITERACY_ERR_STORE : LITERACY_OK;
}

/* Are two parameter sets the same (to the precision JSON keeps)? */
static int same_irt(const struct literacy_irt *x, const struct literacy_irt *y)
{
    if (x->model != y->model || x->m != y->m || fabs(x->a - y->a) > 1e-9)
        return 0;
    for (int j = 0; j < x->m; j++)
        if (fabs(x->b[j] - y->b[j]) > 1e-9)
            return 0;
    return 1;
}

int literacy_calibration_apply(struct store *db, int64_t institution, int64_t by, int64_t id,
                               size_t *updated, struct literacy_problem *p)
{
    struct literacy_calibration c;
    struct literacy_bank b;
    *updated = 0;
    int err = literacy_calibration_get(db, institution, id, &c);
    if (err == LITERACY_ERR_NOT_FOUND)
        return literacy_problem_set(p, err, "id", "literacy_calibration_unknown", NULL);
    if (err)
        return err;
    if (c.applied_at[0]) {
        literacy_calibration_release(&c);
        return literacy_problem_set(p, LITERACY_ERR_CONFLICT, "id", "literacy_calibration_applied",
                                    c.applied_at);
    }
    if ((err = literacy_bank_load(db, institution, &b))) {
        literacy_calibration_release(&c);
        return err;
    }
    const json_t *items = json_object_get(c.report, "items");
    size_t i;
    json_t *v;
    /* Every re-estimated item must be as the run found it. */
    json_array_foreach (items, i, v) {
        if (!json_is_true(json_object_get(v, "estimated")))
            continue;
        const char *item_id = json_string_value(json_object_get(v, "id"));
        const struct literacy_item *it = literacy_bank_find(&b, item_id);
        struct literacy_irt old, new;
        if (!it || it->version != json_integer_value(json_object_get(v, "version")) ||
            literacy_irt_read(json_object_get(v, "old"), &old) || !same_irt(&old, &it->irt) ||
            literacy_irt_read(json_object_get(v, "new"), &new)) {
            err = literacy_problem_set(p, LITERACY_ERR_CONFLICT, "id", "literacy_calibration_stale",
                                       item_id);
            goto done;
        }
    }
    char now[25];
    now_ms(now);
    if (store_begin(db)) {
        err = LITERACY_ERR_STORE;
        goto done;
    }
    json_array_foreach (items, i, v) {
        if (err)
            break;
        if (!json_is_true(json_object_get(v, "estimated")))
            continue;
        const struct literacy_item *it =
            literacy_bank_find(&b, json_string_value(json_object_get(v, "id")));
        err = store_state(db, institution, it->id, -1, json_object_get(v, "new"), it->version, id,
                          now);
        (*updated)++;
    }
    struct store_stmt *st;
    if (!err && store_prepare(db,
                              "UPDATE literacy_calibrations SET applied_at = ?, applied_by = ?"
                              " WHERE institution_id = ? AND id = ? AND applied_at IS NULL",
                              &st))
        err = LITERACY_ERR_STORE;
    else if (!err) {
        store_bind_text(st, 1, now);
        bind_user(st, 2, by);
        store_bind_int(st, 3, institution);
        store_bind_int(st, 4, id);
        if (store_step(st) != STORE_OK)
            err = LITERACY_ERR_STORE;
        else if (store_changes(db) != 1)
            err = literacy_problem_set(p, LITERACY_ERR_CONFLICT, "id",
                                       "literacy_calibration_applied", "");
        store_finish(st);
    }
    if (err) {
        store_rollback(db);
        *updated = 0;
    } else if (store_commit(db)) {
        err = LITERACY_ERR_STORE;
        *updated = 0;
    }
done:
    literacy_bank_release(&b);
    literacy_calibration_release(&c);
    return err;
}
