/*
 * Verifying a credential with embedded eddsa-rdfc-2022 proofs (W3C Data
 * Integrity EdDSA Cryptosuites, "Verify Proof"), check by check, so that a
 * verifier sees which check failed and why. Every check that can still run
 * does: a bad date is reported even when the signature is bad too.
 */
#include "credential/credential.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "credential/contexts.h"
#include "credential/jwt.h"
#include "credential/proof.h"
#include "credential/report.h"
#include "credential/status.h"
#include "util/alloc.h"
#include "util/json.h"
#include "util/timeutil.h"
#include "util/banned.h"

void report_pass(struct cred_report *r, enum cred_check check)
{
    if (r->checks[check].result != CRED_CHECK_FAILED)
        r->checks[check].result = CRED_CHECK_PASSED;
}

void report_fail(struct cred_report *r, enum cred_check check, int error, const char *fmt, ...)
{
    struct cred_check_outcome *c = &r->checks[check];
    if (c->result == CRED_CHECK_FAILED)
        return;
    c->result = CRED_CHECK_FAILED;
    c->error = error;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
    va_end(ap);
}

int report_failed(const struct cred_report *r, enum cred_check check)
{
    return r->checks[check].result == CRED_CHECK_FAILED;
}

const char *report_issuer_id(const json_t *vc)
{
    const json_t *iss = json_object_get(vc, "issuer");
    return json_is_string(iss) ? json_string_value(iss)
                               : json_string_value(json_object_get(iss, "id"));
}

static int type_has(const json_t *doc, const char *type)
{
    const json_t *t = json_object_get(doc, "type");
    if (json_is_string(t))
        return strcmp(json_string_value(t), type) == 0;
    size_t i;
    const json_t *v;
    json_array_foreach (t, i, v)
        if (json_is_string(v) && strcmp(json_string_value(v), type) == 0)
            return 1;
    return 0;
}

int report_credential(struct cred_report *r, const json_t *vc)
{
    const json_t *ctx = json_object_get(vc, "@context");
    const char *first = json_string_value(json_is_array(ctx) ? json_array_get(ctx, 0) : ctx);
    if (!json_is_object(vc) || !first ||
        (strcmp(first, JSONLD_CONTEXT_VC_V2) && strcmp(first, JSONLD_CONTEXT_VC_V1)) ||
        !type_has(vc, "VerifiableCredential")) {
        report_fail(r, CRED_CHECK_FORMAT, CRED_ERR_NOT_CREDENTIAL,
                    "not a verifiable credential: the first @context must be %s (or the VC 1.1 "
                    "context) and the type must include VerifiableCredential",
                    JSONLD_CONTEXT_VC_V2);
        return -1;
    }
    report_pass(r, CRED_CHECK_FORMAT);
    const char *iss = report_issuer_id(vc);
    snprintf(r->issuer, sizeof(r->issuer), "%s", iss ? iss : "");
    size_t n = json_is_array(ctx) ? json_array_size(ctx) : 1;
    for (size_t i = 0; i < n; i++) {
        const json_t *c = json_is_array(ctx) ? json_array_get(ctx, i) : ctx;
        if (json_is_string(c) && !jsonld_context_document(json_string_value(c))) {
            report_fail(r, CRED_CHECK_CONTEXTS, CRED_ERR_CONTEXT_NOT_BUNDLED,
                        "context not bundled: %.200s", json_string_value(c));
            return -1;
        }
        if (!json_is_string(c) && !json_is_object(c)) {
            report_fail(r, CRED_CHECK_CONTEXTS, CRED_ERR_JSONLD,
                        "@context holds something other than URLs and objects");
            return -1;
        }
    }
    report_pass(r, CRED_CHECK_CONTEXTS);
    return 0;
}

