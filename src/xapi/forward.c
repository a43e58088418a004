#include "xapi/forward.h"

#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "auth/account.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/utf8.h"
#include "xapi/attachments.h"
#include "xapi/statements.h"
#include "util/banned.h"

/* A request body aimed at: batches that grow past it (attachments) are halved. */
#define BODY_TARGET (12u << 20)
/* The most one request body may hold: a single statement with its attachments. */
#define BODY_MAX (64u << 20)
/* What is kept of a response body: enough for an error message. */
#define RESPONSE_MAX (16u << 10)
/* Batches one target sends in a turn before the others get theirs. */
#define BATCHES_PER_TURN 10
/* Targets looked at in one round. */
#define TARGETS_PER_ROUND 64
/*
 * A target with nothing of its own after its cursor jumps to the newest
 * statement once other institutions' statements pile up past this many,
 * so that it does not rescan them on every poll.
 */
#define SKIP_AHEAD_MIN 1000

/* ------------------------------------------------------------ checks */

int xapi_forward_url_check(const char *url)
{
    size_t n = url ? strlen(url) : 0;
    if (n == 0 || n > XAPI_FORWARD_URL_MAX)
        return XAPI_ERR_INVALID;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)url[i] <= 0x20 || (unsigned char)url[i] >= 0x7f)
            return XAPI_ERR_INVALID;
    size_t scheme = strncasecmp(url, "http://", 7) == 0    ? 7
                    : strncasecmp(url, "https://", 8) == 0 ? 8
                                                           : 0;
    /* libcurl would read "https:///xapi" as the host xapi: a host must follow the slashes. */
    if (!scheme || url[scheme] == '/')
        return XAPI_ERR_INVALID;
    CURLU *u = curl_url();
    if (!u)
        return XAPI_ERR_NOMEM;
    int err = XAPI_ERR_INVALID;
    char *host = NULL, *part = NULL;
    if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK && host && *host) {
        /* Credentials belong in key and secret, where they are sealed; the URL is shown. */
        static const CURLUPart absent[] = {CURLUPART_USER, CURLUPART_PASSWORD, CURLUPART_OPTIONS,
                                           CURLUPART_QUERY, CURLUPART_FRAGMENT};
        err = XAPI_OK;
        for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]) && !err; i++) {
            if (curl_url_get(u, absent[i], &part, 0) == CURLUE_OK)
                err = XAPI_ERR_INVALID;
            curl_free(part);
            part = NULL;
        }
        /* "http://host?x" parses with an empty query that the loop above does not see. */
        if (strchr(url, '?') || strchr(url, '#'))
            err = XAPI_ERR_INVALID;
    }
    curl_free(host);
    curl_url_cleanup(u);
    return err;
}

/* A key or secret: 1 to XAPI_FORWARD_CRED_MAX bytes of UTF-8 without control characters. */
static int credential_ok(const char *s, int colon_ok)
{
    size_t n = strlen(s);
    if (n == 0 || n > XAPI_FORWARD_CRED_MAX || !utf8_valid(s, n))
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f || (!colon_ok && s[i] == ':'))
            return 0;
    return 1;
}

static int problem(struct xapi_problem *p, const char *field, const char *msg)
{
    snprintf(p->path, sizeof(p->path), "%s", field);
    p->msg = msg;
    p->arg[0] = 0;
    return XAPI_ERR_INVALID;
}

int xapi_forward_check(const struct xapi_forward_input *in, int create, struct xapi_problem *p)
{
    if (create && !in->name)
        return problem(p, "name", "field_required");
    if (in->name && !auth_name_ok(in->name, AUTH_NAME_MAX))
        return problem(p, "name", "forward_name_length");
    if (create && !in->url)
        return problem(p, "url", "field_required");
    if (in->url && xapi_forward_url_check(in->url))
        return problem(p, "url", "forward_url_invalid");
    if (create && !in->key)
        return problem(p, "key", "field_required");
    /* Basic authentication joins them with a colon: only the secret may hold one. */
    if (in->key && !credential_ok(in->key, 0))
        return problem(p, "key", "forward_key_invalid");
    if (create && !in->secret)
        return problem(p, "secret", "field_required");
    if (in->secret && !credential_ok(in->secret, 1))
        return problem(p, "secret", "forward_secret_invalid");
    if (in->version && in->version != XAPI_V103 && in->version != XAPI_V20)
        return problem(p, "version", "forward_version_invalid");
    if (in->enabled != -1 && in->enabled != 0 && in->enabled != 1)
        return problem(p, "enabled", "forward_flag_invalid");
    return XAPI_OK;
}

