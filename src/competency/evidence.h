/*
 * The rules of mastery, as pure functions (no storage): what one statement is
 * worth as evidence (the scoring table), which CFItems it names, and which
 * level a learner's evidence gives. docs/mastery.md states the same rules in
 * prose; the unit tests check each row of both tables.
 */
#ifndef CC_COMPETENCY_EVIDENCE_H
#define CC_COMPETENCY_EVIDENCE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* Levels: 0 not started, 1 beginning, 2 developing, 3 proficient, 4 mastered. */
enum mastery_level {
    MASTERY_NOT_STARTED = 0,
    MASTERY_BEGINNING = 1,
    MASTERY_DEVELOPING = 2,
    MASTERY_PROFICIENT = 3,
    MASTERY_MASTERED = 4,
};

#define MASTERY_LEVEL_MAX 4

/* The context extension of statements that names the CFItems they are evidence for. */
#define MASTERY_EXT_CFITEMS "https://carecampus.org/xapi/extensions/cfitems"
/* The activity IRI of a CFItem: this prefix and the item's identifier. */
#define MASTERY_ITEM_IRI "https://carecampus.org/case/CFItems/"
/* The verbs of the statements the engine publishes. */
#define MASTERY_VERB_ATTAINED "https://carecampus.org/xapi/verbs/attained"
#define MASTERY_VERB_MASTERED "http://adlnet.gov/expapi/verbs/mastered"
/* Result extensions of a published statement: the new level and the one before. */
#define MASTERY_EXT_LEVEL    "https://carecampus.org/xapi/extensions/mastery-level"
#define MASTERY_EXT_PREVIOUS "https://carecampus.org/xapi/extensions/mastery-previous-level"

/* Score thresholds, in thousandths. */
#define MASTERY_PASS_SCORE        800 /* a score without success counts as passed from here */
#define MASTERY_DEVELOPING_MEAN   500
#define MASTERY_PROFICIENT_MEAN   750
#define MASTERY_MASTERED_MEAN     900
#define MASTERY_PROFICIENT_PASSES 2
#define MASTERY_MASTERED_PASSES   3

/* How many of the most recent scored results the level looks at. */
#define MASTERY_WINDOW 3

/* How many CFItems one statement may count for (before crosswalks); more are ignored. */
#define MASTERY_ITEMS_MAX 64

enum mastery_kind {
    MASTERY_NO_EVIDENCE = 0, /* the statement says nothing about competence */
    MASTERY_UNSCORED = 1,    /* the learner did it, without a result to judge: has begun */
    MASTERY_SCORED = 2,      /* a result: score and passed */
};

/* What one statement is worth. */
struct mastery_score {
    enum mastery_kind kind;
    int score;  /* 0..1000, for MASTERY_SCORED */
    int passed; /* 0 or 1 */
};

/*
 * Scores statement ST by the table of docs/mastery.md: result.score.scaled,
 * else raw within min..max, else success, else the verb (passed, mastered
 * and cmi5 satisfied 1000, failed 0; completed, attempted, answered,
 * experienced and progressed unscored); anything else, voiding statements
 * included, is no evidence. Passed is result.success when given, else the
 * verb's, else score >= MASTERY_PASS_SCORE.
 */
void mastery_score_statement(const json_t *st, struct mastery_score *out);

/* One scored result in the recency window. */
struct mastery_result {
    int64_t at, seq; /* the statement's timestamp (ms) and store order: newer is larger (at, seq) */
    int score, passed;
};

/* The most recent scored results of a learner in an item, newest first. */
struct mastery_window {
    int n;
    struct mastery_result r[MASTERY_WINDOW];
};

/* Adds R to W if it is among the MASTERY_WINDOW newest; returns 1 when W changed. */
int mastery_window_add(struct mastery_window *w, const struct mastery_result *r);

/* The text form of a window ("at:seq:score:passed" newest first, comma-separated) fits in this. */
#define MASTERY_WINDOW_TEXT (MASTERY_WINDOW * 64)

/* Writes W in its text form into OUT (SIZE bytes, MASTERY_WINDOW_TEXT suffice). */
void mastery_window_format(const struct mastery_window *w, char *out, size_t size);

/* Reads the text form S into W; what does not parse ends it. */
void mastery_window_parse(const char *s, struct mastery_window *w);

/* Is (AT, SEQ) one of W's results? */
int mastery_window_has(const struct mastery_window *w, int64_t at, int64_t seq);

/*
 * The level an item's own evidence gives: EVIDENCE statements in all, PASSED
 * of them passed, W the newest scored results. 0 without evidence; 4 with at
 * least 3 passed, the last 3 all passed and their mean >= 90%; 3 with at
 * least 2 passed, the latest passed and the mean of the last 3 >= 75%; 2 with
 * one passed or that mean >= 50%; else 1.
 */
int mastery_own_level(int64_t evidence, int64_t passed, const struct mastery_window *w);

/*
 * The level an item gets from its NCHILDREN children: 0 when none has begun
 * (STARTED = how many are above 0), else the mean of their levels
 * (SUM) rounded down, at least 1.
 */
int mastery_rollup_level(int64_t sum, int64_t started, int64_t nchildren);

/* The level shown: the better of the item's own evidence and its children's. */
int mastery_combined_level(int own, int rollup);

/*
 * Calls FN for each CFItem identifier ST names as evidence, in order: the
 * cfitems context extension (strings that are lower-case UUIDs; others are
 * ignored), then the object when its id is MASTERY_ITEM_IRI + identifier.
 * Stops early when FN returns non-zero and returns that.
 */
typedef int (*mastery_item_fn)(void *ctx, const char *item);
int mastery_statement_items(const json_t *st, mastery_item_fn fn, void *ctx);

/* Is S a UUID in lower case (36 characters, hyphens at 8, 13, 18, 23)? */
int mastery_is_uuid(const char *s);

#endif
