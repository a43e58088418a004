/*
 * Validation of xAPI statements as a client sends them, before the LRS fills
 * in id, stored, authority, timestamp and version: the rules of the xAPI
 * specification (1.0.3, and 2.0 / IEEE 9274.1.1) as the ADL LRS conformance
 * test suite checks them.
 *
 * A problem names the JSON path of the offending value ("actor.mbox",
 * "object.definition.choices[2].id", "[3].verb.id" in a batch;
 * "result.extensions[\"example.com/x\"]" for a key that is not an
 * identifier) and a message id of xapi/messages.h. When a property is
 * missing the path names it ("verb.id" with "xapi_required").
 *
 * Validation reads the JSON in place: it allocates nothing except for the
 * duplicate-id check of a batch (one array), and each value is visited once.
 */
#ifndef CC_XAPI_STATEMENT_H
#define CC_XAPI_STATEMENT_H

#include <jansson.h>

#include "xapi/xapi.h"

/* The verb that voids a statement; its object must be a StatementRef. */
#ifndef XAPI_VERB_VOIDED
#define XAPI_VERB_VOIDED "http://adlnet.gov/expapi/verbs/voided"
#endif

/*
 * Validates one statement ST under version V: the properties of every object
 * (unknown or wrongly cased ones are rejected, null is rejected except as an
 * extension value), their types and formats, the Agent/Group rules, the
 * Activity Definition and interaction rules, SubStatement restrictions,
 * Result scores, Context rules (revision and platform only with an Activity
 * object; contextAgents and contextGroups only in 2.0), authority (an Agent,
 * or an anonymous Group of two Agents), version (1.0.x; 2.0 also 2.0.x),
 * attachments, and that a voiding statement has a StatementRef object.
 * Returns XAPI_OK or XAPI_ERR_INVALID with P filled in.
 */
int xapi_statement_validate(const json_t *st, enum xapi_version v, struct xapi_problem *p)
    __attribute__((warn_unused_result));

/*
 * Validates a request body BODY: one statement, or an array of statements
 * (possibly empty) whose problem paths start with "[i]". A batch must not
 * use the same id twice (compared as UUIDs, so case does not matter); the
 * second use is the problem. Returns XAPI_OK, XAPI_ERR_INVALID with P filled
 * in, or XAPI_ERR_NOMEM.
 */
int xapi_statements_validate(const json_t *body, enum xapi_version v, struct xapi_problem *p)
    __attribute__((warn_unused_result));

#endif