/* Reads the date member NAME of VC into *MS; 0 absent, 1 present, -1 malformed (reported). */
static int read_date(struct cred_report *r, const json_t *vc, const char *name, int64_t *ms,
                     char *copy, size_t copy_size)
{
    const json_t *v = json_object_get(vc, name);
    if (!v)
        return 0;
    const char *s = json_string_value(v);
    /* xsd:dateTime: a date, 'T', a time; the offset is optional (then UTC is assumed). */
    if (!s || strlen(s) < 19 || s[10] != 'T' || time_parse_iso8601(s, ms)) {
        report_fail(r, CRED_CHECK_DATES, CRED_ERR_DATE, "%s is not an xsd:dateTime", name);
        return -1;
    }
    if (copy)
        snprintf(copy, copy_size, "%s", s);
    return 1;
}

void report_dates(struct cred_report *r, const json_t *vc, int64_t now_ms, int64_t not_before_ms,
                  int64_t expires_ms)
{
    static const char *const from_names[] = {"validFrom", "issuanceDate"};
    static const char *const until_names[] = {"validUntil", "expirationDate"};
    char now_text[25];
    time_format_ms(now_ms, now_text);
    for (int i = 0; i < 2; i++) {
        int64_t ms;
        int have =
            read_date(r, vc, from_names[i], &ms, i == 0 || !r->valid_from[0] ? r->valid_from : NULL,
                      sizeof(r->valid_from));
        if (have < 0)
            return;
        if (have && ms > now_ms) {
            report_fail(r, CRED_CHECK_DATES, CRED_ERR_NOT_YET_VALID, "not valid before %s (%s now)",
                        from_names[i], now_text);
            return;
        }
        have =
            read_date(r, vc, until_names[i], &ms,
                      i == 0 || !r->valid_until[0] ? r->valid_until : NULL, sizeof(r->valid_until));
        if (have < 0)
            return;
        if (have && ms <= now_ms) {
            report_fail(r, CRED_CHECK_DATES, CRED_ERR_EXPIRED, "expired: %s is past (%s now)",
                        until_names[i], now_text);
            return;
        }
    }
    if (not_before_ms >= 0 && not_before_ms > now_ms) {
        report_fail(r, CRED_CHECK_DATES, CRED_ERR_NOT_YET_VALID, "not valid before nbf (%s now)",
                    now_text);
        return;
    }
    if (expires_ms >= 0 && expires_ms <= now_ms) {
        report_fail(r, CRED_CHECK_DATES, CRED_ERR_EXPIRED, "expired: exp is past (%s now)",
                    now_text);
        return;
    }
    report_pass(r, CRED_CHECK_DATES);
}

int report_method(struct cred_report *r, const struct resolver_key *key)
{
    if (!key->assertion_method) {
        report_fail(r, CRED_CHECK_METHOD, CRED_ERR_METHOD_NOT_AUTHORIZED,
                    "%.200s is not an assertion method of its controller", key->id);
        return -1;
    }
    if (!r->issuer[0] || strcmp(key->controller, r->issuer) != 0) {
        report_fail(r, CRED_CHECK_METHOD, CRED_ERR_METHOD_NOT_AUTHORIZED,
                    "the key's controller %.100s is not the issuer %.100s", key->controller,
                    r->issuer[0] ? r->issuer : "(none)");
        return -1;
    }
    report_pass(r, CRED_CHECK_METHOD);
    return 0;
}

