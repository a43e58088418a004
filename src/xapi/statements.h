/*
 * Storing and finding statements. Statements reach this module validated
 * (xapi/statement.h); it fills what the LRS owes them (id, timestamp, stored,
 * authority, version), stores a batch all-or-nothing, and voids. Queries
 * are in xapi/query.h (included here).
 */
#ifndef CC_XAPI_STATEMENTS_H
#define CC_XAPI_STATEMENTS_H

#include <jansson.h>
#include <stdint.h>

#include "store/store.h"
#include "xapi/attachments.h"
#include "xapi/query.h"
#include "xapi/statement.h"
#include "xapi/xapi.h"

/* Who is storing: the institution, the client (0 for the platform itself) and its authority. */
struct xapi_writer {
    int64_t institution;
    int64_t client_id;
    const json_t *authority; /* the Agent set as `authority` on every statement */
    enum xapi_version version;
};

/*
 * Stores STATEMENTS (a JSON array of validated statements, modified in place:
 * ids and LRS properties filled in) all or nothing; a statement whose id is
 * already stored with the same content is skipped. IDS receives the ids in
 * order. BLOBS are the attachments' contents, stored with them.
 * XAPI_ERR_CONFLICT (another statement has the id, or a batch repeats
 * an id) and XAPI_ERR_INVALID (voiding a voiding statement) store nothing.
 *
 * DB is the caller's connection, outside any transaction. The batch is
 * written by a group commit: with the batches other threads are storing in
 * the same database at the time, in one transaction (each batch in a
 * savepoint of its own), on a connection kept for that; it returns once that
 * transaction is durable.
 */
int xapi_statements_store(struct store *db, const struct xapi_writer *w, json_t *statements,
                          const struct xapi_blob *blobs, size_t nblobs, json_t *ids,
                          struct xapi_problem *p) __attribute__((warn_unused_result));

/*
 * The stored statement ID of INSTITUTION as JSON text (cc_free it). VOIDED
 * selects how voiding matters: 0 finds it only when not voided (statementId),
 * 1 only when voided (voidedStatementId). CLIENT_ID (not 0): only if that client stored it.
 */
int xapi_statement_get(struct store *db, int64_t institution, const char *id, int voided,
                       int64_t client_id, char **json) __attribute__((warn_unused_result));

/* The stored definition of activity ID as JSON text (cc_free it). */
int xapi_activity_get(struct store *db, int64_t institution, const char *id, char **json)
    __attribute__((warn_unused_result));

/* Now as ISO 8601 UTC with milliseconds ("2026-11-29T12:00:00.123Z"). */
void xapi_now(char out[32]);

/* A fresh random (version 4) UUID in lower case. */
void xapi_uuid(char out[37]);

#endif
