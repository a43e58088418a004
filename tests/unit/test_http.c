/*
 * Unit tests of http/router.h (route matching, URL decoding), of
 * http_content_type, and of the API's route table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "http/router.h"
#include "http/static.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static void h_a(struct http_request *req)
{
}
static void h_b(struct http_request *req)
{
}

static const struct http_route routes[] = {
    /* 0 */ {HTTP_GET, "/a", h_a, 0},
    /* 1 */ {HTTP_POST, "/a", h_b, 0},
    /* 2 */ {HTTP_POST, "/a/new", h_a, HTTP_BODY_CSV},
    /* 3 */ {HTTP_GET, "/a/:id", h_a, 0},
    /* 4 */ {HTTP_DELETE | HTTP_PUT, "/a/:id/b/:bid", h_b, 0},
    /* 5 */ {HTTP_GET, "/p4/:a/:b/:c/:d", h_a, 0},
    /* 6 */ {HTTP_GET, "/p5/:a/:b/:c/:d/:e", h_a, 0},
    /* 7 */ {HTTP_PUT, "/lit/x", h_b, 0},
    /* 8 */ {HTTP_GET, "/", h_a, 0},
    /* 9 */ {HTTP_GET, "/y/q/:a", h_a, 0},
    /* 10 */ {HTTP_GET | HTTP_POST, "/y/:b/:c", h_b, 0},
};

struct match_case {
    unsigned method;
    const char *path;
    int route;          /* -1: none */
    unsigned allowed;   /* when none */
    const char *params; /* "p1|p2" of a match */
};

static void route_match_table(void **state)
{
    static const struct match_case cases[] = {
        {HTTP_GET, "/a", 0, 0, ""},
        {HTTP_POST, "/a", 1, 0, ""},
        {HTTP_HEAD, "/a", 0, 0, ""}, /* HEAD matches GET */
        {HTTP_PATCH, "/a", -1, HTTP_GET | HTTP_HEAD | HTTP_POST, NULL},
        {HTTP_DELETE, "/a", -1, HTTP_GET | HTTP_HEAD | HTTP_POST, NULL},
        {HTTP_GET, "/a/42", 3, 0, "42"},
        {HTTP_HEAD, "/a/42", 3, 0, "42"},
        /* A literal segment outranks a parameter, whatever the method: a 405, not id "new". */
        {HTTP_GET, "/a/new", -1, HTTP_POST, NULL},
        {HTTP_HEAD, "/a/new", -1, HTTP_POST, NULL},
        {HTTP_GET, "/a/news", 3, 0, "news"},
        /* Fewer parameters win; the parameters are the winner's, not the last pattern tried. */
        {HTTP_GET, "/y/q/z", 9, 0, "z"},
        {HTTP_POST, "/y/q/z", -1, HTTP_GET | HTTP_HEAD, NULL},
        {HTTP_GET, "/y/r/z", 10, 0, "r|z"},
        {HTTP_POST, "/y/r/z", 10, 0, "r|z"},
        {HTTP_POST, "/a/new", 2, 0, ""},
        {HTTP_DELETE, "/a/new", -1, HTTP_POST, NULL},
        {HTTP_POST, "/a/42", -1, HTTP_GET | HTTP_HEAD, NULL},
        {HTTP_DELETE, "/a/1/b/2", 4, 0, "1|2"},
        {HTTP_PUT, "/a/x.y/b/%20", 4, 0, "x.y|%20"},
        {HTTP_GET, "/a/1/b/2", -1, HTTP_DELETE | HTTP_PUT, NULL},
        {HTTP_HEAD, "/lit/x", -1, HTTP_PUT, NULL}, /* HEAD only where GET is */
        /* A parameter matches one non-empty segment; no trailing slash, no extra segments. */
        {HTTP_GET, "/a/", -1, 0, NULL},
        {HTTP_GET, "/a//b/2", -1, 0, NULL},
        {HTTP_DELETE, "/a//b/2", -1, 0, NULL},
        {HTTP_DELETE, "/a/1/b/", -1, 0, NULL},
        {HTTP_DELETE, "/a/1/b//", -1, 0, NULL},
        {HTTP_GET, "/a/42/", -1, 0, NULL},
        {HTTP_GET, "/a/42/x", -1, 0, NULL},
        {HTTP_GET, "//a", -1, 0, NULL},
        {HTTP_GET, "/a//", -1, 0, NULL},
        {HTTP_GET, "/A", -1, 0, NULL},
        {HTTP_GET, "/ab", -1, 0, NULL},
        {HTTP_GET, "/nope", -1, 0, NULL},
        {HTTP_GET, "", -1, 0, NULL},
        {HTTP_GET, "a", -1, 0, NULL},
        {HTTP_GET, "/", 8, 0, ""},
        {HTTP_PUT, "/lit/x", 7, 0, ""},
        {HTTP_PUT, "/lit/xy", -1, 0, NULL},
        {HTTP_PUT, "/lit", -1, 0, NULL},
        /* HTTP_MAX_PARAMS parameters fit; a pattern with more never matches. */
        {HTTP_GET, "/p4/1/2/3/4", 5, 0, "1|2|3|4"},
        {HTTP_GET, "/p5/1/2/3/4/5", -1, 0, NULL},
        {HTTP_GET, "/p4/1/2/3", -1, 0, NULL},
        {HTTP_GET, "/p4/1/2/3/4/5", -1, 0, NULL},
    };
    for (size_t i = 0; i < N_ELEMS(cases); i++) {
        const struct match_case *c = &cases[i];
        const char *param[HTTP_MAX_PARAMS] = {0};
        char buf[256];
        unsigned allowed = 12345;
        const struct http_route *r = http_route_match(routes, N_ELEMS(routes), c->method, c->path,
                                                      param, buf, sizeof(buf), &allowed);
        int got = r ? (int)(r - routes) : -1;
        if (got != c->route)
            fail_msg("%u %s: route %d, want %d", c->method, c->path, got, c->route);
        if (!r) {
            if (allowed != c->allowed)
                fail_msg("%u %s: allowed %#x, want %#x", c->method, c->path, allowed, c->allowed);
            continue;
        }
        /* Parameters in pattern order. */
        char joined[256] = "";
        size_t k = 0, np = 0;
        for (const char *p = r->pattern; *p; p++)
            np += *p == ':';
        for (size_t j = 0; j < np; j++) {
            assert_non_null(param[j]);
            k += (size_t)snprintf(joined + k, sizeof(joined) - k, "%s%s", j ? "|" : "", param[j]);
        }
        if (strcmp(joined, c->params) != 0)
            fail_msg("%u %s: params %s, want %s", c->method, c->path, joined, c->params);
    }
}

