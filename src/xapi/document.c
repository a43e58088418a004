#include "xapi/document.h"

#include <assert.h>
#include <ctype.h>
#include <openssl/sha.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util/alloc.h"
#include "util/json.h"
#include "util/banned.h"

/*
 * Documents are application data (a course player's bookmarks and answers),
 * not requests we define, so they may nest deeper than the statement limit;
 * this still keeps jansson's recursion far from a thread's stack size.
 */
#define DOC_JSON_MAX_DEPTH 128

#define DOC_SET                                                                                    \
    " WHERE institution_id = ? AND kind = ? AND agent_key = ? AND activity_id = ?"                 \
    " AND registration = ?"
#define DOC_ONE DOC_SET " AND doc_id = ?"

static const char *kind_name(enum xapi_doc_kind kind)
{
    switch (kind) {
    case XAPI_DOC_STATE:
        return "state";
    case XAPI_DOC_ACTIVITY_PROFILE:
        return "activity_profile";
    case XAPI_DOC_AGENT_PROFILE:
        return "agent_profile";
    }
    return NULL; /* binds NULL, which no row has and the NOT NULL constraint refuses */
}

/*
 * Binds the set K names to parameters 1-5 (see DOC_SET). Fields the kind does
 * not use are stored as '' (see the schema). A registration is a UUID, whose
 * letters may come in either case, so it is lower-cased to keep one key per
 * registration.
 */
static void bind_set(struct store_stmt *st, const struct xapi_doc_key *k)
{
    const char *agent = k->kind == XAPI_DOC_ACTIVITY_PROFILE ? "" : k->agent_key;
    const char *activity = k->kind == XAPI_DOC_AGENT_PROFILE ? "" : k->activity_id;
    char lower[64];
    const char *registration = "";
    if (k->kind == XAPI_DOC_STATE && k->registration) {
        size_t n = strlen(k->registration);
        registration = k->registration;
        if (n < sizeof(lower)) {
            for (size_t i = 0; i <= n; i++)
                lower[i] = (char)tolower((unsigned char)k->registration[i]);
            registration = lower;
        }
    }
    store_bind_int(st, 1, k->institution);
    store_bind_text(st, 2, kind_name(k->kind));
    store_bind_text(st, 3, agent);
    store_bind_text(st, 4, activity);
    store_bind_text(st, 5, registration);
}

/*
 * The key fields K's kind needs are there: the caller validated the request,
 * so this is only asserted. Without assertions a missing field binds NULL,
 * which matches no row and which the NOT NULL constraints refuse.
 */
__attribute__((unused)) static int key_complete(const struct xapi_doc_key *k)
{
    if (!kind_name(k->kind))
        return 0;
    if (k->kind != XAPI_DOC_AGENT_PROFILE && (!k->activity_id || !*k->activity_id))
        return 0;
    if (k->kind != XAPI_DOC_ACTIVITY_PROFILE && (!k->agent_key || !*k->agent_key))
        return 0;
    return 1;
}

/* Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

#define MS_PER_DAY 86400000LL

/*
 * Writes the instant MS (milliseconds since the epoch) as the stored form of
 * `updated`. Instants outside years 0000-9999 are clamped to the ends of that
 * range: the fixed width is what makes text comparison compare instants, and
 * no document is updated outside it.
 */
static void format_ms(int64_t ms, char out[XAPI_DOC_TIME_SIZE])
{
    const int64_t lo = days_from_civil(0, 1, 1) * MS_PER_DAY;
    const int64_t hi = days_from_civil(10000, 1, 1) * MS_PER_DAY - 1;
    ms = ms < lo ? lo : ms > hi ? hi : ms;
    int64_t days = (ms - lo) / MS_PER_DAY + days_from_civil(0, 1, 1);
    int64_t rem = ms - days * MS_PER_DAY;
    int y, m, d;
    civil_from_days(days, &y, &m, &d);
    unsigned hour = (unsigned)(rem / 3600000), min = (unsigned)(rem / 60000 % 60);
    unsigned sec = (unsigned)(rem / 1000 % 60), milli = (unsigned)(rem % 1000);
    /* Every field is in range here; the modulos only tell the compiler that 24 characters fit. */
    snprintf(out, XAPI_DOC_TIME_SIZE, "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ", (unsigned)y % 10000u,
             (unsigned)m % 100u, (unsigned)d % 100u, hour % 100u, min % 100u, sec % 100u,
             milli % 1000u);
}

