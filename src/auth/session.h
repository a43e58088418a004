/*
 * Login sessions. A session is a random token handed to the browser in a
 * cookie; the database keeps only its SHA-256, so a leaked database does not
 * leak sessions. Each session has its own CSRF token.
 */
#ifndef CC_AUTH_SESSION_H
#define CC_AUTH_SESSION_H

#include "auth/account.h"
#include "util/secret.h"

#define AUTH_SESSION_IDLE_SECONDS (12 * 3600)
#define AUTH_SESSION_MAX_SECONDS  (30 * 24 * 3600)

struct auth_session {
    struct auth_user user;
    char csrf[SECRET_TOKEN_LEN + 1];
    char token_hash[SECRET_SHA256_HEX_LEN + 1];
};

/* Starts a session for USER; TOKEN receives the cookie value, OUT the session. */
int auth_session_create(struct store *db, const struct auth_user *user,
                        char token[SECRET_TOKEN_LEN + 1], struct auth_session *out)
    __attribute__((warn_unused_result));

/* Looks up the session of TOKEN; AUTH_ERR_NOT_FOUND when unknown or expired. */
int auth_session_resolve(struct store *db, const char *token, struct auth_session *out)
    __attribute__((warn_unused_result));

/* Ends the session with TOKEN_HASH. */
int auth_session_end(struct store *db, const char *token_hash) __attribute__((warn_unused_result));

/* Ends every session of USER_ID except KEEP_HASH (may be NULL). */
int auth_session_end_others(struct store *db, int64_t user_id, const char *keep_hash)
    __attribute__((warn_unused_result));

#endif
