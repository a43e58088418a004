/*
 * Skill check-offs: the checklists a teacher ticks while watching a student
 * perform a skill in the training lab, and the results.
 *
 * Checklists are bundled content (content/checkoffs/<id>.json, embedded at
 * build time), validated once at start-up: bad bundled content stops the
 * server with a message naming the file and the field. A result is stored
 * as a row of checkoff_results and reported as an xAPI statement through
 * xapi_record(), whose id is the client-made UUID of the check-off: sending
 * the same check-off again (an offline page retrying) returns the first
 * result and stores nothing new.
 *
 * Outcome rule: a check-off is passed when every critical step is ticked AND
 * at least CHECKOFF_PASS_PERCENT of all steps are ticked. Missing a critical
 * step fails the skill whatever the total, as in the nurse-aide skills test;
 * the percentage stands for the skills test's cut score of correct steps.
 */
#ifndef CC_CHECKOFF_CHECKOFF_H
#define CC_CHECKOFF_CHECKOFF_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/account.h"
#include "store/store.h"
#include "util/embedded.h"

enum checkoff_error {
    CHECKOFF_OK = 0,
    CHECKOFF_ERR_STORE = -1,     /* storage failed; nothing was recorded */
    CHECKOFF_ERR_INVALID = -2,   /* an input (or a content file) is invalid: see the problem */
    CHECKOFF_ERR_NOT_FOUND = -3, /* no such checklist or class */
    CHECKOFF_ERR_FORBIDDEN = -4, /* not a student of the caller's classes, or a role that may not */
    CHECKOFF_ERR_CONFLICT = -5,  /* the checklist changed, or the id was used for other content */
    CHECKOFF_ERR_NOMEM = -6,
};

/* What is wrong: the input field, a message id of util/i18n.h and its %s argument (or ""). */
struct checkoff_problem {
    const char *field;
    const char *msg;
    char arg[72];
};

#define CHECKOFF_PASS_PERCENT 80
#define CHECKOFF_ID_MAX       64          /* checklist and step ids: 1..64 of a-z 0-9 - */
#define CHECKOFF_MAX_STEPS    100         /* steps of one checklist */
#define CHECKOFF_MAX_ITEMS    50          /* CFItems of one checklist */
#define CHECKOFF_MAX_LISTS    500         /* checklists in the bundle */
#define CHECKOFF_COMMENT_MAX  2000        /* characters of a teacher's comment */
#define CHECKOFF_MAX_SECONDS  (24 * 3600) /* from start to end of one check-off */
#define CHECKOFF_RESULTS_MAX  500         /* results in one page of checkoff_results */

/* Activity IRIs: CHECKOFF_ACTIVITY_PREFIX + checklist id. */
#define CHECKOFF_ACTIVITY_PREFIX "https://carecampus.org/xapi/activities/checkoffs/"
#define CHECKOFF_SOURCE_PREFIX   "https://carecampus.org/xapi/activities/checkoff-sources/"
#define CHECKOFF_EXT_CFITEMS     "https://carecampus.org/xapi/extensions/cfitems"
#define CHECKOFF_EXT_VERSION     "https://carecampus.org/xapi/extensions/checklist-version"
#define CHECKOFF_EXT_TICKED      "https://carecampus.org/xapi/extensions/steps-ticked"
#define CHECKOFF_EXT_MISSED      "https://carecampus.org/xapi/extensions/steps-missed"
#define CHECKOFF_EXT_CRITICAL    "https://carecampus.org/xapi/extensions/critical-steps-missed"
#define CHECKOFF_ACTIVITY_TYPE   "http://adlnet.gov/expapi/activities/assessment"
#define CHECKOFF_VERB_PASSED     "http://adlnet.gov/expapi/verbs/passed"
#define CHECKOFF_VERB_FAILED     "http://adlnet.gov/expapi/verbs/failed"

/* A text in both languages of the platform. */
struct checkoff_text {
    const char *en;
    const char *zh;
};

struct checkoff_step {
    const char *id;
    struct checkoff_text text;
    int critical;
};

/* One checklist. Its strings point into JSON, which lives as long as the catalog. */
struct checkoff_list {
    const char *id;
    int64_t version;
    const char *source;
    struct checkoff_text title, description;
    const char **items; /* CFItem identifiers (lower-case UUIDs) */
    size_t nitems;
    struct checkoff_step *steps;
    size_t nsteps, ncritical;
    char activity[sizeof(CHECKOFF_ACTIVITY_PREFIX) + CHECKOFF_ID_MAX];
    json_t *json; /* the file as it is bundled */
};

/* Every checklist, sorted by id. Read-only once built, so threads may share it. */
struct checkoff_catalog {
    struct checkoff_list *lists;
    size_t n;
};

/*
 * Builds a catalog from the N FILES whose path is "/checkoffs/<id>.json"
 * (other paths are skipped). When CASE packages "/frameworks/NAME.json"
 * are among FILES, every item of every checklist must be a CFItem of one of
 * them. On CHECKOFF_ERR_INVALID, WHY says which file and field is wrong and
 * how, in English for the administrator ("checkoffs/x.json: steps[2].text:
 * the zh-CN text is missing").
 */
