#include "xapi/multipart.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/alloc.h"
#include "util/banned.h"

int multipart_boundary(const char *ct, char *out, size_t size)
{
    if (!ct || strncasecmp(ct, "multipart/mixed", 15) != 0)
        return -1;
    const char *b = strcasestr(ct, "boundary=");
    if (!b)
        return -1;
    b += 9;
    size_t n;
    if (*b == '"') {
        b++;
        n = strcspn(b, "\"");
    } else {
        n = strcspn(b, "; \t");
    }
    if (n == 0 || n > 70 || n >= size)
        return -1;
    memcpy(out, b, n);
    out[n] = 0;
    return 0;
}

/* Finds NEEDLE (N bytes) in HAY (LEN bytes) from position FROM. */
static const char *find(const char *hay, size_t len, size_t from, const char *needle, size_t n)
{
    if (len < n)
        return NULL;
    for (size_t i = from; i + n <= len; i++)
        if (hay[i] == needle[0] && memcmp(hay + i, needle, n) == 0)
            return hay + i;
    return NULL;
}

/* Parses the header block [H, END) of a part into P, copying into SCRATCH at *USED. */
static int parse_headers(const char *h, const char *end, struct multipart_part *p, char *scratch,
                         size_t *used)
{
    while (h < end) {
        const char *eol = find(h, (size_t)(end - h), 0, "\r\n", 2);
        if (!eol)
            eol = end;
        const char *colon = memchr(h, ':', (size_t)(eol - h));
        if (!colon || p->nheaders == MULTIPART_MAX_HEADERS)
            return -1;
        const char *v = colon + 1;
        while (v < eol && (*v == ' ' || *v == '\t'))
            v++;
        size_t nl = (size_t)(colon - h), vl = (size_t)(eol - v);
        char *name = scratch + *used;
        memcpy(name, h, nl);
        name[nl] = 0;
        char *value = name + nl + 1;
        memcpy(value, v, vl);
        value[vl] = 0;
        while (vl && (value[vl - 1] == ' ' || value[vl - 1] == '\t'))
            value[--vl] = 0;
        *used += nl + vl + 2;
        p->header[p->nheaders].name = name;
        p->header[p->nheaders].value = value;
        p->nheaders++;
        h = eol + 2;
    }
    return 0;
}

int multipart_parse(const char *body, size_t len, const char *boundary, struct multipart *m)
{
    char delim[80];
    memset(m, 0, sizeof(*m));
    int dl = snprintf(delim, sizeof(delim), "--%s", boundary);
    if (dl <= 2 || (size_t)dl >= sizeof(delim))
        return -1;
    /* Header copies never exceed the body itself. */
    m->scratch = cc_malloc(len + 1);
    if (!m->scratch)
        return -1;
    size_t used = 0;
    const char *p = find(body, len, 0, delim, (size_t)dl);
    if (!p)
        return -1;
    for (;;) {
        size_t at = (size_t)(p - body) + (size_t)dl;
        if (at + 2 <= len && memcmp(body + at, "--", 2) == 0)
            return m->nparts ? 0 : -1; /* the closing delimiter */
        /* Transport padding, then the CRLF that ends the delimiter line. */
        while (at < len && (body[at] == ' ' || body[at] == '\t'))
            at++;
        if (at + 2 > len || memcmp(body + at, "\r\n", 2) != 0)
            return -1;
        at += 2;
        if (m->nparts == MULTIPART_MAX_PARTS)
            return -1;
        struct multipart_part *part = &m->part[m->nparts];
        const char *hend;
        if (at + 2 <= len && memcmp(body + at, "\r\n", 2) == 0) {
            hend = body + at; /* no headers */
        } else {
            hend = find(body, len, at, "\r\n\r\n", 4);
            if (!hend)
                return -1;
            if (parse_headers(body + at, hend, part, m->scratch, &used))
                return -1;
            hend += 2;
        }
        size_t content = (size_t)(hend - body) + 2;
        /* The content ends at CRLF + delimiter. */
        char next[84];
        int nl = snprintf(next, sizeof(next), "\r\n%s", delim);
        const char *q = find(body, len, content, next, (size_t)nl);
        if (!q)
            return -1;
        part->content = body + content;
        part->len = (size_t)(q - body) - content;
        m->nparts++;
        p = q + 2;
    }
}

const char *multipart_header(const struct multipart_part *p, const char *name)
{
    for (int i = 0; i < p->nheaders; i++)
        if (strcasecmp(p->header[i].name, name) == 0)
            return p->header[i].value;
    return NULL;
}

void multipart_release(struct multipart *m)
{
    cc_free(m->scratch);
    m->scratch = NULL;
    m->nparts = 0;
}
