#include "credential/credential.h"

#include <stdio.h>
#include <string.h>

#include "credential/contexts.h"
#include "credential/multibase.h"
#include "credential/proof.h"
#include "util/banned.h"

static const struct {
    int code;
    const char *name;
} error_names[] = {
    {CRED_OK, "ok"},
    {CRED_ERR_NOMEM, "out_of_memory"},
    {CRED_ERR_TOO_LARGE, "too_large"},
    {CRED_ERR_NOT_JSON, "not_json"},
    {CRED_ERR_NOT_CREDENTIAL, "not_a_credential"},
    {CRED_ERR_CONTEXT_NOT_BUNDLED, "context_not_bundled"},
    {CRED_ERR_JSONLD, "invalid_jsonld"},
    {CRED_ERR_UNDEFINED_TERM, "undefined_term"},
    {CRED_ERR_PROTECTED_TERM, "protected_term_redefinition"},
    {CRED_ERR_TOO_COMPLEX, "too_complex"},
    {CRED_ERR_NO_PROOF, "no_proof"},
    {CRED_ERR_PROOF_TYPE, "proof_type"},
    {CRED_ERR_CRYPTOSUITE, "unsupported_cryptosuite"},
    {CRED_ERR_PROOF_FIELD, "proof_field"},
    {CRED_ERR_PROOF_PURPOSE, "proof_purpose"},
    {CRED_ERR_PROOF_VALUE, "proof_value"},
    {CRED_ERR_METHOD_UNRESOLVED, "method_unresolved"},
    {CRED_ERR_METHOD_NOT_AUTHORIZED, "method_not_authorized"},
    {CRED_ERR_SIGNATURE, "signature_invalid"},
    {CRED_ERR_NOT_YET_VALID, "not_yet_valid"},
    {CRED_ERR_EXPIRED, "expired"},
    {CRED_ERR_DATE, "invalid_date"},
    {CRED_ERR_ISSUER, "issuer_mismatch"},
    {CRED_ERR_ALREADY_SIGNED, "already_signed"},
    {CRED_ERR_JWT, "invalid_jwt"},
    {CRED_ERR_JWT_ALG, "unsupported_algorithm"},
    {CRED_ERR_KEY_TYPE, "key_type"},
    {CRED_ERR_CONTEXT_MISMATCH, "context_mismatch"},
    {CRED_ERR_REVOKED, "revoked"},
    {CRED_ERR_SUSPENDED, "suspended"},
    {CRED_ERR_STATUS_UNAVAILABLE, "status_unavailable"},
    {CRED_ERR_STATUS_INVALID, "status_invalid"},
};

const char *cred_error_name(int code)
{
    for (size_t i = 0; i < sizeof(error_names) / sizeof(error_names[0]); i++)
        if (error_names[i].code == code)
            return error_names[i].name;
    return "error";
}

const char *cred_check_name(enum cred_check check)
{
    static const char *const names[CRED_CHECK_COUNT] = {
        "format", "contexts", "proof", "cryptosuite", "method", "signature", "dates", "status",
    };
    return (unsigned)check < CRED_CHECK_COUNT ? names[check] : "unknown";
}

static json_t *proofs_of(const json_t *doc)
{
    const json_t *p = json_object_get(doc, "proof");
    if (!p)
        return json_array();
    return json_is_array(p) ? json_incref((json_t *)p) : json_pack("[O]", p);
}

int cred_canonize(const json_t *doc, enum cred_canon_part part, struct buf *out, char *why)
{
    why[0] = 0;
    if (!json_is_object(doc)) {
        snprintf(why, CRED_WHY_SIZE, "the document is not a JSON object");
        return CRED_ERR_NOT_CREDENTIAL;
    }
    if (part == CRED_CANON_AS_IS)
        return proof_canonize(doc, out, why);
    json_t *unsecured = json_copy((json_t *)doc);
    if (!unsecured)
        return CRED_ERR_NOMEM;
    json_object_del(unsecured, "proof");
    int err = 0;
    if (part == CRED_CANON_DOCUMENT) {
        err = proof_canonize(unsecured, out, why);
    } else {
        json_t *proofs = proofs_of(doc);
        size_t i;
        json_t *p;
        if (!proofs)
            err = CRED_ERR_NOMEM;
        else if (!json_array_size(proofs)) {
            err = CRED_ERR_NO_PROOF;
            snprintf(why, CRED_WHY_SIZE, "the document has no proof");
        }
        json_array_foreach (proofs, i, p) {
            if (err)
                break;
            json_t *cfg = json_is_object(p) ? json_copy(p) : NULL;
            if (!cfg) {
                err = json_is_object(p) ? CRED_ERR_NOMEM : CRED_ERR_PROOF_FIELD;
                break;
            }
            json_object_del(cfg, "proofValue");
            const json_t *ctx = json_object_get(doc, "@context");
            if (ctx && json_object_set(cfg, "@context", (json_t *)ctx))
                err = CRED_ERR_NOMEM;
            if (!err)
                err = proof_canonize(cfg, out, why);
            json_decref(cfg);
        }
        json_decref(proofs);
    }
    json_decref(unsecured);
    return err;
}

