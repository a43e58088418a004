#include "credential/jwt.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "credential/report.h"
#include "util/alloc.h"
#include "util/json.h"
#include "util/banned.h"

#define MAX_HEADER 8192

static int is_b64url(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

/* TEXT without leading and trailing white space. */
static void trim(const char **text, size_t *len)
{
    while (*len && (**text == ' ' || **text == '\n' || **text == '\r' || **text == '\t')) {
        (*text)++;
        (*len)--;
    }
    while (*len && ((*text)[*len - 1] == ' ' || (*text)[*len - 1] == '\n' ||
                    (*text)[*len - 1] == '\r' || (*text)[*len - 1] == '\t'))
        (*len)--;
}

int jwt_looks_like(const char *text, size_t len)
{
    trim(&text, &len);
    int dots = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '.')
            dots++;
        else if (!is_b64url(text[i]))
            return 0;
    }
    return dots == 2 && len > 4;
}

/* Decodes base64url (no padding) of N characters at S into a new buffer; NULL when malformed. */
static unsigned char *b64url(const char *s, size_t n, size_t *out_len)
{
    unsigned char *out = cc_malloc(n * 3 / 4 + 3);
    if (!out)
        return NULL;
    if (sodium_base642bin(out, n * 3 / 4 + 3, s, n, NULL, out_len, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING)) {
        cc_free(out);
        return NULL;
    }
    return out;
}

static json_t *b64url_json(const char *s, size_t n, int depth)
{
    size_t len;
    unsigned char *raw = b64url(s, n, &len);
    if (!raw)
        return NULL;
    json_t *v = NULL;
    if (json_read((const char *)raw, len, depth, 1, &v))
        v = NULL;
    cc_free(raw);
    return v;
}

/* A JWK member as bytes (base64url); NULL when absent or malformed. */
static unsigned char *jwk_bytes(const json_t *jwk, const char *name, size_t *len)
{
    const char *s = json_string_value(json_object_get(jwk, name));
    return s ? b64url(s, strlen(s), len) : NULL;
}

/* The public key of an RSA or EC P-256 JWK, or NULL (with WHY). */
static EVP_PKEY *jwk_pkey(const json_t *jwk, const char *alg, char *why, size_t why_size)
{
    const char *kty = json_string_value(json_object_get(jwk, "kty"));
    EVP_PKEY *pkey = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    BIGNUM *n = NULL, *e = NULL;
    unsigned char *a = NULL, *b = NULL;
    size_t la = 0, lb = 0;
    unsigned char point[65]; /* the builder keeps a pointer to it until to_param */
    if (!bld)
        goto done;
    if (strcmp(alg, "RS256") == 0) {
        if (!kty || strcmp(kty, "RSA") != 0) {
            snprintf(why, why_size, "RS256 needs an RSA key");
            goto done;
        }
        a = jwk_bytes(jwk, "n", &la);
        b = jwk_bytes(jwk, "e", &lb);
        if (!a || !b || la < 256) {
            snprintf(why, why_size, "the RSA key is malformed or shorter than 2048 bits");
            goto done;
        }
        n = BN_bin2bn(a, (int)la, NULL);
        e = BN_bin2bn(b, (int)lb, NULL);
        if (!n || !e || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
            !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e))
            goto done;
        ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    } else {
        const char *crv = json_string_value(json_object_get(jwk, "crv"));
        if (!kty || strcmp(kty, "EC") != 0 || !crv || strcmp(crv, "P-256") != 0) {
            snprintf(why, why_size, "ES256 needs an EC P-256 key");
            goto done;
        }
        a = jwk_bytes(jwk, "x", &la);
        b = jwk_bytes(jwk, "y", &lb);
        if (!a || !b || la != 32 || lb != 32) {
            snprintf(why, why_size, "the EC key is malformed");
            goto done;
        }
        point[0] = 0x04;
        memcpy(point + 1, a, 32);
        memcpy(point + 33, b, 32);
        if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
            !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point)))
            goto done;
        ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    }
    params = OSSL_PARAM_BLD_to_param(bld);
    if (!ctx || !params || EVP_PKEY_fromdata_init(ctx) <= 0 ||
        EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0) {
        snprintf(why, why_size, "the key is not a valid public key");
        pkey = NULL;
    }