static void now_ms(char out[XAPI_DOC_TIME_SIZE])
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    format_ms((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, out);
}

/* Reads exactly N digits at *P into *V and moves past them; -1 when they are not there. */
static int read_digits(const char **p, int n, int *v)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return -1;
        x = x * 10 + (c - '0');
    }
    *p += n;
    *v = x;
    return 0;
}

/* Moves past C at *P; -1 when *P is something else. */
static int read_char(const char **p, char c)
{
    if (**p != c)
        return -1;
    (*p)++;
    return 0;
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

int xapi_doc_since_parse(const char *text, char out[XAPI_DOC_TIME_SIZE])
{
    const char *p = text;
    int y, mo, d, h, mi, s, ms = 0, sign = 0, oh = 0, om = 0;
    if (!p || read_digits(&p, 4, &y) || read_char(&p, '-') || read_digits(&p, 2, &mo) ||
        read_char(&p, '-') || read_digits(&p, 2, &d))
        return XAPI_ERR_INVALID;
    if (*p != 'T' && *p != 't')
        return XAPI_ERR_INVALID;
    p++;
    if (read_digits(&p, 2, &h) || read_char(&p, ':') || read_digits(&p, 2, &mi) ||
        read_char(&p, ':') || read_digits(&p, 2, &s))
        return XAPI_ERR_INVALID;
    if (*p == '.' || *p == ',') {
        p++;
        if (*p < '0' || *p > '9')
            return XAPI_ERR_INVALID;
        for (int i = 0; *p >= '0' && *p <= '9'; i++, p++)
            if (i < 3)
                ms += (*p - '0') * (i == 0 ? 100 : i == 1 ? 10 : 1);
    }
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        sign = *p++ == '+' ? 1 : -1;
        if (read_digits(&p, 2, &oh))
            return XAPI_ERR_INVALID;
        if (*p == ':' ? (p++, read_digits(&p, 2, &om)) : *p ? read_digits(&p, 2, &om) : 0)
            return XAPI_ERR_INVALID;
    }
    if (*p || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 ||
        s > 60 || oh > 23 || om > 59)
        return XAPI_ERR_INVALID;
    if (s == 60) { /* a leap second: the last instant before the next minute does */
        s = 59;
        ms = 999;
    }
    int64_t t = days_from_civil(y, mo, d) * MS_PER_DAY + ((h * 60 + mi) * 60 + s) * 1000LL + ms;
    t -= sign * (oh * 60 + om) * 60000LL;
    format_ms(t, out);
    return XAPI_OK;
}

static void sha1_hex(const void *data, size_t len, char out[XAPI_DOC_ETAG_SIZE])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[SHA_DIGEST_LENGTH];
    SHA1(data, len, md);
    for (int i = 0; i < SHA_DIGEST_LENGTH; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[2 * SHA_DIGEST_LENGTH] = 0;
}

/* "application/json", in any case, with or without parameters ("; charset=utf-8"). */
static int is_json_type(const char *ct)
{
    static const char json[] = "application/json";
    while (*ct == ' ' || *ct == '\t')
        ct++;
    if (strncasecmp(ct, json, sizeof(json) - 1) != 0)
        return 0;
    ct += sizeof(json) - 1;
    while (*ct == ' ' || *ct == '\t')
        ct++;
    return *ct == 0 || *ct == ';';
}

/*
 * The JSON object a document holds, or NULL when it is not one. Both the
 * content type and the body count, as the spec says: a body that parses but
 * was stored as text/plain is served as text/plain, and merging would turn it
 * into application/json behind the client's back.
 */
static json_t *json_object_of(const void *data, size_t len, const char *content_type)
{
    json_t *v;
    if (!is_json_type(content_type) ||
        json_read(data, len, DOC_JSON_MAX_DEPTH, 1, &v) != JSON_READ_OK)
        return NULL;
    return v;
}