/* The proof checks and the signature of one proof. */
static void verify_proof(struct cred_report *r, const json_t *doc, const json_t *unsecured,
                         const json_t *proof, const struct resolver *resolver)
{
    if (!json_is_object(proof)) {
        report_fail(r, CRED_CHECK_PROOF, CRED_ERR_PROOF_FIELD, "a proof is not an object");
        return;
    }
    const char *type = json_string_value(json_object_get(proof, "type"));
    const char *suite = json_string_value(json_object_get(proof, "cryptosuite"));
    const char *method = json_string_value(json_object_get(proof, "verificationMethod"));
    const char *purpose = json_string_value(json_object_get(proof, "proofPurpose"));
    const char *value = json_string_value(json_object_get(proof, "proofValue"));
    const json_t *created = json_object_get(proof, "created");
    int proof_ok = 0;
    int64_t ms;
    unsigned char sig[64];
    if (!type || strcmp(type, PROOF_TYPE) != 0)
        report_fail(r, CRED_CHECK_PROOF, CRED_ERR_PROOF_TYPE,
                    "the proof's type is %.100s, not " PROOF_TYPE, type ? type : "missing");
    else if (!method)
        report_fail(r, CRED_CHECK_PROOF, CRED_ERR_PROOF_FIELD,
                    "the proof has no verificationMethod");
    else if (!purpose)
        report_fail(r, CRED_CHECK_PROOF, CRED_ERR_PROOF_FIELD, "the proof has no proofPurpose");
    else if (strcmp(purpose, PROOF_PURPOSE) != 0)
        report_fail(r, CRED_CHECK_PROOF, CRED_ERR_PROOF_PURPOSE,
                    "the proof's purpose is %.100s, not " PROOF_PURPOSE, purpose);
    else if (!value)
        report_fail(r, CRED_CHECK_PROOF, CRED_ERR_PROOF_FIELD, "the proof has no proofValue");
    else if (created && (!json_is_string(created) || strlen(json_string_value(created)) < 19 ||
                         json_string_value(created)[10] != 'T' ||
                         time_parse_iso8601(json_string_value(created), &ms)))
        report_fail(r, CRED_CHECK_PROOF, CRED_ERR_PROOF_FIELD,
                    "the proof's created is not an xsd:dateTime");
    else if (proof_value_decode(value, sig))
        report_fail(r, CRED_CHECK_PROOF, CRED_ERR_PROOF_VALUE,
                    "the proofValue is not a base58btc multibase Ed25519 signature");
    else
        proof_ok = 1;
    /* A proof with its own @context must repeat the start of the credential's. */
    const json_t *pctx = json_object_get(proof, "@context");
    if (proof_ok && pctx) {
        const json_t *dctx = json_object_get(doc, "@context");
        size_t np = json_is_array(pctx) ? json_array_size(pctx) : 1;
        size_t nd = json_is_array(dctx) ? json_array_size(dctx) : 1;
        for (size_t i = 0; proof_ok && i < np; i++) {
            const json_t *a = json_is_array(pctx) ? json_array_get(pctx, i) : pctx;
            const json_t *b =
                i < nd ? (json_is_array(dctx) ? json_array_get(dctx, i) : dctx) : NULL;
            if (!b || !json_equal(a, b)) {
                report_fail(r, CRED_CHECK_PROOF, CRED_ERR_CONTEXT_MISMATCH,
                            "the proof's @context is not the start of the credential's");
                proof_ok = 0;
            }
        }
    }
    if (proof_ok)
        report_pass(r, CRED_CHECK_PROOF);
    if (type && strcmp(type, PROOF_TYPE) == 0) {
        if (!suite || strcmp(suite, PROOF_CRYPTOSUITE) != 0) {
            report_fail(r, CRED_CHECK_CRYPTOSUITE, CRED_ERR_CRYPTOSUITE,
                        "cryptosuite %.100s is not supported (only " PROOF_CRYPTOSUITE ")",
                        suite ? suite : "missing");
            return;
        }
        report_pass(r, CRED_CHECK_CRYPTOSUITE);
        snprintf(r->algorithm, sizeof(r->algorithm), "%s", PROOF_CRYPTOSUITE);
    }
    if (!proof_ok)
        return;
    snprintf(r->method, sizeof(r->method), "%s", method);
    struct resolver_key key;
    char why[RESOLVER_WHY];
    int err = resolver_resolve(resolver, method, &key, why);
    if (err) {
        report_fail(r, CRED_CHECK_METHOD,
                    err == RESOLVER_ERR_NOMEM ? CRED_ERR_NOMEM : CRED_ERR_METHOD_UNRESOLVED, "%s",
                    why);
        return;
    }
    if (key.type != RESOLVER_KEY_ED25519) {
        report_fail(r, CRED_CHECK_METHOD, CRED_ERR_KEY_TYPE,
                    "%.200s is not an Ed25519 key, which eddsa-rdfc-2022 needs", method);
        resolver_key_release(&key);
        return;
    }
    int method_ok = report_method(r, &key) == 0;
    /* The signature is checked even when the method is not the issuer's: both are reported. */
    unsigned char data[64];
    char cwhy[CRED_WHY_SIZE] = "";
    err = proof_hash_data(unsecured, proof, data, NULL, NULL, cwhy);
    if (err)
        report_fail(r, CRED_CHECK_SIGNATURE, err, "%s", cwhy);
    else if (crypto_sign_verify_detached(sig, data, sizeof(data), key.public_key))
        report_fail(r, CRED_CHECK_SIGNATURE, CRED_ERR_SIGNATURE,
                    method_ok ? "the signature does not verify: the credential or its proof was "
                                "changed after signing"
                              : "the signature does not verify with this key");
    else
        report_pass(r, CRED_CHECK_SIGNATURE);
    resolver_key_release(&key);
}

