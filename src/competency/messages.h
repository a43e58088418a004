/*
 * The texts of the competency module, in English and Simplified Chinese: the
 * problems a CASE package import reports (a predicate about the value at the
 * problem's path, written to follow it: "CFItems[3].identifier: must be a
 * lowercase UUID …"; the path is "" for problems of the whole file, whose
 * texts are whole sentences) and the errors of the framework and alignment
 * API. A text holds at most one %s.
 */
#ifndef CC_COMPETENCY_MESSAGES_H
#define CC_COMPETENCY_MESSAGES_H

#include <stddef.h>

#include "util/i18n.h"

/* The text of message ID in LANG; ids this module does not know go to i18n_text(). */
const char *competency_message(const char *id, enum lang lang);

/* The Ith id of the table, in order (for tests); NULL past the end. */
const char *competency_message_id(size_t i);

#endif
