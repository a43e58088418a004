/*
 * The issuing keys of each institution: Ed25519 keys in the table
 * credential_keys (schema/0011), numbered key-1, key-2, ... per institution.
 * The current key signs; rotating ends it (active_until) and makes the next
 * one, and the old keys stay, marked by the dates they were active, so that
 * what they signed still verifies (they stay in the did:web document). The
 * 32-byte seed is sealed with the data directory's key (util/seal.h), so a
 * copy of the database alone does not give the keys away.
 *
 * Earlier versions kept one key per institution in a file of the data
 * directory (DIR/credential-keys/institution-ID.json); keystore_signer
 * imports that key as key-1 when the table has none yet.
 */
#ifndef CC_CREDENTIAL_KEYSTORE_H
#define CC_CREDENTIAL_KEYSTORE_H

#include <stdint.h>

#include "credential/credential.h"
#include "credential/multibase.h"
#include "store/store.h"
#include "util/seal.h"

#define KEYSTORE_DIR "credential-keys"

/* One key as the did:web document and the API show it. */
struct keystore_key {
    int64_t institution;
    int number;                                /* the N of "#key-N" */
    char public_key[ED25519_MULTIKEY_LEN + 1]; /* publicKeyMultibase */
    char active_from[21];
    char active_until[21]; /* "" for the current key */
};

/*
 * The signer of INSTITUTION's current key (the did:key form: issuer and
 * method are the key's did:key), creating key-1 on first use, or importing
 * the key file of DIR (may be NULL) when there is one. SEAL_KEY opens the
 * seed. *NUMBER (may be NULL) is the key's number; *CREATED (may be NULL) is
 * set to 1 when the key was made or imported by this call. Works inside or
 * outside a transaction. Returns CRED_OK or an enum cred_error code
 * (CRED_ERR_NOMEM also for storage failures, CRED_ERR_NOT_JSON for a damaged
 * key); WHY (CRED_WHY_SIZE bytes) says what.
 */
int keystore_signer(struct store *db, const unsigned char seal_key[SEAL_KEY_BYTES], const char *dir,
                    int64_t institution, struct cred_signer *out, int *number, int *created,
                    char *why) __attribute__((warn_unused_result));

/*
 * Rotates INSTITUTION's key: the current one stops being active now and a new
 * one (the next number, in *NUMBER) becomes current. In its own transaction.
 */
int keystore_rotate(struct store *db, const unsigned char seal_key[SEAL_KEY_BYTES],
                    int64_t institution, int *number, char *why)
    __attribute__((warn_unused_result));

typedef int (*keystore_key_fn)(void *ctx, const struct keystore_key *k);

/* Calls FN for each key of INSTITUTION, oldest first; a non-zero return stops and is returned. */
int keystore_list(struct store *db, int64_t institution, keystore_key_fn fn, void *ctx)
    __attribute__((warn_unused_result));

/*
 * The signer (did:key form) of INSTITUTION's key whose publicKeyMultibase is
 * PUBLIC_KEY, current or not: what re-signs a status list first signed with
 * an older did:key. *NUMBER (may be NULL) is its number.
 * CRED_ERR_METHOD_UNRESOLVED when it has no such key.
 */
int keystore_signer_of(struct store *db, const unsigned char seal_key[SEAL_KEY_BYTES],
                       int64_t institution, const char *public_key, struct cred_signer *out,
                       int *number) __attribute__((warn_unused_result));

/* Key NUMBER of INSTITUTION into OUT; CRED_ERR_METHOD_UNRESOLVED when there is none. */
int keystore_get(struct store *db, int64_t institution, int number, struct keystore_key *out)
    __attribute__((warn_unused_result));

#endif
