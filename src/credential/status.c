#include "credential/status.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "util/alloc.h"
#include "util/banned.h"

int status_bit_get(const unsigned char *bits, size_t index)
{
    return (bits[index / 8] >> (7 - index % 8)) & 1;
}

void status_bit_set(unsigned char *bits, size_t index, int value)
{
    unsigned char mask = (unsigned char)(0x80u >> (index % 8));
    if (value)
        bits[index / 8] |= mask;
    else
        bits[index / 8] &= (unsigned char)~mask;
}

int status_encode(const unsigned char *bits, size_t n, char **out)
{
    *out = NULL;
    uLong bound = compressBound((uLong)n) + 32; /* the GZIP header and trailer */
    unsigned char *gz = cc_malloc(bound);
    if (!gz)
        return STATUS_ERR_NOMEM;
    z_stream z;
    memset(&z, 0, sizeof(z));
    /* 15 + 16: a GZIP wrapper rather than zlib's, as the specification asks. */
    if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        cc_free(gz);
        return STATUS_ERR_NOMEM;
    }
    z.next_in = (unsigned char *)bits;
    z.avail_in = (uInt)n;
    z.next_out = gz;
    z.avail_out = (uInt)bound;
    int rc = deflate(&z, Z_FINISH);
    size_t len = z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) {
        cc_free(gz);
        return STATUS_ERR_NOMEM;
    }
    size_t b64 = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *text = cc_malloc(b64 + 1);
    if (!text) {
        cc_free(gz);
        return STATUS_ERR_NOMEM;
    }
    text[0] = 'u';
    sodium_bin2base64(text + 1, b64, gz, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    cc_free(gz);
    *out = text;
    return STATUS_OK;
}

int status_decode(const char *encoded, unsigned char **bits, size_t *n)
{
    *bits = NULL;
    *n = 0;
    size_t len = encoded ? strlen(encoded) : 0;
    if (len < 2 || len > STATUS_ENCODED_MAX || encoded[0] != 'u')
        return STATUS_ERR_INVALID;
    /* Padding is not part of multibase base64url, but some issuers add it: drop it. */
    while (len > 1 && encoded[len - 1] == '=')
        len--;
    unsigned char *gz = cc_malloc(len);
    if (!gz)
        return STATUS_ERR_NOMEM;
    size_t gz_len = 0;
    if (sodium_base642bin(gz, len, encoded + 1, len - 1, NULL, &gz_len, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) ||
        gz_len < 18) {
        cc_free(gz);
        return STATUS_ERR_INVALID;
    }
    size_t cap = 64u << 10;
    unsigned char *out = cc_malloc(cap);
    if (!out) {
        cc_free(gz);
        return STATUS_ERR_NOMEM;
    }
    z_stream z;
    memset(&z, 0, sizeof(z));
    if (inflateInit2(&z, 15 + 16) != Z_OK) {
        cc_free(gz);
        cc_free(out);
        return STATUS_ERR_NOMEM;
    }
    z.next_in = gz;
    z.avail_in = (uInt)gz_len;
    int err = STATUS_OK, rc;
    for (;;) {
        z.next_out = out + z.total_out;
        z.avail_out = (uInt)(cap - z.total_out);
        rc = inflate(&z, Z_NO_FLUSH);
        if (rc == Z_STREAM_END)
            break;
        if (rc != Z_OK && rc != Z_BUF_ERROR) {
            err = rc == Z_MEM_ERROR ? STATUS_ERR_NOMEM : STATUS_ERR_INVALID;
            break;
        }
        if (z.avail_out == 0) {
            if (cap >= STATUS_DECODED_MAX) {
                err = STATUS_ERR_INVALID; /* a bomb, or a list no one needs */
                break;
            }
            unsigned char *bigger = cc_realloc(out, cap * 2);
            if (!bigger) {
                err = STATUS_ERR_NOMEM;
                break;
            }
            out = bigger;
            cap *= 2;
        } else if (rc == Z_BUF_ERROR || z.avail_in == 0) {
            err = STATUS_ERR_INVALID; /* the stream stops before its end */
            break;
        }
    }
    /* Anything after the GZIP member (a second member, junk) is refused as well. */
    if (!err && z.avail_in != 0)
        err = STATUS_ERR_INVALID;
    size_t total = z.total_out;
    inflateEnd(&z);
    cc_free(gz);
    if (!err && total == 0)
        err = STATUS_ERR_INVALID;
    if (err) {
        cc_free(out);
        return err;
    }
    *bits = out;
    *n = total;
    return STATUS_OK;
}

static int type_is(const json_t *t, const char *name)
{
    if (json_is_string(t))
        return strcmp(json_string_value(t), name) == 0;
    size_t i;
    const json_t *v;
    json_array_foreach (t, i, v)
        if (json_is_string(v) && strcmp(json_string_value(v), name) == 0)
            return 1;
    return 0;
}

int status_entry_read(const json_t *entry, struct status_entry *out, char *why)
{
    memset(out, 0, sizeof(*out));
    why[0] = 0;
    if (!json_is_object(entry)) {
        snprintf(why, 160, "a credentialStatus is not an object");
        return -1;
    }
    if (!type_is(json_object_get(entry, "type"), "BitstringStatusListEntry"))
        return 0;
    const char *purpose = json_string_value(json_object_get(entry, "statusPurpose"));
    const char *url = json_string_value(json_object_get(entry, "statusListCredential"));
    const json_t *index = json_object_get(entry, "statusListIndex");
    if (!purpose || !*purpose || strlen(purpose) >= sizeof(out->purpose)) {
        snprintf(why, 160, "the BitstringStatusListEntry has no statusPurpose");
        return -1;
    }
    if (!url || !*url || strlen(url) >= sizeof(out->list_url)) {
        snprintf(why, 160, "the BitstringStatusListEntry has no statusListCredential");
        return -1;
    }
    /* The specification makes the index a string of digits; a JSON integer is read too. */
    uint64_t v = 0;
    if (json_is_integer(index) && json_integer_value(index) >= 0) {
        v = (uint64_t)json_integer_value(index);
    } else if (json_is_string(index)) {
        const char *s = json_string_value(index);
        size_t len = strlen(s);
        if (len == 0 || len > 12)
            goto bad_index;
        for (size_t i = 0; i < len; i++) {
            if (s[i] < '0' || s[i] > '9')
                goto bad_index;
            v = v * 10 + (uint64_t)(s[i] - '0');
        }
    } else {
        goto bad_index;
    }
    snprintf(out->purpose, sizeof(out->purpose), "%s", purpose);
    snprintf(out->list_url, sizeof(out->list_url), "%s", url);
    out->index = v;
    return 1;
bad_index:
    snprintf(why, 160, "the statusListIndex is not a number");
    return -1;
}
