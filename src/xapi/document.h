/*
 * The xAPI document resources: State (activities/state), Activity Profile
 * (activities/profile) and Agent Profile (agents/profile). A document is an
 * opaque body with a content type, kept under a key; the LRS gives it an
 * ETag (the lower-case hex SHA-1 of its bytes) and the time it was last
 * changed. This is the domain layer: HTTP parameters and headers are parsed
 * by the caller and passed in.
 *
 *   struct xapi_doc_key k = {inst, XAPI_DOC_STATE, activity, agent_key, NULL, "bookmark"};
 *   struct xapi_doc_conditions c = {.if_match = if_match_header};
 *   err = xapi_doc_put(db, &k, body, len, content_type, &c, 0);
 *
 *   struct xapi_doc d;
 *   if (!(err = xapi_doc_get(db, &k, &d))) { reply(d.content, d.len, d.content_type, d.etag); }
 *   xapi_doc_release(&d);
 *
 * Every function works inside one institution and never reads or changes
 * another's documents.
 */
#ifndef CC_XAPI_DOCUMENT_H
#define CC_XAPI_DOCUMENT_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "xapi/xapi.h"

enum xapi_doc_kind {
    XAPI_DOC_STATE = 1,            /* key: activity_id, agent_key, registration, doc_id */
    XAPI_DOC_ACTIVITY_PROFILE = 2, /* key: activity_id, doc_id */
    XAPI_DOC_AGENT_PROFILE = 3,    /* key: agent_key, doc_id */
};

/*
 * Which document (or, with doc_id NULL, which set of documents). Fields the
 * kind does not use are ignored. agent_key is xapi_agent_key() of the agent.
 * registration applies to state only and is part of the key: a state stored
 * without one (NULL) is a different document from one stored with one, and
 * a NULL registration in a list or a delete means "the states without one".
 */
struct xapi_doc_key {
    int64_t institution;
    enum xapi_doc_kind kind;
    const char *activity_id;
    const char *agent_key;
    const char *registration;
    const char *doc_id; /* stateId or profileId */
};

#define XAPI_DOC_ETAG_SIZE 41 /* 40 hex digits and the NUL */
#define XAPI_DOC_TIME_SIZE 25 /* "2026-11-29T12:00:00.000Z" and the NUL */

/* A stored document. Set up by xapi_doc_get; free its contents with xapi_doc_release. */
struct xapi_doc {
    char *content; /* LEN bytes, binary-safe, followed by a NUL; never NULL once got */
    size_t len;
    char *content_type; /* as it was stored ("application/octet-stream" when none was given) */
    char etag[XAPI_DOC_ETAG_SIZE];    /* without quotes */
    char updated[XAPI_DOC_TIME_SIZE]; /* ISO 8601 UTC with milliseconds */
};

/*
 * The conditional-request headers of a write, as the client sent them (NULL
 * when absent). A NULL conditions pointer means none.
 *
 * if_match: a list of ETags (quoted or not) or "*": the stored document must
 * exist and, unless "*", have one of these ETags. Compared strongly: a weak
 * tag (W/"…") never matches.
 * if_none_match: "*" (no document may be stored) or a list of ETags (the
 * stored document must not have one of them).
 * require_condition: a PUT on a document that exists must carry one of the
 * two headers (see xapi_doc_needs_condition).
 */
struct xapi_doc_conditions {
    const char *if_match;
    const char *if_none_match;
    int require_condition;
};

/* Set require_condition when this is true: profiles always, state from xAPI 2.0 on. */
int xapi_doc_needs_condition(enum xapi_doc_kind kind, enum xapi_version version);

/*
 * Fills OUT with the document K names. XAPI_ERR_NOT_FOUND when there is none.
 * OUT needs no set-up; on failure it is left empty (releasing it is harmless).
 */
int xapi_doc_get(struct store *db, const struct xapi_doc_key *k, struct xapi_doc *out)
    __attribute__((warn_unused_result));

/* Frees what xapi_doc_get put in D and leaves it empty. */
void xapi_doc_release(struct xapi_doc *d);

