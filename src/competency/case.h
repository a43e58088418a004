/*
 * Competency frameworks as data: CASE 1.1 packages (1EdTech Competencies and
 * Academic Standards Exchange) stored, validated, imported and exported.
 *
 * A package is {"CFDocument", "CFItems", "CFAssociations", "CFDefinitions",
 * "CFRubrics", "extensions"}. Every object is kept exactly as it came
 * (schema/0006 and 0009), so that an export rebuilds the package it was
 * imported from: import -> export -> import -> export gives the same bytes.
 *
 * Importing is all or nothing. The package is checked first (types and
 * required fields of CASE 1.1, UUIDs, duplicate identifiers, the isChildOf
 * tree, associations that point nowhere, identifiers owned by another
 * framework, size limits) and every problem is written to a report with the
 * JSON path it is about ("CFItems[12].identifier"); only a package without
 * errors is written, in one transaction. Importing a document that is
 * already stored replaces it: items and associations no longer in the
 * package are removed, with the alignments to those items.
 *
 * Frameworks are public (CASE exists to publish them) and shared by every
 * institution of the server; the one that imported a framework owns it and
 * is the only one that may replace or remove it. Owner 0 stands for the
 * installation itself (bundled content, or `carecampus framework import`
 * without --institution).
 *
 * CareCampus's own extensions (docs/frameworks.md):
 *   CASE_EXT_TRANSLATIONS  {"en": {...}, "zh-CN": {...}}: the text fields in both languages
 *   CASE_EXT_LEVELS        [5, 4, 3]: the 养老护理员 levels at which an item is required
 *   CASE_EXT_CRITICAL      true: a critical skill or element
 */
#ifndef CC_COMPETENCY_CASE_H
#define CC_COMPETENCY_CASE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/i18n.h"

enum case_error {
    CASE_OK = 0,
    CASE_ERR_INVALID = -1,   /* the package has errors (see the report); nothing was changed */
    CASE_ERR_NOT_FOUND = -2, /* no such document, item or association */
    CASE_ERR_FORBIDDEN = -3, /* the framework belongs to another owner */
    CASE_ERR_STORE = -4,     /* a storage failure; nothing was changed */
    CASE_ERR_NOMEM = -5,
    CASE_ERR_BUNDLED = -6, /* a framework that comes with CareCampus: it cannot be removed */
};

/* Limits of one package. */
#define CASE_MAX_BYTES        (32u << 20) /* the JSON text */
#define CASE_MAX_DEPTH        32          /* nesting of arrays and objects */
#define CASE_MAX_ITEMS        50000
#define CASE_MAX_ASSOCIATIONS 200000
#define CASE_MAX_DEFINITIONS  10000 /* of each kind */
#define CASE_MAX_RUBRICS      1000
#define CASE_MAX_STRING       (64 * 1024) /* bytes of any one string */
#define CASE_MAX_URI          2048        /* bytes of a uri */
#define CASE_MAX_CODE         256         /* bytes of humanCodingScheme, CFItemType, identifiers */
#define CASE_REPORT_MAX       200 /* errors listed, and warnings listed; the rest are counted */

#define CASE_EXT_TRANSLATIONS "https://carecampus.org/ns/case#translations"
#define CASE_EXT_LEVELS       "https://carecampus.org/ns/case#levels"
#define CASE_EXT_CRITICAL     "https://carecampus.org/ns/case#critical"

/* One problem of a package: the JSON path it is about and a message of competency/messages.h. */
struct case_problem {
    char path[160]; /* "CFItems[12].identifier"; "" for the package as a whole */
    const char *msg;
    char arg[160]; /* the message's %s */
};

struct case_count {
    size_t created, updated, removed;
};

/* What an import found and did. */
struct case_report {
    struct case_problem *errors, *warnings; /* the first CASE_REPORT_MAX of each */
    size_t nerrors, nwarnings;              /* how many are listed */
    size_t total_errors, total_warnings;    /* how many there were */
    char document[37];                      /* the CFDocument's identifier, when it has one */
    char *title;                            /* and its title (NULL when it has none) */
    size_t items, associations, definitions, rubrics; /* in the package */
    int imported;                                     /* 1 once written */
    int created;                                      /* 1: a new document; 0: it replaced one */
    struct case_count item_changes, association_changes;
    int nomem; /* a problem could not be recorded */
};

/* Sets up an empty report; allocates nothing. */
void case_report_init(struct case_report *r);

/* Frees what the report holds; it is empty and usable again. */
void case_report_release(struct case_report *r);

/* Records a problem (WARNING 0: an error) about PATH; ARG fills the message's %s (may be NULL). */
void case_report_add(struct case_report *r, int warning, const char *path, const char *msg,
                     const char *arg);

/* Writes problem P in LANG as "path: text" (or the text alone) into OUT. */
void case_problem_text(const struct case_problem *p, enum lang lang, char *out, size_t size);

/*
 * The report as JSON (a new reference): {"valid", "imported", "document":
 * {"identifier", "title"}, "stats": {"items", "associations", "definitions",
 * "rubrics"}, "changes": {"document": "created"|"replaced", "items":
 * {"created", "updated", "removed"}, "associations": {…}}, "errors":
 * [{"path", "code", "message"}], "warnings": […], "error_count",
 * "warning_count"}, with messages in LANG.
 */
json_t *case_report_json(const struct case_report *r, enum lang lang);

enum case_import_flags {
    CASE_IMPORT_CHECK = 1 << 0,   /* validate only; write nothing */
    CASE_IMPORT_BUNDLED = 1 << 1, /* bundled content (owner 0, marked as bundled) */
};

