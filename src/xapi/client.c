#include "xapi/client.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth/account.h"
#include "util/timeutil.h"
#include "util/utf8.h"
#include "util/banned.h"

static const struct {
    const char *name;
    unsigned scope;
} scopes[] = {
    {"statements/write", XAPI_SCOPE_STATEMENTS_WRITE},
    {"statements/read", XAPI_SCOPE_STATEMENTS_READ},
    {"statements/read/mine", XAPI_SCOPE_STATEMENTS_READ_MINE},
    {"state", XAPI_SCOPE_STATE},
    {"define", XAPI_SCOPE_DEFINE},
    {"profile", XAPI_SCOPE_PROFILE},
    {"all/read", XAPI_SCOPE_ALL_READ},
    {"all", XAPI_SCOPE_ALL},
};

#define NSCOPES (sizeof(scopes) / sizeof(scopes[0]))

unsigned xapi_scope_parse(const char *name)
{
    for (size_t i = 0; i < NSCOPES; i++)
        if (strcmp(name, scopes[i].name) == 0)
            return scopes[i].scope;
    return 0;
}

void xapi_scope_names(unsigned mask, char *out, size_t size)
{
    size_t n = 0;
    out[0] = 0;
    for (size_t i = 0; i < NSCOPES; i++)
        if ((mask & scopes[i].scope) && n < size)
            n += (size_t)snprintf(out + n, size - n, "%s%s", n ? " " : "", scopes[i].name);
}

int xapi_scope_allows(unsigned have, unsigned want)
{
    if (have & XAPI_SCOPE_ALL)
        return 1;
    /* all/read covers every read scope; statements/read covers reading only one's own too. */
    const unsigned reads = XAPI_SCOPE_STATEMENTS_READ | XAPI_SCOPE_STATEMENTS_READ_MINE;
    if ((have & XAPI_SCOPE_ALL_READ) && (want & (reads | XAPI_SCOPE_ALL_READ)))
        return 1;
    if ((have & XAPI_SCOPE_STATEMENTS_READ) && (want & XAPI_SCOPE_STATEMENTS_READ_MINE))
        return 1;
    return (have & want) != 0;
}

static void secret_hash(const char *secret, char out[SECRET_SHA256_HEX_LEN + 1])
{
    secret_sha256_hex(secret, strlen(secret), out);
}

int xapi_client_create(struct store *db, int64_t institution, const char *name, unsigned mask,
                       struct xapi_client *out, char secret[SECRET_TOKEN_LEN + 1])
{
    if (!auth_name_ok(name, AUTH_NAME_MAX) || !mask)
        return XAPI_ERR_INVALID;
    /* The key is public-ish (it names the client in logs); 20 characters of base64url. */
    unsigned char raw[15];
    randombytes_buf(raw, sizeof(raw));
    secret_base64url(raw, sizeof(raw), out->key, sizeof(out->key));
    secret_token(secret);
    char hash[SECRET_SHA256_HEX_LEN + 1], scope_text[160], now[21];
    secret_hash(secret, hash);
    xapi_scope_names(mask, scope_text, sizeof(scope_text));
    time_iso8601(time_now(), now);
    struct store_stmt *st;
    if (store_prepare(db,
                      "INSERT INTO xapi_clients (institution_id, name, key, secret_hash, scopes,"
                      " created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                      &st))
        return XAPI_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_text(st, 2, name);
    store_bind_text(st, 3, out->key);
    store_bind_text(st, 4, hash);
    store_bind_text(st, 5, scope_text);
    store_bind_text(st, 6, now);
    int err = store_step(st);
    if (err == STORE_ROW) {
        out->id = store_col_int(st, 0);
        err = store_step(st);
    }
    store_finish(st);
    if (err)
        return XAPI_ERR_STORE;
    out->institution_id = institution;
    out->scopes = mask;
    out->revoked = 0;
    utf8_copy(out->name, sizeof(out->name), name);
    utf8_copy(out->created_at, sizeof(out->created_at), now);
    return XAPI_OK;
}

static unsigned parse_scopes(const char *text)
{
    unsigned mask = 0;
    char word[32];
    while (*text) {
        size_t n = strcspn(text, " ");
        if (n && n < sizeof(word)) {
            memcpy(word, text, n);
            word[n] = 0;
            mask |= xapi_scope_parse(word);
        }
        text += n;
        while (*text == ' ')
            text++;
    }
    return mask;
}

#define CLIENT_COLUMNS "id, institution_id, key, name, scopes, created_at, revoked_at IS NOT NULL"

static void read_client(struct store_stmt *st, struct xapi_client *c)
{
    c->id = store_col_int(st, 0);
    c->institution_id = store_col_int(st, 1);
    utf8_copy(c->key, sizeof(c->key), store_col_text(st, 2));
    utf8_copy(c->name, sizeof(c->name), store_col_text(st, 3));
    c->scopes = parse_scopes(store_col_text(st, 4));
    utf8_copy(c->created_at, sizeof(c->created_at), store_col_text(st, 5));
    c->revoked = (int)store_col_int(st, 6);
}

int xapi_client_authenticate(struct store *db, const char *key, const char *secret,
                             struct xapi_client *out)
{
    if (!key || !secret || strlen(key) != XAPI_CLIENT_KEY_LEN)
        return XAPI_ERR_NOT_FOUND;
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT " CLIENT_COLUMNS ", secret_hash FROM xapi_clients WHERE key = ?"
                      " AND revoked_at IS NULL",
                      &st))
        return XAPI_ERR_STORE;
    store_bind_text(st, 1, key);
    int err = store_step(st), ok = 0;
    if (err == STORE_ROW) {
        char hash[SECRET_SHA256_HEX_LEN + 1];
        secret_hash(secret, hash);
        ok = secret_equal(hash, store_col_text(st, 7));
        read_client(st, out);
    }
    store_finish(st);
    if (err < 0)
        return XAPI_ERR_STORE;
    return ok ? XAPI_OK : XAPI_ERR_NOT_FOUND;
}

int xapi_client_list(struct store *db, int64_t institution, xapi_client_fn fn, void *ctx)
{
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT " CLIENT_COLUMNS " FROM xapi_clients WHERE institution_id = ?"
                      " ORDER BY id DESC",
                      &st))
        return XAPI_ERR_STORE;
    store_bind_int(st, 1, institution);
    int err, stop = 0;
    struct xapi_client c;
    while (!stop && (err = store_step(st)) == STORE_ROW) {
        read_client(st, &c);
        stop = fn(ctx, &c);
    }
    store_finish(st);
    if (stop)
        return stop;
    return err < 0 ? XAPI_ERR_STORE : XAPI_OK;
}

int xapi_client_revoke(struct store *db, int64_t institution, int64_t id)
{
    struct store_stmt *st;
    if (store_prepare(db,
                      "UPDATE xapi_clients SET revoked_at = ? WHERE id = ? AND institution_id = ?"
                      " AND revoked_at IS NULL",
                      &st))
        return XAPI_ERR_STORE;
    char now[21];
    time_iso8601(time_now(), now);
    store_bind_text(st, 1, now);
    store_bind_int(st, 2, id);
    store_bind_int(st, 3, institution);
    int err = store_step(st);
    store_finish(st);
    if (err)
        return XAPI_ERR_STORE;
    return store_changes(db) ? XAPI_OK : XAPI_ERR_NOT_FOUND;
}
