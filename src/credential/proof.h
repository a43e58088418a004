/*
 * The eddsa-rdfc-2022 cryptosuite (W3C Data Integrity EdDSA Cryptosuites
 * v1.0, section 3.3): the data to sign is SHA-256 of the canonical proof
 * configuration followed by SHA-256 of the canonical document, both
 * canonicalised with RDFC-1.0 after strict JSON-LD to RDF; the signature is
 * Ed25519 and the proofValue its base58btc multibase ("z…").
 */
#ifndef CC_CREDENTIAL_PROOF_H
#define CC_CREDENTIAL_PROOF_H

#include <jansson.h>

#include "util/buf.h"

#define PROOF_TYPE        "DataIntegrityProof"
#define PROOF_CRYPTOSUITE "eddsa-rdfc-2022"
#define PROOF_PURPOSE     "assertionMethod"
#define PROOF_VALUE_MAX   96 /* "z" + base58btc of 64 bytes (at most 88) + NUL */

/*
 * Canonical N-Quads of DOC into OUT (appended): strict JSON-LD to RDF with
 * the bundled contexts, then RDFC-1.0. Returns an enum cred_error code.
 */
int proof_canonize(const json_t *doc, struct buf *out, char *why)
    __attribute__((warn_unused_result));

/*
 * The 64 bytes to sign for UNSECURED (the document without proof) and CONFIG
 * (the proof without proofValue; its @context is replaced by the document's)
 * into OUT: SHA-256(canonical CONFIG) ‖ SHA-256(canonical UNSECURED). When
 * DOC_NQ or PROOF_NQ are not NULL the canonical forms are appended to them.
 */
int proof_hash_data(const json_t *unsecured, const json_t *config, unsigned char out[64],
                    struct buf *doc_nq, struct buf *proof_nq, char *why)
    __attribute__((warn_unused_result));

/* The proofValue of a 64-byte signature. */
void proof_value_encode(const unsigned char sig[64], char out[PROOF_VALUE_MAX]);

/* Reads a proofValue into SIG; -1 unless it is "z" + base58btc of exactly 64 bytes. */
int proof_value_decode(const char *value, unsigned char sig[64])
    __attribute__((warn_unused_result));

#endif
