/*
 * The one allocation wrapper. Everything the project allocates goes through
 * these, so that tests can make the Nth allocation fail and count what is live.
 * They return NULL on failure like malloc; memory is released with cc_free()
 * (or free(): the underlying allocator is the C library's).
 */
#ifndef CC_UTIL_ALLOC_H
#define CC_UTIL_ALLOC_H

#include <stddef.h>

void *cc_malloc(size_t n);
void *cc_calloc(size_t n, size_t size);
void *cc_realloc(void *p, size_t n);
char *cc_strdup(const char *s);
char *cc_strndup(const char *s, size_t n);
void cc_free(void *p);

/* Tests: make allocation number N (counting from 1 from now) and all after it fail; 0 turns it off.
 */
void cc_alloc_fail_after(long n);

#endif