int64_t xapi_forward_backoff_ms(int64_t attempts, int64_t base_ms, int64_t cap_ms)
{
    if (base_ms < 1)
        base_ms = 1;
    if (cap_ms < base_ms)
        cap_ms = base_ms;
    int64_t d = base_ms;
    for (int64_t i = 1; i < attempts && d < cap_ms; i++)
        d = d > cap_ms / 2 ? cap_ms : d * 2;
    return d;
}

/* ------------------------------------------------------------ the table */

#define TARGET_COLUMNS                                                                             \
    "t.id, t.institution_id, t.name, t.url, t.key, t.version, t.enabled, t.created_at,"            \
    " t.last_seq, t.delivered, t.conflicts, t.attempts, t.last_status, t.last_error,"              \
    " t.last_error_at, t.last_success_at, t.next_attempt_at,"                                      \
    " (SELECT count(*) FROM xapi_statements s WHERE s.institution_id = t.institution_id"           \
    " AND s.seq > t.last_seq)"

static void copy_col(struct store_stmt *st, int i, char *out, size_t size)
{
    utf8_copy(out, size, store_col_text(st, i));
}

static void read_target(struct store_stmt *st, struct xapi_forward_target *t)
{
    memset(t, 0, sizeof(*t));
    t->id = store_col_int(st, 0);
    t->institution_id = store_col_int(st, 1);
    copy_col(st, 2, t->name, sizeof(t->name));
    copy_col(st, 3, t->url, sizeof(t->url));
    copy_col(st, 4, t->key, sizeof(t->key));
    t->version = xapi_version_parse(store_col_text(st, 5));
    t->enabled = store_col_int(st, 6) != 0;
    copy_col(st, 7, t->created_at, sizeof(t->created_at));
    t->last_seq = store_col_int(st, 8);
    t->delivered = store_col_int(st, 9);
    t->conflicts = store_col_int(st, 10);
    t->attempts = store_col_int(st, 11);
    t->last_status = (int)store_col_int(st, 12);
    copy_col(st, 13, t->last_error, sizeof(t->last_error));
    copy_col(st, 14, t->last_error_at, sizeof(t->last_error_at));
    copy_col(st, 15, t->last_success_at, sizeof(t->last_success_at));
    copy_col(st, 16, t->next_attempt_at, sizeof(t->next_attempt_at));
    t->pending = store_col_int(st, 17);
}

int xapi_forward_get(struct store *db, int64_t institution, int64_t id,
                     struct xapi_forward_target *out)
{
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT " TARGET_COLUMNS " FROM xapi_forward_targets t"
                      " WHERE t.institution_id = ? AND t.id = ?",
                      &st))
        return XAPI_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_int(st, 2, id);
    int rc = store_step(st);
    if (rc == STORE_ROW)
        read_target(st, out);
    store_finish(st);
    if (rc < 0)
        return XAPI_ERR_STORE;
    return rc == STORE_ROW ? XAPI_OK : XAPI_ERR_NOT_FOUND;
}

int xapi_forward_list(struct store *db, int64_t institution, xapi_forward_fn fn, void *ctx)
{
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT " TARGET_COLUMNS " FROM xapi_forward_targets t"
                      " WHERE t.institution_id = ? ORDER BY t.id",
                      &st))
        return XAPI_ERR_STORE;
    store_bind_int(st, 1, institution);
    int rc, stop = 0;
    struct xapi_forward_target t;
    while (!stop && (rc = store_step(st)) == STORE_ROW) {
        read_target(st, &t);
        stop = fn(ctx, &t);
    }
    store_finish(st);
    if (stop)
        return stop;
    return rc < 0 ? XAPI_ERR_STORE : XAPI_OK;
}

static const char *version_text(enum xapi_version v)
{
    return v == XAPI_V103 ? "1.0.3" : "2.0.0";
}

