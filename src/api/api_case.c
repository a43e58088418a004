/*
 * The CASE 1.1 provider: GET /ims/case/v1p1/… (1EdTech CASE Service 1.1,
 * REST/JSON binding), read-only and public, so that partner systems can pull
 * the frameworks of this server. Errors are imsx_StatusInfo objects.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "competency/case.h"
#include "util/banned.h"

#define PROVIDER_BASE      "/ims/case/v1p1"
#define PROVIDER_LIMIT     100 /* CFDocuments per page unless `limit` says */
#define PROVIDER_LIMIT_MAX 1000

/* {"imsx_codeMajor": "failure", "imsx_severity": "error", "imsx_description", "imsx_codeMinor"}. */
static void imsx_reply(struct http_request *req, unsigned status, const char *field,
                       const char *minor, const char *description)
{
    http_add_header(req, "Access-Control-Allow-Origin", "*");
    http_reply_json(req, status,
                    json_pack("{s:s, s:s, s:s, s:{s:[{s:s, s:s}]}}", "imsx_codeMajor", "failure",
                              "imsx_severity", "error", "imsx_description", description,
                              "imsx_codeMinor", "imsx_codeMinorField", "imsx_codeMinorFieldName",
                              field, "imsx_codeMinorFieldValue", minor));
}

static void reply_ok(struct http_request *req, json_t *v)
{
    /* Frameworks are public: a CASE viewer on another site may read them from the browser. */
    http_add_header(req, "Access-Control-Allow-Origin", "*");
    http_reply_json(req, 200, v);
}

static void reply_case_error(struct http_request *req, int err)
{
    if (err == CASE_ERR_NOT_FOUND)
        imsx_reply(req, 404, "sourcedId", "unknownobject",
                   "Unknown Object: no object of this type has this identifier.");
    else
        imsx_reply(req, 500, "sourcedId", "internal_server_error", "Internal server error.");
}

/* The sourcedId of the path, or NULL after a 400 invalid_uuid. */
static const char *sourced_id_or_reply(struct http_request *req)
{
    const char *id = req->param[0];
    if (!case_uuid_valid(id)) {
        imsx_reply(req, 400, "sourcedId", "invalid_uuid",
                   "Invalid UUID: a sourcedId is a lowercase UUID (8-4-4-4-12 hexadecimal "
                   "digits).");
        return NULL;
    }
    return id;
}

/* "https://host/ims/case/v1p1" as the client reached this server (Host, X-Forwarded-Proto). */
static void base_url(struct http_request *req, char *out, size_t size)
{
    const char *host = http_header(req, "Host");
    const char *proto = http_header(req, "X-Forwarded-Proto");
    int ok = host && *host && strlen(host) <= 255;
    for (const char *c = host; ok && *c; c++)
        ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
             *c == '.' || *c == '-' || *c == ':' || *c == '[' || *c == ']';
    snprintf(out, size, "%s://%s%s", proto && strcmp(proto, "https") == 0 ? "https" : "http",
             ok ? host : "localhost", PROVIDER_BASE);
}

/* A non-negative integer query parameter: DEF when absent, -1 when malformed or over MAX. */
static long long number_param(struct http_request *req, const char *name, long long def,
                              long long max)
{
    const char *s = http_query(req, name);
    if (!s)
        return def;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || *s == '-' || *s == '+' || *s == ' ' || v > max)
        return -1;
    return v;
}

