/*
 * Fuzzes the multipart/mixed reader: the first line of the input is taken as
 * the Content-Type header, the rest as the body. Every part found must lie
 * inside the body, and its headers must be NUL-terminated strings.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xapi/multipart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                   \
    ((c) ? (void)0                                                                                 \
         : (fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c), abort()))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    if (!nl)
        return 0;
    size_t hl = (size_t)(nl - data);
    char *header = malloc(hl + 1);
    if (!header)
        return 0;
    memcpy(header, data, hl);
    header[hl] = 0;
    /* A private copy, so reading past the body is caught by the sanitizer. */
    size_t len = size - hl - 1;
    char *body = malloc(len ? len : 1);
    if (!body) {
        free(header);
        return 0;
    }
    memcpy(body, nl + 1, len);
    char boundary[80];
    if (multipart_boundary(header, boundary, sizeof(boundary)) == 0) {
        struct multipart m;
        if (multipart_parse(body, len, boundary, &m) == 0) {
            CHECK(m.nparts > 0 && m.nparts <= MULTIPART_MAX_PARTS);
            for (int i = 0; i < m.nparts; i++) {
                const struct multipart_part *p = &m.part[i];
                CHECK(p->content >= body && p->content + p->len <= body + len);
                CHECK(p->nheaders <= MULTIPART_MAX_HEADERS);
                for (int h = 0; h < p->nheaders; h++)
                    CHECK(strlen(p->header[h].name) + strlen(p->header[h].value) <= len);
                (void)multipart_header(p, "Content-Type");
            }
        }
        multipart_release(&m);
    }
    free(body);
    free(header);
    return 0;
}