int xapi_forward_create(struct store *db, const unsigned char key[SEAL_KEY_BYTES],
                        int64_t institution, const struct xapi_forward_input *in,
                        struct xapi_forward_target *out, struct xapi_problem *p)
{
    int err = xapi_forward_check(in, 1, p);
    if (err)
        return err;
    char *sealed;
    if (seal_encrypt(key, in->secret, &sealed))
        return XAPI_ERR_NOMEM;
    char now[32], created[21];
    xapi_now(now);
    time_iso8601(time_now(), created);
    struct store_stmt *st;
    int64_t id = 0;
    err = XAPI_ERR_STORE;
    if (!store_prepare(db,
                       "INSERT INTO xapi_forward_targets (institution_id, name, url, key,"
                       " secret_sealed, version, enabled, created_at, next_attempt_at)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                       &st)) {
        store_bind_int(st, 1, institution);
        store_bind_text(st, 2, in->name);
        store_bind_text(st, 3, in->url);
        store_bind_text(st, 4, in->key);
        store_bind_text(st, 5, sealed);
        store_bind_text(st, 6, version_text(in->version ? in->version : XAPI_V20));
        store_bind_int(st, 7, in->enabled == 0 ? 0 : 1);
        store_bind_text(st, 8, created);
        store_bind_text(st, 9, now);
        int rc = store_step(st);
        if (rc == STORE_ROW) {
            id = store_col_int(st, 0);
            rc = store_step(st);
        }
        store_finish(st);
        err = rc ? XAPI_ERR_STORE : XAPI_OK;
    }
    sodium_memzero(sealed, strlen(sealed));
    cc_free(sealed);
    return err ? err : xapi_forward_get(db, institution, id, out);
}

int xapi_forward_update(struct store *db, const unsigned char key[SEAL_KEY_BYTES],
                        int64_t institution, int64_t id, const struct xapi_forward_input *in,
                        struct xapi_forward_target *out, struct xapi_problem *p)
{
    int err = xapi_forward_check(in, 0, p);
    if (err)
        return err;
    char *sealed = NULL;
    if (in->secret && seal_encrypt(key, in->secret, &sealed))
        return XAPI_ERR_NOMEM;
    /* What was wrong may have been put right: try at once rather than after the back-off. */
    int fresh = in->resend || in->url || in->key || in->secret || in->version || in->enabled == 1;
    char now[32];
    xapi_now(now);
    struct store_stmt *st;
    err = XAPI_ERR_STORE;
    if (!store_prepare(
            db,
            "UPDATE xapi_forward_targets SET name = coalesce(?, name), url = coalesce(?, url),"
            " key = coalesce(?, key), secret_sealed = coalesce(?, secret_sealed),"
            " version = coalesce(?, version), enabled = coalesce(?, enabled),"
            " last_seq = CASE WHEN ? = 1 THEN 0 ELSE last_seq END,"
            " attempts = CASE WHEN ? = 1 THEN 0 ELSE attempts END,"
            " next_attempt_at = CASE WHEN ? = 1 THEN ? ELSE next_attempt_at END"
            " WHERE institution_id = ? AND id = ?",
            &st)) {
        store_bind_text(st, 1, in->name);
        store_bind_text(st, 2, in->url);
        store_bind_text(st, 3, in->key);
        store_bind_text(st, 4, sealed);
        store_bind_text(st, 5, in->version ? version_text(in->version) : NULL);
        if (in->enabled == -1)
            store_bind_text(st, 6, NULL);
        else
            store_bind_int(st, 6, in->enabled);
        store_bind_int(st, 7, in->resend ? 1 : 0);
        store_bind_int(st, 8, fresh);
        store_bind_int(st, 9, fresh);
        store_bind_text(st, 10, now);
        store_bind_int(st, 11, institution);
        store_bind_int(st, 12, id);
        int rc = store_step(st);
        store_finish(st);
        err = rc ? XAPI_ERR_STORE : store_changes(db) ? XAPI_OK : XAPI_ERR_NOT_FOUND;
    }
    if (sealed) {
        sodium_memzero(sealed, strlen(sealed));
        cc_free(sealed);
    }
    return err ? err : xapi_forward_get(db, institution, id, out);
}

/* Runs SQL with INSTITUTION and ID bound last (after NOW when it is given). */
static int change_one(struct store *db, const char *sql, const char *now, int64_t institution,
                      int64_t id)
{
    struct store_stmt *st;
    if (store_prepare(db, sql, &st))
        return XAPI_ERR_STORE;
    int i = 1;
    if (now)
        store_bind_text(st, i++, now);
    store_bind_int(st, i++, institution);
    store_bind_int(st, i, id);
    int rc = store_step(st);
    store_finish(st);
    if (rc)
        return XAPI_ERR_STORE;
    return store_changes(db) ? XAPI_OK : XAPI_ERR_NOT_FOUND;
}

int xapi_forward_delete(struct store *db, int64_t institution, int64_t id)
{
    return change_one(db, "DELETE FROM xapi_forward_targets WHERE institution_id = ? AND id = ?",
                      NULL, institution, id);
}

int xapi_forward_retry(struct store *db, int64_t institution, int64_t id)
{
    char now[32];
    xapi_now(now);
    return change_one(db,
                      "UPDATE xapi_forward_targets SET next_attempt_at = ?"
                      " WHERE institution_id = ? AND id = ?",
                      now, institution, id);
}

int xapi_forward_clamp(struct store *db)
{
    return store_exec(db, "UPDATE xapi_forward_targets SET last_seq ="
                          " (SELECT coalesce(max(seq), 0) FROM xapi_statements)"
                          " WHERE last_seq > (SELECT coalesce(max(seq), 0) FROM xapi_statements)")
               ? XAPI_ERR_STORE
               : XAPI_OK;
}

/* ------------------------------------------------------------ delivery */

struct xapi_forwarder {
    struct store_pool *pool;
    unsigned char seal_key[SEAL_KEY_BYTES];
    int64_t interval_ms, retry_max_ms;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int wake;
    atomic_int stop;
    CURL *curl;
    char errbuf[CURL_ERROR_SIZE];
};

/* One target being served: its settings, credentials and cursor. */
struct job {
    struct xapi_forwarder *f;
    struct store *db;
    int64_t id, institution, cursor, attempts;
    enum xapi_version version;
    char url[XAPI_FORWARD_URL_MAX + 1];
    char statements_url[XAPI_FORWARD_URL_MAX + 16];
    char key[XAPI_FORWARD_CRED_MAX + 1];
    char secret[XAPI_FORWARD_CRED_MAX + 1];
};

/* The next statements after the cursor: their seq, stored text and parsed form. */
struct batch {
    size_t n;
    int64_t seq[XAPI_FORWARD_BATCH];
    char *text[XAPI_FORWARD_BATCH];
    json_t *json[XAPI_FORWARD_BATCH];
};

static void batch_release(struct batch *b)
{
    for (size_t i = 0; i < b->n; i++) {
        cc_free(b->text[i]);
        json_decref(b->json[i]);
    }
    b->n = 0;
}

/* Reads the statements of the job's institution after its cursor, voided ones included. */
static int batch_read(struct job *j, struct batch *b)
{
    struct store_stmt *st;
    b->n = 0;
    if (store_prepare(j->db,
                      "SELECT seq, statement FROM xapi_statements WHERE institution_id = ?"
                      " AND seq > ? ORDER BY seq LIMIT ?",
                      &st))
        return XAPI_ERR_STORE;
    store_bind_int(st, 1, j->institution);
    store_bind_int(st, 2, j->cursor);
    store_bind_int(st, 3, XAPI_FORWARD_BATCH);
    int rc, err = XAPI_OK;
    while (!err && (rc = store_step(st)) == STORE_ROW) {
        const char *text = store_col_text(st, 1);
        size_t i = b->n;
        b->seq[i] = store_col_int(st, 0);
        b->text[i] = cc_strdup(text);
        b->json[i] = json_loads(text, 0, NULL);
        b->n++;
        if (!b->text[i] || !b->json[i])
            err = XAPI_ERR_NOMEM;
    }
    store_finish(st);
    if (!err && rc < 0)
        err = XAPI_ERR_STORE;
    if (err)
        batch_release(b);
    return err;
}

/*
 * The body of a request with the statements FROM .. FROM+COUNT-1 of B: a
 * JSON array of their stored text, or multipart/mixed with the contents of
 * their attachments after it when any are stored.
 */
static int build_body(struct job *j, const struct batch *b, size_t from, size_t count,
                      struct buf *body, char *content_type, size_t ct_size)
{
    char boundary[64];
    unsigned char rnd[16];
    char hex[33];
    randombytes_buf(rnd, sizeof(rnd));
    sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
    /* 128 random bits: the boundary cannot occur in the content by chance. */
    snprintf(boundary, sizeof(boundary), "carecampus-forward-%s", hex);

