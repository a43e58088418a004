/*
 * Accounts: institutions (the tenants), users and their roles. Every function
 * that reads or changes a user takes the caller's institution and never
 * touches another's rows.
 */
#ifndef CC_AUTH_ACCOUNT_H
#define CC_AUTH_ACCOUNT_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

enum auth_error {
    AUTH_OK = 0,
    AUTH_ERR_STORE = -1,     /* storage failed; nothing was changed */
    AUTH_ERR_INVALID = -2,   /* an input is invalid: see the auth_problem */
    AUTH_ERR_NOT_FOUND = -3, /* no such row in this institution */
    AUTH_ERR_CONFLICT = -4,  /* e.g. the login is taken: see the auth_problem */
    AUTH_ERR_NOMEM = -5,
    AUTH_ERR_BAD_PASSWORD = -6, /* wrong login or password */
};

/* What is wrong with an input: the field's name and a message id of util/i18n.h. */
struct auth_problem {
    const char *field;
    const char *msg;
};

enum auth_role { AUTH_ROLE_ADMIN, AUTH_ROLE_TEACHER, AUTH_ROLE_STUDENT, AUTH_ROLE_VERIFIER };

#define AUTH_LOGIN_MAX  64
#define AUTH_NAME_MAX   100 /* characters; stored as UTF-8, up to 4 bytes each */
#define AUTH_NAME_BYTES (AUTH_NAME_MAX * 4 + 1)

struct auth_institution {
    int64_t id;
    char name_en[801];
    char name_zh[801];
    char country[3];
};

struct auth_user {
    int64_t id;
    int64_t institution_id;
    enum auth_role role;
    char login[AUTH_LOGIN_MAX + 1];
    char name[AUTH_NAME_BYTES];
    char lang[6];
    char created_at[21];
};

/* What a new user is made of; strings as submitted (the login is lower-cased). */
struct auth_new_user {
    const char *login;
    const char *name; /* NULL or "": the login */
    const char *role;
    const char *lang; /* NULL: "en" */
    const char *password;
};

/* For auth/ files: the columns of a user row, as auth_user_read reads them (alias u). */
#define AUTH_USER_COLUMNS "u.id, u.institution_id, u.role, u.login, u.name, u.lang, u.created_at"

/* For auth/ files: fills U from columns FIRST.. of ST laid out as AUTH_USER_COLUMNS. */
void auth_user_read(struct store_stmt *st, int first, struct auth_user *u);

/* "admin", "teacher", "student", "verifier". */
const char *auth_role_name(enum auth_role role);

/* Parses a role name; -1 when unknown. */
int auth_role_parse(const char *s);

/* A name of 1..MAX characters of valid UTF-8 without control characters? */
int auth_name_ok(const char *s, size_t max);

/* Checks each field of U; on the first bad one fills P and returns AUTH_ERR_INVALID. */
int auth_user_validate(const struct auth_new_user *u, struct auth_problem *p);

/* Adds an institution. */
int auth_institution_create(struct store *db, const char *name_en, const char *name_zh,
                            const char *country, int64_t *id, struct auth_problem *p)
    __attribute__((warn_unused_result));

int auth_institution_get(struct store *db, int64_t id, struct auth_institution *out)
    __attribute__((warn_unused_result));

/* How many institutions there are. */
int auth_institution_count(struct store *db, int64_t *n) __attribute__((warn_unused_result));

/* Validates, hashes the password and inserts U into INSTITUTION; fills OUT when not NULL. */
int auth_user_create(struct store *db, int64_t institution, const struct auth_new_user *u,
                     struct auth_user *out, struct auth_problem *p)
    __attribute__((warn_unused_result));

/* Inserts a user whose password is already hashed (validated by the caller). */
int auth_user_insert(struct store *db, int64_t institution, const struct auth_new_user *u,
                     const char *password_hash, struct auth_user *out, struct auth_problem *p)
    __attribute__((warn_unused_result));

/* The user ID of INSTITUTION. */
int auth_user_get(struct store *db, int64_t institution, int64_t id, struct auth_user *out)
    __attribute__((warn_unused_result));

/* Is LOGIN taken (on the whole server)? */
int auth_login_exists(struct store *db, const char *login, int *yes)
    __attribute__((warn_unused_result));

typedef int (*auth_user_fn)(void *ctx, const struct auth_user *u);

/*
 * Calls FN for each user of INSTITUTION, sorted by role then name; ROLE < 0
 * for all roles, Q (may be NULL) a substring of login or name. Stops early
 * when FN returns non-zero and returns that.
 */
int auth_user_list(struct store *db, int64_t institution, int role, const char *q, auth_user_fn fn,
                   void *ctx) __attribute__((warn_unused_result));

/* Changes the name and/or language (NULL: unchanged) of a user of INSTITUTION. */
int auth_user_update(struct store *db, int64_t institution, int64_t id, const char *name,
                     const char *lang, struct auth_problem *p) __attribute__((warn_unused_result));

/*
 * Checks LOGIN and PASSWORD; fills OUT on success. An unknown login costs the
 * same time as a wrong password, and both give AUTH_ERR_BAD_PASSWORD.
 */
int auth_login(struct store *db, const char *login, const char *password, struct auth_user *out)
    __attribute__((warn_unused_result));

/* Changes the password after checking CURRENT (problem field "current" when wrong). */
int auth_user_change_password(struct store *db, const struct auth_user *u, const char *current,
                              const char *new_password, struct auth_problem *p)
    __attribute__((warn_unused_result));

#endif
