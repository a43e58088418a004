/*
 * The model of one institution that the mastery engine reads for every
 * statement: the CFItems of every framework (a shared catalogue), their
 * isChildOf tree, their exactMatchOf crosswalk classes, and the institution's
 * alignments of activities to items. It is loaded from the CASE tables
 * (schema/0006) into memory, immutable once built, and shared by the threads
 * of the process through a small cache; its `inputs` hash is what the stored
 * mastery state was computed from (a change means a recomputation).
 */
#ifndef CC_COMPETENCY_MASTERY_MODEL_H
#define CC_COMPETENCY_MASTERY_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* An exactMatchOf class keeps at most this many members (a bound on the work per statement). */
#define MASTERY_CLASS_MAX 64
/* The isChildOf walk up from an item stops after this many levels (a cycle in bad data ends). */
#define MASTERY_DEPTH_MAX 32

struct mastery_model_item {
    char *id;
    int nchildren;         /* items that are isChildOf this one */
    int parents, nparents; /* offsets into model->links */
    int equiv, nequiv;     /* the other members of its exactMatchOf class, ascending */
};

struct mastery_alignment {
    char *activity;
    int item;
};

struct mastery_model {
    int64_t institution;
    char inputs[65]; /* hex SHA-256 of everything below */
    char probe[256]; /* cheap summary of the tables, to notice that they changed */
    size_t nitems;   /* sorted by id */
    struct mastery_model_item *items;
    size_t naligned; /* sorted by activity, then item */
    struct mastery_alignment *aligned;
    int *links; /* parents and equivalents of the items */
    size_t nlinks;
    int refs; /* the cache's and each user's */
};

/*
 * The model of INSTITUTION into *OUT: the cached one when the tables look
 * unchanged (a cheap probe of counts and times), else a fresh one. With FORCE
 * it is loaded anew whatever the probe says. Release with mastery_model_put.
 */
int mastery_model_get(struct store *db, int64_t institution, int force, struct mastery_model **out)
    __attribute__((warn_unused_result));

/* Releases a model of mastery_model_get and sets *M to NULL. */
void mastery_model_put(struct mastery_model **m);

/* Forgets every cached model (tests; the process's end). */
void mastery_model_cache_clear(void);

/* The index of item ID, or -1 when no framework has it. */
int mastery_model_find(const struct mastery_model *m, const char *id);

/* The items activity ACTIVITY is aligned to: *N entries of m->aligned from the returned index. */
size_t mastery_model_aligned(const struct mastery_model *m, const char *activity, size_t *n);

#endif
