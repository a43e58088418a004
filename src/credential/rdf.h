/*
 * RDF datasets as the credential code needs them: terms, quads, N-Quads.
 * jsonld.c produces a dataset from a JSON-LD document, rdfc.c canonicalises
 * one. Every string of a dataset lives in its arena (or is a constant), so a
 * dataset is freed at once with rdf_dataset_release().
 */
#ifndef CC_CREDENTIAL_RDF_H
#define CC_CREDENTIAL_RDF_H

#include <stddef.h>

#include "credential/arena.h"
#include "util/buf.h"

enum rdf_error {
    RDF_OK = 0,
    RDF_ERR_NOMEM = -1,
    RDF_ERR_LIMIT = -2,  /* more quads or bytes than the dataset's limits */
    RDF_ERR_SYNTAX = -3, /* not N-Quads (rdf_nquads_parse) */
};

enum rdf_kind {
    RDF_DEFAULT_GRAPH = 0, /* only as a graph name */
    RDF_IRI,
    RDF_BLANK,
    RDF_LITERAL,
};

#define RDF_TYPE        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
#define RDF_FIRST       "http://www.w3.org/1999/02/22-rdf-syntax-ns#first"
#define RDF_REST        "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest"
#define RDF_NIL         "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil"
#define RDF_JSON        "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON"
#define RDF_LANG_STRING "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
#define XSD_STRING      "http://www.w3.org/2001/XMLSchema#string"
#define XSD_BOOLEAN     "http://www.w3.org/2001/XMLSchema#boolean"
#define XSD_INTEGER     "http://www.w3.org/2001/XMLSchema#integer"
#define XSD_DOUBLE      "http://www.w3.org/2001/XMLSchema#double"

/*
 * A term. VALUE is the IRI, the blank node's label (without "_:") or the
 * literal's lexical form. A literal has a LANGUAGE (then DATATYPE is NULL:
 * rdf:langString) or a DATATYPE, NULL meaning xsd:string.
 */
struct rdf_term {
    enum rdf_kind kind;
    const char *value;
    const char *datatype;
    const char *language;
};

struct rdf_quad {
    struct rdf_term s, p, o, g;
};

struct rdf_dataset {
    struct rdf_quad *quads;
    size_t len, cap;
    size_t max_quads;
    struct cred_arena arena;
};

/* Sets up an empty dataset of at most MAX_QUADS quads and MAX_BYTES of strings. */
void rdf_dataset_init(struct rdf_dataset *d, size_t max_quads, size_t max_bytes);

/* Frees the quads and every string of the arena. */
void rdf_dataset_release(struct rdf_dataset *d);

/* Appends Q (its strings must outlive the dataset: its arena's, or constants). */
int rdf_dataset_add(struct rdf_dataset *d, const struct rdf_quad *q)
    __attribute__((warn_unused_result));

/* Orders quads (for sorting and finding repeats): <0, 0, >0 like strcmp. */
int rdf_quad_compare(const struct rdf_quad *a, const struct rdf_quad *b);

/* Removes repeated quads (a dataset is a set); the order of the rest changes. */
void rdf_dataset_dedupe(struct rdf_dataset *d);

/*
 * Writes T as N-Quads does, in the canonical form of RDFC-1.0: IRIs in <>,
 * blank nodes as _:label, literals quoted with only \" \\ \n \r \t \b \f
 * escaped and the other control characters (and DEL) as \uXXXX, the datatype
 * left out for xsd:string. LABEL, when not NULL, gives the blank node label to
 * write instead of the term's own (canonicalisation); RELABEL_CTX is its
 * argument.
 */
int rdf_term_write(const struct rdf_term *t, struct buf *out,
                   const char *(*label)(void *relabel_ctx, const char *blank), void *relabel_ctx)
    __attribute__((warn_unused_result));

/* Writes Q as one N-Quads line ending in "\n", relabelling blank nodes like rdf_term_write. */
int rdf_quad_write(const struct rdf_quad *q, struct buf *out,
                   const char *(*label)(void *relabel_ctx, const char *blank), void *relabel_ctx)
    __attribute__((warn_unused_result));

/*
 * Parses N-Quads (RDF 1.1: IRIs, blank nodes, literals with a datatype or a
 * language, comments, \uXXXX \UXXXXXXXX and the ECHAR escapes) into D.
 * For tests, the fuzz target and tools: credentials come as JSON-LD.
 */
int rdf_nquads_parse(const char *text, size_t len, struct rdf_dataset *d)
    __attribute__((warn_unused_result));

#endif
