/*
 * Achievements: what a badge is for. Each has an English and a Chinese
 * edition (name, description, criteria narrative; urn:uuid ids of their own,
 * linked to each other by inLanguage / related in a credential), an image
 * (an SVG generated from its name and level, or uploaded), alignments to
 * CASE items of the stored frameworks, an optional award rule (mastery of
 * listed items at a level, which the award worker applies) and an optional
 * validity (credentials expire that many days after issue).
 *
 * The API shapes are JSON (docs/api.md "Achievements"): functions here take
 * the submitted object and give back the stored one.
 */
#ifndef CC_CREDENTIAL_ACHIEVEMENT_H
#define CC_CREDENTIAL_ACHIEVEMENT_H

#include <jansson.h>
#include <stdint.h>

#include "credential/badge.h"
#include "store/store.h"

#define ACH_NAME_MAX     200         /* characters */
#define ACH_TEXT_MAX     2000        /* characters of a description or criteria */
#define ACH_IMAGE_MAX    (64 * 1024) /* bytes of an SVG */
#define ACH_ITEMS_MAX    50          /* alignments, and items of a rule */
#define ACH_VALIDITY_MAX 3660        /* days */
#define ACH_LIST_MAX     1000

#define ACH_TRANSLATIONS "https://carecampus.org/ns/case#translations"

/*
 * Is SVG an image that may be shown and embedded: UTF-8, at most
 * ACH_IMAGE_MAX bytes, an <svg> element, and none of what runs code or
 * fetches something (scripts, event attributes, javascript: and external
 * URLs, foreignObject, DOCTYPE and entities)? 1 or 0.
 */
int achievement_svg_ok(const char *svg);

/*
 * The generated image of an achievement: a round badge in a colour of LEVEL
 * (0: none) with CODE (may be "") and the two names, as SVG text (cc_free
 * it). NULL when out of memory.
 */
char *achievement_svg(const char *code, const char *name_en, const char *name_zh, int level);

/*
 * The English (LANG "en") or Chinese ("zh-CN") text FIELD of the CASE item
 * or document ITEM (its CareCampus translations extension, else the field
 * itself), or NULL.
 */
const char *achievement_case_text(const json_t *item, const char *lang, const char *field);

/*
 * The stored CFItem ID in the shape of an achievement's alignments:
 * {"identifier", "human_coding", "statement": {"en", "zh-CN"}, "short":
 * {…}, "uri", "framework": {"identifier", "title": {…}}}; NULL when there is
 * no such item, or with *ERR set when storage failed.
 */
json_t *achievement_item(struct store *db, const char *id, int *err);

/*
 * Creates an achievement of INSTITUTION by USER from IN: {"name": {"en",
 * "zh-CN"}, "description": {…}, "criteria": {…}, "image": SVG or null,
 * "alignments": [CFItem ids], "rule": {"level": 2..4, "items": [ids]} or
 * null, "validity_days": n or null}. *OUT is the stored achievement (see
 * achievement_get).
 */
int achievement_create(struct store *db, int64_t institution, int64_t user, const json_t *in,
                       json_t **out, struct badge_problem *p) __attribute__((warn_unused_result));

/*
 * Changes achievement ID from IN (members that are absent stay; "image":
 * null makes it generated again). A changed rule makes the award worker look
 * at every learner again. Awards already made are not changed.
 */
int achievement_update(struct store *db, int64_t institution, int64_t id, const json_t *in,
                       json_t **out, struct badge_problem *p) __attribute__((warn_unused_result));

/*
 * One click: the achievement "ITEM at LEVEL" (names and criteria from the
 * item in both languages, aligned to it, with the rule ITEM at LEVEL).
 * BADGE_ERR_CONFLICT (and *OUT the existing one) when one was made already.
 */
int achievement_generate(struct store *db, int64_t institution, int64_t user, const char *item,
                         int level, json_t **out, struct badge_problem *p)
    __attribute__((warn_unused_result));

/* Archives (1) or restores (0) achievement ID: archived ones are not awarded. */
int achievement_archive(struct store *db, int64_t institution, int64_t id, int archived)
    __attribute__((warn_unused_result));

/*
 * Achievement ID of INSTITUTION: {"id", "uuid", "uuid_zh", "name": {"en",
 * "zh-CN"}, "description", "criteria", "image", "image_generated",
 * "alignments": [{"identifier", "human_coding", "statement": {"en",
 * "zh-CN"}, "uri", "framework": {"identifier", "title"}}], "rule": {"level",
 * "items": [same shape]} or null, "validity_days", "archived", "awards" (how
 * many, revoked ones included), "created_at", "updated_at"}.
 */
int achievement_get(struct store *db, int64_t institution, int64_t id, json_t **out)
    __attribute__((warn_unused_result));

/* The achievements of INSTITUTION, newest first (archived ones only with ARCHIVED): an array. */
int achievement_list(struct store *db, int64_t institution, int archived, json_t **out)
    __attribute__((warn_unused_result));

/*
 * The OB 3.0 Achievement of STORED (as achievement_get gives it) in LANG
 * ("en" or "zh-CN"), with the other edition as related. A new reference.
 */
json_t *achievement_ob3(const json_t *stored, const char *lang);

#endif