/*
 * Does the header value LIST (entity tags separated by commas) name ETAG?
 * Tags may come quoted (as RFC 7232 has them) or bare (as some clients send
 * them), in either case of hex. A weak tag (W/"…") matches only when WEAK_OK:
 * If-Match compares strongly, If-None-Match weakly. "*" matches any ETAG.
 */
static int etag_listed(const char *list, const char *etag, int weak_ok)
{
    size_t etag_len = strlen(etag);
    const char *p = list;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (!*p)
            return 0;
        int weak = 0, quoted = 0;
        if (p[0] == 'W' && p[1] == '/') {
            weak = 1;
            p += 2;
        }
        const char *start, *end;
        if (*p == '"') {
            quoted = 1;
            start = ++p;
            end = strchr(p, '"');
            if (!end)
                end = p + strlen(p);
            p = *end ? end + 1 : end;
        } else {
            start = p;
            while (*p && *p != ',' && *p != ' ' && *p != '\t')
                p++;
            end = p;
        }
        size_t n = (size_t)(end - start);
        if (!quoted && !weak && n == 1 && *start == '*')
            return 1;
        if ((!weak || weak_ok) && n == etag_len && strncasecmp(start, etag, n) == 0)
            return 1;
        while (*p && *p != ',')
            p++;
    }
}

/*
 * Checks the conditions C against the stored document (EXISTS, with ETAG),
 * in RFC 7232's order: If-Match, then If-None-Match. PUT says whether a PUT
 * asks, for which require_condition applies.
 */
static int check_conditions(const struct xapi_doc_conditions *c, int exists, const char *etag,
                            int put)
{
    if (!c)
        return XAPI_OK;
    if (c->if_match && (!exists || !etag_listed(c->if_match, etag, 0)))
        return XAPI_ERR_PRECONDITION;
    if (c->if_none_match && exists && etag_listed(c->if_none_match, etag, 1))
        return XAPI_ERR_PRECONDITION;
    if (put && c->require_condition && exists && !c->if_match && !c->if_none_match)
        return XAPI_ERR_CONFLICT;
    return XAPI_OK;
}

int xapi_doc_needs_condition(enum xapi_doc_kind kind, enum xapi_version version)
{
    /* xAPI 1.0.3 asks ETags of the profile resources only; 2.0 of the state resource too. */
    return kind != XAPI_DOC_STATE || version == XAPI_V20;
}

void xapi_doc_release(struct xapi_doc *d)
{
    cc_free(d->content);
    cc_free(d->content_type);
    memset(d, 0, sizeof(*d));
}

/* Copies the stored bytes DATA (LEN) into D->content, NUL-terminated. */
static int copy_content(const void *data, size_t len, struct xapi_doc *d)
{
    d->content = cc_malloc(len + 1);
    if (!d->content)
        return XAPI_ERR_NOMEM;
    memcpy(d->content, data, len);
    d->content[len] = 0;
    d->len = len;
    return XAPI_OK;
}

/*
 * Reads the document K names into OUT (zeroed first): its etag and updated,
 * and with WITH_CONTENT its content and content type. XAPI_ERR_NOT_FOUND when
 * there is none. On failure OUT may hold part of it: release it.
 */
static int fetch(struct store *db, const struct xapi_doc_key *k, int with_content,
                 struct xapi_doc *out)
{
    memset(out, 0, sizeof(*out));
    struct store_stmt *st;
    if (store_prepare(db,
                      with_content ? "SELECT etag, updated, content_type, content"
                                     " FROM xapi_documents" DOC_ONE
                                   : "SELECT etag, updated FROM xapi_documents" DOC_ONE,
                      &st))
        return XAPI_ERR_STORE;
    bind_set(st, k);
    store_bind_text(st, 6, k->doc_id);
    int err = store_step(st);
    if (err == STORE_ROW) {
        snprintf(out->etag, sizeof(out->etag), "%s", store_col_text(st, 0));
        snprintf(out->updated, sizeof(out->updated), "%s", store_col_text(st, 1));
        err = XAPI_OK;
        if (with_content) {
            out->content_type = cc_strdup(store_col_text(st, 2));
            size_t len;
            const void *data = store_col_blob(st, 3, &len);
            err = out->content_type ? copy_content(data, len, out) : XAPI_ERR_NOMEM;
        }
    } else {
        err = err == STORE_OK ? XAPI_ERR_NOT_FOUND : XAPI_ERR_STORE;
    }
    store_finish(st);
    return err;
}

