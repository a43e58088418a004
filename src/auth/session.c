#include "auth/session.h"

#include <stdio.h>
#include <string.h>

#include "util/timeutil.h"
#include "util/utf8.h"
#include "util/banned.h"

int auth_session_create(struct store *db, const struct auth_user *user,
                        char token[SECRET_TOKEN_LEN + 1], struct auth_session *out)
{
    secret_token(token);
    out->user = *user;
    secret_token(out->csrf);
    secret_sha256_hex(token, strlen(token), out->token_hash);
    struct store_stmt *st;
    if (store_prepare(db,
                      "INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen)"
                      " VALUES (?, ?, ?, ?, ?)",
                      &st))
        return AUTH_ERR_STORE;
    int64_t now = time_now();
    store_bind_text(st, 1, out->token_hash);
    store_bind_int(st, 2, user->id);
    store_bind_text(st, 3, out->csrf);
    store_bind_int(st, 4, now);
    store_bind_int(st, 5, now);
    int err = store_step(st);
    store_finish(st);
    return err ? AUTH_ERR_STORE : AUTH_OK;
}

int auth_session_resolve(struct store *db, const char *token, struct auth_session *out)
{
    if (!token || strlen(token) != SECRET_TOKEN_LEN)
        return AUTH_ERR_NOT_FOUND;
    secret_sha256_hex(token, SECRET_TOKEN_LEN, out->token_hash);
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT s.csrf, s.created_at, s.last_seen, " AUTH_USER_COLUMNS
                      " FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?",
                      &st))
        return AUTH_ERR_STORE;
    store_bind_text(st, 1, out->token_hash);
    int err = store_step(st);
    int64_t now = time_now(), created = 0, seen = 0;
    if (err == STORE_ROW) {
        utf8_copy(out->csrf, sizeof(out->csrf), store_col_text(st, 0));
        created = store_col_int(st, 1);
        seen = store_col_int(st, 2);
        auth_user_read(st, 3, &out->user);
    }
    store_finish(st);
    if (err < 0)
        return AUTH_ERR_STORE;
    if (err != STORE_ROW)
        return AUTH_ERR_NOT_FOUND;
    if (now - seen > AUTH_SESSION_IDLE_SECONDS || now - created > AUTH_SESSION_MAX_SECONDS) {
        if (auth_session_end(db, out->token_hash))
            return AUTH_ERR_STORE;
        return AUTH_ERR_NOT_FOUND;
    }
    /* Refresh last_seen at most once a minute: most requests then only read. */
    if (now - seen >= 60) {
        if (store_prepare(db, "UPDATE sessions SET last_seen = ? WHERE token_hash = ?", &st))
            return AUTH_ERR_STORE;
        store_bind_int(st, 1, now);
        store_bind_text(st, 2, out->token_hash);
        err = store_step(st);
        store_finish(st);
        if (err)
            return AUTH_ERR_STORE;
    }
    return AUTH_OK;
}

int auth_session_end(struct store *db, const char *token_hash)
{
    struct store_stmt *st;
    if (store_prepare(db, "DELETE FROM sessions WHERE token_hash = ?", &st))
        return AUTH_ERR_STORE;
    store_bind_text(st, 1, token_hash);
    int err = store_step(st);
    store_finish(st);
    return err ? AUTH_ERR_STORE : AUTH_OK;
}

int auth_session_end_others(struct store *db, int64_t user_id, const char *keep_hash)
{
    struct store_stmt *st;
    if (store_prepare(db, "DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?", &st))
        return AUTH_ERR_STORE;
    store_bind_int(st, 1, user_id);
    store_bind_text(st, 2, keep_hash ? keep_hash : "");
    int err = store_step(st);
    store_finish(st);
    return err ? AUTH_ERR_STORE : AUTH_OK;
}
