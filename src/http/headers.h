/* Internal to http/: the headers every response carries. */
#ifndef CC_HTTP_HEADERS_H
#define CC_HTTP_HEADERS_H

struct MHD_Response;

/*
 * Adds the security headers (CSP, nosniff, frame denial, referrer policy)
 * and, for API responses, Cache-Control: no-store.
 */
void http_security_headers(struct MHD_Response *r, int api);

#endif
