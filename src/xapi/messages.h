/*
 * The texts of the problems xAPI validation finds (struct xapi_problem's
 * msg), in English and Simplified Chinese. A text is a predicate about the
 * value at the problem's path, written to follow it: "actor.mbox: must be a
 * mailto IRI ...". It holds at most one %s, filled with the problem's arg.
 */
#ifndef CC_XAPI_MESSAGES_H
#define CC_XAPI_MESSAGES_H

#include <stddef.h>

#include "util/i18n.h"

/*
 * The text of message ID in LANG. Ids this module does not know are looked up
 * with i18n_text() (the server's general messages, such as
 * "xapi_param_invalid"), which returns the id itself when nobody knows it.
 */
const char *xapi_message(const char *id, enum lang lang);

/*
 * The ids of the table, in order, for tests: the Ith id, or NULL past the
 * end.
 */
const char *xapi_message_id(size_t i);

#endif
