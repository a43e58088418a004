#include "auth/password.h"

#include <string.h>

#include "util/banned.h"

int auth_password_hash(const char *password, char out[AUTH_PASSWORD_HASH_MAX])
{
    return crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE);
}

int auth_password_verify(const char *hash, const char *password)
{
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

void auth_password_burn(const char *password)
{
    char h[AUTH_PASSWORD_HASH_MAX];
    if (auth_password_hash(password, h) == 0)
        sodium_memzero(h, sizeof(h));
}