static int first_error(struct cred_report *r)
{
    for (int i = 0; i < CRED_CHECK_COUNT; i++)
        if (r->checks[i].result == CRED_CHECK_FAILED)
            return r->error = r->checks[i].error;
    for (int i = 0; i < CRED_CHECK_COUNT; i++)
        if (r->checks[i].result != CRED_CHECK_PASSED)
            return r->error = CRED_ERR_NO_PROOF; /* cannot happen: every path decides */
    return r->error = CRED_OK;
}

/* The checks of a parsed credential DOC with embedded proofs, but its status. */
static void verify_parsed(struct cred_report *r, const json_t *doc, const struct resolver *resolver,
                          int64_t now_ms)
{
    if (report_credential(r, doc))
        return;
    report_dates(r, doc, now_ms, -1, -1);
    const json_t *proofs = json_object_get(doc, "proof");
    if (!proofs || (json_is_array(proofs) && !json_array_size(proofs))) {
        report_fail(r, CRED_CHECK_PROOF, CRED_ERR_NO_PROOF, "the credential has no proof");
        return;
    }
    json_t *unsecured = json_copy((json_t *)doc);
    if (!unsecured) {
        report_fail(r, CRED_CHECK_SIGNATURE, CRED_ERR_NOMEM, "out of memory");
        return;
    }
    json_object_del(unsecured, "proof");
    size_t n = json_is_array(proofs) ? json_array_size(proofs) : 1;
    for (size_t i = 0; i < n; i++)
        verify_proof(r, doc, unsecured, json_is_array(proofs) ? json_array_get(proofs, i) : proofs,
                     resolver);
    json_decref(unsecured);
}

/* The first failed check's name and detail, for saying why a status list is refused. */
static const char *first_detail(const struct cred_report *r)
{
    for (int i = 0; i < CRED_CHECK_COUNT; i++)
        if (r->checks[i].result == CRED_CHECK_FAILED)
            return r->checks[i].detail;
    return "";
}

