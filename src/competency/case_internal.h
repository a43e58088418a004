/*
 * What the files of competency/ share about CASE packages and is no business
 * of anyone else: a set of identifiers, the parsed and checked package, and
 * the JSON summaries the readers build.
 */
#ifndef CC_COMPETENCY_CASE_INTERNAL_H
#define CC_COMPETENCY_CASE_INTERNAL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "competency/case.h"
#include "store/store.h"

/* ---- A set of strings, each with an int: open addressing, FNV-1a ---- */

struct case_idset {
    char **keys; /* NULL: an empty slot */
    int *values;
    size_t cap, len;
    int own; /* the set copies its keys (and frees them) */
};

/* Sets up an empty set that copies its keys when OWN; allocates nothing. */
void case_idset_init(struct case_idset *s, int own);

/* Frees the set (and its copies of the keys). */
void case_idset_release(struct case_idset *s);

/*
 * Adds KEY with VALUE unless it is there already; *PREVIOUS is the value it
 * had (-1 when it was new). Returns 0, or CASE_ERR_NOMEM.
 */
int case_idset_put(struct case_idset *s, const char *key, int value, int *previous)
    __attribute__((warn_unused_result));

/* The value of KEY, or -1 when absent. */
int case_idset_get(const struct case_idset *s, const char *key);

/* ---- A package after the checks that need no database ---- */

/* Where an identifier of the package is: a kind and an index (see case_pkg_where). */
enum case_where {
    CASE_AT_DOCUMENT = 0,
    CASE_AT_ITEM = 1,
    CASE_AT_ASSOCIATION = 2,
    CASE_AT_RUBRIC = 3, /* a rubric, or a criterion or level inside rubric INDEX */
};
#define CASE_WHERE(kind, index) ((int)(((unsigned)(kind) << 28) | (unsigned)(index)))

struct case_assoc {
    const char *id, *type;     /* NULL when invalid */
    const char *origin, *dest; /* the endpoints' identifiers, NULL when invalid */
    const char *origin_title;  /* the titles the package gives the endpoints */
    const char *dest_title;
    int origin_item, dest_item; /* their index among the package's items, or -1 */
    int has_seq;
    int64_t seq;
};

struct case_pkg {
    json_t *root;
    json_t *doc;        /* borrowed from root; NULL when not an object */
    const char *doc_id; /* NULL unless a valid UUID */
    json_t *items, *assocs, *defs, *rubrics, *extensions; /* borrowed; NULL when absent or
                                                               of the wrong type */
    size_t nitems, nassocs, nrubrics;
    const char **item_id;         /* [nitems]: NULL when not a valid UUID */
    struct case_assoc *assoc;     /* [nassocs] */
    struct case_idset ids;        /* every identifier: CASE_WHERE(kind, index) */
    struct case_idset item_index; /* item identifier -> index */
};

/*
 * Parses DATA and checks everything that needs no database: size, JSON,
 * CASE 1.1 types and required fields, identifiers, extensions, duplicates,
 * the isChildOf tree. Problems go to R. Returns CASE_OK (with P usable even
 * when R has errors, as far as the package could be read), CASE_ERR_INVALID
 * when not even a JSON object could be read, or CASE_ERR_NOMEM.
 */
int case_pkg_parse(const char *data, size_t len, struct case_pkg *p, struct case_report *r)
    __attribute__((warn_unused_result));

/* Frees the package. */
void case_pkg_release(struct case_pkg *p);

/* "CFItems[3]" for an identifier's place CASE_WHERE(…). */
void case_pkg_where(int where, char *out, size_t size);

/* ---- Reading stored objects ---- */

/* The member KEY of the extensions of OBJ, or NULL. */
json_t *case_ext(const json_t *obj, const char *key);

/* A title from a stored JSON object's translations, for SUMMARY (json_object_set_new). */
void case_set_translations(json_t *summary, const json_t *obj);

/*
 * The summary of an item from its stored JSON: {"identifier", "human_coding",
 * "type", "full_statement", "abbreviated_statement", "notes", "language",
 * "translations", "levels", "critical", "document"}. A new reference, NULL
 * when out of memory.
 */
json_t *case_item_summary(const char *document, const char *json_text);

/* {"identifier", "title", "translations"} of a document from its stored JSON. */
json_t *case_document_brief(const char *id, const char *json_text);

/* ASCII lower-casing into a new string (cc_free); NULL when out of memory. */
char *case_lower(const char *s);

#endif
