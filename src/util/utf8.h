/* UTF-8 checks. */
#ifndef CC_UTIL_UTF8_H
#define CC_UTIL_UTF8_H

#include <stddef.h>

/* 1 when the LEN bytes of S are well-formed UTF-8 (no overlongs, no surrogates, ≤ U+10FFFF). */
int utf8_valid(const char *s, size_t len);

/* Number of characters of a NUL-terminated UTF-8 string. */
size_t utf8_length(const char *s);

/*
 * Copies the NUL-terminated SRC into DST of SIZE bytes (SIZE > 0), cutting it
 * short at a character boundary when it does not fit, so that the copy is
 * still valid UTF-8. Returns the bytes copied.
 */
size_t utf8_copy(char *dst, size_t size, const char *src);

#endif
