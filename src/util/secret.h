/* Random tokens and hashes (libsodium underneath; never a hand-rolled primitive). */
#ifndef CC_UTIL_SECRET_H
#define CC_UTIL_SECRET_H

#include <stddef.h>

#define SECRET_TOKEN_LEN      43 /* base64url of 32 random bytes, without padding */
#define SECRET_SHA256_HEX_LEN 64

/* Initialises libsodium; call once at start-up. Returns 0 or -1. */
int secret_init(void) __attribute__((warn_unused_result));

/* Fills OUT with a fresh random token and a NUL (SECRET_TOKEN_LEN + 1 bytes). */
void secret_token(char out[SECRET_TOKEN_LEN + 1]);

/* Hex SHA-256 of DATA into OUT (SECRET_SHA256_HEX_LEN + 1 bytes). */
void secret_sha256_hex(const void *data, size_t len, char out[SECRET_SHA256_HEX_LEN + 1]);

/* Compares two NUL-terminated strings in time that depends only on their lengths. */
int secret_equal(const char *a, const char *b);

/* base64url without padding of LEN bytes into OUT (4*ceil(LEN/3)+1 bytes suffice). */
void secret_base64url(const unsigned char *in, size_t len, char *out, size_t out_size);

#endif
