/*
 * LRS clients: programs (VR simulations, H5P, cmi5 players, another LRS) that
 * talk xAPI to CareCampus with HTTP Basic credentials. A client belongs to an
 * institution and holds scopes; its key and secret are random, and only a
 * hash of the secret is stored, so the secret is shown once at creation.
 */
#ifndef CC_XAPI_CLIENT_H
#define CC_XAPI_CLIENT_H

#include <stdint.h>

#include "store/store.h"
#include "util/secret.h"
#include "xapi/xapi.h"

enum xapi_scope {
    XAPI_SCOPE_STATEMENTS_WRITE = 1 << 0,
    XAPI_SCOPE_STATEMENTS_READ = 1 << 1,
    XAPI_SCOPE_STATEMENTS_READ_MINE = 1 << 2,
    XAPI_SCOPE_STATE = 1 << 3,
    XAPI_SCOPE_DEFINE = 1 << 4,
    XAPI_SCOPE_PROFILE = 1 << 5,
    XAPI_SCOPE_ALL_READ = 1 << 6,
    XAPI_SCOPE_ALL = 1 << 7,
};

#define XAPI_CLIENT_KEY_LEN 20

struct xapi_client {
    int64_t id;
    int64_t institution_id;
    unsigned scopes;
    char key[XAPI_CLIENT_KEY_LEN + 1];
    char name[401];
    char created_at[21];
    int revoked;
};

/* Parses one scope name ("statements/write"); 0 when unknown. */
unsigned xapi_scope_parse(const char *name);

/* Writes the scope names of MASK, space-separated, into OUT. */
void xapi_scope_names(unsigned mask, char *out, size_t size);

/* Does a client with SCOPES have any of WANT (ALL and ALL_READ included as the spec says)? */
int xapi_scope_allows(unsigned scopes, unsigned want);

/*
 * Creates a client of INSTITUTION named NAME with SCOPES; fills OUT and SECRET
 * (to be shown once). Name problems are AUTH-style: XAPI_ERR_INVALID.
 */
int xapi_client_create(struct store *db, int64_t institution, const char *name, unsigned scopes,
                       struct xapi_client *out, char secret[SECRET_TOKEN_LEN + 1])
    __attribute__((warn_unused_result));

/* The client with KEY whose secret is SECRET and that is not revoked; XAPI_ERR_NOT_FOUND else. */
int xapi_client_authenticate(struct store *db, const char *key, const char *secret,
                             struct xapi_client *out) __attribute__((warn_unused_result));

typedef int (*xapi_client_fn)(void *ctx, const struct xapi_client *c);

/* Calls FN for each client of INSTITUTION, newest first. */
int xapi_client_list(struct store *db, int64_t institution, xapi_client_fn fn, void *ctx)
    __attribute__((warn_unused_result));

/* Revokes client ID of INSTITUTION: its credentials stop working at once. */
int xapi_client_revoke(struct store *db, int64_t institution, int64_t id)
    __attribute__((warn_unused_result));

#endif
