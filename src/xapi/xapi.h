/*
 * xapi/: the Learning Record Store (xAPI 1.0.3 and 2.0, IEEE 9274.1.1). This
 * header holds what every part of it shares: the versions, the error codes
 * and how a problem with an input is described.
 */
#ifndef CC_XAPI_XAPI_H
#define CC_XAPI_XAPI_H

#include <stddef.h>

/* The xAPI version of a request, from its X-Experience-API-Version header. */
enum xapi_version {
    XAPI_V103 = 1, /* 1.0.0 … 1.0.3 */
    XAPI_V20 = 2,  /* 2.0.x */
};

enum xapi_error {
    XAPI_OK = 0,
    XAPI_ERR_STORE = -1,     /* storage failed; nothing was changed (500) */
    XAPI_ERR_INVALID = -2,   /* the input breaks a rule: see the xapi_problem (400) */
    XAPI_ERR_NOT_FOUND = -3, /* 404 */
    XAPI_ERR_CONFLICT = -4,  /* 409: e.g. a stored statement with the same id and other content */
    XAPI_ERR_PRECONDITION = -5, /* 412: If-Match / If-None-Match not met */
    XAPI_ERR_NOMEM = -6,
    XAPI_ERR_FORBIDDEN = -7, /* 403: the client's scopes do not allow it */
};

/*
 * What is wrong with an input: the JSON path of the offending field
 * ("actor.mbox", "context.contextActivities.parent[0].id", or a parameter
 * name) and a message id of xapi/messages.h (with one %s argument when the
 * message has one).
 */
struct xapi_problem {
    char path[160];
    const char *msg;
    char arg[96];
};

/* Parses an X-Experience-API-Version value ("1.0.3", "2.0.0", "1.0"); 0 when unsupported. */
enum xapi_version xapi_version_parse(const char *header);

/* "1.0.3" or "2.0.0": the value this LRS answers with. */
const char *xapi_version_name(enum xapi_version v);

#endif