    struct buf parts;
    buf_init(&parts, BODY_MAX);
    buf_reset(body);
    json_t *with = json_array();
    int err = with ? XAPI_OK : XAPI_ERR_NOMEM;
    for (size_t i = from; !err && i < from + count; i++)
        if (json_object_get(b->json[i], "attachments") && json_array_append(with, b->json[i]))
            err = XAPI_ERR_NOMEM;
    if (!err && json_array_size(with))
        err = xapi_attachments_write_parts(j->db, j->institution, with, boundary, &parts);
    json_decref(with);
    if (err) {
        buf_release(&parts);
        return err;
    }
    int multipart = parts.len > 0, rc = 0;
    if (multipart)
        rc = buf_addf(body, "--%s\r\nContent-Type: application/json\r\n\r\n", boundary);
    if (!rc)
        rc = buf_addc(body, '[');
    for (size_t i = from; !rc && i < from + count; i++) {
        if (i > from)
            rc = buf_addc(body, ',');
        if (!rc)
            rc = buf_adds(body, b->text[i]);
    }
    if (!rc)
        rc = buf_addc(body, ']');
    if (!rc && multipart)
        rc = buf_add(body, parts.data, parts.len);
    if (!rc && multipart)
        rc = buf_addf(body, "\r\n--%s--\r\n", boundary);
    buf_release(&parts);
    if (rc)
        return rc == BUF_TOO_BIG ? XAPI_ERR_INVALID : XAPI_ERR_NOMEM;
    if (multipart)
        snprintf(content_type, ct_size, "multipart/mixed; boundary=%s", boundary);
    else
        snprintf(content_type, ct_size, "application/json");
    return XAPI_OK;
}

static size_t on_data(char *data, size_t size, size_t n, void *ctx)
{
    struct buf *b = ctx;
    size_t len = size * n;
    if (b->len < RESPONSE_MAX) {
        size_t keep = len < RESPONSE_MAX - b->len ? len : RESPONSE_MAX - b->len;
        if (buf_add(b, data, keep))
            return 0;
    }
    return len; /* the rest is read and dropped */
}

static int on_progress(void *ctx, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
    struct xapi_forwarder *f = ctx;
    return atomic_load(&f->stop) ? 1 : 0; /* aborts the transfer */
}

enum sent { SENT_ANSWER = 0, SENT_UNREACHED = -1, SENT_STOPPED = -2, SENT_NOMEM = -3 };

/* POSTs BODY to the job's statements resource; *STATUS gets the HTTP status of the answer. */
static int post(struct job *j, const struct buf *body, const char *content_type, long *status,
                struct buf *response)
{
    CURL *c = j->f->curl;
    char ct[128], version[64];
    snprintf(ct, sizeof(ct), "Content-Type: %s", content_type);
    snprintf(version, sizeof(version), "X-Experience-API-Version: %s", version_text(j->version));
    struct curl_slist *headers = NULL, *h;
    const char *lines[] = {ct, version, "Accept: application/json", "Expect:"};
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        if (!(h = curl_slist_append(headers, lines[i]))) {
            curl_slist_free_all(headers);
            return SENT_NOMEM;
        }
        headers = h;
    }
    buf_reset(response);
    j->f->errbuf[0] = 0;
    /* A reset keeps the open connections, so consecutive batches reuse one. */
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, j->statements_url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body->data);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body->len);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
    curl_easy_setopt(c, CURLOPT_USERNAME, j->key);
    curl_easy_setopt(c, CURLOPT_PASSWORD, j->secret);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "CareCampus/" CC_VERSION);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 300000L);
    /* A link that stalls is given up after a minute rather than the whole five. */
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, response);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, j->f);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, j->f->errbuf);
    CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(headers);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
    if (rc == CURLE_ABORTED_BY_CALLBACK)
        return SENT_STOPPED;
    if (rc != CURLE_OK) {
        if (!j->f->errbuf[0])
            snprintf(j->f->errbuf, sizeof(j->f->errbuf), "%s", curl_easy_strerror(rc));
        return SENT_UNREACHED;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
    return SENT_ANSWER;
}

