/* Users of the caller's institution: /api/users (admins), /api/users/{id}, CSV import. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "auth/import.h"
#include "util/alloc.h"
#include "util/banned.h"

#define ADMIN HTTP_ROLE(AUTH_ROLE_ADMIN)

void api_users_list(struct http_request *req)
{
    if (http_require_role_or_reply(req, ADMIN))
        return;
    const char *role = http_query(req, "role"), *q = http_query(req, "q");
    int r = -1;
    if (role && *role && (r = auth_role_parse(role)) < 0) {
        http_reply_error(req, 400, "bad_request", "role_invalid", "role");
        return;
    }
    if (q && strlen(q) > 200) {
        http_reply_error(req, 400, "bad_request", "bad_request", "q");
        return;
    }
    json_t *users = json_array();
    int err =
        auth_user_list(req->db, req->session.user.institution_id, r, q, api_append_user, users);
    if (err) {
        json_decref(users);
        api_reply_auth_error(req, AUTH_ERR_STORE, NULL);
        return;
    }
    http_reply_json(req, 200, json_pack("{s:o}", "users", users));
}

/* A member that must be a string when present; replies 422 and returns -1 otherwise. */
static int string_member(struct http_request *req, json_t *body, const char *key, const char **out)
{
    json_t *v = json_object_get(body, key);
    *out = json_string_value(v);
    if (v && !json_is_string(v)) {
        http_reply_error(req, 422, "invalid_field", "bad_request", key);
        return -1;
    }
    return 0;
}

void api_users_create(struct http_request *req)
{
    if (http_require_role_or_reply(req, ADMIN))
        return;
    json_t *body = http_json_body_or_reply(req);
    if (!body)
        return;
    struct auth_new_user u = {0};
    if (string_member(req, body, "login", &u.login) || string_member(req, body, "name", &u.name) ||
        string_member(req, body, "role", &u.role) || string_member(req, body, "lang", &u.lang) ||
        string_member(req, body, "password", &u.password))
        goto done;
    if (!u.name || !*u.name) {
        http_reply_error(req, 422, "invalid_field", "field_required", "name");
        goto done;
    }
    struct auth_problem p = {0};
    struct auth_user made;
    int err = auth_user_create(req->db, req->session.user.institution_id, &u, &made, &p);
    if (err)
        api_reply_auth_error(req, err, &p);
    else
        http_reply_json(req, 201, json_pack("{s:o}", "user", api_user_json(&made)));
done:
    json_decref(body);
}

void api_users_get(struct http_request *req)
{
    int64_t id = http_param_id_or_reply(req, 0);
    if (!id)
        return;
    const struct auth_user *me = &req->session.user;
    if (me->id != id && http_require_role_or_reply(req, ADMIN))
        return;
    struct auth_user u;
    int err = auth_user_get(req->db, me->institution_id, id, &u);
    if (err) {
        api_reply_auth_error(req, err, NULL);
        return;
    }
    json_t *classes = json_array();
    if (u.role == AUTH_ROLE_TEACHER || u.role == AUTH_ROLE_STUDENT) {
        enum auth_class_scope scope =
            u.role == AUTH_ROLE_TEACHER ? AUTH_CLASSES_TAUGHT_BY : AUTH_CLASSES_ATTENDED_BY;
        if (auth_class_list(req->db, me->institution_id, scope, u.id, api_append_class, classes)) {
            json_decref(classes);
            api_reply_auth_error(req, AUTH_ERR_STORE, NULL);
            return;
        }
    }
    http_reply_json(req, 200,
                    json_pack("{s:o, s:o}", "user", api_user_json(&u), "classes", classes));
}

/* The report of a failed import: {"error":{"code","message","rows":[{line,field,message}]}}. */
static void reply_import_failed(struct http_request *req, const struct auth_import_report *r)
{
    char msg[512];
    snprintf(msg, sizeof(msg), i18n_text("import_failed", req->lang), (int)r->total_errors);
    json_t *error = http_error_object("import_failed", msg, NULL);
    json_t *rows = json_array();
    for (size_t i = 0; i < r->nerrors; i++) {
        const struct auth_import_error *e = &r->errors[i];
        char text[512];
        const char *fmt = i18n_text(e->msg, req->lang);
        if (strstr(fmt, "%s"))
            snprintf(text, sizeof(text), fmt, e->text);
        else
            snprintf(text, sizeof(text), fmt, e->arg[0], e->arg[1]);
        json_t *row = json_pack("{s:i}", "line", (int)e->line);
        if (e->field)
            json_object_set_new(row, "field", json_string(e->field));
        json_object_set_new(row, "message", json_string(text));
        json_array_append_new(rows, row);
    }
    json_object_set_new(error, "rows", rows);
    http_reply_error_object(req, 422, error);
}

void api_users_import(struct http_request *req)
{
    if (http_require_role_or_reply(req, ADMIN))
        return;
    const char *ct = http_header(req, "Content-Type");
    if (!ct || strncasecmp(ct, "text/csv", 8) != 0) {
        http_reply_error(req, 415, "unsupported_media_type", "unsupported_media_type", NULL);
        return;
    }
    int64_t inst = req->session.user.institution_id;
    struct auth_import_report *r = cc_malloc(sizeof(*r));
    if (!r) {
        api_reply_auth_error(req, AUTH_ERR_NOMEM, NULL);
        return;
    }
    auth_import_report_init(r);
    int err = auth_import_users_csv(req->db, inst, req->body.data, req->body.len, r);
    if (err == AUTH_ERR_INVALID) {
        reply_import_failed(req, r);
    } else if (err) {
        api_reply_auth_error(req, err, NULL);
    } else {
        json_t *users = json_array();
        for (size_t i = 0; i < r->nusers && !err; i++) {
            struct auth_user u;
            if (!(err = auth_user_get(req->db, inst, r->user_ids[i], &u)))
                json_array_append_new(users, api_user_json(&u));
        }
        if (err) {
            json_decref(users);
            api_reply_auth_error(req, AUTH_ERR_STORE, NULL);
        } else {
            http_reply_json(req, 200,
                            json_pack("{s:i, s:o}", "imported", (int)r->nusers, "users", users));
        }
    }
    auth_import_report_release(r);
    cc_free(r);
}
