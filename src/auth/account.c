#include "auth/account.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "auth/password.h"
#include "util/i18n.h"
#include "util/timeutil.h"
#include "util/utf8.h"
#include "util/banned.h"

static const char *const role_names[] = {"admin", "teacher", "student", "verifier"};

const char *auth_role_name(enum auth_role role)
{
    return role_names[role];
}

int auth_role_parse(const char *s)
{
    for (int i = 0; s && i < 4; i++)
        if (strcmp(s, role_names[i]) == 0)
            return i;
    return -1;
}

static int problem(struct auth_problem *p, const char *field, const char *msg)
{
    if (p) {
        p->field = field;
        p->msg = msg;
    }
    return AUTH_ERR_INVALID;
}

/* Copies LOGIN lower-cased into OUT; 0 when it is 3..64 of a-z 0-9 . _ - */
static int normalise_login(const char *login, char out[AUTH_LOGIN_MAX + 1])
{
    size_t n = login ? strlen(login) : 0;
    if (n < 3 || n > AUTH_LOGIN_MAX)
        return -1;
    for (size_t i = 0; i < n; i++) {
        char c = (char)tolower((unsigned char)login[i]);
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
            return -1;
        out[i] = c;
    }
    out[n] = 0;
    return 0;
}

int auth_name_ok(const char *s, size_t max)
{
    if (!s || !*s || !utf8_valid(s, strlen(s)))
        return 0;
    for (const char *c = s; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            return 0;
    return utf8_length(s) <= max;
}

static int password_ok(const char *s)
{
    size_t n = s && utf8_valid(s, strlen(s)) ? utf8_length(s) : 0;
    return n >= 8 && n <= 256;
}

int auth_user_validate(const struct auth_new_user *u, struct auth_problem *p)
{
    char login[AUTH_LOGIN_MAX + 1];
    if (!u->login || !*u->login)
        return problem(p, "login", "field_required");
    if (normalise_login(u->login, login))
        return problem(p, "login", "login_format");
    if (u->name && *u->name && !auth_name_ok(u->name, AUTH_NAME_MAX))
        return problem(p, "name", "name_length");
    if (!u->role || !*u->role)
        return problem(p, "role", "field_required");
    if (auth_role_parse(u->role) < 0)
        return problem(p, "role", "role_invalid");
    if (u->lang && lang_parse(u->lang) < 0)
        return problem(p, "lang", "lang_invalid");
    if (!u->password || !*u->password)
        return problem(p, "password", "field_required");
    if (!password_ok(u->password))
        return problem(p, "password", "password_length");
    return AUTH_OK;
}

static int store_to_auth(int err)
{
    return err == STORE_CONSTRAINT ? AUTH_ERR_CONFLICT : err < 0 ? AUTH_ERR_STORE : AUTH_OK;
}

int auth_institution_create(struct store *db, const char *name_en, const char *name_zh,
                            const char *country, int64_t *id, struct auth_problem *p)
{
    if (!auth_name_ok(name_en, 200))
        return problem(p, "name_en", "institution_name_length");
    if (!auth_name_ok(name_zh, 200))
        return problem(p, "name_zh", "institution_name_length");
    if (!country || strlen(country) != 2 || !isupper((unsigned char)country[0]) ||
        !isupper((unsigned char)country[1]))
        return problem(p, "country", "country_invalid");
    struct store_stmt *st;
    int err = store_prepare(db,
                            "INSERT INTO institutions (name_en, name_zh, country, created_at)"
                            " VALUES (?, ?, ?, ?) RETURNING id",
                            &st);
    if (err)
        return AUTH_ERR_STORE;
    char now[21];
    time_iso8601(time_now(), now);
    store_bind_text(st, 1, name_en);
    store_bind_text(st, 2, name_zh);
    store_bind_text(st, 3, country);
    store_bind_text(st, 4, now);
    err = store_step(st);
    if (err == STORE_ROW) {
        *id = store_col_int(st, 0);
        err = store_step(st);
    }
    store_finish(st);
    return store_to_auth(err);
}

int auth_institution_get(struct store *db, int64_t id, struct auth_institution *out)
{
    struct store_stmt *st;
    if (store_prepare(db, "SELECT id, name_en, name_zh, country FROM institutions WHERE id = ?",
                      &st))
        return AUTH_ERR_STORE;
    store_bind_int(st, 1, id);
    int err = store_step(st);
    if (err == STORE_ROW) {
        out->id = store_col_int(st, 0);
        utf8_copy(out->name_en, sizeof(out->name_en), store_col_text(st, 1));
        utf8_copy(out->name_zh, sizeof(out->name_zh), store_col_text(st, 2));
        utf8_copy(out->country, sizeof(out->country), store_col_text(st, 3));
    }
    store_finish(st);
    return err == STORE_ROW ? AUTH_OK : err == STORE_OK ? AUTH_ERR_NOT_FOUND : AUTH_ERR_STORE;
}

int auth_institution_count(struct store *db, int64_t *n)
{
    struct store_stmt *st;
    if (store_prepare(db, "SELECT count(*) FROM institutions", &st))
        return AUTH_ERR_STORE;
    int err = store_step(st);
    *n = err == STORE_ROW ? store_col_int(st, 0) : 0;
    store_finish(st);
    return err == STORE_ROW ? AUTH_OK : AUTH_ERR_STORE;
}

void auth_user_read(struct store_stmt *st, int first, struct auth_user *u)
{
    u->id = store_col_int(st, first);
    u->institution_id = store_col_int(st, first + 1);
    int role = auth_role_parse(store_col_text(st, first + 2));
    u->role = role < 0 ? AUTH_ROLE_STUDENT : (enum auth_role)role;
    utf8_copy(u->login, sizeof(u->login), store_col_text(st, first + 3));
    utf8_copy(u->name, sizeof(u->name), store_col_text(st, first + 4));
    utf8_copy(u->lang, sizeof(u->lang), store_col_text(st, first + 5));
    utf8_copy(u->created_at, sizeof(u->created_at), store_col_text(st, first + 6));
}

int auth_user_insert(struct store *db, int64_t institution, const struct auth_new_user *u,
                     const char *password_hash, struct auth_user *out, struct auth_problem *p)
{
    char login[AUTH_LOGIN_MAX + 1];
    if (normalise_login(u->login, login))
        return problem(p, "login", "login_format");
    struct store_stmt *st;
    if (store_prepare(db,
                      "INSERT INTO users (institution_id, login, name, role, lang, password_hash,"
                      " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                      " RETURNING id, institution_id, role, login, name, lang, created_at",
                      &st))
        return AUTH_ERR_STORE;
    char now[21];
    time_iso8601(time_now(), now);
    store_bind_int(st, 1, institution);
    store_bind_text(st, 2, login);
    store_bind_text(st, 3, u->name && *u->name ? u->name : login);
    store_bind_text(st, 4, u->role);
    store_bind_text(st, 5, u->lang && *u->lang ? u->lang : "en");
    store_bind_text(st, 6, password_hash);
    store_bind_text(st, 7, now);
    int err = store_step(st);
    if (err == STORE_ROW) {
        if (out)
            auth_user_read(st, 0, out);
        err = store_step(st);
    }
    store_finish(st);
    if (err == STORE_CONSTRAINT) {
        /* The UNIQUE login, or a foreign key (no such institution): tell them apart. */
        int taken = 0;
        if (auth_login_exists(db, login, &taken) || !taken)
            return AUTH_ERR_STORE;
        problem(p, "login", "login_taken");
        return AUTH_ERR_CONFLICT;
    }
    return store_to_auth(err);
}

int auth_user_create(struct store *db, int64_t institution, const struct auth_new_user *u,
                     struct auth_user *out, struct auth_problem *p)
{
    int err = auth_user_validate(u, p);
    if (err)
        return err;
    char hash[AUTH_PASSWORD_HASH_MAX];
    if (auth_password_hash(u->password, hash))
        return AUTH_ERR_NOMEM;
    return auth_user_insert(db, institution, u, hash, out, p);
}

int auth_user_get(struct store *db, int64_t institution, int64_t id, struct auth_user *out)
{
    struct store_stmt *st;
    if (store_prepare(
            db, "SELECT " AUTH_USER_COLUMNS " FROM users u WHERE u.id = ? AND u.institution_id = ?",
            &st))
        return AUTH_ERR_STORE;
    store_bind_int(st, 1, id);
    store_bind_int(st, 2, institution);
    int err = store_step(st);
    if (err == STORE_ROW)
        auth_user_read(st, 0, out);
    store_finish(st);
    return err == STORE_ROW ? AUTH_OK : err == STORE_OK ? AUTH_ERR_NOT_FOUND : AUTH_ERR_STORE;
}

int auth_login_exists(struct store *db, const char *login, int *yes)
{
    char norm[AUTH_LOGIN_MAX + 1];
    *yes = 0;
    if (normalise_login(login, norm))
        return AUTH_OK;
    struct store_stmt *st;
    if (store_prepare(db, "SELECT 1 FROM users WHERE login = ?", &st))
        return AUTH_ERR_STORE;
    store_bind_text(st, 1, norm);
    int err = store_step(st);
    *yes = err == STORE_ROW;
    store_finish(st);
    return err < 0 ? AUTH_ERR_STORE : AUTH_OK;
}

int auth_user_list(struct store *db, int64_t institution, int role, const char *q, auth_user_fn fn,
                   void *ctx)
{
    struct store_stmt *st;
    /* instr() rather than LIKE: no wildcard escaping, and PostgreSQL has strpos() for it. */
    if (store_prepare(db,
                      "SELECT " AUTH_USER_COLUMNS " FROM users u WHERE u.institution_id = ?"
                      " AND (? IS NULL OR u.role = ?)"
                      " AND (? IS NULL OR instr(lower(u.login), lower(?)) > 0"
                      "      OR instr(lower(u.name), lower(?)) > 0)"
                      " ORDER BY CASE u.role WHEN 'admin' THEN 0 WHEN 'teacher' THEN 1"
                      " WHEN 'student' THEN 2 ELSE 3 END, u.name, u.id",
                      &st))
        return AUTH_ERR_STORE;
    const char *r = role >= 0 ? auth_role_name((enum auth_role)role) : NULL;
    const char *qq = q && *q ? q : NULL;
    store_bind_int(st, 1, institution);
    store_bind_text(st, 2, r);
    store_bind_text(st, 3, r);
    store_bind_text(st, 4, qq);
    store_bind_text(st, 5, qq);
    store_bind_text(st, 6, qq);
    int err, stop = 0;
    struct auth_user u;
    while (!stop && (err = store_step(st)) == STORE_ROW) {
        auth_user_read(st, 0, &u);
        stop = fn(ctx, &u);
    }
    store_finish(st);
    if (stop)
        return stop;
    return err < 0 ? AUTH_ERR_STORE : AUTH_OK;
}

int auth_user_update(struct store *db, int64_t institution, int64_t id, const char *name,
                     const char *lang, struct auth_problem *p)
{
    if (name && !auth_name_ok(name, AUTH_NAME_MAX))
        return problem(p, "name", "name_length");
    if (lang && lang_parse(lang) < 0)
        return problem(p, "lang", "lang_invalid");
    struct store_stmt *st;
    if (store_prepare(db,
                      "UPDATE users SET name = coalesce(?, name), lang = coalesce(?, lang)"
                      " WHERE id = ? AND institution_id = ?",
                      &st))
        return AUTH_ERR_STORE;
    store_bind_text(st, 1, name);
    store_bind_text(st, 2, lang);
    store_bind_int(st, 3, id);
    store_bind_int(st, 4, institution);
    int err = store_step(st);
    store_finish(st);
    if (err)
        return AUTH_ERR_STORE;
    return store_changes(db) ? AUTH_OK : AUTH_ERR_NOT_FOUND;
}

/* The password hash of user ID, or of LOGIN when ID is 0. */
static int load_hash(struct store *db, const char *login, int64_t id, struct auth_user *u,
                     char hash[AUTH_PASSWORD_HASH_MAX])
{
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT " AUTH_USER_COLUMNS ", u.password_hash FROM users u"
                      " WHERE (? = 0 AND u.login = ?) OR u.id = ?",
                      &st))
        return AUTH_ERR_STORE;
    store_bind_int(st, 1, id);
    store_bind_text(st, 2, login);
    store_bind_int(st, 3, id);
    int err = store_step(st);
    if (err == STORE_ROW) {
        auth_user_read(st, 0, u);
        utf8_copy(hash, AUTH_PASSWORD_HASH_MAX, store_col_text(st, 7));
    }
    store_finish(st);
    return err == STORE_ROW ? AUTH_OK : err == STORE_OK ? AUTH_ERR_NOT_FOUND : AUTH_ERR_STORE;
}

