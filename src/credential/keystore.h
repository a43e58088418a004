/*
 * The issuing key of each institution, for now one Ed25519 key per
 * institution in a file of the data directory:
 * DIR/credential-keys/institution-ID.json, mode 0600, holding the public key
 * (publicKeyMultibase), when it was made, and the 32-byte seed sealed with
 * the data directory's key (util/seal.h), so a copy of the file alone does
 * not give the key away.
 *
 * The later issuer-identity work moves keys into a table with rotation; it
 * keeps this function's contract (institution -> current signer) and can
 * import these files.
 */
#ifndef CC_CREDENTIAL_KEYSTORE_H
#define CC_CREDENTIAL_KEYSTORE_H

#include <stdint.h>

#include "credential/credential.h"

#define KEYSTORE_DIR "credential-keys"

/*
 * The signer of INSTITUTION (the did:key form) from data directory DIR,
 * creating its key on first use. *CREATED (may be NULL) is set to 1 when the
 * key was made by this call. Returns CRED_OK or an enum cred_error code
 * (CRED_ERR_NOMEM also for a file that cannot be read or written,
 * CRED_ERR_NOT_JSON for a damaged one); WHY (CRED_WHY_SIZE bytes) says what.
 */
int keystore_signer(const char *dir, int64_t institution, struct cred_signer *out, int *created,
                    char *why) __attribute__((warn_unused_result));

#endif
