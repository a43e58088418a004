#include "credential/proof.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "credential/credential.h"
#include "credential/jsonld.h"
#include "credential/multibase.h"
#include "credential/rdfc.h"
#include "util/banned.h"

#define MAX_QUADS 50000

static int from_jsonld(int err)
{
    switch (err) {
    case JSONLD_OK:
        return CRED_OK;
    case JSONLD_ERR_NOMEM:
        return CRED_ERR_NOMEM;
    case JSONLD_ERR_LIMIT:
        return CRED_ERR_TOO_LARGE;
    case JSONLD_ERR_NOT_BUNDLED:
        return CRED_ERR_CONTEXT_NOT_BUNDLED;
    case JSONLD_ERR_PROTECTED:
        return CRED_ERR_PROTECTED_TERM;
    case JSONLD_ERR_UNDEFINED:
        return CRED_ERR_UNDEFINED_TERM;
    default:
        return CRED_ERR_JSONLD;
    }
}

int proof_canonize(const json_t *doc, struct buf *out, char *why)
{
    struct jsonld_options opt = {0};
    opt.strict = 1;
    opt.max_quads = MAX_QUADS;
    struct rdf_dataset d;
    rdf_dataset_init(&d, MAX_QUADS, 32u << 20);
    int err = from_jsonld(jsonld_to_rdf(doc, &opt, &d, why));
    if (!err) {
        int r = rdfc_canonize(&d, 0, out);
        if (r == RDFC_ERR_TOO_COMPLEX) {
            err = CRED_ERR_TOO_COMPLEX;
            snprintf(why, CRED_WHY_SIZE,
                     "canonicalisation gave up: the blank nodes are too many alike to tell apart");
        } else if (r == RDFC_ERR_LIMIT) {
            err = CRED_ERR_TOO_LARGE;
            snprintf(why, CRED_WHY_SIZE, "the canonical form is larger than the limit");
        } else if (r) {
            err = CRED_ERR_NOMEM;
        }
    }
    rdf_dataset_release(&d);
    return err;
}

int proof_hash_data(const json_t *unsecured, const json_t *config, unsigned char out[64],
                    struct buf *doc_nq, struct buf *proof_nq, char *why)
{
    struct buf d, p;
    buf_init(&d, 8u << 20);
    buf_init(&p, 1u << 20);
    json_t *cfg = json_copy((json_t *)config);
    int err = CRED_ERR_NOMEM;
    if (!cfg)
        goto done;
    json_object_del(cfg, "proofValue");
    const json_t *ctx = json_object_get(unsecured, "@context");
    if (ctx && json_object_set(cfg, "@context", (json_t *)ctx))
        goto done;
    if ((err = proof_canonize(cfg, &p, why)))
        goto done;
    if ((err = proof_canonize(unsecured, &d, why)))
        goto done;
    crypto_hash_sha256(out, (const unsigned char *)p.data, p.len);
    crypto_hash_sha256(out + 32, (const unsigned char *)d.data, d.len);
    if ((doc_nq && buf_add(doc_nq, d.data, d.len)) ||
        (proof_nq && buf_add(proof_nq, p.data, p.len)))
        err = CRED_ERR_NOMEM;
done:
    json_decref(cfg);
    buf_release(&d);
    buf_release(&p);
    return err;
}

void proof_value_encode(const unsigned char sig[64], char out[PROOF_VALUE_MAX])
{
    struct buf b;
    buf_init(&b, PROOF_VALUE_MAX - 1);
    out[0] = 0;
    if (buf_addc(&b, 'z') == 0 && base58btc_encode(sig, 64, &b) == 0)
        snprintf(out, PROOF_VALUE_MAX, "%s", b.data);
    buf_release(&b);
}

int proof_value_decode(const char *value, unsigned char sig[64])
{
    unsigned char tmp[80];
    size_t n;
    if (!value || strlen(value) >= PROOF_VALUE_MAX ||
        multibase_decode_z(value, tmp, sizeof(tmp), &n) || n != 64)
        return -1;
    memcpy(sig, tmp, 64);
    return 0;
}
