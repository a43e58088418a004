#include "http/router.h"

#include <string.h>

#include "util/banned.h"

size_t http_route_body_max(const struct http_route *route)
{
    if (!route)
        return 0;
    return route->flags & HTTP_BODY_CSV ? HTTP_CSV_MAX : HTTP_JSON_MAX;
}

/* Matches PATH against PATTERN; fills PARAM from BUF. */
static int match(const char *pattern, const char *path, const char *param[HTTP_MAX_PARAMS],
                 char *buf, size_t size)
{
    size_t used = 0;
    int np = 0;
    const char *p = pattern, *s = path;
    while (*p && *s) {
        if (*p != '/' || *s != '/')
            return 0;
        p++;
        s++;
        size_t plen = strcspn(p, "/"), slen = strcspn(s, "/");
        if (*p == ':') {
            if (slen == 0 || np == HTTP_MAX_PARAMS || used + slen + 1 > size)
                return 0;
            memcpy(buf + used, s, slen);
            buf[used + slen] = 0;
            param[np++] = buf + used;
            used += slen + 1;
        } else if (plen != slen || memcmp(p, s, plen) != 0) {
            return 0;
        }
        p += plen;
        s += slen;
    }
    return *p == 0 && *s == 0;
}

/* How many ":param" segments PATTERN has; the fewer, the more specific. */
static int params_in(const char *pattern)
{
    int n = 0;
    for (const char *p = pattern; (p = strstr(p, "/:")); p += 2)
        n++;
    return n;
}

const struct http_route *http_route_match(const struct http_route *routes, size_t n,
                                          unsigned method, const char *path,
                                          const char *param[HTTP_MAX_PARAMS], char *buf,
                                          size_t size, unsigned *allowed)
{
    /*
     * Only the most specific patterns that match count: /api/users/import
     * outranks /api/users/:id, so GET /api/users/import is a 405, not a
     * lookup of the user "import".
     */
    int best = HTTP_MAX_PARAMS + 1;
    for (size_t i = 0; i < n; i++) {
        const char *scratch[HTTP_MAX_PARAMS];
        char sbuf[256];
        int k = params_in(routes[i].pattern);
        if (k < best && match(routes[i].pattern, path, scratch, sbuf, sizeof(sbuf)))
            best = k;
    }
    *allowed = 0;
    const struct http_route *found = NULL;
    for (size_t i = 0; i < n; i++) {
        if (params_in(routes[i].pattern) != best)
            continue;
        if (!match(routes[i].pattern, path, param, buf, size))
            continue;
        unsigned m = routes[i].methods;
        if (m & HTTP_GET)
            m |= HTTP_HEAD;
        if ((m & method) && !found)
            found = &routes[i];
        *allowed |= m;
    }
    if (found)
        *allowed = 0;
    return found;
}

static int hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

size_t http_url_decode(char *s)
{
    char *w = s;
    for (const char *r = s; *r; r++) {
        int hi, lo;
        if (*r == '%' && (hi = hex(r[1])) >= 0 && (lo = hex(r[2])) >= 0 && (hi | lo)) {
            *w++ = (char)(hi * 16 + lo);
            r += 2;
        } else {
            *w++ = *r;
        }
    }
    *w = 0;
    return (size_t)(w - s);
}
