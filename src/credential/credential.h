/*
 * Verifiable credentials: signing with an embedded Data Integrity proof
 * (cryptosuite eddsa-rdfc-2022), and verifying such credentials and VC-JWTs
 * (RS256, ES256, EdDSA) from anyone, offline.
 *
 * The layers underneath, each usable alone: jsonld.h (JSON-LD to RDF with the
 * bundled contexts), rdfc.h (RDFC-1.0), proof.h (the cryptosuite's hashing,
 * signing and verifying of one proof), resolver.h (verification methods:
 * did:key, pinned documents, a hook for the server's own keys), jwt.h.
 *
 * Every failure has its own code, so that a tampered credential is reported
 * for the right reason, and a stable name (cred_error_name) for JSON output
 * and translations.
 */
#ifndef CC_CREDENTIAL_CREDENTIAL_H
#define CC_CREDENTIAL_CREDENTIAL_H

#include <jansson.h>
#include <sodium.h>
#include <stdint.h>

#include "credential/resolver.h"
#include "util/buf.h"

/* Append-only: the numbers may be stored or logged. */
enum cred_error {
    CRED_OK = 0,
    CRED_ERR_NOMEM = -1,
    CRED_ERR_TOO_LARGE = -2,      /* bigger, deeper or wider than the limits */
    CRED_ERR_NOT_JSON = -3,       /* not JSON (nor a JWT) */
    CRED_ERR_NOT_CREDENTIAL = -4, /* no VC @context first, no VerifiableCredential type */
    CRED_ERR_CONTEXT_NOT_BUNDLED = -5,
    CRED_ERR_JSONLD = -6,         /* invalid JSON-LD */
    CRED_ERR_UNDEFINED_TERM = -7, /* a property, type or IRI the contexts do not define */
    CRED_ERR_PROTECTED_TERM = -8, /* a protected term redefined */
    CRED_ERR_TOO_COMPLEX = -9,    /* canonicalisation passed its work limit */
    CRED_ERR_NO_PROOF = -10,
    CRED_ERR_PROOF_TYPE = -11,    /* a proof that is not a DataIntegrityProof */
    CRED_ERR_CRYPTOSUITE = -12,   /* a cryptosuite other than eddsa-rdfc-2022 */
    CRED_ERR_PROOF_FIELD = -13,   /* a required proof field missing or malformed */
    CRED_ERR_PROOF_PURPOSE = -14, /* proofPurpose other than assertionMethod */
    CRED_ERR_PROOF_VALUE = -15,   /* proofValue not a base58btc multibase Ed25519 signature */
    CRED_ERR_METHOD_UNRESOLVED = -16,
    CRED_ERR_METHOD_NOT_AUTHORIZED =
        -17,                  /* controller is not the issuer, or not an assertion key */
    CRED_ERR_SIGNATURE = -18, /* the signature does not verify: the data or the key changed */
    CRED_ERR_NOT_YET_VALID = -19,
    CRED_ERR_EXPIRED = -20,
    CRED_ERR_DATE = -21,               /* a date that is not an xsd:dateTime */
    CRED_ERR_ISSUER = -22,             /* signing: the issuer is not the signer's */
    CRED_ERR_ALREADY_SIGNED = -23,     /* signing: the credential already has a proof */
    CRED_ERR_JWT = -24,                /* a malformed JWT */
    CRED_ERR_JWT_ALG = -25,            /* a JWS algorithm other than RS256, ES256, EdDSA */
    CRED_ERR_KEY_TYPE = -26,           /* the key does not suit the algorithm */
    CRED_ERR_CONTEXT_MISMATCH = -27,   /* proof @context is not the start of the credential's */
    CRED_ERR_REVOKED = -28,            /* its status list says revoked */
    CRED_ERR_SUSPENDED = -29,          /* its status list says suspended */
    CRED_ERR_STATUS_UNAVAILABLE = -30, /* its status list is not at hand (offline, not pinned) */
    CRED_ERR_STATUS_INVALID =
        -31, /* a malformed entry, or a list that is bad or not the issuer's */
};

/* A stable lower-case name for CODE ("signature_invalid"), "ok" for 0. */
const char *cred_error_name(int code);

/* Limits of one credential. */
#define CRED_MAX_BYTES (1024 * 1024)
#define CRED_MAX_DEPTH 48
#define CRED_WHY_SIZE  256

/* ------------------------------------------------------------ canonical form */

enum cred_canon_part {
    CRED_CANON_DOCUMENT = 0, /* the document without its proof: what is signed */
    CRED_CANON_PROOF, /* each proof's configuration (no proofValue, the document's @context) */
    CRED_CANON_AS_IS, /* the whole document as given */
};

/*
 * Canonical N-Quads of PART of DOC into OUT (appended), strict (undefined
 * terms are errors). WHY (CRED_WHY_SIZE bytes) says what failed.
 */
int cred_canonize(const json_t *doc, enum cred_canon_part part, struct buf *out, char *why)
    __attribute__((warn_unused_result));

/* ------------------------------------------------------------ signing */

