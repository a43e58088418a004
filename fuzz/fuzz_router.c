/*
 * Fuzzes the request-line handling: the first byte picks a method, the rest
 * is a path. The path is URL-decoded (on a copy) and matched, raw and
 * decoded, against the real API route table, with a roomy and a tight
 * parameter buffer. The whole input is also read as an Accept-Language
 * header.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "http/router.h"
#include "util/i18n.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Like assert(), but also in builds with NDEBUG. */
#define CHECK(c)                                                                                   \
    ((c) ? (void)0                                                                                 \
         : (fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c), abort()))

static const unsigned methods[] = {HTTP_GET,   HTTP_HEAD,   HTTP_POST,    HTTP_PUT,
                                   HTTP_PATCH, HTTP_DELETE, HTTP_OPTIONS, HTTP_OTHER};

/* Checks what http_route_match promises about its answer for METHOD and PATH. */
static void check_match(unsigned method, const char *path, size_t bufsize)
{
    const char *param[HTTP_MAX_PARAMS] = {0};
    char *buf = malloc(bufsize);
    unsigned allowed = 0xdeadbeef;
    const struct http_route *r =
        http_route_match(api_routes, api_routes_count, method, path, param, buf, bufsize, &allowed);
    if (r) {
        unsigned m = r->methods | (r->methods & HTTP_GET ? HTTP_HEAD : 0);
        CHECK(m & method);
        CHECK(r >= api_routes && r < api_routes + api_routes_count);
        /* Each parameter is one non-empty segment of the path, inside BUF. */
        int np = 0;
        for (const char *p = r->pattern; *p; p++)
            np += *p == ':';
        CHECK(np <= HTTP_MAX_PARAMS);
        for (int i = 0; i < np; i++) {
            CHECK(param[i] >= buf && param[i] < buf + bufsize);
            size_t len = strlen(param[i]);
            CHECK(len > 0 && param[i] + len < buf + bufsize);
            CHECK(!strchr(param[i], '/'));
            CHECK(strstr(path, param[i]));
        }
        CHECK(strncmp(path, "/api/", 5) == 0);
    } else {
        CHECK(allowed != 0xdeadbeef);
        CHECK(!(allowed & method));
        CHECK(!(allowed & ~(unsigned)(HTTP_GET | HTTP_HEAD | HTTP_POST | HTTP_PUT | HTTP_PATCH |
                                      HTTP_DELETE)));
    }
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    unsigned method = methods[data[0] % (sizeof(methods) / sizeof(methods[0]))];

    char *path = malloc(size);
    memcpy(path, data + 1, size - 1);
    path[size - 1] = 0;
    size_t raw_len = strlen(path);

    char *decoded = malloc(raw_len + 1);
    memcpy(decoded, path, raw_len + 1);
    size_t n = http_url_decode(decoded);
    CHECK(n <= raw_len);
    CHECK(decoded[n] == 0);
    /* Decoding never makes a NUL: %00 stays as it is. */
    CHECK(strlen(decoded) == n);

    check_match(method, path, 256);
    check_match(method, decoded, 256);
    check_match(method, path, 8);
    free(decoded);
    free(path);

    char *header = malloc(size + 1);
    memcpy(header, data, size);
    header[size] = 0;
    enum lang l = lang_from_accept(header);
    CHECK(l == LANG_EN || l == LANG_ZH);
    free(header);
    return 0;
}
