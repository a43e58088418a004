/*
 * Erasing a learner from the LRS (PIPL, FERPA, GDPR requests): every
 * statement the learner appears in, and their state and agent-profile
 * documents, in one transaction, recorded in the audit log without the
 * learner's identifier (only its SHA-256).
 */
#ifndef CC_XAPI_ERASE_H
#define CC_XAPI_ERASE_H

#include <stdint.h>

#include "store/store.h"
#include "xapi/xapi.h"

struct xapi_erase_counts {
    int64_t statements;
    int64_t documents;
};

/* Erases AGENT_KEY (xapi_agent_key) in INSTITUTION on behalf of admin user BY. */
int xapi_erase_agent(struct store *db, int64_t institution, const char *agent_key, int64_t by,
                     struct xapi_erase_counts *counts) __attribute__((warn_unused_result));

#endif
