/*
 * StatementRef chains. A statement whose object is a StatementRef matches a
 * query when the statement it targets does, and so on along the chain of
 * targets ("Filter Conditions for StatementRefs", xAPI 1.0.3 and 2.0). So
 * that queries find such statements with one index walk in store order, a
 * targeting statement is indexed, when it is stored, under the agents and
 * activities of every member of its chain (their own rows copied with
 * direct + 2) and gets one xapi_statement_chain row per member (its verb and
 * registration); schema/0004_xapi_query_indexes.sql describes the rows.
 *
 * The chain is followed through at most XAPI_CHAIN_MAX StatementRefs. All
 * functions run inside the caller's write transaction.
 */
#ifndef CC_XAPI_REFS_H
#define CC_XAPI_REFS_H

#include <stdint.h>

#include "store/store.h"

/* How many StatementRefs a chain is followed through (the migration uses the same number). */
#define XAPI_CHAIN_MAX 16

/*
 * (Re)computes the chain rows of statement SEQ of INSTITUTION, whose object
 * targets the statement with id TARGET (lower case): removes its copied rows
 * and chain rows unless FRESH (a statement stored just now has none), then
 * follows the chain from TARGET through the statements stored so far.
 */
int xapi_refs_link(struct store *db, int64_t institution, int64_t seq, const char *target,
                   int fresh) __attribute__((warn_unused_result));

/*
 * After statement ID (lower case) of INSTITUTION was stored: the statements
 * that target it were stored before it, so their chains, and the chains
 * that pass through them, now reach further. Redoes them.
 */
int xapi_refs_arrived(struct store *db, int64_t institution, const char *id)
    __attribute__((warn_unused_result));

/*
 * Before the statements AGENT_KEY appears in (their own rows: actor, object,
 * instructor, team, authority, context agents, SubStatement) are erased from
 * INSTITUTION: collects the statements whose chains pass through one of them
 * into *OUT (cc_free it; *N of them). Their chains end there once it is
 * gone; call xapi_refs_relink after the delete.
 */
int xapi_refs_collect_agent(struct store *db, int64_t institution, const char *agent_key,
                            int64_t **out, size_t *n) __attribute__((warn_unused_result));

/* Redoes the chains of the N statements SEQS that still exist (see xapi_refs_collect). */
int xapi_refs_relink(struct store *db, int64_t institution, const int64_t *seqs, size_t n)
    __attribute__((warn_unused_result));

#endif