/* One BitstringStatusListEntry E of the credential: 0 when its bit is clear, else reported. */
static int check_entry(struct cred_report *r, const struct status_entry *e,
                       const struct resolver *resolver, int64_t now_ms)
{
    json_t *list;
    int64_t fetched;
    int err = resolver_status_list(resolver, e->list_url, &list, &fetched);
    if (err) {
        if (err == RESOLVER_ERR_NOMEM)
            report_fail(r, CRED_CHECK_STATUS, CRED_ERR_NOMEM, "out of memory");
        else
            report_fail(r, CRED_CHECK_STATUS, CRED_ERR_STATUS_UNAVAILABLE,
                        "the status list %.300s is not at hand, so whether the credential was "
                        "revoked is unknown (offline: give a copy of the list)",
                        e->list_url);
        return -1;
    }
    if (!r->status_list[0]) {
        snprintf(r->status_list, sizeof(r->status_list), "%s", e->list_url);
        r->status_fetched_ms = fetched;
    }
    struct cred_report lr;
    memset(&lr, 0, sizeof(lr));
    lr.format = CRED_FORMAT_DATA_INTEGRITY;
    verify_parsed(&lr, list, resolver, now_ms);
    report_pass(&lr, CRED_CHECK_STATUS);
    first_error(&lr);
    unsigned char *bits = NULL;
    size_t n = 0;
    const json_t *subject = json_object_get(list, "credentialSubject");
    const char *purpose = json_string_value(json_object_get(subject, "statusPurpose"));
    const char *list_issuer = report_issuer_id(list);
    int rc = -1;
    if (lr.error) {
        report_fail(r, CRED_CHECK_STATUS, CRED_ERR_STATUS_INVALID,
                    "the status list %.200s does not verify: %s (%.200s)", e->list_url,
                    cred_error_name(lr.error), first_detail(&lr));
    } else if (!list_issuer || strcmp(list_issuer, r->issuer) != 0) {
        report_fail(r, CRED_CHECK_STATUS, CRED_ERR_STATUS_INVALID,
                    "the status list %.200s was not issued by the credential's issuer",
                    e->list_url);
    } else if (!purpose || strcmp(purpose, e->purpose) != 0) {
        report_fail(r, CRED_CHECK_STATUS, CRED_ERR_STATUS_INVALID,
                    "the status list %.200s is not a %s list", e->list_url, e->purpose);
    } else if ((err = status_decode(json_string_value(json_object_get(subject, "encodedList")),
                                    &bits, &n))) {
        report_fail(r, CRED_CHECK_STATUS,
                    err == STATUS_ERR_NOMEM ? CRED_ERR_NOMEM : CRED_ERR_STATUS_INVALID,
                    "the encodedList of %.200s is not a GZIP bitstring in multibase base64url",
                    e->list_url);
    } else if (e->index >= (uint64_t)n * 8) {
        report_fail(r, CRED_CHECK_STATUS, CRED_ERR_STATUS_INVALID,
                    "statusListIndex %llu is beyond the %zu entries of %.200s",
                    (unsigned long long)e->index, n * 8, e->list_url);
    } else if (status_bit_get(bits, (size_t)e->index)) {
        int suspended = strcmp(e->purpose, "suspension") == 0;
        report_fail(r, CRED_CHECK_STATUS, suspended ? CRED_ERR_SUSPENDED : CRED_ERR_REVOKED,
                    "%s: entry %llu of the status list %.200s is set",
                    suspended ? "suspended" : "revoked", (unsigned long long)e->index, e->list_url);
    } else {
        rc = 0;
    }
    cc_free(bits);
    cred_report_release(&lr);
    json_decref(list);
    return rc;
}

/* The status check of the credential VC (W3C Bitstring Status List). */
static void report_status(struct cred_report *r, const json_t *vc, const struct resolver *resolver,
                          int64_t now_ms)
{
    struct cred_check_outcome *c = &r->checks[CRED_CHECK_STATUS];
    const json_t *cs = json_object_get(vc, "credentialStatus");
    if (!cs) {
        report_pass(r, CRED_CHECK_STATUS);
        snprintf(c->detail, sizeof(c->detail),
                 "the credential has no credentialStatus: its issuer cannot revoke it");
        return;
    }
    size_t n = json_is_array(cs) ? json_array_size(cs) : 1, checked = 0;
    for (size_t i = 0; i < n; i++) {
        struct status_entry e;
        char why[160];
        int kind = status_entry_read(json_is_array(cs) ? json_array_get(cs, i) : cs, &e, why);
        if (kind < 0) {
            report_fail(r, CRED_CHECK_STATUS, CRED_ERR_STATUS_INVALID, "%s", why);
            return;
        }
        /* Other kinds of status, and purposes such as "message", say nothing of validity. */
        if (kind == 0 || (strcmp(e.purpose, "revocation") && strcmp(e.purpose, "suspension")))
            continue;
        if (check_entry(r, &e, resolver, now_ms))
            return;
        checked++;
    }
    report_pass(r, CRED_CHECK_STATUS);
    if (checked)
        snprintf(c->detail, sizeof(c->detail), "not revoked according to %.200s", r->status_list);
    else
        snprintf(c->detail, sizeof(c->detail), "no revocation or suspension list to check");
}

