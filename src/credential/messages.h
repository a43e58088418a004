/*
 * The texts of the credential modules (issuer profiles, achievements,
 * awards, verification) in English and Simplified Chinese, by message id;
 * ids this table does not hold go to i18n_text().
 */
#ifndef CC_CREDENTIAL_MESSAGES_H
#define CC_CREDENTIAL_MESSAGES_H

#include <stddef.h>

#include "util/i18n.h"

/* The text of message ID in LANG. */
const char *credential_message(const char *id, enum lang lang);

/* The Ith id of the table, in order (for tests); NULL past the end. */
const char *credential_message_id(size_t i);

#endif