void cred_signer_from_seed(struct cred_signer *s, const unsigned char seed[crypto_sign_SEEDBYTES])
{
    crypto_sign_seed_keypair(s->public_key, s->secret_key, seed);
    char did[ED25519_DID_KEY_LEN + 1];
    ed25519_did_key(s->public_key, did);
    snprintf(s->issuer, sizeof(s->issuer), "%s", did);
    snprintf(s->method, sizeof(s->method), "%s#%s", did, did + 8);
}

void cred_signer_clear(struct cred_signer *s)
{
    sodium_memzero(s->secret_key, sizeof(s->secret_key));
}

/* Whether the first @context of DOC is the VC v2 or v1 context (which every VC must start with). */
static int vc_version(const json_t *doc)
{
    const json_t *ctx = json_object_get(doc, "@context");
    const char *first = json_string_value(json_is_array(ctx) ? json_array_get(ctx, 0) : ctx);
    if (first && strcmp(first, JSONLD_CONTEXT_VC_V2) == 0)
        return 2;
    if (first && strcmp(first, JSONLD_CONTEXT_VC_V1) == 0)
        return 1;
    return 0;
}

static int has_type(const json_t *doc, const char *type)
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

/* The id of the issuer of DOC (a string, or an object's id), or NULL. */
static const char *issuer_id(const json_t *doc)
{
    const json_t *iss = json_object_get(doc, "issuer");
    return json_is_string(iss) ? json_string_value(iss)
                               : json_string_value(json_object_get(iss, "id"));
}

/* A copy of DOC with "issuer": ISSUER after "type", where credentials usually have it. */
static json_t *with_issuer(const json_t *doc, const char *issuer)
{
    json_t *ordered = json_object();
    const char *k;
    json_t *v;
    int placed = 0, err = !ordered;
    json_object_foreach ((json_t *)doc, k, v) {
        if (err)
            break;
        err = json_object_set(ordered, k, v);
        if (!err && strcmp(k, "type") == 0) {
            err = json_object_set_new(ordered, "issuer", json_string(issuer));
            placed = 1;
        }
    }
    if (!err && !placed)
        err = json_object_set_new(ordered, "issuer", json_string(issuer));
    if (err) {
        json_decref(ordered);
        return NULL;
    }
    return ordered;
}

int cred_sign(const json_t *credential, const struct cred_signer *signer, const char *created,
              json_t **out, char *why)
{
    why[0] = 0;
    *out = NULL;
    int version = json_is_object(credential) ? vc_version(credential) : 0;
    if (!version || !has_type(credential, "VerifiableCredential")) {
        snprintf(why, CRED_WHY_SIZE,
                 "not a verifiable credential: the first @context must be the VC context and the "
                 "type must include VerifiableCredential");
        return CRED_ERR_NOT_CREDENTIAL;
    }
    if (json_object_get(credential, "proof")) {
        snprintf(why, CRED_WHY_SIZE, "the credential already has a proof");
        return CRED_ERR_ALREADY_SIGNED;
    }
    json_t *doc = json_deep_copy(credential);
    json_t *proof = NULL;
    int err = CRED_ERR_NOMEM;
    if (!doc)
        goto done;
    /* The issuer: the signer's, filled in when absent. */
    json_t *iss = json_object_get(doc, "issuer");
    const char *id = issuer_id(doc);
    if (!iss) {
        json_t *ordered = with_issuer(doc, signer->issuer);
        if (!ordered)
            goto done;
        json_decref(doc);
        doc = ordered;
    } else if (json_is_object(iss) && !json_object_get(iss, "id")) {
        /* Keep "id" first, as credentials are usually written. */
        json_t *copy = json_pack("{s:s}", "id", signer->issuer);
        if (!copy || json_object_update(copy, iss) || json_object_set_new(doc, "issuer", copy)) {
            json_decref(copy);
            goto done;
        }
    } else if (!id || strcmp(id, signer->issuer) != 0) {
        snprintf(why, CRED_WHY_SIZE, "the credential's issuer %.100s is not the signer's (%.100s)",
                 id ? id : "(not a string)", signer->issuer);
        err = CRED_ERR_ISSUER;
        goto done;
    }
    if (version == 2 && !json_object_get(doc, "validFrom") &&
        json_object_set_new(doc, "validFrom", json_string(created)))
        goto done;
    proof = json_pack("{s:s,s:s,s:s,s:s,s:s}", "type", PROOF_TYPE, "created", created,
                      "verificationMethod", signer->method, "cryptosuite", PROOF_CRYPTOSUITE,
                      "proofPurpose", PROOF_PURPOSE);
    if (!proof)
        goto done;
    unsigned char data[64], sig[64];
    if ((err = proof_hash_data(doc, proof, data, NULL, NULL, why)))
        goto done;
    crypto_sign_detached(sig, NULL, data, sizeof(data), signer->secret_key);
    char value[PROOF_VALUE_MAX];
    proof_value_encode(sig, value);
    if (json_object_set_new(proof, "proofValue", json_string(value)) ||
        json_object_set(doc, "proof", proof)) {
        err = CRED_ERR_NOMEM;
        goto done;
    }
    *out = doc;
    doc = NULL;
    err = CRED_OK;
done:
    if (err == CRED_ERR_NOMEM && !why[0])
        snprintf(why, CRED_WHY_SIZE, "out of memory");
    json_decref(proof);
    json_decref(doc);
    return err;
}