static void route_match_small_buffer(void **state)
{
    const char *param[HTTP_MAX_PARAMS];
    unsigned allowed;
    char buf[6];
    /* "12345" and its NUL fit exactly. */
    const struct http_route *r =
        http_route_match(routes, N_ELEMS(routes), HTTP_GET, "/a/12345", param, buf, 6, &allowed);
    assert_ptr_equal(r, &routes[3]);
    assert_string_equal(param[0], "12345");
    /* One byte more does not, and nothing is written past the buffer. */
    char guard[8];
    memset(guard, '#', sizeof(guard));
    r = http_route_match(routes, N_ELEMS(routes), HTTP_GET, "/a/123456", param, guard, 6, &allowed);
    assert_null(r);
    assert_int_equal(guard[6], '#');
    assert_int_equal(guard[7], '#');
    /* Two parameters share the buffer. */
    r = http_route_match(routes, N_ELEMS(routes), HTTP_DELETE, "/a/12/b/34", param, buf, 6,
                         &allowed);
    assert_ptr_equal(r, &routes[4]);
    assert_string_equal(param[0], "12");
    assert_string_equal(param[1], "34");
}

static void route_body_max(void **state)
{
    assert_int_equal(http_route_body_max(NULL), 0);
    assert_int_equal(http_route_body_max(&routes[0]), HTTP_JSON_MAX);
    assert_int_equal(http_route_body_max(&routes[2]), HTTP_CSV_MAX);
    assert_int_equal(HTTP_JSON_MAX, 1 << 20);
    assert_int_equal(HTTP_CSV_MAX, 2 << 20);
}

struct decode_case {
    const char *in, *out;
};

