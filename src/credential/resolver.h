/*
 * Verification methods: from a verificationMethod id (a DID URL such as
 * "did:key:z6Mk…#z6Mk…" or "did:web:college.edu#key-1", or an https URL of a
 * controller document) to the public key and who controls it.
 *
 * Nothing is fetched. did:key is resolved from the identifier itself; every
 * other method comes from documents the caller pins (a did:web document kept
 * on disk, a partner's controller document), or from a lookup hook that the
 * server sets to read its own institutions' keys.
 */
#ifndef CC_CREDENTIAL_RESOLVER_H
#define CC_CREDENTIAL_RESOLVER_H

#include <jansson.h>
#include <stdint.h>

enum resolver_error {
    RESOLVER_OK = 0,
    RESOLVER_ERR_NOMEM = -1,
    RESOLVER_ERR_NOT_FOUND = -2, /* no pinned document, unknown method, or not an offline DID */
    RESOLVER_ERR_INVALID = -3,   /* the document or the key in it is malformed */
};

#define RESOLVER_ID_MAX 512
#define RESOLVER_WHY    256

enum resolver_key_type {
    RESOLVER_KEY_ED25519 = 1, /* PUBLIC_KEY holds the 32 bytes */
    RESOLVER_KEY_JWK,         /* JWK holds an RSA or EC public JWK */
};

struct resolver_key {
    enum resolver_key_type type;
    unsigned char public_key[32];
    json_t *jwk;                      /* owned; NULL for Ed25519 */
    char id[RESOLVER_ID_MAX];         /* the method's absolute id */
    char controller[RESOLVER_ID_MAX]; /* who controls it (the issuer it may sign for) */
    int assertion_method;             /* its controller lists it under assertionMethod */
};

/* Frees what KEY owns. */
void resolver_key_release(struct resolver_key *key);

struct resolver {
    json_t *documents; /* pinned documents (an array; owned) */
    /*
     * Consulted before the pinned documents: returns RESOLVER_OK with *OUT
     * filled, RESOLVER_ERR_NOT_FOUND to let the next source try, or another error.
     */
    int (*lookup)(void *arg, const char *method, struct resolver_key *out);
    void *lookup_arg;
    /*
     * Status list credentials (W3C Bitstring Status List) by URL: pinned ones
     * ({"credential": the list, "fetched": milliseconds since the epoch}; owned),
     * then the hook, which returns RESOLVER_OK with *LIST (a new reference) and
     * *FETCHED_MS (when that copy was made), or RESOLVER_ERR_NOT_FOUND.
     * Nothing is fetched from the network here.
     */
    json_t *status_lists;
    int (*status_lookup)(void *arg, const char *url, json_t **list, int64_t *fetched_ms);
    void *status_arg;
};

/* Sets up a resolver with no pinned documents and no hook. */
void resolver_init(struct resolver *r);

/* Frees the pinned documents. */
void resolver_release(struct resolver *r);

/*
 * Pins DOC, a DID document or controller document ({"id": ..., "verificationMethod": [...],
 * "assertionMethod": [...]}); the resolver keeps its own reference. RESOLVER_ERR_INVALID
 * when it has no string id.
 */
int resolver_pin(struct resolver *r, json_t *doc) __attribute__((warn_unused_result));

/*
 * Pins the status list credential LIST (its "id" is the URL credentials name
 * it by), copied at FETCHED_MS (milliseconds since the epoch, -1 unknown).
 * RESOLVER_ERR_INVALID when it has no string id.
 */
int resolver_pin_status_list(struct resolver *r, json_t *list, int64_t fetched_ms)
    __attribute__((warn_unused_result));

/*
 * The status list credential of URL into *LIST (a new reference) and when it
 * was copied into *FETCHED_MS: a pinned one, else the hook's.
 * RESOLVER_ERR_NOT_FOUND when neither has it.
 */
int resolver_status_list(const struct resolver *r, const char *url, json_t **list,
                         int64_t *fetched_ms) __attribute__((warn_unused_result));

/*
 * Resolves METHOD into *OUT (resolver_key_release it). WHY (RESOLVER_WHY
 * bytes) says what failed. Keys in documents may be Multikey or
 * Ed25519VerificationKey2020 (publicKeyMultibase) or JsonWebKey /
 * JsonWebKey2020 (publicKeyJwk: OKP Ed25519, RSA, EC P-256).
 */
int resolver_resolve(const struct resolver *r, const char *method, struct resolver_key *out,
                     char *why) __attribute__((warn_unused_result));

/*
 * Resolves the did:key DID or DID URL S into *OUT without any document
 * (Ed25519 keys only: multicodec 0xed01). RESOLVER_ERR_NOT_FOUND when S is
 * not a did:key, RESOLVER_ERR_INVALID when it is a malformed one.
 */
int resolver_did_key(const char *s, struct resolver_key *out) __attribute__((warn_unused_result));

#endif
