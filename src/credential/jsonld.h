/*
 * JSON-LD 1.1 for credentials: expansion (W3C JSON-LD 1.1 Processing
 * Algorithms, section 5: context processing with protected, type-scoped and
 * property-scoped contexts, @propagate, @import, @vocab, @base, keyword
 * aliases, IRI expansion, value expansion, @list/@set/@graph/@index/@id/@type
 * and language containers, @nest, @reverse, @included, @json) and the
 * conversion to RDF (section 7: node objects, graph objects, lists, literals
 * with their canonical lexical forms, rdf:JSON).
 *
 * Contexts are only ever the bundled ones (credential/contexts.h) or
 * embedded in the document; a context URL that is not bundled is an error.
 *
 * STRICT (what signing and verifying use, like the "safe mode" of other
 * implementations) makes every piece of data that JSON-LD would silently
 * drop an error instead: a property or type the contexts do not define, a
 * relative IRI, a value that cannot become RDF. Unsigned data cannot then
 * hide in a signed credential.
 */
#ifndef CC_CREDENTIAL_JSONLD_H
#define CC_CREDENTIAL_JSONLD_H

#include <jansson.h>
#include <stddef.h>

#include "credential/rdf.h"

enum jsonld_error {
    JSONLD_OK = 0,
    JSONLD_ERR_NOMEM = -1,
    JSONLD_ERR_LIMIT = -2,       /* too large, too deep, too many contexts or nodes */
    JSONLD_ERR_SYNTAX = -3,      /* not valid JSON-LD (the message names the rule) */
    JSONLD_ERR_NOT_BUNDLED = -4, /* a context URL that is not bundled */
    JSONLD_ERR_PROTECTED = -5,   /* a protected term redefined */
    JSONLD_ERR_UNDEFINED = -6,   /* strict: a term the contexts do not define, a relative IRI */
};

struct jsonld_options {
    int strict;        /* see above */
    size_t max_bytes;  /* memory for contexts, strings and quads (0: 16 MiB) */
    size_t max_quads;  /* (0: 100,000) */
    size_t max_values; /* expanded values, a bound on the work (0: 200,000) */
    int max_depth;     /* nesting of objects, arrays and scoped contexts (0: 64) */
};

#define JSONLD_WHY_SIZE 256

/*
 * Expands DOC into *OUT (a new reference: an array of node objects, as the
 * algorithm's final step leaves it). On failure *OUT is NULL, an error code
 * is returned and WHY (JSONLD_WHY_SIZE bytes, may be NULL) says what.
 */
int jsonld_expand(const json_t *doc, const struct jsonld_options *opt, json_t **out, char *why)
    __attribute__((warn_unused_result));

/*
 * Converts DOC to RDF: expansion, then the Deserialize JSON-LD to RDF
 * algorithm, into OUT (set up by the caller with rdf_dataset_init; quads are
 * appended, repeated ones removed). Blank nodes get fresh labels (b0, b1…
 * and x-prefixed labels for the document's own _: identifiers); their
 * canonical labels are rdfc.c's job.
 */
int jsonld_to_rdf(const json_t *doc, const struct jsonld_options *opt, struct rdf_dataset *out,
                  char *why) __attribute__((warn_unused_result));

/*
 * The canonical lexical form of a JSON number as JSON-LD writes it into RDF:
 * an xsd:integer ("5", for integral values below 10^21) or, when AS_DOUBLE or
 * the value is not integral, an xsd:double ("5.3E0", "1.0E21"). OUT has 32 bytes.
 */
void jsonld_number_lexical(double v, int as_double, char out[32]);

/*
 * Writes V as JSON Canonicalization Scheme text (RFC 8785: keys sorted by
 * UTF-16 code units, no whitespace, numbers as ECMAScript prints them): the
 * lexical form of an rdf:JSON literal.
 */
int jsonld_jcs_write(const json_t *v, struct buf *out) __attribute__((warn_unused_result));

#endif
