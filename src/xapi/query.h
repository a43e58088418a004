/*
 * Statement queries (GET /xapi/statements with filters, the statement
 * browser, the export). A page is read by walking one index in store order
 * (seq) and stopping after it: the index of the most selective filter
 * (registration, activity, agent, verb) or, without filters, the
 * institution's statements. The other filters are checked on each statement
 * the walk meets. A statement whose object is a StatementRef is indexed under
 * what the statements of its chain of targets are indexed under (xapi/refs.h),
 * so the same walk finds it; when several filters are given, they must all
 * hold for one statement of the chain (or the statement itself).
 *
 * since and until become seq bounds: stored grows with seq (the LRS takes the
 * time inside the write transaction and never lets it go down).
 */
#ifndef CC_XAPI_QUERY_H
#define CC_XAPI_QUERY_H

#include <stdint.h>

#include "store/store.h"

struct xapi_query {
    const char *agent; /* an agent key (xapi_agent_key) or NULL */
    const char *verb;
    const char *activity;
    const char *registration;
    int related_agents;
    int related_activities;
    const char *since; /* stored after (exclusive), ISO 8601 UTC with milliseconds */
    const char *until; /* stored at or before */
    int ascending;
    int limit;         /* 1..XAPI_QUERY_MAX */
    int64_t after;     /* cursor: the seq of the last statement of the previous page, or 0 */
    int64_t client_id; /* only statements this client stored (statements/read/mine), or 0 */
};

#define XAPI_QUERY_MAX 500

typedef int (*xapi_statement_fn)(void *ctx, int64_t seq, const char *json);

/*
 * Calls FN for each statement matching Q (and each that targets one that
 * does, along chains of StatementRefs, as the spec asks), voided ones
 * excluded, in store order, at most Q->limit of them. *MORE is set when
 * statements remain after the page (its last seq is the cursor for the next
 * page). A non-zero return of FN stops the page and becomes the result.
 */
int xapi_statements_query(struct store *db, int64_t institution, const struct xapi_query *q,
                          xapi_statement_fn fn, void *ctx, int *more)
    __attribute__((warn_unused_result));

#endif
