/* The JSON shapes shared by the API areas. */
#include "api/api.h"

#include "util/banned.h"

json_t *api_user_json(const struct auth_user *u)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:s}", "id", (json_int_t)u->id, "login",
                     u->login, "name", u->name, "role", auth_role_name(u->role), "lang", u->lang,
                     "institution_id", (json_int_t)u->institution_id, "created_at", u->created_at);
}

json_t *api_institution_json(const struct auth_institution *i)
{
    return json_pack("{s:I, s:{s:s, s:s}, s:s}", "id", (json_int_t)i->id, "name", "en", i->name_en,
                     "zh-CN", i->name_zh, "country", i->country);
}

json_t *api_class_json(const struct auth_class *c)
{
    return json_pack("{s:I, s:s, s:{s:I, s:s}, s:I}", "id", (json_int_t)c->id, "name", c->name,
                     "teacher", "id", (json_int_t)c->teacher_id, "name", c->teacher_name,
                     "student_count", (json_int_t)c->student_count);
}

void api_reply_auth_error(struct http_request *req, int err, const struct auth_problem *p)
{
    switch (err) {
    case AUTH_ERR_INVALID:
        http_reply_error(req, 422, "invalid_field", p->msg, p->field);
        break;
    case AUTH_ERR_CONFLICT:
        http_reply_error(req, 409, "conflict", p->msg, p->field);
        break;
    case AUTH_ERR_NOT_FOUND:
        http_reply_error(req, 404, "not_found", "not_found", NULL);
        break;
    default:
        http_reply_error(req, 500, "internal", "internal", NULL);
        break;
    }
}

int api_append_user(void *ctx, const struct auth_user *u)
{
    return json_array_append_new(ctx, api_user_json(u)) ? AUTH_ERR_NOMEM : 0;
}

int api_append_class(void *ctx, const struct auth_class *c)
{
    return json_array_append_new(ctx, api_class_json(c)) ? AUTH_ERR_NOMEM : 0;
}