int auth_login(struct store *db, const char *login, const char *password, struct auth_user *out)
{
    char norm[AUTH_LOGIN_MAX + 1], hash[AUTH_PASSWORD_HASH_MAX];
    if (!password || !*password || strlen(password) > 1024) {
        return AUTH_ERR_BAD_PASSWORD;
    }
    int err = normalise_login(login, norm) ? AUTH_ERR_NOT_FOUND : load_hash(db, norm, 0, out, hash);
    if (err == AUTH_ERR_NOT_FOUND) {
        auth_password_burn(password);
        return AUTH_ERR_BAD_PASSWORD;
    }
    if (err)
        return err;
    int ok = auth_password_verify(hash, password);
    sodium_memzero(hash, sizeof(hash));
    return ok ? AUTH_OK : AUTH_ERR_BAD_PASSWORD;
}

int auth_user_change_password(struct store *db, const struct auth_user *u, const char *current,
                              const char *new_password, struct auth_problem *p)
{
    if (!current || !*current)
        return problem(p, "current", "field_required");
    if (!new_password || !*new_password)
        return problem(p, "new", "field_required");
    if (!password_ok(new_password))
        return problem(p, "new", "password_length");
    struct auth_user again;
    char hash[AUTH_PASSWORD_HASH_MAX];
    int err = load_hash(db, NULL, u->id, &again, hash);
    if (err)
        return err;
    if (!auth_password_verify(hash, current))
        return problem(p, "current", "password_wrong");
    if (auth_password_hash(new_password, hash))
        return AUTH_ERR_NOMEM;
    struct store_stmt *st;
    if (store_prepare(db, "UPDATE users SET password_hash = ? WHERE id = ? AND institution_id = ?",
                      &st))
        return AUTH_ERR_STORE;
    store_bind_text(st, 1, hash);
    store_bind_int(st, 2, u->id);
    store_bind_int(st, 3, u->institution_id);
    err = store_step(st);
    store_finish(st);
    return err ? AUTH_ERR_STORE : AUTH_OK;
}
