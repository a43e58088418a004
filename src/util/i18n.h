/*
 * Messages the server says to people (errors, import reports), in English and
 * Simplified Chinese, looked up by a stable message id. The web UI has its own
 * catalogs (web/i18n/); these are the texts that come from the server.
 */
#ifndef CC_UTIL_I18N_H
#define CC_UTIL_I18N_H

#include <stddef.h>

enum lang { LANG_EN = 0, LANG_ZH = 1 };

/* A message catalog entry: an id and its English and Chinese texts. */
struct i18n_message {
    const char *id;
    const char *text[2];
};

/* The text of ID in LANG from a catalog of N entries sorted by id; NULL when absent. */
const char *i18n_find(const struct i18n_message *table, size_t n, const char *id, enum lang lang);

/* The text of message ID in LANG; may hold printf conversions documented beside the id. */
const char *i18n_text(const char *id, enum lang lang);

/* "en" or "zh-CN". */
const char *lang_tag(enum lang lang);

/* Parses a stored or submitted tag ("en", "zh-CN"); returns -1 for anything else. */
int lang_parse(const char *tag);

/* The best supported language of an Accept-Language header (NULL: English). */
enum lang lang_from_accept(const char *header);

#endif