void api_case_documents(struct http_request *req)
{
    static const char *const unsupported[] = {"filter", "fields"};
    for (size_t i = 0; i < 2; i++)
        if (http_query(req, unsupported[i])) {
            imsx_reply(req, 400, unsupported[i], "invalid_selection_field",
                       "This provider does not support filter or fields; ask for the whole "
                       "documents.");
            return;
        }
    long long limit = number_param(req, "limit", PROVIDER_LIMIT, PROVIDER_LIMIT_MAX);
    long long offset = number_param(req, "offset", 0, 1000000000);
    if (limit <= 0 || offset < 0) {
        imsx_reply(req, 400, limit <= 0 ? "limit" : "offset", "invalid_selection_field",
                   "limit must be 1 to 1000 and offset a whole number of 0 or more.");
        return;
    }
    const char *sort = http_query(req, "sort"), *order = http_query(req, "orderBy");
    enum case_sort by = CASE_SORT_TITLE;
    if (sort && strcmp(sort, "identifier") == 0)
        by = CASE_SORT_IDENTIFIER;
    else if (sort && strcmp(sort, "lastChangeDateTime") == 0)
        by = CASE_SORT_LAST_CHANGE;
    else if (sort && strcmp(sort, "title") != 0) {
        imsx_reply(req, 400, "sort", "invalid_sort_field",
                   "sort may be title, identifier or lastChangeDateTime.");
        return;
    }
    if (order && strcmp(order, "asc") != 0 && strcmp(order, "desc") != 0) {
        imsx_reply(req, 400, "orderBy", "invalid_selection_field", "orderBy may be asc or desc.");
        return;
    }
    char base[400];
    base_url(req, base, sizeof(base));
    json_t *out;
    int64_t total;
    int err = case_provider_documents(req->db, by, order && strcmp(order, "desc") == 0,
                                      (size_t)limit, (size_t)offset, base, &out, &total);
    if (err) {
        reply_case_error(req, err);
        return;
    }
    /* Paging as the 1EdTech REST bindings do it: the total, and links to the other pages. */
    char n[32], link[2048], url[600];
    snprintf(n, sizeof(n), "%lld", (long long)total);
    http_add_header(req, "X-Total-Count", n);
    size_t used = 0;
    long long last = total > 0 ? ((total - 1) / limit) * limit : 0;
    struct {
        const char *rel;
        long long at;
        int show;
    } pages[] = {
        {"next", offset + limit, offset + limit < total},
        {"last", last, 1},
        {"first", 0, 1},
        {"prev", offset >= limit ? offset - limit : 0, offset > 0},
    };
    link[0] = 0;
    for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
        if (!pages[i].show)
            continue;
        snprintf(url, sizeof(url), "%s/CFDocuments?limit=%lld&offset=%lld%s%s%s%s", base, limit,
                 pages[i].at, sort ? "&sort=" : "", sort ? sort : "", order ? "&orderBy=" : "",
                 order ? order : "");
        used += (size_t)snprintf(link + used, used < sizeof(link) ? sizeof(link) - used : 0,
                                 "%s<%s>; rel=\"%s\"", used ? ", " : "", url, pages[i].rel);
    }
    if (used < sizeof(link))
        http_add_header(req, "Link", link);
    reply_ok(req, out);
}

void api_case_document(struct http_request *req)
{
    const char *id = sourced_id_or_reply(req);
    if (!id)
        return;
    char base[400];
    base_url(req, base, sizeof(base));
    json_t *out;
    int err = case_provider_document(req->db, id, base, &out);
    if (err)
        reply_case_error(req, err);
    else
        reply_ok(req, out);
}

void api_case_package(struct http_request *req)
{
    const char *id = sourced_id_or_reply(req);
    if (!id)
        return;
    json_t *out;
    int err = case_package_export(req->db, id, &out);
    if (err)
        reply_case_error(req, err);
    else
        reply_ok(req, out);
}

void api_case_item(struct http_request *req)
{
    const char *id = sourced_id_or_reply(req);
    if (!id)
        return;
    json_t *out;
    int err = case_provider_item(req->db, id, &out);
    if (err)
        reply_case_error(req, err);
    else
        reply_ok(req, out);
}

void api_case_association(struct http_request *req)
{
    const char *id = sourced_id_or_reply(req);
    if (!id)
        return;
    json_t *out;
    int err = case_provider_association(req->db, id, &out);
    if (err)
        reply_case_error(req, err);
    else
        reply_ok(req, out);
}

void api_case_item_associations(struct http_request *req)
{
    const char *id = sourced_id_or_reply(req);
    if (!id)
        return;
    json_t *out;
    int err = case_provider_item_associations(req->db, id, &out);
    if (err)
        reply_case_error(req, err);
    else
        reply_ok(req, out);
}