/*
 * Validates the package in DATA (LEN bytes) for OWNER (an institution id, 0
 * for the installation) and, unless FLAGS has CASE_IMPORT_CHECK, imports it
 * in one transaction. Returns CASE_OK (R says what changed; warnings
 * allowed), CASE_ERR_INVALID with the problems in R, or CASE_ERR_STORE /
 * CASE_ERR_NOMEM; nothing is changed unless CASE_OK is returned.
 */
int case_package_import(struct store *db, const char *data, size_t len, int64_t owner,
                        unsigned flags, struct case_report *r) __attribute__((warn_unused_result));

/*
 * The package of document ID as imported (a new reference in *OUT): CFDocument,
 * CFItems in package order, CFAssociations, CFDefinitions and CFRubrics when
 * it has them, extensions when it had them.
 */
int case_package_export(struct store *db, const char *id, json_t **out)
    __attribute__((warn_unused_result));

/*
 * Removes document ID with its items, associations, definitions and rubrics,
 * and every institution's alignments to its items. OWNER must own it
 * (CASE_ERR_FORBIDDEN otherwise); bundled frameworks are never removed
 * (CASE_ERR_BUNDLED): they would come back at the next start anyway.
 */
int case_document_remove(struct store *db, const char *id, int64_t owner)
    __attribute__((warn_unused_result));

/* 1 when S is a lowercase UUID (8-4-4-4-12 hexadecimal digits). */
int case_uuid_valid(const char *s);

/* ---- Reading frameworks (the JSON shapes of docs/api.md, "Frameworks") ---- */

/*
 * Every document, frameworks first then crosswalks, by title: an array of
 * {"identifier", "title", "translations", "creator", "publisher", "language",
 * "version", "adoption_status", "description", "official_source_url",
 * "last_change", "imported_at", "kind": "framework"|"crosswalk", "bundled",
 * "owner_institution_id" (null for the installation), "item_count",
 * "association_count"}.
 */
int case_document_list(struct store *db, json_t **out) __attribute__((warn_unused_result));

/* One document as in case_document_list; CASE_ERR_NOT_FOUND when it is not stored. */
int case_document_get(struct store *db, const char *id, json_t **out)
    __attribute__((warn_unused_result));

/*
 * The tree of document ID: {"document": …, "items": [...]} with the items in
 * tree order (isChildOf, siblings by sequenceNumber then package order), each
 * an item summary with "depth" (0 at the top), "parent" (null at the top)
 * and "has_children". An item under several parents is listed under each,
 * with its children only the first time ("repeat": true after that); items
 * that are nobody's child come at the top level. "item_types" maps the
 * titles of the item types it defines to their translations. A crosswalk
 * (a document without items) also has "associations": [{"identifier",
 * "type", "notes", "translations", "origin", "destination"}], each end
 * {"identifier", "title", "item": summary or null, "document": brief or
 * null}.
 */
int case_tree(struct store *db, const char *id, json_t **out) __attribute__((warn_unused_result));

/*
 * Item ID with its document, its parent path (root first), its children, its
 * associations other than isChildOf in both directions ({"identifier",
 * "type", "direction": "out"|"in", "sequence", "notes", "translations",
 * "other": {"identifier", "title", "item": summary or null, "document":
 * {"identifier", "title", "translations"} or null}}) and the activities
 * INSTITUTION aligned to it ({"activity", "name", "source", "created_at"}).
 */
int case_item_detail(struct store *db, int64_t institution, const char *id, json_t **out)
    __attribute__((warn_unused_result));

#define CASE_SEARCH_MAX       50
#define CASE_SEARCH_QUERY_MAX 200 /* bytes */
#define CASE_SEARCH_TERMS_MAX 8

/*
 * Items whose statements, in any language, or human code contain every word
 * of Q (case-insensitive for Latin letters), in DOCUMENT only when it is not
 * NULL: at most LIMIT (≤ CASE_SEARCH_MAX) item summaries with their
 * "document": {"identifier", "title", "translations"}, exact human codes
 * first. An empty Q finds nothing.
 */
int case_search(struct store *db, const char *q, const char *document, size_t limit, json_t **out)
    __attribute__((warn_unused_result));

/* 1 when item ID is stored. */
int case_item_exists(struct store *db, const char *id, int *exists)
    __attribute__((warn_unused_result));

/* ---- The CASE 1.1 provider (GET /ims/case/v1p1/…), JSON shapes of the REST binding ---- */

enum case_sort { CASE_SORT_TITLE, CASE_SORT_IDENTIFIER, CASE_SORT_LAST_CHANGE };

/*
 * {"CFDocuments": [...]}: documents LIMIT from OFFSET, sorted, each with its
 * CFPackageURI (under BASE, such as "https://host/ims/case/v1p1"); *TOTAL is
 * how many there are.
 */
int case_provider_documents(struct store *db, enum case_sort sort, int descending, size_t limit,
                            size_t offset, const char *base, json_t **out, int64_t *total)
    __attribute__((warn_unused_result));

/* A CFDocument with the CFPackageURI of its package on this server (under BASE). */
int case_provider_document(struct store *db, const char *id, const char *base, json_t **out)
    __attribute__((warn_unused_result));

/* A CFItem with its CFDocumentURI. */
int case_provider_item(struct store *db, const char *id, json_t **out)
    __attribute__((warn_unused_result));

/* A CFAssociation with the CFDocumentURI of the package that carried it. */
int case_provider_association(struct store *db, const char *id, json_t **out)
    __attribute__((warn_unused_result));

/* {"CFItem": …, "CFAssociations": [every association from or to it]}. */
int case_provider_item_associations(struct store *db, const char *id, json_t **out)
    __attribute__((warn_unused_result));

#endif
