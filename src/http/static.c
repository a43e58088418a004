#include "http/static.h"

#include <fcntl.h>
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/headers.h"
#include "util/alloc.h"
#include "util/embedded.h"
#include "util/log.h"
#include "util/secret.h"
#include "util/banned.h"

#define MAX_FILE (16u << 20)

struct asset {
    struct MHD_Response *response;
    char etag[24];
};

static struct asset *assets;

const char *http_content_type(const char *path)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".txt", "text/plain; charset=utf-8"},
        {".csv", "text/csv; charset=utf-8"},
        {".webmanifest", "application/manifest+json"},
    };
    const char *dot = strrchr(path, '.');
    if (dot && !strchr(dot, '/'))
        for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
            if (strcmp(dot, types[i].ext) == 0)
                return types[i].type;
    return "application/octet-stream";
}

/* A response for a file's bytes with its type, ETag and the security headers. */
static struct MHD_Response *file_response(const void *data, size_t size, const char *path,
                                          const char *etag, enum MHD_ResponseMemoryMode mode)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(size, (void *)data, mode);
    if (!r)
        return NULL;
    http_security_headers(r, 0);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, http_content_type(path));
    MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
    return r;
}

int http_static_init(void)
{
    if (assets)
        return 0;
    assets = cc_calloc(web_assets_count + 1, sizeof(*assets));
    if (!assets)
        return -1;
    for (size_t i = 0; i < web_assets_count; i++) {
        const struct embedded_file *f = &web_assets[i];
        char hex[SECRET_SHA256_HEX_LEN + 1];
        secret_sha256_hex(f->data, f->size, hex);
        snprintf(assets[i].etag, sizeof(assets[i].etag), "\"%.16s\"", hex);
        assets[i].response =
            file_response(f->data, f->size, f->path, assets[i].etag, MHD_RESPMEM_PERSISTENT);
        if (!assets[i].response) {
            http_static_release();
            return -1;
        }
    }
    return 0;
}

void http_static_release(void)
{
    if (!assets)
        return;
    for (size_t i = 0; i < web_assets_count; i++)
        if (assets[i].response)
            MHD_destroy_response(assets[i].response);
    cc_free(assets);
    assets = NULL;
}

/* The last segment of PATH has no '.': a route of the UI, answered with index.html. */
static int is_ui_route(const char *path)
{
    const char *last = strrchr(path, '/');
    return !strchr(last ? last : path, '.');
}

static void not_found(struct http_request *req)
{
    http_reply_error(req, 404, "not_found", "not_found", NULL);
}

static void reply_etag_match(struct http_request *req, const char *etag)
{
    http_reply_empty(req, 304);
    http_add_header(req, MHD_HTTP_HEADER_ETAG, etag);
}

static void serve_embedded(struct http_request *req, const char *path)
{
    const struct embedded_file *f = embedded_find(web_assets, web_assets_count, path);
    if (!f && is_ui_route(path))
        f = embedded_find(web_assets, web_assets_count, "/index.html");
    if (!f) {
        not_found(req);
        return;
    }
    struct asset *a = &assets[f - web_assets];
    const char *inm = http_header(req, MHD_HTTP_HEADER_IF_NONE_MATCH);
    if (inm && strcmp(inm, a->etag) == 0) {
        reply_etag_match(req, a->etag);
        return;
    }
    req->status = 200;
    req->prebuilt = a->response;
}

/* Reads PATH below DIR into a response; 0, or -1 when there is no such regular file. */
static int serve_disk_file(struct http_request *req, const char *dir, const char *path)
{
    char full[4096];
    if ((size_t)snprintf(full, sizeof(full), "%s%s", dir, path) >= sizeof(full))
        return -1;
    int fd = open(full, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode) || (size_t)st.st_size > MAX_FILE) {
        close(fd);
        return -1;
    }
    char etag[48];
    snprintf(etag, sizeof(etag), "\"%llx-%llx\"", (unsigned long long)st.st_size,
             (unsigned long long)st.st_mtime);
    const char *inm = http_header(req, MHD_HTTP_HEADER_IF_NONE_MATCH);
    if (inm && strcmp(inm, etag) == 0) {
        close(fd);
        reply_etag_match(req, etag);
        return 0;
    }
    struct buf b;
    buf_init(&b, MAX_FILE);
    char chunk[65536];
    ssize_t n;
    while ((n = read(fd, chunk, sizeof(chunk))) > 0)
        if (buf_add(&b, chunk, (size_t)n))
            break;
    close(fd);
    http_reply_empty(req, 200);
    req->out = b;
    req->content_type = http_content_type(path);
    http_add_header(req, MHD_HTTP_HEADER_ETAG, etag);
    http_add_header(req, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
    return 0;
}

void http_static_serve(struct http_request *req, const char *web_dir)
{
    const char *path = req->path;
    if (strcmp(path, "/") == 0)
        path = "/index.html";
    /* Nothing outside the folder: no "..", no hidden files, no NUL tricks. */
    if (path[0] != '/' || strstr(path, "/.") || strchr(path, '\\')) {
        not_found(req);
        return;
    }
    if (!web_dir) {
        serve_embedded(req, path);
        return;
    }
    if (serve_disk_file(req, web_dir, path) == 0)
        return;
    /* The libraries of /vendor/ come from npm packages at build time, never from web/. */
    if (strncmp(path, "/vendor/", 8) == 0) {
        serve_embedded(req, path);
        return;
    }
    if (!is_ui_route(path) || serve_disk_file(req, web_dir, "/index.html"))
        not_found(req);
}
