#include "credential/multibase.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/alloc.h"
#include "util/banned.h"

static const char alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

int base58btc_encode(const unsigned char *in, size_t len, struct buf *out)
{
    size_t zeros = 0;
    while (zeros < len && in[zeros] == 0)
        zeros++;
    /* log(256)/log(58) < 1.37: the digits of the number in base 58, least significant first. */
    size_t size = (len - zeros) * 138 / 100 + 1;
    unsigned char *digits = cc_calloc(size ? size : 1, 1);
    if (!digits)
        return MULTIBASE_ERR_NOMEM;
    size_t n = 0;
    for (size_t i = zeros; i < len; i++) {
        unsigned carry = in[i];
        for (size_t j = 0; j < n; j++) {
            carry += (unsigned)digits[j] << 8;
            digits[j] = (unsigned char)(carry % 58);
            carry /= 58;
        }
        while (carry) {
            digits[n++] = (unsigned char)(carry % 58);
            carry /= 58;
        }
    }
    int err = 0;
    for (size_t i = 0; !err && i < zeros; i++)
        err = buf_addc(out, '1');
    for (size_t i = n; !err && i-- > 0;)
        err = buf_addc(out, alphabet[digits[i]]);
    cc_free(digits);
    return err ? MULTIBASE_ERR_NOMEM : 0;
}

int base58btc_decode(const char *s, size_t len, unsigned char *out, size_t out_size,
                     size_t *out_len)
{
    *out_len = 0;
    size_t zeros = 0;
    while (zeros < len && s[zeros] == '1')
        zeros++;
    /* The bytes of the number, least significant first, in OUT's own space. */
    unsigned char tmp[512];
    if (out_size > sizeof(tmp) || len > 2 * sizeof(tmp))
        return MULTIBASE_ERR_INVALID;
    size_t n = 0;
    for (size_t i = zeros; i < len; i++) {
        const char *at = memchr(alphabet, s[i], sizeof(alphabet) - 1);
        if (!at || !s[i])
            return MULTIBASE_ERR_INVALID;
        unsigned carry = (unsigned)(at - alphabet);
        for (size_t j = 0; j < n; j++) {
            carry += (unsigned)tmp[j] * 58;
            tmp[j] = (unsigned char)(carry & 0xff);
            carry >>= 8;
        }
        while (carry) {
            if (n == sizeof(tmp))
                return MULTIBASE_ERR_INVALID;
            tmp[n++] = (unsigned char)(carry & 0xff);
            carry >>= 8;
        }
    }
    if (zeros + n > out_size)
        return MULTIBASE_ERR_INVALID;
    memset(out, 0, zeros);
    for (size_t i = 0; i < n; i++)
        out[zeros + i] = tmp[n - 1 - i];
    *out_len = zeros + n;
    return 0;
}

int multibase_decode_z(const char *s, unsigned char *out, size_t out_size, size_t *out_len)
{
    *out_len = 0;
    if (!s || s[0] != 'z')
        return MULTIBASE_ERR_INVALID;
    return base58btc_decode(s + 1, strlen(s + 1), out, out_size, out_len);
}

void ed25519_multikey(const unsigned char pk[32], char out[ED25519_MULTIKEY_LEN + 1])
{
    unsigned char bytes[34] = {0xed, 0x01};
    memcpy(bytes + 2, pk, 32);
    struct buf b;
    buf_init(&b, 64);
    out[0] = 0;
    if (buf_addc(&b, 'z') == 0 && base58btc_encode(bytes, sizeof(bytes), &b) == 0)
        snprintf(out, ED25519_MULTIKEY_LEN + 1, "%s", b.data);
    buf_release(&b);
}

int ed25519_multikey_parse(const char *s, unsigned char pk[32])
{
    unsigned char bytes[40];
    size_t n;
    if (multibase_decode_z(s, bytes, sizeof(bytes), &n) || n != 34 || bytes[0] != 0xed ||
        bytes[1] != 0x01)
        return MULTIBASE_ERR_INVALID;
    memcpy(pk, bytes + 2, 32);
    return 0;
}

void ed25519_did_key(const unsigned char pk[32], char out[ED25519_DID_KEY_LEN + 1])
{
    char mk[ED25519_MULTIKEY_LEN + 1];
    ed25519_multikey(pk, mk);
    snprintf(out, ED25519_DID_KEY_LEN + 1, "did:key:%s", mk);
}
