/*
 * Secrets kept encrypted at rest: credentials that CareCampus itself must
 * present elsewhere (the key and secret of an LRS it forwards statements to)
 * and so cannot store as a hash. They are sealed with libsodium's
 * crypto_secretbox (XSalsa20-Poly1305, a random nonce each time) under one
 * key kept in a file of the data directory that only its owner may read, so
 * a copy of the database alone does not give them away.
 */
#ifndef CC_UTIL_SEAL_H
#define CC_UTIL_SEAL_H

#include <stddef.h>

#define SEAL_KEY_BYTES 32
#define SEAL_KEY_FILE  "secrets.key" /* in the data directory, mode 0600 */

enum seal_error {
    SEAL_OK = 0,
    SEAL_ERR_IO = -1,      /* the key file cannot be created or read */
    SEAL_ERR_INVALID = -2, /* not sealed text, sealed under another key, or too long */
    SEAL_ERR_NOMEM = -3,
};

/*
 * Reads the key of data directory DIR into KEY, creating DIR (0700) and the
 * key file (0600, fresh random bytes) when they do not exist yet. Two
 * processes starting at once end up with the same key: the file appears
 * whole or not at all.
 */
int seal_key_load(const char *dir, unsigned char key[SEAL_KEY_BYTES])
    __attribute__((warn_unused_result));

/* Seals the NUL-terminated PLAIN under KEY into *OUT: base64 text (cc_free it). */
int seal_encrypt(const unsigned char key[SEAL_KEY_BYTES], const char *plain, char **out)
    __attribute__((warn_unused_result));

/*
 * Opens SEALED (from seal_encrypt) under KEY into OUT (SIZE bytes, NUL-terminated).
 * SEAL_ERR_INVALID when it was tampered with, sealed under another key, or
 * does not fit.
 */
int seal_decrypt(const unsigned char key[SEAL_KEY_BYTES], const char *sealed, char *out,
                 size_t size) __attribute__((warn_unused_result));

#endif
