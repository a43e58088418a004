/* Classes: /api/classes and enrolment. */
#include "api/api.h"

#include "util/banned.h"

#define ADMIN     HTTP_ROLE(AUTH_ROLE_ADMIN)
#define MAX_ENROL 1000

void api_classes_list(struct http_request *req)
{
    const struct auth_user *me = &req->session.user;
    enum auth_class_scope scope;
    switch (me->role) {
    case AUTH_ROLE_ADMIN:
        scope = AUTH_CLASSES_ALL;
        break;
    case AUTH_ROLE_TEACHER:
        scope = AUTH_CLASSES_TAUGHT_BY;
        break;
    case AUTH_ROLE_STUDENT:
        scope = AUTH_CLASSES_ATTENDED_BY;
        break;
    default:
        http_reply_error(req, 403, "forbidden", "forbidden", NULL);
        return;
    }
    json_t *classes = json_array();
    if (auth_class_list(req->db, me->institution_id, scope, me->id, api_append_class, classes)) {
        json_decref(classes);
        api_reply_auth_error(req, AUTH_ERR_STORE, NULL);
        return;
    }
    http_reply_json(req, 200, json_pack("{s:o}", "classes", classes));
}

void api_classes_create(struct http_request *req)
{
    if (http_require_role_or_reply(req, ADMIN))
        return;
    json_t *body = http_json_body_or_reply(req);
    if (!body)
        return;
    json_t *name = json_object_get(body, "name"), *teacher = json_object_get(body, "teacher_id");
    struct auth_problem p = {0};
    struct auth_class c;
    int err;
    if (name && !json_is_string(name))
        http_reply_error(req, 422, "invalid_field", "class_name_length", "name");
    else if (!json_is_integer(teacher))
        http_reply_error(req, 422, "invalid_field", "teacher_invalid", "teacher_id");
    else if ((err =
                  auth_class_create(req->db, req->session.user.institution_id,
                                    json_string_value(name), json_integer_value(teacher), &c, &p)))
        api_reply_auth_error(req, err, &p);
    else
        http_reply_json(req, 201, json_pack("{s:o}", "class", api_class_json(&c)));
    json_decref(body);
}

/* Replies {"class", "students"} for class C. */
static void reply_class(struct http_request *req, const struct auth_class *c)
{
    json_t *students = json_array();
    if (auth_class_students(req->db, c->institution_id, c->id, api_append_user, students)) {
        json_decref(students);
        api_reply_auth_error(req, AUTH_ERR_STORE, NULL);
        return;
    }
    http_reply_json(req, 200,
                    json_pack("{s:o, s:o}", "class", api_class_json(c), "students", students));
}

/* The class of path parameter 0 if the caller may see it (admin or its teacher); else replies. */
static int load_class_or_reply(struct http_request *req, struct auth_class *c)
{
    int64_t id = http_param_id_or_reply(req, 0);
    if (!id)
        return -1;
    const struct auth_user *me = &req->session.user;
    int err = auth_class_get(req->db, me->institution_id, id, c);
    if (err) {
        api_reply_auth_error(req, err, NULL);
        return -1;
    }
    if (me->role == AUTH_ROLE_ADMIN || (me->role == AUTH_ROLE_TEACHER && c->teacher_id == me->id))
        return 0;
    http_reply_error(req, 403, "forbidden", "forbidden", NULL);
    return -1;
}

void api_classes_get(struct http_request *req)
{
    struct auth_class c;
    if (load_class_or_reply(req, &c) == 0)
        reply_class(req, &c);
}

void api_classes_enrol(struct http_request *req)
{
    struct auth_class c;
    if (http_require_role_or_reply(req, ADMIN) || load_class_or_reply(req, &c))
        return;
    json_t *body = http_json_body_or_reply(req);
    if (!body)
        return;
    json_t *list = json_object_get(body, "user_ids");
    size_t n = json_array_size(list);
    int64_t ids[MAX_ENROL];
    int ok = json_is_array(list) && n > 0 && n <= MAX_ENROL;
    for (size_t i = 0; ok && i < n; i++) {
        json_t *v = json_array_get(list, i);
        ok = json_is_integer(v) && json_integer_value(v) > 0;
        ids[i] = ok ? json_integer_value(v) : 0;
    }
    struct auth_problem p = {"user_ids", "students_invalid"};
    int err =
        ok ? auth_class_enrol(req->db, c.institution_id, c.id, ids, n, 0, &p) : AUTH_ERR_INVALID;
    json_decref(body);
    if (err) {
        api_reply_auth_error(req, err, &p);
        return;
    }
    if (auth_class_get(req->db, c.institution_id, c.id, &c)) {
        api_reply_auth_error(req, AUTH_ERR_STORE, NULL);
        return;
    }
    reply_class(req, &c);
}

void api_classes_unenrol(struct http_request *req)
{
    struct auth_class c;
    if (http_require_role_or_reply(req, ADMIN) || load_class_or_reply(req, &c))
        return;
    int64_t uid = http_param_id_or_reply(req, 1);
    if (!uid)
        return;
    int err = auth_class_unenrol(req->db, c.institution_id, c.id, uid);
    if (err)
        api_reply_auth_error(req, err, NULL);
    else
        http_reply_empty(req, 204);
}
