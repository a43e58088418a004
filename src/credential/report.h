/*
 * Helpers shared by the two verifiers (verify.c for embedded proofs, jwt.c
 * for VC-JWTs) to fill a struct cred_report. Not for other modules.
 */
#ifndef CC_CREDENTIAL_REPORT_H
#define CC_CREDENTIAL_REPORT_H

#include "credential/credential.h"

/* Marks CHECK passed (unless an earlier call failed it). */
void report_pass(struct cred_report *r, enum cred_check check);

/* Marks CHECK failed with ERROR and a detail (the first failure of a check is kept). */
void report_fail(struct cred_report *r, enum cred_check check, int error, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Whether CHECK has failed. */
int report_failed(const struct cred_report *r, enum cred_check check);

/*
 * The format and contexts checks of the credential VC: a VC @context first,
 * the type VerifiableCredential, every context URL bundled. Records the
 * issuer and dates in R. Returns 0 when both passed.
 */
int report_credential(struct cred_report *r, const json_t *vc);

/* The dates check of VC at NOW_MS, and NOT_BEFORE_MS / EXPIRES_MS when not -1 (a JWT's nbf, exp).
 */
void report_dates(struct cred_report *r, const json_t *vc, int64_t now_ms, int64_t not_before_ms,
                  int64_t expires_ms);

/* The issuer id of VC (a string, or an object's id), or NULL. */
const char *report_issuer_id(const json_t *vc);

/*
 * The method check for KEY against the credential's issuer: an assertion
 * method of the issuer. Returns 0 when it passed.
 */
int report_method(struct cred_report *r, const struct resolver_key *key);

#endif
