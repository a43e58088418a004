/*
 * The award worker: badges awarded by rule, from the statement log. It reads
 * what the mastery engine publishes (verb .../xapi/verbs/attained or ADL
 * mastered, object https://carecampus.org/case/CFItems/<uuid>, the level in
 * result.extensions[.../mastery-level]; voiding statements take one back),
 * keeps each learner's latest attained level per item, and issues an
 * achievement's badge when a learner's levels satisfy its rule: every item
 * of the rule at the rule's level or above. It never calls the mastery
 * module: the log is the contract.
 *
 * Exactly once: the attainments read, the cursor and the badges issued move
 * in one transaction per batch, and a learner who holds a valid award of the
 * achievement, or a revoked one (an administrator's decision stands), gets
 * none. An expired award does not block: the next attainment re-certifies.
 * A changed rule makes every learner with attainments in its items be looked
 * at again.
 */
#ifndef CC_CREDENTIAL_AWARD_WORKER_H
#define CC_CREDENTIAL_AWARD_WORKER_H

#include <stdint.h>

#include "credential/award.h"
#include "store/store.h"

#define AWARD_VERB_ATTAINED "https://carecampus.org/xapi/verbs/attained"
#define AWARD_VERB_MASTERED "http://adlnet.gov/expapi/verbs/mastered"
#define AWARD_VERB_VOIDED   "http://adlnet.gov/expapi/verbs/voided"
#define AWARD_EXT_LEVEL     "https://carecampus.org/xapi/extensions/mastery-level"
#define AWARD_EXT_CFITEMS   "https://carecampus.org/xapi/extensions/cfitems"
#define AWARD_ITEM_IRI      "https://carecampus.org/case/CFItems/"
#define AWARD_WORKER_BATCH  500

/*
 * One step for INSTITUTION: reads up to MAX statements after its cursor and
 * issues what they earn, then what changed rules earn. *READ and *ISSUED
 * (may be NULL) count them.
 */
int award_worker_step(const struct award_context *ctx, int64_t institution, int max, int64_t *read,
                      int64_t *issued) __attribute__((warn_unused_result));

/*
 * Forgets the attainments of INSTITUTION whose statements are no longer stored
 * (a learner's erasure): what they said may not earn anything any more.
 * Badges already issued stay; revoking them is an admin's act.
 */
int award_forget_erased(struct store *db, int64_t institution) __attribute__((warn_unused_result));

struct award_worker_options {
    struct store_pool *pool;
    const unsigned char *seal_key; /* outlives the worker */
    const char *dir;               /* outlives the worker; may be NULL */
    const char *base;              /* outlives the worker */
    int64_t interval_ms;           /* how often the log is looked at */
};

struct award_worker;

/* Starts the worker thread. */
int award_worker_start(const struct award_worker_options *o, struct award_worker **out)
    __attribute__((warn_unused_result));

/* Makes the worker look now. W may be NULL. */
void award_worker_wake(struct award_worker *w);

/* Stops the worker between two batches, joins it and frees it; sets *W to NULL. */
void award_worker_stop(struct award_worker **w);

#endif