/*
 * Who signs: an Ed25519 key, the issuer id credentials must carry and the
 * verificationMethod that names the key. cred_signer_from_seed makes the
 * did:key form (issuer did:key:z6Mk…, method did:key:z6Mk…#z6Mk…); an
 * issuer with a did:web document sets ISSUER and METHOD itself.
 */
struct cred_signer {
    unsigned char secret_key[crypto_sign_SECRETKEYBYTES];
    unsigned char public_key[crypto_sign_PUBLICKEYBYTES];
    char issuer[RESOLVER_ID_MAX];
    char method[RESOLVER_ID_MAX];
};

/* Derives the key pair from SEED and fills the did:key issuer and method. */
void cred_signer_from_seed(struct cred_signer *s, const unsigned char seed[crypto_sign_SEEDBYTES]);

/* Wipes the secret key. */
void cred_signer_clear(struct cred_signer *s);

/*
 * Signs CREDENTIAL (not changed) into *OUT (a new credential with an
 * eddsa-rdfc-2022 DataIntegrityProof created at CREATED, an xsd:dateTime
 * such as "2026-11-29T12:00:00Z"). The credential must be a VC (v2 or v1
 * context first, type VerifiableCredential) without a proof, whose terms the
 * bundled contexts all define. Its issuer is set to the signer's when absent
 * (or an object without id) and must be the signer's otherwise; a VC v2
 * credential without validFrom gets CREATED.
 */
int cred_sign(const json_t *credential, const struct cred_signer *signer, const char *created,
              json_t **out, char *why) __attribute__((warn_unused_result));

/* ------------------------------------------------------------ verifying */

enum cred_check {
    CRED_CHECK_FORMAT = 0, /* JSON (or a JWT) holding a verifiable credential */
    CRED_CHECK_CONTEXTS,   /* every @context bundled, the VC context first */
    CRED_CHECK_PROOF,      /* a proof with the fields its type requires */
    CRED_CHECK_CRYPTOSUITE,
    CRED_CHECK_METHOD,    /* the verification method resolved and the issuer's */
    CRED_CHECK_SIGNATURE, /* the canonical form and the signature */
    CRED_CHECK_DATES,     /* validFrom / validUntil (issuanceDate, expirationDate; nbf, exp) */
    CRED_CHECK_STATUS,    /* credentialStatus: not revoked or suspended in its status list */
    CRED_CHECK_COUNT
};

enum cred_check_result {
    CRED_CHECK_NOT_RUN = 0, /* an earlier check failed */
    CRED_CHECK_PASSED,
    CRED_CHECK_FAILED,
};

enum cred_format {
    CRED_FORMAT_UNKNOWN = 0,
    CRED_FORMAT_DATA_INTEGRITY, /* JSON-LD with an embedded proof */
    CRED_FORMAT_JWT,            /* VC-JWT (compact JWS) */
};

struct cred_check_outcome {
    enum cred_check_result result;
    int error; /* enum cred_error, when FAILED */
    char detail[CRED_WHY_SIZE];
};

struct cred_report {
    enum cred_format format;
    struct cred_check_outcome checks[CRED_CHECK_COUNT];
    int error;          /* the first failure, 0 when every check passed */
    json_t *credential; /* the credential itself (a JWT's payload credential) */
    char issuer[RESOLVER_ID_MAX];
    char method[RESOLVER_ID_MAX]; /* the verification method (JWT: the key id) */
    char algorithm[32];           /* "eddsa-rdfc-2022", "RS256"… */
    char valid_from[64], valid_until[64];
    /* The status list consulted (the first, when there are several) and when it was copied. */
    char status_list[1024];
    int64_t status_fetched_ms; /* -1: unknown or no list */
};

/* The stable lower-case name of CHECK ("signature"). */
const char *cred_check_name(enum cred_check check);

/*
 * Verifies the credential in DATA (LEN bytes: JSON with an embedded proof,
 * or a compact VC-JWT) with methods from RESOLVER, dates against NOW_MS
 * (milliseconds since the epoch). Fills *REPORT (cred_report_release it)
 * with every check; returns 0 only when all passed, else the first failure
 * (as REPORT->error).
 *
 * The status check reads each BitstringStatusListEntry's list through
 * resolver_status_list(); the list must verify (signature, dates) and be
 * signed by the credential's issuer. A credential without credentialStatus
 * passes it; one whose list is not at hand fails it (status_unavailable).
 */
int cred_verify(const char *data, size_t len, const struct resolver *resolver, int64_t now_ms,
                struct cred_report *report) __attribute__((warn_unused_result));

/* Frees what REPORT owns. */
void cred_report_release(struct cred_report *report);

/*
 * The report as JSON: {"verified", "format", "error", "issuer", "method",
 * "algorithm", "validFrom", "validUntil", "statusList", "statusFetched"
 * (ISO 8601, "" when unknown), "checks": [{"check", "result", "error",
 * "detail"}]}. NULL when out of memory.
 */
json_t *cred_report_json(const struct cred_report *report);

#endif
