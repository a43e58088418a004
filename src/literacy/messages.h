/*
 * The texts of the literacy module, in English and Simplified Chinese: the
 * problems of item files and imports (ids "lit_*": a predicate about the
 * value at the problem's place, "must be …"), and the errors of tests,
 * settings, the bank and calibration (ids "literacy_*": whole sentences).
 * A text holds at most one %s.
 */
#ifndef CC_LITERACY_MESSAGES_H
#define CC_LITERACY_MESSAGES_H

#include <stddef.h>

#include "literacy/item.h"
#include "util/i18n.h"

/* The text of message ID in LANG; ids this module does not know go to i18n_text(). */
const char *literacy_message(const char *id, enum lang lang);

/* The Ith id of the table, in order (for tests); NULL past the end. */
const char *literacy_message_id(size_t i);

/* Writes P as "WHERE: text" (or the text alone when WHERE is "") in LANG into OUT. */
void literacy_problem_format(const struct literacy_problem *p, enum lang lang, char *out,
                             size_t size);

#endif