done:
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    EVP_PKEY_CTX_free(ctx);
    BN_free(n);
    BN_free(e);
    cc_free(a);
    cc_free(b);
    return pkey;
}

/* 1 when SIG verifies MSG under PKEY with SHA-256 (ES256: SIG is r‖s, 64 bytes). */
static int openssl_verify(EVP_PKEY *pkey, const char *alg, const unsigned char *sig, size_t sig_len,
                          const char *msg, size_t msg_len)
{
    unsigned char *der = NULL;
    int der_len = 0, ok = 0;
    if (strcmp(alg, "ES256") == 0) {
        if (sig_len != 64)
            return 0;
        ECDSA_SIG *es = ECDSA_SIG_new();
        BIGNUM *r = BN_bin2bn(sig, 32, NULL), *s = BN_bin2bn(sig + 32, 32, NULL);
        if (!es || !r || !s || !ECDSA_SIG_set0(es, r, s)) {
            BN_free(r);
            BN_free(s);
            ECDSA_SIG_free(es);
            return 0;
        }
        der_len = i2d_ECDSA_SIG(es, &der);
        ECDSA_SIG_free(es);
        if (der_len <= 0)
            return 0;
        sig = der;
        sig_len = (size_t)der_len;
    }
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (md && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pkey) == 1 &&
        EVP_DigestVerify(md, sig, sig_len, (const unsigned char *)msg, msg_len) == 1)
        ok = 1;
    EVP_MD_CTX_free(md);
    OPENSSL_free(der);
    return ok;
}

static int64_t claim_ms(const json_t *payload, const char *name)
{
    const json_t *v = json_object_get(payload, name);
    return json_is_number(v) ? (int64_t)(json_number_value(v) * 1000) : -1;
}

