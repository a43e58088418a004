#include "http/router.h"

#include <string.h>

#include "util/banned.h"

size_t http_route_body_max(const struct http_route *route)
{
    if (!route)
        return 0;
    if (route->flags & HTTP_BODY_PACKAGE)
        return HTTP_PACKAGE_MAX;
    if (route->flags & HTTP_BODY_LARGE)
        return HTTP_LARGE_MAX;
    return route->flags & HTTP_BODY_CSV ? HTTP_CSV_MAX : HTTP_JSON_MAX;
}

/* Matches PATH against PATTERN, filling PARAM from BUF: the number of parameters, or -1. */
static int match(const char *pattern, const char *path, const char *param[HTTP_MAX_PARAMS],
                 char *buf, size_t size)
{
    size_t used = 0;
    int np = 0;
    const char *p = pattern, *s = path;
    while (*p && *s) {
        if (*p != '/' || *s != '/')
            return -1;
        p++;
        s++;
        size_t plen = strcspn(p, "/"), slen = strcspn(s, "/");
        if (*p == ':') {
            if (slen == 0 || np == HTTP_MAX_PARAMS || used + slen + 1 > size)
                return -1;
            memcpy(buf + used, s, slen);
            buf[used + slen] = 0;
            param[np++] = buf + used;
            used += slen + 1;
        } else if (plen != slen || memcmp(p, s, plen) != 0) {
            return -1;
        }
        p += plen;
        s += slen;
    }
    return *p == 0 && *s == 0 ? np : -1;
}

const struct http_route *http_route_match(const struct http_route *routes, size_t n,
                                          unsigned method, const char *path,
                                          const char *param[HTTP_MAX_PARAMS], char *buf,
                                          size_t size, unsigned *allowed)
{
    /*
     * Of the patterns that match, only those with the fewest parameters count:
     * /api/users/import outranks /api/users/:id, so GET /api/users/import is a
     * 405 rather than a lookup of the user "import".
     */
    int best = HTTP_MAX_PARAMS + 1;
    const struct http_route *found = NULL;
    *allowed = 0;
    for (size_t i = 0; i < n; i++) {
        int np = match(routes[i].pattern, path, param, buf, size);
        if (np < 0 || np > best)
            continue;
        if (np < best) {
            best = np;
            found = NULL;
            *allowed = 0;
        }
        unsigned m = routes[i].methods;
        if (m & HTTP_GET)
            m |= HTTP_HEAD;
        if ((m & method) && !found)
            found = &routes[i];
        *allowed |= m;
    }
    if (!found)
        return NULL;
    *allowed = 0;
    match(found->pattern, path, param, buf, size); /* its parameters, not the last tried */
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
