/*
 * A multipart/mixed reader (RFC 2046) for xAPI statements with attachments:
 * the body is split at the boundary into parts, each with its headers and
 * content. Parts point into the caller's buffer; nothing is copied.
 */
#ifndef CC_XAPI_MULTIPART_H
#define CC_XAPI_MULTIPART_H

#include <stddef.h>

#define MULTIPART_MAX_PARTS   64
#define MULTIPART_MAX_HEADERS 8

struct multipart_header {
    const char *name, *value; /* NUL-terminated copies inside the part's header block */
};

struct multipart_part {
    struct multipart_header header[MULTIPART_MAX_HEADERS];
    int nheaders;
    const char *content;
    size_t len;
};

struct multipart {
    struct multipart_part part[MULTIPART_MAX_PARTS];
    int nparts;
    char *scratch; /* header copies; freed by multipart_release */
};

/*
 * The boundary parameter of a Content-Type header ("multipart/mixed;
 * boundary=abc") into OUT; -1 when the type is not multipart/mixed or has no
 * boundary.
 */
int multipart_boundary(const char *content_type, char *out, size_t size);

/* Splits BODY (LEN bytes) at BOUNDARY into M. Returns 0, or -1 when malformed; call
 * multipart_release afterwards either way. */
int multipart_parse(const char *body, size_t len, const char *boundary, struct multipart *m)
    __attribute__((warn_unused_result));

/* The value of header NAME (case-insensitive) of part P, or NULL. */
const char *multipart_header(const struct multipart_part *p, const char *name);

/* Frees what multipart_parse allocated. */
void multipart_release(struct multipart *m);

#endif