int xapi_doc_get(struct store *db, const struct xapi_doc_key *k, struct xapi_doc *out)
{
    assert(k->doc_id && key_complete(k));
    int err = fetch(db, k, 1, out);
    if (err)
        xapi_doc_release(out);
    return err;
}

/* Inserts or replaces the document K names with CONTENT; inside the caller's transaction. */
static int write_doc(struct store *db, const struct xapi_doc_key *k, const void *content,
                     size_t len, const char *content_type)
{
    char etag[XAPI_DOC_ETAG_SIZE], updated[XAPI_DOC_TIME_SIZE];
    sha1_hex(len ? content : (const void *)"", len, etag);
    now_ms(updated);
    struct store_stmt *st;
    int err = XAPI_ERR_STORE;
    if (store_prepare(db,
                      "INSERT INTO xapi_documents (institution_id, kind, agent_key, activity_id,"
                      " registration, doc_id, content_type, content, etag, updated)"
                      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                      " ON CONFLICT (institution_id, kind, agent_key, activity_id, registration,"
                      " doc_id) DO UPDATE SET content_type = excluded.content_type,"
                      " content = excluded.content, etag = excluded.etag,"
                      " updated = excluded.updated",
                      &st))
        return XAPI_ERR_STORE;
    bind_set(st, k);
    store_bind_text(st, 6, k->doc_id);
    store_bind_text(st, 7, content_type);
    store_bind_blob(st, 8, len ? content : (const void *)"", len);
    store_bind_text(st, 9, etag);
    store_bind_text(st, 10, updated);
    err = store_step(st) == STORE_OK ? XAPI_OK : XAPI_ERR_STORE;
    store_finish(st);
    return err;
}

/*
 * Sets each top-level member of POSTED over the document STORED holds and
 * writes the result, compact, into OUT.
 */
static int merge_json(const struct xapi_doc *stored, json_t *posted, struct buf *out)
{
    json_t *obj = json_object_of(stored->content, stored->len, stored->content_type);
    if (!obj)
        return XAPI_ERR_INVALID;
    int err = XAPI_OK;
    if (json_object_update(obj, posted) || json_write(obj, out))
        err = XAPI_ERR_NOMEM;
    json_decref(obj);
    return err;
}

int xapi_doc_put(struct store *db, const struct xapi_doc_key *k, const void *content, size_t len,
                 const char *content_type, const struct xapi_doc_conditions *c, int merge)
{
    assert(k->doc_id && key_complete(k) && (content || !len));
    if (!content_type || !*content_type)
        content_type = "application/octet-stream";
    /* What does not depend on the stored document is checked before taking the write lock. */
    json_t *posted = NULL;
    if (merge && !(posted = json_object_of(content, len, content_type)))
        return XAPI_ERR_INVALID;
    struct xapi_doc stored = {0};
    struct buf merged;
    buf_init(&merged, SIZE_MAX);
    int in_tx = 0, err = XAPI_ERR_STORE;
    if (store_begin(db))
        goto done;
    in_tx = 1;
    /* A plain PUT with no conditions replaces whatever is there without reading it. */
    int exists = 0;
    if (merge || (c && (c->if_match || c->if_none_match || c->require_condition))) {
        err = fetch(db, k, merge, &stored);
        if (err && err != XAPI_ERR_NOT_FOUND)
            goto done;
        exists = !err;
    }
    if ((err = check_conditions(c, exists, stored.etag, !merge)))
        goto done;
    if (merge && exists) {
        if ((err = merge_json(&stored, posted, &merged)))
            goto done;
        content = merged.data;
        len = merged.len;
        content_type = "application/json";
    }
    if ((err = write_doc(db, k, content, len, content_type)))
        goto done;
    in_tx = 0; /* a failed commit has rolled back already */
    err = store_commit(db) ? XAPI_ERR_STORE : XAPI_OK;
done:
    if (in_tx && err)
        store_rollback(db);
    json_decref(posted);
    xapi_doc_release(&stored);
    buf_release(&merged);
    return err;
}

