/*
 * RDF Dataset Canonicalization (W3C RDFC-1.0, the URDNA2015 algorithm) with
 * SHA-256, serialised as canonical N-Quads: blank nodes relabelled _:c14n0,
 * _:c14n1… so that isomorphic datasets give the same bytes, lines sorted.
 *
 * The Hash N-Degree Quads step tries every permutation of blank nodes that
 * share a hash, which a hostile dataset can make explode (cliques of
 * indistinguishable nodes). The work is therefore counted (each call of the
 * step and each permutation tried) and bounded: past the limit the call fails
 * with RDFC_ERR_TOO_COMPLEX instead of running for hours, as the
 * specification's security section asks.
 */
#ifndef CC_CREDENTIAL_RDFC_H
#define CC_CREDENTIAL_RDFC_H

#include <stddef.h>

#include "credential/rdf.h"
#include "util/buf.h"

enum rdfc_error {
    RDFC_OK = 0,
    RDFC_ERR_NOMEM = -1,
    RDFC_ERR_TOO_COMPLEX = -2, /* the blank node work passed the limit */
    RDFC_ERR_LIMIT = -3,       /* the output passed OUT's cap */
};

#define RDFC_DEFAULT_MAX_WORK 20000

/*
 * Canonicalises D into OUT (appended): canonical N-Quads, one line per
 * distinct quad, each ending in "\n". MAX_WORK bounds the Hash N-Degree
 * Quads work (0: RDFC_DEFAULT_MAX_WORK); datasets whose blank nodes are all
 * told apart by their own quads need none.
 */
int rdfc_canonize(const struct rdf_dataset *d, size_t max_work, struct buf *out)
    __attribute__((warn_unused_result));

#endif
