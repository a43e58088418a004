/*
 * Fuzzes what a verifier reads of revocation: the encodedList of a W3C
 * Bitstring Status List (multibase base64url of GZIP, from anyone, so
 * truncated streams, bombs and junk must be refused without crashing or
 * hanging) and credentialStatus entries. Input: the encodedList, a newline,
 * then a JSON credentialStatus value. A list that decodes must encode and
 * decode again to the same bits.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "credential/status.h"
#include "util/alloc.h"
#include "util/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                   \
    ((c) ? (void)0                                                                                 \
         : (fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c), abort()))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 256 * 1024)
        return 0;
    const uint8_t *nl = memchr(data, '\n', size);
    size_t first = nl ? (size_t)(nl - data) : size;
    char *text = malloc(first + 1);
    if (!text)
        return 0;
    memcpy(text, data, first);
    text[first] = 0;
    unsigned char *bits = NULL;
    size_t n = 0;
    if (status_decode(text, &bits, &n) == STATUS_OK) {
        CHECK(n > 0 && n <= STATUS_DECODED_MAX);
        char *again = NULL;
        CHECK(status_encode(bits, n, &again) == STATUS_OK);
        unsigned char *bits2 = NULL;
        size_t n2 = 0;
        CHECK(status_decode(again, &bits2, &n2) == STATUS_OK);
        CHECK(n2 == n && memcmp(bits, bits2, n) == 0);
        /* Every bit reads, the last included. */
        (void)status_bit_get(bits, n * 8 - 1);
        cc_free(bits2);
        cc_free(again);
        cc_free(bits);
    }
    free(text);
    if (nl) {
        json_t *v;
        if (json_read((const char *)nl + 1, size - first - 1, 8, 0, &v) == 0) {
            struct status_entry e;
            char why[160];
            int kind = status_entry_read(v, &e, why);
            CHECK(kind >= -1 && kind <= 1);
            if (kind == 1)
                CHECK(e.list_url[0] && e.purpose[0]);
            json_decref(v);
        }
    }
    return 0;
}