/* What an error response says, for people: its error message when it is JSON, else its text. */
static void describe(long status, const struct buf *response, char *out, size_t size)
{
    char said[256] = "";
    json_t *v = json_loadb(response->data, response->len, 0, NULL);
    const json_t *e = json_object_get(v, "error");
    const char *msg = json_string_value(json_object_get(e, "message"));
    if (!msg)
        msg = json_string_value(json_object_get(v, "message"));
    if (!msg)
        msg = json_string_value(e);
    if (msg) {
        utf8_copy(said, sizeof(said), msg);
    } else if (response->len && utf8_valid(response->data, response->len)) {
        utf8_copy(said, sizeof(said), response->data);
    }
    json_decref(v);
    for (char *s = said; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            *s = ' ';
    char text[XAPI_FORWARD_ERROR_MAX + 1];
    snprintf(text, sizeof(text), "HTTP %ld%s%s", status, said[0] ? ": " : "", said);
    utf8_copy(out, size, text);
}

/* Records a failed attempt: the error, and when to try again. */
static void failed(struct job *j, int status, const char *error)
{
    char now[32], next[32];
    int64_t now_ms = time_now_ms();
    int64_t wait = xapi_forward_backoff_ms(j->attempts + 1, j->f->interval_ms, j->f->retry_max_ms);
    time_format_ms(now_ms, now);
    time_format_ms(now_ms + wait, next);
    if (status)
        LOG_WARN("forward: target %lld: HTTP %d; next attempt in %lld ms", (long long)j->id, status,
                 (long long)wait);
    else
        LOG_WARN("forward: target %lld: %s; next attempt in %lld ms", (long long)j->id, error,
                 (long long)wait);
    struct store_stmt *st;
    if (store_prepare(j->db,
                      "UPDATE xapi_forward_targets SET attempts = attempts + 1, last_status = ?,"
                      " last_error = ?, last_error_at = ?, next_attempt_at = ? WHERE id = ?",
                      &st))
        return;
    char text[XAPI_FORWARD_ERROR_MAX + 1];
    utf8_copy(text, sizeof(text), error);
    store_bind_int(st, 1, status);
    store_bind_text(st, 2, text);
    store_bind_text(st, 3, now);
    store_bind_text(st, 4, next);
    store_bind_int(st, 5, j->id);
    if (store_step(st))
        LOG_WARN("forward: target %lld: cannot record the failure", (long long)j->id);
    store_finish(st);
}

/*
 * Moves the cursor to TO after the receiver took DELIVERED statements and
 * refused CONFLICTS. Only when the cursor and address are still those this
 * batch was read with: an administrator may have asked to resend, or pointed
 * the target elsewhere, meanwhile. Returns 0, or 1 when it was not moved.
 */
static int advance(struct job *j, int64_t to, int64_t delivered, int64_t conflicts)
{
    char now[32];
    xapi_now(now);
    struct store_stmt *st;
    if (store_prepare(j->db,
                      "UPDATE xapi_forward_targets SET last_seq = ?, delivered = delivered + ?,"
                      " conflicts = conflicts + ?, attempts = 0, last_success_at = ?,"
                      " next_attempt_at = ? WHERE id = ? AND last_seq = ? AND url = ?",
                      &st))
        return 1;
    store_bind_int(st, 1, to);
    store_bind_int(st, 2, delivered);
    store_bind_int(st, 3, conflicts);
    store_bind_text(st, 4, now);
    store_bind_text(st, 5, now);
    store_bind_int(st, 6, j->id);
    store_bind_int(st, 7, j->cursor);
    store_bind_text(st, 8, j->url);
    int rc = store_step(st);
    store_finish(st);
    if (rc || !store_changes(j->db))
        return 1;
    if (j->attempts)
        LOG_INFO("forward: target %lld: delivering again after %lld failed attempts",
                 (long long)j->id, (long long)j->attempts);
    j->cursor = to;
    j->attempts = 0;
    return 0;
}

/*
 * Nothing of the institution after the cursor: when many statements of other
 * institutions are, move past them (in one statement, under the write lock,
 * so no statement of ours can slip in between).
 */
static void skip_ahead(struct job *j)
{
    struct store_stmt *st;
    if (store_prepare(j->db,
                      "UPDATE xapi_forward_targets SET last_seq ="
                      " (SELECT max(seq) FROM xapi_statements) WHERE id = ? AND last_seq = ?"
                      " AND (SELECT max(seq) FROM xapi_statements) > ?"
                      " AND NOT EXISTS (SELECT 1 FROM xapi_statements WHERE institution_id = ?"
                      " AND seq > ?)",
                      &st))
        return;
    store_bind_int(st, 1, j->id);
    store_bind_int(st, 2, j->cursor);
    store_bind_int(st, 3, j->cursor + SKIP_AHEAD_MIN);
    store_bind_int(st, 4, j->institution);
    store_bind_int(st, 5, j->cursor);
    if (store_step(st))
        LOG_DEBUG("forward: target %lld: cannot move past other institutions' statements",
                  (long long)j->id); /* the next poll tries again */
    store_finish(st);
}

enum outcome { DONE = 0, MORE = 1, STOPPED = 2 };

/*
 * Sends statements FROM .. FROM+COUNT-1 of B one at a time after the
 * receiver refused them as a batch with 409: each it refuses again is
 * skipped as a conflict.
 */
static int one_by_one(struct job *j, const struct batch *b, size_t from, size_t count,
                      struct buf *body, struct buf *response)
{
    char ct[128], error[XAPI_FORWARD_ERROR_MAX + 1];
    for (size_t i = from; i < from + count; i++) {
        long status = 0;
        int err = build_body(j, b, i, 1, body, ct, sizeof(ct));
        if (err) {
            failed(j, 0,
                   err == XAPI_ERR_INVALID ? "a statement is too large to forward"
                                           : "cannot build the request: out of memory, a storage "
                                             "failure, or attachments over 64 MiB");
            return DONE;
        }
        int sent = post(j, body, ct, &status, response);
        if (sent == SENT_STOPPED)
            return STOPPED;
        if (sent) {
            failed(j, 0, sent == SENT_NOMEM ? "out of memory" : j->f->errbuf);
            return DONE;
        }
        if (status == 409) {
            const char *id = json_string_value(json_object_get(b->json[i], "id"));
            LOG_WARN("forward: target %lld: statement %s refused as a conflict (409), skipped",
                     (long long)j->id, id ? id : "?");
            if (advance(j, b->seq[i], 0, 1))
                return DONE;
        } else if (status == 200 || status == 204) {
            if (advance(j, b->seq[i], 1, 0))
                return DONE;
        } else {
            describe(status, response, error, sizeof(error));
            failed(j, (int)status, error);
            return DONE;
        }
    }
    return MORE;
}

/* Serves one target for a turn: up to BATCHES_PER_TURN batches. */
static int deliver(struct job *j)
{
    struct batch b = {0};
    struct buf body, response;
    buf_init(&body, BODY_MAX);
    buf_init(&response, RESPONSE_MAX + 1);
    char ct[128], error[XAPI_FORWARD_ERROR_MAX + 1];
    int outcome = MORE;
    for (int turn = 0; outcome == MORE && turn < BATCHES_PER_TURN; turn++) {
        if (atomic_load(&j->f->stop)) {
            outcome = STOPPED;
            break;
        }
        int err = batch_read(j, &b);
        if (err) {
            failed(j, 0, "cannot read the stored statements");
            outcome = DONE;
            break;
        }
        if (!b.n) {
            skip_ahead(j);
            outcome = DONE;
            break;
        }
        /* Halved until the body is of a size every LRS takes (attachments make it large). */
        size_t count = b.n;
        while ((err = build_body(j, &b, 0, count, &body, ct, sizeof(ct))) == XAPI_OK &&
               body.len > BODY_TARGET && count > 1)
            count /= 2;
        long status = 0;
        int sent = err ? SENT_NOMEM : post(j, &body, ct, &status, &response);
        if (err) {
            failed(j, 0,
                   err == XAPI_ERR_INVALID ? "a statement is too large to forward"
                                           : "cannot build the request: out of memory, a storage "
                                             "failure, or attachments over 64 MiB");
            outcome = DONE;
        } else if (sent == SENT_STOPPED) {
            outcome = STOPPED;
        } else if (sent) {
            failed(j, 0, sent == SENT_NOMEM ? "out of memory" : j->f->errbuf);
            outcome = DONE;
        } else if (status == 200 || status == 204) {
            LOG_DEBUG("forward: target %lld: %zu statements delivered", (long long)j->id, count);
            if (advance(j, b.seq[count - 1], (int64_t)count, 0))
                outcome = DONE;
        } else if (status == 409) {
            outcome = one_by_one(j, &b, 0, count, &body, &response);
        } else {
            describe(status, &response, error, sizeof(error));
            failed(j, (int)status, error);
            outcome = DONE;
        }
        batch_release(&b);
    }
    batch_release(&b);
    buf_release(&body);
    buf_release(&response);
    return outcome;
}

/* Loads target ID (when it is still enabled) into J, its secret opened. */
static int job_load(struct xapi_forwarder *f, struct store *db, int64_t id, struct job *j)
{
    struct store_stmt *st;
    memset(j, 0, sizeof(*j));
    j->f = f;
    j->db = db;
    j->id = id;
    if (store_prepare(db,
                      "SELECT institution_id, url, key, secret_sealed, version, last_seq, attempts"
                      " FROM xapi_forward_targets WHERE id = ? AND enabled = 1",
                      &st))
        return XAPI_ERR_STORE;
    store_bind_int(st, 1, id);
    int rc = store_step(st), err = XAPI_ERR_NOT_FOUND;
    if (rc == STORE_ROW) {
        j->institution = store_col_int(st, 0);
        snprintf(j->url, sizeof(j->url), "%s", store_col_text(st, 1));
        snprintf(j->key, sizeof(j->key), "%s", store_col_text(st, 2));
        err = seal_decrypt(f->seal_key, store_col_text(st, 3), j->secret, sizeof(j->secret))
                  ? XAPI_ERR_INVALID
                  : XAPI_OK;
        j->version = xapi_version_parse(store_col_text(st, 4));
        j->cursor = store_col_int(st, 5);
        j->attempts = store_col_int(st, 6);
        size_t n = strlen(j->url);
        snprintf(j->statements_url, sizeof(j->statements_url), "%s%sstatements", j->url,
                 n && j->url[n - 1] == '/' ? "" : "/");
    } else if (rc < 0) {
        err = XAPI_ERR_STORE;
    }
    store_finish(st);
    return err;
}

/* Serves every due target once; *MORE is set when one has more to send at once. */
static int round_once(struct xapi_forwarder *f, struct store *db, int *more)
{
    int64_t due[TARGETS_PER_ROUND];
    size_t n = 0;
    char now[32];
    xapi_now(now);
    struct store_stmt *st;
    *more = 0;
    if (store_prepare(db,
                      "SELECT id FROM xapi_forward_targets WHERE enabled = 1"
                      " AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
                      &st))
        return XAPI_ERR_STORE;
    store_bind_text(st, 1, now);
    store_bind_int(st, 2, TARGETS_PER_ROUND);
    int rc;
    while ((rc = store_step(st)) == STORE_ROW)
        due[n++] = store_col_int(st, 0);
    store_finish(st);
    if (rc < 0)
        return XAPI_ERR_STORE;
    for (size_t i = 0; i < n && !atomic_load(&f->stop); i++) {
        struct job j;
        int err = job_load(f, db, due[i], &j);
        if (err == XAPI_ERR_INVALID)
            failed(&j, 0,
                   "the stored secret cannot be opened with this server's key file; enter the "
                   "secret again");
        else if (!err && deliver(&j) == MORE)
            *more = 1;
        sodium_memzero(j.secret, sizeof(j.secret));
    }
    return XAPI_OK;
}

static void *forwarder_main(void *arg)
{
    struct xapi_forwarder *f = arg;
    struct store *db = NULL;
    int warned = 0;
    while (!atomic_load(&f->stop)) {
        int more = 0;
        if (!db && store_pool_get(f->pool, &db)) {
            db = NULL;
            if (!warned++)
                LOG_ERROR("forward: cannot open the database; retrying");
        }
        if (db && round_once(f, db, &more))
            LOG_WARN("forward: cannot read the forwarding targets");
        pthread_mutex_lock(&f->lock);
        if (!more && !f->wake && !atomic_load(&f->stop)) {
            struct timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            int64_t ns = (int64_t)ts.tv_nsec + (f->interval_ms % 1000) * 1000000;
            ts.tv_sec += (time_t)(f->interval_ms / 1000 + ns / 1000000000);
            ts.tv_nsec = (long)(ns % 1000000000);
            pthread_cond_timedwait(&f->cond, &f->lock, &ts);
        }
        f->wake = 0;
        pthread_mutex_unlock(&f->lock);
    }
    return NULL;
}

int xapi_forwarder_start(const struct xapi_forwarder_options *o, struct xapi_forwarder **out)
{
    *out = NULL;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return XAPI_ERR_STORE;
    struct xapi_forwarder *f = cc_calloc(1, sizeof(*f));
    if (!f || !(f->curl = curl_easy_init())) {
        cc_free(f);
        curl_global_cleanup();
        return XAPI_ERR_NOMEM;
    }
    f->pool = o->pool;
    memcpy(f->seal_key, o->seal_key, SEAL_KEY_BYTES);
    f->interval_ms = o->interval_ms > 0 ? o->interval_ms : 1000;
    f->retry_max_ms = o->retry_max_ms >= f->interval_ms ? o->retry_max_ms : f->interval_ms;
    atomic_init(&f->stop, 0);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_mutex_init(&f->lock, NULL);
    pthread_cond_init(&f->cond, &attr);
    pthread_condattr_destroy(&attr);
    if (pthread_create(&f->thread, NULL, forwarder_main, f)) {
        pthread_cond_destroy(&f->cond);
        pthread_mutex_destroy(&f->lock);
        curl_easy_cleanup(f->curl);
        sodium_memzero(f->seal_key, sizeof(f->seal_key));
        cc_free(f);
        curl_global_cleanup();
        return XAPI_ERR_STORE;
    }
    *out = f;
    return XAPI_OK;
}

void xapi_forwarder_wake(struct xapi_forwarder *f)
{
    if (!f)
        return;
    pthread_mutex_lock(&f->lock);
    f->wake = 1;
    pthread_cond_signal(&f->cond);
    pthread_mutex_unlock(&f->lock);
}

void xapi_forwarder_stop(struct xapi_forwarder **fp)
{
    struct xapi_forwarder *f = *fp;
    if (!f)
        return;
    pthread_mutex_lock(&f->lock);
    atomic_store(&f->stop, 1);
    pthread_cond_signal(&f->cond);
    pthread_mutex_unlock(&f->lock);
    pthread_join(f->thread, NULL);
    pthread_cond_destroy(&f->cond);
    pthread_mutex_destroy(&f->lock);
    curl_easy_cleanup(f->curl);
    curl_global_cleanup();
    sodium_memzero(f->seal_key, sizeof(f->seal_key));
    cc_free(f);
    *fp = NULL;
}
