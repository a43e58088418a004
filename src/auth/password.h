/* Password hashing with Argon2id (libsodium's crypto_pwhash, interactive limits). */
#ifndef CC_AUTH_PASSWORD_H
#define CC_AUTH_PASSWORD_H

#include <sodium.h>

#define AUTH_PASSWORD_HASH_MAX crypto_pwhash_STRBYTES

/* Hashes PASSWORD into OUT (an encoded "$argon2id$..." string). Returns 0 or -1 (out of memory). */
int auth_password_hash(const char *password, char out[AUTH_PASSWORD_HASH_MAX])
    __attribute__((warn_unused_result));

/* 1 when PASSWORD matches HASH, else 0. */
int auth_password_verify(const char *hash, const char *password);

/* Spends the time of one verification without a hash, so an unknown login answers as slowly. */
void auth_password_burn(const char *password);

#endif
