/*
 * Statement forwarding: every statement an institution stores is sent on to
 * other LRSs it names (its forwarding targets) — how a campus server that
 * works offline in a training room later syncs to the college's central
 * server, or how a college feeds a regional LRS.
 *
 * The queue is the statement log itself: a target keeps a cursor (the store
 * order `seq` of the last statement the receiver acknowledged), and the
 * forwarder thread POSTs the statements after it, in store order, in batches
 * of up to XAPI_FORWARD_BATCH (multipart/mixed when they carry attachments),
 * moving the cursor only once the receiver has answered 200 or 204. Delivery
 * is therefore at least once and in order; a batch that is sent again after
 * a failure or a restart is harmless because an LRS answers a statement id it
 * already has, with the same content, as a success. A receiver that answers
 * 409 for a batch (it holds other content under one of the ids) gets that
 * batch one statement at a time and the refused statements are skipped and
 * counted as conflicts. Any other failure keeps the cursor and retries after
 * an exponential back-off. The key and secret the forwarder presents are
 * stored sealed (util/seal.h).
 */
#ifndef CC_XAPI_FORWARD_H
#define CC_XAPI_FORWARD_H

#include <stdint.h>

#include "store/store.h"
#include "util/seal.h"
#include "xapi/xapi.h"

#define XAPI_FORWARD_URL_MAX   2048 /* bytes */
#define XAPI_FORWARD_CRED_MAX  256  /* bytes of the key and of the secret */
#define XAPI_FORWARD_BATCH     100  /* statements per request */
#define XAPI_FORWARD_ERROR_MAX 300  /* bytes of the last error kept */

/* A forwarding target and how its delivery stands. Times are ISO 8601 UTC with ms, "" for never. */
struct xapi_forward_target {
    int64_t id;
    int64_t institution_id;
    char name[401];
    char url[XAPI_FORWARD_URL_MAX + 1];
    char key[XAPI_FORWARD_CRED_MAX + 1];
    enum xapi_version version; /* what X-Experience-API-Version says */
    int enabled;
    char created_at[21];
    int64_t last_seq;  /* the cursor: statements up to here are delivered */
    int64_t delivered; /* statements the receiver accepted (re-sent ones count again) */
    int64_t conflicts; /* statements the receiver refused with 409, skipped */
    int64_t pending;   /* statements of the institution after the cursor */
    int64_t attempts;  /* failed attempts since the last success */
    int last_status;   /* HTTP status of the last failure; 0 when the LRS did not answer */
    char last_error[XAPI_FORWARD_ERROR_MAX + 1];
    char last_error_at[25];
    char last_success_at[25];
    char next_attempt_at[25];
};

/*
 * What an administrator sets. For an update, NULL strings, version 0 and
 * enabled -1 leave a setting as it is; for a new target name, url, key and
 * secret are required, version defaults to 2.0 and enabled to 1.
 */
struct xapi_forward_input {
    const char *name;
    const char *url;
    const char *key;
    const char *secret;
    enum xapi_version version;
    int enabled;
    int resend; /* update only: move the cursor back to the start, sending everything again */
};

/*
 * Is URL an endpoint statements may be forwarded to: http:// or https://,
 * a host, at most XAPI_FORWARD_URL_MAX printable ASCII characters, no user
 * name or password (credentials are set apart), no query and no fragment
 * (".../statements" is appended to it)? 0 or XAPI_ERR_INVALID.
 */
int xapi_forward_url_check(const char *url) __attribute__((warn_unused_result));

/*
 * Checks IN (CREATE: a new target, so the required fields must be there).
 * On XAPI_ERR_INVALID, P->path names the field and P->msg the server
 * message (util/i18n.h) that explains it.
 */
int xapi_forward_check(const struct xapi_forward_input *in, int create, struct xapi_problem *p)
    __attribute__((warn_unused_result));

/* Adds a target of INSTITUTION (its secret sealed under KEY); fills OUT. */
int xapi_forward_create(struct store *db, const unsigned char key[SEAL_KEY_BYTES],
                        int64_t institution, const struct xapi_forward_input *in,
                        struct xapi_forward_target *out, struct xapi_problem *p)
    __attribute__((warn_unused_result));

/*
 * Changes target ID of INSTITUTION. A change of address, credentials or
 * version, and enabling it, clear the back-off so that it is tried at once.
 * XAPI_ERR_NOT_FOUND when there is no such target.
 */
int xapi_forward_update(struct store *db, const unsigned char key[SEAL_KEY_BYTES],
                        int64_t institution, int64_t id, const struct xapi_forward_input *in,
                        struct xapi_forward_target *out, struct xapi_problem *p)
    __attribute__((warn_unused_result));

/* Removes target ID of INSTITUTION; XAPI_ERR_NOT_FOUND when there is none. */
int xapi_forward_delete(struct store *db, int64_t institution, int64_t id)
    __attribute__((warn_unused_result));

/* Makes target ID of INSTITUTION due now (its back-off is kept for the next failure). */
int xapi_forward_retry(struct store *db, int64_t institution, int64_t id)
    __attribute__((warn_unused_result));

/* Target ID of INSTITUTION into OUT; XAPI_ERR_NOT_FOUND when there is none. */
int xapi_forward_get(struct store *db, int64_t institution, int64_t id,
                     struct xapi_forward_target *out) __attribute__((warn_unused_result));

typedef int (*xapi_forward_fn)(void *ctx, const struct xapi_forward_target *t);

/* Calls FN for each target of INSTITUTION, oldest first; a non-zero return stops and is returned.
 */
int xapi_forward_list(struct store *db, int64_t institution, xapi_forward_fn fn, void *ctx)
    __attribute__((warn_unused_result));

/*
 * Keeps every cursor at or below the newest stored statement. Call it in the
 * transaction that deletes statements: SQLite numbers a new row one past the
 * largest left, so after the newest statements are erased their numbers come
 * back, and a cursor past them would skip the statements that reuse them.
 */
int xapi_forward_clamp(struct store *db) __attribute__((warn_unused_result));

/*
 * How long to wait after the ATTEMPTS-th failure in a row (1, 2, …): BASE_MS
 * doubled each time, at most CAP_MS.
 */
int64_t xapi_forward_backoff_ms(int64_t attempts, int64_t base_ms, int64_t cap_ms);

/* ------------------------------------------------------------ the thread */

struct xapi_forwarder_options {
    struct store_pool *pool;
    const unsigned char *seal_key; /* SEAL_KEY_BYTES, outlives the forwarder */
    int64_t interval_ms;           /* how often due targets are looked for; the back-off base */
    int64_t retry_max_ms;          /* the longest back-off */
};

struct xapi_forwarder;

/* Starts the forwarder thread; call before any other thread uses libcurl. */
int xapi_forwarder_start(const struct xapi_forwarder_options *o, struct xapi_forwarder **out)
    __attribute__((warn_unused_result));

/* Makes the forwarder look for due targets now rather than at its next poll. F may be NULL. */
void xapi_forwarder_wake(struct xapi_forwarder *f);

/*
 * Stops the forwarder: a request in flight is abandoned (its batch is sent
 * again later, which the receiver de-duplicates), the thread joined, and
 * everything freed; sets *F to NULL.
 */
void xapi_forwarder_stop(struct xapi_forwarder **f);

#endif
