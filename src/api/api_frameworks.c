/*
 * Competency frameworks in the app (session auth): browsing (everyone),
 * importing, exporting and removing CASE packages (administrators), and the
 * alignments of activities to framework items (administrators).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "competency/alignment.h"
#include "competency/case.h"
#include "competency/messages.h"
#include "util/json.h"
#include "util/banned.h"

#define ADMIN HTTP_ROLE(AUTH_ROLE_ADMIN)

/* Replies {"error": {code, message (a competency message in the caller's language), field}}. */
static void reply_error(struct http_request *req, unsigned status, const char *code,
                        const char *msg, const char *field)
{
    http_reply_error_object(req, status,
                            http_error_object(code, competency_message(msg, req->lang), field));
}

static void reply_case_error(struct http_request *req, int err)
{
    if (err == CASE_ERR_NOT_FOUND)
        http_reply_error(req, 404, "not_found", "not_found", NULL);
    else
        http_reply_error(req, 500, "internal", "internal", NULL);
}

/* The framework identifier of the path, or NULL after a 404 (no framework has a malformed one). */
static const char *framework_id_or_reply(struct http_request *req)
{
    if (!case_uuid_valid(req->param[0])) {
        http_reply_error(req, 404, "not_found", "not_found", NULL);
        return NULL;
    }
    return req->param[0];
}

/* Adds what the caller may do with framework D: "mine" and "can_delete". */
static void mark_rights(const struct http_request *req, json_t *d)
{
    const json_t *owner = json_object_get(d, "owner_institution_id");
    int mine = json_is_integer(owner) &&
               json_integer_value(owner) == (json_int_t)req->session.user.institution_id;
    json_object_set_new(d, "mine", json_boolean(mine));
    json_object_set_new(d, "can_delete",
                        json_boolean(mine && req->session.user.role == AUTH_ROLE_ADMIN &&
                                     !json_is_true(json_object_get(d, "bundled"))));
}

void api_frameworks_list(struct http_request *req)
{
    json_t *list;
    int err = case_document_list(req->db, &list);
    if (err) {
        reply_case_error(req, err);
        return;
    }
    size_t i;
    json_t *d;
    json_array_foreach (list, i, d)
        mark_rights(req, d);
    http_reply_json(req, 200, json_pack("{s:o}", "frameworks", list));
}

void api_frameworks_get(struct http_request *req)
{
    const char *id = framework_id_or_reply(req);
    if (!id)
        return;
    json_t *tree;
    int err = case_tree(req->db, id, &tree);
    if (err) {
        reply_case_error(req, err);
        return;
    }
    mark_rights(req, json_object_get(tree, "document"));
    http_reply_json(req, 200, tree);
}

void api_frameworks_package(struct http_request *req)
{
    const char *id = framework_id_or_reply(req);
    if (!id)
        return;
    json_t *pkg;
    int err = case_package_export(req->db, id, &pkg);
    if (err) {
        reply_case_error(req, err);
        return;
    }
    char disposition[128];
    snprintf(disposition, sizeof(disposition), "attachment; filename=\"case-%s.json\"", id);
    http_add_header(req, "Content-Disposition", disposition);
    http_reply_json(req, 200, pkg);
}

void api_frameworks_item(struct http_request *req)
{
    json_t *detail;
    int err = case_item_detail(req->db, req->session.user.institution_id, req->param[0], &detail);
    if (err) {
        reply_case_error(req, err);
        return;
    }
    http_reply_json(req, 200, detail);
}