/*
 * Stores CONTENT (LEN bytes) of CONTENT_TYPE (NULL: application/octet-stream)
 * as the document K names, in one transaction.
 *
 * Without MERGE (PUT) the content replaces any stored document. With MERGE
 * (POST) the content must be a JSON object (a Content-Type of
 * application/json, parameters allowed, and a body that parses as an
 * object); when a document is stored it must be one too, and the result is
 * the stored object with each top-level member of the new one set over it
 * (one level deep: a member's value is replaced whole). When none is stored
 * the content is stored as it came.
 *
 * The conditions C are checked against the document as stored, in the order
 * of RFC 7232. On any failure the stored document is as it was. Errors:
 *   XAPI_ERR_INVALID       merging and either document is not a JSON object ("xapi_doc_not_json")
 *   XAPI_ERR_PRECONDITION  If-Match fails (also when nothing is stored) or If-None-Match fails
 *                          ("xapi_precondition_failed")
 *   XAPI_ERR_CONFLICT      C->require_condition, a PUT, a stored document and neither header
 *                          ("xapi_doc_exists")
 *   XAPI_ERR_STORE, XAPI_ERR_NOMEM
 * K->doc_id must be set; the key fields its kind uses must be set and non-empty.
 */
int xapi_doc_put(struct store *db, const struct xapi_doc_key *k, const void *content, size_t len,
                 const char *content_type, const struct xapi_doc_conditions *c, int merge)
    __attribute__((warn_unused_result));

/* Gets each id of a list; a non-zero return stops the list and becomes its result. */
typedef int (*xapi_doc_id_fn)(void *ctx, const char *id);

/*
 * Calls FN with the id of each document of the set K names (K->doc_id is
 * ignored), sorted by id (byte order). With SINCE (an ISO 8601 timestamp, see
 * xapi_doc_since_parse) only those updated after it. LATEST (when not NULL)
 * receives when the most recently updated of the listed documents was
 * updated (the Last-Modified of the list), "" when none is listed.
 * XAPI_ERR_INVALID when SINCE is not a timestamp ("xapi_param_invalid" with
 * "since").
 */
int xapi_doc_list(struct store *db, const struct xapi_doc_key *k, const char *since,
                  xapi_doc_id_fn fn, void *ctx, char latest[XAPI_DOC_TIME_SIZE])
    __attribute__((warn_unused_result));

/*
 * Normalises the timestamp TEXT ("2026-11-29T20:00:00.5+08:00") to UTC with
 * milliseconds in OUT ("2026-11-29T12:00:00.500Z"), the form `updated` is
 * stored in, so that comparing the two as text compares the instants.
 * Accepts YYYY-MM-DDThh:mm:ss with an optional fraction (digits past the
 * millisecond are dropped, which keeps "updated after" exact because updated
 * has milliseconds) and an optional offset (Z, ±hh:mm, ±hhmm or ±hh; none
 * means UTC). XAPI_ERR_INVALID for anything else.
 */
int xapi_doc_since_parse(const char *text, char out[XAPI_DOC_TIME_SIZE])
    __attribute__((warn_unused_result));

/*
 * Deletes the document K names, honouring the conditions C (may be NULL) as
 * xapi_doc_put does (require_condition does not apply): XAPI_ERR_PRECONDITION
 * when they fail, XAPI_ERR_NOT_FOUND when nothing is stored (and no
 * condition failed). For a state with K->doc_id NULL it deletes every state
 * document of the activity, agent and registration instead (C is ignored;
 * XAPI_OK even when there was none). Profiles need a doc_id.
 */
int xapi_doc_delete(struct store *db, const struct xapi_doc_key *k,
                    const struct xapi_doc_conditions *c) __attribute__((warn_unused_result));

/*
 * Deletes every state and agent-profile document of the learner AGENT_KEY in
 * INSTITUTION (a privacy erase). One statement, so it may run inside the
 * caller's transaction.
 */
int xapi_doc_erase_agent(struct store *db, int64_t institution, const char *agent_key)
    __attribute__((warn_unused_result));

/* The message id (util/i18n.c) for an error of xapi_doc_put or xapi_doc_delete; NULL for others. */
const char *xapi_doc_message(int err);

#endif