int cred_verify(const char *data, size_t len, const struct resolver *resolver, int64_t now_ms,
                struct cred_report *r)
{
    memset(r, 0, sizeof(*r));
    r->status_fetched_ms = -1;
    if (len > CRED_MAX_BYTES) {
        report_fail(r, CRED_CHECK_FORMAT, CRED_ERR_TOO_LARGE,
                    "the credential is larger than %d bytes", CRED_MAX_BYTES);
        return first_error(r);
    }
    if (jwt_looks_like(data, len)) {
        /* Its result is the report's, made complete by the status check below. */
        if (jwt_verify(data, len, resolver, now_ms, r) == CRED_ERR_NOMEM)
            return first_error(r);
    } else {
        r->format = CRED_FORMAT_DATA_INTEGRITY;
        json_t *doc;
        int jerr = json_read(data, len, CRED_MAX_DEPTH, 1, &doc);
        if (jerr) {
            if (jerr == JSON_READ_TOO_DEEP)
                report_fail(r, CRED_CHECK_FORMAT, CRED_ERR_TOO_LARGE,
                            "the JSON nests more than %d levels", CRED_MAX_DEPTH);
            else
                report_fail(r, CRED_CHECK_FORMAT, CRED_ERR_NOT_JSON,
                            "not a JSON object (nor a JWT)");
            return first_error(r);
        }
        r->credential = doc;
        verify_parsed(r, doc, resolver, now_ms);
    }
    if (r->credential && r->checks[CRED_CHECK_CONTEXTS].result == CRED_CHECK_PASSED)
        report_status(r, r->credential, resolver, now_ms);
    return first_error(r);
}

void cred_report_release(struct cred_report *r)
{
    json_decref(r->credential);
    r->credential = NULL;
}

json_t *cred_report_json(const struct cred_report *r)
{
    static const char *const results[] = {"not_run", "passed", "failed"};
    static const char *const formats[] = {"unknown", "data_integrity", "jwt"};
    json_t *checks = json_array();
    char fetched[25] = "";
    if (r->status_fetched_ms >= 0)
        time_format_ms(r->status_fetched_ms, fetched);
    json_t *out = json_pack("{s:b,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "verified", r->error == 0,
                            "format", formats[r->format], "error", cred_error_name(r->error),
                            "issuer", r->issuer, "method", r->method, "algorithm", r->algorithm,
                            "validFrom", r->valid_from, "validUntil", r->valid_until, "statusList",
                            r->status_list, "statusFetched", fetched);
    if (!checks || !out || json_object_set(out, "checks", checks))
        goto fail;
    for (int i = 0; i < CRED_CHECK_COUNT; i++) {
        const struct cred_check_outcome *c = &r->checks[i];
        json_t *o = json_pack("{s:s,s:s,s:s,s:s}", "check", cred_check_name((enum cred_check)i),
                              "result", results[c->result], "error",
                              c->result == CRED_CHECK_FAILED ? cred_error_name(c->error) : "",
                              "detail", c->detail);
        if (!o || json_array_append_new(checks, o))
            goto fail;
    }
    json_decref(checks);
    return out;
fail:
    json_decref(checks);
    json_decref(out);
    return NULL;
}