int xapi_doc_list(struct store *db, const struct xapi_doc_key *k, const char *since,
                  xapi_doc_id_fn fn, void *ctx, char latest[XAPI_DOC_TIME_SIZE])
{
    assert(key_complete(k));
    if (latest)
        latest[0] = 0;
    /* Every stored time sorts after "", so no since is "updated > ''". */
    char after[XAPI_DOC_TIME_SIZE] = "";
    if (since && xapi_doc_since_parse(since, after))
        return XAPI_ERR_INVALID;
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT doc_id, updated FROM xapi_documents" DOC_SET
                      " AND updated > ? ORDER BY doc_id",
                      &st))
        return XAPI_ERR_STORE;
    bind_set(st, k);
    store_bind_text(st, 6, after);
    int err, stop = 0;
    while (!stop && (err = store_step(st)) == STORE_ROW) {
        /* Stored times all have the same form, so the latest sorts last as text. */
        const char *updated = store_col_text(st, 1);
        if (latest && strcmp(updated, latest) > 0)
            snprintf(latest, XAPI_DOC_TIME_SIZE, "%s", updated);
        stop = fn(ctx, store_col_text(st, 0));
    }
    store_finish(st);
    if (stop)
        return stop;
    return err < 0 ? XAPI_ERR_STORE : XAPI_OK;
}

/* Runs a DELETE whose parameters are the set K names (and its doc_id when ONE). */
static int delete_rows(struct store *db, const struct xapi_doc_key *k, int one, int64_t *changes)
{
    struct store_stmt *st;
    if (store_prepare(
            db, one ? "DELETE FROM xapi_documents" DOC_ONE : "DELETE FROM xapi_documents" DOC_SET,
            &st))
        return XAPI_ERR_STORE;
    bind_set(st, k);
    if (one)
        store_bind_text(st, 6, k->doc_id);
    int err = store_step(st);
    store_finish(st);
    if (err)
        return XAPI_ERR_STORE;
    *changes = store_changes(db);
    return XAPI_OK;
}

int xapi_doc_delete(struct store *db, const struct xapi_doc_key *k,
                    const struct xapi_doc_conditions *c)
{
    assert(key_complete(k));
    int64_t changes = 0;
    if (!k->doc_id) {
        /* Only the state resource deletes a whole set (DELETE without stateId). */
        if (k->kind != XAPI_DOC_STATE)
            return XAPI_ERR_INVALID;
        return delete_rows(db, k, 0, &changes);
    }
    int err;
    if (!c || (!c->if_match && !c->if_none_match)) {
        if ((err = delete_rows(db, k, 1, &changes)))
            return err;
        return changes ? XAPI_OK : XAPI_ERR_NOT_FOUND;
    }
    /* Checking and deleting in one transaction: no write can come between them. */
    if (store_begin(db))
        return XAPI_ERR_STORE;
    struct xapi_doc stored;
    err = fetch(db, k, 0, &stored);
    if (err && err != XAPI_ERR_NOT_FOUND)
        goto fail;
    int exists = !err;
    if ((err = check_conditions(c, exists, stored.etag, 0)))
        goto fail;
    if (!exists) {
        err = XAPI_ERR_NOT_FOUND;
        goto fail;
    }
    if ((err = delete_rows(db, k, 1, &changes)))
        goto fail;
    return store_commit(db) ? XAPI_ERR_STORE : XAPI_OK;
fail:
    store_rollback(db);
    return err;
}

int xapi_doc_erase_agent(struct store *db, int64_t institution, const char *agent_key)
{
    struct store_stmt *st;
    if (store_prepare(db,
                      "DELETE FROM xapi_documents WHERE institution_id = ?"
                      " AND kind IN ('state', 'agent_profile') AND agent_key = ?",
                      &st))
        return XAPI_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_text(st, 2, agent_key);
    int err = store_step(st);
    store_finish(st);
    return err ? XAPI_ERR_STORE : XAPI_OK;
}

const char *xapi_doc_message(int err)
{
    switch (err) {
    case XAPI_ERR_INVALID:
        return "xapi_doc_not_json";
    case XAPI_ERR_PRECONDITION:
        return "xapi_precondition_failed";
    case XAPI_ERR_CONFLICT:
        return "xapi_doc_exists";
    default:
        return NULL;
    }
}