int checkoff_catalog_build(const struct embedded_file *files, size_t n,
                           struct checkoff_catalog **out, char *why, size_t why_size)
    __attribute__((warn_unused_result));

/* Frees a catalog from checkoff_catalog_build and sets *C to NULL. */
void checkoff_catalog_free(struct checkoff_catalog **c);

/*
 * The catalog of the bundled content (content_files), built on first use
 * and kept for the life of the process; thread-safe. Fails (with WHY) when
 * the bundled content is invalid, every time it is asked.
 */
int checkoff_bundled(const struct checkoff_catalog **out, char *why, size_t why_size)
    __attribute__((warn_unused_result));

/* The checklist ID of C, or NULL. */
const struct checkoff_list *checkoff_find(const struct checkoff_catalog *c, const char *id);

/* The index of step ID in L, or -1. */
int checkoff_step_index(const struct checkoff_list *l, const char *id);

struct checkoff_outcome {
    int passed;
    size_t total, ticked;
    size_t critical_total, critical_missed;
};

/* Applies the outcome rule to L with TICKED[i] non-zero for each step i ticked. */
void checkoff_outcome(const struct checkoff_list *l, const unsigned char *ticked,
                      struct checkoff_outcome *o);

/*
 * Upserts the alignments (competency_alignments, source 'content') of every
 * checklist's activity to its items for INSTITUTION, or for every
 * institution when INSTITUTION is 0, and removes the 'content' alignments
 * of check-off activities that the bundle no longer has. One transaction.
 */
int checkoff_align(struct store *db, const struct checkoff_catalog *c, int64_t institution)
    __attribute__((warn_unused_result));

/* Upserts the alignments of the one checklist L for INSTITUTION (when a check-off is recorded). */
int checkoff_align_list(struct store *db, const struct checkoff_list *l, int64_t institution)
    __attribute__((warn_unused_result));

/* A check-off as the teacher's device sends it; strings as received. */
struct checkoff_submission {
    const char *uuid;          /* made by the client: the idempotency key and the statement id */
    int64_t student;           /* user id */
    const char *checklist;     /* checklist id */
    int64_t version;           /* the checklist version the teacher saw */
    const char *const *ticked; /* step ids */
    size_t nticked;
    const char *comment;               /* NULL or "" for none */
    const char *started_at, *ended_at; /* ISO 8601 date-times */
};

/* A stored check-off. */
struct checkoff_result {
    char uuid[37];
    char checklist[CHECKOFF_ID_MAX + 1];
    int64_t version;
    int64_t student_id, teacher_id;
    char student_login[AUTH_LOGIN_MAX + 1], student_name[AUTH_NAME_BYTES];
    char teacher_login[AUTH_LOGIN_MAX + 1], teacher_name[AUTH_NAME_BYTES];
    int passed;
    int64_t steps_total, steps_ticked;
    json_t *ticked, *missed, *critical_missed; /* arrays of step ids, in checklist order */
    char *comment;                             /* "" when there is none */
    char started_at[25], ended_at[25], recorded_at[25];
};

/* Frees what R holds (not R itself). */
void checkoff_result_release(struct checkoff_result *r);

/*
 * Records check-off S by CALLER (a teacher, who must teach a class the
 * student is in, or an administrator) in the caller's institution: stores
 * the row and writes the xAPI statement. When a check-off with the same
 * uuid is already stored with the same content, fills OUT with it, sets
 * *REPLAYED and stores nothing; with other content: CHECKOFF_ERR_CONFLICT.
 * OUT is released by the caller on success.
 */
int checkoff_record(struct store *db, const struct checkoff_catalog *c,
                    const struct auth_user *caller, const struct checkoff_submission *s,
                    struct checkoff_result *out, int *replayed, struct checkoff_problem *p)
    __attribute__((warn_unused_result));

/*
 * The xAPI statement of result R of checklist L (a new reference): STUDENT
 * as actor, passed or failed, the checklist as an assessment activity, the
 * score and the steps in the result, TEACHER as instructor, the checklist's
 * source as category and its items in the cfitems extension.
 */
json_t *checkoff_statement(const struct checkoff_list *l, const struct checkoff_result *r);

/* Which results checkoff_results returns; 0 / NULL / "" for "any". */
struct checkoff_filter {
    int64_t student;
    int64_t class_id;
    const char *checklist;
    const char *before; /* the uuid of the last result of the previous page */
    int limit;          /* 1..CHECKOFF_RESULTS_MAX */
};

typedef int (*checkoff_result_fn)(void *ctx, const struct checkoff_result *r);

/*
 * Calls FN for each result of the caller's institution matching F, the
 * latest (by end time) first, that CALLER may see: a student their own; a
 * teacher those of the students of their classes (a STUDENT or CLASS_ID
 * outside them is CHECKOFF_ERR_FORBIDDEN); an administrator all. *MORE is
 * set when results remain after the page. Stops when FN returns non-zero.
 */
int checkoff_results(struct store *db, const struct auth_user *caller,
                     const struct checkoff_filter *f, checkoff_result_fn fn, void *ctx, int *more,
                     struct checkoff_problem *p) __attribute__((warn_unused_result));

#endif
