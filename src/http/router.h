/*
 * Routes: a method mask, a path pattern with ":name" parameters
 * ("/api/classes/:id/students/:uid") and a handler. Matching is by whole
 * segments; a parameter matches one non-empty segment.
 */
#ifndef CC_HTTP_ROUTER_H
#define CC_HTTP_ROUTER_H

#include <stddef.h>

#include "http/request.h"

typedef void (*http_handler)(struct http_request *req);

enum http_route_flags {
    HTTP_PUBLIC = 1 << 0,       /* no session needed (the default needs one) */
    HTTP_NO_CSRF = 1 << 1,      /* a state-changing route that needs no CSRF token (login) */
    HTTP_BODY_CSV = 1 << 2,     /* accepts a CSV body (2 MiB) rather than JSON (1 MiB) */
    HTTP_NO_SESSION = 1 << 3,   /* never looks at the session (health): no database either */
    HTTP_XAPI = 1 << 4,         /* an xAPI resource: LRS client (Basic) auth, version header */
    HTTP_XAPI_OPEN = 1 << 5,    /* an xAPI resource open to all, without a version (about) */
    HTTP_BODY_LARGE = 1 << 6,   /* accepts bodies up to 16 MiB (statements with attachments) */
    HTTP_BODY_PACKAGE = 1 << 7, /* accepts a JSON body up to 32 MiB (a CASE package) */
};

struct http_route {
    unsigned methods;
    const char *pattern;
    http_handler handler;
    unsigned flags;
};

#define HTTP_JSON_MAX    (1u << 20)
#define HTTP_CSV_MAX     (2u << 20)
#define HTTP_LARGE_MAX   (16u << 20)
#define HTTP_PACKAGE_MAX (32u << 20)

/* The body limit of ROUTE (NULL: no route, no body). */
size_t http_route_body_max(const struct http_route *route);

/*
 * Finds the route of METHOD and PATH among N ROUTES and copies its
 * parameters into PARAM (pointing into BUF of SIZE bytes). When the path
 * matches only with other methods, returns NULL and sets *ALLOWED to their
 * mask (0 when nothing matches).
 */
const struct http_route *http_route_match(const struct http_route *routes, size_t n,
                                          unsigned method, const char *path,
                                          const char *param[HTTP_MAX_PARAMS], char *buf,
                                          size_t size, unsigned *allowed);

/* Decodes %XX escapes of S in place (not '+': that is only for forms); returns the new length.
 * A %00 or a malformed escape is left as it is. */
size_t http_url_decode(char *s);

#endif
