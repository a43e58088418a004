/*
 * Issuer identity: each institution's issuer profile (bilingual name, URL,
 * image, email) and how its credentials name it: a did:web under the
 * server's public base URL (did:web:HOST:institutions:ID, whose document is
 * served at BASE/institutions/ID/did.json), the server's own did:web
 * (did:web:HOST, document at BASE/.well-known/did.json, for a server of one
 * college), or the did:key of its current key. Every key the institution
 * ever had is in its did:web documents, so key rotation keeps old
 * credentials verifiable; the resolver hooks of this file read them (and the
 * status lists) straight from the database, so the server verifies its own
 * credentials without fetching anything.
 */
#ifndef CC_CREDENTIAL_ISSUER_H
#define CC_CREDENTIAL_ISSUER_H

#include <jansson.h>
#include <stdint.h>

#include "credential/badge.h"
#include "credential/credential.h"
#include "credential/resolver.h"
#include "store/store.h"
#include "util/seal.h"

#define ISSUER_NAME_MAX  200  /* characters */
#define ISSUER_URL_MAX   1024 /* bytes of the URL and of the image URL */
#define ISSUER_EMAIL_MAX 254
#define ISSUER_BASE_MAX  256 /* bytes of the public base URL */

struct issuer_profile {
    int64_t institution;
    char name_en[ISSUER_NAME_MAX * 4 + 1];
    char name_zh[ISSUER_NAME_MAX * 4 + 1];
    char url[ISSUER_URL_MAX + 1];
    char image[ISSUER_URL_MAX + 1];
    char email[ISSUER_EMAIL_MAX + 1];
    char did_method[8]; /* "web", "host" or "key" */
    char updated_at[21];
};

/* What an administrator changes: NULL leaves a field as it is ("" clears url, image, email). */
struct issuer_input {
    const char *name_en, *name_zh, *url, *image, *email, *did_method;
};

/*
 * Is BASE a public base URL: http:// or https://, a host (and port), an
 * optional path, no query, fragment or user, no trailing slash, at most
 * ISSUER_BASE_MAX bytes? 1 or 0.
 */
int issuer_base_ok(const char *base);

/*
 * The did:web of BASE into OUT (RESOLVER_ID_MAX bytes): the host with a port
 * as "%3A", then the path's segments, colon-separated
 * ("https://x.edu:8443/cc" -> "did:web:x.edu%3A8443:cc").
 */
void issuer_web_did(const char *base, char *out);

/* INSTITUTION's profile; the institution's names when it has none yet. */
int issuer_profile_get(struct store *db, int64_t institution, struct issuer_profile *out)
    __attribute__((warn_unused_result));

/* Changes INSTITUTION's profile (checked first; P says what is wrong); fills OUT. */
int issuer_profile_set(struct store *db, int64_t institution, const struct issuer_input *in,
                       struct issuer_profile *out, struct badge_problem *p)
    __attribute__((warn_unused_result));

/* The issuer id of INSTITUTION under METHOD ("web", "host"; not "key") and BASE into OUT. */
void issuer_did(const char *base, int64_t institution, const char *method, char *out);

/*
 * The signer of INSTITUTION: its current key (keystore_signer, DIR for the
 * key file of earlier versions), with the issuer and verification method of
 * its profile's DID method under BASE. WHY (CRED_WHY_SIZE bytes) says what
 * failed. Returns an enum cred_error code.
 */
int issuer_signer(struct store *db, const unsigned char seal_key[SEAL_KEY_BYTES], const char *dir,
                  const char *base, int64_t institution, struct cred_signer *out, char *why)
    __attribute__((warn_unused_result));

/*
 * The OB 3.0 Profile of P for a credential signed by SIGNER, with its name in
 * LANG ("en" or "zh-CN"). A new reference; NULL when out of memory.
 */
json_t *issuer_profile_json(const struct issuer_profile *p, const struct cred_signer *signer,
                            const char *lang);

/*
 * The did:web document of INSTITUTION under BASE: every key as a Multikey
 * verification method in assertionMethod, with the dates it was active.
 * BADGE_ERR_NOT_FOUND when the institution has no key yet.
 */
int issuer_did_document(struct store *db, const char *base, int64_t institution, json_t **out)
    __attribute__((warn_unused_result));

/* The server's did:web document (did:web:HOST): every institution's keys as #institution-N-key-K.
 */
int issuer_server_document(struct store *db, const char *base, json_t **out)
    __attribute__((warn_unused_result));

/* The URL of status list LIST of INSTITUTION under BASE into OUT (ISSUER_URL_MAX bytes). */
void issuer_status_url(const char *base, int64_t institution, int64_t list, char *out);

/*
 * The server's resolver hooks: verification methods of its own did:web
 * documents and its status lists, read from DB. Fill one per thread (it holds
 * the connection) and hand it to issuer_resolver_init.
 */
struct issuer_lookup {
    struct store *db;
    char base[ISSUER_BASE_MAX + 1];
    char did[RESOLVER_ID_MAX]; /* the did:web of BASE */
};

/* Sets up R (resolver_init'ed) to use L, which must outlive it. */
void issuer_resolver_init(struct resolver *r, struct issuer_lookup *l, struct store *db,
                          const char *base);

#endif
