/* UTF-8 checks. */
#ifndef CC_UTIL_UTF8_H
#define CC_UTIL_UTF8_H

#include <stddef.h>

/* 1 when the LEN bytes of S are well-formed UTF-8 (no overlongs, no surrogates, ≤ U+10FFFF). */
int utf8_valid(const char *s, size_t len);

/* Number of characters of a NUL-terminated UTF-8 string. */
size_t utf8_length(const char *s);

#endif