static void url_decode_table(void **state)
{
    static const struct decode_case cases[] = {
        {"", ""},
        {"/plain/path", "/plain/path"},
        {"%41", "A"},
        {"%41%42c", "ABc"},
        {"%2f", "/"},
        {"%2F", "/"},
        {"a%20b", "a b"},
        {"%e4%b8%ad%E6%96%87", "中文"},
        {"a+b", "a+b"}, /* '+' is only for forms */
        {"%zz", "%zz"},
        {"%z1", "%z1"},
        {"%1z", "%1z"},
        {"a%", "a%"},
        {"a%4", "a%4"},
        {"%", "%"},
        {"%%", "%%"},
        {"%%41", "%A"},
        {"%4%41", "%4A"},
        {"%00", "%00"},
        {"a%00b%41", "a%00bA"},
        {"%ff", "\xff"},
        {"%01", "\x01"},
        {"%25", "%"},
        {"%2541", "%41"}, /* decoded once only */
    };
    for (size_t i = 0; i < N_ELEMS(cases); i++) {
        char s[64];
        snprintf(s, sizeof(s), "%s", cases[i].in);
        size_t n = http_url_decode(s);
        size_t want = strlen(cases[i].out);
        if (n != want || memcmp(s, cases[i].out, want) != 0 || s[n] != 0)
            fail_msg("decode \"%s\": \"%s\" (%zu), want \"%s\"", cases[i].in, s, n, cases[i].out);
    }
}

static void content_types(void **state)
{
    static const struct {
        const char *path, *type;
    } cases[] = {
        {"/index.html", "text/html; charset=utf-8"},
        {"/js/app.js", "text/javascript; charset=utf-8"},
        {"/js/mod.mjs", "text/javascript; charset=utf-8"},
        {"/css/app.css", "text/css; charset=utf-8"},
        {"/i18n/zh-CN.json", "application/json; charset=utf-8"},
        {"/img/favicon.svg", "image/svg+xml"},
        {"/img/a.png", "image/png"},
        {"/img/a.jpg", "image/jpeg"},
        {"/favicon.ico", "image/x-icon"},
        {"/f/font.woff2", "font/woff2"},
        {"/robots.txt", "text/plain; charset=utf-8"},
        {"/x/students.csv", "text/csv; charset=utf-8"},
        {"/app.webmanifest", "application/manifest+json"},
        {"/a.min.js", "text/javascript; charset=utf-8"},
        {"/noext", "application/octet-stream"},
        {"/dir.d/file", "application/octet-stream"},
        {"/x.exe", "application/octet-stream"},
        {"/x.html.bak", "application/octet-stream"},
        {"/x.", "application/octet-stream"},
        {"/x.jsx", "application/octet-stream"},
        {"/.js", "text/javascript; charset=utf-8"},
        {"", "application/octet-stream"},
    };
    for (size_t i = 0; i < N_ELEMS(cases); i++) {
        const char *got = http_content_type(cases[i].path);
        if (strcmp(got, cases[i].type) != 0)
            fail_msg("content type of %s: %s, want %s", cases[i].path, got, cases[i].type);
    }
}

/* ------------------------------------------------------------ api_routes */

static void api_routes_are_sound(void **state)
{
    assert_true(api_routes_count > 0);
    for (size_t i = 0; i < api_routes_count; i++) {
        const struct http_route *r = &api_routes[i];
        int xapi = strncmp(r->pattern, "/xapi/", 6) == 0;
        int ims = strncmp(r->pattern, "/ims/", 5) == 0; /* 1EdTech services: the CASE provider */
        /* The public documents of credentials: did:web documents and status lists. */
        int cred = strcmp(r->pattern, "/.well-known/did.json") == 0 ||
                   strncmp(r->pattern, "/institutions/", 14) == 0 ||
                   strncmp(r->pattern, "/credentials/", 13) == 0;
        if (strncmp(r->pattern, "/api/", 5) != 0 && !xapi && !ims && !cred)
            fail_msg("route %s is outside /api/, /xapi/ and /ims/", r->pattern);
        /* xAPI resources authenticate LRS clients, never sessions, and the other way round. */
        if (xapi != !!(r->flags & (HTTP_XAPI | HTTP_XAPI_OPEN)))
            fail_msg("route %s has the wrong kind of authentication", r->pattern);
        assert_non_null(r->handler);
        assert_true(r->methods != 0);
        size_t len = strlen(r->pattern);
        if (r->pattern[len - 1] == '/' || strstr(r->pattern, "//"))
            fail_msg("route %s has an empty segment", r->pattern);
        for (size_t j = 0; j < i; j++)
            if (strcmp(api_routes[j].pattern, r->pattern) == 0 &&
                (api_routes[j].methods & r->methods))
                fail_msg("two routes for %#x %s", api_routes[j].methods & r->methods, r->pattern);
    }
}

