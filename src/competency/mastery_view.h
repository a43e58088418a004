/*
 * What people see of mastery (the JSON of docs/api.md, "Mastery"): a
 * learner's frameworks with their levels, one framework as a tree, one item
 * with the evidence that led to its level, what to practise next, and a
 * class heatmap. Texts are in the language asked for, from the CASE items'
 * translations. A learner is named by an agent key (mastery_user_agent_key
 * for a platform user); the caller has checked that the reader may see them.
 */
#ifndef CC_COMPETENCY_MASTERY_VIEW_H
#define CC_COMPETENCY_MASTERY_VIEW_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/i18n.h"

/* The case#translations extension of CASE objects: {"en": {...}, "zh-CN": {...}}. */
#define MASTERY_CASE_TRANSLATIONS "https://carecampus.org/ns/case#translations"
#define MASTERY_CASE_CRITICAL     "https://carecampus.org/ns/case#critical"

/* How many items "practise next" lists at most. */
#define MASTERY_PRACTISE_MAX 8
/* How many evidence rows an item's view lists at most (the newest). */
#define MASTERY_EVIDENCE_MAX 100

/*
 * The text FIELD ("fullStatement", "abbreviatedStatement", "title", "notes")
 * of CASE object OBJ in LANG ("en", "zh-CN") from its translations, else its
 * own FIELD; NULL when it has neither. Borrowed from OBJ.
 */
const char *mastery_item_text(const json_t *obj, const char *lang, const char *field);

/* Copies at most MAX bytes of UTF-8 text S into OUT (SIZE bytes), cut at a character boundary. */
void mastery_truncate_utf8(const char *s, size_t max, char *out, size_t size);

/*
 * {"frameworks": [{identifier, title, items, started, proficient, mastered}],
 *  "practise_next": [...]} for LEARNER (an agent key) of INSTITUTION.
 */
int mastery_view_summary(struct store *db, int64_t institution, const char *learner, enum lang lang,
                         json_t **out) __attribute__((warn_unused_result));

/*
 * {"framework": {identifier, title, depth, items: [{identifier, parent, depth,
 * coding, name, statement, type, critical, level, own_level, evidence,
 * passed, children, children_started}]}, "practise_next": [...]}: framework
 * DOCUMENT as a tree in pre-order. MASTERY_ERR_NOT_FOUND when it has no items.
 */
int mastery_view_framework(struct store *db, int64_t institution, const char *learner,
                           const char *document, enum lang lang, json_t **out)
    __attribute__((warn_unused_result));

/*
 * {"item": {...}, "explanation": {...}, "evidence": [...], "evidence_total",
 * "children": [...], "related": [...], "activities": [...]}: why LEARNER has
 * the level they have in ITEM. MASTERY_ERR_NOT_FOUND for an unknown item.
 */
int mastery_view_item(struct store *db, int64_t institution, const char *learner, const char *item,
                      enum lang lang, json_t **out) __attribute__((warn_unused_result));

/*
 * The stored statement ID (JSON text, cc_free it) when it is evidence of
 * LEARNER in INSTITUTION; MASTERY_ERR_NOT_FOUND otherwise.
 */
int mastery_view_statement(struct store *db, int64_t institution, const char *learner,
                           const char *id, char **json) __attribute__((warn_unused_result));

/*
 * The heatmap of framework DOCUMENT for STUDENTS (a JSON array of
 * {id, login, name}): {"framework": {identifier, title, depth (the deepest)},
 * "depth", "columns": [{identifier, coding, name, statement, critical}] (the
 * items at DEPTH, 1 = top level, in tree order), "rows": [{"student": {...},
 * "levels": [...]}]}. MASTERY_ERR_NOT_FOUND when the framework has no items.
 */
int mastery_view_heatmap(struct store *db, int64_t institution, const json_t *students,
                         const char *document, int depth, enum lang lang, json_t **out)
    __attribute__((warn_unused_result));

/* The frameworks that have items: [{identifier, title, items}] by title. */
int mastery_view_frameworks(struct store *db, enum lang lang, json_t **out)
    __attribute__((warn_unused_result));

#endif
