/*
 * Awards: Open Badges 3.0 credentials issued to learners, their revocation
 * through W3C Bitstring Status Lists, and the CLR 2.0 learner record that
 * bundles a learner's badges.
 *
 * Every issued credential is an OpenBadgeCredential (VC 2.0 and OB 3.0.3
 * contexts) signed eddsa-rdfc-2022 with the institution's current key, with a
 * BitstringStatusListEntry at a random free index of the institution's
 * current status list, stored as issued, and reported as an xAPI statement
 * (verb earned) recorded through xapi_record() right after (again by
 * award_record_pending when that failed). Revoking sets the credential's
 * bit and re-signs its list; every revocation and restoration goes to the
 * audit log with who, when and why.
 */
#ifndef CC_CREDENTIAL_AWARD_H
#define CC_CREDENTIAL_AWARD_H

#include <jansson.h>
#include <stdint.h>

#include "credential/badge.h"
#include "credential/credential.h"
#include "store/store.h"
#include "util/seal.h"

#define AWARD_EVIDENCE_MAX  20   /* evidence entries of one award */
#define AWARD_NARRATIVE_MAX 2000 /* characters */
#define AWARD_REASON_MAX    500  /* characters of a revocation reason */
#define AWARD_BULK_MAX      500  /* learners of one bulk award */
#define AWARD_LIST_MAX      2000
#define AWARD_XAPI_VERB     "http://id.tincanapi.com/verb/earned"
#define AWARD_XAPI_ACTIVITY "https://carecampus.org/xapi/activities/achievements/"
#define AWARD_XAPI_EXT_CRED "https://carecampus.org/xapi/extensions/credential"

/* What issuing needs besides the database: the seal key, data directory and public base URL. */
struct award_context {
    struct store *db;
    const unsigned char *seal_key; /* SEAL_KEY_BYTES */
    const char *dir;  /* the data directory (key files of earlier versions); may be NULL */
    const char *base; /* the public base URL (issuer_base_ok) */
};

struct award_request {
    int64_t achievement;
    int64_t user;       /* the learner (a student of the institution) */
    int64_t awarded_by; /* the teacher or admin; 0 for the award worker */
    const char *source; /* "rule", "manual", "bulk", "recertify" */
    /*
     * Evidence, an array (may be NULL) of {"statement": id} (an xAPI statement
     * of the learner) or {"url", "name", "narrative"} (a debrief, a document).
     */
    const json_t *evidence;
    const char *narrative; /* what the teacher says about it; may be NULL */
    int64_t replaces;      /* recertify: the award renewed */
    int64_t now_ms;        /* issue time; 0: now */
};

/*
 * Issues the badge of REQ for INSTITUTION: checks it (P says what is wrong),
 * signs and stores it, and *ID (may be NULL) is the new award. With
 * IN_TRANSACTION the caller holds a transaction (the xAPI statement is then
 * recorded later by award_record_pending); otherwise its own, and the
 * statement is recorded at once.
 */
int award_issue(const struct award_context *ctx, int64_t institution,
                const struct award_request *req, int in_transaction, int64_t *id,
                struct badge_problem *p) __attribute__((warn_unused_result));

/*
 * Bulk award of achievement REQ->achievement to every student of class
 * CLASS_ID (REQ->user is ignored) who holds no valid award of it: all or
 * none, in one transaction. *ISSUED and *SKIPPED count them.
 */
int award_bulk(const struct award_context *ctx, int64_t institution, int64_t class_id,
               const struct award_request *req, int64_t *issued, int64_t *skipped,
               struct badge_problem *p) __attribute__((warn_unused_result));

/*
 * Re-certifies award ID: a new credential of the same achievement for the
 * same learner, valid from now (the old one stays valid until it expires).
 */
int award_recertify(const struct award_context *ctx, int64_t institution, int64_t id, int64_t actor,
                    int64_t *new_id, struct badge_problem *p) __attribute__((warn_unused_result));

/*
 * Revokes (REVOKE 1) or restores (0) award ID by ACTOR for REASON (1 to
 * AWARD_REASON_MAX characters): the status bit, the list re-signed, the
 * audit log. BADGE_ERR_CONFLICT when it already is so.
 */
int award_revoke(const struct award_context *ctx, int64_t institution, int64_t id, int64_t actor,
                 const char *reason, int revoke, struct badge_problem *p)
    __attribute__((warn_unused_result));

/* Records the earned statements of INSTITUTION's awards not yet recorded (at most MAX). */
int award_record_pending(struct store *db, int64_t institution, int max)
    __attribute__((warn_unused_result));

/*
 * Awards of INSTITUTION, newest first, filtered by ACHIEVEMENT and USER when
 * not 0: [{"id", "uuid", "achievement": {"id", "name"}, "user": {"id",
 * "login", "name"}, "source", "awarded_by", "issued_at", "valid_until",
 * "status": "valid"|"expired"|"revoked", "revoked_at", "revoke_reason",
 * "replaces", "verify_url"}].
 */
int award_list(struct store *db, int64_t institution, const char *base, int64_t achievement,
               int64_t user, json_t **out) __attribute__((warn_unused_result));

/* Award ID of INSTITUTION in the shape of award_list, with "credential" and "audit" ([…]). */
int award_get(struct store *db, int64_t institution, const char *base, int64_t id, json_t **out)
    __attribute__((warn_unused_result));

/*
 * The credential stored under UUID (a badge or a learner record of any
 * institution): *OUT the credential, *INSTITUTION its issuer.
 * BADGE_ERR_NOT_FOUND when there is none.
 */
int award_credential_by_uuid(struct store *db, const char *uuid, json_t **out, int64_t *institution)
    __attribute__((warn_unused_result));

/*
 * The CLR 2.0 learner record of USER (a student of INSTITUTION): every award
 * not revoked, embedded whole, their achievements and their associations,
 * signed. The last record is given again while the awards in it are the
 * same. *UUID (37 bytes, may be NULL) is its id.
 */
int award_clr(const struct award_context *ctx, int64_t institution, int64_t user, json_t **out,
              char *uuid) __attribute__((warn_unused_result));

/*
 * Makes sure INSTITUTION has a signed status list (so that its URL answers
 * before the first badge), and re-signs those whose issuer changed key.
 */
int award_status_ready(const struct award_context *ctx, int64_t institution)
    __attribute__((warn_unused_result));

/* The signed status list LIST of INSTITUTION (*OUT a new reference), BADGE_ERR_NOT_FOUND when none.
 */
int award_status_list(struct store *db, int64_t institution, int64_t list, json_t **out)
    __attribute__((warn_unused_result));

/*
 * What a verifier wants to read of CREDENTIAL besides the checks: the issuer
 * (with its names in both languages when it is one of this server's
 * institutions), the recipient, the achievement(s) with both editions when
 * known, and each alignment with the items the crosswalks of the stored
 * frameworks match it to (exactMatchOf, isRelatedTo) in the other
 * frameworks. A new object.
 */
json_t *award_explain(struct store *db, const json_t *credential);

#endif
