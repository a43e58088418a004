/* Logging in and out, and the current user: /api/session, /api/me, /api/institution. */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "auth/ratelimit.h"
#include "util/json.h"
#include "util/timeutil.h"
#include "util/banned.h"

#define COOKIE_ATTRS "; Path=/; HttpOnly; SameSite=Strict"

/* {"user", "institution", "csrf"}: what /api/session and /api/me answer. */
static void reply_me(struct http_request *req, unsigned status, const struct auth_user *u,
                     const char *csrf)
{
    struct auth_institution inst;
    int err = auth_institution_get(req->db, u->institution_id, &inst);
    if (err) {
        api_reply_auth_error(req, err == AUTH_ERR_NOT_FOUND ? AUTH_ERR_STORE : err, NULL);
        return;
    }
    http_reply_json(req, status,
                    json_pack("{s:o, s:o, s:s}", "user", api_user_json(u), "institution",
                              api_institution_json(&inst), "csrf", csrf));
}

static void reply_rate_limited(struct http_request *req, int wait)
{
    char secs[16], msg[256];
    snprintf(secs, sizeof(secs), "%d", wait);
    snprintf(msg, sizeof(msg), i18n_text("rate_limited", req->lang), wait);
    http_add_header(req, "Retry-After", secs);
    http_reply_error_object(req, 429, http_error_object("rate_limited", msg, NULL));
}

void api_session_create(struct http_request *req)
{
    json_t *body = http_json_body_or_reply(req);
    if (!body)
        return;
    const char *login = json_get_str(body, "login");
    const char *password = json_get_str(body, "password");
    if (!login || !*login) {
        http_reply_error(req, 422, "invalid_field", "field_required", "login");
        goto done;
    }
    if (!password || !*password) {
        http_reply_error(req, 422, "invalid_field", "field_required", "password");
        goto done;
    }

    char addr[64], account_key[96], address_key[80];
    http_client_address(req, addr, sizeof(addr));
    snprintf(account_key, sizeof(account_key), "u:%.64s", login);
    for (char *c = account_key; *c; c++)
        *c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
    snprintf(address_key, sizeof(address_key), "a:%s", addr);
    struct http_context *ctx = req->ctx;
    int64_t now = time_now();
    int wait = auth_ratelimit_wait(ctx->login_by_account, account_key, now);
    int wait2 = auth_ratelimit_wait(ctx->login_by_address, address_key, now);
    if (wait2 > wait)
        wait = wait2;
    if (wait) {
        reply_rate_limited(req, wait);
        goto done;
    }

    struct auth_user user;
    int err = auth_login(req->db, login, password, &user);
    if (err == AUTH_ERR_BAD_PASSWORD) {
        auth_ratelimit_fail(ctx->login_by_account, account_key, now);
        auth_ratelimit_fail(ctx->login_by_address, address_key, now);
        http_reply_error(req, 401, "invalid_credentials", "invalid_credentials", NULL);
        goto done;
    }
    if (err) {
        api_reply_auth_error(req, AUTH_ERR_STORE, NULL);
        goto done;
    }
    auth_ratelimit_clear(ctx->login_by_account, account_key);

    char token[SECRET_TOKEN_LEN + 1], cookie[128];
    struct auth_session session;
    if (auth_session_create(req->db, &user, token, &session)) {
        api_reply_auth_error(req, AUTH_ERR_STORE, NULL);
        goto done;
    }
    snprintf(cookie, sizeof(cookie), "cc_session=%s" COOKIE_ATTRS "; Max-Age=%d", token,
             AUTH_SESSION_IDLE_SECONDS);
    int lang = lang_parse(user.lang);
    req->lang = lang < 0 ? LANG_EN : (enum lang)lang;
    reply_me(req, 200, &user, session.csrf);
    if (req->status == 200)
        http_add_header(req, "Set-Cookie", cookie);
done:
    json_decref(body);
}

void api_session_delete(struct http_request *req)
{
    if (auth_session_end(req->db, req->session.token_hash)) {
        api_reply_auth_error(req, AUTH_ERR_STORE, NULL);
        return;
    }
    http_reply_empty(req, 204);
    http_add_header(req, "Set-Cookie", "cc_session=" COOKIE_ATTRS "; Max-Age=0");
}

void api_me_get(struct http_request *req)
{
    reply_me(req, 200, &req->session.user, req->session.csrf);
}

void api_me_patch(struct http_request *req)
{
    json_t *body = http_json_body_or_reply(req);
    if (!body)
        return;
    json_t *name = json_object_get(body, "name"), *lang = json_object_get(body, "lang");
    struct auth_problem p = {0};
    struct auth_user *u = &req->session.user;
    int err;
    if (name && !json_is_string(name)) {
        http_reply_error(req, 422, "invalid_field", "name_length", "name");
    } else if (lang && !json_is_string(lang)) {
        http_reply_error(req, 422, "invalid_field", "lang_invalid", "lang");
    } else if ((err = auth_user_update(req->db, u->institution_id, u->id, json_string_value(name),
                                       json_string_value(lang), &p))) {
        api_reply_auth_error(req, err, &p);
    } else if ((err = auth_user_get(req->db, u->institution_id, u->id, u))) {
        api_reply_auth_error(req, err, &p);
    } else {
        int l = lang_parse(u->lang);
        req->lang = l < 0 ? LANG_EN : (enum lang)l;
        reply_me(req, 200, u, req->session.csrf);
    }
    json_decref(body);
}

void api_me_password(struct http_request *req)
{
    json_t *body = http_json_body_or_reply(req);
    if (!body)
        return;
    struct auth_problem p = {0};
    int err = auth_user_change_password(req->db, &req->session.user, json_get_str(body, "current"),
                                        json_get_str(body, "new"), &p);
    if (!err)
        err = auth_session_end_others(req->db, req->session.user.id, req->session.token_hash);
    if (err)
        api_reply_auth_error(req, err, &p);
    else
        http_reply_empty(req, 204);
    json_decref(body);
}

void api_institution_get(struct http_request *req)
{
    struct auth_institution inst;
    int err = auth_institution_get(req->db, req->session.user.institution_id, &inst);
    if (err)
        api_reply_auth_error(req, err, NULL);
    else
        http_reply_json(req, 200, json_pack("{s:o}", "institution", api_institution_json(&inst)));
}
