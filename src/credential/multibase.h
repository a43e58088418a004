/*
 * Multibase (base58btc, "z…", and base64url, "u…") and the did:key form of
 * Ed25519 public keys: "did:key:z6Mk…", the multibase of the multicodec
 * prefix 0xed 0x01 and the 32 key bytes (W3C did:key method; the Multikey
 * publicKeyMultibase is the same string without "did:key:").
 */
#ifndef CC_CREDENTIAL_MULTIBASE_H
#define CC_CREDENTIAL_MULTIBASE_H

#include <stddef.h>

#include "util/buf.h"

enum multibase_error {
    MULTIBASE_OK = 0,
    MULTIBASE_ERR_INVALID = -1, /* not the expected encoding, or the wrong length */
    MULTIBASE_ERR_NOMEM = -2,
};

#define ED25519_MULTIKEY_LEN 48 /* "z6Mk" + 44 more characters */
#define ED25519_DID_KEY_LEN  56 /* "did:key:" + the multikey */

/* Appends the base58btc (Bitcoin alphabet) text of LEN bytes to OUT. */
int base58btc_encode(const unsigned char *in, size_t len, struct buf *out)
    __attribute__((warn_unused_result));

/*
 * Decodes the base58btc text S (LEN characters) into OUT (at most OUT_SIZE
 * bytes; *OUT_LEN receives the count). MULTIBASE_ERR_INVALID for a character
 * outside the alphabet or a result that does not fit.
 */
int base58btc_decode(const char *s, size_t len, unsigned char *out, size_t out_size,
                     size_t *out_len) __attribute__((warn_unused_result));

/* Decodes the multibase S, which must be base58btc ("z…"), into OUT like base58btc_decode. */
int multibase_decode_z(const char *s, unsigned char *out, size_t out_size, size_t *out_len)
    __attribute__((warn_unused_result));

/* The publicKeyMultibase ("z6Mk…") of an Ed25519 public key, NUL-terminated. */
void ed25519_multikey(const unsigned char pk[32], char out[ED25519_MULTIKEY_LEN + 1]);

/* Reads an Ed25519 publicKeyMultibase into PK; MULTIBASE_ERR_INVALID when it is not one. */
int ed25519_multikey_parse(const char *s, unsigned char pk[32]) __attribute__((warn_unused_result));

/* "did:key:z6Mk…" of PK, NUL-terminated. */
void ed25519_did_key(const unsigned char pk[32], char out[ED25519_DID_KEY_LEN + 1]);

#endif
