/*
 * Fuzzes the credential parser and canonicaliser: arbitrary bytes as JSON
 * expanded with the bundled contexts and converted to RDF (strict and not),
 * canonicalised with RDFC-1.0 under a small work limit; the same bytes as
 * N-Quads, canonicalised; and the whole verifier (JSON credentials and
 * VC-JWTs). Nothing may crash, leak or hang, and canonicalisation must be
 * stable: the canonical N-Quads, parsed and canonicalised again, are the same.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "credential/credential.h"
#include "credential/jsonld.h"
#include "credential/rdfc.h"
#include "util/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                   \
    ((c) ? (void)0                                                                                 \
         : (fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c), abort()))

#define MAX_WORK 300

/* Canonicalises D; when it succeeds, checks that its output is a fixed point. */
static void canon_twice(const struct rdf_dataset *d)
{
    struct buf a;
    buf_init(&a, 1 << 22);
    if (rdfc_canonize(d, MAX_WORK, &a) == 0) {
        struct rdf_dataset again;
        rdf_dataset_init(&again, 20000, 1 << 22);
        CHECK(rdf_nquads_parse(a.data, a.len, &again) == 0);
        struct buf b;
        buf_init(&b, 1 << 22);
        CHECK(rdfc_canonize(&again, MAX_WORK * 4, &b) == 0);
        CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
        buf_release(&b);
        rdf_dataset_release(&again);
    }
    buf_release(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        if (sodium_init() < 0)
            abort();
        ready = 1;
    }
    if (size > 64 * 1024)
        return 0;
    json_t *doc;
    if (json_read((const char *)data, size, 24, 0, &doc) == 0) {
        for (int strict = 0; strict < 2; strict++) {
            struct jsonld_options opt = {0};
            opt.strict = strict;
            opt.max_quads = 5000;
            opt.max_values = 20000;
            opt.max_bytes = 8u << 20;
            struct rdf_dataset d;
            rdf_dataset_init(&d, 5000, 8u << 20);
            char why[JSONLD_WHY_SIZE];
            int err = jsonld_to_rdf(doc, &opt, &d, why);
            if (err == 0)
                canon_twice(&d);
            else
                CHECK(why[0] != 0);
            rdf_dataset_release(&d);
        }
        json_decref(doc);
    }
    struct rdf_dataset nq;
    rdf_dataset_init(&nq, 5000, 8u << 20);
    if (rdf_nquads_parse((const char *)data, size, &nq) == 0)
        canon_twice(&nq);
    rdf_dataset_release(&nq);
    struct cred_report rep;
    int err = cred_verify((const char *)data, size, NULL, 1795000000000LL, &rep);
    CHECK(err == rep.error);
    cred_report_release(&rep);
    return 0;
}
