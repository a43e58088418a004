#include "util/secret.h"

#include <sodium.h>
#include <string.h>

#include "util/banned.h"

int secret_init(void)
{
    return sodium_init() < 0 ? -1 : 0;
}

void secret_base64url(const unsigned char *in, size_t len, char *out, size_t out_size)
{
    sodium_bin2base64(out, out_size, in, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void secret_token(char out[SECRET_TOKEN_LEN + 1])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof(raw));
    secret_base64url(raw, sizeof(raw), out, SECRET_TOKEN_LEN + 1);
    sodium_memzero(raw, sizeof(raw));
}

void secret_sha256_hex(const void *data, size_t len, char out[SECRET_SHA256_HEX_LEN + 1])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, data, len);
    sodium_bin2hex(out, SECRET_SHA256_HEX_LEN + 1, h, sizeof(h));
}

int secret_equal(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la != lb)
        return 0;
    return sodium_memcmp(a, b, la) == 0;
}