/* Every route can be reached: a path made from its pattern finds that route, not an earlier one. */
static void api_routes_are_reachable(void **state)
{
    static const unsigned methods[] = {HTTP_GET, HTTP_POST, HTTP_PUT, HTTP_PATCH, HTTP_DELETE};
    for (size_t i = 0; i < api_routes_count; i++) {
        const struct http_route *r = &api_routes[i];
        char path[256];
        size_t k = 0;
        for (const char *p = r->pattern; *p && k + 2 < sizeof(path);) {
            if (*p == ':') {
                path[k++] = '7';
                p += strcspn(p, "/");
            } else {
                path[k++] = *p++;
            }
        }
        path[k] = 0;
        for (size_t m = 0; m < N_ELEMS(methods); m++) {
            if (!(r->methods & methods[m]))
                continue;
            const char *param[HTTP_MAX_PARAMS];
            char buf[256];
            unsigned allowed;
            const struct http_route *got = http_route_match(
                api_routes, api_routes_count, methods[m], path, param, buf, sizeof(buf), &allowed);
            if (got != r)
                fail_msg("%#x %s does not reach route %s", methods[m], path, r->pattern);
        }
    }
}

static void api_routes_known_entries(void **state)
{
    const char *param[HTTP_MAX_PARAMS];
    char buf[256];
    unsigned allowed;
    const struct http_route *r = http_route_match(api_routes, api_routes_count, HTTP_GET,
                                                  "/api/health", param, buf, sizeof(buf), &allowed);
    assert_non_null(r);
    assert_true(r->flags & HTTP_PUBLIC);
    r = http_route_match(api_routes, api_routes_count, HTTP_POST, "/api/session", param, buf,
                         sizeof(buf), &allowed);
    assert_non_null(r);
    assert_true(r->flags & HTTP_PUBLIC);
    r = http_route_match(api_routes, api_routes_count, HTTP_POST, "/api/users/import", param, buf,
                         sizeof(buf), &allowed);
    assert_non_null(r);
    assert_int_equal(http_route_body_max(r), HTTP_CSV_MAX);
    r = http_route_match(api_routes, api_routes_count, HTTP_DELETE, "/api/classes/3/students/9",
                         param, buf, sizeof(buf), &allowed);
    assert_non_null(r);
    assert_string_equal(param[0], "3");
    assert_string_equal(param[1], "9");
    r = http_route_match(api_routes, api_routes_count, HTTP_PUT, "/api/users", param, buf,
                         sizeof(buf), &allowed);
    assert_null(r);
    assert_int_equal(allowed, HTTP_GET | HTTP_HEAD | HTTP_POST);
    r = http_route_match(api_routes, api_routes_count, HTTP_POST, "/api/frameworks", param, buf,
                         sizeof(buf), &allowed);
    assert_non_null(r);
    assert_int_equal(http_route_body_max(r), HTTP_PACKAGE_MAX);
    /*
     * Only the health check, logging in, the read-only CASE provider (frameworks are
     * published by design) and the public side of credentials (DID documents, status
     * lists, credentials by their unguessable id, verification) need no session.
     */
    static const char *const credential_public[] = {"/.well-known/did.json",
                                                    "/institutions/:id/did.json",
                                                    "/credentials/status/:inst/:list",
                                                    "/api/public/credentials/:uuid",
                                                    "/api/public/credentials/:uuid/qr.svg",
                                                    "/api/verify",
                                                    "/api/verify/:uuid"};
    for (size_t i = 0; i < api_routes_count; i++) {
        if (!(api_routes[i].flags & HTTP_PUBLIC))
            continue;
        if (strncmp(api_routes[i].pattern, "/ims/case/v1p1/", 15) == 0 &&
            api_routes[i].methods == HTTP_GET)
            continue;
        int known = 0;
        for (size_t k = 0; k < sizeof(credential_public) / sizeof(credential_public[0]); k++)
            if (strcmp(api_routes[i].pattern, credential_public[k]) == 0)
                known = 1;
        if (known)
            continue;
        if (strcmp(api_routes[i].pattern, "/api/health") != 0 &&
            !(strcmp(api_routes[i].pattern, "/api/session") == 0 &&
              api_routes[i].methods == HTTP_POST))
            fail_msg("route %s is public", api_routes[i].pattern);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(route_match_table),
        cmocka_unit_test(route_match_small_buffer),
        cmocka_unit_test(route_body_max),
        cmocka_unit_test(url_decode_table),
        cmocka_unit_test(content_types),
        cmocka_unit_test(api_routes_are_sound),
        cmocka_unit_test(api_routes_are_reachable),
        cmocka_unit_test(api_routes_known_entries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
