/*
 * The mastery engine: reads every statement of an institution's log in store
 * order (its `seq`) and keeps, per learner and CFItem, a level with the
 * evidence behind it (schema/0007_mastery.sql; the model in docs/mastery.md).
 *
 * A statement counts for the items its activity is aligned to and those its
 * cfitems context extension names, then for their exactMatchOf equivalents
 * (crosswalks); levels roll up the isChildOf tree. The state is a fold over
 * the log: additive aggregates per (learner, item) plus the newest results,
 * so a voiding statement takes away exactly what its target added, and the
 * same log gives the same rows however it is cut into batches. Processing is
 * incremental (bounded work per statement) from a cursor kept in the
 * database, one transaction per batch; several threads or processes may call
 * in at once (the cursor row serialises them).
 *
 * Level changes are queued in the same transaction and published afterwards
 * as xAPI statements through xapi_record() (mastery_publish).
 */
#ifndef CC_COMPETENCY_MASTERY_H
#define CC_COMPETENCY_MASTERY_H

#include <stddef.h>
#include <stdint.h>

#include "competency/evidence.h"
#include "store/store.h"

enum mastery_error {
    MASTERY_OK = 0,
    MASTERY_ERR_STORE = -1, /* storage failed; the batch was rolled back */
    MASTERY_ERR_NOMEM = -2,
    MASTERY_ERR_NOT_FOUND = -3,
    MASTERY_ERR_STALE = -4, /* the inputs changed and only a recomputation may go on */
};

/* How far the engine has got in an institution's log. */
struct mastery_progress {
    int64_t seq;       /* the last statement processed */
    int64_t latest;    /* the last statement stored for the institution (0: none) */
    int64_t reset_seq; /* the last statement when the state was last recomputed from the start */
    int64_t processed; /* statements read by this call */
    int64_t changes;   /* level changes this call queued for publication */
    int pending;       /* level changes waiting to be published */
    int stale;         /* the inputs changed; a recomputation is due */
};

/* How mastery_catch_up may go about it. */
enum mastery_flags {
    MASTERY_NO_RESET = 1 << 0, /* never start a recomputation (requests; the worker does it) */
};

#define MASTERY_BATCH_MAX 100000

/*
 * Processes INSTITUTION's statements after its cursor, in batches of BATCH
 * (1..MASTERY_BATCH_MAX) statements, one transaction each, until none is left or MAX
 * statements (0: no limit) have been read. When the frameworks or alignments
 * changed since the state was computed, the state is first cleared and the
 * cursor set back to the start (unless MASTERY_NO_RESET: then nothing is done
 * and MASTERY_ERR_STALE returned). PROGRESS (may be NULL) says where it got.
 */
int mastery_catch_up(struct store *db, int64_t institution, int batch, int64_t max, unsigned flags,
                     struct mastery_progress *progress) __attribute__((warn_unused_result));

/*
 * Recomputes INSTITUTION's mastery from its first statement: clears the state
 * (learners keep their ids) and processes the whole log in batches of BATCH.
 * Level changes already published are not published again.
 */
int mastery_rebuild(struct store *db, int64_t institution, int batch,
                    struct mastery_progress *progress) __attribute__((warn_unused_result));

/* Marks INSTITUTION's state for recomputation (the next catch-up starts from the first statement).
 */
int mastery_invalidate(struct store *db, int64_t institution) __attribute__((warn_unused_result));

/*
 * Forgets learner AGENT_KEY of INSTITUTION (after their statements were
 * erased) and marks the rest for recomputation, since erased statements may
 * have named other learners too.
 */
int mastery_forget_learner(struct store *db, int64_t institution, const char *agent_key)
    __attribute__((warn_unused_result));

/*
 * Publishes up to MAX (1..10000) queued level changes of INSTITUTION as xAPI
 * statements, oldest first, skipping those already stored. *HANDLED counts
 * the queued changes done with, *PUBLISHED the statements stored (either may
 * be NULL).
 */
int mastery_publish(struct store *db, int64_t institution, int max, int64_t *handled,
                    int64_t *published) __attribute__((warn_unused_result));

/* Where INSTITUTION's mastery stands, without processing anything. */
int mastery_status(struct store *db, int64_t institution, struct mastery_progress *out)
    __attribute__((warn_unused_result));

/*
 * The deterministic id of the statement that publishes LEARNER (agent key)
 * reaching LEVEL in ITEM because of statement TRIGGER of INSTITUTION: a UUID
 * version 5 (SHA-1) in the CareCampus mastery namespace.
 */
void mastery_statement_id(int64_t institution, const char *learner, const char *item, int level,
                          const char *trigger, char out[37]);

/* The agent key of platform user LOGIN (what statements about them are filed under). */
void mastery_user_agent_key(const char *login, char *out, size_t size);

/* The background worker of `carecampus serve`. */
struct mastery_worker;
struct store_pool;

/*
 * Starts a thread that, every INTERVAL_MS milliseconds, catches every
 * institution up and publishes its level changes, with a connection of POOL.
 */
int mastery_worker_start(struct store_pool *pool, unsigned interval_ms, struct mastery_worker **out)
    __attribute__((warn_unused_result));

/* Statements the worker has processed, and the milliseconds it spent doing so. */
void mastery_worker_stats(struct mastery_worker *w, int64_t *statements, int64_t *busy_ms);

/* Stops the worker after its current batch, waits for it and sets *W to NULL. */
void mastery_worker_stop(struct mastery_worker **w);

#endif