void api_frameworks_search(struct http_request *req)
{
    const char *q = http_query(req, "q"), *doc = http_query(req, "document");
    if (q && strlen(q) > CASE_SEARCH_QUERY_MAX) {
        reply_error(req, 400, "bad_request", "case_search_too_long", "q");
        return;
    }
    if (doc && !case_uuid_valid(doc)) {
        http_reply_error(req, 400, "bad_request", "bad_request", "document");
        return;
    }
    json_t *items;
    int err = case_search(req->db, q, doc, CASE_SEARCH_MAX, &items);
    if (err) {
        reply_case_error(req, err);
        return;
    }
    http_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

/* Problems that mean the file could not be read as a package at all (400 rather than 422). */
static int unreadable(const struct case_report *r)
{
    static const char *const ids[] = {"case_bad_json", "case_too_big", "case_too_deep",
                                      "case_not_package"};
    for (size_t i = 0; r->nerrors && i < sizeof(ids) / sizeof(ids[0]); i++)
        if (strcmp(r->errors[0].msg, ids[i]) == 0)
            return 1;
    return 0;
}

void api_frameworks_import(struct http_request *req)
{
    if (http_require_role_or_reply(req, ADMIN))
        return;
    const char *ct = http_header(req, "Content-Type");
    size_t n = strlen("application/json");
    if (!ct || strncasecmp(ct, "application/json", n) != 0 || (ct[n] && ct[n] != ';')) {
        http_reply_error(req, 415, "unsupported_media_type", "unsupported_media_type", NULL);
        return;
    }
    const char *check = http_query(req, "check");
    unsigned flags = check && strcmp(check, "0") != 0 ? CASE_IMPORT_CHECK : 0;
    struct case_report r;
    case_report_init(&r);
    int err = case_package_import(req->db, req->body.data, req->body.len,
                                  req->session.user.institution_id, flags, &r);
    if (err && err != CASE_ERR_INVALID) {
        case_report_release(&r);
        http_reply_error(req, 500, "internal", "internal", NULL);
        return;
    }
    json_t *report = case_report_json(&r, req->lang);
    if (err) {
        char count[32], msg[512];
        snprintf(count, sizeof(count), "%zu", r.total_errors);
        snprintf(msg, sizeof(msg), competency_message("case_invalid", req->lang), count);
        http_reply_json(req, unreadable(&r) ? 400 : 422,
                        json_pack("{s:o, s:o}", "error",
                                  http_error_object("case_invalid", msg, NULL), "report", report));
    } else {
        http_reply_json(req, r.imported && r.created ? 201 : 200,
                        json_pack("{s:o}", "report", report));
    }
    case_report_release(&r);
}

void api_frameworks_delete(struct http_request *req)
{
    if (http_require_role_or_reply(req, ADMIN))
        return;
    const char *id = framework_id_or_reply(req);
    if (!id)
        return;
    int err = case_document_remove(req->db, id, req->session.user.institution_id);
    if (err == CASE_ERR_BUNDLED)
        reply_error(req, 403, "forbidden", "case_bundled_remove", NULL);
    else if (err == CASE_ERR_FORBIDDEN)
        reply_error(req, 403, "forbidden", "case_not_yours", NULL);
    else if (err)
        reply_case_error(req, err);
    else
        http_reply_empty(req, 204);
}

/* ---- Alignments ---- */

void api_alignments_list(struct http_request *req)
{
    if (http_require_role_or_reply(req, ADMIN))
        return;
    const char *activity = http_query(req, "activity"), *item = http_query(req, "item");
    if (!activity == !item) {
        http_reply_error(req, 400, "bad_request", "bad_request", activity ? "item" : "activity");
        return;
    }
    if (activity && !competency_activity_valid(activity)) {
        reply_error(req, 400, "bad_request", "alignment_activity_invalid", "activity");
        return;
    }
    if (item && !case_uuid_valid(item)) {
        http_reply_error(req, 400, "bad_request", "bad_request", "item");
        return;
    }
    json_t *list;
    int err =
        competency_alignment_list(req->db, req->session.user.institution_id, activity, item, &list);
    if (err) {
        reply_case_error(req, err);
        return;
    }
    http_reply_json(req, 200, json_pack("{s:o}", "alignments", list));
}

void api_alignments_create(struct http_request *req)
{
    if (http_require_role_or_reply(req, ADMIN))
        return;
    json_t *body = http_json_body_or_reply(req);
    if (!body)
        return;
    const char *activity = json_get_str(body, "activity"), *item = json_get_str(body, "item");
    int created = 0, err = CASE_OK;
    if (!activity || !*activity)
        http_reply_error(req, 422, "invalid_field", "field_required", "activity");
    else if (!competency_activity_valid(activity))
        reply_error(req, 422, "invalid_field", "alignment_activity_invalid", "activity");
    else if (!item || !*item)
        http_reply_error(req, 422, "invalid_field", "field_required", "item");
    else if ((err = competency_alignment_add(req->db, req->session.user.institution_id, activity,
                                             item, "admin", &created)) == CASE_ERR_NOT_FOUND)
        reply_error(req, 422, "invalid_field", "alignment_item_unknown", "item");
    else if (err)
        http_reply_error(req, 500, "internal", "internal", NULL);
    else
        http_reply_json(req, created ? 201 : 200,
                        json_pack("{s:{s:s, s:s, s:b}}", "alignment", "activity", activity, "item",
                                  item, "created", created));
    json_decref(body);
}

void api_alignments_delete(struct http_request *req)
{
    if (http_require_role_or_reply(req, ADMIN))
        return;
    const char *activity = http_query(req, "activity"), *item = http_query(req, "item");
    if (!activity || !item) {
        http_reply_error(req, 400, "bad_request", "bad_request", activity ? "item" : "activity");
        return;
    }
    int err =
        competency_alignment_remove(req->db, req->session.user.institution_id, activity, item);
    if (err)
        reply_case_error(req, err);
    else
        http_reply_empty(req, 204);
}

void api_alignments_activities(struct http_request *req)
{
    if (http_require_role_or_reply(req, ADMIN))
        return;
    const char *q = http_query(req, "q");
    if (q && strlen(q) > CASE_SEARCH_QUERY_MAX) {
        reply_error(req, 400, "bad_request", "case_search_too_long", "q");
        return;
    }
    json_t *list;
    int err = competency_activity_list(req->db, req->session.user.institution_id, q,
                                       ACTIVITY_SEARCH_MAX, &list);
    if (err) {
        reply_case_error(req, err);
        return;
    }
    http_reply_json(req, 200, json_pack("{s:o}", "activities", list));
}
