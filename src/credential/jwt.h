/*
 * VC-JWT: a verifiable credential secured as a compact JWS, in either of
 * its two shapes: the VC Data Model 1.1 JWT (claims iss, sub, jti, nbf,
 * exp and the credential under "vc") and the VC-JOSE-COSE one (the
 * credential itself is the payload). Algorithms: RS256 and ES256 (OpenSSL)
 * and EdDSA (Ed25519, libsodium); "none" and everything else are refused.
 * The key comes from the resolver by the header's kid (a DID URL, or a
 * fragment of the issuer's DID), else by the issuer.
 */
#ifndef CC_CREDENTIAL_JWT_H
#define CC_CREDENTIAL_JWT_H

#include <stddef.h>
#include <stdint.h>

#include "credential/credential.h"

/* Whether the LEN bytes of TEXT look like a compact JWS (three base64url parts). */
int jwt_looks_like(const char *text, size_t len);

/* Verifies the compact JWS TEXT into REPORT (see cred_verify); returns REPORT->error. */
int jwt_verify(const char *text, size_t len, const struct resolver *resolver, int64_t now_ms,
               struct cred_report *report) __attribute__((warn_unused_result));

#endif
