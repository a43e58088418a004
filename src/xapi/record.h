/*
 * xapi_record(): how the modules of this binary report learning. A module
 * (simulation, check-offs, literacy) builds an xAPI statement and hands it
 * here; it is validated and stored exactly as one posted by an LRS client,
 * with the platform itself as authority. Modules never call each other to
 * report learning: competencies and credentials derive from these records.
 */
#ifndef CC_XAPI_RECORD_H
#define CC_XAPI_RECORD_H

#include <jansson.h>
#include <stdint.h>

#include "store/store.h"
#include "xapi/xapi.h"

/* The account homePage of platform users in statements: {"homePage": this, "name": login}. */
#define XAPI_PLATFORM_HOMEPAGE "https://lrs.carecampus.invalid/users"

/*
 * Validates (xAPI 2.0) and stores STATEMENT for INSTITUTION; its id (given or
 * generated) is written to ID when not NULL. On XAPI_ERR_INVALID, P says why.
 */
int xapi_record(struct store *db, int64_t institution, const json_t *statement, char id[37],
                struct xapi_problem *p) __attribute__((warn_unused_result));

/*
 * Like xapi_record for each statement of the array STATEMENTS, stored all or
 * none in one transaction (one durable commit for the lot). On
 * XAPI_ERR_INVALID, P says which ("[i]…").
 */
int xapi_record_many(struct store *db, int64_t institution, const json_t *statements,
                     struct xapi_problem *p) __attribute__((warn_unused_result));

/* The Agent of a platform user LOGIN with display NAME (a new reference). */
json_t *xapi_user_agent(const char *login, const char *name);

#endif