int jwt_verify(const char *text, size_t len, const struct resolver *resolver, int64_t now_ms,
               struct cred_report *r)
{
    r->format = CRED_FORMAT_JWT;
    trim(&text, &len);
    const char *d1 = memchr(text, '.', len);
    const char *d2 = d1 ? memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - text)) : NULL;
    json_t *header = NULL, *payload = NULL;
    unsigned char *sig = NULL;
    size_t sig_len = 0;
    struct resolver_key key = {0};
    EVP_PKEY *pkey = NULL;
    if (!d1 || !d2 || (size_t)(d1 - text) > MAX_HEADER ||
        !(header = b64url_json(text, (size_t)(d1 - text), 4)) ||
        !(payload = b64url_json(d1 + 1, (size_t)(d2 - d1 - 1), CRED_MAX_DEPTH)) ||
        !(sig = b64url(d2 + 1, len - (size_t)(d2 + 1 - text), &sig_len))) {
        report_fail(r, CRED_CHECK_FORMAT, CRED_ERR_JWT,
                    "not a JWT: a header, a payload (JSON objects) and a signature in base64url");
        goto done;
    }
    const json_t *vc = json_object_get(payload, "vc");
    if (!json_is_object(vc))
        vc = payload; /* VC-JOSE-COSE: the payload is the credential */
    r->credential = json_incref((json_t *)vc);
    if (report_credential(r, vc))
        goto done;
    const char *iss = json_string_value(json_object_get(payload, "iss"));
    const char *vc_issuer = report_issuer_id(vc);
    if (!r->issuer[0] && iss)
        snprintf(r->issuer, sizeof(r->issuer), "%s", iss);
    report_dates(r, vc, now_ms, claim_ms(payload, "nbf"), claim_ms(payload, "exp"));

    /* The JWS header and the registered claims. */
    const char *alg = json_string_value(json_object_get(header, "alg"));
    const char *kid = json_string_value(json_object_get(header, "kid"));
    const char *jti = json_string_value(json_object_get(payload, "jti"));
    const char *vc_id = json_string_value(json_object_get(vc, "id"));
    if (json_object_get(header, "crit"))
        report_fail(r, CRED_CHECK_PROOF, CRED_ERR_JWT, "the JWS has critical extensions (crit)");
    else if (!alg)
        report_fail(r, CRED_CHECK_PROOF, CRED_ERR_JWT, "the JWS header has no alg");
    else if (!iss && !vc_issuer)
        report_fail(r, CRED_CHECK_PROOF, CRED_ERR_ISSUER, "neither iss nor an issuer");
    else if (iss && vc_issuer && strcmp(iss, vc_issuer) != 0)
        report_fail(r, CRED_CHECK_PROOF, CRED_ERR_ISSUER,
                    "iss %.100s is not the credential's issuer %.100s", iss, vc_issuer);
    else if (jti && vc_id && vc != payload && strcmp(jti, vc_id) != 0)
        report_fail(r, CRED_CHECK_PROOF, CRED_ERR_JWT, "jti is not the credential's id");
    else
        report_pass(r, CRED_CHECK_PROOF);
    if (!alg || (strcmp(alg, "RS256") && strcmp(alg, "ES256") && strcmp(alg, "EdDSA"))) {
        report_fail(r, CRED_CHECK_CRYPTOSUITE, CRED_ERR_JWT_ALG,
                    "JWS algorithm %.40s is not accepted (RS256, ES256, EdDSA)",
                    alg ? alg : "missing");
        goto done;
    }
    report_pass(r, CRED_CHECK_CRYPTOSUITE);
    snprintf(r->algorithm, sizeof(r->algorithm), "%s", alg);
    if (report_failed(r, CRED_CHECK_PROOF))
        goto done;

    /* The key: the kid (absolute, or a fragment of the issuer's DID), else the issuer. */
    char method[RESOLVER_ID_MAX];
    if (kid && kid[0] == '#')
        snprintf(method, sizeof(method), "%.200s%.200s", r->issuer, kid);
    else
        snprintf(method, sizeof(method), "%.400s", kid ? kid : r->issuer);
    snprintf(r->method, sizeof(r->method), "%s", method);
    char why[RESOLVER_WHY];
    int err = resolver_resolve(resolver, method, &key, why);
    if (err) {
        report_fail(r, CRED_CHECK_METHOD,
                    err == RESOLVER_ERR_NOMEM ? CRED_ERR_NOMEM : CRED_ERR_METHOD_UNRESOLVED, "%s",
                    why);
        goto done;
    }
    int eddsa = strcmp(alg, "EdDSA") == 0;
    if ((eddsa && key.type != RESOLVER_KEY_ED25519) || (!eddsa && key.type != RESOLVER_KEY_JWK)) {
        report_fail(r, CRED_CHECK_METHOD, CRED_ERR_KEY_TYPE, "the key of %.200s does not suit %s",
                    method, alg);
        goto done;
    }
    char kwhy[128] = "";
    if (!eddsa && !(pkey = jwk_pkey(key.jwk, alg, kwhy, sizeof(kwhy)))) {
        report_fail(r, CRED_CHECK_METHOD, CRED_ERR_KEY_TYPE, "%s", kwhy);
        goto done;
    }
    report_method(r, &key);
    size_t signed_len = (size_t)(d2 - text);
    int ok = eddsa ? sig_len == crypto_sign_BYTES &&
                         crypto_sign_verify_detached(sig, (const unsigned char *)text, signed_len,
                                                     key.public_key) == 0
                   : openssl_verify(pkey, alg, sig, sig_len, text, signed_len);
    if (ok)
        report_pass(r, CRED_CHECK_SIGNATURE);
    else
        report_fail(r, CRED_CHECK_SIGNATURE, CRED_ERR_SIGNATURE,
                    "the JWS signature does not verify: the token was changed or signed with "
                    "another key");
done:
    EVP_PKEY_free(pkey);
    resolver_key_release(&key);
    json_decref(header);
    json_decref(payload);
    cc_free(sig);
    for (int i = 0; i < CRED_CHECK_COUNT; i++)
        if (r->checks[i].result == CRED_CHECK_FAILED)
            return r->error = r->checks[i].error;
    /* The status check is cred_verify's, after this. */
    for (int i = 0; i < CRED_CHECK_STATUS; i++)
        if (r->checks[i].result != CRED_CHECK_PASSED)
            return r->error = CRED_ERR_JWT;
    return r->error = CRED_OK;
}
