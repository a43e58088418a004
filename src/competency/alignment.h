/*
 * Alignments: which framework items an activity is evidence for, per
 * institution (competency_alignments, schema/0006). Bundled content and
 * modules align their own activities (source "content"); an administrator
 * aligns external activities — a VR simulation, an H5P quiz — in the
 * alignment editor (source "admin"). Mastery reads these to count a
 * statement about the activity as evidence for the items.
 */
#ifndef CC_COMPETENCY_ALIGNMENT_H
#define CC_COMPETENCY_ALIGNMENT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

#define ALIGNMENT_ACTIVITY_MAX 2048 /* bytes of an activity IRI */
#define ALIGNMENT_LIST_MAX     500  /* alignments of one activity or item */
#define ACTIVITY_SEARCH_MAX    50

/* 1 when ACTIVITY is an absolute IRI of at most ALIGNMENT_ACTIVITY_MAX bytes. */
int competency_activity_valid(const char *activity);

/*
 * Aligns ACTIVITY to ITEM for INSTITUTION with SOURCE ("content" or
 * "admin"). *CREATED is 0 when the alignment was there already (it is left
 * as it was). CASE_ERR_INVALID: the activity is not an IRI (or the source
 * unknown); CASE_ERR_NOT_FOUND: no such item is stored.
 */
int competency_alignment_add(struct store *db, int64_t institution, const char *activity,
                             const char *item, const char *source, int *created)
    __attribute__((warn_unused_result));

/* Removes one alignment of INSTITUTION; CASE_ERR_NOT_FOUND when there is none. */
int competency_alignment_remove(struct store *db, int64_t institution, const char *activity,
                                const char *item) __attribute__((warn_unused_result));

/*
 * The alignments of INSTITUTION for ACTIVITY, or for ITEM (one of the two
 * not NULL), newest first, at most ALIGNMENT_LIST_MAX: an array of
 * {"activity", "name" (the activity's name as the LRS knows it, a language
 * map, or null), "source", "created_at", "item": item summary with its
 * "document" brief, or null when the item is gone}.
 */
int competency_alignment_list(struct store *db, int64_t institution, const char *activity,
                              const char *item, json_t **out) __attribute__((warn_unused_result));

/*
 * Activities the LRS of INSTITUTION knows (xapi_activities), most recently
 * used first; with Q, those whose IRI or name contains it. At most LIMIT
 * (≤ ACTIVITY_SEARCH_MAX): {"id", "name", "description", "type",
 * "alignment_count"}.
 */
int competency_activity_list(struct store *db, int64_t institution, const char *q, size_t limit,
                             json_t **out) __attribute__((warn_unused_result));

#endif
